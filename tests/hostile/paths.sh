#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile paths: bind sources the user steers through symlinks, hard links
# and a racing swap; images (root-owned copies of the test rootfs) whose
# symlinks aim mount points and generated /etc files at host paths; and a
# persistent layer the user booby-trapped in an earlier run. Nothing may
# be mounted, created or changed outside the box, and no bind may show
# the user a file they could not read on the host.
. "$(dirname "$0")/hlib.sh"

RACE_SECONDS=${NSRUN_RACE_SECONDS:-60}
ESC=$HT/esc                     # host paths the images aim at
mkdir -p "$ESC"/{tmp,bt,tt,dev,proc,sys,t2,b2,etc}
for f in passwd group hosts hostname resolv.conf; do echo "CANARY $f" >"$ESC/$f"; done
echo CANARY >"$ESC/tmp/canary"; echo CANARY >"$ESC/etc/passwd"
chmod -R a+rX "$ESC"
esc_sum() { (cd "$ESC" && find . -printf '%p %y %m %s\n' | sort; cat passwd group hosts hostname) | md5sum; }
ESC0=$(esc_sum)
esc_same() { eq "$1: host paths the image aims at are untouched" "$ESC0" "$(esc_sum)"
  nomatch "$1: nothing mounted on them" " $ESC" "$(cat /proc/self/mountinfo)"; }
HOSTSUM0=$(md5sum /etc/passwd /etc/group /etc/hosts /etc/hostname 2>/dev/null)

# ---- images with symlinks aimed at host paths (root-owned copies)
IMG=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG")
cp -a "$NSRUN_ROOTFS/." "$IMG/"
chmod 0755 "$IMG"
ln -sfn "/../../../../..$ESC/hosts" "$IMG/etc/hosts"
ln -sfn "$ESC/hostname" "$IMG/etc/hostname"
ln -sfn "../../../../../../..$ESC/passwd" "$IMG/etc/passwd"
ln -sfn "/proc/self/root$ESC/group" "$IMG/etc/group"
ln -sfn "$ESC/resolv.conf" "$IMG/etc/resolv.conf"
rm -rf "$IMG/tmp"; ln -sfn "$ESC/tmp" "$IMG/tmp"
ln -sfn "$ESC/bt" "$IMG/mnt/bindtarget"
ln -sfn "/..$ESC/tt" "$IMG/mnt/tmpfstarget"
ln -sfn loop "$IMG/srv/loop"
ln -sfn "/proc/1/root$ESC" "$IMG/mnt/magic"
IMG2=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG2")
cp -a "$NSRUN_ROOTFS/." "$IMG2/"
chmod 0755 "$IMG2"
rm -rf "$IMG2/dev" "$IMG2/proc" "$IMG2/sys"
ln -sfn "$ESC/dev" "$IMG2/dev"; ln -sfn "$ESC/proc" "$IMG2/proc"; ln -sfn "/..$ESC/sys" "$IMG2/sys"
IMG3=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG3")
cp -a "$NSRUN_ROOTFS/." "$IMG3/"
chmod 0755 "$IMG3"
rm -rf "$IMG3/etc"; ln -sfn "$ESC/etc" "$IMG3/etc"

for img in IMG:"$IMG" IMG2:"$IMG2" IMG3:"$IMG3"; do
  for w in no tmpfs persistent; do
    n=hp-$(tr 'A-Z' 'a-z' <<<"${img%%:*}")-$w
    policy "$n" <<INI
[policy]
users = $TUSER
[rootfs]
path = ${img#*:}
writable = $w
[mount]
bind = $HB:/hbin:ro
bind = $HB:/mnt/bindtarget:ro
tmpfs = /mnt/tmpfstarget:size=1M
INI
    H_CLEAN+=("$DATADIR/$TUID/hpimg")
    out=$(nsr -p "$n" hpimg -- /bin/sh -c 'id -un; cat /etc/hostname; ls /mnt/bindtarget; echo x > /tmp/x; cat /etc/passwd' 2>&1); rc=$?
    if [ "$rc" = 0 ]; then
      match "${img%%:*} writable=$w: box runs, /etc/passwd is nsrun's" "^$TUSER:x:$TUID:" "$out"
      nomatch "${img%%:*} writable=$w: no canary read through the links" CANARY "$out"
    else
      refused "${img%%:*} writable=$w: refused" "$rc" "$out"
    fi
    esc_same "${img%%:*} writable=$w"
    rm -rf "$DATADIR/$TUID/hpimg"
  done
done
eq "host /etc files unchanged" "$HOSTSUM0" "$(md5sum /etc/passwd /etc/group /etc/hosts /etc/hostname 2>/dev/null)"
same_state "host untouched after the symlinked images"

# ---- bind sources through symlinks and hard links in the user's home
SEC=$HT/sec; mkdir -p "$SEC"; chmod 0711 "$SEC"
echo SECRET >"$SEC/file"; chmod 0600 "$SEC/file"
UH=$THOME/hostile-paths; H_CLEAN+=("$UH")
rm -rf "$UH"; run_as "$TUSER" mkdir -p "$UH/mine"
run_as "$TUSER" sh -c "echo MINE >'$UH/mine/file'"
run_as "$TUSER" ln -s /root "$UH/l-root"
run_as "$TUSER" ln -s "$SEC" "$UH/l-secdir"
run_as "$TUSER" ln -s "$SEC/file" "$UH/l-secfile"
run_as "$TUSER" ln -s "/proc/self/root$SEC/file" "$UH/l-magic"
run_as "$TUSER" ln -s "/proc/self/fd/3" "$UH/l-fd"
run_as "$TUSER" ln -s mine "$UH/l-mine"
run_as "$TUSER" mkfifo "$UH/fifo"
ln "$SEC/file" "$UH/hardlink" 2>/dev/null || cp -a "$SEC/file" "$UH/hardlink"   # as if linked before
for src in l-root l-secdir l-secfile l-magic l-fd hardlink; do
  n=hp-src-$src; basic_policy "$n" "[mount]
bind = \$HOME/hostile-paths/$src:/mnt/src:ro"
  out=$(timeout 20 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
    "$NSRUN" -p "$n" hp -- /bin/sh -c 'cat /mnt/src /mnt/src/file' 2>&1); rc=$?
  nomatch "bind source \$HOME/$src: the secret never shows" SECRET "$out"
  refused "bind source \$HOME/$src" "$rc" "$out"
done
basic_policy hp-src-mine "[mount]
bind = \$HOME/hostile-paths/l-mine:/mnt/src:ro"
out=$(nsr -p hp-src-mine hp -- /bin/cat /mnt/src/file 2>&1)
eq "control: a symlink to the user's own dir binds it" MINE "$out"
basic_policy hp-src-fifo "[mount]
bind = \$HOME/hostile-paths/fifo:/mnt/fifo:ro"
out=$(timeout 20 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
  "$NSRUN" -p hp-src-fifo hp -- /bin/true 2>&1); rc=$?
[ "$rc" = 0 ] || [ "$rc" = 125 ] && ok "bind source a FIFO: no hang (exit $rc)" || not_ok "bind source a FIFO: no hang" "rc=$rc $out"
# ---- bind sources on kernel file systems, the host's / and /dev: refused
# by --check (with the line) and at start, decided on the opened source
# (a symlink to /proc, the user's own one included, is refused too)
ln -sfn /proc "$HT/l-proc"
run_as "$TUSER" ln -s /proc/self "$UH/l-procself"
ks=0
for src in /proc /proc/self /sys /sys/fs/cgroup /dev /dev/pts /dev/null / "$HT/l-proc" '$HOME/hostile-paths/l-procself'; do
  n=hp-ksrc$((++ks)); basic_policy "$n" "[mount]
bind = $src:/mnt/k:ro"
  out=$(nsr -p "$n" hp -- /bin/sh -c 'ls /mnt/k | head -3; echo BOUND' 2>&1); rc=$?
  nomatch "bind source $src: nothing of it reaches the box" BOUND "$out"
  refused "bind source $src" "$rc" "$out"
  if [ "${src:0:1}" = / ]; then
    out=$("$NSRUN" --check "$POLICYDIR/$n.ini" 2>&1); rc=$?
    [ "$rc" != 0 ] && grep -q "^$POLICYDIR/$n.ini:7: mount.bind: source" <<<"$out" &&
      ok "--check: bind source $src refused at its line" ||
      not_ok "--check: bind source $src refused at its line" "rc=$rc" "$out"
  fi
done
basic_policy hp-ksrc-ok "[mount]
bind = /usr/share:/mnt/k:ro"
out=$("$NSRUN" --check "$POLICYDIR/hp-ksrc-ok.ini" 2>&1); rc=$?
eq "--check: an ordinary bind source passes (control)" "0 " "$rc $out"
same_state "host untouched after hostile bind sources"

# ---- the race: $HOME/hostile-paths/race swapped, as fast as the kernel
# allows, between the user's own dir and symlinks to an unreadable file
# and dir, while boxes start for RACE_SECONDS.
run_as "$TUSER" mkdir -p "$UH/race"
run_as "$TUSER" sh -c "echo MINE >'$UH/race/file'"
run_as "$TUSER" ln -s "$SEC/file" "$UH/race-a"
run_as "$TUSER" ln -s "$SEC" "$UH/race-b"
basic_policy hp-race "[mount]
bind = \$HOME/hostile-paths/race:/mnt/race:ro"
run_as "$TUSER" "$HB/hostprobe" swap "$UH/race" "$UH/race-a" "$((RACE_SECONDS / 2 + 2))" >"$HT/race1" 2>&1 &
H_PIDS+=($!)
run_as "$TUSER" "$HB/hostprobe" swap "$UH/race" "$UH/race-b" "$((RACE_SECONDS / 2 + 2))" >"$HT/race2" 2>&1 &
H_PIDS+=($!)
res=$(run_as "$TUSER" bash -c '
  end=$((SECONDS + $2)); n=0 mine=0 ref=0 leak=0 other=0
  while [ $SECONDS -lt $end ]; do
    out=$("$1" -p hp-race hrace -- /bin/sh -c "cat /mnt/race/file 2>/dev/null || cat /mnt/race 2>/dev/null; true" 2>&1); rc=$?
    n=$((n + 1))
    case "$out" in *SECRET*) leak=$((leak + 1));; esac
    if [ $rc = 0 ] && [ "$out" = MINE ]; then mine=$((mine + 1))
    elif [ $rc = 125 ]; then ref=$((ref + 1)); else other=$((other + 1)); [ $other -le 3 ] && echo "other: rc=$rc $out" >&2; fi
  done
  echo "$n $mine $ref $leak $other"' _ "$NSRUN" "$((RACE_SECONDS / 2))" 2>"$HT/race-other")
read -r n mine ref leak other <<<"$res"
wait "${H_PIDS[@]}" 2>/dev/null
diag "race: $n starts: $mine bound the user's dir, $ref refused, $other other, $leak leaked; $(cat "$HT/race1" "$HT/race2" | tr '\n' ' ')"
diag "$(cat "$HT/race-other")"
eq "raced bind source: the unreadable file never reached a box ($n starts)" 0 "${leak:-x}"
[ "${n:-0}" -ge 100 ] && ok "the race ran ${n} starts" || not_ok "the race ran enough starts" "$res"
[ "${mine:-0}" -gt 0 ] && [ "${ref:-0}" -gt 0 ] && ok "both outcomes seen (the race was real)" ||
  skip "both outcomes seen" "mine=$mine refused=$ref"
same_state "host untouched after the bind-source race"

# ---- a persistent layer the user booby-trapped in an earlier run: mount
# points under a world-writable image dir replaced by symlinks to host paths.
# The layer is the policy's own (DATADIR/UID/BOX/POLICY.policy): the trap
# is planted under the policy as it was, and sprung once the admin has
# added mounts there.
IMG4=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG4" "$DATADIR/$TUID/hptrap")
cp -a "$NSRUN_ROOTFS/." "$IMG4/"; chmod 0755 "$IMG4"
mkdir -m 1777 "$IMG4/pub"
policy hp-trap <<INI
[policy]
users = $TUSER
[rootfs]
path = $IMG4
writable = persistent
INI
out=$(nsr -p hp-trap hptrap -- /bin/sh -c "ln -s $ESC/b2 /pub/b && ln -s /../../..$ESC/t2 /pub/t && ls -l /pub" 2>&1); rc=$?
match "trap: the user planted symlinks at the mount points" "t -> " "$out"
policy hp-trap <<INI
[policy]
users = $TUSER
[rootfs]
path = $IMG4
writable = persistent
[mount]
bind = $HB:/hbin:ro
bind = $HB:/pub/b:ro
tmpfs = /pub/t:size=1M
INI
out=$(nsr -p hp-trap hptrap -- /bin/sh -c "ls /pub/b; touch /pub/t/x && echo wrote" 2>&1); rc=$?
if [ "$rc" = 0 ]; then ok "trap: box ran ($(tr '\n' ' ' <<<"$out"))"; else refused "trap: refused" "$rc" "$out"; fi
esc_same "trap (binds and tmpfs through the user's symlinks)"
t "trap: the host's $ESC/t2 has no x" test ! -e "$ESC/t2/x"
rm -rf "$DATADIR/$TUID/hptrap"

# ---- an image whose / the user cannot enter (root-owned, mode 0700): a
# refusal like any other, one nsrun: line (nsrun(1), EXIT STATUS), never a silent 125
IMG5=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG5")
cp -a "$NSRUN_ROOTFS/." "$IMG5/"; chmod 0700 "$IMG5"
policy hp-closed <<INI
[policy]
users = $TUSER
[rootfs]
path = $IMG5
INI
out=$(nsr -p hp-closed hpclosed -- /bin/true 2>&1); rc=$?
refused "image root mode 0700 (the user cannot enter /)" "$rc" "$out"

# ---- homes: a writable root never gets Debian's "no home" /nonexistent,
# and a missing home is made only where its parent exists in the image
IMG6=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG6")
cp -a "$NSRUN_ROOTFS/." "$IMG6/"; chmod 0755 "$IMG6"; rm -rf "$IMG6/home"
policy hp-nohome <<INI
[policy]
users = $TUSER, nobody
[rootfs]
path = $IMG6
writable = tmpfs
INI
if [ "$(getent passwd nobody | cut -d: -f6)" = /nonexistent ]; then
  out=$(run_as nobody "$NSRUN" -p hp-nohome hpnohome -- /bin/sh -c 'test -e /nonexistent && echo MADE-nonexistent; pwd' 2>&1); rc=$?
  eq "home /nonexistent: the box runs" 0 "$rc"
  nomatch "home /nonexistent: never created in the box" 'MADE-nonexistent' "$out"
  match "home /nonexistent: the command starts in /" '^/$' "$out"
else
  skip "home /nonexistent: never created in the box" "nobody's home is not /nonexistent here"
fi
out=$(nsr -p hp-nohome hpnohome -- /bin/sh -c 'test -e /home && echo MADE-home; pwd' 2>&1); rc=$?
eq "home under a parent the image lacks: the box runs" 0 "$rc"
nomatch "home under a parent the image lacks: no parent is made" 'MADE-home' "$out"

same_state "host untouched at the end"
done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Privilege after exec: no capability in any set, NoNewPrivs, the user's
# own ids; setuid-root and file-capability binaries (in the image and on a
# host bind) grant nothing; a user namespace made inside gains nothing on
# the host; nsrun's own binary cannot be reached for writing
# (CVE-2019-5736 class); no fd or cwd of the host reaches the box
# (CVE-2024-21626 class), checked from inside and, as root, from outside.
. "$(dirname "$0")/hlib.sh"

ZERO=0000000000000000
IMG=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG")
cp -a "$NSRUN_ROOTFS/." "$IMG/"; chmod 0755 "$IMG"
install -m 4755 -o root -g root "$HB/probe" "$IMG/suidprobe"
install -m 6755 -o root -g root "$HB/probe" "$IMG/sgidprobe"
install -m 0755 -o root -g root "$HB/probe" "$IMG/capprobe"
HAVE_SETCAP=0
command -v setcap >/dev/null && setcap cap_setuid,cap_setgid,cap_dac_override,cap_sys_admin+ep "$IMG/capprobe" && HAVE_SETCAP=1
install -m 4755 -o root -g root "$HB/probe" "$HB/suidprobe"
RW=$HT/rw; mkdir -p "$RW"; echo ROOTFILE >"$RW/rootfile"; chmod 0644 "$RW/rootfile"; chmod 0755 "$RW"
# The host's libraries, read-only, so that dynamically linked host binaries
# (nsrun's own, for the /proc/self/exe tests) can run inside the box.
for l in lib lib64; do [ -e "$IMG/$l" ] || ln -s "usr/$l" "$IMG/$l"; done
policy hpv <<INI
[policy]
users = $TUSER, $TUSER2
[rootfs]
path = $IMG
[mount]
bind = $HB:/hbin:ro
bind = $RW:/rw:rw
bind = /usr/lib:/usr/lib:ro
bind = /usr/lib64:/usr/lib64:ro
INI
inbox() { nsr -p hpv hpv -- "$@" 2>&1; }

# ---- capabilities, no_new_privs, ids
out=$(inbox /hbin/probe status)
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
  eq "payload $c is empty" "$ZERO" "$(awk -v c="$c:" '$1 == c {print $2}' <<<"$out")"
done
eq "payload NoNewPrivs 1" 1 "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$out")"
eq "payload under a seccomp filter (terminal)" 2 "$(awk '$1 == "Seccomp:" {print $2}' <<<"$out")"
eq "real, effective, saved, fs uid are the user's" "$TUID $TUID $TUID $TUID" "$(awk '$1 == "Uid:" {print $2, $3, $4, $5}' <<<"$out")"
eq "real, effective, saved, fs gid are the user's" "$TGID $TGID $TGID $TGID" "$(awk '$1 == "Gid:" {print $2, $3, $4, $5}' <<<"$out")"
eq "groups are exactly the user's" "$(id -G "$TUSER" | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
  "$(awk '$1 == "Groups:" {for (i = 2; i <= NF; i++) print $i}' <<<"$out" | sort -n | tr '\n' ' ')"
out=$(inbox /bin/cat /proc/1/status)
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
  eq "the box's init: $c is empty" "$ZERO" "$(awk -v c="$c:" '$1 == c {print $2}' <<<"$out")"
done
eq "the box's init runs as the user" "$TUID $TUID $TUID $TUID" "$(awk '$1 == "Uid:" {print $2, $3, $4, $5}' <<<"$out")"

# ---- setuid / setgid / file-capability binaries grant nothing
for b in /suidprobe /sgidprobe /hbin/suidprobe; do
  out=$(inbox "$b" suid); rc=$?
  eq "$b (setuid/setgid root): ran as the user, every way back to root refused" "0 uid=$TUID,$TUID,$TUID gid=$TGID,$TGID,$TGID" "$rc $(head -1 <<<"$out")"
  nomatch "$b: no setuid/setgid/open of shadow succeeded" ': ok$' "$out"
done
if [ "$HAVE_SETCAP" = 1 ]; then
  out=$(inbox /capprobe status)
  eq "file capabilities grant nothing (CapEff)" "$ZERO" "$(awk '$1 == "CapEff:" {print $2}' <<<"$out")"
  eq "file capabilities grant nothing (CapPrm)" "$ZERO" "$(awk '$1 == "CapPrm:" {print $2}' <<<"$out")"
else
  skip "file capabilities grant nothing" "setcap missing"
fi
out=$(inbox /bin/su -c id root </dev/null)
nomatch "busybox su inside gives no root" 'uid=0' "$out"

# ---- a user namespace made inside gains nothing on the host
host_hn=$(hostname)
out=$(inbox /bin/sh -c '
unshare -Ur sh -c "id -u; echo PWNED > /rw/rootfile && echo WROTE-rootfile; touch /rw/new && echo MADE-file" 2>&1
unshare -Uru sh -c "hostname hostile-pwned && hostname" 2>&1
unshare -Urm sh -c "mount --bind /rw /hbin && echo > /hbin/probe && echo WROTE-probe" 2>&1
exit 0')
diag "$out"
nomatch "userns inside: a root-owned file on a rw host bind stays unwritable" 'WROTE-rootfile|MADE-file' "$out"
eq "the host's root-owned file is unchanged" ROOTFILE "$(cat "$RW/rootfile")"
t "no file created on the host" test ! -e "$RW/new"
eq "the host's hostname is unchanged" "$host_hn" "$(hostname)"
nomatch "the host's helper binary was not overwritten" 'WROTE-probe' "$out"

# ---- [box] userns = no cannot be bypassed by joining a user namespace made
# outside: the caller passes an fd to one it owns (full capabilities
# there) on stdin, and the payload calls setns on it
policy hpv-nouserns <<INI
[policy]
users = $TUSER, $TUSER2
[rootfs]
path = $IMG
[mount]
bind = $HB:/hbin:ro
[box]
userns = no
INI
out=$(run_as "$TUSER" bash -c 'unshare -U sleep 20 & u=$!; sleep 0.5
  [ -r /proc/$u/ns/user ] || { echo NO-USERNS; kill $u; exit 0; }
  "$1" -p hpv-nouserns hpvns -- /hbin/probe setns-user </proc/$u/ns/user; kill $u' _ "$NSRUN" 2>&1)
if grep -q NO-USERNS <<<"$out"; then
  skip "userns = no: setns into a passed-in user namespace is refused" "the host lets no user make a user namespace"
else
  diag "$out"
  match "userns = no: setns(fd, 0) on a passed-in user namespace: denied" '^setns-user-type0: denied' "$out"
  match "userns = no: setns(fd, CLONE_NEWUSER) on a passed-in user namespace: denied" '^setns-user-type268435456: denied' "$out"
  nomatch "userns = no: no capability and no mount through a joined user namespace" '^mount-tmpfs-after-setns: ok|^CapEff:.*[1-9a-f]' "$out"
fi

# ---- CVE-2019-5736 class: nsrun's binary out of reach
sum0=$(sha256sum "$NSRUN")
out=$(inbox /hbin/probe exe)
nomatch "/proc/1/exe, mem, environ, root, cwd, fds of the box's init: all refused" ': ok$' "$out"
out=$(inbox /proc/self/exe --version); rc=$?
diag "payload /proc/self/exe --version: rc=$rc $(head -1 <<<"$out")"
nomatch "payload /proc/self/exe does not run a privileged nsrun" '^policydir' "$([ "$rc" = 0 ] && inbox /proc/self/exe -p hpv x -- /bin/true)"
# (CVE-2019-5736 class: the only processes of nsrun's image a box can see
# are its init, whose /proc/1/exe is refused above, and nsrun's binary run
# by the payload itself, which is the user's own unprivileged process, as
# the test above shows; the binary stays root's and unchanged.)
eq "nsrun's binary is unchanged" "$sum0" "$(sha256sum "$NSRUN")"
eq "nsrun's binary is still root's, setuid, not writable by others" "0:4755" "$(stat -c %u:%a "$NSRUN")"

# ---- CVE-2024-21626 class: no fd or cwd of the host
out=$(run_as "$TUSER" bash -c 'cd /etc; exec 3</ 4</etc 5<"$2"; exec "$1" -p hpv hpv -- /hbin/probe fds </dev/null' _ "$NSRUN" "$POLICYDIR" 2>&1)
eq "payload fds: exactly 0 1 2" "0 1 2 " "$(sed -n 's/^fd \([0-9]*\) .*/\1/p' <<<"$out" | tr '\n' ' ')"
match "payload cwd is inside the box (/ or home), not the caller's /etc" '^cwd /$|^cwd /home' "$out"
out=$(inbox /bin/sh -c 'cd ..; cd ..; ls /proc/self/cwd/ | tr "\n" " "')
eq "cwd/.. is the box's /" "$({ ls "$IMG"; echo hbin; echo rw; } | sort | tr '\n' ' ')" "$(tr ' ' '\n' <<<"$out" | grep . | sort | tr '\n' ' ')"
# from outside, as root: the box's init and payload hold nothing of the host
setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
  "$NSRUN" -p hpv hpvfd -- /bin/sleep 30 </dev/null >/dev/null 2>&1 &
sup=$!; H_PIDS+=("$sup")
init=$(wait_child_of "$sup"); sleep 0.5
payload=$(pgrep -P "${init:-0}" | head -1)
if [ -n "$init" ] && [ -n "$payload" ]; then
  eq "the box's init holds fds 0 1 2 only" "0 1 2 " "$(ls "/proc/$init/fd" | sort -n | tr '\n' ' ')"
  eq "the payload holds fds 0 1 2 only" "0 1 2 " "$(ls "/proc/$payload/fd" | sort -n | tr '\n' ' ')"
  host_root=$(stat -L -c %d:%i /)
  for p in "$init" "$payload"; do
    r=$(stat -L -c %d:%i "/proc/$p/root"); c=$(stat -L -c %d:%i "/proc/$p/cwd")
    [ "$r" != "$host_root" ] && ok "pid $p: root is not the host's /" || not_ok "pid $p: root is the host's /"
    [ "$c" = "$r" ] && ok "pid $p: cwd is the box's /" || not_ok "pid $p: cwd is the box's /" "root $r cwd $c"
  done
  t "the supervisor's pipes to the box are closed in the payload" bash -c "! ls -l /proc/$payload/fd | grep -q pipe"
else
  for i in 1 2 3 4 5 6 7; do skip "host view of the box's fds" "no init/payload found"; done
fi
kill -TERM "$sup"; wait "$sup" 2>/dev/null

same_state "host untouched at the end"
done_testing

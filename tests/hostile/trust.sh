#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile policy trust: names that try to become other paths, policy files
# and directories an unprivileged user could write or redirect, swaps
# between check and use, and error messages that would tell a user what
# exists. Every attempt must be refused in one line, exit 125, with the
# same words whatever the reason, and leave the host as it was.
. "$(dirname "$0")/hlib.sh"

mkpol() {   # mkpol FILE MARK [USERS]: a policy body that prints where it came from
  cat >"$1" <<INI
[policy]
description = trust test $2
users = ${3:-$TUSER, $TUSER2}
[rootfs]
path = $NSRUN_ROOTFS
[box]
env = MARK=$2
INI
}
policy_msg() { sed "s/\"$1\"/\"NAME\"/; s/ $1\$/ NAME/" <<<"$2"; }

mkpol "$POLICYDIR/htrust.ini" GOOD; T_POLICIES+=("$POLICYDIR/htrust.ini")
out=$(nsr -p htrust hb -- /bin/sh -c 'echo $MARK' 2>&1); rc=$?
eq "control: a root-owned 0644 policy in a root-owned dir works" "0 GOOD" "$rc $out"

# ---- names: /, .., overlong, odd bytes: refused before any file is opened
names=('../htrust' '..' '.' 'a/b' '/etc/passwd' 'HTRUST' 'htrust.ini' '-htrust' '_x' ''
  "$(printf 'a%.0s' $(seq 65))" "$(printf 'b%.0s' $(seq 5000))" 'ht rust' $'ht\nrust'
  'htrust/' 'htrust/../htrust' $'htrust\x01' 'h*' '$(id)' "$(printf 'ht\xc0\xafrust')")
bad=0
for n in "${names[@]}"; do
  out=$(nsr -p "$n" hb -- /bin/true 2>&1); rc=$?
  if [ "$rc" != 125 ] || [ "$(grep -c . <<<"$out")" != 1 ] || ! grep -q '^nsrun: ' <<<"$out"; then
    bad=$((bad + 1)); diag "name [$n]: rc=$rc: $out"
  fi
done
eq "${#names[@]} bad policy names: each refused in one line, exit 125" 0 "$bad"
if command -v strace >/dev/null; then
  strace -f -qq -u "$TUSER" -e trace=%file -o "$HT/names.strace" "$NSRUN" -p '../../../etc/htrustx' hb >/dev/null 2>&1
  nomatch "a name with .. is refused before it becomes a path (strace)" 'htrustx' "$(grep -v execve "$HT/names.strace")"
  strace -f -qq -u "$TUSER" -e trace=%file -o "$HT/names.strace" "$NSRUN" -p 'htrust' 'bad/box' >/dev/null 2>&1
  nomatch "a bad box name is refused before the policy is opened (strace)" 'htrust' "$(grep -v execve "$HT/names.strace")"
else
  skip "names refused before any open (strace)" "strace missing"
  skip "bad box name refused before the policy is opened" "strace missing"
fi

# ---- policy files an unprivileged user could write or redirect
mkpol "$HT/good-elsewhere.ini" LINKED
mkpol "$HT/evil.ini" EVIL
chmod 0644 "$HT"/*.ini
declare -A why=(
  [htr-gw]="group-writable (0664)" [htr-ow]="other-writable (0646)" [htr-user]="owned by the user"
  [htr-ugrp]="writable by a group the user is in" [htr-link]="a symlink to a root-owned file"
  [htr-link2]="a symlink to a trusted policy" [htr-fifo]="a FIFO" [htr-dir]="a directory"
  [htr-dev]="a device node" [htr-hl]="a hard link to a user's file" [htr-sticky]="mode 1666"
)
for n in "${!why[@]}"; do
  f=$POLICYDIR/$n.ini; T_POLICIES+=("$f")
  case $n in
    htr-gw) mkpol "$f" BAD; chmod 0664 "$f";;
    htr-ow) mkpol "$f" BAD; chmod 0646 "$f";;
    htr-user) mkpol "$f" BAD; chown "$TUSER" "$f";;
    htr-ugrp) mkpol "$f" BAD; chgrp "$TGROUP" "$f"; chmod 0664 "$f";;
    htr-link) ln -s "$HT/good-elsewhere.ini" "$f";;
    htr-link2) ln -s htrust.ini "$f";;
    htr-fifo) mkfifo -m 0644 "$f";;
    htr-dir) mkdir -m 0755 "$f"; H_CLEAN+=("$f");;
    htr-dev) mknod -m 0644 "$f" c 1 3;;
    htr-hl) mkpol "$POLICYDIR/user.txt" BAD; chown "$TUSER" "$POLICYDIR/user.txt"
            ln "$POLICYDIR/user.txt" "$f"; T_POLICIES+=("$POLICYDIR/user.txt");;
    htr-sticky) mkpol "$f" BAD; chmod 1666 "$f";;
  esac
done
missing=$(nsr -p htr-missing hb -- /bin/true 2>&1)
for n in $(printf '%s\n' "${!why[@]}" | sort); do
  out=$(timeout 20 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
    "$NSRUN" -p "$n" hb -- /bin/sh -c 'echo $MARK' 2>&1); rc=$?
  refused "policy ${why[$n]}" "$rc" "$out"
  eq "policy ${why[$n]}: same words as a missing policy" "$(policy_msg htr-missing "$missing")" "$(policy_msg "$n" "$out")"
done
t "root sees why (--check names the problem)" bash -c "'$NSRUN' --check '$POLICYDIR/htr-gw.ini' | grep -q writable"
same_state "host untouched after untrusted policies"

# ---- policy files that are hard to parse: bounded, refused in one line
T_POLICIES+=("$POLICYDIR/htr-huge.ini" "$POLICYDIR/htr-many.ini" "$POLICYDIR/htr-bin.ini" "$POLICYDIR/htr-longline.ini")
{ mkpol /dev/stdout HUGE; for i in $(seq 200000); do echo "; comment line $i padding padding padding"; done; } >"$POLICYDIR/htr-huge.ini"
{ mkpol /dev/stdout MANY; echo "[mount]"; for i in $(seq 5000); do echo "bind = /tmp:/m$i:ro"; done; } >"$POLICYDIR/htr-many.ini"
head -c 100000 /dev/urandom >"$POLICYDIR/htr-bin.ini"
{ mkpol /dev/stdout LONG; printf 'description = %s\n' "$(head -c 1000000 /dev/zero | tr '\0' x)"; } >"$POLICYDIR/htr-longline.ini"
chmod 0644 "$POLICYDIR"/htr-{huge,many,bin,longline}.ini
for n in htr-huge htr-many htr-bin htr-longline; do
  start=$(date +%s%N)
  out=$(timeout 30 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
    "$NSRUN" -p "$n" hb -- /bin/sh -c 'echo $MARK' 2>&1); rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$rc" = 0 ]; then ok "$n: accepted"; else refused "$n" "$rc" "$out"; fi
  [ "$ms" -lt 10000 ] && ok "$n: answered in ${ms} ms" || not_ok "$n: answered in ${ms} ms (>10 s)"
done

# ---- the policy directory writable by others or owned by a user
for m in 0777:root 1777:root 0775:"root:$TGROUP" 0755:"$TUSER"; do
  chmod "${m%%:*}" "$POLICYDIR"; chown "${m#*:}" "$POLICYDIR"
  out=$(nsr -p htrust hb -- /bin/sh -c 'echo $MARK' 2>&1); rc=$?
  refused "policy dir mode ${m%%:*} owner ${m#*:}" "$rc" "$out"
  eq "policy dir ${m}: same words as a missing policy" "$(policy_msg htr-missing "$missing")" "$(policy_msg htrust "$out")"
done
chmod 0755 "$POLICYDIR"; chown root:root "$POLICYDIR"
out=$(nsr -p htrust hb -- /bin/sh -c 'echo $MARK' 2>&1)
eq "policy dir restored: works again" GOOD "$out"

# A parent of the policy dir writable by others (in this test's own mount
# namespace: /run/nsrun-test is rebuilt from binds and opened up).
X=$(mktemp -d /run/nsrun-test/hostile-parent.XXXXXX)
for d in prefix state data policies.d; do mkdir -p "$X/$d"; done
mkdir -p "$X/rootfs"
if mount --bind /run/nsrun-test/prefix "$X/prefix" && mount --bind "$STATEDIR" "$X/state" &&
   mount --bind "$POLICYDIR" "$X/policies.d" && mount --bind "$NSRUN_ROOTFS" "$X/rootfs" &&
   mount --rbind "$X" /run/nsrun-test; then
  chmod 0777 /run/nsrun-test
  out=$(nsr -p htrust hb -- /bin/sh -c 'echo $MARK' 2>&1); rc=$?
  refused "a parent of the policy dir mode 0777" "$rc" "$out"
  chmod 0755 /run/nsrun-test; chown "$TUSER" /run/nsrun-test
  out=$(nsr -p htrust hb -- /bin/sh -c 'echo $MARK' 2>&1); rc=$?
  refused "a parent of the policy dir owned by the user" "$rc" "$out"
  chown root /run/nsrun-test
  umount -l /run/nsrun-test
else
  skip "a parent of the policy dir mode 0777" "cannot rebuild /run/nsrun-test from binds"
  skip "a parent of the policy dir owned by the user" "cannot rebuild /run/nsrun-test from binds"
fi
umount -l "$X"/* 2>/dev/null; rm -rf "$X"
out=$(nsr -p htrust hb -- /bin/sh -c 'echo $MARK' 2>&1)
eq "parent restored: works again" GOOD "$out"

# ---- swapped between check and use: a trusted policy exchanged, as fast
# as the kernel allows, with a user-owned one and with a symlink to a
# root-owned file outside the trusted tree. A start may be refused, or
# run with the trusted policy; it must never run with the other.

# swap_race A B WHAT: swap A and B (renameat2 EXCHANGE) for 12 s while the
# user starts htr-swap boxes for 10 s; counts good, refusedn and evil runs.
swap_race() {
  "$HB/hostprobe" swap "$1" "$2" 12 >"$HT/swap.log" 2>&1 &
  local racer=$! out rc end=$((SECONDS + 10))
  H_PIDS+=("$racer")
  good=0 evil=0 refusedn=0
  while [ $SECONDS -lt $end ]; do
    out=$(nsr -p htr-swap hb -- /bin/sh -c 'echo $MARK' 2>&1); rc=$?
    case "$rc:$out" in 0:GOOD) good=$((good + 1));; *EVIL*) evil=$((evil + 1));; 125:nsrun:*) refusedn=$((refusedn + 1));;
      *) diag "unexpected: $rc $out";; esac
  done
  wait "$racer"
  diag "swap with $3: $good good, $refusedn refused, $evil evil; $(cat "$HT/swap.log")"
}

f=$POLICYDIR/htr-swap.ini; T_POLICIES+=("$f" "$POLICYDIR/htr-evil.ini")
mkpol "$f" GOOD
mkpol "$POLICYDIR/htr-evil.ini" EVIL; chown "$TUSER" "$POLICYDIR/htr-evil.ini"
swap_race "$f" "$POLICYDIR/htr-evil.ini" "a user-owned file"
eq "policy swapped with a user-owned one: never used" 0 "$evil"
[ "$good" -gt 0 ] && [ "$refusedn" -gt 0 ] && ok "the race was really run (both outcomes seen)" ||
  skip "the race was really run (both outcomes seen)" "good=$good refused=$refusedn"
rm -f "$POLICYDIR/htr-evil.ini" "$f"
mkpol "$f" GOOD
ln -s "$HT/evil.ini" "$POLICYDIR/htr-evil.ini"
swap_race "$f" "$POLICYDIR/htr-evil.ini" "a symlink"
eq "policy swapped with a symlink: never followed" 0 "$evil"
same_state "host untouched after the swap races"

# ---- what the messages tell: the same words whether the policy is
# missing, untrusted, invalid, or valid but not for this user
T_POLICIES+=("$POLICYDIR/htr-other.ini" "$POLICYDIR/htr-syntax.ini")
mkpol "$POLICYDIR/htr-other.ini" OTHER "$TUSER2"
printf '[policy\nusers = %s\n' "$TUSER" >"$POLICYDIR/htr-syntax.ini"
for n in htr-other htr-syntax htr-gw; do
  out=$(nsr -p "$n" hb -- /bin/true 2>&1)
  eq "refusal of $n says no more than for a missing policy" "$(policy_msg htr-missing "$missing")" "$(policy_msg "$n" "$out")"
done
out=$(nsr -p htr-other --dry-run hb 2>&1); rc=$?
refused "--dry-run of a policy not for the user prints no plan" "$rc" "$out"
out=$(nsr --list 2>&1)
match "--list shows the user's policies" '^htrust' "$out"
nomatch "--list hides others' and broken policies, and why" 'htr-other|htr-gw|htr-syntax|unusable|writable' "$out"
# bind sources: missing and unreadable give the same words
mkdir -p "$HT/secretdir"; chmod 0700 "$HT/secretdir"
T_POLICIES+=("$POLICYDIR/htr-b1.ini" "$POLICYDIR/htr-b2.ini")
basic_policy htr-b1 "[mount]
bind = $HT/secretdir:/mnt/s:ro"
basic_policy htr-b2 "[mount]
bind = $HT/nonexistent:/mnt/s:ro"
o1=$(nsr -p htr-b1 hb -- /bin/true 2>&1); o2=$(nsr -p htr-b2 hb -- /bin/true 2>&1)
eq "unreadable and missing bind sources: same words" "${o1//secretdir/X}" "${o2//nonexistent/X}"
# --check reads with the caller's rights: no secret file content leaks
printf '[policy]\nSECRET-hunter2 = yes\n' >"$HT/secret.ini"; chmod 0600 "$HT/secret.ini"
out=$(nsr --check "$HT/secret.ini" /etc/shadow 2>&1)
nomatch "--check of root-only files shows none of their content" 'hunter2|root:' "$out"
out=$(nsr --check "$HT/nonexistent.ini" 2>&1); out2=$(nsr --check "$HT/secretdir/x.ini" 2>&1)
nomatch "--check says nothing of paths the user cannot see" 'x.ini.*(not a regular|No such)' "$out2"

# ---- rootfs the user can write, or reach through a symlink or a user dir
mkdir -p "$HT/ufs" "$HT/uparent/rootfs"; chown "$TUSER" "$HT/ufs" "$HT/uparent"
ln -sfn "$NSRUN_ROOTFS" "$HT/rootfs-link"
rn=0
for r in "$HT/ufs" "$HT/uparent/rootfs" "$HT/rootfs-link" "$NSRUN_ROOTFS/../rootfs" "/tmp"; do
  n=htr-r$((++rn)); T_POLICIES+=("$POLICYDIR/$n.ini")
  policy "$n" <<INI
[policy]
users = $TUSER
[rootfs]
path = $r
INI
  out=$(nsr -p "$n" hb -- /bin/true 2>&1); rc=$?
  refused "rootfs $r" "$rc" "$out"
done

# ---- hostnames are RFC 1123 labels, as written and after expansion
hn=0
for h in -g7 'g7-' '-$BOX' '$BOX-'; do
  n=htr-hn$((++hn)); T_POLICIES+=("$POLICYDIR/$n.ini")
  basic_policy "$n" "[box]
hostname = $h"
  out=$(nsr -p "$n" hb -- /bin/hostname 2>&1); rc=$?
  refused "hostname = $h" "$rc" "$out"
  out=$("$NSRUN" --check "$POLICYDIR/$n.ini" 2>&1); rc=$?
  [ "$rc" != 0 ] && grep -q "^$POLICYDIR/$n.ini:7: box.hostname" <<<"$out" &&
    ok "--check: hostname = $h refused at its line" || not_ok "--check: hostname = $h refused at its line" "rc=$rc" "$out"
done
T_POLICIES+=("$POLICYDIR/htr-hnd.ini")
basic_policy htr-hnd
out=$(nsr -p htr-hnd hb- -- /bin/hostname 2>&1); rc=$?
refused "default hostname \$BOX of a box named hb- (a label ending in '-')" "$rc" "$out"
eq "default hostname \$BOX of box hb-1: runs" hb-1 "$(nsr -p htr-hnd hb-1 -- /bin/hostname 2>&1)"
same_state "host untouched at the end"
done_testing

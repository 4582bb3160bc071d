#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Who the box runs as and what nsrun keeps on the host between boxes: a
# user in many groups is not locked out; a persistent layer belongs to one
# policy and one overlay at a time; host state an older nsrun left with
# the caller's group is given back to root (doc/hardening.md).
. "$(dirname "$0")/hlib.sh"

# ---- a user in 300 supplementary groups (nsrun once read at most 256 and
# refused everyone above: "cannot read your groups"). The user is made here
# and removed at the end; its 300 groups are given to it as a login gives
# them (setgroups, here by setpriv --groups: nsrun reads the kernel's list,
# never the group database), gids 70001-70300 that name no group, so the
# box's /etc/group shows them as gidN. (groupadd costs 0.3 s a group.)
MGU=nsrtestmg
NG=300
G0=70000
mg_cleanup() { userdel "$MGU" 2>/dev/null; }
trap 'mg_cleanup; h_cleanup' EXIT
mg_cleanup
useradd -M -N -g "$TGID" -d /nonexistent -s /bin/sh "$MGU" || bail "useradd $MGU failed"
MGIDS=$(seq -s, $((G0 + 1)) $((G0 + NG)))
mg() { setpriv --reuid="$MGU" --regid="$TGID" --groups="$MGIDS" --reset-env -- "$NSRUN" "$@"; }
host_groups=$(setpriv --reuid="$MGU" --regid="$TGID" --groups="$MGIDS" -- id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')
diag "$MGU runs in $(wc -w <<<"$host_groups") groups"
policy hgroups <<INI
[policy]
description = a user in many groups
users = $MGU
[rootfs]
path = $NSRUN_ROOTFS
INI
policy hgroups-g <<INI
[policy]
description = allowed through the last of many groups
groups = $((G0 + NG))
[rootfs]
path = $NSRUN_ROOTFS
INI
out=$(mg -p hgroups hg -- /bin/sh -c 'id -G' 2>&1); rc=$?
eq "a user in $NG supplementary groups starts a box" 0 "$rc"
eq "inside, id -G shows every one of them" "$host_groups" "$(tr ' ' '\n' <<<"$out" | grep . | sort -n | tr '\n' ' ')"
eq "the box's /etc/group names all $NG" "$NG" \
  "$(mg -p hgroups hg -- /bin/sh -c 'grep -c "^gid70[0-9]*:x:70[0-9]*:'"$MGU"'$" /etc/group' 2>&1)"
eq "a policy allowing only the user's ${NG}th group lets them in" ran \
  "$(mg -p hgroups-g hg -- /bin/echo ran 2>&1)"
out=$(run_as "$TUSER" "$NSRUN" -p hgroups-g hg -- /bin/echo ran 2>&1); rc=$?
refused "that policy still refuses a user outside the group" "$rc" "$out"
same_state "many groups: host state back as before"

# ---- the persistent layer is keyed by policy, and one overlay at a time
hpolicy hpa "writable = persistent"
hpolicy hpb "writable = persistent"
PD=$DATADIR/$TUID/hup
rm -rf "$PD"
H_CLEAN+=("$PD")
t "persistent, policy A: a write" nsr -p hpa hup -- /bin/sh -c 'echo a > /var/tmp/amark'
t "policy B, same user and box name: A's write does not lie over B's image" \
  nsr -p hpb hup -- /bin/sh -c 'test ! -e /var/tmp/amark'
eq "policy A: its write is still there" a "$(nsr -p hpa hup -- cat /var/tmp/amark 2>&1)"
eq "each policy has a layer of its own" "hpa.policy hpb.policy" "$(ls "$PD" | tr '\n' ' ' | sed 's/ $//')"
# an upper of the older layout (DATADIR/UID/BOX/{upper,work}) stays where
# it is and is never laid over any policy's image
install -d -m 0755 "$PD/upper/var/tmp"
echo old >"$PD/upper/var/tmp/omark"
t "an upper of the older layout is not used under any policy" \
  nsr -p hpa hup -- /bin/sh -c 'test ! -e /var/tmp/omark && test -e /var/tmp/amark'
eq "the older upper is left in place" old "$(cat "$PD/upper/var/tmp/omark" 2>&1)"
# the layer's lock: held by the supervisor for the box's life
locked() {   # locked DIR: is DIR flock()ed by someone else?
  python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(0)
sys.exit(1)' "$1"
}
hbg "$TUSER" -p hpa hup -- /bin/sleep 3
sup=$H_BG; wait_child_of "$sup" >/dev/null; sleep 0.5
t "while the box runs, its layer is locked" locked "$PD/hpa.policy"
tf "the other policy's layer is not" locked "$PD/hpb.policy"
wait "$sup" 2>/dev/null
tf "after the box, the layer is free again" locked "$PD/hpa.policy"
# a second overlay on a held layer is refused: the lock held from outside
# (as a box whose lock file went, or any other holder, would hold it)
python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
time.sleep(60)' "$PD/hpa.policy" >"$HT/uheld" 2>&1 &
holder=$!; H_PIDS+=("$holder")
for i in $(seq 50); do grep -q held "$HT/uheld" && break; sleep 0.1; done
out=$(nsr -p hpa hup -- /bin/echo ran 2>&1); rc=$?
refused "a start whose upper is in use" "$rc" "$out"
match "it says the persistent data is in use" 'persistent data of box hup \(policy hpa\) is in use' "$out"
eq "the same box name under the other policy runs" ran "$(nsr -p hpb hup -- /bin/echo ran 2>&1)"
kill "$holder"; { wait "$holder"; } 2>/dev/null
eq "with the layer free again, it runs" ran "$(nsr -p hpa hup -- /bin/echo ran 2>&1)"
rm -rf "$PD"
same_state "persistent layers: host state back as before"

# ---- state an older nsrun made with the caller's group (root:<group>):
# given to root:root when found (owner checked first, on the fd);
# anything not owned by root is refused, never adopted
hpolicy hgid "writable = persistent" "[limits]
pids = 100"
GD=$DATADIR/$TUID
H_CLEAN+=("$GD/hgid")
install -d -m 0700 -o root -g root "$GD"
chgrp "$TGID" "$STATEDIR/locks" "$GD"
install -m 0600 -o root -g "$TGID" /dev/null "$STATEDIR/locks/$TUID-hgid.lock"
hbg "$TUSER" -p hgid hgid -- /bin/sleep 2
sup=$H_BG; wait_child_of "$sup" >/dev/null; sleep 0.5
eq "an older build's locks dir, lock file and data dir are group root once used" \
  "0 0 0" "$(stat -c %g "$STATEDIR/locks" "$STATEDIR/locks/$TUID-hgid.lock" "$GD" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
wait "$sup" 2>/dev/null; rc=$?
eq "the box ran" 0 "$rc"
chown "$TUID:$TGID" "$STATEDIR/locks"
out=$(nsr -p hgid hgid -- /bin/echo ran 2>&1); rc=$?
refused "a locks dir owned by the user" "$rc" "$out"
eq "it is left as it was (not adopted)" "$TUID:$TGID" "$(stat -c %u:%g "$STATEDIR/locks")"
chown root:root "$STATEDIR/locks"
install -m 0600 -o "$TUID" -g "$TGID" /dev/null "$STATEDIR/locks/$TUID-hgid.lock"
out=$(nsr -p hgid hgid -- /bin/echo ran 2>&1); rc=$?
refused "a lock file owned by the user" "$rc" "$out"
eq "it is left as it was" "$TUID:$TGID" "$(stat -c %u:%g "$STATEDIR/locks/$TUID-hgid.lock" 2>&1)"
rm -f "$STATEDIR/locks/$TUID-hgid.lock"
eq "with it gone, the box runs" ran "$(nsr -p hgid hgid -- /bin/echo ran 2>&1)"
rm -rf "$GD/hgid"
same_state "older state: host state back as before"

# ---- a state record cut short (written without fsync: a crash can leave
# one empty or half written): it cannot be parsed, and the owner's next
# start removes it, as it removes a dead box's record
hpolicy hrec
install -d -m 0755 -o root -g root "$STATEDIR/boxes"
install -m 0600 -o root -g root /dev/null "$STATEDIR/boxes/$TUID-hrecempty"
printf 'uid=%s\nbox=hrechalf\ninit_p' "$TUID" >"$STATEDIR/boxes/$TUID-hrechalf"
chmod 0600 "$STATEDIR/boxes/$TUID-hrechalf"
out=$(nsr --ps 2>&1); rc=$?
eq "nsrun --ps skips records cut short" "0" "$rc"
grep -q hrec <<<"$out" && not_ok "... and lists none of them" "$out" || ok "... and lists none of them"
eq "a start of the owner's runs" ran "$(hbox hrec hrecnew /bin/echo ran)"
eq "... and its gc removed both records" "" \
  "$(ls "$STATEDIR/boxes/$TUID-hrecempty" "$STATEDIR/boxes/$TUID-hrechalf" 2>/dev/null)"
rm -f "$STATEDIR/locks/$TUID-hrecempty.lock" "$STATEDIR/locks/$TUID-hrechalf.lock"
same_state "records cut short: host state back as before"
done_testing

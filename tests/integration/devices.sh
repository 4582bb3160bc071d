#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# [devices] (nsrun.policy(5), doc/devices.md) with nodes this machine has:
# /dev/fuse and /dev/net/tun (character), a free /dev/loopN (block, with
# allow_block), /dev/kvm where present. Allowed nodes are in the box's
# /dev with the host's numbers, mode and owner, and open; nothing else is
# there; a node reached another way (the host's /dev bound by the policy)
# does not open; and the device cgroup itself refuses what is not allowed,
# shown by root joining the box's cgroup from the host and opening the
# host's own nodes (v1 here, v2 in the VM: tests/vm/devices.sh runs this
# file). --check refuses the fixed list and non-devices; refusals are one
# line and 125; nothing of the rules is left after a box.
. "$(dirname "$0")/../lib.sh"

[ "$CGMODE" != none ] || bail "no cgroup controllers here"
[ -c /dev/fuse ] && [ -c /dev/net/tun ] || bail "needs /dev/fuse and /dev/net/tun"
# The test VM has a bare devtmpfs (no udev): give fuse and tun the modes
# udev gives them on a Debian host. Only there: the guest is thrown away.
[ "${NSRUN_VM:-0}" = 1 ] && chmod 0666 /dev/fuse /dev/net/tun
HT=$(mktemp -d /run/nsrun-test/devices.XXXXXX)
trap 'rm -rf "$HT"; cleanup_policies' EXIT
chmod 0755 "$HT"
# Copies of host nodes in a directory an admin could bind (nsrun refuses a
# bind of /dev itself or of a node): the way in that is not /dev.
mkdir -m 0755 "$HT/nodes" "$HT/nodes/net"
mknod -m 0666 "$HT/nodes/fuse" c 10 229; mknod -m 0666 "$HT/nodes/net/tun" c 10 200
mknod -m 0666 "$HT/nodes/loop-control" c 10 237; mknod -m 0666 "$HT/nodes/null" c 1 3

before=$(host_state)
basic_policy dv-fuse "[devices]
allow = /dev/fuse"
basic_policy dv-more "[devices]
allow = /dev/fuse, /dev/net/tun
allow = ?/dev/kvm, ?/dev/nsrun-no-such-node
[mount]
bind = $HT/nodes:/hostdev:ro"

# ---- the box's /dev: the minimal set plus exactly the policy's nodes
out=$(nsr -p dv-fuse dv -- /bin/sh -c 'ls -A /dev | tr "\n" " "' 2>&1)
eq "allow = /dev/fuse: /dev holds the minimal set and fuse" \
  "fd full fuse null ptmx pts random shm stderr stdin stdout tty urandom zero " "$out"
# opens WORD NODE: what opening NODE read-write as the test user gives in
# the box, by the host node's mode (udev makes fuse and tun 0666; a bare
# devtmpfs, as in the VM, leaves them 0600: then the mode refuses, as on
# the host).
opens() { [ $((0$(stat -c %a "$2") & 6)) = 6 ] && echo "$1" || echo DENIED; }
out=$(nsr -p dv-fuse dv -- /bin/sh -c '(exec 3<>/dev/fuse) 2>/dev/null && echo OPENED || echo DENIED; stat -c "%F %t:%T %a %u:%g" /dev/fuse' 2>&1)
eq "/dev/fuse in the box: the host's numbers, mode and owner, and it opens where its mode lets the user" \
  "$(opens OPENED /dev/fuse) character special file $(stat -c '%t:%T %a %u:%g' /dev/fuse)" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
out=$(nsr -p dv-fuse dv -- /bin/sh -c 'exec 3<>/dev/null && head -c 3 /dev/zero | wc -c; echo x >/dev/full 2>/dev/null || echo FULL; head -c 1 /dev/urandom | wc -c' 2>&1)
eq "the minimal set still works under the device rules" "3 FULL 1" "$(tr -s '\n ' ' ' <<<"$out" | sed 's/ $//')"
out=$(nsr -p dv-fuse dv -- /bin/sh -c 'mknod /tmp/m c 1 1 2>&1 || echo REFUSED; mknod /tmp/f c 10 229 2>&1 || echo REFUSED' 2>&1)
eq "the box still cannot make nodes, allowed numbers included" "REFUSED REFUSED" "$(grep -o REFUSED <<<"$out" | tr '\n' ' ' | sed 's/ $//')"

out=$(nsr -p dv-more dv -- /bin/sh -c 'ls -A /dev /dev/net | tr "\n" " "; (exec 3<>/dev/net/tun) 2>/dev/null && echo TUN || echo DENIED' 2>&1)
match "optional entries missing here: one warning each, the box starts" \
  "nsrun: dv: warning: /dev/nsrun-no-such-node: not on this host \(optional, skipped\)" "$out"
match "/dev/net/tun is made in its directory and opens where its mode lets the user" \
  "net .*tun.*$(opens TUN /dev/net/tun)" "$(tr '\n' ' ' <<<"$out")"
if [ -c /dev/kvm ]; then
  match "/dev/kvm where present" " kvm " "$out"
else
  nomatch "no /dev/kvm on this host: not in the box" " kvm " "$out"
fi
# Reached another way: the policy binds a directory of node copies. They
# are on a nodev mount: nothing opens, the allowed ones neither.
out=$(nsr -p dv-more dv -- /bin/sh -c 'for n in loop-control null fuse net/tun; do
  [ -e /hostdev/$n ] || continue; echo "TRIED $n"; (exec 3<>/hostdev/$n) 2>/dev/null && echo "OPENED $n"
  head -c 1 /hostdev/$n >/dev/null 2>&1 && echo "READ $n"; done; ls /hostdev | grep -c .' 2>&1)
nomatch "device nodes through a policy bind: none opens" "OPENED|READ" "$out"
match "control: the bind really shows the nodes, and they were tried" \
  "TRIED fuse TRIED net/tun [0-9]+$" "$(grep -E '^(TRIED (fuse|net/tun)|[0-9]+)$' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"

# ---- the device cgroup enforces: root, joined to the running box's device
# cgroup from the host, still cannot open or make what is not allowed.
cg_dir() {   # PID -> directory of its device cgroup (v1 devices, else v2)
  local pid=$1 p mnt
  p=$(sed -n 's/^[0-9]*:devices:\(.*\)$/\1/p' "/proc/$pid/cgroup")
  if [ -n "$p" ] && [ "$p" != / ]; then
    mnt=$(awk -F' - ' '{ split($1, a, " "); split($2, b, " ") } b[1] == "cgroup" && b[3] ~ /(^|,)devices(,|$)/ { print a[5]; exit }' /proc/self/mountinfo)
  else
    p=$(sed -n 's/^0::\(.*\)$/\1/p' "/proc/$pid/cgroup")
    mnt=$(awk -F' - ' '{ split($1, a, " "); split($2, b, " ") } b[1] == "cgroup2" { print a[5]; exit }' /proc/self/mountinfo)
  fi
  echo "$mnt$p"
}
# in_cg DIR CMD: CMD as root in the cgroup DIR (a subshell; gone at once).
in_cg() { ( echo "$BASHPID" >"$1/cgroup.procs" && eval "$2" ) 2>&1; }
scale=${NSRUN_TIME_SCALE:-1}
"${NSR1[@]}" -p dv-fuse dvbg -- /bin/sh -c "sleep $((5 * scale))" >/dev/null 2>&1 &
sup=$!
box=""
for _ in $(seq $((50 * scale))); do box=$(pgrep -P "$sup" | head -1); [ -n "$box" ] && break; sleep 0.1; done
dir=$( [ -n "$box" ] && cg_dir "$box")
if [ -n "$box" ] && [ -d "$dir" ] && [ "$dir" != "$(cg_dir $$)" ]; then
  out=$(in_cg "$dir" 'exec 3<>/dev/fuse && echo FUSE-OK
    exec 4<>/dev/net/tun || echo TUN-REFUSED
    exec 5<>/dev/loop-control || echo LOOPCTL-REFUSED
    exec 6<>/dev/null && echo NULL-OK
    mknod '"$HT"'/tun c 10 200 || echo MKNOD-REFUSED
    mknod '"$HT"'/fuse c 10 229 && echo MKNOD-FUSE-OK')
  eq "root in the box's device cgroup: fuse and null open, tun and loop-control do not, mknod only of fuse" \
    "FUSE-OK TUN-REFUSED LOOPCTL-REFUSED NULL-OK MKNOD-REFUSED MKNOD-FUSE-OK" \
    "$(grep -oE '[A-Z-]+-(OK|REFUSED)' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
  match "the refusal is the device cgroup's (EPERM)" "Operation not permitted" "$out"
  rm -f "$HT/tun" "$HT/fuse"
else
  not_ok "found the running box's device cgroup" "box=$box dir=$dir"
fi
# nsrun --join: the joined process is in the box's device cgroup too (in
# the box's cgroup namespace its devices line, or on v2 its only line, is /).
devline='$(grep -E ":devices:" /proc/self/cgroup || grep -E "^0::" /proc/self/cgroup)'
out=$(run_as "$TUSER" "$NSRUN" --join dvbg -- /bin/sh -c "echo \"$devline\"" 2>&1)
match "nsrun --join enters the box's device cgroup" "^[0-9]+:(devices)?:/$" "$out"
wait "$sup"

# ---- a block device needs allow_block; one backing a mount never
loop=""
for n in 0 1 2 3 4 5 6 7; do
  [ -b /dev/loop$n ] || continue
  grep -q " 7:$n " /proc/self/mountinfo && continue
  loop=loop$n; break
done
if [ -n "$loop" ]; then
  basic_policy dv-noblock "[devices]
allow = /dev/$loop"
  basic_policy dv-block "[devices]
allow = /dev/$loop
allow_block = yes"
  out=$(nsr -p dv-noblock dv -- /bin/true 2>&1); rc=$?
  eq "a block device without allow_block: the policy is refused (125, one line)" \
    "125 nsrun: policy \"dv-noblock\" is not available" "$rc $out"
  out=$("$NSRUN" --check "$POLICYDIR/dv-noblock.ini" 2>&1)
  eq "... and --check says why, with its line" \
    "$POLICYDIR/dv-noblock.ini:7: devices.allow: /dev/$loop is a block device: that needs devices.allow_block = yes" "$out"
  out=$(nsr -p dv-block dv -- /bin/sh -c "stat -c '%F %t:%T' /dev/$loop; ls /dev | grep -c loop" 2>&1)
  eq "allow_block = yes: the block node is there, alone of its kind" \
    "block special file $(stat -c '%t:%T' /dev/$loop) 1" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
else
  skip "block device case" "no free /dev/loopN"
fi

# ---- refusals at start: one line, 125, nothing left
basic_policy dv-missing "[devices]
allow = /dev/fuse, /dev/nsrun-no-such-node"
out=$(nsr -p dv-missing dv -- /bin/true 2>&1); rc=$?
eq "a required node missing on this host: 125" 125 "$rc"
eq "... one line" "nsrun: dv: /dev/nsrun-no-such-node: no such device on this host" "$out"
if ! ls /dev/nvidia[0-9]* /dev/dri/renderD* >/dev/null 2>&1; then
  basic_policy dv-gpus "[devices]
gpus = all"
  out=$(nsr -p dv-gpus dv -- /bin/true 2>&1); rc=$?
  eq "gpus = all on a host without a GPU: 125 and one line" \
    "125 nsrun: dv: gpus = all: this host has no GPU (no /dev/nvidia[0-9]*, no /dev/dri/renderD*)" "$rc $out"
  basic_policy dv-sched "[devices]
gpus = scheduler"
  out=$(nsr -p dv-sched dv -- /bin/sh -c 'ls -A /dev | tr "\n" " "' 2>&1)
  eq "gpus = scheduler without GPUs: a warning, and the box has the minimal /dev" \
    "nsrun: dv: warning: gpus = scheduler: the caller's cgroup allows no GPU; the box gets none
fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "$out"
else
  skip "gpus = all refused without a GPU" "this host has GPU nodes"
fi

# ---- --check: the fixed list and non-devices, with FILE:LINE
chk() { printf '[rootfs]\npath = %s\n[devices]\n%s\n' "$NSRUN_ROOTFS" "$1" >"$HT/c.ini"; chmod 0644 "$HT/c.ini"
  run_as "$TUSER" "$NSRUN" --check "$HT/c.ini" 2>&1; echo "rc=$?"; }
out=$(chk "allow = /dev/mem")
eq "--check refuses /dev/mem with its line" "$HT/c.ini:4: devices.allow: /dev/mem can never be allowed (physical memory) rc=1" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
for n in kmem port kmsg cpu/0/msr mapper/control sg0 "*" "tty*"; do
  out=$(chk "allow = /dev/$n")
  match "--check refuses /dev/$n" "^$HT/c.ini:4: devices.allow: .*never be allowed.* rc=1$" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
done
out=$(chk "allow = /dev/net")
match "--check refuses a directory" "c.ini:4: devices.allow: /dev/net is not a device node" "$out"
out=$(chk "allow = /etc/passwd")
match "--check refuses a path outside /dev" "c.ini:4: devices.allow: \"/etc/passwd\" is not below /dev" "$out"
out=$(chk "allow = /dev/fuse
gpus = all")
eq "--check accepts a good section" "rc=0" "$out"

after=$(host_state)
eq "nothing of the boxes or their device rules left on the host" "$before" "$after"
[ -d /sys/fs/cgroup/devices/nsrun ] &&
  eq "no device leaf left under nsrun" "" "$(find /sys/fs/cgroup/devices/nsrun -mindepth 1 -type d)"
done_testing

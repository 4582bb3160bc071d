#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Smoke test run first inside the cgroup v2 VM (as root in the guest): the
# kernel and /init gave us what the limit tests rely on — a pure cgroup2
# hierarchy with pids, memory and cpu delegated, limits that the kernel
# enforces, the modules nsrun needs, the test users — and nsrun itself
# reports `cgroup: v2`. Standalone TAP (does not need a working box).
set -u
n=0
fails=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; [ $# -gt 1 ] && sed 's/^/# /' <<<"$2"; return 0; }
check()  { local d=$1; shift; local o; if o=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$o"; fi; }

cg=/sys/fs/cgroup
NSRUN=${NSRUN:-/run/nsrun-test/prefix/bin/nsrun}

check "cgroup2 is mounted at $cg" \
  grep -Eq "^[^ ]+ $cg cgroup2 " /proc/mounts
check "no cgroup v1 hierarchy is mounted" \
  bash -c '! grep -Eq " cgroup " /proc/mounts'
for c in pids memory cpu; do
  check "controller $c available and enabled for children" \
    bash -c "grep -qw $c $cg/cgroup.controllers && grep -qw $c $cg/cgroup.subtree_control"
done

# The kernel enforces v2 limits (independent of nsrun): a leaf with
# pids.max = 4 refuses the fifth process.
leaf=$cg/vm-smoke.$$
if mkdir "$leaf" 2>/dev/null; then
  echo 4 >"$leaf/pids.max"
  out=$(bash -c "echo \$\$ >$leaf/cgroup.procs; for i in 1 2 3 4 5 6; do sleep 2 & done; wait" 2>&1)
  if grep -q 'fork' <<<"$out" && [ "$(cat "$leaf/pids.events" | sed -n 's/^max //p')" -ge 1 ]; then
    ok "pids.max is enforced"
  else
    not_ok "pids.max is enforced" "$out"$'\n'"$(cat "$leaf/pids.events")"
  fi
  # memory.max: tmpfs pages charged to a 16M leaf; writing 64M gets OOM-killed.
  echo 16M >"$leaf/memory.max"
  echo 0 >"$leaf/memory.swap.max" 2>/dev/null
  rc=$(bash -c "echo \$\$ >$leaf/cgroup.procs; exec dd if=/dev/zero of=/dev/shm/vm-smoke bs=1M count=64" >/dev/null 2>&1
    echo $?) 2>/dev/null
  rm -f /dev/shm/vm-smoke
  kills=$(sed -n 's/^oom_kill //p' "$leaf/memory.events")
  if [ "$rc" -eq 137 ] && [ "${kills:-0}" -ge 1 ]; then
    ok "memory.max is enforced (OOM kill counted in memory.events)"
  else
    not_ok "memory.max is enforced (OOM kill counted in memory.events)" "dd rc=$rc"$'\n'"$(cat "$leaf/memory.events")"
  fi
  echo "50000 100000" >"$leaf/cpu.max" 2>/dev/null
  eq=$(cat "$leaf/cpu.max")
  if [ "$eq" = "50000 100000" ]; then ok "cpu.max accepts a quota"; else not_ok "cpu.max accepts a quota" "$eq"; fi
  rmdir "$leaf" 2>/dev/null || { sleep 1; rmdir "$leaf"; }
else
  not_ok "create a test cgroup under $cg"
fi

check "root is a tmpfs, not the initramfs (pivot_root needs it)" \
  bash -c 'awk '\''$5 == "/" { print $9 }'\'' /proc/self/mountinfo | tail -n 1 | grep -qx tmpfs'
for m in overlay veth bridge; do
  check "kernel module $m loaded" grep -q "^$m " /proc/modules
done
check "overlay filesystem registered" grep -qw overlay /proc/filesystems
check "veth pair can be created" \
  bash -c 'ip link add vmsmk0 type veth peer name vmsmk1 && ip link del vmsmk0'
check "test users exist (nsrtest1 in nsrtestg)" \
  bash -c 'id nsrtest1 && id nsrtest2 && id -Gn nsrtest1 | grep -qw nsrtestg'
check "setpriv drops to a test user" \
  bash -c '[ "$(setpriv --reuid=nsrtest1 --regid="$(id -g nsrtest1)" --init-groups --reset-env -- id -u)" = "$(id -u nsrtest1)" ]'

if [ -x "$NSRUN" ]; then
  check "nsrun is setuid root" bash -c "[ \"\$(stat -c %u:%a '$NSRUN')\" = 0:4755 ]"
  ver=$("$NSRUN" --version 2>&1)
  if grep -qx 'cgroup: v2' <<<"$ver"; then ok "nsrun --version says cgroup: v2"; else not_ok "nsrun --version says cgroup: v2" "$ver"; fi
else
  not_ok "nsrun installed at $NSRUN" "the build dir has no installable nsrun"
fi

echo "1..$n"
[ "$fails" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Minimal box test for the cgroup v2 VM: a real box as a test user through
# the setuid nsrun, with every [limits] key set; checks the leaf's v2 files
# while the box runs, the box's own view (cgroup namespace, nofile, a pids
# limit that stops forks) and that nothing is left behind. Runs as root in
# the guest (also on any v2 host); tests/integration/limits.sh goes deeper.
. "$(dirname "$0")/../lib.sh"

[ "$CGMODE" = v2 ] || bail "needs cgroup v2 (nsrun reports cgroup: $CGMODE)"
trap cleanup_policies EXIT
scale=${NSRUN_TIME_SCALE:-1}

basic_policy vmbox "[limits]
pids = 24
memory = 64M
swap = 0
cpu = 0.5
nofile = 256"

before=$(host_state)

out=$(nsr --policy vmbox vmb1 -- /bin/sh -c 'echo hello from $(hostname)' 2>&1)
eq "a box runs and has its own hostname" "hello from vmb1" "$out"

nsr --policy vmbox vmb1 -- /bin/sh -c 'exit 7' >/dev/null 2>&1
eq "the payload's exit status comes back" 7 "$?"

out=$(nsr --policy vmbox vmb1 -- cat /proc/self/cgroup 2>&1)
eq "the box sees its own cgroup as / (cgroup namespace)" "0::/" "$out"

out=$(nsr --policy vmbox vmb1 -- /bin/sh -c 'ulimit -n' 2>&1)
eq "nofile applied" 256 "$out"

# The leaf while the box runs: limits written in v2 terms.
nsr --policy vmbox vmb2 -- /bin/sleep $((2 * scale)) >/dev/null 2>&1 &
bpid=$!
leaf=
for _ in $(seq 1 $((20 * scale))); do
  leaf=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d -name '*vmb2*' 2>/dev/null | head -n 1)
  [ -n "$leaf" ] && grep -q . "$leaf/cgroup.procs" 2>/dev/null && break
  sleep 0.1
done
if [ -n "$leaf" ]; then
  ok "a leaf exists while the box runs (${leaf#/sys/fs/cgroup/})"
  eq "pids.max in the leaf" 24 "$(cat "$leaf/pids.max" 2>&1)"
  eq "memory.max in the leaf" $((64 * 1024 * 1024)) "$(cat "$leaf/memory.max" 2>&1)"
  eq "memory.swap.max in the leaf" 0 "$(cat "$leaf/memory.swap.max" 2>&1)"
  eq "cpu.max in the leaf" "50000 100000" "$(cat "$leaf/cpu.max" 2>&1)"
  nomatch "the box's processes are in the leaf, not the root" '^$' "$(cat "$leaf/cgroup.procs" 2>&1)"
else
  not_ok "a leaf exists while the box runs" "$(find /sys/fs/cgroup -maxdepth 3 -type d)"
fi
wait "$bpid"
eq "the sleeping box exits 0" 0 "$?"
[ -z "$leaf" ] || tf "the leaf is gone after the box" test -d "$leaf"

# pids: forks beyond the limit fail inside the box, and nothing survives.
out=$(nsr --policy vmbox vmb3 -- /bin/sh -c 'for i in $(seq 1 60); do sleep 2 & done; wait' 2>&1)
match "forks past pids = 24 fail inside the box" "fork|Resource temporarily unavailable" "$out"

after=$(host_state)
eq "nothing is left behind (cgroups, locks, processes, mounts)" "$before" "$after"

done_testing

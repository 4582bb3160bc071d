#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# [limits] (nsrun.policy(5)) on this host's cgroups (v1 here, v2 in the VM):
# a fork bomb stops at pids while the host keeps forking; memory past the
# limit ends in 137 and the message, host unharmed; cpu quota observed
# loosely; nofile applied; 200 sequential boxes leave no leaf; kill -9 of
# nsrun leaves nothing running and the next start / nsrun --gc removes the
# leaf. Inside the box only busybox is needed (the same runs in the VM).
. "$(dirname "$0")/../lib.sh"

case "$CGMODE" in v1|v2) ;; *) bail "no usable cgroup mode (nsrun says: ${CGMODE:-?})";; esac

BG=()
cleanup() {
  local p
  for p in "${BG[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -n "${CANARY:-}" ] && { kill "$CANARY" 2>/dev/null; wait "$CANARY" 2>/dev/null; }
  cleanup_policies
  rm -rf "$TD"
}
trap cleanup EXIT
TD=$(mktemp -d /tmp/nsr-limits.XXXXXX)
ROOTFS=$NSRUN_ROOTFS

# Box-side programs, busybox sh only, no fork in their loops.
# forks: "sleep 300 &" until fork fails (ash then exits), printing the count;
# the outer shell then holds the box 4 s (its one fork uses the slot the
# inner shell freed), so the host can watch the leaf at its limit.
BOMB='sh -c '"'"'n=0; while :; do sleep 300 & n=$((n + 1)); echo "forks $n"; done'"'"'; sleep 4'
# spin S: busy for S seconds; prints its CPU and wall time in ms.
SPIN='read u _ </proc/uptime; t0=${u%.*}${u#*.}; t=$t0; e=$((t0 + $1 * 100))
while [ "$t" -lt "$e" ]; do read u _ </proc/uptime; t=${u%.*}${u#*.}; done
read -r l </proc/self/stat; set -- $l
echo "cpu_ms $(( (${14} + ${15}) * 10 )) wall_ms $(( (t - t0) * 10 ))"'

# lpolicy NAME "INI lines for [limits]"
lpolicy() {
  policy "$1" <<INI
[policy]
description = limits test $1
users = $TUSER, $TUSER2
[rootfs]
path = $ROOTFS
[limits]
$2
INI
}
lpolicy lim-all "$(printf 'pids = 64\nmemory = 64M\nswap = 0\ncpu = 0.5\nnofile = 321')"
lpolicy lim-pids "pids = 64"
lpolicy lim-mem "$(printf 'memory = 64M\nswap = 0')"
lpolicy lim-cpu "cpu = 0.5"
lpolicy lim-nofile "nofile = 321"

# Leaf directories of a box (every hierarchy), found from the mount table.
cg_mounts() { awk '$0 ~ / - cgroup2? / { print $5 }' /proc/self/mountinfo; }
leaves() {
  local m
  for m in $(cg_mounts); do
    find "$m" -maxdepth 4 -type d -path "*/nsrun/$TUID-$1-*" 2>/dev/null
  done
}
pids_leaf() {
  local d
  for d in $(leaves "$1"); do [ -f "$d/pids.current" ] && { echo "$d"; return; }; done
}
# tnsr ARGS...: nsrun as the test user, bounded in time.
tnsr() {
  timeout $((60 * SCALE)) setpriv --reuid="$TUID" --regid="$TGID" --init-groups --reset-env -- \
    "$NSRUN" "$@"
}
# Live (non-zombie) processes of the test user whose command matches ERE.
user_procs() {
  ps -u "$TUID" -o pid=,stat=,args= 2>/dev/null |
    awk -v re="$1" '$2 !~ /^Z/ && $0 ~ re { print $1 }' | tr '\n' ' '
}
SCALE=${NSRUN_TIME_SCALE:-1}   # the VM under emulation sets 10
wait_for() {   # wait_for TENTHS CMD... (TENTHS scaled by SCALE)
  local n=$(($1 * SCALE)); shift
  while [ "$n" -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}
no_leaves() { [ -z "$(leaves "$1")" ]; }
has_leaves() { [ -n "$(leaves "$1")" ]; }
no_user_procs() { [ -z "$(user_procs "$1")" ]; }
host_forks() {   # seconds for N host forks+execs of /bin/true
  local n=$1 t0 t1 i
  t0=$(date +%s%N)
  for ((i = 0; i < n; i++)); do /bin/true || return 1; done
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

out=$(tnsr --policy lim-all lsmoke -- /bin/true 2>&1); rc=$?
[ "$rc" -eq 0 ] || bail "a box with limits does not start (exit $rc): $out"
ok "a box with every limit starts ($CGMODE)"
host_before=$(host_state)

# --- pids: fork bomb ------------------------------------------------------
base_ms=$(host_forks 200)
timeout $((60 * SCALE)) setpriv --reuid="$TUID" --regid="$TGID" --init-groups --reset-env -- \
  "$NSRUN" --policy lim-pids lbomb -- /bin/sh -c "$BOMB" >"$TD/bomb.out" 2>&1 &
BOMB_PID=$!; BG+=("$BOMB_PID")
maxp=0
for _ in $(seq 60); do
  d=$(pids_leaf lbomb)
  if [ -n "$d" ]; then
    c=$(cat "$d/pids.current" 2>/dev/null || echo 0)
    [ "$c" -gt "$maxp" ] && maxp=$c
    [ "$c" -ge 60 ] && break
  fi
  sleep 0.1
done
bomb_ms=$(host_forks 200) || bomb_ms=fail
for _ in 1 2 3 4 5; do
  d=$(pids_leaf lbomb)
  [ -n "$d" ] && c=$(cat "$d/pids.current" 2>/dev/null || echo 0) && [ "$c" -gt "$maxp" ] && maxp=$c
  sleep 0.2
done
wait "$BOMB_PID"; rc=$?
bomb_out=$(cat "$TD/bomb.out")
forks=$(sed -n 's/^forks \([0-9]*\)$/\1/p' <<<"$bomb_out" | tail -1)
match "the bomb met the limit (fork failed inside)" "can't fork" "$bomb_out"
if [ -n "$forks" ] && [ "$forks" -ge 48 ] && [ "$forks" -lt 64 ]; then
  ok "fork bomb stopped by pids = 64 ($forks forks)"
else
  not_ok "fork bomb stopped by pids = 64" "$bomb_out"
fi
if [ "$maxp" -ge 50 ] && [ "$maxp" -le 64 ]; then
  ok "host sees at most 64 tasks in the leaf (max $maxp)"
else
  not_ok "host sees at most 64 tasks in the leaf" "max pids.current seen: $maxp"
fi
if [ "$bomb_ms" != fail ] && [ "$bomb_ms" -le $((base_ms * 5 + 3000)) ]; then
  ok "host keeps forking during the bomb (200 forks: ${bomb_ms} ms, idle ${base_ms} ms)"
else
  not_ok "host keeps forking during the bomb" "200 forks: $bomb_ms ms, idle: $base_ms ms"
fi
t "nothing of the bomb survives" wait_for 30 no_user_procs "sleep 300"
t "the bomb's leaf is gone" wait_for 30 no_leaves lbomb

# --- memory ---------------------------------------------------------------
sleep 300 & CANARY=$!
out=$(tnsr --policy lim-mem lmem -- /bin/dd if=/dev/zero of=/dev/null bs=256M count=1 2>&1); rc=$?
eq "allocating past memory = 64M exits 137" 137 "$rc"
match "nsrun says the memory limit killed it" "^nsrun: lmem: killed: memory limit \(64M\) exceeded$" "$out"
t "a host process is unharmed" kill -0 "$CANARY"
out=$(tnsr --policy lim-mem lmem -- /bin/dd if=/dev/zero of=/dev/null bs=16M count=1 2>&1); rc=$?
eq "16M under memory = 64M runs to the end" 0 "$rc"
t "the memory leaf is gone" wait_for 30 no_leaves lmem

# --- cpu ------------------------------------------------------------------
out=$(tnsr --policy lim-cpu lcpu -- /bin/sh -c "$SPIN" spin 2 2>&1); rc=$?
cpu_ms=$(sed -n 's/^cpu_ms \([0-9]*\) wall_ms .*/\1/p' <<<"$out")
wall_ms=$(sed -n 's/^cpu_ms [0-9]* wall_ms \([0-9]*\)$/\1/p' <<<"$out")
if [ "$rc" -eq 0 ] && [ -n "$cpu_ms" ] && [ -n "$wall_ms" ] && [ "$wall_ms" -gt 0 ] &&
   [ $((cpu_ms * 100 / wall_ms)) -lt 80 ] && [ $((cpu_ms * 100 / wall_ms)) -ge 10 ]; then
  ok "cpu = 0.5: a busy loop gets $((cpu_ms * 100 / wall_ms))% of a CPU"
else
  not_ok "cpu = 0.5: a busy loop gets less than 80% of a CPU" "exit $rc: $out"
fi

# --- nofile ---------------------------------------------------------------
out=$(tnsr --policy lim-nofile lnf -- /bin/sh -c 'ulimit -n' 2>&1)
eq "nofile = 321 is the box's open-file limit" 321 "$out"
out=$(tnsr --policy lim-all lnf -- /bin/sh -c 'ulimit -n' 2>&1)
eq "nofile = 321 with every other limit too" 321 "$out"

# --- 200 sequential boxes ------------------------------------------------
fails=0
for i in $(seq 200); do
  tnsr --policy lim-all lseq -- /bin/true >/dev/null 2>&1 || fails=$((fails + 1))
done
eq "200 sequential boxes all exit 0" 0 "$fails"
eq "200 sequential boxes leave zero leaves" "" "$(leaves lseq)"

# --- kill -9 of nsrun ----------------------------------------------------
# kill9 BOX: start a box that sleeps, kill -9 nsrun once its leaf exists.
kill9() {
  setpriv --reuid="$TUID" --regid="$TGID" --init-groups --reset-env -- \
    "$NSRUN" --policy lim-pids "$1" -- /bin/sleep 1234 >/dev/null 2>&1 &
  local p=$!
  BG+=("$p")
  wait_for 100 has_leaves "$1" || return 1
  kill -KILL "$p"; wait "$p" 2>/dev/null
  return 0
}
if kill9 lkill; then
  t "kill -9 nsrun: nothing of the box keeps running" wait_for 50 no_user_procs 'sleep 1234'
  out=$(tnsr --policy lim-pids lkill -- /bin/true 2>&1); rc=$?
  eq "kill -9 nsrun: the next start of the box works" 0 "$rc"
  eq "kill -9 nsrun: the next start removed the stale leaf" "" "$(leaves lkill)"
else
  not_ok "kill -9 nsrun: the box's leaf never appeared"
fi
if kill9 lkill2; then
  t "kill -9 nsrun (2): nothing of the box keeps running" wait_for 50 no_user_procs 'sleep 1234'
  out=$("$NSRUN" --gc 2>&1); rc=$?
  eq "nsrun --gc as root succeeds" 0 "$rc"
  eq "nsrun --gc removed the orphan leaf" "" "$(leaves lkill2)"
  tf "nsrun --gc is refused to a user" nsr --gc
else
  not_ok "kill -9 nsrun (2): the box's leaf never appeared"
fi

# A killed nsrun's init lingers as a zombie until the host's PID 1 reaps it.
same_state() { [ "$host_before" = "$(host_state)" ]; }
wait_for 50 same_state
eq "host state unchanged" "$host_before" "$(host_state)"
done_testing

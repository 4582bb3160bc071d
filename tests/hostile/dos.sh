#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Denial of service from a box, under a policy WITH pids and memory
# limits: a fork bomb, memory exhaustion, tmpfs / overlay / /dev/shm fill;
# many boxes at once; long-running boxes ended by their owner (and not by
# anyone else). Meanwhile the host keeps forking, another user's box runs
# normally, and nothing is left behind.
. "$(dirname "$0")/hlib.sh"
[ "$CGMODE" != none ] || bail "no cgroup controllers (cgroup: none): limits cannot be tested"

LIM="[limits]
pids = 64
memory = 64M
swap = 0"
hpolicy hdos "writable = tmpfs" "$LIM"
hpolicy hdos-free            # the other user's box: no limits
host_ok() {   # the host forks 50 processes within 5 s
  timeout 5 bash -c 'for i in $(seq 50); do /bin/true || exit 1; done'
}
descendants_of() { local c; for c in $(pgrep -P "$1"); do descendants_of "$c"; echo "$c"; done; }
other_box_ok() {
  [ "$(timeout 20 setpriv --reuid="$TUSER2" --regid="$(id -g "$TUSER2")" --init-groups --reset-env -- \
    "$NSRUN" -p hdos-free hdos-other -- /bin/echo alive 2>&1)" = alive ]
}

# ---- fork bomb
hbg "$TUSER" -p hdos hbomb -- /hbin/probe forkbomb 8
sup=$H_BG
sleep 2
t "fork bomb: the host keeps forking" host_ok
t "fork bomb: another user's box runs normally" other_box_ok
n=$(pgrep -u "$TUSER" | wc -l)
[ "$n" -le 70 ] && ok "fork bomb: held at the pids limit ($n processes of the user)" ||
  not_ok "fork bomb: held at the pids limit" "$n processes"
t "fork bomb: the owner ends it with SIGTERM to the payload's init" run_as "$TUSER" kill -TERM "$(pgrep -P "$(pgrep -P "$sup" | head -1)" | head -1)"
wait "$sup" 2>/dev/null
t "fork bomb: every process of it is gone" user_procs_gone
same_state "fork bomb: host state back as before"

# ---- memory
out=$(nsr -p hdos hmem -- /hbin/probe eatmem 1024 2>&1); rc=$?
eq "memory: the eater is killed by the limit (137)" 137 "$rc"
match "memory: nsrun says so" 'nsrun: hmem: killed: memory limit \(64M\) exceeded' "$out"
t "memory: the host keeps forking" host_ok
t "memory: another user's box runs normally" other_box_ok

# ---- tmpfs, overlay upper (writable = tmpfs) and /dev/shm fill
for f in /tmp/fill /fill /dev/shm/fill; do
  before=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
  out=$(timeout 60 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
    "$NSRUN" -p hdos hfill -- /bin/sh -c "dd if=/dev/zero of=$f bs=1M count=2048 2>&1 | tail -1; ls -l $f" 2>&1); rc=$?
  [ "$rc" != 0 ] || grep -Eq 'No space|memory|Killed|Cannot allocate' <<<"$out" ||
    [ "$(awk '{print $5}' <<<"$(tail -1 <<<"$out")")" -lt $((80 * 1024 * 1024)) ] 2>/dev/null &&
    ok "fill $f: stopped near the memory limit (rc $rc)" || not_ok "fill $f: stopped near the memory limit" "$out"
  sleep 0.5
  after=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
  [ $((before - after)) -lt 204800 ] && ok "fill $f: host memory back after the box (Δ $(( (before - after) / 1024 )) MiB)" ||
    not_ok "fill $f: host memory back after the box" "before $before after $after kB"
done
t "fills: the host keeps forking" host_ok
# every tmpfs of the box has a size (and an inode count) from the memory
# limit, so what a host process pins after the box (an fd into its
# /dev/shm, say) is bounded by the limit the box ran under
sizes() {   # sizes POLICY: "MOUNT KiB inodes" for /tmp, /dev/shm, / (tmpfs overlay upper)
  nsr -p "$1" hsize -- /bin/sh -c 'for m in /tmp /dev/shm /; do
    echo "$m $(df -k $m | tail -1 | awk "{print \$2}") $(df -i $m | tail -1 | awk "{print \$2}")"; done' 2>&1
}
out=$(sizes hdos)
eq "memory = 64M: /tmp, /dev/shm and the overlay upper hold 64M and 8192 inodes each" \
  "/tmp 65536 8192|/dev/shm 65536 8192|/ 65536 8192" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
hpolicy hdos-tmpfs "writable = tmpfs"
out=$(sizes hdos-tmpfs)
eq "no memory limit: each holds the documented default, 512M and 65536 inodes" \
  "/tmp 524288 65536|/dev/shm 524288 65536|/ 524288 65536" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
# the attack itself: the user's host process holds an fd into the box's
# /dev/shm through /proc/PID/root while the box fills it, then the box ends
pin_before=$(awk '/^Shmem:/ {print $2}' /proc/meminfo)
run_as "$TUSER" bash -c '
  "$1" -p hdos-tmpfs hpin -- /bin/sh -c "sleep 1; dd if=/dev/zero of=/dev/shm/pin bs=1M count=700 2>/dev/null; sleep 1" &
  s=$!; for i in $(seq 20); do p=$(pgrep -u "$(id -u)" -x dd); [ -n "$p" ] && break; sleep 0.1; done
  exec 7<"/proc/$p/root/dev/shm/pin" 2>/dev/null; wait $s
  awk "/^Shmem:/ {print \$2}" /proc/meminfo' _ "$NSRUN" >"$HT/pin" 2>&1
pinned=$(( $(tail -1 "$HT/pin") - pin_before ))
[ "$pinned" -le $((512 * 1024 + 16384)) ] && ok "a host fd into the box's /dev/shm pins at most its size (Δ Shmem $((pinned / 1024)) MiB)" ||
  not_ok "a host fd into the box's /dev/shm pins at most its size" "Δ Shmem $((pinned / 1024)) MiB" "$(cat "$HT/pin")"
same_state "memory and fills: host state back as before"

# ---- many boxes at once (one user), one name many times
for i in $(seq 40); do hbg "$TUSER" -p hdos "hmany$i" -- /bin/sleep 3; done
sleep 1
t "40 boxes at once: the host keeps forking" host_ok
t "40 boxes at once: another user's box runs normally" other_box_ok
fails=0
for p in "${H_PIDS[@]: -40}"; do wait "$p" 2>/dev/null; rc=$?; [ "$rc" = 0 ] || [ "$rc" = 125 ] || fails=$((fails + 1)); done
eq "40 boxes at once: each ran or was refused cleanly" 0 "$fails"
res=$(run_as "$TUSER" bash -c 'ps=(); for i in $(seq 20); do "$1" -p hdos hsame -- /bin/sleep 2 >/dev/null 2>&1 & ps+=($!); done; for p in "${ps[@]}"; do wait "$p"; echo $?; done' _ "$NSRUN" | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')
eq "20 starts of one box name at once: one runs, 19 refused" "0:1 125:19 " "$res"
same_state "many boxes: host state back as before"

# ---- long-running boxes ended by their owner; not by anyone else
hbg "$TUSER" -p hdos hlong -- /bin/sleep 1000
sup=$H_BG; init=$(wait_child_of "$sup"); sleep 0.3
tf "another user cannot signal the box's supervisor" run_as "$TUSER2" kill -TERM "$sup"
tf "another user cannot signal the box's init" run_as "$TUSER2" kill -KILL "${init:-1}"
t "the owner's SIGTERM to the supervisor is forwarded" run_as "$TUSER" kill -TERM "$sup"
wait "$sup" 2>/dev/null; rc=$?
eq "the box ended by SIGTERM (143)" 143 "$rc"
t "nothing of the box is left" user_procs_gone
hbg "$TUSER" -p hdos hlong -- /bin/sleep 1000
sup=$H_BG; wait_child_of "$sup" >/dev/null; sleep 0.3
t "the owner's SIGKILL to the supervisor" run_as "$TUSER" kill -KILL "$sup"
{ wait "$sup"; } 2>/dev/null
t "after SIGKILL of the supervisor the box dies too" user_procs_gone
out=$(nsr -p hdos hlong -- /bin/echo again 2>&1)
eq "the next start of that box works (leftovers collected)" again "$out"
gc
same_state "long-running boxes: host state back as before"

# ---- lock files do not pile up: start + kill -9 of the supervisor in a
# loop leaves one lock file per box name until the user's next start
# (boxes without limits: no cgroup leaf, so the cgroup gc, which also
# takes dead leaves' locks, plays no part)
# Their state records are removed too, as where the kill came before the
# record was written (a record of a dead box lets the record gc take its
# lock file away as well): the lock files alone are left.
for i in $(seq 6); do
  hbg "$TUSER" -p hdos-free "hpile$i" -- /bin/sleep 100
  s=$H_BG; wait_child_of "$s" >/dev/null; sleep 0.2
  kill -KILL "$s"; { wait "$s"; } 2>/dev/null
  rm -f "$STATEDIR/boxes/$TUID-hpile$i"
done
user_procs_gone
diag "$(ls "$STATEDIR/locks" | grep -c "^$TUID-hpile") lock files left by 6 supervisors killed with -9"
sleep 3   # (files younger than 3 s are left alone: a start in progress)
out=$(nsr -p hdos-free hpile-next -- /bin/echo ran 2>&1)
eq "the next start runs" ran "$out"
eq "the user's next start removed their lock files nobody holds" 0 "$(ls "$STATEDIR/locks" | grep -c "^$TUID-hpile")"
# a per-user bound on box names in use: 256 lock files of the user held (as
# 256 running boxes hold them), the next start is refused; another user's
# start is not
python3 -c '
import fcntl, os, sys, time
fds = []
for i in range(256):
    fd = os.open("%s/locks/%s-hheld%d.lock" % (sys.argv[1], sys.argv[2], i), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fds.append(fd)
print("held", flush=True)
time.sleep(60)' "$STATEDIR" "$TUID" >"$HT/held" 2>&1 &
holder=$!; H_PIDS+=("$holder")
for i in $(seq 50); do grep -q held "$HT/held" && break; sleep 0.1; done
out=$(nsr -p hdos hone -- /bin/true 2>&1); rc=$?
refused "256 box names in use: the next start" "$rc" "$out"
match "256 box names in use: nsrun says why" 'too many of your boxes' "$out"
eq "256 box names in use by one user: another user's start runs" ran "$(nsr2 -p hdos hone -- /bin/echo ran 2>&1)"
kill "$holder"; { wait "$holder"; } 2>/dev/null
rm -f "$STATEDIR/locks/$TUID"-hheld*.lock
same_state "lock files: host state back as before"
# ---- a frozen supervisor must not lock other users out of the network.
# A user may SIGSTOP their own supervisor (its real uid is theirs). If the
# stop landed inside the lease file's critical section (flock held), every
# other user's bridged start would wait on the lock and fail. nsrun guards
# that section: real uid 0 and the stop signals blocked, so the caller's
# kill(2) fails there. The test stops the supervisor right inside the
# section (strace as root: its first write(2) is its lease's line, written
# with its own address's lock and its user's lease lock held) and checks that (1) the caller cannot signal
# it there, (2) outside the section it can, (3) other users are not hurt
# by a caller hammering its own supervisor with SIGSTOP.
if command -v strace >/dev/null; then
  unshare --net -- sleep 100000 &
  NH=$!; H_PIDS+=("$NH"); sleep 0.3
  NNS=/proc/$NH/ns/net
  nsenter --net="$NNS" -- sh -c 'ip link set lo up && ip link add nsdos0 type bridge &&
    ip addr add 10.90.0.1/24 dev nsdos0 && ip link set nsdos0 up'
  H_CLEAN+=("$STATEDIR/leases/nsdos0" "$STATEDIR/leases/nsdos0:addr")
  hpolicy hdos-net "" "[network]
mode = bridge
bridge = nsdos0
subnet = 10.90.0.0/24
gateway = 10.90.0.1"
  t "user can SIGSTOP their own supervisor outside the shared sections" bash -c "
    setpriv --reuid=$TUSER --regid=$TGID --init-groups --reset-env -- '$NSRUN' -p hdos x -- /bin/sleep 3 >/dev/null 2>&1 &
    p=\$!; sleep 0.5; setpriv --reuid=$TUSER --regid=$TGID --init-groups -- kill -STOP \$p; r=\$?
    kill -CONT \$p; kill -TERM \$p; wait \$p; exit \$r"
  nsenter --net="$NNS" -- strace -qq -o /dev/null -u "$TUSER" -e trace=write \
    -e inject=write:signal=SIGSTOP:when=1 "$NSRUN" -p hdos-net hfrozen -- /bin/sleep 1 \
    >/dev/null 2>&1 &
  frozen=$!; H_PIDS+=("$frozen")
  sleep 1.5
  fsup=$(pgrep -P "$frozen" | head -1)
  diag "supervisor $fsup stopped inside the lease section: $(grep State "/proc/$fsup/status" 2>/dev/null)"
  err=$(run_as "$TUSER" kill -s STOP "$fsup" 2>&1); rc=$?
  eq "inside the lease section the caller cannot signal its supervisor" 1 "$rc"
  match "kill(2) says not permitted" 'not permitted' "$err"
  for p in $(descendants_of "$frozen"); do kill -CONT "$p" 2>/dev/null; done
  kill -TERM "$frozen" 2>/dev/null; { wait "$frozen"; } 2>/dev/null
  # The attack itself: the caller hammers its own bridged supervisors with
  # SIGSTOP/SIGCONT while another user starts bridged boxes.
  ( end=$((SECONDS + 8))
    while [ $SECONDS -lt $end ]; do
      nsenter --net="$NNS" -- setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
        "$NSRUN" -p hdos-net hham -- /bin/true >/dev/null 2>&1 &
      hp=$!
      for _ in 1 2 3 4 5 6 7 8; do
        setpriv --reuid="$TUSER" --regid="$TGID" --init-groups -- kill -STOP "$hp" 2>/dev/null
        setpriv --reuid="$TUSER" --regid="$TGID" --init-groups -- kill -CONT "$hp" 2>/dev/null
      done
      wait "$hp" 2>/dev/null
    done ) &
  hammer=$!; H_PIDS+=("$hammer")
  slow=0; failed=0
  for i in $(seq 8); do
    start=$(date +%s%N)
    out=$(timeout 30 nsenter --net="$NNS" -- setpriv --reuid="$TUSER2" --regid="$(id -g "$TUSER2")" \
      --init-groups --reset-env -- "$NSRUN" -p hdos-net hother -- /bin/echo started 2>&1) || failed=$((failed + 1))
    [ $(( ($(date +%s%N) - start) / 1000000 )) -gt 3000 ] && slow=$((slow + 1))
  done
  wait "$hammer" 2>/dev/null
  eq "another user's 8 bridged starts all succeed while the caller hammers SIGSTOP" "0 failed, 0 slow" \
    "$failed failed, $slow slow"
  sleep 1
  user_procs_gone; gc

  # ---- a lease claim held forever (a supervisor frozen inside it, by any
  # means): the lock it holds is its own address's lock file, not one for
  # the whole bridge. Held from outside here: the first address's file and
  # the bridge's older single lease file (the one machine-wide lock older
  # nsrun versions took for every claim). Another user's bridged start
  # must not wait on either: it skips the held address, at once.
  install -d -m 0700 "$STATEDIR/leases" "$STATEDIR/leases/nsdos0:addr"
  python3 -c 'import fcntl, os, sys, time
fds = []
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fds.append(fd)
print("held", flush=True)
time.sleep(60)' "$STATEDIR/leases/nsdos0" "$STATEDIR/leases/nsdos0:addr/10.90.0.2" >"$HT/lheld" 2>&1 &
  lholder=$!; H_PIDS+=("$lholder")
  for i in $(seq 50); do grep -q held "$HT/lheld" && break; sleep 0.1; done
  start=$(date +%s%N)
  out=$(timeout 30 nsenter --net="$NNS" -- setpriv --reuid="$TUSER2" --regid="$(id -g "$TUSER2")" \
    --init-groups --reset-env -- "$NSRUN" -p hdos-net hheld -- /bin/sh -c 'ip -4 -o addr show eth0 2>/dev/null | grep -o "inet 10\.90\.0\.[0-9]*" | cut -d" " -f2 | grep . || echo started' 2>&1)
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  eq "a held lease claim: another user's bridged start gets the next address" 10.90.0.3 "$out"
  [ "$ms" -lt 3000 ] && ok "... without waiting on the holder (${ms} ms)" ||
    not_ok "... without waiting on the holder" "${ms} ms"
  kill "$lholder"; { wait "$lholder"; } 2>/dev/null
  rm -f "$STATEDIR/leases/nsdos0" "$STATEDIR/leases/nsdos0:addr/10.90.0.2"
  user_procs_gone; gc

  # ---- the same through cgroups the caller owns: a freezer (v1) and a
  # cgroup2 directory (cgroup.freeze), as a delegation would give them.
  # The supervisor is stopped (strace) right inside the lease section (at
  # the ftruncate of its address's lock file: that lock and its user's
  # lease lock held); the caller then freezes its cgroups and the stop is
  # lifted: a supervisor still in them stays frozen with the locks. It must have left them; another user's start succeeds.
  FZ=()
  v1f=$(awk '$0 ~ / - cgroup / && $0 ~ /[ ,]freezer(,|$)/ {print $5}' /proc/self/mountinfo | head -1)
  v2m=$(awk '$0 ~ / - cgroup2 / {print $5}' /proc/self/mountinfo | head -1)
  [ -n "$v1f" ] && mkdir "$v1f/nsrun-hostile-frz.$$" && FZ+=("$v1f/nsrun-hostile-frz.$$")
  # cgroup2 as systemd delegates it: a subtree of the user's (D), the
  # caller's processes below it (D/b); strace waits in D/a, unfrozen
  V2D=
  [ -n "$v2m" ] && [ -e "$v2m/cgroup.procs" ] && mkdir -p "$v2m/nsrun-hostile-frz.$$/a" "$v2m/nsrun-hostile-frz.$$/b" &&
    V2D=$v2m/nsrun-hostile-frz.$$ && FZ+=("$V2D/b")
  freeze_all() {   # freeze_all 1|0: as the caller, through its own cgroups
    local d
    for d in "${FZ[@]}"; do
      if [ -e "$d/freezer.state" ]; then
        run_as "$TUSER" sh -c "echo $([ "$1" = 1 ] && echo FROZEN || echo THAWED) > $d/freezer.state"
      else run_as "$TUSER" sh -c "echo $1 > $d/cgroup.freeze"; fi
    done
  }
  if [ "${#FZ[@]}" -gt 0 ]; then
    chown -R "$TUSER" "${FZ[@]}" ${V2D:+"$V2D"}
    # (strace stays outside; the traced caller, as itself, joins its cgroups
    # and then execs nsrun)
    nsenter --net="$NNS" -- bash -c '[ -z "$1" ] || echo $$ > "$1/a/cgroup.procs"; shift; exec "$@"' _ "$V2D" \
      strace -qq -o /dev/null -u "$TUSER" -e trace=ftruncate \
      -e inject=ftruncate:signal=SIGSTOP:when=1 /bin/bash -c \
      'for d in "${@:2}"; do echo $$ > "$d/cgroup.procs" || exit 9; done; exec "$1" -p hdos-net hfrz -- /bin/sleep 1' \
      _ "$NSRUN" "${FZ[@]}" >/dev/null 2>&1 &
    frz=$!; H_PIDS+=("$frz")
    sleep 1.5
    fsup=$(pgrep -P "$frz" | head -1)
    diag "supervisor $fsup stopped in the lease section; its cgroups: $(tr '\n' ' ' <"/proc/$fsup/cgroup" 2>/dev/null)"
    left=yes
    for d in "${FZ[@]}"; do grep -qx "${fsup:-none}" "$d/cgroup.procs" && left="no (still in $d)"; done
    eq "before its lease lock the supervisor left every cgroup the caller owns" yes "$left"
    freeze_all 1
    kill -CONT "$fsup" 2>/dev/null
    start=$(date +%s%N)
    out=$(timeout 30 nsenter --net="$NNS" -- setpriv --reuid="$TUSER2" --regid="$(id -g "$TUSER2")" \
      --init-groups --reset-env -- "$NSRUN" -p hdos-net hother -- /bin/echo started 2>&1)
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    eq "another user's bridged start succeeds while the caller freezes its cgroups (${ms} ms)" started "$out"
    freeze_all 0
    kill -TERM "$frz" 2>/dev/null; { wait "$frz"; } 2>/dev/null
    user_procs_gone; gc

    # ---- the same at the start-time gc: a start with limits first
    # collects dead boxes' leaves, briefly taking each one's lock file,
    # other users' too. The victim (the other user) leaves a leaf and a
    # lock file behind (supervisor killed with -9); the caller's start is
    # stopped (strace) right after its gc took the victim's lock; the
    # caller freezes its own cgroups and the stop is lifted. The victim's
    # next start of that box must succeed (a supervisor frozen there would
    # hold the victim's lock: "box is already running").
    hbg "$TUSER2" -p hdos hgcv -- /bin/sleep 100
    s=$H_BG; wait_child_of "$s" >/dev/null; sleep 0.3
    kill -KILL "$s"; { wait "$s"; } 2>/dev/null
    user_procs_gone
    VL=$STATEDIR/locks/$TUID2-hgcv.lock
    diag "the victim left $(own_leaves | grep -c -- "-hgcv-") cgroup leaves and $(ls "$VL" 2>/dev/null | wc -l) lock file"
    bash -c '[ -z "$1" ] || echo $$ > "$1/a/cgroup.procs"; shift; exec "$@"' _ "$V2D" \
      strace -qq -o /dev/null -u "$TUSER" -P "$VL" -e trace=flock \
      -e inject=flock:signal=SIGSTOP:when=1 /bin/bash -c \
      'for d in "${@:2}"; do echo $$ > "$d/cgroup.procs" || exit 9; done; exec "$1" -p hdos hgca -- /bin/true' \
      _ "$NSRUN" "${FZ[@]}" >/dev/null 2>&1 &
    gcs=$!; H_PIDS+=("$gcs")
    fsup=
    for i in $(seq 50); do
      fsup=$(pgrep -P "$gcs" | head -1)
      [ -n "$fsup" ] && grep -q '^State:.*stopped' "/proc/$fsup/status" 2>/dev/null && break
      sleep 0.1
    done
    diag "supervisor $fsup stopped in the gc, holding the victim's lock: $(grep State "/proc/$fsup/status" 2>/dev/null)"
    left=yes
    for d in "${FZ[@]}"; do grep -qx "${fsup:-none}" "$d/cgroup.procs" && left="no (still in $d)"; done
    eq "before its gc the supervisor left every cgroup the caller owns" yes "$left"
    freeze_all 1
    kill -CONT "$fsup" 2>/dev/null
    out=; start=$(date +%s%N)
    for i in $(seq 6); do   # (the gc takes a moment to finish once let go)
      out=$(timeout 30 setpriv --reuid="$TUSER2" --regid="$(id -g "$TUSER2")" --init-groups --reset-env -- \
        "$NSRUN" -p hdos hgcv -- /bin/echo started 2>&1) && break
      sleep 0.5
    done
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    eq "the victim's start succeeds while the caller freezes its cgroups at the gc (${ms} ms)" started "$out"
    freeze_all 0
    kill -TERM "$gcs" 2>/dev/null; { wait "$gcs"; } 2>/dev/null
    user_procs_gone; gc

    # ---- and back: a bridged box with no leaf of its own (no limits)
    # runs in the cgroups its caller runs in, though its supervisor left
    # them for the lease section, so the caller's own limits and freezer
    # still hold for the box.
    nsenter --net="$NNS" -- bash -c '[ -z "$1" ] || echo $$ > "$1/a/cgroup.procs"; shift; exec "$@"' _ "$V2D" \
      setpriv --reuid="$TUSER" --regid="$(id -g "$TUSER")" --init-groups --reset-env -- /bin/bash -c \
      'for d in "${@:2}"; do echo $$ > "$d/cgroup.procs" || exit 9; done; exec "$1" -p hdos-net hret -- /bin/sleep 30' \
      _ "$NSRUN" "${FZ[@]}" >/dev/null 2>&1 &
    rets=$!; H_PIDS+=("$rets")
    rp=
    for i in $(seq 50); do
      for p in $(descendants_of "$rets"); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && rp=$p
      done
      [ -n "$rp" ] && break; sleep 0.1
    done
    back=yes
    for d in "${FZ[@]}"; do grep -qx "${rp:-none}" "$d/cgroup.procs" || back="no (not in $d)"; done
    eq "a bridged box with no leaf of its own runs in the cgroups its caller owns" yes "$back"
    left=yes
    for d in "${FZ[@]}"; do grep -qx "$rets" "$d/cgroup.procs" && left="no (still in $d)"; done
    eq "... while its supervisor left them" yes "$left"
    kill -TERM "$rets" 2>/dev/null; { wait "$rets"; } 2>/dev/null
    user_procs_gone; gc
    for d in "${FZ[@]}"; do
      for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
      for i in $(seq 50); do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
    done
    [ -z "$V2D" ] || rmdir "$V2D/a" "$V2D"
  else
    skip "before its lease lock the supervisor left every cgroup the caller owns" "no freezer and no cgroup2 here"
    skip "another user's bridged start succeeds while the caller freezes its cgroups" "no freezer and no cgroup2 here"
    skip "before its gc the supervisor left every cgroup the caller owns" "no freezer and no cgroup2 here"
    skip "the victim's start succeeds while the caller freezes its cgroups at the gc" "no freezer and no cgroup2 here"
    skip "a bridged box with no leaf of its own runs in the cgroups its caller owns" "no freezer and no cgroup2 here"
    skip "... while its supervisor left them" "no freezer and no cgroup2 here"
  fi
  kill "$NH" 2>/dev/null; { wait "$NH"; } 2>/dev/null
  rm -rf "$STATEDIR/leases/nsdos0" "$STATEDIR/leases/nsdos0:addr"
else
  skip "bridged starts survive a frozen supervisor" "strace missing"
fi
same_state "host state back as before at the end"
done_testing

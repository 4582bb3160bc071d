#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# How a box lives and ends: signal forwarding, zombie reaping, the
# supervisor killed, the caller's umask and rlimits, leftovers.
. "$(dirname "$0")/../lib.sh"

trap cleanup_policies EXIT
before=$(host_state)
basic_policy lc
out=$(mktemp /run/nsrun-test/lc.XXXXXX); chmod 644 "$out"

# wait_for FILE REGEX: up to 10 s
wait_for() { local i; for i in $(seq 100); do grep -Eq "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# signals are forwarded to the payload
for sig in TERM INT HUP USR1 USR2 QUIT; do
  : >"$out"
  "${NSR1[@]}" --policy lc sg -- /bin/sh -c "trap 'echo got-$sig; exit 7' $sig; echo ready; while :; do sleep 0.1; done" >"$out" 2>&1 &
  bg=$!
  if wait_for "$out" ready; then
    kill -s "$sig" "$bg"
    wait "$bg"; rc=$?
    eq "SIG$sig reaches the payload (its handler exits 7)" "7 got-$sig" "$rc $(grep got "$out")"
  else
    kill -9 "$bg"; wait "$bg"; not_ok "SIG$sig: box did not get ready" "$(cat "$out")"
  fi
done
: >"$out"
"${NSR1[@]}" --policy lc sg -- /bin/sh -c 'echo ready; exec sleep 30' >"$out" 2>&1 & bg=$!
wait_for "$out" ready
kill -TERM "$bg"; wait "$bg"; rc=$?
eq "a payload without a handler dies of the forwarded SIGTERM (143)" 143 "$rc"

# zombies are reaped by init
z=$(nsr --policy lc zb -- /bin/sh -c '(sleep 0.1 & sleep 0.1 & exec true) ; sleep 1; ps -o stat,comm | grep -c "^Z"')
eq "orphans are reaped inside (no zombies)" 0 "$z"

# the supervisor killed: the box dies with it, nothing survives
: >"$out"
"${NSR1[@]}" --policy lc kl -- /bin/sh -c 'echo ready; sleep 300' >"$out" 2>&1 & bg=$!
wait_for "$out" ready
spid=$bg
box_pids=$(pgrep -u "$TUSER" -f 'sleep 300')
kill -9 "$spid"; wait "$spid" 2>/dev/null
gone=1
for _ in $(seq 50); do
  gone=1; for p in $box_pids; do kill -0 "$p" 2>/dev/null && gone=0; done
  [ $gone = 1 ] && break; sleep 0.1
done
eq "kill -9 of nsrun: the box's processes die" 1 "$gone"
t "the same box starts again after its supervisor was killed" nsr --policy lc kl -- /bin/true
out2=$("$NSRUN" --gc); rc=$?
eq "nsrun --gc as root works" 0 "$rc"
match "nsrun --gc reports what it removed" '^removed [0-9]+ cgroup leaves, [0-9]+ lock files, [0-9]+ state records$' "$out2"

# umask: setup is not affected by a hostile one, the payload gets the caller's
eq "the payload gets the caller's umask" "0077" "$(run_as "$TUSER" sh -c "umask 077; exec $NSRUN --policy lc um -- /bin/sh -c umask")"
eq "generated files stay 0644 under umask 000" "644" \
  "$(run_as "$TUSER" sh -c "umask 000; exec $NSRUN --policy lc um -- stat -c %a /etc/passwd")"

# rlimits: the caller's apply to the payload; a hostile one does not break setup
eq "the caller's RLIMIT_NOFILE reaches the payload" "64" \
  "$(run_as "$TUSER" sh -c "ulimit -n 64; exec $NSRUN --policy lc rl -- /bin/sh -c 'ulimit -n'")"
err=$(run_as "$TUSER" sh -c "ulimit -n 5; exec $NSRUN --policy lc rl -- /bin/true" 2>&1); rc=$?
eq "RLIMIT_NOFILE 5 is refused cleanly (125)" 125 "$rc"
match "with one line saying why" '^nsrun: RLIMIT_NOFILE is 5; nsrun needs at least 64 open files$' "$err"
t "setup works under RLIMIT_NOFILE 64" run_as "$TUSER" sh -c "ulimit -n 64; exec $NSRUN --policy lc rl -- /bin/true"
t "setup works under a 1-block RLIMIT_FSIZE" run_as "$TUSER" sh -c "ulimit -f 1; exec $NSRUN --policy lc rl -- /bin/true"
basic_policy lc-nofile "[limits]
nofile = 200"
eq "the policy's nofile applies above the caller's soft limit" "200" \
  "$(run_as "$TUSER" sh -c "ulimit -Sn 64; exec $NSRUN --policy lc-nofile rl -- /bin/sh -c 'ulimit -n'")"
eq "the policy's nofile is a ceiling: a lower caller hard limit stays" "100" \
  "$(run_as "$TUSER" sh -c "ulimit -n 100; exec $NSRUN --policy lc-nofile rl -- /bin/sh -c 'ulimit -n'")"
eq "without the caller's lower limit the box gets the policy's" "200" \
  "$(nsr --policy lc-nofile rl -- /bin/sh -c 'ulimit -n')"

# a box's exit leaves nothing; many in a row leave nothing
for i in $(seq 20); do nsr --policy lc "seq$i" -- /bin/true || break; done
eq "20 boxes in a row all succeed" 20 "$i"
rm -f "$out"
cleanup_policies
eq "nothing is left behind on the host" "$before" "$(host_state)"
done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Races around a living box (nsrun(1) --join, --stop): joins racing with
# the box's exit, a stop racing with joins, two stops at once, a flood of
# joins, a joiner killed with -9, and records that name the wrong
# process. None may leave a process, cgroup, record or lock behind, and
# nothing may ever run outside the box.
. "$(dirname "$0")/hlib.sh"

hpolicy hrace "" "[limits]
pids = 1024
memory = 256M"
HOST=$(hostname)
J=$HT/joins; mkdir -p "$J"; chmod 777 "$J"
records() { ls -A "$STATEDIR/boxes" 2>/dev/null | tr '\n' ' '; }
R0=$(records)
nsrq() { setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- "$NSRUN" "$@"; }

# verdicts DIR: every join's "rc hostname" line; a command that ran
# outside the box would print the host's name.
outside() { cat "$J"/* 2>/dev/null | awk -v h="$HOST" '$2 == h' | wc -l; }
bad_rc() { cat "$J"/* 2>/dev/null | awk '$1 != 0 && $1 != 125 && $1 != 137' | wc -l; }

# ---- join vs exit: 60 joins while the box ends by itself
rm -f "$J"/*
nsrq -p hrace --detach jx -- sleep 1 >/dev/null
for i in $(seq 60); do
  ( out=$(nsrq --join jx -- hostname 2>/dev/null); echo "$? $out" >"$J/$i" ) &
  [ $((i % 10)) = 0 ] && sleep 0.1
done
wait
eq "join vs exit: nothing ran outside the box" 0 "$(outside)"
eq "join vs exit: each join ran in the box (0), was refused (125) or died with it (137)" 0 "$(bad_rc)"
t "join vs exit: some joins got in" test "$(awk '$1 == 0 && $2 == "jx"' "$J"/* | wc -l)" -ge 1
t "join vs exit: no user process is left" user_procs_gone
same_state "join vs exit: nothing is left behind"

# ---- stop vs join: 40 long joins, then --stop
rm -f "$J"/*
nsrq -p hrace --detach sj -- sleep 300 >/dev/null
for i in $(seq 40); do
  ( out=$(nsrq --join sj -- /bin/sh -c 'hostname; exec sleep 300' 2>/dev/null | head -1); echo "$? $out" >"$J/$i" ) &
done
sleep 1
nsrq --stop sj --timeout 5; rc=$?
eq "stop vs join: --stop succeeds" 0 "$rc"
wait
eq "stop vs join: nothing ran outside the box" 0 "$(outside)"
t "stop vs join: no user process is left" user_procs_gone
err=$(nsrq --join sj -- true 2>&1); rc=$?
refused "join after stop" "$rc" "$err"
same_state "stop vs join: nothing is left behind"

# ---- a stopping box refuses joins
nsrq -p hrace --detach st -- /bin/sh -c "trap '' TERM; while :; do sleep 1; done" >/dev/null
nsrq --stop st --timeout 4 & stopper=$!
sleep 1
err=$(nsrq --join st -- hostname 2>&1); rc=$?
eq "a stopping box refuses --join (125)" 125 "$rc"
match "... saying it is stopping" '^nsrun: st: box st is stopping$' "$err"
match "--ps shows it as stopping" '^st +hrace +[0-9]+ .* stopping ' "$(nsrq --ps)"
wait "$stopper"; eq "the slow stop ends with 0" 0 "$?"
same_state "stopping box: nothing is left behind"

# ---- two stops at once
nsrq -p hrace --detach two -- sleep 300 >/dev/null
nsrq --stop two & a=$!
nsrq --stop two & b=$!
wait "$a"; ra=$?; wait "$b"; rb=$?
t "two stops: each returns 0 or 125 ($ra, $rb), one of them 0" \
  test \( "$ra" = 0 -o "$rb" = 0 \) -a \( "$ra" = 0 -o "$ra" = 125 \) -a \( "$rb" = 0 -o "$rb" = 125 \)
t "two stops: no user process is left" user_procs_gone
same_state "two stops: nothing is left behind"

# ---- a flood of joins
rm -f "$J"/*
nsrq -p hrace --detach fl -- sleep 300 >/dev/null
for i in $(seq 300); do
  ( out=$(nsrq --join fl -- hostname 2>/dev/null); echo "$? $out" >"$J/$i" ) &
done
wait
eq "join flood: 300 joins all ran, in the box" 300 "$(awk '$1 == 0 && $2 == "fl"' "$J"/* | wc -l)"
eq "join flood: the box still runs only its payload and init" 2 \
  "$(nsrq --ps --json | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["pids"])')"
nsrq --stop fl
same_state "join flood: nothing is left behind"

# ---- a joiner killed with -9: its command dies with it
nsrq -p hrace --detach kj -- sleep 300 >/dev/null
setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- "$NSRUN" --join kj -- sleep 301 >/dev/null 2>&1 &
joiner=$!; H_PIDS+=("$joiner")
for i in $(seq 50); do pgrep -u "$TUSER" -f 'sleep 301' >/dev/null && break; sleep 0.1; done
t "the joined command runs" pgrep -u "$TUSER" -f 'sleep 301'
kill -9 "$joiner"; wait "$joiner" 2>/dev/null
gone=1; for i in $(seq 50); do pgrep -u "$TUSER" -f 'sleep 301' >/dev/null || { gone=0; break; }; sleep 0.1; done
eq "kill -9 of the joiner: its command dies with it" 0 "$gone"
t "... and the box runs on" nsrq --join kj -- true
nsrq --stop kj
same_state "killed joiner: nothing is left behind"

# ---- a record that names another process is never believed
sleep 300 & victim=$!; H_PIDS+=("$victim")
start=$(awk '{print $22}' /proc/$victim/stat)
cat >"$STATEDIR/boxes/$TUID-forged" <<EOF
uid $TUID
user $TUSER
policy hrace
box forged
init $victim $((start + 1))
supervisor $victim $((start + 1))
started 0
cgroup 
addr 0
runtime 0
detached 1
command sleep 300
EOF
chmod 600 "$STATEDIR/boxes/$TUID-forged"
err=$(nsrq --join forged -- true 2>&1); rc=$?
refused "--join of a record whose pid belongs to another process" "$rc" "$err"
err=$(nsrq --stop forged --signal KILL --timeout 0 2>&1); rc=$?
refused "--stop of such a record" "$rc" "$err"
t "... the process the record names was not signalled" kill -0 "$victim"
eq "--ps does not list it" "" "$(nsrq --ps | grep forged)"
gc
t "--gc removes it" test ! -e "$STATEDIR/boxes/$TUID-forged"
kill "$victim"; wait "$victim" 2>/dev/null

eq "no state record is left" "$R0" "$(records)"
same_state "nothing is left behind at the end"
done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boxes that live (nsrun(1)): --detach, --ps [--json], --join, --logs
# [--follow], --stop (and root's --stop --user), the runtime limit (124),
# --status-fd, [box] join / log_max / log_keep, stale records after a
# kill -9, every refusal; all as an unprivileged user through the setuid
# binary, and nothing left behind.
. "$(dirname "$0")/../lib.sh"

trap 'cleanup_policies; rm -rf "$tmp"' EXIT
tmp=$(mktemp -d /run/nsrun-test/boxes.XXXXXX); chmod 755 "$tmp"
"$NSRUN" --gc >/dev/null   # leftovers of earlier runs are not ours to count
before=$(host_state)
records() { ls -A "$STATEDIR/boxes" 2>/dev/null | tr '\n' ' '; }
logs() { ls -A "$DATADIR/logs" 2>/dev/null | tr '\n' ' '; }
records_before=$(records)
logs_before=$(logs)

basic_policy bx "[limits]
pids = 64
memory = 256M"
basic_policy bx-nojoin "[box]
join = no"
basic_policy bx-rt "[limits]
runtime = 2s"
basic_policy bx-oom "[limits]
memory = 64M
swap = 0"
basic_policy bx-keep "[box]
log_max = 64K
log_keep = yes"

# wait_until CMD...: up to 10 s for CMD to succeed
wait_until() { local i; for i in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
ps_has() { nsr --ps | grep -q "^$1 "; }
json_get() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read().splitlines()[int(sys.argv[2])]); print(d[sys.argv[1]])' "$1" "${2:-0}"; }

# --- detach, ps, logs -------------------------------------------------------
out=$(nsr --policy bx --detach b1 -- /bin/sh -c 'echo hello-log; echo err-line >&2; exec sleep 300' 2>&1); rc=$?
eq "--detach returns 0 once the payload runs" 0 "$rc"
match "--detach prints the box's name and init pid" '^b1 [0-9]+$' "$out"
init=${out#b1 }
t "the detached box's init is a live process" kill -0 "$init"
eq "the detached box's init runs as the user" "$TUID" "$(stat -c %u /proc/"$init")"
ps_out=$(nsr --ps)
match "--ps has a header" '^BOX +POLICY +PID +STARTED +STATE +ADDRESS +MEMORY +PIDS +COMMAND$' "$(head -1 <<<"$ps_out")"
match "--ps lists the box: policy, init pid, state, command" "^b1 +bx +$init +[0-9-]+ [0-9:]+ +running +- +[0-9.]+[KMG]? +[0-9]+ +/bin/sh -c echo hello-log" "$ps_out"
js=$(nsr --ps --json)
eq "--ps --json: one object per box, with the box" b1 "$(json_get box <<<"$js")"
eq "--ps --json: init pid" "$init" "$(json_get pid <<<"$js")"
eq "--ps --json: state" running "$(json_get state <<<"$js")"
eq "--ps --json: user" "$TUSER" "$(json_get user <<<"$js")"
match "--ps --json: pids in use (limited)" '^[1-9][0-9]*$' "$(json_get pids <<<"$js")"
match "--ps --json: memory in use (limited)" '^[1-9][0-9]*$' "$(json_get memory <<<"$js")"
eq "another user's --ps does not show the box" "" "$(nsr2 --ps | grep b1)"
rootps=$("$NSRUN" --ps)
match "root's --ps shows every user's boxes with a USER column" "^$TUSER +b1 +bx +$init " "$rootps"
match "root's --ps header has USER" '^USER +BOX ' "$(head -1 <<<"$rootps")"
wait_until sh -c "'$NSRUN' --ps >/dev/null; setpriv --reuid=$TUSER --regid=$TGID --init-groups --reset-env -- '$NSRUN' --logs b1 | grep -q err-line"
err=$(nsr --policy bx --detach b1 -- /bin/sh -c 'echo second' 2>&1); rc=$?
eq "a second --detach of a running box: 125" 125 "$rc"
eq "... in one line" "nsrun: b1: box is already running" "$err"
logs_out=$(nsr --logs b1)
match "--logs shows the payload's stdout" '^hello-log$' "$logs_out"
match "--logs shows its stderr" '^err-line$' "$logs_out"
eq "the log is not readable by the user directly (root's, 0600)" "0:600" \
  "$(stat -c %u:%a "$DATADIR/logs/$TUID-b1.log")"
err=$(nsr2 --logs b1 2>&1); rc=$?
eq "another user's --logs of the box: 125" 125 "$rc"

# --- join ------------------------------------------------------------------
payload=$(pgrep -P "$init" | head -1)
j=$(nsr --join b1 -- /bin/sh -c 'for n in pid mnt net uts ipc cgroup; do readlink /proc/self/ns/$n; done' 2>&1)
want=$(for n in pid mnt net uts ipc cgroup; do readlink /proc/"$payload"/ns/$n; done)
eq "--join: the command is in the box's pid, mount, net, UTS, IPC and cgroup namespaces" "$want" "$j"
eq "--join: hostname is the box's" b1 "$(nsr --join b1 -- hostname)"
eq "--join: the caller's uid and gid" "$TUID $TGID" "$(nsr --join b1 -- /bin/sh -c 'echo $(id -u) $(id -g)')"
st=$(nsr --join b1 -- cat /proc/self/status)
eq "--join: every capability set empty" "CapInh:	0000000000000000 CapPrm:	0000000000000000 CapEff:	0000000000000000 CapBnd:	0000000000000000 CapAmb:	0000000000000000" \
  "$(grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' <<<"$st" | tr '\n' ' ' | sed 's/ $//')"
match "--join: no_new_privs" '^NoNewPrivs:	1$' "$st"
match "--join: the seccomp filter" '^Seccomp:	2$' "$st"
eq "--join: / is the box's root" "$(stat -Lc %d:%i /proc/"$init"/root)" \
  "$(nsr --join b1 -- stat -c %d:%i /)"
eq "--join: the environment is the payload's (the box's rules)" \
  "$(tr '\0' '\n' </proc/"$payload"/environ | grep -v '^PWD=' | grep -v '^SHLVL=' | sort | tr '\n' ' ')" \
  "$(nsr --join b1 -- env | grep -v '^PWD=' | grep -v '^SHLVL=' | sort | tr '\n' ' ')"
joined_cg=$(nsr --join b1 -- /bin/sh -c 'cat /proc/self/cgroup' | sort)
eq "--join: in the box's cgroup leaf (as the box sees it)" "$(nsr --join b1 -- cat /proc/1/cgroup | sort)" "$joined_cg"
nsr --join b1 -- /bin/sh -c 'exit 7'; rc=$?
eq "--join: the command's status is nsrun's" 7 "$rc"
err=$(nsr --join b1 -- nosuchcommand 2>&1); rc=$?
eq "--join: a missing command is 127" 127 "$rc"
match "--join: ... and says so" '^nsrun: b1: command not found: nosuchcommand$' "$err"
eq "--join: stdin reaches the command" piped "$(echo piped | nsr --join b1 -- cat)"
eq "--join without a command: the policy's shell" joined-sh "$(echo 'echo joined-sh' | nsr --join b1)"
err=$(nsr2 --join b1 -- true 2>&1); rc=$?
eq "another user cannot join the box (125)" 125 "$rc"
match "... told it is not running (theirs is not)" '^nsrun: b1: box b1 is not running$' "$err"
err=$("$NSRUN" --join b1 -- true 2>&1); rc=$?
eq "root cannot join (125)" 125 "$rc"
match "... and is told why" 'root may not run boxes' "$err"
out=$(nsr --policy bx-nojoin --detach nj -- sleep 300); rc=$?
eq "a box of a join = no policy starts" 0 "$rc"
err=$(nsr --join nj -- true 2>&1); rc=$?
eq "[box] join = no refuses --join (125)" 125 "$rc"
match "... saying so" 'policy "bx-nojoin" does not allow --join' "$err"
t "stop the join = no box" nsr --stop nj

# A join while the record is not yet written: nsrun writes the box's
# record just after the payload's exec, and --join waits (bounded) for a
# box that is still starting instead of calling it "not running" (nsrun(1),
# --join). strace (as root, running nsrun as the test user with its setuid
# bit honoured) holds the record's rename back by 0.5 s to open the window.
fifo=$tmp/ready.fifo; mkfifo "$fifo"
fails=0
for i in 1 2 3; do
  strace -f -qq -o /dev/null -u "$TUSER" -e trace=renameat,renameat2 \
    -e inject=renameat,renameat2:delay_enter=500000 \
    "$NSRUN" --policy bx early -- /bin/sh -c 'echo ready; exec sleep 30' >"$fifo" 2>/dev/null &
  bg=$!
  read -r line <"$fifo"
  nsr --join early -- true 2>>"$tmp/early.err" || fails=$((fails + 1))
  wait_until ps_has early
  nsr --stop early >/dev/null 2>&1
  wait "$bg"
done
eq "--join while the box's record is not yet written: 3 of 3 joins succeed" 0 "$fails"
[ "$fails" = 0 ] || diag "$(sort "$tmp/early.err" | uniq -c)"

# --- stop ------------------------------------------------------------------
err=$(nsr2 --stop b1 2>&1); rc=$?
eq "another user cannot stop the box (125)" 125 "$rc"
err=$(nsr2 --stop b1 --user "$TUSER" 2>&1); rc=$?
eq "--user is for root (125)" 125 "$rc"
match "... saying so" '^nsrun: --user is for root$' "$err"
t "the box still runs after those refusals" ps_has b1
nsr --stop b1; rc=$?
eq "--stop: exit 0 when the box is gone" 0 "$rc"
eq "--stop: the init is gone" 1 "$(kill -0 "$init" 2>/dev/null; echo $?)"
eq "--stop: --ps no longer lists it" "" "$(nsr --ps | grep '^b1 ')"
err=$(nsr --stop b1 2>&1); rc=$?
eq "--stop of a box that is not running: 125" 125 "$rc"
match "... in one line" '^nsrun: b1: box b1 is not running$' "$err"
err=$(nsr --logs b1 2>&1); rc=$?
eq "the log went with the box (no log_keep): 125" 125 "$rc"

nsr --policy bx --detach stubborn -- /bin/sh -c "trap '' TERM; echo ready; while :; do sleep 1; done" >/dev/null
t0=$(date +%s)
nsr --stop stubborn --timeout 1; rc=$?
eq "--stop --timeout 1: a box that ignores SIGTERM is killed (0)" 0 "$rc"
t "... within a few seconds" test $(($(date +%s) - t0)) -le 6
nsr --policy bx --detach sigbox -- /bin/sh -c "trap 'exit 0' USR1; while :; do sleep 1; done" >/dev/null
t "--stop --signal USR1 reaches the payload through init" nsr --stop sigbox --signal USR1 --timeout 30
err=$(nsr --stop x --signal BOGUS 2>&1); rc=$?
eq "--signal BOGUS is refused (125)" 125 "$rc"

out=$(nsr --policy bx --detach byroot -- sleep 300); init=${out#byroot }
err=$("$NSRUN" --stop byroot 2>&1); rc=$?
eq "root's --stop without --user: root has no boxes (125)" 125 "$rc"
"$NSRUN" --stop byroot --user "$TUSER"; rc=$?
eq "root stops a user's box with --user (0)" 0 "$rc"
eq "... and it is gone" 1 "$(kill -0 "$init" 2>/dev/null; echo $?)"

# --- runtime limit and the status fd ----------------------------------------
err=$(run_as "$TUSER" "$NSRUN" --policy bx-rt --status-fd 3 rt -- sleep 30 2>&1 3>"$tmp/rt.json"); rc=$?
eq "runtime limit: exit 124" 124 "$rc"
eq "runtime limit: stderr says so" "nsrun: rt: killed: runtime limit (2s) exceeded" "$err"
eq "status fd: the running event" running "$(json_get event 0 <"$tmp/rt.json")"
eq "status fd: the running event names the box" rt "$(json_get box 0 <"$tmp/rt.json")"
eq "status fd: the end says runtime_limit" True "$(json_get runtime_limit 1 <"$tmp/rt.json")"
eq "status fd: the end has nsrun's status" 124 "$(json_get status 1 <"$tmp/rt.json")"
match "status fd: wall seconds" '^[2-4]\.[0-9]+$' "$(json_get wall_seconds 1 <"$tmp/rt.json")"
run_as "$TUSER" "$NSRUN" --policy bx --status-fd 3 st -- /bin/sh -c 'exit 3' 3>"$tmp/st.json"; rc=$?
eq "with a status fd the status is still the payload's" 3 "$rc"
eq "status fd: exit code" 3 "$(json_get exit_code 1 <"$tmp/st.json")"
eq "status fd: no signal" None "$(json_get signal 1 <"$tmp/st.json")"
match "status fd: the cgroup path" '^/nsrun/[0-9]+-st-' "$(json_get cgroup 0 <"$tmp/st.json")"
eq "status fd: two lines, nothing else" 2 "$(wc -l <"$tmp/st.json")"
run_as "$TUSER" "$NSRUN" --policy bx --detach --status-fd 3 sd -- sleep 300 3>"$tmp/sd.json" >/dev/null
nsr --stop sd
wait_until grep -q exited "$tmp/sd.json"
eq "status fd (detached): a --stop says stopped" True "$(json_get stopped 1 <"$tmp/sd.json")"
eq "status fd (detached): ... and the signal that ended the payload" "15 143" \
  "$(json_get signal 1 <"$tmp/sd.json") $(json_get status 1 <"$tmp/sd.json")"
run_as "$TUSER" "$NSRUN" --policy bx-oom --status-fd 3 oom -- /bin/dd if=/dev/zero of=/dev/null bs=256M count=1 \
  3>"$tmp/oom.json" 2>/dev/null; rc=$?
eq "status fd: the memory limit (137)" "137 True 9 137" \
  "$rc $(json_get oom 1 <"$tmp/oom.json") $(json_get signal 1 <"$tmp/oom.json") $(json_get status 1 <"$tmp/oom.json")"
err=$(run_as "$TUSER" "$NSRUN" --policy bx --status-fd 7 x -- true 2>&1); rc=$?
eq "--status-fd of a closed fd is refused (125)" 125 "$rc"
match "... saying why" 'status-fd 7 is not open for writing' "$err"
err=$(run_as "$TUSER" "$NSRUN" --policy bx --status-fd 3 x -- true 2>&1 3</dev/null); rc=$?
eq "--status-fd of a read-only fd is refused (125)" 125 "$rc"
err=$(run_as "$TUSER" "$NSRUN" --policy bx --status-fd 3 x -- true 2>&1 3>/proc/self/comm); rc=$?
eq "--status-fd of a proc file is refused (125)" 125 "$rc"
err=$(nsr --policy bx --status-fd 1 x -- true 2>&1); rc=$?
eq "--status-fd 1 is refused (125)" 125 "$rc"

# --- logs: cap, keep, follow -------------------------------------------------
nsr --policy bx-keep --detach big -- /bin/sh -c 'i=0; while [ $i -lt 3000 ]; do echo "line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done; echo END' >/dev/null
wait_until sh -c "! '$NSRUN' --ps | grep -q ' big '"
t "the capped box ended" wait_until sh -c "! ls /proc/*/cmdline >/dev/null; ! pgrep -u $TUSER -f 'line' >/dev/null"
sleep 0.5
size=$(cat "$DATADIR/logs/$TUID-big.log" "$DATADIR/logs/$TUID-big.log.1" 2>/dev/null | wc -c)
t "log_max = 64K: at most 64K on disk (got $size of ~330K written)" test "$size" -le 65536 -a "$size" -gt 16384
big=$(nsr --logs big)
match "--logs after the end of a log_keep box: the newest output is there" '^END$' "$(tail -1 <<<"$big")"
nomatch "... and the oldest was dropped" '^line 0 ' "$big"
rm -f "$DATADIR/logs/$TUID-big.log" "$DATADIR/logs/$TUID-big.log.1"

nsr --policy bx --detach fol -- /bin/sh -c 'for i in 1 2 3; do echo tick$i; sleep 0.5; done' >/dev/null
fo=$(timeout 20 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- "$NSRUN" --logs fol --follow); rc=$?
eq "--logs --follow ends when the box ends" 0 "$rc"
eq "--logs --follow saw every line" "tick1 tick2 tick3" "$(tr '\n' ' ' <<<"$fo" | sed 's/ $//')"

# --- stale records -------------------------------------------------------------
out=$(nsr --policy bx --detach stale -- sleep 300); init=${out#stale }
sup=$(awk '/^supervisor /{print $2}' "$STATEDIR/boxes/$TUID-stale")
t "the record names the supervisor" kill -0 "$sup"
kill -9 "$sup"
wait_until sh -c "! kill -0 $init"
t "the record outlives a kill -9 of the supervisor" test -e "$STATEDIR/boxes/$TUID-stale"
eq "--ps does not list a stale record" "" "$(nsr --ps | grep stale)"
err=$(nsr --join stale -- true 2>&1); rc=$?
eq "--join refuses a stale record (125)" 125 "$rc"
match "... as not running" 'box stale is not running' "$err"
err=$(nsr --stop stale 2>&1); rc=$?
eq "--stop refuses a stale record (125)" 125 "$rc"
t "the next start cleans it" nsr --policy bx other -- true
t "... the stale record is gone" test ! -e "$STATEDIR/boxes/$TUID-stale"
out=$(nsr --policy bx --detach stale2 -- sleep 300); init=${out#stale2 }
kill -9 "$(awk '/^supervisor /{print $2}' "$STATEDIR/boxes/$TUID-stale2")"
wait_until sh -c "! kill -0 $init"
gc=$("$NSRUN" --gc)
match "--gc removes stale records too" '^removed [0-9]+ cgroup leaves, [0-9]+ lock files, 1 state records$' "$gc"
rm -f "$DATADIR/logs/$TUID-stale.log" "$DATADIR/logs/$TUID-stale2.log"

# --- bad input -------------------------------------------------------------------
for args in "--json" "--ps --follow" "--stop" "--stop BAD_NAME" "--join" "--logs ../x" \
            "--stop b --timeout -1" "--stop b --timeout 99999999" "--stop b --user ''" \
            "--policy bx --dry-run --detach b" "--ps --signal TERM" "--policy bx --status-fd x b"; do
  err=$(eval nsr "$args" 2>&1); rc=$?
  if [ "$rc" = 125 ] && [ "$(wc -l <<<"$err")" = 1 ] && grep -q '^nsrun: ' <<<"$err"; then
    ok "bad usage '$args': one line, 125"
  else
    not_ok "bad usage '$args': one line, 125" "rc=$rc" "$err"
  fi
done

cleanup_policies
eq "no state record is left" "$records_before" "$(records)"
eq "no log is left" "$logs_before" "$(logs)"
eq "nothing is left behind on the host" "$before" "$(host_state)"
done_testing

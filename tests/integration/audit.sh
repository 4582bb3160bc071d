#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every start, refusal and end goes to syslog, facility authpriv, saying
# who, policy, box, command and outcome; caller strings cannot forge lines.
# This host may have no syslog daemon: the test listens on /dev/log itself
# for its duration (only when nothing else does).
. "$(dirname "$0")/../lib.sh"

if [ -e /dev/log ]; then
  # A real syslog owns /dev/log: read what it received instead.
  bail "/dev/log belongs to this host's syslog; run on a host without one (as CI does)"
fi
log=$(mktemp /run/nsrun-test/audit.XXXXXX)
devlog_listen "$log" 60
listener=$DEVLOG_PID
stalled=""
full=/run/nsrun-test/audit-full.$$
cleanup() {
  kill "$listener" $stalled 2>/dev/null; wait "$listener" $stalled 2>/dev/null
  rm -f /dev/log "$log" "$full"; cleanup_policies
}
trap cleanup EXIT

basic_policy au
nsr --policy au abox -- /bin/sh -c 'exit 4'
nsr --policy au-missing abox -- /bin/true 2>/dev/null
nsr --policy au "$(printf 'bad\nname')" -- /bin/true 2>/dev/null
nsr --policy au abox -- /bin/echo $'forged\nnsrun[1]: start: uid=0' >/dev/null
basic_policy au-rt "[limits]
runtime = 1s"
nsr --policy au --detach lbox -- sleep 60 >/dev/null
nsr --join lbox -- true
nsr2 --stop lbox 2>/dev/null
"$NSRUN" --stop lbox --user "$TUSER"
nsr --policy au-rt rbox -- sleep 30 2>/dev/null
sleep 0.5
text=$(cat "$log")

# <PRI>: authpriv is facility 10 -> PRI = 80 + severity
match "a start is logged at authpriv with who, policy, box and command" \
  "^<8[0-7]>.*nsrun\[[0-9]+\]: start: uid=$TUID user=$TUSER policy=au box=abox netns=(pool:[0-9a-f]{16}|new) command=/bin/sh -c exit 4" "$text"
match "its end is logged with the exit status" "end: uid=$TUID policy=au box=abox status=4" "$text"
match "a refusal is logged with the reason" "refused: uid=$TUID user=$TUSER policy=au-missing box=abox: policy \"au-missing\" is not available" "$text"
nomatch "a caller's newline cannot forge a log line" '^[^<]' "$text"
match "a bad box name is logged as a refusal" "refused: uid=$TUID: invalid box name 'bad\\?name'" "$text"
match "the command's control characters are escaped" 'command=/bin/echo forged\\x0ansrun' "$text"
match "a detached start is logged with who and the init's pid" "detach: uid=$TUID user=$TUSER policy=au box=lbox pid=[0-9]+" "$text"
match "a join is logged with who, box and command" "join: uid=$TUID user=$TUSER policy=au box=lbox pid=[0-9]+ command=true" "$text"
match "a refused stop is logged with who" "refused: stop: uid=$TUID2 user=$TUSER2 owner=$TUID2 box=lbox: box lbox is not running" "$text"
match "root's stop is logged with who and whose box" "stop: uid=0 user=root owner=$TUID policy=au box=lbox signal=15" "$text"
match "the end of a stopped box says so" "end: uid=$TUID policy=au box=lbox status=143 \\(stopped\\)" "$text"
match "a runtime kill is logged" "runtime: uid=$TUID policy=au-rt box=rbox: killed: runtime limit of 1 s exceeded" "$text"
match "... and the box's end with 124" "end: uid=$TUID policy=au-rt box=rbox status=124 \\(runtime limit\\)" "$text"
# A missing or stuck syslog never holds up a start (nsrun sends without
# waiting; how long a start takes is scripts/bench's business, not this
# test's): with no /dev/log at all, and with a listener that never reads
# and whose queue is full, the start completes and the box runs, and the
# line a full queue refused is in the kernel's log. nsrun
# from before its own log client blocked in send(2) for good on the second.
kill "$listener"; wait "$listener" 2>/dev/null; rm -f /dev/log
out=$(timeout -k 5 20 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
  "$NSRUN" --policy au nolog -- /bin/echo ran 2>&1)
rc=$?
eq "with no /dev/log, a start completes and its box runs" "ran exit 0" "$out exit $rc"

python3 - "$full" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.connect("/dev/log")
c.setblocking(False)
n = 0
try:
    while n < 1000000:
        c.send(b"<85>fill: queue")
        n += 1
except (BlockingIOError, OSError):
    pass
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % n)
time.sleep(300)  # never reads
PY
stalled=$!
for _ in $(seq 100); do [ -s "$full" ] && break; sleep 0.1; done
t "the stuck listener's queue is full" test -s "$full"
out=$(timeout -k 5 20 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
  "$NSRUN" --policy au stuck -- /bin/echo ran 2>&1)
rc=$?
# (the box may run before nsrun logs its start: the exit status says
# whether nsrun itself finished, or was cut by the timeout: 124, 137)
eq "with a syslog that never reads, a start completes and its box runs" "ran exit 0" "$out exit $rc"
# A full queue (anyone may flood /dev/log) must not hide the start: the
# line goes to the kernel's log, which only root can write.
match "... and its start line went to the kernel's log instead" \
  "nsrun\[[0-9]+\]: start: uid=$TUID user=$TUSER policy=au box=stuck netns=(pool:[0-9a-f]{16}|new) command=/bin/echo ran" \
  "$(dmesg 2>&1 | tail -n 400)"
out=$(timeout -k 5 20 setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
  "$NSRUN" --policy au-missing stuck -- /bin/true 2>&1)
rc=$?
match "... and so does a refusal" 'policy "au-missing" is not available' "$out"
t "... which nsrun finished itself (exit $rc, not cut by the timeout: 124, 137)" test "$rc" -ne 0 -a "$rc" -ne 124 -a "$rc" -ne 137
done_testing

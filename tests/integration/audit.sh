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
python3 - "$log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", buffering=0) as f:
    s.settimeout(60)
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        f.write(d.replace(b"\n", b"\\n") + b"\n")
PY
listener=$!
cleanup() { kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null; rm -f /dev/log "$log"; cleanup_policies; }
trap cleanup EXIT
for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done

basic_policy au
nsr --policy au abox -- /bin/sh -c 'exit 4'
nsr --policy au-missing abox -- /bin/true 2>/dev/null
nsr --policy au "$(printf 'bad\nname')" -- /bin/true 2>/dev/null
nsr --policy au abox -- /bin/echo $'forged\nnsrun[1]: start: uid=0' >/dev/null
sleep 0.5
text=$(cat "$log")

# <PRI>: authpriv is facility 10 -> PRI = 80 + severity
match "a start is logged at authpriv with who, policy, box and command" \
  "^<8[0-7]>.*nsrun\[[0-9]+\]: start: uid=$TUID user=$TUSER policy=au box=abox command=/bin/sh -c exit 4" "$text"
match "its end is logged with the exit status" "end: uid=$TUID policy=au box=abox status=4" "$text"
match "a refusal is logged with the reason" "refused: uid=$TUID user=$TUSER policy=au-missing box=abox: policy \"au-missing\" is not available" "$text"
nomatch "a caller's newline cannot forge a log line" '^[^<]' "$text"
match "a bad box name is logged as a refusal" "refused: uid=$TUID: invalid box name 'bad\\?name'" "$text"
match "the command's control characters are escaped" 'command=/bin/echo forged\\x0ansrun' "$text"
done_testing

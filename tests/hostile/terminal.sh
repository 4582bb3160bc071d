#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Terminal injection from a box into the caller's terminal: TIOCSTI (plain,
# with high bits set in the request, through the i386 and x32 entry
# points) and TIOCLINUX paste, on fds 0-2 and /dev/tty, from interactive
# boxes (the caller's pty is the box's terminal), non-interactive ones,
# and from a user namespace made inside. A variant the host itself cannot
# run (no int 0x80 here, say) is refused by the host, which is what these
# tests want to see: the probe runs such variants in a child and reports
# them as "denied (ABI unavailable: signal N)". Nothing may reach the terminal's
# input queue. A control run of the same probe outside any box shows that
# the test can see an injection on this kernel.
. "$(dirname "$0")/hlib.sh"
command -v python3 >/dev/null || bail "python3 missing (pty driver)"
PTY="python3 $HSRC/ptyrun.py"
hpolicy hterm
SU=(setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env)

injected() {   # injected OUTPUT: did anything arrive in the terminal's input?
  grep -q 'INJECTED-QUEUE' <<<"$1" || grep -qx 'INJECTED' <<<"$1"
}

# ---- control: outside a box, on this kernel, can the probe inject at all?
out=$($PTY 5 '' "${SU[@]}" "$HB/probe" tiocsti)
if injected "$out"; then
  ok "control: outside a box TIOCSTI injects (the test can see it)"
else
  skip "control: outside a box TIOCSTI injects" "kernel refuses TIOCSTI anyway (dev.tty.legacy_tiocsti=0?)"
fi

# ---- interactive box, explicit command
out=$($PTY 10 '' "${SU[@]}" "$NSRUN" -p hterm hterm -- /hbin/probe tiocsti)
match "interactive box ran the probe" 'tiocsti-fd0:' "$out"
nomatch "interactive box: every TIOCSTI/TIOCLINUX variant refused" '^(tiocsti|tioclinux)[^:]*: (ok|probe error)' "$out"
injected "$out" && not_ok "interactive box: nothing reached the terminal's input" "$out" ||
  ok "interactive box: nothing reached the terminal's input"

# ---- interactive box with the default shell, typed at
out=$($PTY 10 '/hbin/probe tiocsti\nexit\n' "${SU[@]}" "$NSRUN" -p hterm hterm)
match "interactive shell in the box ran the probe" 'tiocsti-fd0:' "$out"
nomatch "interactive shell: every variant refused" '^(tiocsti|tioclinux)[^:]*: (ok|probe error)' "$out"
injected "$out" && not_ok "interactive shell: no injected command ran, nothing queued" "$out" ||
  ok "interactive shell: no injected command ran, nothing queued"

# ---- non-interactive box whose stdout/stderr are the caller's terminal
out=$($PTY 10 '' "${SU[@]}" sh -c 'exec "$0" -p hterm hterm -- /hbin/probe tiocsti </dev/null' "$NSRUN")
match "non-interactive box ran the probe" 'tiocsti-fd1:' "$out"
nomatch "non-interactive box: every variant refused" '^(tiocsti|tioclinux)[^:]*: (ok|probe error)' "$out"
injected "$out" && not_ok "non-interactive box: nothing reached the terminal's input" "$out" ||
  ok "non-interactive box: nothing reached the terminal's input"
out=$($PTY 10 '' "${SU[@]}" sh -c 'exec "$0" -p hterm hterm -- /bin/sh -c "tty; ls -l /proc/self/fd/0"' "$NSRUN")
diag "interactive box's view of its terminal: $(tr '\n' ' ' <<<"$out")"

# ---- from a user namespace made inside the box (full capabilities there)
out=$($PTY 10 '' "${SU[@]}" "$NSRUN" -p hterm hterm -- /bin/unshare -Ur /hbin/probe tiocsti)
if grep -q 'tiocsti-fd0:' <<<"$out"; then
  nomatch "nested user namespace: every variant still refused" '^(tiocsti|tioclinux)[^:]*: (ok|probe error)' "$out"
  injected "$out" && not_ok "nested user namespace: nothing reached the terminal" "$out" ||
    ok "nested user namespace: nothing reached the terminal"
else
  skip "nested user namespace: every variant still refused" "unshare -U refused in the box"
  skip "nested user namespace: nothing reached the terminal" "unshare -U refused in the box"
fi

# ---- a background job of the box keeps trying after the payload exits
out=$($PTY 8 '' "${SU[@]}" "$NSRUN" -p hterm hterm -- /bin/sh -c '(sleep 1; /hbin/probe tiocsti) & exit 0')
injected "$out" && not_ok "a leftover box process cannot inject after the payload exits" "$out" ||
  ok "a leftover box process cannot inject after the payload exits"

# ---- process groups: the box never shares one with the caller's pipeline
# (a tty on stdin used to keep the payload in the caller's process group:
# "kill -TERM 0" in the box killed the pipeline partner on the host)
for pty in --pty --no-pty; do
  out=$($PTY 10 '' "${SU[@]}" sh -c '"$0" -p hterm "$1" hterm -- /bin/sh -c "kill -TERM 0; sleep 1" | { sleep 3; echo PARTNER-ALIVE; }' "$NSRUN" "$pty")
  match "interactive box ($pty): kill -TERM 0 inside spares the caller's pipeline partner" '^PARTNER-ALIVE' "$out"
done
out=$($PTY 10 '' "${SU[@]}" sh -c '"$0" -p hterm hterm -- /bin/sh -c "kill -HUP 0; sleep 1" </dev/null | { sleep 3; echo PARTNER-ALIVE; }' "$NSRUN")
match "non-interactive box: kill -HUP 0 inside spares the caller's pipeline partner" '^PARTNER-ALIVE' "$out"
# with --no-pty the caller's terminal still works for an interactive box
# (a session of its own, without that terminal as its controlling one):
# Ctrl-C reaches the command through nsrun (130), and typed input is read
out=$($PTY 8 'hello-typed\n' "${SU[@]}" "$NSRUN" -p hterm --no-pty hterm -- /bin/sh -c 'read l; echo "READ:$l"')
match "--no-pty: the box reads the caller's terminal" '^READ:hello-typed' "$out"
out=$($PTY 8 '\x03' "${SU[@]}" sh -c 'trap "" INT; "$0" -p hterm --no-pty hterm -- /bin/sleep 5; echo "RC:$?"' "$NSRUN")
match "--no-pty: Ctrl-C on the caller's terminal ends the box's command (130)" 'RC:130$' "$out"

same_state "host untouched at the end"
done_testing

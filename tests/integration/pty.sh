#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The box's own terminal (nsrun(1), TERMINAL): run from a real terminal
# (a pty driven by ptydrive.py, the test user's controlling terminal),
# the box gets a pty of its own devpts, the job-control keys reach its
# foreground through that pty, its window follows the caller's, every way
# out leaves the caller's terminal exactly as it was (`stty -g`), a flood
# of output arrives whole, and closing the terminal ends the box with
# nothing left. Without a terminal nothing changes (no pty, fds as given).
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || bail "python3 missing (pty driver)"
DRIVE="python3 $NSRUN_SRCDIR/tests/integration/ptydrive.py"
SU=(setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env)
SHUSER=nsrptysh

cleanup() {
  cleanup_policies
  userdel -r "$SHUSER" >/dev/null 2>&1
}
trap cleanup EXIT
before=$(host_state)
basic_policy ptyt
basic_policy ptymem "[limits]
memory = 64M
swap = 0"
basic_policy ptyrt "[limits]
runtime = 2s"
drive() { local t=$1; shift; $DRIVE "$t" "${SU[@]}" "$NSRUN" "$@"; }
status_of() { sed -n 's/^PTYDRIVE-EXIT: //p' <<<"$1"; }
# stty_same DESC OUTPUT: `stty -g` of the caller's terminal before = after.
stty_same() {
  local b a
  b=$(sed -n 's/^PTYDRIVE-STTY-BEFORE: //p' <<<"$2")
  a=$(sed -n 's/^PTYDRIVE-STTY-AFTER: //p' <<<"$2")
  if [ -n "$b" ] && [ "$b" = "$a" ]; then ok "$1"; else not_ok "$1" "before: [$b]" "after:  [$a]"; fi
}

# ---- the terminal inside
out=$(drive 20 -p ptyt pt1 <<'EOF'
expect \$ 
send tty; stty size; ls -ln $(tty) | awk '{print "owner:", $1, $3}'; echo done-$((40+2))\n
expect done-42
resize 40 132
send stty size\n
expect 40 132
send exit 3\n
wait
EOF
)
match "tty inside names a pty of the box's devpts" '^/dev/pts/[0-9]+$' "$out"
match "stty size inside equals the caller's window (24 80)" '^24 80$' "$out"
match "the box's terminal belongs to the user" "^owner: crw--w---- $TUID\$" "$out"
match "a resize of the caller's window is seen inside" '^40 132$' "$out"
eq "exit 3 gives 3" 3 "$(status_of "$out")"
stty_same "the caller's terminal is as before (normal exit)" "$out"
nomatch "no step timed out" 'PTYDRIVE-FAIL' "$out"

# ---- the job-control keys go through the box's line discipline
out=$(drive 30 -p ptyt pt2 <<'EOF'
expect \$ 
send sleep 50\n
sleep 0.5
send \x03
expect \$ 
send echo after-int-$?\n
expect after-int-130
send sleep 51\n
sleep 0.5
send \x1c
expect \$ 
send echo after-quit-$?\n
expect after-quit-131
send sleep 52\n
sleep 0.5
send \x1a
expect [Ss]topped
send jobs\n
expect sleep 52
send bg\n
expect \$ 
send jobs\n
expect Running
send fg\n
expect sleep 52
sleep 0.3
send \x03
expect \$ 
send echo shell-alive\n
expect shell-alive
send exit\n
wait
EOF
)
match "Ctrl-C stops a foreground sleep (130), the shell survives" 'after-int-130' "$out"
match "Ctrl-\\ quits a foreground sleep (131)" 'after-quit-131' "$out"
match "Ctrl-Z stops it, jobs lists it" '[Ss]topped' "$out"
match "bg runs it again" 'Running' "$out"
match "fg brings it back, Ctrl-C ends it, the shell goes on" 'shell-alive' "$out"
nomatch "every job-control step happened" 'PTYDRIVE-FAIL' "$out"
eq "nsrun exits 0 after all of that" 0 "$(status_of "$out")"
stty_same "the caller's terminal is as before (job control)" "$out"

# ---- every way out leaves the caller's terminal as it was
out=$(drive 15 -p ptyt pt3 -- /bin/sh -c 'kill -TERM $$; sleep 5' </dev/null)
eq "a payload killed by SIGTERM gives 143" 143 "$(status_of "$out")"
stty_same "the caller's terminal is as before (payload killed)" "$out"
for sig in TERM INT HUP; do
  out=$(drive 15 -p ptyt pt4 -- /bin/sleep 30 <<EOF
sleep 1
kill $sig
wait
EOF
)
  n=$(kill -l "$sig")
  eq "SIG$sig to nsrun ends the box (status $((128 + n)))" $((128 + n)) "$(status_of "$out")"
  stty_same "the caller's terminal is as before (SIG$sig to nsrun)" "$out"
done
out=$(drive 15 -p ptyt pt5 -- /no/such/command </dev/null)
eq "a command that is not there gives 127" 127 "$(status_of "$out")"
match "nsrun's message is on a restored terminal" '^nsrun: pt5: command not found: /no/such/command$' "$out"
stty_same "the caller's terminal is as before (command not found)" "$out"
if [ "$CGMODE" != none ]; then
  out=$(drive 30 -p ptymem pt6 -- /bin/dd if=/dev/zero of=/dev/null bs=256M count=1 </dev/null)
  eq "memory limit from a terminal gives 137" 137 "$(status_of "$out")"
  match "the memory message is on a restored terminal" '^nsrun: pt6: killed: memory limit \(64M\) exceeded$' "$out"
  stty_same "the caller's terminal is as before (memory limit)" "$out"
else
  skip "memory limit from a terminal gives 137" "no cgroup controllers"
fi
out=$(drive 30 -p ptyrt pt18 -- /bin/sleep 60 </dev/null)
eq "runtime limit from a terminal gives 124" 124 "$(status_of "$out")"
match "the runtime message is on a restored terminal" '^nsrun: pt18: killed: runtime limit \(2s\) exceeded$' "$out"
stty_same "the caller's terminal is as before (runtime limit)" "$out"
out=$(drive 15 -p ptyt pt7 -- /bin/sh -c 'sleep 1; echo woke' <<'EOF'
kill TSTP
sleep 0.5
kill CONT
wait
EOF
)
match "SIGTSTP to nsrun: stopped and continued, the box goes on" '^woke$' "$out"
stty_same "the caller's terminal is as before (SIGTSTP, SIGCONT)" "$out"

# ---- output: a flood arrives whole; the exit status is the payload's
want=$(seq 1 1500000 | md5sum | cut -d' ' -f1)
wantn=$(seq 1 1500000 | wc -c)
out=$($DRIVE --digest 120 "${SU[@]}" "$NSRUN" -p ptyt pt8 -- seq 1 1500000 </dev/null)
eq "a 10 MB flood arrives whole (bytes, md5)" "$wantn $want" "$(sed -n 's/^PTYDRIVE-BYTES: //p' <<<"$out")"
eq "and its exit status is 0" 0 "$(status_of "$out")"
out=$(drive 20 -p ptyt pt9 -- /bin/sh -c 'echo last-words; exit 7' </dev/null)
match "output written just before the end is not lost" '^last-words$' "$out"
eq "and the status is kept (7)" 7 "$(status_of "$out")"
# nsrun stopped while the box writes 10 KB (what a pty holds: 8 KB of flip
# buffer, 4 KB of line discipline) and ends: at SIGCONT the box is gone and
# all of it is still queued in the pty; none of it may be lost
out=$(drive 30 -p ptyt pt17 -- /bin/sh -c 'sleep 1; head -c 10000 /dev/zero | tr "\0" z; echo; echo end-marker' <<'EOF'
sleep 0.3
kill STOP
sleep 3
kill CONT
wait
EOF
)
eq "output still queued when the box has ended is flushed (10000 bytes)" 10000 "$(tr -cd z <<<"$out" | wc -c)"
match "... to its last line" '^end-marker$' "$out"
out=$(drive 20 -p ptyt pt10 -- /bin/sh -c 'read l; echo "got:$l"; cat; echo cat-ended' <<'EOF'
sleep 0.5
send hello box\n
expect got:hello box
send line2\n\x04
expect cat-ended
wait
EOF
)
match "typed input reaches the box's reader" '^got:hello box$' "$out"
match "^D at the start of a line is end-of-file inside" 'cat-ended' "$out"

# ---- closing the caller's terminal ends the box, nothing is left
out=$(drive 20 -p ptyt pt11 <<'EOF'
expect \$ 
send sleep 300 & sleep 301\n
sleep 1
hangup
wait
EOF
)
eq "nsrun ends when its terminal is closed (SIGHUP: 129)" 129 "$(status_of "$out")"
host_settle
eq "no process of the box is left" "" "$(pgrep -u "$TUSER" 2>/dev/null | tr '\n' ' ')"

# ---- which fds get the pty; no terminal: nothing changes
out=$($DRIVE 15 "${SU[@]}" sh -c '"$0" -p ptyt pt12 -- /bin/sh -c "tty; test -p /proc/self/fd/1 && echo out-is-the-callers-pipe" | cat' "$NSRUN" </dev/null)
match "stdin a terminal, stdout a pipe: the box's stdin is its pty" '^/dev/pts/[0-9]+$' "$out"
match "... and its stdout the caller's pipe, untouched" 'out-is-the-callers-pipe' "$out"
out=$($DRIVE 15 "${SU[@]}" sh -c '"$0" -p ptyt pt12 -- /bin/sh -c "sleep 2; echo piped" | cat' "$NSRUN" <<'EOF'
sleep 1
stty
wait
EOF
)
match "in a pipeline the box still runs to its end" '^piped$' "$out"
eq "in a pipeline nsrun leaves the terminal's modes alone (no raw mode)" \
  "$(sed -n 's/^PTYDRIVE-STTY-BEFORE: //p' <<<"$out")" "$(sed -n 's/^PTYDRIVE-STTY-NOW: //p' <<<"$out")"
out=$(drive 15 -p ptyt pt12 -- /bin/sleep 2 <<'EOF'
sleep 1
stty
wait
EOF
)
b=$(sed -n 's/^PTYDRIVE-STTY-BEFORE: //p' <<<"$out")
n=$(sed -n 's/^PTYDRIVE-STTY-NOW: //p' <<<"$out")
[ -n "$n" ] && [ "$n" != "$b" ] && ok "interactive: the terminal is raw while the box runs" ||
  not_ok "interactive: the terminal is raw while the box runs" "before: $b" "during: $n"
out=$(nsr -p ptyt pt13 -- /bin/sh -c 'tty; ls /dev/pts' </dev/null 2>&1)
match "no terminal: no pty (tty says not a tty)" '^not a tty$' "$out"
eq "no terminal: the box's devpts holds nothing but ptmx" "$(printf 'not a tty\nptmx')" "$out"
out=$(echo typed-in | nsr --pty -p ptyt pt14 -- /bin/sh -c 'tty; cat' 2>&1 | tr -d '\r')
match "--pty without a terminal: the box gets one" '^/dev/pts/[0-9]+$' "$out"
match "--pty: piped input arrives, and its end ends cat" '^typed-in$' "$out"
out=$(drive 15 --no-pty -p ptyt pt15 -- /bin/sh -c 'tty; ls /dev/pts' </dev/null)
match "--no-pty from a terminal: no pty of its own (the caller's is not in the box's devpts)" '^not a tty$' "$out"
out=$(nsr --dry-run -p ptyt pt16 </dev/null)
match "--dry-run without a terminal says so" '^terminal: none' "$out"
out=$(nsr --pty --dry-run -p ptyt pt16 </dev/null)
match "--dry-run --pty says the box gets a pty" '^terminal: a pty of its own on stdin stdout stderr$' "$out"
out=$(nsr --pty --no-pty -p ptyt pt16 2>&1); rc=$?
eq "--pty with --no-pty is refused (125)" 125 "$rc"

# ---- detached boxes get no pty; --join from a terminal gets one of its own
out=$(drive 20 --detach -p ptyt pj1 -- /bin/sh -c 'tty; exec sleep 60' </dev/null)
eq "--detach from a terminal starts the box (0)" 0 "$(status_of "$out")"
log=""
for _ in $(seq 50); do
  log=$(nsr --logs pj1 2>&1 | tr -d '\r')
  grep -q 'tty' <<<"$log" && break
  sleep 0.1
done
match "a detached box has no terminal (tty says not a tty)" '^not a tty$' "$log"
out=$(nsr --pty --detach -p ptyt pj2 -- /bin/true 2>&1 </dev/null); rc=$?
eq "--pty with --detach is refused (125)" 125 "$rc"
out=$(drive 20 --join pj1 -- /bin/sh -c 'tty; stty size; ls /dev/pts' <<'EOF'
wait
EOF
)
match "--join from a terminal: the command's terminal is a pty of the box's devpts" '^/dev/pts/[0-9]+$' "$out"
match "--join: its window is the caller's (24 80)" '^24 80$' "$out"
eq "--join: exit status 0" 0 "$(status_of "$out")"
stty_same "the caller's terminal is as before (--join)" "$out"
out=$(drive 20 --join pj1 -- /bin/sh -c 'sleep 30' <<'EOF'
sleep 1
send \x03
wait
EOF
)
eq "--join: Ctrl-C reaches the joined command through its pty (130)" 130 "$(status_of "$out")"
stty_same "the caller's terminal is as before (--join, Ctrl-C)" "$out"
out=$(nsr --join pj1 -- /bin/sh -c 'tty' </dev/null 2>&1)
match "--join without a terminal: no pty" '^not a tty$' "$out"
nsr --stop pj1 >/dev/null 2>&1

# ---- the default command is the user's login shell when the image has it
useradd --no-create-home --shell /bin/ash "$SHUSER" 2>/dev/null
if id "$SHUSER" >/dev/null 2>&1; then
  policy ptysh <<INI
[policy]
users = $SHUSER, $TUSER
[rootfs]
path = $NSRUN_ROOTFS
INI
  out=$(run_as "$SHUSER" "$NSRUN" -p ptysh ps1 -- /bin/sh -c 'grep "^$USER:" /etc/passwd' </dev/null 2>&1)
  match "a user whose shell the image has: passwd inside shows it" ":/bin/ash$" "$out"
  out=$(echo 'echo $0; readlink /proc/$$/exe' | run_as "$SHUSER" "$NSRUN" -p ptysh ps2 2>&1)
  match "... and it is the default command" '^/bin/ash$' "$out"
  out=$(nsr -p ptysh ps3 -- /bin/sh -c 'grep "^$USER:" /etc/passwd' </dev/null 2>&1)
  match "a user whose shell is /bin/sh: passwd inside shows /bin/sh" ":/bin/sh$" "$out"
  usermod --shell /usr/bin/zsh-not-in-image "$SHUSER"
  out=$(run_as "$SHUSER" "$NSRUN" -p ptysh ps4 -- /bin/sh -c 'grep "^$USER:" /etc/passwd' </dev/null 2>&1)
  match "a shell the image lacks: passwd inside shows /bin/sh" ":/bin/sh$" "$out"
  out=$(echo 'echo $0' | run_as "$SHUSER" "$NSRUN" -p ptysh ps5 2>&1)
  match "... and /bin/sh is the default command" '^/bin/sh$' "$out"
  basic_policy ptycmd "[box]
command = /bin/hostname"
  out=$(nsr -p ptycmd ps6 </dev/null 2>&1)
  eq "the policy's command wins over the login shell" ps6 "$out"
else
  skip "the default command is the login shell" "cannot add a user"
fi

# ---- a Debian image (scripts/mkrootfs --debian): the user's bash, tmux, vim, less
DEB=${NSRUN_DEBIAN_ROOTFS:-/var/lib/nsrun-test/debian-12}
if [ "${NSRUN_DEBIAN_PREBUILT:-0}" != 1 ] && [ ! -x "$DEB/bin/bash" ]; then
  install -d -m 0755 -o root -g root "$(dirname "$DEB")"
  "$NSRUN_SRCDIR/scripts/mkrootfs" --debian "$DEB" >/dev/null 2>&1
fi
if [ -x "$DEB/bin/bash" ] && [ -x "$DEB/usr/bin/tmux" ] && id "$SHUSER" >/dev/null 2>&1; then
  usermod --shell /bin/bash "$SHUSER"
  policy ptydeb <<INI
[policy]
users = $SHUSER
[rootfs]
path = $DEB
writable = tmpfs
INI
  out=$(TERM=xterm $DRIVE 90 setpriv --reuid="$SHUSER" --regid="$(id -g "$SHUSER")" --init-groups \
          --reset-env "$NSRUN" -p ptydeb work <<'EOF'
expect \$ 
send echo "sh=$0"; tty; stty size\n
expect [0-9]+ [0-9]+
resize 30 100
send stty size\n
expect 30 100
send tmux new -d -s t1 'sleep 60' && tmux ls | cut -d: -f1 && tmux kill-server && echo tmux-ok\n
expect tmux-ok
send vim.tiny -u NONE -N /tmp/f\n
sleep 1.5
send ihello-vim\x1b:wq\r
sleep 1
send cat /tmp/f\n
expect hello-vim
send seq 1 200 | less\n
sleep 1.5
send q
sleep 0.5
send echo less-done\n
expect less-done
send exit 5\n
wait
EOF
)
  # bash, vim and less write escape sequences (bracketed paste...): drop them
  out=$(sed -E 's/\x1b\[[?>=0-9;]*[a-zA-Z]//g; s/\x1b[=>]//g' <<<"$out")
  nomatch "Debian: every step happened" 'PTYDRIVE-FAIL' "$out"
  match "Debian: the default command is the user's login shell (bash)" '^sh=/bin/bash$' "$out"
  match "Debian: tty in bash names the box's pty" '^/dev/pts/[0-9]+$' "$out"
  match "Debian: stty size is the caller's (24 80)" '^24 80$' "$out"
  match "Debian: a resize is seen (30 100)" '^30 100$' "$out"
  match "Debian: tmux new -d works" '^t1$' "$out"
  match "Debian: vim edits and writes a file" '^hello-vim$' "$out"
  nomatch "Debian: less pages (it showed one screen, not all 200 lines)" '^200$' "$out"
  nomatch "Debian: less read its q from the terminal" 'q: command not found' "$out"
  eq "Debian: exit 5 gives 5" 5 "$(status_of "$out")"
  stty_same "Debian: the caller's terminal is as before" "$out"
else
  skip "Debian image: bash, tty, resize, tmux, vim, less" "no Debian image at $DEB (scripts/mkrootfs --debian failed or not run)"
fi

eq "host state unchanged" "$before" "$(host_state)"
done_testing

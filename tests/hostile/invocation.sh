#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile invocation: what a caller controls before nsrun's main() runs
# (argv, environment, fds, umask, rlimits, signals, tracing) used against
# the setuid binary by an unprivileged user. Each attack must fail (or be
# harmless), reach nothing in the box, and leave the host as it was.
. "$(dirname "$0")/hlib.sh"

hpolicy hinv
hpolicy hinv-persist "writable = persistent"
hpolicy hinv-lim "" "[limits]
pids = 100
memory = 256M"
# The persistent box's data, removed at the end.
H_CLEAN+=("$DATADIR/$TUID/hinv-p")

# ---- argc == 0 (pkexec CVE-2021-4034 class): the kernel or nsrun must
# refuse; the "environment" must never be read as options.
out=$(run_as "$TUSER" "$HB/hostprobe" argv0 "$NSRUN" "--policy=hinv" "hx" "--" "/hbin/probe" "ids" 2>&1); rc=$?
refused "argc 0 with options in envp" "$rc" "$out"
nomatch "argc 0: no box ran" "uid=" "$out"
out=$(run_as "$TUSER" "$HB/hostprobe" argv0 "$NSRUN" 2>&1); rc=$?
refused "argc 0, empty environment" "$rc" "$out"

# ---- huge and garbled argv / environment
long=$(head -c 70000 /dev/zero | tr '\0' a)
out=$(nsr -p hinv "$long" 2>&1); rc=$?
refused "argument of 70000 bytes" "$rc" "$out"
out=$(nsr -p hinv hx -- /bin/true $(seq 5000) 2>&1); rc=$?
refused "5000 arguments" "$rc" "$out"
out=$(nsr -p hinv "$(printf 'b\nnsrun: fake line\x1b[2J')" 2>&1); rc=$?
refused "box name with newline and escape" "$rc" "$out"
nomatch "no raw escape echoed back" $'\x1b' "$out"
out=$(nsr -p "$(printf 'hinv\xff\xfe')" hx 2>&1); rc=$?
refused "policy name with invalid UTF-8" "$rc" "$out"
out=$(nsr --policy= hx 2>&1); rc=$?
refused "--policy= (empty)" "$rc" "$out"
out=$(nsr -p hinv -p hinv hx 2>&1); rc=$?
refused "--policy twice" "$rc" "$out"
out=$(nsr -p hinv --gc hx 2>&1); rc=$?
refused "--gc mixed into a start" "$rc" "$out"
out=$(nsr --gc 2>&1); rc=$?
refused "--gc as a user" "$rc" "$out"
out=$(nsr -p hinv hx --frobnicate 2>&1); rc=$?
refused "unknown option after BOX" "$rc" "$out"
# A garbage environment of ~1 MiB: nsrun ignores it, the box sees none.
out=$(run_as "$TUSER" env -i $(for i in $(seq 2000); do printf 'JUNK%d=%0500d ' "$i" 0; done) \
  TERM=$'xterm\n;id' BASH_ENV=/tmp/x ENV=/tmp/x IFS=/ PATH=/tmp "$NSRUN" -p hinv hx -- /bin/env 2>&1); rc=$?
eq "1 MiB of environment: box runs" 0 "$rc"
nomatch "no JUNK, IFS, ENV, BASH_ENV reaches the box" '^(JUNK|IFS=|ENV=|BASH_ENV=)' "$out"
match "PATH is the box's, not the caller's" '^PATH=/(usr|bin)' "$out"
nomatch "a TERM with a newline is dropped" '^TERM=xterm$|^;id' "$out"
envnames=$(sed -n 's/=.*//p' <<<"$out" | sort | tr '\n' ' ')
eq "box environment is exactly the contract's" "HOME PATH USER container " "$envnames"

# ---- options after "--" and after the command belong to the command
out=$(nsr -p hinv hx -- --gc 2>&1); rc=$?
eq "'-- --gc' is a command (not found: 127)" 127 "$rc"
out=$(nsr -p hinv hx /bin/echo --list --policy x --gc 2>&1); rc=$?
eq "options after COMMAND go to the command" "0 --list --policy x --gc" "$rc $out"
out=$(nsr -p hinv -- hx /bin/true 2>&1); rc=$?
refused "'--' before BOX" "$rc" "$out"

# ---- closed and odd fds 0-2
out=$(nsr -p hinv hx -- /hbin/probe fds 0<&- 2>&-); rc=$?
eq "stdin and stderr closed: box runs" 0 "$rc"
match "closed fd 0 arrives as /dev/null or /dev/full (glibc fills it)" '^fd 0 -> .* char 1:[37]$' "$out"
match "closed fd 2 arrives as /dev/null (char 1:3)" '^fd 2 -> .* char 1:3$' "$out"
run_as "$TUSER" "$NSRUN" -p hinv hx -- /bin/true 0<&- 1>&- 2>&-; rc=$?
eq "fds 0-2 all closed: box runs" 0 "$rc"
out=$(run_as "$TUSER" "$NSRUN" -p nosuchpolicy hx 2>&1 1>&- 0<&-); rc=$?
refused "refusal with stdout closed" "$rc" "$out"
out=$(nsr -p hinv hx -- /bin/true 2>&1 0<"$POLICYDIR"); rc=$?
eq "fd 0 a directory: box runs" 0 "$rc"
same_state "host untouched after the argv and fd attacks"

# ---- inherited fds: to /, the policy dir, a cgroup dir, a host file
cgdir=$(find /sys/fs/cgroup -maxdepth 1 -mindepth 1 -type d | head -1)
out=$(run_as "$TUSER" bash -c 'exec 5</ 6<"$1" 7<"$2" 8</etc/passwd 9<>/dev/null 200</ 1000</; exec "$3" -p hinv hx -- /hbin/probe fds' \
  _ "$POLICYDIR" "$cgdir" "$NSRUN" 2>&1); rc=$?
eq "box with 9 inherited fds runs" 0 "$rc"
fdlist=$(sed -n 's/^fd \([0-9]*\) .*/\1/p' <<<"$out" | tr '\n' ' ')
eq "only fds 0 1 2 reach the box (/, policy dir, cgroup dir dropped)" "0 1 2 " "$fdlist"
match "the box's cwd is inside the box" '^cwd /' "$out"
out=$(run_as "$TUSER" bash -c 'exec 5</; exec "$1" -p hinv hx -- /bin/sh -c "ls /proc/1/fd; cat /proc/1/fd/5/etc/hostname"' _ "$NSRUN" 2>&1)
nomatch "the box's init holds no fd the payload can use" "$(hostname)" "$out"

# ---- hostile umask: nothing nsrun creates may be group/other writable
out=$(run_as "$TUSER" bash -c 'umask 0; exec "$1" -p hinv-persist hinv-p -- /bin/sh -c "umask; ls -l /etc/passwd"' _ "$NSRUN" 2>&1); rc=$?
eq "umask 000: box runs" 0 "$rc"
match "generated /etc/passwd is 0644 despite umask 0" '^-rw-r--r-- ' "$(tail -1 <<<"$out")"
bad=$(find "$STATEDIR" "$DATADIR/$TUID" -maxdepth 3 -perm /022 ! -type l ! -path "$STATEDIR/.mnt*" 2>/dev/null)
eq "state and data dirs made under umask 0 are not group/other writable" "" "$bad"
# host state is root:root, never root:<the caller's group>: look while a
# box runs (its lock file, record and cgroup leaves exist then), only at
# what this box's nsrun made or opened (other runs' leftovers are not this
# run's to judge)
run_as "$TUSER" "$NSRUN" -p hinv-lim hinv-g -- /bin/sleep 3 >/dev/null 2>&1 &
gpid=$!; sleep 1.5
bad=$( { find "$STATEDIR" "$STATEDIR/locks" "$STATEDIR/locks/$TUID-hinv-g.lock" "$STATEDIR/boxes/$TUID-hinv-g" \
    -maxdepth 0 ! -group 0 2>/dev/null
  own_leaves | grep -- "-hinv-g-" | while read -r d; do [ "$(stat -c %g "$d")" = 0 ] || echo "$d"; done; } | tr '\n' ' ')
eq "state dir, lock file, box record and cgroup leaves are group root (gid 0), not the caller's" "" "$bad"
diag "while the box ran: $(find "$STATEDIR" -name '*.lock' | wc -l) lock file(s), $(own_leaves | wc -l) cgroup leaves"
wait "$gpid"
eq "persistent dirs are root's" "0 0" "$(stat -c %u "$DATADIR/$TUID") $(stat -c %u "$DATADIR/$TUID/hinv-p")"

# ---- rlimits: RLIMIT_NOFILE 3 and 4, tiny RLIMIT_FSIZE, RLIMIT_CORE, NPROC
out=$(run_as "$TUSER" prlimit --nofile=3 -- "$NSRUN" -p hinv hx -- /hbin/probe ids 2>&1); rc=$?
nomatch "RLIMIT_NOFILE 3: no box starts half-way" 'uid=' "$out"
[ "$rc" -ne 0 ] && ok "RLIMIT_NOFILE 3: fails (the loader cannot even open libc)" ||
  not_ok "RLIMIT_NOFILE 3: fails" "$out"
for n in 4 5 8; do
  out=$(run_as "$TUSER" prlimit --nofile=$n -- "$NSRUN" -p hinv hx -- /hbin/probe ids 2>&1); rc=$?
  if [ "$rc" = 0 ]; then match "RLIMIT_NOFILE $n: box runs as the user" "uid=$TUID,$TUID,$TUID" "$out"
  else refused "RLIMIT_NOFILE $n: clean refusal" "$rc" "$out"; fi
done
# A tiny RLIMIT_FSIZE must neither kill nsrun half-way (SIGXFSZ) nor make
# it leave a truncated file: either the box runs with whole generated
# files, or nsrun refuses cleanly.
for pol in hinv:hx hinv-persist:hinv-p; do
  out=$(run_as "$TUSER" prlimit --fsize=1 -- "$NSRUN" -p "${pol%%:*}" "${pol#*:}" -- /bin/cat /etc/passwd 2>&1); rc=$?
  if [ "$rc" = 0 ]; then match "RLIMIT_FSIZE 1 ($pol): generated passwd is whole" "^$TUSER:x:$TUID:" "$out"
  else refused "RLIMIT_FSIZE 1 ($pol): clean refusal" "$rc" "$out"; fi
done
out=$(run_as "$TUSER" prlimit --nproc=1 -- "$NSRUN" -p hinv hx -- /bin/true 2>&1); rc=$?
if [ "$rc" = 0 ]; then ok "RLIMIT_NPROC 1: box runs"; else refused "RLIMIT_NPROC 1: clean refusal" "$rc" "$out"; fi
out=$(run_as "$TUSER" prlimit --stack=16384 --as=200000000 -- "$NSRUN" -p hinv hx -- /bin/true 2>&1); rc=$?
if [ "$rc" = 0 ]; then ok "tiny RLIMIT_STACK/AS: box runs"; else
  nomatch "tiny RLIMIT_STACK/AS: no crash report other than nsrun's" 'Segmentation|core dumped' "$out"; fi
same_state "host untouched after the rlimit attacks"

# RLIMIT_CORE unlimited + a crash signal sent by the user mid-run: no core.
cd "$HT" || exit 1
setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
  prlimit --core=unlimited -- "$NSRUN" -p hinv hcore -- /bin/sleep 30 >/dev/null 2>&1 &
sup=$!; H_PIDS+=("$sup")
wait_child_of "$sup" >/dev/null
sleep 0.3
run_as "$TUSER" kill -SEGV "$sup"
wait "$sup" 2>/dev/null; rc=$?
eq "SIGSEGV from the user ends nsrun" 139 "$rc"
cores=$(find / "$HT" /run/nsrun-test -maxdepth 1 -name 'core*' -newer "$HB/probe" 2>/dev/null)
eq "no core file of the setuid process" "" "$cores"
t "the box died with its supervisor" user_procs_gone
cd / || exit 1
gc
same_state "host clean after the crash and nsrun --gc"

# ---- signals during setup, from the user: at random points of the start
# the supervisor gets KILL, TERM, INT, HUP, STOP+CONT, SEGV, USR1.
sigfail=0
for i in $(seq 60); do
  sigs=(KILL TERM INT HUP STOP SEGV USR1 QUIT)
  s=${sigs[$((i % ${#sigs[@]}))]}
  hbg "$TUSER" -p hinv hsig -- /bin/sleep 2
  sup=$H_BG
  sleep "0.0$((RANDOM % 10))"
  run_as "$TUSER" kill -"$s" "$sup" 2>/dev/null
  [ "$s" = STOP ] && { sleep 0.05; run_as "$TUSER" kill -CONT "$sup"; run_as "$TUSER" kill -TERM "$sup"; }
  wait "$sup" 2>/dev/null
  user_procs_gone || { sigfail=$((sigfail + 1)); diag "signal $s left processes: $(pgrep -a -u "$TUSER")"; }
done
eq "60 signals during setup: every box died with its supervisor" 0 "$sigfail"
out=$(nsr -p hinv hsig -- /bin/echo after 2>&1); rc=$?
eq "the next start of that box works" "0 after" "$rc $out"
gc
same_state "host clean after signals during setup and nsrun --gc"

# ---- ptrace and /proc/PID/mem of nsrun (supervisor, and the box's init)
hbg "$TUSER" -p hinv hptr -- /bin/sleep 30
sup=$H_BG
init=$(wait_child_of "$sup")
sleep 0.3
out=$(run_as "$TUSER" "$HB/hostprobe" peek "$sup" 2>&1); rc=$?
eq "user cannot ptrace or read/write the supervisor's memory, fds, environ" 0 "$rc"
[ "$rc" = 0 ] || diag "$out"
out=$(run_as "$TUSER" "$HB/hostprobe" peek "${init:-1}" 2>&1); rc=$?
eq "user cannot ptrace or read the box's init (nsrun, now the user's uid)" 0 "$rc"
[ "$rc" = 0 ] || diag "$out"
out=$(run_as "$TUSER2" "$HB/hostprobe" peek "$sup" 2>&1); rc=$?
eq "another user cannot either" 0 "$rc"
kill -TERM "$sup"; wait "$sup"
# During setup: attach in a loop while boxes start. Attaching before
# setpriv has exec'd nsrun is allowed (it is the user's own process), but
# then the kernel runs nsrun without its setuid bit: the start must fail
# cleanly, never run privileged under a tracer.
won=0
for i in $(seq 30); do
  hbg "$TUSER" -p hinv hptr2 -- /bin/true
  sup=$H_BG
  for j in 1 2 3; do
    if st=$(nsrun_stamp "$sup" 0) && ! run_as "$TUSER" "$HB/hostprobe" peek "$sup" >"$HT/peek" 2>&1 &&
       [ "$(nsrun_stamp "$sup" 0)" = "$st" ]; then
      won=$((won + 1)); diag "supervisor $sup: $(cat "$HT/peek")"
    fi
    for c in $(pgrep -P "$sup") $(pgrep -P "$(pgrep -P "$sup" | head -1)" 2>/dev/null); do
      st=$(nsrun_stamp "$c") || continue
      run_as "$TUSER" "$HB/hostprobe" peek "$c" >"$HT/peek" 2>&1 ||
        { [ "$(nsrun_stamp "$c")" = "$st" ] && { won=$((won + 1)); diag "child $c: $(cat "$HT/peek")"; }; }
    done
  done
  wait "$sup" 2>/dev/null
done
eq "30 starts probed during setup: no access to a privileged nsrun ever granted" 0 "$won"
user_procs_gone
same_state "host clean after tracing attempts"

# ---- loader, locale and NSS variables: nothing may be loaded or obeyed
mkdir -p "$HT/gconv" "$HT/loc" "$HT/lib"
cp "$HB/evil.so" "$HT/lib/libcap-ng.so.0"
cp "$HB/evil.so" "$HT/lib/libc.so.6"
cp "$HB/evil.so" "$HT/gconv/EVIL.so"
printf 'module INTERNAL EVIL// EVIL 1\nmodule EVIL// INTERNAL EVIL 1\n' >"$HT/gconv/gconv-modules"
echo "nsrun 127.0.0.1" >"$HT/hostaliases"
chmod -R a+rX "$HT"
rm -f "$EVIL_MARKER"
out=$(run_as "$TUSER" env LD_PRELOAD="$HB/evil.so" LD_LIBRARY_PATH="$HT/lib" LD_AUDIT="$HB/evil.so" \
  GCONV_PATH="$HT/gconv" CHARSET=EVIL LANG=EVIL LC_ALL=EVIL LOCPATH="$HT/loc" NLSPATH="$HT/loc/%N" \
  HOSTALIASES="$HT/hostaliases" RES_OPTIONS="debug" LOCALDOMAIN=evil TZ="$HT/hostaliases" \
  MALLOC_CHECK_=3 GLIBC_TUNABLES=glibc.malloc.check=3 LD_DEBUG=all LD_DEBUG_OUTPUT="$HT/lddebug" \
  LD_PROFILE=libc.so.6 LD_SHOW_AUXV=1 LD_BIND_NOW=1 \
  "$NSRUN" -p hinv hx -- /bin/env 2>&1); rc=$?
eq "box with hostile loader/locale environment runs" 0 "$rc"
t "no evil library was loaded (LD_PRELOAD/LD_LIBRARY_PATH/LD_AUDIT/GCONV_PATH)" test ! -e "$EVIL_MARKER"
t "LD_DEBUG_OUTPUT not written" bash -c "! ls '$HT'/lddebug* >/dev/null 2>&1"
nomatch "LD_DEBUG and LD_SHOW_AUXV ignored" 'AT_SECURE|calling init|symbol=' "$out"
nomatch "no loader variable reaches the box" '^(LD_|GCONV|LOCPATH|NLSPATH|HOSTALIASES|TZ=|LANG=|LC_ALL|GLIBC_TUN|MALLOC|RES_OPT|LOCALDOMAIN)' "$out"
out=$(run_as "$TUSER" env LD_PRELOAD="$HB/evil.so" LD_LIBRARY_PATH="$HT/lib" "$NSRUN" -p nosuch hx 2>&1); rc=$?
refused "refusal path with LD_PRELOAD" "$rc" "$out"
t "refusal path loaded nothing either" test ! -e "$EVIL_MARKER"
out=$(run_as "$TUSER" env LD_PRELOAD="$HB/evil.so" "$NSRUN" --check "$POLICYDIR/hinv.ini" 2>&1)
t "--check (drops privilege) loaded nothing" test ! -e "$EVIL_MARKER"

rm -rf "$DATADIR/$TUID/hinv-p"
gc
same_state "host untouched at the end"
done_testing

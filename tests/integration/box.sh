#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What every box gets (nsrun(1), THE BOX) and how it ends (EXIT STATUS), checked from
# inside real boxes started by an unprivileged user through setuid nsrun.
. "$(dirname "$0")/../lib.sh"

trap cleanup_policies EXIT
before=$(host_state)
basic_policy box-basic "[box]
env = LANG=C.UTF-8
env = GREETING=hello \$USER"
basic_policy box-cmd "[box]
command = /bin/hostname
hostname = h-\$USER-\$BOX"

in_box() { nsr --policy box-basic bx -- /bin/sh -c "$1"; }

# PID namespace and init
eq "the payload's parent is PID 1" 1 "$(in_box 'cut -d" " -f4 /proc/$$/stat')"
eq "PID 1 is nsrun's init" "nsrun-init" "$(in_box 'cat /proc/1/comm')"
n=$(in_box 'ls -d /proc/[0-9]* | wc -l')
[ "$n" -le 4 ] && ok "no host process is visible in /proc ($n entries)" || not_ok "host processes visible" "$n pid dirs"

# UTS
eq "hostname defaults to the box name" "bx" "$(in_box hostname)"
eq "policy hostname with \$USER and \$BOX" "h-$TUSER-b2" "$(nsr --policy box-cmd b2)"
eq "the host's hostname is unchanged" "$(hostname)" "$(hostname)"
eq "/etc/hostname inside says the box's name" "bx" "$(in_box 'cat /etc/hostname')"
match "/etc/hosts inside names the box" $'\tbx$' "$(in_box 'cat /etc/hosts')"

# identity
eq "uid inside" "$TUID" "$(in_box 'id -u')"
eq "gid inside" "$TGID" "$(in_box 'id -g')"
eq "groups inside are the caller's" "$(run_as "$TUSER" id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
  "$(in_box 'id -G' | tr ' ' '\n' | sort -n | tr '\n' ' ')"
eq "whoami works inside (generated passwd)" "$TUSER" "$(in_box whoami)"
match "id names the user's group" "\($TGROUP\)" "$(in_box id)"
nomatch "the image's passwd was not changed" "$TUSER" "$(cat "$NSRUN_ROOTFS/etc/passwd")"

# The image's /etc/passwd and /etc/group are read whole up to 256 KiB - 1
# (nsrun(1), THE BOX), whatever their size: a copy of the rootfs with a
# 200 KiB passwd (larger than any first guess, and than malloc's mmap
# threshold) and a 300 KiB group (over the limit: cut there, as ever).
BIGIMG=$(mktemp -d /run/nsrun-test/big-etc.XXXXXX)
trap 'cleanup_policies; rm -rf "$BIGIMG"' EXIT
cp -a "$NSRUN_ROOTFS/." "$BIGIMG/" && chmod 0755 "$BIGIMG"
{ cat "$NSRUN_ROOTFS/etc/passwd"; for i in $(seq 4000); do printf 'filler%05d:x:%d:%d::/nonexistent:/usr/sbin/nologin\n' "$i" $((20000 + i)) $((20000 + i)); done
  echo 'lastpw:x:29999:29999::/nonexistent:/usr/sbin/nologin'; } >"$BIGIMG/etc/passwd"
{ cat "$NSRUN_ROOTFS/etc/group"; for i in $(seq 12000); do printf 'fillergroup%05d:x:%d:\n' "$i" $((30000 + i)); done
  echo 'lastgr:x:59999:'; } >"$BIGIMG/etc/group"
policy box-bigetc <<INI
[policy]
users = $TUSER
[rootfs]
path = $BIGIMG
INI
pw_size=$(stat -c %s "$BIGIMG/etc/passwd"); gr_size=$(stat -c %s "$BIGIMG/etc/group")
out=$(nsr --policy box-bigetc bg -- /bin/sh -c 'tail -n 2 /etc/passwd; wc -c </etc/passwd; grep -c "^lastgr:" /etc/group; wc -c </etc/group' 2>&1)
match "a $pw_size-byte image passwd is read to its last line" "^lastpw:x:29999:" "$out"
match "... and the user's line follows it" "^$TUSER:x:$TUID:$TGID:" "$(sed -n 2p <<<"$out")"
eq "... whole: the box's passwd is the image's and the user's line" \
  $((pw_size + $(sed -n 2p <<<"$out" | wc -c))) "$(sed -n 3p <<<"$out")"
eq "a $gr_size-byte image group is cut at 256 KiB: its last line is not read" 0 "$(sed -n 4p <<<"$out")"
le=$(sed -n 5p <<<"$out")
[ -n "$le" ] && [ "$le" -le $((256 * 1024 + 4096)) ] && [ "$le" -ge $((255 * 1024)) ] &&
  ok "... and the box's group is the first 256 KiB of it and the user's lines ($le bytes)" ||
  not_ok "the box's group is not the image's first 256 KiB" "$le bytes; $out"

# capabilities and no_new_privs
st=$(in_box 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status')
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
  match "$c is empty" "^$c:[[:space:]]+0000000000000000$" "$st"
done
match "NoNewPrivs is 1" '^NoNewPrivs:[[:space:]]+1$' "$st"
match "a seccomp filter is installed" '^Seccomp:[[:space:]]+2' "$(in_box 'grep ^Seccomp: /proc/self/status')"

# environment
envout=$(run_as "$TUSER" env LD_PRELOAD=/nonexistent.so LD_LIBRARY_PATH=/tmp IFS=x LOCPATH=/tmp \
  GCONV_PATH=/tmp FOO=bar TERM=xterm-256color "$NSRUN" --policy box-basic bx -- /bin/env | sort)
eq "the environment is cleared to the contract's list and the policy's" \
  "$(printf '%s\n' "GREETING=hello $TUSER" "HOME=$THOME" LANG=C.UTF-8 \
     PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm-256color \
     "USER=$TUSER" container=nsrun | sort)" "$envout"
envout=$(run_as "$TUSER" env 'TERM=x;rm -rf /' "$NSRUN" --policy box-basic bx -- /bin/env)
nomatch "an odd TERM is not passed on" '^TERM=' "$envout"

# fds
fds=$(run_as "$TUSER" bash -c 'exec 7</ 8<'"$POLICYDIR"' 9>/dev/null; exec '"$NSRUN"' --policy box-basic bx -- /bin/sh -c "ls /proc/\$\$/fd; true"' | sort -n | tr '\n' ' ')
eq "only fds 0, 1 and 2 reach the box" "0 1 2 " "$fds"

# mounts
mi=$(in_box 'cat /proc/self/mountinfo')
nomatch "every mount is nosuid" '^([^ ]+ ){5}[^ ]*' "$(grep -v ' [^ ]*nosuid[^ ]* - ' <<<"$mi" | head -1)"
match "/proc is a fresh proc" '^[^ ]+ [^ ]+ [^ ]+ / /proc [^ ]+ .*- proc ' "$mi"
match "/sys is read-only" ' /sys ro,' "$mi"
match "/proc/sys is read-only" ' /proc/sys ro,' "$mi"
match "/dev/pts is a private devpts" ' /dev/pts [^ ]+ .*- devpts ' "$mi"
match "/tmp is a tmpfs" ' /tmp [^ ]+ .*- tmpfs ' "$mi"
eq "/dev holds the minimal set" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" \
  "$(in_box 'ls /dev' | tr '\n' ' ' | sed 's/ $//')"
tf "/sys is not writable" in_box 'echo 1 > /sys/kernel/profiling'
t "/dev/null works" in_box 'echo x > /dev/null'
t "/dev/zero works" in_box 'head -c 4 /dev/zero | wc -c | grep -qx 4'
t "/dev/urandom works" in_box 'head -c 16 /dev/urandom | wc -c | grep -qx 16'
t "/dev/full is full" in_box '! echo x > /dev/full'
t "a pty can be opened from the private devpts" in_box 'test -c /dev/pts/ptmx && exec 3<>/dev/ptmx'
eq "the box sees its cgroup as /" "" "$(in_box 'grep -v ":/$" /proc/self/cgroup')"
nomatch "no host path in the box's mountinfo" "$NSRUN_ROOTFS|/run/nsrun|/home" "$(cut -d' ' -f5 <<<"$mi")"

# network none: only lo, and it is up
eq "only lo exists" "lo" "$(in_box 'ls /sys/class/net')"
match "lo is up" 'UP' "$(in_box 'ip link show lo')"
match "lo has 127.0.0.1" 'inet 127\.0\.0\.1/8' "$(in_box 'ip addr show lo')"
eq "loopback carries traffic (nc over 127.0.0.1)" "through-lo" \
  "$(in_box 'nc -l -p 4242 </dev/null >/tmp/got & for i in $(seq 25); do sleep 0.2; echo through-lo | nc -w2 127.0.0.1 4242 && break; done; wait; cat /tmp/got')"

# IPC namespace: a host queue is invisible inside, a box queue invisible outside
qid=$(ipcmk -Q | grep -o '[0-9]*$')
ins=$(in_box 'cat /proc/sysvipc/msg | wc -l')
ipcrm -q "$qid"
eq "a host message queue is invisible inside" 1 "$ins"

# user namespaces: allowed by default, refused with [box] userns = no
basic_policy box-nouserns "[box]
userns = no"
eq "by default the box may make a user namespace (as on the host)" "0" \
  "$(in_box 'unshare -U -r id -u' 2>/dev/null)"
err=$(nsr --policy box-nouserns bx -- /bin/sh -c 'unshare -U -r id -u' 2>&1)
match "userns = no: unshare(CLONE_NEWUSER) is refused" 'Operation not permitted' "$err"
t "userns = no: processes still start (clone without CLONE_NEWUSER, clone3 falls back)" \
  nsr --policy box-nouserns bx -- /bin/sh -c 'ls / >/dev/null && (true) && echo ok | grep -q ok'
match "userns = no shows in --dry-run" 'user namespaces: refused' "$(nsr --policy box-nouserns --dry-run bx)"

# exit statuses
in_box 'exit 3'; eq "the payload's exit status" 3 $?
in_box 'kill -TERM $$'; eq "killed by SIGTERM -> 143" 143 $?
in_box 'kill -KILL $$'; eq "killed by SIGKILL -> 137" 137 $?
err=$(nsr --policy box-basic bx -- /no/such/cmd 2>&1); rc=$?
eq "command not found -> 127" 127 "$rc"
match "not-found message" '^nsrun: bx: command not found: /no/such/cmd$' "$err"
err=$(nsr --policy box-basic bx -- nosuchcmd 2>&1); rc=$?
eq "command not found in PATH -> 127" 127 "$rc"
err=$(nsr --policy box-basic bx -- /etc/passwd 2>&1); rc=$?
eq "not executable -> 126" 126 "$rc"
match "not-executable message" '^nsrun: bx: cannot execute /etc/passwd: Permission denied$' "$err"
out=$(echo 'echo from-default-shell' | nsr --policy box-basic bx); rc=$?
eq "default command is /bin/sh" "from-default-shell/0" "$out/$rc"
eq "the policy's command is the default" "box-cmd" "$(nsr --policy box-cmd box-cmd | sed 's/^h-[a-z0-9]*-//')"
eq "a PATH lookup finds busybox applets" "ok" "$(nsr --policy box-basic bx -- echo ok)"

# lock: one box of a name at a time per user
nsr --policy box-basic lk -- sleep 2 & bg=$!
for _ in $(seq 50); do [ -e "$STATEDIR/locks/$TUID-lk.lock" ] && break; sleep 0.05; done
err=$(nsr --policy box-basic lk -- /bin/true 2>&1); rc=$?
eq "a second start of the same box is refused with 125" 125 "$rc"
match "it says why" '^nsrun: lk: box is already running$' "$err"
t "another box name starts meanwhile" nsr --policy box-basic lk2 -- /bin/true
t "another user may use the same box name" nsr2 --policy box-basic lk -- /bin/true
wait "$bg"; eq "the first box ran to its end" 0 $?

cleanup_policies
eq "nothing is left behind on the host" "$before" "$(host_state)"
done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nsrun-harness. Part 1, the self-test: every check is run against a fake
# runner (tests/harness-selftest/fake-nsrun) that breaks exactly one
# isolation; the checks that watch it must FAIL, with a diagnostic that
# says what was found, and no other check may fail; the unbroken fake
# runner must pass every check. Part 2: the real harness against the
# installed nsrun for none and bridge networks, each writable mode, with and
# without limits, binds and env; a minimal image without a world-writable
# directory; the shipped regression suite (its time per policy is printed);
# suites, JUnit, exit statuses. All network traffic stays in a namespace
# made here.
. "$(dirname "$0")/../lib.sh"

PREFIX=$(dirname "$(dirname "$NSRUN")")
HARNESS=${NSRUN_HARNESS:-$PREFIX/bin/nsrun-harness}
PROBE=${NSRUN_PROBE:-$PREFIX/libexec/nsrun/nsrun-probe}
BUILD=${NSRUN_BUILDDIR:-$NSRUN_SRCDIR/build-test}
[ -x "$HARNESS" ] || bail "no nsrun-harness at $HARNESS"
[ -x "$PROBE" ] || bail "no nsrun-probe at $PROBE"
[ -x "$BUILD/tests/harness-selftest/fake-drop" ] && [ -x "$BUILD/tests/harness-selftest/fake-nsrun-suid" ] ||
  bail "self-test helpers not built in $BUILD/harness (meson -Dtests=enabled)"
for c in unshare nsenter python3 mountpoint; do command -v "$c" >/dev/null || bail "$c missing"; done

ST=/run/nsrun-harness-selftest
MINROOT=/run/nsrun-harness-minimal
SHARE=/run/nsrun-harness-share
T=$(mktemp -d /tmp/nsr-harness.XXXXXX)
chmod 0755 "$T"
HOLDER=

cleanup() {
  local m
  if mountpoint -q "$ST/rootfs" 2>/dev/null; then
    grep -o " $ST/rootfs/[^ ]*" /proc/self/mountinfo | sort -r |
      while read -r m; do umount -l "$m"; done
    umount -l "$ST/rootfs"
  fi
  rm -f "$ST/nsrun"   # the set-uid wrapper first
  rm -rf "$ST"
  for m in pids memory cpu devices; do
    find "/sys/fs/cgroup/$m/nsrh-selftest" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
    rmdir "/sys/fs/cgroup/$m/nsrh-selftest" 2>/dev/null
  done
  [ -n "$HOLDER" ] && { kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; }
  rm -rf "$T" "$MINROOT" "$SHARE"
  cleanup_policies
}
trap cleanup EXIT

# tap_diag OUT CHECK TARGET: the diagnostic lines under that test.
tap_diag() {
  awk -v want="- $2 $3" '
    /^(not )?ok [0-9]+ - / { on = index($0, want) > 0 && substr($0, index($0, want) + length(want)) ~ /^( |$)/; next }
    on && /^#/ { print }
    !/^#/ { on = 0 }' <<<"$1"
}

# status_of OUT CHECK TARGET: pass, fail, skip or missing, from TAP lines.
status_of() {
  local l
  l=$(grep -E "^(not )?ok [0-9]+ - $2 $3( |$)" <<<"$1" | head -n1)
  case $l in
    "not ok"*) echo fail ;;
    *"# SKIP"*) echo skip ;;
    ok*) echo pass ;;
    *) echo missing ;;
  esac
}

LIST=$("$HARNESS" --list-checks)
CHECKS=$(grep -v '^ ' <<<"$LIST")
t "--list-checks names the contract's checks" \
  bash -c "[ $(wc -l <<<"$CHECKS") -ge 21 ] && grep -qx memory-oom <<<'$CHECKS' &&
           grep -qx pivot-root <<<'$CHECKS' && grep -qx env <<<'$CHECKS'"
eq "--list-checks says for each check what it proves and what makes it fail" \
  "$(wc -l <<<"$CHECKS") $(wc -l <<<"$CHECKS")" \
  "$(grep -c '^    proves: ' <<<"$LIST") $(grep -c '^    fails:  ' <<<"$LIST")"
# The bash completion of --only takes the names from --list-checks.
eq "--only completes check names (bash completion)" "pid1 pids-limit pivot-root" \
  "$(bash --norc --noprofile -c '. "$1"; COMP_WORDS=("$2" --only "$3"); COMP_CWORD=2
       _nsrun_harness; printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' \
       _ "$NSRUN_SRCDIR/contrib/bash-completion/nsrun-harness" "$HARNESS" pi | tr '\n' ' ' | sed 's/ $//')"
eq "nsrun-harness(1) describes every check, in the order they run" "$CHECKS" \
  "$(sed -n '/^\.SH CHECKS/,/^\.SH SUITE/p' "$NSRUN_SRCDIR/man/nsrun-harness.1" |
     sed -n '/^\.TP/{n;s/^\.B //p}' | sed 's/\\-/-/g')"

# ---------------------------------------------------------------- self-test
# Its own root-owned world under $ST: a copy of the busybox rootfs with a
# mount point for the probe, bound shared (so the "shared" break can leak);
# two bind sources (one with a subdirectory, one without); the fake runner,
# its static helper and a set-uid wrapper named nsrun.
rm -rf "$ST"
install -d -m 0755 "$ST" "$ST/policies.d" "$ST/rootfs" "$ST/data" "$ST/share/sub" "$ST/share2"
cp -a "$NSRUN_ROOTFS" "$ST/image" && install -d -m 0755 "$ST/image/.nsrun-probe"
mount --bind "$ST/image" "$ST/rootfs" && mount --make-shared "$ST/rootfs" ||
  bail "cannot make the self-test's shared rootfs mount"
install -m 0755 "$NSRUN_SRCDIR/tests/harness-selftest/fake-nsrun" "$ST/fake-nsrun"
install -m 0755 "$BUILD/tests/harness-selftest/fake-drop" "$ST/fake-drop"
install -m 4755 -o root -g root "$BUILD/tests/harness-selftest/fake-nsrun-suid" "$ST/nsrun"
cat >"$ST/policies.d/st.ini" <<INI
[policy]
description = harness self-test
users = $TUSER
[rootfs]
path = $ST/rootfs
writable = no
[mount]
bind = $ST/share:/data:ro
bind = $ST/share2:/srv:rw
[limits]
pids = 64
memory = 64M
swap = 0
cpu = 0.5
nofile = 512
[box]
env = FOO=bar-\$USER
[devices]
allow = ?/dev/fuse
INI
chmod 0644 "$ST/policies.d/st.ini"

# BREAK -> the checks that must fail (suid also drops no_new_privs, which
# the capabilities check watches; nopid and hostproc also expose host
# processes to signal-host; shared chroots, as pivot_root refuses a shared
# root; hostroot leaves the host's / in the box's namespace).
declare -A EXPECT=(
  [none]="" [nopid]="pid1 signal-host" [nouts]="hostname"
  [shared]="mount-propagation pivot-root" [slave]="mount-propagation"
  [noipc]="ipc" [nopids]="pids-limit" [nomem]="memory-oom swap" [caps]="capabilities join"
  [suid]="setuid capabilities join" [uid]="identity" [hostroot]="rootfs pivot-root devices"
  [chroot]="pivot-root" [hostproc]="pid1 signal-host" [nonet]="network"
  [fdleak]="fds" [nocgns]="cgroupns" [sysrw]="sys-readonly" [cgrw]="cgroupfs"
  [nocpu]="cpu" [noswap]="swap" [nofile]="nofile" [envleak]="env"
  [joinnet]="join" [nodevcg]="devices"
)
# BREAK CHECK -> what the diagnostic must say (it names what was found):
# regexes, one a line, each must match.
declare -A SAYS=(
  [slave mount-propagation]="takes part in propagation \\(master:[0-9]+\\): [0-9]+ [0-9]+ [0-9]+:[0-9]+ [^ ]+ /data
a tmpfs the host mounted on $ST/share/sub \\(bind source $ST/share \\(ro, at /data\\)\\) after the start appeared inside"
  [shared mount-propagation]="takes part in propagation \\(shared:[0-9]+\\)"
  [chroot pivot-root]="is not the box's root .*it is the host's /"
  [hostroot pivot-root]="the host's / \\([0-9]+:[0-9]+ /\\) is in the box's mount namespace"
  [hostproc pid1]="/proc inside is the host's proc \\(device [0-9]+:[0-9]+\\)"
  [nocpu cpu]="cpu.cfs_quota_us -1, cpu.cfs_period_us [0-9]+: no quota, expected 0.500 CPUs"
  [noswap swap]="memory.memsw.limit_in_bytes is [0-9]+, expected 67108864 \\(memory 67108864 \\+ swap 0\\): the box can swap"
  [nofile nofile]="RLIMIT_NOFILE inside is \\[[0-9]+ [0-9]+\\] \\(soft hard\\), expected 512 512"
  [envleak env]="a variable nsrun must not pass is inside: LC_ALL=C"
)
SEEN_FAIL=" "
for brk in none nopid nouts shared slave noipc nopids nomem caps suid uid hostroot chroot \
           hostproc nonet fdleak nocgns sysrw cgrw nocpu noswap nofile envleak joinnet \
           nodevcg; do
  echo "$brk" >"$ST/break"
  out=$(timeout 300 "$HARNESS" --nsrun "$ST/nsrun" --as "$TUSER" --probe "$PROBE" \
        --timeout 30 st 2>&1)
  rc=$?
  unexpected=""
  for c in $CHECKS; do
    s=$(status_of "$out" "$c" st:harness)
    [ "$s" = fail ] && SEEN_FAIL+="$c "
    if [[ " ${EXPECT[$brk]} " == *" $c "* ]]; then
      [ "$s" = fail ] && ok "self-test $brk: $c fails" ||
        not_ok "self-test $brk: $c fails" "status: $s" "$out"
      while IFS= read -r re; do
        [ -n "$re" ] && match "self-test $brk: $c says what it found: /$re/" "$re" \
          "$(tap_diag "$out" "$c" st:harness)"
      done <<<"${SAYS[$brk $c]:-}"
    elif [ "$s" != pass ] && [ "$s" != skip ]; then
      unexpected+="$c($s) "
    fi
  done
  [ -z "$unexpected" ] && ok "self-test $brk: no other check fails" ||
    not_ok "self-test $brk: no other check fails" "unexpected: $unexpected" "$out"
  eq "self-test $brk: exit status" "$([ -z "${EXPECT[$brk]}" ] && echo 0 || echo 1)" "$rc"
done
missing=""
for c in $CHECKS; do [[ "$SEEN_FAIL" == *" $c "* ]] || missing+="$c "; done
eq "every check was seen to fail against a broken runner" "" "$missing"
# Nothing under the rootfs or the bind sources, and the rootfs bound once
# (the harness's own shared binds are gone too).
left=$(grep -E " $ST/(rootfs/|share)" /proc/self/mountinfo
       [ "$(grep -c " $ST/rootfs " /proc/self/mountinfo)" = 1 ] || echo "$ST/rootfs bound more than once")
eq "self-test left no mount behind" "" "$left"

# ---------------------------------------------------------------- real nsrun
install -d -m 0755 "$SHARE/ro/sub" "$SHARE/rw"
policy hx-lim <<INI
[policy]
users = $TUSER
[rootfs]
path = $NSRUN_ROOTFS
writable = no
[mount]
bind = $SHARE/ro:/data:ro
bind = $SHARE/rw:/srv:rw
[limits]
pids = 64
memory = 64M
swap = 0
cpu = 0.5
nofile = 512
[box]
env = GREETING=hello-\$USER
INI
policy hx-tmpfs <<INI
[policy]
users = $TUSER
[rootfs]
path = $NSRUN_ROOTFS
writable = tmpfs
[box]
hostname = hx-\$USER-\$BOX
INI
policy hx-tmpfs-nobody <<INI
[policy]
users = nobody
[rootfs]
path = $NSRUN_ROOTFS
writable = tmpfs
INI
policy hx-pers <<INI
[policy]
users = $TUSER
[rootfs]
path = $NSRUN_ROOTFS
writable = persistent
[limits]
pids = 32
INI

out=$(timeout 600 "$HARNESS" --nsrun "$NSRUN" --as "$TUSER" --probe "$PROBE" --junit "$T/j.xml" \
      hx-lim hx-tmpfs:hxbox hx-pers 2>&1)
rc=$?
diag "$out"
eq "real nsrun: none network, writable no/tmpfs/persistent, limits: exit 0" 0 "$rc"
nomatch "real nsrun: no check fails" '^not ok' "$out"
NCHECKS=$(wc -l <<<"$CHECKS")
eq "real nsrun: every check passed or was skipped" $((3 * NCHECKS - 12)) \
  "$(grep -c '^ok .*[^P] [a-z0-9-]*:[a-z0-9-]*$' <<<"$out")"
eq "real nsrun: limit checks run under limits" "pass pass pass pass pass pass pass" \
  "$(for c in pids-limit memory-oom cpu swap nofile; do status_of "$out" $c hx-lim:harness; done |
     tr '\n' ' ')$(status_of "$out" pids-limit hx-pers:harness) $(status_of "$out" env hx-lim:harness)"
eq "real nsrun: no limit, no limit check (skipped, not passed)" "skip skip skip skip skip skip" \
  "$(for c in pids-limit memory-oom cpu swap nofile; do status_of "$out" $c hx-tmpfs:hxbox; done |
     tr '\n' ' ')$(status_of "$out" memory-oom hx-pers:harness)"
eq "real nsrun: binds and a persistent root pass mount-propagation and pivot-root" \
  "pass pass pass pass" "$(status_of "$out" mount-propagation hx-lim:harness) $(status_of "$out" pivot-root hx-lim:harness) $(status_of "$out" mount-propagation hx-pers:harness) $(status_of "$out" pivot-root hx-pers:harness)"
match "TAP: version line first" '^TAP version 13' "$(head -n1 <<<"$out")"
match "TAP: plan" "^1\\.\\.$((3 * NCHECKS))\$" "$out"
match "summary table at the end" '^# [0-9]+ passed, 0 failed, 12 skipped' "$out"
t "JUnit is well-formed XML" python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$T/j.xml"
match "JUnit counts" "tests=\"$((3 * NCHECKS))\" failures=\"0\" errors=\"0\" skipped=\"12\"" "$(cat "$T/j.xml")"
eq "real nsrun: no [devices], no devices check (skipped)" "skip skip skip" \
  "$(status_of "$out" devices hx-lim:harness) $(status_of "$out" devices hx-tmpfs:hxbox) $(status_of "$out" devices hx-pers:harness)"

# [devices]: the box's /dev, the nodes open, node copies under a bind
# opens nothing, and root in the box's device cgroup is refused the rest.
if [ -c /dev/fuse ]; then
  mkdir -m 0755 "$T/nodes" && mknod -m 0666 "$T/nodes/tun" c 10 200 && mknod -m 0666 "$T/nodes/fuse" c 10 229
  policy hx-dev <<INI
[policy]
users = $TUSER
[rootfs]
path = $NSRUN_ROOTFS
[mount]
bind = $T/nodes:/hostdev:ro
[devices]
allow = /dev/fuse, ?/dev/net/tun
INI
  out=$(timeout 300 "$HARNESS" --nsrun "$NSRUN" --as "$TUSER" --probe "$PROBE" \
        --only devices,rootfs hx-dev 2>&1)
  rc=$?
  diag "$out"
  eq "real nsrun: [devices]: the devices check passes" "0 pass" "$rc $(status_of "$out" devices hx-dev:harness)"
else
  skip "real nsrun: [devices]" "no /dev/fuse here"
fi

eq "the harness removed its shared binds and test mounts" "" \
  "$(grep -E "nsrh-| $SHARE/| $NSRUN_ROOTFS/" /proc/self/mountinfo)"

# A minimal image without a world-writable directory, and a user whose home
# is not in it: with writable = tmpfs every check passes (the rootfs
# check's write goes to the home nsrun makes in the overlay).
rm -rf "$MINROOT"
cp -a "$NSRUN_ROOTFS" "$MINROOT" && chmod 0755 "$MINROOT/tmp" "$MINROOT/var/tmp"
policy hx-minimal <<INI
[policy]
users = $TUSER
[rootfs]
path = $MINROOT
writable = tmpfs
INI
[ ! -e "$MINROOT$THOME" ] && [ -z "$(find "$MINROOT" -xdev -type d -perm -0002)" ]
t "the minimal image has no world-writable directory and no home for $TUSER" test $? = 0
out=$(timeout 300 "$HARNESS" --nsrun "$NSRUN" --as "$TUSER" --probe "$PROBE" hx-minimal 2>&1)
rc=$?
diag "$out"
eq "real nsrun: minimal image, writable = tmpfs: every check passes (exit 0)" 0 "$rc"
eq "real nsrun: minimal image: rootfs passes" pass "$(status_of "$out" rootfs hx-minimal:harness)"

# The default --as user (nobody, home /nonexistent) on a writable root:
# nsrun gives it a home in the overlay; the rootfs check must allow that.
out=$(timeout 300 "$HARNESS" --nsrun "$NSRUN" --probe "$PROBE" --only rootfs,identity,pid1 \
      hx-tmpfs-nobody 2>&1)
rc=$?
diag "$out"
eq "real nsrun as nobody on a writable root: exit 0" 0 "$rc"

# A bridged box, in a network namespace of this test's own.
unshare --net -- sleep 3600 &
HOLDER=$!
sleep 0.3
innet() { nsenter --net="/proc/$HOLDER/ns/net" -- "$@"; }
if innet ip link add nsbrh0 type bridge && innet ip addr add 10.89.0.1/24 dev nsbrh0 &&
   innet ip link set nsbrh0 up && innet ip link set lo up; then
  policy hx-bridge <<INI
[policy]
users = $TUSER
[rootfs]
path = $NSRUN_ROOTFS
[network]
mode = bridge
bridge = nsbrh0
subnet = 10.89.0.0/24
gateway = 10.89.0.1
INI
  out=$(timeout 300 nsenter --net="/proc/$HOLDER/ns/net" -- "$HARNESS" --nsrun "$NSRUN" \
        --as "$TUSER" --probe "$PROBE" \
        --only network,pid1,rootfs,capabilities hx-bridge 2>&1)
  rc=$?
  diag "$out"
  eq "real nsrun: bridge network: exit 0" 0 "$rc"
  eq "real nsrun: bridge: lo and eth0 only" pass "$(status_of "$out" network hx-bridge:harness)"

  # The shipped regression suite, on policies that fit its expectations
  # (as = nobody; dev bridged, with limits; build offline and read-only;
  # ci the cheap checks). Its time per policy is printed, not asserted.
  policy dev <<INI
[policy]
users = nobody
[rootfs]
path = $NSRUN_ROOTFS
writable = tmpfs
[mount]
bind = $SHARE/ro:/data:ro
[limits]
pids = 256
memory = 1G
swap = 0
cpu = 1
nofile = 1024
[network]
mode = bridge
bridge = nsbrh0
subnet = 10.89.0.0/24
gateway = 10.89.0.1
[box]
hostname = \$BOX
INI
  policy build <<INI
[policy]
users = nobody
[rootfs]
path = $NSRUN_ROOTFS
writable = no
[limits]
pids = 128
cpu = 0.5
INI
  policy ci <<INI
[policy]
users = nobody
[rootfs]
path = $NSRUN_ROOTFS
writable = tmpfs
INI
  out=$(timeout 600 nsenter --net="/proc/$HOLDER/ns/net" -- "$HARNESS" --nsrun "$NSRUN" \
        --probe "$PROBE" --suite "$NSRUN_SRCDIR/harness/suites/regression.ini" 2>&1)
  rc=$?
  diag "$out"
  eq "regression suite: exit 0" 0 "$rc"
  diag "regression suite, seconds per policy: $(awk '
    /^# [a-z0-9-]+ +[a-z0-9-]+:[a-z0-9-]+ +(pass|skip|FAIL) +[0-9.]+$/ { t[$3] += $5 }
    END { for (k in t) printf "%s %.1f  ", k, t[k] }' <<<"$out")"
else
  not_ok "test netns with a bridge"
fi

# Suites: explicit expectations are used (a wrong one must fail).
cat >"$T/good.ini" <<INI
[harness]
nsrun = $NSRUN
as = $TUSER
probe = $PROBE
timeout = 60
[run tmpfs]
policy = hx-tmpfs
box = sbox
checks = hostname, rootfs, network
hostname = hx-$TUSER-sbox
network = none
INI
sed -e "s/^hostname = .*/hostname = not-the-name/" "$T/good.ini" >"$T/bad.ini"
out=$("$HARNESS" --suite "$T/good.ini" 2>&1); rc=$?
eq "suite: runs its checks and passes" "0 3" "$rc $(grep -c '^ok' <<<"$out")"
out=$("$HARNESS" --suite "$T/bad.ini" 2>&1); rc=$?
eq "suite: a wrong expected hostname fails the hostname check" "1 fail pass" \
  "$rc $(status_of "$out" hostname hx-tmpfs:sbox) $(status_of "$out" rootfs hx-tmpfs:sbox)"

# Exit status 2: could not run.
"$HARNESS" --nsrun "$NSRUN" --as "$TUSER" --probe "$PROBE" hx-nosuch >/dev/null 2>&1
eq "a missing policy: exit 2" 2 $?
"$HARNESS" --nsrun "$NSRUN" --only pid1,nosuch hx-lim >/dev/null 2>&1
eq "an unknown check: exit 2" 2 $?
run_as "$TUSER" "$HARNESS" --nsrun "$NSRUN" --probe "$PROBE" hx-lim >/dev/null 2>&1
eq "not root: exit 2" 2 $?
done_testing

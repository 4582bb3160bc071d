#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nsrun-harness (issue 6). Part 1, the self-test: every check is run
# against a fake runner (tests/harness-selftest/fake-nsrun) that breaks
# exactly one isolation; the checks that watch it must FAIL and no other
# check may fail; the unbroken fake runner must pass every check. Part 2:
# the real harness against the installed nsrun for none and bridge
# networks, each writable mode, with and without limits; suites, JUnit,
# exit statuses. All network traffic stays in a namespace made here.
. "$(dirname "$0")/../lib.sh"

PREFIX=$(dirname "$(dirname "$NSRUN")")
HARNESS=${NSRUN_HARNESS:-$PREFIX/bin/nsrun-harness}
PROBE=${NSRUN_PROBE:-$PREFIX/libexec/nsrun/nsrun-probe}
BUILD=${NSRUN_BUILDDIR:-$NSRUN_SRCDIR/build-test}
[ -x "$HARNESS" ] || bail "no nsrun-harness at $HARNESS"
[ -x "$PROBE" ] || bail "no nsrun-probe at $PROBE"
[ -x "$BUILD/harness/fake-drop" ] && [ -x "$BUILD/harness/fake-nsrun-suid" ] ||
  bail "self-test helpers not built in $BUILD/harness (meson -Dtests=enabled)"
for c in unshare nsenter python3 mountpoint; do command -v "$c" >/dev/null || bail "$c missing"; done

ST=/run/nsrun-harness-selftest
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
  for m in pids memory; do
    find "/sys/fs/cgroup/$m/nsrh-selftest" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
    rmdir "/sys/fs/cgroup/$m/nsrh-selftest" 2>/dev/null
  done
  [ -n "$HOLDER" ] && { kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; }
  rm -rf "$T"
  cleanup_policies
}
trap cleanup EXIT

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

CHECKS=$("$HARNESS" --list-checks | awk '{print $1}')
t "--list-checks names the contract's ten and more" \
  bash -c "[ $(wc -l <<<"$CHECKS") -ge 16 ] && grep -qx memory-oom <<<'$CHECKS'"

# ---------------------------------------------------------------- self-test
# Its own root-owned world under $ST: a copy of the busybox rootfs with a
# mount point for the probe, bound shared (so the "shared" break can leak);
# the fake runner, its static helper and a set-uid wrapper named nsrun.
rm -rf "$ST"
install -d -m 0755 "$ST" "$ST/policies.d" "$ST/rootfs" "$ST/data"
cp -a "$NSRUN_ROOTFS" "$ST/image" && install -d -m 0755 "$ST/image/.nsrun-probe"
mount --bind "$ST/image" "$ST/rootfs" && mount --make-shared "$ST/rootfs" ||
  bail "cannot make the self-test's shared rootfs mount"
install -m 0755 "$NSRUN_SRCDIR/tests/harness-selftest/fake-nsrun" "$ST/fake-nsrun"
install -m 0755 "$BUILD/harness/fake-drop" "$ST/fake-drop"
install -m 4755 -o root -g root "$BUILD/harness/fake-nsrun-suid" "$ST/nsrun"
cat >"$ST/policies.d/st.ini" <<INI
[policy]
description = harness self-test
users = $TUSER
[rootfs]
path = $ST/rootfs
writable = no
[limits]
pids = 64
memory = 64M
INI
chmod 0644 "$ST/policies.d/st.ini"

# BREAK -> the checks that must fail (suid also drops no_new_privs, which
# the capabilities check watches; nopid also exposes host processes).
declare -A EXPECT=(
  [none]="" [nopid]="pid1 signal-host" [nouts]="hostname" [shared]="mount-propagation"
  [noipc]="ipc" [nopids]="pids-limit" [nomem]="memory-oom" [caps]="capabilities join"
  [suid]="setuid capabilities join" [uid]="identity" [hostroot]="rootfs" [nonet]="network"
  [fdleak]="fds" [nocgns]="cgroupns" [sysrw]="sys-readonly" [cgrw]="cgroupfs"
  [joinnet]="join"
)
SEEN_FAIL=" "
for brk in none nopid nouts shared noipc nopids nomem caps suid uid hostroot nonet \
           fdleak nocgns sysrw cgrw joinnet; do
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
[ -z "$(grep " $ST/rootfs/" /proc/self/mountinfo)" ]; t "self-test left no mount behind" test $? = 0

# ---------------------------------------------------------------- real nsrun
policy hx-lim <<INI
[policy]
users = $TUSER
[rootfs]
path = $NSRUN_ROOTFS
writable = no
[limits]
pids = 64
memory = 64M
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
NCHK=$(wc -l <<<"$CHECKS")   # three targets; three limit checks skip
eq "real nsrun: every check passed" $((3 * NCHK - 3)) "$(grep -c '^ok .*[^P] [a-z0-9-]*:[a-z0-9-]*$' <<<"$out")"
eq "real nsrun: limit checks run under limits" "pass pass pass" \
  "$(status_of "$out" pids-limit hx-lim:harness) $(status_of "$out" memory-oom hx-lim:harness) $(status_of "$out" pids-limit hx-pers:harness)"
eq "real nsrun: no limit, no limit check (skipped, not passed)" "skip skip skip" \
  "$(status_of "$out" pids-limit hx-tmpfs:hxbox) $(status_of "$out" memory-oom hx-tmpfs:hxbox) $(status_of "$out" memory-oom hx-pers:harness)"
match "TAP: version line first" '^TAP version 13' "$(head -n1 <<<"$out")"
match "TAP: plan" "^1\\.\\.$((3 * NCHK))\$" "$out"
match "summary table at the end" '^# [0-9]+ passed, 0 failed, 3 skipped' "$out"
t "JUnit is well-formed XML" python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$T/j.xml"
match "JUnit counts" "tests=\"$((3 * NCHK))\" failures=\"0\" errors=\"0\" skipped=\"3\"" "$(cat "$T/j.xml")"

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

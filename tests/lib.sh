# SPDX-License-Identifier: GPL-2.0-or-later
# Shared TAP helpers for integration tests. Sourced by tests/integration/*.sh,
# tests/hostile/*.sh. Tests run as root and drive an unprivileged user through
# the installed setuid nsrun ($NSRUN), with policies in the policy dir that
# `nsrun --version` reports (a test build points it at /run/nsrun-test).
#
# Environment (set by meson test / scripts/test):
#   NSRUN            installed setuid binary
#   NSRUN_SRCDIR     source tree
#   NSRUN_ROOTFS     busybox rootfs for boxes (built if missing)
#   NSRUN_MUST_WORK  1 in CI: a missing prerequisite fails instead of skipping
set -u

T_N=0
T_FAIL=0
T_NAME=$(basename "$0" .sh)

ok()      { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
skip()    { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }
diag()    { local l; while IFS= read -r l; do echo "# $l"; done <<<"$*"; }
not_ok()  {
  T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1))
  echo "not ok $T_N - $1"; shift
  [ $# -gt 0 ] && diag "$*"
  return 0
}
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; exit $?; }

# bail REASON: the whole file cannot run. Skip, unless NSRUN_MUST_WORK=1.
bail() {
  if [ "${NSRUN_MUST_WORK:-0}" = 1 ]; then
    echo "Bail out! $1"; exit 1
  fi
  echo "1..0 # SKIP $1"; exit 0
}

# t DESC CMD...: passes when CMD exits 0.
t() {
  local desc=$1 out; shift
  if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "command: $*" "$out"; fi
}
# tf DESC CMD...: passes when CMD exits non-zero.
tf() {
  local desc=$1 out; shift
  if out=$("$@" 2>&1); then not_ok "$desc" "expected failure; command: $*" "$out"; else ok "$desc"; fi
}
# eq DESC EXPECTED ACTUAL
eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: [$2]" "actual:   [$3]"; fi
}
# match DESC REGEX TEXT
match() {
  if grep -Eq -- "$2" <<<"$3"; then ok "$1"; else not_ok "$1" "no match for /$2/ in:" "$3"; fi
}
nomatch() {
  if grep -Eq -- "$2" <<<"$3"; then not_ok "$1" "unexpected match for /$2/ in:" "$3"; else ok "$1"; fi
}

[ "$(id -u)" -eq 0 ] || bail "integration tests run as root (they drive an unprivileged uid)"
NSRUN=${NSRUN:-/run/nsrun-test/prefix/bin/nsrun}
NSRUN_SRCDIR=${NSRUN_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NSRUN_ROOTFS=${NSRUN_ROOTFS:-/run/nsrun-test/rootfs}
[ -x "$NSRUN" ] || bail "no installed nsrun at $NSRUN (run scripts/test)"
[ "$(stat -c %u:%a "$NSRUN")" = "0:4755" ] || bail "$NSRUN is not setuid root (meson install as root)"

TUSER=nsrtest1
TUSER2=nsrtest2
TGROUP=nsrtestg
id "$TUSER" >/dev/null 2>&1 && id "$TUSER2" >/dev/null 2>&1 ||
  bail "test users missing (tests/setup-host creates $TUSER, $TUSER2)"
TUID=$(id -u "$TUSER"); TGID=$(id -g "$TUSER")
TUID2=$(id -u "$TUSER2")
THOME=$(getent passwd "$TUSER" | cut -d: -f6)

nsr_version=$("$NSRUN" --version) || bail "nsrun --version failed"
POLICYDIR=$(sed -n 's/^policydir: //p' <<<"$nsr_version")
STATEDIR=$(sed -n 's/^statedir: //p' <<<"$nsr_version")
DATADIR=$(sed -n 's/^datadir: //p' <<<"$nsr_version")
CGMODE=$(sed -n 's/^cgroup: //p' <<<"$nsr_version")
[ -n "$POLICYDIR" ] && [ -n "$STATEDIR" ] || bail "cannot read dirs from nsrun --version"
# NSRUN_TEST_SYSTEM_POLICYDIR=1: a throw-away machine (the systemd VM, which
# tests the installed package) where tests may write into the system's dir.
[ "${NSRUN_TEST_SYSTEM_POLICYDIR:-0}" = 1 ] ||
  case "$POLICYDIR" in /etc/*|/usr/*) bail "refusing to write test policies into $POLICYDIR (not a test build)";; esac
install -d -m 0755 -o root -g root "$POLICYDIR"

if [ ! -x "$NSRUN_ROOTFS/bin/busybox" ]; then
  "$NSRUN_SRCDIR/scripts/mkrootfs" "$NSRUN_ROOTFS" >/dev/null || bail "cannot build rootfs"
fi

# run_as USER CMD...: CMD with USER's uid, gid and groups, a clean environment.
run_as() {
  local u=$1; shift
  setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups --reset-env -- "$@"
}
# nsr ARGS...: nsrun as the test user. nsr2: as the second test user.
nsr()  { run_as "$TUSER" "$NSRUN" "$@"; }
# The same as a plain command (for "&": $! is then nsrun's own pid).
NSR1=(setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- "$NSRUN")
nsr2() { run_as "$TUSER2" "$NSRUN" "$@"; }

# policy NAME < INI: install a root-owned policy. Removed by cleanup_policies.
T_POLICIES=()
policy() {
  local f="$POLICYDIR/$1.ini"
  cat >"$f"
  chown root:root "$f"; chmod 0644 "$f"
  T_POLICIES+=("$f")
}
# basic_policy NAME [extra INI text]: a policy for the test users on the rootfs.
basic_policy() {
  policy "$1" <<INI
[policy]
description = test policy $1
users = $TUSER, $TUSER2
[rootfs]
path = $NSRUN_ROOTFS
${2:-}
INI
}
cleanup_policies() { rm -f "${T_POLICIES[@]}"; T_POLICIES=(); }

# Host state that a box must never leave behind. A box's processes die,
# and its veth goes, asynchronously after its supervisor is gone: give them
# up to 5 s to settle before taking the snapshot (anything still there
# after that is a leak and shows in the comparison).
host_settle() {
  local i
  for i in $(seq 50); do
    [ -z "$(pgrep -u "$TUSER,$TUSER2" 2>/dev/null)" ] &&
      ! ip -o link show 2>/dev/null | grep -q 'nsr[0-9]' && return 0
    sleep 0.1
  done
  return 0
}
# own_leaves: the cgroup leaves this run's nsrun could have made, those of
# the test users' boxes ("UID-BOX-SUFFIX" under an "nsrun" parent). Leaves
# of other users, another install or an earlier experiment are not ours
# to judge: a leak of this run still shows, someone else's never does.
own_leaves() {
  find /sys/fs/cgroup -maxdepth 4 -path '*/nsrun/*' -type d 2>/dev/null |
    grep -E "/nsrun/($TUID|$TUID2)-[^/]+\$" | sort
}
# The mount table without netns pool entries (STATEDIR/netns/COOKIE/ns, of
# this install or another one, e.g. scripts/bench's: nsrun keeps its pool
# filled, so entries come and go with every start).
host_mounts() { grep -vE ' /[^ ]*/netns/[0-9a-f]{16}/ns [^-]* - nsfs ' /proc/self/mountinfo; }
host_state() {
  host_settle
  {
    echo "locks: $(find "$STATEDIR" -name '*.lock' 2>/dev/null | sort | tr '\n' ' ')"
    echo "cgroups: $(own_leaves | tr '\n' ' ')"
    echo "mounts: $(host_mounts | grep -c .) $(host_mounts | grep -E "nsrun|$NSRUN_ROOTFS" | tr '\n' ' ')"
    echo "veths: $(ip -o link show 2>/dev/null | grep -o 'nsr[0-9a-z]*' | sort | tr '\n' ' ')"
    echo "leases: $(cat "$STATEDIR"/leases/* 2>/dev/null | tr '\n' ' ')"
    echo "procs: $(pgrep -u "$TUSER,$TUSER2" 2>/dev/null | tr '\n' ' ')"
  }
}

# devlog_listen FILE SECONDS: listen on /dev/log (a host without a syslog,
# as CI's) in the background, one received line per line of FILE (newlines
# inside a datagram escaped), until SECONDS pass without one; its pid in
# DEVLOG_PID. Returns once the socket is there (or after 5 s). The caller
# stops it and removes /dev/log.
devlog_listen() {
  python3 - "$1" "$2" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", buffering=0) as f:
    s.settimeout(int(sys.argv[2]))
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        f.write(d.replace(b"\n", b"\\n") + b"\n")
PY
  DEVLOG_PID=$!
  local _i
  for _i in $(seq 50); do [ -S /dev/log ] && return 0; sleep 0.1; done
  return 1
}

# SPDX-License-Identifier: GPL-2.0-or-later
# Shared setup of the hostile suite (tests/hostile/*.sh): sources ../lib.sh,
# builds the attack helpers (probe.c static, for inside boxes; hostprobe.c
# and evil_so.c for the host) into a root-owned dir that boxes bind at
# /hbin, and offers assertions about the host being left untouched.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Other suites may use the same installed nsrun at the same time: run in a
# private mount namespace with a policy dir of our own bound over the
# compiled-in one (DESIGN: testing), so neither sees the other's policies.
if [ -z "${H_ISOLATED:-}" ]; then
  command -v unshare >/dev/null || bail "unshare missing"
  H_ISOLATED=1 exec unshare -m --propagation private -- bash "$0" "$@"
fi
H_POL=$(mktemp -d /run/nsrun-test/hostile-pol.XXXXXX)
chmod 0755 "$H_POL"
mount --bind "$H_POL" "$POLICYDIR" || bail "cannot bind a private policy dir over $POLICYDIR"

HSRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v cc >/dev/null || bail "cc missing (the attack helpers are C)"
HB=$(mktemp -d /run/nsrun-test/hostile-bin.XXXXXX)
HT=$(mktemp -d /run/nsrun-test/hostile-tmp.XXXXXX)
chmod 0755 "$HB" "$HT"
H_PIDS=()
H_CLEAN=()
h_cleanup() {
  local p
  for p in "${H_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  for p in "${H_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for p in "${H_CLEAN[@]}"; do rm -rf "$p"; done
  cleanup_policies
  umount "$POLICYDIR" 2>/dev/null
  rm -rf "$HB" "$HT" "$H_POL"
}
trap h_cleanup EXIT

EVIL_MARKER=$HT/evil-loaded
cc -O1 -static -o "$HB/probe" "$HSRC/probe.c" 2>"$HT/cc.log" &&
  cc -O1 -o "$HB/hostprobe" "$HSRC/hostprobe.c" 2>>"$HT/cc.log" &&
  cc -O1 -shared -fPIC -DEVIL_MARKER="\"$EVIL_MARKER\"" -o "$HB/evil.so" "$HSRC/evil_so.c" 2>>"$HT/cc.log" ||
  bail "cannot build the attack helpers: $(cat "$HT/cc.log")"
chmod 0755 "$HB"/*

# hpolicy NAME [ROOTFS_KEYS] [MORE_INI]: a policy for the test users with
# the helpers at /hbin. ROOTFS_KEYS go into [rootfs]; MORE_INI may add
# bind/tmpfs lines to [mount] and then further sections.
H_BIND="[mount]
bind = $HB:/hbin:ro"
hpolicy() { basic_policy "$1" "${2:-}
$H_BIND
${3:-}"; }

# hbox POLICY BOX CMD...: run CMD in a box as the test user; output on stdout.
hbox() { local p=$1 b=$2; shift 2; nsr -p "$p" "$b" -- "$@" 2>&1; }

# is_nsrun PID: PID runs the nsrun binary (not setpriv before its exec).
is_nsrun() { [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$NSRUN" ]; }
# Host state that a box must never leave behind, limited to what this
# run's nsrun could have made (other suites, another install or an earlier
# experiment may mount or start things meanwhile): its own state dir, the
# cgroup leaves of the test users' boxes (own_leaves), its own mounts, the
# test users' processes and nsrun processes.
h_state() {
  echo "locks: $(find "$STATEDIR" -name '*.lock' 2>/dev/null | sort | tr '\n' ' ')"
  echo "cgroups: $(own_leaves | tr '\n' ' ')"
  echo "mounts: $(host_mounts | grep -E "$STATEDIR|$NSRUN_ROOTFS|$DATADIR|/run/nsrun-test/hostile" |
    grep -v " $POLICYDIR " | awk '{print $5}' | sort | tr '\n' ' ')"
  echo "veths: $(ip -o link show 2>/dev/null | grep -o 'ns[rp][0-9]*' | sort | tr '\n' ' ')"
  echo "leases: $(cat "$STATEDIR"/leases/* "$STATEDIR"/leases/*:addr/[0-9]* 2>/dev/null | tr '\n' ' ')"
  echo "procs: $(pgrep -u "$TUSER,$TUSER2" 2>/dev/null | tr '\n' ' ')"
  echo "nsrun: $(pgrep -x nsrun 2>/dev/null | while read -r p; do
    is_nsrun "$p" || continue
    awk '/^Uid:/ {print $2}' "/proc/$p/status" 2>/dev/null; done | grep -xE "$TUID|$TUID2" | tr '\n' ' ')"
}
# The host as it was when the file started; same_state waits for boxes
# that are ending to finish cleaning up (up to ~5 s) before comparing.
"$NSRUN" --gc >/dev/null 2>&1   # orphans of earlier runs (only dead boxes' leftovers)
H_STATE0=$(h_state)
same_state() {
  local desc=$1 now i
  for i in $(seq 50); do
    now=$(h_state)
    [ "$now" = "$H_STATE0" ] && break
    sleep 0.1
  done
  eq "$desc" "$H_STATE0" "$now"
}
# one_line DESC OUTPUT: a refusal is exactly one line starting "nsrun: ".
one_line() {
  local n; n=$(grep -c . <<<"$2")
  if [ "$n" = 1 ] && grep -q '^nsrun: ' <<<"$2"; then ok "$1"
  else not_ok "$1" "expected one 'nsrun: ' line, got:" "$2"; fi
}
# refused DESC RC OUTPUT: exit 125 and one nsrun: line.
refused() {
  eq "$1: exit 125" 125 "$2"
  one_line "$1: one nsrun: line" "$3"
}
# user_procs_gone: no process of either test user left (up to ~5 s).
user_procs_gone() {
  local i
  for i in $(seq 50); do
    pgrep -u "$TUSER,$TUSER2" >/dev/null || return 0
    sleep 0.1
  done
  return 1
}
# wait_child_of PID: print the pid of PID's first child (up to ~5 s).
wait_child_of() {
  local i c
  for i in $(seq 50); do
    c=$(pgrep -P "$1" | head -1)
    [ -n "$c" ] && { echo "$c"; return 0; }
    sleep 0.1
  done
  return 1
}
gc() { "$NSRUN" --gc >/dev/null 2>&1; }
# hbg USER ARGS...: nsrun as USER in the background; H_BG is nsrun's own
# pid (setpriv execs), so signals and probes aim at the supervisor.
hbg() {
  local u=$1; shift
  setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups --reset-env -- \
    "$NSRUN" "$@" >/dev/null 2>&1 &
  H_BG=$!
  H_PIDS+=("$H_BG")
}
# nsrun_stamp PID [EUID]: print PID's start time if PID runs nsrun (with
# that effective uid, when given); fail otherwise. A probe result counts
# only when the stamp is the same before and after it: exec is one-way
# (setpriv -> nsrun -> payload), so the whole probe then hit nsrun.
nsrun_stamp() {
  is_nsrun "$1" || return 1
  if [ -n "${2:-}" ]; then
    [ "$(awk '/^Uid:/ {print $3}' "/proc/$1/status" 2>/dev/null)" = "$2" ] || return 1
  fi
  awk '{print $22}' "/proc/$1/stat" 2>/dev/null
}

# SPDX-License-Identifier: GPL-2.0-or-later
# The fleet regression run (doc/slurm.md), on the one node: nsrun-fleet
# runs nsrun-harness through srun on every node of the partition, as root,
# on a cluster that requires boxes; one JUnit file per node. Sourced by
# tests/slurm/run.
fleet_tests() {
  local fleet=$prefix/libexec/nsrun/nsrun-fleet out node rc
  node=$(hostname -s)
  [ -x "$fleet" ] || { not_ok "nsrun-fleet is installed" "$fleet"; return; }
  plug required=yes default_policy=sl
  basic_policy fleet "[limits]
pids = 64
memory = 64M"
  out=$WORK/fleet
  res=$(cd "$WORK" && NSRUN_HARNESS=$prefix/bin/nsrun-harness timeout 120 \
    "$fleet" test "$out" --nsrun "$NSRUN" --as "$TUSER" fleet 2>&1); rc=$?
  eq "fleet: nsrun-fleet exits 0 when every node passes" 0 "$rc"
  match "fleet: one summary line per node" "^$node: [1-9][0-9]* passed, 0 failed\$" "$res"
  match "fleet: the node's JUnit file holds the harness's checks" \
    '<testsuite name="nsrun-harness" tests="[1-9][0-9]*" failures="0"' "$(cat "$out/$node.xml" 2>&1)"
  eq "fleet: one JUnit file per node of the partition" "$(sinfo -h -N -p test -o %N | sort -u | wc -l)" \
    "$(find "$out" -name '*.xml' | wc -l)"
  res=$(cd "$WORK" && NSRUN_HARNESS=$prefix/bin/nsrun-harness timeout 120 \
    "$fleet" test "$out-bad" --nsrun "$NSRUN" --as "$TUSER" no-such-policy 2>&1); rc=$?
  [ "$rc" -ne 0 ] && ok "fleet: a node where the harness cannot run fails the run ($rc)" ||
    not_ok "fleet: a node where the harness cannot run fails the run" "$res"
  match "fleet: ... and its line names the node" "^$node: " "$res"
  plug
}

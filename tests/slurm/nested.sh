# SPDX-License-Identifier: GPL-2.0-or-later
# cgroup = nested under Slurm (sourced by tests/slurm/run). The test makes
# a root-owned parent cgroup, standing in for a job's, in every hierarchy
# nsrun uses (v1: pids, freezer, memory, cpu; v2: a parent with a "jobs"
# child), and starts slurmd inside it, so every task runs in it.
#   nest_make    before cluster_up: make the parent, set C_CGROUP_PROCS
#   nest_tests   the TAP tests
#   nest_remove  after cluster_down: remove the parent (empty by then)

NEST_NAME=nsrtest-slurm-$$
NEST_DIRS=()     # every dir the test made, parents first
NEST_PIDS=       # the pids hierarchy's dir holding the tasks
C_CGROUP_PROCS=()

nest_mount() {   # CONTROLLER: the v1 mount point holding it
  awk -v c="$1" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo
}

nest_make() {
  local c m d
  if [ "$CGMODE" = v1 ]; then
    for c in pids freezer memory cpu; do
      m=$(nest_mount "$c"); [ -n "$m" ] || continue
      d=$m/$NEST_NAME
      [ -d "$d" ] && continue   # co-mounted with one done already
      mkdir -m 0755 "$d" || return 1
      NEST_DIRS+=("$d"); C_CGROUP_PROCS+=("$d/cgroup.procs")
      [ "$c" = pids ] && NEST_PIDS=$d
    done
  elif [ "$CGMODE" = v2 ]; then
    m=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
    d=$m/$NEST_NAME
    mkdir -m 0755 "$d" "$d/jobs" || return 1
    NEST_DIRS+=("$d" "$d/jobs"); C_CGROUP_PROCS+=("$d/jobs/cgroup.procs")
    NEST_PIDS=$d/jobs
  else
    return 1
  fi
  NEST=1
}

nest_remove() {
  local i d
  for ((i = ${#NEST_DIRS[@]} - 1; i >= 0; i--)); do
    d=${NEST_DIRS[$i]}
    [ -d "$d" ] || continue
    # Anything nsrun left would be a failure reported below; remove it so
    # the host is clean either way.
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
    rmdir "$d" 2>/dev/null || echo "# cannot remove $d" >&2
  done
  NEST_DIRS=(); NEST=
}

nest_leaves() { find "$NEST_PIDS" -mindepth 1 -maxdepth 1 -type d -name "$TUID-*" -printf '%f\n' 2>/dev/null; }

nest_tests() {
  local out leaf i t0
  if [ -z "$NEST_PIDS" ]; then
    not_ok "nested: the test's parent cgroup exists" "cgroup mode $CGMODE"
    return
  fi
  basic_policy sl-nest "[limits]
cgroup = nested
pids = 64"
  basic_policy sl-nest0 "[limits]
cgroup = nested"
  basic_policy sl-own "[limits]
pids = 100"

  U srun -N1 --nsrun-policy=sl-nest sh -c 'sleep 3; echo slept' >"$WORK/nest.out" 2>&1 &
  t0=$!
  leaf=
  for i in $(seq 100); do
    leaf=$(nest_leaves | head -n1)
    [ -n "$leaf" ] && break
    sleep 0.1
  done
  match "nested: an srun task's box sits under the job's (the test's) cgroup" "^$TUID-job[0-9]+-0-0-[0-9a-f]+\$" "$leaf"
  if [ "$CGMODE" = v1 ] && [ -n "$leaf" ]; then
    local fz
    fz=$(nest_mount freezer)
    if [ -n "$fz" ] && [ -d "$fz/$NEST_NAME/$leaf" ]; then
      ok "nested (v1): the leaf is under the job's cgroup in the freezer hierarchy too"
    else
      not_ok "nested (v1): the leaf is under the job's cgroup in the freezer hierarchy too" "$(ls "$fz/$NEST_NAME" 2>&1)"
    fi
    eq "nested: the box's pids.max is nsrun's, below the job's" 64 "$(cat "$NEST_PIDS/$leaf/pids.max" 2>&1)"
  fi
  nomatch "nested: nothing of the box under nsrun's own parent" "$TUID-job" \
    "$(find /sys/fs/cgroup -maxdepth 3 -path '*/nsrun/*' -type d 2>/dev/null)"
  wait "$t0"
  eq "nested: the task ran to its end" slept "$(cat "$WORK/nest.out")"
  eq "nested: the leaf is gone after the task" "" "$(nest_leaves)"

  # The job's limit keeps applying to a nested box, not to an own one.
  local cur
  cur=$(cat "$NEST_PIDS/pids.current" 2>/dev/null || cat "$NEST_PIDS/tasks" 2>/dev/null | wc -l)
  if [ -w "$NEST_PIDS/pids.max" ] && [ -n "$cur" ]; then
    echo $((cur + 24)) >"$NEST_PIDS/pids.max"
    out=$(U srun -N1 --nsrun-policy=sl-nest0 sh -c 'for i in $(seq 40); do sleep 2 & done; wait; echo all40' 2>&1)
    nomatch "nested: the job's pids limit stops a box that forks past it" 'all40' "$out"
    out=$(U srun -N1 --nsrun-policy=sl-own sh -c 'for i in $(seq 40); do sleep 2 & done; wait; echo all40' 2>&1)
    match "cgroup = own (pids = 100): the box leaves the job's cgroup and its limit (what nested is for)" 'all40' "$out"
    echo max >"$NEST_PIDS/pids.max"
  else
    not_ok "nested: the test can limit its parent cgroup (pids.max)"
  fi

  # A parent the caller could write is refused, with one line.
  local d
  for d in "${NEST_DIRS[@]}"; do chmod 0777 "$d"; done
  out=$(U srun -N1 --nsrun-policy=sl-nest hostname 2>&1)
  for d in "${NEST_DIRS[@]}"; do chmod 0755 "$d"; done
  match "nested: a caller's cgroup open to others is refused, in one line" \
    "^nsrun: job[0-9]+-0-0: cgroup .*the caller's cgroup /$NEST_NAME.*not a root-owned directory closed to group and others\$" \
    "$(grep '^nsrun:' <<<"$out")"
  nomatch "nested: ... and the task did not run" '^job[0-9]' "$out"
  eq "nested: nothing left under the job's cgroup" "" "$(nest_leaves)"
}

# SPDX-License-Identifier: GPL-2.0-or-later
# A single-node Slurm cluster for tests, all state under one temp dir:
# munged (as munge), slurmctld and slurmd in the foreground, their pids
# recorded and used to stop them (never a name). Sourced by tests/slurm/run.
#
#   cluster_up DIR PLUGSTACK_LINE   start; exports SLURM_CONF
#   cluster_down                    stop by recorded pid, remove DIR
#   cluster_plugstack LINE          rewrite plugstack.conf (read by each step)
set -u

C_DIR=
C_PIDS=()
C_CGROUP_PROCS=()

cluster_conf() {
  local d=$1 host port0
  host=$(hostname -s)
  # Ports: a pair derived from the dir name, away from the ephemeral range.
  port0=$(( 20000 + ($(cksum <<<"$d" | cut -d' ' -f1) % 5000) * 2 ))
  cat >"$d/etc/slurm.conf" <<CONF
ClusterName=nsrtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port0
SlurmdPort=$((port0 + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.socket
StateSaveLocation=$d/ctld
SlurmdSpoolDir=$d/spool/%n
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
PlugStackConfig=$d/etc/plugstack.conf
MailProg=/bin/true
KillWait=5
InactiveLimit=0
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

cluster_plugstack() { printf '%s\n' "$1" >"$C_DIR/etc/plugstack.conf"; }

# Wait until FILE exists or a recorded daemon died (max ~10 s).
cluster_wait_file() {
  local f=$1 i
  for i in $(seq 100); do
    [ -e "$f" ] && return 0
    sleep 0.1
  done
  return 1
}

cluster_up() {
  local d=$1 i
  C_DIR=$d
  install -d -m 0755 "$d" "$d/etc" "$d/run" "$d/ctld" "$d/spool" "$d/log"
  install -d -m 0755 -o munge -g munge "$d/munge"
  install -d -m 0700 -o munge -g munge "$d/munge-state"
  head -c 128 /dev/urandom >"$d/munge-state/munge.key"
  chown munge:munge "$d/munge-state/munge.key"; chmod 0400 "$d/munge-state/munge.key"
  cluster_conf "$d"
  cluster_plugstack "${2:-}"
  export SLURM_CONF=$d/etc/slurm.conf

  setpriv --reuid=munge --regid=munge --clear-groups -- /usr/sbin/munged -F \
    --socket="$d/munge/munge.socket" --key-file="$d/munge-state/munge.key" \
    --pid-file="$d/munge-state/munged.pid" --seed-file="$d/munge-state/munged.seed" \
    --log-file="$d/munge-state/munged.log" </dev/null >"$d/log/munged.out" 2>&1 &
  C_PIDS+=($!)
  cluster_wait_file "$d/munge/munge.socket" || { echo "munged did not start"; cat "$d/log/munged.out"; return 1; }
  /usr/sbin/slurmctld -D -i </dev/null >"$d/log/slurmctld.out" 2>&1 &
  C_PIDS+=($!)
  # slurmd (and so every task) in the cgroups C_CGROUP_PROCS lists, if any.
  (
    for f in "${C_CGROUP_PROCS[@]}"; do echo "$BASHPID" >"$f" || exit 1; done
    exec /usr/sbin/slurmd -D
  ) </dev/null >"$d/log/slurmd.out" 2>&1 &
  C_PIDS+=($!)
  for i in $(seq 150); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then return 0; fi
    sleep 0.1
  done
  echo "cluster did not come up"; tail -n 5 "$d"/log/*.log "$d"/log/*.out
  return 1
}

cluster_down() {
  local p i alive
  # slurmd first (it kills its steps), then slurmctld, then munged.
  for ((i = ${#C_PIDS[@]} - 1; i >= 0; i--)); do
    p=${C_PIDS[$i]}
    kill -TERM "$p" 2>/dev/null || continue
    for alive in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  C_PIDS=()
  [ -n "$C_DIR" ] && [ -d "$C_DIR" ] && rm -rf "$C_DIR"
  C_DIR=
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd VM: start latency on a systemd host with pure cgroup v2 and a
# tmpfs /run, paired in one run as scripts/bench does on the build host
# (doc/performance.md): the package's nsrun against the floor
# (bench/floor.c), minimal and with limits, alternated run by run by the
# bench's own timer. The floor and the timer are built on the host and
# staged by scripts/vm-test (--tests sd-install,sd-bench); the VM has no
# compiler and none of the peers. Not in the default test list: it
# measures. The TAP lines say whether every start succeeded; the ratios
# are comments. The VM runs under software emulation where the host has
# no KVM: there its ratios are the emulator's. Runs as root in the VM.
set -u
n=0 f=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); f=$((f + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
tools=${NSRUN_VM_BENCH_TOOLS:-/vmtest/bench-tools}
runs=${NSRUN_VM_BENCH_RUNS:-40}
rootfs=/srv/nsrun/images/debian-12
user=nsrvmbench
pol=/etc/nsrun/policies.d

if [ ! -x "$tools/floor" ] || [ ! -x "$tools/timer" ]; then
  not_ok "the floor and the timer were staged" "none in $tools: run scripts/vm-test --systemd --tests sd-install,sd-bench"
  echo "1..$n"; exit 1
fi
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
uid=$(id -u "$user") gid=$(id -g "$user")
cleanup() { rm -f "$pol/vm-bench-min.ini" "$pol/vm-bench-limits.ini"; }
trap cleanup EXIT
cat >"$pol/vm-bench-min.ini" <<INI
[policy]
description = systemd VM bench: minimal
users = $user
[rootfs]
path = $rootfs
INI
cat >"$pol/vm-bench-limits.ini" <<INI
[policy]
description = systemd VM bench: with limits
users = $user
[rootfs]
path = $rootfs
[limits]
pids = 64
memory = 256M
INI
chmod 0644 "$pol"/vm-bench-*.ini

# col LABEL COLUMN TSV: a column of the timer's summary line for LABEL
# (label runs fail median_ms ...).
col() { awk -F'\t' -v l="$1" -v c="$2" '$1 == l { print $c }' "$3"; }

# scenario NAME POLICY FLOOR-FLAGS...
scenario() {
  local name=$1 policy=$2 tsv
  shift 2
  tsv=$(mktemp)
  "$tools/timer" --runs "$runs" --warmup 3 --errlog /dev/null \
    ::: floor "$tools/floor" "$@" --uid "$uid" --gid "$gid" "$rootfs" /bin/true \
    ::: nsrun -u "$uid:$gid" "${NSRUN:-/usr/bin/nsrun}" --policy "$policy" vmbench -- /bin/true >"$tsv" 2>/dev/null
  local fl ns ff nf
  fl=$(col floor 4 "$tsv") ns=$(col nsrun 4 "$tsv")
  ff=$(col floor 3 "$tsv") nf=$(col nsrun 3 "$tsv")
  if [ -n "$fl" ] && [ -n "$ns" ] && [ "$ff" = 0 ] && [ "$nf" = 0 ]; then
    ok "$name: $runs starts each, paired, none failed"
    awk -v a="$ns" -v b="$fl" -v s="$name" \
      'BEGIN { printf "# %s: nsrun %.2f ms, floor %.2f ms, nsrun / floor %.2f\n", s, a, b, a / b }'
  else
    not_ok "$name: $runs starts each, paired, none failed" "floor: median ${fl:-none}, $ff failed" \
      "nsrun: median ${ns:-none}, $nf failed" "$(head -n 5 "$tsv")"
  fi
  rm -f "$tsv"
}
echo "# $(uname -r); $(grep -c ^processor /proc/cpuinfo) CPUs; /run is $(stat -f -c %T /run);" \
  "cgroup: $(stat -f -c %T /sys/fs/cgroup)"
scenario "minimal" vm-bench-min --full
scenario "with limits" vm-bench-limits --full --cgroup
echo "1..$n"
[ "$f" = 0 ]

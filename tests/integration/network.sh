#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# [network] (nsrun.policy(5)), in a world this test builds itself: a network
# namespace holding a bridge with the gateway address and no link to the
# host's network; nsrun runs inside it as the test users. Checks the box's
# address, route, resolv.conf and hosts; reachability (TCP from inside the
# box as the user, ICMP from the box's netns as root: busybox ping needs a
# raw socket); mode none; 32 concurrent boxes; per_user; cleanup after a
# normal end and after kill -9; refusal of a missing or non-bridge bridge.
# All traffic stays inside namespaces made here.
. "$(dirname "$0")/../lib.sh"

BB=/bin/busybox
for c in ip nsenter unshare setpriv timeout pgrep; do
  command -v "$c" >/dev/null || bail "$c missing"
done
[ -x "$BB" ] || bail "$BB missing (busybox-static)"

BR=nsbrt0
# One lock file per leased address, holding the lease's line
# (ADDR UID PID START BOX); leases prints them all.
LD=$STATEDIR/leases/$BR:addr
leases() { cat "$LD"/[0-9]* 2>/dev/null; }
T=$(mktemp -d /tmp/nsr-net.XXXXXX)
chmod 0755 "$T"
BG=()          # background nsrun (or timeout) pids, ended in cleanup

unshare --net -- sleep 3600 &
HOLDER=$!
NETNS=/proc/$HOLDER/ns/net

cleanup() {
  local p
  for p in "${BG[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${BG[@]}"; do wait "$p" 2>/dev/null; done
  kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null
  rm -rf "$LD" "$STATEDIR/leases/$BR"
  rm -rf "$T"
  cleanup_policies
}
trap cleanup EXIT

# Wait (up to ~N/10 s) for a command to succeed.
wait_for() {
  local n=$1; shift
  while [ "$n" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1; n=$((n - 1))
  done
  return 1
}
for _ in $(seq 50); do
  [ "$(readlink "$NETNS" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] && break
  sleep 0.1
done
[ "$(readlink "$NETNS" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] ||
  bail "cannot create a network namespace"

innet() { nsenter --net="$NETNS" -- "$@"; }
# nsr_in USER ARGS...: nsrun as USER inside the test netns, 60 s at most.
nsr_in() {
  local u=$1; shift
  timeout 60 nsenter --net="$NETNS" -- setpriv --reuid="$u" --regid="$(id -g "$u")" \
    --init-groups --reset-env -- "$NSRUN" "$@"
}
# nsr_bg USER ARGS... &: the same as a background job; nsenter and setpriv
# exec, so $! is nsrun's own pid (for kill -TERM and kill -9).
nsr_bg() {
  local u=$1; shift
  exec nsenter --net="$NETNS" -- setpriv --reuid="$u" --regid="$(id -g "$u")" \
    --init-groups --reset-env -- "$NSRUN" "$@"
}
lease_of() { leases | awk -v b="$1" '$5 == b { print $1 }'; }
has_lease() { [ -n "$(lease_of "$1")" ]; }
veths_in() { innet ip -o link show | grep -o ' nsr[0-9a-z]*' | tr -d ' ' | sort | tr '\n' ' '; }
no_veths() { [ -z "$(veths_in)" ]; }
# box_init NSRUN_PID: the box's init (the supervisor's child), in the box's
# netns; gone PID: no such process, or only a zombie.
box_init() { pgrep -P "$1" | head -n 1; }
has_init() { [ -n "$(box_init "$1")" ]; }
gone() { [ ! -d "/proc/$1" ] || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null; }
# box_addr PID ADDR: the netns of PID has ADDR (the box's network is set up).
box_addr() { nsenter --net="/proc/$1/ns/net" -- ip -o -4 addr show | grep -q " $2/"; }
# listening PID PORT: a TCP listener on PORT in the netns of PID.
listening() {
  cat "/proc/$1/net/tcp" "/proc/$1/net/tcp6" 2>/dev/null |
    awk -v p=":$(printf '%04X' "$2")" '$2 ~ p"$" && $4 == "0A"' | grep -q .
}

t "test netns: lo up" innet ip link set lo up
t "test netns: bridge $BR" innet ip link add "$BR" type bridge
t "test netns: gateway 10.88.0.1/24 on $BR" innet ip addr add 10.88.0.1/24 dev "$BR"
t "test netns: $BR up" innet ip link set "$BR" up
t "test netns: a veth that is not a bridge" innet ip link add nsnotbr0 type veth peer name nsnotbr1
host_before=$(host_state)

NETCONF="[network]
mode = bridge
bridge = $BR
subnet = 10.88.0.0/24
gateway = 10.88.0.1
dns = 10.88.0.1
per_user = 32"
basic_policy nsrt-net "$NETCONF"
basic_policy nsrt-netnone "[network]
mode = none"
# nsrun-probe (static) for unprivileged ICMP: busybox ping wants a raw socket
PROBE=${NSRUN_PROBE:-${NSRUN_BUILDDIR:-}/harness/nsrun-probe}
[ -x "$PROBE" ] || bail "nsrun-probe not built ($PROBE)"
install -d -m 0755 "$T/pb" && install -m 0755 "$PROBE" "$T/pb/nsrun-probe"
basic_policy nsrt-netping "$NETCONF
[mount]
bind = $T/pb:/pb:ro"
basic_policy nsrt-netnoneping "[network]
mode = none
[mount]
bind = $T/pb:/pb:ro"
basic_policy nsrt-netmiss "${NETCONF/bridge = $BR/bridge = nsbrnope}"
basic_policy nsrt-netnotbr "${NETCONF/bridge = $BR/bridge = nsnotbr0}"

# ---- one box: address, route, links, resolv.conf, hosts
out=$(nsr_in "$TUSER" --policy nsrt-net nb1 -- sh -c \
  'ip -o -4 addr show; echo @@; ip -o link; echo @@; ip route; echo @@;
   cat /etc/resolv.conf; echo @@; cat /etc/hosts' 2>&1)
eq "bridged box runs" 0 $?
sect() { awk -v n="$1" 'BEGIN { RS = "@@\n" } NR == n' <<<"$out"; }
match "eth0 has an address from the subnet" 'eth0 +inet 10\.88\.0\.([2-9]|[1-9][0-9]+)/24' "$(sect 1)"
eq "the box has only lo and eth0" "eth0 lo" \
  "$(sect 2 | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
match "default route via the gateway" 'default via 10\.88\.0\.1 dev eth0' "$(sect 3)"
match "resolv.conf names the policy's dns" '^nameserver 10\.88\.0\.1$' "$(sect 4)"
match "hosts names the box with its address" '^10\.88\.0\.[0-9]+[[:space:]]+nb1' "$(sect 5)"
eq "lease released when the box ends" "" "$(lease_of nb1)"
t "veth gone when the box ends" wait_for 30 no_veths

# ---- a pooled netns (nsrun.policy(5) netns_pool): the same box, the same links
pool() { ls -A "$STATEDIR/netns" 2>/dev/null | grep -E '^[0-9a-f]{16}$' | sort; }
"$NSRUN" --gc >/dev/null
p0=$(pool)
t "--gc filled the netns pool" test "$(grep -c . <<<"$p0")" -ge 1
basic_policy nsrt-netpool "$NETCONF
netns_pool = yes"
basic_policy nsrt-netnonepool "[network]
mode = none
netns_pool = yes"
out=$(nsr_in "$TUSER" --policy nsrt-netpool nbp -- sh -c 'ip -o link; echo @@; ip -o -4 addr show' 2>&1)
eq "pooled bridged box runs" 0 $?
eq "a bridged box in a pooled netns has only lo and eth0" "eth0 lo" \
  "$(sect 1 | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
match "... and eth0 has its address" 'eth0 +inet 10\.88\.0\.([2-9]|[1-9][0-9]+)/24' "$(sect 2)"
eq "... which came from the pool (one entry used, not there any more)" 1 \
  "$(comm -23 <(echo "$p0") <(pool) | grep -c .)"
basic_policy nsrt-netnopool "$NETCONF
netns_pool = no"
p0=$(pool)
out=$(nsr_in "$TUSER" --policy nsrt-netnopool nbq -- sh -c 'ip -o link; echo @@; ip -o -4 addr show' 2>&1)
eq "netns_pool = no: the bridged box has only lo and eth0" "eth0 lo" \
  "$(sect 1 | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
eq "netns_pool = no: the pool is not touched" "$p0" "$(pool)"
out=$(nsr_in "$TUSER" --policy nsrt-net nbr -- sh -c 'ip -o link' 2>&1)
eq "no netns_pool key (default no): the pool is not touched" "$p0" "$(pool)"
t "veths of the pooled boxes gone" wait_for 30 no_veths
out=$(nsr --policy nsrt-netnonepool nnp -- sh -c 'ip -o link' 2>&1)
eq "mode = none in a pooled netns: lo alone, up" "lo UP" \
  "$(sed -n 's/^[0-9]*: \([^:@]*\): <\([^>]*\)>.*/\1 \2/p' <<<"$out" | sed 's/ LOOPBACK,\(UP\).*/ \1/')"

# ---- the box reaches the gateway (TCP, as the user)
# (up to three tries: a loaded machine may lose the race with nc's listener)
for attempt in 1 2 3; do
  timeout 30 nsenter --net="$NETNS" -- "$BB" nc -l -p 7001 </dev/null >"$T/gw.out" &
  lpid=$!
  wait_for 50 listening "$HOLDER" 7001
  out=$(nsr_in "$TUSER" --policy nsrt-net nb2 -- sh -c 'echo hello-gateway | nc -w 5 10.88.0.1 7001' 2>&1)
  rc=$?
  wait "$lpid"
  [ "$rc" = 0 ] && [ "$(cat "$T/gw.out")" = hello-gateway ] && break
done
eq "box connects to the gateway" 0 "$rc"
eq "the gateway got the box's data" "hello-gateway" "$(cat "$T/gw.out")"

# ---- ping as the user: ICMP echo sockets for the box's gid, in its netns only
host_pgr=$(cat /proc/sys/net/ipv4/ping_group_range)
netns_pgr=$(innet cat /proc/sys/net/ipv4/ping_group_range)
out=$(nsr_in "$TUSER" --policy nsrt-netping np1 -- sh -c \
  '/pb/nsrun-probe ping 10.88.0.1; echo @@; cat /proc/sys/net/ipv4/ping_group_range' 2>&1)
match "the user pings the gateway from a bridged box (unprivileged ICMP socket)" '^ping=ok$' "$out"
eq "the box's ping_group_range is the user's gid alone" "$TGID $TGID" \
  "$(awk 'BEGIN { RS = "@@\n" } NR == 2' <<<"$out" | tr -s '[:space:]' ' ' | sed 's/ $//')"
eq "the host's ping_group_range is untouched" "$host_pgr" "$(cat /proc/sys/net/ipv4/ping_group_range)"
eq "the test netns' ping_group_range is untouched" "$netns_pgr" "$(innet cat /proc/sys/net/ipv4/ping_group_range)"
# mode = host: the box is in the caller's netns (here the test's), whose
# ping_group_range nsrun must leave alone
basic_policy nsrt-nethost "[network]
mode = host"
out=$(nsr_in "$TUSER" --policy nsrt-nethost nh1 -- cat /proc/sys/net/ipv4/ping_group_range 2>&1)
eq "mode = host: the box sees its netns' own ping_group_range" "$netns_pgr" "$out"
eq "mode = host: nsrun left that netns' ping_group_range alone" "$netns_pgr" \
  "$(innet cat /proc/sys/net/ipv4/ping_group_range)"
out=$(nsr_in "$TUSER2" --policy nsrt-netnoneping np2 -- /pb/nsrun-probe ping 127.0.0.1 2>&1)
match "network = none: the user pings the box's own lo" '^ping=ok$' "$out"
out=$(nsr_in "$TUSER" --policy nsrt-netping np3 -- /pb/nsrun-probe ping 10.88.0.254 2>&1)
match "a ping to an address nobody has gets no reply (the probe can fail)" '^ping=error:no reply$' "$out"

# ---- two boxes on the bridge: A listens, B connects; ICMP both ways
nsr_bg "$TUSER" --policy nsrt-net nba -- nc -l -p 7002 >"$T/a.out" 2>"$T/a.err" &
apid=$!; BG+=("$apid")
wait_for 100 has_lease nba
addr_a=$(lease_of nba)
match "box A has a lease" '^10\.88\.0\.' "$addr_a"
wait_for 50 has_init "$apid"
pl_a=$(box_init "$apid")
t "box A listens" wait_for 50 listening "${pl_a:-0}" 7002
t "box A's netns pings the gateway" nsenter --net="/proc/$pl_a/ns/net" -- "$BB" ping -c 1 -W 2 10.88.0.1
t "the gateway pings box A" innet "$BB" ping -c 1 -W 2 "$addr_a"
# B waits for a word from the gateway before it sends to A, so that A is
# still there for the pings.
nsr_bg "$TUSER2" --policy nsrt-net nbb -- sh -c \
  "nc -l -p 7009 >/dev/null; echo hello-box | nc -w 5 $addr_a 7002 && exec sleep 20" \
  >"$T/b.out" 2>&1 &
bpid=$!; BG+=("$bpid")
wait_for 100 has_lease nbb
addr_b=$(lease_of nbb)
match "box B has a lease" '^10\.88\.0\.' "$addr_b"
if [ "$addr_a" != "$addr_b" ]; then ok "boxes A and B have distinct addresses"
else not_ok "boxes A and B have distinct addresses" "$addr_a $addr_b"; fi
wait_for 50 has_init "$bpid"
pl_b=$(box_init "$bpid")
t "box B listens" wait_for 100 listening "${pl_b:-0}" 7009
t "box B's eth0 has its address" box_addr "${pl_b:-0}" "$addr_b"
t "box B's netns pings box A" nsenter --net="/proc/${pl_b:-0}/ns/net" -- "$BB" ping -c 1 -W 2 "$addr_a"
t "box A's netns pings box B" nsenter --net="/proc/${pl_a:-0}/ns/net" -- "$BB" ping -c 1 -W 2 "$addr_b"
t "the gateway tells box B to go" eval "echo go | nsenter --net=$NETNS -- $BB nc -w 5 $addr_b 7009"
timeout 20 tail --pid="$apid" -f /dev/null
eq "box A got box B's data over the bridge" "hello-box" "$(cat "$T/a.out")"
kill -TERM "$bpid" 2>/dev/null; wait "$bpid" 2>/dev/null
t "leases of A and B released" wait_for 50 eval '[ -z "$(lease_of nba)$(lease_of nbb)" ]'
t "veths of A and B gone" wait_for 50 no_veths

# ---- mode none: only lo, reaches nothing
timeout 20 nsenter --net="$NETNS" -- "$BB" nc -l -p 7003 >"$T/none.out" &
lpid=$!
wait_for 50 listening "$HOLDER" 7003
out=$(nsr_in "$TUSER" --policy nsrt-netnone nn1 -- sh -c \
  'ip -o link; echo @@; echo leak | nc -w 2 10.88.0.1 7003 && echo REACHED' 2>&1)
eq "mode none: only lo" "lo" "$(sect 1 | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
nomatch "mode none: the gateway is unreachable" REACHED "$out"
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
eq "mode none: nothing arrived" "" "$(cat "$T/none.out")"
eq "mode none takes no lease" "" "$(lease_of nn1)"

# ---- 32 bridged boxes at once; per_user refuses the 33rd
many=()
for i in $(seq 1 32); do
  nsr_bg "$TUSER" --policy nsrt-net "nbm$i" -- sleep 120 >/dev/null 2>"$T/m$i.err" &
  many+=($!); BG+=($!)
done
count_many() { leases | awk '$5 ~ /^nbm[0-9]+$/' | wc -l; }
wait_for 600 eval '[ "$(count_many)" -ge 32 ]'
eq "32 boxes hold leases at once" 32 "$(count_many)"
[ "$(count_many)" = 32 ] || diag "$(cat "$T"/m*.err 2>/dev/null | sort | uniq -c | head -n 5)"
eq "their 32 addresses are distinct" 32 "$(leases | awk '$5 ~ /^nbm/ { print $1 }' | sort -u | wc -l)"
eq "all are host addresses of 10.88.0.0/24 other than the gateway" "" \
  "$(leases | awk '$5 ~ /^nbm/ { print $1 }' | grep -vE '^10\.88\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$')"
count_ports() { innet ip -o link show master "$BR" | grep -c ' nsr'; }
wait_for 300 eval '[ "$(count_ports)" -ge 32 ]'
eq "32 host-side veths on the bridge" 32 "$(count_ports)"
out=$(nsr_in "$TUSER" --policy nsrt-net nbm33 -- true 2>&1)
eq "the 33rd box of the same user is refused" 125 $?
match "per_user refusal says why" '^nsrun: .*per-user limit of 32 bridged boxes reached' "$out"
diag "$out"
eq "the refused box took no lease" "" "$(lease_of nbm33)"
out=$(nsr_in "$TUSER2" --policy nsrt-net nbo -- true 2>&1)
eq "another user still gets a box" 0 $?
for p in "${many[@]}"; do kill -TERM "$p" 2>/dev/null; done
for p in "${many[@]}"; do wait "$p" 2>/dev/null; done
t "all 32 leases released" wait_for 100 eval '[ "$(count_many)" -eq 0 ]'
t "all 32 veths gone" wait_for 100 no_veths

# ---- kill -9 of nsrun: the veth goes with the box, the lease is reclaimed
nsr_bg "$TUSER" --policy nsrt-net nbk -- sleep 120 >/dev/null 2>&1 &
kpid=$!; BG+=("$kpid")
wait_for 100 has_lease nbk
t "killed box had a veth" eval '[ -n "$(veths_in)" ]'
wait_for 50 has_init "$kpid"
kinit=$(box_init "$kpid")
kpayload=$(pgrep -P "${kinit:-0}" | head -n 1)
kill -KILL "$kpid"; wait "$kpid" 2>/dev/null
t "after kill -9: the box's init is gone" wait_for 100 gone "${kinit:-0}"
t "after kill -9: the box's payload is gone" wait_for 100 gone "${kpayload:-0}"
t "after kill -9: the veth is gone" wait_for 100 no_veths
out=$(nsr_in "$TUSER" --policy nsrt-net nbk -- true 2>&1)
eq "the same box starts again after kill -9" 0 $?
eq "no lease of the killed box is left" "" "$(lease_of nbk)"
eq "no lease left at all" "" "$(leases)"

# ---- refusals leave nothing behind
wait_for 50 no_veths   # earlier boxes' veths go with their netns, asynchronously
before=$(veths_in; leases)
out=$(nsr_in "$TUSER" --policy nsrt-netmiss nr1 -- true 2>&1)
eq "a missing bridge is refused" 125 $?
match "it says the bridge does not exist" '^nsrun: .*bridge nsbrnope does not exist' "$out"
diag "$out"
out=$(nsr_in "$TUSER" --policy nsrt-netnotbr nr2 -- true 2>&1)
eq "a non-bridge is refused" 125 $?
match "it says it is not a bridge" '^nsrun: .*nsnotbr0 is not a bridge' "$out"
eq "refusals left no veth and no lease" "$before" "$(veths_in; leases)"
eq "nothing left on the host" "$host_before" "$(host_state)"

done_testing

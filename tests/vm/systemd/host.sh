#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd VM: a lab admin's day on a systemd host with pure cgroup v2, after
# the package is installed (install.sh): users made with useradd, the
# shipped example policies, boxes started from login sessions (runuser -l),
# the boxes' cgroups under nsrun's delegated subtree (systemd-cgls) and gone
# after, a daemon-reload while boxes run, a bridge the admin made, the audit
# log in the journal. Runs as root in the VM (tests/vm/systemd.sh).
set -u
n=0 f=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); f=$((f + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
t() { local d=$1 o; shift; if o=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$*" "$o"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: [$2]" "actual:   [$3]"; fi; }
match() { if grep -Eq -- "$2" <<<"$3"; then ok "$1"; else not_ok "$1" "no match for /$2/ in:" "$3"; fi; }
src=${NSRUN_SRCDIR:-/root/src}
sub=/sys/fs/cgroup/nsrun.slice/nsrun-cgroup.service
leaves() { find "$sub/nsrun" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort; }
# wait_for CMD...: up to 60 s (software emulation is slow).
wait_for() { local i; for i in $(seq 600); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

# The admin: users, a group, images, policies from the shipped examples.
groupadd -f lab
useradd -m -s /bin/bash -G lab,users alice
useradd -m -s /bin/bash -G users bob
install -d -m 0755 /var/lib/nsrun /var/lib/nsrun/images
"$src/scripts/mkrootfs" /var/lib/nsrun/images/busybox >/dev/null
ex=/usr/share/doc/nsrun/examples
install -m 0644 "$ex/demo.ini" /etc/nsrun/policies.d/demo.ini
install -m 0644 "$ex/dev.ini" /etc/nsrun/policies.d/dev.ini
t "nsrun --check accepts the shipped example policies as installed" \
  nsrun --check /etc/nsrun/policies.d/demo.ini /etc/nsrun/policies.d/dev.ini
eq "alice's nsrun --list (from a login session)" "demo dev" \
  "$(runuser -l alice -c 'nsrun --list' | cut -f1 | sort | tr '\n' ' ' | sed 's/ $//')"
eq "bob's nsrun --list: only demo" "demo" "$(runuser -l bob -c 'nsrun --list' | cut -f1)"

# A box from alice's login session.
out=$(runuser -l alice -c 'nsrun --policy demo hello -- /bin/sh -c "id -un; hostname; cat /proc/self/cgroup"' 2>&1)
eq "a box from a login session: user, hostname, cgroup namespace" "alice
demo-hello
0::/" "$out"
match "runuser -l gives a logind session scope" 'session-[a-z0-9]+\.scope' \
  "$(runuser -l alice -c 'cat /proc/self/cgroup')"

# While a box runs: its leaf under the delegated subtree, as systemd-cgls shows.
tmp=$(mktemp -d)
chmod 0755 "$tmp"
runuser -l alice -c "nsrun --policy demo long -- /bin/sh -c 'echo up; sleep 600'" >"$tmp/long.out" 2>&1 &
bg=$!
if wait_for grep -q up "$tmp/long.out"; then ok "a long box started"; else not_ok "a long box started" "$(cat "$tmp/long.out")"; fi
leaf=$(leaves | head -n 1)
match "its leaf is under nsrun-cgroup.service/nsrun" "^$sub/nsrun/$(id -u alice)-long" "$leaf"
cgls=$(systemd-cgls --no-pager -u nsrun-cgroup.service 2>&1)
echo "$cgls" | sed 's/^/# systemd-cgls: /'
match "systemd-cgls shows nsrun's parent under the unit" "^.-nsrun " "$cgls"
match "systemd-cgls shows the box's leaf below it" "^ +.-$(id -u alice)-long-" "$cgls"
match "systemd-cgls shows the box's sleep" "sleep 600" "$cgls"
eq "the box's memory limit (256M) is set in its leaf" "268435456" "$(cat "$leaf/memory.max" 2>&1)"
eq "the unit's keeper is still where systemd put it" "keeper" \
  "$(cat "/proc/$(systemctl show -P MainPID nsrun-cgroup.service)/cgroup" | sed 's|.*/||')"

t "systemctl daemon-reload while a box runs" systemctl daemon-reload
t "systemctl restart of an unrelated unit while a box runs" systemctl restart systemd-journald
sleep 2
t "the box survives the reload" kill -0 "$bg"
t "its leaf is still there" test -d "$leaf"
eq "its memory limit is untouched" "268435456" "$(cat "$leaf/memory.max" 2>&1)"
np=$(find "$leaf" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l)
if [ "$np" -ge 2 ]; then ok "the box's processes are still in its leaf ($np)"; else not_ok "the box's processes are still in its leaf" "$np"; fi
out=$(runuser -l alice -c 'nsrun --policy demo second -- /bin/sh -c "echo second"' 2>&1)
eq "a new box starts after the reload" "second" "$out"
kill -TERM "$(pgrep -U alice -x -f 'nsrun --policy demo long.*' | head -n 1)"; wait "$bg"
eq "nsrun TERMed: the box ends, the login session reports 128+15" "143" "$?"
wait_for test -z "$(leaves)"
eq "nothing is left under the subtree after the boxes" "" "$(leaves)"
eq "systemd-cgls shows only the keeper" "" \
  "$(systemd-cgls --no-pager -u nsrun-cgroup.service 2>&1 | grep -E 'nsrun/|sleep 600')"

# A refusal, and both lines in the journal (authpriv).
out=$(runuser -l bob -c 'nsrun --policy dev nope' 2>&1); rc=$?
eq "bob may not use dev: exit 125" "125" "$rc"
match "the refusal is one nsrun: line" "^nsrun: " "$out"
sleep 1
j=$(journalctl -q --no-pager -t nsrun SYSLOG_FACILITY=10 -o short 2>&1)
echo "$j" | tail -n 6 | sed 's/^/# journal: /'
match "the journal has alice's start (authpriv)" "nsrun\[[0-9]+\]: start: uid=$(id -u alice) user=alice policy=demo box=hello" "$j"
match "the journal has bob's refusal (authpriv)" "nsrun\[[0-9]+\]: refused: uid=$(id -u bob) user=bob policy=dev box=nope" "$j"

# The admin's bridge, and a bridged box on it.
ip link add nsbr0 type bridge && ip addr add 10.88.0.1/24 dev nsbr0 && ip link set nsbr0 up
cat >/etc/nsrun/policies.d/bridged.ini <<'INI'
[policy]
description = bridged boxes
groups = lab
[rootfs]
path = /var/lib/nsrun/images/busybox
[network]
mode = bridge
bridge = nsbr0
subnet = 10.88.0.0/24
gateway = 10.88.0.1
INI
out=$(runuser -l alice -c 'nsrun --policy bridged net -- /bin/sh -c "ip -4 -o addr show dev eth0; ip route"' 2>&1)
match "a box on the admin's bridge gets an address from the subnet" "eth0 +inet 10\.88\.0\.[0-9]+/24" "$out"
match "and a default route through the gateway" "default via 10\.88\.0\.1" "$out"
wait_for test -z "$(ip -o link show master nsbr0 2>/dev/null)"
eq "its veth is gone from the bridge after" "" "$(ip -o link show master nsbr0 2>/dev/null)"
ip link del nsbr0
rm -f /etc/nsrun/policies.d/bridged.ini
rm -rf "$tmp"
echo "1..$n"
[ "$f" -eq 0 ]

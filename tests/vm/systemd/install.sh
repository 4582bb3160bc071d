#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd VM: install the .deb as an admin would (apt, offline: its few
# dependencies are in the image) and check what it installs on a systemd
# host with pure cgroup v2; the README's dpkg-statoverride recipe.
# Runs as root in the VM (tests/vm/systemd.sh). $NSRUN_DEB: the package.
set -u
n=0 f=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); f=$((f + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
t() { local d=$1 o; shift; if o=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$*" "$o"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: [$2]" "actual:   [$3]"; fi; }

# (The guest has no network: apt finds the few dependencies installed.)
if o=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$NSRUN_DEB" 2>&1); then
  ok "apt-get install ./nsrun_*.deb (offline)"
else
  not_ok "apt-get install ./nsrun_*.deb (offline)" "$o"
  dpkg -i "$NSRUN_DEB" >/dev/null 2>&1 # so that the rest still says something
fi
echo "# $(ls -l /usr/bin/nsrun)"
eq "/usr/bin/nsrun is -rwsr-xr-x root root" "-rwsr-xr-x root root" \
  "$(stat -c '%A %U %G' /usr/bin/nsrun)"
v=$(nsrun --version 2>&1)
echo "$v" | sed 's/^/# nsrun --version: /'
eq "nsrun --version says cgroup: v2" "cgroup: v2" "$(grep '^cgroup:' <<<"$v")"
eq "the policy dir is empty, root 0755" "root 755 0" \
  "$(stat -c '%U %a' /etc/nsrun/policies.d) $(ls -A /etc/nsrun/policies.d | wc -l)"
t "the example policies are in /usr/share/doc/nsrun/examples" test -f /usr/share/doc/nsrun/examples/demo.ini
t "the example suites are where their comments say" \
  grep -q "/usr/share/doc/nsrun/suites/demo.ini" /usr/share/doc/nsrun/suites/demo.ini
t "the man pages are installed" test -f /usr/share/man/man1/nsrun.1.gz -a -f /usr/share/man/man5/nsrun.policy.5.gz
t "the bash completion is installed" test -f /usr/share/bash-completion/completions/nsrun
eq "nsrun-cgroup.service is enabled" "enabled" "$(systemctl is-enabled nsrun-cgroup.service 2>&1)"
eq "nsrun-cgroup.service is active" "active" "$(systemctl is-active nsrun-cgroup.service 2>&1)"
d=/sys/fs/cgroup/nsrun.slice/nsrun-cgroup.service
eq "the delegated subtree belongs to the unit, its process in keeper" \
  "$(systemctl show -P MainPID nsrun-cgroup.service)" "$(cat "$d/keeper/cgroup.procs" 2>&1)"
eq "systemd delegated pids memory cpu" "yes" "$(systemctl show -P Delegate nsrun-cgroup.service)"

# dpkg-statoverride: only group lab may run nsrun (README.md).
groupadd -f lab
useradd -m -s /bin/bash -G lab sovr-in 2>/dev/null
useradd -m -s /bin/bash sovr-out 2>/dev/null
t "dpkg-statoverride --update --add root lab 4750" dpkg-statoverride --update --add root lab 4750 /usr/bin/nsrun
eq "nsrun is then -rwsr-x--- root lab" "-rwsr-x--- root lab" "$(stat -c '%A %U %G' /usr/bin/nsrun)"
t "a member of lab runs it" runuser -l sovr-in -c 'nsrun --version'
if runuser -l sovr-out -c 'nsrun --version' >/dev/null 2>&1; then
  not_ok "someone outside lab cannot run it"
else ok "someone outside lab cannot run it"; fi
t "the override survives a reinstall" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --reinstall "$NSRUN_DEB"
eq "still -rwsr-x--- root lab after the reinstall" "-rwsr-x--- root lab" "$(stat -c '%A %U %G' /usr/bin/nsrun)"
dpkg-statoverride --remove /usr/bin/nsrun
chown root:root /usr/bin/nsrun && chmod 4755 /usr/bin/nsrun
eq "back to -rwsr-xr-x root root" "-rwsr-xr-x root root" "$(stat -c '%A %U %G' /usr/bin/nsrun)"
userdel -r sovr-in 2>/dev/null; userdel -r sovr-out 2>/dev/null
echo "1..$n"
[ "$f" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line (nsrun(1): options, EXIT STATUS refusals), --version, --check, --list,
# and policy trust refusals, as an unprivileged user through the setuid binary.
. "$(dirname "$0")/../lib.sh"

trap cleanup_policies EXIT
basic_policy cli-ok
policy cli-other <<INI
[policy]
description = only for the second user
users = $TUSER2
[rootfs]
path = $NSRUN_ROOTFS
INI
policy cli-group <<INI
[policy]
description = by group
groups = $TGROUP
[rootfs]
path = $NSRUN_ROOTFS
INI

# --version
v=$(nsr --version); rc=$?
eq "--version exits 0 as a user" 0 "$rc"
match "--version first line" '^nsrun [0-9]+\.[0-9]+' "$(head -1 <<<"$v")"
for k in policydir statedir datadir cgroup; do
  match "--version has $k:" "^$k: " "$v"
done
want=none
grep -q ' - cgroup2 ' /proc/self/mountinfo && [ -n "$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)" ] && want=v2
grep -Eq ' - cgroup cgroup [^ ]*(pids|memory)' /proc/self/mountinfo && want=v1
eq "--version reports the cgroup mode of this host" "cgroup: $want" "$(grep '^cgroup:' <<<"$v")"

# --help
out=$(nsr --help); rc=$?
eq "--help exits 0" 0 "$rc"
match "--help shows usage" 'usage: nsrun --policy NAME' "$out"

# refusals: exit 125, exactly one line starting "nsrun: "
refuse() {
  local desc=$1; shift
  local err rc
  err=$(nsr "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" = 125 ] && [ "$(wc -l <<<"$err")" = 1 ] && [[ $err == "nsrun: "* ]]; then
    ok "$desc"
  else
    not_ok "$desc" "rc=$rc stderr:" "$err"
  fi
}
refuse "no arguments refused" 
refuse "unknown option refused" --bogus
refuse "unknown option after --policy refused" --policy cli-ok --frobnicate b1
refuse "policy name with / refused" --policy ../etc/passwd b1 /bin/true
refuse "policy name with .. refused" --policy .. b1 /bin/true
refuse "policy name with upper case refused" --policy Dev b1 /bin/true
refuse "overlong policy name refused" --policy "$(printf 'a%.0s' {1..65})" b1 /bin/true
refuse "box name with / refused" --policy cli-ok a/b /bin/true
refuse "box name with dot refused" --policy cli-ok a.b /bin/true
refuse "overlong box name refused" --policy cli-ok "$(printf 'b%.0s' {1..64})" /bin/true
refuse "box name starting with - refused" --policy cli-ok -- -b /bin/true
refuse "missing box refused" --policy cli-ok
refuse "--policy twice refused" --policy cli-ok --policy cli-ok b1
refuse "--list with --check refused" --list --check x
refuse "--gc refused for a user" --gc
refuse "missing policy refused" --policy cli-nope b1 /bin/true
refuse "policy of another user refused" --policy cli-other b1 /bin/true

e1=$(nsr --policy cli-nope b1 /bin/true 2>&1)
e2=$(nsr --policy cli-other b1 /bin/true 2>&1)
eq "missing and forbidden policies give the same message" \
  "$(sed 's/cli-nope/X/' <<<"$e1")" "$(sed 's/cli-other/X/' <<<"$e2")"

t "a group member may use a groups= policy" nsr --policy cli-group b1 /bin/true
tf "a non-member may not use a groups= policy" nsr2 --policy cli-group b1 /bin/true
t "options after -- belong to the command" nsr --policy cli-ok b1 -- /bin/sh -c 'test "$1" = --list' sh --list

# --dry-run
out=$(nsr --policy cli-ok --dry-run b1 /bin/true); rc=$?
eq "--dry-run exits 0" 0 "$rc"
match "--dry-run prints the plan" "rootfs: $NSRUN_ROOTFS" "$out"
match "--dry-run names the namespaces" 'namespaces: pid mount uts ipc cgroup net' "$out"
eq "--dry-run leaves no lock" "" "$(ls "$STATEDIR/locks/$TUID-b1.lock" 2>/dev/null)"

policy cli-root <<INI
[policy]
users = root, $TUSER
[rootfs]
path = $NSRUN_ROOTFS
INI
err=$("$NSRUN" --policy cli-root b1 /bin/true 2>&1); rc=$?
eq "root may not start a box (125)" 125 "$rc"
match "and is told why in one line" '^nsrun: b1: boxes run as their caller, and root may not start one' "$err"
t "root may still --dry-run a policy" "$NSRUN" --policy cli-root --dry-run b1

# --list
out=$(nsr --list); rc=$?
eq "--list exits 0" 0 "$rc"
match "--list shows a usable policy with its description" $'^cli-ok\ttest policy cli-ok$' "$out"
match "--list shows a group policy" '^cli-group' "$out"
nomatch "--list hides a policy the user may not use" '^cli-other' "$out"
policy cli-broken <<'INI'
[policy]
users = nobody
[rootfs
INI
out=$(nsr --list 2>&1)
nomatch "--list hides a broken policy from users" 'cli-broken' "$out"
out=$("$NSRUN" --list 2>&1)
match "--list tells root why a policy is unusable" 'cli-broken' "$out"
rm -f "$POLICYDIR/cli-broken.ini"

# --check
tmpd=$(mktemp -d /run/nsrun-test/check.XXXXXX); chmod 755 "$tmpd"
cat >"$tmpd/good.ini" <<INI
[policy]
users = root
[rootfs]
path = $NSRUN_ROOTFS
INI
cat >"$tmpd/bad.ini" <<'INI'
[policy]
users = root
[rootfs]
path = relative/path
frobnicate = 1
INI
chmod 644 "$tmpd"/*.ini
out=$(nsr --check "$tmpd/good.ini" 2>&1); rc=$?
eq "--check of a valid root-owned file exits 0" 0 "$rc"
eq "--check of a valid file prints nothing" "" "$out"
out=$(cd "$tmpd" && nsr --check good.ini 2>&1); rc=$?
eq "--check of a relative path works" "0/" "$rc/$out"
out=$(nsr --check "$tmpd/bad.ini" 2>&1); rc=$?
eq "--check of an invalid file exits 1" 1 "$rc"
match "--check reports the bad path with its line" "^$tmpd/bad.ini:4: " "$out"
match "--check reports the unknown key with its line" "^$tmpd/bad.ini:5: " "$out"
out=$(nsr --check "$tmpd/good.ini" "$tmpd/bad.ini" 2>&1); rc=$?
eq "--check of several files exits 1 if any is bad" 1 "$rc"
cp "$tmpd/good.ini" "$tmpd/usr.ini"; chown "$TUSER" "$tmpd/usr.ini"
out=$(nsr --check "$tmpd/usr.ini" 2>&1); rc=$?
eq "--check of a user-owned file exits 1" 1 "$rc"
match "--check says a user-owned file is not trusted" "^$tmpd/usr.ini:0: not trusted" "$out"
chmod 600 "$tmpd/good.ini"
out=$(nsr --check "$tmpd/good.ini" 2>&1); rc=$?
eq "--check reads with the caller's rights (0600 root file)" 1 "$rc"
rm -rf "$tmpd"

# Policy trust at start time
f="$POLICYDIR/cli-ok.ini"
chmod g+w "$f"
refuse "group-writable policy file refused" --policy cli-ok b1 /bin/true
chmod 644 "$f"; chown "$TUSER" "$f"
refuse "user-owned policy file refused" --policy cli-ok b1 /bin/true
chown root "$f"
chmod g+w "$POLICYDIR"
refuse "group-writable policy directory refused" --policy cli-ok b1 /bin/true
chmod 755 "$POLICYDIR"
chmod 1777 "$POLICYDIR"
refuse "sticky world-writable policy directory refused" --policy cli-ok b1 /bin/true
chmod 755 "$POLICYDIR"
ln -s "$f" "$POLICYDIR/cli-link.ini"
refuse "symlinked policy refused" --policy cli-link b1 /bin/true
rm -f "$POLICYDIR/cli-link.ini"
t "the restored policy works again" nsr --policy cli-ok b1 /bin/true

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroup = nested on cgroup v2 (the VM): a root-owned parent cgroup made
# here stands in for a scheduler's job cgroup; a shell in it starts boxes as
# the test user. The box's leaf must sit under it, the parent's limit must
# hold inside, a nested policy with limits of its own must be refused when
# the parent holds processes (v2's no-internal-process rule: nsrun never
# writes the parent's subtree_control), and a parent the user could write
# must be refused. Runs as root in the guest (also on any v2 host).
. "$(dirname "$0")/../lib.sh"

[ "$CGMODE" = v2 ] || bail "needs cgroup v2 (nsrun reports cgroup: $CGMODE)"
scale=${NSRUN_TIME_SCALE:-1}
root=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
P=$root/nsrtest-job-$$
mkdir -m 0755 "$P" || bail "cannot make $P"
cleanup() {
  cleanup_policies
  find "$P" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
  rmdir "$P" 2>/dev/null
}
trap cleanup EXIT

basic_policy vmnest "[limits]
cgroup = nested"
basic_policy vmnestdev "[limits]
cgroup = nested
[devices]
allow = /dev/fuse"
basic_policy vmnestlim "[limits]
cgroup = nested
pids = 24"

# in_job CMD...: CMD as the test user, from a shell inside $P
in_job() { (echo "$BASHPID" >"$P/cgroup.procs" && exec setpriv --reuid="$TUSER" \
  --regid="$TGID" --init-groups --reset-env -- "$@"); }
# wait_leaf BOX: the box's leaf under $P once a process is in it (up to
# 4 s, scaled), else nothing.
wait_leaf() {
  local l=
  for _ in $(seq 1 $((40 * scale))); do
    l=$(find "$P" -mindepth 1 -maxdepth 1 -type d -name "$TUID-$1-*" | head -n1)
    [ -n "$l" ] && grep -q . "$l/cgroup.procs" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$l" ] && grep -q . "$l/cgroup.procs" 2>/dev/null && echo "$l"
}
before=$(host_state)

in_job "$NSRUN" --policy vmnest vmn1 -- /bin/sleep $((2 * scale)) >/dev/null 2>&1 &
bpid=$!
leaf=$(wait_leaf vmn1)
if [ -n "$leaf" ]; then
  ok "nested: the box's leaf sits under the caller's cgroup (${leaf#"$root"/})"
  nomatch "nested: the box's processes are in it" '^$' "$(cat "$leaf/cgroup.procs" 2>&1)"
else
  not_ok "nested: the box's leaf sits under the caller's cgroup" "$(find "$root" -maxdepth 3 -type d -name "*vmn1*")"
fi
eq "nested: nothing of it under nsrun's own parent" "" "$(find "$root" -maxdepth 4 -path '*/nsrun/*' -name "*vmn1*")"
wait "$bpid"
eq "nested: the box exits 0" 0 "$?"
eq "nested: the leaf is gone after the box" "" "$(find "$P" -mindepth 1 -type d)"

if [ -e "$P/pids.max" ]; then
  echo 16 >"$P/pids.max"
  out=$(in_job "$NSRUN" --policy vmnest vmn2 -- /bin/sh -c 'for i in $(seq 1 40); do sleep 2 & done; wait; echo all40' 2>&1)
  nomatch "nested: the caller's pids limit holds inside the box" all40 "$out"
  echo max >"$P/pids.max"
else
  not_ok "nested: the parent has pids.max (root enables pids)"
fi

# nested with [devices]: the BPF device program sits on the nested leaf;
# root moved into that leaf opens fuse and null, not tun.
outf=$(mktemp)
in_job "$NSRUN" --policy vmnestdev vmn6 -- /bin/sh -c 'test -c /dev/fuse && echo fuse-in-box; exec sleep '$((3 * scale)) >"$outf" 2>&1 &
bpid=$!
leaf=$(wait_leaf vmn6)
if [ -n "$leaf" ]; then
  out=$( (echo "$BASHPID" >"$leaf/cgroup.procs" && exec 3<>/dev/fuse && echo FUSE-OK
          exec 4<>/dev/net/tun || echo TUN-REFUSED
          exec 5<>/dev/null && echo NULL-OK) 2>&1)
  eq "nested with [devices]: root in the nested leaf opens fuse and null, not tun" \
    "FUSE-OK TUN-REFUSED NULL-OK" "$(grep -oE '[A-Z]+-(OK|REFUSED)' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
else
  not_ok "nested with [devices]: the box's leaf sits under the caller's cgroup" "$(cat "$outf" 2>&1)"
fi
wait "$bpid"
eq "nested with [devices]: the box ran with its node and exited 0" "0 fuse-in-box" "$? $(cat "$outf")"
rm -f "$outf"

out=$(in_job "$NSRUN" --policy vmnestlim vmn3 -- /bin/true 2>&1)
match "nested with limits, parent holding processes: refused in one line" \
  "^nsrun: vmn3: cgroup .*does not enable pids for its children" "$out"
eq "... and one line only" 1 "$(grep -c . <<<"$out")"

chmod 0777 "$P"
out=$(in_job "$NSRUN" --policy vmnest vmn4 -- /bin/true 2>&1)
chmod 0755 "$P"
match "nested: a parent cgroup the user can write is refused" "not a root-owned directory closed to group and others" "$out"

eq "nested: nothing left behind" "$before" "$(host_state)"
done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The netns pool (doc/hardening.md, "A pooled network namespace"): real
# boxes of the test users racing for pooled namespaces, each used once
# only; and a pool tampered with (by root: the pool dir is root's, 0700)
# in every way a wrong namespace could reach a box: the host's own netns,
# another netns with a process inside, one owned by a user's user
# namespace, one with lo up or a changed sysctl, a plain file, a symlink.
# Each must be discarded (and logged), the box must get a new netns with
# lo alone, and nothing may be left behind. The audit log is read from
# /dev/log, which this test listens on itself (as audit.sh).
. "$(dirname "$0")/hlib.sh"

for c in ip nsenter unshare python3 stat; do command -v "$c" >/dev/null || bail "$c missing"; done
[ -e /dev/log ] && bail "/dev/log belongs to this host's syslog; run on a host without one (as CI does)"
LOG=$HT/audit.log
: >"$LOG"
devlog_listen "$LOG" 120
H_PIDS+=("$DEVLOG_PID")
H_CLEAN+=(/dev/log)
[ -S /dev/log ] || bail "cannot listen on /dev/log"

P=$STATEDIR/netns
hpolicy hpool "" "[network]
netns_pool = yes"
# the box: its netns inode, then its links
PROBE='readlink /proc/self/ns/net | tr -dc 0-9; echo; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " "; echo'

entries() { ls -A "$P" 2>/dev/null | grep -E '^[0-9a-f]{16}$'; }
# Empty the pool (whatever a test made of its entries), then fill it.
pool_reset() {
  local d
  for d in "$P"/*; do
    [ -e "$d" ] || [ -L "$d" ] || continue
    if [ -L "$d" ] || [ ! -d "$d" ]; then rm -f "$d"; continue; fi
    if [ -L "$d/ns" ]; then rm -f "$d/ns"; else while umount -l "$d/ns" 2>/dev/null; do :; done; fi
    rm -rf "$d"
  done
}
pool_fill() { "$NSRUN" --gc >/dev/null 2>&1; }
# log lines since mark N, once the box's end is in (up to ~3 s)
log_since() {
  local i
  for i in $(seq 30); do
    tail -n +"$(($1 + 1))" "$LOG" | grep -q " end: uid=$TUID policy=hpool box=$2 " && break
    sleep 0.1
  done
  tail -n +"$(($1 + 1))" "$LOG"
}
HOLD=()
hold_netns() { # [setpriv args...]: a process inside a new netns; its pid in HELD
  "$@" unshare -n sleep 600 >/dev/null 2>&1 &
  HELD=$!
  HOLD+=("$HELD"); H_PIDS+=("$HELD")
  local i; for i in $(seq 50); do
    [ "$(stat -L -c %i "/proc/$HELD/ns/net" 2>/dev/null)" != "$(stat -L -c %i /proc/self/ns/net)" ] && break
    sleep 0.1
  done
}
rebind() { # ENTRY NSPATH: the entry's ns file bound to another netns
  while umount -l "$1/ns" 2>/dev/null; do :; done
  mount --bind "$2" "$1/ns"
}

# ---- the pool is root's and filled by --gc
pool_reset; pool_fill
eq "--gc fills the pool" 4 "$(entries | wc -l)"
eq "the pool dir is root's, 0700" "0:700" "$(stat -c %u:%a "$P")"
eq "each entry is a netns mount" "nsfs nsfs nsfs nsfs" \
  "$(for e in $(entries); do stat -f -c %T "$P/$e/ns"; done | tr '\n' ' ' | sed 's/ $//')"

# ---- claim race: 16 boxes at once, each must have a netns of its own
pool_reset; pool_fill
mark=$(wc -l <"$LOG")
R=$HT/race; mkdir -p "$R"
rpids=()
for i in $(seq 16); do
  hbox hpool "race$i" sh -c "$PROBE; sleep 2" >"$R/$i" &
  rpids+=($!)
done
for p in "${rpids[@]}"; do wait "$p"; done
eq "16 racing boxes ran" 16 "$(cat "$R"/* | grep -c '^lo $')"
eq "16 racing boxes: 16 different network namespaces" 16 "$(cat "$R"/* | grep -E '^[0-9]+$' | sort -u | wc -l)"
for _ in $(seq 30); do [ "$(tail -n +$((mark + 1)) "$LOG" | grep -c ' end: uid=')" -ge 16 ] && break; sleep 0.1; done
new=$(tail -n +$((mark + 1)) "$LOG")
pooled=$(grep -o 'netns=pool:[0-9a-f]*' <<<"$new" | sort)
t "racing boxes got pooled namespaces" test "$(grep -c . <<<"$pooled")" -ge 4
eq "no pooled netns went to two boxes" "" "$(uniq -d <<<"$pooled")"
left=$(for c in $(sed 's/netns=pool://' <<<"$pooled"); do [ -e "$P/$c" ] && echo "$c"; done)
eq "no claimed netns is left in the pool" "" "$left"

# ---- sequential starts keep using the pool, never one netns twice
mark=$(wc -l <"$LOG")
for i in $(seq 8); do hbox hpool seq true >/dev/null; done
for _ in $(seq 30); do [ "$(tail -n +$((mark + 1)) "$LOG" | grep -c " end: uid=$TUID policy=hpool box=seq ")" -ge 8 ] && break; sleep 0.1; done
new=$(tail -n +$((mark + 1)) "$LOG")
eq "8 starts in a row: each a pooled netns" 8 "$(grep -o 'box=seq netns=pool:[0-9a-f]*' <<<"$new" | sort -u | wc -l)"
eq "the pool is refilled as it is used" 4 "$(entries | wc -l)"

# ---- netns_pool = no, and a policy that does not say (the default is
# no): the pool is left alone
hpolicy hnopool "" "[network]
mode = none
netns_pool = no"
hpolicy hdefpool
for pol in hnopool hdefpool; do
  what="netns_pool = no"; [ "$pol" = hdefpool ] && what="no netns_pool key (default no)"
  before=$(entries)
  mark=$(wc -l <"$LOG")
  out=$(hbox "$pol" np sh -c "$PROBE")
  eq "$what: the box has lo alone" "lo " "$(sed -n 2p <<<"$out")"
  eq "$what: the pool is untouched" "$before" "$(entries)"
  for _ in $(seq 30); do tail -n +$((mark + 1)) "$LOG" | grep -q 'box=np netns=new ' && break; sleep 0.1; done
  match "$what: the log says a new netns" "start: uid=$TUID .*box=np netns=new " "$(tail -n +$((mark + 1)) "$LOG")"
done

# ---- a tampered pool: every entry tampered alike, so the claim meets one
# tamper NAME FN: FN ENTRY tampers an entry; BAD collects the inodes of
# the namespaces a box must never get.
BAD=()
tamper() {
  local name=$1 fn=$2 e out ino b mark new hit=0 before gone
  pool_reset; pool_fill
  BAD=()
  for e in $(entries); do "$fn" "$P/$e"; done
  for e in $(entries); do
    [ "$(stat -f -c %T "$P/$e/ns" 2>/dev/null)" = nsfs ] && BAD+=("$(stat -L -c %i "$P/$e/ns")")
  done
  before=$(entries | sort)
  mark=$(wc -l <"$LOG")
  out=$(hbox hpool tb sh -c "$PROBE")
  ino=$(sed -n 1p <<<"$out")
  eq "$name: the box has lo alone" "lo " "$(sed -n 2p <<<"$out")"
  for b in "${BAD[@]}"; do [ "$ino" = "$b" ] && hit=1; done
  if [ -n "$ino" ] && [ "$hit" = 0 ]; then ok "$name: the box is not in the tampered netns"
  else not_ok "$name: the box is not in the tampered netns" "box netns $ino, tampered: ${BAD[*]}"; fi
  new=$(log_since "$mark" tb)
  match "$name: the entry was discarded, and logged" "netns pool: uid=$TUID policy=hpool box=tb: entry c\.[0-9]+\.[0-9a-f]{16} discarded \(.+\); a new netns instead" "$new"
  match "$name: the box got a new netns" "start: uid=$TUID user=$TUSER policy=hpool box=tb netns=new " "$new"
  gone=$(grep -o 'entry c\.[0-9]*\.[0-9a-f]*' <<<"$new" | sed 's/.*\.//')
  if [ -n "$gone" ] && grep -qx "$gone" <<<"$before" && ! [ -e "$P/$gone" ] &&
     [ -z "$(ls -A "$P" | grep -v -E '^[0-9a-f]{16}$')" ]; then
    ok "$name: the discarded entry is out of the pool, nothing of it left"
  else
    not_ok "$name: the discarded entry is out of the pool, nothing of it left" "entry '$gone'; pool: $(ls -A "$P" | tr '\n' ' ')"
  fi
}
HOSTNS=/proc/self/ns/net
t_host() { rebind "$1" "$HOSTNS"; }
t_foreign() { rebind "$1" "/proc/$FOREIGN/ns/net"; }
t_user() { rebind "$1" "/proc/$USERNS_HOLDER/ns/net"; }
t_loup() { nsenter --net="$1/ns" ip link set lo up; }
t_link() { nsenter --net="$1/ns" ip link add nsrpa0 type veth peer name nsrpb0; }
t_sysctl() { nsenter --net="$1/ns" sh -c 'echo 0 >/proc/sys/net/ipv4/ip_unprivileged_port_start'; }
t_file() { while umount -l "$1/ns" 2>/dev/null; do :; done; }
t_symlink() { t_file "$1"; rm -f "$1/ns"; ln -s "/proc/$FOREIGN/ns/net" "$1/ns"; }
t_open() { chmod 0777 "$1"; }

hold_netns; FOREIGN=$HELD
hold_netns setpriv --reuid="$TUSER" --regid="$TGID" --init-groups -- unshare -Ur; USERNS_HOLDER=$HELD
tamper "the host's own netns" t_host
tamper "another netns with a process inside" t_foreign
tamper "a netns owned by a user's user namespace" t_user
tamper "lo up" t_loup
tamper "an extra link" t_link
tamper "a changed sysctl" t_sysctl
tamper "a plain file, nothing mounted" t_file
tamper "a symlink to another netns" t_symlink
tamper "an entry others may write" t_open

# ---- leftovers of a killed supervisor go with --gc
pool_reset; pool_fill
mkdir -m 0700 "$P/t.999999999" "$P/c.999999999.0000000000000001"
touch "$P/junk"
pool_fill
eq "--gc removes a dead process's leftovers" "" "$(ls -A "$P" | grep -vE '^[0-9a-f]{16}$')"
eq "--gc keeps the pool full" 4 "$(entries | wc -l)"

for p in "${HOLD[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
pool_reset
same_state "the host is left as it was"
done_testing

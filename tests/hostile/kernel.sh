#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile use of mounts and kernel files from inside a box: propagation
# both ways, the old root, /proc/sys, /proc/sysrq-trigger, /proc/kcore,
# /sys, cgroupfs and release_agent, device nodes beyond the minimal set,
# and device/setuid files on the image and on user-writable mounts.
. "$(dirname "$0")/hlib.sh"

hpolicy hk
hpolicy hk-tmpfs "writable = tmpfs"
inbox() { nsr -p "${HK_POL:-hk}" hk -- /bin/sh -c "$1" 2>&1; }

# ---- propagation: host -> box after start, box -> host, staging area
mkdir -p "$NSRUN_ROOTFS/mnt" "$HT/hostmnt"
before=$(host_mounts | grep -c .)   # the netns pool left out (tests/lib.sh)
hbg "$TUSER" -p hk hkprop -- /bin/sh -c 'sleep 2; cat /proc/self/mountinfo' 
sup=$H_BG
sleep 0.5
during=$(host_mounts | grep -Ec "$STATEDIR|$NSRUN_ROOTFS|hostile-bin")
eq "while a box runs, none of its mounts (staging, rootfs, binds) is on the host" 0 "$during"
mount -t tmpfs -o size=1M hostile-late "$NSRUN_ROOTFS/mnt"
setpriv --reuid="$TUSER" --regid="$TGID" --init-groups --reset-env -- \
  "$NSRUN" -p hk hkprop2 -- /bin/true >/dev/null 2>&1   # a start meanwhile
wait "$sup" 2>/dev/null
out=$(nsr -p hk hkprop3 -- /bin/sh -c 'sleep 1.5; cat /proc/self/mountinfo' 2>&1 &
  sleep 0.5; mount -t tmpfs -o size=1M hostile-later "$HT/hostmnt"; wait)
umount "$NSRUN_ROOTFS/mnt" "$HT/hostmnt" 2>/dev/null
nomatch "a host mount made after start never appears inside" 'hostile-later' "$out"
eq "host mount table unchanged by boxes" "$before" "$(host_mounts | grep -c .)"
out=$(inbox 'mount -t tmpfs none /tmp 2>&1 && echo MOUNTED; mount --bind /hbin /mnt 2>&1 && echo MOUNTED; umount /etc/passwd 2>&1 && echo UNMOUNTED; umount -l /proc 2>&1 && echo UNMOUNTED')
nomatch "the box cannot mount or unmount (no capabilities)" 'MOUNTED' "$out"
out=$(inbox 'unshare -Urm sh -c "mount -t tmpfs hostile-inner /mnt && echo INNER; sleep 1" 2>&1 & sleep 0.5; grep -c hostile-inner /proc/1/mountinfo; wait' )
nomatch "a mount in a user+mount ns inside the box does not reach the host" 'hostile-inner' "$(cat /proc/self/mountinfo)"

# ---- old root gone, nothing of the host reachable
MARK=hostile-marker-$$-$RANDOM
touch "$HT/$MARK" "/run/$MARK"; H_CLEAN+=("/run/$MARK")
out=$(inbox "find / -name '$MARK' 2>/dev/null | grep -v '^/proc'; cd /../../..; pwd; ls /")
nomatch "a host marker file is nowhere in the box" "$MARK" "$out"
eq "'..' from / stays at /" "$(ls "$NSRUN_ROOTFS" | tr '\n' ' ')" "$(sed -n '2,$p' <<<"$out" | tr '\n' ' ' | sed 's/hbin //')"
out=$(inbox 'cat /proc/self/mountinfo')
nomatch "no host path is a mount point inside (old root detached)" " ($STATEDIR|/run/nsrun-test|/sys/fs/cgroup/)" "$(awk '{print " " $5}' <<<"$out")"
eq "the box's / is the rootfs, read-only" "ro" "$(awk '$5 == "/" {split($6, o, ","); print o[1]}' <<<"$out")"

# ---- /proc
out=$(inbox 'echo 1 > /proc/sys/kernel/sysrq && echo WROTE-sysrq
echo hostile > /proc/sys/kernel/hostname && echo WROTE-hostname
echo "|/tmp/x" > /proc/sys/kernel/core_pattern && echo WROTE-core
[ -e /proc/sysrq-trigger ] && { echo h > /proc/sysrq-trigger && echo WROTE-sysrq-trigger; }
[ -e /proc/kcore ] && { head -c 1 /proc/kcore >/dev/null && echo READ-kcore; }
head -c 1 /proc/kmsg >/dev/null 2>&1 && echo READ-kmsg
cat /proc/1/environ >/dev/null 2>&1 && echo READ-init-environ
echo 1 > /proc/sys/vm/drop_caches && echo WROTE-drop
exit 0')
nomatch "/proc/sys, sysrq-trigger, kcore, kmsg, init's environ: all refused" 'WROTE|READ' "$out"
out=$(inbox 'cat /proc/self/mountinfo')
eq "/proc/sys is mounted read-only" ro "$(awk '$5 == "/proc/sys" {split($6, o, ","); print o[1]}' <<<"$out")"
eq "host hostname unchanged" "$(hostname)" "$(cat /proc/sys/kernel/hostname)"

# ---- /sys, cgroupfs, release_agent
# (the host's own release_agents, as they are before the attacks: a host
# may have set them, e.g. a v1 systemd; only a change is a finding)
ra_now() { local c; for c in $(ls /sys/fs/cgroup); do
  [ -f "/sys/fs/cgroup/$c/release_agent" ] && echo "$c=$(cat "/sys/fs/cgroup/$c/release_agent")"; done; }
RA0=$(ra_now)
out=$(inbox 'echo /tmp/x > /sys/kernel/uevent_helper && echo WROTE-uevent
mkdir /sys/fs/cgroup/hostile && echo MADE-cgroup
for f in $(find /sys/fs/cgroup /sys/kernel -name release_agent -o -name cgroup.procs -o -name notify_on_release 2>/dev/null); do
  echo /tmp/x > "$f" 2>/dev/null && echo "WROTE $f"
done
for f in $(find /sys -maxdepth 3 -type f 2>/dev/null | head -300); do [ -w "$f" ] && echo "WRITABLE $f"; done
exit 0')
nomatch "/sys: uevent_helper, cgroup dirs, release_agent, cgroup.procs: none writable" 'WROTE|MADE|WRITABLE' "$out"
out=$(inbox 'cat /proc/self/mountinfo')
eq "/sys is mounted read-only" ro "$(awk '$5 == "/sys" {split($6, o, ","); print o[1]}' <<<"$out")"
out=$(inbox 'mkdir -p /tmp/c
unshare -Urm sh -c "mount -t cgroup -o memory cg /tmp/c && echo MOUNTED-v1; ls /tmp/c | head -3" 2>&1
unshare -Urm sh -c "mount -t cgroup2 cg /tmp/c && { echo MOUNTED-v2; for f in /tmp/c/cgroup.procs /tmp/c/release_agent; do [ -e \$f ] && echo \$\$ > \$f && echo WROTE-\$f; done; }" 2>&1
exit 0')
nomatch "cgroup v1 cannot be mounted from a user namespace in the box" 'MOUNTED-v1' "$out"
nomatch "a cgroup2 mount from a user ns in the box (if allowed) writes nothing of the host" 'WROTE' "$out"
eq "host release_agents untouched" "$RA0" "$(ra_now)"

# ---- devices: the minimal set, nothing more; device nodes elsewhere inert
out=$(inbox 'ls -A /dev | tr "\n" " "')
eq "/dev holds exactly the minimal set" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "$out"
# /dev is the one mount without nodev (its six nodes are mknod'ed there):
# it must be read-only, and the box can add nothing to it.
out=$(inbox 'grep " /dev " /proc/self/mountinfo | cut -d" " -f6 | tr , "\n" | grep -xE "ro|rw|nosuid|nodev|noexec" | tr "\n" ,
mknod /dev/evil c 1 1 2>/dev/null && echo MADE; touch /dev/x 2>/dev/null && echo WROTE
mkdir /dev/d 2>/dev/null && echo MKDIR; ls -l /dev/null | cut -c1')
eq "/dev is read-only, nosuid, noexec; no node, file or dir can be added" "ro,nosuid,noexec,c" "$(tr -d '\n' <<<"$out")"
out=$(inbox 'find / -xdev \( -type b -o -type c \) 2>/dev/null; ls /dev/pts')
eq "no device node on the root file system; private devpts holds only ptmx" "ptmx" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
IMG=$(mktemp -d /run/nsrun-test/hostile-img.XXXXXX); H_CLEAN+=("$IMG")
cp -a "$NSRUN_ROOTFS/." "$IMG/"; chmod 0755 "$IMG"
mknod -m 0666 "$IMG/evil-null" c 1 3          # harmless on the host: proves nodev
mkdir -m 1777 "$IMG/pub"
for w in no tmpfs persistent; do
  policy hk-img-$w <<INI
[policy]
users = $TUSER
[rootfs]
path = $IMG
writable = $w
[mount]
bind = $HB:/hbin:ro
bind = $HT:/hostrw:rw
tmpfs = /scratch:size=4M
INI
  H_CLEAN+=("$DATADIR/$TUID/hkimg")
  out=$(nsr -p hk-img-$w hkimg -- /bin/sh -c 'echo x > /evil-null && echo OPENED-image-node
echo x > /hostrw/devnull && echo OPENED-bound-node
mknod /tmp/n c 1 3 2>/dev/null && echo MADE-tmp-node
mknod /scratch/n c 1 3 2>/dev/null && echo MADE-scratch-node
exit 0' 2>&1)
  nomatch "writable=$w: device nodes in the image and on a rw host bind are inert (nodev); none can be made" 'OPENED|MADE' "$out"
  rm -rf "$DATADIR/$TUID/hkimg"
done
# the node on the host bind, for the test above
t "control: the same node works on the host" sh -c "echo x > '$IMG/evil-null'"
mknod -m 0666 "$HT/devnull" c 1 3
out=$(nsr -p hk-img-no hkimg -- /bin/sh -c 'echo x > /hostrw/devnull && echo OPENED' 2>&1)
nomatch "a host device node on a rw bind is inert in the box" OPENED "$out"
rm -f "$HT/devnull"

# ---- where mknod is refused (here: a v1 devices cgroup that denies "m"
# but allows read and write), nsrun binds the host's nodes instead
DCG=/sys/fs/cgroup/devices/nsrun-hostile-nomknod.$$
if [ -w /sys/fs/cgroup/devices/devices.deny ] && mkdir "$DCG" 2>/dev/null; then
  echo 'c *:* m' >"$DCG/devices.deny"
  ctl=$( (echo "$BASHPID" >"$DCG/cgroup.procs" && mknod "$HT/nomknod" c 1 3) 2>&1 && echo MADE)
  rm -f "$HT/nomknod"
  nomatch "control: mknod is refused in that cgroup" MADE "$ctl"
  out=$( (echo "$BASHPID" >"$DCG/cgroup.procs" && exec "${NSR1[@]}" -p hk hkdev -- /bin/sh -c \
    'grep -c " /dev/\(null\|zero\|full\|random\|urandom\|tty\) " /proc/self/mountinfo
     echo x >/dev/null && echo WROTE; head -c 4 /dev/zero | wc -c; ls -l /dev/null | cut -c1') 2>&1)
  rmdir "$DCG"
  eq "mknod refused: the box starts with the host's six nodes bound, and they work" "6 WROTE 4 c" \
    "$(tr -s '[:space:]' ' ' <<<"$out" | sed 's/ $//')"
else
  skip "mknod refused: the host's nodes are bound instead" "no writable cgroup v1 devices controller"
fi

same_state "host untouched at the end"
done_testing

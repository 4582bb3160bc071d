#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The box's file system: writable modes, binds (ro/rw, user permissions),
# tmpfs mounts, and image symlinks that try to send mounts to the host.
. "$(dirname "$0")/../lib.sh"

work=$(mktemp -d /run/nsrun-test/mounts.XXXXXX); chmod 755 "$work"
cleanup() {
  cleanup_policies
  rm -rf "$work" "$DATADIR/$TUID/mp" "$DATADIR/$TUID2/mp"
  rm -f "$THOME/link-root" "$THOME/rwfile"
}
trap cleanup EXIT
before=$(host_state)
img_before=$(cd "$NSRUN_ROOTFS" && find . -printf '%p %m %u\n' | sort | md5sum)

basic_policy m-no
basic_policy m-tmpfs "writable = tmpfs"
basic_policy m-pers "writable = persistent"

# writable = no
err=$(nsr --policy m-no mp -- /bin/sh -c 'touch /x' 2>&1)
match "writable = no: the root is read-only" 'Read-only file system' "$err"
t "writable = no: /tmp is writable" nsr --policy m-no mp -- /bin/sh -c 'echo a > /tmp/a && cat /tmp/a'
t "writable = no: /tmp is empty in the next box" nsr --policy m-no mp -- /bin/sh -c 'test ! -e /tmp/a'

# writable = tmpfs
t "writable = tmpfs: writes to the root work (where permissions allow)" \
  nsr --policy m-tmpfs mp -- /bin/sh -c 'echo t > /var/tmp/tmark && cat /var/tmp/tmark'
t "writable = tmpfs: gone in the next box" nsr --policy m-tmpfs mp -- /bin/sh -c 'test ! -e /var/tmp/tmark'
eq "writable = tmpfs: the image is untouched" "" "$(ls "$NSRUN_ROOTFS/var/tmp/tmark" 2>/dev/null)"
eq "writable = tmpfs: the user gets a home of their own" "$TUSER" \
  "$(nsr --policy m-tmpfs mp -- /bin/sh -c 'echo h > $HOME/h && stat -c %U $HOME/h')"
err=$(nsr --policy m-tmpfs mp -- /bin/sh -c 'touch /etc/x' 2>&1)
match "writable = tmpfs: root's files stay root's" 'Permission denied' "$err"

# writable = persistent
t "writable = persistent: a write" nsr --policy m-pers mp -- /bin/sh -c 'echo p > /var/tmp/pmark'
eq "writable = persistent: it is there next time" "p" "$(nsr --policy m-pers mp -- cat /var/tmp/pmark)"
eq "writable = persistent: the file is the user's on the host" "$TUSER" \
  "$(stat -c %U "$DATADIR/$TUID/mp/m-pers.policy/upper/var/tmp/pmark")"
eq "writable = persistent: the data dir is closed to others" "700 root" \
  "$(stat -c '%a %U' "$DATADIR/$TUID")"
t "writable = persistent: another user's box of the same name does not see it" \
  nsr2 --policy m-pers mp -- /bin/sh -c 'test ! -e /var/tmp/pmark'
t "writable = persistent: another box name of the same user does not see it" \
  nsr --policy m-pers mp2 -- /bin/sh -c 'test ! -e /var/tmp/pmark'
rm -rf "$DATADIR/$TUID/mp2"
eq "writable = persistent: the image is untouched" "" "$(ls "$NSRUN_ROOTFS/var/tmp/pmark" 2>/dev/null)"

# binds
mkdir -p "$work/data" && echo dataset > "$work/data/file" && chmod -R a+rX "$work/data"
basic_policy m-bind "[mount]
bind = $work/data:/data
bind = \$HOME:\$HOME:rw
tmpfs = /scratch:size=1M"
eq "ro bind: readable" "dataset" "$(nsr --policy m-bind mp -- cat /data/file)"
err=$(nsr --policy m-bind mp -- /bin/sh -c 'echo x > /data/new' 2>&1)
match "ro bind: not writable" 'Read-only file system' "$err"
t "rw bind of \$HOME: a write lands on the host" nsr --policy m-bind mp -- /bin/sh -c 'echo home > $HOME/rwfile'
eq "rw bind of \$HOME: written as the user" "$TUSER home" "$(stat -c %U "$THOME/rwfile") $(cat "$THOME/rwfile")"
match "tmpfs mount exists with its size" ' /scratch [^ ]+ .*- tmpfs .*size=1024k' \
  "$(nsr --policy m-bind mp -- cat /proc/self/mountinfo)"
t "tmpfs mount belongs to the user" nsr --policy m-bind mp -- /bin/sh -c 'touch /scratch/f'
err=$(nsr --policy m-bind mp -- /bin/sh -c 'dd if=/dev/zero of=/scratch/big bs=1024 count=2048' 2>&1)
match "tmpfs size is enforced" 'No space left' "$err"
mi=$(nsr --policy m-bind mp -- cat /proc/self/mountinfo)
match "binds are nosuid,nodev" " /data ro,nosuid,nodev" "$mi"
match "rw binds are nosuid,nodev" " $THOME rw,nosuid,nodev" "$mi"
eq "the mount point for \$HOME was not created in the image" "" "$(ls -d "$NSRUN_ROOTFS$THOME" 2>/dev/null)"

# a user cannot bind what they cannot read
refuse_bind() {
  local desc=$1 spec=$2 who=${3:-nsr} err rc
  basic_policy m-deny "[mount]
bind = $spec"
  err=$($who --policy m-deny mp -- /bin/true 2>&1); rc=$?
  if [ "$rc" = 125 ] && [[ $err == "nsrun: mp: cannot bind "* ]]; then ok "$desc"; else not_ok "$desc" "rc=$rc" "$err"; fi
}
refuse_bind "cannot bind /root (0700)" "/root:/data"
refuse_bind "cannot bind another user's 0700 home" "$(getent passwd "$TUSER2" | cut -d: -f6):/data"
ln -s /root "$THOME/link-root"
refuse_bind "cannot bind /root through a symlink in \$HOME" "\$HOME/link-root:/data"
mkdir -p "$work/secret" && echo s > "$work/secret/s" && chmod 700 "$work/secret"
refuse_bind "cannot bind a root-only directory" "$work/secret:/data"
e1=$(nsr --policy m-deny mp -- /bin/true 2>&1 | sed "s|$work/secret|P|")
basic_policy m-deny "[mount]
bind = $work/nonexistent:/data"
e2=$(nsr --policy m-deny mp -- /bin/true 2>&1 | sed "s|$work/nonexistent|P|")
eq "a missing and a forbidden source give the same message" "$e1" "$e2"

# image symlinks aimed at host paths never move a mount out of the box
evil=$work/evil
cp -a "$NSRUN_ROOTFS" "$evil"
mkdir -p "$work/host-proc" "$work/host-tmp" "$work/host-data"
rm -rf "$evil/tmp" "$evil/data"
ln -s "$work/host-tmp" "$evil/tmp"
ln -s "../../../../../../$work/host-data" "$evil/data"
mkdir -p "$evil$work/host-tmp" "$evil$work/host-data"   # where they land inside the root
chown -R root:root "$evil"; chmod 755 "$evil"
policy m-evil <<INI
[policy]
users = $TUSER
[rootfs]
path = $evil
[mount]
bind = $work/data:/data
INI
hm_before=$(host_mounts | grep -c .)
out=$(nsr --policy m-evil mp -- /bin/sh -c 'cat /data/file; ls /proc/1/comm; echo x > /tmp/x && echo tmp-ok' 2>&1)
match "the box still works" 'tmp-ok' "$out"
eq "nothing was mounted on the host targets" "" "$(ls -A "$work/host-proc" "$work/host-tmp" "$work/host-data" | grep -v ':$' | grep .)"
eq "the host's mount table is unchanged" "$hm_before" "$(host_mounts | grep -c .)"
eq "the evil image's symlinks are unchanged" "$work/host-tmp" "$(readlink "$evil/tmp")"
rm -rf "$evil/proc" && ln -s "$work/host-proc" "$evil/proc"
err=$(nsr --policy m-evil mp -- /bin/true 2>&1); rc=$?
eq "a /proc symlink leading nowhere inside the root is refused" "125" "$rc"
match "with one nsrun: line" '^nsrun: mp: ' "$err"
eq "and nothing was mounted on its host target" "" "$(ls -A "$work/host-proc")"

cleanup_policies
img_after=$(cd "$NSRUN_ROOTFS" && find . -printf '%p %m %u\n' | sort | md5sum)
eq "the image is unchanged by all of the above" "$img_before" "$img_after"
eq "nothing is left behind on the host" "$before" "$(host_state)"
done_testing

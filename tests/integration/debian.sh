#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A box on the Debian 12 image that scripts/mkrootfs --debian makes
# (doc/images.md) doing a user's real work: python3 multiprocessing, a C
# program compiled and run, a git commit in the bound home, the tools a
# terminal user expects; the image stays root-owned and unchanged, and
# nothing is left behind.
# NSRUN_DEBIAN_ROOTFS: the image (default /var/lib/nsrun-test/debian-12;
# made or refreshed here, from the cache under /var/cache/nsrun-test).
. "$(dirname "$0")/../lib.sh"

img=${NSRUN_DEBIAN_ROOTFS:-/var/lib/nsrun-test/debian-12}
if [ "${NSRUN_DEBIAN_PREBUILT:-0}" != 1 ]; then
  install -d -m 0755 -o root -g root "$(dirname "$img")"
  "$NSRUN_SRCDIR/scripts/mkrootfs" --debian "$img" >/dev/null ||
    bail "cannot make the Debian image (mmdebstrap, the host's apt sources)"
fi
[ -x "$img/usr/bin/python3" ] || bail "no Debian image at $img"

work=$THOME/nsrun-debian-test
cleanup() { cleanup_policies; rm -rf "$work"; }
trap cleanup EXIT
rm -rf "$work"
before=$(host_state)
img_sum() { find "$img" -xdev -printf '%p %U:%G %m %s %T@\n' 2>/dev/null | LC_ALL=C sort | sha256sum; }
sum0=$(img_sum)

policy deb-work <<INI
[policy]
description = test policy deb-work (Debian 12 image)
users = $TUSER
[rootfs]
path = $img
writable = tmpfs
[mount]
bind = \$HOME:\$HOME:rw
tmpfs = /scratch:size=64M
[limits]
pids = 256
memory = 1G
[box]
env = LANG=C.UTF-8
INI

in_deb() { nsr --policy deb-work deb -- /bin/bash -c "$1"; }

t "the image is root-owned and writable by root only (sticky dirs aside)" \
  test -z "$(find "$img" -xdev \( \! -user root -o \( \! -type l -perm /022 \! \( -type d -perm -1000 \) \) \) -print -quit)"
eq "the box runs the image's Debian 12" "12" "$(in_deb 'cut -d. -f1 /etc/debian_version')"

out=$(in_deb 'python3 -c "
import multiprocessing as mp
def sq(x): return x * x
if __name__ == \"__main__\":
    with mp.Pool(4) as p: print(sum(p.map(sq, range(1000))), mp.cpu_count() > 0)
"' 2>&1)
eq "python3 multiprocessing: a pool of 4 workers" "332833500 True" "$out"

out=$(in_deb 'mkdir -p ~/nsrun-debian-test && cd ~/nsrun-debian-test &&
cat >hello.c <<"C"
#include <stdio.h>
#include <unistd.h>
int main(void) { printf("hello from uid %u\n", (unsigned)getuid()); return 3; }
C
gcc -O2 -Wall -o hello hello.c && ./hello; echo "rc=$?"' 2>&1)
eq "gcc compiles a C program in the bound home and it runs" "hello from uid $TUID
rc=3" "$out"
t "the compiled program is on the host, owned by the user" \
  test "$(stat -c %U "$work/hello" 2>/dev/null)" = "$TUSER"

out=$(in_deb 'cd ~/nsrun-debian-test && git init -q repo && cd repo &&
git config user.email u@example.org && git config user.name "Box User" &&
echo data >file && git add file && git commit -q -m "made in a box" && git log --format=%s' 2>&1)
eq "git commits in the bound home" "made in a box" "$out"
eq "the commit is in the host's copy of the home" "made in a box" \
  "$(run_as "$TUSER" git -C "$work/repo" log --format=%s 2>&1)"

out=$(in_deb 'for c in make less vim vi tmux ps ip; do command -v $c >/dev/null || echo "missing $c"; done; echo end')
eq "make, less, vim, tmux, ps and ip are in the image" "end" "$out"
eq "writes go to the box's tmpfs overlay, not the image" "x" \
  "$(in_deb 'echo x >/var/tmp/scribble && cat /var/tmp/scribble')"
t "the image is unchanged after the boxes" test "$sum0" = "$(img_sum)"
eq "nothing left behind" "$before" "$(host_state)"
done_testing

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by scripts/vm-test for --systemd: a Debian 12 lab host with
# systemd as PID 1 and pure cgroup v2 on Debian's stock kernel. Stages what
# the common qemu start in scripts/vm-test boots (doc/vm-test.md):
#   - the Debian package, built from this tree with scripts/mkdeb (nocheck);
#   - the system disk (cached): scripts/mkrootfs --debian with systemd and
#     the test tools, the kernel's modules, nsrun-vmtest.service, and the
#     box image of scripts/mkrootfs --debian at /srv/nsrun/images/debian-12,
#     as an ext4 file made with mkfs.ext4 -d; booted with snapshot=on, so it
#     never changes;
#   - an initramfs that only mounts that disk and switch_roots to systemd;
#   - the data disk (per run): the .deb, the source tree's tests and
#     scripts, the plan and its environment, the runner.
# The guest speaks the "@@vm" protocol of tests/vm/init, so the results are
# read by the same code.

# NAME : guest timeout (s) : command (bash, in /root/src, a copy of the tree).
VMSD_TEST_TABLE=(
  "sd-install:300:bash tests/vm/systemd/install.sh"
  "sd-host:600:bash tests/vm/systemd/host.sh"
  "sd-harness:600:nsrun-harness --suite /usr/share/doc/nsrun/suites/demo.ini"
  "sd-setup-host:200:tests/setup-host >/dev/null"
  "sd-debian:400:bash tests/integration/debian.sh"
  "sd-completion:200:bash tests/integration/completion.sh"
  "sd-box:600:bash tests/integration/box.sh"
  "sd-limits:900:bash tests/integration/limits.sh"
  "sd-network:900:bash tests/integration/network.sh"
  "sd-lifecycle:900:bash tests/integration/lifecycle.sh"
  "sd-bench:1200:bash tests/vm/systemd/bench.sh"
)
VMSD_TESTS_DEFAULT=sd-install,sd-host,sd-harness,sd-setup-host,sd-debian,sd-completion,sd-box,sd-limits,sd-network,sd-lifecycle
# sd-bench measures (start latency against the floor, doc/performance.md)
# and is run only when named: --tests sd-install,sd-bench.
# What the lab host has besides the box image's packages.
VMSD_PACKAGES=systemd-sysv,dbus,libpam-systemd,kmod,busybox-static,libmnl0,psmisc,libcap-ng-utils,bash-completion,iputils-ping,file
# Bump when what vmsd_system_disk does to the image changes.
VMSD_RECIPE=3

# vmsd_system_disk: set VMSD_IMG to the cached system disk, making it if
# needed (about 7 min the first time on this machine: two mmdebstrap runs).
vmsd_system_disk() {
  local cache=${NSRUN_VM_CACHE:-/var/cache/nsrun-vm} root key s size old
  root=$cache/systemd-root
  install -d -m 0755 "$cache"
  "$src/scripts/mkrootfs" --debian "$root" --with "$VMSD_PACKAGES" >"$work/mkrootfs.log" 2>&1 ||
    { cat "$work/mkrootfs.log" >&2; return 1; }
  install -d -m 0755 "$root/srv/nsrun" "$root/srv/nsrun/images"
  "$src/scripts/mkrootfs" --debian "$root/srv/nsrun/images/debian-12" >>"$work/mkrootfs.log" 2>&1 ||
    { cat "$work/mkrootfs.log" >&2; return 1; }
  key=$( { cat "$root/etc/nsrun-image" "$root/srv/nsrun/images/debian-12/etc/nsrun-image"
           echo "$VM_KPKG $VMSD_RECIPE $(cat "$VM_KDIR/complete")"; cat "$src/tests/vm/systemd/nsrun-vmtest.service"; } |
         sha256sum | cut -c1-16)
  VMSD_IMG=$cache/systemd-$key.ext4
  [ -f "$VMSD_IMG" ] && return 0
  vm_log "making the systemd VM's system disk $VMSD_IMG (once per image)"
  # The lab host: its name, no consoles to log in on, no timers that
  # would run in the middle of the tests, the kernel's modules, the runner.
  echo nsrun-lab >"$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tnsrun-lab\n' >"$root/etc/hosts"
  : >"$root/etc/fstab"
  # A lab host keeps the documentation and man pages that packages ship
  # (mkrootfs leaves them out of box images with dpkg path-excludes).
  rm -f "$root/etc/dpkg/dpkg.cfg.d/99mmdebstrap"
  rm -f "$root/etc/machine-id"; : >"$root/etc/machine-id"
  for s in getty@tty1.service serial-getty@ttyS0.service apt-daily.timer apt-daily-upgrade.timer \
           dpkg-db-backup.timer fstrim.timer e2scrub_all.timer systemd-timesyncd.service; do
    ln -sfn /dev/null "$root/etc/systemd/system/$s"
  done
  install -m 0644 "$src/tests/vm/systemd/nsrun-vmtest.service" "$root/etc/systemd/system/"
  install -d "$root/etc/systemd/system/multi-user.target.wants"
  ln -sfn /etc/systemd/system/nsrun-vmtest.service "$root/etc/systemd/system/multi-user.target.wants/"
  rm -rf "$root/usr/lib/modules"
  install -d "$root/usr/lib/modules"
  cp -a "$VM_KDIR/lib/modules/$VM_KVER" "$root/usr/lib/modules/"
  # kmod's indexes, so that the kernel's requests (an overlay mount, a
  # bridge or veth link) load modules as on any Debian host.
  depmod -b "$root" "$VM_KVER" || return 1
  # Room for the tests' writes (homes, journal, /var): 1.5 GB free.
  size=$(( $(du -sm "$root" | cut -f1) + 1536 ))
  exec 8>"$cache/.sd-lock"
  flock -w 600 8 || return 1
  if mkfs.ext4 -q -F -L nsrun-lab -E root_owner=0:0 -d "$root" "$VMSD_IMG.tmp" "${size}M" >"$work/mkfs.log" 2>&1; then
    mv "$VMSD_IMG.tmp" "$VMSD_IMG"
  else
    cat "$work/mkfs.log" >&2; rm -f "$VMSD_IMG.tmp"; exec 8>&-; return 1
  fi
  for old in "$cache"/systemd-*.ext4; do
    [ "$old" = "$VMSD_IMG" ] || rm -f "$old"
  done
  exec 8>&-
}

# vmsd_initramfs OUT: busybox, the disk modules and tests/vm/systemd/initrd-init.
vmsd_initramfs() {
  local d=$work/initrd a
  rm -rf "$d"
  mkdir -p "$d"/usr/bin "$d"/usr/lib "$d"/proc "$d"/sys "$d"/dev "$d"/newroot
  for a in bin sbin lib; do ln -s "usr/${a/sbin/bin}" "$d/$a"; done
  install -m 0755 "$(command -v busybox)" "$d/usr/bin/busybox"
  for a in sh mount umount modprobe sleep mkdir switch_root poweroff; do ln -s busybox "$d/usr/bin/$a"; done
  cp -a "$VM_KDIR/lib/modules" "$d/usr/lib/"
  install -m 0755 "$src/tests/vm/systemd/initrd-init" "$d/init"
  (cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$1"
}

# vmsd_stage: everything scripts/vm-test needs to boot the systemd VM:
# $work/initramfs.cpio, the plan at $st/etc/nsrun-vm/plan, the disks in
# share[], the kernel command line in vmsd_append, the memory.
vmsd_stage() {
  local want e name tmo what deb
  for want in ${tests//,/ }; do
    e=
    for e2 in "${VMSD_TEST_TABLE[@]}"; do [ "${e2%%:*}" = "$want" ] && e=$e2; done
    [ -n "$e" ] || { vm_log "unknown systemd test $want"; return 1; }
  done
  command -v mkfs.ext4 >/dev/null || { vm_log "no mkfs.ext4 (e2fsprogs)"; return 1; }
  local tb
  tb=$(date +%s.%N)
  if [ -n "${VMSD_DEB:-}" ]; then
    # --deb FILE: the package scripts/test already built from this tree.
    deb=$(readlink -f "$VMSD_DEB")
    [ -f "$deb" ] || { vm_log "no package $VMSD_DEB"; return 1; }
    vm_log "package ${deb##*/} (given)"
  else
    vm_log "building the Debian package (scripts/mkdeb, nocheck)"
    DEB_BUILD_OPTIONS=nocheck "$src/scripts/mkdeb" "$work/deb" >"$work/mkdeb.log" 2>&1 ||
      { cat "$work/mkdeb.log" >&2; return 1; }
    deb=$(ls "$work"/deb/nsrun_*.deb | head -n 1)
    vm_log "package ${deb##*/} built in $(secs "$tb" "$(date +%s.%N)")s"
  fi
  tb=$(date +%s.%N)
  vmsd_system_disk || return 1
  vm_log "system disk ready in $(secs "$tb" "$(date +%s.%N)")s"
  vmsd_initramfs "$work/initramfs.cpio" || return 1

  # The data disk.
  rm -rf "$st"
  mkdir -p "$st/src" "$st/etc/nsrun-vm"
  cp -r --preserve=mode,timestamps,links "$src/tests" "$src/scripts" "$st/src/"
  install -m 0644 "$deb" "$st/"
  install -m 0755 "$src/tests/vm/systemd/run" "$st/run"
  if [[ ",$tests," == *,sd-bench,* ]]; then
    # The bench's floor and timer, built here: the VM has no compiler.
    local cflags=(-O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra)
    mkdir -p "$st/bench-tools"
    cc "${cflags[@]}" -o "$st/bench-tools/floor" "$src/bench/floor.c" "$src/bench/floor_net.c" -lmnl &&
      cc "${cflags[@]}" -o "$st/bench-tools/timer" "$src/bench/timer.c" "$src/bench/timer_rss.c" ||
      { vm_log "cannot build the bench's floor and timer"; return 1; }
  fi
  : >"$st/etc/nsrun-vm/plan"
  for want in ${tests//,/ }; do
    for e in "${VMSD_TEST_TABLE[@]}"; do
      [ "${e%%:*}" = "$want" ] || continue
      name=${e%%:*}; e=${e#*:}; tmo=${e%%:*}; what=${e#*:}
      if [[ $what == "bash tests/"* ]] && [ ! -f "$src/${what#bash }" ]; then
        skipped+=("$name ${what#bash } does not exist yet"); continue
      fi
      printf '%s\t%s\t%s\n' "$name" "$tmo" "$what" >>"$st/etc/nsrun-vm/plan"
    done
  done
  {
    echo "NSRUN=/usr/bin/nsrun"
    echo "NSRUN_SRCDIR=/root/src"
    echo "NSRUN_ROOTFS=/run/nsrun-test/rootfs"
    echo "NSRUN_DEB=/vmtest/${deb##*/}"
    echo "NSRUN_DEBIAN_ROOTFS=/srv/nsrun/images/debian-12"
    echo "NSRUN_DEBIAN_PREBUILT=1"
    echo "NSRUN_PROBE=/usr/libexec/nsrun/nsrun-probe"
    echo "NSRUN_TEST_SYSTEM_POLICYDIR=1"
    echo "NSRUN_MUST_WORK=${NSRUN_MUST_WORK:-0}"
    echo "NSRUN_VM=1"
    echo "NSRUN_TIME_SCALE=$time_scale"
    echo "NSRUN_VM_BENCH_RUNS=${NSRUN_VM_BENCH_RUNS:-40}"
    echo "HOME=/root"
    echo "LANG=C"
  } >"$st/etc/nsrun-vm/env"
  local dsize=$(( $(du -sm "$st" | cut -f1) + 32 ))
  mkfs.ext4 -q -F -L nsrun-data -E root_owner=0:0 -d "$st" "$work/data.ext4" "${dsize}M" >"$work/mkfs-data.log" 2>&1 ||
    { cat "$work/mkfs-data.log" >&2; return 1; }
  # shellcheck disable=SC2054
  share=(-drive "file=$VMSD_IMG,format=raw,if=virtio,snapshot=on"
         -drive "file=$work/data.ext4,format=raw,if=virtio,readonly=on")
  mem=${NSRUN_VM_MEM:-2048}
  vmsd_append="console=ttyS0 quiet panic=-1 rdinit=/init mitigations=off i8042.noaux i8042.nokbd"
  vmsd_append+=" random.trust_cpu=on tsc=reliable systemd.show_status=false"
}

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
# Sourced by scripts/vm-test: fetch Debian's kernel for the test VM without
# installing it, and keep it in a cache outside the repository.
#
# Cache policy (see doc/vm-test.md):
#   - location: $NSRUN_VM_CACHE, default /var/cache/nsrun-vm (root-owned 0755);
#   - one entry per kernel package and version, named PKG_VERSION, holding
#     vmlinuz (bzImage), vmlinux (uncompressed, for a PVH boot, if it can be
#     extracted), lib/modules/VER with only the modules the VM loads (and
#     their dependencies) plus a modules.dep, and a stamp file "complete";
#   - the package is the one `linux-image-amd64` depends on today, looked up
#     with apt-cache (offline, from the local package lists); when apt-cache
#     knows none or the download fails, the newest complete entry is reused;
#   - an entry is built under a lock into a temporary directory and renamed,
#     so a crash never leaves a half entry; entries other than the newest two
#     are removed.

# Modules copied into the initramfs (with their dependencies), by name;
# virtio_blk, ext4 and crc32c_generic mount the disks of the systemd VM
# (tests/vm/systemd.sh); fuse, tun and loop give tests/integration/devices.sh
# its nodes.
VM_MODULES="overlay veth bridge 9p 9pnet_virtio virtio_pci virtio_blk ext4 crc32c_generic fuse tun loop"

vm_log() { echo "# vm: $*"; }

# vm_kernel_pkg: print "PKG VERSION" of the kernel linux-image-amd64 pulls in.
vm_kernel_pkg() {
  local pkg ver
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
  [ -n "$pkg" ] || return 1
  ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
  [ -n "$ver" ] || return 1
  echo "$pkg $ver"
}

# vm_extract_vmlinux BZIMAGE OUT: decompress the kernel inside a bzImage
# (xz, zstd or gzip payload) into an ELF file; fails if none is found.
vm_extract_vmlinux() {
  local img=$1 out=$2 magic tool off
  for magic in 'xz:\xFD7zXZ\x00' 'zstd:\x28\xB5\x2F\xFD' 'gzip:\x1F\x8B\x08'; do
    tool=${magic%%:*}
    command -v "$tool" >/dev/null || continue
    while read -r off; do
      case $tool in
        xz)   tail -c +"$((off + 1))" "$img" | xz -dc --single-stream >"$out" 2>/dev/null ;;
        zstd) tail -c +"$((off + 1))" "$img" | zstd -dcq >"$out" 2>/dev/null ;;
        gzip) tail -c +"$((off + 1))" "$img" | gzip -dc >"$out" 2>/dev/null ;;
      esac
      [ "$(head -c 4 "$out" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && return 0
    done < <(LC_ALL=C grep -obUaP "${magic#*:}" "$img" 2>/dev/null | cut -d: -f1 | head -n 3)
  done
  rm -f "$out"
  return 1
}

# vm_has_pvh VMLINUX: the ELF carries XEN_ELFNOTE_PHYS32_ENTRY (note type 18),
# so qemu can boot it directly through PVH.
vm_has_pvh() {
  command -v readelf >/dev/null || return 1
  readelf -n "$1" 2>/dev/null | grep -q 'Unknown note type: (0x00000012)'
}

# vm_build_entry PKG VER DIR: download, unpack and trim into DIR.
vm_build_entry() {
  local pkg=$1 ver=$2 dir=$3 kver deb m line need=() seen=" " f
  mkdir -p "$dir/dl" || return 1
  # apt-get drops privileges to _apt for the download when it can.
  chown _apt "$dir/dl" 2>/dev/null
  (cd "$dir/dl" && apt-get download -q "$pkg=$ver") >"$dir/download.log" 2>&1 ||
    { cat "$dir/download.log" >&2; return 1; }
  deb=$(ls "$dir"/dl/*.deb 2>/dev/null | head -n 1)
  [ -n "$deb" ] || return 1
  dpkg-deb -x "$deb" "$dir/pkg" || return 1
  rm -rf "$dir/dl"
  kver=$(ls "$dir/pkg/lib/modules" | head -n 1)
  [ -n "$kver" ] && [ -f "$dir/pkg/boot/vmlinuz-$kver" ] || return 1
  cp "$dir/pkg/boot/vmlinuz-$kver" "$dir/vmlinuz"
  cp "$dir/pkg/boot/config-$kver" "$dir/config" 2>/dev/null
  if vm_extract_vmlinux "$dir/vmlinuz" "$dir/vmlinux.tmp" && vm_has_pvh "$dir/vmlinux.tmp"; then
    mv "$dir/vmlinux.tmp" "$dir/vmlinux"
  else
    rm -f "$dir/vmlinux.tmp"
  fi
  # Dependencies from a modules.dep of the whole tree, then keep only those.
  busybox depmod -b "$dir/pkg" "$kver" || return 1
  local md=$dir/pkg/lib/modules/$kver
  for m in $VM_MODULES; do
    line=$(grep -E "(^|/)${m}\.ko(\.[a-z]+)?:" "$md/modules.dep" | head -n 1)
    [ -n "$line" ] || { echo "vm-test: module $m not in $pkg" >&2; return 1; }
    for f in ${line%%:*} ${line#*:}; do
      case $seen in *" $f "*) ;; *) seen="$seen$f "; need+=("$f") ;; esac
    done
  done
  local out=$dir/lib/modules/$kver
  mkdir -p "$out"
  for f in "${need[@]}"; do
    install -D -m 0644 "$md/$f" "$out/$f" || return 1
  done
  cp "$md/modules.builtin" "$md/modules.order" "$out/" 2>/dev/null
  [ -f "$md/modules.builtin.modinfo" ] && cp "$md/modules.builtin.modinfo" "$out/"
  busybox depmod -b "$dir" "$kver" || return 1
  rm -rf "$dir/pkg"
  echo "$kver" >"$dir/kver"
  echo "$VM_MODULES" >"$dir/complete"
}

# vm_entry_has_modules ENTRY: a complete entry that holds every module of
# VM_MODULES (an entry made for a longer list serves a shorter one).
vm_entry_has_modules() {
  local have m
  have=" $(cat "$1/complete" 2>/dev/null) "
  [ "$have" != "  " ] || return 1
  for m in $VM_MODULES; do
    case $have in *" $m "*) ;; *) return 1 ;; esac
  done
}

# vm_kernel_fetch: set VM_KVER, VM_KDIR (cache entry), VM_KPKG. Downloads at
# most once per kernel version.
vm_kernel_fetch() {
  local cache=${NSRUN_VM_CACHE:-/var/cache/nsrun-vm} pv pkg ver entry='' tmp old
  install -d -m 0755 -o root -g root "$cache" || return 1
  exec 9>"$cache/.lock"
  flock -w 600 9 || { echo "vm-test: cannot lock $cache" >&2; return 1; }
  if pv=$(vm_kernel_pkg); then
    pkg=${pv% *}; ver=${pv#* }
    entry=$cache/${pkg}_${ver}
    if ! vm_entry_has_modules "$entry"; then
      vm_log "fetching $pkg $ver into $cache (once per kernel version)"
      tmp=$cache/.tmp.$$
      rm -rf "$tmp" "$entry"
      if vm_build_entry "$pkg" "$ver" "$tmp"; then
        mv "$tmp" "$entry"
      else
        rm -rf "$tmp"
        entry=''
        vm_log "cannot fetch $pkg $ver (stale package lists?)"
      fi
    fi
  fi
  if [ -z "$entry" ]; then
    entry=$(ls -dt "$cache"/linux-image-*/complete 2>/dev/null | head -n 1)
    entry=${entry%/complete}
    [ -n "$entry" ] || { echo "vm-test: no kernel package to fetch and $cache is empty" >&2; exec 9>&-; return 1; }
    vm_log "reusing the cached ${entry##*/}"
  fi
  # Keep the newest two entries.
  for old in $(ls -dt "$cache"/linux-image-* 2>/dev/null | tail -n +3); do
    [ "$old" = "$entry" ] || rm -rf "$old"
  done
  exec 9>&-
  VM_KDIR=$entry
  VM_KPKG=${entry##*/}
  VM_KVER=$(cat "$entry/kver")
}

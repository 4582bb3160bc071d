#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/package/deb.sh OUTDIR: build the Debian package from this tree
# (scripts/mkdeb: dpkg-buildpackage -us -uc -b, offline) and check it: the
# files and modes it ships, lintian without an error (every override
# with its reason). TAP on stdout; leaves OUTDIR/nsrun_*.deb for
# scripts/vm-test --systemd --deb. Run by scripts/test (as root).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: deb.sh OUTDIR}
n=0 f=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); f=$((f + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: [$2]" "actual:   [$3]"; fi; }
finish() { echo "1..$n"; [ "$f" -eq 0 ]; exit $?; }

t0=$(date +%s)
if deb=$(DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck} "$src/scripts/mkdeb" "$out" 2>"$out.err"); then
  ok "dpkg-buildpackage -us -uc -b builds the package ($(( $(date +%s) - t0 ))s)"
else
  not_ok "dpkg-buildpackage -us -uc -b builds the package" "$(tail -n 20 "$out.err")"
  finish
fi
rm -f "$out.err"
c=$(dpkg-deb -c "$deb")
line() { awk -v p="./$1" '$6 == p { print $1, $2 }' <<<"$c"; }
eq "usr/bin/nsrun is setuid root" "-rwsr-xr-x root/root" "$(line usr/bin/nsrun)"
eq "etc/nsrun/policies.d is shipped empty, root 0755" "drwxr-xr-x root/root 0" \
  "$(line etc/nsrun/policies.d/) $(grep -c '\./etc/nsrun/policies\.d/.' <<<"$c")"
for p in usr/bin/nsrun-harness usr/libexec/nsrun/nsrun-probe usr/share/man/man1/nsrun.1.gz \
         usr/share/man/man5/nsrun.policy.5.gz usr/share/man/man1/nsrun-harness.1.gz \
         usr/share/doc/nsrun/examples/demo.ini usr/share/doc/nsrun/suites/demo.ini \
         usr/share/bash-completion/completions/nsrun lib/systemd/system/nsrun-cgroup.service \
         lib/systemd/system/nsrun.slice; do
  if [ -n "$(line "$p")" ]; then ok "ships $p"; else not_ok "ships $p"; fi
done
eq "nothing else is setuid or setgid" "./usr/bin/nsrun" \
  "$(awk '$1 ~ /^-..[sS]|^-.....[sS]/ { print $6 }' <<<"$c")"
post=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst 2>/dev/null)
if grep -q "deb-systemd-helper enable 'nsrun-cgroup.service'" <<<"$post"; then
  ok "postinst enables nsrun-cgroup.service"; else not_ok "postinst enables nsrun-cgroup.service"; fi
if grep -q '_dh_action=restart' <<<"$post"; then
  not_ok "an upgrade does not restart nsrun-cgroup.service (it would end every box)"
else ok "an upgrade does not restart nsrun-cgroup.service (it would end every box)"; fi
lt=$(lintian --allow-root --show-overrides "$deb" 2>&1)
echo "$lt" | sed 's/^/# lintian: /'
if grep -q '^E: ' <<<"$lt"; then not_ok "lintian: no error" "$(grep '^E: ' <<<"$lt")"; else ok "lintian: no error"; fi
if grep -q '^W: ' <<<"$lt"; then not_ok "lintian: no warning" "$(grep '^W: ' <<<"$lt")"; else ok "lintian: no warning"; fi
# Every override carries a comment with its reason just above it.
ov=$src/debian/nsrun.lintian-overrides
bad=$(awk '/^[^#]/ && NF && prev !~ /^#/ { print FNR": "$0 } { prev = $0 }' "$ov")
eq "every lintian override has a comment with its reason" "" "$bad"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# deb.sh - `make deb`: the Debian packages tcpinc-dkms and tcpinc-tools,
# built by Debian's own tooling (dpkg-buildpackage, debhelper compat 13,
# dh-dkms) in build/deb/.
#
# The project keeps debian/ out of its top level: this stages the git-tracked
# files (as they are in the work tree) in build/deb/tcpinc-VERSION/, puts
# scripts/packaging/debian/ there as debian/ with a changelog for VERSION
# (MODULE_VERSION, the one place it is written), and runs
# dpkg-buildpackage -us -uc -b. Prints the paths of the two .deb files last.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

version=$(sed -n 's/^MODULE_VERSION("\([^"]*\)");/\1/p' net/tcpinc/tcpinc_main.c)
[ -n "$version" ] || { echo "deb: no MODULE_VERSION in net/tcpinc/tcpinc_main.c" >&2; exit 1; }
for t in git dpkg-buildpackage dh dh_dkms; do
	command -v "$t" >/dev/null || { echo "deb: $t not found (run 'make setup')" >&2; exit 1; }
done
git rev-parse --git-dir >/dev/null 2>&1 || { echo "deb: needs a git clone (it packages the tracked files)" >&2; exit 1; }

out=$top/build/deb
src=$out/tcpinc-$version
rm -rf "$out"
mkdir -p "$src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$src"
cp -r scripts/packaging/debian "$src/debian"

# One changelog entry; its date is the last commit's, so that two builds of
# one commit give the same packages.
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
cat >"$src/debian/changelog" <<CL
tcpinc ($version) unstable; urgency=medium

  * Built from the tcpinc tree at $rev.

 -- $maint  $(git log -1 --format=%aD)
CL

(cd "$src" && dpkg-buildpackage -us -uc -b)
ls "$out"/tcpinc-dkms_"$version"_all.deb "$out"/tcpinc-tools_"$version"_*.deb

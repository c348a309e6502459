#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/pkg/dkms.sh - the Debian packages installed the way an operator
# installs them, then used in a guest:
#   1. make deb (tcpinc-dkms, tcpinc-tools);
#   2. an overlay root on the host: a throw-away upper layer (tmpfs) over
#      the host's /, and on its /lib/modules/KVER a second one over the
#      extracted stock kernel's modules ($TCPINC_CACHE/kernel/KVER, as if
#      linux-image-KVER were installed) and the host's headers link; then
#      `dpkg -i` of both packages in a chroot into it, so dh-dkms's
#      postinst runs `dkms install` (native speed, the host's compiler, the
#      stock headers) and depmod. Nothing is written to the host's own
#      tree: the module must never be in the host's /lib/modules (every 9p
#      guest sees the host's tree, and the module never loads on the host);
#   3. checks there: dkms status, the module at updates/dkms/ and in
#      modules.dep, its srcversion equal to the work tree's build, and
#      `dpkg -L tcpinc-tools` equal to `make install`'s userspace files;
#   4. a guest that sees the same two layers (run.py with
#      TCPINC_VM_ROOT_LAYER and TCPINC_VM_MODULES_LAYER, read-only 9p):
#      tests/pkg/guest/pkg-dkms.sh runs `modprobe tcpinc` and one
#      connection with the packaged tools.
# Every mount is undone on every exit path (trap). Run as root, after
# `make all`. Prints PASS/FAIL/SKIP lines and "N passed, N failed[, N skipped]".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
t0=$(date +%s)
kver=$(scripts/kver.sh)
version=$(sed -n 's/^MODULE_VERSION("\([^"]*\)");/\1/p' net/tcpinc/tcpinc_main.c)
kimg=${TCPINC_CACHE:-/var/cache/tcpinc}/kernel/$kver
logs=build/pkg
mkdir -p "$logs"
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
failt() { failed=$((failed + 1)); echo "FAIL $*"; }
summary() {
	local s="$passed passed, $failed failed"
	[ $skipped -gt 0 ] && s="$s, $skipped skipped"
	echo "pkg: $(( $(date +%s) - t0 )) s"
	echo "$s"
	[ $failed -eq 0 ]
	exit
}
# check NAME COMMAND... - one PASS/FAIL line.
check() {
	local n=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$n"; else failt "$n"; fi
}
skip_all() {
	skipped=$((skipped + 1))
	echo "SKIP dkms-packages ($*)"
	summary
}

[ "$(id -u)" = 0 ] || skip_all "needs root: mounts, chroot, QEMU"
for t in dpkg-buildpackage dh_dkms dkms chroot; do
	command -v $t >/dev/null || skip_all "$t not found (run 'make setup')"
done
[ -e "$kimg/.complete" ] || skip_all "no extracted kernel image $kimg (run 'make setup')"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	skip_all "the host kernel has no overlayfs"

# 1. The packages.
if make -s deb >"$logs/deb.log" 2>&1; then
	pass "make-deb ($(tail -2 "$logs/deb.log" | xargs -n1 basename | tr '\n' ' ' | sed 's/ $//'))"
else
	tail -20 "$logs/deb.log" | sed "s/^/  /"
	failt "make-deb (see $logs/deb.log)"
	summary
fi
ddeb=$top/build/deb/tcpinc-dkms_${version}_all.deb
tdeb=$(ls "$top"/build/deb/tcpinc-tools_"$version"_*.deb)
check deb-dkms-sources sh -c "dpkg-deb -c '$ddeb' | grep -q ' ./usr/src/tcpinc-$version/dkms.conf$' &&
	dpkg-deb -c '$ddeb' | grep -q ' ./usr/src/tcpinc-$version/net/tcpinc/core/.*\.cc$'"

# 2. The overlay root and the installation.
w=$(mktemp -d /tmp/tcpinc-pkg.XXXXXX)
r=$w/root
cleanup() {
	local m p
	# Processes still running in the chroot (a DKMS build after a signal):
	# ours, found by their root directory.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	for m in "$r/dev" "$r/sys" "$r/proc" "$r/lib/modules/$kver" "$r" "$w"; do
		mountpoint -q "$m" && { timeout 30 umount "$m" || timeout 30 umount -l "$m"; }
	done
	rmdir "$w" 2>/dev/null
}
# The long steps (dpkg -i with DKMS's build, the guest) run in the
# background so that a signal (make check's timeout, ^C) is handled at
# once: their process is told first (timeout(1) and run.py pass it on and
# kill QEMU), then the mounts are undone.
child=
exec 3>&1
bounded() { # COMMAND... - run it, return its status; a signal stops it
	"$@" &
	child=$!
	wait $child
	local rc=$?
	child=
	return $rc
}
stop() {
	trap - INT TERM HUP
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$child" 2>/dev/null
	fi
	# fd 3: the script's stdout (a step's redirection is still in force).
	echo "FAIL interrupted (signal; the mounts are undone)" >&3
	exit 1
}
trap cleanup EXIT
trap stop INT TERM HUP
mount -t tmpfs -o mode=0755 tcpinc-pkg "$w" &&
	mkdir "$w/upper" "$w/work" "$w/mupper" "$w/mwork" "$r" &&
	mount -t overlay -o lowerdir=/,upperdir="$w/upper",workdir="$w/work" tcpinc-root "$r" &&
	mount -t overlay -o lowerdir="$kimg/lib/modules/$kver:/lib/modules/$kver",upperdir="$w/mupper",workdir="$w/mwork" \
		tcpinc-modules "$r/lib/modules/$kver" &&
	mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" && mount --bind /dev "$r/dev"
rc=$?
if [ $rc -ne 0 ]; then
	failt "overlay-root (mounting it failed: exit $rc)"
	summary
fi
in_root=(timeout 600 chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin
	HOME=/root DEBIAN_FRONTEND=noninteractive LC_ALL=C)
t1=$(date +%s)
if bounded "${in_root[@]}" dpkg -i "$ddeb" "$tdeb" >"$logs/dpkg-i.log" 2>&1; then
	pass "dpkg-i-both-packages (dkms build and install in $(( $(date +%s) - t1 )) s)"
else
	tail -30 "$logs/dpkg-i.log" | sed "s/^/  /"
	# The overlay goes away at exit: keep DKMS's build log.
	cat "$r"/var/lib/dkms/tcpinc/*/build/make.log >"$logs/dkms-make.log" 2>/dev/null
	failt "dpkg-i-both-packages (see $logs/dpkg-i.log and $logs/dkms-make.log)"
fi
st=$("${in_root[@]}" dkms status tcpinc 2>&1)
echo "dkms status: $st"
check dkms-status-installed grep -qx "tcpinc/$version, $kver, $(uname -m): installed" <<<"$st"
installed=$r/lib/modules/$kver/updates/dkms/tcpinc.ko
check module-in-upper-layer test -s "$w/mupper/updates/dkms/tcpinc.ko"
check depmod-indexes-dkms-module grep -q '^updates/dkms/tcpinc.ko:' "$r/lib/modules/$kver/modules.dep"
check modules-dep-has-stock-modules grep -q '^kernel/net/ipv4/tcp_bbr.ko:' "$r/lib/modules/$kver/modules.dep"
vm=$(modinfo -F vermagic "$installed" 2>/dev/null)
check vermagic-is-stock-kernel test "${vm%% *}" = "$kver"
# srcversion hashes the sources the module was built from: equal to the
# work tree's build means DKMS built the same sources (C++ core included).
if [ -s tcpinc.ko ]; then
	sv=$(modinfo -F srcversion "$installed" 2>/dev/null)
	check "srcversion-equals-tree-build ($sv)" test -n "$sv" -a "$sv" = "$(modinfo -F srcversion tcpinc.ko)"
fi
check host-tree-untouched sh -c "! test -e /lib/modules/$kver/updates/dkms && ! test -e /var/lib/dkms/tcpinc &&
	! dpkg-query -W tcpinc-dkms 2>/dev/null && ! test -e /usr/src/tcpinc-$version"
# tcpinc-tools holds exactly the userspace files `make install` installs.
stage=$w/stage
make -s install DESTDIR="$stage" KVER="$kver" >"$logs/make-install.log" 2>&1
(cd "$stage" && find . ! -type d | sed 's/^\.//' | grep -v "^/lib/modules/" | sort) >"$logs/make-install.list"
"${in_root[@]}" dpkg -L tcpinc-tools | while read -r f; do [ -d "$r$f" ] || echo "$f"; done |
	grep -v '^/usr/share/doc/tcpinc-tools/' | sort >"$logs/dpkg-L.list"
if [ -s "$logs/make-install.list" ] && diff -u "$logs/make-install.list" "$logs/dpkg-L.list" >"$logs/tools-list.diff"; then
	pass "tools-package-equals-make-install ($(wc -l <"$logs/dpkg-L.list") files)"
else
	sed "s/^/  /" "$logs/tools-list.diff"
	failt "tools-package-equals-make-install (see $logs/tools-list.diff)"
fi
# The guest gets the upper layer alone; nothing may write to it meanwhile.
for m in "$r/dev" "$r/sys" "$r/proc" "$r/lib/modules/$kver" "$r"; do umount "$m"; done

# 3. The guest.
t1=$(date +%s)
TCPINC_VM_ROOT_LAYER=$w/upper TCPINC_VM_MODULES_LAYER=$w/mupper bounded timeout 600 \
	/usr/bin/python3 tests/vm/run.py --scenario-dir tests/pkg/guest pkg-dkms >"$logs/vm.log" 2>&1
vlog=$(sed -n 's/.*logs in \(build\/vm\/logs\/[^ ]*\)$/\1/p' "$logs/vm.log" | tail -1)
grep '^ok: ' "$vlog/out/pkg-dkms.log" 2>/dev/null | sed 's/^/  guest /'
case $(grep -E '^(PASS|FAIL|SKIP) pkg-dkms' "$logs/vm.log") in
PASS*) pass "guest-modprobe-and-connection (guest run $(( $(date +%s) - t1 )) s)";;
SKIP*) skipped=$((skipped + 1)); grep '^SKIP pkg-dkms' "$logs/vm.log";;
*) sed -n '/^FAIL/,$p' "$logs/vm.log" | head -30 | sed 's/^/  vm: /'
   failt "guest-modprobe-and-connection (see $logs/vm.log)";;
esac
summary

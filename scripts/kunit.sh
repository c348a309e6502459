#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kunit.sh - the in-kernel test tier on the debug kernel (scripts/debug-kernel.sh).
#
#   scripts/kunit.sh            `make kunit`: build tcpinc_kunit.ko against the
#                               debug kernel, boot it in QEMU with a busybox
#                               initramfs that loads it, judge the KTAP output
#   scripts/kunit.sh --vm [S..] `make debug-vm`: build tcpinc.ko against the
#                               debug kernel and run the VM scenario suite
#                               (tests/vm/run.py) on it, with a kmemleak
#                               baseline first and a kmemleak scan last
#
# The modules are built from copies of the sources (build/debug/kunit/,
# build/debug/module/), never in the work tree, so the stock build's objects
# (make module) and these never mix. Both modes end with
# "N passed, N failed[, N skipped]" and exit non-zero on any failure or any
# KASAN/UBSAN/lockdep/kmemleak report, WARN or oops. Every wait is bounded:
# TCPINC_KUNIT_TIMEOUT (default 600 s) for the KUnit boot, of which
# TCPINC_KUNIT_BOOT_TIMEOUT (240 s) to reach the module load; a boot that
# hangs before it is retried once (a kernel boot hang is not a test result,
# but both consoles are kept).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/debug
PY=/usr/bin/python3
TIMEOUT=${TCPINC_KUNIT_TIMEOUT:-600}
BOOT_TIMEOUT=${TCPINC_KUNIT_BOOT_TIMEOUT:-240}
JOBS=${TCPINC_JOBS:-2}
# panic_on_warn: a WARN (and, through it, a KASAN report) ends the boot.
KCMDLINE="console=ttyS0,115200 panic=-1 panic_on_warn=1 no_hash_pointers \
rcupdate.rcu_cpu_stall_timeout=120 watchdog_thresh=60 i8042.noaux i8042.nokbd"

log() { printf 'kunit: %s\n' "$*" >&2; }
die() { log "$*"; echo "0 passed, 1 failed"; exit 1; }

mode=kunit
if [ "${1:-}" = --vm ]; then
	mode=vm
	shift
fi

dkenv=$(bash scripts/debug-kernel.sh --env) || die "no debug kernel (scripts/debug-kernel.sh failed)"
eval "$dkenv"
[ -r "$DK_BZIMAGE" ] || die "debug kernel image $DK_BZIMAGE missing"

# copy_sources DEST - the repository's sources into DEST (objects in DEST
# are kept between runs, so rebuilds are incremental).
copy_sources() {
	mkdir -p "$1"
	rsync -a --delete \
		--exclude=/.git/ --exclude=/build/ --exclude=/Kbuild.tcpinc \
		--exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='*.d' --exclude=modules.order \
		--exclude=Module.symvers --exclude=__pycache__/ --exclude=.tmp_versions/ \
		"$top/" "$1/"
}

# kbuild DEST LOG - build the modules of DEST against the debug kernel.
kbuild() {
	if ! nice -n 19 make -C "$DK_KDIR" M="$1" -j"$JOBS" modules >"$2" 2>&1; then
		grep -E 'error|Error' "$2" | head -20 >&2
		die "module build in $1 failed (see $2)"
	fi
	if grep -E 'warning:|objtool' "$2" >&2; then
		die "module build in $1 has warnings (see $2)"
	fi
}

if [ $mode = kunit ]; then
	t0=$(date +%s)
	src=$out/kunit
	# crypto_glue_test.c compiles tests/selftest-module/tcpinc_selftest.c in, with
	# its generated vectors: refuse a copy that is stale against tests/vectors/.
	"$PY" tests/selftest-module/gen_selftest_vectors.py | cmp -s - tests/selftest-module/selftest_vectors.h ||
		die "tests/selftest-module/selftest_vectors.h is stale: rerun tests/selftest-module/gen_selftest_vectors.py"
	copy_sources "$src"
	# tests/kunit/Kbuild is the top-level Kbuild of this copy; the
	# repository's Kbuild (core object list, C++ rule) is included by it.
	cmp -s Kbuild "$src/Kbuild.tcpinc" || cp Kbuild "$src/Kbuild.tcpinc"
	cmp -s tests/kunit/Kbuild "$src/Kbuild" || cp tests/kunit/Kbuild "$src/Kbuild"
	# TCPINC_KUNIT_EXTRA=DIR adds DIR's suites (tests/kunit/selftest/: suites
	# that must fail); the next run's rsync --delete removes them again.
	if [ -n "${TCPINC_KUNIT_EXTRA:-}" ]; then
		cp "$TCPINC_KUNIT_EXTRA"/*.c* "$src/tests/kunit/"
	fi
	# TCPINC_KUNIT_PATCH=FILE applies a patch to the copy (never to the work
	# tree): a deliberately broken glue or core, to prove the suites catch
	# it. The next run's rsync undoes it.
	if [ -n "${TCPINC_KUNIT_PATCH:-}" ]; then
		patch -d "$src" -p1 --no-backup-if-mismatch <"$TCPINC_KUNIT_PATCH" >&2 ||
			die "TCPINC_KUNIT_PATCH $TCPINC_KUNIT_PATCH does not apply"
	fi
	log "building tcpinc_kunit.ko against $DK_KREL in $src"
	kbuild "$src" "$out/kunit-build.log"
	ko=$src/tcpinc_kunit.ko
	nsuites=$(grep -l 'kunit_test_suite' "$src"/tests/kunit/*_test.c | wc -l)

	# Initramfs: busybox + the module + an init that loads it and scans.
	rd=$out/kunit-initramfs
	rm -rf "$rd" && mkdir -p "$rd"/{bin,dev,proc,sys,tmp}
	cp /bin/busybox "$rd/bin/busybox"
	ln -s busybox "$rd/bin/sh"
	mknod -m 600 "$rd/dev/console" c 5 1
	cp "$ko" "$rd/tcpinc_kunit.ko"
	cat >"$rd/init" <<'EOF'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
KL=/sys/kernel/debug/kmemleak
say() { echo "tcpinc-kunit: $*"; }
# Baseline: leak suspects from boot are the kernel's, not ours.
[ -w $KL ] || say "no kmemleak file"
echo scan >$KL 2>/dev/null; echo clear >$KL 2>/dev/null
say "insmod"
insmod /tcpinc_kunit.ko
say "insmod rc=$?"
rmmod tcpinc_kunit || say "rmmod failed"
# kmemleak ignores objects younger than 5 s; two scans as documented.
sleep 6
echo scan >$KL; echo scan >$KL
leaks=$(cat $KL 2>&1)
if [ -n "$leaks" ]; then
	say "kmemleak report:"
	echo "$leaks" | head -60
	say "end of kmemleak report"
fi
say "done"
poweroff -f
sleep 5
echo o >/proc/sysrq-trigger
EOF
	chmod 755 "$rd/init"
	initrd=$out/kunit-initramfs.cpio.gz
	(cd "$rd" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd"

	console=$out/kunit-console.log
	# boot_once - one QEMU run, at most $TIMEOUT s; returns 3 when the
	# guest never reached the insmod line within $BOOT_TIMEOUT s (an early
	# boot hang, seen once under TCG before any of our code ran).
	boot_once() {
		: >"$console"
		qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 512M \
			-nodefaults -no-user-config -display none -vga none -no-reboot \
			-kernel "$DK_BZIMAGE" -initrd "$initrd" -append "$KCMDLINE" \
			-serial "file:$console" -monitor none </dev/null >"$out/kunit-qemu.log" 2>&1 &
		local qpid=$! start=$SECONDS
		while kill -0 $qpid 2>/dev/null; do
			if [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then
				log "QEMU killed after $TIMEOUT s"
				kill -9 $qpid 2>/dev/null; wait $qpid 2>/dev/null
				return 2
			fi
			if [ $((SECONDS - start)) -ge "$BOOT_TIMEOUT" ] &&
			   ! grep -q '^tcpinc-kunit: insmod' "$console"; then
				log "no 'tcpinc-kunit: insmod' after $BOOT_TIMEOUT s: boot hung ($(tail -1 "$console" | cut -c1-100))"
				kill -9 $qpid 2>/dev/null; wait $qpid 2>/dev/null
				return 3
			fi
			sleep 1
		done
		wait $qpid 2>/dev/null
		return 0
	}
	log "booting $DK_KREL (QEMU TCG, at most $TIMEOUT s); console: $console"
	t1=$(date +%s)
	rc=0
	boot_once || rc=$?
	if [ $rc = 3 ]; then
		cp "$console" "$out/kunit-console-hung.log"
		log "retrying the boot once (first console kept as $out/kunit-console-hung.log)"
		rc=0
		boot_once || rc=$?
	fi
	t2=$(date +%s)
	log "build+initramfs $((t1 - t0)) s, boot+tests $((t2 - t1)) s"
	echo "kunit: $nsuites suites in tcpinc_kunit.ko ($DK_KREL)"
	exec "$PY" tests/kunit/ktap.py "$console" "$nsuites"
fi

# --- debug-vm -------------------------------------------------------------
src=$out/module
copy_sources "$src"
log "building tcpinc.ko against $DK_KREL in $src"
kbuild "$src" "$out/module-build.log"
# The crypto-glue scenario loads build/selftest-module/<running release>/
# tcpinc_selftest.ko: build the debug kernel's (build.sh leaves it there).
log "building tcpinc_selftest.ko against $DK_KREL"
KDIR=$DK_KDIR TCPINC_SELFTEST_OUT=build/selftest-module/debug bash tests/selftest-module/build.sh >&2 ||
	die "tcpinc_selftest.ko for $DK_KREL did not build"
# The scenario list: kmemleak-baseline first, every scenario of run.py
# (guest ones, then the host-orchestrated ones), kmemleak-scan after the
# guest scenarios (it runs in the same boot as they do).
sdir=$out/scenarios
rm -rf "$sdir" && mkdir -p "$sdir"
for f in tests/vm/scenarios/*.sh tests/kunit/vm/*.sh; do
	ln -s "$top/$f" "$sdir/$(basename "$f")"
done
if [ $# -gt 0 ]; then
	picked=("$@")
else
	mapfile -t picked < <(TCPINC_VM_SCENARIO_DIR=$sdir "$PY" tests/vm/run.py --list |
		grep -vxE 'kmemleak-baseline|kmemleak-scan')
fi
export TCPINC_VM_KERNEL=$DK_BZIMAGE TCPINC_VM_MODULES=$DK_MODROOT TCPINC_KO=$src/tcpinc.ko
export TCPINC_VM_APPEND="panic_on_warn=1 loglevel=6"
export TCPINC_VM_SCENARIO_DIR=$sdir
export TCPINC_VM_BOOT_BUDGET=${TCPINC_VM_BOOT_BUDGET:-400}
# Every time bound of the harness and the scenarios, times this: the same
# steps run 6-14 times slower here than on the stock kernel (measured,
# Documentation/testing-debug-kernel.md) and the bounds are the stock
# kernel's; at 4 no wait used half its bound in the measured runs.
export TCPINC_VM_TIME_FACTOR=${TCPINC_VM_TIME_FACTOR:-4}
log "running ${#picked[@]} scenarios on $DK_KREL with $TCPINC_KO"
exec "$PY" tests/vm/run.py kmemleak-baseline "${picked[@]}" kmemleak-scan

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build.sh - `make selftest-module`: build tests/selftest-module/tcpinc_selftest.ko
# against the stock headers (scripts/kver.sh) into build/selftest-module/.
#
# The module is built in a copy of the sources (build/selftest-module/src/, kept
# between runs so rebuilds are incremental) with tests/selftest-module/Kbuild as
# its top-level Kbuild, so the work tree's own objects (make module) are
# never touched. Fails on any compiler, objtool or modpost warning, and when
# tests/selftest-module/selftest_vectors.h is stale against tests/vectors/.
#
# Another kernel (e.g. the debug kernel of scripts/debug-kernel.sh):
#   KDIR=<its build tree> TCPINC_SELFTEST_OUT=build/selftest-module/debug tests/selftest-module/build.sh
# Every build also leaves a copy in build/selftest-module/<vermagic release>/,
# which is what the VM scenario crypto-glue loads for the running kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
KVER=$(scripts/kver.sh)
KDIR=${KDIR:-/lib/modules/$KVER/build}
out=${TCPINC_SELFTEST_OUT:-build/selftest-module}
case $out in /*) ;; *) out=$top/$out;; esac
src=$out/src
log=$out/build.log
JOBS=${TCPINC_JOBS:-2}

die() { echo "selftest-module: $*" >&2; exit 1; }

[ -d "$KDIR" ] || die "no kernel headers in $KDIR (run make setup)"
/usr/bin/python3 tests/selftest-module/gen_selftest_vectors.py | cmp -s - tests/selftest-module/selftest_vectors.h ||
	die "tests/selftest-module/selftest_vectors.h is stale: rerun tests/selftest-module/gen_selftest_vectors.py"

mkdir -p "$src"
rsync -a --delete \
	--exclude=/.git/ --exclude=/build/ --exclude=/Kbuild.tcpinc \
	--exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='*.d' --exclude=modules.order \
	--exclude=Module.symvers --exclude=__pycache__/ --exclude=.tmp_versions/ \
	"$top/" "$src/"
cmp -s Kbuild "$src/Kbuild.tcpinc" || cp Kbuild "$src/Kbuild.tcpinc"
cmp -s tests/selftest-module/Kbuild "$src/Kbuild" || cp tests/selftest-module/Kbuild "$src/Kbuild"

if ! nice -n 10 make -C "$KDIR" M="$src" -j"$JOBS" modules >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -20 >&2
	die "build failed (see $log)"
fi
if grep -E 'warning:|objtool' "$log" >&2; then
	die "build has warnings (see $log)"
fi
cp "$src/tcpinc_selftest.ko" "$out/tcpinc_selftest.ko"
krel=$(modinfo -F vermagic "$out/tcpinc_selftest.ko" | awk '{print $1}')
mkdir -p "$top/build/selftest-module/$krel"
cp "$out/tcpinc_selftest.ko" "$top/build/selftest-module/$krel/tcpinc_selftest.ko"
echo "selftest-module: build/selftest-module/$krel/tcpinc_selftest.ko (depends: $(modinfo -F depends "$out/tcpinc_selftest.ko"))"

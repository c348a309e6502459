#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Proves the object gate can fail: each bad_*.cc sample must be rejected and
# good.cc accepted. Samples are compiled with the kernel ABI flags that
# matter for what the gate looks at (exceptions on where the sample needs
# them), not through Kbuild: they must never link into the module.
# Prints one "PASS/FAIL gate-<sample>" line per sample.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=build/gate; mkdir -p "$out"
flags="-std=gnu++20 -O2 -mcmodel=kernel -mno-red-zone -fno-pic -mno-sse -ffreestanding -fno-rtti -nostdinc++ -fno-asynchronous-unwind-tables"
rc=0
for src in tests/gate/*.cc; do
	name=$(basename "$src" .cc)
	extra=-fno-exceptions
	[ "$name" = bad_throw ] && extra=-fexceptions
	obj=$out/$name.o
	if ! g++ $flags $extra -c -o "$obj" "$src" 2>"$out/$name.log"; then
		echo "FAIL gate-$name (does not compile, see $out/$name.log)"; rc=1; continue
	fi
	if bash scripts/check-core-objects.sh "$obj" >"$out/$name.gate" 2>&1; then verdict=accepted; else verdict=rejected; fi
	case "$name:$verdict" in
	bad_*:rejected|good:accepted) echo "PASS gate-$name ($verdict)";;
	*) echo "FAIL gate-$name ($verdict; see $out/$name.gate)"; rc=1;;
	esac
done
exit $rc

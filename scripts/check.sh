#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check.sh - `make check`: every test tier, one summary line at the end.
#
#   setup -> module build + object gate -> glue layers -> gate self-test -> modinfo ->
#   self-test module build -> userspace unit tests (ASan/UBSan) ->
#   VM scenarios (stock kernel, QEMU) -> Debian packages (make deb, DKMS in
#   an overlay root, modprobe in a guest) ->
#   debug kernel (KASAN, lockdep, kmemleak, UBSAN; built once and cached,
#   scripts/debug-kernel.sh) -> KUnit on it (make kunit) -> a VM subset on
#   it with a kmemleak scan (make debug-vm SCENARIOS=$DEBUG_SCENARIOS)
#
# Each tier's output goes to build/check/<tier>.log; a tier that cannot run
# (e.g. the module does not build) counts its tests as failed, never as
# skipped or passed. Ends with "N passed, N failed[, N skipped]" and exits
# non-zero on any failure.
#
# The debug tiers take about 20-25 min warm (KUnit ~1.5 min, the VM subset
# ~17-20 min); a cold debug kernel build (first run on a machine, or after a
# change of scripts/debug-kernel.config, the script or Debian's
# linux-source-6.1) adds 20-27 min. Measured numbers and the reasons for the
# subset: Documentation/testing-debug-kernel.md. TCPINC_CHECK_DEBUG=0 leaves
# them out: reported as 1 skipped, never as passed (CI does not set it).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=build/check
mkdir -p "$logs"
passed=0 failed=0 skipped=0
t0=$(date +%s)

note() { printf '[check %4ss] %s\n' $(( $(date +%s) - t0 )) "$*"; }
pass() { passed=$((passed + 1)); echo "PASS $*"; }
failt() { failed=$((failed + 1)); echo "FAIL $*"; }
# tally PREFIX - count a tier's own "PASS name [detail]" / "FAIL name
# [detail]" / "SKIP name (why)" lines from stdin, one check each, name
# prefixed with PREFIX.
tally() {
	local verdict name rest
	while read -r verdict name rest; do
		case $verdict in
		PASS) pass "$1$name${rest:+ $rest}";;
		FAIL) failt "$1$name${rest:+ $rest}";;
		SKIP) skipped=$((skipped + 1)); echo "SKIP $1$name${rest:+ $rest}";;
		esac
	done
}

# add_summary NAME LOG - add the last "N passed, N failed[, N skipped]" line
# of LOG to the totals; none (the tier crashed or was killed) is a failure.
add_summary() {
	local line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
	if [ -z "$line" ]; then
		failt "$1 (no summary line; see $2)"
		return
	fi
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* failed, \([0-9]*\) skipped.*/\1/p')
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
	echo "$1: $line (see $2)"
}

# The debug-kernel VM subset run on every `make check` (the whole suite is
# `make debug-vm`, on demand): Documentation/testing-debug-kernel.md says
# why these. kmemleak-baseline/-scan are added by scripts/kunit.sh --vm.
DEBUG_SCENARIOS=${DEBUG_SCENARIOS:-"ulp-basic ulp-rmmod eno-handshake tcpcrypt-tamper tcpcrypt-semantics tcpcrypt-reuse tcpcrypt-flags notifiers crypto-glue vmgenid-restore"}

note "setup"
if ! bash scripts/setup.sh >"$logs/setup.log" 2>&1; then
	cat "$logs/setup.log"
	failt "setup (see $logs/setup.log)"
	echo "$passed passed, $failed failed"
	exit 1
fi

note "module build and object gate"
if make -s -j"$(nproc)" all >"$logs/module.log" 2>&1 && ! grep -qiE 'warning:|objtool' "$logs/module.log"; then
	pass "module-build-and-gate"
	module_ok=1
else
	grep -iE 'warning|error|gate' "$logs/module.log" | head -20
	failt "module-build-and-gate (see $logs/module.log)"
	module_ok=0
fi

note "glue layers (scripts/layers.sh)"
# The C glue is a one-way stack; a call or include against it names the edge.
if bash scripts/layers.sh >"$logs/layers.log" 2>&1; then
	pass "glue-layers ($(tail -1 "$logs/layers.log"))"
else
	grep FAIL "$logs/layers.log" | head -20
	failt "glue-layers (see $logs/layers.log)"
fi

note "Makefile: KVER resolved after setup (tests/make/kver.sh)"
tally "" < <(bash tests/make/kver.sh 2>&1 | tee "$logs/make-kver.log")
# The real build with an empty KVER in the environment (what every
# sub-make of the first `make check` on a fresh machine used to get).
if [ $module_ok = 1 ] && KVER= make -s module >"$logs/make-kver-real.log" 2>&1; then
	pass "make-kver-real-build (KVER= make module)"
else
	tail -5 "$logs/make-kver-real.log" 2>/dev/null
	failt "make-kver-real-build (see $logs/make-kver-real.log)"
fi

note "make install (staged) and the manual pages (tests/make/install.sh, tests/man/check.sh)"
if [ $module_ok = 1 ]; then
	tally install- < <(bash tests/make/install.sh 2>&1 | tee "$logs/make-install.log")
else
	failt "make-install (no module)"
fi
tally "" < <(bash tests/man/check.sh 2>&1 | tee "$logs/man.log")

note "object gate self-test"
tally "" < <(bash tests/gate/run.sh 2>&1 | tee "$logs/gate-selftest.log")

if [ $module_ok = 1 ]; then
	kver=$(scripts/kver.sh)
	lic=$(modinfo -F license tcpinc.ko)
	vm=$(modinfo -F vermagic tcpinc.ko)
	if [ "$lic" = GPL ] && [ "${vm%% *}" = "$kver" ]; then
		pass "modinfo (license $lic, vermagic ${vm%% *})"
	else
		failt "modinfo (license '$lic', vermagic '$vm', want GPL and $kver)"
	fi
else
	failt "modinfo (no module)"
fi

note "in-kernel self-test module (crypto glue)"
if [ $module_ok = 1 ] && make -s selftest-module >"$logs/selftest-module.log" 2>&1; then
	pass "selftest-module-build"
else
	tail -20 "$logs/selftest-module.log"
	failt "selftest-module-build (see $logs/selftest-module.log)"
fi

note "userspace unit tests"
make -s -j"$(nproc)" -C tests/unit build >"$logs/unit-build.log" 2>&1
if [ -x build/unit/tcpinc_unit_tests ] && ! grep -q 'error' "$logs/unit-build.log"; then
	build/unit/tcpinc_unit_tests >"$logs/unit.log" 2>&1
	urc=$?
	up=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\?\..*/\1/p' "$logs/unit.log")
	uf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\?, listed below:.*/\1/p' "$logs/unit.log")
	up=${up:-0} uf=${uf:-0}
	if [ $urc -ne 0 ] && [ "$uf" = 0 ]; then uf=1; fi   # crash or sanitizer abort
	passed=$((passed + up)); failed=$((failed + uf))
	echo "unit: $up passed, $uf failed (see $logs/unit.log)"
	grep '^\[  FAILED  \] [A-Za-z]' "$logs/unit.log" | sort -u
else
	tail -20 "$logs/unit-build.log"
	failt "unit-build (see $logs/unit-build.log)"
fi

note "X448 in userspace (tests/x448: RFC 7748 vectors, OpenSSL on 100,000 pairs, valgrind constant-time both ways)"
make -s -C tests/x448 check >"$logs/x448.log" 2>&1
add_summary x448 "$logs/x448.log"
grep '^FAIL' "$logs/x448.log"

note "RFC clause tables name existing tests (tests/unit/check-clauses.sh)"
# One check, not one per row: a table row is a claim, the tests it names
# are counted where they run.
if bash tests/unit/check-clauses.sh >"$logs/clauses.log" 2>&1; then
	pass "clause-tables ($(grep -E '^RFC 8548 table' "$logs/clauses.log"))"
else
	grep -E '^FAIL' "$logs/clauses.log" | head -20
	failt "clause-tables ($(tail -1 "$logs/clauses.log"); see $logs/clauses.log)"
fi

note "VM scenarios"
if [ $module_ok = 1 ]; then
	/usr/bin/python3 tests/vm/run.py ${SCENARIOS:-} 2>&1 | tee "$logs/vm.log"
	vp=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$logs/vm.log" | tail -1)
	vf=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$logs/vm.log" | tail -1)
	vs=$(sed -n 's/^[0-9]* passed, [0-9]* failed, \([0-9]*\) skipped.*/\1/p' "$logs/vm.log" | tail -1)
	if [ -z "$vp" ]; then
		failt "vm (no summary line; see $logs/vm.log)"
	else
		passed=$((passed + vp)); failed=$((failed + vf)); skipped=$((skipped + ${vs:-0}))
	fi
else
	failt "vm (module did not build)"
fi

note "Debian packages installed into an overlay root, modprobe in a guest (tests/pkg/dkms.sh, ~3 min)"
# make deb; dpkg -i of tcpinc-dkms and tcpinc-tools in a chroot into a
# throw-away overlay over / (DKMS builds there, never in the host's
# /lib/modules); a guest that sees that layer runs modprobe tcpinc and one
# connection with the packaged tools.
if [ $module_ok = 1 ]; then
	tally pkg- < <(timeout 900 bash tests/pkg/dkms.sh 2>&1 | tee "$logs/pkg.log")
	grep -q '^[0-9]* passed, [0-9]* failed' "$logs/pkg.log" ||
		failt "pkg (no summary line: killed after 900 s or crashed; see $logs/pkg.log)"
else
	failt "pkg (no module)"
fi

if [ "${TCPINC_CHECK_DEBUG:-1}" = 0 ]; then
	skipped=$((skipped + 1))
	echo "SKIP debug-kernel tiers (TCPINC_CHECK_DEBUG=0)"
else
	note "debug kernel (cached; a cold build takes 20-27 min)"
	# Bounded: a cold build takes 20-27 min on the shared 2-core machine.
	if timeout 3600 bash scripts/debug-kernel.sh >"$logs/debug-kernel.log" 2>&1; then
		pass "debug-kernel ($(tail -1 "$logs/debug-kernel.log"))"
		note "KUnit on the debug kernel"
		bash scripts/kunit.sh >"$logs/kunit.log" 2>&1
		rc=$? f0=$failed
		grep -E '^kunit: |^  suite |^FAIL|^  report' "$logs/kunit.log"
		add_summary kunit "$logs/kunit.log"
		# Exit status and summary must agree: a failed run whose summary
		# counts no failure still fails once.
		[ $rc -ne 0 ] && [ $failed = "$f0" ] && failt "kunit (exit $rc; see $logs/kunit.log)"
		note "VM subset on the debug kernel: $DEBUG_SCENARIOS"
		# run.py's own budget (boot + every scenario's timeout, times the
		# time factor) could exceed CI's 90 min if several scenarios hung;
		# this cap keeps the tier inside it (SIGTERM: run.py kills QEMU, and
		# the missing summary line counts as a failure).
		timeout -s TERM "${TCPINC_CHECK_DEBUG_VM_TIMEOUT:-2400}" \
			bash scripts/kunit.sh --vm $DEBUG_SCENARIOS 2>&1 | tee "$logs/debug-vm.log"
		rc=${PIPESTATUS[0]} f0=$failed
		add_summary debug-vm "$logs/debug-vm.log"
		[ $rc -ne 0 ] && [ $failed = "$f0" ] && failt "debug-vm (exit $rc; see $logs/debug-vm.log)"
	else
		tail -20 "$logs/debug-kernel.log"
		failt "debug-kernel (build failed; see $logs/debug-kernel.log)"
		failt "kunit (no debug kernel)"
		failt "debug-vm (no debug kernel)"
	fi
fi

note "done"
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# selftest.sh - prove that the VM harness reports failures as failures.
# Run by hand (not part of make check; ~3 minutes):
#
#   bash tests/vm/selftest.sh
#
# Writes throw-away scenarios to build/vm/selftest/scenarios and runs
# tests/vm/run.py on them; every expected verdict line must appear:
#   - exit 0 -> PASS, exit 77 -> SKIP, exit 1 -> FAIL, sleep past its
#     "# timeout:" -> FAIL (timeout);
#   - two failed check_eq sub-cases, then exit 0 -> FAIL, each sub-case on
#     its own line;
#   - a real kernel WARN (a tiny test module built here that WARNs in its init
#     and refuses to load) -> FAIL, and the guest goes on: the next scenario
#     still PASSes;
#   - "# needs: module" with TCPINC_KO missing -> FAIL;
#   - a guest runner that stops reporting -> FAIL by the host's global timeout,
#     QEMU killed;
#   - a kernel crash (sysrq c) -> FAIL for it and for every later scenario;
#   - vmgenid-restore with TCPINC_KO missing -> FAIL.
# Also checks that no QEMU started by the harness survives.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
st=build/vm/selftest
rm -rf "$st/scenarios" && mkdir -p "$st/scenarios"
kver=$(scripts/kver.sh)
errors=0

sc() { # NAME BODY [HEADER...]
	local name=$1 body=$2; shift 2
	{ echo '#!/bin/bash'; for h in "$@"; do echo "# $h"; done
	  echo '. "$TCPINC_TOP/tests/vm/lib.sh"'; echo "$body"; } >"$st/scenarios/$name.sh"
}

expect() { # OUTPUT-FILE REGEX
	if grep -qE "$2" "$1"; then echo "selftest: ok: /$2/"
	else echo "selftest: MISSING: /$2/ in $1"; errors=$((errors + 1)); fi
}

# A real WARN: a module whose init WARNs and then fails (never stays loaded).
mod=$st/warnmod
mkdir -p "$mod"
cat >"$mod/tcpinc_selftest_warn.c" <<'C'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init selftest_warn_init(void)
{
	WARN(1, "tcpinc-vm selftest: deliberate warning\n");
	return -EAGAIN;
}
module_init(selftest_warn_init);
MODULE_LICENSE("GPL");
C
echo 'obj-m := tcpinc_selftest_warn.o' >"$mod/Kbuild"
if make -s -C "/lib/modules/$kver/build" M="$top/$mod" modules >"$st/warnmod.log" 2>&1; then
	warn_body="insmod $top/$mod/tcpinc_selftest_warn.ko; exit 0"
else
	echo "selftest: cannot build the WARN module (see $st/warnmod.log); using a fake marker"
	warn_body='echo "WARNING: CPU: 0 PID: 1 at selftest (fake marker)" >/dev/kmsg; exit 0'
fi

sc st-a-pass 'netns_pair; in_ns h1 tcpinc_ping 192.0.2.2 1 || fail "ping"' 'timeout: 30'
sc st-b-exit1 'fail "deliberate failure"' 'timeout: 30'
sc st-c-skip 'skip "deliberate skip"' 'timeout: 30'
sc st-c2-subcases 'check_eq "sub one" a b; check_eq "sub two" 1 2; check_eq "sub three" x x; exit 0' 'timeout: 30'
sc st-d-timeout 'sleep 600' 'timeout: 5'
sc st-e-warn "$warn_body" 'timeout: 30'
sc st-f-after-warn 'exit 0' 'timeout: 30'
sc st-g-needs-module 'exit 0' 'timeout: 30' 'needs: module'
sc st-h-stop-runner 'kill -STOP $(pgrep -f guest-runner.sh); sleep 30' 'timeout: 5'
sc st-i-crash 'echo c >/proc/sysrq-trigger; sleep 30' 'timeout: 30'
sc st-j-after-crash 'exit 0' 'timeout: 30'

run() { # LOG ARGS...
	local log=$1; shift
	echo "selftest: run.py $*"
	/usr/bin/python3 tests/vm/run.py --scenario-dir "$st/scenarios" "$@" 2>&1 | tee "$log"
	echo "selftest: run.py exit ${PIPESTATUS[0]}" | tee -a "$log"
}

run "$st/run1.log" st-a-pass st-b-exit1 st-c-skip st-c2-subcases st-d-timeout st-e-warn st-f-after-warn
expect "$st/run1.log" '^PASS st-a-pass$'
expect "$st/run1.log" '^FAIL st-b-exit1 \(exit 1: deliberate failure\)$'
expect "$st/run1.log" '^SKIP st-c-skip \(deliberate skip\)$'
expect "$st/run1.log" "^FAIL st-c2-subcases \\(2 sub-case\\(s\\) failed, first: sub one: expected 'a', got 'b'\\)$"
expect "$st/run1.log" "^  FAIL st-c2-subcases / sub one: expected 'a', got 'b'$"
expect "$st/run1.log" "^  FAIL st-c2-subcases / sub two: expected '1', got '2'$"
expect "$st/run1.log" '^FAIL st-d-timeout \(timeout after 5s\)$'
expect "$st/run1.log" '^FAIL st-e-warn \(kernel problem in console log: .*WARNING'
expect "$st/run1.log" '^PASS st-f-after-warn$'
expect "$st/run1.log" '^2 passed, 4 failed, 1 skipped$'
expect "$st/run1.log" 'run.py exit 1$'

TCPINC_KO=/nonexistent/tcpinc.ko run "$st/run2.log" st-g-needs-module vmgenid-restore
expect "$st/run2.log" '^FAIL st-g-needs-module \(needs module: .*does not exist'
expect "$st/run2.log" '^FAIL vmgenid-restore \(.*needs module'
expect "$st/run2.log" '^0 passed, 2 failed$'

TCPINC_VM_BOOT_BUDGET=30 run "$st/run3.log" st-h-stop-runner
expect "$st/run3.log" '^FAIL st-h-stop-runner \(no report on the result channel: QEMU killed after the global timeout'

run "$st/run4.log" st-a-pass st-i-crash st-j-after-crash
expect "$st/run4.log" '^PASS st-a-pass$'
expect "$st/run4.log" '^FAIL st-i-crash \(no report'
expect "$st/run4.log" '^FAIL st-j-after-crash \(no report'
expect "$st/run4.log" '^1 passed, 2 failed$'

# No QEMU of these runs may survive (other people's runs may be going on).
for d in $(sed -n 's/^tcpinc-vm: kernel .*logs \(build\/vm\/logs\/[^ ]*\)$/\1/p' "$st"/run*.log); do
	if pgrep -f "qemu-system-x86_64.*$top/$d/" >/dev/null; then
		echo "selftest: stray QEMU of $d:"; pgrep -af "qemu-system-x86_64.*$top/$d/"
		errors=$((errors + 1))
	fi
done
echo "selftest: $errors error(s)"
[ $errors = 0 ]

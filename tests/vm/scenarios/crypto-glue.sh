#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 420
# needs: module
#
# The kernel crypto provider (crypto-glue/) and the C++ core on the stock
# kernel: insmod build/selftest-module/tcpinc_selftest.ko (built on the host by
# `make selftest-module`; this scenario builds nothing). At load it runs the
# known-answer tests (RFC 5869, RFC 7748, the tcpcrypt AEAD frame vectors on
# both AES-GCM paths, P-256 agreement and rejections) and tcpcrypt
# handshakes between two in-memory core sessions, prints KTAP-style lines
# and "# tcpinc_selftest: N passed, N failed", and fails its init on any
# failure. Here: insmod succeeds, the totals say all passed (count > 0),
# rmmod succeeds. The timings it prints are copied to the scenario log.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

# Built for the running kernel (stock, or the debug kernel: see build.sh).
ko=$TCPINC_TOP/build/selftest-module/$(uname -r)/tcpinc_selftest.ko
[ -r "$ko" ] || fail "$ko does not exist (run make selftest-module on the host)"
for dep in $(modinfo -F depends "$ko" | tr , ' '); do
	timeout "$(scaled 60)" modprobe "$dep" || fail "modprobe $dep (dependency of tcpinc_selftest) failed"
done

# The harness's default QEMU CPU has no AES-NI: AES-GCM then runs its
# software path only (the self test forces that path in any case too).
if grep -qw aes /proc/cpuinfo; then log "guest CPU has AES-NI"; else log "guest CPU has no AES-NI"; fi

mark="tcpinc-vm: crypto-glue selftest $$ $(date +%s)"
echo "<5>$mark" >/dev/kmsg
log "insmod $ko"
rc=0
timeout "$(scaled 360)" insmod "$ko" || rc=$?
out=$TCPINC_OUT/crypto-glue-dmesg.txt
dmesg | sed -n "\|$mark|,\$p" >"$out"
grep -E '^\[[ 0-9.]*\] (not ok|ok|#|KTAP|1\.\.)' "$out" | sed 's/^\[[ 0-9.]*\] //' || true

summary=$(grep -o 'tcpinc_selftest: [0-9]* passed, [0-9]* failed' "$out" | tail -n1 || true)
[ -n "$summary" ] || fail "no summary line in dmesg (insmod exit $rc)"
passed=$(echo "$summary" | awk '{print $2}')
failed=$(echo "$summary" | awk '{print $4}')
grep -E '\] not ok ' "$out" >&2 || true
expect_eq "self test failures" 0 "$failed"
[ "$passed" -gt 0 ] || fail "self test ran no tests"
echo "ok: $passed self tests passed"
expect_eq "insmod exit status" 0 "$rc"
grep -q 'Call Trace\|BUG:\|WARNING:' "$out" && fail "kernel warning during the self test (see $out)"
rmmod tcpinc_selftest || fail "rmmod tcpinc_selftest failed"
[ ! -d /sys/module/tcpinc_selftest ] || fail "tcpinc_selftest still loaded after rmmod"
echo "ok: rmmod tcpinc_selftest"

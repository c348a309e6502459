#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/make/install.sh - `make install DESTDIR=...` stages what an
# out-of-tree module install puts on a system, and depmod on that tree
# finds the module by name and by the alias setsockopt(TCP_ULP) requests.
# Needs a built module (make all). Prints PASS/FAIL lines and a summary.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${KVER:-$("$top/scripts/kver.sh")}
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
passed=0 failed=0
check() { # NAME COMMAND...
	local n=$1; shift
	if "$@" >/dev/null 2>&1; then echo "PASS $n"; passed=$((passed + 1)); else echo "FAIL $n"; failed=$((failed + 1)); fi
}
make -s -C "$top" install DESTDIR="$stage" KVER="$kver" >"$stage.log" 2>&1
check install-runs grep -q "staged in $stage" "$stage.log"
check module-in-updates test -s "$stage/lib/modules/$kver/updates/tcpinc.ko"
check module-is-the-build cmp "$top/tcpinc.ko" "$stage/lib/modules/$kver/updates/tcpinc.ko"
check tcpinc-run-installed test -x "$stage/usr/bin/tcpinc-run"
check preload-library-installed test -s "$stage/usr/lib/tcpinc/libtcpinc-preload.so"
# The installed tcpinc-run finds the installed library (../lib/tcpinc):
# it prints the environment it would run the command with.
check tcpinc-run-finds-library sh -c "'$stage/usr/bin/tcpinc-run' -- env | grep -qx 'LD_PRELOAD=$stage/usr/lib/tcpinc/libtcpinc-preload.so'"
check tcpinc-auth-installed test -x "$stage/usr/bin/tcpinc-auth"
check tcpinc-installed test -x "$stage/usr/sbin/tcpinc"
# The installed tcpinc(8) runs: its usage names every command (exit 2).
check tcpinc-usage sh -c "'$stage/usr/sbin/tcpinc' --help 2>&1 | grep -q 'tcpinc cache flush'"
check man-page-tcpinc.8 sh -c "zcat '$stage/usr/share/man/man8/tcpinc.8.gz' | cmp - '$top/Documentation/man/tcpinc.8'"
check uapi-header cmp "$top/include/uapi/linux/tcpinc.h" "$stage/usr/include/linux/tcpinc.h"
check man-page-tcpinc.7 sh -c "zcat '$stage/usr/share/man/man7/tcpinc.7.gz' | cmp - '$top/Documentation/man/tcpinc.7'"
check man-page-tcpinc-run.1 sh -c "zcat '$stage/usr/share/man/man1/tcpinc-run.1.gz' | cmp - '$top/Documentation/man/tcpinc-run.1'"
depmod -b "$stage" "$kver" 2>/dev/null
check depmod-indexes-it grep -qx 'updates/tcpinc.ko:' "$stage/lib/modules/$kver/modules.dep"
check alias-tcp-ulp-tcpcrypt grep -q ' tcp_ulp_tcpcrypt tcpinc$\| tcp-ulp-tcpcrypt tcpinc$' "$stage/lib/modules/$kver/modules.alias"
rm -f "$stage.log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

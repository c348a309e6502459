#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kmemleak-scan - last guest scenario of `make debug-vm` (scripts/kunit.sh
# --vm): unload the module, wait out kmemleak's minimum object age, scan
# twice, and fail on any suspect; the report is shipped to the host as
# kmemleak.txt. Debug kernel only.
#
# timeout: 300
set -eu
. "$TCPINC_TOP/tests/vm/lib.sh"
KL=/sys/kernel/debug/kmemleak
[ -e $KL ] || fail "no $KL: not the debug kernel, or debugfs not mounted"
if [ -d /sys/module/tcpinc ]; then
	rmmod tcpinc || log "warning: rmmod tcpinc failed; scanning with the module loaded"
fi
sleep 6     # objects younger than 5 s are never reported
echo scan >$KL || fail "kmemleak scan"
echo scan >$KL || fail "kmemleak scan"
cat $KL >"$TCPINC_OUT/kmemleak.txt"
n=$(grep -c '^unreferenced object' "$TCPINC_OUT/kmemleak.txt" || true)
if [ "$n" != 0 ]; then
	head -40 "$TCPINC_OUT/kmemleak.txt"
	fail "kmemleak: $n suspected leak(s), first: $(grep -m1 -A8 '^unreferenced object' "$TCPINC_OUT/kmemleak.txt" | grep -m1 -E 'tcpinc|\[<' || true)"
fi
log "kmemleak: no suspects"

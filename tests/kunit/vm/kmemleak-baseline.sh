#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kmemleak-baseline - first scenario of `make debug-vm` (scripts/kunit.sh
# --vm): scan once and clear, so that leak suspects from the kernel's own
# boot are not blamed on the scenarios. Debug kernel only.
#
# timeout: 300
set -eu
. "$TCPINC_TOP/tests/vm/lib.sh"
KL=/sys/kernel/debug/kmemleak
[ -e $KL ] || fail "no $KL: not the debug kernel, or debugfs not mounted"
echo scan >$KL || fail "kmemleak scan"
n=$(grep -c '^unreferenced object' $KL || true)
log "boot-time suspects cleared: $n"
echo clear >$KL || fail "kmemleak clear"

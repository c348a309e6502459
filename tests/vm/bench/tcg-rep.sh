#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# Benchmark (printed, never asserted): what one step of a rep-prefixed
# string instruction costs on this guest's CPU against a loop's block
# (tools/tcg-count/tcpinc_rep_cost.c, built here with the host's gcc over
# 9p). Under TCG each rep step is a block of its own; conn-tcg counts them
# apart, and this says how much cheaper they are.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

gcc -O2 -Wall -Werror -o "$TCPINC_OUT/rep-cost" "$TCPINC_TOP/tools/tcg-count/tcpinc_rep_cost.c"
out=$("$TCPINC_OUT/rep-cost")
echo "$out"
/usr/bin/python3 -c "import json,sys; j=json.loads(sys.argv[1]); print('BENCH tcg-rep: zeroing %d bytes: rep stosq %d ns (%.1f ns per step), an unrolled loop %d ns (%.1f ns per iteration of 8 stores), the call alone %d ns' % (j['bytes'], j['rep_stosq_ns'], j['rep_stosq_ns'] / j['rep_steps'], j['unrolled_loop_ns'], j['unrolled_loop_ns'] / j['loop_iterations'], j['call_ns']))" "$out"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# needs: module
#
# Benchmark (printed, never asserted), one guest run, interleaved rounds:
# what a connection (connect, 1-byte echo, close) costs in CPU when client
# and server run in one process, so that no context switch separates them
# (tcpinc_bench.py cost). resume-rate measures the same exchange between
# two processes on the guest's one vCPU, where every switch between them
# also flushes the guest TLB under TCG; this one shows how much of its
# ratio is the module's own work. Plain TCP vs tcpcrypt resumed vs full,
# per phase (setup = socket + TCP_ULP).
#   h1 192.0.2.1 (client sockets) ==== h2 192.0.2.2 (listeners, 7961-7963)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
ROUNDS=${TCPINC_BENCH_ROUNDS:-3}
COUNT=${TCPINC_BENCH_COUNT:-300}
netns_pair
declare -A port=([plain]=7961 [tcpcrypt]=7962 [resume]=7963) us
for r in $(seq 1 "$ROUNDS"); do
	for m in plain tcpcrypt resume; do
		out=$(timeout 300 $B cost --server-ns h2 --client-ns h1 --addr 192.0.2.2 \
			--port $((${port[$m]} + 10 * r)) --mode $m --count "$COUNT")
		echo "round $r: $out"
		[ "$(json_field "$out" echoed)" = "$(json_field "$out" connections)" ] ||
			fail "$m: not every connection echoed"
		us[$m]+="$(json_field "$out" us_per_connection) "
	done
done
up=$(median "${us[plain]}"); ut=$(median "${us[tcpcrypt]}"); ur=$(median "${us[resume]}")
# Under ICOUNT=1 the guest's clock counts instructions: a microsecond is
# a thousand guest instructions, whatever else the host is doing.
unit="microseconds" what=""
if [ "${TCPINC_VM_ICOUNT:-0}" = 1 ]; then
	unit="thousands of guest instructions (-icount)" what=" in guest instructions"
fi
echo "$unit per connection, one process (median of $ROUNDS x $COUNT): plain $up, tcpcrypt full $ut, tcpcrypt resumed $ur"
/usr/bin/python3 -c "import sys; up,ut,ur=map(float,sys.argv[1:4]); print('BENCH connection cost without context switches%s: resumed/plain = %.2f, full/plain = %.2f (as rates: resumed %.2fx plain, full %.2fx plain)' % (sys.argv[4], ur/up, ut/up, up/ur, up/ut))" "$up" "$ut" "$ur" "$what"

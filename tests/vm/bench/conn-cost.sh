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
# per phase (setup = socket + TCP_ULP), and eno-off: the ULP on both ends
# with ENO turned off on the client, a plain connection through the module
# (what its presence alone costs), and kTLS with its keys set directly
# after connect (no handshake at all: the kernel's own per-connection
# encryption, what "as cheap as kTLS" is measured against).
#   h1 192.0.2.1 (client sockets) ==== h2 192.0.2.2 (listeners, 7961-7965)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
ROUNDS=${TCPINC_BENCH_ROUNDS:-3}
COUNT=${TCPINC_BENCH_COUNT:-300}
netns_pair
modprobe tls 2>/dev/null || true
declare -A port=([plain]=7961 [tcpcrypt]=7962 [resume]=7963 [eno-off]=7964 [ktls]=7965) us
for r in $(seq 1 "$ROUNDS"); do
	for m in plain tcpcrypt resume eno-off ktls; do
		out=$(timeout 300 $B cost --server-ns h2 --client-ns h1 --addr 192.0.2.2 \
			--port $((${port[$m]} + 10 * r)) --mode $m --count "$COUNT")
		echo "round $r: $out"
		[ "$(json_field "$out" echoed)" = "$(json_field "$out" connections)" ] ||
			fail "$m: not every connection echoed"
		# What the warm-up connection negotiated (TCP_ENO_NEGTEP on the
		# server's socket): no ULP, the ULP with ENO off, or a TEP.
		tep=$(json_field "$out" negtep)
		case $m in
		plain | ktls) [ "$tep" = ENOPROTOOPT ] || fail "$m: NEGTEP gave $tep, not ENOPROTOOPT (no tcpinc ULP)" ;;
		eno-off) [ "$tep" = EINVAL ] || fail "$m: NEGTEP gave $tep, not EINVAL (ULP, ENO off)" ;;
		*) [[ "$tep" == 0x* && "$tep" != 0x00 ]] || fail "$m: NEGTEP gave $tep, not a TEP" ;;
		esac
		us[$m]+="$(json_field "$out" us_per_connection) "
	done
done
up=$(median "${us[plain]}"); ut=$(median "${us[tcpcrypt]}"); ur=$(median "${us[resume]}")
uo=$(median "${us[eno-off]}"); uk=$(median "${us[ktls]}")
# Under ICOUNT=1 the guest's clock counts instructions: a microsecond is
# a thousand guest instructions, whatever else the host is doing.
unit="microseconds" what=""
if [ "${TCPINC_VM_ICOUNT:-0}" = 1 ]; then
	unit="thousands of guest instructions (-icount)" what=" in guest instructions"
fi
echo "$unit per connection, one process (median of $ROUNDS x $COUNT): plain $up, tcpcrypt full $ut, tcpcrypt resumed $ur, ULP with ENO off $uo, kTLS $uk"
/usr/bin/python3 -c "import sys; up,ut,ur,uo,uk=map(float,sys.argv[1:6]); print('BENCH connection cost without context switches%s: resumed/plain = %.2f, full/plain = %.2f (as rates: resumed %.2fx plain, full %.2fx plain); the module on a plain connection (eno-off/plain) = %.2f; kTLS/plain = %.2f, resumed/kTLS = %.2f' % (sys.argv[6], ur/up, ut/up, up/ur, up/ut, uo/up, uk/up, ur/uk))" "$up" "$ut" "$ur" "$uo" "$uk" "$what"

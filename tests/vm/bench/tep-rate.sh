#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# needs: module
#
# Benchmark (printed, never asserted), one guest run, interleaved rounds:
# connection rate (connect, 1-byte echo, close) with a full key exchange
# every time (TCP_CRYPT_NO_RESUME) over TEP 0x23 (X25519, the curve25519
# library) vs TEP 0x24 (X448 through the KPP "curve448"), both ends
# offering only that TEP (TCP_ENO_TEPS). Each round is checked to be full
# exchanges (TcpincTcHandshakes grows by the count, nothing resumed).
#   h1 192.0.2.1 (client) ==== h2 192.0.2.2 (echo servers on 7931-7932)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
ROUNDS=${TCPINC_BENCH_ROUNDS:-3}
COUNT=${TCPINC_BENCH_COUNT:-200}
netns_pair
dmesg | grep -q "TEP 0x24 unavailable" && skip "X448 unavailable: $(dmesg | grep 'TEP 0x24 unavailable' | tail -1)"
declare -A port=([x25519]=7931 [x448]=7932) tep=([x25519]=0x23 [x448]=0x24)
for m in x25519 x448; do
	in_ns h2 $B serve --addr 192.0.2.2 --port ${port[$m]} --mode tcpcrypt --tep ${tep[$m]} --echo \
		--ready "$TCPINC_OUT/$m.ready" &
done
for m in x25519 x448; do wait_for 20 test -e "$TCPINC_OUT/$m.ready" || fail "$m server did not start"; done

declare -A rate
for r in $(seq 1 "$ROUNDS"); do
	for m in x25519 x448; do
		res0=$(tcpinc_stat TcpincResumed h1) hs0=$(tcpinc_stat TcpincTcHandshakes h1)
		out=$(in_ns h1 timeout 300 $B rate --addr 192.0.2.2 --port ${port[$m]} --mode tcpcrypt --tep ${tep[$m]} --count "$COUNT")
		echo "round $r $m: $out"
		res=$(( $(tcpinc_stat TcpincResumed h1) - res0 )) hs=$(( $(tcpinc_stat TcpincTcHandshakes h1) - hs0 ))
		[ "$hs" = "$COUNT" ] && [ "$res" = 0 ] || fail "$m round: $hs handshakes, $res resumed"
		rate[$m]+="$(json_field "$out" per_second) "
	done
done
r25=$(median "${rate[x25519]}"); r448=$(median "${rate[x448]}")
echo "full-exchange connections/s (median of $ROUNDS x $COUNT): X25519 (0x23) $r25, X448 (0x24) $r448"
/usr/bin/python3 -c "import sys; a,b=map(float,sys.argv[1:]); print('BENCH X448/X25519 full-exchange connection rate = %.2f' % (b/a))" "$r25" "$r448"

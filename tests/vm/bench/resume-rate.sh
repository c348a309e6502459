#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# needs: module
#
# Benchmark (printed, never asserted), one guest run, interleaved rounds:
# connection rate (connect, 1-byte echo, close) of tcpcrypt with resumption
# (no Init1/Init2: keys from the cached ss[i], RFC 8548 3.5) vs tcpcrypt
# with a full key exchange every time (TCP_CRYPT_NO_RESUME) vs plain TCP.
# Target: resumed >= 0.8x plain. The resumed rounds are checked to really
# resume (TcpincResumed grows by the connection count) and the full ones
# not to (TcpincTcHandshakes grows instead).
#   h1 192.0.2.1 (client) ==== h2 192.0.2.2 (echo servers on 7921-7923)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
ROUNDS=${TCPINC_BENCH_ROUNDS:-3}
COUNT=${TCPINC_BENCH_COUNT:-200}
netns_pair
declare -A port=([plain]=7921 [tcpcrypt]=7922 [resume]=7923)
for m in plain tcpcrypt resume; do
	in_ns h2 $B serve --addr 192.0.2.2 --port ${port[$m]} --mode $m --echo --ready "$TCPINC_OUT/$m.ready" &
done
for m in plain tcpcrypt resume; do wait_for 20 test -e "$TCPINC_OUT/$m.ready" || fail "$m server did not start"; done
# One full exchange fills the caches for the resumed rounds.
in_ns h1 timeout 60 $B rate --addr 192.0.2.2 --port ${port[resume]} --mode resume --count 1 >/dev/null

declare -A rate
for r in $(seq 1 "$ROUNDS"); do
	for m in plain tcpcrypt resume; do
		res0=$(tcpinc_stat TcpincResumed h1) hs0=$(tcpinc_stat TcpincTcHandshakes h1)
		out=$(in_ns h1 timeout 300 $B rate --addr 192.0.2.2 --port ${port[$m]} --mode $m --count "$COUNT")
		echo "round $r: $out"
		res=$(( $(tcpinc_stat TcpincResumed h1) - res0 )) hs=$(( $(tcpinc_stat TcpincTcHandshakes h1) - hs0 ))
		case $m in
		resume) [ "$res" = "$COUNT" ] || fail "resume round: $res of $COUNT connections resumed";;
		tcpcrypt) [ "$hs" = "$COUNT" ] && [ "$res" = 0 ] ||
			fail "full round: $hs handshakes, $res resumed; h1: $(in_ns h1 awk '$2 != 0' /proc/net/tcpinc_stat | tr '\n\t' '; ')";;
		esac
		rate[$m]+="$(json_field "$out" per_second) "
	done
done
rp=$(median "${rate[plain]}"); rt=$(median "${rate[tcpcrypt]}"); rr=$(median "${rate[resume]}")
echo "connections/s (median of $ROUNDS x $COUNT): plain $rp, tcpcrypt full $rt, tcpcrypt resumed $rr"
/usr/bin/python3 -c "import sys; rp,rt,rr=map(float,sys.argv[1:]); print('BENCH resumed/plain connection rate = %.2f (project goal 0.8, informational: never asserted), full/plain = %.2f, resumed/full = %.2f' % (rr/rp, rt/rp, rr/rt))" "$rp" "$rt" "$rr"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# needs: module
#
# Benchmark (printed, never asserted), one guest run, interleaved rounds:
# - bulk throughput of one connection, 64 MiB one way: tcpcrypt
#   (AES-128-GCM) vs kTLS software AES-128-GCM (keys set directly with
#   setsockopt(SOL_TLS), no handshake) vs plain TCP;
# - connection rate (connect, 1-byte echo, close): tcpcrypt full handshake
#   vs plain TCP.
#   h1 192.0.2.1 (client) ==== h2 192.0.2.2 (servers on 7901-7903, 7911-7912)
# Under TCG every figure is far below native; the ratios are what to read.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
ROUNDS=${TCPINC_BENCH_ROUNDS:-3}
SIZE=${TCPINC_BENCH_SIZE:-$((64 << 20))}
COUNT=${TCPINC_BENCH_COUNT:-100}
netns_pair
modprobe tls 2>/dev/null || true
declare -A port=([plain]=7901 [tcpcrypt]=7902 [ktls]=7903)
for m in plain tcpcrypt ktls; do
	in_ns h2 $B serve --addr 192.0.2.2 --port ${port[$m]} --mode $m --ready "$TCPINC_OUT/$m.ready" &
done
in_ns h2 $B serve --addr 192.0.2.2 --port 7911 --mode plain --echo --ready "$TCPINC_OUT/rp.ready" &
in_ns h2 $B serve --addr 192.0.2.2 --port 7912 --mode tcpcrypt --echo --ready "$TCPINC_OUT/rt.ready" &
for f in plain tcpcrypt ktls rp rt; do wait_for 20 test -e "$TCPINC_OUT/$f.ready" || fail "$f server did not start"; done

declare -A bulk rate
for r in $(seq 1 "$ROUNDS"); do
	for m in plain tcpcrypt ktls; do
		out=$(in_ns h1 timeout 200 $B bulk --addr 192.0.2.2 --port ${port[$m]} --mode $m --size "$SIZE")
		echo "round $r: $out"
		[ "$(json_field "$out" received)" = "$SIZE" ] \
			|| fail "$m: the server did not receive $SIZE bytes: $out"
		bulk[$m]+="$(json_field "$out" mbit_s) "
	done
	for m in plain tcpcrypt; do
		p=7911; [ $m = tcpcrypt ] && p=7912
		out=$(in_ns h1 timeout 300 $B rate --addr 192.0.2.2 --port $p --mode $m --count "$COUNT")
		echo "round $r: $out"
		rate[$m]+="$(json_field "$out" per_second) "
	done
done
bp=$(median "${bulk[plain]}"); bt=$(median "${bulk[tcpcrypt]}"); bk=$(median "${bulk[ktls]}")
rp=$(median "${rate[plain]}"); rt=$(median "${rate[tcpcrypt]}")
echo "bulk Mbit/s (median of $ROUNDS): plain $bp, tcpcrypt $bt, kTLS $bk"
echo "connections/s (median of $ROUNDS x $COUNT): plain $rp, tcpcrypt $rt"
/usr/bin/python3 -c "import sys; bp,bt,bk,rp,rt=map(float,sys.argv[1:]); print('BENCH tcpcrypt/kTLS throughput = %.2f (project goal 1.0), tcpcrypt/plain throughput = %.2f, tcpcrypt/plain connection rate = %.2f (project goal 0.5; informational, never asserted)' % (bt/bk, bt/bp, rt/rp))" "$bp" "$bt" "$bk" "$rp" "$rt"

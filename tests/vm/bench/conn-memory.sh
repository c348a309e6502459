#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 3000
# needs: module
# memory: 6144
#
# Benchmark (printed, never asserted): what an idle connection costs in
# kernel memory when thousands stay open, and the setup rate while the
# earlier ones stay open. Both ends in one process (tcpinc_bench.py hold):
# N = 1,000 and 10,000 connection pairs, each with one byte echoed each
# way so that keys and buffers exist, all kept open; memory per pair from
# /proc/meminfo once all are open: Slab (on 6.1 it includes kmalloc's
# large allocations, so the session blocks too; steady from run to run),
# MemFree (everything, but moved by the page cache: at N = 1,000 it
# is noise for kTLS's few KiB) and MemAvailable (MemFree plus what the
# kernel estimates it could reclaim; it moves with MemFree here). The
# ratios use Slab. Modes: plain TCP, kTLS (AES-128-GCM
# TX+RX, keys set directly), tcpcrypt full exchange, tcpcrypt resumed.
# Then, with 1,000 pairs open, 100 of them queue up to 1 MiB each without
# the receiver reading: memory per connection with data in flight.
#   h1 192.0.2.1 (clients) ==== h2 192.0.2.2 (listeners 7971..)
# The guest gets 6 GiB: 10,000 tcpcrypt pairs needed ~2.7 GiB when
# measured.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
COUNTS=${TCPINC_BENCH_COUNTS:-1000 10000}
netns_pair
modprobe tls 2>/dev/null || true
in_ns h1 sysctl -qw net.ipv4.ip_local_port_range="20000 65000"
declare -A slab free avail rate late bslab bfree bavail
port=7971
for n in $COUNTS; do
	for m in plain ktls tcpcrypt resume; do
		extra=()
		[ "$n" = 1000 ] && extra=(--bulk-conns 100 --size $((1 << 20)))
		out=$(timeout 1200 $B hold --server-ns h2 --client-ns h1 --addr 192.0.2.2 \
			--port $port --mode $m --count "$n" "${extra[@]}")
		port=$((port + 1))
		echo "N=$n: $out"
		[ "$(json_field "$out" echoed)" = "$n" ] || fail "$m N=$n: not every connection echoed"
		if [ "$n" = 1000 ]; then
			[ "$(json_field "$out" bulk_received_bytes)" = "$(json_field "$out" bulk_queued_bytes)" ] ||
				fail "$m: bytes queued and received differ: $out"
			bslab[$m]=$(json_field "$out" bulk_Slab_kib_per_pair)
			bfree[$m]=$(json_field "$out" bulk_MemFree_kib_per_pair)
			bavail[$m]=$(json_field "$out" bulk_MemAvailable_kib_per_pair)
		fi
		slab[$m.$n]=$(json_field "$out" Slab_kib_per_pair)
		free[$m.$n]=$(json_field "$out" MemFree_kib_per_pair)
		avail[$m.$n]=$(json_field "$out" MemAvailable_kib_per_pair)
		rate[$m.$n]=$(json_field "$out" per_second)
		late[$m.$n]=$(json_field "$out" last_tenth_per_second)
	done
done
for n in $COUNTS; do
	echo "N=$n connection pairs held open (KiB per pair: Slab / MemFree / MemAvailable; setup rate overall / last tenth, connections/s):"
	for m in plain ktls tcpcrypt resume; do
		printf '  %-9s %8s / %8s / %8s KiB   %7s / %7s per s\n' "$m" "${slab[$m.$n]}" "${free[$m.$n]}" \
			"${avail[$m.$n]}" "${rate[$m.$n]}" "${late[$m.$n]}"
	done
	/usr/bin/python3 - "$n" "${slab[plain.$n]}" "${slab[ktls.$n]}" "${slab[tcpcrypt.$n]}" \
		"${slab[resume.$n]}" "${rate[plain.$n]}" "${rate[ktls.$n]}" "${rate[tcpcrypt.$n]}" \
		"${rate[resume.$n]}" "${avail[plain.$n]}" "${avail[ktls.$n]}" "${avail[tcpcrypt.$n]}" \
		"${avail[resume.$n]}" <<'PY'
import sys
n = sys.argv[1]
fp, fk, ft, fr, rp, rk, rt, rr, ap, ak, at, ar = map(float, sys.argv[2:])
print("BENCH conn-memory N=%s: Slab over plain TCP per pair: kTLS +%.1f KiB, tcpcrypt full +%.1f KiB, "
      "resumed +%.1f KiB (goal <= 8 KiB); tcpcrypt/kTLS overhead = %.1fx; MemAvailable over plain "
      "per pair: kTLS %+.1f, full %+.1f, resumed %+.1f KiB; setup rate with all "
      "held open vs plain: kTLS %.2f, full %.2f, resumed %.2f"
      % (n, fk - fp, ft - fp, fr - fp, (ft - fp) / max(fk - fp, 0.1), ak - ap, at - ap, ar - ap,
         rk / rp, rt / rp, rr / rp))
PY
done
if [ -n "${bfree[plain]:-}" ]; then
	echo "BENCH conn-memory in flight (100 of 1,000 pairs, up to 1 MiB queued each, receiver not reading), KiB per connection pair by MemFree: plain ${bfree[plain]}, kTLS ${bfree[ktls]}, tcpcrypt ${bfree[tcpcrypt]}, resumed ${bfree[resume]}; by MemAvailable: plain ${bavail[plain]}, kTLS ${bavail[ktls]}, tcpcrypt ${bavail[tcpcrypt]}, resumed ${bavail[resume]} (Slab: ${bslab[plain]}, ${bslab[ktls]}, ${bslab[tcpcrypt]}, ${bslab[resume]})"
fi

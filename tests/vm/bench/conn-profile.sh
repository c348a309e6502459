#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
# needs: module
#
# Profile (printed, never asserted): where the CPU of a connection goes,
# for conn-cost's exchange (connect, 1-byte echo each way, close, both ends
# in one process). perf samples the whole guest (cpu-clock, call graphs)
# while tcpinc_bench.py cost runs COUNT connections in each mode, and
# tools/tcpinc_profile.py splits what tcpcrypt adds over plain TCP into
# crypto, allocation, the module's logic and TCP's own work, and lists
# the functions that grew most. Needs perf (Debian: linux-perf) on the
# host, whose root the guest shares.
#   h1 192.0.2.1 (client sockets) ==== h2 192.0.2.2 (listeners, 7971-7973)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

command -v perf >/dev/null || skip "perf is not installed (apt-get install linux-perf)"
B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
COUNT=${TCPINC_BENCH_COUNT:-2000}
FREQ=4000
netns_pair
echo 0 > /proc/sys/kernel/kptr_restrict	# module symbols in the call graphs
W=$(mktemp -d)	# the guest's tmpfs overlay: perf data is large for the 9p share
trap 'rm -rf "$W"' EXIT
declare -A port=([plain]=7971 [resume]=7972 [tcpcrypt]=7973)
runs=()
for m in plain resume tcpcrypt; do
	timeout 600 perf record -q -e cpu-clock -F $FREQ -a -g -o "$W/$m.data" -- \
		$B cost --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port ${port[$m]} \
		--mode $m --count "$COUNT" > "$TCPINC_OUT/$m.json"
	echo "$m: $(cat "$TCPINC_OUT/$m.json")"
	[ "$(json_field "$(cat "$TCPINC_OUT/$m.json")" echoed)" = "$COUNT" ] || fail "$m: not every connection echoed"
	perf script -i "$W/$m.data" -F comm,ip,sym > "$W/$m.txt" 2>/dev/null
	rm -f "$W/$m.data"
	runs+=("$m=$W/$m.txt")
done
/usr/bin/python3 "$TCPINC_TOP/tools/tcpinc_profile.py" --freq $FREQ --count "$COUNT" "${runs[@]}"

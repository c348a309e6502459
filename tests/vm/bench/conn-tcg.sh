#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# needs: module tcg-count
#
# Benchmark (printed, never asserted): conn-cost's connections (both ends in
# one process, connect, 1 byte each way, close) counted by what TCG pays
# for rather than by the wall clock. QEMU runs tools/tcg-count's plugin,
# which counts translated blocks entered, instructions, memory accesses and
# the control transfers TCG cannot chain (returns, indirect jumps, jumps
# off the block's page), per guest region (user, kernel text, module area).
# The plugin slows the guest down, so this run's wall-clock figures are not
# conn-cost's; its counts do not depend on the host's load.
# kTLS (keys set directly after connect) is counted too, as the kernel's own
# per-connection encryption.
#   h1 192.0.2.1 (client sockets) ==== h2 192.0.2.2 (listeners, 7971-7975)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
COUNT=${TCPINC_BENCH_COUNT:-300}
[ -n "${TCPINC_TCG_DUMP:-}" ] || fail "no TCPINC_TCG_DUMP: run.py did not load the tcg-count plugin"
netns_pair
modprobe tls 2>/dev/null || true
declare -A port=([plain]=7971 [eno-off]=7972 [resume]=7973 [tcpcrypt]=7974 [ktls]=7975)
for m in plain eno-off resume tcpcrypt ktls; do
	out=$(timeout 300 $B cost --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port ${port[$m]} \
		--mode $m --count "$COUNT" --tcg-mark)
	echo "$m: $out"
	[ "$(json_field "$out" echoed)" = "$(json_field "$out" connections)" ] ||
		fail "$m: not every connection echoed"
done
# Addresses for the per-function breakdown (the module is loaded: its
# functions are there too, marked [tcpinc]); the module's rep instructions
# come from objdump of the .ko that ran (the host's binutils, over 9p).
cat /proc/kallsyms >"$TCPINC_OUT/kallsyms"
/usr/bin/python3 "$TCPINC_TOP/tools/tcpinc_tcg_report.py" "$TCPINC_TCG_DUMP" "$COUNT" plain eno-off resume tcpcrypt ktls \
	--kallsyms "$TCPINC_OUT/kallsyms" --module-ko "$TCPINC_KO"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
# needs: module
#
# (The runner loads the module's dependencies - the crypto libraries - and
# the module; the rounds below unload and reload only tcpinc itself.)
# Benchmark (printed, never asserted): what the module costs sockets that
# do not use it. iperf3 between two namespaces, plain TCP, in three
# configurations, interleaved over ROUNDS rounds, medians reported:
#   unloaded  - no tcpinc module
#   loaded    - module loaded, no socket in these namespaces took the ULP
#               (so its netfilter hooks are not registered here)
#   hooks     - a ULP socket exists in both namespaces, so the hooks run on
#               every plain segment too (the worst case for bystanders)
#   h1 192.0.2.1 (iperf3 client) ==== h2 192.0.2.2 (iperf3 server)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

ROUNDS=${ROUNDS:-3}
SECS=${SECS:-5}
command -v iperf3 >/dev/null || skip "no iperf3"
netns_pair
in_ns h2 iperf3 -s -D -B 192.0.2.2 -p 5201 --logfile "$TCPINC_OUT/iperf3-server.log"
sleep 1

run_iperf() { # -> Gbit/s
	in_ns h1 timeout $((SECS + 20)) iperf3 -c 192.0.2.2 -p 5201 -t "$SECS" -J 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.3f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))'
}
holder_pid=""
hooks_on() { # a listening ULP socket in each namespace registers the hooks there
	ip netns exec h1 /usr/bin/python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(6,31,b"tcpcrypt"); s.bind(("192.0.2.1",5999)); s.listen(); time.sleep(3600)' &
	holder_pid="$holder_pid $!"
	ip netns exec h2 /usr/bin/python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(6,31,b"tcpcrypt"); s.bind(("192.0.2.2",5999)); s.listen(); time.sleep(3600)' &
	holder_pid="$holder_pid $!"
	sleep 1
}
hooks_off() { kill $holder_pid 2>/dev/null || true; wait $holder_pid 2>/dev/null || true; holder_pid=""; sleep 1; }

declare -A res
for r in $(seq 1 "$ROUNDS"); do
	rmmod tcpinc 2>/dev/null || true
	res[unloaded]+="$(run_iperf) "
	insmod "$TCPINC_KO"
	res[loaded]+="$(run_iperf) "
	# A fresh netns pair would be needed to unregister hooks; measure
	# "hooks" last in each round and reload the module to drop them.
	hooks_on
	res[hooks]+="$(run_iperf) "
	hooks_off
	rmmod tcpinc
	# rmmod removed the hooks from these namespaces with the module.
done
insmod "$TCPINC_KO"

u=$(median "${res[unloaded]}"); l=$(median "${res[loaded]}"); h=$(median "${res[hooks]}")
echo "plain TCP throughput, Gbit/s (median of $ROUNDS x ${SECS}s iperf3 in a TCG guest):"
echo "  unloaded: ${res[unloaded]}-> $u"
echo "  loaded:   ${res[loaded]}-> $l"
echo "  hooks:    ${res[hooks]}-> $h"
/usr/bin/python3 -c "import sys; u,l,h=map(float,sys.argv[1:]); print('BENCH plain-throughput loaded/unloaded = %.3f, hooks-active/unloaded = %.3f (informational: TCG figures, never asserted)' % (l/u, h/u))" "$u" "$l" "$h" | tee "$TCPINC_OUT/plain-throughput.txt"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
# needs: module
#
# Benchmark (printed, never asserted): where a connection's instructions
# go, for `make bench-vm BENCHES=conn-trace ICOUNT=1` (without ICOUNT it
# runs, but its figures are then microseconds on a host that may be
# busy). conn-cost's exchange (tcpinc_bench.py cost, both ends in one
# process) is run untraced, then under the function_graph tracer with
# set_ftrace_filter holding the module's entry points, its calls into
# the crypto provider and TCP's own entry points; tools/tcpinc_fgraph.py
# prints calls, inclusive and self cost per connection, with tracing's
# own cost per traced call (measured from the two runs) taken off.
# conn-profile (perf) does the same by sampling; this one counts every
# call, so small functions are not lost between samples.
#   h1 192.0.2.1 (client sockets) ==== h2 192.0.2.2 (listeners, 7981-7993)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

B="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_bench.py"
COUNT=${TCPINC_BENCH_COUNT:-50}
T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs nodev $T 2>/dev/null || true
[ -w $T/current_tracer ] && grep -qw function_graph $T/available_tracers ||
	skip "no function_graph tracer in this kernel"
netns_pair
W=$(mktemp -d)	# the guest's tmpfs overlay
trap 'echo nop > $T/current_tracer; : > $T/set_ftrace_filter; rm -rf "$W"' EXIT

# A take needs a cached chain: one full exchange first (not measured).
$B cost --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port 7981 --mode resume --count 5 >/dev/null
FUNCS="tcpinc_eno_out_hook tcpinc_eno_in_hook tcpinc_ulp_init tcpinc_ulp_clone tcpinc_ulp_release
tcpinc_proto_connect tcpinc_crypt_sendmsg tcpinc_crypt_recvmsg tcpinc_crypt_close tcpinc_crypt_start
tcpinc_crypt_pump tcpinc_crypt_flush tcpinc_crypt_free tcpinc_crypt_send_finp tcpinc_crypt_rx_actor
tcpinc_cache_take tcpinc_cache_accept tcpinc_cache_insert tcpinc_core_tc_resume_peer_half
tcpinc_core_tc_session_start tcpinc_core_tc_session_destroy tcpinc_core_tc_receive_segs
tcpinc_core_eno_on_receive tcpinc_core_eno_on_receive_passive tcpinc_core_scan_tcp_options
tcpinc_hmac_sha256 tcpinc_hmac_sha256_many tcpinc_aead_new tcpinc_aead_free tcpinc_aead_seal
tcpinc_aead_open tcpinc_gcm_soft_tag tcpinc_kex_keygen tcpinc_kex_shared tcpinc_mem_alloc
tcpinc_mem_free tcpinc_random_bytes in_listener_syn out_start
__sys_socket __sys_setsockopt __sys_connect __sys_accept4 __x64_sys_close
tcp_v4_connect tcp_sendmsg tcp_recvmsg tcp_close tcp_v4_rcv __tcp_transmit_skb"
port=7982
declare -A us
for m in plain resume tcpcrypt; do
	out=$($B cost --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port $port --mode $m --count "$COUNT")
	port=$((port + 1))
	us[$m]=$(json_field "$out" us_per_connection)
done
: > $T/set_ftrace_filter
for f in $FUNCS; do
	echo "$f" >> $T/set_ftrace_filter 2>/dev/null || echo "not traceable here: $f"
done
echo 65536 > $T/buffer_size_kb
echo function_graph > $T/current_tracer
runs=() args=()
for m in plain resume tcpcrypt; do
	: > $T/trace
	echo 1 > $T/tracing_on
	out=$($B cost --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port $port --mode $m --count "$COUNT")
	echo 0 > $T/tracing_on
	port=$((port + 1))
	[ "$(json_field "$out" echoed)" = "$COUNT" ] || fail "$m: not every connection echoed"
	# "overrun: N" counts events the ring buffer overwrote (not "commit overrun").
	grep -q "^overrun: [1-9]" $T/per_cpu/cpu0/stats &&
		fail "$m: the trace buffer overran (fewer connections: TCPINC_BENCH_COUNT)"
	cp $T/trace "$W/$m.txt"
	runs+=("$m=$W/$m.txt")
	args+=(--untraced "$m=${us[$m]}" --traced "$m=$(json_field "$out" us_per_connection)")
done
echo nop > $T/current_tracer
/usr/bin/python3 "$TCPINC_TOP/tools/tcpinc_fgraph.py" --count "$COUNT" "${args[@]}" "${runs[@]}"
unit="us"
[ "${TCPINC_VM_ICOUNT:-0}" = 1 ] && unit="thousand guest instructions"
echo "BENCH conn-trace ($unit per connection, untraced): plain ${us[plain]}, resumed ${us[resume]}, full ${us[tcpcrypt]}"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
# needs: module
#
# tcpcrypt frames split at every byte position across skbs, by a peer
# that segments deliberately; both ends in one process
# (tools/tcpinc_split.py, its docstring says how the cuts are placed):
#   h1 192.0.2.1 (client)  ====  h2 192.0.2.2 (server, tcpdump -s 0)
# TSO, GSO and GRO off on both veth ends, so every segment the sender's TCP
# cuts reaches the receiver as its own skb (or coalesced by TCP's receive
# queue when the reader is slow); tail loss probes off (a probe sends a
# corked partial segment). For a tiny MSS (89 bytes of payload) and
# ~536 (523), each on its own connection, frames of 1, 2, 3, 17, 100, 1000
# and 16300 data bytes (21 ... 16320 bytes sealed, all coprime to the MSS),
# one corked burst per target offset (a filler frame, then the measured
# frame), both directions, TCP_NODELAY:
# - every burst arrives byte for byte (length and SHA-256), the reader
#   sometimes slow (0.3 s before reading, pauses), sometimes at once;
# - session IDs: 33 bytes, equal on both ends; a TEP negotiated;
# - the capture: nothing dropped, no hole, Init then frames tiling each
#   stream, one frame per send, the plaintext marker nowhere;
# - split offsets covered, from the capture (the log's "coverage" lines):
#   every offset 0..F-1 of the frame for F <= MSS; every offset of the
#   first MSS bytes (header, flags byte, data) and of the last MSS bytes
#   (data, tag) for F > MSS;
# - counters: one key exchange per connection at each end, TcpincTcRxBytes
#   grew by exactly the bytes sent towards that end, no abort, no
#   authentication failure.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

command -v ethtool >/dev/null || skip "no ethtool: segmentation offloads cannot be turned off"
command -v tcpdump >/dev/null || skip "no tcpdump"
netns_pair
for ns in h1 h2; do
	in_ns $ns ethtool -K eth0 tso off gso off gro off >/dev/null || fail "$ns: ethtool -K eth0 tso off gso off gro off"
	# Fresh key exchanges: the stream starts with Init1/Init2.
	in_ns $ns sysctl -qw net.tcpinc.resume_enable=0
	# A tail loss probe sends a corked partial segment (TCG is slow enough
	# for one to fire between two sends of a burst): no probes.
	in_ns $ns sysctl -qw net.ipv4.tcp_early_retrans=0
done
T="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_split.py"

hs1=$(stat_of TcpincTcHandshakes h1) hs2=$(stat_of TcpincTcHandshakes h2)
rx1=$(stat_of TcpincTcRxBytes h1) rx2=$(stat_of TcpincTcRxBytes h2)
port=7981 want_rx1=0 want_rx2=0 total=0
for mss in 89 523; do
	pcap=/tmp/tcpinc-split-$mss.pcap
	log "MSS $mss"
	t0=$(date +%s)
	out=$(timeout "$(scaled 100)" $T --server-ns h2 --client-ns h1 --addr 192.0.2.2 --client-addr 192.0.2.1 \
		--port $port --mss $mss --pcap "$pcap") || { echo "$out"; mv "$pcap" "$TCPINC_OUT/" 2>/dev/null; fail "MSS $mss: a check failed (above)"; }
	rm -f "$pcap"
	echo "$out"
	n=$(grep -c '"ok": true' <<<"$out" || true)
	total=$(( total + n ))
	cov=$(grep -c '"check": "coverage' <<<"$out" || true)
	expect_eq "MSS $mss: coverage checks (7 sizes x 2 directions)" 14 "$cov"
	grep '"summary"' <<<"$out" | sed 's/^{"summary": "/covered: /; s/"}$//'
	log "MSS $mss: $n checks passed in $(( $(date +%s) - t0 )) s"
	note=$(grep '"note": "traffic"' <<<"$out")
	want_rx1=$(( want_rx1 + $(json_field "$note" plaintext_s2c) ))
	want_rx2=$(( want_rx2 + $(json_field "$note" plaintext_c2s) ))
	port=$(( port + 1 ))
done
check_eq "h1 key exchanges (one per connection)" 2 $(( $(stat_of TcpincTcHandshakes h1) - hs1 ))
check_eq "h2 key exchanges (one per connection)" 2 $(( $(stat_of TcpincTcHandshakes h2) - hs2 ))
check_eq "h1 plaintext bytes opened (server -> client)" "$want_rx1" $(( $(stat_of TcpincTcRxBytes h1) - rx1 ))
check_eq "h2 plaintext bytes opened (client -> server)" "$want_rx2" $(( $(stat_of TcpincTcRxBytes h2) - rx2 ))
for ns in h1 h2; do
	check_eq "$ns tcpcrypt aborts" 0 "$(stat_of TcpincTcAbort $ns)"
	check_eq "$ns authentication failures" 0 "$(stat_of TcpincTcAuthFail $ns)"
done
echo "PASS: frames of 21..16320 bytes cut at every offset by MSS 89 and 523, both directions, slow and prompt readers: bytes, session IDs and counters intact ($total checks)"

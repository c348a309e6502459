#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
# needs: module
#
# tcpcrypt over a bad path: netem on both veth ends drops 5% of the
# segments, reorders 25% (after a 10 ms delay) and duplicates 2%:
#   h1 192.0.2.1 (client) ==[loss, reordering, duplication]== h2 192.0.2.2 (server)
# TCP repairs all of it below tcpcrypt, which must see the stream intact:
# a 2 MiB echo each way with matching SHA-256, a rekey every 128 KiB, no
# authentication failure and no abort (retransmissions carry the same
# ciphertext: a resealed frame would fail authentication at the peer).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
for ns in h1 h2; do
	in_ns $ns tc qdisc add dev eth0 root netem delay 10ms reorder 75% 50% loss 5% duplicate 2% \
		|| skip "netem not available"
done
size=$((2 * 1024 * 1024))
for fam in 4 6; do
	addr=192.0.2.2; [ $fam = 6 ] && addr=2001:db8::2
	tag=impair$fam
	run_conn $tag $addr 780$fam --ulp --timeout 120 -- --ulp --timeout 120 --size $size --rekey-every 131072
	c=$TCPINC_OUT/$tag.client
	expect_eq "$tag: bytes echoed" $size "$(jq_py "$c" 'd["echo_len"]')"
	expect_eq "$tag: echo intact" "$(jq_py "$c" 'd["sent_sha256"]')" "$(jq_py "$c" 'd["echo_sha256"]')"
	expect_eq "$tag: server intact" "$(jq_py "$c" 'd["sent_sha256"]')" "$(jq_py "$TCPINC_OUT/$tag.server" 'd["received_sha256"]')"
done
expect_eq "no authentication failure (h1)" 0 "$(stat_of TcpincTcAuthFail h1)"
expect_eq "no authentication failure (h2)" 0 "$(stat_of TcpincTcAuthFail h2)"
expect_eq "no abort (h1)" 0 "$(stat_of TcpincTcAbort h1)"
expect_eq "no abort (h2)" 0 "$(stat_of TcpincTcAbort h2)"
in_ns h1 nstat -az TcpRetransSegs 2>/dev/null | awk '/TcpRetransSegs/ {print "h1 TCP retransmissions:", $2}' || true

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
# needs: module
#
# A middlebox strips ENO, and a SYN is lost:
#   h1 192.0.2.1 (A) --- [mb: iptables] --- 198.51.100.2 (B) h2
# - TCPOPTSTRIP of option 69 on the forward path (B never sees ENO) and on
#   the reverse path (A never sees B's; A's ACK without ENO tells B):
#   both ends fall back, bytes intact;
# - the first SYN is dropped: the retransmitted SYN carries the identical
#   ENO option and the negotiation succeeds.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_chain
wait_for 10 in_ns h1 ping -c1 -W1 198.51.100.2 >/dev/null || true
IPT="iptables -w 5"

strip_case() { # TAG PORT MATCH
	local tag=$1 port=$2 match=$3
	in_ns mb $IPT -t mangle -A FORWARD -p tcp $match $port -j TCPOPTSTRIP --strip-options 69 \
		|| skip "iptables TCPOPTSTRIP not available in the guest"
	local f1 f2
	f1=$(stat_of TcpincEnoFallbackMissing h1)
	f2=$(stat_of TcpincEnoFallbackMissing h2)
	run_conn "$tag" 198.51.100.2 "$port" --ulp -- --ulp --message "$tag"
	in_ns mb $IPT -t mangle -F FORWARD
	expect_eq "$tag: bytes intact" "$tag" "$(jq_py "$TCPINC_OUT/$tag.client" 'd["echo"]')"
	expect_eq "$tag: client ENO failed" EINVAL "$(jq_py "$TCPINC_OUT/$tag.client" 'd["eno"]["negtep"]')"
	expect_eq "$tag: server ENO failed" EINVAL "$(jq_py "$TCPINC_OUT/$tag.server" 'd["eno"]["negtep"]')"
	expect_eq "$tag: h1 fallback (missing)" $((f1 + 1)) "$(stat_of TcpincEnoFallbackMissing h1)"
	expect_eq "$tag: h2 fallback (missing)" $((f2 + 1)) "$(stat_of TcpincEnoFallbackMissing h2)"
}

strip_case strip-forward 7501 --dport
strip_case strip-reverse 7502 --sport

# SYN loss: drop exactly the first SYN of the connection.
in_ns mb $IPT -A FORWARD -p tcp --dport 7503 --syn -m statistic --mode nth --every 1000 --packet 0 -j DROP
capture_start h1 eth0 7503 "$TCPINC_OUT/synloss.pcap"
run_conn synloss 198.51.100.2 7503 --ulp -- --ulp --message synloss
capture_stop
in_ns mb $IPT -F FORWARD
segs "$TCPINC_OUT/synloss.pcap" 7503 >"$TCPINC_OUT/synloss.segs"
cat "$TCPINC_OUT/synloss.segs"
expect_eq "synloss: first segment is a SYN" S "$(flags_of "$TCPINC_OUT/synloss.segs" 0)"
expect_eq "synloss: second segment is the retransmitted SYN" S "$(flags_of "$TCPINC_OUT/synloss.segs" 1)"
expect_eq "synloss: original SYN option" 4505212423 "$(eno_of "$TCPINC_OUT/synloss.segs" 0)"
expect_eq "synloss: retransmitted SYN option identical" 4505212423 "$(eno_of "$TCPINC_OUT/synloss.segs" 1)"
expect_eq "synloss: negotiated after the loss" 35 "$(jq_py "$TCPINC_OUT/synloss.client" 'd["eno"]["negtep"]')"
expect_eq "synloss: server agrees" 35 "$(jq_py "$TCPINC_OUT/synloss.server" 'd["eno"]["negtep"]')"

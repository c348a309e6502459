#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
# needs: module
#
# ENO on the wire, both ends with the module, IPv4 and IPv6:
#   h1 192.0.2.1 / 2001:db8::1 (client, A)  ====  h2 192.0.2.2 / 2001:db8::2 (server, B)
# - SYN carries 45 04 21 23 (A's TEPs, implicit global 0x00),
#   SYN-ACK 45 04 01 23 (B's explicit global b=1, the chosen TEP 0x23),
#   A's first ACK 45 02 (non-SYN form, no contents), and A repeats ENO
#   until it receives a non-SYN segment, never after; B never after its SYN-ACK;
# - both ends report the same transcript, opposite roles, the same TEP,
#   each other's global suboption; counters say ok;
# - checksums: with TX checksum offload off the capture holds only correct
#   checksums (tcpdump -vv), so the option insertion computes them right.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
# Every connection here checks a fresh negotiation (option bytes, TEP,
# AEAD): no resumption between them (tcpcrypt-resume covers that).
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done

check_family() { # ADDR PORT TAG
	local addr=$1 port=$2 tag=$3 cap=$TCPINC_OUT/$3.pcap s=$TCPINC_OUT/$3.segs
	local wire=${addr#::ffff:}	# what the capture shows as the server's address
	capture_start h1 eth0 "$port" "$cap"
	run_conn "$tag" "$addr" "$port" --ulp -- --ulp --message "eno $tag"
	capture_stop
	segs "$cap" "$port" >"$s"
	cat "$s"
	expect_eq "$tag: echo" "eno $tag" "$(jq_py "$TCPINC_OUT/$tag.client" 'd["echo"]')"
	expect_eq "$tag: SYN flags" S "$(flags_of "$s" 0)"
	expect_eq "$tag: SYN ENO" 4505212423 "$(eno_of "$s" 0)"
	expect_eq "$tag: SYN-ACK flags" SA "$(flags_of "$s" 1)"
	expect_eq "$tag: SYN-ACK ENO" 45040123 "$(eno_of "$s" 1)"
	expect_eq "$tag: first ACK flags" A "$(flags_of "$s" 2)"
	expect_eq "$tag: first ACK ENO" 4502 "$(eno_of "$s" 2)"
	# After the server's first non-SYN segment, no one sends ENO; before
	# it, every client segment does.
	/usr/bin/python3 - "$s" "$wire" <<'PY' || fail "$tag: ENO repetition rule broken (see above)"
import json, sys
segs = [json.loads(l) for l in open(sys.argv[1])]
server = sys.argv[2]
seen_non_syn = False
for i, s in enumerate(segs):
    from_server = s["src"] == server
    if from_server:
        if "S" not in s["flags"]:
            if s["eno"]:
                sys.exit(f"segment {i}: server sent ENO on a non-SYN segment")
            seen_non_syn = True
    else:
        if i == 0:
            continue
        if not seen_non_syn and s["eno"] != ["4502"]:
            sys.exit(f"segment {i}: client omitted ENO before the server's first non-SYN segment")
        if seen_non_syn and s["eno"]:
            sys.exit(f"segment {i}: client still sends ENO after a non-SYN segment arrived")
print("repetition rule ok over", len(segs), "segments")
PY
	local cl=$TCPINC_OUT/$tag.client sv=$TCPINC_OUT/$tag.server
	expect_eq "$tag: client transcript" 450521242345040123 "$(jq_py "$cl" 'd["eno"]["transcript"]')"
	expect_eq "$tag: server transcript" 450521242345040123 "$(jq_py "$sv" 'd["eno"]["transcript"]')"
	expect_eq "$tag: client role (A)" 0 "$(jq_py "$cl" 'd["eno"]["role"]')"
	expect_eq "$tag: server role (B)" 1 "$(jq_py "$sv" 'd["eno"]["role"]')"
	expect_eq "$tag: client negotiated TEP" 35 "$(jq_py "$cl" 'd["eno"]["negtep"]')"
	expect_eq "$tag: server negotiated TEP" 35 "$(jq_py "$sv" 'd["eno"]["negtep"]')"
	expect_eq "$tag: client sees peer gopt" 1 "$(jq_py "$cl" 'd["eno"]["peer_gopt"]')"
	expect_eq "$tag: server sees peer gopt" 0 "$(jq_py "$sv" 'd["eno"]["peer_gopt"]')"
	# tcpcrypt's session ID: B's TEP byte, then 32 bytes; equal on both ends.
	local sid
	sid=$(jq_py "$cl" 'd["eno"]["sessid"]')
	expect_eq "$tag: session ID is 33 bytes starting with 0x23" 66:23 "${#sid}:${sid:0:2}"
	expect_eq "$tag: same session ID on both ends" "$sid" "$(jq_py "$sv" 'd["eno"]["sessid"]')"
}

check_family 192.0.2.2 7201 v4
check_family 2001:db8::2 7202 v6
# v4-mapped: AF_INET6 sockets on both ends carrying IPv4 (tcp_v6_connect
# swaps the client's af_ops to ipv6_mapped; the hooks do not depend on them).
RUN_SERVER_ADDR=:: check_family ::ffff:192.0.2.2 7203 mapped
expect_eq "h1 negotiations ok" 3 "$(stat_of TcpincEnoOk h1)"
expect_eq "h2 negotiations ok" 3 "$(stat_of TcpincEnoOk h2)"

# Checksum offload off: tcpdump sees the final checksum of every segment.
in_ns h1 ethtool -K eth0 tx off >/dev/null
in_ns h2 ethtool -K eth0 tx off >/dev/null
for fam in 4 6; do
	addr=192.0.2.2; [ $fam = 6 ] && addr=2001:db8::2
	port=721$fam
	cap=$TCPINC_OUT/csum$fam.pcap
	capture_start h1 eth0 $port "$cap"
	run_conn csum$fam $addr $port --ulp -- --ulp --message "csum $fam"
	capture_stop
	expect_eq "csum$fam: echo" "csum $fam" "$(jq_py "$TCPINC_OUT/csum$fam.client" 'd["echo"]')"
	tcpdump -nn -vv -r "$cap" 2>/dev/null >"$TCPINC_OUT/csum$fam.txt"
	grep -c 'unknown-69' "$TCPINC_OUT/csum$fam.txt" >/dev/null || fail "csum$fam: no ENO option in the capture"
	if grep -q 'incorrect' "$TCPINC_OUT/csum$fam.txt"; then
		grep incorrect "$TCPINC_OUT/csum$fam.txt"
		fail "csum$fam: a segment left with a wrong checksum"
	fi
	echo "ok: csum$fam: $(grep -c cksum "$TCPINC_OUT/csum$fam.txt") checksums verified by tcpdump, none incorrect"
done
expect_eq "no option-space failures (h1)" 0 "$(stat_of TcpincEnoNoSpace h1)"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
# needs: module
#
# TCP Fast Open and ENO (RFC 8547 4.7). tcpcrypt defines
# no SYN data, so:
#   - a ULP client never puts application bytes in a SYN, nor a cookie that
#     would make its SYN go without ENO: MSG_FASTOPEN, TCP_FASTOPEN_CONNECT
#     and a blocking send() during a non-blocking connect() all end in an
#     encrypted connection, and the marker never appears on the wire;
#   - a ULP listener does no Fast Open: a SYN with ENO and data gets a
#     SYN-ACK that acknowledges the SYN only, and no child is made from it.
#   h1 192.0.2.1 (client, A)  ====  h2 192.0.2.2 (server, B)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
in_ns h2 sysctl -qw net.ipv4.tcp_fastopen=3
in_ns h1 sysctl -qw net.ipv4.tcp_fastopen=1

# A Fast Open cookie for 192.0.2.2 in h1's cache, from a plain exchange
# (the cookie key is h2's, per namespace, so it is valid on every port).
run_conn cookie 192.0.2.2 7500 --fastopen 8 -- --fastopen --message cookie
run_conn cookie2 192.0.2.2 7500 --fastopen 8 -- --fastopen --message cookie2
in_ns h1 ip tcp_metrics show 192.0.2.2 | tee "$TCPINC_OUT/metrics"
grep -q fo_cookie "$TCPINC_OUT/metrics" || fail "no Fast Open cookie cached in h1"
tfo_active() { in_ns h1 nstat -az TcpExtTCPFastOpenActive | awk '/TcpExtTCPFastOpenActive/ {print $2}'; }
expect_eq "plain client used the cookie (data in the SYN)" 1 "$([ "$(tfo_active)" -ge 1 ] && echo 1 || echo 0)"

# encrypted_no_marker TAG PORT CLIENT-ARGS...: one ULP connection to a ULP
# Fast Open listener, captured; the message is a marker that must never be
# on the wire, the echo must be intact and the connection encrypted.
encrypted_no_marker() {
	local tag=$1 port=$2; shift 2
	local marker="PLAINTEXT-MARKER-$tag-$$"
	capture_start h1 eth0 "$port" "$TCPINC_OUT/$tag.pcap"
	run_conn "$tag" 192.0.2.2 "$port" --ulp --fastopen 8 -- --ulp --message "$marker" "$@"
	capture_stop
	expect_eq "$tag: echo intact" "$marker" "$(jq_py "$TCPINC_OUT/$tag.client" 'd.get("echo")')"
	expect_eq "$tag: marker never on the wire" 0 "$(grep -a -c "$marker" "$TCPINC_OUT/$tag.pcap" || true)"
	expect_eq "$tag: server received it" "$marker" "$(jq_py "$TCPINC_OUT/$tag.server" 'd.get("received")')"
	expect_eq "$tag: encrypted (tcpcrypt X25519, fresh or resumed)" 35 "$(jq_py "$TCPINC_OUT/$tag.server" 'd["eno"]["negtep"] & 0x7f')"
	$PCAP "$TCPINC_OUT/$tag.pcap" --port "$port" --no-payload >"$TCPINC_OUT/$tag.segs"
	expect_eq "$tag: SYN carries ENO" 1 "$([ -n "$(eno_of "$TCPINC_OUT/$tag.segs" 0)" ] && echo 1 || echo 0)"
}

# 1. sendto(MSG_FASTOPEN) with a cookie cached.
encrypted_no_marker msgfastopen 7501 --fastopen
# 2. TCP_FASTOPEN_CONNECT with a cookie cached: connect() would defer the
#    SYN to the first send().
encrypted_no_marker fastopenconnect 7502 --fastopen-connect
# 3. A blocking send() while a non-blocking connect() is in progress; the
#    SYN-ACK is delayed (netem) so the send() starts in SYN_SENT.
in_ns h2 tc qdisc add dev eth0 root netem delay 300ms || skip "netem not available"
encrypted_no_marker nbconnect 7503 --nonblock-connect
in_ns h2 tc qdisc del dev eth0 root

# 4. The listener side: a hand-made SYN with ENO (tcpcrypt X25519) and
#    data, to a ULP listener with TCP_FASTOPEN and cookies not required
#    (0x200): the data must not be acknowledged nor queued to a child.
in_ns h2 sysctl -qw net.ipv4.tcp_fastopen=0x202
in_ns h1 iptables -A OUTPUT -p tcp --tcp-flags RST RST -j DROP
passive() { in_ns h2 nstat -az TcpExtTCPFastOpenPassive | awk '/TcpExtTCPFastOpenPassive/ {print $2}'; }
p0=$(passive)
rm -f "$TCPINC_OUT/raw.ready"
in_ns h2 $SOCK serve --ulp --addr 192.0.2.2 --port 7504 --fastopen 8 --timeout 4 \
	--ready "$TCPINC_OUT/raw.ready" >"$TCPINC_OUT/raw.server" 2>&1 &
spid=$!
wait_for 15 test -e "$TCPINC_OUT/raw.ready" || fail "raw: server did not start"
in_ns h1 /usr/bin/python3 "$TCPINC_TOP/tools/tcpinc_rawsyn.py" --src 192.0.2.1 --dst 192.0.2.2 \
	--sport 40404 --dport 7504 --eno 23 --payload "SYN-DATA-MARKER" >"$TCPINC_OUT/raw.client"
wait_for 20 sh -c "! kill -0 $spid 2>/dev/null" || kill $spid 2>/dev/null || true
wait $spid 2>/dev/null || true
echo "raw client: $(cat "$TCPINC_OUT/raw.client")"
echo "raw server: $(cat "$TCPINC_OUT/raw.server")"
expect_eq "raw: SYN-ACK received" True "$(jq_py "$TCPINC_OUT/raw.client" 'd["synack"]')"
expect_eq "raw: SYN data not acknowledged" 0 "$(jq_py "$TCPINC_OUT/raw.client" 'd["acked_beyond_syn"]')"
expect_eq "raw: no Fast Open child" "$p0" "$(passive)"
expect_eq "raw: nothing delivered" 0 "$(grep -c SYN-DATA-MARKER "$TCPINC_OUT/raw.server" || true)"
in_ns h1 iptables -D OUTPUT -p tcp --tcp-flags RST RST -j DROP
echo "eno-fastopen: ok"

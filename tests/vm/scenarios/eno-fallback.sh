#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
# needs: module
#
# Every fallback RFC 8547 names between two directly connected hosts, Fast
# Open (no longer a fallback: a ULP socket does no Fast Open), and
# the mandatory encryption abort:
#   h1 192.0.2.1 (client, A)  ====  h2 192.0.2.2 (server, B)
# Each case: the bytes still flow (plain TCP), the read options say EINVAL
# (ENO failed, never an empty answer), and the fallback is counted under
# its reason on the side that decided it.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
# Every connection here checks a fresh negotiation (option bytes, TEP,
# AEAD): no resumption between them (tcpcrypt-resume covers that).
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done

# fallback TAG PORT SERVER-ARGS -- CLIENT-ARGS: a connection that must fall back.
fallback() {
	local tag=$1 port=$2; shift 2
	run_conn "$tag" 192.0.2.2 "$port" "$@"
	expect_eq "$tag: bytes intact" "$tag" "$(jq_py "$TCPINC_OUT/$tag.client" 'd["echo"]')"
}
# plain_side FILE: a side with the ULP whose ENO failed reports EINVAL.
failed_eno() {
	expect_eq "$1: TCP_ENO_NEGTEP" EINVAL "$(jq_py "$TCPINC_OUT/$1" 'd["eno"]["negtep"]')"
	expect_eq "$1: TCP_ENO_TRANSCRIPT" EINVAL "$(jq_py "$TCPINC_OUT/$1" 'd["eno"]["transcript"]')"
	expect_eq "$1: TCP_ENO_SESSID" EINVAL "$(jq_py "$TCPINC_OUT/$1" 'd["eno"]["sessid"]')"
}
counter_delta() { # NS NAME BEFORE EXPECTED-DELTA WHAT
	expect_eq "$5" $(( $3 + $4 )) "$(stat_of "$2" "$1")"
}

# 1. The peer does not use ENO (server without the ULP): the SYN-ACK has no
#    ENO, A falls back because a segment up to its first ACK lacked it.
m1=$(stat_of TcpincEnoFallbackMissing h1)
capture_start h1 eth0 7401 "$TCPINC_OUT/plain-peer.pcap"
fallback plain-peer 7401 -- --ulp --message plain-peer
capture_stop
segs "$TCPINC_OUT/plain-peer.pcap" 7401 >"$TCPINC_OUT/plain-peer.segs"
expect_eq "plain-peer: SYN carries ENO" 4505212423 "$(eno_of "$TCPINC_OUT/plain-peer.segs" 0)"
expect_eq "plain-peer: SYN-ACK has none" "" "$(eno_of "$TCPINC_OUT/plain-peer.segs" 1)"
expect_eq "plain-peer: A's ACK has none (ENO disabled)" "" "$(eno_of "$TCPINC_OUT/plain-peer.segs" 2)"
failed_eno plain-peer.client
counter_delta h1 TcpincEnoFallbackMissing "$m1" 1 "h1 fallback (missing ENO)"

# 2. The client does not use ENO: B sees a SYN without ENO.
m2=$(stat_of TcpincEnoFallbackMissing h2)
fallback plain-client 7402 --ulp -- --message plain-client
failed_eno plain-client.server
counter_delta h2 TcpincEnoFallbackMissing "$m2" 1 "h2 fallback (missing ENO)"

# 3. Both hosts b = 1 (the client asks for role B): roles collide.
r2=$(stat_of TcpincEnoFallbackRole h2)
fallback both-b 7403 --ulp -- --ulp --eno-gopt 1 --message both-b
failed_eno both-b.server
failed_eno both-b.client
counter_delta h2 TcpincEnoFallbackRole "$r2" 1 "h2 fallback (same b bit)"

# 4. No TEP in common.
t2=$(stat_of TcpincEnoFallbackNoTep h2)
fallback no-common-tep 7404 --ulp --eno-teps 0x23 -- --ulp --eno-teps 0x21 --message no-common-tep
failed_eno no-common-tep.server
failed_eno no-common-tep.client
counter_delta h2 TcpincEnoFallbackNoTep "$t2" 1 "h2 fallback (no common TEP)"

# 5. Mandatory application-aware mode at B, the client sends a = 0.
a2=$(stat_of TcpincEnoFallbackAppAware h2)
fallback aa-mismatch 7405 --ulp --eno-aa-mandatory -- --ulp --message aa-mismatch
failed_eno aa-mismatch.server
failed_eno aa-mismatch.client
counter_delta h2 TcpincEnoFallbackAppAware "$a2" 1 "h2 fallback (mandatory application-aware)"
# ...and with a = 1 from the client it succeeds, peer gopt shows the a bit.
run_conn aa-match 192.0.2.2 7406 --ulp --eno-aa-mandatory -- --ulp --eno-gopt 2 --message aa-match
expect_eq "aa-match: server sees the client's a bit" 2 "$(jq_py "$TCPINC_OUT/aa-match.server" 'd["eno"]["peer_gopt"]')"
expect_eq "aa-match: role" 0 "$(jq_py "$TCPINC_OUT/aa-match.client" 'd["eno"]["role"]')"

# 6. SYN cookies forced at B: no fallback any more. The cookie SYN-ACK
#    carries B's answer (the output hook finds the listener and the
#    negotiation by the ISN the SYN-ACK acknowledges) and the cookie's
#    third ACK completes it: both ends report the same session ID.
in_ns h2 sysctl -qw net.ipv4.tcp_syncookies=2
c2=$(stat_of TcpincEnoFallbackMissing h2)
capture_start h1 eth0 7407 "$TCPINC_OUT/cookies.pcap"
run_conn cookies 192.0.2.2 7407 --ulp -- --ulp --message cookies
capture_stop
in_ns h2 sysctl -qw net.ipv4.tcp_syncookies=1
segs "$TCPINC_OUT/cookies.pcap" 7407 >"$TCPINC_OUT/cookies.segs"
expect_eq "cookies: bytes intact" cookies "$(jq_py "$TCPINC_OUT/cookies.client" 'd["echo"]')"
expect_eq "cookies: SYN carries ENO" 4505212423 "$(eno_of "$TCPINC_OUT/cookies.segs" 0)"
expect_eq "cookies: SYN-ACK (a cookie) carries B's answer" 45040123 "$(eno_of "$TCPINC_OUT/cookies.segs" 1)"
sid=$(jq_py "$TCPINC_OUT/cookies.client" 'd["eno"]["sessid"]')
[ "${#sid}" = 66 ] || fail "cookies: client session ID '$sid' is not 33 bytes"
expect_eq "cookies: same session ID on both ends" "$sid" "$(jq_py "$TCPINC_OUT/cookies.server" 'd["eno"]["sessid"]')"
counter_delta h2 TcpincEnoFallbackMissing "$c2" 0 "h2: no fallback after a cookie SYN-ACK"

# 7. Mandatory encryption mode against a plain peer: connect() fails with
#    the documented errno (ECONNABORTED), never a plain connection.
ab1=$(stat_of TcpincEnoAbort h1)
run_conn mandatory 192.0.2.2 7408 -- --ulp --eno-tep-mandatory --message mandatory
expect_eq "mandatory: connect error" ECONNABORTED "$(jq_py "$TCPINC_OUT/mandatory.client" 'd["connect_error"]')"
counter_delta h1 TcpincEnoAbort "$ab1" 1 "h1 aborts (mandatory encryption)"

# 8. ENO off by socket option: no option on the wire at all.
capture_start h1 eth0 7409 "$TCPINC_OUT/off.pcap"
fallback off 7409 --ulp -- --ulp --eno-enabled 0 --message off
capture_stop
segs "$TCPINC_OUT/off.pcap" 7409 >"$TCPINC_OUT/off.segs"
expect_eq "off: SYN has no ENO" "" "$(eno_of "$TCPINC_OUT/off.segs" 0)"

# 9. TCP Fast Open (RFC 8547 4.7): no longer a fallback. A ULP socket
#    does no Fast Open (eno-fastopen.sh covers it with a cookie cached):
#    the SYN of sendto(MSG_FASTOPEN) has no Fast Open option and carries
#    ENO, and the data goes encrypted after the handshake.
in_ns h2 sysctl -qw net.ipv4.tcp_fastopen=3
in_ns h1 sysctl -qw net.ipv4.tcp_fastopen=1
o1=$(stat_of TcpincEnoFallbackOther h1)
capture_start h1 eth0 7410 "$TCPINC_OUT/tfo.pcap"
fallback tfo-data 7410 --ulp --fastopen 8 -- --ulp --fastopen --message tfo-data
capture_stop
$PCAP "$TCPINC_OUT/tfo.pcap" --port 7410 >"$TCPINC_OUT/tfo.segs"
head -2 "$TCPINC_OUT/tfo.segs"
expect_eq "tfo: SYN flags" S "$(flags_of "$TCPINC_OUT/tfo.segs" 0)"
expect_eq "tfo: SYN has no Fast Open option" 0 "$(sed -n 1p "$TCPINC_OUT/tfo.segs" | /usr/bin/python3 -c 'import json,sys; print(len(json.loads(sys.stdin.read())["tfo"]))')"
expect_eq "tfo: SYN carries ENO" 1 "$([ -n "$(eno_of "$TCPINC_OUT/tfo.segs" 0)" ] && echo 1 || echo 0)"
expect_eq "tfo: not a fallback" "$o1" "$(stat_of TcpincEnoFallbackOther h1)"
expect_eq "tfo: encrypted (tcpcrypt X25519)" 35 "$(jq_py "$TCPINC_OUT/tfo-data.client" 'd["eno"]["negtep"]')"

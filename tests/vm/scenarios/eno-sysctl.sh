#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
# needs: module
#
# Per-netns defaults net.tcpinc.* (draft-ietf-tcpinc-api-06 section 5):
#   h1 192.0.2.1 (client)  ====  h2 192.0.2.2 (server)
# - eno_teps orders B's preference: "0x23 0x21" makes B choose 0x21;
# - eno_enable_connect=0: no ENO from a ULP client left at TCP_ENO_ENABLED -1;
# - eno_bad_ports: no ENO on those ports;
# - bad values are refused; one netns's settings do not leak into another.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
# Every connection here checks a fresh negotiation (option bytes, TEP,
# AEAD): no resumption between them (tcpcrypt-resume covers that).
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done
expect_eq "default TEP list" "0x21 0x24 0x23" "$(in_ns h2 sysctl -n net.tcpinc.eno_teps)"

in_ns h2 sysctl -qw net.tcpinc.eno_teps="0x23 0x21"
expect_eq "h2 TEP list" "0x23 0x21" "$(in_ns h2 sysctl -n net.tcpinc.eno_teps)"
expect_eq "h1 untouched" "0x21 0x24 0x23" "$(in_ns h1 sysctl -n net.tcpinc.eno_teps)"
capture_start h1 eth0 7701 "$TCPINC_OUT/teps.pcap"
run_conn teps 192.0.2.2 7701 --ulp -- --ulp --message teps
capture_stop
segs "$TCPINC_OUT/teps.pcap" 7701 >"$TCPINC_OUT/teps.segs"
expect_eq "SYN-ACK names B's preferred TEP" 45040121 "$(eno_of "$TCPINC_OUT/teps.segs" 1)"
expect_eq "client negotiated P-256" 33 "$(jq_py "$TCPINC_OUT/teps.client" 'd["eno"]["negtep"]')"
in_ns h2 sysctl -qw net.tcpinc.eno_teps="0x21 0x24 0x23"

! in_ns h2 sysctl -qw net.tcpinc.eno_teps="0x99" 2>/dev/null || fail "eno_teps accepted 0x99"
! in_ns h2 sysctl -qw net.tcpinc.eno_teps="0x22" 2>/dev/null || fail "eno_teps accepted P-521 (not implemented)"
! in_ns h2 sysctl -qw net.tcpinc.eno_enable_listen=2 2>/dev/null || fail "eno_enable_listen accepted 2"
expect_eq "refused writes left the list alone" "0x21 0x24 0x23" "$(in_ns h2 sysctl -n net.tcpinc.eno_teps)"

off=$(stat_of TcpincEnoOff h1)
in_ns h1 sysctl -qw net.tcpinc.eno_enable_connect=0
capture_start h1 eth0 7702 "$TCPINC_OUT/off.pcap"
run_conn connect-off 192.0.2.2 7702 --ulp -- --ulp --message connect-off
capture_stop
in_ns h1 sysctl -qw net.tcpinc.eno_enable_connect=1
segs "$TCPINC_OUT/off.pcap" 7702 >"$TCPINC_OUT/off.segs"
expect_eq "SYN without ENO" "" "$(eno_of "$TCPINC_OUT/off.segs" 0)"
expect_eq "bytes intact" connect-off "$(jq_py "$TCPINC_OUT/connect-off.client" 'd["echo"]')"
expect_eq "counted as off by configuration" $((off + 1)) "$(stat_of TcpincEnoOff h1)"
# TCP_ENO_ENABLED=1 overrides the sysctl.
in_ns h1 sysctl -qw net.tcpinc.eno_enable_connect=0
run_conn override 192.0.2.2 7703 --ulp -- --ulp --eno-enabled 1 --message override
in_ns h1 sysctl -qw net.tcpinc.eno_enable_connect=1
expect_eq "socket option wins over the sysctl" 35 "$(jq_py "$TCPINC_OUT/override.client" 'd["eno"]["negtep"]')"

in_ns h2 sysctl -qw net.tcpinc.eno_bad_ports="993,7704"
expect_eq "bad ports" "993,7704" "$(in_ns h2 sysctl -n net.tcpinc.eno_bad_ports)"
capture_start h1 eth0 7704 "$TCPINC_OUT/bad.pcap"
run_conn bad-port 192.0.2.2 7704 --ulp -- --ulp --message bad-port
capture_stop
in_ns h2 sysctl -qw net.tcpinc.eno_bad_ports=""
segs "$TCPINC_OUT/bad.pcap" 7704 >"$TCPINC_OUT/bad.segs"
expect_eq "SYN still offers ENO" 4505212423 "$(eno_of "$TCPINC_OUT/bad.segs" 0)"
expect_eq "SYN-ACK on a bad port has none" "" "$(eno_of "$TCPINC_OUT/bad.segs" 1)"
expect_eq "bytes intact" bad-port "$(jq_py "$TCPINC_OUT/bad-port.client" 'd["echo"]')"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# harness-netns - the harness itself works: two namespaces joined by veth
# reach each other over IPv4 and IPv6. Needs no module.
#
#   h1 192.0.2.1 2001:db8::1 ==veth== h2 192.0.2.2 2001:db8::2
#
# timeout: 60
set -eu
. "$TCPINC_TOP/tests/vm/lib.sh"

netns_pair
in_ns h1 tcpinc_ping 192.0.2.2 2 || fail "h1 -> h2 IPv4 ping"
in_ns h2 tcpinc_ping 192.0.2.1 2 || fail "h2 -> h1 IPv4 ping"
in_ns h1 tcpinc_ping -6 2001:db8::2 2 || fail "h1 -> h2 IPv6 ping"
in_ns h2 tcpinc_ping -6 2001:db8::1 2 || fail "h2 -> h1 IPv6 ping"
expect_eq "namespaces" "h1 h2" "$(ip netns list | awk '{print $1}' | sort | xargs)"
# TCPINC_OUT is writable and shared back to the host.
in_ns h1 ip -s link show eth0 >"$TCPINC_OUT/h1-link.txt"
log "ok"

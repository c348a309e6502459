#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# needs: module
#
# A tcpcrypt socket used for a second connection, both
# ends driven from one process by tools/tcpinc_reuse.py:
#   h1 192.0.2.1 / 2001:db8::1 (client)  ====  h2 192.0.2.2 / 2001:db8::2 (server)
# - an encrypted connection, then connect(AF_UNSPEC): TCP disconnects it;
# - a second connect() on that socket fails with EISCONN (and listen() too):
#   its ENO, session ID and resumption state belong to the first connection
#   (socket-api.md); a fresh socket connects, encrypted, with a new ID;
# - a connect the peer refused (ECONNREFUSED) leaves the socket refused;
# - a connect that failed before its SYN left (ENETUNREACH) may be retried.
# IPv4, then IPv6. Every refusal is counted in no counter; the dmesg line
# "connect() refused (EISCONN)" is checked instead.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
T="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_reuse.py"

out=$(timeout 60 $T --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port 7961 \
	--unreachable 198.51.100.1) || { echo "$out"; fail "IPv4: a check failed (above)"; }
echo "$out"
n4=$(grep -c '"ok": true' <<<"$out" || true)
expect_eq "IPv4 checks passed" 16 "$n4"

out=$(timeout 60 $T --server-ns h2 --client-ns h1 --addr 2001:db8::2 --port 7962 \
	--unreachable 2001:db8:ffff::1) || { echo "$out"; fail "IPv6: a check failed (above)"; }
echo "$out"
n6=$(grep -c '"ok": true' <<<"$out" || true)
expect_eq "IPv6 checks passed" 16 "$n6"

hs=$(stat_of TcpincTcHandshakes h1)
[ "$hs" -ge 6 ] || fail "expected at least 6 key exchanges in h1 (3 per family), got $hs"
dmesg | grep -q "connect() refused (EISCONN)" || fail "no dmesg line for the refused connect"
echo "PASS: a second connect/listen on a used tcpcrypt socket is refused (EISCONN), IPv4 ($n4 checks) and IPv6 ($n6); $hs key exchanges in h1"

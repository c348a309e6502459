#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# needs: module
#
# Send flags and urgent data on a tcpcrypt connection,
# both ends driven from one process by tools/tcpinc_flags.py:
#   h1 192.0.2.1 (client)  ====  h2 192.0.2.2 (server)
# - MSG_ZEROCOPY: ignored without SO_ZEROCOPY (as TCP does); with it,
#   refused (EOPNOTSUPP) with nothing staged and no completion queued;
#   the ciphertext goes to TCP with MSG_DONTWAIT/MORE/EOR/NOSIGNAL only;
# - MSG_MORE, MSG_EOR: the bytes arrive;
# - a forged segment with URG set (the TCP header is not authenticated) at
#   the client does not stall the encrypted stream (socket-api.md).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
T="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_flags.py"
out=$(timeout 60 $T --server-ns h2 --client-ns h1 --addr 192.0.2.2 --client-addr 192.0.2.1 \
	--port 7971) || { echo "$out"; fail "a check failed (above)"; }
echo "$out"
n=$(grep -c '"ok": true' <<<"$out" || true)
expect_eq "checks passed" 14 "$n"
ab=$(stat_of TcpincTcAbort h1)
expect_eq "no tcpcrypt abort in h1" 0 "$ab"
echo "PASS: MSG_ZEROCOPY refused with SO_ZEROCOPY and ignored without, MSG_MORE/MSG_EOR delivered, a forged URG segment does not stall the stream ($n checks)"

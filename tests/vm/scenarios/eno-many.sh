#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
# needs: module
#
# Many handshakes at once through one listener, in one namespace over
# loopback (both ends' hooks run there):
# - 200 concurrent connections all negotiate ENO and echo their bytes;
# - with net.tcpinc.eno_pending_max=8 and 100 ms of netem delay on lo, the
#   listener's table of half-open negotiations overflows: a full table
#   evicts its oldest entry (TcpincEnoPendingEvicted), and a handshake whose
#   entry was evicted is refused (its third ACK dropped, then an RST:
#   TcpincEnoPendingLost), never completed in plain TCP on one side while
#   the other expects tcpcrypt: every accepted connection has ENO and echoes;
# - afterwards every context is freed (TcpincCtxLive back to 0) and the
#   module unloads (no reference leaked by clones or the table).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

ip netns add h1
in_ns h1 ip link set lo up
in_ns h1 ip addr add 192.0.2.1/32 dev lo
live_is() { [ "$(tcpinc_stat TcpincCtxLive h1)" = "$1" ]; }

in_ns h1 $SOCK many --addr 192.0.2.1 --port 7901 --count 200 --timeout 60 >"$TCPINC_OUT/many.json"
cat "$TCPINC_OUT/many.json"
expect_eq "accepted" 200 "$(jq_py "$TCPINC_OUT/many.json" 'd["accepted"]')"
expect_eq "echoed" 200 "$(jq_py "$TCPINC_OUT/many.json" 'd["echoed"]')"
expect_eq "clients with ENO" 200 "$(jq_py "$TCPINC_OUT/many.json" 'd["client_eno"]')"
expect_eq "servers with ENO" 200 "$(jq_py "$TCPINC_OUT/many.json" 'd["server_eno"]')"
expect_eq "no table overflow" 0 "$(stat_of TcpincEnoPendingFull h1)"

in_ns h1 sysctl -qw net.tcpinc.eno_pending_max=8
# Over a bare loopback each handshake completes before the next SYN leaves;
# a delay keeps the 100 handshakes open at the same time.
in_ns h1 tc qdisc add dev lo root netem delay 100ms || skip "netem not available"
in_ns h1 $SOCK many --addr 192.0.2.1 --port 7902 --count 100 --timeout 20 >"$TCPINC_OUT/full.json"
cat "$TCPINC_OUT/full.json"
acc=$(jq_py "$TCPINC_OUT/full.json" 'd["accepted"]')
senc=$(jq_py "$TCPINC_OUT/full.json" 'd["server_eno"]')
evicted=$(stat_of TcpincEnoPendingEvicted h1) lost=$(stat_of TcpincEnoPendingLost h1)
echo "accepted $acc of 100, with ENO $senc; evicted $evicted, lost (refused) $lost"
[ "$evicted" -gt 0 ] || fail "the table of 8 never evicted with 100 concurrent SYNs"
[ "$acc" -ge 8 ] || fail "fewer than 8 connections accepted ($acc)"
expect_eq "every accepted connection negotiated ENO (none plain)" "$acc" "$senc"
expect_eq "every accepted connection echoed" "$acc" "$(jq_py "$TCPINC_OUT/full.json" 'd["echoed"]')"
[ "$acc" = 100 ] || [ "$lost" -gt 0 ] || fail "$(( 100 - acc )) connections neither accepted nor counted as lost"
expect_eq "the old overflow counter stays 0 (no SYN answered without ENO)" 0 "$(stat_of TcpincEnoPendingFull h1)"

in_ns h1 tc qdisc del dev lo root
wait_for 30 live_is 0 || fail "contexts leaked: $(tcpinc_stat TcpincCtxLive h1)"
ip netns del h1
wait_for 30 sh -c '! grep -q "^tcpinc .* [1-9][0-9]* " /proc/modules' || true
rmmod tcpinc || fail "rmmod after 300 connections: $(grep ^tcpinc /proc/modules)"
insmod "$TCPINC_KO"

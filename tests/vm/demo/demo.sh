#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# needs: module
#
# `make demo`: two hosts talk through the tcpcrypt ULP and negotiate TCP-ENO.
#   h1 192.0.2.1 (client)  ====  h2 192.0.2.2 (server, port 7000)
# Prints the conversation, what each end negotiated, a capture of the wire
# and the module's counters.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
SOCK="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_sock.py"
json_get() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
eno_get() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["eno"][sys.argv[2]])' "$1" "$2"; }

say() { printf '\n== %s\n' "$*"; }
# aead_of FILE - TCP_CRYPT_CONF of that end, with its RFC 8548 name.
aead_of() {
	local id
	id=$(eno_get "$1" aead)
	case $id in
	1) echo "0x0001 AES-128-GCM";;
	2) echo "0x0002 AES-256-GCM";;
	16) echo "0x0010 ChaCha20-Poly1305";;
	*) echo "$id (not an AEAD id: the key exchange did not complete?)";;
	esac
}

say "module"
grep '^tcpinc ' /proc/modules
dmesg | grep 'tcpinc: loaded' | tail -1

say "two hosts: h1 192.0.2.1 <-veth-> h2 192.0.2.2"
netns_pair
in_ns h1 ip -brief addr show eth0
in_ns h2 ip -brief addr show eth0

cap=$TCPINC_OUT/demo.pcap
in_ns h1 timeout 30 tcpdump -i eth0 -nn -U -w "$cap" 'tcp port 7000' 2>/dev/null &
tpid=$!
wait_for 10 test -s "$cap" || sleep 1

in_ns h2 $SOCK serve --addr 192.0.2.2 --port 7000 --ulp --ready "$TCPINC_OUT/demo.ready" >"$TCPINC_OUT/demo.server" &
spid=$!
wait_for 15 test -e "$TCPINC_OUT/demo.ready" || fail "server did not start"
in_ns h1 $SOCK connect --addr 192.0.2.2 --port 7000 --ulp --message "hello from h1" >"$TCPINC_OUT/demo.client"
wait $spid

say "client (h1): setsockopt(TCP_ULP, \"tcpcrypt\") before connect()"
echo "  socket ULP:     $(json_get "$TCPINC_OUT/demo.client" ulp)"
echo "  sent:           hello from h1"
echo "  echo received:  $(json_get "$TCPINC_OUT/demo.client" echo)"
echo "  TCP-ENO:        role $(eno_get "$TCPINC_OUT/demo.client" role) (0 = A), negotiated TEP $(eno_get "$TCPINC_OUT/demo.client" negtep) (35 = 0x23 tcpcrypt X25519)"
echo "  transcript:     $(eno_get "$TCPINC_OUT/demo.client" transcript)"
echo "  AEAD:           $(aead_of "$TCPINC_OUT/demo.client") (getsockopt TCP_CRYPT_CONF)"
echo "  session ID:     $(eno_get "$TCPINC_OUT/demo.client" sessid)"
say "server (h2): setsockopt(TCP_ULP, \"tcpcrypt\") before listen()"
echo "  accepted socket ULP (inherited): $(json_get "$TCPINC_OUT/demo.server" accepted_ulp)"
echo "  received:       $(json_get "$TCPINC_OUT/demo.server" received)"
echo "  TCP-ENO:        role $(eno_get "$TCPINC_OUT/demo.server" role) (1 = B), negotiated TEP $(eno_get "$TCPINC_OUT/demo.server" negtep)"
echo "  transcript:     $(eno_get "$TCPINC_OUT/demo.server" transcript)"
echo "  AEAD:           $(aead_of "$TCPINC_OUT/demo.server") (B picked it from A's Init1 list)"
echo "  session ID:     $(eno_get "$TCPINC_OUT/demo.server" sessid) (equal on both ends)"
[ "$(eno_get "$TCPINC_OUT/demo.client" aead)" = "$(eno_get "$TCPINC_OUT/demo.server" aead)" ] \
	|| fail "the two ends report different AEADs"

sleep 1
kill $tpid 2>/dev/null || true
wait $tpid 2>/dev/null || true
say "the wire, captured in h1: ENO (option kind 69, tcpdump's unknown-69) on SYN, SYN-ACK and A's ACKs"
tcpdump -nn -r "$cap" 2>/dev/null | head -20
say "payloads on the wire: Init1 (magic 15101a0e), Init2 (097105e0), then only encryption frames"
/usr/bin/python3 "$TCPINC_TOP/tools/tcpinc_pcap.py" "$cap" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    s = json.loads(line)
    if s["payload_len"]:
        print("  %-15s -> %-15s %4d bytes: %s..." % (s["src"], s["dst"], s["payload_len"], s["payload_hex"][:32]))'
if /usr/bin/python3 "$TCPINC_TOP/tools/tcpinc_pcap.py" "$cap" | grep -q "$(printf 'hello from h1' | od -An -tx1 | tr -d ' \n')"; then
	echo "  PLAINTEXT FOUND ON THE WIRE"
	exit 1
fi
echo "  the message \"hello from h1\" appears nowhere in the capture"

say "/proc/net/tcpinc_stat in h1 and h2"
in_ns h1 cat /proc/net/tcpinc_stat >"$TCPINC_OUT/demo.stat.h1"
in_ns h2 cat /proc/net/tcpinc_stat >"$TCPINC_OUT/demo.stat.h2"
awk 'BEGIN { printf "  %-28s %6s %6s\n", "counter", "h1", "h2" }
     NR == FNR { h1[FNR] = $2; next }
     { printf "  %-28s %6s %6s\n", $1, h1[FNR], $2 }' "$TCPINC_OUT/demo.stat.h1" "$TCPINC_OUT/demo.stat.h2"

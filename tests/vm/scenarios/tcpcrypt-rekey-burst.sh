#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
# needs: module
#
# Rekey requests while the peer's transmit is blocked,
# both ends driven from one process by tools/tcpinc_rekey_burst.py:
#   h1 192.0.2.1 / 2001:db8::1 (client, A)  ====  h2 192.0.2.2 / 2001:db8::2 (server, B)
# X (the rekeying end: the client, then the server) has a 32 KiB receive
# buffer and reads nothing while Y (32 KiB send buffer) writes until its
# transmit stays blocked; then X sends a few bytes and asks for rekeys with
# TCP_CRYPT_REKEY, 2-5 times back to back, Y reading X's bytes (so Y's
# module opens X's rekey frames and owes answers it cannot send yet); then
# X reads everything and a marker behind Y's answer. Several rounds each,
# IPv4 and IPv6; every byte both ways checked (SHA-256).
# - only the first request of a round is accepted, the others are EBUSY:
#   the module never has two rekeys of its own unanswered, so between two
#   modules Y owes one generation step at a time (k > 1 owed steps needs a
#   peer that rekeys with data frames while unanswered: the unit test
#   tcpcrypt_rekey_answer_test.cc);
# - counters: every accepted rekey reaches Y (TcpincTcRekeys at Y) and is
#   answered by exactly one rekey frame (TcpincTcRekeys at X = rekeys X
#   sent: one rekey bit per generation step); no authentication failure,
#   no abort on either end.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
T="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_rekey_burst.py"
ROUNDS=${REKEY_BURST_ROUNDS:-6}

# burst TAG ADDR PORT REKEYER SEED
burst() {
	local tag=$1 addr=$2 port=$3 rekeyer=$4 seed=$5 xns yns out
	if [ "$rekeyer" = client ]; then xns=h1 yns=h2; else xns=h2 yns=h1; fi
	local xs0 xr0 yr0 af1 af2 ab1 ab2
	xs0=$(stat_of TcpincTcRekeysSent $xns) xr0=$(stat_of TcpincTcRekeys $xns)
	yr0=$(stat_of TcpincTcRekeys $yns)
	af1=$(stat_of TcpincTcAuthFail h1) af2=$(stat_of TcpincTcAuthFail h2)
	ab1=$(stat_of TcpincTcAbort h1) ab2=$(stat_of TcpincTcAbort h2)
	out=$(timeout "$(scaled 120)" $T --server-ns h2 --client-ns h1 --addr "$addr" --port "$port" \
		--rekeyer "$rekeyer" --rounds "$ROUNDS" --seed "$seed") ||
		{ echo "$out"; fail "$tag: a check failed (above)"; }
	echo "$out" >"$TCPINC_OUT/$tag.json"
	local nok accepted sent xgot ygot
	nok=$(grep -c '"ok": true' <<<"$out" || true)
	# 2 start + 3 per round + 7 after the rounds.
	expect_eq "$tag: checks passed" $(( 2 + 3 * ROUNDS + 7 )) "$nok"
	accepted=$(tail -n 1 <<<"$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rekeys_accepted"])')
	sent=$(( $(stat_of TcpincTcRekeysSent $xns) - xs0 ))
	ygot=$(( $(stat_of TcpincTcRekeys $yns) - yr0 ))
	xgot=$(( $(stat_of TcpincTcRekeys $xns) - xr0 ))
	echo "$tag: X ($xns) rekeys accepted $accepted, counted sent $sent; Y ($yns) saw $ygot; X saw $xgot rekey frames back"
	expect_eq "$tag: rekeys X sent = requests accepted" "$accepted" "$sent"
	expect_eq "$tag: every rekey of X's reached Y" "$accepted" "$ygot"
	expect_eq "$tag: one answer (rekey frame) per step" "$accepted" "$xgot"
	expect_eq "$tag: no authentication failure (h1)" "$af1" "$(stat_of TcpincTcAuthFail h1)"
	expect_eq "$tag: no authentication failure (h2)" "$af2" "$(stat_of TcpincTcAuthFail h2)"
	expect_eq "$tag: no abort (h1)" "$ab1" "$(stat_of TcpincTcAbort h1)"
	expect_eq "$tag: no abort (h2)" "$ab2" "$(stat_of TcpincTcAbort h2)"
}

burst client-v4 192.0.2.2 7961 client 1
burst server-v4 192.0.2.2 7962 server 2
burst client-v6 2001:db8::2 7963 client 3
burst server-v6 2001:db8::2 7964 server 4
echo "PASS: rekey requests while the peer's transmit is blocked, client and server rekeying, IPv4 and IPv6, $ROUNDS rounds each"

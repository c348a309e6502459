#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# needs: module
#
# The "tcpcrypt" ULP on real sockets, IPv4 and IPv6:
#   h1 192.0.2.1 / 2001:db8::1 (client)  ====  h2 192.0.2.2 / 2001:db8::2 (server)
# - set before listen(): the accepted socket inherits it;
# - set before connect(): works; bytes flow intact (plain TCP for now);
# - TCP_ULP errors: EEXIST when set twice, ENOENT for an unknown name,
#   EISCONN after connect() (with a dmesg line saying why);
# - live contexts are counted per netns and return to 0 after close.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
SOCK="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_sock.py"

# json_get FILE KEY - one value of the JSON line a tcpinc_sock.py run printed.
json_get() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
live_is() { [ "$(tcpinc_stat TcpincCtxLive "$1")" = "$2" ]; }

netns_pair
expect_eq "h1 live contexts at start" 0 "$(tcpinc_stat TcpincCtxLive h1)"
expect_eq "h2 live contexts at start" 0 "$(tcpinc_stat TcpincCtxLive h2)"

run_pair() { # ADDR PORT
	local addr=$1 port=$2 out=$TCPINC_OUT/ulp-basic-$2
	in_ns h2 $SOCK serve --addr "$addr" --port "$port" --ulp --keep-listener \
		--ready "$out.ready" --hold 2 >"$out.server" &
	local spid=$!
	wait_for 15 test -e "$out.ready" || fail "server on $addr:$port did not start"
	in_ns h1 $SOCK connect --addr "$addr" --port "$port" --ulp \
		--message "ulp-basic $port" --hold 3 >"$out.client" &
	local cpid=$!
	# While both hold their sockets: h1 has the client socket, h2 the
	# listener and the accepted child, each with its own context.
	wait_for 15 live_is h2 2 || fail "h2 live contexts never reached 2: $(tcpinc_stat TcpincCtxLive h2)"
	expect_eq "h1 live contexts during the connection" 1 "$(tcpinc_stat TcpincCtxLive h1)"
	wait $spid || fail "server failed: $(cat "$out.server")"
	wait $cpid || fail "client failed: $(cat "$out.client")"
	cat "$out.server" "$out.client"
	expect_eq "listener ULP" tcpcrypt "$(json_get "$out.server" listener_ulp)"
	expect_eq "accepted socket ULP" tcpcrypt "$(json_get "$out.server" accepted_ulp)"
	expect_eq "client ULP" tcpcrypt "$(json_get "$out.client" ulp)"
	expect_eq "bytes received by the server" "ulp-basic $port" "$(json_get "$out.server" received)"
	expect_eq "bytes echoed to the client" "ulp-basic $port" "$(json_get "$out.client" echo)"
}

run_pair 192.0.2.2 7001
run_pair 2001:db8::2 7002

# Contexts are freed when the sockets are destroyed (bounded: FIN exchange).
wait_for 20 live_is h1 0 || fail "h1 contexts leaked: $(tcpinc_stat TcpincCtxLive h1)"
wait_for 20 live_is h2 0 || fail "h2 contexts leaked: $(tcpinc_stat TcpincCtxLive h2)"
expect_eq "h1 contexts ever" 2 "$(tcpinc_stat TcpincCtxTotal h1)"
expect_eq "h2 contexts ever (2 listeners + 2 children)" 4 "$(tcpinc_stat TcpincCtxTotal h2)"

# Error semantics of TCP_ULP itself, against a plain listener.
in_ns h2 $SOCK serve --addr 192.0.2.2 --port 7003 --ready "$TCPINC_OUT/ulp-errs.ready" >/dev/null &
spid=$!
wait_for 15 test -e "$TCPINC_OUT/ulp-errs.ready" || fail "plain server did not start"
in_ns h1 $SOCK sockopt --addr 192.0.2.2 --port 7003 >"$TCPINC_OUT/ulp-errs.json"
wait $spid || true
cat "$TCPINC_OUT/ulp-errs.json"
expect_eq "TCP_ULP before connect" ok "$(json_get "$TCPINC_OUT/ulp-errs.json" before_connect)"
expect_eq "TCP_ULP set twice" EEXIST "$(json_get "$TCPINC_OUT/ulp-errs.json" twice)"
expect_eq "TCP_ULP unknown name" ENOENT "$(json_get "$TCPINC_OUT/ulp-errs.json" unknown_name)"
expect_eq "TCP_ULP after connect" EISCONN "$(json_get "$TCPINC_OUT/ulp-errs.json" after_connect)"
expect_eq "h1 refused count" 1 "$(tcpinc_stat TcpincCtxRefused h1)"
wait_for 20 live_is h1 0 || fail "h1 contexts leaked after the sockopt checks"
dmesg | grep 'tcpinc: TCP_ULP "tcpcrypt" refused (EISCONN)' >/dev/null || fail "no dmesg line for the refused TCP_ULP"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
# needs: module
#
# Application authentication of the session ID with a pre-shared key
# (tools/tcpinc_auth.c, the programmers' example):
#   h1 192.0.2.1 (client, A) --- mb (router; observer or relay) --- 198.51.100.2 (server, B) h2
# - an on-path observer (tcpdump on mb) of an authenticated connection sees
#   no plaintext, and both ends print the same session ID and accept the
#   peer's tag (IPv4 and IPv6); a control connection with ENO off shows
#   that the same capture does see plaintext when there is any;
# - a wrong PSK: both ends refuse, no application byte is delivered;
# - an active man in the middle (mb redirects the connection to a relay
#   that makes two separate tcpcrypt sessions, a bit set like an
#   authenticating application): without a PSK the relay reads the
#   application's bytes; with the PSK both ends refuse (auth-mismatch)
#   before any application byte flows, and the session IDs the two ends
#   hold are the relay's two sessions;
# - --psk towards a peer that does not encrypt: refused (not-encrypted).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

AUTH=$TCPINC_TOP/build/tools/tcpinc-auth
[ -x "$AUTH" ] || fail "$AUTH is missing (make tools)"
netns_chain
wait_for 10 in_ns h1 ping -c1 -W1 198.51.100.2 >/dev/null || true
for ns in h1 h2 mb; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done
head -c 32 /dev/urandom >"$TCPINC_OUT/psk"
head -c 32 /dev/urandom >"$TCPINC_OUT/psk.other"
T=$(scaled 20)

# pair TAG ADDR PORT [server args...] -- [client args...]: one connection,
# outputs in $TCPINC_OUT/TAG.{server,client} (key=value lines).
pair() {
	local tag=$1 addr=$2 port=$3; shift 3
	local sargs=() cargs=() side=s a
	for a in "$@"; do
		if [ "$a" = -- ]; then side=c; continue; fi
		if [ $side = s ]; then sargs+=("$a"); else cargs+=("$a"); fi
	done
	in_ns h2 "$AUTH" listen "$addr" "$port" -t "$T" "${sargs[@]}" >"$TCPINC_OUT/$tag.server" 2>&1 &
	local spid=$!
	wait_for 15 grep -q '^listening=1' "$TCPINC_OUT/$tag.server" ||
		fail "$tag: server did not start: $(cat "$TCPINC_OUT/$tag.server")"
	in_ns h1 "$AUTH" connect "$addr" "$port" -t "$T" "${cargs[@]}" >"$TCPINC_OUT/$tag.client" 2>&1 || true
	wait_for 30 sh -c "! kill -0 $spid 2>/dev/null" || kill $spid 2>/dev/null || true
	wait $spid 2>/dev/null || true
	echo "--- $tag server:"; cat "$TCPINC_OUT/$tag.server"
	echo "--- $tag client:"; cat "$TCPINC_OUT/$tag.client"
}
# field NAME KEY - kv_of for an output file of this scenario
field() { kv_of "$TCPINC_OUT/$1" "$2"; }

# Control: ENO off on the server, no PSK: plain TCP, and the observer's
# capture shows the marker (so "not seen" below means something).
in_ns h2 sysctl -qw net.tcpinc.eno_enable_listen=0
capture_start mb eth0 7800 "$TCPINC_OUT/control.pcap"
pair control 198.51.100.2 7800 -- --message MARKER-control-7800
capture_stop
in_ns h2 sysctl -qw net.tcpinc.eno_enable_listen=1
expect_eq "control: plain TCP" 0 "$(field control.client encrypted)"
expect_eq "control: echo" MARKER-control-7800 "$(field control.client echo)"
[ "$(count_in "$TCPINC_OUT/control.pcap" MARKER-control-7800)" -ge 1 ] ||
	fail "control: the capture on mb does not show the plaintext marker: the observer sees nothing"
echo "ok: control: the observer on mb sees plaintext of a plain connection"

# Authenticated, with a passive observer on mb.
ok_case() { # TAG ADDR PORT
	local tag=$1 addr=$2 port=$3 m=MARKER-$1-$3
	capture_start mb eth0 "$port" "$TCPINC_OUT/$tag.pcap"
	pair "$tag" "$addr" "$port" --psk "$TCPINC_OUT/psk" -- --psk "$TCPINC_OUT/psk" --message "$m"
	capture_stop
	expect_eq "$tag: client result" ok "$(field "$tag.client" result)"
	expect_eq "$tag: server result" ok "$(field "$tag.server" result)"
	expect_eq "$tag: client auth" ok "$(field "$tag.client" auth)"
	expect_eq "$tag: server auth" ok "$(field "$tag.server" auth)"
	expect_eq "$tag: server received" "$m" "$(field "$tag.server" received)"
	expect_eq "$tag: client echo" "$m" "$(field "$tag.client" echo)"
	local sc ss
	sc=$(field "$tag.client" sessid) ss=$(field "$tag.server" sessid)
	[ ${#sc} = 66 ] || fail "$tag: client session ID '$sc' is not 33 bytes"
	expect_eq "$tag: same session ID on both ends" "$sc" "$ss"
	expect_eq "$tag: same short form on both ends" "$(field "$tag.client" short)" "$(field "$tag.server" short)"
	expect_eq "$tag: roles" "A B" "$(field "$tag.client" role) $(field "$tag.server" role)"
	local pk
	pk=$(tcpdump -nn -r "$TCPINC_OUT/$tag.pcap" 2>/dev/null | grep -c 'length [1-9]' || true)
	[ "$pk" -ge 2 ] || fail "$tag: the capture on mb holds $pk data segments: the observer saw nothing"
	expect_eq "$tag: marker in the observer's capture" 0 "$(count_in "$TCPINC_OUT/$tag.pcap" "$m")"
}
ok_case auth-v4 198.51.100.2 7801
ok_case auth-v6 2001:db8:2::2 7802

# A wrong PSK.
pair wrong-psk 198.51.100.2 7803 --psk "$TCPINC_OUT/psk" -- --psk "$TCPINC_OUT/psk.other" --message MARKER-wrong
expect_eq "wrong-psk: client refuses" "refused auth-mismatch" "$(field wrong-psk.client result) $(field wrong-psk.client reason)"
expect_eq "wrong-psk: server refuses" "refused auth-mismatch" "$(field wrong-psk.server result) $(field wrong-psk.server reason)"
expect_eq "wrong-psk: nothing delivered" "" "$(field wrong-psk.server received)"

# An active man in the middle: mb redirects h1's connection to a relay
# that runs one tcpcrypt session with each end.
cat >"$TCPINC_OUT/relay.py" <<'PY'
import select, socket, sys, time
TCP_ULP, SELF_GOPT, SESSID = 31, 0x4544, 0x4541
lport, up_addr, up_port, limit = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
def ulp(s):
    s.setsockopt(socket.SOL_TCP, TCP_ULP, b"tcpcrypt")
    s.setsockopt(socket.SOL_TCP, SELF_GOPT, 2)   # a = 1, like the ends
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ulp(ls); ls.bind(("0.0.0.0", lport)); ls.listen(1); ls.settimeout(limit)
print("listening=1", flush=True)
down, _ = ls.accept()
up = socket.socket(); ulp(up); up.settimeout(limit); up.connect((up_addr, up_port))
def sessid(s):
    # ENOTCONN until tcpcrypt's key exchange (one more round trip after
    # TCP's handshake) is done; POLLOUT says it is.
    for _ in range(3):
        try:
            return s.getsockopt(socket.SOL_TCP, SESSID, 64).hex()
        except OSError as e:
            if e.errno != 107:
                raise
            select.select([], [s], [], limit)
    return "ENOTCONN"
for name, s in (("down", down), ("up", up)):
    print("%s_sessid=%s" % (name, sessid(s)), flush=True)
seen, end, peer = b"", time.time() + limit, {down: up, up: down}
open_ = {down, up}
while open_ and time.time() < end:
    r, _, _ = select.select(list(open_), [], [], 0.5)
    for s in r:
        try:
            b = s.recv(4096)
        except OSError:
            b = b""
        if not b:
            open_.discard(s)
            try: peer[s].shutdown(socket.SHUT_WR)
            except OSError: pass
            continue
        seen += b
        try: peer[s].sendall(b)
        except OSError: open_.discard(s)
# Printable ASCII as is, anything else (the HMAC tags) as '.'
print("relay_saw=" + "".join(chr(c) if 33 <= c < 127 else "." for c in seen), flush=True)
PY
IPT="iptables -w 5"
mitm() { # TAG PORT RELAYPORT [server args...] -- [client args...]
	local tag=$1 port=$2 rport=$3; shift 3
	in_ns mb $IPT -t nat -A PREROUTING -p tcp --dport "$port" -j REDIRECT --to-ports "$rport" ||
		skip "iptables REDIRECT not available in the guest"
	in_ns mb /usr/bin/python3 "$TCPINC_OUT/relay.py" "$rport" 198.51.100.2 "$port" "$T" \
		>"$TCPINC_OUT/$tag.relay" 2>&1 &
	local rpid=$!
	wait_for 15 grep -q '^listening=1' "$TCPINC_OUT/$tag.relay" || fail "$tag: relay did not start: $(cat "$TCPINC_OUT/$tag.relay")"
	pair "$tag" 198.51.100.2 "$port" "$@"
	wait_for 30 sh -c "! kill -0 $rpid 2>/dev/null" || kill $rpid 2>/dev/null || true
	wait $rpid 2>/dev/null || true
	in_ns mb $IPT -t nat -F PREROUTING
	echo "--- $tag relay:"; cat "$TCPINC_OUT/$tag.relay"
	expect_eq "$tag: client's session is the relay's downstream one" \
		"$(field "$tag.relay" down_sessid)" "$(field "$tag.client" sessid)"
	expect_eq "$tag: server's session is the relay's upstream one" \
		"$(field "$tag.relay" up_sessid)" "$(field "$tag.server" sessid)"
	[ "$(field "$tag.client" sessid)" != "$(field "$tag.server" sessid)" ] ||
		fail "$tag: both ends hold the same session ID through a relay"
}
# Without a PSK the relay reads everything: what the PSK check prevents.
mitm mitm-nopsk 7804 7904 -- --message MARKER-mitm-nopsk
expect_eq "mitm-nopsk: both ends think it worked" "ok ok" "$(field mitm-nopsk.client result) $(field mitm-nopsk.server result)"
case "$(sed -n "s/^relay_saw=//p" "$TCPINC_OUT/mitm-nopsk.relay")" in
*MARKER-mitm-nopsk*) echo "ok: mitm-nopsk: the relay read the application's bytes";;
*) fail "mitm-nopsk: the relay did not see the marker: $(sed -n "s/^relay_saw=//p" "$TCPINC_OUT/mitm-nopsk.relay")";;
esac
mitm mitm-psk 7805 7905 --psk "$TCPINC_OUT/psk" -- --psk "$TCPINC_OUT/psk" --message MARKER-mitm-psk
expect_eq "mitm-psk: client refuses" "refused auth-mismatch" "$(field mitm-psk.client result) $(field mitm-psk.client reason)"
expect_eq "mitm-psk: server refuses" "refused auth-mismatch" "$(field mitm-psk.server result) $(field mitm-psk.server reason)"
expect_eq "mitm-psk: server received nothing" "" "$(field mitm-psk.server received)"
case "$(sed -n "s/^relay_saw=//p" "$TCPINC_OUT/mitm-psk.relay")" in
*MARKER*) fail "mitm-psk: the relay saw application data";;
*) echo "ok: mitm-psk: the relay saw only the two tags";;
esac

# --psk towards a server that does not do ENO.
in_ns h2 sysctl -qw net.tcpinc.eno_enable_listen=0
pair not-encrypted 198.51.100.2 7806 -- --psk "$TCPINC_OUT/psk" --message MARKER-plain
in_ns h2 sysctl -qw net.tcpinc.eno_enable_listen=1
expect_eq "not-encrypted: client refuses" "refused not-encrypted" "$(field not-encrypted.client result) $(field not-encrypted.client reason)"
echo "PASS: session-ID authentication detects the relay and a wrong PSK, passes an observed connection (v4, v6)"

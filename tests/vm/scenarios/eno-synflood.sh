#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# needs: module
#
# An off-path attacker floods a ULP listener with spoofed SYNs:
# genuine clients must still negotiate tcpcrypt, and the
# listener's table of half-open negotiations must stay bounded and be freed
# by time and with its listener.
#
#   h1 192.0.2.1 2001:db8::1 (client) ==== h2 192.0.2.2 2001:db8::2 (listener)
#   h3 198.51.100.1 2001:db8:bad::1 (attacker) ==== h2 eth1 198.51.100.254 2001:db8:bad::fe
#
# h3 sends SYNs from 198.51.100.128-253 and 2001:db8:bad:1::/64 with ENO;
# h2 routes those back to h3, which drops the SYN-ACKs (no forwarding).
# For each family, with syncookies always on (50,000 SYNs) and off (a
# backlog large enough that TCP keeps every request: 5,000 SYNs):
# - once the table is full (TcpincEnoPendingEvicted moves), a genuine
#   client connects: both ends report the same session ID (no fallback);
# - TcpincEnoPendingLive never exceeds eno_pending_max; it is 0 once the
#   listener is closed (no table outlives its listener);
# Then: entries expire by time with no SYN arriving (eno_pending_timeout=3),
# and a stale entry of a 4-tuple (a spoofed SYN without ENO whose request
# the real owner reset) does not make the real SYN of that tuple fall back.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

FLOOD=$TCPINC_TOP/build/tools/tcpinc-synflood
[ -x "$FLOOD" ] || fail "no $FLOOD (make tools)"

netns_pair
_tcpinc_ns_up h3
ip link add eth1 netns h2 type veth peer name eth0 netns h3 || fail "veth h2<->h3"
in_ns h2 ip addr add 198.51.100.254/24 dev eth1
in_ns h2 ip addr add 2001:db8:bad::fe/64 dev eth1 nodad
in_ns h3 ip addr add 198.51.100.1/24 dev eth0
in_ns h3 ip addr add 2001:db8:bad::1/64 dev eth0 nodad
in_ns h2 ip link set eth1 up
in_ns h3 ip link set eth0 up
in_ns h3 ip route add 192.0.2.0/24 via 198.51.100.254
in_ns h3 ip -6 route add 2001:db8::/64 via 2001:db8:bad::fe
# SYN-ACKs to the spoofed sources go to h3, which does not forward them.
in_ns h2 ip route add 198.51.100.128/25 via 198.51.100.1
in_ns h2 ip -6 route add 2001:db8:bad:1::/64 via 2001:db8:bad::1
# The stale-tuple check spoofs h1's own address through eth1.
for k in all default eth1; do in_ns h2 sysctl -qw net.ipv4.conf.$k.rp_filter=0; done
in_ns h2 sysctl -qw net.core.somaxconn=8192
in_ns h2 sysctl -qw net.ipv4.tcp_max_syn_backlog=8192
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done
max=$(in_ns h2 sysctl -n net.tcpinc.eno_pending_max)
expect_eq "default eno_pending_max" 1024 "$max"

st() { stat_of "$1" h2; }
live_le_max() { [ "$(st TcpincEnoPendingLive)" -le "$max" ]; }
live_zero() { [ "$(st TcpincEnoPendingLive)" = 0 ]; }
evicted_above() { [ "$(st TcpincEnoPendingEvicted)" -gt "$1" ]; }

# server TAG ADDR PORT [args] - one ULP listener on h2 in the background.
server() {
	local tag=$1 addr=$2 port=$3; shift 3
	rm -f "$TCPINC_OUT/$tag.ready"
	in_ns h2 $SOCK serve --addr "$addr" --port "$port" --ulp --backlog 8192 \
		--ready "$TCPINC_OUT/$tag.ready" --timeout 60 "$@" >"$TCPINC_OUT/$tag.server" 2>&1 &
	SPID=$!
	wait_for 15 test -e "$TCPINC_OUT/$tag.ready" || fail "$tag: server did not start: $(cat "$TCPINC_OUT/$tag.server")"
}

# client TAG ADDR PORT [args] - the genuine client on h1; then both ends
# must report the same session ID.
client() {
	local tag=$1 addr=$2 port=$3; shift 3
	in_ns h1 $SOCK connect --addr "$addr" --port "$port" --ulp --timeout 30 \
		--message "genuine $tag" "$@" >"$TCPINC_OUT/$tag.client" 2>&1 || true
	wait_for 30 sh -c "! kill -0 $SPID 2>/dev/null" || kill $SPID 2>/dev/null || true
	wait $SPID 2>/dev/null || true
	echo "$tag server: $(cat "$TCPINC_OUT/$tag.server")"
	echo "$tag client: $(cat "$TCPINC_OUT/$tag.client")"
	local sid
	sid=$(jq_py "$TCPINC_OUT/$tag.client" 'd["eno"]["sessid"]')
	case $sid in
	EINVAL|ENOTCONN|None|"")
		for ns in h1 h2; do echo "$ns: $(in_ns $ns cat /proc/net/tcpinc_stat | grep -vw 0 | tr '\n' ' ')"; done
		fail "$tag: the genuine client has no session ID ($sid): it fell back to plain TCP";;
	esac
	expect_eq "$tag: echo" "genuine $tag" "$(jq_py "$TCPINC_OUT/$tag.client" 'd["echo"]')"
	expect_eq "$tag: same session ID on both ends" "$sid" "$(jq_py "$TCPINC_OUT/$tag.server" 'd["eno"]["sessid"]')"
}

flood_round() { # TAG DST SRCNET PORT COOKIES COUNT
	local tag=$1 dst=$2 net=$3 port=$4 cookies=$5 count=$6 ev0 fpid
	in_ns h2 sysctl -qw net.ipv4.tcp_syncookies="$cookies"
	server "$tag" "$dst" "$port"
	ev0=$(st TcpincEnoPendingEvicted)
	in_ns h3 "$FLOOD" --dst "$dst" --dport "$port" --src-net "$net" --count "$count" \
		--seconds "$(scaled 90)" >"$TCPINC_OUT/$tag.flood" 2>&1 &
	fpid=$!
	# The genuine SYN must meet a full table: wait until it evicts.
	wait_for 60 evicted_above "$ev0" || fail "$tag: the table never filled (evicted $(st TcpincEnoPendingEvicted), live $(st TcpincEnoPendingLive)); flood: $(cat "$TCPINC_OUT/$tag.flood")"
	local during=yes
	client "$tag" "$dst" "$port"
	kill -0 $fpid 2>/dev/null || during="no (the flood had ended; the table was still full)"
	wait $fpid || fail "$tag: flood tool failed: $(cat "$TCPINC_OUT/$tag.flood")"
	echo "$tag: flood $(cat "$TCPINC_OUT/$tag.flood"); client connected during the flood: $during"
	live_le_max || fail "$tag: $(st TcpincEnoPendingLive) half-open entries, more than eno_pending_max $max"
	echo "$tag: evicted $(( $(st TcpincEnoPendingEvicted) - ev0 )), lost $(st TcpincEnoPendingLost), live after the server closed:"
	wait_for 20 live_zero || fail "$tag: $(st TcpincEnoPendingLive) entries outlive their listener"
	echo "ok: $tag: no entry left once the listener is closed"
}

flood_round v4-cookies 192.0.2.2 198.51.100.128 7951 2 50000
flood_round v6-cookies 2001:db8::2 2001:db8:bad:1:: 7952 2 50000
flood_round v4-nocookies 192.0.2.2 198.51.100.128 7953 0 5000
flood_round v6-nocookies 2001:db8::2 2001:db8:bad:1:: 7954 0 5000
in_ns h2 sysctl -qw net.ipv4.tcp_syncookies=1

# Freed by time: 300 entries with a 3 s lifetime, then no SYN at all.
in_ns h2 sysctl -qw net.tcpinc.eno_pending_timeout=3
server expire 192.0.2.2 7955
ex0=$(st TcpincEnoPendingExpired)
in_ns h3 "$FLOOD" --dst 192.0.2.2 --dport 7955 --src-net 198.51.100.128 --count 300 --seconds 30
[ "$(st TcpincEnoPendingLive)" -gt 0 ] || fail "expire: the flood left no entry to expire"
wait_for 40 live_zero || fail "expire: $(st TcpincEnoPendingLive) entries still live 40 s after the last SYN (lifetime 3 s)"
echo "ok: expire: every entry freed by time ($(( $(st TcpincEnoPendingExpired) - ex0 )) expired) with the listener still open"
client expire 192.0.2.2 7955
in_ns h2 sysctl -qw net.tcpinc.eno_pending_timeout=75

# A stale entry of the same 4-tuple: a spoofed SYN without ENO "from" h1's
# port 40001 (h1 resets the SYN-ACK it gets), then h1's real SYN from that
# port with another ISN: it must negotiate, not fall back as "SYN option
# changed".
stale_round() { # TAG DST SRC PORT
	local tag=$1 dst=$2 src=$3 port=$4 r0
	server "$tag" "$dst" "$port"
	r0=$(st TcpincEnoPendingReplaced)
	in_ns h3 "$FLOOD" --dst "$dst" --dport "$port" --src "$src" --sport 40001 --isn 1000 \
		--count 1 --seconds 5 --no-eno
	sleep 1
	client "$tag" "$dst" "$port" --bind-port 40001
	expect_eq "$tag: the stale entry was replaced" 1 "$(( $(st TcpincEnoPendingReplaced) - r0 ))"
}
stale_round v4-stale 192.0.2.2 192.0.2.1 7956
stale_round v6-stale 2001:db8::2 2001:db8::1 7957

echo "counters: $(in_ns h2 cat /proc/net/tcpinc_stat | grep -E 'EnoPending|EnoOk|Fallback' | tr '\n' ' ')"

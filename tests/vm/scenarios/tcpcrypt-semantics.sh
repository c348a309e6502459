#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
# needs: module
#
# What the socket calls say on a tcpcrypt connection, before and
# after its keys exist, both ends driven from one process by tools/tcpinc_semantics.py
# so that every step happens in a known order:
#   h1 192.0.2.1 / 2001:db8::1 (client, A)  ====  h2 192.0.2.2 / 2001:db8::2 (server, B)
# - before the keys exist (B's Init2 dropped at h1 by iptables for a while):
#   poll without POLLOUT, non-blocking send EAGAIN, nothing readable; then
#   POLLOUT once TCP retransmits Init2, and the data goes through;
# - partial reads of one frame, 10 bytes at a time, byte-exact;
# - drained: poll, epoll, FIONREAD (0) and recv(MSG_DONTWAIT) (EAGAIN) agree;
# - FIONREAD counts plaintext (3000 for a 3000-byte frame, not TCP's 3020);
# - MSG_PEEK returns the bytes again and leaves FIONREAD alone;
# - MSG_WAITALL returns three frames sent 50 ms apart in one call;
# - EOF only on FINp (shutdown(SHUT_WR) at the server), and the other
#   direction still carries data after it;
# - closing: a client that closes first answers the server's FINp frame
#   with an RST (Tcp OutRsts + 1, no TIME_WAIT); one that half-closes,
#   reads to EOF and closes ends in TIME_WAIT (Documentation/socket-api.md).
# IPv4 with the Init2 hold, then IPv6 without it.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

netns_pair
T="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_semantics.py"
IPT="ip netns exec h1 iptables -w 5"
# Segments from the server's port with a payload: SYN-ACK (about 70 bytes)
# and pure ACKs (52) pass, Init2 (about 130) and frames do not.
rule="INPUT -p tcp -s 192.0.2.2 --sport 7951 -m length --length 100:65535 -j DROP"
$IPT -L INPUT -n >/dev/null 2>&1 || fail "iptables does not work in the guest (needed to hold Init2 back)"

out=$(timeout 60 $T --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port 7951 \
	--hold-init2 "$IPT -A $rule" "$IPT -L INPUT -n -v -x > $TCPINC_OUT/hold.txt; $IPT -D $rule") ||
	{ echo "$out"; fail "IPv4: a check failed (above)"; }
echo "$out"
n4=$(grep -c '"ok": true' <<<"$out" || true)
expect_eq "IPv4 checks passed" 39 "$n4"
# The hold really held: the rule dropped something (Init2 at least).
dropped=$(awk '/DROP/ {s += $1} END {print s + 0}' "$TCPINC_OUT/hold.txt")
[ "$dropped" -ge 1 ] || fail "the Init2 hold rule dropped nothing: $(cat "$TCPINC_OUT/hold.txt")"
echo "IPv4: the hold dropped $dropped segments from the server"

out=$(timeout 60 $T --server-ns h2 --client-ns h1 --addr 2001:db8::2 --port 7952) ||
	{ echo "$out"; fail "IPv6: a check failed (above)"; }
echo "$out"
n6=$(grep -c '"ok": true' <<<"$out" || true)
expect_eq "IPv6 checks passed" 32 "$n6"
echo "PASS: recv/poll/epoll/FIONREAD/MSG_PEEK/MSG_WAITALL/close semantics, IPv4 ($n4 checks, with Init2 held back) and IPv6 ($n6)"

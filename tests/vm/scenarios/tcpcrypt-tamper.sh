#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
# needs: module
#
# A man in the middle on h1's egress (tc pedit, TCP checksum fixed up with
# act_csum so that TCP accepts the segment and only tcpcrypt can notice):
#   h1 192.0.2.1 (client) =[tc: flip / set FIN]=> h2 192.0.2.2 (server)
# - one ciphertext byte of a data frame flipped: the server's recv fails
#   with EBADMSG, not EOF, and not one byte of the bad frame is delivered;
#   the connection is reset; TcpincTcAuthFail counts it;
# - the same with the FINp frame in the same segment right behind the bad
#   frame (TCP_CORK): still EBADMSG (this was once in six runs EPROTO, when
#   TCP had coalesced the FINp segment into the bad frame's skb);
# - the frame's length field flipped (clen 60 -> 65340): the receiver waits
#   for a frame that never completes, and the FIN makes it EPIPE; nothing is
#   delivered (a header error need not be an authentication failure);
# - the TCP FIN flag set on a data segment (no FINp frame was sent): the
#   server's recv fails with EPIPE after the data, never a clean EOF.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
# Fresh key exchanges only (Init1/Init2 on the wire, TEP 0x23 without the v
# bit, fixed segment sizes); resumption changes all three and is not what
# this scenario is about.
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done
# The client's message: 40 bytes -> frame 3 + 1 + 40 + 16 = 60 bytes; with
# 20 bytes of IP and 32 of TCP (timestamps) the IPv4 packet is 112 bytes
# long, which no other segment of the connection is.
msg=tamper-0123456789abcdefghijklmnopqrstuvw
[ ${#msg} = 40 ] || fail "message must be 40 bytes"
in_ns h1 tc qdisc add dev eth0 root handle 1: prio || skip "no tc prio qdisc"
in_ns h1 tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
	match u16 112 0xffff at 2 match u8 6 0xff at 9 \
	action pedit munge offset 70 u8 invert pipe action csum tcp \
	|| skip "tc pedit/csum actions not available"

# flip_check TAG ERRNO - the server's error, nothing delivered, no echo.
flip_check() {
	expect_eq "$1: server: recv error" "$2" "$(jq_py "$TCPINC_OUT/$1.server" 'd["error"]')"
	grep -q "$msg" "$TCPINC_OUT/$1.server" && fail "$1: tampered bytes were delivered"
	local c
	c=$(jq_py "$TCPINC_OUT/$1.client" 'd.get("error", d.get("echo"))')
	[ "$c" != "$msg" ] || fail "$1: the client got an echo through a tampered connection"
	echo "$1: client saw: $c"
}

a0=$(stat_of TcpincTcAuthFail h2)
run_conn flip 192.0.2.2 7701 --ulp -- --ulp --message "$msg"
flip_check flip EBADMSG
expect_eq "server: auth failures counted" $((a0 + 1)) "$(stat_of TcpincTcAuthFail h2)"
dmesg | grep 'tcpcrypt connection aborted (errno 74): a frame failed authentication' >/dev/null \
	|| fail "no dmesg line for the authentication failure"

# The bad frame and the FINp frame in one segment (60 + 20 bytes of
# payload, IPv4 packet 132 bytes; Init1 is 131): the receiver must report
# the first failure, not what the wiped session says about the bytes after.
in_ns h1 tc filter del dev eth0 parent 1: prio 1
in_ns h1 tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
	match u16 132 0xffff at 2 match u8 6 0xff at 9 \
	action pedit munge offset 70 u8 invert pipe action csum tcp
a0=$(stat_of TcpincTcAuthFail h2)
run_conn flipfin 192.0.2.2 7703 --ulp -- --ulp --cork --message "$msg"
flip_check flipfin EBADMSG
expect_eq "flipfin: auth failures counted" $((a0 + 1)) "$(stat_of TcpincTcAuthFail h2)"

# The high byte of clen (payload offset 1, packet offset 53): the frame now
# claims 65340 bytes; the FINp frame and the FIN end the stream inside it.
in_ns h1 tc filter del dev eth0 parent 1: prio 1
in_ns h1 tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
	match u16 112 0xffff at 2 match u8 6 0xff at 9 \
	action pedit munge offset 53 u8 invert pipe action csum tcp
a0=$(stat_of TcpincTcAuthFail h2)
run_conn flipclen 192.0.2.2 7704 --ulp -- --ulp --message "$msg"
flip_check flipclen EPIPE
expect_eq "flipclen: no authentication failure counted" "$a0" "$(stat_of TcpincTcAuthFail h2)"

# FIN without FINp: set FIN on the same 112-byte data segment instead.
in_ns h1 tc filter del dev eth0 parent 1: prio 1
in_ns h1 tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
	match u16 112 0xffff at 2 match u8 6 0xff at 9 \
	action pedit munge offset 33 u8 set 0x19 pipe action csum tcp
run_conn fin 192.0.2.2 7702 --ulp -- --ulp --message "$msg"
expect_eq "server: FIN without FINp is an error" EPIPE "$(jq_py "$TCPINC_OUT/fin.server" 'd["error"]')"

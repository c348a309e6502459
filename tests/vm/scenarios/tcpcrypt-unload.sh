#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
# needs: module
#
# Module unload while a closed socket's struct sock still exists.
# A socket is destroyed (tcp_cleanup_ulp drops its module
# reference) while segments it sent still sit in a qdisc: netem holds them
# with a socket reference (or sk_wmem_alloc for pure ACKs), and when they
# leave, the last reference frees the socket (__sk_destruct,
# inet_sock_destruct -> sk_mem_reclaim_final -> sk->sk_prot->...). If the
# ULP left sk->sk_prot pointing at the module's proto copy, that read hits
# unloaded module memory.
#
# Each round: an encrypted connection (session IDs equal on both ends), then
# NETEM_S seconds of netem delay on h1's egress, data in flight from both
# ends, both ends closed, rmmod retried every 0.1 s until it succeeds, then
# a wait longer than the delay; the kernel log must stay clean (the harness
# fails the scenario on any BUG/KASAN/Oops line) and the guest alive.
#   rst-rst  both ends SO_LINGER {1,0}: both destroyed at once, the
#            client's RST and data wait in netem; netem must still hold
#            packets when rmmod succeeds (else the window was not
#            exercised: the scenario then ends in SKIP, not PASS)
#   fin-rst  the client closes normally (FIN_WAIT1 orphan, data and FIN in
#            netem), the server resets; same requirement
#   fin-fin  both close normally; rmmod succeeds once the orphans are gone
#   rst6     rst-rst over IPv6 (the tcpv6_prot copy)
#   h1 192.0.2.1 / 2001:db8::1 (client)  ====  h2 192.0.2.2 / 2001:db8::2 (server)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

NETEM_S=3
PY=$TCPINC_OUT/unload.py
cat >"$PY" <<'PYEOF'
import json, os, select, socket, struct, sys, time
TCP_ULP, TCP_ENO_SESSID = 31, 0x4541
role, fam, addr, port, mode, d, tmo = sys.argv[1:8]
tmo = float(tmo)  # scaled by the time factor
fam = socket.AF_INET6 if fam == "6" else socket.AF_INET

def wait_file(p, t):
    end = time.time() + t
    while not os.path.exists(p):
        if time.time() > end:
            sys.exit("timed out waiting for " + p)
        time.sleep(0.05)

def ulp(s):
    s.setsockopt(socket.SOL_TCP, TCP_ULP, b"tcpcrypt")

if role == "serve":
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ulp(ls)
    ls.bind((addr, int(port)))
    ls.listen(1)
    open(d + "/ready", "w").close()
    ls.settimeout(tmo)
    s, _ = ls.accept()
    ls.close()
else:
    wait_file(d + "/ready", tmo)
    s = socket.socket(fam, socket.SOCK_STREAM)
    ulp(s)
    s.settimeout(tmo)
    s.connect((addr, int(port)))
s.settimeout(tmo)
# One exchange each way: both ends are keyed before netem goes on.
s.sendall(b"ping")
got = b""
while len(got) < 4:
    b = s.recv(4 - len(got))
    if not b:
        sys.exit("EOF before the exchange")
    got += b
sid = s.getsockopt(socket.SOL_TCP, TCP_ENO_SESSID, 64).hex()
print(json.dumps({"role": role, "got": got.decode(), "sessid": sid}), flush=True)
open(d + "/" + role + ".keyed", "w").close()
wait_file(d + "/go", tmo)
# Data in flight: whatever the socket takes without blocking.
s.setblocking(False)
sent = 0
try:
    while sent < (1 << 20):
        sent += s.send(b"x" * 16384)
except BlockingIOError:
    pass
me, peer = ("client", "server") if role == "connect" else ("server", "client")
linger = (mode.split("-")[0] if role == "connect" else mode.split("-")[1]) == "rst"
if linger:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
t = time.time()
s.close()
print(json.dumps({"role": role, "sent": sent, "linger0": linger,
                  "close_s": round(time.time() - t, 2)}), flush=True)
PYEOF

refs() { awk '$1 == "tcpinc" { print $3 }' /proc/modules; }
loaded() { grep -q '^tcpinc ' /proc/modules; }

netns_pair
in_ns h1 tc qdisc add dev eth0 root netem delay 1ms || skip "netem not available"
in_ns h1 tc qdisc del dev eth0 root

# round NAME MODE FAMILY SADDR PORT
round() {
	local name=$1 mode=$2 fam=$3 saddr=$4 port=$5 d=$TCPINC_OUT/$1
	mkdir -p "$d"
	loaded || insmod "$TCPINC_KO" || fail "$name: insmod failed"
	expect_eq "$name: module references before the round" 0 "$(refs)"
	in_ns h2 /usr/bin/python3 "$PY" serve "$fam" "$saddr" "$port" "$mode" "$d" "$(scaled 60)" >"$d/server" 2>&1 &
	local spid=$!
	# Started together (the client waits for the listener): python's start
	# is the slow part under the debug kernel.
	in_ns h1 /usr/bin/python3 "$PY" connect "$fam" "$saddr" "$port" "$mode" "$d" "$(scaled 60)" >"$d/client" 2>&1 &
	local cpid=$!
	wait_for 60 sh -c "test -e '$d/serve.keyed' && test -e '$d/connect.keyed'" \
		|| fail "$name: no keyed connection: $(cat "$d/client" "$d/server")"
	local csid ssid
	csid=$(json_field "$(head -1 "$d/client")" sessid)
	ssid=$(json_field "$(head -1 "$d/server")" sessid)
	expect_eq "$name: session ID length (bytes)" 33 $(( ${#csid} / 2 ))
	expect_eq "$name: same session ID on both ends" "$csid" "$ssid"
	expect_eq "$name: client got the server's bytes" ping "$(json_field "$(head -1 "$d/client")" got)"

	in_ns h1 tc qdisc add dev eth0 root netem delay "${NETEM_S}s" limit 10000
	local t0; t0=$(date +%s.%N)
	touch "$d/go"
	wait $cpid || fail "$name: client failed: $(cat "$d/client")"
	wait $spid || fail "$name: server failed: $(cat "$d/server")"
	log "$name: $(tail -1 "$d/client") $(tail -1 "$d/server")"

	# rmmod as soon as the module lets us (bounded: 600 tries, 60 s, times
	# the time factor).
	local i ok=0 t1 held
	for i in $(seq "$(scaled 600)"); do
		if rmmod tcpinc 2>/dev/null; then ok=1; break; fi
		sleep 0.1
	done
	# What netem still holds right after the unload (each packet keeps its
	# socket: a reference, or sk_wmem_alloc for a pure ACK).
	held=$(in_ns h1 tc -s qdisc show dev eth0 | awk '$1 == "backlog" { sub("p", "", $3); print $3; exit }')
	t1=$(date +%s.%N)
	[ $ok = 1 ] || fail "$name: rmmod still refused after $(scaled 60) s (references: $(refs))"
	loaded && fail "$name: module still loaded after rmmod"
	local el; el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	log "$name: rmmod succeeded ${el}s after the go, with ${held:-?} packets still in netem"
	if [ "$mode" != fin-fin ]; then
		# The window under test: sockets gone, their segments still queued.
		# Not a failure of the module, but then this round proved nothing:
		# the scenario ends in SKIP, never PASS (seen on the debug kernel
		# under load, where rmmod only succeeded long after the close).
		[ "${held:-0}" -gt 0 ] || {
			echo "$name: netem held no packet when rmmod succeeded (${el}s): window not exercised" >&2
			unexercised="$unexercised $name"
		}
	fi
	# Longer than the delay: every held segment leaves netem and frees its socket.
	sleep $(( 2 * NETEM_S + 2 ))
	in_ns h1 tc qdisc del dev eth0 root
	expect_eq "$name: guest alive" ok "$(echo ok)"
	if dmesg | grep -E 'BUG:|KASAN|Oops:|general protection|unable to handle' >/dev/null; then
		fail "$name: kernel log: $(dmesg | grep -E -A3 'BUG:|KASAN|Oops:|general protection|unable to handle' | head -20)"
	fi
}

unexercised=
round rst-rst rst-rst 4 192.0.2.2 7701
round fin-rst fin-rst 4 192.0.2.2 7702
round fin-fin fin-fin 4 192.0.2.2 7703
round rst6 rst-rst 6 2001:db8::2 7704
insmod "$TCPINC_KO" || fail "reload failed"
[ -z "$unexercised" ] || skip "kernel log clean, but rmmod came after netem had released every packet in:$unexercised"
echo "all rounds: rmmod succeeded while netem held packets, kernel log clean"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 360
# needs: module
#
# tcpinc(8) and the "tcpinc" generic netlink family, ss's ULP diag:
#   h1 192.0.2.1 / 2001:db8::1 (client)  ====  h2 192.0.2.2 / 2001:db8::2 (server)
# - an open encrypted connection is listed by `tcpinc show` on both ends
#   with the session ID the sockets' TCP_ENO_SESSID gives (hex and the
#   short form), the TEP (TCP_ENO_NEGTEP), the AEAD (TCP_CRYPT_CONF) and
#   resumed 0; a second connection resumes and is listed with resumed 1;
#   IPv6 too; `--json` parses and carries the same fields; a plain TCP
#   connection held open beside them is not listed;
# - `ss -tie` shows tcp-ulp-tcpcrypt for the encrypted socket;
# - `tcpinc stats` prints exactly /proc/net/tcpinc_stat's names and values;
# - `tcpinc cache` lists the peer after a closed resumable connection;
#   `tcpinc cache flush` by an unprivileged user fails with EPERM and says
#   why; by root it wipes the entries (TcpincCacheEntries 0, TcpincCacheWipes +1);
# - `tcpinc config` sets a valid value and refuses invalid ones (exit 1,
#   value unchanged).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

bin=$(mktemp -d)
chmod 755 "$bin"
install -m 0755 "$TCPINC_TOP/build/tools/tcpinc" "$bin/tcpinc" 2>/dev/null ||
	fail "tcpinc is not built (make tools)"
TC=$bin/tcpinc
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
netns_pair
T=$(scaled 30)
# How long a held connection may stay open: the whole scenario's checks
# run while "plain" is (they took 65 s under TCG), so it is the scenario's bound.
H=$(scaled 200)

# A connection held open until $TCPINC_OUT/TAG.done exists (or H s); each end
# writes what its socket options say to TAG.{server,client}.json.
cat >"$bin/hold.py" <<'PY'
import json, os, socket, sys, time
role, addr, port, tag, ulp, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1", float(sys.argv[6])
out = os.environ["TCPINC_OUT"]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
def opts(s):
    if not ulp:
        return {}
    i = lambda o: int.from_bytes(s.getsockopt(6, o, 4), "little", signed=True)
    return {"sessid": s.getsockopt(6, 0x4541, 64).hex(), "negtep": i(0x4542),
            "aead": i(0x4561), "resumed": i(0x4574)}
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(limit)
if ulp:
    s.setsockopt(6, 31, b"tcpcrypt")
if role == "server":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(1)
    open(f"{out}/{tag}.ready", "w").close()
    c, _ = s.accept()
    c.settimeout(limit)
    c.sendall(c.recv(100))
    if ulp:
        c.sendall(c.recv(100))  # the client's second message, after its rekey
else:
    s.connect((addr, port)); c = s
    c.sendall(b"hello"); c.recv(100)
    if ulp:
        s.setsockopt(6, 0x4560, 1)  # TCP_CRYPT_REKEY: one rekey of ours, counted per connection
        c.sendall(b"again"); c.recv(100)
info = opts(c)
info["local_port"] = c.getsockname()[1]
info["remote_port"] = c.getpeername()[1]
json.dump(info, open(f"{out}/{tag}.{role}.json.tmp", "w"))
os.rename(f"{out}/{tag}.{role}.json.tmp", f"{out}/{tag}.{role}.json")
end = time.time() + limit
while not os.path.exists(f"{out}/{tag}.done") and time.time() < end:
    time.sleep(0.1)
c.close()
PY

# open TAG ADDR PORT ULP(0/1): a held connection h1 -> h2
open_conn() {
	local tag=$1 addr=$2 port=$3 ulp=$4
	rm -f "$TCPINC_OUT/$tag".*
	in_ns h2 /usr/bin/python3 "$bin/hold.py" server "$addr" "$port" "$tag" "$ulp" "$H" \
		>"$TCPINC_OUT/$tag.server.out" 2>&1 &
	PIDS[$tag]=$!
	wait_for 15 test -e "$TCPINC_OUT/$tag.ready" || fail "$tag: server did not listen: $(cat "$TCPINC_OUT/$tag.server.out")"
	in_ns h1 /usr/bin/python3 "$bin/hold.py" client "$addr" "$port" "$tag" "$ulp" "$H" \
		>"$TCPINC_OUT/$tag.client.out" 2>&1 &
	PIDS[$tag]+=" $!"
	wait_for 20 test -e "$TCPINC_OUT/$tag.client.json" -a -e "$TCPINC_OUT/$tag.server.json" ||
		fail "$tag: no connection: $(cat "$TCPINC_OUT/$tag.client.out" "$TCPINC_OUT/$tag.server.out")"
}
# shellcheck disable=SC2086
close_conn() { touch "$TCPINC_OUT/$1.done"; wait ${PIDS[$1]} || true; }
declare -A PIDS
jf() { jq_py "$1" "$2"; }

# pick SOCKJSON SHOWJSON: one python run (each costs seconds under TCG)
# printing, as KEY=VALUE lines, what the socket said and what the entry of
# tcpinc show --json with its ports says, and the short form computed from
# the socket's session ID as tcpinc(8) defines it.
pick() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
m = [e for e in d if e["local_port"] == s["local_port"] and e["remote_port"] == s["remote_port"]]
print("count=%d" % len(m))
print("sock_sid=%s" % s["sessid"])
print("sock_tep=%d" % (s["negtep"] & 0x7f))
print("sock_aead=%d" % s["aead"])
print("sock_resumed=%d" % s["resumed"])
d20 = "%020d" % (int.from_bytes(bytes.fromhex(s["sessid"])[1:10], "big") % 10**20)
print("sock_short=%s" % "-".join(d20[i:i + 5] for i in range(0, 20, 5)))
for k in ("session_id", "tep", "aead", "resumed", "state", "session_id_short", "rekeys_sent",
          "rekeys_received"):
    print("show_%s=%s" % (k, m[0].get(k, "") if m else ""))
PY
}

# check_show TAG RESUMED: both ends list the connection as their sockets see it.
check_show() {
	local tag=$1 resumed=$2 ns side sid short sids=()
	for side in client server; do
		ns=h1; [ $side = server ] && ns=h2
		in_ns $ns "$TC" show --json >"$TCPINC_OUT/$tag.$side.show.json"
		in_ns $ns "$TC" show >"$TCPINC_OUT/$tag.$side.show.txt"
		cat "$TCPINC_OUT/$tag.$side.show.txt"
		local f=$TCPINC_OUT/$tag.$side.pick
		pick "$TCPINC_OUT/$tag.$side.json" "$TCPINC_OUT/$tag.$side.show.json" >"$f"
		sid=$(kv_of "$f" sock_sid) short=$(kv_of "$f" sock_short)
		[ ${#sid} = 66 ] || fail "$tag $side: getsockopt session ID '$sid' is not 33 bytes"
		expect_eq "$tag $side: listed once" 1 "$(kv_of "$f" count)"
		expect_eq "$tag $side: session ID = TCP_ENO_SESSID" "$sid" "$(kv_of "$f" show_session_id)"
		expect_eq "$tag $side: TEP = TCP_ENO_NEGTEP" "$(kv_of "$f" sock_tep)" "$(kv_of "$f" show_tep)"
		expect_eq "$tag $side: AEAD = TCP_CRYPT_CONF" "$(kv_of "$f" sock_aead)" "$(kv_of "$f" show_aead)"
		expect_eq "$tag $side: resumed = TCP_CRYPT_RESUMED" "$resumed" "$(kv_of "$f" sock_resumed)"
		expect_eq "$tag $side: resumed in show" "$resumed" "$(kv_of "$f" show_resumed)"
		expect_eq "$tag $side: state" ESTAB "$(kv_of "$f" show_state)"
		expect_eq "$tag $side: short form in JSON" "$short" "$(kv_of "$f" show_session_id_short)"
		# The client started one rekey (TCP_CRYPT_REKEY); the server received it.
		if [ $side = client ]; then
			expect_eq "$tag client: rekeys sent" 1 "$(kv_of "$f" show_rekeys_sent)"
		else
			expect_eq "$tag server: rekeys received" 1 "$(kv_of "$f" show_rekeys_received)"
		fi
		expect_eq "$tag $side: text lists hex and short ID" 2 \
			"$(grep -c -e "session $sid\$" -e "short $short\$" "$TCPINC_OUT/$tag.$side.show.txt" || true)"
		sids+=("$(kv_of "$f" show_session_id)")
	done
	expect_eq "$tag: both ends show the same session ID" "${sids[0]}" "${sids[1]}"
}

# A plain TCP connection stays open through the checks: never listed.
open_conn plain 192.0.2.2 8100 0
plain_port=$(jf "$TCPINC_OUT/plain.client.json" 'd["local_port"]')

# 1. fresh, IPv4
open_conn fresh 192.0.2.2 8101 1
check_show fresh 0
expect_eq "plain TCP connection not listed" 0 \
	"$(jf "$TCPINC_OUT/fresh.client.show.json" "len([e for e in d if e['local_port'] == $plain_port or e['remote_port'] == 8100])")"
in_ns h1 ss -tie "dport = :8101" >"$TCPINC_OUT/ss.txt"
cat "$TCPINC_OUT/ss.txt"
expect_eq "ss -tie shows tcp-ulp-tcpcrypt" 1 "$(grep -c 'tcp-ulp-tcpcrypt' "$TCPINC_OUT/ss.txt" || true)"
in_ns h1 ss -tie "dport = :8100" >"$TCPINC_OUT/ss-plain.txt"
expect_eq "ss -tie: the plain connection has no ULP" 0 "$(grep -c 'tcp-ulp' "$TCPINC_OUT/ss-plain.txt" || true)"

# 2. stats = /proc/net/tcpinc_stat, while nothing moves
in_ns h1 "$TC" stats | awk '{print $1, $2}' >"$TCPINC_OUT/stats.cli"
in_ns h1 cat /proc/net/tcpinc_stat | awk '{print $1, $2}' >"$TCPINC_OUT/stats.proc"
[ "$(wc -l <"$TCPINC_OUT/stats.proc")" -ge 40 ] || fail "stats: /proc/net/tcpinc_stat has $(wc -l <"$TCPINC_OUT/stats.proc") lines"
diff "$TCPINC_OUT/stats.proc" "$TCPINC_OUT/stats.cli" || fail "stats: tcpinc stats differs from /proc/net/tcpinc_stat"
echo "ok: stats: $(wc -l <"$TCPINC_OUT/stats.cli") lines equal /proc/net/tcpinc_stat"
in_ns h1 "$TC" stats --json >"$TCPINC_OUT/stats.json"
expect_eq "stats --json: TcpincTcHandshakes" "$(tcpinc_stat TcpincTcHandshakes h1)" "$(jf "$TCPINC_OUT/stats.json" 'd["TcpincTcHandshakes"]')"
close_conn fresh

# 3. the cache after the closed resumable connection
wait_for 10 sh -c "[ \"\$(ip netns exec h1 awk '\$1 == \"TcpincCacheEntries\" {print \$2}' /proc/net/tcpinc_stat)\" -ge 1 ]" ||
	fail "cache: no entry in h1 after the fresh connection"
in_ns h1 "$TC" cache | tee "$TCPINC_OUT/cache.txt"
in_ns h1 "$TC" cache --json >"$TCPINC_OUT/cache.json"
expect_eq "cache: one peer, 192.0.2.2" "192.0.2.2" "$(jf "$TCPINC_OUT/cache.json" 'd[0]["peer"]')"
expect_eq "cache: entries = TcpincCacheEntries" "$(tcpinc_stat TcpincCacheEntries h1)" "$(jf "$TCPINC_OUT/cache.json" 'sum(e["entries"] for e in d)')"

# 4. resumed, IPv4 (it uses the cached chain)
open_conn resumed 192.0.2.2 8102 1
check_show resumed 1
close_conn resumed

# 5. fresh, IPv6 (no resumption for this peer yet)
open_conn six 2001:db8::2 8103 1
check_show six 0
expect_eq "IPv6: family" inet6 "$(jf "$TCPINC_OUT/six.client.show.json" '[e for e in d if e["remote_port"] == 8103][0]["family"]')"
close_conn six

# 6. flush: unprivileged refused, root wipes
wait_for 10 sh -c "[ \"\$(ip netns exec h1 awk '\$1 == \"TcpincCacheEntries\" {print \$2}' /proc/net/tcpinc_stat)\" -ge 1 ]" ||
	fail "flush: nothing cached to flush"
before=$(tcpinc_stat TcpincCacheEntries h1)
wipes=$(tcpinc_stat TcpincCacheWipes h1)
rc=0
in_ns h1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$TC" cache flush >"$TCPINC_OUT/flush-user.out" 2>&1 || rc=$?
cat "$TCPINC_OUT/flush-user.out"
expect_eq "flush as nobody: exit 1" 1 "$rc"
expect_eq "flush as nobody: EPERM and why" 1 "$(grep -c 'EPERM.*CAP_NET_ADMIN' "$TCPINC_OUT/flush-user.out" || true)"
expect_eq "flush as nobody: cache intact" "$before" "$(tcpinc_stat TcpincCacheEntries h1)"
in_ns h1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$TC" show --json >"$TCPINC_OUT/show-user.json"
expect_eq "show as nobody: works (read-only)" 0 "$(jf "$TCPINC_OUT/show-user.json" 'len(d)')"
in_ns h1 "$TC" cache flush | tee "$TCPINC_OUT/flush.out"
expect_eq "flush as root: says how many" "flushed $before entries" "$(cat "$TCPINC_OUT/flush.out")"
expect_eq "flush: TcpincCacheEntries" 0 "$(tcpinc_stat TcpincCacheEntries h1)"
expect_eq "flush: TcpincCacheWipes +1" $((wipes + 1)) "$(tcpinc_stat TcpincCacheWipes h1)"
expect_eq "flush: cache lists nothing" "total 0 entries, 0 peers" "$(in_ns h1 "$TC" cache)"

# 7. config
in_ns h1 "$TC" config resume_cache_max 77 | tee "$TCPINC_OUT/config.out"
expect_eq "config: set prints the new value" "net.tcpinc.resume_cache_max = 77" "$(cat "$TCPINC_OUT/config.out")"
expect_eq "config: the sysctl took it" 77 "$(in_ns h1 cat /proc/sys/net/tcpinc/resume_cache_max)"
for bad in "resume_cache_max 70000" "resume_cache_max -1" "eno_teps 0x23,0x23" "tcpcrypt_aeads 0x0003" "no_such_setting 1"; do
	rc=0
	# shellcheck disable=SC2086
	in_ns h1 "$TC" config $bad >"$TCPINC_OUT/config-bad.out" 2>&1 || rc=$?
	cat "$TCPINC_OUT/config-bad.out"
	expect_eq "config $bad: exit 1" 1 "$rc"
	[ -s "$TCPINC_OUT/config-bad.out" ] || fail "config $bad: no message"
done
expect_eq "config: value unchanged by the refused ones" 77 "$(in_ns h1 cat /proc/sys/net/tcpinc/resume_cache_max)"
rc=0
in_ns h1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$TC" config resume_cache_max 5 >"$TCPINC_OUT/config-user.out" 2>&1 || rc=$?
cat "$TCPINC_OUT/config-user.out"
expect_eq "config as nobody: exit 1" 1 "$rc"
expect_eq "config as nobody: unchanged" 77 "$(in_ns h1 cat /proc/sys/net/tcpinc/resume_cache_max)"

close_conn plain
echo "PASS: tcpinc show/stats/cache/config and ss -tie agree with the sockets and /proc (fresh, resumed, IPv6; plain TCP not listed; flush needs CAP_NET_ADMIN)"

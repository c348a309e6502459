#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# needs: module
#
# ENO's non-SYN option (45 02) on A's data segments must not push them
# over the path MTU. A repeats it until B's first
# non-SYN segment (RFC 8547 4.6); on a resumed session (no Init2) with a
# silent B, A's first data segments carry it. Every first-write size from
# MSS-40 to MSS, IPv4 and IPv6, with and without timestamps: every byte
# arrives, no stall, no fragmentation failure (DF), and TCP_MAXSEG is back
# to the full MSS once the repetition ended.
#   h1 (client, A)  ==== veth MTU 1500 ====  h2 (server, B, silent)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
FW="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_firstwrite.py"
fragfails() { in_ns h1 nstat -az IpFragFails Ip6FragFails IpExtFragFails 2>/dev/null | awk 'NR>1 && $1 ~ /FragFails/ {s += $2} END {print s+0}'; }
port=7600
for ts in 1 0; do
	in_ns h1 sysctl -qw net.ipv4.tcp_timestamps=$ts
	for addr in 192.0.2.2 2001:db8::2; do
		port=$((port + 1))
		if [ "${addr#*:}" != "$addr" ]; then hdr=60; else hdr=40; fi
		mss=$(( 1500 - hdr - (ts ? 12 : 0) ))	# IP + TCP headers, timestamps
		tag="ts$ts-$port"
		f0=$(fragfails)
		ns0=$(stat_of TcpincEnoNoSpace h1)
		capture_start h1 eth0 $port "$TCPINC_OUT/$tag.pcap"
		rm -f "$TCPINC_OUT/$tag.ready"
		in_ns h2 $FW serve --addr "$addr" --port $port --count 42 --timeout "$(scaled 30)" \
			--ready "$TCPINC_OUT/$tag.ready" >"$TCPINC_OUT/$tag.server" 2>&1 &
		spid=$!
		wait_for 15 test -e "$TCPINC_OUT/$tag.ready" || fail "$tag: server did not start"
		in_ns h1 $FW connect --addr "$addr" --port $port --first $((mss - 40)) --last $mss --mss $mss \
			--timeout "$(scaled 3)" >"$TCPINC_OUT/$tag.client" 2>&1 || true
		wait_for 30 sh -c "! kill -0 $spid 2>/dev/null" || kill $spid 2>/dev/null || true
		wait $spid 2>/dev/null || true
		capture_stop
		/usr/bin/python3 - "$TCPINC_OUT/$tag.client" $mss <<'PY' | tee "$TCPINC_OUT/$tag.summary"
import json, sys
d = json.load(open(sys.argv[1])); mss = int(sys.argv[2])
rs = d["results"]
bad = [r["size"] for r in rs if r.get("counted") != r["size"]]
nores = [r["size"] for r in rs if r.get("resumed") != 1]
small = [(r["size"], r.get("mss_after")) for r in rs if r.get("mss_after") != mss]
slow = [(r["size"], r["secs"]) for r in rs if r["secs"] > 2.5]
print("sizes %d..%d: %d connections; lost/short: %s; not resumed: %s; mss_after != %d: %s; slow: %s"
      % (rs[0]["size"], rs[-1]["size"], len(rs), bad, nores, mss, small, slow))
PY
		expect_eq "$tag ($addr, ts=$ts, mss $mss): every size delivered" "[]" \
			"$(jq_py "$TCPINC_OUT/$tag.client" '[r["size"] for r in d["results"] if r.get("counted") != r["size"]]')"
		expect_eq "$tag: every connection resumed (no Init2)" "[]" \
			"$(jq_py "$TCPINC_OUT/$tag.client" '[r["size"] for r in d["results"] if r.get("resumed") != 1]')"
		expect_eq "$tag: no stall (none over 2.5 s x time factor)" "[]" \
			"$(jq_py "$TCPINC_OUT/$tag.client" '[r["size"] for r in d["results"] if r["secs"] > 2.5 * '$TCPINC_TF']')"
		expect_eq "$tag: full MSS after the repetition" "[]" \
			"$(jq_py "$TCPINC_OUT/$tag.client" '[r["size"] for r in d["results"] if r.get("mss_after") != '$mss']')"
		expect_eq "$tag: no fragmentation failures" "$f0" "$(fragfails)"
		expect_eq "$tag: ENO never left out (GSO included)" "$ns0" "$(stat_of TcpincEnoNoSpace h1)"
		echo "$tag: TCP_MAXSEG during the first flight: $(jq_py "$TCPINC_OUT/$tag.client" 'sorted(set(r.get("mss_during") for r in d["results"]))')"
		# RFC 8547 4.6 on the wire: every segment of A up to B's first
		# non-SYN segment carries ENO (a GSO segment counts as its parts:
		# they share its header).
		$PCAP "$TCPINC_OUT/$tag.pcap" --port $port --no-payload >"$TCPINC_OUT/$tag.segs"
		expect_eq "$tag: A repeats ENO on every segment until B's first non-SYN" "ok" \
			"$(/usr/bin/python3 - "$TCPINC_OUT/$tag.segs" $port <<'PY'
import json, sys
port = int(sys.argv[2]); seen_b = {}; bad = []; conns = set()
for line in open(sys.argv[1]):
    g = json.loads(line)
    if g["dport"] == port:
        c = g["sport"]; conns.add(c)
        if "S" not in g["flags"] and not seen_b.get(c) and "4502" not in g["eno"]:
            bad.append((c, g["flags"], g["seq"]))
    elif "S" not in g["flags"]:
        seen_b[g["dport"]] = True
print("ok" if not bad and len(conns) >= 42 else "conns %d, without ENO: %s" % (len(conns), bad[:5]))
PY
)"
	done
done
echo "eno-mtu: ok"

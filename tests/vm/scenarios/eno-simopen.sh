#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
# needs: module
#
# Simultaneous open (RFC 8547 4.3, Figure 12): both hosts connect() to each
# other, h2 having set b = 1 (TCP_ENO_SELF_GOPT 1) as the RFC asks the
# applications to pre-arrange. netem delays every segment by 400 ms so the
# two SYNs cross on the wire.
#   h1 192.0.2.1:7601 (A)  ====(400 ms each way)====  h2 192.0.2.2:7602 (B)
# Each host's SYN-ACK must carry the same ENO option as its SYN; both end
# with the same transcript, opposite roles and TEP 0x23.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
in_ns h1 tc qdisc add dev eth0 root netem delay 400ms || skip "netem not available"
in_ns h2 tc qdisc add dev eth0 root netem delay 400ms

ok=0
for attempt in 1 2 3; do
	cap=$TCPINC_OUT/simopen$attempt.pcap
	capture_start h1 eth0 7601 "$cap"
	in_ns h1 $SOCK connect --addr 192.0.2.2 --port 7602 --bind-addr 192.0.2.1 --bind-port 7601 \
		--ulp --message from-h1 --timeout 20 >"$TCPINC_OUT/sim-a.json" 2>&1 &
	a=$!
	in_ns h2 $SOCK connect --addr 192.0.2.1 --port 7601 --bind-addr 192.0.2.2 --bind-port 7602 \
		--ulp --eno-gopt 1 --message from-h2 --timeout 20 >"$TCPINC_OUT/sim-b.json" 2>&1 &
	b=$!
	wait $a || true
	wait $b || true
	capture_stop
	cat "$TCPINC_OUT/sim-a.json" "$TCPINC_OUT/sim-b.json"
	if grep -q '"echo"' "$TCPINC_OUT/sim-a.json" && grep -q '"echo"' "$TCPINC_OUT/sim-b.json"; then
		ok=1
		break
	fi
	log "attempt $attempt: the SYNs did not cross (a RST won); trying again"
	sleep 2
done
[ $ok = 1 ] || fail "no simultaneous open in 3 attempts"

segs "$cap" 7601 >"$TCPINC_OUT/simopen.segs"
cat "$TCPINC_OUT/simopen.segs"
/usr/bin/python3 - "$TCPINC_OUT/simopen.segs" <<'PY' || fail "simultaneous open did not happen as expected on the wire"
import json, sys
segs = [json.loads(l) for l in open(sys.argv[1])]
by = {"192.0.2.1": [], "192.0.2.2": []}
for s in segs:
    by[s["src"]].append(s)
for host, mine in by.items():
    syn = [s for s in mine if s["flags"] == "S"]
    synack = [s for s in mine if s["flags"] == "SA"]
    if not syn or not synack:
        sys.exit(f"{host}: expected both a SYN and a SYN-ACK (simultaneous open), got {[s['flags'] for s in mine]}")
    if syn[0]["eno"] != synack[0]["eno"] or not syn[0]["eno"]:
        sys.exit(f"{host}: SYN-ACK option {synack[0]['eno']} differs from SYN option {syn[0]['eno']}")
    print(host, "SYN and SYN-ACK carry", syn[0]["eno"])
# A: implicit global, TEPs 0x21 0x24 0x23 (defaults); B: explicit global b = 1, same TEPs.
if by["192.0.2.1"][0]["eno"] != ["4505212423"] or by["192.0.2.2"][0]["eno"] != ["450601212423"]:
    sys.exit(f"unexpected options: {by['192.0.2.1'][0]['eno']} {by['192.0.2.2'][0]['eno']}")
PY
expect_eq "h1 got h2's bytes" from-h2 "$(jq_py "$TCPINC_OUT/sim-a.json" 'd["echo"]')"
expect_eq "h2 got h1's bytes" from-h1 "$(jq_py "$TCPINC_OUT/sim-b.json" 'd["echo"]')"
expect_eq "h1 role (A)" 0 "$(jq_py "$TCPINC_OUT/sim-a.json" 'd["eno"]["role"]')"
expect_eq "h2 role (B)" 1 "$(jq_py "$TCPINC_OUT/sim-b.json" 'd["eno"]["role"]')"
expect_eq "h1 TEP" 35 "$(jq_py "$TCPINC_OUT/sim-a.json" 'd["eno"]["negtep"]')"
expect_eq "h2 TEP" 35 "$(jq_py "$TCPINC_OUT/sim-b.json" 'd["eno"]["negtep"]')"
ta=$(jq_py "$TCPINC_OUT/sim-a.json" 'd["eno"]["transcript"]')
expect_eq "same transcript on both ends" "$ta" "$(jq_py "$TCPINC_OUT/sim-b.json" 'd["eno"]["transcript"]')"
expect_eq "transcript: A's option then B's" 4505212423450601212423 "$ta"

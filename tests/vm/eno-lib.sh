# SPDX-License-Identifier: GPL-2.0
# eno-lib.sh - helpers shared by the ENO scenarios (sourced after lib.sh).

SOCK="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_sock.py"
PCAP="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_pcap.py"

# jq_py FILE EXPR - evaluate a python expression over the JSON object in
# FILE, bound to d (e.g. 'd["eno"]["role"]').
jq_py() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# capture_start NS IFACE PORT FILE - tcpdump in the background (bounded 60 s);
# sets CAPTURE_PID. capture_stop waits until the packets are on disk.
capture_start() {
	in_ns "$1" timeout "$(scaled 60)" tcpdump -i "$2" -nn -U -s 256 -w "$4" "tcp port $3" 2>/dev/null &
	CAPTURE_PID=$!
	wait_for 10 test -s "$4" || sleep 1
}
capture_stop() {
	sleep 0.5
	kill "$CAPTURE_PID" 2>/dev/null || true
	wait "$CAPTURE_PID" 2>/dev/null || true
}

# run_conn TAG ADDR PORT [server args...] -- [client args...]
# One connection h1 -> h2 with the ULP on both unless the args say
# otherwise; results in $TCPINC_OUT/TAG.{server,client}. (tcpinc_sock.py
# multiplies its own --timeout and --hold by TCPINC_VM_TIME_FACTOR.)
run_conn() {
	local tag=$1 addr=$2 port=$3; shift 3
	local sargs=() cargs=() side=s
	for a in "$@"; do
		if [ "$a" = -- ]; then side=c; continue; fi
		if [ $side = s ]; then sargs+=("$a"); else cargs+=("$a"); fi
	done
	rm -f "$TCPINC_OUT/$tag.ready"
	# RUN_SERVER_ADDR: the server binds another address than the client
	# connects to (e.g. :: for a v4-mapped client).
	in_ns h2 $SOCK serve --addr "${RUN_SERVER_ADDR:-$addr}" --port "$port" --ready "$TCPINC_OUT/$tag.ready" \
		--timeout 15 "${sargs[@]}" >"$TCPINC_OUT/$tag.server" 2>&1 &
	local spid=$!
	wait_for 15 test -e "$TCPINC_OUT/$tag.ready" || fail "$tag: server did not start: $(cat "$TCPINC_OUT/$tag.server")"
	in_ns h1 $SOCK connect --addr "$addr" --port "$port" --timeout 15 "${cargs[@]}" \
		>"$TCPINC_OUT/$tag.client" 2>&1 || true
	if ! wait_for 20 sh -c "! kill -0 $spid 2>/dev/null"; then
		kill $spid 2>/dev/null || true
	fi
	wait $spid 2>/dev/null || true
	echo "$tag server: $(cat "$TCPINC_OUT/$tag.server")"
	echo "$tag client: $(cat "$TCPINC_OUT/$tag.client")"
}

# segs FILE PORT - the capture as JSON lines, one per TCP segment.
segs() { $PCAP "$1" --port "$2" --no-payload; }

# eno_of SEGS N - the ENO options (comma-joined hex) of segment N (0-based).
eno_of() { sed -n "$(( $2 + 1 ))p" "$1" | /usr/bin/python3 -c 'import json,sys; print(",".join(json.loads(sys.stdin.read())["eno"]))'; }
flags_of() { sed -n "$(( $2 + 1 ))p" "$1" | /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["flags"])'; }

stat_of() { tcpinc_stat "$1" "$2"; }

# kv_of FILE KEY - the value of the last KEY=VALUE word in FILE (the
# key=value lines tcpinc-auth and tcpinc-run's log write); empty if none.
kv_of() { grep -o "\(^\| \)$2=[^ ]*" "$1" 2>/dev/null | tail -1 | sed "s/^ \?$2=//"; }

# count_in FILE PATTERN - how many lines of FILE (binary too: a capture)
# hold PATTERN; 0 if none.
count_in() { grep -ac "$2" "$1" || true; }

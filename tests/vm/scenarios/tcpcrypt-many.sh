#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
# needs: module
# memory: 1024
#
# 1,000 concurrent encrypted connections with data, both ends in one
# process (tools/tcpinc_many.py), listener (backlog 2048) in h2, clients
# in h1, every one a full key exchange (TCP_CRYPT_NO_RESUME):
#   h1 192.0.2.1 (1,000 clients) ==== h2 192.0.2.2:7991 (listener)
# - all 1,000 open at the same time (connected in waves of 100, each
#   accepted before the next, so no SYN cookie ever replaces ENO);
# - 4 KiB distinct per connection and direction, all 2,000 sockets driven
#   by one poll() loop: every byte arrives;
# - session IDs: 33 bytes, equal on both ends, all 1,000 distinct;
# - with everything open, `tcpinc show --json` lists exactly those
#   sessions in each namespace, TcpincCtxLive = 1,000 in h1 and 1,001 in h2
#   (the listener has a context);
# - TcpincTcHandshakes grew by 1,000 in each namespace (each end counts
#   its key exchange: 2,000 in all), TcpincEnoOk likewise, no tcpcrypt
#   abort, no fallback, no resumption;
# - after close, TcpincCtxLive returns to 0 and `tcpinc show` is empty in
#   both namespaces.
# The guest gets 1 GiB: a tcpcrypt connection pair holds ~290 KiB of
# kernel memory on the data path of 2026-12 (Documentation/operations.md).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

N=1000
TC=$TCPINC_TOP/build/tools/tcpinc
[ -x "$TC" ] || fail "needs $TC (make tools)"
netns_pair
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done
in_ns h1 sysctl -qw net.ipv4.ip_local_port_range="20000 65000"

names="TcpincTcHandshakes TcpincEnoOk TcpincTcAbort TcpincResumed TcpincEnoFallbackMissing TcpincEnoFallbackOther TcpincTcAuthFail"
declare -A before
for ns in h1 h2; do for k in $names; do before[$ns.$k]=$(stat_of $k $ns); done; done

t0=$(date +%s)
out=$(timeout "$(scaled 240)" /usr/bin/python3 "$TCPINC_TOP/tools/tcpinc_many.py" --server-ns h2 --client-ns h1 \
	--addr 192.0.2.2 --port 7991 --count "$N" --size 4096 --backlog 2048 --deadline 200 --show "$TC") \
	|| { echo "$out"; fail "tcpinc_many.py failed (above)"; }
echo "$out"
/usr/bin/python3 - "$out" <<'PY' || fail "a check of tcpinc_many.py failed (above)"
import json, sys
d = json.loads(sys.argv[1])
for c in d["checks"]:
    print(("ok: " if c["ok"] else "FAIL: ") + c["check"] + " " + json.dumps({k: v for k, v in c.items() if k not in ("check", "ok")}))
print("open %s s, data %s s, close %s s: %s connections/s (open + data); Slab %s KiB per pair with all open" % (d["open_seconds"], d["data_seconds"], d["close_seconds"], d["connections_per_second"], d["slab_kib_per_pair"]))
sys.exit(0 if d["ok"] and all(c["ok"] for c in d["checks"]) else 1)
PY
log "tcpinc_many.py: $(( $(date +%s) - t0 )) s"

for ns in h1 h2; do
	check_eq "$ns: key exchanges completed" "$N" $(( $(stat_of TcpincTcHandshakes $ns) - ${before[$ns.TcpincTcHandshakes]} ))
	check_eq "$ns: ENO negotiations that enabled encryption" "$N" $(( $(stat_of TcpincEnoOk $ns) - ${before[$ns.TcpincEnoOk]} ))
	for k in TcpincTcAbort TcpincTcAuthFail TcpincResumed TcpincEnoFallbackMissing TcpincEnoFallbackOther; do
		check_eq "$ns: $k" 0 $(( $(stat_of $k $ns) - ${before[$ns.$k]} ))
	done
done
echo "key exchanges: h1 +$(( $(stat_of TcpincTcHandshakes h1) - ${before[h1.TcpincTcHandshakes]} )), h2 +$(( $(stat_of TcpincTcHandshakes h2) - ${before[h2.TcpincTcHandshakes]} ))"

live0() { [ "$(tcpinc_stat TcpincCtxLive "$1")" = 0 ]; }
for ns in h1 h2; do
	wait_for 60 live0 $ns || true
	check_eq "$ns: TcpincCtxLive after close" 0 "$(tcpinc_stat TcpincCtxLive $ns)"
	check_eq "$ns: tcpinc show after close" "[]" "$(in_ns $ns "$TC" show --json | tr -d ' \n')"
done
echo "PASS: $N concurrent full key exchanges with 4 KiB each way: bytes, distinct session IDs equal on both ends, tcpinc show, counters, all contexts freed"

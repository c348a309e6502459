#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vmgenid-restore (guest part; run.py drives snapshot_flow): read the fork
# counter, say "ready", and after the host saved this guest and restored it
# into a new QEMU process (new vmgenid), check that the kernel and the module
# both noticed: dmesg "crng reseeded due to virtual machine fork" and
# TcpincVmforkEvents in /proc/net/tcpinc_stat increased.
set -u
. /harness/lib.sh

forked() { dmesg | grep -q 'crng reseeded due to virtual machine fork'; }

[ -d /sys/module/tcpinc ] || fail "tcpinc module not loaded"
forked && fail "fork message already present before the snapshot"
dmesg | grep -q 'crng init done' || log "warning: crng not initialised yet (random.trust_cpu=on missing?)"
before=$(tcpinc_stat TcpincVmforkEvents)
log "before: TcpincVmforkEvents=${before:-absent}"
cp /proc/net/tcpinc_stat "$TCPINC_OUT/stat-before.txt" 2>/dev/null &&
	tcpinc_send_file stat-before.txt "$TCPINC_OUT/stat-before.txt"

tcpinc_report ready "$TCPINC_NAME"
# Guest time does not advance while the VM is stopped for saving, so this
# bound only counts time the guest actually runs (save + restore).
wait_for 100 forked || fail "no 'crng reseeded due to virtual machine fork' in dmesg (generation change not seen)"
log "$(dmesg | grep 'virtual machine fork')"
after=$(tcpinc_stat TcpincVmforkEvents)
log "after: TcpincVmforkEvents=${after:-absent}"
cp /proc/net/tcpinc_stat "$TCPINC_OUT/stat-after.txt" 2>/dev/null &&
	tcpinc_send_file stat-after.txt "$TCPINC_OUT/stat-after.txt"

if [ -n "$before" ] && [ -n "$after" ]; then
	[ "$after" -gt "$before" ] || fail "TcpincVmforkEvents did not increase ($before -> $after)"
elif [ "${TCPINC_EXPECT_VMFORK_COUNTER:-0}" = 1 ]; then
	fail "tcpinc.ko has TcpincVmforkEvents but /proc/net/tcpinc_stat does not show it"
else
	tcpinc_report note "counter check skipped: this tcpinc.ko has no TcpincVmforkEvents"
fi

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vmgenid-live (guest part; tests/vm/snapshot_live.py drives it through
# run.py's snapshot_flow): a guest with a warm resumption cache and a live
# tcpcrypt connection is saved; the source keeps running (branch 1) and the
# state is restored into a new QEMU (branch 2), with -device vmgenid
# (TCPINC_VMGENID=1) or without it (0).
#
#   h1 192.0.2.1 --veth-- h2 192.0.2.2, both in this guest, module loaded
#
# Before the save: one full connection warms both caches, then a capture
# starts and a resumed connection streams a chunk every 100 ms (sequence
# number + CLOCK_MONOTONIC ns: two copies of the VM send different bytes).
# After: the branch knows which it is from dmesg (the crng's "virtual
# machine fork" line). Branch 2 with vmgenid must see: both ends of the
# live connection aborted with EKEYREVOKED, TcpincVmforkAborts counted, both
# caches empty, and the next connection doing a full key exchange. Branch 1
# (and any branch without vmgenid) sees the stream finish intact and the
# next connection resume. Each branch ships its capture; the host compares
# the two for (key, frame nonce) pairs carrying two different ciphertexts.
#
# TCPINC_VMGENID_UNBIND=1 (with the device) unbinds Linux's own vmgenid
# driver before the save, so the restored copy never gets the ACPI
# notification: no crng reseed, no vmfork notifier. That holds open, for
# good, the window the module closes by reading the generation ID itself
# before it seals or opens (tcpinc_crypt_vm_ok(), the cache's take and accept), which
# the flow with the driver bound only hits by timing. Branch 2 must then
# see the live connection aborted with EKEYREVOKED by that check alone
# (TcpincVmforkEvents stays 0), and every later connection too: without
# the notification the RNG was not reseeded either, so the module refuses
# to key anything (fail closed). Without the crng line to tell the branches
# apart, each reports what it saw and the host checks that the restored
# QEMU is the one that says branch 2.
set -u
. /harness/lib.sh

# (scaled and the time factor come with lib.sh; older copies lack them)
type scaled >/dev/null 2>&1 || scaled() { echo "$1"; }
STREAM=/harness/tcpinc-stream
forked() { dmesg | grep -q 'crng reseeded due to virtual machine fork'; }
stat_h() { tcpinc_stat "$1" "$2"; }
ship() { cp "$1" "$TCPINC_OUT/$2" 2>/dev/null && tcpinc_send_file "$2" "$TCPINC_OUT/$2"; }

[ -d /sys/module/tcpinc ] || fail "tcpinc module not loaded"
[ -x $STREAM ] || fail "no $STREAM in the initramfs (make tools)"
forked && fail "fork message already present before the snapshot"
unbind=0
if [ "${TCPINC_VMGENID:-1}" = 1 ] && [ "${TCPINC_VMGENID_UNBIND:-0}" = 1 ]; then
	unbind=1
	dmesg | grep -q 'tcpinc: VM generation ID found' || fail "the module did not map the VM generation ID"
	drv=/sys/bus/acpi/drivers/vmgenid
	dev=$(cd $drv 2>/dev/null && ls -d *:* 2>/dev/null | head -1)
	[ -n "$dev" ] || fail "no device bound to Linux's vmgenid driver ($drv)"
	echo "$dev" >$drv/unbind || fail "cannot unbind $dev from $drv"
	[ ! -e "$drv/$dev" ] || fail "$dev still bound to $drv"
	log "vmgenid driver unbound from $dev: a restore will not be notified"
fi
netns_pair

# One listener for everything: warm-up, live stream, after-restore probe.
in_ns h2 $STREAM serve 192.0.2.2 7801 -n 3 -t "$(scaled 240)" -r /tmp/srv.ready >/tmp/server.log 2>&1 &
wait_for 20 test -e /tmp/srv.ready || fail "server did not start: $(cat /tmp/server.log)"

in_ns h1 $STREAM connect 192.0.2.2 7801 -d 0 >/tmp/warm.log 2>&1 || fail "warm-up connection: $(cat /tmp/warm.log)"
grep -q 'resumed=0' /tmp/warm.log || fail "warm-up was not a full key exchange: $(cat /tmp/warm.log)"
expect_eq "h1 chains cached before the save" 1 "$(stat_h TcpincCacheEntries h1)"
expect_eq "h2 chains cached before the save" 1 "$(stat_h TcpincCacheEntries h2)"

# -Z root: Debian's tcpdump would switch to a user this guest does not have.
in_ns h1 timeout "$(scaled 300)" tcpdump -Z root -i eth0 -nn -U -s 0 -w /tmp/live.pcap tcp port 7801 2>/tmp/tcpdump.log &
capture=$!
wait_for 10 test -s /tmp/live.pcap || sleep 1
in_ns h1 $STREAM connect 192.0.2.2 7801 -d "$(scaled 45)" -i 100 -c 200 >/tmp/live.log 2>&1 &
live=$!
wait_for 30 grep -q '^connected' /tmp/live.log || fail "live connection: $(cat /tmp/live.log)"
grep -q 'resumed=1' /tmp/live.log || fail "live connection did not resume: $(cat /tmp/live.log)"
sleep 2
log "before the save: $(head -1 /tmp/live.log)"
tcpinc_report ready "$TCPINC_NAME"

# Guest time stands still while the VM is stopped: these bounds count only
# running time. Branch 2 sees the fork within a few seconds of the restore.
branch=1
if [ $unbind = 1 ]; then
	# Nothing in the guest says "restored" now but the module's own check:
	# the outcome of the live connection names the branch, and the host
	# checks the name against which QEMU this is.
	wait_for 90 sh -c '! kill -0 '"$live"' 2>/dev/null' || fail "the live connection neither finished nor ended"
	grep -q 'end=EKEYREVOKED' /tmp/live.log && branch=2
	forked && fail "branch $branch: the crng was reseeded although the vmgenid driver is unbound"
elif [ "${TCPINC_VMGENID:-1}" = 1 ] && wait_for 15 forked; then
	branch=2
fi
log "this is branch $branch"
tcpinc_report note "branch $branch (vmgenid ${TCPINC_VMGENID:-1}$([ $unbind = 1 ] && echo ", driver unbound"))"

if [ $branch = 2 ] && [ $unbind = 1 ]; then
	wait_for 10 grep -q 'server-end=EKEYREVOKED' /tmp/server.log ||
		fail "branch 2: server end is not EKEYREVOKED: $(grep server-end /tmp/server.log)"
	[ "$(stat_h TcpincVmforkAborts h1)" -ge 1 ] || fail "branch 2: no abort counted in h1"
	[ "$(stat_h TcpincVmforkAborts h2)" -ge 1 ] || fail "branch 2: no abort counted in h2"
	expect_eq "branch 2: no vmfork notification in h1" 0 "$(stat_h TcpincVmforkEvents h1)"
	dmesg | grep -q 'tcpinc: tcpcrypt connection aborted (errno [0-9]*): VM generation changed' ||
		fail "branch 2: no dmesg line for the aborted connection"
	want=none
elif [ $branch = 2 ]; then
	wait_for 30 sh -c '! kill -0 '"$live"' 2>/dev/null' || fail "branch 2: the live connection kept running"
	grep -q 'end=EKEYREVOKED' /tmp/live.log || fail "branch 2: client end is not EKEYREVOKED: $(tail -1 /tmp/live.log)"
	wait_for 10 grep -q 'server-end=EKEYREVOKED' /tmp/server.log ||
		fail "branch 2: server end is not EKEYREVOKED: $(grep server-end /tmp/server.log)"
	[ "$(stat_h TcpincVmforkAborts h1)" -ge 1 ] || fail "branch 2: no abort counted in h1"
	[ "$(stat_h TcpincVmforkAborts h2)" -ge 1 ] || fail "branch 2: no abort counted in h2"
	expect_eq "branch 2: h1 cache wiped" 0 "$(stat_h TcpincCacheEntries h1)"
	expect_eq "branch 2: h2 cache wiped" 0 "$(stat_h TcpincCacheEntries h2)"
	dmesg | grep -q 'tcpinc: VM generation changed.*tcpcrypt connections aborted' ||
		fail "branch 2: no dmesg line for the VM generation change"
	want=0
else
	wait_for 90 sh -c '! kill -0 '"$live"' 2>/dev/null' || fail "branch $branch: the live connection did not finish"
	grep -q 'end=OK' /tmp/live.log || fail "branch $branch: live connection: $(tail -1 /tmp/live.log)"
	want=1
fi
log "live: $(tail -1 /tmp/live.log)"

if [ $want = none ]; then
	# Fail closed: no resumption (the cache refuses a copied VM) and no
	# fresh key exchange either (the RNG was not reseeded). Both ends check
	# on their own, so the client ends with its own EKEYREVOKED or with the
	# server's RST (ECONNRESET), whichever comes first; what must hold at
	# both ends is that nothing was keyed and the refusal was counted.
	counts() { for h in h1 h2; do for c in TcpincTcHandshakes TcpincResumed TcpincVmforkAborts; do
		printf '%s ' "$(stat_h $c $h)"; done; done; }
	read -r hs1 res1 ab1 hs2 res2 ab2 <<<"$(counts)"
	in_ns h1 $STREAM connect 192.0.2.2 7801 -d 0 >/tmp/after.log 2>&1 &&
		fail "branch 2: a connection was keyed after an unnotified restore: $(cat /tmp/after.log)"
	grep -Eq 'end=(EKEYREVOKED|ECONNRESET)' /tmp/after.log ||
		fail "branch 2: next connection: want EKEYREVOKED or ECONNRESET: $(cat /tmp/after.log)"
	grep -q 'resumed=' /tmp/after.log && fail "branch 2: next connection was keyed: $(cat /tmp/after.log)"
	wait_for 10 sh -c '[ "$(grep -c server-end= /tmp/server.log)" -ge 3 ]' ||
		fail "branch 2: the server did not end the next connection: $(cat /tmp/server.log)"
	read -r hs1b res1b ab1b hs2b res2b ab2b <<<"$(counts)"
	expect_eq "branch 2: key exchanges completed since (h1 h2)" "$hs1 $hs2" "$hs1b $hs2b"
	expect_eq "branch 2: sessions resumed since (h1 h2)" "$res1 $res2" "$res1b $res2b"
	[ $((ab1b + ab2b)) -gt $((ab1 + ab2)) ] || fail "branch 2: the refused connection was not counted in TcpincVmforkAborts"
else
	in_ns h1 $STREAM connect 192.0.2.2 7801 -d 0 >/tmp/after.log 2>&1 || fail "connection after the restore: $(cat /tmp/after.log)"
	grep -q "resumed=$want" /tmp/after.log || fail "branch $branch: next connection: want resumed=$want: $(cat /tmp/after.log)"
fi
log "next connection: $(head -1 /tmp/after.log)"
sleep 1
kill $capture 2>/dev/null; sleep 1
ship /tmp/live.pcap live.pcap
ship /tmp/live.log live.log
ship /tmp/server.log server.log
cat /proc/net/tcpinc_stat >"$TCPINC_OUT/stat.txt"; tcpinc_send_file stat.txt "$TCPINC_OUT/stat.txt"

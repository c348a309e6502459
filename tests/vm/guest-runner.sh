#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# guest-runner.sh - runs inside the 9p guest (chroot into the host tree), one
# boot for all guest scenarios, sequentially. For each scenario it
#   - writes "tcpinc-vm: start <name>" / "tcpinc-vm: end <name>" to /dev/kmsg
#     so the host can split the console log and blame kernel warnings;
#   - (re)loads $TCPINC_KO when the scenario says "# needs: module";
#   - runs it under timeout(1), output to $TCPINC_OUT_ROOT/<name>.log;
#   - reports on the result channel (/dev/ttyS1):
#       @tcpinc start <name> | pass <name> | fail <name> <reason> | skip <name> <reason>
#   - kills what the scenario left running (its process group, and every
#     process in a network namespace) and deletes every network namespace.
# Ends with "@tcpinc done". The host trusts only this channel.
set -u
. "$TCPINC_CONF"    # TCPINC_TOP TCPINC_KO TCPINC_OUT TCPINC_SCENARIOS ...

exec 3>/dev/ttyS1
res() { echo "@tcpinc $*" >&3; }
kmsg() { echo "<5>tcpinc-vm: $*" >/dev/kmsg; }
res runner

OUT_ROOT=$TCPINC_OUT
# The time factor reaches every scenario, lib.sh and tcpinc_sock.py.
TCPINC_VM_TIME_FACTOR=${TCPINC_VM_TIME_FACTOR:-1}
# 1 when the guest's clock counts instructions (run.py, TCPINC_VM_ICOUNT).
TCPINC_VM_ICOUNT=${TCPINC_VM_ICOUNT:-0}
# Set when a scenario needs tcg-count (run.py): the plugin's mark and dump files.
[ -z "${TCPINC_TCG_MARK:-}" ] || export TCPINC_TCG_MARK TCPINC_TCG_DUMP
[ -z "${TCPINC_BENCH_ROUNDS:-}" ] || export TCPINC_BENCH_ROUNDS
[ -z "${TCPINC_BENCH_COUNT:-}" ] || export TCPINC_BENCH_COUNT
export TCPINC_TOP TCPINC_KO TCPINC_VM_TIME_FACTOR TCPINC_VM_ICOUNT
cd /

module_loaded() { [ -d /sys/module/tcpinc ]; }

load_module() {
	module_loaded && return 0
	[ -r "$TCPINC_KO" ] || { echo "module file $TCPINC_KO does not exist (run make module)"; return 1; }
	local dep
	for dep in $(modinfo -F depends "$TCPINC_KO" 2>/dev/null | tr , ' '); do
		timeout $((60 * TCPINC_VM_TIME_FACTOR)) modprobe "$dep" || { echo "modprobe $dep (dependency of tcpinc) failed"; return 1; }
	done
	timeout $((60 * TCPINC_VM_TIME_FACTOR)) insmod "$TCPINC_KO" 2>&1 || { echo "insmod $TCPINC_KO failed or hung (exit $?)"; return 1; }
}

cleanup_netns() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
	done
	timeout $((30 * TCPINC_VM_TIME_FACTOR)) ip -all netns delete 2>/dev/null
	# Leftover veths/links in the init namespace created by a scenario.
	for ns in $(ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
		ip link del "$ns" 2>/dev/null
	done
}

# TCPINC_SCENARIOS: lines "name|path|timeout|needs"
while IFS='|' read -r name path tmo needs; do
	[ -n "$name" ] || continue
	kmsg "start $name"
	res start "$name"
	out="$OUT_ROOT/$name"
	mkdir -p "$out"
	logf="$OUT_ROOT/$name.log"
	reason=""
	if [[ " $needs " == *" module "* ]]; then
		msg=$(load_module 2>&1) || reason="needs module: $(echo "$msg" | tail -n1)"
	fi
	if [ -z "$reason" ]; then
		t0=$(date +%s%N)
		# timeout(1) makes itself a process group leader: after the scenario,
		# kill that group so background helpers do not leak into the next one.
		TCPINC_OUT="$out" TCPINC_SCENARIO="$name" \
			timeout -k 5 "$tmo" /bin/bash "$path" </dev/null >"$logf" 2>&1 3>&- &
		tpid=$!
		wait $tpid
		rc=$?
		kill -9 -- -$tpid 2>/dev/null
		echo "# exit $rc after $(( ($(date +%s%N) - t0) / 1000000 )) ms" >>"$logf"
		case $rc in
		0) ;;
		77) reason="skip:$(grep -m1 '^SKIP: ' "$logf" | cut -c7- | tr -d '\r')" ;;
		124|137) reason="timeout after ${tmo}s" ;;
		*) why=$(grep -m1 '^FAIL: ' "$logf" | cut -c7- | tr -d '\r')
		   [ -n "$why" ] || why=$(grep -v -e '^ *$' -e '^# exit ' "$logf" | tail -n1 | cut -c1-120)
		   reason="exit $rc${why:+: $why}" ;;
		esac
		# lib.sh's check_eq records failed sub-cases without exiting: a
		# scenario that had one fails, even if it then exits 0 or skips.
		nsub=$(grep -c '^SUBFAIL: ' "$logf" || true)
		case ${nsub:-0}:$reason in
		0:*) ;;
		*:|*:skip:*)
			reason="$nsub sub-case(s) failed, first: $(grep -m1 '^SUBFAIL: ' "$logf" | cut -c10- | tr -d '\r' | cut -c1-120)" ;;
		esac
	fi
	cleanup_netns
	kmsg "end $name"
	case $reason in
	"") res pass "$name" ;;
	skip:*) res skip "$name" "${reason#skip:}" ;;
	*) res fail "$name" "$reason" ;;
	esac
done <<<"$TCPINC_SCENARIOS"
res done

# SPDX-License-Identifier: GPL-2.0
# lib.sh - helpers for VM scenarios (sourced by tests/vm/scenarios/*.sh in the
# 9p guest and by tests/vm/mini/*.sh in the self-contained snapshot guest).
#
# Topology helpers only ever use documentation address ranges:
#   192.0.2.0/24, 198.51.100.0/24 and 2001:db8::/32. Never send traffic
#   anywhere else.
#
# Exit codes: 0 pass, 77 skip (fail/skip below), anything else fail.
# See Documentation/testing-vm.md.

# fail MSG... - print the reason and exit 1 (reported as FAIL).
fail() { echo "FAIL: $*" >&2; exit 1; }

# skip MSG... - print the reason and exit 77 (reported as SKIP, never PASS).
skip() { echo "SKIP: $*" >&2; exit 77; }

# median "N N N..." - the median of the numbers (benchmarks: odd round counts).
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# json_field JSON KEY: one top-level field of a benchmark tool's JSON line.
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# expect_eq WHAT EXPECTED ACTUAL - fail unless the two strings are equal.
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	echo "ok: $1 = '$3'"
}

# check_eq WHAT EXPECTED ACTUAL - a sub-case: unlike expect_eq, a mismatch
# does not end the scenario. It is written as a "SUBFAIL:" line, and the
# runner (guest-runner.sh) fails the scenario when it ends, however it
# exits; the host lists every failed sub-case on its own line. For checks
# whose later steps do not depend on them. In a mini guest (whose runner
# does not read the log) it is expect_eq, so a mismatch is never lost.
check_eq() {
	[ -z "${TCPINC_RESULT_DEV:-}" ] || { expect_eq "$@"; return; }
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = '$3'"
	else
		echo "SUBFAIL: $1: expected '$2', got '$3'" >&2
	fi
	return 0
}

# log MSG... - timestamped progress line in the scenario log.
log() { echo "[$(date +%T)] $*"; }

# TCPINC_VM_TIME_FACTOR (an integer >= 1; the harness puts it in conf.sh)
# stretches every time bound of a scenario: the debug kernel (KASAN,
# lockdep, kmemleak) under TCG runs the same steps several times slower
# than the stock kernel, and a bound sized for the stock kernel would fail
# there without any bug. Bounds only: nothing waits longer when it is quick.
TCPINC_TF=${TCPINC_VM_TIME_FACTOR:-1}
case $TCPINC_TF in ''|*[!0-9]*|0) TCPINC_TF=1;; esac

# scaled SECONDS - SECONDS times the time factor, for bounds that are not
# wait_for's (timeout(1), a tool's --timeout).
scaled() { echo $(( $1 * TCPINC_TF )); }

# wait_for TIMEOUT_S CMD... - run CMD every 0.2 s until it succeeds; return 1
# (without failing the scenario) once TIMEOUT_S seconds (times the time
# factor) have passed.
wait_for() {
	local t=$(( $1 * TCPINC_TF )); shift
	local start; start=$(date +%s)
	local deadline=$(( start + t ))
	while :; do
		if "$@" >/dev/null 2>&1; then
			# Half the bound or more used: say so (how the time factor
			# for a slower kernel is judged, see testing-debug-kernel.md).
			local el=$(( $(date +%s) - start ))
			[ $(( el * 2 )) -lt "$t" ] || echo "wait_for: took ${el}s of ${t}s: $*" >&2
			return 0
		fi
		[ "$(date +%s)" -ge "$deadline" ] && { echo "wait_for: gave up after ${t}s: $*" >&2; return 1; }
		sleep 0.2
	done
}

# in_ns NS CMD... - run CMD inside network namespace NS. CMD may be a shell
# function (of this library or of the scenario): it then runs in a bash that
# has all currently defined functions.
in_ns() {
	local ns=$1; shift
	if declare -F "$1" >/dev/null; then
		ip netns exec "$ns" bash -c "$(declare -f); \"\$@\"" in_ns "$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# tcpinc_ping [-6] DST [COUNT] - ping that works with or without iputils
# (the host may only have busybox). Bounded: -W per reply, -c count.
tcpinc_ping() {
	local fam=4
	[ "$1" = -6 ] && { fam=6; shift; }
	local dst=$1 count=${2:-1}
	if command -v ping >/dev/null 2>&1 && ping -V >/dev/null 2>&1; then
		ping -"$fam" -n -c "$count" -W 2 "$dst"
	elif [ "$fam" = 6 ]; then
		busybox ping6 -c "$count" -W 2 "$dst"
	else
		busybox ping -c "$count" -W 2 "$dst"
	fi
}

_tcpinc_ns_up() {
	ip netns add "$1" || fail "ip netns add $1"
	in_ns "$1" ip link set lo up
	in_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 2>/dev/null || true
}

# netns_pair - two hosts h1 and h2 joined by a veth pair (h1:eth0 <-> h2:eth0):
#
#   h1 192.0.2.1/24 2001:db8::1/64  ====  h2 192.0.2.2/24 2001:db8::2/64
#
# IPv6 addresses use nodad so they are usable at once.
netns_pair() {
	_tcpinc_ns_up h1; _tcpinc_ns_up h2
	ip link add eth0 netns h1 type veth peer name eth0 netns h2 || fail "veth h1<->h2"
	in_ns h1 ip addr add 192.0.2.1/24 dev eth0
	in_ns h2 ip addr add 192.0.2.2/24 dev eth0
	in_ns h1 ip addr add 2001:db8::1/64 dev eth0 nodad
	in_ns h2 ip addr add 2001:db8::2/64 dev eth0 nodad
	in_ns h1 ip link set eth0 up
	in_ns h2 ip link set eth0 up
}

# netns_chain - three namespaces, a router/middlebox mb between h1 and h2:
#
#   h1 eth0 192.0.2.1/24 ---- 192.0.2.254/24 eth0 [mb] eth1 198.51.100.254/24 ---- 198.51.100.2/24 eth0 h2
#        2001:db8:1::1/64      2001:db8:1::fe/64         2001:db8:2::fe/64        2001:db8:2::2/64
#
# h1 and h2 route through mb (forwarding on); mb may run tcpdump, iptables...
netns_chain() {
	_tcpinc_ns_up h1; _tcpinc_ns_up mb; _tcpinc_ns_up h2
	ip link add eth0 netns h1 type veth peer name eth0 netns mb || fail "veth h1<->mb"
	ip link add eth0 netns h2 type veth peer name eth1 netns mb || fail "veth mb<->h2"
	in_ns h1 ip addr add 192.0.2.1/24 dev eth0
	in_ns mb ip addr add 192.0.2.254/24 dev eth0
	in_ns mb ip addr add 198.51.100.254/24 dev eth1
	in_ns h2 ip addr add 198.51.100.2/24 dev eth0
	in_ns h1 ip addr add 2001:db8:1::1/64 dev eth0 nodad
	in_ns mb ip addr add 2001:db8:1::fe/64 dev eth0 nodad
	in_ns mb ip addr add 2001:db8:2::fe/64 dev eth1 nodad
	in_ns h2 ip addr add 2001:db8:2::2/64 dev eth0 nodad
	local ns
	for ns in h1 mb h2; do in_ns $ns ip link set eth0 up; done
	in_ns mb ip link set eth1 up
	in_ns mb sysctl -qw net.ipv4.ip_forward=1
	in_ns mb sysctl -qw net.ipv6.conf.all.forwarding=1
	in_ns h1 ip route add 198.51.100.0/24 via 192.0.2.254
	in_ns h2 ip route add 192.0.2.0/24 via 198.51.100.254
	in_ns h1 ip -6 route add 2001:db8:2::/64 via 2001:db8:1::fe
	in_ns h2 ip -6 route add 2001:db8:1::/64 via 2001:db8:2::fe
}

# tcpinc_stat NAME [NS] - print a counter from /proc/net/tcpinc_stat (empty if
# the file or the counter does not exist).
tcpinc_stat() {
	local f=/proc/net/tcpinc_stat
	if [ -n "${2:-}" ]; then
		in_ns "$2" cat "$f" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
	else
		awk -v n="$1" '$1 == n { print $2 }' "$f" 2>/dev/null
	fi
}

# --- Result channel (snapshot/mini guests only) ------------------------------
# In the 9p guest only the runner writes the result channel; in mini guests the
# scenario may announce "ready" and ship small artifacts with these.

# tcpinc_report WORDS... - one protocol line "@tcpinc WORDS" on the channel.
tcpinc_report() {
	[ -n "${TCPINC_RESULT_DEV:-}" ] || return 0
	echo "@tcpinc $*" >"$TCPINC_RESULT_DEV"
}

# tcpinc_send_file NAME PATH - ship a small file to the host, base64 between
# markers; the host writes it as <branch out dir>/NAME.
tcpinc_send_file() {
	[ -n "${TCPINC_RESULT_DEV:-}" ] || return 0
	[ -r "$2" ] || { echo "tcpinc_send_file: no $2" >&2; return 1; }
	{
		echo "@tcpinc file-begin $1"
		base64 <"$2"
		echo "@tcpinc file-end $1"
	} >"$TCPINC_RESULT_DEV"
}

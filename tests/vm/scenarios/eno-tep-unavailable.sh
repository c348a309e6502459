#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
# needs: module
#
# A TEP whose group the kernel cannot run is neither offered nor selected
# (its offer would fail the handshake): the module is reloaded where ecdh-nist-p256 cannot be
# allocated (ecdh_generic unloaded, and the guest's own modprobe helper
# path, /proc/sys/kernel/modprobe, pointed at /bin/false so that
# request_module cannot bring it back; nothing outside the guest is
# touched), so dmesg says "TEP 0x21 unavailable". Then:
#   h1 192.0.2.1 (client, A)  ====  h2 192.0.2.2 (server, B)
# - A configured to offer only 0x21 (P-256): the connection falls back to
#   plain TCP (no valid TEP) with its bytes intact, instead of ENO
#   selecting 0x21 and tcpcrypt aborting (EPROTO) when it cannot start;
# - default lists (0x21, 0x23) on both: X25519 (0x23) is negotiated.
# The module is reloaded with P-256 available at the end, whatever happens.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

helper=$(cat /proc/sys/kernel/modprobe)
restore() {
	echo "$helper" >/proc/sys/kernel/modprobe
	cleanup_pair 2>/dev/null || true
	rmmod tcpinc 2>/dev/null || true
	insmod "$TCPINC_KO" 2>/dev/null || true
}
cleanup_pair() { ip netns del h1; ip netns del h2; }
trap restore EXIT

rmmod tcpinc || fail "cannot unload tcpinc to reload it without P-256"
if grep -q '^ecdh_generic ' /proc/modules; then
	rmmod ecdh_generic || skip "ecdh_generic is in use by something else: cannot make P-256 unavailable"
fi
grep -q 'ecdh-nist-p256' /proc/crypto && skip "ecdh-nist-p256 is built into this kernel: cannot make it unavailable"
echo /bin/false >/proc/sys/kernel/modprobe
mark="tcpinc-test: reload without P-256 $$"
echo "$mark" >/dev/kmsg
insmod "$TCPINC_KO" || fail "reload failed"
dmesg | sed -n "/$mark/,\$p" | grep -q "TEP 0x21 unavailable" ||
	fail "no 'TEP 0x21 unavailable' line after the reload: $(dmesg | tail -5)"
echo "reloaded: $(dmesg | grep 'TEP 0x21 unavailable' | tail -1)"
# Other modules may load again from here on.
echo "$helper" >/proc/sys/kernel/modprobe

netns_pair
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done
sum() { echo $(( $(stat_of "$1" h1) + $(stat_of "$1" h2) )); }

nt=$(sum TcpincEnoFallbackNoTep); ab=$(sum TcpincTcAbort); ok=$(sum TcpincEnoOk)
run_conn only-p256 192.0.2.2 7421 --ulp -- --ulp --eno-teps 0x21 --message only-p256
expect_eq "only-p256: bytes intact (plain TCP)" only-p256 "$(jq_py "$TCPINC_OUT/only-p256.client" 'd["echo"]')"
expect_eq "only-p256: client NEGTEP (ENO failed)" EINVAL "$(jq_py "$TCPINC_OUT/only-p256.client" 'd["eno"]["negtep"]')"
expect_eq "only-p256: server NEGTEP (ENO failed)" EINVAL "$(jq_py "$TCPINC_OUT/only-p256.server" 'd["eno"]["negtep"]')"
expect_eq "only-p256: no-valid-TEP fallbacks (h1 + h2)" $((nt + 1)) "$(sum TcpincEnoFallbackNoTep)"
expect_eq "only-p256: no tcpcrypt abort" "$ab" "$(sum TcpincTcAbort)"
expect_eq "only-p256: ENO enabled nothing" "$ok" "$(sum TcpincEnoOk)"

run_conn defaults 192.0.2.2 7422 --ulp -- --ulp --message defaults
expect_eq "defaults: bytes intact" defaults "$(jq_py "$TCPINC_OUT/defaults.client" 'd["echo"]')"
expect_eq "defaults: client NEGTEP is X25519" 35 "$(jq_py "$TCPINC_OUT/defaults.client" 'd["eno"]["negtep"]')"
expect_eq "defaults: server NEGTEP is X25519" 35 "$(jq_py "$TCPINC_OUT/defaults.server" 'd["eno"]["negtep"]')"
expect_eq "defaults: no tcpcrypt abort" "$ab" "$(sum TcpincTcAbort)"
echo "PASS: with ecdh-nist-p256 unavailable, an offer of 0x21 alone falls back (no valid TEP, bytes intact, no abort) and the defaults negotiate 0x23"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 150
#
# Guest half of tests/pkg/dkms.sh (run only by it: its root is the host tree
# with the kernel image and the layer into which tcpinc-dkms and
# tcpinc-tools were installed). No "needs: module": the module must come
# from the packages.
#   h1 192.0.2.1 (tcpinc-auth connect)  ====  h2 192.0.2.2 (tcpinc-auth listen)
# - before: the module is not loaded; modinfo finds it at DKMS's path;
# - modprobe tcpinc loads the file DKMS built (srcversion of
#   /var/lib/dkms/tcpinc/VERSION/KVER/ARCH/module/tcpinc.ko), of VERSION;
# - the packaged /usr/bin/tcpinc-auth (from tcpinc-tools) on both ends of
#   one connection: encrypted, both ends report the same session ID, the
#   PSK check passes, the message is echoed.
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

kver=$(uname -r)
ver=$(sed -n 's/^MODULE_VERSION("\([^"]*\)");/\1/p' "$TCPINC_TOP/net/tcpinc/tcpinc_main.c")
built=/var/lib/dkms/tcpinc/$ver/$kver/$(uname -m)/module/tcpinc.ko
installed=/lib/modules/$kver/updates/dkms/tcpinc.ko

[ ! -d /sys/module/tcpinc ] || fail "tcpinc is loaded before modprobe"
[ -r "$built" ] || fail "no module built by DKMS at $built"
expect_eq "modinfo -n tcpinc" "$installed" "$(modinfo -n tcpinc)"
echo "ok: modinfo -n tcpinc = $installed"
timeout "$(scaled 60)" modprobe tcpinc || fail "modprobe tcpinc failed (exit $?)"
[ -d /sys/module/tcpinc ] || fail "modprobe returned but /sys/module/tcpinc is absent"
expect_eq "loaded module's version" "$ver" "$(cat /sys/module/tcpinc/version)"
want=$(modinfo -F srcversion "$built")
[ -n "$want" ] || fail "no srcversion in $built"
expect_eq "loaded srcversion = the one DKMS built" "$want" "$(cat /sys/module/tcpinc/srcversion)"
expect_eq "installed file's srcversion" "$want" "$(modinfo -F srcversion "$installed")"
echo "ok: modprobe tcpinc loaded $installed, version $ver, srcversion $want (DKMS's build)"

AUTH=/usr/bin/tcpinc-auth
expect_eq "owner of $AUTH" "tcpinc-tools: $AUTH" "$(dpkg -S "$AUTH")"
netns_pair
head -c 32 /dev/urandom >"$TCPINC_OUT/psk"
T=$(scaled 20)
in_ns h2 "$AUTH" listen 192.0.2.2 7900 -t "$T" --psk "$TCPINC_OUT/psk" >"$TCPINC_OUT/server" 2>&1 &
spid=$!
wait_for 15 grep -q '^listening=1' "$TCPINC_OUT/server" || fail "server did not start: $(cat "$TCPINC_OUT/server")"
in_ns h1 "$AUTH" connect 192.0.2.2 7900 -t "$T" --psk "$TCPINC_OUT/psk" \
	--message pkg-dkms-7900 >"$TCPINC_OUT/client" 2>&1 || true
wait_for 30 sh -c "! kill -0 $spid 2>/dev/null" || kill $spid 2>/dev/null || true
wait $spid 2>/dev/null || true
echo "--- server:"; cat "$TCPINC_OUT/server"
echo "--- client:"; cat "$TCPINC_OUT/client"
for side in client server; do
	expect_eq "$side encrypted" 1 "$(kv_of "$TCPINC_OUT/$side" encrypted)"
	expect_eq "$side auth" ok "$(kv_of "$TCPINC_OUT/$side" auth)"
	expect_eq "$side result" ok "$(kv_of "$TCPINC_OUT/$side" result)"
done
sid=$(kv_of "$TCPINC_OUT/client" sessid)
[ ${#sid} -ge 66 ] || fail "client session ID too short: '$sid'"
expect_eq "same session ID on both ends" "$sid" "$(kv_of "$TCPINC_OUT/server" sessid)"
expect_eq "echo" pkg-dkms-7900 "$(kv_of "$TCPINC_OUT/client" echo)"
echo "ok: one tcpcrypt connection with the packaged tcpinc-auth, session ID $sid on both ends"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# needs: module
#
# Module lifetime: rmmod fails with EBUSY while any socket uses the ULP --
# a client socket, and an accepted child whose listener is already closed
# (the child's module reference comes from the clone op) -- and succeeds
# once they are gone; nothing stays pinned after a clean close.
#   h1 192.0.2.1 (client)  ====  h2 192.0.2.2 (server)
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
SOCK="/usr/bin/python3 $TCPINC_TOP/tools/tcpinc_sock.py"

refs() { awk '$1 == "tcpinc" { print $3 }' /proc/modules; }
loaded() { grep -q '^tcpinc ' /proc/modules; }
rmmod_err() { rmmod tcpinc 2>&1 >/dev/null || true; }

netns_pair
expect_eq "module references before any socket" 0 "$(refs)"

# The server closes its listener right after accept() (no --keep-listener),
# so while both hold, the references are the client's and the child's.
in_ns h2 $SOCK serve --addr 192.0.2.2 --port 7101 --ulp --ready "$TCPINC_OUT/rmmod.ready" \
	--hold 6 >"$TCPINC_OUT/rmmod.server" &
spid=$!
wait_for 15 test -e "$TCPINC_OUT/rmmod.ready" || fail "server did not start"
# Each ULP socket holds two: the ULP's (tcp_set_ulp) and its socket-level
# ops copy's (owner = tcpinc, for splice/read_sock; dropped by sock_release).
expect_eq "module references held by the listener" 2 "$(refs)"
in_ns h1 $SOCK connect --addr 192.0.2.2 --port 7101 --ulp --message busy --hold 6 \
	>"$TCPINC_OUT/rmmod.client" &
cpid=$!
wait_for 15 sh -c "[ \"\$(awk '\$1 == \"tcpinc\" { print \$3 }' /proc/modules)\" = 4 ]" \
	|| fail "expected 4 references (client + accepted child, 2 each) once the listener closed, have $(refs)"
err=$(rmmod_err)
echo "rmmod while in use: $err"
loaded || fail "rmmod unloaded the module while sockets use it"
grep -qi 'in use\|busy' <<<"$err" || fail "rmmod did not report EBUSY: $err"

wait $spid || fail "server failed: $(cat "$TCPINC_OUT/rmmod.server")"
wait $cpid || fail "client failed: $(cat "$TCPINC_OUT/rmmod.client")"
wait_for 20 sh -c "[ \"\$(awk '\$1 == \"tcpinc\" { print \$3 }' /proc/modules)\" = 0 ]" \
	|| fail "module references leaked after close: $(refs)"
rmmod tcpinc || fail "rmmod failed after every socket closed"
loaded && fail "module still loaded after rmmod"
insmod "$TCPINC_KO" || fail "reload failed"
expect_eq "fresh counters after reload" 0 "$(tcpinc_stat TcpincCtxTotal h1)"

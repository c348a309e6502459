#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# two-guests (guest part; run.py starts two QEMU processes joined by a
# -netdev socket link): configure eth0 with TCPINC_ADDR and ping TCPINC_PEER
# until it answers (the peer may boot later).
set -u
. /harness/lib.sh

ip link set lo up
ip link set eth0 up || fail "no eth0 (virtio-net missing?)"
ip addr add "$TCPINC_ADDR" dev eth0 || fail "ip addr add $TCPINC_ADDR"
log "$(ip -br addr show eth0)"
wait_for 120 tcpinc_ping "$TCPINC_PEER" 1 || fail "no ping reply from $TCPINC_PEER within 120 s"
tcpinc_ping "$TCPINC_PEER" 3 || fail "ping $TCPINC_PEER stopped answering"
log "peer $TCPINC_PEER answers"

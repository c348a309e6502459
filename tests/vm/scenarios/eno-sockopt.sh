#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# needs: module
#
# TCP_ENO_* error semantics (draft-ietf-tcpinc-api-06 section 4, our
# Documentation/socket-api.md):
#   h1 192.0.2.1 (client)  ====  h2 192.0.2.2: 7801 ULP listener, 7802 plain
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

netns_pair
in_ns h2 $SOCK serve --addr 192.0.2.2 --port 7801 --ulp --ready "$TCPINC_OUT/s1.ready" --hold 3 >/dev/null 2>&1 &
in_ns h2 $SOCK serve --addr 192.0.2.2 --port 7802 --ready "$TCPINC_OUT/s2.ready" --hold 3 >/dev/null 2>&1 &
wait_for 15 test -e "$TCPINC_OUT/s1.ready" || fail "ULP server did not start"
wait_for 15 test -e "$TCPINC_OUT/s2.ready" || fail "plain server did not start"
r=$TCPINC_OUT/eno-sockopt.json
in_ns h1 $SOCK eno-sockopt --addr 192.0.2.2 --port 7801 --plain-port 7802 >"$r"
cat "$r"
get() { jq_py "$r" "d[\"$1\"]"; }
expect_eq "plain socket: TCP_ENO_ROLE" ENOPROTOOPT "$(get plain_get_role)"
expect_eq "plain socket: set TCP_ENO_ENABLED" ENOPROTOOPT "$(get plain_set_enabled)"
expect_eq "TEPS with a non-TEP byte" EINVAL "$(get teps_bad_id)"
expect_eq "TEPS with P-521 (not implemented)" EINVAL "$(get teps_unsupported)"
expect_eq "TEPS with a repeated id" EINVAL "$(get teps_duplicate)"
expect_eq "TEPS longer than 8" EINVAL "$(get teps_too_long)"
expect_eq "TEPS 0x21 0x23" ok "$(get teps_ok)"
expect_eq "TEPS read back" 2123 "$(get teps_read)"
expect_eq "SELF_GOPT 32" EINVAL "$(get gopt_32)"
expect_eq "ENABLED 2" EINVAL "$(get enabled_2)"
expect_eq "setting read-only ROLE" ENOPROTOOPT "$(get set_readonly_role)"
expect_eq "NEGTEP before connect" ENOTCONN "$(get negtep_before_connect)"
expect_eq "TRANSCRIPT before connect" ENOTCONN "$(get transcript_before_connect)"
expect_eq "TEPS after connect" EISCONN "$(get teps_after_connect)"
expect_eq "ENABLED after connect" EISCONN "$(get enabled_after_connect)"
expect_eq "SELF_GOPT after connect" EISCONN "$(get gopt_after_connect)"
expect_eq "AA_MANDATORY after connect" EISCONN "$(get aa_after_connect)"
expect_eq "TEP_MANDATORY on an encrypted connection" ok "$(get tep_mandatory_after_connect_on_encrypted)"
expect_eq "NEGTEP after connect" 35 "$(get negtep_after_connect)"
expect_eq "NEGTEP after a fallback" EINVAL "$(get negtep_fallback)"
expect_eq "TEP_MANDATORY on a plain connection" ok "$(get tep_mandatory_on_plain)"
expect_eq "recv after TEP_MANDATORY aborted it" ECONNABORTED "$(get recv_after_mandatory)"
dmesg | grep 'TCP_ENO_TEP_MANDATORY set on an unencrypted connection' >/dev/null || fail "no dmesg line for the abort"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
# needs: module
#
# Every TEP x AEAD pair this module implements, IPv4 and IPv6:
#   h1 192.0.2.1 / 2001:db8::1 (client, A)  ====  h2 192.0.2.2 / 2001:db8::2 (server, B)
# TEPs 0x21 (P-256) and 0x23 (X25519) x AEADs 0x0001 (AES-128-GCM), 0x0002
# (AES-256-GCM), 0x0010 (ChaCha20-Poly1305), chosen with TCP_ENO_TEPS and
# TCP_CRYPT_AEADS on both ends: MATRIX_MIB MiB echoed each way with
# matching SHA-256, TCP_ENO_NEGTEP and TCP_CRYPT_CONF say what was used;
# B picks the first AEAD of its list that A offered (net.tcpinc.tcpcrypt_aeads
# otherwise).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"
. "$TCPINC_TOP/tests/vm/eno-lib.sh"

size=$(( ${MATRIX_MIB:-64} * 1024 * 1024 ))
netns_pair
# Every connection here checks a fresh negotiation (option bytes, TEP,
# AEAD): no resumption between them (tcpcrypt-resume covers that).
for ns in h1 h2; do in_ns $ns sysctl -qw net.tcpinc.resume_enable=0; done
port=8000
for fam in 4 6; do
	addr=192.0.2.2; [ $fam = 6 ] && addr=2001:db8::2
	for tep in 0x21 0x23; do
		for aead in 0x0001 0x0002 0x0010; do
			port=$((port + 1))
			tag=m$fam-${tep#0x}-${aead#0x}
			t0=$(date +%s)
			run_conn $tag $addr $port --ulp --eno-teps $tep --aeads $aead --timeout 300 -- \
				--ulp --eno-teps $tep --aeads $aead --timeout 300 --size $size >/dev/null
			c=$TCPINC_OUT/$tag.client
			expect_eq "$tag: echoed" $size "$(jq_py "$c" 'd["echo_len"]')"
			expect_eq "$tag: intact both ways" "$(jq_py "$c" 'd["sent_sha256"]')" "$(jq_py "$c" 'd["echo_sha256"]')"
			expect_eq "$tag: server intact" "$(jq_py "$c" 'd["sent_sha256"]')" "$(jq_py "$TCPINC_OUT/$tag.server" 'd["received_sha256"]')"
			expect_eq "$tag: TEP" $((tep)) "$(jq_py "$c" 'd["eno"]["negtep"]')"
			expect_eq "$tag: AEAD in use (client)" $((aead)) "$(jq_py "$c" 'd["eno"]["aead"]')"
			expect_eq "$tag: AEAD in use (server)" $((aead)) "$(jq_py "$TCPINC_OUT/$tag.server" 'd["eno"]["aead"]')"
			echo "$tag: $((size >> 20)) MiB each way in $(( $(date +%s) - t0 )) s"
		done
	done
done
# B's preference decides when A offers several: A offers all three,
# B's list starts with ChaCha20-Poly1305.
run_conn pref 192.0.2.2 8100 --ulp --aeads 0x0010,0x0001 -- --ulp --aeads 0x0001,0x0002,0x0010 --message pref
expect_eq "B's first choice that A offered" 16 "$(jq_py "$TCPINC_OUT/pref.client" 'd["eno"]["aead"]')"
expect_eq "default AEAD list" "0x0001 0x0010 0x0002" "$(in_ns h1 sysctl -n net.tcpinc.tcpcrypt_aeads)"

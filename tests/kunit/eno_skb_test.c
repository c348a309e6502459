// SPDX-License-Identifier: GPL-2.0
/*
 * eno_skb_test.c - KUnit suite tcpinc_eno_skb: tcpinc_skb_add_option()
 * (net/tcpinc/tcpinc_eno_skb.c, linked into tcpinc_kunit.ko) on synthetic
 * segments as they reach NF_INET_LOCAL_OUT: skb->data at the IP header,
 * Linux's own option sets, CHECKSUM_PARTIAL (offload: the pseudo-header sum
 * in th->check) and CHECKSUM_NONE (full checksum in software).
 *
 * Every result is checked against values this file computes itself, never
 * with the kernel's checksum helpers the function uses: the option bytes,
 * doff, the IP length fields, the IPv4 header checksum, and the TCP
 * checksum (for CHECKSUM_PARTIAL by doing what the NIC would do from
 * csum_start/csum_offset, then verifying the finished segment).
 *
 * The contract tested is the current one: the new option is appended after
 * the existing options, NOP-padded in front to a multiple of 4 bytes, and a
 * segment it does not fit is refused with -ENOSPC and left untouched.
 * (Should the function ever reclaim NOP padding of existing options to make
 * room, the byte-layout expectations marked "layout" change with it.)
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "tcpinc_eno_skb.h"

/* Documentation addresses only (RFC 5737, RFC 3849). */
static const u8 tcpinc_kt_v4_src[4] = { 192, 0, 2, 1 };
static const u8 tcpinc_kt_v4_dst[4] = { 192, 0, 2, 2 };
static const u8 tcpinc_kt_v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const u8 tcpinc_kt_v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/*
 * The option sets Linux writes (tcp_options_write): SYN and SYN-ACK with
 * MSS, SACK-permitted + timestamps, NOP + window scale (20 bytes); a data
 * segment with NOP NOP + timestamps (12 bytes).
 */
static const u8 tcpinc_kt_syn_opts[20] = {
	2, 4, 0x05, 0xb4,			/* MSS 1460 */
	4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0,	/* SACK_PERM, TS val 0x1234, ecr 0 */
	1, 3, 3, 7,				/* NOP, WS 7 */
};
static const u8 tcpinc_kt_synack_opts[20] = {
	2, 4, 0x05, 0xb4,
	4, 2, 8, 10, 0, 0, 0x56, 0x78, 0, 0, 0x12, 0x34,	/* TS val 0x5678, ecr 0x1234 */
	1, 3, 3, 7,
};
static const u8 tcpinc_kt_ack_opts[12] = {
	1, 1, 8, 10, 0, 0, 0x12, 0x35, 0, 0, 0x56, 0x78,
};
/* 40 bytes: MSS, SACK_PERM+TS, NOP+WS and a 20-byte TFO cookie option. */
static const u8 tcpinc_kt_full_opts[40] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 1, 3, 3, 7,
	34, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 1, 1,
};

/* 40 bytes without a single NOP: nothing to reclaim. */
static const u8 tcpinc_kt_full_nonop_opts[40] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 3, 3, 7,
	34, 21, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
};

/* RFC 8547 options: a SYN's (two TEPs), a SYN-ACK's (one), the ACK's (none). */
static const u8 tcpinc_kt_eno_syn[4] = { 69, 4, 0x21, 0x23 };
static const u8 tcpinc_kt_eno_synack[3] = { 69, 3, 0x23 };
static const u8 tcpinc_kt_eno_ack[2] = { 69, 2 };

struct tcpinc_kt_seg {
	bool v6;
	u8 flags;			/* TCPHDR_* */
	const u8 *opts;
	unsigned int optlen;
	unsigned int payload;		/* bytes of data after the header */
	u8 ip_summed;			/* CHECKSUM_PARTIAL or CHECKSUM_NONE */
	unsigned int headroom;
};

/* ---- an independent checksum (RFC 1071), no kernel csum helper ----------- */

static u64 tcpinc_kt_sum(u64 sum, const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (u32)p[n - 1] << 8;
	return sum;
}

static u16 tcpinc_kt_fold(u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Ones'-complement sum of the TCP pseudo-header for a segment of tcplen bytes. */
static u64 tcpinc_kt_pseudo(const struct sk_buff *skb, unsigned int tcplen)
{
	const u8 *nh = skb_network_header(skb);
	u64 sum;

	if ((nh[0] >> 4) == 4) {
		sum = tcpinc_kt_sum(0, nh + 12, 8);	/* saddr, daddr */
		return sum + IPPROTO_TCP + tcplen;
	}
	sum = tcpinc_kt_sum(0, nh + 8, 32);		/* saddr, daddr */
	return sum + IPPROTO_TCP + (tcplen >> 16) + (tcplen & 0xffff);
}

/*
 * Whether the segment's TCP checksum is right, as a receiver checks it; for
 * CHECKSUM_PARTIAL after finishing it as the NIC would: the complement of
 * the sum from csum_start to the end, stored at csum_start + csum_offset.
 */
static bool tcpinc_kt_tcp_csum_ok(struct kunit *test, struct sk_buff *skb)
{
	unsigned int thoff = skb_transport_offset(skb);
	unsigned int tcplen = skb->len - thoff;
	u8 *seg = kunit_kzalloc(test, tcplen, GFP_KERNEL);
	u16 c;

	if (!seg)
		return false;
	memcpy(seg, skb->data + thoff, tcplen);
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		unsigned int start = skb->csum_start - (skb->data - skb->head);

		KUNIT_EXPECT_EQ(test, start, thoff);
		KUNIT_EXPECT_EQ(test, (unsigned int)skb->csum_offset,
				(unsigned int)offsetof(struct tcphdr, check));
		/* th->check holds the folded pseudo-header sum, not complemented. */
		KUNIT_EXPECT_EQ(test, (u16)(seg[16] << 8 | seg[17]),
				tcpinc_kt_fold(tcpinc_kt_pseudo(skb, tcplen)));
		c = ~tcpinc_kt_fold(tcpinc_kt_sum(0, seg, tcplen));
		seg[16] = c >> 8;
		seg[17] = c & 0xff;
	}
	return tcpinc_kt_fold(tcpinc_kt_sum(tcpinc_kt_pseudo(skb, tcplen), seg, tcplen)) == 0xffff;
}

/* ---- building segments --------------------------------------------------- */

static struct sk_buff *tcpinc_kt_build(struct kunit *test, const struct tcpinc_kt_seg *s)
{
	unsigned int iphlen = s->v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int thlen = sizeof(struct tcphdr) + s->optlen;
	unsigned int i, tcplen = thlen + s->payload;
	struct sk_buff *skb;
	struct tcphdr *th;
	u8 *p;

	skb = alloc_skb(s->headroom + iphlen + thlen + s->payload, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, s->headroom);
	p = skb_put_zero(skb, iphlen + thlen + s->payload);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, iphlen);
	if (s->v6) {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)p;

		skb->protocol = htons(ETH_P_IPV6);
		ip6h->version = 6;
		ip6h->payload_len = htons(tcplen);
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = 64;
		memcpy(&ip6h->saddr, tcpinc_kt_v6_src, 16);
		memcpy(&ip6h->daddr, tcpinc_kt_v6_dst, 16);
	} else {
		struct iphdr *iph = (struct iphdr *)p;

		skb->protocol = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(iphlen + tcplen);
		iph->id = htons(0x4242);
		iph->frag_off = htons(IP_DF);
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		memcpy(&iph->saddr, tcpinc_kt_v4_src, 4);
		memcpy(&iph->daddr, tcpinc_kt_v4_dst, 4);
		iph->check = htons(~tcpinc_kt_fold(tcpinc_kt_sum(0, p, iphlen)) & 0xffff);
	}
	th = (struct tcphdr *)(p + iphlen);
	th->source = htons(40000);
	th->dest = htons(7000);
	th->seq = htonl(0x01020304);
	th->ack_seq = htonl(s->flags & TCPHDR_ACK ? 0x0a0b0c0d : 0);
	th->doff = thlen / 4;
	tcp_flag_byte(th) = s->flags;
	th->window = htons(64240);
	memcpy(th + 1, s->opts, s->optlen);
	for (i = 0; i < s->payload; i++)
		p[iphlen + thlen + i] = 'a' + i % 26;
	skb->ip_summed = s->ip_summed;
	if (s->ip_summed == CHECKSUM_PARTIAL) {
		u16 c = tcpinc_kt_fold(tcpinc_kt_pseudo(skb, tcplen));

		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
		th->check = htons(c);
	} else {
		u16 c = ~tcpinc_kt_fold(tcpinc_kt_sum(tcpinc_kt_pseudo(skb, tcplen),
						      (u8 *)th, tcplen));

		th->check = htons(c);
	}
	/* The builder itself must produce valid segments. */
	KUNIT_EXPECT_TRUE(test, tcpinc_kt_tcp_csum_ok(test, skb));
	return skb;
}

/* A copy of everything that must not change when the option is refused. */
struct tcpinc_kt_snap {
	u8 *bytes;
	unsigned int len, data_off, nh, th;
	u8 ip_summed;
	u16 csum_start, csum_offset;
};

static void tcpinc_kt_snap_take(struct kunit *test, struct sk_buff *skb, struct tcpinc_kt_snap *s)
{
	s->bytes = kunit_kzalloc(test, skb->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->bytes);
	memcpy(s->bytes, skb->data, skb->len);
	s->len = skb->len;
	s->data_off = skb->data - skb->head;
	s->nh = skb->network_header;
	s->th = skb->transport_header;
	s->ip_summed = skb->ip_summed;
	s->csum_start = skb->csum_start;
	s->csum_offset = skb->csum_offset;
}

static void tcpinc_kt_snap_expect_same(struct kunit *test, struct sk_buff *skb,
				       const struct tcpinc_kt_snap *s)
{
	KUNIT_EXPECT_EQ(test, skb->len, s->len);
	KUNIT_EXPECT_EQ(test, (unsigned int)(skb->data - skb->head), s->data_off);
	KUNIT_EXPECT_EQ(test, (unsigned int)skb->network_header, s->nh);
	KUNIT_EXPECT_EQ(test, (unsigned int)skb->transport_header, s->th);
	KUNIT_EXPECT_EQ(test, (u8)skb->ip_summed, s->ip_summed);
	if (s->ip_summed == CHECKSUM_PARTIAL) {
		KUNIT_EXPECT_EQ(test, skb->csum_start, s->csum_start);
		KUNIT_EXPECT_EQ(test, skb->csum_offset, s->csum_offset);
	}
	if (skb->len == s->len)
		KUNIT_EXPECT_EQ(test, memcmp(skb->data, s->bytes, s->len), 0);
}

/*
 * Adds opt to a segment built from s and checks the result against the
 * segment before: same IP and TCP fields except the lengths, doff and the
 * checksums; the old options, then NOP padding, then opt (layout); the
 * payload untouched (and, with headroom, not moved); valid checksums.
 */
static void tcpinc_kt_add_and_check(struct kunit *test, const struct tcpinc_kt_seg *s,
				    const u8 *opt, u8 len)
{
	unsigned int iphlen = s->v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int pad = (4 - (len & 3)) & 3, grow = len + pad;
	unsigned int oldth = sizeof(struct tcphdr) + s->optlen;
	struct tcpinc_kt_snap before;
	struct sk_buff *skb;
	const u8 *payload_before, *nh, *th;
	unsigned int i;
	int err;

	skb = tcpinc_kt_build(test, s);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	tcpinc_kt_snap_take(test, skb, &before);
	payload_before = skb->data + iphlen + oldth;

	err = tcpinc_skb_add_option(skb, opt, len);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err)
		goto out;

	nh = skb->data;
	th = nh + iphlen;
	KUNIT_EXPECT_EQ(test, skb->len, before.len + grow);
	KUNIT_EXPECT_PTR_EQ(test, (const u8 *)skb_network_header(skb), nh);
	KUNIT_EXPECT_EQ(test, skb_transport_offset(skb), (int)iphlen);
	KUNIT_EXPECT_EQ(test, (u8)skb->ip_summed, before.ip_summed);
	/* doff and the options (layout: old, NOPs, new). */
	KUNIT_EXPECT_EQ(test, (unsigned int)tcp_hdr(skb)->doff, (oldth + grow) / 4);
	KUNIT_EXPECT_EQ(test, memcmp(th + 20, before.bytes + iphlen + 20, s->optlen), 0);
	for (i = 0; i < pad; i++)
		KUNIT_EXPECT_EQ(test, th[20 + s->optlen + i], (u8)TCPOPT_NOP);
	KUNIT_EXPECT_EQ(test, memcmp(th + 20 + s->optlen + pad, opt, len), 0);
	/* The fixed TCP header: all but doff (byte 12's top nibble) and check. */
	KUNIT_EXPECT_EQ(test, memcmp(th, before.bytes + iphlen, 12), 0);
	KUNIT_EXPECT_EQ(test, th[12] & 0x0f, before.bytes[iphlen + 12] & 0x0f);
	KUNIT_EXPECT_EQ(test, memcmp(th + 13, before.bytes + iphlen + 13, 3), 0);
	KUNIT_EXPECT_EQ(test, memcmp(th + 18, before.bytes + iphlen + 18, 2), 0);
	/* The payload: same bytes; with headroom the headers moved, not the data. */
	KUNIT_EXPECT_EQ(test, memcmp(th + oldth + grow, before.bytes + iphlen + oldth, s->payload), 0);
	if (s->headroom >= grow && !skb_cloned(skb))
		KUNIT_EXPECT_PTR_EQ(test, th + oldth + grow, payload_before);
	/* IP: the length grew by exactly what was added; nothing else changed. */
	if (s->v6) {
		KUNIT_EXPECT_EQ(test, (unsigned int)(nh[4] << 8 | nh[5]),
				(unsigned int)(before.bytes[4] << 8 | before.bytes[5]) + grow);
		KUNIT_EXPECT_EQ(test, memcmp(nh, before.bytes, 4), 0);
		KUNIT_EXPECT_EQ(test, memcmp(nh + 6, before.bytes + 6, 34), 0);
	} else {
		KUNIT_EXPECT_EQ(test, (unsigned int)(nh[2] << 8 | nh[3]),
				(unsigned int)(before.bytes[2] << 8 | before.bytes[3]) + grow);
		KUNIT_EXPECT_EQ(test, (unsigned int)(nh[2] << 8 | nh[3]), skb->len);
		KUNIT_EXPECT_EQ(test, tcpinc_kt_fold(tcpinc_kt_sum(0, nh, 20)), (u16)0xffff);
		KUNIT_EXPECT_EQ(test, memcmp(nh, before.bytes, 2), 0);
		KUNIT_EXPECT_EQ(test, memcmp(nh + 4, before.bytes + 4, 6), 0);
		KUNIT_EXPECT_EQ(test, memcmp(nh + 12, before.bytes + 12, 8), 0);
	}
	KUNIT_EXPECT_TRUE(test, tcpinc_kt_tcp_csum_ok(test, skb));
out:
	kfree_skb(skb);
}

/* ---- cases --------------------------------------------------------------- */

#define KT_SYN(v6_, summed)  { .v6 = v6_, .flags = TCPHDR_SYN, .opts = tcpinc_kt_syn_opts, \
			       .optlen = 20, .ip_summed = summed, .headroom = 128 }
#define KT_SYNACK(v6_, summed) { .v6 = v6_, .flags = TCPHDR_SYN | TCPHDR_ACK, \
			       .opts = tcpinc_kt_synack_opts, .optlen = 20, \
			       .ip_summed = summed, .headroom = 128 }

/* SYN, full Linux option set + a 4-byte ENO option (no padding): doff 10 -> 11. */
static void tcpinc_kt_syn_v4_partial(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYN(false, CHECKSUM_PARTIAL);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_syn, 4);
}

static void tcpinc_kt_syn_v4_none(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYN(false, CHECKSUM_NONE);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_syn, 4);
}

static void tcpinc_kt_syn_v6_partial(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYN(true, CHECKSUM_PARTIAL);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_syn, 4);
}

static void tcpinc_kt_syn_v6_none(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYN(true, CHECKSUM_NONE);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_syn, 4);
}

/* SYN-ACK + a 3-byte ENO option: one NOP in front. */
static void tcpinc_kt_synack_v4_partial(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYNACK(false, CHECKSUM_PARTIAL);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_synack, 3);
}

static void tcpinc_kt_synack_v4_none(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYNACK(false, CHECKSUM_NONE);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_synack, 3);
}

static void tcpinc_kt_synack_v6_partial(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYNACK(true, CHECKSUM_PARTIAL);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_synack, 3);
}

static void tcpinc_kt_synack_v6_none(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYNACK(true, CHECKSUM_NONE);

	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_synack, 3);
}

/*
 * The third segment with data (odd length, so the checksum's last byte is
 * padded) and timestamps + the 2-byte ENO option: two NOPs, and the
 * software checksum has to cover the payload.
 */
static void tcpinc_kt_ack_payload(struct kunit *test)
{
	struct tcpinc_kt_seg s = {
		.flags = TCPHDR_ACK | TCPHDR_PSH, .opts = tcpinc_kt_ack_opts, .optlen = 12,
		.payload = 1001, .headroom = 64,
	};

	s.ip_summed = CHECKSUM_NONE;
	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_ack, 2);
	s.v6 = true;
	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_ack, 2);
	s.ip_summed = CHECKSUM_PARTIAL;
	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_ack, 2);
}

/* No headroom at all: skb_cow_head reallocates; the result is the same. */
static void tcpinc_kt_no_headroom(struct kunit *test)
{
	struct tcpinc_kt_seg s = KT_SYN(false, CHECKSUM_NONE);

	s.headroom = 0;
	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_syn, 4);
	s.v6 = true;
	s.ip_summed = CHECKSUM_PARTIAL;
	tcpinc_kt_add_and_check(test, &s, tcpinc_kt_eno_synack, 3);
}

/* Exactly full: 20 bytes of Linux options + a 20-byte option = 40 (doff 15). */
static void tcpinc_kt_exact_fit(struct kunit *test)
{
	static const u8 eno20[20] = { 69, 20, 0x23, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				      13, 14, 15, 16, 17 };
	struct tcpinc_kt_seg s = KT_SYN(false, CHECKSUM_PARTIAL);

	tcpinc_kt_add_and_check(test, &s, eno20, 20);
	s.v6 = true;
	s.ip_summed = CHECKSUM_NONE;
	tcpinc_kt_add_and_check(test, &s, eno20, 20);
}

/* expect err from adding opt to a segment built from s, the skb unchanged. */
static void tcpinc_kt_refused(struct kunit *test, const struct tcpinc_kt_seg *s,
			      const u8 *opt, u8 len, int want, bool gso)
{
	struct tcpinc_kt_snap before;
	struct sk_buff *skb = tcpinc_kt_build(test, s);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	if (gso) {
		skb_shinfo(skb)->gso_size = 1000;
		skb_shinfo(skb)->gso_type = s->v6 ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
	}
	tcpinc_kt_snap_take(test, skb, &before);
	KUNIT_EXPECT_EQ(test, tcpinc_skb_add_option(skb, opt, len), want);
	tcpinc_kt_snap_expect_same(test, skb, &before);
	if (gso)
		skb_shinfo(skb)->gso_size = 0;
	kfree_skb(skb);
}

/*
 * Option space exhausted: -ENOSPC, nothing changed. 22 bytes next to
 * Linux's 20 can never fit (even with its one NOP reclaimed, 19 + 22 > 40);
 * neither can 2 bytes next to 40 bytes without a NOP.
 */
static void tcpinc_kt_enospc(struct kunit *test)
{
	static const u8 big[22] = { 69, 22, 0x23 };
	struct tcpinc_kt_seg s = KT_SYN(false, CHECKSUM_PARTIAL);
	struct tcpinc_kt_seg full = s;

	full.opts = tcpinc_kt_full_nonop_opts;
	full.optlen = 40;
	tcpinc_kt_refused(test, &s, big, 22, -ENOSPC, false);
	tcpinc_kt_refused(test, &full, tcpinc_kt_eno_ack, 2, -ENOSPC, false);
	s.v6 = true;
	s.ip_summed = CHECKSUM_NONE;
	tcpinc_kt_refused(test, &s, big, 22, -ENOSPC, false);
	full.v6 = true;
	tcpinc_kt_refused(test, &full, tcpinc_kt_eno_ack, 2, -ENOSPC, false);
}

/*
 * NOP reclaiming (Documentation/resumption.md): when an option does not fit
 * after the existing ones, they are rewritten without their NOPs and the
 * option follows (NOP-padded in front to a 4-byte multiple). want/want_len:
 * the expected option area. Checks lengths, doff, layout, the untouched
 * fixed header and payload, and both checksums.
 */
static void tcpinc_kt_compact_and_check(struct kunit *test, const struct tcpinc_kt_seg *s,
					const u8 *opt, u8 len, const u8 *want, unsigned int want_len)
{
	unsigned int iphlen = s->v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int oldth = sizeof(struct tcphdr) + s->optlen;
	unsigned int grow = want_len - s->optlen;
	struct tcpinc_kt_snap before;
	struct sk_buff *skb = tcpinc_kt_build(test, s);
	const u8 *nh, *th;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	tcpinc_kt_snap_take(test, skb, &before);
	KUNIT_EXPECT_EQ(test, tcpinc_skb_add_option(skb, opt, len), 0);
	nh = skb->data;
	th = nh + iphlen;
	KUNIT_EXPECT_EQ(test, skb->len, before.len + grow);
	KUNIT_EXPECT_EQ(test, (unsigned int)tcp_hdr(skb)->doff, (20 + want_len) / 4);
	KUNIT_EXPECT_EQ(test, memcmp(th + 20, want, want_len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(th, before.bytes + iphlen, 12), 0);
	KUNIT_EXPECT_EQ(test, memcmp(th + 20 + want_len, before.bytes + iphlen + oldth, s->payload), 0);
	if (s->v6)
		KUNIT_EXPECT_EQ(test, (unsigned int)(nh[4] << 8 | nh[5]),
				(unsigned int)(before.bytes[4] << 8 | before.bytes[5]) + grow);
	else
		KUNIT_EXPECT_EQ(test, (unsigned int)(nh[2] << 8 | nh[3]), skb->len);
	KUNIT_EXPECT_TRUE(test, tcpinc_kt_tcp_csum_ok(test, skb));
	kfree_skb(skb);
}

/* B's 21-byte resumption answer next to Linux's SYN-ACK options: 19 + 21 = 40. */
static void tcpinc_kt_nop_reclaimed_21(struct kunit *test)
{
	u8 opt21[21] = { 69, 21, 0x01, 0xa3 }, want[40];
	struct tcpinc_kt_seg s = KT_SYNACK(false, CHECKSUM_PARTIAL);
	int i;

	for (i = 4; i < 21; i++)
		opt21[i] = i;
	memcpy(want, tcpinc_kt_synack_opts, 16);	/* MSS, SACK_PERM + TS */
	memcpy(want + 16, tcpinc_kt_synack_opts + 17, 3);	/* WS without its NOP */
	memcpy(want + 19, opt21, 21);
	tcpinc_kt_compact_and_check(test, &s, opt21, 21, want, 40);
	s.v6 = true;
	s.ip_summed = CHECKSUM_NONE;
	tcpinc_kt_compact_and_check(test, &s, opt21, 21, want, 40);
}

/* Three NOPs in a full 40-byte area make room for A's 2-byte ACK option. */
static void tcpinc_kt_nop_reclaimed_full(struct kunit *test)
{
	u8 want[40];
	struct tcpinc_kt_seg s = KT_SYN(false, CHECKSUM_NONE);

	s.opts = tcpinc_kt_full_opts;
	s.optlen = 40;
	memcpy(want, tcpinc_kt_full_opts, 16);
	memcpy(want + 16, tcpinc_kt_full_opts + 17, 3 + 18);	/* WS, TFO: 37 bytes */
	want[37] = TCPOPT_NOP;				/* pad 37 + 2 to 40 */
	memcpy(want + 38, tcpinc_kt_eno_ack, 2);
	tcpinc_kt_compact_and_check(test, &s, tcpinc_kt_eno_ack, 2, want, 40);
}

/*
 * A GSO segment carries the option too (RFC 8547 4.6: every segment until
 * the peer's first non-SYN one): it goes into the header that
 * tcp_gso_segment() copies to every segment it cuts, and TCP sized
 * gso_size with room for it (eno_mss_reserve in tcpinc_eno_output.c).
 */
static void tcpinc_kt_gso_carries(struct kunit *test)
{
	struct tcpinc_kt_seg s = KT_SYNACK(false, CHECKSUM_PARTIAL);
	unsigned int len, doff;
	struct sk_buff *skb;

	s.flags = TCPHDR_ACK;
	s.payload = 3000;
	skb = tcpinc_kt_build(test, &s);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	skb_shinfo(skb)->gso_size = 1000;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	len = skb->len;
	doff = tcp_hdr(skb)->doff;
	KUNIT_EXPECT_EQ(test, tcpinc_skb_add_option(skb, tcpinc_kt_eno_ack, 2), 0);
	KUNIT_EXPECT_EQ(test, skb->len, len + 4);
	KUNIT_EXPECT_EQ(test, (unsigned int)tcp_hdr(skb)->doff, doff + 1);
	KUNIT_EXPECT_TRUE(test, tcpinc_kt_tcp_csum_ok(test, skb));
	skb_shinfo(skb)->gso_size = 0;
	kfree_skb(skb);
}

/*
 * A clone (as the retransmission queue keeps one): adding the option to the
 * clone that goes out leaves the original's bytes as they were.
 */
static void tcpinc_kt_clone_untouched(struct kunit *test)
{
	const struct tcpinc_kt_seg s = KT_SYN(false, CHECKSUM_PARTIAL);
	struct tcpinc_kt_snap before;
	struct sk_buff *skb = tcpinc_kt_build(test, &s), *clone;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	tcpinc_kt_snap_take(test, skb, &before);
	clone = skb_clone(skb, GFP_KERNEL);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, clone);
	if (clone) {
		KUNIT_EXPECT_EQ(test, tcpinc_skb_add_option(clone, tcpinc_kt_eno_syn, 4), 0);
		KUNIT_EXPECT_EQ(test, clone->len, skb->len + 4);
		KUNIT_EXPECT_EQ(test, (unsigned int)tcp_hdr(clone)->doff, 11U);
		KUNIT_EXPECT_TRUE(test, tcpinc_kt_tcp_csum_ok(test, clone));
		kfree_skb(clone);
	}
	tcpinc_kt_snap_expect_same(test, skb, &before);
	kfree_skb(skb);
}

static struct kunit_case tcpinc_kt_eno_skb_cases[] = {
	KUNIT_CASE(tcpinc_kt_syn_v4_partial),
	KUNIT_CASE(tcpinc_kt_syn_v4_none),
	KUNIT_CASE(tcpinc_kt_syn_v6_partial),
	KUNIT_CASE(tcpinc_kt_syn_v6_none),
	KUNIT_CASE(tcpinc_kt_synack_v4_partial),
	KUNIT_CASE(tcpinc_kt_synack_v4_none),
	KUNIT_CASE(tcpinc_kt_synack_v6_partial),
	KUNIT_CASE(tcpinc_kt_synack_v6_none),
	KUNIT_CASE(tcpinc_kt_ack_payload),
	KUNIT_CASE(tcpinc_kt_no_headroom),
	KUNIT_CASE(tcpinc_kt_exact_fit),
	KUNIT_CASE(tcpinc_kt_enospc),
	KUNIT_CASE(tcpinc_kt_nop_reclaimed_21),
	KUNIT_CASE(tcpinc_kt_nop_reclaimed_full),
	KUNIT_CASE(tcpinc_kt_gso_carries),
	KUNIT_CASE(tcpinc_kt_clone_untouched),
	{}
};

static struct kunit_suite tcpinc_kt_eno_skb_suite = {
	.name = "tcpinc_eno_skb",
	.test_cases = tcpinc_kt_eno_skb_cases,
};
kunit_test_suite(tcpinc_kt_eno_skb_suite);

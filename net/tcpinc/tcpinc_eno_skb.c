// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno_skb.c - adding a TCP option to a locally generated segment
 * at NF_INET_LOCAL_OUT, with lengths and checksums redone.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "tcpinc_eno_skb.h"
#include "tcpinc/core_api.h"

/*
 * The option area of th without its NOPs (EOL ends it), into out; its
 * length, or -1 if the area is malformed. NOPs are only padding, so the
 * options mean the same without them: that is where a 21-byte ENO answer
 * finds room next to Linux's MSS, SACK-permitted, timestamps and window
 * scale (19 bytes without the NOP).
 */
static int compact_options(const u8 *opts, unsigned int len, u8 *out)
{
	struct tcpinc_core_tcp_opt o;
	tcpinc_usize pos = 0;
	unsigned int n = 0;
	int step;

	/* The core's walk: out never gets more than the len bytes read. */
	while ((step = tcpinc_core_tcp_option_next(opts, len, &pos, &o)) > 0) {
		memcpy(out + n, opts + o.off, o.len);
		n += o.len;
	}
	return step < 0 ? -1 : n;
}

/* The option bytes of th once its NOPs are dropped; -1 if malformed. */
int tcpinc_skb_options_compact_len(const struct tcphdr *th)
{
	u8 area[MAX_TCP_OPTION_SPACE];

	return compact_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th), area);
}

/*
 * Adds opt (len bytes) to the TCP options of a locally generated segment at
 * LOCAL_OUT: appended after the existing options, NOP-padded in front to a
 * 4-byte multiple; if that does not fit 40 bytes, after the existing
 * options with their NOPs removed. -ENOSPC if it still does not fit (the
 * segment is then unchanged). The headers move towards the head (skb_push)
 * so the payload, which a clone may share with the retransmission queue,
 * is never written.
 */
int tcpinc_skb_add_option(struct sk_buff *skb, const u8 *opt, u8 len)
{
	unsigned int thoff = skb_transport_offset(skb);
	struct tcphdr *th = tcp_hdr(skb);
	unsigned int hlen = th->doff * 4;
	unsigned int optlen = hlen - sizeof(struct tcphdr);
	u8 area[MAX_TCP_OPTION_SPACE];
	unsigned int n, pad, grow, tcplen;
	int c;

	if (optlen + round_up(len, 4) <= MAX_TCP_OPTION_SPACE) {
		memcpy(area, th + 1, optlen);
		n = optlen;
	} else {
		c = compact_options((const u8 *)(th + 1), optlen, area);
		if (c < 0 || c + len > MAX_TCP_OPTION_SPACE)
			return -ENOSPC;
		n = c;
	}
	pad = round_up(n + len, 4) - (n + len);
	memset(area + n, TCPOPT_NOP, pad);
	memcpy(area + n + pad, opt, len);
	n += pad + len;
	if (WARN_ON_ONCE(n < optlen))
		return -EINVAL;	/* cannot be: the option outweighs any NOP removed */
	grow = n - optlen;
	/*
	 * A GSO skb's header is copied to every segment it is cut into
	 * (tcp_gso_segment), option included; TCP sized gso_size with the
	 * room for it (eno_mss_reserve). The lengths must stay plain: an
	 * IPv4 total length, an IPv6 payload length that is not a jumbo's 0.
	 */
	if (ip_hdr(skb)->version == 4 ? ntohs(ip_hdr(skb)->tot_len) + grow > 0xffff :
	    !ipv6_hdr(skb)->payload_len || ntohs(ipv6_hdr(skb)->payload_len) + grow > 0xffff)
		return -EOPNOTSUPP;
	if (skb_cow_head(skb, grow))
		return -ENOMEM;

	if (grow) {
		__skb_push(skb, grow);
		memmove(skb->data, skb->data + grow, thoff + sizeof(struct tcphdr));
		skb_reset_network_header(skb);
		skb_set_transport_header(skb, thoff);
	}
	th = tcp_hdr(skb);
	memcpy(th + 1, area, n);
	th->doff = (sizeof(struct tcphdr) + n) / 4;
	tcplen = skb->len - thoff;

	if (ip_hdr(skb)->version == 4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(ntohs(iph->tot_len) + grow);
		ip_send_check(iph);
		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			th->check = ~tcp_v4_check(tcplen, iph->saddr, iph->daddr, 0);
		} else {
			th->check = 0;
			th->check = tcp_v4_check(tcplen, iph->saddr, iph->daddr,
						 skb_checksum(skb, thoff, tcplen, 0));
		}
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(ntohs(ip6h->payload_len) + grow);
		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			th->check = ~tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr, 0);
		} else {
			th->check = 0;
			th->check = tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr,
						 skb_checksum(skb, thoff, tcplen, 0));
		}
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	}
	return 0;
}


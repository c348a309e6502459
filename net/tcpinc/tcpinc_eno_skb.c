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

#include "tcpinc_eno.h"

/*
 * Appends opt (len bytes, NOP-padded in front to a 4-byte multiple) after
 * the existing TCP options of a locally generated segment at LOCAL_OUT.
 * The headers move towards the head (skb_push) so the payload, which a
 * clone may share with the retransmission queue, is never written.
 */
int tcpinc_skb_add_option(struct sk_buff *skb, const u8 *opt, u8 len)
{
	unsigned int thoff = skb_transport_offset(skb);
	unsigned int pad = (4 - (len & 3)) & 3;
	unsigned int grow = len + pad;
	struct tcphdr *th = tcp_hdr(skb);
	unsigned int hlen = th->doff * 4;
	unsigned int tcplen;
	u8 *p;

	if (hlen + grow > 60)
		return -ENOSPC;
	if (skb_is_gso(skb))
		return -EOPNOTSUPP;
	if (skb_cow_head(skb, grow))
		return -ENOMEM;

	__skb_push(skb, grow);
	memmove(skb->data, skb->data + grow, thoff + hlen);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, thoff);
	th = tcp_hdr(skb);
	p = (u8 *)th + hlen;
	memset(p, TCPOPT_NOP, pad);
	memcpy(p + pad, opt, len);
	th->doff += grow / 4;
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


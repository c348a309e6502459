/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno_skb.h - option insertion into outgoing segments (tcpinc_eno_skb.c).
 */
#ifndef TCPINC_ENO_SKB_H
#define TCPINC_ENO_SKB_H

#include <linux/skbuff.h>
#include <linux/tcp.h>

int tcpinc_skb_add_option(struct sk_buff *skb, const u8 *opt, u8 len);
int tcpinc_skb_options_compact_len(const struct tcphdr *th);

#endif /* TCPINC_ENO_SKB_H */

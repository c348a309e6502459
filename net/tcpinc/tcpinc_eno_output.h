/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno_output.h - the NF_INET_LOCAL_OUT hook that writes ENO into
 * the segments we send (tcpinc_eno_output.c), for tcpinc_eno.c's hook table.
 */
#ifndef TCPINC_ENO_OUTPUT_H
#define TCPINC_ENO_OUTPUT_H

#include <linux/netfilter.h>

unsigned int tcpinc_eno_out_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state);

#endif /* TCPINC_ENO_OUTPUT_H */

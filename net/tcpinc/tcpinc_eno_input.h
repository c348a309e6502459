/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno_input.h - the NF_INET_LOCAL_IN hook that reads ENO off the
 * segments we receive (tcpinc_eno_input.c), for tcpinc_eno.c's hook table.
 */
#ifndef TCPINC_ENO_INPUT_H
#define TCPINC_ENO_INPUT_H

#include <linux/netfilter.h>

unsigned int tcpinc_eno_in_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state);

#endif /* TCPINC_ENO_INPUT_H */

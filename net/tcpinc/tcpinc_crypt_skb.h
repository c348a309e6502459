/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_crypt_skb.h - where a received skb's ciphertext lies, for the
 * core to read it there (tcpinc_crypt_pump.c; KUnit suite tcpinc_crypt_skb).
 */
#ifndef TCPINC_CRYPT_SKB_H
#define TCPINC_CRYPT_SKB_H

#include <linux/skbuff.h>

#include "tcpinc/core_api.h"

unsigned int tcpinc_crypt_skb_segs(const struct sk_buff *skb, unsigned int off, size_t len,
				   struct tcpinc_core_seg *segs, unsigned int max);

#endif /* TCPINC_CRYPT_SKB_H */

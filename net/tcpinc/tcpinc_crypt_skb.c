// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_skb.c - the pieces of a received skb that the tcpcrypt core
 * may read where they lie. The receive path (tcpinc_crypt_pump.c) hands
 * them to tcpinc_core_tc_receive_segs(), which opens a frame lying across
 * them without first gathering it into a buffer of the frame's size: only
 * the frame's plaintext takes memory. No state, no lock: the caller holds
 * the socket lock, so TCP does not change the skb meanwhile.
 */
#include <linux/highmem.h>
#include <linux/skbuff.h>

#include "tcpinc_crypt_skb.h"

/*
 * tcpinc_crypt_skb_segs - the bytes of skb from off on (at most len) that
 * the core may read in place, as up to max pieces in stream order: the
 * linear part and the skb's own page fragments. Stops before the first
 * piece that must be copied instead: shared fragments (sendfile/splice
 * pages that a local sender may still change; the core authenticates, then
 * decrypts, the same bytes, and they must not change in between), highmem
 * pages, a frag_list. Returns how many pieces it filled: 0 if the byte at
 * off must be copied.
 */
unsigned int tcpinc_crypt_skb_segs(const struct sk_buff *skb, unsigned int off, size_t len,
				   struct tcpinc_core_seg *segs, unsigned int max)
{
	unsigned int start = skb_headlen(skb), n = 0;
	int i;

	if (off < start && n < max && len) {
		size_t c = min_t(size_t, len, start - off);

		segs[n++] = (struct tcpinc_core_seg){ skb->data + off, c };
		off += c;
		len -= c;
	}
	if (skb_has_shared_frag(skb))
		return n;
	for (i = 0; i < skb_shinfo(skb)->nr_frags && len && n < max; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];
		unsigned int end = start + skb_frag_size(f);
		struct page *pg = skb_frag_page(f);
		size_t c;

		if (off >= end) {
			start = end;
			continue;
		}
		if (PageHighMem(pg))
			break;
		c = min_t(size_t, len, end - off);
		segs[n++] = (struct tcpinc_core_seg){
			(const u8 *)page_address(pg) + skb_frag_off(f) + (off - start), c };
		off += c;
		len -= c;
		start = end;
	}
	return n;
}

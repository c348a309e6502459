// SPDX-License-Identifier: GPL-2.0
/*
 * crypt_skb_test.c - KUnit suite tcpinc_crypt_skb: a frame spread over an
 * skb's linear part and several page fragments is opened where it lies.
 * tcpinc_crypt_skb_segs() (net/tcpinc/tcpinc_crypt_skb.c, linked into
 * tcpinc_kunit.ko) finds the pieces; tcpinc_core_tc_receive_segs() with the
 * module's own crypto provider opens the frame from them. Checked: the
 * pieces (count, addresses, lengths), the plaintext byte for byte, that the
 * one receive buffer taken was the plaintext's size (nothing of the frame's
 * size was gathered), that it is given back once read, that a shared
 * fragment is never read in place, and that a flipped bit in the fragment
 * holding the tag fails authentication. For AES-128-GCM (software and,
 * where the CPU has it, AES-NI) and ChaCha20-Poly1305.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "tcpinc_crypt_skb.h"
#include "tcpinc/core_api.h"
#include "../../crypto-glue/tcpinc_crypto.h"

#define KT_DATA 3000	/* frame: 3 + 1 + 3000 + 16 = 3020 bytes */
#define KT_HEAD 2	/* linear part: the first 2 header bytes */

/* The provider, with the receive buffer's allocations counted. */
static struct tcpinc_core_crypto_ops kt_ops;
static long kt_live, kt_last_len;

static void *kt_mem_alloc(void *ctx, tcpinc_usize len)
{
	void *p = tcpinc_crypto_ops()->mem_alloc(ctx, len);

	if (p) {
		kt_live++;
		kt_last_len = len;
	}
	return p;
}

static void kt_mem_free(void *ctx, void *p, tcpinc_usize len)
{
	kt_live--;
	tcpinc_crypto_ops()->mem_free(ctx, p, len);
}

struct kt_pair {
	struct tcpinc_core_tc_session *a, *b;
};

/* What the running case made, freed by kt_exit (which runs after a failed assertion too). */
static struct kt_pair kt_p;
static struct sk_buff *kt_skbs[2];
static unsigned int kt_nskbs;

/* Moves what from owes to; true once to is established. */
static bool kt_move(struct kunit *test, struct tcpinc_core_tc_session *from,
		    struct tcpinc_core_tc_session *to)
{
	u8 *buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	tcpinc_usize len = 0, used = 0, off = 0;
	struct tcpinc_core_tc_event ev;
	bool est = false;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_poll_output(from, buf, 2048, &len), TCPINC_CORE_TC_OK);
	while (off < len) {
		int st = tcpinc_core_tc_receive(to, buf + off, len - off, &used, &ev);

		KUNIT_ASSERT_TRUE(test, st == TCPINC_CORE_TC_OK || st == TCPINC_CORE_TC_NEED_MORE);
		est |= ev.established;
		if (!used)
			break;
		off += used;
	}
	return est;
}

/* A fresh X25519 pair on aead; b opens with kt_ops. */
static struct kt_pair *kt_pair(struct kunit *test, u16 aead)
{
	static const u8 transcript[] = { 0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23 };
	struct tcpinc_core_tc_config ca = {
		.role = TCPINC_CORE_TC_ROLE_A, .kex = TCPINC_CORE_KEX_X25519,
		.tep_byte = TCPINC_CORE_KEX_X25519, .no_cache = 1,
		.transcript = transcript, .transcript_len = sizeof(transcript),
		.aeads = &aead, .naeads = 1,
	};
	struct tcpinc_core_tc_config cb = ca;
	struct kt_pair *p = &kt_p;
	bool ea = false, eb = false;
	int i;

	p->a = kzalloc(tcpinc_core_tc_session_size(), GFP_KERNEL);
	p->b = kzalloc(tcpinc_core_tc_session_size(), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, p->a && p->b);
	cb.role = TCPINC_CORE_TC_ROLE_B;
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_start(p->a, tcpinc_crypto_ops(), &ca),
			TCPINC_CORE_TC_OK);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_start(p->b, &kt_ops, &cb), TCPINC_CORE_TC_OK);
	for (i = 0; i < 4 && !(ea && eb); i++) {
		eb |= kt_move(test, p->a, p->b);
		ea |= kt_move(test, p->b, p->a);
	}
	KUNIT_ASSERT_TRUE(test, ea && eb);
	KUNIT_ASSERT_EQ(test, kt_live, 0L);	/* the Init buffers went */
	return p;
}

/*
 * An skb holding frame (len bytes) as the receive queue may: KT_HEAD bytes
 * in the linear part, then fragments of the given sizes, each in its own
 * page at an odd offset.
 */
static struct sk_buff *kt_skb(struct kunit *test, const u8 *frame, size_t len,
			      const unsigned int *frag, int nfrags)
{
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);
	size_t off = KT_HEAD;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_LT(test, kt_nskbs, (unsigned int)ARRAY_SIZE(kt_skbs));
	kt_skbs[kt_nskbs++] = skb;
	skb_put_data(skb, frame, KT_HEAD);
	for (i = 0; i < nfrags; i++) {
		struct page *pg = alloc_page(GFP_KERNEL);
		unsigned int n = i == nfrags - 1 ? len - off : frag[i];

		KUNIT_ASSERT_NOT_NULL(test, pg);
		memcpy(page_address(pg) + 13 * (i + 1), frame + off, n);
		skb_fill_page_desc(skb, i, pg, 13 * (i + 1), n);
		skb->len += n;
		skb->data_len += n;
		skb->truesize += PAGE_SIZE;
		off += n;
	}
	KUNIT_ASSERT_EQ(test, (size_t)skb->len, len);
	return skb;
}

static void kt_open_across_frags(struct kunit *test, u16 aead)
{
	/* Cuts: in the header, after the flags byte, in the data, in the tag. */
	static const unsigned int frag[] = { 2, 1500, 1507, 0 };
	struct kt_pair *p = kt_pair(test, aead);
	struct tcpinc_core_seg segs[TCPINC_CORE_TC_MAX_SEGS];
	struct tcpinc_core_tc_event ev;
	u8 *data = kunit_kmalloc(test, KT_DATA, GFP_KERNEL);
	u8 *frame = kunit_kzalloc(test, KT_DATA + 64, GFP_KERNEL);
	tcpinc_usize len = 0, used = 0;
	struct sk_buff *skb;
	unsigned int n, i;

	KUNIT_ASSERT_TRUE(test, data && frame);
	for (i = 0; i < KT_DATA; i++)
		data[i] = i * 7 + (i >> 8);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_seal(p->a, data, KT_DATA, 0, 0, frame, KT_DATA + 64,
						  &len), TCPINC_CORE_TC_OK);
	KUNIT_ASSERT_EQ(test, len, (tcpinc_usize)(KT_DATA + TCPINC_CORE_TC_FRAME_OVERHEAD));
	skb = kt_skb(test, frame, len, frag, 4);

	n = tcpinc_crypt_skb_segs(skb, 0, skb->len, segs, ARRAY_SIZE(segs));
	KUNIT_ASSERT_EQ(test, n, 5U);	/* the linear part and four fragments */
	KUNIT_EXPECT_PTR_EQ(test, (const void *)segs[0].data, (const void *)skb->data);
	KUNIT_EXPECT_EQ(test, segs[0].len, (tcpinc_usize)KT_HEAD);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, (const void *)segs[i].data,
				    (const void *)(skb_frag_address(&skb_shinfo(skb)->frags[i - 1])));
	/* From an offset into the second fragment: the pieces start there. */
	KUNIT_EXPECT_EQ(test, tcpinc_crypt_skb_segs(skb, KT_HEAD + 2 + 10, 100, segs, 20), 1U);
	KUNIT_EXPECT_EQ(test, segs[0].len, (tcpinc_usize)100);
	n = tcpinc_crypt_skb_segs(skb, 0, skb->len, segs, ARRAY_SIZE(segs));

	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_receive_segs(p->b, segs, n, &used, &ev),
			TCPINC_CORE_TC_OK);
	KUNIT_EXPECT_EQ(test, used, len);
	KUNIT_ASSERT_TRUE(test, ev.frame);
	KUNIT_ASSERT_EQ(test, ev.data_len, (tcpinc_usize)KT_DATA);
	KUNIT_EXPECT_EQ(test, memcmp(ev.data, data, KT_DATA), 0);
	/* Opened where it lay: one buffer, of the plaintext's size (flags + data). */
	KUNIT_EXPECT_EQ(test, kt_live, 1L);
	KUNIT_EXPECT_EQ(test, kt_last_len, (long)(KT_DATA + 1));
	tcpinc_core_tc_rx_done(p->b);
	KUNIT_EXPECT_EQ(test, kt_live, 0L);

	/* A shared fragment (sendfile page) is never read in place. */
	skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
	KUNIT_EXPECT_EQ(test, tcpinc_crypt_skb_segs(skb, 0, skb->len, segs, 20), 1U);
	KUNIT_EXPECT_EQ(test, tcpinc_crypt_skb_segs(skb, KT_HEAD, 10, segs, 20), 0U);

	/* The next frame, its tag flipped in the last fragment: refused. */
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_seal(p->a, data, KT_DATA, 0, 0, frame, KT_DATA + 64,
						  &len), TCPINC_CORE_TC_OK);
	frame[len - 3] ^= 0x20;
	skb = kt_skb(test, frame, len, frag, 4);
	n = tcpinc_crypt_skb_segs(skb, 0, skb->len, segs, ARRAY_SIZE(segs));
	KUNIT_EXPECT_EQ(test, tcpinc_core_tc_receive_segs(p->b, segs, n, &used, &ev),
			TCPINC_CORE_TC_AUTH_FAILURE);
	KUNIT_EXPECT_FALSE(test, ev.frame);
	KUNIT_EXPECT_EQ(test, kt_live, 0L);
}

static void kt_open_across_frags_gcm(struct kunit *test)
{
	kt_open_across_frags(test, TCPINC_CORE_AEAD_AES_128_GCM);
}

static void kt_open_across_frags_gcm_soft(struct kunit *test)
{
	tcpinc_crypto_test_soft_gcm(true);	/* kt_exit turns it off */
	kt_open_across_frags(test, TCPINC_CORE_AEAD_AES_128_GCM);
}

static void kt_open_across_frags_chacha(struct kunit *test)
{
	kt_open_across_frags(test, TCPINC_CORE_AEAD_CHACHA20_POLY1305);
}

static int kt_suite_init(struct kunit_suite *suite)
{
	int err = tcpinc_crypto_init();

	if (err)
		return err;
	kt_ops = *tcpinc_crypto_ops();
	kt_ops.mem_alloc = kt_mem_alloc;
	kt_ops.mem_free = kt_mem_free;
	return 0;
}

static void kt_suite_exit(struct kunit_suite *suite)
{
	tcpinc_crypto_exit();
}

static int kt_init(struct kunit *test)
{
	kt_live = 0;
	kt_last_len = 0;
	return 0;
}

static void kt_exit(struct kunit *test)
{
	if (kt_p.a) {
		tcpinc_core_tc_session_destroy(kt_p.a);
		kfree(kt_p.a);
	}
	if (kt_p.b) {
		tcpinc_core_tc_session_destroy(kt_p.b);
		kfree(kt_p.b);
	}
	kt_p.a = kt_p.b = NULL;
	while (kt_nskbs)
		kfree_skb(kt_skbs[--kt_nskbs]);
	tcpinc_crypto_test_soft_gcm(false);
	KUNIT_EXPECT_EQ(test, kt_live, 0L);	/* every receive buffer given back */
}

static struct kunit_case kt_cases[] = {
	KUNIT_CASE(kt_open_across_frags_gcm),
	KUNIT_CASE(kt_open_across_frags_gcm_soft),
	KUNIT_CASE(kt_open_across_frags_chacha),
	{}
};

static struct kunit_suite tcpinc_kt_crypt_skb_suite = {
	.name = "tcpinc_crypt_skb",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = kt_cases,
};
kunit_test_suite(tcpinc_kt_crypt_skb_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * crypto_glue_test.c - KUnit suites tcpinc_crypto_glue and
 * tcpinc_tcpcrypt_sessions: the kernel crypto provider (crypto-glue/,
 * reached only through tcpinc_crypto_ops(), as the core reaches it) and two
 * C++ core sessions handshaking in memory through it, on the debug kernel.
 *
 * The checks are those of the stock kernel's self test,
 * tests/selftest-module/tcpinc_selftest.c, compiled in here with TCPINC_ST_KUNIT:
 * there, each tcpinc_st_check() becomes an expectation of the KUnit case
 * that runs it. The vectors are tests/selftest-module/selftest_vectors.h,
 * generated from the shared tests/vectors/tcpcrypt.vec (plus RFC 5869
 * case 2 and RFC 7748 section 5.2) by gen_selftest_vectors.py; scripts/
 * kunit.sh refuses to run with a stale copy. So one set of checks and
 * vectors runs on both kernels, and here under KASAN, UBSAN, lockdep and
 * kmemleak with the C++ core instrumented too.
 */
#include <kunit/test.h>

#define TCPINC_ST_KUNIT 1
#include "../selftest-module/tcpinc_selftest.c"

/*
 * Every case ends here: no AEAD handle may outlive the case that made it
 * (tcpinc_crypto_exit() would only WARN once, at the end of the suite).
 */
static void tcpinc_kt_crypto_no_leak(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, tcpinc_crypto_live_aead(), 0L,
			    "AEAD handles still live after the case");
}

/* The provider's shared transforms, once per suite (may sleep). */
static int tcpinc_kt_crypto_suite_init(struct kunit_suite *suite)
{
	return tcpinc_crypto_init();
}

static void tcpinc_kt_crypto_suite_exit(struct kunit_suite *suite)
{
	tcpinc_crypto_exit();
}

/* KT_ST_CASE(name, call) - a KUnit case that runs one self-test group. */
#define KT_ST_CASE(name, call)						\
	static void tcpinc_kt_##name(struct kunit *test)		\
	{								\
		unsigned int n = tcpinc_st_n;				\
									\
		tcpinc_st_kunit = test;					\
		call;							\
		tcpinc_st_kunit = NULL;					\
		/* a group that checks nothing proves nothing */	\
		KUNIT_EXPECT_GT(test, tcpinc_st_n, n);			\
		kunit_info(test, "%u checks", tcpinc_st_n - n);		\
		tcpinc_kt_crypto_no_leak(test);				\
	}

/*
 * Vector tables as parameterised cases (KUNIT_ARRAY_PARAM): each vector is
 * its own result line, named after the vector, so one failing vector does
 * not hide the others' results.
 */
#define KT_VEC_DESC(type, table)					\
	static void tcpinc_kt_##table##_desc(const struct type *v, char *desc) \
	{								\
		strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);		\
	}								\
	KUNIT_ARRAY_PARAM(tcpinc_kt_##table, table, tcpinc_kt_##table##_desc)

KT_VEC_DESC(tcpinc_st_hkdf, tcpinc_st_hkdf)
KT_VEC_DESC(tcpinc_st_x25519_kat, tcpinc_st_x25519_kat)
KT_VEC_DESC(tcpinc_st_aead, tcpinc_st_aead)

static void tcpinc_kt_x448_kat_desc(const typeof(x448_kat[0]) *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(tcpinc_kt_x448_kat, x448_kat, tcpinc_kt_x448_kat_desc)

static void tcpinc_kt_x448_small_order_desc(const char *const *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "small_order_%td", v - x448_small_order);
}
KUNIT_ARRAY_PARAM(tcpinc_kt_x448_small_order, x448_small_order, tcpinc_kt_x448_small_order_desc)

/* X448 (crypto-glue/tcpinc_x448.c): RFC 7748 5.2's two multiplications. */
static void tcpinc_kt_x448_rfc7748_5_2(struct kunit *test)
{
	const typeof(x448_kat[0]) *v = test->param_value;

	tcpinc_st_kunit = test;
	tcpinc_st_check(tcpinc_st_x448_kat_one(v), "%s", v->name);
	tcpinc_st_kunit = NULL;
}

/* Each small-order u-coordinate refused with an all-zero output. */
static void tcpinc_kt_x448_small_order_refused(struct kunit *test)
{
	const char *const *v = test->param_value;

	tcpinc_st_kunit = test;
	tcpinc_st_check(tcpinc_st_x448_small_order_one(v), "%s", *v);
	tcpinc_st_kunit = NULL;
}

/* KT_VEC_CASE(case_name, type, expr) - a parameterised case checking expr on v. */
#define KT_VEC_CASE(case_name, type, expr)				\
	static void tcpinc_kt_##case_name(struct kunit *test)		\
	{								\
		const struct type *v = test->param_value;		\
									\
		tcpinc_st_kunit = test;					\
		tcpinc_st_check(expr, "%s", v->name);			\
		tcpinc_st_kunit = NULL;					\
		tcpinc_kt_crypto_no_leak(test);				\
	}

/* RFC 5869 test cases 1-3 through hmac_sha256 (extract with split IKM, expand). */
KT_VEC_CASE(hkdf_rfc5869, tcpinc_st_hkdf, tcpinc_st_hkdf_one(v))
/* RFC 7748 5.2's two scalar multiplications. */
KT_VEC_CASE(x25519_rfc7748_5_2, tcpinc_st_x25519_kat, tcpinc_st_x25519_kat_one(v))

/*
 * Every tcpcrypt.vec frame, sealed, opened in and out of place, tampered tag,
 * ciphertext and AD refused with the output zeroed; on the default path
 * (AES-NI's __gcm(aes) when the FPU is usable) and, for AES-GCM, again on
 * the software path.
 */
static void tcpinc_kt_aead_frames(struct kunit *test, bool soft)
{
	const struct tcpinc_st_aead *v = test->param_value;
	u8 *buf = kunit_kmalloc(test, 512, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	tcpinc_st_kunit = test;
	tcpinc_st_check(tcpinc_st_aead_vec(v, buf, soft), "%s%s", v->name,
			soft ? " (software GCM)" : "");
	tcpinc_st_kunit = NULL;
	tcpinc_kt_crypto_no_leak(test);
}

static void tcpinc_kt_aead_frame_vectors(struct kunit *test)
{
	tcpinc_kt_aead_frames(test, false);
}

static void tcpinc_kt_aead_frame_vectors_software_gcm(struct kunit *test)
{
	tcpinc_kt_aead_frames(test, true);
}

/* The AES-GCM vectors only: ChaCha20-Poly1305 has no second path. */
static const void *tcpinc_kt_aead_gcm_gen_params(const void *prev, char *desc)
{
	const struct tcpinc_st_aead *v = prev ? (const struct tcpinc_st_aead *)prev + 1 :
						tcpinc_st_aead;

	for (; v < tcpinc_st_aead + ARRAY_SIZE(tcpinc_st_aead); v++) {
		if (v->id == TCPINC_CORE_AEAD_CHACHA20_POLY1305)
			continue;
		strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
		return v;
	}
	return NULL;
}

/* hmac_sha256 = the kernel's hmac(sha256) for key lengths 0..131 and split input. */
KT_ST_CASE(hmac_matches_kernel_template, tcpinc_st_hmac_cross())
/* hmac_sha256_many = hmac(sha256) per message, 1-4 messages, chained pieces. */
KT_ST_CASE(hmac_many_matches_kernel_template, tcpinc_st_hmac_many_cross())
/* RFC 7748 6.1, low-order points give zero, random pairs agree with BHs off. */
KT_ST_CASE(x25519_rfc7748_6_1, tcpinc_st_x25519_tests())
/* RFC 7748 5.2's iterated test, after 1 and 1000 rounds. */
KT_ST_CASE(x25519_rfc7748_5_2_iterated, tcpinc_st_x25519_iterated())
/*
 * X448: RFC 7748 5.2 iterated (x1, x1000) and 6.2 on the function, then 6.2
 * again through crypto_alloc_kpp ("curve448", registered by
 * tcpinc_crypto_init in the suite's init).
 */
KT_ST_CASE(x448_rfc7748_and_kpp, { tcpinc_st_x448_direct(false); tcpinc_st_x448_kpp(); })
/* A key of the wrong length and an unknown AEAD id are refused. */
KT_ST_CASE(aead_refusals, tcpinc_st_aead_refusals())
/* P-256: agreement, the vector's shared secret, every rejection, context rules. */
KT_ST_CASE(p256_agreement_and_rejections, tcpinc_st_p256_tests())
KT_ST_CASE(random_bytes, tcpinc_st_random_test())

static struct kunit_case tcpinc_kt_crypto_cases[] = {
	KUNIT_CASE_PARAM(tcpinc_kt_hkdf_rfc5869, tcpinc_kt_tcpinc_st_hkdf_gen_params),
	KUNIT_CASE(tcpinc_kt_hmac_matches_kernel_template),
	KUNIT_CASE(tcpinc_kt_hmac_many_matches_kernel_template),
	KUNIT_CASE(tcpinc_kt_x25519_rfc7748_6_1),
	KUNIT_CASE_PARAM(tcpinc_kt_x25519_rfc7748_5_2, tcpinc_kt_tcpinc_st_x25519_kat_gen_params),
	KUNIT_CASE(tcpinc_kt_x25519_rfc7748_5_2_iterated),
	KUNIT_CASE_PARAM(tcpinc_kt_x448_rfc7748_5_2, tcpinc_kt_x448_kat_gen_params),
	KUNIT_CASE_PARAM(tcpinc_kt_x448_small_order_refused, tcpinc_kt_x448_small_order_gen_params),
	KUNIT_CASE(tcpinc_kt_x448_rfc7748_and_kpp),
	KUNIT_CASE_PARAM(tcpinc_kt_aead_frame_vectors, tcpinc_kt_tcpinc_st_aead_gen_params),
	KUNIT_CASE_PARAM(tcpinc_kt_aead_frame_vectors_software_gcm, tcpinc_kt_aead_gcm_gen_params),
	KUNIT_CASE(tcpinc_kt_aead_refusals),
	KUNIT_CASE(tcpinc_kt_p256_agreement_and_rejections),
	KUNIT_CASE(tcpinc_kt_random_bytes),
	{}
};

static struct kunit_suite tcpinc_kt_crypto_suite = {
	.name = "tcpinc_crypto_glue",
	.suite_init = tcpinc_kt_crypto_suite_init,
	.suite_exit = tcpinc_kt_crypto_suite_exit,
	.test_cases = tcpinc_kt_crypto_cases,
};

/* ---- two core sessions through the provider ---------------------------- */

/*
 * KT_SESSION_CASE(name, call) - a case with a fresh session pair: one
 * session in vmalloc memory, one from kvzalloc (both scatterlist paths of
 * the provider), a frame buffer and a receive buffer.
 */
#define KT_SESSION_CASE(name, call)					\
	static void tcpinc_kt_##name(struct kunit *test)		\
	{								\
		struct tcpinc_st_pair pair;				\
		struct tcpinc_st_pair *p = &pair;			\
		int err = tcpinc_st_pair_init(p);			\
									\
		KUNIT_EXPECT_EQ(test, err, 0);				\
		if (!err) {						\
			unsigned int n = tcpinc_st_n;			\
									\
			tcpinc_st_kunit = test;				\
			call;						\
			tcpinc_st_kunit = NULL;				\
			KUNIT_EXPECT_GT(test, tcpinc_st_n, n);		\
		}							\
		tcpinc_st_pair_free(p);					\
		tcpinc_kt_crypto_no_leak(test);				\
	}

/*
 * The project's handshake vectors byte for byte: Init1, Init2, session ID
 * and the first frame each way (X25519 and P-256, several AEAD lists).
 */
KT_SESSION_CASE(sessions_match_vectors, tcpinc_st_vector_sessions(p))

/*
 * Random keys, each TEP x AEAD: tcpinc_core_tc_session_start on both roles,
 * poll_output/receive for Init1 and Init2, equal 33-byte session IDs, a
 * sealed frame each way delivered intact, then one flipped ciphertext byte:
 * TCPINC_CORE_TC_AUTH_FAILURE, nothing released, the session failed.
 * KUnit runs cases in a kthread, i.e. process context, which P-256 (0x21)
 * needs; X25519 (0x23) is also run with BHs off, as in softirq.
 */
KT_SESSION_CASE(session_0x23_aead_0x0001,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_X25519, TCPINC_CORE_AEAD_AES_128_GCM, false))
KT_SESSION_CASE(session_0x23_aead_0x0002,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_X25519, TCPINC_CORE_AEAD_AES_256_GCM, false))
KT_SESSION_CASE(session_0x23_aead_0x0010,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_X25519,
					  TCPINC_CORE_AEAD_CHACHA20_POLY1305, false))
KT_SESSION_CASE(session_0x21_aead_0x0001,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_P256, TCPINC_CORE_AEAD_AES_128_GCM, false))
KT_SESSION_CASE(session_0x21_aead_0x0002,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_P256, TCPINC_CORE_AEAD_AES_256_GCM, false))
KT_SESSION_CASE(session_0x21_aead_0x0010,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_P256,
					  TCPINC_CORE_AEAD_CHACHA20_POLY1305, false))
KT_SESSION_CASE(session_0x23_aead_0x0001_bh_off,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_X25519, TCPINC_CORE_AEAD_AES_128_GCM, true))
KT_SESSION_CASE(session_0x23_aead_0x0010_bh_off,
		tcpinc_st_random_sessions(p, TCPINC_CORE_KEX_X25519,
					  TCPINC_CORE_AEAD_CHACHA20_POLY1305, true))

static struct kunit_case tcpinc_kt_session_cases[] = {
	KUNIT_CASE(tcpinc_kt_sessions_match_vectors),
	KUNIT_CASE(tcpinc_kt_session_0x23_aead_0x0001),
	KUNIT_CASE(tcpinc_kt_session_0x23_aead_0x0002),
	KUNIT_CASE(tcpinc_kt_session_0x23_aead_0x0010),
	KUNIT_CASE(tcpinc_kt_session_0x21_aead_0x0001),
	KUNIT_CASE(tcpinc_kt_session_0x21_aead_0x0002),
	KUNIT_CASE(tcpinc_kt_session_0x21_aead_0x0010),
	KUNIT_CASE(tcpinc_kt_session_0x23_aead_0x0001_bh_off),
	KUNIT_CASE(tcpinc_kt_session_0x23_aead_0x0010_bh_off),
	{}
};

static struct kunit_suite tcpinc_kt_session_suite = {
	.name = "tcpinc_tcpcrypt_sessions",
	.suite_init = tcpinc_kt_crypto_suite_init,
	.suite_exit = tcpinc_kt_crypto_suite_exit,
	.test_cases = tcpinc_kt_session_cases,
};

kunit_test_suites(&tcpinc_kt_crypto_suite, &tcpinc_kt_session_suite);

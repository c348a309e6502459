/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core_api.h - the one extern "C" boundary between the C++ protocol core
 * (net/tcpinc/core/) and everything else (the C kernel glue, the userspace
 * tests).
 *
 * Rules for this header: plain C structs, fixed-width integers from the
 * compiler's predefined macros, function pointers, no kernel header and no
 * C++ header. Every symbol it declares starts with tcpinc_core_ (functions)
 * or TCPINC_CORE_ (constants); the object gate (scripts/check-core-objects.sh)
 * refuses any other global C symbol in a core object.
 *
 * Ownership: the caller allocates every object the core works on and passes
 * the storage in; the core never allocates, never sleeps and never takes a
 * lock, so the glue decides the locking (documented at each glue call site).
 */
#ifndef TCPINC_CORE_API_H
#define TCPINC_CORE_API_H

#ifdef __cplusplus
extern "C" {
#endif

typedef __UINT8_TYPE__ tcpinc_u8;
typedef __UINT16_TYPE__ tcpinc_u16;
typedef __UINT32_TYPE__ tcpinc_u32;
typedef __UINT64_TYPE__ tcpinc_u64;
typedef __INT32_TYPE__ tcpinc_i32;
typedef __SIZE_TYPE__ tcpinc_usize;

/*
 * Bumped whenever a struct or function below changes shape; the module
 * refuses to load when the core it was linked with disagrees (a stale
 * object from another build would otherwise corrupt memory quietly).
 */
#define TCPINC_CORE_ABI_VERSION 2

/* tcpinc_core_abi_version - TCPINC_CORE_ABI_VERSION as compiled into the core. */
tcpinc_u32 tcpinc_core_abi_version(void);

/* ====================================================================== */
/* Crypto provider (owned by the tcpcrypt core, issue 4)                  */
/* ====================================================================== */
/*
 * The core never calls a crypto library: the caller passes a table of
 * function pointers (picotls style). The kernel glue (crypto-glue/) fills it
 * with the kernel crypto API, the userspace tests with OpenSSL
 * (tests/unit/crypto_openssl.cc). Every operation returns one of the
 * TCPINC_CORE_CRYPTO_* codes; the core maps them to its own status codes.
 *
 * Ownership: `ctx` is the provider's own state, passed back unchanged.
 * AEAD contexts are allocated by the provider in aead_new and released by
 * aead_free; the core only stores the opaque handle. Private keys are raw
 * 32-byte scalars held (and wiped) by the core. Providers may be called from
 * softirq context in the kernel: they must not sleep.
 */
#define TCPINC_CORE_CRYPTO_OK 0
#define TCPINC_CORE_CRYPTO_ERR (-1)       /* internal failure (allocation, library) */
#define TCPINC_CORE_CRYPTO_EAUTH (-2)     /* AEAD open: tag mismatch */
#define TCPINC_CORE_CRYPTO_EBADKEY (-3)   /* public key failed validation */
#define TCPINC_CORE_CRYPTO_EUNSUPP (-4)   /* algorithm not available */

/* AEAD identifiers of RFC 8548 section 7 (2 bytes on the wire). */
#define TCPINC_CORE_AEAD_AES_128_GCM 0x0001
#define TCPINC_CORE_AEAD_AES_256_GCM 0x0002
#define TCPINC_CORE_AEAD_CHACHA20_POLY1305 0x0010
#define TCPINC_CORE_AEAD_TAG_LEN 16
#define TCPINC_CORE_AEAD_NONCE_LEN 12

/* Key-agreement groups, named by their tcpcrypt TEP identifier. */
#define TCPINC_CORE_KEX_P256 0x21
#define TCPINC_CORE_KEX_X25519 0x23
#define TCPINC_CORE_KEX_PRIV_LEN 32
#define TCPINC_CORE_KEX_SHARED_LEN 32
#define TCPINC_CORE_X25519_PUB_LEN 32
#define TCPINC_CORE_P256_POINT_LEN 33 /* compressed SEC1 / IEEE 1363 EC2OSP */

/* One contiguous piece of an input that is logically concatenated. */
struct tcpinc_core_seg {
	const tcpinc_u8 *data;
	tcpinc_usize len;
};

struct tcpinc_core_crypto_ops {
	void *ctx;

	/* hmac_sha256 - out[32] = HMAC-SHA256(key, segs[0] | ... | segs[nsegs-1]). */
	int (*hmac_sha256)(void *ctx, const tcpinc_u8 *key, tcpinc_usize key_len,
			   const struct tcpinc_core_seg *segs, tcpinc_usize nsegs,
			   tcpinc_u8 *out);

	/* aead_new - a keyed AEAD context in *out_handle (key_len fits aead_id). */
	int (*aead_new)(void *ctx, tcpinc_u16 aead_id, const tcpinc_u8 *key,
			tcpinc_usize key_len, void **out_handle);
	/* aead_free - release (and wipe) a context from aead_new; NULL is a no-op. */
	void (*aead_free)(void *ctx, void *handle);
	/*
	 * aead_seal - out = ciphertext | 16-byte tag of the concatenated segs;
	 * out has room for the total input length + 16. out may not overlap the
	 * inputs.
	 */
	int (*aead_seal)(void *ctx, void *handle, const tcpinc_u8 *nonce,
			 const tcpinc_u8 *ad, tcpinc_usize ad_len,
			 const struct tcpinc_core_seg *in, tcpinc_usize nin,
			 tcpinc_u8 *out);
	/*
	 * aead_open - in = ciphertext | tag (in_len >= 16); out gets in_len - 16
	 * bytes. out may equal in (in place). On any failure out is zeroed before
	 * returning, so no unauthenticated byte is ever left behind.
	 */
	int (*aead_open)(void *ctx, void *handle, const tcpinc_u8 *nonce,
			 const tcpinc_u8 *ad, tcpinc_usize ad_len,
			 const tcpinc_u8 *in, tcpinc_usize in_len, tcpinc_u8 *out);

	/*
	 * kex_keygen - fresh ephemeral key pair: out_priv[32] and out_pub
	 * (32 raw bytes for X25519, 33-byte compressed point for P-256).
	 */
	int (*kex_keygen)(void *ctx, tcpinc_u8 kex, tcpinc_u8 *out_priv, tcpinc_u8 *out_pub);
	/* kex_validate - EBADKEY unless pub is a valid public key of the group. */
	int (*kex_validate)(void *ctx, tcpinc_u8 kex, const tcpinc_u8 *pub, tcpinc_usize pub_len);
	/*
	 * kex_shared - out_secret[32] = X25519 output or the P-256 x-coordinate
	 * (ECSVDP-DH). The core checks for the all-zero X25519 result itself.
	 */
	int (*kex_shared)(void *ctx, tcpinc_u8 kex, const tcpinc_u8 *priv,
			  const tcpinc_u8 *peer_pub, tcpinc_usize peer_pub_len,
			  tcpinc_u8 *out_secret);

	/* random_bytes - len bytes from a seeded CSPRNG. */
	int (*random_bytes)(void *ctx, tcpinc_u8 *out, tcpinc_usize len);
};

/* ====================================================================== */
/* tcpcrypt status codes (owned by the tcpcrypt core, issue 4)            */
/* ====================================================================== */
/*
 * Every fallible tcpcrypt call returns one of these. The glue maps the
 * abort codes (>= TCPINC_CORE_TC_FIRST_ABORT) to a connection reset with an
 * errno other than 0, so that none of them can look like end-of-file.
 */
enum tcpinc_core_tc_status {
	TCPINC_CORE_TC_OK = 0,
	TCPINC_CORE_TC_NEED_MORE = 1,        /* not an error: feed more bytes */
	TCPINC_CORE_TC_BUFFER_TOO_SMALL = 2, /* caller's output buffer */
	TCPINC_CORE_TC_NOT_READY = 3,        /* e.g. sealing before Init2 */
	TCPINC_CORE_TC_BAD_ARGUMENT = 4,     /* config or parameter invalid */
	TCPINC_CORE_TC_FRAME_TOO_LARGE = 5,  /* data does not fit one frame */
	TCPINC_CORE_TC_SEND_AFTER_FIN = 6,
	TCPINC_CORE_TC_REKEY_PENDING = 7,    /* empty rekey while one is unanswered */
	TCPINC_CORE_TC_NO_SESSION_ID = 8,
	TCPINC_CORE_TC_NOT_RESUMPTION = 9,   /* suboption is a fresh offer */
	TCPINC_CORE_TC_RESUME_MISMATCH = 10, /* identifier half does not match */
	TCPINC_CORE_TC_NOT_CACHEABLE = 11,   /* do-not-cache or already exported */
	TCPINC_CORE_TC_FIRST_ABORT = 32,
	TCPINC_CORE_TC_CRYPTO_FAILURE = 32,  /* provider internal error */
	TCPINC_CORE_TC_MALFORMED_INIT = 33,  /* bad magic, length, nciphers, truncated key */
	TCPINC_CORE_TC_OVERSIZED_INIT = 34,  /* message_len above the limit */
	TCPINC_CORE_TC_UNOFFERED_AEAD = 35,  /* Init2 picked an AEAD not in Init1 */
	TCPINC_CORE_TC_NO_COMMON_AEAD = 36,  /* B supports none of Init1's list */
	TCPINC_CORE_TC_INVALID_PUBKEY = 37,
	TCPINC_CORE_TC_ZERO_SECRET = 38,     /* all-zero X25519 shared secret */
	TCPINC_CORE_TC_AUTH_FAILURE = 39,    /* frame failed authentication */
	TCPINC_CORE_TC_BAD_FRAME = 40,       /* clen too short for tag + flags, or urgent field missing */
	TCPINC_CORE_TC_FIN_WITHOUT_FINP = 41,
	TCPINC_CORE_TC_DATA_AFTER_FINP = 42,
	TCPINC_CORE_TC_ABORTED = 43          /* session already failed earlier */
};

/* ======================= end of tcpcrypt section ======================= */

#ifdef __cplusplus
}
#endif

#endif /* TCPINC_CORE_API_H */

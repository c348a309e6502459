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
 *
 * Handles: every core object has its own struct type here and every
 * function takes a pointer to that type, never void * or a bare array; the
 * caller never reads or writes inside one. The storage comes one of two
 * ways: an object the caller allocates is an incomplete struct whose size
 * it asks of the core (tcpinc_core_<object>_size(), 8-byte aligned); a
 * small object the caller embeds by value (a resumption secret in a cache
 * entry, an attempt in struct tcpinc_resume) is a struct of one private
 * array of TCPINC_CORE_<OBJECT>_SIZE bytes, and the core static_asserts
 * that its object fits and is no more aligned. void * appears only for the
 * caller's own state handed back to its callbacks (crypto provider ctx and
 * AEAD contexts, the resumption lookup's arg).
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
#define TCPINC_CORE_ABI_VERSION 3

/* tcpinc_core_abi_version - TCPINC_CORE_ABI_VERSION as compiled into the core. */
tcpinc_u32 tcpinc_core_abi_version(void);

/* ====================================================================== */
/* Crypto provider (owned by the tcpcrypt core)                           */
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
#define TCPINC_CORE_KEX_X448 0x24
/*
 * Buffer sizes: the largest over the groups (X448's 56 bytes). A group
 * uses its own length of them: private key and shared secret are 32 bytes
 * for X25519 and P-256, 56 for X448 (tcpinc::kex_priv_len/kex_shared_len).
 */
#define TCPINC_CORE_KEX_PRIV_LEN 56
#define TCPINC_CORE_KEX_SHARED_LEN 56
#define TCPINC_CORE_KEX_PUB_MAX_LEN 56
#define TCPINC_CORE_X25519_PUB_LEN 32
#define TCPINC_CORE_X448_PUB_LEN 56
#define TCPINC_CORE_P256_POINT_LEN 33 /* compressed SEC1 / IEEE 1363 EC2OSP */

/* One contiguous piece of an input that is logically concatenated. */
struct tcpinc_core_seg {
	const tcpinc_u8 *data;
	tcpinc_usize len;
};

/* One message of hmac_sha256_many: its pieces and where its MAC goes. */
struct tcpinc_core_hmac_msg {
	const struct tcpinc_core_seg *segs;
	tcpinc_usize nsegs;
	tcpinc_u8 *out; /* 32 bytes */
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
	 * aead_open_segs - aead_open of in = the concatenated segs (ciphertext
	 * | tag, in_len bytes in all), read where they lie; out (in_len - 16
	 * bytes) overlaps none of them. Same failure contract. Optional: NULL
	 * makes the core gather such input into one buffer first.
	 */
	int (*aead_open_segs)(void *ctx, void *handle, const tcpinc_u8 *nonce,
			      const tcpinc_u8 *ad, tcpinc_usize ad_len,
			      const struct tcpinc_core_seg *in, tcpinc_usize nin,
			      tcpinc_u8 *out);

	/*
	 * kex_keygen - fresh ephemeral key pair: out_priv (32 bytes; 56 for
	 * X448) and out_pub (32 raw bytes for X25519, 56 for X448, 33-byte
	 * compressed point for P-256). Buffers of the _MAX/_PRIV_LEN sizes.
	 */
	int (*kex_keygen)(void *ctx, tcpinc_u8 kex, tcpinc_u8 *out_priv, tcpinc_u8 *out_pub);
	/* kex_validate - EBADKEY unless pub is a valid public key of the group. */
	int (*kex_validate)(void *ctx, tcpinc_u8 kex, const tcpinc_u8 *pub, tcpinc_usize pub_len);
	/*
	 * kex_shared - out_secret = X25519 output (32 bytes), X448 output (56)
	 * or the P-256 x-coordinate (32, ECSVDP-DH). The core checks for the
	 * all-zero X25519/X448 result itself: a provider whose primitive
	 * refuses it returns it as all-zero bytes with OK.
	 */
	int (*kex_shared)(void *ctx, tcpinc_u8 kex, const tcpinc_u8 *priv,
			  const tcpinc_u8 *peer_pub, tcpinc_usize peer_pub_len,
			  tcpinc_u8 *out_secret);

	/* random_bytes - len bytes from a seeded CSPRNG. */
	int (*random_bytes)(void *ctx, tcpinc_u8 *out, tcpinc_usize len);

	/*
	 * mem_alloc / mem_free - memory for one Init message or frame while it
	 * is reassembled, opened and read (at most one per session at a time,
	 * len <= 65538). A session holds none while idle, so a connection
	 * costs its keys and state only. mem_alloc returns NULL when there is
	 * no memory (the core then consumes nothing and answers
	 * TCPINC_CORE_TC_NO_MEMORY); the core wipes what it wrote before it
	 * calls mem_free with the same len.
	 */
	void *(*mem_alloc)(void *ctx, tcpinc_usize len);
	void (*mem_free)(void *ctx, void *p, tcpinc_usize len);

	/*
	 * hmac_sha256_many - msgs[i].out = HMAC-SHA256(key, msgs[i]'s segs)
	 * for i < nmsgs (at most TCPINC_CORE_HMAC_MANY_MAX): the key schedule
	 * derives two or three values from one key at a time, and a provider
	 * that hashes the key's pads once for all of them saves two SHA-256
	 * blocks per extra message. An out may be read by no other msg. On
	 * failure every out is zeroed. Optional: NULL makes the core call
	 * hmac_sha256 once per message. Last in the table, so that providers
	 * written before it need not name it.
	 */
	int (*hmac_sha256_many)(void *ctx, const tcpinc_u8 *key, tcpinc_usize key_len,
				const struct tcpinc_core_hmac_msg *msgs, tcpinc_usize nmsgs);
};
#define TCPINC_CORE_HMAC_MANY_MAX 4

/* ====================================================================== */
/* tcpcrypt status codes (owned by the tcpcrypt core)                     */
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
	TCPINC_CORE_TC_NO_MEMORY = 12,       /* mem_alloc failed: nothing consumed, try later */
	TCPINC_CORE_TC_FIRST_ABORT = 32,
	TCPINC_CORE_TC_CRYPTO_FAILURE = 32,  /* provider internal error */
	TCPINC_CORE_TC_MALFORMED_INIT = 33,  /* bad magic, length, nciphers, truncated key */
	TCPINC_CORE_TC_OVERSIZED_INIT = 34,  /* message_len above the limit */
	TCPINC_CORE_TC_UNOFFERED_AEAD = 35,  /* Init2 picked an AEAD not in Init1 */
	TCPINC_CORE_TC_NO_COMMON_AEAD = 36,  /* B supports none of Init1's list */
	TCPINC_CORE_TC_INVALID_PUBKEY = 37,
	TCPINC_CORE_TC_ZERO_SECRET = 38,     /* all-zero X25519/X448 shared secret */
	TCPINC_CORE_TC_AUTH_FAILURE = 39,    /* frame failed authentication */
	TCPINC_CORE_TC_BAD_FRAME = 40,       /* clen too short for tag + flags, or urgent field missing */
	TCPINC_CORE_TC_FIN_WITHOUT_FINP = 41,
	TCPINC_CORE_TC_DATA_AFTER_FINP = 42,
	TCPINC_CORE_TC_ABORTED = 43          /* session already failed earlier */
};

/* ====================================================================== */
/* tcpcrypt session boundary (owned by the tcpcrypt core)                 */
/* ====================================================================== */
/*
 * Core side: net/tcpinc/core/boundary_tcpcrypt.cc.
 *
 * A session (struct tcpinc_core_tc_session) is caller storage of
 * tcpinc_core_tc_session_size() bytes (keys and state, about 1 KiB),
 * 8-byte aligned and all zero when handed in, released with
 * tcpinc_core_tc_session_destroy(), which wipes it. Every call returns an
 * enum tcpinc_core_tc_status value. Calls on one session must be
 * serialised by the caller; the core never sleeps or locks, and takes
 * memory only through the provider's mem_alloc, one buffer at a time for
 * the Init or frame being received (released when its plaintext is read:
 * tcpinc_core_tc_rx_done). Contract details:
 * tcpcrypt_session.h.
 */
#define TCPINC_CORE_TC_ROLE_A 0
#define TCPINC_CORE_TC_ROLE_B 1
#define TCPINC_CORE_TC_SESSION_ID_LEN 33
#define TCPINC_CORE_TC_MAX_FRAME_LEN 65538
#define TCPINC_CORE_TC_MAX_DATA_LEN 65518
#define TCPINC_CORE_TC_FRAME_OVERHEAD 20 /* header 3 + flags 1 + tag 16 */
#define TCPINC_CORE_TC_RESUME_HALF_LEN 9
#define TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN 18 /* TEP byte + half + 8-byte nonce */

/* Seal flags. */
#define TCPINC_CORE_TC_SEAL_FIN 0x1u /* FINp: the last frame */
#define TCPINC_CORE_TC_SEAL_URG 0x2u /* URGp with the urgent field */

struct tcpinc_core_tc_session;

/*
 * The resumption objects are embedded by value (cache entries, struct
 * tcpinc_resume, the stack), so their storage size is fixed here; the
 * members are the core's alone.
 */
#define TCPINC_CORE_TC_RESUME_SECRET_SIZE 112
#define TCPINC_CORE_TC_RESUME_ATTEMPT_SIZE 96

/* A cached resumption secret (next unused ss[i] of a chain). */
struct tcpinc_core_tc_resume_secret {
	tcpinc_u64 core_private[TCPINC_CORE_TC_RESUME_SECRET_SIZE / 8];
};
/* One connection's resumption attempt (ss[i], resume[i], own nonce). */
struct tcpinc_core_tc_resume_attempt {
	tcpinc_u64 core_private[TCPINC_CORE_TC_RESUME_ATTEMPT_SIZE / 8];
};

#define TCPINC_CORE_TC_RESUME_NONCE_DEFAULT 0    /* 8 bytes: the RFC's MUST default */
#define TCPINC_CORE_TC_RESUME_NONCE_NONE 0xff    /* no nonce: only if reuse is prevented */

struct tcpinc_core_tc_resume_policy {
	tcpinc_u8 ignore_resumption; /* never offer/accept: force fresh key exchange */
	tcpinc_u8 no_cache;          /* never export a secret for the cache */
	tcpinc_u8 nonce_len;         /* _NONCE_DEFAULT (0) = 8 bytes, 1..8, or _NONCE_NONE */
};

struct tcpinc_core_tc_config {
	tcpinc_u8 role;           /* TCPINC_CORE_TC_ROLE_* (current ENO role) */
	tcpinc_u8 kex;            /* TCPINC_CORE_KEX_* */
	tcpinc_u8 tep_byte;       /* B's TEP byte as sent, v bit included */
	tcpinc_u8 no_cache;
	const tcpinc_u8 *transcript; /* ENO transcript, A's option first (<= 80) */
	tcpinc_usize transcript_len;
	const tcpinc_u16 *aeads;  /* A: offered; B: preference, best first (<= 8) */
	tcpinc_usize naeads;
	const tcpinc_u8 *ephemeral_priv; /* optional reused key pair, else NULL */
	const tcpinc_u8 *ephemeral_pub;
	const tcpinc_u8 *nonce;          /* optional N_A/N_B, else NULL */
	/* Resumed session: our attempt (consumed) and the peer's nonce. */
	struct tcpinc_core_tc_resume_attempt *resume;
	const tcpinc_u8 *peer_resume_nonce;
	tcpinc_usize peer_resume_nonce_len;
};

struct tcpinc_core_tc_event {
	const tcpinc_u8 *data; /* valid until the next receive/destroy */
	tcpinc_usize data_len;
	tcpinc_u64 frame_offset;
	tcpinc_u8 established; /* the handshake completed in this call */
	tcpinc_u8 frame;       /* a frame was opened */
	tcpinc_u8 eof;         /* FINp: the only end-of-file */
	tcpinc_u8 urgent;      /* URGp; urgent_ptr valid */
	tcpinc_u16 urgent_ptr;
	tcpinc_u8 rekeyed;
};

tcpinc_usize tcpinc_core_tc_session_size(void);
int tcpinc_core_tc_session_start(struct tcpinc_core_tc_session *sess,
				 const struct tcpinc_core_crypto_ops *ops,
				 const struct tcpinc_core_tc_config *cfg);
int tcpinc_core_tc_poll_output(struct tcpinc_core_tc_session *sess, tcpinc_u8 *out,
			       tcpinc_usize cap, tcpinc_usize *out_len);
int tcpinc_core_tc_receive(struct tcpinc_core_tc_session *sess, const tcpinc_u8 *in,
			   tcpinc_usize len, tcpinc_usize *out_consumed,
			   struct tcpinc_core_tc_event *out_ev);
/*
 * tcpinc_core_tc_receive_segs - receive() of input that lies in several
 * pieces (an skb's linear part and page fragments), in stream order: a
 * frame that lies whole in them but not in the first piece is opened where
 * it lies (aead_open_segs), only its plaintext taking a buffer; anything
 * else is taken from the first piece as receive() takes it.
 * *out_consumed counts bytes across the pieces. At most
 * TCPINC_CORE_TC_MAX_SEGS pieces are looked at.
 */
#define TCPINC_CORE_TC_MAX_SEGS 20
int tcpinc_core_tc_receive_segs(struct tcpinc_core_tc_session *sess,
				const struct tcpinc_core_seg *in, tcpinc_usize nin,
				tcpinc_usize *out_consumed, struct tcpinc_core_tc_event *out_ev);
int tcpinc_core_tc_seal(struct tcpinc_core_tc_session *sess, const tcpinc_u8 *data,
			tcpinc_usize len, tcpinc_u32 flags, tcpinc_u16 urgent_ptr,
			tcpinc_u8 *out, tcpinc_usize cap, tcpinc_usize *out_len);
int tcpinc_core_tc_initiate_rekey(struct tcpinc_core_tc_session *sess);
int tcpinc_core_tc_keepalive(struct tcpinc_core_tc_session *sess, tcpinc_u8 *out,
			     tcpinc_usize cap, tcpinc_usize *out_len);
int tcpinc_core_tc_on_peer_fin(struct tcpinc_core_tc_session *sess);
int tcpinc_core_tc_session_id(const struct tcpinc_core_tc_session *sess, tcpinc_u8 *out,
			      tcpinc_usize cap, tcpinc_usize *out_len);
int tcpinc_core_tc_failure(const struct tcpinc_core_tc_session *sess);
/* tcpinc_core_tc_aead - the AEAD id in use once established, else 0. */
tcpinc_u16 tcpinc_core_tc_aead(const struct tcpinc_core_tc_session *sess);
int tcpinc_core_tc_export_resumption(struct tcpinc_core_tc_session *sess,
				     struct tcpinc_core_tc_resume_secret *out);
void tcpinc_core_tc_flush_resumption(struct tcpinc_core_tc_session *sess);
void tcpinc_core_tc_session_destroy(struct tcpinc_core_tc_session *sess);
/*
 * tcpinc_core_tc_rx_done - the caller has read the last event's data: its
 * buffer is wiped and freed now rather than at the next receive, so an idle
 * session holds no buffer. A no-op while a frame is being reassembled.
 */
void tcpinc_core_tc_rx_done(struct tcpinc_core_tc_session *sess);
/* tcpinc_core_tc_output_pending - nonzero if poll_output has bytes to give. */
int tcpinc_core_tc_output_pending(const struct tcpinc_core_tc_session *sess);

/* Resumption (RFC 8548 3.5/4.3); the glue owns the cache and its locking. */
int tcpinc_core_tc_resume_take(const struct tcpinc_core_crypto_ops *ops,
			       const struct tcpinc_core_tc_resume_policy *policy,
			       struct tcpinc_core_tc_resume_secret *entry,
			       struct tcpinc_core_tc_resume_attempt *out);
int tcpinc_core_tc_resume_build(const struct tcpinc_core_tc_resume_attempt *a,
				tcpinc_u8 *out, tcpinc_usize cap, tcpinc_usize *out_len);
/*
 * tcpinc_core_tc_resume_peer_half - the half the peer sends for the entry's
 * index. It also primes the entry: resume[i], and for a chain resumed
 * before ss[i+1] too, in one provider call, so that the take or accept of
 * that index derives nothing more.
 */
int tcpinc_core_tc_resume_peer_half(const struct tcpinc_core_crypto_ops *ops,
				    struct tcpinc_core_tc_resume_secret *entry,
				    tcpinc_u8 *out_half);
int tcpinc_core_tc_resume_accept(const struct tcpinc_core_crypto_ops *ops,
				 const struct tcpinc_core_tc_resume_policy *policy,
				 struct tcpinc_core_tc_resume_secret *entry,
				 const tcpinc_u8 *sub, tcpinc_usize sub_len,
				 struct tcpinc_core_tc_resume_attempt *out);
int tcpinc_core_tc_resume_check_answer(const struct tcpinc_core_tc_resume_attempt *a,
				       const tcpinc_u8 *sub, tcpinc_usize sub_len,
				       const tcpinc_u8 **out_peer_nonce,
				       tcpinc_usize *out_peer_nonce_len);
/*
 * tcpinc_core_tc_resume_data_valid - whether len bytes of v = 1 suboption
 * data for a tcpcrypt TEP form a resumption suboption (RFC 8548 3.5: a
 * 9-byte half and a 0..8-byte nonce). 0: ENO counts the TEP as offered
 * with v = 0 (fewer than 9 bytes: the RFC; more than 17: rfc-digest Part
 * E.10), so the session must be a fresh key exchange. ENO's own check and
 * the glue's are this one function.
 */
int tcpinc_core_tc_resume_data_valid(tcpinc_usize len);
int tcpinc_core_tc_resume_answer_half(const struct tcpinc_core_tc_resume_attempt *a,
				      tcpinc_u8 *out_half);
void tcpinc_core_tc_resume_wipe_secret(struct tcpinc_core_tc_resume_secret *s);
void tcpinc_core_tc_resume_wipe_attempt(struct tcpinc_core_tc_resume_attempt *a);

/* ======================= end of tcpcrypt section ======================= */

/* ====================================================================== */
/* ENO negotiation (core side: net/tcpinc/core/boundary_eno.cc)           */
/* ====================================================================== */
/*
 * One connection's TCP-ENO negotiation (RFC 8547), a wrapper around the C++
 * EnoNegotiation. The glue allocates tcpinc_core_eno_size() bytes (8-byte
 * aligned), calls tcpinc_core_eno_init(), then feeds every segment it sends
 * (on_send: which ENO option to add) and every segment that arrives during
 * the handshake (on_receive). Calls on one object must be serialised by
 * the caller. The object owns no resources: it may be copied with memcpy
 * (a listener's pending negotiation moves into the accepted child) and
 * freed without teardown.
 */
#define TCPINC_CORE_ENO_MAX_TEPS	8
#define TCPINC_CORE_ENO_MAX_OPTION	40
#define TCPINC_CORE_ENO_MAX_TRANSCRIPT	80

struct tcpinc_core_eno;

struct tcpinc_core_eno_config {
	tcpinc_u8 enabled;		/* 0: never send ENO */
	tcpinc_u8 passive;		/* listener: b forced to 1 */
	tcpinc_u8 b;			/* active opener asks for role B */
	tcpinc_u8 a;			/* application-aware bit */
	tcpinc_u8 aa_mandatory;		/* mandatory application-aware mode */
	tcpinc_u8 tep_mandatory;	/* abort instead of falling back */
	tcpinc_u8 tep_count;
	tcpinc_u8 teps[TCPINC_CORE_ENO_MAX_TEPS];	/* increasing preference */
	/*
	 * Active opener proposing resumption (RFC 8548 3.5): the TEP in teps[]
	 * sent with v = 1 and resume_data (our half + nonce, 9..17 bytes), and
	 * the half B must answer with; an answer naming another secret makes
	 * the TEP invalid. resume_tep 0: no proposal.
	 */
	tcpinc_u8 resume_tep;
	tcpinc_u8 resume_data_len;
	tcpinc_u8 resume_data[17];
	tcpinc_u8 resume_expect_half[9];
};

/*
 * Passive opener: asked, while the SYN is processed, whether to accept a
 * resumption suboption for tep_id whose identifier half is peer_half (9
 * bytes) followed by peer_nonce_len bytes of nonce. Returns 1 and fills
 * out_data (our half + nonce, *out_len <= 17 bytes) to accept, 0 to answer
 * with a fresh offer. Runs with whatever locks on_receive's caller holds.
 */
typedef int (*tcpinc_core_eno_resume_lookup_fn)(void *arg, tcpinc_u8 tep_id,
						const tcpinc_u8 *peer_half,
						tcpinc_u8 *out_data, tcpinc_u8 *out_len);

enum tcpinc_core_eno_action {
	TCPINC_CORE_ENO_NONE = 0,
	TCPINC_CORE_ENO_ENABLE = 1,	/* encryption is on from now */
	TCPINC_CORE_ENO_FALLBACK = 2,	/* plain TCP from now */
	TCPINC_CORE_ENO_ABORT = 3,	/* abort the connection */
};

enum tcpinc_core_eno_state {
	TCPINC_CORE_ENO_IDLE = 0,
	TCPINC_CORE_ENO_SYN_SENT = 1,
	TCPINC_CORE_ENO_SYN_RECEIVED = 2,
	TCPINC_CORE_ENO_ENABLED = 3,
	TCPINC_CORE_ENO_DISABLED = 4,
	TCPINC_CORE_ENO_ABORTED = 5,
};

/* Why a negotiation did not enable (same order as tcpinc::EnoReason). */
enum tcpinc_core_eno_reason {
	TCPINC_CORE_ENO_R_NONE = 0,
	TCPINC_CORE_ENO_R_CONFIG_DISABLED,
	TCPINC_CORE_ENO_R_LOCAL_VACUOUS,
	TCPINC_CORE_ENO_R_LOCAL_DISABLE,
	TCPINC_CORE_ENO_R_CONFLICTING_SYN,
	TCPINC_CORE_ENO_R_MISSING_ENO,
	TCPINC_CORE_ENO_R_MULTIPLE_ENO,
	TCPINC_CORE_ENO_R_MALFORMED_ENO,
	TCPINC_CORE_ENO_R_ROLE_CONFLICT,
	TCPINC_CORE_ENO_R_PEER_NOT_APP_AWARE,
	TCPINC_CORE_ENO_R_PEER_VACUOUS,
	TCPINC_CORE_ENO_R_NO_VALID_TEP,
	TCPINC_CORE_ENO_R_SYN_OPTION_CHANGED,
	TCPINC_CORE_ENO_R_UNEXPECTED_SEGMENT,
	TCPINC_CORE_ENO_R_ANSWER_TOO_LONG,
	TCPINC_CORE_ENO_R_SYN_DATA_AT_RISK,
	TCPINC_CORE_ENO_R_COUNT
};

/* What a successful negotiation produced (RFC 8547 section 4). */
struct tcpinc_core_eno_result {
	tcpinc_u8 role;			/* 0 = A, 1 = B */
	tcpinc_u8 tep_byte;		/* negotiated TEP as B sent it, v bit included */
	tcpinc_u8 local_gopt;		/* global suboption we sent (explicit or implicit) */
	tcpinc_u8 peer_gopt;		/* the peer's first global suboption, or 0 */
	tcpinc_u8 transcript_len;
	tcpinc_u8 transcript[TCPINC_CORE_ENO_MAX_TRANSCRIPT];
	/* The peer's suboption for the negotiated TEP: byte (v bit) and data. */
	tcpinc_u8 peer_tep_byte;
	tcpinc_u8 peer_data_len;
	tcpinc_u8 peer_data[TCPINC_CORE_ENO_MAX_OPTION];
};

/* tcpinc_core_eno_tep_supported - whether the core implements TEP id. */
int tcpinc_core_eno_tep_supported(tcpinc_u8 tep_id);
tcpinc_usize tcpinc_core_eno_size(void);
/*
 * tcpinc_core_eno_syn_option_len - the length in bytes of the SYN-form ENO
 * option tcpinc_core_eno_init() would fix for this active opener's cfg
 * (global suboption, TEPs, resumption data): what the glue must find room
 * for in the SYN. 0 when cfg->enabled is 0; a negative configuration
 * error (the negated init error) when init would refuse cfg.
 */
int tcpinc_core_eno_syn_option_len(const struct tcpinc_core_eno_config *cfg);
/* 0, or a positive configuration error (bad TEP, option too long, ...). */
int tcpinc_core_eno_init(struct tcpinc_core_eno *eno,
			 const struct tcpinc_core_eno_config *cfg);
/*
 * on_send - a segment with these TCP flags and payload is about to leave;
 * *opt_len (0: none) bytes of ENO option are written to opt[40].
 * Returns an enum tcpinc_core_eno_action.
 */
int tcpinc_core_eno_on_send(struct tcpinc_core_eno *eno, tcpinc_u8 tcp_flags,
			    tcpinc_u32 payload_len, int tfo_nonempty,
			    tcpinc_u8 *opt, tcpinc_u8 *opt_len);
/*
 * on_receive - a segment arrived; opts is its TCP option area as on the
 * wire. *discard_syn_data: drop the SYN's payload (RFC 8547 4.7).
 */
int tcpinc_core_eno_on_receive(struct tcpinc_core_eno *eno, tcpinc_u8 tcp_flags,
			       const tcpinc_u8 *opts, tcpinc_usize opts_len,
			       tcpinc_u32 payload_len, int *discard_syn_data);
/*
 * on_receive_passive - on_receive for a listener's half-open negotiation,
 * with the resumption lookup to consult if the SYN proposes resumption
 * (lookup may be NULL: never resume). fn and arg are used only during
 * this call.
 */
int tcpinc_core_eno_on_receive_passive(struct tcpinc_core_eno *eno, tcpinc_u8 tcp_flags,
				       const tcpinc_u8 *opts, tcpinc_usize opts_len,
				       tcpinc_u32 payload_len, int *discard_syn_data,
				       tcpinc_core_eno_resume_lookup_fn lookup, void *arg);
int tcpinc_core_eno_state(const struct tcpinc_core_eno *eno);
int tcpinc_core_eno_reason(const struct tcpinc_core_eno *eno);
/* 0 and *out filled once enabled; -1 before. */
int tcpinc_core_eno_get_result(const struct tcpinc_core_eno *eno,
			       struct tcpinc_core_eno_result *out);
/* 0 and *out set once the peer's SYN-form option was parsed; -1 before. */
int tcpinc_core_eno_peer_gopt(const struct tcpinc_core_eno *eno, tcpinc_u8 *out);

/* What a TCP option area holds, as far as ENO cares (RFC 8547 4.1, 4.7). */
struct tcpinc_core_opt_scan {
	tcpinc_u8 eno_count;		/* kind-69 options (+ legacy 253/0x454E) */
	tcpinc_u8 tfo_nonempty;		/* a Fast Open option with a cookie */
	tcpinc_u8 malformed;		/* the option list itself is broken */
};
void tcpinc_core_scan_tcp_options(const tcpinc_u8 *opts, tcpinc_usize len,
				  struct tcpinc_core_opt_scan *out);

/*
 * Walking a TCP option area option by option, for the glue's own needs
 * (what a SYN-ACK answer will take, the area without its NOPs): the same
 * walk as the scan above, so there is one set of rules for a malformed
 * area. tcpinc_core_tcp_option_next gives the first option at or after
 * *pos that is not a NOP: 1 with *out filled and *pos moved past it; 0 at
 * EOL or the end of the area; -1 if the area is malformed there (an
 * option's length byte missing, below 2 or past the end, or len over 40),
 * *pos unchanged. Start with *pos = 0.
 */
struct tcpinc_core_tcp_opt {
	tcpinc_u8 kind;
	tcpinc_u8 len;			/* kind and length bytes included */
	tcpinc_u8 off;			/* where it starts in the area */
};
int tcpinc_core_tcp_option_next(const tcpinc_u8 *opts, tcpinc_usize len, tcpinc_usize *pos,
				struct tcpinc_core_tcp_opt *out);

/* ========================= end of ENO section ========================== */

#ifdef __cplusplus
}
#endif

#endif /* TCPINC_CORE_API_H */

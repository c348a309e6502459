/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tcpinc.h - socket API of the tcpinc module (TCP-ENO, RFC 8547, and
 * tcpcrypt, RFC 8548), named after draft-ietf-tcpinc-api-06.
 *
 * A socket opts in with setsockopt(fd, SOL_TCP, TCP_ULP, "tcpcrypt", 9)
 * before connect() or listen(); the options below are then available at
 * level IPPROTO_TCP (SOL_TCP) on that socket and on the sockets accepted
 * from it. On a socket without the ULP they fail with ENOPROTOOPT.
 *
 * Numbering: Linux's own TCP options are small integers (1..46 as of 6.12)
 * and grow by one; these live at 0x4540 ("E@") and up so that they can
 * never collide with them.
 *
 * Errors (draft section 4): read-only options succeed only once encryption
 * is negotiated; ENOTCONN while the negotiation (or, for the session ID,
 * the TEP's key exchange) is still in progress, EINVAL when ENO is off or
 * failed. Options that shape the SYN fail with EISCONN once it was sent.
 *
 * Usable from C and C++; no kernel types.
 */
#ifndef _UAPI_LINUX_TCPINC_H
#define _UAPI_LINUX_TCPINC_H

#define TCPINC_ULP_NAME		"tcpcrypt"

#define TCP_ENO_BASE		0x4540
/* int -1/0/1, RW: 0 off, 1 on, -1 (default) the netns sysctl decides at connect/listen */
#define TCP_ENO_ENABLED		(TCP_ENO_BASE + 0)
/* bytes, R: session ID (33 bytes for tcpcrypt; byte 0 = negotiated TEP as B sent it) */
#define TCP_ENO_SESSID		(TCP_ENO_BASE + 1)
/* int, R: negotiated TEP, 7-bit id with the v bit of B's suboption in bit 7 */
#define TCP_ENO_NEGTEP		(TCP_ENO_BASE + 2)
/* bytes, RW: TEP ids in increasing order of preference (only B's order matters) */
#define TCP_ENO_TEPS		(TCP_ENO_BASE + 3)
/* int 0-31, RW: our global suboption (0x01 b, 0x02 a); b forced to 1 on listeners */
#define TCP_ENO_SELF_GOPT	(TCP_ENO_BASE + 4)
/* int 0-31, R: the peer's global suboption */
#define TCP_ENO_PEER_GOPT	(TCP_ENO_BASE + 5)
/* int 0/1, RW: mandatory application-aware mode (send a = 1, require the peer's a = 1) */
#define TCP_ENO_AA_MANDATORY	(TCP_ENO_BASE + 6)
/* int 0/1, RW: mandatory encryption: abort (ECONNABORTED) when ENO fails */
#define TCP_ENO_TEP_MANDATORY	(TCP_ENO_BASE + 7)
/* int 0/1, R: 0 = role A, 1 = role B */
#define TCP_ENO_ROLE		(TCP_ENO_BASE + 8)
/* bytes, R: role byte (0/1) followed by the session ID */
#define TCP_ENO_SELF_NAME	(TCP_ENO_BASE + 9)
/* bytes, R: the peer's name: our role byte negated, then the session ID */
#define TCP_ENO_PEER_NAME	(TCP_ENO_BASE + 10)
/* bytes, R: negotiation transcript: A's SYN-form ENO option, then B's */
#define TCP_ENO_TRANSCRIPT	(TCP_ENO_BASE + 11)

/* tcpcrypt options (draft-ietf-tcpinc-api-06 section 6 and ours). */
#define TCP_CRYPT_BASE		0x4560
/* int, W: start a rekey now (RFC 8548 section 3.8): an empty frame with the
 * rekey bit goes out; EBUSY while our previous rekey is unanswered,
 * ENOTCONN before the keys exist */
#define TCP_CRYPT_REKEY		(TCP_CRYPT_BASE + 0)
/* int, R: the AEAD in use (RFC 8548 ids: 0x0001 AES-128-GCM, 0x0002
 * AES-256-GCM, 0x0010 ChaCha20-Poly1305); ENOTCONN before the key exchange */
#define TCP_CRYPT_CONF		(TCP_CRYPT_BASE + 1)
/* u16[] (host order), RW: the AEADs this end accepts, best first: A offers
 * them in Init1, B picks the first of them that A offered. Before connect()
 * or listen() (EISCONN after); EINVAL for unknown ids, repeats or > 8 */
#define TCP_CRYPT_AEADS		(TCP_CRYPT_BASE + 2)
/* u64 (a 4-byte unsigned int is accepted on set), RW: after this many
 * application bytes sealed under one key, the next frame starts a rekey;
 * 0 = never. Default: the netns sysctl net.tcpinc.tcpcrypt_rekey_bytes.
 * Any time; applies from the next frame */
#define TCP_CRYPT_REKEY_BYTES	(TCP_CRYPT_BASE + 3)

/*
 * Resumption controls (RFC 8548 section 3.5; Documentation/resumption.md).
 * They start at TCP_CRYPT_BASE + 0x10.
 */
/* int, W, value 1 (draft-ietf-tcpinc-api-06 TCP_CRYPT_CACHE_FLUSH): on a
 * socket that has not connected or listened, the same as TCP_CRYPT_NO_RESUME;
 * on a connection, forget every cached secret it used or produced */
#define TCP_CRYPT_CACHE_FLUSH	(TCP_CRYPT_BASE + 0x10)
/* int 0/1, RW: never propose or accept resumption (force a fresh key
 * exchange); before connect() or listen() (EISCONN after) */
#define TCP_CRYPT_NO_RESUME	(TCP_CRYPT_BASE + 0x11)
/* int 0/1, RW: leave no resumption secret in the cache for this connection
 * (a resumed one ends its chain); before connect() or listen() */
#define TCP_CRYPT_NO_CACHE	(TCP_CRYPT_BASE + 0x12)
/* int 0..8, RW: bytes of resumption nonce this end sends (default 8, the
 * RFC's MUST unless reuse of session secrets is otherwise prevented);
 * before connect() or listen() */
#define TCP_CRYPT_RESUME_NONCE	(TCP_CRYPT_BASE + 0x13)
/* int, R: 1 if the session was keyed from a cached secret (no Init1/Init2),
 * 0 if by a full key exchange; ENOTCONN before the keys exist */
#define TCP_CRYPT_RESUMED	(TCP_CRYPT_BASE + 0x14)

/* TEP identifiers this module implements (RFC 8548 section 7). */
#define TCP_ENO_TEP_TCPCRYPT_ECDHE_P256		0x21
#define TCP_ENO_TEP_TCPCRYPT_ECDHE_CURVE25519	0x23
#define TCP_ENO_TEP_TCPCRYPT_ECDHE_CURVE448	0x24	/* only while the curve448 KPP is there */

/* The errno a mandatory-encryption connection is aborted with when ENO fails. */
#define TCP_ENO_MANDATORY_ERRNO_NAME	"ECONNABORTED"
/* The errno live tcpcrypt connections are aborted with when the VM
 * generation changes (snapshot restore, clone) and net.tcpinc.vmfork_abort
 * is 1: their keys may be in use in another copy of the VM. */
#define TCP_CRYPT_VMFORK_ERRNO_NAME	"EKEYREVOKED"

/*
 * Diagnostics (Documentation/netlink.md). Keys never leave the kernel;
 * session IDs are public (RFC 8548 section 3.4).
 *
 * inet_diag (ss -tie): INET_DIAG_ULP_INFO holds INET_ULP_INFO_NAME
 * "tcpcrypt" and, once the session's keys exist, one nested attribute of
 * type TCPINC_ULP_INFO (far above the kernel's INET_ULP_INFO_* numbers,
 * which parsers such as iproute2's ignore) holding TCPINC_ULP_* below.
 */
#define TCPINC_ULP_INFO		0x1540
enum {
	TCPINC_ULP_UNSPEC,
	TCPINC_ULP_TEP,		/* u8: negotiated TEP id */
	TCPINC_ULP_AEAD,	/* u16: RFC 8548 AEAD id */
	TCPINC_ULP_RESUMED,	/* u8: 1 keyed from a cached secret, 0 fresh */
	TCPINC_ULP_SESSID,	/* binary: the session ID (TCP_ENO_SESSID) */
	__TCPINC_ULP_MAX
};
#define TCPINC_ULP_MAX		(__TCPINC_ULP_MAX - 1)

/*
 * Generic netlink family TCPINC_GENL_NAME, version TCPINC_GENL_VERSION,
 * per network namespace (the caller's). Unprivileged: the GET commands.
 * CAP_NET_ADMIN in the namespace's user namespace: TCPINC_CMD_FLUSH_CACHE.
 */
#define TCPINC_GENL_NAME	"tcpinc"
#define TCPINC_GENL_VERSION	1

enum tcpinc_genl_cmd {
	TCPINC_CMD_UNSPEC,
	TCPINC_CMD_GET_SESSIONS,	/* dump: one message per tcpcrypt connection */
	TCPINC_CMD_GET_STATS,		/* do: TCPINC_A_STAT nests, /proc/net/tcpinc_stat's lines in order */
	TCPINC_CMD_GET_CACHE,		/* dump: one message per cached resumption chain */
	TCPINC_CMD_FLUSH_CACHE,		/* do: wipe the resumption cache; replies TCPINC_A_FLUSHED */
	__TCPINC_CMD_MAX
};
#define TCPINC_CMD_MAX		(__TCPINC_CMD_MAX - 1)

enum tcpinc_genl_attr {
	TCPINC_A_UNSPEC,
	/* sessions */
	TCPINC_A_FAMILY,		/* u16: AF_INET or AF_INET6 */
	TCPINC_A_SADDR,			/* binary: 4 or 16 bytes, network order */
	TCPINC_A_DADDR,
	TCPINC_A_SPORT,			/* u16, host order */
	TCPINC_A_DPORT,
	TCPINC_A_STATE,			/* u8: TCP state (TCP_ESTABLISHED = 1, ...) */
	TCPINC_A_KEYED,			/* u8: 1 once the session's keys exist; the four below only then */
	TCPINC_A_TEP,			/* u8 */
	TCPINC_A_AEAD,			/* u16 */
	TCPINC_A_RESUMED,		/* u8 */
	TCPINC_A_SESSID,		/* binary (33 bytes for tcpcrypt) */
	TCPINC_A_BYTES_SENT,		/* u64: TCP's bytes_sent (ciphertext, with retransmissions) */
	TCPINC_A_BYTES_RECEIVED,	/* u64: TCP's bytes_received (ciphertext) */
	TCPINC_A_PAD,
	/* stats */
	TCPINC_A_STAT,			/* nest: TCPINC_A_STAT_NAME, TCPINC_A_STAT_VALUE */
	TCPINC_A_STAT_NAME,		/* string */
	TCPINC_A_STAT_VALUE,		/* u64 */
	/* cache */
	TCPINC_A_PEER,			/* binary: 16 bytes, IPv4 as v4-mapped */
	TCPINC_A_CHAIN,			/* u64: the chain's number (not secret) */
	TCPINC_A_EXPIRES_MS,		/* u32: milliseconds until the chain expires */
	TCPINC_A_FLUSHED,		/* u32: entries a flush wiped */
	TCPINC_A_REKEYS_SENT,		/* u32: rekeys this end started (sessions) */
	TCPINC_A_REKEYS_RECEIVED,	/* u32: rekeys the peer started */
	__TCPINC_A_MAX
};
#define TCPINC_A_MAX		(__TCPINC_A_MAX - 1)

#endif /* _UAPI_LINUX_TCPINC_H */

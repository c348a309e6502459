// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_auth.c - authenticate a tcpcrypt session with a pre-shared key,
 * in the style of `openssl s_client` / `s_server`. An example for
 * programmers: tcpcrypt alone protects against passive observers; an
 * application that shares a secret with its peer can also rule out an
 * active man in the middle by checking that both ends hold the same
 * session ID (RFC 8548 section 4.2, RFC 8547 section 5: the session ID
 * is unique to the connection and equal on both ends).
 *
 *   tcpinc-auth listen ADDR PORT [--psk FILE] [-t TIMEOUT_S]
 *       accept one connection, print its security parameters, authenticate
 *       (with --psk), then echo one message back
 *   tcpinc-auth connect ADDR PORT [--psk FILE] [--message TEXT] [-t TIMEOUT_S]
 *       connect, print, authenticate (with --psk), send TEXT, print the echo
 *
 * With --psk, each end sends HMAC-SHA256(PSK, "tcpinc-auth v1" || role ||
 * session ID), role being its ENO role (0 = A, 1 = B), and checks the
 * peer's tag against the one it computes for the other role. Two separate
 * tcpcrypt sessions (a relay in the middle) have two different session IDs,
 * so the tags differ and both ends refuse; the role byte stops a relay from
 * reflecting an end's own tag back to it. With --psk the a bit of ENO's
 * global suboption is set and required (TCP_ENO_AA_MANDATORY), as RFC 8547
 * section 6 asks of applications that authenticate the session, and a
 * connection that ENO did not encrypt is refused: there is no session ID to
 * authenticate. Application data flows only after both tags matched.
 *
 * Output: "key=value" lines on stdout; the last one is "result=ok" or
 * "result=refused reason=...", and the exit status is 0 or 1 (2: usage or
 * a system error). Every wait is bounded by -t (default 20 s).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../include/uapi/linux/tcpinc.h"
#include "tcpinc_tool.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define LABEL		"tcpinc-auth v1"
#define TAG_LEN		32
#define SESSID_MAX	64
#define PSK_MAX		1024

static int refuse(const char *reason)
{
	printf("result=refused reason=%s\n", reason);
	return 1;
}

static void hex(const char *key, const unsigned char *b, size_t n)
{
	printf("%s=", key);
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

/*
 * A form people can compare by reading it aloud: bytes 1..9 of the session
 * ID (after the TEP byte; the rest of the ID is as random) as a 72-bit
 * number, reduced to 20 decimal digits (about 66 bits) in four groups of
 * five. Two ends that print the same groups hold the same session, unless
 * an attacker matched 66 bits of a hash output by chance.
 */
static void short_form(const unsigned char *id, size_t n)
{
	unsigned __int128 v = 0, ten20 = 1;
	char d[21];

	if (n < 10)
		return;
	for (int i = 1; i <= 9; i++)
		v = v << 8 | id[i];
	for (int i = 0; i < 20; i++)
		ten20 *= 10;
	v %= ten20;
	for (int i = 19; i >= 0; i--, v /= 10)
		d[i] = '0' + (int)(v % 10);
	d[20] = 0;
	printf("short=%.5s-%.5s-%.5s-%.5s\n", d, d + 5, d + 10, d + 15);
}

static int read_full(int fd, unsigned char *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, b + got, n - got, 0);

		if (r <= 0)
			return r == 0 ? -EPIPE : -errno;
		got += r;
	}
	return 0;
}

/* HMAC-SHA256(psk, LABEL || role || sessid) */
static void tag_for(const unsigned char *psk, size_t psk_len, int role,
		    const unsigned char *id, size_t id_len, unsigned char out[TAG_LEN])
{
	unsigned char msg[sizeof(LABEL) + 1 + SESSID_MAX];
	unsigned int out_len = TAG_LEN;
	size_t n = 0;

	memcpy(msg, LABEL, sizeof(LABEL) - 1);
	n += sizeof(LABEL) - 1;
	msg[n++] = (unsigned char)role;
	memcpy(msg + n, id, id_len);
	n += id_len;
	HMAC(EVP_sha256(), psk, (int)psk_len, msg, n, out, &out_len);
}

/*
 * A blocking connect() returns with TCP's handshake; tcpcrypt's key exchange
 * (Init1/Init2, one more round trip) may still be running, and the session
 * ID is ENOTCONN until it is done. POLLOUT is reported once the keys exist,
 * so wait for it (bounded) and ask again.
 */
static int get_sessid(int fd, unsigned char *id, socklen_t *len, int timeout)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t cap = *len;

	for (int waited = 0; ; waited++) {
		*len = cap;
		if (getsockopt(fd, SOL_TCP, TCP_ENO_SESSID, id, len) == 0)
			return 0;
		if (errno != ENOTCONN || waited == 2)
			return -1;
		if (poll(&p, 1, timeout * 1000) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
}

/* The security parameters, then (with a PSK) the tag exchange. 0: go on. */
static int secure(int fd, const unsigned char *psk, size_t psk_len, int timeout)
{
	unsigned char id[SESSID_MAX], mine[TAG_LEN], want[TAG_LEN], theirs[TAG_LEN];
	socklen_t len = sizeof(id), il = sizeof(int);
	int tep, aead = 0, resumed = 0, role, err;

	if (get_sessid(fd, id, &len, timeout) < 0) {
		/* EINVAL: ENO is off or failed, the connection is plain TCP. */
		printf("encrypted=0 errno=%s\n", tcpinc_errname(errno));
		return psk ? refuse("not-encrypted") : 0;
	}
	getsockopt(fd, SOL_TCP, TCP_ENO_NEGTEP, &tep, &il);
	il = sizeof(int);
	getsockopt(fd, SOL_TCP, TCP_CRYPT_CONF, &aead, &il);
	il = sizeof(int);
	getsockopt(fd, SOL_TCP, TCP_CRYPT_RESUMED, &resumed, &il);
	il = sizeof(int);
	if (getsockopt(fd, SOL_TCP, TCP_ENO_ROLE, &role, &il) < 0)
		return refuse("no-role");
	printf("encrypted=1 tep=0x%02x aead=0x%04x resumed=%d role=%c\n",
	       tep, aead, resumed, role ? 'B' : 'A');
	hex("sessid", id, len);
	short_form(id, len);
	fflush(stdout);
	if (!psk)
		return 0;

	tag_for(psk, psk_len, role, id, len, mine);
	tag_for(psk, psk_len, !role, id, len, want);
	if (send(fd, mine, TAG_LEN, MSG_NOSIGNAL) != TAG_LEN) {
		printf("auth=send-failed errno=%s\n", tcpinc_errname(errno));
		return refuse("send-failed");
	}
	err = read_full(fd, theirs, TAG_LEN);
	OPENSSL_cleanse(mine, sizeof(mine));
	if (err) {
		printf("auth=no-tag errno=%s\n", tcpinc_errname(-err));
		return refuse("no-tag");
	}
	err = CRYPTO_memcmp(theirs, want, TAG_LEN);
	OPENSSL_cleanse(want, sizeof(want));
	if (err) {
		/* Different session IDs (a relay) or a different PSK. */
		printf("auth=mismatch\n");
		return refuse("auth-mismatch");
	}
	printf("auth=ok\n");
	return 0;
}

static int load_psk(const char *path, unsigned char *psk, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "tcpinc-auth: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*len = fread(psk, 1, PSK_MAX, f);
	fclose(f);
	if (*len < 16) {
		fprintf(stderr, "tcpinc-auth: %s: a PSK needs at least 16 bytes\n", path);
		return -1;
	}
	return 0;
}

static int set_opts(int fd, int with_psk, int timeout)
{
	struct timeval tv = { .tv_sec = timeout };
	int one = 1, a = 0x02;

	if (setsockopt(fd, SOL_TCP, TCP_ULP, TCPINC_ULP_NAME, sizeof(TCPINC_ULP_NAME)) < 0) {
		fprintf(stderr, "tcpinc-auth: TCP_ULP: %s (is the tcpinc module loaded?)\n",
			tcpinc_errname(errno));
		return -1;
	}
	if (with_psk &&
	    (setsockopt(fd, SOL_TCP, TCP_ENO_SELF_GOPT, &a, sizeof(a)) < 0 ||
	     setsockopt(fd, SOL_TCP, TCP_ENO_AA_MANDATORY, &one, sizeof(one)) < 0)) {
		fprintf(stderr, "tcpinc-auth: application-aware mode: %s\n", tcpinc_errname(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: tcpinc-auth listen|connect ADDR PORT [--psk FILE] [--message TEXT] [-t TIMEOUT_S]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned char psk[PSK_MAX], buf[4096];
	const char *psk_path = NULL, *message = "hello";
	struct sockaddr_storage ss;
	size_t psk_len = 0;
	int timeout = 20, fd, c, rc, listening;
	socklen_t sl;
	ssize_t n;

	if (argc < 4)
		return usage();
	listening = !strcmp(argv[1], "listen");
	if (!listening && strcmp(argv[1], "connect"))
		return usage();
	for (int i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "--psk") && i + 1 < argc)
			psk_path = argv[++i];
		else if (!strcmp(argv[i], "--message") && i + 1 < argc)
			message = argv[++i];
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			timeout = atoi(argv[++i]);
		else
			return usage();
	}
	if (psk_path && load_psk(psk_path, psk, &psk_len))
		return 2;
	if (tcpinc_make_addr(argv[2], atoi(argv[3]), &ss, &sl) < 0)
		return usage();
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || set_opts(fd, !!psk_path, timeout))
		return 2;

	if (listening) {
		struct timeval tv = { .tv_sec = timeout };

		c = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &c, sizeof(c));
		/* accept() waits at most TIMEOUT_S too. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 4) < 0) {
			fprintf(stderr, "tcpinc-auth: bind/listen: %s\n", tcpinc_errname(errno));
			return 2;
		}
		printf("listening=1\n");
		fflush(stdout);
		c = accept(fd, NULL, NULL);
		if (c < 0) {
			fprintf(stderr, "tcpinc-auth: accept: %s\n", tcpinc_errname(errno));
			return 2;
		}
		close(fd);
		fd = c;
	} else if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		printf("connect=%s\n", tcpinc_errname(errno));
		/* ECONNABORTED: ENO failed under TCP_ENO_AA_MANDATORY. */
		return refuse("connect-failed");
	}

	rc = secure(fd, psk_path ? psk : NULL, psk_len, timeout);
	OPENSSL_cleanse(psk, sizeof(psk));
	if (rc) {
		close(fd);
		return rc;
	}
	if (listening) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return refuse(n ? "recv-failed" : "no-message");
		buf[n] = 0;
		printf("received=%s\n", buf);
		if (send(fd, buf, n, MSG_NOSIGNAL) != n)
			return refuse("echo-failed");
	} else {
		size_t len = strlen(message);

		if (len >= sizeof(buf))
			return usage();
		if (send(fd, message, len, MSG_NOSIGNAL) != (ssize_t)len)
			return refuse("send-failed");
		if (read_full(fd, buf, len))
			return refuse("no-echo");
		n = len;
		buf[n] = 0;
		printf("echo=%s\n", buf);
	}
	shutdown(fd, SHUT_WR);
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	close(fd);
	printf("result=ok\n");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc-synflood - spoofed TCP SYNs for the eno-synflood VM scenario: an
 * off-path attacker filling a listener's table of half-open negotiations.
 * Test traffic only: it refuses source and destination addresses outside
 * the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32),
 * and stops after --count SYNs or --seconds, whichever comes first.
 *
 *   tcpinc-synflood --dst ADDR --dport PORT --count N --seconds T
 *                   (--src-net PREFIX | --src ADDR --sport PORT)
 *                   [--isn N] [--no-eno]
 *
 * --src-net 198.51.100.128 (IPv4: the last byte varies from .128 to .253)
 * or 2001:db8:bad:1:: (IPv6: the last 32 bits vary); source ports vary
 * too. --src/--sport sends every SYN from one 4-tuple (a stale entry).
 * SYNs carry MSS and an ENO option offering TEPs 0x21 and 0x23 (45 04 21
 * 23) unless --no-eno. Prints one JSON line: sent, seconds, rate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct tcph {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t off, flags;
	uint16_t win, sum, urg;
	uint8_t opt[8];		/* MSS 1460, ENO 45 04 21 23 (or NOPs) */
} __attribute__((packed));

static void die(const char *msg)
{
	fprintf(stderr, "tcpinc-synflood: %s\n", msg);
	exit(2);
}

static uint32_t sum16(const void *p, size_t len, uint32_t s)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		s += (uint32_t)b[0] << 8 | b[1];
	if (len)
		s += (uint32_t)b[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static int doc_v4(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 8) == 0xc00002 || (h >> 8) == 0xc63364;	/* 192.0.2/24, 198.51.100/24 */
}

static int doc_v6(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0x20 && a->s6_addr[1] == 0x01 &&
	       a->s6_addr[2] == 0x0d && a->s6_addr[3] == 0xb8;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dst = NULL, *src = NULL, *net = NULL;
	long count = 0, seconds = 0, dport = 0, sport = 0;
	uint32_t isn = 0x12345678, rnd = 0x9e3779b9;
	int eno = 1, v6, fd, i;
	uint8_t pkt[sizeof(struct tcph) + 40];
	struct in6_addr s6 = {0}, d6 = {0};
	struct in_addr s4 = {0}, d4 = {0};
	long sent = 0;
	double t0, t;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--no-eno")) {
			eno = 0;
			continue;
		}
		if (!v)
			die("usage: see the comment at the top of tools/tcpinc_synflood.c");
		i++;
		if (!strcmp(a, "--dst")) dst = v;
		else if (!strcmp(a, "--dport")) dport = atol(v);
		else if (!strcmp(a, "--src")) src = v;
		else if (!strcmp(a, "--sport")) sport = atol(v);
		else if (!strcmp(a, "--src-net")) net = v;
		else if (!strcmp(a, "--count")) count = atol(v);
		else if (!strcmp(a, "--seconds")) seconds = atol(v);
		else if (!strcmp(a, "--isn")) isn = (uint32_t)strtoul(v, NULL, 0);
		else die("unknown option");
	}
	if (!dst || dport <= 0 || dport > 65535 || count <= 0 || count > 1000000 ||
	    seconds <= 0 || seconds > 600 || !!src == !!net || (src && (sport <= 0 || sport > 65535)))
		die("need --dst, --dport, --count (<= 1e6), --seconds (<= 600), and --src-net or --src/--sport");
	v6 = strchr(dst, ':') != NULL;
	if (v6 ? inet_pton(AF_INET6, dst, &d6) != 1 || inet_pton(AF_INET6, src ? src : net, &s6) != 1
	       : inet_pton(AF_INET, dst, &d4) != 1 || inet_pton(AF_INET, src ? src : net, &s4) != 1)
		die("bad address (both must be of the same family)");
	if (v6 ? !doc_v6(&d6) || !doc_v6(&s6) : !doc_v4(d4) || !doc_v4(s4))
		die("addresses must be in 192.0.2.0/24, 198.51.100.0/24 or 2001:db8::/32");

	/* IPPROTO_RAW: we write the IP header (IPv4 and IPv6 alike). */
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("tcpinc-synflood: socket");
		return 2;
	}
	t0 = now();
	for (sent = 0; sent < count; sent++) {
		size_t iplen = v6 ? 40 : 20, len = iplen + sizeof(struct tcph);
		struct tcph *th = (struct tcph *)(pkt + iplen);
		uint8_t ph[40];
		uint32_t s;

		if ((sent & 255) == 0 && now() - t0 > seconds)
			break;
		rnd = rnd * 1664525 + 1013904223;
		memset(pkt, 0, sizeof(pkt));
		if (net) {
			if (v6)
				memcpy(&s6.s6_addr[12], &rnd, 4);
			else
				s4.s_addr = htonl((ntohl(s4.s_addr) & ~0xffu) | (128 + (rnd >> 8) % 126));
		}
		th->sport = htons(net ? 1024 + (rnd >> 16) % 60000 : (uint16_t)sport);
		th->dport = htons((uint16_t)dport);
		th->seq = htonl(net ? rnd : isn);
		th->off = (sizeof(struct tcph) / 4) << 4;
		th->flags = 0x02;	/* SYN */
		th->win = htons(65535);
		memcpy(th->opt, "\x02\x04\x05\xb4", 4);
		memcpy(th->opt + 4, eno ? "\x45\x04\x21\x23" : "\x01\x01\x01\x01", 4);
		if (v6) {
			pkt[0] = 0x60;
			pkt[4] = 0;
			pkt[5] = sizeof(struct tcph);
			pkt[6] = IPPROTO_TCP;
			pkt[7] = 64;
			memcpy(pkt + 8, &s6, 16);
			memcpy(pkt + 24, &d6, 16);
			s = sum16(&s6, 16, 0);
			s = sum16(&d6, 16, s);
			s += sizeof(struct tcph) + IPPROTO_TCP;
		} else {
			pkt[0] = 0x45;
			pkt[2] = len >> 8;
			pkt[3] = len & 0xff;
			pkt[8] = 64;
			pkt[9] = IPPROTO_TCP;
			memcpy(pkt + 12, &s4, 4);
			memcpy(pkt + 16, &d4, 4);
			memcpy(ph, &s4, 4);
			memcpy(ph + 4, &d4, 4);
			s = sum16(ph, 8, 0) + IPPROTO_TCP + sizeof(struct tcph);
		}
		th->sum = fold(sum16(th, sizeof(struct tcph), s));
		if (v6) {
			struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = d6 };

			if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
			    errno != ENOBUFS)
				break;
		} else {
			struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = d4 };

			if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
			    errno != ENOBUFS)
				break;
		}
	}
	t = now() - t0;
	printf("{\"sent\": %ld, \"seconds\": %.3f, \"rate\": %.0f, \"errno\": %d}\n", sent, t,
	       t > 0 ? sent / t : 0.0, sent < count && t <= seconds ? errno : 0);
	close(fd);
	return sent > 0 ? 0 : 1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_stream.c - a long-lived tcpcrypt stream for the snapshot/restore
 * scenarios, which run in the self-contained mini guest (no Python there).
 *
 *   tcpinc-stream serve ADDR PORT [-n CONNS] [-t TIMEOUT_S] [-r READYFILE]
 *       listen with the "tcpcrypt" ULP, echo every connection (one child
 *       process each), report each connection's end
 *   tcpinc-stream connect ADDR PORT [-d DURATION_S] [-i INTERVAL_MS] [-c CHUNK]
 *       connect with the ULP; every INTERVAL_MS send CHUNK bytes (a sequence
 *       number and CLOCK_MONOTONIC nanoseconds, then filler: bytes that
 *       differ between two copies of a restored VM) and read the echo,
 *       for DURATION_S seconds; then shut down and read to EOF
 *
 * Output: one line of "key=value" pairs per event on stdout, flushed, e.g.
 *   connected resumed=1 sessid=a3... / end=OK sent=... echoed=...
 *   end=EKEYREVOKED ... (errno names, never numbers). Every wait is bounded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../include/uapi/linux/tcpinc.h"
#include "tcpinc_tool.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int make_addr(const char *addr, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	int family = tcpinc_make_addr(addr, port, ss, len);

	if (family < 0) {
		fprintf(stderr, "bad address %s\n", addr);
		exit(2);
	}
	return family;
}

static int ulp_socket(int family)
{
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_TCP, TCP_ULP, "tcpcrypt", 8)) {
		printf("end=%s step=ulp\n", tcpinc_errname(errno));
		exit(1);
	}
	return fd;
}

/* Prints "resumed=R sessid=HEX" once the keys exist; 0, or -1 before. */
static int print_session(int fd)
{
	unsigned char id[64];
	socklen_t len = sizeof(id);
	int resumed;
	socklen_t rl = sizeof(resumed);
	int i;

	if (getsockopt(fd, SOL_TCP, TCP_CRYPT_RESUMED, &resumed, &rl) ||
	    getsockopt(fd, SOL_TCP, TCP_ENO_SESSID, id, &len))
		return -1;
	printf("resumed=%d sessid=", resumed);
	for (i = 0; i < (int)len; i++)
		printf("%02x", id[i]);
	return 0;
}

static void echo_conn(int fd, double deadline)
{
	char buf[65536];
	long long total = 0;
	const char *end = "OK";
	int reported = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int left = (int)((deadline - now_s()) * 1000);

		if (left <= 0) {
			end = "TIMEOUT";
			break;
		}
		if (poll(&p, 1, left) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0)
			break;
		if (n < 0) {
			end = tcpinc_errname(errno);
			break;
		}
		if (!reported) {
			printf("server-connected ");
			if (print_session(fd) == 0)
				reported = 1;
			printf("\n");
			fflush(stdout);
		}
		total += n;
		if (send(fd, buf, n, MSG_NOSIGNAL) != n) {
			end = tcpinc_errname(errno);
			break;
		}
	}
	printf("server-end=%s bytes=%lld\n", end, total);
	fflush(stdout);
}

static int cmd_serve(const char *addr, int port, int conns, int timeout, const char *ready)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family = make_addr(addr, port, &ss, &len), one = 1, fd, i;
	double deadline = now_s() + timeout;

	fd = ulp_socket(family);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 16)) {
		printf("end=%s step=listen\n", tcpinc_errname(errno));
		return 1;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	for (i = 0; i < conns; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int c, left = (int)((deadline - now_s()) * 1000);

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (fork() == 0) {
			close(fd);
			echo_conn(c, deadline);
			_exit(0);
		}
		close(c);
	}
	close(fd);
	while (wait(NULL) > 0)
		;
	return 0;
}

static int cmd_connect(const char *addr, int port, double duration, int interval_ms, int chunk)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family = make_addr(addr, port, &ss, &len), fd, reported = 0, closing = 0;
	double t0 = now_s(), stop = t0 + duration, hard = stop + 30, next_send = t0;
	long long sent = 0, echoed = 0, seq = 0;
	char buf[65536], *out;
	const char *end = "OK";

	if (chunk < 16 || chunk > 16384)
		chunk = 256;
	out = calloc(1, chunk);
	fd = ulp_socket(family);
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		printf("end=%s step=connect\n", tcpinc_errname(errno));
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double t = now_s();
		int wait_ms;
		ssize_t n;

		if (t >= hard) {
			end = "TIMEOUT";
			break;
		}
		if (closing) {
			/* nothing more to send: read the rest of the echo, then EOF */
		} else if (t < next_send) {
			/* paced: one chunk per interval */
		} else if (t < stop || seq == 0) {
			struct timespec ts;
			uint64_t ns;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
			memcpy(out, &seq, 8);
			memcpy(out + 8, &ns, 8);
			memset(out + 16, 'a' + seq % 26, chunk - 16);
			n = send(fd, out, chunk, MSG_NOSIGNAL);
			if (n < 0) {
				end = tcpinc_errname(errno);
				break;
			}
			sent += n;
			seq++;
			next_send = t0 + seq * (interval_ms / 1000.0);
		} else if (echoed >= sent) {
			shutdown(fd, SHUT_WR);	/* the FINp frame */
			closing = 1;
		}
		wait_ms = closing ? interval_ms : (int)((next_send - now_s()) * 1000) + 1;
		if (wait_ms < 1)
			wait_ms = 1;
		while (wait_ms > 0 && poll(&p, 1, wait_ms) > 0) {
			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0) {
				goto eof;
			}
			if (n < 0) {
				if (errno == EAGAIN)
					break;
				end = tcpinc_errname(errno);
				goto out;
			}
			echoed += n;
			if (!reported) {
				printf("connected ");
				if (print_session(fd) == 0)
					reported = 1;
				printf("\n");
				fflush(stdout);
			}
			wait_ms = closing ? interval_ms : (int)((next_send - now_s()) * 1000);
		}
	}
	goto out;
eof:
	if (echoed != sent)
		end = "SHORT";
out:
	printf("end=%s sent=%lld echoed=%lld chunks=%lld seconds=%.1f\n", end, sent, echoed, seq,
	       now_s() - t0);
	fflush(stdout);
	close(fd);
	free(out);
	return strcmp(end, "OK") != 0;
}

int main(int argc, char **argv)
{
	int conns = 1, timeout = 60, interval = 100, chunk = 256, opt;
	double duration = 5;
	const char *ready = NULL;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4) {
		fprintf(stderr, "usage: %s serve|connect ADDR PORT [options]\n", argv[0]);
		return 2;
	}
	optind = 4;
	while ((opt = getopt(argc, argv, "n:t:r:d:i:c:")) != -1) {
		switch (opt) {
		case 'n': conns = atoi(optarg); break;
		case 't': timeout = atoi(optarg); break;
		case 'r': ready = optarg; break;
		case 'd': duration = atof(optarg); break;
		case 'i': interval = atoi(optarg); break;
		case 'c': chunk = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(argv[2], atoi(argv[3]), conns, timeout, ready);
	if (!strcmp(argv[1], "connect"))
		return cmd_connect(argv[2], atoi(argv[3]), duration, interval, chunk);
	fprintf(stderr, "unknown command %s\n", argv[1]);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_preload.c - libtcpinc-preload.so, loaded by tcpinc-run(1) through
 * LD_PRELOAD: gives the TCP sockets of an unmodified, dynamically linked
 * program the "tcpcrypt" ULP, so that they negotiate TCP-ENO and encrypt
 * with tcpcrypt whenever the peer can.
 *
 * The ULP has to be on the socket before its SYN (encryption is negotiated
 * in the SYN exchange), so the library wraps the calls that start one:
 * connect(), listen(), and sendto()/sendmsg() with MSG_FASTOPEN. Accepted
 * sockets inherit the ULP from their listener. Everything else passes
 * through untouched:
 *  - only AF_INET/AF_INET6 SOCK_STREAM sockets of protocol TCP (asked of
 *    the socket itself with SO_DOMAIN/SO_TYPE/SO_PROTOCOL, so dup(),
 *    SOCK_NONBLOCK, SOCK_CLOEXEC and sockets made by other libraries are
 *    all covered, and UDP, UNIX and raw sockets never are);
 *  - a socket that already has a ULP (the program chose one itself) is
 *    left alone, and so is any option the program set;
 *  - TCPINC_RUN_PORTS limits it to connections whose remote port (connect)
 *    or local port (listen) is in the list.
 *
 * Environment (set by tcpinc-run; documented in tcpinc-run(1)):
 *   TCPINC_RUN_PORTS      comma-separated ports; unset or empty: all
 *   TCPINC_RUN_MANDATORY  1: encryption or nothing. The ULP must attach
 *                         (else the call fails with the setsockopt errno)
 *                         and TCP_ENO_TEP_MANDATORY is set, so a peer
 *                         without ENO gets ECONNABORTED instead of plain
 *                         TCP. Otherwise fail open: a socket the ULP
 *                         cannot attach to (module not loaded) stays
 *                         plain TCP, as it would be without the library.
 *   TCPINC_RUN_LOG        a file: one line per encrypted or attempted
 *                         connection when the program closes it
 *                         (addresses, TEP, session ID), for checks and
 *                         for people; the session ID is not secret.
 *   TCPINC_RUN_VERBOSE    1: a line on stderr for each socket taken.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../include/uapi/linux/tcpinc.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define EXPORT __attribute__((visibility("default")))

static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_listen)(int, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_close)(int);

static int mandatory, verbose;
static const char *ports, *log_path;

__attribute__((constructor)) static void tcpinc_preload_init(void)
{
	const char *m = getenv("TCPINC_RUN_MANDATORY"), *v = getenv("TCPINC_RUN_VERBOSE");

	real_connect = dlsym(RTLD_NEXT, "connect");
	real_listen = dlsym(RTLD_NEXT, "listen");
	real_sendto = dlsym(RTLD_NEXT, "sendto");
	real_sendmsg = dlsym(RTLD_NEXT, "sendmsg");
	real_close = dlsym(RTLD_NEXT, "close");
	mandatory = m && !strcmp(m, "1");
	verbose = v && !strcmp(v, "1");
	ports = getenv("TCPINC_RUN_PORTS");
	if (ports && !*ports)
		ports = NULL;
	log_path = getenv("TCPINC_RUN_LOG");
	if (log_path && !*log_path)
		log_path = NULL;
}

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* write(2), not stdio: the program owns stderr's buffer. */
	if (write(2, line, n) < 0)
		return;
}

static int opt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	return getsockopt(fd, level, name, &v, &l) < 0 ? -1 : v;
}

/* A TCP socket over IPv4 or IPv6, whoever made it and however. */
static int is_tcp(int fd)
{
	int d = opt_int(fd, SOL_SOCKET, SO_DOMAIN);

	return (d == AF_INET || d == AF_INET6) &&
	       opt_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM &&
	       opt_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP;
}

static int ulp_name(int fd, char *name, socklen_t len)
{
	name[0] = 0;
	if (getsockopt(fd, SOL_TCP, TCP_ULP, name, &len) < 0)
		return -1;
	name[len < 1 ? 0 : len - 1] = 0;
	return 0;
}

static int port_of(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return -1;
}

static int port_listed(int port)
{
	const char *p = ports;

	if (!p)
		return 1;
	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end != p && v == port)
			return 1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/*
 * Give fd the ULP before its SYN. 0: go on with the call (ULP attached, or
 * not ours to touch, or fail-open); -1 with errno: refuse the call
 * (mandatory and the ULP could not attach).
 */
static int take(int fd, int port, const char *what)
{
	char name[16];
	int one = 1, saved = errno;

	if (!is_tcp(fd) || !port_listed(port)) {
		errno = saved;
		return 0;
	}
	if (ulp_name(fd, name, sizeof(name)) == 0 && name[0]) {
		/* The program (or an earlier call) chose a ULP: its choice. */
		errno = saved;
		return 0;
	}
	if (setsockopt(fd, SOL_TCP, TCP_ULP, TCPINC_ULP_NAME, sizeof(TCPINC_ULP_NAME)) < 0) {
		int e = errno;

		say("tcpinc-run: %s fd %d port %d: TCP_ULP tcpcrypt: %s%s", what, fd, port,
		    strerror(e), mandatory ? " (mandatory: refused)" :
		    e == ENOENT ? " (module not loaded: plain TCP)" : " (plain TCP)");
		if (mandatory) {
			errno = e;
			return -1;
		}
		errno = saved;
		return 0;
	}
	if (mandatory &&
	    setsockopt(fd, SOL_TCP, TCP_ENO_TEP_MANDATORY, &one, sizeof(one)) < 0) {
		int e = errno;

		say("tcpinc-run: %s fd %d: TCP_ENO_TEP_MANDATORY: %s (refused)", what, fd, strerror(e));
		errno = e;
		return -1;
	}
	if (verbose)
		say("tcpinc-run: %s fd %d port %d: tcpcrypt%s", what, fd, port,
		    mandatory ? " (mandatory)" : "");
	errno = saved;
	return 0;
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (sa && len >= sizeof(sa_family_t) && take(fd, port_of(sa), "connect") < 0)
		return -1;
	return real_connect(fd, sa, len);
}

EXPORT int listen(int fd, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    take(fd, port_of((struct sockaddr *)&ss), "listen") < 0)
		return -1;
	return real_listen(fd, backlog);
}

/* Fast Open connects with sendto/sendmsg on an unconnected socket. */
EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
		      const struct sockaddr *sa, socklen_t len)
{
	if ((flags & MSG_FASTOPEN) && sa && take(fd, port_of(sa), "sendto") < 0)
		return -1;
	return real_sendto(fd, buf, n, flags, sa, len);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if ((flags & MSG_FASTOPEN) && msg && msg->msg_name &&
	    take(fd, port_of(msg->msg_name), "sendmsg") < 0)
		return -1;
	return real_sendmsg(fd, msg, flags);
}

static void addr_str(const struct sockaddr_storage *ss, char *out, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const void *p = ss->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	inet_ntop(ss->ss_family, p, a, sizeof(a));
	snprintf(out, n, ss->ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", a,
		 port_of((const struct sockaddr *)ss));
}

/* One line per connection of ours, written when the program closes it. */
static void log_conn(int fd)
{
	struct sockaddr_storage l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r), il = sizeof(int);
	unsigned char id[64];
	socklen_t idl = sizeof(id);
	char ls[64], rs[64], line[512], name[16];
	int tep = 0, n, lfd, saved = errno;

	if (!is_tcp(fd) || ulp_name(fd, name, sizeof(name)) || strcmp(name, TCPINC_ULP_NAME) ||
	    getsockname(fd, (struct sockaddr *)&l, &ll) || getpeername(fd, (struct sockaddr *)&r, &rl))
		goto out;	/* not ours, or a listener / never connected */
	addr_str(&l, ls, sizeof(ls));
	addr_str(&r, rs, sizeof(rs));
	if (getsockopt(fd, SOL_TCP, TCP_ENO_SESSID, id, &idl) < 0) {
		n = snprintf(line, sizeof(line), "pid=%d local=%s remote=%s encrypted=0 errno=%s\n",
			     getpid(), ls, rs, strerrorname_np(errno) ?: "?");
	} else {
		getsockopt(fd, SOL_TCP, TCP_ENO_NEGTEP, &tep, &il);
		n = snprintf(line, sizeof(line), "pid=%d local=%s remote=%s encrypted=1 tep=0x%02x sessid=",
			     getpid(), ls, rs, tep);
		for (socklen_t i = 0; i < idl && n < (int)sizeof(line) - 3; i++)
			n += snprintf(line + n, sizeof(line) - n, "%02x", id[i]);
		line[n++] = '\n';
	}
	if (n <= 0 || n >= (int)sizeof(line))
		goto out;
	/* O_APPEND: one write per line, so lines of several processes do not mix. */
	lfd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (lfd >= 0) {
		ssize_t w = write(lfd, line, n);

		(void)w;	/* a lost log line must not change the program */
		real_close(lfd);
	}
out:
	errno = saved;
}

EXPORT int close(int fd)
{
	if (log_path)
		log_conn(fd);
	return real_close(fd);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_tool.h - the two helpers every C tool in tools/ needs: an address
 * from its text form, and an errno's name (tools print names, never
 * numbers, so that scenarios can compare them).
 */
#ifndef TCPINC_TOOL_H
#define TCPINC_TOOL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static inline const char *tcpinc_errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

/* ADDR (IPv4 or IPv6 text) and PORT into ss; the family, or -1. */
static inline int tcpinc_make_addr(const char *addr, int port,
				   struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return AF_INET6;
	}
	return -1;
}

#endif

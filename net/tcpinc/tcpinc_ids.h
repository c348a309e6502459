/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_ids.h - TEP and AEAD identifier lists (tcpinc_ids.c).
 */
#ifndef TCPINC_IDS_H
#define TCPINC_IDS_H

#include <linux/types.h>

/* Identifier lists from users (sysctls, socket options). */
bool tcpinc_tep_known(u16 id);
bool tcpinc_aead_known(u16 id);
/* Known and runnable in this kernel (its group's transform was allocated). */
bool tcpinc_tep_runnable(u8 id);

/* tcpinc_ids_ok - every id known, none twice (lists are at most 8 long). */
static inline bool tcpinc_ids_ok(const u16 *ids, unsigned int n, bool (*known)(u16))
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (!known(ids[i]))
			return false;
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return false;
	}
	return true;
}

#endif /* TCPINC_IDS_H */

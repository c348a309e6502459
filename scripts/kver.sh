#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kver.sh - print the kernel ABI we build for: the one linux-headers-amd64
# depends on (the host may run another kernel; the module runs in a guest).
set -euo pipefail
if [ -n "${KVER:-}" ]; then echo "$KVER"; exit 0; fi
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
	echo "kver: linux-headers-amd64 is not installed (run make setup)" >&2; exit 1; }
dep=${dep%% *}
echo "${dep#linux-headers-}"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# coverage.sh - line coverage of the C++ core from the userspace unit tests.
# Builds tests/unit with --coverage (no sanitizers) into build/unit-cov,
# runs it, and prints gcovr's per-file table for net/tcpinc/core plus one
# summary line per concept (eno_*, tcpcrypt_*).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
find build/unit-cov -name '*.gcda' -delete 2>/dev/null || true
make -s -C tests/unit COVERAGE=1 build
build/unit-cov/tcpinc_unit_tests --gtest_brief=1 >/dev/null
gcovr -r "$top" --filter "$top/net/tcpinc/core/" build/unit-cov
for group in eno tcpcrypt; do
	if compgen -G "net/tcpinc/core/${group}_*.cc" >/dev/null; then
		printf 'coverage %-9s ' "$group:"
		gcovr -r "$top" --filter "$top/net/tcpinc/core/${group}_" build/unit-cov --print-summary -o /dev/null | grep '^lines'
	fi
done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kver.sh - the top Makefile resolves KVER when a recipe needs it, after
# setup, never when make starts (a fresh machine has no headers until
# `make setup` runs inside `make check` / `make demo`).
#
#   tests/make/kver.sh [MAKEFILE]    default: the top Makefile
#
# Runs the Makefile in a scratch directory whose scripts/kver.sh is a fake
# that answers only once a "headers" file exists, and a probe makefile that
# does what check.sh and demo.sh do: set up (create the file), then run a
# sub-make. Prints one PASS/FAIL line per case; exit 1 on any FAIL. Case 3
# (a real module build with KVER= in the environment) needs the real
# headers and is run by scripts/check.sh, not here.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mk=${1:-$top/Makefile}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fake=9.9.9-tcpinc-fake
rc=0

mkdir -p "$t/scripts"
cp "$mk" "$t/Makefile"
cat >"$t/scripts/kver.sh" <<EOS
#!/bin/sh
# Like the real one: a set KVER wins; no headers, no answer.
[ -n "\${KVER:-}" ] && { echo "\$KVER"; exit 0; }
echo call >>"$t/calls"
[ -e "$t/headers" ] || { echo "kver: no headers" >&2; exit 1; }
echo $fake
EOS
chmod +x "$t/scripts/kver.sh"
cat >"$t/probe.mk" <<'EOS'
include Makefile
# What `make check` does: its recipe runs setup, then sub-makes.
probe-module:
	touch headers
	-$(MAKE) -f Makefile -n module
probe-kdir:
	touch headers
	$(MAKE) -f probe.mk print-kdir
print-kdir:
	@echo "KVER=[$(KVER)] KDIR=[$(KDIR)]"
EOS

check() { # name, output, pattern
	if grep -qF -- "$3" <<<"$2"; then echo "PASS make-kver-$1"
	else echo "FAIL make-kver-$1 (no '$3' in:)"; sed 's/^/    /' <<<"$2"; rc=1; fi
}

# 1. `make -n module` in a sub-make after setup resolves the version,
#    with KVER unset and with KVER= (empty) in the environment.
rm -f "$t/headers" "$t/calls"
out=$(cd "$t" && env -u KVER make --no-print-directory -f probe.mk probe-module 2>&1)
check module-unset "$out" "test -n \"$fake\""
check kdir-unset "$out" "-C /lib/modules/$fake/build"
rm -f "$t/headers"
out=$(cd "$t" && KVER= make --no-print-directory -f probe.mk probe-module 2>&1)
check module-empty-env "$out" "test -n \"$fake\""

# 2. The same through the KDIR a sub-make computes, and KVER= on the
#    command line (which sub-makes inherit through MAKEFLAGS).
rm -f "$t/headers"
out=$(cd "$t" && make --no-print-directory -f probe.mk probe-kdir KVER= 2>&1)
check kdir-empty-cmdline "$out" "KVER=[$fake] KDIR=[/lib/modules/$fake/build]"

# 3. A version the user sets is used as is and handed to sub-makes.
rm -f "$t/headers"
out=$(cd "$t" && KVER=1.2.3-user make --no-print-directory -f probe.mk probe-kdir 2>&1)
check user-kver "$out" "KVER=[1.2.3-user] KDIR=[/lib/modules/1.2.3-user/build]"
exit $rc

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/man/check.sh - the manual pages in Documentation/man:
#  - each renders with `man --warnings` and no diagnostic (groff's warnings
#    are what Debian's lintian reports as groff-message);
#  - tcpinc(7) documents every socket option of include/uapi/linux/tcpinc.h
#    with the header's value, and no option the header does not have, so
#    the page cannot drift from the API;
#  - tcpinc(8) documents every net.tcpinc sysctl the module registers
#    (tcpinc_pernet.c) and tools/tcpinc.c knows every one of them, so that
#    `tcpinc config` and its page cannot drift from the kernel.
# Prints PASS/FAIL lines and "N passed, N failed"; exit status 1 on a failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

pages=("$top"/Documentation/man/*.[0-9])
for p in "${pages[@]}"; do
	name=$(basename "$p")
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$p" 2>&1 >/dev/null)
	if [ -z "$out" ] && LC_ALL=C.UTF-8 MANWIDTH=80 man -E UTF-8 -l "$p" 2>/dev/null | grep -q NAME; then
		ok "man-renders-clean $name"
	else
		bad "man-renders-clean $name: ${out:-no NAME section rendered}"
	fi
done

# Option names and values from the header, computed by the C compiler (the
# header is the API; its arithmetic is what programs get).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
names=$(sed -n 's/^#define \(TCP_\(ENO\|CRYPT\)_[A-Z_]*\)[[:space:]]*(TCP_\(ENO\|CRYPT\)_BASE.*/\1/p' \
	"$top/include/uapi/linux/tcpinc.h")
{
	echo '#include <stdio.h>'
	echo "#include \"$top/include/uapi/linux/tcpinc.h\""
	echo 'int main(void) {'
	for n in $names; do echo "printf(\"%s 0x%x\\n\", \"$n\", $n);"; done
	echo 'return 0; }'
} >"$tmp/opts.c"
if ! cc -o "$tmp/opts" "$tmp/opts.c" 2>"$tmp/cc.err"; then
	bad "uapi-options-compile: $(head -3 "$tmp/cc.err")"
else
	"$tmp/opts" >"$tmp/header.list"
	# The page lists each option as: .BR NAME " (0xVALUE, type, access)"
	sed -n 's/^\.BR \(TCP_[A-Z_]*\) " (\(0x[0-9a-f]*\),.*/\1 \2/p' \
		"$top/Documentation/man/tcpinc.7" | sort >"$tmp/page.list"
	sort "$tmp/header.list" >"$tmp/header.sorted"
	if [ "$(wc -l <"$tmp/header.sorted")" -ge 20 ] && cmp -s "$tmp/header.sorted" "$tmp/page.list"; then
		ok "tcpinc.7-options-match-uapi ($(wc -l <"$tmp/page.list") options)"
	else
		bad "tcpinc.7-options-match-uapi: header vs page: $(diff "$tmp/header.sorted" "$tmp/page.list" | grep '^[<>]' | tr '\n' ';')"
	fi
fi

# Sysctl names: the kernel's table, the page's .B/.BR items, the tool's table.
sysctls=$(sed -n 's/.*\.procname = "\([a-z_0-9]*\)".*/\1/p' "$top/net/tcpinc/tcpinc_pernet.c" | sort)
miss_page="" miss_tool=""
for n in $sysctls; do
	grep -q "^\.BR\? .*\b$n\b" "$top/Documentation/man/tcpinc.8" || miss_page="$miss_page $n"
	grep -q "{ \"$n\"," "$top/tools/tcpinc.c" || miss_tool="$miss_tool $n"
done
if [ "$(echo "$sysctls" | wc -w)" -ge 10 ] && [ -z "$miss_page$miss_tool" ]; then
	ok "tcpinc.8-sysctls-match-kernel ($(echo "$sysctls" | wc -w) sysctls, page and tool)"
else
	bad "tcpinc.8-sysctls-match-kernel: missing in tcpinc.8:${miss_page:- none}; in tools/tcpinc.c:${miss_tool:- none}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

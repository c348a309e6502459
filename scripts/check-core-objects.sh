#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-core-objects.sh - the object gate for the C++ core inside the module.
#
# A C++ object that links into a .ko must not need a C++ runtime the kernel
# does not have. This fails when a core object (net/tcpinc/core/*.o, as
# built by Kbuild) has
#   - a section for constructors or exceptions (.init_array, .ctors,
#     .eh_frame, .gcc_except_table): they would never run or be unwound;
#   - an undefined symbol outside the allowlist below: it would be resolved
#     against the kernel and either fail at load or bind to the wrong thing;
#   - a global symbol outside the boundary prefix: tcpinc_core_* for the
#     extern "C" boundary, or C++ namespace tcpinc (mangled _ZN6tcpinc /
#     _ZNK6tcpinc, and template instantiations of it).
# It also checks that every core object went through objtool (.orc_unwind
# section present when the object has code).
set -euo pipefail
cd "$(dirname "$0")/.."

allow_undef='^(memcpy|memset|memmove|memcmp|__stack_chk_fail|__fentry__|__x86_return_thunk|__x86_indirect_thunk_[a-z0-9]+)$'
allow_global='^(tcpinc_core_[A-Za-z0-9_]+|_ZN6tcpinc[A-Za-z0-9_]+|_ZNK6tcpinc[A-Za-z0-9_]+|_ZN[0-9]+tcpinc[A-Za-z0-9_]*)$'
forbidden_sections='^(\.init_array|\.ctors|\.eh_frame|\.gcc_except_table|\.fini_array|\.dtors)'

# With arguments, check those objects (used by tests/gate to prove that the
# gate rejects what it must); without, every core object of the module build.
shopt -s nullglob
if [ $# -gt 0 ]; then
	objs=("$@")
	need_orc=0
else
	objs=(net/tcpinc/core/*.o)
	srcs=(net/tcpinc/core/*.cc)
	need_orc=1
	if [ ${#objs[@]} -ne ${#srcs[@]} ]; then
		echo "gate: ${#srcs[@]} core sources but ${#objs[@]} objects (run 'make module' first)" >&2
		exit 1
	fi
fi

# A core object may call into another core object: such symbols are
# undefined in the caller but defined (inside the boundary prefix) in the
# callee, so the allowlist for undefined symbols is the list above plus
# every global the checked objects define.
core_defined=$(nm -g --defined-only "${objs[@]}" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)

bad=0
for o in "${objs[@]}"; do
	secs=$(objdump -h "$o" | awk 'NR>5 && $2 ~ /^\./ {print $2}')
	while read -r s; do
		[ -n "$s" ] || continue
		if [[ $s =~ $forbidden_sections ]]; then
			echo "gate: $o: forbidden section $s" >&2; bad=1
		fi
	done <<<"$secs"
	if [ $need_orc = 1 ] && grep -qx '.text' <<<"$secs" && [ "$(objdump -h "$o" | awk '$2==".text"{print $3}')" != 00000000 ] \
	   && ! grep -qx '.orc_unwind' <<<"$secs"; then
		echo "gate: $o: has code but no .orc_unwind (objtool did not run)" >&2; bad=1
	fi
	while read -r sym; do
		[ -n "$sym" ] || continue
		if ! [[ $sym =~ $allow_undef ]] && ! grep -qxF -- "$sym" <<<"$core_defined"; then
			echo "gate: $o: undefined symbol $sym is not on the allowlist" >&2; bad=1
		fi
	done < <(nm -u "$o" | awk '{print $2}')
	while read -r sym; do
		[ -n "$sym" ] || continue
		if ! [[ $sym =~ $allow_global ]]; then
			echo "gate: $o: global symbol $sym is outside the boundary prefix" >&2; bad=1
		fi
	done < <(nm -g --defined-only "$o" | awk '{print $3}')
done

if [ $bad -ne 0 ]; then
	echo "gate: FAILED" >&2
	exit 1
fi
echo "gate: ok (${#objs[@]} core objects)"

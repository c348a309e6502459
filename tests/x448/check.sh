#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check.sh OUT PAIRS SEED - `make -C tests/x448 check`: the vector and
# OpenSSL tests (their PASS/FAIL lines), the field functions at their limb
# bounds (fe_bounds, checked by fe_bounds.py), then the valgrind constant-time
# check of the real build (must be clean) and of the branchy build (must be
# reported). One summary line at the end, "N passed, N failed".
set -uo pipefail
out=$1 pairs=$2 seed=$3
passed=0 failed=0

"$out/x448_test" --pairs "$pairs" --seed "$seed" | tee "$out/x448_test.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/x448_test.log" | tail -1)
if [ -n "$line" ]; then
	passed=$((passed + ${line%% *}))
	f=${line#* passed, }; failed=$((failed + ${f%% *}))
else
	echo "FAIL x448_test (no summary line)"; failed=$((failed + 1))
fi

# The field functions at their limb bounds, recomputed in Python.
if "$out/fe_bounds" | /usr/bin/python3 "$(dirname "$0")/fe_bounds.py" | tee "$out/fe_bounds.log" &&
   grep -q '^PASS' "$out/fe_bounds.log"; then
	passed=$((passed + 1))
else
	grep -q '^FAIL' "$out/fe_bounds.log" || echo "FAIL field_ops_at_limb_bounds_match_python (no verdict)"
	failed=$((failed + 1))
fi

if ! command -v valgrind >/dev/null; then
	echo "FAIL ctgrind (valgrind not installed: make setup)"
	failed=$((failed + 3))
else
	vg=(valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes)
	# The real code, with userspace -O2 and with the module's code
	# generation flags: memcheck must find nothing.
	for b in x448_ct x448_ct_kflags; do
		if "${vg[@]}" "$out/$b" >"$out/$b.out" 2>"$out/$b.vg" &&
		   grep -q 'under valgrind' "$out/$b.out" &&
		   ! grep -qE 'uninitialised|Invalid' "$out/$b.vg"; then
			echo "PASS ctgrind_constant_time_$b (valgrind: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$out/$b.vg"))"
			passed=$((passed + 1))
		else
			grep -E 'uninitialised|at 0x|by 0x' "$out/$b.vg" | head -20
			echo "FAIL ctgrind_constant_time_$b (see $out/$b.vg)"
			failed=$((failed + 1))
		fi
	done
	# The branchy build: the check must see the secret-dependent jump.
	if ! "${vg[@]}" "$out/x448_ct_branchy" >"$out/ct_branchy.out" 2>"$out/ct_branchy.vg" &&
	   grep -q 'Conditional jump or move depends on uninitialised value' "$out/ct_branchy.vg" &&
	   grep -q 'x448_fe_swap_branchy' "$out/ct_branchy.vg"; then
		echo "PASS ctgrind_catches_branchy_ladder (valgrind: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$out/ct_branchy.vg"), first at $(grep -m1 -oE 'x448_fe_swap_branchy \([^)]*\)' "$out/ct_branchy.vg"))"
		passed=$((passed + 1))
	else
		echo "FAIL ctgrind_catches_branchy_ladder (the check did not see the branch; see $out/ct_branchy.vg)"
		failed=$((failed + 1))
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# fe_bounds.py < fe_bounds output: recompute every field result of
# fe_bounds.c with Python integers; check limbs < 2^57 and fe_tobytes < p.
# Prints one PASS/FAIL line.
import sys

P = 2**448 - 2**224 - 1
n = bad = 0
a = b = None
worst = 0
for line in sys.stdin:
    f = line.split()
    tag = f[0]
    if tag == 'T':
        n += 1
        v = int(f[1], 16)
        if v != a % P:
            bad += 1
        continue
    limbs = [int(x, 16) for x in f[1:]]
    v = sum(l << (56 * i) for i, l in enumerate(limbs))
    if tag == 'A':
        a = v
        continue
    if tag == 'B':
        b = v
        continue
    n += 1
    worst = max(worst, max(limbs))
    want = {'M': a * b, 'S': a * a, 'D': a + b, 'U': a - b, 'K': a * 39081,
            'I': pow(a, P - 2, P)}[tag] % P
    if v % P != want or max(limbs) >= 2**57:
        bad += 1
        if bad <= 5:
            print(f'  mismatch: op {tag}, a = {a:#x}, b = {b:#x}')
verdict = 'PASS' if n and not bad else 'FAIL'
print(f'{verdict} field_ops_at_limb_bounds_match_python ({n} results, {bad} wrong, '
      f'largest output limb {worst:#x})')
sys.exit(1 if bad or not n else 0)

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-clauses.sh - the RFC clause tables must not rot: every test they
# name must exist.
#
#   tests/unit/check-clauses.sh [RFC8548-TABLE [RFC8547-TABLE]]
#
# RFC8548-clauses.md rows are | # | § | Clause | Verdict | Evidence | with
# references `path::name` (path relative to tests/ or to the repository
# root). A reference is good when the file exists and the name occurs in it:
# for tests/unit/*.cc as TEST(Suite, Name) (name written Suite.Name), for
# tests/kunit/*.c as KUNIT_CASE(name), KT_CASE(name) or KUNIT_CASE_PARAM(name, ...), elsewhere (VM
# scenario labels, fuzz targets, tools) as a literal string. A row is good
# when every reference is, its verdict is one of tested / n/a / deviation /
# glue-untested, a tested row has at least one reference, any other row
# gives its reason in words, and a deviation says where it is documented
# (Documentation/ or the digest).
#
# RFC8547-clauses.md rows are | Clause | Tests | with bare Suite.Name
# names (looked up in tests/unit/*_test.cc) and fuzz_* targets (a file in
# tests/fuzz/); rows that name none are prose (glue, TEP) and only counted.
#
# Prints one line per problem, the clause counts, and last
# "N passed, N failed" (rows checked good / bad); exits 1 on any bad row.
top=$(cd "$(dirname "$0")/../.." && pwd)
exec /usr/bin/python3 - "$top" "${1:-$top/tests/unit/RFC8548-clauses.md}" \
	"${2:-$top/tests/unit/RFC8547-clauses.md}" <<'PY'
import os, re, sys

top, t8548, t8547 = sys.argv[1:4]
problems = []
passed = failed = 0
cache = {}


def text(path):
    if path not in cache:
        with open(path, encoding="utf-8", errors="replace") as f:
            cache[path] = f.read()
    return cache[path]


def resolve(path):
    for base in (os.path.join(top, "tests"), top):
        p = os.path.join(base, path)
        if os.path.isfile(p):
            return p
    return None


def found(path, name):
    """Whether test `name` occurs in the file at `path` (by its kind)."""
    body = text(path)
    if path.endswith(".cc") and "/tests/unit/" in path:
        suite, _, case = name.partition(".")
        if not case:
            return False
        pat = r"\bTEST(?:_F|_P)?\(\s*%s\s*,\s*%s\s*\)" % (re.escape(suite), re.escape(case))
        return re.search(pat, body) is not None
    if path.endswith(".c") and "/tests/kunit/" in path:
        # A parameterised case (KUNIT_CASE_PARAM) runs once per vector.
        return re.search(r"\b(?:KUNIT_CASE|KT_CASE)\(\s*%s\s*\)|\bKUNIT_CASE_PARAM\(\s*%s\s*," % (re.escape(name), re.escape(name)), body) is not None
    return name in body


def cells(line):
    # Split a markdown table row; "\|" inside a cell is not a separator.
    inner = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


# --- RFC 8548 -------------------------------------------------------------
VERDICTS = {"tested", "n/a", "deviation", "glue-untested"}
counts = {v: 0 for v in VERDICTS}
ids = set()
rel8548 = os.path.relpath(t8548, top)
try:
    lines8548 = text(t8548).splitlines()
except OSError as e:
    problems.append(f"{rel8548}: cannot read: {e}")
    lines8548 = []
for n, line in enumerate(lines8548, 1):
    if not line.startswith("|"):
        continue
    c = cells(line)
    if len(c) != 5 or c[0] in ("#", "") or set(c[0]) <= set("-"):
        continue
    rid, _sec, clause, verdict, evidence = c
    where = f"{rel8548}:{n}: row {rid}"
    bad = []
    if rid in ids:
        bad.append("duplicate row id")
    ids.add(rid)
    if verdict not in VERDICTS:
        bad.append(f"verdict '{verdict}' is not one of {sorted(VERDICTS)}")
    refs = re.findall(r"`([^`]+?)::([^`]+)`", evidence)
    for path, name in refs:
        p = resolve(path)
        if p is None:
            bad.append(f"no such file: {path}")
        elif not found(p, name):
            bad.append(f"'{name}' not found in {path}")
    prose = re.sub(r"`[^`]*`", "", evidence)
    words = re.findall(r"[A-Za-z]{2,}", prose)
    if verdict == "tested" and not refs:
        bad.append("tested, but names no test")
    if verdict in ("n/a", "deviation", "glue-untested") and len(words) < 4:
        bad.append(f"{verdict} without a reason")
    if verdict == "deviation" and "Documentation/" not in evidence and "digest" not in evidence:
        bad.append("deviation without the place it is documented")
    if re.search(r"\buntested\b", evidence, re.I) and verdict != "glue-untested":
        bad.append("says untested but its verdict is " + verdict)
    if not clause:
        bad.append("no clause text")
    if verdict in counts:
        counts[verdict] += 1
    if bad:
        failed += 1
        for b in bad:
            problems.append(f"{where}: {b}")
    else:
        passed += 1
total8548 = sum(counts.values())

# --- RFC 8547 -------------------------------------------------------------
rel8547 = os.path.relpath(t8547, top)
unit_files = sorted(
    os.path.join(top, "tests/unit", f)
    for f in os.listdir(os.path.join(top, "tests/unit"))
    if f.endswith("_test.cc")
)
rows8547 = prose8547 = 0
try:
    lines8547 = text(t8547).splitlines()
except OSError as e:
    problems.append(f"{rel8547}: cannot read: {e}")
    lines8547 = []
for n, line in enumerate(lines8547, 1):
    if not line.startswith("|"):
        continue
    c = cells(line)
    if len(c) != 2 or c[0] in ("Clause", "Figure") or set(c[0]) <= set("-"):
        continue
    rows8547 += 1
    tests = re.findall(r"\b([A-Z][A-Za-z0-9]*)\.([A-Z][A-Za-z0-9_]*)\b", c[1])
    fuzz = re.findall(r"\b(fuzz_[a-z_]+)\b", c[1])
    if not tests and not fuzz:
        prose8547 += 1
        continue
    bad = []
    for suite, case in tests:
        if not any(found(f, f"{suite}.{case}") for f in unit_files):
            bad.append(f"{suite}.{case} not found in tests/unit/*_test.cc")
    for t in fuzz:
        if not os.path.isfile(os.path.join(top, "tests/fuzz", t + ".cc")):
            bad.append(f"no fuzz target tests/fuzz/{t}.cc")
    if bad:
        failed += 1
        for b in bad:
            problems.append(f"{rel8547}:{n}: {b}")
    else:
        passed += 1

for p in problems:
    print("FAIL " + p)
print(
    f"RFC 8548 table: {total8548} clauses: {counts['tested']} tested, "
    f"{counts['n/a']} not applicable, {counts['deviation']} deviations, "
    f"{counts['glue-untested']} glue-untested"
)
print(f"RFC 8547 table: {rows8547} clauses: {rows8547 - prose8547} with tests, {prose8547} glue/TEP prose")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY

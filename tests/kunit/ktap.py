#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ktap.py - read the console log of a scripts/kunit.sh boot and judge it.

    tests/kunit/ktap.py CONSOLE_LOG [EXPECTED_SUITES]

Parses the KUnit KTAP output (6.1 layout: a suite is a subtest at indent 4,
its cases are "ok/not ok" lines at indent 4, the suite's own result is at
indent 0; a parameterised case's parameters are "ok/not ok" lines at
indent 8 before the case's own line, and each parameter counts as a test
in place of the case, so a failing vector does not hide the others), prints
one line per suite and per failed case or parameter, then
"N passed, N failed[, N skipped]" over test cases and parameters. Skipped
ones are never counted as passed.

Fails (exit 1) when any case failed, when a suite started but never
reported, when fewer suites than EXPECTED_SUITES reported, when the init
did not reach "tcpinc-kunit: done", or when the console holds a kernel
report: KASAN, UBSAN, lockdep, kmemleak, WARN, BUG, oops, panic.
"""
import re
import sys

TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
RESULT = re.compile(r"^( *)(ok|not ok) (\d+) (\S+)(?:\s+#\s*(SKIP|skip)\b\s*(.*))?")
SUBTEST = re.compile(r"^( *)# Subtest: (\S+)")
PROBLEM = re.compile(
    r"BUG:|WARNING:|UBSAN:|KASAN:|kmemleak: \d+ new suspected"
    r"|unreferenced object|Kernel panic|Oops|general protection|Call Trace"
    r"|possible circular locking|possible recursive locking|suspicious RCU usage"
    r"|inconsistent lock state|INFO: task .* blocked|rcu_sched self-detected"
    r"|sleeping function called from invalid context")


def main():
    if len(sys.argv) < 2:
        print("usage: ktap.py CONSOLE_LOG [EXPECTED_SUITES]", file=sys.stderr)
        return 2
    expected = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    text = open(sys.argv[1], "rb").read().decode(errors="replace").replace("\r", "")
    lines = [TS.sub("", l) for l in text.split("\n")]

    suites = []          # [name, passed, failed, skipped, verdict or None]
    cur = None
    params = []          # (name, ok, skip) of the parameterised case under way
    failed_cases = []
    problems = []
    done = False
    in_report = False
    for line in lines:
        if line.startswith("tcpinc-kunit: done"):
            done = True
        if line.startswith("tcpinc-kunit: kmemleak report"):
            in_report = True
        elif line.startswith("tcpinc-kunit: end of kmemleak report"):
            in_report = False
        if PROBLEM.search(line) or (in_report and line.strip()):
            if not line.startswith("tcpinc-kunit: done"):
                problems.append(line.strip())
        m = SUBTEST.match(line)
        if m and len(m.group(1)) == 4:
            cur = [m.group(2), 0, 0, 0, None]
            suites.append(cur)
            params = []
            continue
        m = RESULT.match(line)
        if not m:
            continue
        indent, ok, _, name, skip = len(m.group(1)), m.group(2) == "ok", m.group(3), m.group(4), m.group(5)
        if indent == 0:
            for s in suites:
                if s[0] == name and s[4] is None:
                    s[4] = "skip" if skip else ("ok" if ok else "not ok")
                    break
            else:
                suites.append([name, 0, 0, 0, "skip" if skip else ("ok" if ok else "not ok")])
            if cur is not None and cur[0] == name:
                cur = None
        elif indent == 8 and cur is not None:
            params.append((name, ok, skip))
        elif indent == 4 and cur is not None:
            # A parameterised case counts through its parameters; its own
            # line is only their summary (not ok when a parameter failed).
            results = [(f"{name}.{p}", pok, pskip) for p, pok, pskip in params]
            params = []
            if not results or (not ok and not skip and all(r[1] or r[2] for r in results)):
                # no parameters, or the case failed outside them (e.g. a crash)
                results.append((name, ok, skip))
            for rname, rok, rskip in results:
                if rskip:
                    cur[3] += 1
                elif rok:
                    cur[1] += 1
                else:
                    cur[2] += 1
                    failed_cases.append(f"{cur[0]}.{rname}")

    passed = sum(s[1] for s in suites)
    failed = sum(s[2] for s in suites)
    skipped = sum(s[3] for s in suites)
    for s in suites:
        state = s[4] or "no result (crashed or hung)"
        print(f"  suite {s[0]}: {state}: {s[1]} passed, {s[2]} failed, {s[3]} skipped")
        if s[4] is None or (s[4] == "not ok" and s[2] == 0):
            failed += 1
            failed_cases.append(f"{s[0]} (suite: {state})")
    for c in failed_cases:
        print(f"FAIL {c}")
    reasons = []
    if len(suites) < expected:
        reasons.append(f"{len(suites)} suites reported, {expected} expected")
        failed += expected - len(suites)
    if not done:
        reasons.append("the guest never reached 'tcpinc-kunit: done'")
    if problems:
        reasons.append(f"kernel report(s) on the console, first: {problems[0][:200]}")
        for p in problems[:20]:
            print(f"  report: {p[:200]}")
    if (reasons) and failed == 0:
        failed = 1
    for r in reasons:
        print(f"FAIL {r}")
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_tcg_report.py - per-connection figures from tools/tcg-count's dump.

  tcpinc_tcg_report.py DUMP COUNT MODE... [--kallsyms FILE [--top N] [--module-ko KO]]

For each MODE, the counters between the marks MODE-start and MODE-end
(written by tcpinc_bench.py cost --tcg-mark around COUNT connections) divided
by COUNT, per guest region (user, kernel text, module area) and in total, in
thousands: translated blocks entered, how many of those were steps of
rep-prefixed string instructions (TCG runs one cheap block per step),
instructions, memory accesses, and "unchained" transfers (returns, indirect
jumps, direct jumps that leave the block's page: TCG resolves those with a
lookup instead of a patched jump). Then the blocks translated per connection,
and each mode's totals as ratios to the first mode's ("blocks": the blocks
other than rep steps). Prints a line 'BENCH conn-tcg ...'. Exits 1 if a mark
is missing.

With --kallsyms (the guest's /proc/kallsyms), DUMP.blocks (blocks entered
per start address in the kernel half) is broken down per function: the N
functions whose blocks per connection grew most from the first mode to each
other mode. With --module-ko too (the tcpinc.ko that ran), the module's own
functions are listed by their blocks other than rep steps (the blocks that
start at one of its rep stos/movs instructions, found with objdump).
"""
import argparse
import bisect
import re
import subprocess
import sys

REGIONS = ("user", "kernel", "module")


def load(path):
    marks, cur = {}, None
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0] == "mark":
                cur = marks.setdefault(" ".join(words[1:]), {})
                continue
            cur[words[0]] = {k: int(v) for k, v in (w.split("=") for w in words[1:])}
    return marks


def per_connection(marks, mode, count):
    try:
        a, b = marks[mode + "-start"], marks[mode + "-end"]
    except KeyError as e:
        sys.exit("tcpinc_tcg_report: no mark %s" % e)
    out = {}
    for r in REGIONS:
        d = {k: (b[r][k] - a[r][k]) / count for k in a[r]}
        d["unchained"] = d["ret"] + d["indirect"] + d["xpage"]
        d["blocks"] = d["tbs"] - d["rep"]  # blocks other than rep steps
        out[r] = d
    out["total"] = {k: sum(out[r][k] for r in REGIONS) for k in out["user"]}
    return out


def load_blocks(path):
    marks, cur = {}, None
    with open(path) as f:
        for line in f:
            words = line.split()
            if words[0] == "mark":
                cur = marks.setdefault(" ".join(words[1:]), {})
            else:
                cur[int(words[0], 16)] = int(words[1])
    return marks


def load_kallsyms(path):
    syms = []
    with open(path) as f:
        for line in f:
            words = line.split()
            if len(words) >= 3 and words[1] in "tTWw":
                mod = " " + words[3] if len(words) > 3 else ""
                syms.append((int(words[0], 16), words[2] + mod))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def function_deltas(blocks, mode, count, addrs, names):
    """(function, start address, blocks per connection) for every block the
    mode entered between its marks."""
    try:
        a, b = blocks[mode + "-start"], blocks[mode + "-end"]
    except KeyError as e:
        sys.exit("tcpinc_tcg_report: no block mark %s" % e)
    for va, n in b.items():
        d = n - a.get(va, 0)
        if d <= 0:
            continue
        i = bisect.bisect_right(addrs, va) - 1
        yield (names[i] if i >= 0 else "?"), va, d / count


def per_function(blocks, mode, count, addrs, names):
    out = {}
    for name, _, d in function_deltas(blocks, mode, count, addrs, names):
        out[name] = out.get(name, 0) + d
    return out


def module_rep_addrs(ko, addrs, names):
    """Guest addresses of the module's rep stos/movs instructions: the
    blocks that start there are rep steps. Offsets from objdump of the .ko,
    functions placed by kallsyms."""
    where = {n.split()[0]: a for a, n in zip(addrs, names) if n.endswith(" [tcpinc]")}
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", ko], capture_output=True, text=True,
                         check=True).stdout
    reps, fn, base = set(), None, 0
    for line in dis.splitlines():
        m = re.match(r"^([0-9a-f]+) <(.*)>:", line)
        if m:
            fn, base = m.group(2), int(m.group(1), 16)
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+rep (stos|movs)", line)
        if m and fn in where:
            reps.add(where[fn] + int(m.group(1), 16) - base)
    return reps


def module_split(blocks, mode, count, addrs, names, reps):
    """Per module function: (blocks other than rep steps, rep steps)."""
    out = {}
    for name, va, d in function_deltas(blocks, mode, count, addrs, names):
        if name.endswith(" [tcpinc]"):
            out.setdefault(name, [0.0, 0.0])[1 if va in reps else 0] += d
    return out


def breakdown(dump, kallsyms, count, modes, top, ko=None):
    blocks = load_blocks(dump + ".blocks")
    addrs, names = load_kallsyms(kallsyms)
    if not addrs or not any(addrs):
        print("per function: no addresses in %s (kptr_restrict?), skipped" % kallsyms)
        return
    per = {m: per_function(blocks, m, count, addrs, names) for m in modes}
    base = per[modes[0]]
    for m in modes[1:]:
        grow = sorted(((v - base.get(f, 0), f) for f, v in per[m].items()), reverse=True)[:top]
        total = sum(per[m].values()) - sum(base.values())
        print("kernel-half blocks per connection, %s minus %s: %+.0f; the %d functions that grew most:"
              % (m, modes[0], total, top))
        for d, f in grow:
            print("  %+8.0f  %8.0f  %s" % (d, per[m][f], f))
    if not ko:
        return
    # The module's own functions, with rep steps (cheap) apart from the rest.
    reps = module_rep_addrs(ko, addrs, names)
    for m in modes[1:]:
        split = module_split(blocks, m, count, addrs, names, reps)
        other = sum(v[0] for v in split.values())
        print("module-area blocks per connection, %s: %.0f other than rep steps, %.0f rep steps;"
              " the %d functions with the most other blocks (other, rep):"
              % (m, other, sum(v[1] for v in split.values()), top))
        for f, (o, r) in sorted(split.items(), key=lambda kv: -kv[1][0])[:top]:
            print("  %8.0f  %8.0f  %s" % (o, r, f))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump")
    ap.add_argument("count", type=int)
    ap.add_argument("modes", nargs="+")
    ap.add_argument("--kallsyms")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--module-ko", help="with --kallsyms: split the module's blocks into rep steps and others")
    a = ap.parse_args()
    marks, count, modes = load(a.dump), a.count, a.modes
    res = {m: per_connection(marks, m, count) for m in modes}
    cols = ("tbs", "rep", "insns", "mem", "unchained")
    print("thousands per connection (blocks entered, of which rep string steps, instructions, memory accesses,"
          " unchained transfers)")
    print("%-8s %-8s" % ("region", "mode") + "".join("%10s" % c for c in cols) + "  insns/tb")
    for r in REGIONS + ("total",):
        for m in modes:
            v = res[m][r]
            print("%-8s %-8s" % (r, m) + "".join("%10.1f" % (v[c] / 1000) for c in cols)
                  + "  %8.2f" % (v["insns"] / v["tbs"] if v["tbs"] else 0))
    # After boot a connection translates nothing; code translated again and
    # again (a page of code written to, say) would show here.
    print("blocks translated per connection (not thousands): "
          + ", ".join("%s %.2f" % (m, res[m]["total"]["translated"]) for m in modes))
    base = res[modes[0]]["total"]
    print("ratios of the totals to %s:" % modes[0])
    for m in modes[1:]:
        t = res[m]["total"]
        print("  %-8s " % m + "  ".join("%s %.2f" % (c, t[c] / base[c])
                                         for c in ("tbs", "blocks", "insns", "mem", "unchained")))
    print("BENCH conn-tcg (thousand blocks per connection): "
          + ", ".join("%s %.1f" % (m, res[m]["total"]["tbs"] / 1000) for m in modes)
          + "; module-area blocks: "
          + ", ".join("%s %.1f" % (m, res[m]["module"]["tbs"] / 1000) for m in modes))
    if a.kallsyms:
        breakdown(a.dump, a.kallsyms, count, modes, a.top, a.module_ko)
    return 0


if __name__ == "__main__":
    sys.exit(main())

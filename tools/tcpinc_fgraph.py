#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_fgraph.py - where a connection's instructions go, from the
function_graph tracer's output (conn-trace, under ICOUNT=1: a guest
microsecond is a thousand guest instructions).

  tcpinc_fgraph.py --count N [--untraced MODE=US --traced MODE=US]... [--top K]
                   MODE=trace.txt...

Only the functions in set_ftrace_filter are traced, so a function's
duration includes its untraced callees, and the durations of the traced
ones below it. Tracing itself costs instructions at every traced call:
the per-call cost is estimated as (traced - untraced) / traced calls,
with the benchmark's own cost per connection measured in the same guest
run without tracing (--untraced) and with it (--traced). Each function
is printed with calls per connection and its inclusive and self time
per connection, raw and
with that cost taken off once per traced call in its subtree (inclusive)
or once per own call (self). The correction is an estimate: read the
corrected figures to a few thousand instructions."""
import argparse
import collections
import re

LINE = re.compile(r"^\s*\d+\)\s+(?:[+!#*@$]\s+)?(?:([\d.]+) us\s+)?\|\s?(.*)$")


def parse(path):
    """Per function: [calls, inclusive, self, traced calls in subtree];
    and the sum of the outermost calls' durations, and all calls."""
    agg = collections.defaultdict(lambda: [0, 0.0, 0.0, 0])
    stack, top, ncalls = [], 0.0, 0
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m or line.startswith("#"):
                continue
            dur, body = m.group(1), m.group(2).strip()
            if body.endswith("();") and dur:
                d, name, sub, child = float(dur), body[:-3], 1, 0.0
            elif body.endswith("{"):
                stack.append([body[:-1].strip().rstrip("()").strip(), 0.0, 0])
                continue
            elif body.startswith("}") and stack:
                name, child, nsub = stack.pop()
                if not dur:		# lost its duration (buffer overrun): skip it
                    continue
                d, sub = float(dur), 1 + nsub
            else:
                continue
            a = agg[name]
            a[0] += 1
            a[1] += d
            a[2] += d - child
            a[3] += sub
            ncalls += 1
            if stack:
                stack[-1][1] += d
                stack[-1][2] += sub
            else:
                top += d
    return agg, top, ncalls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, required=True, help="connections traced per mode")
    ap.add_argument("--untraced", action="append", default=[],
                    help="MODE=US: the mode's cost per connection, not traced")
    ap.add_argument("--traced", action="append", default=[],
                    help="MODE=US: the mode's cost per connection while traced")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("runs", nargs="+", help="MODE=trace.txt")
    args = ap.parse_args()
    untraced = dict(u.split("=", 1) for u in args.untraced)
    whole = dict(u.split("=", 1) for u in args.traced)
    n = args.count
    for run in args.runs:
        mode, path = run.split("=", 1)
        agg, top, ncalls = parse(path)
        ovh = 0.0
        if mode in untraced and mode in whole and ncalls:
            ovh = max(0.0, (float(whole[mode]) - float(untraced[mode])) / (ncalls / n))
        print(f"{mode}: {untraced.get(mode, '?')} us per connection untraced, "
              f"{whole.get(mode, '?')} traced ({top / n:.0f} in the outermost traced calls); "
              f"{ncalls / n:.1f} traced calls per connection, tracing costs about "
              f"{ovh:.2f} us per call")
        print(f"  {'calls':>6} {'incl':>7} {'self':>7} {'incl-t':>7} {'self-t':>7}  function  "
              "(per connection; -t: tracing's cost taken off)")
        rows = sorted(agg.items(), key=lambda kv: -(kv[1][1] - ovh * kv[1][3]))
        for name, (c, inc, slf, sub) in rows[:args.top]:
            print(f"  {c / n:6.1f} {inc / n:7.1f} {slf / n:7.1f} {(inc - ovh * sub) / n:7.1f} "
                  f"{(slf - ovh * c) / n:7.1f}  {name}")


if __name__ == "__main__":
    main()

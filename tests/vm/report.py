# SPDX-License-Identifier: GPL-2.0
"""report.py - what the VM harness reads and prints: the guests' result
channel ("@tcpinc ..." lines and files), the console log split per scenario
and scanned for kernel problems, and the verdict lines ("PASS name", ...,
"N passed, N failed[, N skipped]") with console tails. Part of
tests/vm/run.py."""
import base64
import os
import re
import sys
from pathlib import Path

# Kernel log markers that fail the scenario during which they appear.
MARKER_RE = re.compile(
    r"WARNING:|BUG:|Kernel panic|Call Trace|general protection|KASAN|UBSAN"
    r"|kmemleak|Oops:")


def die(msg, code=2):
    print(f"run.py: {msg}", file=sys.stderr)
    sys.exit(code)


# --------------------------------------------------------------------------
# Result channel: "@tcpinc <verb> <args>" lines, and base64 files between
# "@tcpinc file-begin NAME" / "@tcpinc file-end NAME".

class Events:
    def __init__(self):
        self.lines = []        # (verb, [args...], raw rest)
        self.files = {}        # name -> bytes
        self.verdicts = {}     # scenario -> (verb, reason)
        self.notes = []

    def has(self, verb, arg=None):
        return any(v == verb and (arg is None or (a and a[0] == arg)) for v, a, _ in self.lines)


def parse_results(path):
    ev = Events()
    try:
        text = path.read_bytes().decode(errors="replace")
    except OSError:
        return ev
    cur, buf = None, []
    for line in text.replace("\r", "").split("\n"):
        if cur is not None:
            if line.startswith("@tcpinc file-end"):
                try:
                    ev.files[cur] = base64.b64decode("".join(buf))
                except ValueError:
                    ev.files[cur] = b"(undecodable)\n"
                cur, buf = None, []
            else:
                buf.append(line.strip())
            continue
        if not line.startswith("@tcpinc "):
            continue
        parts = line[len("@tcpinc "):].split(" ", 2)
        verb = parts[0]
        if verb == "file-begin" and len(parts) > 1:
            cur = os.path.basename(parts[1])
            continue
        ev.lines.append((verb, parts[1:], line))
        if verb in ("pass", "fail", "skip") and len(parts) > 1:
            ev.verdicts[parts[1]] = (verb, parts[2] if len(parts) > 2 else "")
        elif verb == "note":
            ev.notes.append(" ".join(parts[1:]))
    return ev


# --------------------------------------------------------------------------
# Console log: split at "tcpinc-vm: start <name>" and scan for markers.

def console_sections(path):
    """{'(boot)': text, name: text...}: a scenario's section runs from its
    start marker to the next scenario's start marker (or the end)."""
    try:
        text = path.read_bytes().decode(errors="replace")
    except OSError:
        return {"(boot)": ""}
    secs, cur, buf = {}, "(boot)", []
    for line in text.splitlines():
        m = re.search(r"tcpinc-vm: start (\S+)", line)
        if m:
            secs[cur] = "\n".join(buf)
            cur, buf = m.group(1), []
        buf.append(line)
    secs[cur] = "\n".join(buf)
    return secs


def kernel_problem(text):
    for line in text.splitlines():
        if "tcpinc-vm:" in line or line.startswith("@tcpinc"):
            continue
        m = MARKER_RE.search(line)
        if m:
            return line.strip()[:160]
    return None


# --------------------------------------------------------------------------
# Reporting

class Report:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def add(self, name, verdict, reason="", logs=(), notes=(), subcases=()):
        if verdict == "pass":
            self.passed += 1
            print(f"PASS {name}")
        elif verdict == "skip":
            self.skipped += 1
            print(f"SKIP {name} ({reason or 'no reason given'})")
        else:
            self.failed += 1
            print(f"FAIL {name} ({reason or 'no reason given'})")
            # One line per failed sub-case: the first does not hide the rest.
            for sub in subcases:
                print(f"  FAIL {name} / {sub}")
            for label, p in logs:
                print(f"  {label}: {p}")
            # CI keeps only this output, not the logs: the end of each guest
            # console is usually what says why (a hang, an oops, a stuck init).
            for label, p in logs:
                if label.endswith("console"):
                    tail = console_tail(p)
                    if tail:
                        print(f"  last lines of {label}:")
                        for line in tail:
                            print(f"    | {line}")
        for n in notes:
            print(f"  note: {n}")
        sys.stdout.flush()

    def summary(self):
        s = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            s += f", {self.skipped} skipped"
        return s


def subcase_failures(path):
    """The failed sub-cases a scenario log records (lib.sh's check_eq:
    "SUBFAIL: what: expected ..., got ..."), then, if there is any, the
    fail/expect_eq that ended the scenario ("FAIL: ..."). Empty for a
    scenario that uses no sub-cases, so its report is as before."""
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return []
    subs = [l[len("SUBFAIL: "):].strip()[:200] for l in lines if l.startswith("SUBFAIL: ")]
    if subs:
        subs += [l[len("FAIL: "):].strip()[:200] for l in lines if l.startswith("FAIL: ")][:1]
    return subs


def console_tail(p, n=12):
    try:
        lines = Path(p).read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [l.rstrip()[:200] for l in lines if l.strip()][-n:]


def rel(p):
    try:
        return str(Path(p).relative_to(Path.cwd()))
    except ValueError:
        return str(p)

# SPDX-License-Identifier: GPL-2.0
"""qemu.py - QEMU processes of the VM harness: the command line, start,
the HMP monitor, and kill. Every process started here is registered and
killed on every exit path of run.py. Part of tests/vm/run.py."""
import atexit
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import threading
import time

from report import parse_results

QEMU_BIN = "qemu-system-x86_64"

KCMDLINE = ("console=ttyS0,115200 panic=-1 no_hash_pointers "
            # Host starvation under TCG must not look like a kernel bug.
            "rcupdate.rcu_cpu_stall_timeout=120 watchdog_thresh=60 "
            "i8042.noaux i8042.nokbd")
# Extra kernel parameters, e.g. panic_on_warn=1 for the debug kernel.
KCMDLINE = f"{KCMDLINE} {os.environ.get('TCPINC_VM_APPEND', '')}".strip()


# --------------------------------------------------------------------------
# QEMU processes. Every one is registered and killed on exit.

LIVE = set()


def kill_all():
    for q in list(LIVE):
        q.kill()


atexit.register(kill_all)


def _on_signal(signum, _frame):
    kill_all()
    print(f"run.py: killed by signal {signum}; QEMU processes stopped", file=sys.stderr)
    os._exit(128 + signum)


def _die_with_parent():
    """In the QEMU child: get SIGKILL if run.py dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def opt_path(p):
    """A path inside a QEMU -option value (commas are doubled)."""
    return str(p).replace(",", ",,")


class Qemu:
    def __init__(self, name, env, logdir, initrd, append="", mem="512M", extra=(),
                 monitor=False, prefix=None):
        prefix = name if prefix is None else prefix
        self.name = name
        self.console = logdir / f"{prefix}console.log"
        self.results = logdir / f"{prefix}results.log"
        self.stderr = logdir / f"{prefix}qemu.log"
        self.monitor = monitor
        self.mon_out = []
        self.mon_lock = threading.Lock()
        self.proc = None
        self.started = None
        self.argv = [
            QEMU_BIN, "-accel", "tcg", "-smp", "1", "-m", mem,
            "-nodefaults", "-no-user-config", "-display", "none", "-vga", "none",
            "-no-reboot",
            "-kernel", str(env.vmlinuz), "-initrd", str(initrd),
            "-append", f"{KCMDLINE} {append}".strip(),
            "-serial", f"file:{opt_path(self.console)}",
            "-serial", f"file:{opt_path(self.results)}",
            "-monitor", "stdio" if monitor else "none",
        ] + list(extra)

    def start(self):
        self.results.write_bytes(b"")
        (self.console.parent / (self.console.name.replace("console.log", "cmdline.txt"))
         ).write_text(" ".join(shlex.quote(a) for a in self.argv) + "\n")
        errf = open(self.stderr, "wb")
        self.proc = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE if self.monitor else subprocess.DEVNULL,
            stdout=subprocess.PIPE if self.monitor else errf, stderr=errf,
            start_new_session=True, cwd=str(self.console.parent),
            preexec_fn=_die_with_parent)
        errf.close()
        self.started = time.monotonic()
        LIVE.add(self)
        if self.monitor:
            threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            with self.mon_lock:
                self.mon_out.append(chunk.decode(errors="replace"))

    def hmp(self, cmd):
        with self.mon_lock:
            self.mon_out.clear()
        try:
            self.proc.stdin.write((cmd + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def hmp_output(self):
        with self.mon_lock:
            return "".join(self.mon_out)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        LIVE.discard(self)

    def wait_exit(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def events(self):
        return parse_results(self.results)

    def qemu_error(self):
        try:
            txt = self.stderr.read_text(errors="replace").strip()
        except OSError:
            return ""
        return txt.splitlines()[-1] if txt else ""

"""Helpers for the lifecycle, exec, filter and error tests.

Live traces (no command): start proclife, wait until it says it is tracing
(its "tracing, Ctrl-C to stop" line comes after the programs are attached
and the running tasks are seeded), run a workload, then end it (end(): SIGINT
once the workload is over; or -d, or a signal of the test's own), and hand
back a harness.Trace.
"""
import json
import os
import signal
import subprocess
import threading
import time

from harness import PROCLIFE, Trace

EVENT_NAMES = {"fork", "thread", "exec", "comm", "exit", "reparent", "reap", "lost"}


class Live:
    """A live `proclife ARGS` run (no command)."""

    def __init__(self, args, ready_timeout=15):
        self.args = [PROCLIFE] + list(args)
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, errors="surrogateescape",
                                     text=True)
        self.started = time.monotonic()
        self._out = []
        self._err = []
        self._ready = threading.Event()
        self.ready_at = None
        self._t_out = threading.Thread(target=self._pump_out, daemon=True)
        self._t_err = threading.Thread(target=self._pump_err, daemon=True)
        self._t_out.start()
        self._t_err.start()
        if not self._ready.wait(ready_timeout):
            self.kill()
            raise AssertionError("proclife did not start tracing within %ss: %s" % (
                ready_timeout, "".join(self._err)))
        # if it ended before tracing (an error), ready_at stays None: the
        # caller's wait() shows the status and the message

    def _pump_out(self):
        for chunk in iter(lambda: self.proc.stdout.read(65536), ""):
            self._out.append(chunk)

    def _pump_err(self):
        for line in self.proc.stderr:
            self._err.append(line)
            # the ready line itself: other lines may say "tracing" too
            # (--container's "no container ... yet: tracing ...")
            if line.startswith("proclife: tracing") and self.ready_at is None:
                self.ready_at = time.monotonic()
                self._ready.set()
        self._ready.set()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def end(self, timeout=30):
        """End the trace once the workload is over, and wait for it.

        What the workload did is in the ring buffer by the time its last
        wait returned, and proclife drains it all on SIGINT: unlike a
        fixed -d, nothing depends on how long the start took."""
        self.signal(signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout=30):
        """Wait for the end; returns a harness.Trace (no report lines)."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("proclife did not end within %ss" % timeout)
        self.ended = time.monotonic()
        self._t_out.join(10)
        self._t_err.join(10)
        return Trace(self.proc.returncode, "".join(self._out), "".join(self._err), [])


def descendants(events, roots):
    """The pids of roots plus every process forked (in the stream) from them."""
    tree = set(roots)
    for e in events:
        if e["event"] == "fork" and e["ppid"] in tree:
            tree.add(e["pid"])
    return tree


def index_of(t, ev):
    """Position of event ev in t.events (identity)."""
    for i, e in enumerate(t.events):
        if e is ev:
            return i
    raise AssertionError("event not in the trace: %r" % ev)


def dump(events, limit=40):
    return "\n".join(json.dumps(e) for e in events[:limit])


def run_as_nobody(cmd, **kw):
    """cmd as uid/gid 65534 with no capabilities (setpriv)."""
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "--inh-caps=-all"] + list(cmd), **kw)


def have(prog):
    for d in os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"):
        if os.access(os.path.join(d, prog), os.X_OK):
            return True
    return False

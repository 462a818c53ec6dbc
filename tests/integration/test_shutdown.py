"""How a run ends under SIGINT, SIGTERM and SIGHUP, many times over.

A script that starts `proclife -q -o FILE &` and later sends it a signal
must see it end promptly with a complete file, whenever the signal comes:
while the programs load, while the running tasks are read, or in the loop.
Each run starts the way a background job of a non-interactive shell does
(SIGINT and SIGQUIT ignored), the case where a signal sent during start-up
used to be lost and the tracer ran on.
"""
import concurrent.futures
import contextlib
import json
import os
import random
import signal
import subprocess
import tempfile
import time

from harness import PROCLIFE, TracerTest, load_json

RUNS = int(os.environ.get("PL_SHUTDOWN_RUNS", "30"))
PROMPT_S = 5.0   # the longest a run may take to end after its signal


def as_background_job():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)
    # a hangup as a script's job gets it, whether or not this suite itself
    # runs under nohup
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def under_nohup():
    as_background_job()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def signal_bits(pid):
    """(blocked, caught) signal masks of pid, from /proc."""
    bits = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("SigBlk", "SigCgt"):
                bits[key] = int(val, 16)
    return bits["SigBlk"], bits["SigCgt"]


def wait_until_in_charge(p, sig):
    """Until proclife blocks or catches sig (its main has begun)."""
    bit = 1 << (sig - 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if os.readlink("/proc/%d/exe" % p.pid) == os.path.realpath(PROCLIFE):
                blocked, caught = signal_bits(p.pid)
                if (blocked | caught) & bit:
                    return
        except OSError:
            pass
        time.sleep(0.0005)
    raise AssertionError("proclife did not start within 10 s")


def wait_for_child(p, comm):
    """Until proclife's CMD runs as comm (start-up takes longer than any
    fixed delay on a loaded machine)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/stat" % pid) as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            if ppid == p.pid and name == comm:
                return
        time.sleep(0.01)
    raise AssertionError("CMD %s did not start within 30 s" % comm)


@contextlib.contextmanager
def tracer(cmd=(), preexec=as_background_job):
    """proclife -q -o PATH [-- CMD] as a script's job; yields (process,
    path); kills what is left and removes the file afterwards."""
    fd, path = tempfile.mkstemp(prefix="plx_stop", suffix=".json")
    os.close(fd)
    os.unlink(path)
    args = [PROCLIFE, "-q", "-o", path] + (["--"] + list(cmd) if cmd else [])
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
    try:
        yield p, path
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stderr.close()
        if os.path.exists(path):
            os.unlink(path)


def one_run(sig, delay, cmd=(), child=None, preexec=as_background_job):
    """Start, wait delay seconds after main began (or after CMD runs as
    child), signal, wait for the end. Returns (status, seconds from signal
    to exit, stderr, document or None)."""
    with tracer(cmd, preexec) as (p, path):
        wait_until_in_charge(p, signal.SIGINT if preexec is under_nohup else sig)
        if child:
            wait_for_child(p, child)
        time.sleep(delay)
        sent = time.monotonic()
        p.send_signal(sig)
        try:
            p.wait(PROMPT_S + 30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return None, None, p.stderr.read(), None
        took = time.monotonic() - sent
        err = p.stderr.read()
        doc = load_json(path) if os.path.exists(path) else None
        return p.returncode, took, err, doc


class Shutdown(TracerTest):
    def check_many(self, sig):
        rng = random.Random(1000 + sig)
        # start-up (loading, attaching, seeding) takes about 0.7 s here:
        # the delays cover it and the first moments of the loop
        delays = [rng.uniform(0.0, 1.5) for _ in range(RUNS)]
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            results = list(pool.map(lambda d: (d,) + one_run(sig, d), delays))
        bad = []
        for delay, status, took, err, doc in results:
            why = None
            if status is None:
                why = "did not end within %.0f s" % (PROMPT_S + 30)
            elif status != 0:
                why = "status %d" % status
            elif took > PROMPT_S:
                why = "ended %.2f s after the signal" % took
            elif doc is None:
                why = "no file"
            elif doc.get("schema") != "proclife.timeline/1" or \
                    doc["trace"]["end_ns"] < doc["trace"]["start_ns"]:
                why = "incomplete document"
            elif " events, " not in err.splitlines()[-1]:
                why = "no totals line"
            if why:
                bad.append("delay %.3f s: %s\n%s" % (delay, why, err))
        self.assertEqual(bad, [], "%d of %d runs under %s:\n%s" % (
            len(bad), RUNS, signal.Signals(sig).name, "\n".join(bad)))

    def test_sigint_many_times(self):
        self.check_many(signal.SIGINT)

    def test_sigterm_many_times(self):
        self.check_many(signal.SIGTERM)

    def test_sighup_many_times(self):
        self.check_many(signal.SIGHUP)

    def test_sighup_in_command_mode_is_passed_on(self):
        """proclife -- CMD: SIGHUP reaches CMD, which ends; the file is whole."""
        status, took, err, doc = one_run(signal.SIGHUP, 0.2, ["/bin/sleep", "30"],
                                         child="sleep")
        self.assertEqual(status, 128 + signal.SIGHUP, err)
        self.assertLess(took, PROMPT_S, err)
        sleeps = [p for p in doc["processes"] if p["comm"] == "sleep" and not p.get("pre_existing")]
        self.assertEqual(len(sleeps), 1, json.dumps(doc["processes"])[:2000])
        self.assertEqual(sleeps[0]["exit"]["signal"], "SIGHUP")

    def test_sighup_under_nohup_is_ignored_with_command(self):
        """nohup proclife -- CMD: a hangup passes unnoticed by both; the
        trace ends when CMD does, with CMD's status."""
        status, took, err, doc = one_run(
            signal.SIGHUP, 0.2, ["/bin/sh", "-c", "sleep 1; exit 7"], child="sh",
            preexec=under_nohup)
        self.assertEqual(status, 7, err)
        self.assertGreater(took, 0.5, "ended at the hangup, not with CMD")
        shells = [p for p in doc["processes"] if p["comm"] == "sh"]
        self.assertEqual(len(shells), 1, json.dumps(doc["processes"])[:2000])
        self.assertEqual(shells[0]["exit"]["code"], 7)
        self.assertIsNone(shells[0]["exit"]["signal"])

    def test_sighup_under_nohup_is_ignored_live(self):
        """nohup proclife: a hangup does not end the trace; SIGTERM does,
        with a complete file."""
        with tracer(preexec=under_nohup) as (p, path):
            wait_until_in_charge(p, signal.SIGTERM)
            time.sleep(0.3)
            p.send_signal(signal.SIGHUP)
            with self.assertRaises(subprocess.TimeoutExpired):
                p.wait(1.0)
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(PROMPT_S + 30), 0)
            doc = load_json(path)
            self.assertEqual(doc["schema"], "proclife.timeline/1")
            self.assertIn(" events, ", p.stderr.read().splitlines()[-1])

    def test_signal_before_command_starts(self):
        """A stop that comes while the programs load: CMD is not started,
        the (empty) trace is still written, the status says which signal."""
        marker = tempfile.mktemp(prefix="plx_never")
        status, took, err, doc = one_run(signal.SIGTERM, 0.0, ["/bin/touch", marker])
        self.assertEqual(status, 128 + signal.SIGTERM, err)
        self.assertIn("not started", err)
        self.assertFalse(os.path.exists(marker), "CMD ran after the stop")
        self.assertEqual(doc["schema"], "proclife.timeline/1")
        self.assertEqual([p for p in doc["processes"] if not p.get("pre_existing")], [])


class DurationWithCommand(TracerTest):
    """-d SEC -- CMD ends the run after SEC as timeout(1) would: CMD gets
    SIGTERM (its end is traced), SIGKILL 5 s later if it is still there."""

    def run_d(self, script):
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        # files, not pipes: CMD's orphaned children (sleep) keep pipes open
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            try:
                started = time.monotonic()
                p = subprocess.Popen([PROCLIFE, "-q", "-d", "1", "-o", path, "--", "/bin/sh",
                                      "-c", script], stdout=out, stderr=err)
                p.wait(60)
                took = time.monotonic() - started
                doc = load_json(path)
            finally:
                os.unlink(path)
            out.seek(0)
            err.seek(0)
            p.stdout, p.stderr = out.read(), err.read()
        roots = [q for q in doc["processes"] if q["parent"] is None]
        self.assertEqual(len(roots), 1, json.dumps(doc["processes"])[:3000])
        return p, took, roots[0]

    def test_duration_terminates_command(self):
        p, took, sh = self.run_d("sleep 30; echo never")
        self.assertEqual(p.returncode, 128 + signal.SIGTERM, p.stderr)
        self.assertNotIn("never", p.stdout)
        self.assertLess(took, 4.0)
        self.assertEqual(sh["exit"]["signal"], "SIGTERM")
        self.assertIsNotNone(sh["reap_ns"])

    def test_duration_kills_a_command_that_ignores_sigterm(self):
        p, took, sh = self.run_d("trap '' TERM; sleep 8; echo never")
        self.assertEqual(p.returncode, 128 + signal.SIGKILL, p.stderr)
        self.assertNotIn("never", p.stdout)
        self.assertGreater(took, 5.5)
        self.assertLess(took, 8.0)
        self.assertEqual(sh["exit"]["signal"], "SIGKILL")

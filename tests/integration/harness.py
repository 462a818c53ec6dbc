"""Run the real tracer over fixtures and give tests its events.

Every test here runs ./proclife as root on the running kernel. A fixture's
own JSON report goes to a file (so it never mixes with the tracer's stream
on stdout) and is handed to the test with the tracer's events, so the test
can match what the tracer saw against what the fixture did.
"""
import json
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROCLIFE = os.environ.get("PROCLIFE", os.path.join(ROOT, "proclife"))
FIXTURES = os.environ.get("FIXTURES", os.path.join(ROOT, "tests", "fixtures", "build"))
SCHEMA = os.path.join(ROOT, "docs", "timeline.schema.json")


def fixture(name):
    return os.path.join(FIXTURES, name)


class Trace:
    """What one tracer run produced."""

    def __init__(self, status, stdout, stderr, report_lines, output_path=None):
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.events = []
        self.other = []
        for line in stdout.splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            (self.events if "event" in obj and "t_ns" in obj else self.other).append(obj)
        self.reports = report_lines
        self.report = report_lines[-1] if report_lines else None
        self.output_path = output_path

    def find(self, **want):
        """Events whose fields equal every given value."""
        return [e for e in self.events if all(e.get(k) == v for k, v in want.items())]

    def one(self, **want):
        found = self.find(**want)
        if len(found) != 1:
            raise AssertionError("expected exactly one event matching %r, got %d:\n%s" % (
                want, len(found), "\n".join(json.dumps(e) for e in found[:10])))
        return found[0]

    def of_pid(self, pid):
        return [e for e in self.events if e["pid"] == pid]

    def totals(self):
        """(events, lost) from the closing line on stderr."""
        for line in self.stderr.splitlines():
            if line.startswith("proclife: ") and " events, " in line:
                parts = line[len("proclife: "):].split(",")
                return int(parts[0].split()[0]), int(parts[1].split()[0])
        raise AssertionError("no totals line on stderr:\n" + self.stderr)


def run(args, timeout=120, env=None):
    """Run proclife with args; returns CompletedProcess (text, both pipes)."""
    return subprocess.run([PROCLIFE] + list(args), capture_output=True, timeout=timeout,
                          env=env, errors="surrogateescape", text=True)


def trace(cmd, opts=("-j",), timeout=120, output=None):
    """proclife OPTS -- CMD, with CMD's stdout sent to a report file."""
    with tempfile.NamedTemporaryFile("r", suffix=".report", delete=False) as rep:
        report = rep.name
    try:
        # sh execs CMD in place: same pid, CMD's stdout is the report file
        wrapped = ["/bin/sh", "-c", 'exec "$0" "$@" >"$PL_REPORT"'] + list(cmd)
        env = dict(os.environ, PL_REPORT=report)
        p = subprocess.run([PROCLIFE] + list(opts) + ["--"] + wrapped, capture_output=True,
                           timeout=timeout, env=env, errors="surrogateescape", text=True)
        with open(report, errors="surrogateescape") as f:
            lines = [json.loads(l) for l in f if l.strip()]
    finally:
        os.unlink(report)
    return Trace(p.returncode, p.stdout, p.stderr, lines, output)


def load_json(path):
    with open(path, errors="surrogateescape") as f:
        return json.load(f)


class TracerTest(unittest.TestCase):
    """Base class: skips everything when not root or the tracer is missing."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("integration tests need root")
        if not os.access(PROCLIFE, os.X_OK):
            raise unittest.SkipTest("no proclife binary at " + PROCLIFE)

    def assertNoLoss(self, t):
        events, lost = t.totals()
        self.assertEqual(lost, 0, "events were lost:\n" + t.stderr)
        self.assertEqual(t.find(event="lost"), [])


def exit_of_stream(events, pid, start_ns):
    """The process's exit in the stream: the exit event of its last thread."""
    for e in events:
        if (e["event"] == "exit" and e["pid"] == pid and e["start_ns"] == start_ns
                and e.get("group_dead", e["tid"] == pid)):
            return e
    return None


def assert_stream_matches_document(test, events, doc):
    """One owner per fact: for every process the live JSON stream and the
    -o document tell, both say the same exit status, reaper, how, zombie
    time and exactness. events: the stream's events; doc: the loaded
    timeline document. Returns the number of processes compared."""
    reaps = {(e["pid"], e["start_ns"]): e for e in events if e["event"] == "reap"}
    exits = {}
    for e in events:
        if e["event"] == "exit" and e.get("group_dead"):
            exits[(e["pid"], e["start_ns"])] = e
    compared = 0
    for p in doc["processes"]:
        key = (p["pid"], p["start_ns"])
        reap, ex = reaps.get(key), exits.get(key)
        what = "%s: stream %r / document %r" % (p["id"], reap, {
            k: p.get(k) for k in ("exit", "reaper", "zombie_ns", "reap_ns", "reap_exact")})
        if ex is not None:
            test.assertIsNotNone(p["exit"], what)
            test.assertEqual(p["exit"]["code"], ex.get("code"), what)
            test.assertEqual(p["exit"]["signal"], ex.get("signal"), what)
            test.assertEqual(p["exit_ns"], ex["t_ns"], what)
        if reap is None:
            test.assertTrue(p["reaper"] is None or key not in reaps, what)
            continue
        compared += 1
        test.assertIsNotNone(p["reaper"], what)
        test.assertEqual(p["reaper"]["how"], reap["how"], what)
        test.assertEqual(p["reaper"]["pid"], (reap["reaper"] or {}).get("pid"), what)
        test.assertEqual(p["reap_ns"], reap["t_ns"], what)
        test.assertEqual(p["zombie_ns"], reap["zombie_ns"], what)
        test.assertEqual(p.get("reap_exact"), reap.get("exact"), what)
        # the reap carries the status the reaper got: the same as the exit's
        if reap.get("code") is not None or reap.get("signal") is not None:
            test.assertIsNotNone(p["exit"], what)
            test.assertEqual(p["exit"]["code"], reap.get("code"), what)
            test.assertEqual(p["exit"]["signal"], reap.get("signal"), what)
    return compared

"""Faults: a ring buffer too small, signals at any moment, a full disk, a
reader that leaves, two tracers at once. Nothing may be lost silently,
no output file may be half written under its final name, and proclife
must end promptly with the documented status.

Runs in about a minute (the signal test is most of it).
"""
import collections
import glob
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from harness import ROOT, TracerTest, PROCLIFE, Trace, fixture, trace
from helpers_extra import Live, dump

VALIDATE = os.path.join(ROOT, "tests", "validate_timeline.py")
LIFE = ("fork", "exec", "exit", "reap")

try:
    import jsonschema  # noqa: F401
    HAVE_JSONSCHEMA = True
except ImportError:
    HAVE_JSONSCHEMA = False


def lost_by_event(t):
    """Sum of the by_event counts of the stream's lost events."""
    lost = collections.Counter()
    for e in t.find(event="lost"):
        for name, n in e["by_event"].items():
            lost[name] += n
    return lost


class RingBufferOverflow(TracerTest):
    def test_tiny_ring_buffer_counts_every_lost_event(self):
        """--ringbuf-size 4K, a storm, and a reader that stalls for a
        second: the kernel drops records, and received + lost must add up
        exactly, per event type, to what the storm did."""
        n = 2000
        with tempfile.NamedTemporaryFile("r", suffix=".report") as rep:
            wrapped = ["/bin/sh", "-c", 'exec "$0" "$@" >"$PL_REPORT"',
                       fixture("storm"), "-n", str(n), "-j", "2"]
            p = subprocess.Popen([PROCLIFE, "-j", "--ringbuf-size", "4K", "--"] + wrapped,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=dict(os.environ, PL_REPORT=rep.name),
                                 errors="surrogateescape", text=True)
            # the stream pipe fills, proclife blocks writing it, the ring
            # buffer overflows meanwhile
            time.sleep(1.0)
            out, err = p.communicate(timeout=120)
            reports = [json.loads(l) for l in rep if l.strip()]
        t = Trace(p.returncode, out, err, reports)
        self.assertEqual(t.status, 0, t.stderr)
        r = t.report
        self.assertEqual((r["count"], r["failures"]), (n, 0))

        events, lost = t.totals()
        self.assertGreater(lost, 0, "nothing lost: the test did not overflow the ring buffer\n"
                           + t.stderr)
        lost_events = t.find(event="lost")
        self.assertTrue(lost_events, "lost %d events but no lost event in the stream" % lost)
        for e in lost_events:
            self.assertGreater(e["count"], 0, e)
            self.assertEqual(sum(e["by_event"].values()), e["count"], e)
            self.assertTrue(set(e["by_event"]) <= set(LIFE), e)
        self.assertEqual(sum(e["count"] for e in lost_events), lost,
                         "the totals line and the stream's lost events disagree")
        self.assertEqual(len(t.events) - len(lost_events), events,
                         "the totals line and the stream's event count disagree")

        # What happened: the wrapper shell (forked by proclife, exec sh,
        # exec storm, exit, reaped by proclife) and n children (fork, exec
        # of storm --noop, exit, reaped by storm).
        expected = {"fork": n + 1, "exec": n + 2, "exit": n + 1, "reap": n + 1}
        got = collections.Counter(e["event"] for e in t.events if e["event"] != "lost")
        lost_by = lost_by_event(t)
        for name in LIFE:
            self.assertEqual(got[name] + lost_by[name], expected[name],
                             "%s: %d received + %d lost != %d generated" % (
                                 name, got[name], lost_by[name], expected[name]))
        self.assertEqual(set(got), set(LIFE), got)
        self.assertEqual(events + lost, sum(expected.values()))


class Signals(TracerTest):
    RUNS = 20

    def test_sigint_sigterm_any_moment_leave_a_complete_timeline(self):
        """A live trace of a running storm with -o FILE, stopped by SIGINT
        or SIGTERM at a random moment, 20 times: status 0 and a complete,
        valid timeline every time (a signal before the handlers exist may
        kill it: then no file at all)."""
        storm = subprocess.Popen([fixture("storm"), "-n", "10000000"],
                                 stdout=subprocess.DEVNULL)
        rng = random.Random(os.getpid())
        early_deaths = 0
        try:
            with tempfile.TemporaryDirectory() as d:
                for i in range(self.RUNS):
                    sig = (signal.SIGINT, signal.SIGTERM)[i % 2]
                    delay = rng.uniform(0.0, 1.5)
                    out = os.path.join(d, "t%d.json" % i)
                    p = subprocess.Popen([PROCLIFE, "-q", "-c", "storm", "-o", out, "-d", "60"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                         errors="surrogateescape", text=True)
                    time.sleep(delay)
                    p.send_signal(sig)
                    try:
                        _, err = p.communicate(timeout=30)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        p.communicate()
                        self.fail("run %d: %s after %.2fs: no exit within 30s" % (
                            i, sig.name, delay))
                    what = "run %d: %s after %.2fs" % (i, sig.name, delay)
                    leftovers = [f for f in os.listdir(d) if ".tmp" in f]
                    self.assertEqual(leftovers, [], what)
                    if p.returncode == -sig:
                        # killed before the handlers were installed
                        self.assertFalse(os.path.exists(out), what)
                        early_deaths += 1
                        continue
                    self.assertEqual(p.returncode, 0, "%s: %s" % (what, err))
                    with open(out, errors="surrogateescape") as f:
                        doc = json.load(f)
                    self.assertEqual(doc["schema"], "proclife.timeline/1", what)
                    self.assertIsNotNone(doc["trace"]["end_ns"], what)
                    if HAVE_JSONSCHEMA:
                        v = subprocess.run([sys.executable, VALIDATE, out],
                                           capture_output=True, text=True)
                        self.assertEqual(v.returncode, 0, "%s: %s" % (what, v.stderr))
                    os.unlink(out)
        finally:
            storm.kill()
            storm.wait()
        self.assertLess(early_deaths, self.RUNS // 2,
                        "most signals came before the handlers: the test tests nothing")


class DiskFull(TracerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mnt = tempfile.mkdtemp(prefix="proclife-full.")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", cls.mnt],
                           capture_output=True, text=True)
        if r.returncode:
            os.rmdir(cls.mnt)
            raise unittest.SkipTest("cannot mount a tmpfs: " + r.stderr)

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["umount", cls.mnt])
        os.rmdir(cls.mnt)

    def setUp(self):
        for f in glob.glob(os.path.join(self.mnt, "*")) + glob.glob(os.path.join(self.mnt, ".*")):
            os.unlink(f)

    def check_full(self, fmt):
        out = os.path.join(self.mnt, "out." + fmt)
        t0 = time.monotonic()
        p = subprocess.run([PROCLIFE, "-q", "-F", fmt, "-o", out, "--",
                            fixture("storm"), "-n", "1000", "-j", "2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           errors="surrogateescape", text=True, timeout=60)
        took = time.monotonic() - t0
        problems = []
        if p.returncode != 1:
            problems.append("status %d, expected 1" % p.returncode)
        errors = [l for l in p.stderr.splitlines() if "No space left" in l]
        if len(errors) != 1 or out not in errors[0]:
            problems.append("%d error lines naming the file, expected one" % len(errors))
        left = os.listdir(self.mnt)
        if left:
            problems.append("left in the directory: %s (%s bytes)" % (
                left, [os.path.getsize(os.path.join(self.mnt, f)) for f in left]))
        if took > 30:
            problems.append("took %.1fs" % took)
        self.assertEqual(problems, [], "-F %s on a full disk:\n%s" % (fmt, p.stderr))

    def test_timeline_on_a_full_disk(self):
        self.check_full("json")

    def test_jsonl_on_a_full_disk(self):
        """-F jsonl writes while tracing: the write error must end it the
        same way (one line, status 1, no half file under the final name)."""
        self.check_full("jsonl")


class ReaderLeaves(TracerTest):
    def check_head(self, opts):
        storm = subprocess.Popen([fixture("storm"), "-n", "10000000"],
                                 stdout=subprocess.DEVNULL)
        try:
            p = subprocess.Popen([PROCLIFE, "-d", "30"] + opts, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, errors="surrogateescape", text=True)
            head = subprocess.Popen(["head", "-1"], stdin=p.stdout, stdout=subprocess.PIPE,
                                    text=True, errors="surrogateescape")
            p.stdout.close()
            first, _ = head.communicate(timeout=30)
            t0 = time.monotonic()
            try:
                err = p.communicate(timeout=10)[1]
            except subprocess.TimeoutExpired:
                p.kill()
                self.fail("proclife %s still running 10s after its reader left" % opts)
            took = time.monotonic() - t0
        finally:
            storm.kill()
            storm.wait()
        self.assertTrue(first.strip(), "head got nothing")
        self.assertEqual(p.returncode, 0, err)
        self.assertLess(took, 3.0, "%.1fs to notice the reader left" % took)
        lines = [l for l in err.splitlines()
                 if l.strip() and "tracing, Ctrl-C" not in l and " events, " not in l]
        self.assertEqual(lines, [], "error spew on stderr")
        return first

    def test_json_stream_into_head(self):
        first = self.check_head(["-j"])
        json.loads(first)

    def test_text_stream_into_head(self):
        self.check_head([])


class TwoTracers(TracerTest):
    def test_two_instances_each_get_all_their_events(self):
        n = 400
        results = [None, None]

        def run(i):
            results[i] = trace([fixture("storm"), "-n", str(n), "-j", "2"], timeout=120)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(150)
        kids = [set(t.report["children"]) for t in results]
        self.assertFalse(kids[0] & kids[1])
        for i, t in enumerate(results):
            self.assertEqual(t.status, 0, t.stderr)
            self.assertNoLoss(t)
            r = t.report
            self.assertEqual(r["count"], n)
            per = collections.defaultdict(collections.Counter)
            for e in t.events:
                per[e["pid"]][e["event"]] += 1
            for c in kids[i]:
                self.assertEqual(dict(per[c]), {k: 1 for k in LIFE},
                                 "tracer %d, pid %d: %r" % (i, c, dict(per[c])))
            other = [e for e in t.events if e["pid"] in kids[1 - i]]
            self.assertEqual(other, [], "tracer %d saw the other storm:\n%s" % (i, dump(other)))


if __name__ == "__main__":
    unittest.main()

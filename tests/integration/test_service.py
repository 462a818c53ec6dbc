"""Long-running mode: live files rotated by size or age with a kept count,
reopened on SIGHUP (logrotate), every event in exactly one file.

Each test traces storms of short-lived children (tests/fixtures/storm),
then reads every piece of the record back: each child's fork, exec, exit
and reap is there exactly once across the pieces, every piece begins with
the record's header, and the events counted in the pieces add up to the
total of the end line.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from harness import PROCLIFE, TracerTest, fixture, run
from helpers_extra import Live


def storm(n):
    out = subprocess.run([fixture("storm"), "-n", str(n), "-j", "2"], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)["children"]


class Service(TracerTest):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="plx_svc")
        self.path = os.path.join(self.dir, "r.jsonl")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def pieces(self):
        """Every file of the record, oldest first: r.jsonl.N ... r.jsonl.1, r.jsonl,
        and the extra names a test moved pieces to (sorted before)."""
        rotated = sorted(glob.glob(self.path + ".*"), key=lambda p: -int(p.rsplit(".", 1)[1]))
        return rotated + [self.path]

    def check_record(self, files, children, expect_all=True, dropped=False):
        lines_of = {}
        for f in files:
            with open(f) as fh:
                lines_of[f] = [json.loads(l) for l in fh]
        for f, lines in lines_of.items():
            self.assertEqual(lines[0].get("record"), "header", f)
            self.assertEqual(lines[0]["schema"], "proclife.record/1", f)
        every = [l for f in files for l in lines_of[f]]
        events = [l for l in every if "event" in l and
                  not (l["event"] == "reap" and l["how"] == "autoreap" and "raw" not in l)]
        ends = [l for l in every if l.get("record") == "end"]
        self.assertEqual(len(ends), 1, "one end line, in the last piece")
        self.assertEqual(lines_of[files[-1]][-1], ends[0])
        self.assertEqual(ends[0]["lost"], 0)
        if dropped:
            self.assertLess(len(events), ends[0]["events"], "nothing was dropped")
        else:
            self.assertEqual(len(events), ends[0]["events"],
                             "events in the pieces != the run's total")
        ts = [e["t_ns"] for e in events]
        self.assertEqual(ts, sorted(ts), "pieces out of order")
        want = set(children)
        for kind in ("fork", "exec", "exit", "reap"):
            seen = [e["pid"] for e in events if e["event"] == kind and e["pid"] in want]
            self.assertEqual(len(seen), len(set(seen)), "%s written twice" % kind)
            if expect_all:
                self.assertEqual(set(seen), want, "%s missing for some children" % kind)
        return lines_of

    def test_rotate_by_size_keeps_every_event_once(self):
        live = Live(["-q", "-o", self.path, "--rotate-size", "64K", "--rotate-keep", "1000"])
        kids = storm(600)
        time.sleep(0.3)
        live.signal(signal.SIGINT)
        t = live.wait()
        self.assertEqual(t.status, 0, t.stderr)
        files = self.pieces()
        self.assertGreaterEqual(len(files), 4, "a 600-process storm is more than 3 x 64K")
        for f in files[:-1]:
            self.assertGreaterEqual(os.path.getsize(f), 64 << 10, f)
            self.assertEqual(os.stat(f).st_mode & 0o777, 0o600, f)
        self.check_record(files, kids)

    def test_rotate_keep_drops_the_oldest(self):
        live = Live(["-q", "-o", self.path, "--rotate-size", "16K", "--rotate-keep", "2"])
        storm(400)
        time.sleep(0.3)
        live.signal(signal.SIGTERM)
        t = live.wait()
        self.assertEqual(t.status, 0, t.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), ["r.jsonl", "r.jsonl.1", "r.jsonl.2"])
        # what is kept is whole and in order, the older pieces are gone
        self.check_record(self.pieces(), [], expect_all=False, dropped=True)

    def test_rotate_by_age(self):
        live = Live(["-q", "-d", "3.6", "-o", self.path, "--rotate-age", "1"])
        t = live.wait(30)
        self.assertEqual(t.status, 0, t.stderr)
        files = self.pieces()
        self.assertIn(len(files), (3, 4, 5), files)
        self.check_record(files, [], expect_all=False)

    def test_sighup_reopens_after_a_move(self):
        """logrotate's way: move the file, SIGHUP; the tracer goes on in a new
        file by the old name; the moved one is whole up to the move."""
        live = Live(["-q", "--service", "-o", self.path])
        first = storm(150)
        time.sleep(0.3)
        moved = os.path.join(self.dir, "moved-0.jsonl")
        os.rename(self.path, moved)
        live.signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while not os.path.exists(self.path) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(os.path.exists(self.path), "no new file after SIGHUP")
        second = storm(150)
        time.sleep(0.3)
        self.assertIsNone(live.proc.poll(), "SIGHUP ended a --service run")
        live.signal(signal.SIGINT)
        t = live.wait()
        self.assertEqual(t.status, 0, t.stderr)
        self.check_record([moved, self.path], first + second)

    def test_service_refuses_documents(self):
        for args, word in ((["--service", "-o", "/tmp/plx-svc.json"], "document"),
                           (["--rotate-size", "1M", "-o", "x.jsonl", "--tree"], "--tree"),
                           (["--service"], "live file"),
                           (["--service", "-o", "x.jsonl", "--", "true"], "command"),
                           (["--rotate-size", "1", "-o", "x.jsonl"], "--rotate-size"),
                           (["--rotate-keep", "0", "-o", "x.jsonl"], "--rotate-keep")):
            p = run(args)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn(word, p.stderr, args)

"""proclife report: the outputs of a recorded trace, rebuilt from its record.

Each test records a real run (-o x.jsonl beside the live outputs), then
runs `proclife report x.jsonl` with the same outputs and compares them
byte for byte with what the live run wrote: nothing is run-specific in a
document (the host, the times, the counts and the tool's version all come
from the record), so nothing needs removing before the comparison.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from harness import PROCLIFE, TracerTest, fixture
from helpers_extra import Live

DOCS = ("t.json", "t.svg", "t.html", "t.chrome")


class Report(TracerTest):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="plx_report")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.dir, *parts)

    def outs(self, sub):
        os.makedirs(self.p(sub), exist_ok=True)
        args = []
        for name in DOCS:
            args += ["-o", self.p(sub, name)] + (["-F", "chrome"] if name == "t.chrome" else [])
        return args

    def report_and_compare(self, extra=()):
        p = subprocess.run([PROCLIFE, "report", self.p("rec.jsonl")] + self.outs("report") +
                           list(extra), capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        for name in DOCS:
            with open(self.p("live", name), "rb") as a, open(self.p("report", name), "rb") as b:
                live, rep = a.read(), b.read()
            self.assertTrue(live, name)
            self.assertEqual(live, rep, "%s differs between the live run and report" % name)
        return p

    def record_command(self, cmd, opts=()):
        p = subprocess.run([PROCLIFE, "-q", "-o", self.p("rec.jsonl")] + self.outs("live") +
                           list(opts) + ["--"] + cmd, capture_output=True, text=True,
                           timeout=120)
        return p

    def test_command_fixtures(self):
        for cmd in ([fixture("fork_exec"), "/bin/true", "x y"], [fixture("threads"), "4"],
                    [fixture("thread_exec")], [fixture("exit_leader_first")],
                    [fixture("orphan_subreaper")], [fixture("sigchld_ignore")],
                    [fixture("exec_fail")], [fixture("die_signal")],
                    [fixture("rename")], [fixture("hostile_argv")]):
            with self.subTest(cmd=os.path.basename(cmd[0])):
                for d in ("live", "report"):
                    shutil.rmtree(self.p(d), ignore_errors=True)
                p = self.record_command(cmd)
                self.assertNotIn("lost", p.stderr.split("events,")[-1].replace(" 0 lost", ""))
                self.report_and_compare()

    def test_storm_with_states(self):
        p = self.record_command([fixture("storm"), "-n", "200", "-j", "2"], ["--states", "-T"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.report_and_compare()

    def test_live_system_wide(self):
        live = Live(["-q", "-d", "1.5", "-o", self.p("rec.jsonl")] + self.outs("live"))
        subprocess.run(["/bin/sh", "-c", "/bin/true; sleep 0.1 & wait"])
        t = live.wait()
        self.assertEqual(t.status, 0, t.stderr)
        self.report_and_compare()

    def test_live_pid_filter_with_a_silent_sleeper(self):
        sleeper = subprocess.Popen(["/bin/sh", "-c", "sleep 30 & wait"])
        try:
            time.sleep(0.2)
            live = Live(["-q", "-d", "1", "-p", str(sleeper.pid), "-o", self.p("rec.jsonl")] +
                        self.outs("live"))
            t = live.wait()
        finally:
            sleeper.kill()
            sleeper.wait()
        self.assertEqual(t.status, 0, t.stderr)
        doc = json.load(open(self.p("live", "t.json")))
        self.assertIn(sleeper.pid, [q["pid"] for q in doc["processes"]])
        self.report_and_compare()

    def test_tree_and_summary(self):
        p = subprocess.run([PROCLIFE, "-q", "--tree", "--summary", "-o", self.p("rec.jsonl"),
                            "--", fixture("fork_exec"), "/bin/true"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = subprocess.run([PROCLIFE, "report", self.p("rec.jsonl"), "--tree", "--summary"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        # the fixture's own JSON report line aside, the same tree and summary
        live = "".join(l for l in p.stdout.splitlines(True) if not l.startswith("{"))
        self.assertIn("fork_exec", r.stdout)
        self.assertEqual(r.stdout, live)

    def test_cut_record(self):
        """A run killed hard leaves a record without its end line: report
        still writes the outputs, and says what is missing."""
        live = Live(["-q", "-o", self.p("rec.jsonl")])
        subprocess.run(["/bin/true", "plx-cut"])
        time.sleep(0.5)
        live.proc.send_signal(signal.SIGKILL)
        live.wait()
        os.makedirs(self.p("report"))
        r = subprocess.run([PROCLIFE, "report", self.p("rec.jsonl"), "-o",
                            self.p("report", "t.json")], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no end line", r.stderr)
        doc = json.load(open(self.p("report", "t.json")))
        self.assertIn(["/bin/true", "plx-cut"],
                      [x["argv"] for q in doc["processes"] for x in q["execs"]])

    def test_bad_input(self):
        with open(self.p("bad.jsonl"), "w") as f:
            f.write('{"record":"header"}\nnot json\n')
        r = subprocess.run([PROCLIFE, "report", self.p("bad.jsonl"), "--tree"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.jsonl:2: not a JSON object", r.stderr)
        for args, word in ((["report"], "FILE.jsonl"),
                           (["report", self.p("bad.jsonl")], "nothing to write"),
                           (["report", self.p("bad.jsonl"), "-p", "1"], "'-p'"),
                           (["report", self.p("none.jsonl"), "--tree"], "cannot open"),
                           (["report", self.p("bad.jsonl"), "-o", "x.jsonl"], "JSON Lines")):
            r = subprocess.run([PROCLIFE] + args, capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(word, r.stderr, args)

    def test_text_stream_replayed(self):
        """The text stream a live run wrote to a file, and the one report
        writes from the record: the same bytes (times from the record's clock)."""
        os.makedirs(self.p("live"))
        os.makedirs(self.p("report"))
        p = subprocess.run([PROCLIFE, "-q", "-o", self.p("rec.jsonl"), "-o",
                            self.p("live", "t.txt"), "--", fixture("orphan_subreaper")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = subprocess.run([PROCLIFE, "report", self.p("rec.jsonl"), "-o",
                            self.p("report", "t.txt")], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.p("live", "t.txt")) as a, open(self.p("report", "t.txt")) as b:
            live, rep = a.read(), b.read()
        self.assertIn(" reparent ", live)
        self.assertEqual(live, rep)

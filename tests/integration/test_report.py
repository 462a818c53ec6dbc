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
import unittest

import containers as C
from harness import PROCLIFE, TracerTest, fixture
from helpers_extra import Live

DOCS = ("t.json", "t.svg", "t.html", "t.chrome")


class ReportBase(TracerTest):
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



class Report(ReportBase):
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

    def test_last_line_cut(self):
        """A record whose last line was cut mid-write (a hard kill, a full
        disk) is still read: that line is skipped and said so."""
        t = subprocess.run([PROCLIFE, "-q", "-o", self.p("whole.jsonl"), "--", "/bin/true", "plx-lastcut"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(t.returncode, 0, t.stderr)
        data = open(self.p("whole.jsonl"), "rb").read()
        self.assertTrue(data.endswith(b"\n"))
        with open(self.p("cut.jsonl"), "wb") as f:
            f.write(data[:-10])	# inside the end line
        os.makedirs(self.p("out"))
        r = subprocess.run([PROCLIFE, "report", self.p("cut.jsonl"), "-o", self.p("out", "t.json")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("the last line is cut", r.stderr)
        self.assertIn("no end line", r.stderr)
        doc = json.load(open(self.p("out", "t.json")))
        self.assertIn(["/bin/true", "plx-lastcut"],
                      [x["argv"] for q in doc["processes"] for x in q["execs"]])
        # a cut line that is not the last one is an error, as before
        lines = data.split(b"\n")
        with open(self.p("mid.jsonl"), "wb") as f:
            f.write(lines[0] + b"\n" + lines[1][:5] + b"\n" + b"\n".join(lines[2:]))
        r = subprocess.run([PROCLIFE, "report", self.p("mid.jsonl"), "--tree"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(":2: not a JSON object", r.stderr)

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


class ReportContainers(ReportBase):
    """A record of a real runc container: report writes what the live run
    wrote, the text stream's CONTAINER column included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        why = C.unavailable("runc")
        if why:
            raise unittest.SkipTest(why)
        C.sweep("runc")

    def run_container(self, layout, opts_of):
        c = C.Container(["sh", "-c", "sleep 0.1 & sh -c 'exit 3'; wait; exit 4"],
                        layout=layout)
        self.addCleanup(c.delete)
        c.prepare()
        c._begin()
        for d in ("live", "report"):
            shutil.rmtree(self.p(d), ignore_errors=True)
        p = subprocess.run([PROCLIFE, "-q", "--tree", "-o", self.p("rec.jsonl"), "-o",
                            self.p("live", "t.txt")] + self.outs("live") + opts_of(c) +
                           ["--"] + c.command("run", "--bundle", c.bundle, c.name),
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 4, p.stderr)
        return c, p

    def check(self, c, p):
        r = self.report_and_compare(["--tree", "-o", self.p("report", "t.txt")])
        with open(self.p("live", "t.txt")) as a, open(self.p("report", "t.txt")) as b:
            live, rep = a.read(), b.read()
        lines = live.splitlines()
        # the column is there, on the init's lines with the container's id
        self.assertIn(" CONTAINER ", live)
        self.assertEqual(len([l for l in lines if l.startswith("TIME ")]), 1, live)
        self.assertTrue([l for l in lines if " %s exit 4" % c.cid[:12] in l], live)
        self.assertEqual(live, rep)
        # --tree: the same container group in both
        self.assertIn("container %s  %s" % (c.cid[:12], c.cgroups_path), r.stdout)
        self.assertEqual(r.stdout, p.stdout)

    def test_container_filter(self):
        """--container: the column from the first line on."""
        c, p = self.run_container("docker-systemd", lambda c: ["--container", c.cid[:12]])
        self.assertTrue(open(self.p("live", "t.txt")).readline().startswith("TIME "))
        self.assertIn(" CONTAINER ", open(self.p("live", "t.txt")).readline())
        self.check(c, p)

    def test_unfiltered_run(self):
        """No filter: the column from the first process in a container on,
        the header written again then; runc's threads are not shown (no -T)."""
        c, p = self.run_container("docker-cgroupfs", lambda c: [])
        live = open(self.p("live", "t.txt")).read()
        self.assertNotIn(" thread ", live)
        heads = [l for l in live.splitlines() if l.startswith("TIME ")]
        self.assertEqual(len(heads), 2, live)
        self.assertNotIn("CONTAINER", heads[0])
        self.assertIn("CONTAINER", heads[1])
        r = self.report_and_compare(["-o", self.p("report", "t.txt")])
        self.assertEqual(live, open(self.p("report", "t.txt")).read())

"""The timeline document, chrome trace, chart and tree of real traces.

Each test runs the tracer in command mode over a fixture with -o, checks
the document against docs/timeline.schema.json (tests/validate_timeline.py)
and asserts on the fields docs/INTERFACE.md names, matched against the fixture's own
report.
"""
import json
import os
import re
import subprocess
import tempfile

from harness import ROOT, TracerTest, fixture, run, trace

VALIDATE = os.path.join(ROOT, "tests", "validate_timeline.py")
# Debian's python3 carries python3-jsonschema (scripts/install-deps.sh)
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else "python3"


class Timeline(TracerTest):
    def run_output(self, cmd, fmt="json", extra=()):
        """proclife -q -o FILE -F FMT -- cmd; returns (trace, file text)."""
        fd, path = tempfile.mkstemp(suffix="." + fmt)
        os.close(fd)
        try:
            t = trace(cmd, opts=("-q", "-o", path, "-F", fmt) + tuple(extra))
            self.assertEqual(t.totals()[1], 0, t.stderr)
            with open(path, errors="surrogateescape") as f:
                text = f.read()
            if fmt == "json":
                v = subprocess.run([PYTHON, VALIDATE, path], capture_output=True, text=True)
                self.assertEqual(v.returncode, 0, "schema: " + v.stdout + v.stderr)
        finally:
            os.unlink(path)
        return t, text

    def doc(self, cmd, extra=()):
        t, text = self.run_output(cmd, "json", extra)
        d = json.loads(text)
        by_pid = {}
        for p in d["processes"]:
            by_pid.setdefault(p["pid"], []).append(p)
        return t, d, by_pid

    def proc(self, by_pid, pid):
        lives = by_pid.get(pid, [])
        self.assertEqual(len(lives), 1, "pid %d: %r" % (pid, lives))
        return lives[0]

    def test_fork_exec_document(self):
        t, d, by_pid = self.doc([fixture("fork_exec"), "/bin/true", "x y"])
        r = t.report
        self.assertEqual(d["schema"], "proclife.timeline/1")
        self.assertEqual(d["trace"]["lost_events"], 0)
        self.assertEqual(d["trace"]["command"][:1], ["/bin/sh"])
        parent, child = self.proc(by_pid, r["parent"]), self.proc(by_pid, r["child"])
        self.assertEqual(child["created_by"], "fork")
        self.assertEqual(child["kind"], "process")
        self.assertIsInstance(child["clone_flags"], list)
        self.assertEqual(child["parent"], parent["id"])
        self.assertIn(child["id"], parent["children"])
        self.assertEqual(child["id"], "%d@%d" % (child["pid"], child["start_ns"]))
        execs = [e for e in child["execs"] if e["ret"] == 0]
        self.assertEqual(len(execs), 1)
        self.assertEqual(execs[0]["argv"], ["/bin/true", "x y"])
        self.assertEqual(child["exit"], {"code": 0, "signal": None, "core_dumped": False})
        self.assertEqual(child["reaper"], {"pid": r["parent"], "how": "wait"})
        self.assertEqual(child["zombie_ns"], child["reap_ns"] - child["exit_ns"])
        self.assertGreater(child["rusage"]["min_flt"], 0)
        self.assertGreater(child["sched"]["run_ns"], 0)
        self.assertFalse(child["sched"]["partial"])
        self.assertEqual([th["tid"] for th in child["threads"]], [r["child"]])
        # the tracer's own ancestors are there as context, pre-existing
        self.assertTrue(any(p.get("pre_existing") for p in d["processes"]))

    def test_vfork_and_clone_flags(self):
        t, d, by_pid = self.doc([fixture("vfork_exec")])
        child = self.proc(by_pid, t.report["child"])
        self.assertEqual(child["created_by"], "vfork")
        self.assertIn("CLONE_VM", child["clone_flags"])
        self.assertIn("CLONE_VFORK", child["clone_flags"])
        t, d, by_pid = self.doc([fixture("clone_flags")])
        child = self.proc(by_pid, t.report["child"])
        self.assertEqual(child["created_by"], "clone")
        for flag in ("CLONE_FS", "CLONE_FILES", "CLONE_SYSVSEM"):
            self.assertIn(flag, child["clone_flags"])
        self.assertEqual(child["exit"]["code"], 7)

    def test_reparent_to_subreaper(self):
        t, d, by_pid = self.doc([fixture("orphan_subreaper")])
        r = t.report
        g = self.proc(by_pid, r["grandchild"])
        self.assertEqual(g["ppid"], r["middle"])
        self.assertEqual([x["ppid"] for x in g["reparents"]], [r["parent"]])
        self.assertEqual(g["reaper"], {"pid": r["parent"], "how": "subreaper"})
        self.assertEqual(g["exit"]["code"], 3)

    def test_threads_and_exec_from_thread(self):
        t, d, by_pid = self.doc([fixture("threads"), "3"])
        p = self.proc(by_pid, t.report["pid"])
        tids = sorted(th["tid"] for th in p["threads"])
        want = sorted([t.report["pid"]] + [x["tid"] for x in t.report["threads"]])
        self.assertEqual(tids, want)
        for th in p["threads"]:
            self.assertIsNotNone(th["exit_ns"])
            self.assertIsNotNone(th["sched"])
        t, d, by_pid = self.doc([fixture("thread_exec")])
        before = t.reports[0]
        p = self.proc(by_pid, before["pid"])
        ok = [e for e in p["execs"] if e["ret"] == 0 and e.get("old_tid")]
        self.assertEqual([e["old_tid"] for e in ok], [before["exec_tid"]])

    def test_failed_exec_signal_and_autoreap(self):
        t, d, by_pid = self.doc([fixture("exec_fail")])
        p = self.proc(by_pid, t.report["pid"])
        enoent = [e for e in p["execs"] if e["filename"] == "/nonexistent/prog"]
        self.assertEqual(len(enoent), 1)
        self.assertEqual((enoent[0]["ret"], enoent[0]["errno"]), (-2, "ENOENT"))
        t, d, by_pid = self.doc([fixture("die_signal"), "SEGV"])
        c = self.proc(by_pid, t.report["child"])
        self.assertEqual(c["exit"], {"code": None, "signal": "SIGSEGV", "core_dumped": False})
        t, d, by_pid = self.doc([fixture("sigchld_ignore"), "2"])
        for pid in t.report["children"]:
            c = self.proc(by_pid, pid)
            self.assertEqual(c["reaper"]["how"], "autoreap")
            self.assertEqual(c["zombie_ns"], 0)

    def test_chrome_trace(self):
        t, text = self.run_output([fixture("orphan_subreaper")], "chrome")
        doc = json.loads(text)
        events = doc["traceEvents"]
        names = {e["pid"]: e["args"]["name"] for e in events
                 if e.get("ph") == "M" and e.get("name") == "process_name"}
        r = t.report
        for pid in (r["parent"], r["middle"], r["grandchild"]):
            self.assertIn(pid, names)
            slices = [e for e in events if e.get("ph") == "X" and e["pid"] == pid]
            self.assertTrue(slices, "no slice for %d" % pid)
            self.assertTrue(all(e["dur"] >= 0 for e in slices))
        starts = {e["id"] for e in events if e.get("ph") == "s"}
        ends = {e["id"] for e in events if e.get("ph") == "f"}
        self.assertEqual(starts, ends)
        self.assertGreaterEqual(len(starts), 2)     # parent->middle->grandchild
        instants = {e["name"] for e in events if e.get("ph") == "i"}
        self.assertTrue({"exit", "reap"} <= {n.split()[0] for n in instants}, instants)

    def test_chart_has_every_process(self):
        for fmt in ("svg", "html"):
            t, text = self.run_output([fixture("orphan_subreaper")], fmt)
            r = t.report
            for pid in (r["parent"], r["middle"], r["grandchild"]):
                self.assertRegex(text, r"\b%d\b" % pid)
            self.assertNotIn("http-equiv", text.lower())
            self.assertNotRegex(text, r'(src|href)="https?:')

    def test_tree(self):
        p = run(["-q", "--tree", "--", fixture("orphan_subreaper")])
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        r = json.loads([l for l in lines if l.startswith("{")][-1])
        lines = [l for l in lines if not l.startswith("{")]
        for pid in (r["parent"], r["middle"], r["grandchild"]):
            self.assertTrue(any(re.search(r"\b%d\b" % pid, l) for l in lines), p.stdout)
        g = [l for l in lines if re.search(r"\b%d\b" % r["grandchild"], l)][0]
        self.assertIn("exit 3", g)

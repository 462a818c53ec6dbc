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
import sys
import tempfile
import time

from harness import PROCLIFE as PROCLIFE_BIN, ROOT, TracerTest, fixture, run, trace
from helpers_extra import Live

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
        # command mode: the tracer's own ancestry (proclife, its shell) is
        # not the trace's: CMD is the one root, nothing pre-existing
        self.assertEqual([p for p in d["processes"] if p.get("pre_existing")], [])
        roots = [p for p in d["processes"] if p["parent"] is None]
        self.assertEqual([p["pid"] for p in roots], [r["parent"]])
        self.assertEqual(roots[0]["execs"][0]["argv"][0], "/bin/sh")

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
        # CMD heads the tree, not proclife or the shell that started it
        self.assertRegex(lines[0], r"^%d %s " % (r["parent"], re.escape(fixture("orphan_subreaper"))),
                         p.stdout)
        self.assertNotIn("proclife", p.stdout.split("{")[0])


class PreExisting(TracerTest):
    """Processes running before the trace: their names now, their unknowns."""

    def test_silent_selected_sleeper_is_unknown_in_chart(self):
        """-p a process asleep all along: in the document (pre-existing),
        and drawn as unknown in the chart, not as running."""
        sleeper = subprocess.Popen(["/bin/sleep", "30"])
        fd, svg = tempfile.mkstemp(suffix=".svg")
        os.close(fd)
        try:
            time.sleep(0.2)
            p = run(["-q", "-p", str(sleeper.pid), "-d", "1", "-o", svg])
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(svg) as f:
                text = f.read()
        finally:
            sleeper.kill()
            sleeper.wait()
            os.unlink(svg)
        rows = [r for r in re.findall(r'<g class="r">.*?</g>', text)
                if re.search(r'<text [^>]*>sleep <tspan class="d">%d<' % sleeper.pid, r)]
        self.assertEqual(len(rows), 1, text[-3000:])
        row = rows[0]
        self.assertIn('class="p"', row, "marked as started before the trace")
        self.assertRegex(row, r'<(rect|path) class="n"', row)
        bar = re.findall(r'class="(q[rwsdt]|b)"', row)
        self.assertNotIn("qr", bar, "a sleeper drawn as running: " + row)
        self.assertNotIn("b", bar, "a sleeper drawn as running: " + row)

    def test_pre_existing_reaper_has_its_current_name(self):
        """A pre-existing parent renames itself during the trace and reaps a
        -p child: the tree names it as the stream does, by its name now."""
        name = "plx-rn-%d" % (os.getpid() % 10000)
        script = ("import ctypes,subprocess,sys,time\n"
                  "c=subprocess.Popen(['/bin/sleep','1.2'])\n"
                  "print(c.pid,flush=True)\n"
                  "sys.stdin.readline()\n"
                  "ctypes.CDLL(None).prctl(15,b'%s',0,0,0)\n"
                  "c.wait()\n"
                  "time.sleep(0.3)\n" % name)
        parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        try:
            child = int(parent.stdout.readline())
            live = Live(["-j", "--tree", "-p", str(child), "-d", "2.5"])
            parent.stdin.write("go\n")
            parent.stdin.close()
            t = live.wait()
        finally:
            if parent.poll() is None:
                parent.kill()
            parent.wait()
        self.assertEqual(t.status, 0, t.stderr)
        reap = t.one(event="reap", pid=child)
        self.assertEqual(reap["reaper"]["comm"], name)
        tree = [l for l in t.stderr.splitlines() if re.search(r"\b%d\b" % parent.pid, l)]
        self.assertEqual(len(tree), 1, t.stderr)
        self.assertIn(name, tree[0])
        self.assertNotIn("python", tree[0])


class OutputToStdout(TracerTest):
    """-o - writes the document to standard output, no file named '-'."""

    def test_dash_is_standard_output(self):
        d = tempfile.mkdtemp(prefix="plx_dash")
        try:
            p = subprocess.run([PROCLIFE_BIN, "-o", "-", "--", "/bin/sh", "-c",
                                "/bin/true plx-dash >/dev/null"],
                               capture_output=True, text=True, cwd=d, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(os.listdir(d), [], "a file was created in the working directory")
        finally:
            os.rmdir(d)
        doc = json.loads(p.stdout)  # the whole of stdout is one document
        self.assertEqual(doc["schema"], "proclife.timeline/1")
        argvs = [e["argv"] for pr in doc["processes"] for e in pr["execs"]]
        self.assertIn(["/bin/true", "plx-dash"], argvs)

    def test_dash_jsonl_and_tree_on_stderr(self):
        p = subprocess.run([PROCLIFE_BIN, "-o", "-", "-F", "jsonl", "--tree", "--",
                            "/bin/true", "plx-dash2"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        # a JSON Lines record: events, and its header, seed, sched and end lines
        events = [e for e in lines if "event" in e]
        self.assertTrue(events)
        self.assertTrue(all("t_ns" in e for e in events))
        self.assertTrue(all(e["record"] in ("header", "seed", "sched", "cgroup", "end")
                            for e in lines if "event" not in e))
        self.assertIn(["/bin/true", "plx-dash2"], [e.get("argv") for e in events])
        self.assertIn("true", p.stderr, "the tree goes to stderr, beside the document")

    def test_dash_with_json_stream_is_refused(self):
        p = run(["-j", "-o", "-", "--", "/bin/true"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("standard output", p.stderr)
        self.assertEqual(p.stdout, "")


class OutputMode(TracerTest):
    """Files hold every traced command line: 0600 unless asked otherwise."""

    def written_mode(self, name, extra=(), umask=None):
        d = tempfile.mkdtemp(prefix="plx_mode")
        path = os.path.join(d, name)
        try:
            old = os.umask(umask) if umask is not None else None
            try:
                p = run(["-q", "-o", path] + list(extra) + ["--", "/bin/true"])
            finally:
                if old is not None:
                    os.umask(old)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(os.listdir(d), [name], "a temporary file was left behind")
            return os.stat(path).st_mode & 0o7777
        finally:
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
            os.rmdir(d)

    def test_private_by_default(self):
        for name in ("t.json", "t.jsonl", "t.html", "t.svg"):
            self.assertEqual(self.written_mode(name, umask=0o022), 0o600, name)
        self.assertEqual(self.written_mode("t.json", ["-F", "chrome"], umask=0), 0o600)

    def test_output_mode_is_exact(self):
        for umask in (0o022, 0o077):
            self.assertEqual(self.written_mode("t.json", ["--output-mode", "0640"], umask), 0o640)
            self.assertEqual(self.written_mode("t.jsonl", ["--output-mode", "644"], umask), 0o644)

    def test_bad_output_mode(self):
        p = run(["--output-mode", "0999", "-o", "/tmp/plx-never.json", "--", "/bin/true"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--output-mode", p.stderr)
        self.assertFalse(os.path.exists("/tmp/plx-never.json"))


class ChartFolding(TracerTest):
    def test_identical_children_share_a_row(self):
        """300 identical children of a storm: one row with the count and the
        spread of their lifetimes, not 300 rows."""
        fd, svg = tempfile.mkstemp(suffix=".svg")
        os.close(fd)
        try:
            p = run(["-q", "-o", svg, "--", fixture("storm"), "-n", "300", "-j", "1"])
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(svg) as f:
                text = f.read()
        finally:
            os.unlink(svg)
        rows = re.findall(r'<g class="r">.*?</g>', text)
        self.assertLessEqual(len(rows), 3, "%d rows" % len(rows))
        folded = [r for r in rows if re.search(r"<title>\d+ \u00d7 storm", r)]
        self.assertEqual(len(folded), 1, rows[:3])
        self.assertRegex(folded[0], r"<title>300 \u00d7 storm \(pids \d+\u2026\d+\)")
        self.assertRegex(folded[0], r"&#10;lifetime \S+ \u2026 \S+, median \S+")
        self.assertEqual(folded[0].count('<circle class="s0"'), 300, "a mark per exit still")

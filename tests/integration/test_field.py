"""Field correctness (issue 12): PID namespaces, reaps no wait syscall
shows, pid reuse under filters, -p of quiet processes, the exit status a
reap carries, losses of every kind counted, late selection, what an exec
really ran, CLONE_PARENT.

Every test runs the real tracer as root over a fixture and checks, beside
its own facts, that the live JSON stream and the -o document agree on
exit, reaper, how and zombie time for every process
(harness.assert_stream_matches_document).
"""
import collections
import json
import os
import signal
import subprocess
import tempfile
import time

from harness import (TracerTest, trace, fixture, load_json, PROCLIFE,
                     assert_stream_matches_document)
from helpers_extra import Live, dump

SEC = 1000000000


def lost_by_kind(t):
    """Sum of the by_kind counts of the stream's lost events."""
    lost = collections.Counter()
    for e in t.find(event="lost"):
        for name, n in e.get("by_kind", {}).items():
            lost[name] += n
    return lost


def totals_kinds(t):
    """'proclife: N events, M lost (kind n, kind n)': the kinds as a dict."""
    for line in t.stderr.splitlines():
        if line.startswith("proclife: ") and " events, " in line:
            if "(" not in line:
                return {}
            inside = line[line.index("(") + 1:line.rindex(")")]
            out = {}
            for part in inside.split(","):
                name, n = part.split()
                out[name] = int(n)
            return out
    raise AssertionError("no totals line:\n" + t.stderr)


class Field(TracerTest):
    """Shared runner: the fixture under -j and -o, both checked together."""

    def run_doc(self, name, *args, opts=(), status=0, no_loss=True):
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        t = trace([fixture(name)] + [str(a) for a in args],
                  opts=("-j", "-o", path) + tuple(opts), output=path)
        self.assertEqual(t.status, status, "%s: %s\n%s" % (name, t.stderr, t.reports))
        self.assertTrue(t.reports, "%s printed no report" % name)
        if no_loss:
            self.assertNoLoss(t)
        t.doc = load_json(path)
        assert_stream_matches_document(self, t.events, t.doc)
        return t

    def proc(self, t, pid, start_ns=None):
        found = [p for p in t.doc["processes"] if p["pid"] == pid and
                 (start_ns is None or p["start_ns"] == start_ns)]
        self.assertEqual(len(found), 1, "process %d in the document: %s" % (pid, found))
        return found[0]

    def assertReap(self, t, pid, reaper, how, code=None, signal=None, exact=True):
        reaps = t.find(event="reap", pid=pid)
        self.assertEqual(len(reaps), 1, "reaps of %d:\n%s" % (pid, dump(t.of_pid(pid))))
        r = reaps[0]
        self.assertEqual(r["how"], how, r)
        self.assertIsNotNone(r["reaper"], r)
        self.assertEqual(r["reaper"]["pid"], reaper, r)
        self.assertEqual(r.get("code"), code, r)
        self.assertEqual(r.get("signal"), signal, r)
        if exact is not None:
            self.assertEqual(r.get("exact"), exact, r)
        self.assertGreaterEqual(r["zombie_ns"], 0, r)
        self.assertEqual(r["zombie_ns"], r["t_ns"] - r["exit_ns"], r)
        p = self.proc(t, pid, r["start_ns"])
        self.assertEqual(p["reaper"], {"pid": reaper, "how": how}, p["reaper"])
        return r


class PidNamespaces(Field):
    """1: waits return the waiter's namespace pids; the kernel reaps what an
    exiting init leaves."""

    def test_init_reaps_with_each_wait_call_then_leaves_children(self):
        t = self.run_doc("pidns_reap")
        r = t.report
        for w in r["waited"][:3]:
            self.assertNotEqual(w["pid"], w["ret"], "the namespace pid must differ: %r" % w)
            rp = self.assertReap(t, w["pid"], r["init"], "wait", code=w["code"])
            self.assertLess(rp["zombie_ns"], SEC // 2, rp)
        nested = r["waited"][3]
        self.assertEqual(nested["level"], 2)
        self.assertReap(t, nested["pid"], r["nested_init"], "wait", code=14)
        # the kernel kills and reaps what each init leaves behind
        for left, init in ((r["left"][0], r["init"]), (r["left"][1], r["init"]),
                           (r["left"][2], r["nested_init"])):
            self.assertReap(t, left["pid"], init, "ns_teardown", signal="SIGKILL")
        self.assertReap(t, r["nested_init"], r["init"], "wait", code=15)
        self.assertReap(t, r["init"], r["parent"], "wait", code=0)
        # nobody is given to itself
        for e in t.find(event="reparent"):
            self.assertNotEqual(e["old_ppid"], e["ppid"], e)
        self.assertEqual(t.find(event="reparent"), [], dump(t.find(event="reparent")))

    def test_zombie_left_by_a_dying_init_is_the_teardowns(self):
        """A child already a zombie when its namespace's init dies is
        released by the init's teardown (kernel_wait4 in
        zap_pid_ns_processes), not by a wait: "ns_teardown", like the
        child the teardown kills. Its exit is its own (code 9)."""
        fd, rec = tempfile.mkstemp(suffix=".jsonl")
        os.close(fd)
        self.addCleanup(os.unlink, rec)
        t = self.run_doc("pidns_zombie", opts=("-o", rec))
        r = t.report
        self.assertEqual(r["init_code"], 0)
        x = t.find(event="exit", pid=r["zombie"])
        self.assertEqual(len(x), 1, dump(t.of_pid(r["zombie"])))
        self.assertEqual(x[0]["code"], 9)
        self.assertNotIn("ns_teardown", x[0])
        init_exit = t.find(event="exit", pid=r["init"])[0]
        # exact with release_task (fentry), bounded at its free otherwise
        z = self.assertReap(t, r["zombie"], r["init"], "ns_teardown", code=9, exact=None)
        self.assertGreaterEqual(z["t_ns"], init_exit["t_ns"])
        self.assertGreater(z["zombie_ns"], 40 * 10**6, z)  # the init's 50 ms
        x = t.find(event="exit", pid=r["sleeper"])
        self.assertEqual(x[0]["signal"], "SIGKILL")
        self.assertTrue(x[0].get("ns_teardown"), x[0])
        self.assertReap(t, r["sleeper"], r["init"], "ns_teardown", signal="SIGKILL")
        self.assertReap(t, r["init"], r["parent"], "wait", code=0)
        # the record says so, and report rebuilds the same document
        with open(rec) as f:
            reaps = [json.loads(l) for l in f if '"event":"reap"' in l]
        self.assertEqual([e["how"] for e in reaps if e["pid"] == r["zombie"]], ["ns_teardown"])
        fd, doc = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, doc)
        p = subprocess.run([PROCLIFE, "report", rec, "-o", doc], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(doc) as f, open(t.output_path) as g:
            self.assertEqual(f.read(), g.read())


class ReapWithoutWaitSyscall(Field):
    """2: io_uring's IORING_OP_WAITID releases the zombie in the parent."""

    def test_iouring_waitid(self):
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        t = trace([fixture("reap_nowait"), "iouring"], opts=("-j", "-o", path))
        if t.reports and not t.report.get("supported", True):
            self.skipTest("no IORING_OP_WAITID on this kernel")
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        t.doc = load_json(path)
        assert_stream_matches_document(self, t.events, t.doc)
        r = t.report
        rp = self.assertReap(t, r["child"], r["parent"], "wait", code=21, exact=None)
        if rp["exact"]:
            self.assertGreaterEqual(rp["t_ns"], r["submit_ns"], rp)
            self.assertLessEqual(rp["t_ns"], r["complete_ns"], rp)
        else:
            # an upper bound: never before the release, never after the end
            self.assertGreaterEqual(rp["t_ns"], r["submit_ns"], rp)
            self.assertLessEqual(rp["t_ns"], t.doc["trace"]["end_ns"], rp)
            self.assertFalse(self.proc(t, r["child"])["reap_exact"])

    def test_iouring_waitid_reaped_at_the_free(self):
        """The release is seen at the latest at the task's free, an RCU
        grace period later, not only at the end of the trace: the trace
        goes on for 2 s after it."""
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        t = trace(["sh", "-c", '"$0" iouring && sleep 2', fixture("reap_nowait")],
                  opts=("-j", "-o", path))
        if t.reports and not t.report.get("supported", True):
            self.skipTest("no IORING_OP_WAITID on this kernel")
        self.assertEqual(t.status, 0, t.stderr)
        t.doc = load_json(path)
        r = t.report
        rp = self.assertReap(t, r["child"], r["parent"], "wait", code=21, exact=None)
        self.assertGreaterEqual(rp["t_ns"], r["submit_ns"], rp)
        self.assertLess(rp["t_ns"], r["complete_ns"] + 10**9, rp)

    def test_sigchld_ignored_after_the_zombie(self):
        t = self.run_doc("reap_nowait", "sigign")
        r = t.report
        self.assertReap(t, r["zombie"], r["parent"], "wait", code=22)
        # released by the kernel at its exit: the parent is still named
        rp = self.assertReap(t, r["late"], r["parent"], "autoreap", code=0)
        self.assertEqual(rp["zombie_ns"], 0, rp)


class PidReuse(Field):
    """3: the second life of a pid reused before the first task's free."""

    def check_lives(self, t, r, done):
        pid = r["pid"]
        forks = t.find(event="fork", pid=pid)
        self.assertEqual(len(forks), 2, dump(t.of_pid(pid)))
        second = forks[1]["start_ns"]
        ev = [e for e in t.of_pid(pid) if e["start_ns"] == second]
        kinds = [e["event"] for e in ev if e["event"] != "lost"]
        self.assertEqual(kinds, ["fork", "exec", "exit", "reap"], dump(ev))
        self.assertEqual(ev[2]["code"], 22, ev[2])
        self.assertEqual(ev[3]["reaper"]["pid"], r["parent"], ev[3])
        g = t.one(event="fork", pid=done["grandchild"])
        self.assertEqual(g["ppid"], pid, g)
        first = [e for e in t.of_pid(pid) if e["start_ns"] == forks[0]["start_ns"]]
        self.assertEqual([e["event"] for e in first], ["fork", "exit", "reap"], dump(first))
        self.assertEqual(first[1]["code"], 11, first[1])
        self.assertNoLoss(t)

    def test_command_mode(self):
        t = self.run_doc("pid_reuse_fast")
        self.check_lives(t, t.report, t.reports[-2])
        second = self.proc(t, t.report["pid"], t.find(event="fork", pid=t.report["pid"])[1]["start_ns"])
        self.assertEqual(second["exit"]["code"], 22)
        self.assertEqual(len(second["children"]), 1, second)

    def test_comm_filter(self):
        t = self.run_doc("pid_reuse_fast", opts=("-c", "pid_reuse_fast"))
        self.check_lives(t, t.report, t.reports[-2])

    def live(self, args):
        fx = subprocess.Popen([fixture("pid_reuse_fast"), "--wait-signal"], stdout=subprocess.PIPE,
                              text=True)
        self.addCleanup(fx.wait)
        self.addCleanup(lambda: fx.poll() is None and fx.kill())
        ready = json.loads(fx.stdout.readline())
        live = Live(["-j"] + [a if a != "PID" else str(ready["parent"]) for a in args])
        fx.send_signal(signal.SIGUSR1)
        lines = [json.loads(l) for l in fx.stdout if l.strip()]
        fx.wait(30)
        time.sleep(0.3)
        live.signal(signal.SIGINT)
        t = live.wait()
        return t, lines

    def test_pid_filter(self):
        t, lines = self.live(["-p", "PID"])
        self.check_lives(t, lines[-1], lines[-2])

    def test_uid_filter(self):
        t, lines = self.live(["-u", "0"])
        self.check_lives(t, lines[-1], lines[-2])


class QuietProcesses(Field):
    """4: -p of processes that do nothing during the trace."""

    def doc_of_live(self, args, duration="0.5"):
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        p = subprocess.run([PROCLIFE, "-j", "-d", duration, "-o", path] + args,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return load_json(path), p

    def test_idle_sleep(self):
        s = subprocess.Popen(["sleep", "100"])
        self.addCleanup(s.wait)
        self.addCleanup(s.kill)
        time.sleep(0.1)
        doc, p = self.doc_of_live(["-p", str(s.pid)])
        procs = [q for q in doc["processes"] if q["pid"] == s.pid]
        self.assertEqual(len(procs), 1, p.stderr)
        self.assertTrue(procs[0]["pre_existing"])
        self.assertEqual(procs[0]["exit"], None)
        self.assertNotIn("(no processes)", p.stdout + p.stderr)

    def test_parent_with_sleepers_and_zombies(self):
        fx = subprocess.Popen([fixture("quiet_family")], stdout=subprocess.PIPE, text=True)
        self.addCleanup(fx.wait)
        self.addCleanup(lambda: fx.poll() is None and fx.send_signal(signal.SIGUSR1))
        r = json.loads(fx.stdout.readline())
        doc, p = self.doc_of_live(["-p", str(r["parent"])])
        by_pid = {q["pid"]: q for q in doc["processes"]}
        parent = by_pid.get(r["parent"])
        self.assertIsNotNone(parent, p.stderr)
        kids = set(r["sleepers"]) | set(r["zombies"])
        self.assertEqual({by_pid[k]["id"] for k in kids if k in by_pid},
                         set(parent["children"]), parent)
        for k in r["sleepers"]:
            self.assertIn(k, by_pid)
            self.assertEqual(by_pid[k]["parent"], parent["id"])
            self.assertIsNone(by_pid[k]["exit"])
        for k in r["zombies"]:
            self.assertIn(k, by_pid)
            self.assertTrue(by_pid[k]["zombie_at_start"], by_pid[k])
            # its status is not known: never an invented exit 0
            self.assertTrue(by_pid[k]["exit"] is None or by_pid[k]["exit"]["code"] in r["codes"],
                            by_pid[k])
        fx.send_signal(signal.SIGUSR1)


class ExitStatusInReap(Field):
    """5: the reap carries the exit status; a lost exit never becomes 0."""

    def test_reap_carries_the_status(self):
        t = self.run_doc("zombie_late", 50)
        self.assertReap(t, t.report["child"], t.report["parent"], "wait", code=5)

    def test_lost_exits_keep_the_reaped_status(self):
        # a ring buffer too small for a storm of children that exit 7: some
        # records are lost; whatever survives must never say "exit 0"
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        t = trace([fixture("storm"), "-n", "400", "-j", "8", fixture("exit_code"), "7", "_exit"],
                  opts=("-j", "--ringbuf-size", "4K", "-o", path), output=path)
        # storm exits 1: every child "failed" with its 7
        self.assertEqual(t.status, 1, t.stderr)
        self.assertEqual(t.report["failures"], 400, t.report)
        doc = load_json(path)
        kids = set(t.report["children"])
        events, lost = t.totals()
        self.assertGreater(lost, 0, "the storm lost nothing: no provocation")
        seen = 0
        for p in doc["processes"]:
            if p["pid"] in kids and p["exit"] is not None:
                seen += 1
                self.assertEqual(p["exit"]["code"], 7, p)
        self.assertGreater(seen, 0)
        assert_stream_matches_document(self, t.events, doc)


class Losses(Field):
    """6: every loss kind counted: stream lost events, totals, document."""

    def check_counted(self, t, kind, at_least=1):
        self.assertGreaterEqual(lost_by_kind(t).get(kind, 0), at_least, dump(t.find(event="lost")))
        self.assertGreaterEqual(totals_kinds(t).get(kind, 0), at_least, t.stderr)
        if getattr(t, "doc", None) is not None:
            self.assertGreaterEqual(t.doc["trace"]["losses"].get(kind, 0), at_least,
                                    t.doc["trace"])

    def test_unreadable_argv(self):
        t = self.run_doc("exec_identity", no_loss=False)
        child = [r for r in t.report["runs"] if r["stage"] == "efault"][0]["child"]
        ev = t.one(event="exec", pid=child, ret=-14)
        self.assertTrue(ev.get("argv_unreadable"), ev)
        self.check_counted(t, "argv_unreadable")

    def test_reparent_past_the_walk_limit(self):
        t = self.run_doc("many_orphans", 150, no_loss=False)
        r = t.report
        moved = [e for e in t.find(event="reparent") if e["pid"] in set(r["children"])]
        lost = lost_by_kind(t).get("reparent_limit", 0)
        self.assertEqual(len(moved) + lost, 150, "%d reported, %d counted" % (len(moved), lost))
        self.check_counted(t, "reparent_limit", 150 - len(moved))
        for c in r["children"]:
            self.assertEqual(self.proc(t, c)["reaper"]["pid"], r["parent"])

    def test_tracked_map_full(self):
        t = self.run_doc("fan_out", 64, opts=("--max-procs", "16"), no_loss=False)
        seen = {e["pid"] for e in t.find(event="fork")}
        missing = [c for c in t.report["children"] if c not in seen]
        self.assertTrue(missing, "nothing left out: no provocation")
        self.check_counted(t, "tracked_full", len(missing))


    def test_zombies_map_full(self):
        # no filter, a zombie map of 16: 64 zombies at once (fan_out reaps
        # none before all have exited)
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        live = Live(["-j", "--max-procs", "16", "-o", path])
        fx = subprocess.run([fixture("fan_out"), "64"], capture_output=True, text=True,
                            timeout=60)
        self.assertEqual(fx.returncode, 0, fx.stderr)
        t = live.end()
        self.assertEqual(t.status, 0, t.stderr)
        t.doc = load_json(path)
        self.check_counted(t, "zombies_full", 64 - 16)

    def test_zombie_deeper_than_followed(self):
        # a wait five pid namespaces deep: past the levels followed, the
        # zombie is counted and its reap is still reported, bounded
        t = self.run_doc("pidns_deep", 5, no_loss=False)
        r = t.report
        self.check_counted(t, "ns_deep")
        rp = self.assertReap(t, r["child"], r["reaper"], "wait", code=9, exact=False)
        self.assertGreaterEqual(rp["t_ns"], rp["exit_ns"])


    def test_loader_and_timeline_out_of_memory(self):
        # the tracer may map no more than it has: a stall then a storm make
        # the loader's reorder buffer grow and fail, then a storm the
        # loader keeps up with makes the timeline grow and fail
        import resource
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        os.unlink(path)
        self.addCleanup(lambda: os.path.exists(path) and os.unlink(path))
        live = Live(["-j", "-o", path])
        pid = live.proc.pid
        with open("/proc/%d/status" % pid) as f:
            kb = int([l for l in f if l.startswith("VmSize")][0].split()[1])
        if kb > 1 << 30:	# over a TiB mapped: a sanitizer's shadow
            live.kill()
            self.skipTest("a sanitizer build maps its shadow: RLIMIT_AS cannot provoke this")
        lim = (kb + 2048) * 1024
        resource.prlimit(pid, resource.RLIMIT_AS, (lim, lim))
        os.kill(pid, signal.SIGSTOP)
        try:
            subprocess.run([fixture("storm"), "-n", "3000", "-j", "4"],
                           stdout=subprocess.DEVNULL, timeout=120)
        finally:
            os.kill(pid, signal.SIGCONT)
        time.sleep(1.0)
        # the reorder buffer keeps what it grew to; a second storm, with
        # the loader running, fills the timeline past the rest (~800
        # bytes a process against the 2 MiB allowed)
        subprocess.run([fixture("storm"), "-n", "6000", "-j", "1"],
                       stdout=subprocess.DEVNULL, timeout=120)
        time.sleep(0.5)
        live.signal(signal.SIGINT)
        t = live.wait(60)
        kinds = totals_kinds(t)
        self.assertGreaterEqual(kinds.get("loader_alloc", 0), 1, t.stderr)
        self.assertGreaterEqual(kinds.get("timeline_alloc", 0), 1, t.stderr)
        events, lost = t.totals()
        self.assertEqual(lost, sum(kinds.values()), t.stderr)
        # what the stream could still say is counted in the same kinds
        for name in lost_by_kind(t):
            self.assertIn(name, kinds, t.stderr)
        # the document could not be written: no half file under its name
        if t.status != 0:
            self.assertIn("cannot write", t.stderr)
            self.assertFalse(os.path.exists(path), "a partial document was left")


class LateSelection(Field):
    """7: a process selected mid-life is not a loss."""

    def test_rename_under_comm_filter(self):
        t = self.run_doc("rename", opts=("-c", "renamed-1"))
        p = self.proc(t, t.report["pid"])
        self.assertTrue(p["selected_late"], p)
        self.assertNotIn("fork_lost", p["gaps"])

    def test_setuid_under_uid_filter(self):
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        live = Live(["-j", "-u", "4242", "-o", path])
        fx = subprocess.run([fixture("setuid_child")], capture_output=True, text=True, timeout=30)
        r = json.loads(fx.stdout)
        time.sleep(0.3)
        live.signal(signal.SIGINT)
        t = live.wait()
        doc = load_json(path)
        assert_stream_matches_document(self, t.events, doc)
        by_pid = {p["pid"]: p for p in doc["processes"]}
        child, g = by_pid.get(r["child"]), by_pid.get(r["grandchild"])
        self.assertIsNotNone(child, t.stderr)
        self.assertTrue(child["selected_late"], child)
        self.assertNotIn("fork_lost", child["gaps"])
        self.assertEqual(g["parent"], child["id"], g)
        self.assertEqual(child["children"], [g["id"]])
        self.assertEqual(child["exit"]["code"], 6)
        self.assertEqual(t.one(event="exit", pid=r["child"], group_dead=True)["code"], 6)


class ExecIdentity(Field):
    """8: the executable that really ran, the script, the caller's argv[0]."""

    def test_fexecve_execveat_script_failures(self):
        t = self.run_doc("exec_identity", no_loss=False)
        r = t.report
        runs = {x["stage"]: x for x in r["runs"]}
        for stage in ("fexecve", "empty_path"):
            ev = t.one(event="exec", pid=runs[stage]["child"], ret=0)
            self.assertTrue(ev["filename"].startswith("/dev/fd/"), ev)
            self.assertEqual(ev["exe"], r["self"], ev)
        ev = t.one(event="exec", pid=runs["script"]["child"], ret=0)
        self.assertEqual(ev["filename"], r["script"], ev)
        self.assertEqual(ev["script"], r["script"], ev)
        self.assertEqual(ev["interpreter"], r["self"], ev)
        self.assertEqual(ev["exe"], r["self"], ev)
        self.assertEqual(ev["caller_argv0"], "my-script", ev)
        self.assertEqual(ev["argv"], [r["self"], "--interp", r["script"], "a1"], ev)
        doc_exec = self.proc(t, runs["script"]["child"])["execs"][0]
        for k in ("exe", "script", "interpreter", "caller_argv0"):
            self.assertEqual(doc_exec[k], ev[k], doc_exec)
        fail = t.one(event="exec", pid=runs["fail_many"]["child"])
        self.assertEqual(fail["argc"], 40, fail)
        self.assertEqual(len(fail["argv"]), 40, fail)
        self.assertEqual(fail["argv"][20], "L" * 300, fail)
        self.assertNotIn("argv_truncated", fail)

    def test_cut_argv_names_the_argument(self):
        t = self.run_doc("hostile_argv", "--long", "5000")
        child = t.report["child"]
        ev = t.one(event="exec", pid=child, ret=0)
        self.assertTrue(ev["argv_truncated"], ev)
        # SELF, --dump, 14 hostile strings, then the long one: index 16
        self.assertEqual(ev["argv_cut_index"], 16, ev)
        self.assertEqual(ev["argc"], 17, ev)


class CloneParent(Field):
    """9: the real parent is the parent; the creator is kept beside it."""

    def test_clone_parent(self):
        t = self.run_doc("clone_parent")
        r = t.report
        fork = t.one(event="fork", pid=r["child"])
        self.assertEqual(fork["ppid"], r["parent"], fork)
        self.assertEqual(fork["created_by_pid"], r["creator"], fork)
        p = self.proc(t, r["child"])
        top = self.proc(t, r["parent"])
        self.assertEqual(p["parent"], top["id"])
        self.assertEqual(p["created_by_pid"], r["creator"])
        self.assertIn(p["id"], top["children"])
        self.assertNotIn(p["id"], self.proc(t, r["creator"])["children"])
        self.assertReap(t, r["child"], r["parent"], "wait", code=8)

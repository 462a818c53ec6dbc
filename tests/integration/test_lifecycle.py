"""Process lifecycles: births, execs, exits, renames, reparents and reaps.

Each test runs one fixture under `proclife -j -- FIXTURE` and matches the
tracer's events against the fixture's own report (pids, tids, codes, times).
"""
import collections
import glob
import os
import shutil
import sys

from harness import TracerTest, trace, fixture
from helpers_extra import index_of, dump

MS = 1000000


class Lifecycle(TracerTest):
    """Shared checks."""

    def run_fixture(self, name, *args, opts=("-j",), status=0):
        t = trace([fixture(name)] + [str(a) for a in args], opts=opts)
        self.assertEqual(t.status, status, "status of %s: %s\n%s" % (name, t.stderr, t.reports))
        self.assertTrue(t.reports, "%s printed no report" % name)
        self.assertNoLoss(t)
        return t

    def assertOrdered(self, t, *events):
        idx = [index_of(t, e) for e in events]
        self.assertEqual(idx, sorted(idx), "events out of order:\n" + dump(list(events)))
        ts = [e["t_ns"] for e in events]
        self.assertEqual(ts, sorted(ts), "timestamps out of order:\n" + dump(list(events)))

    def assertReapedBy(self, t, pid, reaper, how="wait", exit_ev=None):
        reap = t.one(event="reap", pid=pid)
        self.assertEqual(reap["how"], how, reap)
        self.assertIsNotNone(reap["reaper"], reap)
        self.assertEqual(reap["reaper"]["pid"], reaper, reap)
        if exit_ev is not None:
            self.assertEqual(reap["start_ns"], exit_ev["start_ns"], reap)
            self.assertEqual(reap["exit_ns"], exit_ev["t_ns"], reap)
            self.assertEqual(reap["zombie_ns"], reap["t_ns"] - exit_ev["t_ns"], reap)
            self.assertGreaterEqual(reap["zombie_ns"], 0, reap)
        return reap

    def child_life(self, t, parent, child, kind="fork"):
        """The child's birth event checked against its parent; returns it."""
        fork = t.one(event="fork", pid=child)
        self.assertEqual(fork["kind"], kind, fork)
        self.assertEqual(fork["ppid"], parent, fork)
        self.assertEqual(fork["parent_tid"], parent, fork)
        self.assertEqual(fork["tid"], child, fork)
        self.assertEqual(fork["task_start_ns"], fork["start_ns"], fork)
        self.assertEqual(fork["uid"], 0, fork)
        return fork


class ForkExec(Lifecycle):
    def test_fork_exec_exit_reap(self):
        t = self.run_fixture("fork_exec")
        r = t.report
        parent, child = r["parent"], r["child"]
        fork = self.child_life(t, parent, child, "fork")
        self.assertNotIn("CLONE_VM", fork["clone_flags"])
        self.assertNotIn("CLONE_VFORK", fork["clone_flags"])
        self.assertNotIn("CLONE_THREAD", fork["clone_flags"])
        self.assertEqual(fork["exit_signal"], 17)
        execs = t.find(event="exec", pid=child)
        self.assertEqual(len(execs), 1, dump(execs))
        ex = execs[0]
        self.assertEqual(ex["filename"], r["filename"])
        self.assertEqual(ex["argv"], r["argv"])
        self.assertEqual(ex["ret"], 0)
        self.assertEqual(ex["argc"], len(r["argv"]))
        self.assertEqual(ex["comm"], "true")
        self.assertEqual(ex["start_ns"], fork["start_ns"])
        self.assertNotIn("old_tid", ex)
        self.assertNotIn("argv_truncated", ex)
        exit_ev = t.one(event="exit", pid=child)
        self.assertEqual(exit_ev["code"], r["code"])
        self.assertEqual(exit_ev["code"], 0)
        self.assertIsNone(exit_ev["signal"])
        self.assertIs(exit_ev["core_dumped"], False)
        self.assertIs(exit_ev["group_dead"], True)
        self.assertEqual(exit_ev["tid"], child)
        self.assertEqual(exit_ev["start_ns"], fork["start_ns"])
        for k in ("user_ns", "sys_ns", "cpu_ns", "nvcsw", "nivcsw", "min_flt", "maj_flt",
                  "maxrss_kb"):
            self.assertIsInstance(exit_ev["rusage"][k], int, exit_ev)
            self.assertGreaterEqual(exit_ev["rusage"][k], 0, exit_ev)
        self.assertGreater(exit_ev["rusage"]["min_flt"], 0, exit_ev)
        reap = self.assertReapedBy(t, child, parent, "wait", exit_ev)
        self.assertEqual(reap["reaper"]["comm"], "fork_exec")
        self.assertOrdered(t, fork, ex, exit_ev, reap)
        # the fixture itself: exec'd by the wrapper shell in place, reaped by proclife
        self.assertEqual(t.one(event="exit", pid=parent)["code"], 0)

    def test_fork_exec_program_with_args_and_code(self):
        t = self.run_fixture("fork_exec", "/bin/sh", "-c", "exit 9", "arg0-ignored")
        r = t.report
        self.assertEqual(r["code"], 9)
        child = r["child"]
        self.child_life(t, r["parent"], child, "fork")
        ex = t.one(event="exec", pid=child)
        self.assertEqual(ex["filename"], "/bin/sh")
        self.assertEqual(ex["argv"], ["/bin/sh", "-c", "exit 9", "arg0-ignored"])
        self.assertEqual(ex["argc"], 4)
        exit_ev = t.one(event="exit", pid=child)
        self.assertEqual(exit_ev["code"], 9)
        self.assertReapedBy(t, child, r["parent"], "wait", exit_ev)

    def test_vfork_exec(self):
        t = self.run_fixture("vfork_exec")
        r = t.report
        parent, child = r["parent"], r["child"]
        fork = self.child_life(t, parent, child, "vfork")
        self.assertIn("CLONE_VM", fork["clone_flags"])
        self.assertIn("CLONE_VFORK", fork["clone_flags"])
        self.assertNotIn("CLONE_THREAD", fork["clone_flags"])
        self.assertEqual(fork["exit_signal"], 17)
        ex = t.one(event="exec", pid=child)
        self.assertEqual(ex["filename"], r["filename"])
        self.assertEqual(ex["argv"], r["argv"])
        self.assertEqual(ex["ret"], 0)
        exit_ev = t.one(event="exit", pid=child)
        self.assertEqual(exit_ev["code"], r["code"])
        reap = self.assertReapedBy(t, child, parent, "wait", exit_ev)
        self.assertOrdered(t, fork, ex, exit_ev, reap)

    def test_clone_flags(self):
        t = self.run_fixture("clone_flags")
        r = t.report
        parent, child = r["parent"], r["child"]
        fork = self.child_life(t, parent, child, "clone")
        self.assertEqual(sorted(fork["clone_flags"]), sorted(r["flag_names"]))
        self.assertEqual(sorted(fork["clone_flags"]),
                         ["CLONE_FILES", "CLONE_FS", "CLONE_SYSVSEM"])
        self.assertEqual(fork["exit_signal"], r["exit_signal"])
        self.assertEqual(t.find(event="exec", pid=child), [])
        exit_ev = t.one(event="exit", pid=child)
        self.assertEqual(r["code"], 7)
        self.assertEqual(exit_ev["code"], 7)
        self.assertIsNone(exit_ev["signal"])
        reap = self.assertReapedBy(t, child, parent, "wait", exit_ev)
        self.assertOrdered(t, fork, exit_ev, reap)

    def test_clone_other_exit_signal(self):
        t = self.run_fixture("clone_flags", "--signal", "10")
        r = t.report
        fork = self.child_life(t, r["parent"], r["child"], "clone")
        self.assertEqual(fork["exit_signal"], 10)
        self.assertEqual(sorted(fork["clone_flags"]),
                         ["CLONE_FILES", "CLONE_FS", "CLONE_SYSVSEM"])
        exit_ev = t.one(event="exit", pid=r["child"])
        self.assertEqual(exit_ev["code"], 7)
        self.assertReapedBy(t, r["child"], r["parent"], "wait", exit_ev)


class Threads(Lifecycle):
    def test_threads_with_T(self):
        t = self.run_fixture("threads", 4, opts=("-j", "-T"))
        r = t.report
        pid = r["pid"]
        tids = [w["tid"] for w in r["threads"]]
        self.assertEqual(len(set(tids)), 4)
        births = t.find(event="thread", pid=pid)
        self.assertEqual(sorted(e["tid"] for e in births), sorted(tids), dump(births))
        for e in births:
            self.assertEqual(e["kind"], "thread", e)
            self.assertEqual(e["parent_tid"], pid, e)
            self.assertIn("CLONE_THREAD", e["clone_flags"], e)
            self.assertIn("CLONE_VM", e["clone_flags"], e)
            self.assertIn("CLONE_SIGHAND", e["clone_flags"], e)
            self.assertNotEqual(e["tid"], pid, e)
        # a thread is never a process birth
        self.assertEqual([e for e in t.find(event="fork") if e["pid"] == pid and e["tid"] != pid],
                         [])
        for w in r["threads"]:
            renames = t.find(event="comm", tid=w["tid"])
            self.assertEqual(len(renames), 1, dump(renames))
            c = renames[0]
            self.assertEqual(c["pid"], pid)
            self.assertNotEqual(c["tid"], c["pid"])
            self.assertEqual(c["comm"], w["name"])
            self.assertEqual(c["old_comm"], "threads")
            exits = t.find(event="exit", tid=w["tid"])
            self.assertEqual(len(exits), 1, dump(exits))
            ex = exits[0]
            self.assertEqual(ex["pid"], pid)
            self.assertIs(ex["group_dead"], False, ex)
            self.assertEqual(ex["code"], 0)
            self.assertEqual(ex["comm"], w["name"])
            birth = t.one(event="thread", tid=w["tid"])
            self.assertEqual(ex["task_start_ns"], birth["task_start_ns"])
            self.assertOrdered(t, birth, c, ex)
        # the process: one group exit by the leader, one reap
        group = [e for e in t.find(event="exit", pid=pid) if e["group_dead"]]
        self.assertEqual(len(group), 1, dump(group))
        self.assertEqual(group[0]["tid"], pid)
        self.assertEqual(group[0]["code"], 0)
        self.assertEqual(group[0]["comm"], "threads")
        self.assertEqual(len(t.find(event="exit", pid=pid)), 5)
        last_thread_exit = max(e["t_ns"] for e in t.find(event="exit", pid=pid)
                               if not e["group_dead"])
        self.assertGreaterEqual(group[0]["t_ns"], last_thread_exit)
        reaps = t.find(event="reap", pid=pid)
        self.assertEqual(len(reaps), 1, dump(reaps))
        self.assertEqual(reaps[0]["how"], "wait")

    def test_thread_exec(self):
        t = self.run_fixture("thread_exec", opts=("-j", "-T"))
        self.assertEqual(len(t.reports), 2, t.reports)
        before, after = t.reports
        self.assertEqual(before["stage"], "before_exec")
        self.assertEqual(after["stage"], "execd")
        pid, exec_tid = before["pid"], before["exec_tid"]
        self.assertNotEqual(pid, exec_tid)
        self.assertEqual(after["pid"], pid)
        self.assertEqual(after["tid"], pid)
        birth = t.one(event="thread", tid=exec_tid)
        self.assertEqual(birth["pid"], pid)
        ex = [e for e in t.find(event="exec", pid=pid) if "--execd" in e.get("argv", [])]
        self.assertEqual(len(ex), 1, dump(t.find(event="exec")))
        ex = ex[0]
        self.assertEqual(ex["ret"], 0)
        self.assertEqual(ex["pid"], pid)
        self.assertEqual(ex["tid"], pid, "after the exec the thread has the leader's pid")
        self.assertEqual(ex["old_tid"], exec_tid)
        self.assertEqual(ex["filename"], before["filename"])
        self.assertEqual(ex["argv"], before["argv"])
        self.assertEqual(ex["start_ns"], birth["start_ns"], "same process after the exec")
        # only that exec has old_tid (a leader's exec has none)
        self.assertEqual([e for e in t.find(event="exec") if "old_tid" in e and e is not ex], [])
        self.assertOrdered(t, birth, ex)
        # the exec'ing thread never exits as itself: it became the leader
        self.assertEqual(t.find(event="exit", tid=exec_tid), [])
        group = [e for e in t.find(event="exit", pid=pid) if e["group_dead"]]
        self.assertEqual(len(group), 1, dump(t.find(event="exit", pid=pid)))
        self.assertEqual(group[0]["code"], 0)
        self.assertGreater(group[0]["t_ns"], ex["t_ns"])
        # the old leader ends before the exec completes, never as the process
        old_leader = [e for e in t.find(event="exit", pid=pid) if not e["group_dead"]]
        for e in old_leader:
            self.assertLess(e["t_ns"], ex["t_ns"], e)
        reaps = t.find(event="reap", pid=pid)
        self.assertEqual(len(reaps), 1, dump(reaps))
        self.assertGreater(reaps[0]["t_ns"], group[0]["t_ns"])

    def test_exit_leader_first_with_T(self):
        t = self.run_fixture("exit_leader_first", opts=("-j", "-T"), status=4)
        r = t.report
        pid, thread = r["pid"], r["thread_tid"]
        exits = t.find(event="exit", pid=pid)
        leader = [e for e in exits if e["tid"] == pid]
        self.assertEqual(len(leader), 1, dump(exits))
        leader = leader[0]
        self.assertIs(leader["group_dead"], False, leader)
        self.assertGreaterEqual(leader["t_ns"], r["leader_exit_ns"])
        self.assertLess(leader["t_ns"], r["thread_exit_ns"])
        group = [e for e in exits if e["group_dead"]]
        self.assertEqual(len(group), 1, dump(exits))
        group = group[0]
        self.assertEqual(group["tid"], thread)
        self.assertEqual(group["code"], 4)
        self.assertIsNone(group["signal"])
        self.assertGreaterEqual(group["t_ns"], r["thread_exit_ns"])
        self.assertGreaterEqual(group["t_ns"] - leader["t_ns"], 80 * MS)
        reap = t.one(event="reap", pid=pid)
        self.assertEqual(reap["how"], "wait")
        self.assertEqual(reap["exit_ns"], group["t_ns"], "zombie time counts from the group's end")
        self.assertGreater(reap["t_ns"], group["t_ns"])
        self.assertOrdered(t, leader, group, reap)

    def test_exit_leader_first_without_T(self):
        t = self.run_fixture("exit_leader_first", "50", status=4)
        pid = t.report["pid"]
        exits = t.find(event="exit", pid=pid)
        self.assertEqual(len(exits), 1, dump(exits))
        self.assertIs(exits[0]["group_dead"], True)
        self.assertEqual(exits[0]["code"], 4)
        self.assertEqual(exits[0]["tid"], t.report["thread_tid"])
        self.assertEqual(t.find(event="thread"), [])


class ExitsAndSignals(Lifecycle):
    def test_exit_codes(self):
        for code, how in ((0, "exit"), (1, "_exit"), (42, "return"), (255, "exit"), (256, "_exit")):
            with self.subTest(code=code, how=how):
                t = self.run_fixture("exit_code", code, how, status=code & 255)
                r = t.report
                self.assertEqual(r["expected"], code & 255)
                ex = t.one(event="exit", pid=r["pid"])
                self.assertEqual(ex["code"], code & 255)
                self.assertIsNone(ex["signal"])
                self.assertIs(ex["core_dumped"], False)
                self.assertIs(ex["group_dead"], True)
                self.assertEqual(ex["comm"], "exit_code")
                reap = t.one(event="reap", pid=r["pid"])
                self.assertEqual(reap["how"], "wait")
                self.assertEqual(reap["exit_ns"], ex["t_ns"])

    def check_killed(self, name, signame, signum):
        t = self.run_fixture("die_signal", name)
        r = t.report
        self.assertEqual(r["signal"], signum)
        self.assertEqual(r["rlimit_core"], 0)
        self.assertIs(r["core_dumped"], False)
        ex = t.one(event="exit", pid=r["child"])
        self.assertIsNone(ex["code"], ex)
        self.assertEqual(ex["signal"], signame, ex)
        self.assertIs(ex["core_dumped"], False, ex)
        self.assertIs(ex["group_dead"], True, ex)
        self.assertReapedBy(t, r["child"], r["parent"], "wait", ex)
        self.assertEqual(t.one(event="exit", pid=r["parent"])["code"], 0)

    def test_die_sigsegv(self):
        self.check_killed("SEGV", "SIGSEGV", 11)

    def test_die_sigkill(self):
        self.check_killed("KILL", "SIGKILL", 9)

    def test_die_sigterm(self):
        self.check_killed("TERM", "SIGTERM", 15)

    def test_core_dumped_matches_wait_status(self):
        before = set(glob.glob("/tmp/core*"))
        try:
            t = self.run_fixture("die_signal", "--core", "ABRT")
        finally:
            for f in set(glob.glob("/tmp/core*")) - before:
                try:
                    os.unlink(f)
                except OSError:
                    pass
        r = t.report
        ex = t.one(event="exit", pid=r["child"])
        self.assertEqual(ex["signal"], "SIGABRT")
        self.assertIsNone(ex["code"])
        self.assertIs(ex["core_dumped"], r["core_dumped"],
                      "the tracer's core_dumped must be the wait status's")

    def test_zombie_late(self):
        t = self.run_fixture("zombie_late", 300)
        r = t.report
        parent, child = r["parent"], r["child"]
        ex = t.one(event="exit", pid=child)
        self.assertEqual(ex["code"], 5)
        self.assertGreaterEqual(ex["t_ns"], r["fork_ns"])
        self.assertLess(ex["t_ns"], r["wait_start_ns"])
        reap = self.assertReapedBy(t, child, parent, "wait", ex)
        self.assertGreaterEqual(reap["t_ns"], r["wait_start_ns"])
        self.assertLessEqual(reap["t_ns"], r["wait_return_ns"])
        self.assertGreaterEqual(reap["zombie_ns"], 250 * MS)
        # ~ the time from the child's exit (just after fork) to the wait
        expected = r["wait_start_ns"] - r["fork_ns"]
        self.assertLessEqual(reap["zombie_ns"], expected + (r["wait_return_ns"] - r["wait_start_ns"]))
        self.assertGreaterEqual(reap["zombie_ns"], expected - 50 * MS)

    def test_waitid_nowait_peek_is_not_a_reap(self):
        t = self.run_fixture("waitid_nowait", 100)
        r = t.report
        self.assertEqual(r["peek_code"], 6)
        ex = t.one(event="exit", pid=r["child"])
        self.assertEqual(ex["code"], 6)
        self.assertLessEqual(ex["t_ns"], r["peek_ns"])
        reaps = t.find(event="reap", pid=r["child"])
        self.assertEqual(len(reaps), 1, dump(reaps))
        reap = self.assertReapedBy(t, r["child"], r["parent"], "wait", ex)
        self.assertGreaterEqual(reap["t_ns"], r["reap_start_ns"])
        self.assertLessEqual(reap["t_ns"], r["reap_ns"])
        self.assertGreaterEqual(reap["zombie_ns"], 100 * MS)

    def test_sigstop_continue_are_not_reaps(self):
        t = self.run_fixture("sigstop", 100)
        r = t.report
        self.assertEqual(r["stopped_sig"], 19)
        self.assertIs(r["continued"], True)
        exits = t.find(event="exit", pid=r["child"])
        self.assertEqual(len(exits), 1, dump(exits))
        self.assertEqual(exits[0]["code"], 0)
        self.assertGreaterEqual(exits[0]["t_ns"], r["cont_ns"])
        reaps = t.find(event="reap", pid=r["child"])
        self.assertEqual(len(reaps), 1, dump(reaps))
        reap = self.assertReapedBy(t, r["child"], r["parent"], "wait", exits[0])
        self.assertGreaterEqual(reap["t_ns"], r["exit_wait_ns"])
        self.assertLessEqual(reap["t_ns"], r["reap_ns"])
        # nothing about the child between its birth and its exit but itself
        self.assertEqual([e["event"] for e in t.of_pid(r["child"])], ["fork", "exit", "reap"])


class Orphans(Lifecycle):
    def test_orphan_subreaper(self):
        t = self.run_fixture("orphan_subreaper")
        r = t.report
        parent, middle, gc = r["parent"], r["middle"], r["grandchild"]
        self.assertEqual(r["grandchild_new_ppid"], parent)
        self.child_life(t, parent, middle)
        gfork = self.child_life(t, middle, gc)
        mexit = t.one(event="exit", pid=middle)
        self.assertEqual(mexit["code"], 0)
        self.assertReapedBy(t, middle, parent, "wait", mexit)
        rep = t.one(event="reparent", pid=gc)
        self.assertEqual(rep["ppid"], parent)
        self.assertEqual(rep["old_ppid"], middle)
        self.assertEqual(rep["reason"], "subreaper")
        self.assertEqual(rep["start_ns"], gfork["start_ns"])
        self.assertGreaterEqual(rep["t_ns"], mexit["t_ns"])
        gexit = t.one(event="exit", pid=gc)
        self.assertEqual(gexit["code"], 3)
        self.assertEqual(gexit["ppid"], parent, "after the reparent the ppid is the new parent")
        reap = self.assertReapedBy(t, gc, parent, "subreaper", gexit)
        self.assertOrdered(t, gfork, mexit, rep, gexit, reap)
        self.assertEqual([x["code"] for x in r["reaped"]], [0, 3])

    def test_orphan_init(self):
        t = self.run_fixture("orphan_init", 300)
        r = t.report
        parent, middle, gc, newp = r["parent"], r["middle"], r["grandchild"], r["grandchild_new_ppid"]
        self.assertNotEqual(newp, middle)
        gfork = self.child_life(t, middle, gc)
        mexit = t.one(event="exit", pid=middle)
        self.assertEqual(mexit["code"], r["middle_code"])
        rep = t.one(event="reparent", pid=gc)
        self.assertEqual(rep["ppid"], newp)
        self.assertEqual(rep["old_ppid"], middle)
        self.assertEqual(rep["reason"], "init" if newp == 1 else "subreaper", rep)
        self.assertGreaterEqual(rep["t_ns"], mexit["t_ns"])
        self.assertOrdered(t, gfork, mexit, rep)
        # the grandchild exits 100 ms after its reparent, well inside the trace
        gexit = t.one(event="exit", pid=gc)
        self.assertEqual(gexit["code"], 4)
        self.assertGreater(gexit["t_ns"], rep["t_ns"])
        # its reap by init may come after the trace ends; if seen, it is init's
        reaps = t.find(event="reap", pid=gc)
        self.assertLessEqual(len(reaps), 1, dump(reaps))
        for reap in reaps:
            self.assertEqual(reap["how"], "init" if newp == 1 else "subreaper", reap)
            self.assertEqual(reap["reaper"]["pid"], newp, reap)
            self.assertNotEqual(reap["reaper"]["pid"], parent, reap)


class Autoreap(Lifecycle):
    def check_autoreap(self, name, n=3):
        t = self.run_fixture(name, n)
        r = t.report
        self.assertIs(r["autoreaped"], True)
        self.assertEqual(len(r["children"]), n)
        for c in r["children"]:
            fork = self.child_life(t, r["parent"], c)
            ex = t.one(event="exit", pid=c)
            self.assertEqual(ex["code"], 0)
            reaps = t.find(event="reap", pid=c)
            self.assertEqual(len(reaps), 1, dump(reaps))
            reap = reaps[0]
            self.assertEqual(reap["how"], "autoreap", reap)
            # the kernel released it for the parent that asked it to
            # (issue 12: the stream names the parent, as the document does)
            self.assertEqual(reap["reaper"]["pid"], r["parent"], reap)
            self.assertIs(reap["exact"], True, reap)
            self.assertEqual(reap["exit_ns"], ex["t_ns"])
            self.assertGreaterEqual(reap["zombie_ns"], 0)
            self.assertLessEqual(reap["zombie_ns"], 5 * MS, reap)
            self.assertEqual(reap["zombie_ns"], reap["t_ns"] - ex["t_ns"])
            self.assertOrdered(t, fork, ex, reap)
        self.assertEqual(t.one(event="exit", pid=r["parent"])["code"], 0)

    def test_sigchld_ignored(self):
        self.check_autoreap("sigchld_ignore")

    def test_sa_nocldwait(self):
        self.check_autoreap("sa_nocldwait", 5)


class Renames(Lifecycle):
    def test_rename_with_T(self):
        t = self.run_fixture("rename", opts=("-j", "-T"))
        r = t.report
        pid, ttid = r["pid"], r["thread_tid"]
        comms = t.find(event="comm", pid=pid)
        got = [(e["tid"], e["old_comm"], e["comm"]) for e in comms]
        self.assertEqual(got, [(pid, "rename", "renamed-1"),
                               (pid, "renamed-1", "renamed-2"),
                               (ttid, "renamed-2", "thr-self"),
                               (ttid, "thr-self", "thr-by-leader")], dump(comms))
        self.assertEqual([(e["tid"], e["comm"]) for e in comms],
                         [(x["tid"], x["comm"]) for x in r["renames"]])
        ts = [e["t_ns"] for e in comms]
        self.assertEqual(ts, sorted(ts))
        texit = t.one(event="exit", tid=ttid)
        self.assertEqual(texit["comm"], "thr-by-leader")
        self.assertIs(texit["group_dead"], False)
        pexit = t.one(event="exit", pid=pid, tid=pid)
        self.assertEqual(pexit["comm"], "renamed-2")
        self.assertIs(pexit["group_dead"], True)
        self.assertEqual(t.one(event="reap", pid=pid)["comm"], "renamed-2")

    def test_rename_without_T_hides_thread_renames(self):
        t = self.run_fixture("rename")
        r = t.report
        pid = r["pid"]
        comms = t.find(event="comm")
        self.assertEqual([(e["pid"], e["tid"], e["old_comm"], e["comm"]) for e in comms],
                         [(pid, pid, "rename", "renamed-1"), (pid, pid, "renamed-1", "renamed-2")],
                         dump(comms))


class PidReuse(Lifecycle):
    def test_pid_reuse(self):
        t = trace([fixture("pid_reuse")])
        r = t.report
        if not r or not r.get("reused"):
            self.skipTest("pid not reused: %r" % (r,))
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        pid, parent = r["pid"], r["parent"]
        forks = t.find(event="fork", pid=pid)
        self.assertEqual(len(forks), 2, dump(forks))
        s1, s2 = forks[0]["start_ns"], forks[1]["start_ns"]
        self.assertLess(s1, s2)
        for start, code in ((s1, 11), (s2, 22)):
            exits = t.find(event="exit", pid=pid, start_ns=start)
            self.assertEqual(len(exits), 1, dump(t.of_pid(pid)))
            self.assertEqual(exits[0]["code"], code)
            reaps = t.find(event="reap", pid=pid, start_ns=start)
            self.assertEqual(len(reaps), 1, dump(t.of_pid(pid)))
            self.assertEqual(reaps[0]["how"], "wait")
            self.assertEqual(reaps[0]["reaper"]["pid"], parent)
            self.assertEqual(reaps[0]["exit_ns"], exits[0]["t_ns"])
            for e in t.find(pid=pid, start_ns=start):
                self.assertEqual(e["ppid"], parent, e)
        # the first one's life ends before the second one's begins
        first_reap = t.one(event="reap", pid=pid, start_ns=s1)
        self.assertLess(first_reap["t_ns"], forks[1]["t_ns"])
        self.assertEqual(len(t.find(event="exit", pid=pid)), 2)
        for m in r["misses"]:
            self.assertEqual([e["code"] for e in t.find(event="exit", pid=m)][-1:], [33])


class Storm(Lifecycle):
    def test_storm_1000(self):
        t = trace([fixture("storm"), "-n", "1000"])
        self.assertEqual(t.status, 0, t.stderr)
        r = t.report
        self.assertEqual(r["count"], 1000)
        self.assertEqual(r["failures"], 0)
        events, lost = t.totals()
        self.assertEqual(lost, 0, t.stderr)
        self.assertEqual(t.find(event="lost"), [])
        self.assertGreaterEqual(events, 4000)
        parent = r["parent"]
        per = collections.defaultdict(collections.Counter)
        for e in t.events:
            per[e["pid"]][e["event"]] += 1
        times = collections.Counter(r["children"])  # a pid could come twice
        for c, k in times.items():
            got = per[c]
            want = {"fork": k, "exec": k, "exit": k, "reap": k}
            self.assertEqual(dict(got), want, "pid %d: %r" % (c, dict(got)))
        for e in t.find(event="exec"):
            if e["pid"] in times:
                self.assertEqual(e["argv"], r["argv"], e)
                self.assertEqual(e["ret"], 0, e)
        for e in t.find(event="exit"):
            if e["pid"] in times:
                self.assertEqual(e["code"], 0, e)
        for e in t.find(event="reap"):
            if e["pid"] in times:
                self.assertEqual(e["how"], "wait", e)
                self.assertEqual(e["reaper"]["pid"], parent, e)
        forks = [e["pid"] for e in t.find(event="fork") if e["ppid"] == parent]
        self.assertEqual(forks, r["children"], "forks in the fixture's order")


# Scenarios no C fixture covers, as small Python programs (same conventions:
# one JSON report line on stdout).
ZOMBIE_TO_SUBREAPER = r"""
import ctypes, json, os, time
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(36, 1, 0, 0, 0):              # PR_SET_CHILD_SUBREAPER
    raise SystemExit(99)
r, w = os.pipe()
middle = os.fork()
if middle == 0:
    gc = os.fork()
    if gc == 0:
        os._exit(12)                          # a zombie at once
    os.write(w, str(gc).encode())
    time.sleep(0.15)                          # keep it a zombie, then orphan it
    os._exit(0)
os.close(w)
gc = int(os.read(r, 32))
codes = {}
while True:
    try:
        pid, st = os.waitpid(-1, 0)
    except ChildProcessError:
        break
    codes[pid] = os.waitstatus_to_exitcode(st)
print(json.dumps({"parent": os.getpid(), "middle": middle, "grandchild": gc,
                  "codes": {str(k): v for k, v in codes.items()}}))
"""

REAP_BY_THREAD = r"""
import json, os, threading, time
res = {}
def worker():
    res["tid"] = threading.get_native_id()
    pid = os.fork()
    if pid == 0:
        time.sleep(0.05)
        os._exit(21)
    res["child"] = pid
    _, st = os.waitpid(pid, 0)
    res["code"] = os.waitstatus_to_exitcode(st)
t = threading.Thread(target=worker)
t.start()
t.join()
print(json.dumps(dict(res, pid=os.getpid())))
"""

CHILD_OF_EXITED_THREAD = r"""
import json, os, threading, time
res = {}
def worker():
    res["tid"] = threading.get_native_id()
    pid = os.fork()
    if pid == 0:
        time.sleep(0.2)
        os._exit(23)
    res["child"] = pid
t = threading.Thread(target=worker)
t.start()
t.join()
time.sleep(0.05)                               # the forking thread is gone
_, st = os.waitpid(res["child"], 0)
res["code"] = os.waitstatus_to_exitcode(st)
print(json.dumps(dict(res, pid=os.getpid())))
"""


PTRACER_WAIT = r"""
import json, os, subprocess, time
child = os.fork()
if child == 0:
    time.sleep(0.3)                            # strace attaches meanwhile
    os._exit(7)
st = subprocess.Popen(["strace", "-o", "/dev/null", "-p", str(child)],
                      stderr=subprocess.DEVNULL)
time.sleep(0.6)                                # the child exits at ~0.3 s
t0 = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
_, status = os.waitpid(child, 0)
t1 = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
st.wait()
print(json.dumps({"parent": os.getpid(), "child": child, "strace": st.pid,
                  "code": os.waitstatus_to_exitcode(status),
                  "wait_start_ns": t0, "wait_return_ns": t1}))
"""


class Scenarios(Lifecycle):
    def py(self, script, opts=("-j",)):
        t = trace([sys.executable, "-c", script], opts=opts)
        self.assertEqual(t.status, 0, t.stderr)
        self.assertTrue(t.reports, t.stderr)
        self.assertNoLoss(t)
        return t

    def test_zombie_reparented_to_subreaper(self):
        t = self.py(ZOMBIE_TO_SUBREAPER)
        r = t.report
        parent, middle, gc = r["parent"], r["middle"], r["grandchild"]
        self.assertEqual(r["codes"], {str(middle): 0, str(gc): 12})
        gexit = t.one(event="exit", pid=gc)
        self.assertEqual(gexit["code"], 12)
        self.assertEqual(gexit["ppid"], middle)
        mexit = t.one(event="exit", pid=middle)
        rep = t.one(event="reparent", pid=gc)
        self.assertEqual(rep["ppid"], parent)
        self.assertEqual(rep["old_ppid"], middle)
        self.assertEqual(rep["reason"], "subreaper")
        reap = self.assertReapedBy(t, gc, parent, "subreaper", gexit)
        self.assertGreaterEqual(reap["zombie_ns"], 100 * MS, "a zombie for ~150 ms")
        self.assertOrdered(t, gexit, mexit, rep, reap)
        # after its reparent, the zombie's parent is the subreaper in every event
        self.assertEqual(reap["ppid"], parent, "reap after the reparent still names the old "
                         "parent: %s" % reap)

    def test_reap_by_a_thread(self):
        t = self.py(REAP_BY_THREAD, opts=("-j", "-T"))
        r = t.report
        pid, tid, child = r["pid"], r["tid"], r["child"]
        self.assertNotEqual(pid, tid)
        self.assertEqual(r["code"], 21)
        fork = t.one(event="fork", pid=child)
        self.assertEqual(fork["ppid"], pid, "the parent is the process")
        self.assertEqual(fork["parent_tid"], tid, "created by the thread")
        ex = t.one(event="exit", pid=child)
        self.assertEqual(ex["code"], 21)
        reap = self.assertReapedBy(t, child, pid, "wait", ex)
        self.assertEqual(reap["reaper"]["tid"], tid)
        self.assertEqual(t.find(event="reparent"), [])

    def test_child_of_an_exited_thread_is_not_reparented(self):
        # when the forking thread ends, its children pass to another thread of
        # the same process: the parent process does not change
        t = self.py(CHILD_OF_EXITED_THREAD, opts=("-j", "-T"))
        r = t.report
        pid, tid, child = r["pid"], r["tid"], r["child"]
        self.assertEqual(r["code"], 23)
        texit = t.one(event="exit", tid=tid)
        self.assertIs(texit["group_dead"], False)
        self.assertEqual(t.find(event="reparent"), [], dump(t.find(event="reparent")))
        ex = t.one(event="exit", pid=child)
        self.assertEqual(ex["code"], 23)
        self.assertEqual(ex["ppid"], pid)
        self.assertGreater(ex["t_ns"], texit["t_ns"])
        reap = self.assertReapedBy(t, child, pid, "wait", ex)
        self.assertEqual(reap["reaper"]["tid"], pid)

    def test_ptracer_wait_is_not_a_reap(self):
        # a ptracer that is not the parent is told of the exit first (its
        # wait4 returns the pid), but the zombie stays for the real parent
        if not shutil.which("strace"):
            self.skipTest("no strace")
        t = self.py(PTRACER_WAIT)
        r = t.report
        self.assertEqual(r["code"], 7)
        ex = t.one(event="exit", pid=r["child"])
        self.assertEqual(ex["code"], 7)
        self.assertLess(ex["t_ns"], r["wait_start_ns"])
        reaps = t.find(event="reap", pid=r["child"])
        self.assertEqual(len(reaps), 1, dump(reaps))
        reap = reaps[0]
        self.assertEqual(reap["reaper"]["pid"], r["parent"],
                         "reaped by the ptracer (pid %d)? %s" % (r["strace"], reap))
        self.assertEqual(reap["how"], "wait")
        self.assertGreaterEqual(reap["t_ns"], r["wait_start_ns"])
        self.assertLessEqual(reap["t_ns"], r["wait_return_ns"])
        self.assertGreaterEqual(reap["zombie_ns"], 250 * MS)

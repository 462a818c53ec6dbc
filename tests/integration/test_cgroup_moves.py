"""Where a task lives, across cgroup migrations.

proclife keeps each task's cgroup and namespace facts in the kernel, read
once and reused until a migration (docs/PERFORMANCE.md, "Where a task
lives, cached"). This runs the real tracer over the cgroup_move fixture
and checks that every birth and exit on each side of a move names the
cgroup the task was really in: a child forked before the move, one after,
threads started before and after it, a child born with CLONE_INTO_CGROUP
into another cgroup, and the process itself.
"""
import os
import shutil
import tempfile
import unittest

import containers as C
from harness import TracerTest, trace, fixture, load_json, assert_stream_matches_document
from helpers_extra import dump


class CgroupMoves(TracerTest):
    def setUp(self):
        root = C.cgroup_mounts().get("")
        if root is None:
            self.skipTest("no cgroup v2 hierarchy mounted")
        self.top = tempfile.mkdtemp(prefix="proclife-moves-", dir=root)
        self.addCleanup(self.remove_cgroups)
        self.one = os.path.join(self.top, "one")
        self.two = os.path.join(self.top, "two")
        os.mkdir(self.one)
        os.mkdir(self.two)
        self.rel = "/" + os.path.relpath(self.top, root)

    def remove_cgroups(self):
        for d in (getattr(self, "one", None), getattr(self, "two", None), self.top):
            if d and os.path.isdir(d):
                try:
                    os.rmdir(d)
                except OSError:
                    shutil.rmtree(d, ignore_errors=True)

    def test_every_birth_and_exit_names_the_cgroup_it_was_in(self):
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, path)
        t = trace([fixture("cgroup_move"), self.one, self.two],
                  opts=("-j", "-T", "-o", path), output=path)
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        r = t.report
        one_id = os.stat(self.one).st_ino
        two_id = os.stat(self.two).st_ino
        start = t.find(event="exec", pid=r["pid"])[-1]
        home = start["cgroup_id"]
        self.assertNotIn(home, (one_id, two_id))

        def where(ev, **want):
            found = t.find(event=ev, **want)
            self.assertEqual(len(found), 1, "%s %r:\n%s" % (ev, want, dump(t.events)))
            return found[0]

        def assert_in(e, cg_id, name):
            self.assertEqual(e["cgroup_id"], cg_id, e)
            if name:
                self.assertEqual(e["cgroup"], self.rel + "/" + name, e)

        # before the move: the process's own cgroup
        for ev in ("fork", "exit"):
            self.assertEqual(where(ev, pid=r["a"])["cgroup_id"], home)
        self.assertEqual(where("thread", pid=r["pid"], tid=r["before"])["cgroup_id"], home)
        # the move itself
        move = where("cgroup_move", pid=r["pid"])
        assert_in(move, one_id, "one")
        # after it: the child, both threads' ends, the new thread, the process
        for ev in ("fork", "exit"):
            assert_in(where(ev, pid=r["b"]), one_id, "one")
        for ev in ("thread", "exit"):
            assert_in(where(ev, pid=r["pid"], tid=r["after"]), one_id, "one")
        assert_in(where("exit", pid=r["pid"], tid=r["before"]), one_id, "one")
        assert_in(where("exit", pid=r["pid"], tid=r["pid"]), one_id, "one")
        # born straight into another cgroup
        for ev in ("fork", "exit"):
            assert_in(where(ev, pid=r["c"]), two_id, "two")
        self.assertEqual(where("fork", pid=r["c"])["clone_flags"].count("CLONE_INTO_CGROUP"), 1)
        # the document agrees, and keeps the move with its time
        doc = load_json(path)
        assert_stream_matches_document(self, t.events, doc)
        procs = {p["pid"]: p for p in doc["processes"]}
        self.assertEqual(procs[r["b"]]["cgroup_id"], one_id, procs[r["b"]])
        self.assertEqual(procs[r["c"]]["cgroup_id"], two_id, procs[r["c"]])
        self.assertEqual(procs[r["a"]]["cgroup_id"], home, procs[r["a"]])


if __name__ == "__main__":
    unittest.main()

"""The container test infrastructure itself: real runc containers.

These prove that containers.py gives the tracer tests what they rely on:
the container runs, its processes sit in the cgroup its layout asks for
(per /proc/PID/cgroup, in v2 and every v1 hierarchy), its init is pid 1 of
a fresh pid namespace, `runc exec` joins it, and nothing is left behind.
The tracer's assertions over these containers come on top of this.
"""
import os
import time
import unittest

import containers as C


class ContainerTest(unittest.TestCase):
    runtime = "runc"

    @classmethod
    def setUpClass(cls):
        why = C.unavailable(cls.runtime)
        if why:
            raise unittest.SkipTest(why)
        C.sweep(cls.runtime)

    def container(self, args, **kw):
        c = C.Container(args, runtime=self.runtime, **kw)
        self.addCleanup(self.assertCleanedUp, c)
        self.addCleanup(c.delete)  # runs first, even when the test failed
        return c

    def assertCleanedUp(self, c):
        self.assertEqual(c.leftover_cgroups(), [], "cgroups left behind")
        self.assertIsNone(c.state(), "runc still knows the container")

    def assertInCgroup(self, pid, path):
        cg = C.cgroups_of(pid)
        mounts = C.cgroup_mounts()
        for key in mounts:
            self.assertEqual(cg.get(key), path, "hierarchy %r of pid %d: %r" % (key, pid, cg))
        if "" in mounts:
            self.assertEqual(C.expected_cgroup(pid), path)
            procs = os.path.join(mounts[""], path.lstrip("/"), "cgroup.procs")
            with open(procs) as f:
                self.assertIn(pid, [int(x) for x in f.read().split()])


class Layouts(ContainerTest):
    def test_every_layout_places_init_in_its_cgroup(self):
        for layout in C.LAYOUTS:
            with self.subTest(layout=layout):
                c = self.container(["sleep", "30"], layout=layout)
                pid = c.start()
                self.assertIn(c.cid, c.cgroups_path)
                self.assertInCgroup(pid, c.cgroups_path)
                self.assertEqual(C.nspid_of(pid), [pid, 1])
                self.assertNotEqual(C.pidns_of(pid), C.pidns_of(os.getpid()))
                c.delete()
                self.assertCleanedUp(c)

    def test_host_process_is_not_in_the_container_cgroup(self):
        c = self.container(["sleep", "30"])
        c.start()
        mine = C.cgroups_of(os.getpid())
        self.assertNotIn(c.cid, "".join(mine.values()))
        self.assertEqual(len(C.nspid_of(os.getpid())), 1)

    def test_cgroup_id_is_the_v2_directory_inode(self):
        if "" not in C.cgroup_mounts():
            self.skipTest("no cgroup v2 hierarchy")
        c = self.container(["sleep", "30"])
        c.start()
        cid = C.cgroup_id_of(c.cgroups_path)
        self.assertGreater(cid, 1)
        self.assertNotEqual(cid, C.cgroup_id_of("/"))


class PidNamespace(ContainerTest):
    def test_children_of_init_count_from_1(self):
        c = self.container(["sh", "-c", "sleep 30 & sleep 31 & wait"])
        init = c.start()
        deadline = time.monotonic() + 5
        kids = []
        while len(kids) < 2 and time.monotonic() < deadline:
            kids = C.children_of(init)
            time.sleep(0.02)
        self.assertEqual(len(kids), 2, c.log())
        inner = sorted(C.nspid_of(k)[-1] for k in kids)
        self.assertTrue(all(1 < p < 10 for p in inner), inner)
        for k in kids:
            self.assertEqual(C.pidns_of(k), C.pidns_of(init))
            self.assertEqual(C.ppid_of(k), init)
            self.assertInCgroup(k, c.cgroups_path)

    def test_foreground_run_reports_the_init_status(self):
        c = self.container(["sh", "-c", "echo $$; exit 5"])
        p = c.run()
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertEqual(p.stdout.strip(), "1")


class Exec(ContainerTest):
    def test_exec_joins_cgroup_and_namespace(self):
        c = self.container(["sleep", "30"], layout="docker-systemd")
        init = c.start()
        pid = c.exec(["sleep", "30"], detach=True)
        self.assertNotEqual(pid, init)
        self.assertInCgroup(pid, c.cgroups_path)
        self.assertEqual(C.pidns_of(pid), C.pidns_of(init))
        host, inner = C.nspid_of(pid)
        self.assertEqual(host, pid)
        self.assertGreater(inner, 1)
        # runc exec -d leaves the process to the nearest subreaper on the
        # host (here: us), outside the container's namespace (so the
        # tracer's ns_ppid is 0), never to the container's init
        self.assertEqual(C.ppid_of(pid), os.getpid())

    def test_foreground_exec_status_and_ns_pid(self):
        c = self.container(["sleep", "30"])
        c.start()
        p = c.exec(["sh", "-c", "echo $$; exit 7"])
        self.assertEqual(p.returncode, 7, p.stderr)
        self.assertGreater(int(p.stdout), 1)

    def test_kill_stops_and_namespace_teardown_kills_the_rest(self):
        c = self.container(["sleep", "30"])
        init = c.start()
        other = c.exec(["sleep", "30"], detach=True)
        self.assertEqual(C.ppid_of(init), os.getpid(), "the init was not adopted")
        self.assertEqual(C.ppid_of(other), os.getpid(), "the exec'd one was not adopted")
        self.assertTrue(c.kill("KILL"))
        self.assertTrue(c.wait_stopped(), c.state())
        self.assertTrue(os.WIFSIGNALED(c.init_status))
        self.assertEqual(os.WTERMSIG(c.init_status), 9)
        # the init's death tore the pid namespace down: the kernel killed
        # the exec'd one with SIGKILL too
        deadline = time.monotonic() + 5
        while c.reap() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(os.WIFSIGNALED(c.adopted[other]))
        self.assertEqual(os.WTERMSIG(c.adopted[other]), 9)
        self.assertEqual(c.state(), "stopped")
        self.assertFalse(os.path.exists("/proc/%d" % init))
        self.assertFalse(os.path.exists("/proc/%d" % other))


class Cleanup(ContainerTest):
    def test_cleanup_after_a_failing_body(self):
        c = C.Container(["sleep", "30"], layout="cri-containerd")
        try:
            with c:
                c.start()
                raise KeyError("a test body that fails")
        except KeyError:
            pass
        self.assertEqual(c.leftover_cgroups(), [])
        self.assertIsNone(c.state())
        self.assertIsNone(c.bundle)

    def test_failed_start_leaves_nothing(self):
        c = self.container(["/no/such/program"])
        with self.assertRaises(C.ContainerError):
            c.start()


class Crun(ContainerTest):
    """crun where it can run (pure v2 or hybrid without v2 controllers)."""
    runtime = "crun"

    def test_crun_places_init(self):
        c = self.container(["sleep", "30"])
        pid = c.start()
        self.assertEqual(C.nspid_of(pid), [pid, 1])
        self.assertEqual(C.expected_cgroup(pid), c.cgroups_path)


if __name__ == "__main__":
    unittest.main()

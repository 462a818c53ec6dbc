"""Containers, cgroups and pid namespaces: real runc containers.

The first classes prove that containers.py gives the tracer tests what
they rely on: the container runs, its processes sit in the cgroup its
layout asks for (per /proc/PID/cgroup, in v2 and every v1 hierarchy), its
init is pid 1 of a fresh pid namespace, `runc exec` joins it, and nothing
is left behind. The Traced* classes then run the real tracer over such
containers (and over unshare -pf namespaces) and check every field it
reports against /proc and against what the container did.
"""
import json
import os
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import containers as C
from harness import PROCLIFE, ROOT, run
from helpers_extra import Live, dump

VALIDATE = os.path.join(ROOT, "tests", "validate_timeline.py")
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else "python3"
HOST_PIDNS = os.stat("/proc/self/ns/pid").st_ino


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


class Sweep(ContainerTest):
    def test_sweep_spares_the_containers_of_live_runs(self):
        """Runs side by side share runc's root: sweep() removes only the
        containers whose owner (the pid ending the name) is dead."""
        gone = subprocess.Popen(["true"])
        gone.wait()
        other = subprocess.Popen(["sleep", "30"])
        self.addCleanup(other.wait)
        self.addCleanup(other.kill)
        orphan = self.container(["sleep", "30"])
        live = self.container(["sleep", "30"])
        mine = self.container(["sleep", "30"])
        orphan.name = C.NAME_PREFIX + orphan.cid[:12] + "-%d" % gone.pid
        live.name = C.NAME_PREFIX + live.cid[:12] + "-%d" % other.pid
        for c in (orphan, live, mine):
            c.start()
        self.assertEqual(C.owner_pid(mine.name), os.getpid())
        swept = C.sweep(self.runtime)
        self.assertIn(orphan.name, swept)
        self.assertNotIn(live.name, swept)
        self.assertNotIn(mine.name, swept)
        self.assertIsNone(orphan.state())
        self.assertEqual(live.state(), "running")
        self.assertEqual(mine.state(), "running")


class Crun(ContainerTest):
    """crun where it can run (pure v2 or hybrid without v2 controllers)."""
    runtime = "crun"

    def test_crun_places_init(self):
        c = self.container(["sleep", "30"])
        pid = c.start()
        self.assertEqual(C.nspid_of(pid), [pid, 1])
        self.assertEqual(C.expected_cgroup(pid), c.cgroups_path)


# ---------------------------------------------------------------- the tracer

def where_events(events):
    """Events that say where their process lives."""
    return [e for e in events if "pidns" in e]


class TracedContainer(ContainerTest):
    """proclife over `runc run`, `runc exec` and containers beside it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.access(PROCLIFE, os.X_OK):
            raise unittest.SkipTest("no proclife binary at " + PROCLIFE)

    def traced_run(self, c, extra=()):
        """proclife -j -o DOC -- runc run: (CompletedProcess, events, doc)."""
        c.prepare()
        c._begin()
        fd, doc_path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, doc_path)
        p = run(["-j", "-o", doc_path] + list(extra) + ["--"] +
                c.command("run", "--bundle", c.bundle, c.name), timeout=60)
        events = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        v = subprocess.run([PYTHON, VALIDATE, doc_path], capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, "schema: " + v.stdout + v.stderr)
        with open(doc_path) as f:
            doc = json.load(f)
        return p, events, doc

    def inside(self, events, c):
        """Pids whose records put them in the container's pid namespace."""
        ns = {e["pidns"] for e in where_events(events) if e["ns_pid"] == 1 and
              e["pidns"] != HOST_PIDNS}
        self.assertEqual(len(ns), 1, dump(where_events(events)))
        pids = {e["pid"] for e in where_events(events) if e["pidns"] in ns}
        return ns.pop(), pids

    def check_run(self, layout):
        c = self.container(["sh", "-c", "sleep 0.2 & sh -c 'exit 4'; wait; exit 5"],
                           layout=layout)
        p, events, doc = self.traced_run(c)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn(", 0 lost", p.stderr)
        pidns, pids = self.inside(events, c)
        self.assertEqual(len(pids), 3, dump(events))  # init, sleep, sh -c 'exit 4'
        init = [e for e in where_events(events) if e["pid"] in pids and e["ns_pid"] == 1]
        init_pid = init[0]["pid"]
        for e in where_events(events):
            if e["pid"] not in pids:
                continue
            # every record of every process inside: its container and cgroup
            self.assertEqual(e["container_id"], c.cid, e)
            self.assertEqual(e["cgroup"], c.cgroups_path, e)
            self.assertEqual(e["pidns"], pidns, e)
            if e["pid"] == init_pid:
                self.assertEqual((e["ns_pid"], e["ns_ppid"]), (1, 0), e)
            else:
                self.assertGreater(e["ns_pid"], 1, e)
                self.assertEqual(e["ns_ppid"], 1, e)
        # one v2 cgroup (not the root) for all of them
        ids = {e["cgroup_id"] for e in where_events(events) if e["pid"] in pids}
        self.assertEqual(len(ids), 1, ids)
        if "" in C.cgroup_mounts():
            self.assertNotEqual(ids, {C.cgroup_id_of("/")})
        # exit codes
        exits = {e["pid"]: e for e in events if e["event"] == "exit" and e["pid"] in pids}
        self.assertEqual(exits[init_pid]["code"], 5)
        self.assertEqual(sorted(x["code"] for x in exits.values()), [0, 4, 5])
        # the runtime's own processes: the runc CLI never carries the id;
        # runc:[0:PARENT] only from its move into the container's cgroup on
        cli = {e["pid"] for e in events if e["event"] == "exec" and
               e["filename"].endswith("/runc")}
        self.assertTrue(cli, dump(events))
        for e in where_events(events):
            if e["pid"] in cli:
                self.assertIsNone(e["container_id"], e)
                self.assertEqual(e["pidns"], HOST_PIDNS, e)
        moves = [e for e in events if e["event"] == "cgroup_move"]
        self.assertEqual(len(moves), 1, "one move, not one per hierarchy:\n" + dump(moves))
        parent = moves[0]["pid"]
        self.assertNotIn(parent, pids | cli)
        self.assertEqual(moves[0]["container_id"], c.cid)
        self.assertEqual(moves[0]["pidns"], HOST_PIDNS)
        before = [e for e in where_events(events) if e["pid"] == parent and
                  e["t_ns"] < moves[0]["t_ns"]]
        self.assertTrue(before)
        for e in before:
            self.assertIsNone(e["container_id"], e)
        # the document: the same facts per process, the move with its time
        by_pid = {q["pid"]: q for q in doc["processes"]}
        self.assertEqual(by_pid[init_pid]["container_id"], c.cid)
        self.assertEqual((by_pid[init_pid]["ns_pid"], by_pid[init_pid]["ns_ppid"]), (1, 0))
        self.assertEqual(by_pid[init_pid]["pidns"], pidns)
        for pid in cli:
            self.assertIsNone(by_pid[pid]["container_id"])
            self.assertEqual(by_pid[pid]["cgroup_moves"], [])
        m = by_pid[parent]["cgroup_moves"]
        self.assertEqual(len(m), 1, m)
        self.assertEqual(m[0]["t_ns"], moves[0]["t_ns"])
        self.assertEqual((m[0]["cgroup"], m[0]["container_id"]), (c.cgroups_path, c.cid))
        self.assertEqual(m[0]["from_cgroup"], C.expected_cgroup(os.getpid()))
        if "" in C.cgroup_mounts():
            self.assertEqual(m[0]["cgroup_id"], by_pid[init_pid]["cgroup_id"])
        return events, doc, pids, init_pid

    def test_outputs_group_by_container(self):
        """A failed exec inside says where it ran; --tree, --summary and the
        chrome trace put the container's processes under it."""
        c = self.container(["sh", "-c", "/nonexistent/plx; sh -c 'exit 3'; exit 0"])
        c.prepare()
        c._begin()
        fd, chrome_path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, chrome_path)
        p = run(["-j", "--tree", "--summary", "-o", chrome_path, "-F", "chrome", "--"] +
                c.command("run", "--bundle", c.bundle, c.name), timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        events = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        pidns, pids = self.inside(events, c)
        init = [e["pid"] for e in where_events(events) if e["pid"] in pids and e["ns_pid"] == 1][0]
        # the failed exec: in the container, a child of its init
        failed = [e for e in events if e["event"] == "exec" and e["ret"] < 0]
        self.assertEqual(len(failed), 1, dump(failed))
        f = failed[0]
        self.assertEqual((f["filename"], f["errno"]), ("/nonexistent/plx", "ENOENT"))
        self.assertEqual((f["container_id"], f["cgroup"], f["pidns"]),
                         (c.cid, c.cgroups_path, pidns), f)
        self.assertGreater(f["ns_pid"], 1)
        self.assertEqual(f["ns_ppid"], 1)
        # --tree: the host's tree, then the container's under its line
        tree = p.stderr[:p.stderr.index("Top processes")]
        head = "container %s  %s\n" % (c.cid[:12], c.cgroups_path)
        self.assertIn(head, tree)
        host, inner = tree.split(head, 1)
        self.assertIn("runc", host)
        self.assertNotIn("exit 3", host)
        lines = inner.splitlines()
        # the init heads a tree (its parent is runc, on the host); runc's
        # helpers that moved in before it are there too (docs/CONTAINERS.md)
        heads = [l for l in lines if l.startswith("%d " % init)]
        self.assertEqual(len(heads), 1, inner)
        self.assertIn(" [ns pid 1] [from ", heads[0])
        self.assertEqual(len([l for l in lines if "  exit 3  " in l]), 1, inner)
        for pid in pids - {init}:
            self.assertEqual(len([l for l in lines if ("-%d " % pid) in l]), 1, inner)
        # --summary: totals per container; 2 failed exits in this one
        # (the failed exec's child exits 127, sh -c 'exit 3')
        self.assertIn("Totals per container:", p.stderr)
        row = [l for l in p.stderr.splitlines() if l.startswith("  " + c.cid[:12])]
        self.assertEqual(len(row), 1, p.stderr)
        procs, failed_exits = (int(x) for x in row[0].split()[1:3])
        self.assertGreaterEqual(procs, len(pids), row)
        self.assertEqual(failed_exits, 2, row)
        # chrome: the container's processes labelled with it, no others
        with open(chrome_path) as fh:
            trace = json.load(fh)["traceEvents"]
        labels = {e["pid"]: e["args"] for e in trace if e.get("name") == "process_labels"}
        self.assertLessEqual(pids, set(labels), labels)
        for pid in labels:  # every labelled one was in it at some point
            self.assertTrue(any(e["pid"] == pid and e["container_id"] == c.cid
                                for e in where_events(events)), pid)
        for e in where_events(events):  # the runc CLI: never labelled
            if e["event"] == "exec" and e["filename"].endswith("/runc"):
                self.assertNotIn(e["pid"], labels)
        for args in labels.values():
            self.assertEqual(args, {"labels": "container " + c.cid[:12], "container_id": c.cid})

    def chart_rows(self, path):
        """The chart's rows in order: ("header", container id, text) or
        ("proc", pid, comm)."""
        ns = "{http://www.w3.org/2000/svg}"
        rows = []
        for g in ET.parse(path).getroot().iter(ns + "g"):
            cls = g.get("class")
            text = g.find(ns + "text")
            if cls == "c":
                rows.append(("header", g.get("data-container"), "".join(text.itertext())))
            elif cls == "r":
                tspan = text.find(ns + "tspan")
                rows.append(("proc", int(tspan.text), text.text.strip()))
        return rows

    def test_chart_groups_by_container(self):
        """The chart (SVG and HTML) draws the host's processes first, then
        the container's under a header row with its short id and cgroup:
        docker-style and systemd-style cgroupsPath."""
        for layout in ("docker-cgroupfs", "docker-systemd"):
            with self.subTest(layout=layout):
                c = self.container(["sh", "-c", "sh -c 'exit 3'; sleep 0.1 & wait; exit 0"],
                                   layout=layout)
                d = tempfile.mkdtemp(prefix="plx_chart")
                self.addCleanup(subprocess.run, ["rm", "-rf", d])
                svg, html = os.path.join(d, "c.svg"), os.path.join(d, "c.html")
                p, events, doc = self.traced_run(c, ["-o", svg, "-o", html])
                self.assertEqual(p.returncode, 0, p.stderr)
                _ns, pids = self.inside(events, c)
                in_ctr = {q["pid"] for q in doc["processes"] if q["container_id"] == c.cid}
                host = {q["pid"] for q in doc["processes"] if q["container_id"] is None}
                self.assertLessEqual(pids, in_ctr)
                rows = self.chart_rows(svg)
                heads = [i for i, r in enumerate(rows) if r[0] == "header"]
                self.assertEqual(len(heads), 1, rows)
                h = heads[0]
                self.assertEqual(rows[h][1], c.cid)
                self.assertEqual(rows[h][2], "container %s %s" % (c.cid[:12], c.cgroups_path))
                # the host's rows above it, the container's below: each once
                above = [r[1] for r in rows[:h]]
                below = [r[1] for r in rows[h + 1:]]
                self.assertEqual(sorted(above), sorted(host), rows)
                self.assertEqual(sorted(below), sorted(in_ctr), rows)
                cli = {e["pid"] for e in events if e["event"] == "exec" and
                       e["filename"].endswith("/runc")}
                self.assertTrue(cli and cli <= set(above), (cli, rows))
                # the init heads the container's tree
                init = [e["pid"] for e in where_events(events) if e["pid"] in pids and
                        e["ns_pid"] == 1][0]
                self.assertIn(init, below)
                # the page: the same header, its tooltip with the full id
                with open(html) as f:
                    page = f.read()
                self.assertIn('<g class="c" data-container="%s"><title>container %s&#10;%s&#10;'
                              'docker, %d process' % (c.cid, c.cid, c.cgroups_path, len(in_ctr)),
                              page)
                self.assertIn("; %d in 1 container (grouped below the host" % len(in_ctr), page)
                c.delete()

    def test_run_every_layout(self):
        for layout in C.LAYOUTS:
            with self.subTest(layout=layout):
                self.check_run(layout)

    def test_systemd_unit_of_a_scope(self):
        c = self.container(["sh", "-c", "exit 0"], layout="docker-systemd")
        _p, events, _doc = self.traced_run(c)
        _ns, pids = self.inside(events, c)
        units = {e["unit"] for e in where_events(events) if e["pid"] in pids}
        self.assertEqual(units, {"docker-%s.scope" % c.cid})

    def test_reaps_by_the_container_init(self):
        """The init's wait4 returns namespace pids: issue 12 maps them back."""
        c = self.container(["sh", "-c", "sh -c 'exit 4'; sleep 0.1 & wait; exit 5"])
        _p, events, _doc, = self.traced_run(c)
        _ns, pids = self.inside(events, c)
        init = [e for e in where_events(events) if e["pid"] in pids and e["ns_pid"] == 1][0]
        for pid in pids - {init["pid"]}:
            reap = [e for e in events if e["event"] == "reap" and e["pid"] == pid]
            self.assertEqual(len(reap), 1, dump(events))
            self.assertEqual(reap[0]["reaper"]["pid"], init["pid"])
            self.assertEqual(reap[0]["how"], "wait")

    def live(self, args):
        t = Live(["-j"] + list(args))
        self.addCleanup(t.kill)
        return t

    def host_noise(self, seconds):
        """Host processes running beside the container while traced."""
        return subprocess.Popen(["/bin/sh", "-c",
                                 "end=$(($(date +%%s) + %d)); while [ $(date +%%s) -lt $end ]; "
                                 "do /bin/true; sleep 0.05; done" % seconds])

    def check_filtered(self, c, args, init):
        noise = self.host_noise(2)
        self.addCleanup(noise.kill)
        t = self.live(args + ["-d", "1.5"])
        p = c.exec(["sh", "-c", "sh -c 'exit 3'; exit 7"])
        self.assertEqual(p.returncode, 7, p.stderr)
        tr = t.wait()
        noise.wait()
        self.assertEqual(tr.status, 0, tr.stderr)
        self.assertTrue(tr.events, tr.stderr)
        for e in where_events(tr.events):
            self.assertEqual(e["container_id"], c.cid, e)
        for e in tr.events:
            self.assertNotIn(e["comm"], ("true", "date"), "host process traced: %r" % e)
        # the init's children (a loop inside) and the exec'd processes
        kids = [e for e in tr.events if e["event"] == "fork" and e["ppid"] == init]
        self.assertTrue(kids, dump(tr.events))
        execd = [e for e in tr.events if e["event"] == "exit" and e.get("code") == 7]
        self.assertEqual(len(execd), 1, dump(tr.events))
        pid = execd[0]["pid"]
        # runc exec: born outside the cgroup, moved in, then exec'd: from
        # its move on it is the container's (and selected by it)
        move = [e for e in tr.events if e["event"] == "cgroup_move" and e["pid"] == pid]
        self.assertEqual(len(move), 1, dump(tr.events))
        self.assertEqual(move[0]["container_id"], c.cid)
        ex = [e for e in tr.events if e["event"] == "exec" and e["pid"] == pid]
        self.assertTrue(ex)
        self.assertGreater(ex[0]["t_ns"], move[0]["t_ns"])
        self.assertEqual(ex[0]["pidns"], C.pidns_of(init))
        self.assertEqual(ex[0]["ns_ppid"], 0)  # its parent is runc, on the host
        inner = [e for e in tr.events if e["event"] == "exit" and e.get("code") == 3]
        self.assertEqual(len(inner), 1)
        self.assertEqual(inner[0]["ns_ppid"], ex[0]["ns_pid"])
        return tr

    def loop_container(self, layout="docker-cgroupfs"):
        c = self.container(["sh", "-c", "while :; do sh -c true; sleep 0.1; done"], layout=layout)
        return c, c.start()

    def test_container_prefix_traces_only_the_container(self):
        c, init = self.loop_container("cri-containerd")
        other, _ = self.loop_container()  # a second container beside it
        fd, doc_path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self.addCleanup(os.unlink, doc_path)
        tr = self.check_filtered(c, ["--container", c.cid[:10], "-o", doc_path], init)
        # runc exec's process, selected by its move: picked up mid-life,
        # its birth and its earlier threads (runc's) not counted as lost
        pid = [e["pid"] for e in tr.events if e["event"] == "exit" and e.get("code") == 7][0]
        with open(doc_path) as f:
            doc = json.load(f)
        q = [x for x in doc["processes"] if x["pid"] == pid]
        self.assertEqual(len(q), 1)
        self.assertTrue(q[0]["selected_late"], q[0])
        self.assertEqual(q[0]["gaps"], [], q[0])
        self.assertEqual(q[0]["container_id"], c.cid)

    def test_cgroup_path_traces_only_that_cgroup(self):
        c, init = self.loop_container("docker-systemd")
        other, _ = self.loop_container()
        tr = self.check_filtered(c, ["--cgroup", c.cgroups_path], init)
        for e in where_events(tr.events):
            self.assertEqual(e["cgroup"], c.cgroups_path, e)

    def test_cgroup_mount_directory_and_parent(self):
        """A directory under the v2 mount, and a parent cgroup: below it too."""
        mounts = C.cgroup_mounts()
        if "" not in mounts:
            self.skipTest("no cgroup v2 hierarchy")
        c, init = self.loop_container("kubepods-cgroupfs")
        pod = os.path.dirname(c.cgroups_path)
        for arg in (os.path.join(mounts[""], c.cgroups_path.lstrip("/")), pod):
            with self.subTest(cgroup=arg):
                self.check_filtered(c, ["--cgroup", arg], init)

    def test_container_started_after_the_tracer(self):
        """A container created after the start is matched in the kernel
        when its cgroup is first described (pl_match_container_level): at
        runc's move of its init process into it, before the init is born."""
        c = self.container(["sh", "-c", "sh -c 'exit 2'; exit 0"])
        t = self.live(["--container", c.cid, "-d", "3"])
        self.assertIn("no container", "".join(t._err))
        c.start()
        c.wait_stopped()
        noise = subprocess.run(["/bin/sh", "-c", "/bin/true"])
        tr = t.wait()
        self.assertEqual(tr.status, 0, tr.stderr)
        inits = [e for e in where_events(tr.events) if e["ns_pid"] == 1]
        self.assertTrue(inits, dump(tr.events))
        self.assertIn("fork", {e["event"] for e in inits})
        self.assertIn("exec", {e["event"] for e in inits})
        codes = sorted(e["code"] for e in tr.events if e["event"] == "exit" and
                       e["pidns"] != HOST_PIDNS)
        self.assertEqual(codes, [0, 2])
        for e in where_events(tr.events):
            self.assertEqual(e["container_id"], c.cid, e)

    def test_text_stream_container_column(self):
        c, init = self.loop_container()
        p = run(["--container", c.cid[:12], "-d", "0.8"])
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertIn("CONTAINER", lines[0])
        body = [l for l in lines[1:] if l.strip()]
        self.assertTrue(body, p.stdout)
        for l in body:
            self.assertIn(" %s " % c.cid[:12], l)

    def test_bad_values_stop_before_attaching(self):
        a = self.container(["sleep", "30"], cid="ab" + C.new_id()[2:])
        b = self.container(["sleep", "30"], cid="ab" + C.new_id()[2:])
        a.start()
        b.start()
        cases = [
            (["--container", "xyz"], "not a container id"),
            (["--container", "AB"], "not a container id"),
            (["--container", "ab"], a.cid[:12]),
            (["--cgroup", "/no/such/cgroup"], "no cgroup"),
            (["--cgroup", "relative"], "absolute"),
            (["--pidns", "12345"], "no process lives in pid namespace 12345"),
            (["--pidns", "x"], "not a namespace"),
        ]
        for args, words in cases:
            with self.subTest(args=args):
                p = run(args + ["-d", "1"])
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertIn(words, p.stderr)
                self.assertEqual(p.stdout, "")
        p = run(["--container", "ab", "-d", "1"])
        self.assertIn(b.cid[:12], p.stderr)  # every candidate is listed


class TracedNamespaces(unittest.TestCase):
    """unshare -pf and nested namespaces, without a container runtime."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root")
        if not os.access(PROCLIFE, os.X_OK):
            raise unittest.SkipTest("no proclife binary at " + PROCLIFE)

    def trace(self, script, extra=()):
        p = run(["-j"] + list(extra) + ["--", "/bin/sh", "-c", script])
        events = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        return p, events

    def test_nested_namespaces_give_ns_pid_at_the_right_level(self):
        # level 1: unshare's child is init (1), its child 2; level 2 inside
        p, events = self.trace(
            "unshare -pf /bin/sh -c '/bin/true a; unshare -pf /bin/sh -c \"/bin/true b; exit 6\"'")
        self.assertEqual(p.returncode, 6, p.stderr)
        ex = {e["argv"][-1]: e for e in events if e["event"] == "exec" and e.get("ret") == 0
              and e["comm"] == "true"}
        a, b = ex["a"], ex["b"]
        self.assertNotEqual(a["pidns"], HOST_PIDNS)
        self.assertNotEqual(b["pidns"], a["pidns"])
        self.assertEqual((a["ns_pid"], a["ns_ppid"]), (2, 1))
        self.assertEqual((b["ns_pid"], b["ns_ppid"]), (2, 1))
        inits = [e for e in events if e["event"] == "exec" and e.get("ret") == 0 and
                 e["comm"] == "sh" and e["ns_pid"] == 1]
        self.assertEqual({e["pidns"] for e in inits}, {a["pidns"], b["pidns"]})
        for e in inits:
            self.assertEqual(e["ns_ppid"], 0)
        host = [e for e in events if e["event"] == "exec" and e["comm"] == "unshare"]
        self.assertTrue(host)
        self.assertEqual(host[0]["pidns"], HOST_PIDNS)
        self.assertEqual(host[0]["ns_pid"], host[0]["pid"])
        # the inner unshare runs in the outer namespace: its own numbers
        inner = [e for e in host if e["pidns"] == a["pidns"]]
        self.assertEqual(len(inner), 1)
        self.assertGreater(inner[0]["ns_pid"], 1)

    def test_pidns_filter_takes_nested_namespaces(self):
        outer = subprocess.Popen(
            ["unshare", "-pf", "--kill-child", "/bin/sh", "-c",
             "while :; do /bin/true o; unshare -pf /bin/true n; sleep 0.1; done"])
        self.addCleanup(outer.wait)
        self.addCleanup(outer.terminate)  # --kill-child: its init dies too
        deadline = time.monotonic() + 5
        kids = []
        while not kids and time.monotonic() < deadline:
            kids = C.children_of(outer.pid)
            time.sleep(0.02)
        # the init, even if unshare died first
        self.addCleanup(subprocess.run, ["kill", "-9", str(kids[0])], capture_output=True)
        ns = C.pidns_of(kids[0])
        self.assertNotEqual(ns, HOST_PIDNS)
        for arg in (str(ns), "/proc/%d/ns/pid" % kids[0]):
            with self.subTest(pidns=arg):
                t = Live(["-j", "--pidns", arg, "-d", "0.8"])
                self.addCleanup(t.kill)
                subprocess.run(["/bin/true", "host"])
                tr = t.wait()
                self.assertEqual(tr.status, 0, tr.stderr)
                ex = [e for e in tr.events if e["event"] == "exec" and e.get("ret") == 0]
                self.assertIn("o", {e["argv"][-1] for e in ex})
                self.assertIn("n", {e["argv"][-1] for e in ex}, "nested namespace left out")
                for e in where_events(tr.events):
                    self.assertNotEqual(e["pidns"], HOST_PIDNS, e)
                self.assertNotIn("host", {e["argv"][-1] for e in ex})

    def test_namespace_teardown_kills_and_reaps(self):
        """The init exits with children left: the kernel SIGKILLs and reaps them."""
        p, events = self.trace("unshare -pf /bin/sh -c 'sleep 30 & sleep 31 & sleep 0.2; exit 0'")
        self.assertEqual(p.returncode, 0, p.stderr)
        init = [e for e in events if e["event"] == "exec" and e.get("ret") == 0 and
                e["comm"] == "sh" and e.get("ns_pid") == 1]
        self.assertEqual(len(init), 1, dump(events))
        init_pid = init[0]["pid"]
        sleeps = {e["pid"] for e in events if e["event"] == "exec" and e["comm"] == "sleep"
                  and e["argv"][-1] in ("30", "31")}
        self.assertEqual(len(sleeps), 2)
        for pid in sleeps:
            x = [e for e in events if e["event"] == "exit" and e["pid"] == pid]
            self.assertEqual(len(x), 1, dump(events))
            self.assertEqual(x[0]["signal"], "SIGKILL")
            self.assertTrue(x[0].get("ns_teardown"), x[0])
            r = [e for e in events if e["event"] == "reap" and e["pid"] == pid]
            self.assertEqual(len(r), 1, dump(events))
            self.assertEqual(r[0]["how"], "ns_teardown")
            self.assertEqual(r[0]["signal"], "SIGKILL")
            self.assertEqual(r[0]["reaper"]["pid"], init_pid)
        x = [e for e in events if e["event"] == "exit" and e["pid"] == init_pid]
        self.assertEqual(x[0]["code"], 0)
        self.assertNotIn("ns_teardown", x[0])

if __name__ == "__main__":
    unittest.main()

"""Selection (-p, -c, -u, -K, -T) and how a live trace ends (-d, SIGINT, SIGTERM).

Live traces see the whole machine, other people's work included: each test
runs its own workload, checks that what it selected is all there, and that
nothing outside the selection leaked in.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time

from harness import TracerTest, trace, fixture
from helpers_extra import Live, descendants, dump, EVENT_NAMES, have

COMMON = ("t_ns", "time", "event", "pid", "tid", "ppid", "uid", "start_ns", "comm")


def gated_shell(script):
    """sh -c SCRIPT that first waits for a line on stdin (the go)."""
    return subprocess.Popen(["/bin/sh", "-c", "read go; " + script], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)


def go(p):
    p.stdin.write("go\n")
    p.stdin.close()


class Filters(TracerTest):
    def assertWellFormed(self, t):
        for e in t.events:
            self.assertIn(e["event"], EVENT_NAMES, e)
            for k in COMMON:
                self.assertIn(k, e, e)
        ts = [e["t_ns"] for e in t.events]
        self.assertEqual(ts, sorted(ts), "events out of time order")

    def assertLifeOf(self, t, pid, code=None, exec_comm=None):
        """pid was born, (exec'd), exited (with code) and was reaped, once each."""
        self.assertEqual(len(t.find(event="fork", pid=pid)), 1, dump(t.of_pid(pid)))
        if exec_comm:
            ex = [e for e in t.find(event="exec", pid=pid) if e["ret"] == 0]
            self.assertEqual([e["comm"] for e in ex], [exec_comm], dump(t.of_pid(pid)))
        exits = t.find(event="exit", pid=pid)
        self.assertEqual(len(exits), 1, dump(t.of_pid(pid)))
        if code is not None:
            self.assertEqual(exits[0]["code"], code)
        self.assertEqual(len(t.find(event="reap", pid=pid)), 1, dump(t.of_pid(pid)))

    def test_pid_filter_selects_trees(self):
        a = gated_shell("/bin/true; sleep 0.2; exit 3")
        b = gated_shell("/bin/echo hi >/dev/null; exit 4")
        noise = gated_shell("/bin/true; sleep 0.1; exit 5")
        try:
            live = Live(["-p", "%d,%d" % (a.pid, b.pid), "-j"])
            for p in (a, b, noise):
                go(p)
            for p in (a, b, noise):
                p.wait(10)
            t = live.end()
        finally:
            for p in (a, b, noise):
                if p.poll() is None:
                    p.kill()
                    p.wait()
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        self.assertWellFormed(t)
        self.assertTrue(t.events, "nothing traced")
        tree = descendants(t.events, {a.pid, b.pid})
        leaked = [e for e in t.events if e["pid"] not in tree]
        self.assertEqual(leaked, [], "events outside the -p trees:\n" + dump(leaked))
        self.assertEqual(t.of_pid(noise.pid), [])
        # a's child /bin/true and sleep, b's echo: whole lives
        kids_a = [e["pid"] for e in t.find(event="fork") if e["ppid"] == a.pid]
        kids_b = [e["pid"] for e in t.find(event="fork") if e["ppid"] == b.pid]
        self.assertEqual(len(kids_a), 2, dump(t.events))
        self.assertEqual(len(kids_b), 1, dump(t.events))
        self.assertLifeOf(t, kids_a[0], 0, "true")
        self.assertLifeOf(t, kids_a[1], 0, "sleep")
        self.assertLifeOf(t, kids_b[0], 0, "echo")
        for p, code in ((a, 3), (b, 4)):
            ex = t.one(event="exit", pid=p.pid)
            self.assertEqual(ex["code"], code)
            reap = t.one(event="reap", pid=p.pid)
            self.assertEqual(reap["how"], "wait")
            self.assertEqual(reap["reaper"]["pid"], os.getpid())
        # nothing of ours other than the two trees (the test's own python is not selected)
        self.assertEqual(t.of_pid(os.getpid()), [])

    def test_pid_filter_includes_running_descendants(self):
        # the child cat exists before the trace starts (the shell says "up"
        # once it forked it): it is in the tree. It ends when its fifo is
        # closed, however long the start took.
        d = tempfile.mkdtemp(prefix="plx")
        fifo = os.path.join(d, "hold")
        os.mkfifo(fifo)
        p = subprocess.Popen(["/bin/sh", "-c",
                              'cat "$0" >/dev/null & echo up; read go; /bin/true; wait; exit 0',
                              fifo], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(p.stdout.readline(), "up\n")
            live = Live(["-p", str(p.pid), "-j"])
            with open(fifo, "w"):
                pass		# opened once cat opened it; closed: cat reads EOF
            go(p)
            p.wait(10)
            t = live.end()
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(t.status, 0, t.stderr)
        sleeps = [e for e in t.find(event="exit") if e["comm"] == "cat" and e["ppid"] == p.pid]
        self.assertEqual(len(sleeps), 1, dump(t.events))
        self.assertEqual(sleeps[0]["code"], 0)
        reap = t.one(event="reap", pid=sleeps[0]["pid"])
        self.assertEqual(reap["reaper"]["pid"], p.pid)
        tree = descendants(t.events, {p.pid, sleeps[0]["pid"]})
        self.assertEqual([e for e in t.events if e["pid"] not in tree], [])

    def test_comm_filter(self):
        name = "plx_%d" % random.randrange(10 ** 9)
        self.assertLessEqual(len(name), 15)
        d = tempfile.mkdtemp(prefix="plx")
        prog = os.path.join(d, name)
        shutil.copy("/bin/sh", prog)
        try:
            live = Live(["-c", name, "-j"])
            m = subprocess.run([prog, "-c", "/bin/true; sleep 0.1; exit 5"])
            other = subprocess.Popen(["/bin/sh", "-c", "/bin/true; exit 6"])
            other.wait()
            t = live.end()
        finally:
            shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(m.returncode, 5)
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        self.assertWellFormed(t)
        roots = {e["pid"] for e in t.find(event="exec", comm=name)}
        self.assertEqual(len(roots), 1, dump(t.events))
        root = roots.pop()
        tree = descendants(t.events, {root})
        leaked = [e for e in t.events if e["pid"] not in tree]
        self.assertEqual(leaked, [], "events outside -c %s and its children:\n%s" % (name, dump(leaked)))
        self.assertEqual(t.of_pid(other.pid), [])
        ex = [e for e in t.find(event="exec", pid=root) if e["ret"] == 0]
        self.assertEqual(len(ex), 1, dump(t.of_pid(root)))
        self.assertEqual(ex[0]["filename"], prog)
        self.assertEqual(ex[0]["comm"], name)
        kids = [e["pid"] for e in t.find(event="fork") if e["ppid"] == root]
        self.assertEqual(len(kids), 2, dump(t.events))
        self.assertLifeOf(t, kids[0], 0, "true")
        self.assertLifeOf(t, kids[1], 0, "sleep")
        self.assertEqual(t.one(event="exit", pid=root)["code"], 5)
        self.assertEqual(t.one(event="reap", pid=root)["reaper"]["pid"], os.getpid())
        # nothing named sh: the other shell is not selected, nor are its children
        self.assertEqual([e for e in t.events if e["comm"] == "sh"], [])

    def test_comm_filter_matches_a_rename(self):
        live = Live(["-c", "renamed-2", "-j"])
        out = subprocess.run([fixture("rename")], capture_output=True, text=True)
        t = live.end()
        self.assertEqual(out.returncode, 0)
        self.assertEqual(t.status, 0, t.stderr)
        pid = json.loads(out.stdout)["pid"]
        self.assertTrue(t.events, "nothing traced")
        # only tasks named renamed-2: ours, and any other run of the same
        # fixture by a test running alongside (never anything else)
        self.assertEqual({e["comm"] for e in t.events}, {"renamed-2"}, dump(t.events))
        self.assertEqual({e["pid"] for e in t.events if e["ppid"] == os.getpid()}, {pid},
                         dump(t.events))
        c = t.one(event="comm", pid=pid)
        self.assertEqual((c["old_comm"], c["comm"]), ("renamed-1", "renamed-2"))
        self.assertEqual(t.find(event="exec", pid=pid), [], "before the rename it was not selected")
        self.assertEqual(t.one(event="exit", pid=pid)["code"], 0)
        self.assertEqual(t.one(event="reap", pid=pid)["how"], "wait")

    def test_uid_filter(self):
        if not have("setpriv"):
            self.skipTest("no setpriv")
        by_num = Live(["-u", "65534", "-j"])
        by_name = Live(["-u", "nobody", "-j"])
        nob = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                "/bin/sh", "-c", "/bin/true x; exit 7"])
        root = subprocess.Popen(["/bin/sh", "-c", "/bin/true y; exit 8"])
        self.assertEqual(nob.wait(10), 7)
        self.assertEqual(root.wait(10), 8)
        traces = [by_num.end(), by_name.end()]
        for t in traces:
            self.assertEqual(t.status, 0, t.stderr)
            self.assertNoLoss(t)
            self.assertWellFormed(t)
            self.assertTrue(t.events, "nothing traced")
            wrong = [e for e in t.events if e["uid"] != 65534]
            self.assertEqual(wrong, [], "events of other users:\n" + dump(wrong))
            self.assertEqual(t.of_pid(root.pid), [])
            self.assertEqual([e for e in t.events if e["ppid"] == root.pid], [])
            # the setpriv process, once it is nobody's: its exec of sh, its child, its end
            sh = [e for e in t.find(event="exec", pid=nob.pid) if e["ret"] == 0]
            self.assertEqual([e["comm"] for e in sh], ["sh"], dump(t.of_pid(nob.pid)))
            self.assertEqual(t.find(event="fork", pid=nob.pid), [], "setpriv was born as root")
            kids = [e["pid"] for e in t.find(event="fork") if e["ppid"] == nob.pid]
            self.assertEqual(len(kids), 1, dump(t.events))
            self.assertLifeOf(t, kids[0], 0, "true")
            self.assertEqual(t.one(event="exec", pid=kids[0])["argv"], ["/bin/true", "x"])
            self.assertEqual(t.one(event="exit", pid=nob.pid)["code"], 7)
        # each tracer stamps its own copy of an event: compare what, not when;
        # and the workload's tree only: the two traces do not start at the
        # same moment, and other work of nobody's may run meanwhile
        def strip(t):
            tree = descendants(t.events, {nob.pid})
            return [(e["event"], e["pid"], e["tid"], e.get("code")) for e in t.events
                    if e["pid"] in tree]
        self.assertEqual(strip(traces[0]), strip(traces[1]), "-u nobody == -u 65534")

    def test_threads_hidden_without_T(self):
        t = trace([fixture("threads"), "4"])
        self.assertEqual(t.status, 0, t.stderr)
        pid = t.report["pid"]
        self.assertEqual(t.find(event="thread"), [])
        self.assertEqual([e for e in t.find(event="exit") if not e["group_dead"]], [])
        self.assertEqual([e for e in t.events if e["tid"] != e["pid"]], [],
                         "no thread-level event without -T")
        self.assertEqual(t.find(event="comm"), [], "thread renames are thread events")
        ex = t.one(event="exit", pid=pid)
        self.assertIs(ex["group_dead"], True)
        # the count on stderr still includes the hidden thread events
        events, lost = t.totals()
        self.assertGreaterEqual(events, len(t.events) + 12)

    def test_kthreads_only_with_K(self):
        if not (have("mkfs.ext4") and have("mount") and os.path.exists("/dev/loop-control")):
            self.skipTest("no loop devices or mkfs.ext4")
        d = tempfile.mkdtemp(prefix="plx_k")
        img, mnt = os.path.join(d, "img"), os.path.join(d, "mnt")
        os.mkdir(mnt)
        with open(img, "wb") as f:
            f.truncate(8 << 20)
        if subprocess.run(["mkfs.ext4", "-q", "-F", img], capture_output=True).returncode:
            shutil.rmtree(d, ignore_errors=True)
            self.skipTest("mkfs.ext4 failed")
        with_k = Live(["-K", "-j"])
        without = Live(["-j"])
        mounted = False
        try:
            # an ext4 mount starts kernel threads (jbd2/loopN, ext4lazyinit, ...);
            # the umount stops some of them
            r = subprocess.run(["mount", "-o", "loop", img, mnt], capture_output=True, text=True)
            mounted = r.returncode == 0
            if mounted:
                time.sleep(0.3)
                subprocess.run(["umount", mnt], check=True)
                mounted = False
                time.sleep(0.3)
        finally:
            if mounted:
                subprocess.run(["umount", "-l", mnt])
            with_k.signal(signal.SIGINT)
            without.signal(signal.SIGINT)
            tk, tn = with_k.wait(), without.wait()
            shutil.rmtree(d, ignore_errors=True)
        if r.returncode:
            self.skipTest("cannot mount a loop device: " + r.stderr)
        self.assertEqual((tk.status, tn.status), (0, 0), tk.stderr + tn.stderr)
        kforks = tk.find(event="fork", kind="kthread")
        self.assertTrue(kforks, "-K: no kernel thread birth seen during an ext4 mount")
        for e in kforks:
            self.assertEqual(e["ppid"], 2, e)
        self.assertTrue(any(e["comm"].startswith("jbd2/") for e in kforks), dump(kforks))
        self.assertEqual(tn.find(kind="kthread"), [], "kthread events without -K")
        kpids = {e["pid"] for e in kforks}
        leaked = [e for e in tn.events if e["pid"] in kpids or e["ppid"] == 2 or e["pid"] == 2]
        self.assertEqual(leaked, [], "kernel thread events without -K:\n" + dump(leaked))
        # the mount command itself is traced by both
        for t in (tk, tn):
            self.assertTrue([e for e in t.find(event="exec") if e["comm"] == "mount"])


class LiveEnd(TracerTest):
    def test_duration(self):
        live = Live(["-q", "-d", "1"])
        t = live.wait(20)
        self.assertEqual(t.status, 0, t.stderr)
        self.assertEqual(t.stdout, "", "-q: no stream")
        t.totals()
        took = live.ended - live.ready_at
        self.assertGreaterEqual(took, 0.9, "ended %.2fs after it began tracing" % took)
        self.assertLess(took, 2.0, "ended %.2fs after it began tracing" % took)

    def test_fractional_duration_json(self):
        live = Live(["-j", "-d", "0.5"])
        subprocess.run(["/bin/true", "plx-dur"])
        t = live.wait(20)
        self.assertEqual(t.status, 0, t.stderr)
        took = live.ended - live.ready_at
        self.assertGreaterEqual(took, 0.4)
        self.assertLess(took, 1.5)
        self.assertTrue([e for e in t.find(event="exec") if e.get("argv") == ["/bin/true", "plx-dur"]])

    def check_signal_end(self, sig):
        live = Live(["-j"])
        p = subprocess.run(["/bin/sh", "-c", "/bin/true plx-sig; exit 9"])
        self.assertEqual(p.returncode, 9)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - live.ready_at)))
        live.signal(sig)
        t = live.wait(20)
        self.assertEqual(t.status, 0, "after %s: %s" % (sig, t.stderr))
        events, lost = t.totals()
        # "lost" lines report losses (a busy machine may drop some): the
        # totals count them as lost, not as events
        delivered = [e for e in t.events if e["event"] != "lost"]
        self.assertGreaterEqual(events, len(delivered))
        self.assertEqual(t.other, [], "lines that are not events")
        self.assertTrue(t.stdout.endswith("\n"), "last line cut")
        for e in t.events:
            self.assertIn(e["event"], EVENT_NAMES, e)
            for k in COMMON:
                self.assertIn(k, e, e)
        ts = [e["t_ns"] for e in t.events]
        self.assertEqual(ts, sorted(ts))
        self.assertEqual(t.find(kind="kthread"), [], "kthreads without -K")
        ours = [e for e in t.find(event="exec") if e.get("argv") == ["/bin/true", "plx-sig"]]
        self.assertEqual(len(ours), 1, "the workload run while tracing is missing")
        sh = ours[0]["ppid"]
        self.assertEqual(t.one(event="exit", pid=sh)["code"], 9)
        self.assertEqual(t.one(event="reap", pid=sh)["reaper"]["pid"], os.getpid())
        lines = [l for l in t.stderr.splitlines() if l.strip()]
        self.assertTrue(lines[-1].startswith("proclife: ") and " events, " in lines[-1], lines)

    def test_sigint_ends_cleanly(self):
        self.check_signal_end(signal.SIGINT)

    def test_sigterm_ends_cleanly(self):
        self.check_signal_end(signal.SIGTERM)


class RepeatedFilters(TracerTest):
    """-c and -u accumulate, repeated or comma-listed: a task matches any."""

    def comm_run(self, args):
        names = ["plxa_%d" % random.randrange(10 ** 6), "plxb_%d" % random.randrange(10 ** 6),
                 "plxc_%d" % random.randrange(10 ** 6)]
        d = tempfile.mkdtemp(prefix="plx")
        progs = [os.path.join(d, n) for n in names]
        for p in progs:
            shutil.copy("/bin/sh", p)
        try:
            live = Live(args(names[0], names[1]) + ["-j"])
            codes = [subprocess.run([p, "-c", "exit %d" % (20 + i)]).returncode
                     for i, p in enumerate(progs)]
            t = live.end()
        finally:
            shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(codes, [20, 21, 22])
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        for i, (name, prog) in enumerate(zip(names[:2], progs)):
            ex = [e for e in t.find(event="exec", comm=name) if e["ret"] == 0]
            self.assertEqual([e["filename"] for e in ex], [prog], dump(t.events))
            self.assertEqual(t.one(event="exit", pid=ex[0]["pid"])["code"], 20 + i)
        self.assertEqual([e for e in t.events if e["comm"] == names[2]], [],
                         "a name not asked for was traced")
        seen = {e["comm"] for e in t.events}
        self.assertLessEqual(seen, set(names[:2]), dump(t.events))

    def test_comm_repeated(self):
        self.comm_run(lambda a, b: ["-c", a, "-c", b])

    def test_comm_listed(self):
        self.comm_run(lambda a, b: ["-c", "%s,%s" % (a, b)])

    def test_uid_repeated_and_listed(self):
        if not have("setpriv"):
            self.skipTest("no setpriv")
        # 65534 (nobody) and 1 asked for, 2 not
        runs = [Live(["-u", "nobody", "-u", "1", "-j"]),
                Live(["-u", "65534,1", "-j"])]
        procs = {}
        for uid in (65534, 1, 2):
            procs[uid] = subprocess.Popen(["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid,
                                           "--clear-groups", "/bin/sh", "-c",
                                           "/bin/true u%d; exit %d" % (uid, uid % 100)])
        for p in procs.values():
            p.wait(10)
        for t in [r.end() for r in runs]:
            self.assertEqual(t.status, 0, t.stderr)
            self.assertNoLoss(t)
            wrong = [e for e in t.events if e["uid"] not in (65534, 1)]
            self.assertEqual(wrong, [], "events of other users:\n" + dump(wrong))
            for uid in (65534, 1):
                sh = [e for e in t.find(event="exec", pid=procs[uid].pid) if e["ret"] == 0]
                self.assertEqual([e["comm"] for e in sh], ["sh"], dump(t.of_pid(procs[uid].pid)))
                self.assertTrue([e for e in t.find(event="exec")
                                 if e.get("argv") == ["/bin/true", "u%d" % uid]], dump(t.events))
                self.assertEqual(t.one(event="exit", pid=procs[uid].pid)["code"], uid % 100)
            self.assertEqual(t.of_pid(procs[2].pid), [], "uid 2 was not asked for")

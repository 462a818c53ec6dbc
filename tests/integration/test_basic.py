"""The closing example of the core issue, and command mode's contract."""
from harness import TracerTest, trace, fixture, run


class CommandMode(TracerTest):
    def test_shell_pipeline_lifecycle(self):
        t = trace(["/bin/sh", "-c", "ls / >/dev/null; sleep 0.1 & wait; exit 3"])
        self.assertEqual(t.status, 3, t.stderr)
        self.assertNoLoss(t)
        sh = [e for e in t.find(event="exec") if e["filename"].endswith("/sh") and e["ret"] == 0]
        self.assertTrue(sh, "the shell's exec was not seen")
        ls = t.one(event="exec", comm="ls")
        self.assertEqual(ls["argv"], ["ls", "/"])
        sleep = t.one(event="exec", comm="sleep")
        self.assertEqual(sleep["argv"], ["sleep", "0.1"])
        for e in (ls, sleep):
            pid = e["pid"]
            self.assertEqual(len(t.find(event="fork", pid=pid)), 1)
            ex = t.one(event="exit", pid=pid)
            self.assertEqual(ex["code"], 0)
            reap = t.one(event="reap", pid=pid)
            self.assertEqual(reap["how"], "wait")
            self.assertEqual(reap["reaper"]["pid"], e["ppid"])
            self.assertGreaterEqual(reap["zombie_ns"], 0)
            self.assertEqual(reap["zombie_ns"], reap["t_ns"] - ex["t_ns"])
        root = sh[-1]["pid"]
        self.assertEqual(t.one(event="exit", pid=root)["code"], 3)

    def test_events_in_time_order(self):
        t = trace([fixture("storm"), "-n", "200", "-j", "2"])
        self.assertEqual(t.status, 0, t.stderr)
        ts = [e["t_ns"] for e in t.events]
        self.assertEqual(ts, sorted(ts))

    def test_exit_status_is_commands(self):
        for code in (0, 1, 42, 255):
            t = trace([fixture("exit_code"), str(code)])
            self.assertEqual(t.status, code, t.stderr)

    def test_status_128_plus_signal(self):
        p = run(["-q", "--", "/bin/sh", "-c", "kill -SEGV $$"])
        self.assertEqual(p.returncode, 128 + 11, p.stderr)

    def test_missing_command(self):
        p = run(["-q", "--", "/nonexistent/cmd"])
        self.assertEqual(p.returncode, 127, p.stderr)
        self.assertIn("/nonexistent/cmd", p.stderr)

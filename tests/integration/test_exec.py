"""exec events: failures with their errno, execveat, hostile and long argv."""
import errno
import os
import shutil
import tempfile

from harness import TracerTest, trace, fixture
from helpers_extra import dump

DEFAULT_ARGV_BYTES = 4096


def raw(s):
    """A stream string back to the kernel's bytes (the tracer escapes
    non-UTF-8 bytes reversibly: they come back as lone surrogates)."""
    return s.encode("utf-8", "surrogateescape")


class ExecFail(TracerTest):
    def test_failed_execs(self):
        t = trace([fixture("exec_fail")])
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        r = t.report
        self.assertIs(r["ok"], True, r)
        pid = r["pid"]
        execs = t.find(event="exec", pid=pid)
        # the wrapper shell's exec of the fixture, then the four failures
        ok = [e for e in execs if e["ret"] == 0 and e["filename"] == fixture("exec_fail")]
        self.assertEqual(len(ok), 1, dump(execs))
        failed = execs[execs.index(ok[0]) + 1:]
        self.assertEqual(len(failed), 4, dump(failed))
        for e, a in zip(failed, r["attempts"]):
            with self.subTest(attempt=a["filename"]):
                self.assertEqual(e["filename"], a["filename"], e)
                self.assertEqual(e["argv"], a["argv"], e)
                self.assertEqual(e["ret"], -a["errno"], e)
                self.assertEqual(e["errno"], a["errno_name"], e)
                self.assertEqual(e["errno"], errno.errorcode[a["errno"]], e)
                self.assertEqual(e["errno"], a["expected"], e)
                if a["syscall"] == "execveat":
                    self.assertIs(e.get("execveat"), True, e)
                else:
                    self.assertFalse(e.get("execveat", False), e)
                # a failed exec changes nothing
                self.assertEqual(e["comm"], "exec_fail", e)
                self.assertEqual(e["tid"], pid, e)
                self.assertEqual(e["start_ns"], ok[0]["start_ns"], e)
                # a failed exec's argv follows the same limits as a
                # successful one's, with the kernel's count (issue 12)
                self.assertEqual(e["argc"], len(a["argv"]), e)
                self.assertNotIn("old_tid", e)
        self.assertEqual([e["errno"] for e in failed], ["ENOENT", "EACCES", "ENOENT", "EBADF"])
        self.assertEqual([e["ret"] for e in failed], [-2, -13, -2, -9])
        self.assertEqual(failed[0]["filename"], "/nonexistent/prog")
        self.assertEqual(failed[0]["argv"], ["exec_fail-1", "a"])
        self.assertEqual(failed[1]["argv"], ["exec_fail-2", "b c"])
        self.assertEqual(failed[3]["filename"], "relative-prog")
        ts = [e["t_ns"] for e in failed]
        self.assertEqual(ts, sorted(ts))
        ex = t.one(event="exit", pid=pid)
        self.assertEqual(ex["code"], 0)
        self.assertEqual(ex["comm"], "exec_fail")
        self.assertGreater(ex["t_ns"], failed[-1]["t_ns"])

    def test_failed_exec_in_child_then_exit_127(self):
        t = trace([fixture("fork_exec"), "/nonexistent/plx-prog", "x y"])
        self.assertEqual(t.status, 0, t.stderr)
        r = t.report
        self.assertEqual(r["code"], 127)
        e = t.one(event="exec", pid=r["child"])
        self.assertEqual(e["ret"], -errno.ENOENT)
        self.assertEqual(e["errno"], "ENOENT")
        self.assertEqual(e["filename"], "/nonexistent/plx-prog")
        self.assertEqual(e["argv"], ["/nonexistent/plx-prog", "x y"])
        self.assertEqual(e["comm"], "fork_exec")
        ex = t.one(event="exit", pid=r["child"])
        self.assertEqual(ex["code"], 127)
        self.assertEqual(ex["comm"], "fork_exec")


class ExecveatOk(TracerTest):
    def test_execveat_success(self):
        t = trace([fixture("execveat_ok")])
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        self.assertEqual([x["stage"] for x in t.reports], ["empty_path", "dirfd_relative", "final"])
        s1, s2, s3 = t.reports
        pid = s1["pid"]
        self.assertEqual({s1["pid"], s2["pid"], s3["pid"]}, {pid})
        execs = t.find(event="exec", pid=pid)
        e1 = [e for e in execs if e["argv"] == s1["argv"]]
        e2 = [e for e in execs if e["argv"] == s2["argv"]]
        self.assertEqual((len(e1), len(e2)), (1, 1), dump(execs))
        e1, e2 = e1[0], e2[0]
        for e in (e1, e2):
            self.assertEqual(e["ret"], 0, e)
            self.assertEqual(e["tid"], pid, e)
        self.assertEqual(e1["argv"], s1["argv"])
        self.assertEqual(e1["argc"], len(s1["argv"]))
        self.assertIn(e1["filename"], ("/dev/fd/%d" % s1["dirfd"], s1["target"]), e1)
        self.assertEqual(e2["argv"], s2["argv"])
        self.assertIn(e2["filename"], ("/dev/fd/%d/%s" % (s2["dirfd"], s2["pathname"]),
                                       s2["target"]), e2)
        # the comm each exec gave is the one the next stage read
        if s2["comm"] is not None:
            self.assertEqual(e1["comm"], s2["comm"])
            self.assertEqual(e2["comm"], s3["comm"])
        self.assertLess(e1["t_ns"], e2["t_ns"])
        # the fixture's own start (by the wrapper shell) is a plain execve
        first = [e for e in execs if e["filename"] == fixture("execveat_ok")]
        self.assertEqual(len(first), 1, dump(execs))
        self.assertFalse(first[0].get("execveat", False), first[0])
        # no new process: one birth (the command), one exit, same identity
        self.assertEqual(len(t.find(event="fork")), 1, dump(t.find(event="fork")))
        ex = t.one(event="exit", pid=pid)
        self.assertEqual(ex["code"], 0)
        self.assertEqual({e["start_ns"] for e in t.of_pid(pid)}, {ex["start_ns"]})
        # both successful execveat calls are flagged as such (as failed ones are)
        for e in (e1, e2):
            self.assertIs(e.get("execveat"), True, "successful execveat not flagged: %s" % e)


class HostileArgv(TracerTest):
    def child_exec(self, t):
        r = t.report
        self.assertIs(r["received"], True, r)
        e = t.one(event="exec", pid=r["child"])
        self.assertEqual(e["ret"], 0)
        self.assertEqual(e["filename"], r["filename"])
        self.assertEqual(e["argc"], r["argc"])
        return r, e

    def assertValidUtf8Stream(self, t):
        # every byte of the stream is UTF-8: control and non-UTF-8 bytes are escaped
        try:
            t.stdout.encode("utf-8")
        except UnicodeEncodeError as exc:
            self.fail("raw non-UTF-8 bytes in the JSON stream: %s" % exc)
        for line in t.stdout.splitlines():
            self.assertFalse(any(ord(c) < 0x20 for c in line), repr(line[:200]))

    def test_hostile_bytes_round_trip(self):
        t = trace([fixture("hostile_argv")])
        self.assertEqual(t.status, 0, t.stderr)
        self.assertNoLoss(t)
        self.assertValidUtf8Stream(t)
        r, e = self.child_exec(t)
        want = [bytes.fromhex(h) for h in r["argv_hex"]]
        got = [raw(a) for a in e["argv"]]
        self.assertEqual(got, want)
        self.assertEqual(len(e["argv"]), r["argc"])
        self.assertIn(b"", got, "empty strings are kept")
        self.assertEqual(got[2], b"")
        self.assertFalse(e.get("argv_truncated", False), e)

    def test_long_argument_truncated_by_default(self):
        t = trace([fixture("hostile_argv"), "--long", "5000"])
        self.assertEqual(t.status, 0, t.stderr)
        self.assertValidUtf8Stream(t)
        r, e = self.child_exec(t)
        want = [bytes.fromhex(h) for h in r["argv_hex"]]
        got = [raw(a) for a in e["argv"]]
        self.assertIs(e.get("argv_truncated"), True, "a 5000-byte argument over the default limit")
        self.assertEqual(e["argc"], len(want), "argc is the real count, even when truncated")
        # what is kept is a byte-exact prefix of argv, within the limit
        self.assertEqual(got[:-1], want[:len(got) - 1])
        self.assertTrue(want[len(got) - 1].startswith(got[-1]), got[-1][:40])
        self.assertLess(len(got[-1]), 5000)
        kept = sum(len(a) + 1 for a in got)
        self.assertLessEqual(kept, DEFAULT_ARGV_BYTES + 1)
        self.assertGreater(kept, DEFAULT_ARGV_BYTES - 64, "the limit is used, not wasted")

    def test_long_argument_complete_with_argv_bytes(self):
        t = trace([fixture("hostile_argv"), "--long", "5000"], opts=("-j", "--argv-bytes", "16384"))
        self.assertEqual(t.status, 0, t.stderr)
        r, e = self.child_exec(t)
        want = [bytes.fromhex(h) for h in r["argv_hex"]]
        got = [raw(a) for a in e["argv"]]
        self.assertEqual(got, want)
        self.assertEqual(got[-1], b"A" * 5000)
        self.assertFalse(e.get("argv_truncated", False), e)

    def test_argv_exactly_at_limit_is_complete(self):
        # "/bin/true" + 817 four-digit args + "" = 10 + 817*5 + 1 = 4096 bytes
        args = [str(n) for n in range(1000, 1817)] + [""]
        self.assertEqual(len("/bin/true") + 1 + sum(len(a) + 1 for a in args), DEFAULT_ARGV_BYTES)
        t = trace(["/bin/true"] + args)
        self.assertEqual(t.status, 0, t.stderr)
        e = [x for x in t.find(event="exec", comm="true") if x["ret"] == 0]
        self.assertEqual(len(e), 1, dump(e))
        e = e[0]
        self.assertEqual(e["argv"], ["/bin/true"] + args)
        self.assertEqual(e["argc"], len(args) + 1)
        self.assertFalse(e.get("argv_truncated", False), e)

    def test_many_arguments_truncated_keep_argc(self):
        args = [str(n) for n in range(3000)]
        t = trace(["/bin/true"] + args)
        self.assertEqual(t.status, 0, t.stderr)
        e = [x for x in t.find(event="exec", comm="true") if x["ret"] == 0]
        self.assertEqual(len(e), 1, dump(e))
        e = e[0]
        self.assertIs(e.get("argv_truncated"), True)
        self.assertEqual(e["argc"], 3001)
        full = ["/bin/true"] + args
        n = len(e["argv"])
        self.assertLess(n, 3001)
        self.assertEqual(e["argv"][:-1], full[:n - 1])
        self.assertTrue(full[n - 1].startswith(e["argv"][-1]))

    def test_long_filename_truncated_and_marked(self):
        base = tempfile.mkdtemp(prefix="plx_long")
        try:
            d = base
            for i in range(6):
                d = os.path.join(d, chr(ord("a") + i) * 200)
            os.makedirs(d)
            prog = os.path.join(d, "prog")
            shutil.copy("/bin/true", prog)
            t = trace([prog, "arg"])
        finally:
            shutil.rmtree(base, ignore_errors=True)
        self.assertEqual(t.status, 0, t.stderr)
        e = [x for x in t.find(event="exec") if x["ret"] == 0 and x["comm"] == "prog"]
        self.assertEqual(len(e), 1, dump(t.find(event="exec")))
        e = e[0]
        if e["filename"] != prog:
            self.assertIs(e.get("filename_truncated"), True, e["filename"])
            self.assertTrue(prog.startswith(e["filename"]), e["filename"])
            self.assertGreaterEqual(len(e["filename"]), 255)
        else:
            self.assertFalse(e.get("filename_truncated", False))
        self.assertEqual(e["argv"], [prog, "arg"], "argv is kept whole")

"""Bad input and missing prerequisites: one clear line, the right status,
and nothing attached (a usage error must come back at once, long before the
~0.5 s it takes to load and attach the BPF programs)."""
import os
import subprocess
import tempfile
import time

from harness import TracerTest, run, PROCLIFE
from helpers_extra import have

FAST = 0.35   # seconds; attaching alone takes longer than this


class UsageErrors(TracerTest):
    def usage_error(self, args, *named, status=2):
        """proclife ARGS must fail with status, one line naming each of named."""
        # -v: a libbpf message would break the one-line rule; -d bounds a miss
        t0 = time.monotonic()
        p = run(["-v", "-q"] + list(args) + ["-d", "1"], timeout=30)
        took = time.monotonic() - t0
        self.assertEqual(p.returncode, status, "%r: %s" % (args, p.stderr))
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, "%r: not one line:\n%s" % (args, p.stderr))
        self.assertTrue(lines[0].startswith("proclife"), lines[0])
        for word in named:
            self.assertIn(word, lines[0], "%r: the message does not name %r" % (args, word))
        self.assertEqual(p.stdout, "", "%r: something on stdout" % (args,))
        self.assertNotIn("tracing", p.stderr)
        self.assertLess(took, FAST, "%r took %.2fs: was something attached?" % (args, took))
        return lines[0]

    def test_unknown_long_option(self):
        self.usage_error(["--bogus"], "--bogus")

    def test_unknown_short_option(self):
        self.usage_error(["-Z"], "Z")

    def test_missing_option_argument(self):
        p = run(["-p"], timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

    def test_pid_not_a_number(self):
        self.usage_error(["-p", "abc"], "abc")

    def test_pid_list_with_a_bad_entry(self):
        self.usage_error(["-p", "1,abc"], "abc")

    def test_pid_zero_and_negative(self):
        self.usage_error(["-p", "0"], "0")
        self.usage_error(["-p", "-5"], "-5")

    def test_pid_does_not_exist(self):
        self.usage_error(["-p", "2147483646"], "2147483646")

    def test_pid_reaped(self):
        p = subprocess.Popen(["/bin/true"])
        p.wait()
        if os.path.exists("/proc/%d" % p.pid):
            self.skipTest("pid %d reused already" % p.pid)
        self.usage_error(["-p", str(p.pid)], str(p.pid))

    def test_pid_list_one_missing(self):
        self.usage_error(["-p", "%d,2147483646" % os.getpid()], "2147483646")

    def test_comm_too_long(self):
        self.usage_error(["-c", "0123456789abcdef"], "0123456789abcdef")

    def test_comm_empty(self):
        self.usage_error(["-c", ""])

    def test_comm_15_bytes_is_fine(self):
        p = run(["-q", "-c", "0123456789abcde", "-d", "0.2"], timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_unknown_user(self):
        self.usage_error(["-u", "plx-no-such-user"], "plx-no-such-user")

    def test_output_in_missing_directory(self):
        path = "/nonexistent-plx/dir/out.json"
        self.usage_error(["-o", path], path)
        self.assertFalse(os.path.exists(path))

    def test_output_is_a_directory(self):
        d = tempfile.mkdtemp(prefix="plx_o")
        try:
            self.usage_error(["-o", d], d)
            self.assertEqual(os.listdir(d), [])
        finally:
            os.rmdir(d)

    def test_output_path_with_trailing_slash(self):
        # "DIR/" names a directory that does not exist: no file can be made there
        d = tempfile.mkdtemp(prefix="plx_o")
        try:
            path = os.path.join(d, "sub") + "/"
            self.usage_error(["-o", path], path)
            self.assertEqual(os.listdir(d), [], "left behind in " + d)
        finally:
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
            os.rmdir(d)

    def test_output_under_a_file(self):
        with tempfile.NamedTemporaryFile(prefix="plx_f") as f:
            self.usage_error(["-o", f.name + "/out.json"], f.name + "/out.json")

    def test_unknown_format(self):
        self.usage_error(["-F", "nosuch"], "nosuch")

    def test_bad_duration(self):
        self.usage_error(["-d", "-1"], "-1")
        self.usage_error(["-d", "abc"], "abc")

    def test_ringbuf_size_not_power_of_two(self):
        self.usage_error(["--ringbuf-size", "1000"], "1000")

    def test_ringbuf_size_garbage(self):
        self.usage_error(["--ringbuf-size", "lots"], "lots")

    def test_argv_bytes_out_of_range(self):
        self.usage_error(["--argv-bytes", "99999"], "99999")

    def test_usage_error_in_command_mode_runs_nothing(self):
        with tempfile.TemporaryDirectory(prefix="plx_c") as d:
            marker = os.path.join(d, "ran")
            p = run(["-p", "abc", "--", "/bin/touch", marker], timeout=30)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertFalse(os.path.exists(marker), "the command ran despite a usage error")


class RuntimeErrors(TracerTest):
    def test_not_root(self):
        if not have("setpriv"):
            self.skipTest("no setpriv")
        t0 = time.monotonic()
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "--inh-caps=-all", PROCLIFE, "-q", "-d", "1"],
                           capture_output=True, text=True, timeout=30)
        took = time.monotonic() - t0
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue("root" in lines[0] or "sudo" in lines[0], lines[0])
        self.assertEqual(p.stdout, "")
        self.assertLess(took, 2.0)

    def test_not_root_command_mode_runs_nothing(self):
        if not have("setpriv"):
            self.skipTest("no setpriv")
        with tempfile.TemporaryDirectory(prefix="plx_c") as d:
            os.chmod(d, 0o777)
            marker = os.path.join(d, "ran")
            p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                "--inh-caps=-all", PROCLIFE, "-q", "--", "/bin/touch", marker],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertFalse(os.path.exists(marker), "the command ran without a tracer")

    def test_no_btf(self):
        p = run(["-q", "--btf", "/nonexistent/vmlinux", "-d", "1"], timeout=30)
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn("BTF", lines[0])
        self.assertIn("/nonexistent/vmlinux", lines[0])

    def test_kernel_without_btf_even_with_btf_option(self):
        """A kernel without /sys/kernel/btf/vmlinux (hidden by a tmpfs in a
        private mount namespace) is refused in one line before anything
        attaches, also when --btf names a good copy of the BTF."""
        if not have("unshare"):
            self.skipTest("no unshare")
        with tempfile.TemporaryDirectory(prefix="plx_nobtf") as d:
            copy = os.path.join(d, "vmlinux")
            marker = os.path.join(d, "ran")
            with open("/sys/kernel/btf/vmlinux", "rb") as src, open(copy, "wb") as dst:
                dst.write(src.read())
            script = ('mount -t tmpfs none /sys/kernel/btf && '
                      'exec "$0" -q --btf "$1" -- /bin/touch "$2"')
            p = subprocess.run(["unshare", "-m", "sh", "-c", script, PROCLIFE, copy, marker],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 1, p.stderr)
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            self.assertEqual(len(lines), 1, p.stderr)
            self.assertIn("CONFIG_DEBUG_INFO_BTF", lines[0])
            self.assertIn("--btf cannot replace it", lines[0])
            self.assertFalse(os.path.exists(marker), "the command ran without a tracer")

    def test_btf_not_a_btf_file(self):
        with tempfile.NamedTemporaryFile(prefix="plx_btf") as f:
            f.write(b"this is not BTF\n" * 8)
            f.flush()
            p = run(["-q", "--btf", f.name, "-d", "1"], timeout=30)
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertTrue(lines and "BTF" in lines[-1], p.stderr)
        self.assertNotIn("tracing", p.stderr)


class HelpVersion(TracerTest):
    def test_help(self):
        for opt in ("-h", "--help"):
            p = run([opt], timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("Usage", p.stdout)
            for o in ("--pid", "--comm", "--uid", "--threads", "--kthreads", "--json",
                      "--output", "--format", "--duration", "--quiet", "--version"):
                self.assertIn(o, p.stdout, "help does not mention " + o)
            self.assertEqual(p.stderr, "")

    def test_help_needs_no_root(self):
        if not have("setpriv"):
            self.skipTest("no setpriv")
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "--inh-caps=-all", PROCLIFE, "--help"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Usage", p.stdout)

    def test_version(self):
        outs = []
        for opt in ("-V", "--version"):
            p = run([opt], timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stdout, r"^proclife \d+\.\d+\.\d+\S*\n$")
            outs.append(p.stdout)
        self.assertEqual(outs[0], outs[1])

"""Command mode under sudo: CMD runs as the user who ran sudo.

The test plays sudo's part: as root, it sets SUDO_UID and SUDO_GID to an
unprivileged user it creates (useradd; removed afterwards, with a group of
its own to check the supplementary groups), and asserts on what the tracer
saw (the uid of CMD's exec) and on who owns the files.
"""
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import unittest

from harness import PROCLIFE, TracerTest
from helpers_extra import have

USER = "plxrunas"
GROUP = "plxrunasg"


class RunAs(TracerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not (have("useradd") and have("userdel") and have("groupadd")):
            raise unittest.SkipTest("no useradd/groupadd")
        subprocess.run(["userdel", USER], capture_output=True)
        subprocess.run(["groupdel", GROUP], capture_output=True)
        subprocess.run(["groupadd", GROUP], check=True)
        subprocess.run(["useradd", "-M", "-d", "/nonexistent-plx", "-s", "/usr/sbin/nologin",
                        "-G", GROUP, USER], check=True)
        pw = pwd.getpwnam(USER)
        cls.uid, cls.gid = pw.pw_uid, pw.pw_gid
        cls.sup = int(subprocess.run(["getent", "group", GROUP], capture_output=True,
                                     text=True, check=True).stdout.split(":")[2])

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["userdel", USER], capture_output=True)
        subprocess.run(["groupdel", GROUP], capture_output=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="plx_runas")
        os.chmod(self.dir, 0o777)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_cmd(self, opts, sudo=True):
        env = dict(os.environ)
        env.pop("SUDO_UID", None)
        env.pop("SUDO_GID", None)
        if sudo:
            env.update(SUDO_UID=str(self.uid), SUDO_GID=str(self.gid), SUDO_USER=USER)
        out = os.path.join(self.dir, "trace.json")
        script = 'id -u >"$0/uid"; id -G >"$0/groups"; echo "$HOME $USER" >"$0/env"; touch "$0/made"'
        p = subprocess.run([PROCLIFE, "-j", "-o", out] + list(opts) +
                           ["--", "/bin/sh", "-c", script, self.dir],
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        events = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
        execs = [e for e in events if e["event"] == "exec" and e["ret"] == 0]
        self.assertTrue(execs, p.stdout)
        return execs, out

    def read(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return f.read().split()

    def owner(self, name):
        st = os.stat(os.path.join(self.dir, name))
        return st.st_uid, st.st_gid

    def test_command_runs_as_the_sudo_user(self):
        execs, out = self.run_cmd([])
        # the first exec, held back until tracing was attached, is already the user's
        self.assertEqual(execs[0]["argv"][0], "/bin/sh")
        self.assertEqual({e["uid"] for e in execs}, {self.uid})
        self.assertEqual(self.read("uid"), [str(self.uid)])
        self.assertEqual(sorted(map(int, self.read("groups"))), sorted({self.gid, self.sup}))
        self.assertEqual(self.read("env"), ["/nonexistent-plx", USER])
        self.assertEqual(self.owner("made"), (self.uid, self.gid))
        # the trace is the user's, and private
        self.assertEqual(self.owner("trace.json"), (self.uid, self.gid))
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)

    def test_keep_root(self):
        execs, out = self.run_cmd(["--keep-root"])
        self.assertEqual({e["uid"] for e in execs}, {0})
        self.assertEqual(self.owner("made"), (0, 0))
        self.assertEqual(self.owner("trace.json"), (0, 0))

    def test_user_option(self):
        execs, out = self.run_cmd(["-U", "nobody"], sudo=False)
        self.assertEqual({e["uid"] for e in execs}, {65534})
        self.assertEqual(self.owner("made")[0], 65534)
        self.assertEqual(self.owner("trace.json"), (0, 0), "not under sudo: root's file")
        execs, out = self.run_cmd(["-U", "65534"])
        self.assertEqual({e["uid"] for e in execs}, {65534})
        self.assertEqual(self.owner("trace.json"), (self.uid, self.gid), "sudo: the invoker's file")

    def test_no_sudo_stays_root(self):
        execs, out = self.run_cmd([], sudo=False)
        self.assertEqual({e["uid"] for e in execs}, {0})

    def test_bad_user(self):
        p = subprocess.run([PROCLIFE, "-U", "no-such-user-plx", "--", "/bin/true"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no user 'no-such-user-plx'", p.stderr)
        p = subprocess.run([PROCLIFE, "-U", "nobody"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("needs a command", p.stderr)


"""The working directory at exec ("cwd"), read in the kernel at
sched_process_exec by walking the dentries up to the root, across mounts.
"""
import json
import os
import shutil
import subprocess
import tempfile

from harness import PROCLIFE, TracerTest, load_json


def execs(p):
    return [json.loads(l) for l in p.stdout.splitlines()
            if l.startswith("{") and '"event":"exec"' in l]


class Cwd(TracerTest):
    def setUp(self):
        self.dir = os.path.realpath(tempfile.mkdtemp(prefix="plx_cwd"))

    def tearDown(self):
        subprocess.run(["umount", os.path.join(self.dir, "mnt")], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def trace(self, script, extra=()):
        return subprocess.run([PROCLIFE, "-j", "-e", "exec"] + list(extra) +
                              ["--", "/bin/sh", "-c", script], capture_output=True,
                              text=True, timeout=60, cwd=self.dir)

    def test_cwd_in_stream_and_document(self):
        sub = os.path.join(self.dir, "a b", "c")
        os.makedirs(sub)
        doc = os.path.join(self.dir, "t.json")
        p = self.trace('/bin/true plx-1; cd "a b/c" && /bin/true plx-2; cd / && /bin/true plx-3',
                       ["-o", doc])
        self.assertEqual(p.returncode, 0, p.stderr)
        by_arg = {tuple(e["argv"]): e for e in execs(p)}
        self.assertEqual(by_arg[("/bin/true", "plx-1")]["cwd"], self.dir)
        self.assertEqual(by_arg[("/bin/true", "plx-2")]["cwd"], sub)
        self.assertEqual(by_arg[("/bin/true", "plx-3")]["cwd"], "/")
        self.assertNotIn("cwd_truncated", by_arg[("/bin/true", "plx-2")])
        d = load_json(doc)
        cwds = {tuple(x["argv"]): x.get("cwd") for q in d["processes"] for x in q["execs"]}
        self.assertEqual(cwds[("/bin/true", "plx-2")], sub)
        self.assertEqual(cwds[("/bin/true", "plx-3")], "/")

    def test_cwd_across_a_mount(self):
        mnt = os.path.join(self.dir, "mnt")
        os.mkdir(mnt)
        r = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", mnt], capture_output=True,
                           text=True)
        if r.returncode:
            self.skipTest("cannot mount a tmpfs: " + r.stderr)
        os.makedirs(os.path.join(mnt, "in", "side"))
        p = self.trace("cd mnt/in/side && /bin/true plx-m; cd " + mnt + " && /bin/true plx-r")
        self.assertEqual(p.returncode, 0, p.stderr)
        by_arg = {tuple(e["argv"]): e for e in execs(p)}
        self.assertEqual(by_arg[("/bin/true", "plx-m")]["cwd"], os.path.join(mnt, "in", "side"))
        self.assertEqual(by_arg[("/bin/true", "plx-r")]["cwd"], mnt)

    def test_deep_cwd_is_cut_and_flagged(self):
        deep = os.path.join(self.dir, *["d%02d" % i for i in range(80)])
        os.makedirs(deep)
        p = subprocess.run([PROCLIFE, "-j", "-e", "exec", "--", "/bin/true", "plx-deep"],
                           capture_output=True, text=True, timeout=60, cwd=deep)
        self.assertEqual(p.returncode, 0, p.stderr)
        e = [e for e in execs(p) if e["argv"] == ["/bin/true", "plx-deep"]][0]
        self.assertIs(e["cwd_truncated"], True)
        self.assertTrue(e["cwd"].startswith(".../"), e["cwd"])
        self.assertTrue(deep.endswith(e["cwd"][3:]), (deep, e["cwd"]))
        self.assertEqual(e["cwd"].count("/"), 64, "the deepest 64 names kept")

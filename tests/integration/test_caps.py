"""Tracing without root: the exact capability set, and what the error says.

Each run is a real unprivileged user (nobody) holding a set of capabilities
(setpriv's ambient capabilities, or file capabilities set with setcap on a
copy of the binary). CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH trace;
each smaller set fails with one line naming what is missing.
"""
import json
import os
import shutil
import subprocess
import tempfile

from harness import PROCLIFE, TracerTest
from helpers_extra import have

FULL = "+bpf,+perfmon,+dac_read_search"


def as_nobody(caps, args, timeout=60):
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "--inh-caps=" + caps, "--ambient-caps=" + caps] + list(args),
                          capture_output=True, text=True, timeout=timeout, cwd="/")


class Capabilities(TracerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not have("setpriv"):
            import unittest
            raise unittest.SkipTest("no setpriv")

    def check_traces(self, p):
        self.assertEqual(p.returncode, 0, p.stderr)
        events = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
        ex = [e for e in events if e["event"] == "exec" and e.get("argv") == ["/bin/true", "plxcap"]]
        self.assertEqual(len(ex), 1, p.stdout[:2000])
        self.assertEqual(ex[0]["uid"], 65534)
        self.assertEqual(ex[0]["ret"], 0)

    def test_exact_set_traces(self):
        self.check_traces(as_nobody(FULL, [PROCLIFE, "-j", "--", "/bin/true", "plxcap"]))
        p = as_nobody(FULL, [PROCLIFE, "-q", "-d", "0.5"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(" events, 0 lost", p.stderr)

    def test_each_smaller_set_says_what_is_missing(self):
        cases = [
            ("-all", "CAP_BPF and CAP_PERFMON are missing"),
            ("+perfmon,+dac_read_search", "CAP_BPF is missing"),
            ("+bpf,+dac_read_search", "CAP_PERFMON is missing"),
            ("+bpf,+perfmon", "CAP_DAC_READ_SEARCH is missing"),
        ]
        for caps, want in cases:
            p = as_nobody(caps, [PROCLIFE, "-q", "-d", "0.5"])
            self.assertEqual(p.returncode, 1, "%s: %s" % (caps, p.stderr))
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            self.assertEqual(len(lines), 1, "%s: %s" % (caps, p.stderr))
            self.assertIn(want, lines[0], caps)
            self.assertIn("CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH", lines[0])
            self.assertNotIn("not mounted", lines[0])
            self.assertEqual(p.stdout, "")

    def test_file_capabilities(self):
        if not have("setcap"):
            self.skipTest("no setcap")
        d = tempfile.mkdtemp(prefix="plx_caps")
        try:
            os.chmod(d, 0o755)
            binary = os.path.join(d, "proclife")
            shutil.copy(PROCLIFE, binary)
            os.chmod(binary, 0o755)
            subprocess.run(["setcap", "cap_bpf,cap_perfmon,cap_dac_read_search+ep", binary],
                           check=True)
            p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                binary, "-j", "--", "/bin/true", "plxcap"],
                               capture_output=True, text=True, timeout=60, cwd="/")
            self.check_traces(p)
        finally:
            shutil.rmtree(d, ignore_errors=True)

"""Choosing what the live stream shows: -e, --failed, --show-user, --time.

Each test traces a small real workload in command mode and checks both that
what was asked for is all there and that nothing else is.
"""
import json
import re
import subprocess

from harness import PROCLIFE, TracerTest
from helpers_extra import EVENT_NAMES

WORK = ["/bin/sh", "-c", "/bin/true plx-ok; /bin/sh -c 'exit 4'; /nonexistent-plx 2>/dev/null;"
        " /bin/sh -c 'kill -9 $$'; exit 0"]


def stream(opts, cmd=WORK):
    p = subprocess.run([PROCLIFE] + list(opts) + ["--"] + cmd, capture_output=True, text=True,
                       timeout=60)
    return p


def events(p):
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]


class View(TracerTest):
    def test_events_list(self):
        everything = events(stream(["-j"]))
        self.assertEqual({e["event"] for e in everything} - EVENT_NAMES, set())
        self.assertLessEqual({"fork", "exec", "exit", "reap"}, {e["event"] for e in everything})
        for opt, want in ((["-e", "exec,exit"], {"exec", "exit"}),
                          (["--events=fork", "-e", "reap"], {"fork", "reap"}),
                          (["-e", "exit"], {"exit"})):
            p = stream(["-j"] + opt)
            self.assertEqual(p.returncode, 0, p.stderr)
            got = events(p)
            self.assertEqual({e["event"] for e in got}, want, opt)
            # the same number of them as in the full stream of the same workload
            self.assertEqual(len(got), len([e for e in everything if e["event"] in want]), opt)
        # the totals still count every event
        self.assertRegex(stream(["-j", "-e", "exit"]).stderr, r"proclife: (\d+) events")

    def test_failed_only(self):
        p = stream(["-j", "--failed"])
        self.assertEqual(p.returncode, 0, p.stderr)
        got = events(p)
        failed_exec = [e for e in got if e["event"] == "exec"]
        self.assertEqual([e["filename"] for e in failed_exec], ["/nonexistent-plx"])
        self.assertTrue(all(e["ret"] < 0 for e in failed_exec))
        exits = [e for e in got if e["event"] == "exit"]
        # sh -c 'exit 4', the shell that could not exec (127), the one killed by SIGKILL
        self.assertEqual(sorted(str((e["code"], e["signal"])) for e in exits),
                         sorted(str(x) for x in [(4, None), (127, None), (None, "SIGKILL")]),
                         got)
        self.assertEqual({e["event"] for e in got}, {"exec", "exit"})

    def test_show_user(self):
        p = stream(["-j", "--show-user", "-e", "exec"], ["/bin/true", "plx-u"])
        got = events(p)
        self.assertEqual([(e["uid"], e["user"]) for e in got], [(0, "root")])
        p = stream(["--show-user", "-e", "exec"], ["/bin/true", "plx-u"])
        lines = p.stdout.splitlines()
        self.assertRegex(lines[0], r"^TIME +EVENT +PID +PPID USER +COMM +DETAILS$")
        self.assertRegex(lines[1], r"^\S+ exec +\d+ +\d+ root +true ")
        # without it: neither
        self.assertNotIn("user", events(stream(["-j", "-e", "exec"], ["/bin/true"]))[0])

    def test_time_formats(self):
        for fmt, pattern in (("wall", r"\d\d:\d\d:\d\d\.\d{6}"),
                             ("rel", r" *\d+\.\d{6}"),
                             ("iso", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z")):
            p = stream(["--time", fmt, "-e", "exec,exit"], ["/bin/true", "plx-t"])
            self.assertEqual(p.returncode, 0, p.stderr)
            lines = p.stdout.splitlines()[1:]
            self.assertEqual(len(lines), 2, p.stdout)
            for l in lines:
                self.assertRegex(l, "^" + pattern + r" (exec|exit) ", fmt)
        # relative times: small, from the start of the trace
        p = stream(["--time", "rel", "-e", "exec"], ["/bin/true"])
        rel = float(p.stdout.splitlines()[1].split()[0])
        self.assertGreaterEqual(rel, 0.0)
        self.assertLess(rel, 5.0)

    def test_bad_values(self):
        for opts, word in ((["-e", "forks"], "forks"), (["--time", "utc"], "utc")):
            p = subprocess.run([PROCLIFE] + opts + ["--", "/bin/true"], capture_output=True,
                               text=True)
            self.assertEqual(p.returncode, 2)
            self.assertIn(word, p.stderr)

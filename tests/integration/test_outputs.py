"""Every output from one run: several -o, each in its own format.

Documents (json, chrome, svg, html) are written at the end; JSON Lines and
the text stream are written to their file as events come (tail -f works),
so the stream can go to a file while CMD keeps the terminal.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time

from harness import PROCLIFE, TracerTest, load_json
from helpers_extra import Live


class Outputs(TracerTest):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="plx_outs")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_all_formats_from_one_run(self):
        names = ["t.json", "t.html", "t.svg", "t.jsonl", "t.txt", "perfetto.json"]
        args = []
        for n in names:
            args += ["-o", self.path(n)]
        args += ["-F", "chrome"]  # after the last -o: perfetto.json only
        p = subprocess.run([PROCLIFE, "-q"] + args + ["--", "/bin/sh", "-c",
                           "/bin/true plx-all; exit 5"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), sorted(names))
        doc = load_json(self.path("t.json"))
        self.assertEqual(doc["schema"], "proclife.timeline/1")
        chrome = load_json(self.path("perfetto.json"))
        self.assertIn("traceEvents", chrome)
        with open(self.path("t.html")) as f:
            self.assertIn("<html", f.read().lower())
        with open(self.path("t.svg")) as f:
            self.assertIn("<svg ", f.read()[:200])
        with open(self.path("t.jsonl")) as f:
            lines = [json.loads(l) for l in f]
        # a record: its header, the running tasks, the events, the end
        events = [e for e in lines if "event" in e]
        self.assertEqual(lines[0]["record"], "header")
        self.assertEqual(lines[-1]["record"], "end")
        self.assertEqual({e.get("record") for e in lines if "event" not in e},
                         {"header", "seed", "sched", "cgroup", "end"})
        with open(self.path("t.txt")) as f:
            text = f.read().splitlines()
        self.assertTrue(text[0].startswith("TIME "))
        # the same trace in each: the exec seen everywhere, the events counted alike
        self.assertIn(["/bin/true", "plx-all"], [e.get("argv") for e in events])
        self.assertTrue(any("/bin/true plx-all" in l for l in text), text)
        self.assertIn(["/bin/true", "plx-all"],
                      [x["argv"] for q in doc["processes"] for x in q["execs"]])
        self.assertEqual(doc["trace"]["events"], len(events))
        self.assertEqual(len(text) - 1, len([e for e in events if e["event"] != "thread"]))

    def test_jsonl_is_written_live(self):
        jl, txt = self.path("live.jsonl"), self.path("live.txt")
        live = Live(["-q", "-o", jl, "-o", txt])
        try:
            subprocess.run(["/bin/true", "plx-live"])
            deadline = time.monotonic() + 5
            seen = False
            while time.monotonic() < deadline and not seen:
                with open(jl) as f:
                    seen = any('"plx-live"' in l for l in f)
                time.sleep(0.05)
            with open(txt) as f:
                in_text = "plx-live" in f.read()
            running = live.proc.poll() is None
        finally:
            live.signal(2)
            t = live.wait()
        self.assertTrue(running)
        self.assertTrue(seen, "the exec was not in the JSON Lines file while tracing")
        self.assertTrue(in_text, "nor in the text file")
        self.assertEqual(t.status, 0, t.stderr)
        with open(jl) as f:
            lines = f.read().splitlines()
        for l in lines:
            json.loads(l)  # every line whole, the last one too

    def test_stream_to_a_file_while_command_keeps_the_terminal(self):
        log = self.path("run.log")
        p = subprocess.run([PROCLIFE, "-q", "-o", log, "-F", "text", "--", "/bin/sh", "-c",
                            "echo from-cmd; /bin/true plx-term"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "from-cmd\n", "only CMD's output on the terminal")
        with open(log) as f:
            lines = f.read().splitlines()
        self.assertTrue(lines[0].startswith("TIME "))
        self.assertTrue(any("/bin/true plx-term" in l and " exec " in l for l in lines), lines)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Structural checks of proclife's chrome, svg and html outputs.

usage: out_check.py chrome FILE [--scenario]
       out_check.py svg FILE
       out_check.py html FILE

chrome: strict JSON; the Trace Event Format rules the viewers rely on
(every "X" has numeric ts and dur >= 0, "M" events carry args.name or
args.sort_index, flow ids pair one "s" with one "f" of the same name and
cat, "X" slices nest on each (pid, tid) track, --states slices (cat
"state") lie inside a process or thread slice of their track). --scenario also checks the
facts of the synthetic scenario in tests/unit/tl_synth.h.
svg: well-formed XML with an <svg> root. html: balanced tags, one script.
Prints nothing and exits 0 when all is well.
"""
import collections
import html.parser
import json
import sys
import xml.etree.ElementTree as ET

errors = []


def err(msg):
    errors.append(msg)


def check_chrome(path, scenario):
    with open(path, "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    evs = doc.get("traceEvents")
    if not isinstance(evs, list):
        return err("no traceEvents array")
    if doc.get("displayTimeUnit") not in ("ns", "ms"):
        err("bad displayTimeUnit")
    if not isinstance(doc.get("metadata"), dict):
        err("no metadata object")
    flows = collections.defaultdict(list)
    tracks = collections.defaultdict(list)
    for e in evs:
        ph = e.get("ph")
        if not isinstance(e.get("pid"), int) or not isinstance(e.get("name"), str):
            err(f"event without pid or name: {e}")
        if ph == "M":
            args = e.get("args", {})
            if "name" not in args and "sort_index" not in args:
                err(f"metadata without args: {e}")
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or ts < 0:
            err(f"bad ts: {e}")
            continue
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                err(f"bad dur: {e}")
                continue
            # Integer ns, as Perfetto's importer rounds them.
            b = round(ts * 1000)
            tracks[(e["pid"], e.get("tid"))].append((b, b + round(dur * 1000), e))
        elif ph in ("s", "f"):
            flows[e.get("id")].append(e)
            if ph == "f" and e.get("bp") != "e":
                err(f"flow end without bp e: {e}")
        elif ph == "i":
            if e.get("s") not in ("t", "p", "g"):
                err(f"instant without scope: {e}")
        else:
            err(f"unexpected ph {ph!r}")
    for fid, pair in flows.items():
        phs = sorted(x["ph"] for x in pair)
        if phs != ["f", "s"]:
            err(f"flow {fid}: {phs}")
        elif len({(x["name"], x.get("cat")) for x in pair}) != 1:
            err(f"flow {fid}: name/cat differ")
    # Slices on one track must nest: sort by start, longest first.
    for key, sl in tracks.items():
        sl.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for b, e_, ev in sl:
            while stack and stack[-1][0] <= b:
                stack.pop()
            if stack and e_ > stack[-1][0]:
                err(f"track {key}: slice {ev['name']} [{b}, {e_}] overlaps its parent")
            # A scheduler state lies in the life of its thread, never alone,
            # and holds nothing; zero-length ones are not written.
            if ev.get("cat") == "state":
                if not stack or stack[-1][1] == "state":
                    err(f"track {key}: state {ev['name']} [{b}, {e_}] outside a life")
                if e_ <= b:
                    err(f"track {key}: empty state {ev['name']} at {b}")
            stack.append((e_, ev.get("cat")))
    if scenario:
        check_scenario(evs, flows, tracks)


def check_scenario(evs, flows, tracks):
    names = {e["pid"]: e["args"]["name"] for e in evs
             if e["ph"] == "M" and e["name"] == "process_name"}
    want = {1: "systemd", 500: "bash", 600: "make", 601: "sh", 602: "cc1",
            604: "sleep", 605: "<w>&'\"", 607: "bash"}
    if names != want:
        err(f"process names {names}")
    xs = [e for e in evs if e["ph"] == "X"]
    if len(xs) != 14:
        err(f"{len(xs)} X slices, want 14")
    if len(flows) != 6:
        err(f"{len(flows)} flows, want 6")
    by = {(e["pid"], e["tid"], e["name"]): e for e in xs}
    z = by.get((602, 602, "zombie"))
    if not z or z["ts"] != 70000 or z["dur"] != 20000 or z["args"].get("how") != "wait":
        err(f"cc1 zombie {z}")
    z = by.get((607, 607, "zombie"))
    if not z or z["ts"] != 105000 or z["dur"] != 15000 or not z["args"].get("unreaped"):
        err(f"607 zombie {z}")
    r = by.get((605, 605, "<w>&'\""))
    if not r or not r["args"].get("alive") or r["ts"] + r["dur"] != 120000:
        err(f"605 running {r}")
    r = by.get((500, 500, "bash"))
    if not r or not r["args"].get("pre_existing") or r["ts"] != 0:
        err(f"500 running {r}")
    t = by.get((602, 603, "cc1-worker"))
    if not t or t["ts"] != 30000 or t["dur"] != 20000:
        err(f"thread 603 {t}")
    ex = [e for e in evs if e["ph"] == "i" and e["cat"] == "exec" and e["pid"] == 601]
    if len(ex) != 1 or ex[0]["args"]["argv"] != ["sh", "-c", "<script>&\"'\n\udcff"]:
        err(f"hostile exec {ex}")
    k = [e for e in evs if e["ph"] == "i" and e["cat"] == "exit" and e["pid"] == 604]
    if len(k) != 1 or k[0]["args"].get("signal") != "SIGKILL":
        err(f"604 exit {k}")
    f = [e for e in evs if e["ph"] == "i" and e["cat"] == "exec" and e["pid"] == 605]
    if len(f) != 1 or f[0]["args"].get("errno") != "ENOENT":
        err(f"605 failed exec {f}")
    s = {(x["pid"], x["ts"]) for p in flows.values() for x in p if x["ph"] == "s"}
    if (600, 20000) not in s or (500, 10000) not in s:
        err(f"fork flows {sorted(s)}")


def check_svg(path):
    root = ET.parse(path).getroot()
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        err(f"root is {root.tag}")


class Balance(html.parser.HTMLParser):
    VOID = {"meta", "input", "br", "img", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            err(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def check_html(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    p = Balance()
    p.feed(text)
    p.close()
    if p.stack:
        err(f"unclosed {p.stack}")
    if p.scripts != 1:
        err(f"{p.scripts} script elements")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = sys.argv[1], sys.argv[2]
    try:
        if kind == "chrome":
            check_chrome(path, "--scenario" in sys.argv[3:])
        elif kind == "svg":
            check_svg(path)
        elif kind == "html":
            check_html(path)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (ValueError, ET.ParseError, UnicodeError, KeyError, TypeError) as e:
        err(f"{type(e).__name__}: {e}")
    for m in errors[:20]:
        print(f"out_check {kind} {path}: {m}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

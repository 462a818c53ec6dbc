#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""longrun-check.py DIR: read every piece of a rotated JSON Lines trace
(trace.jsonl.N ... trace.jsonl, oldest first) and check that each child of
the paced workload (argv "true lr SEQ", SEQ from 0 to the count in
DIR/spawned) has its exec, its exit and its reap exactly once. Prints one
JSON object; exits 1 when anything is missing or duplicated."""
import glob, json, os, sys
d = sys.argv[1]
files = sorted(glob.glob(os.path.join(d, "trace.jsonl*")),
               key=lambda f: -int(f.rsplit(".", 1)[1]) if f[-1].isdigit() else 1)
execs, exits, reaps, lost, lines, other = {}, {}, {}, 0, 0, 0
for f in files:
    with open(f, errors="surrogateescape") as fh:
        for line in fh:
            lines += 1
            try:
                e = json.loads(line)
            except ValueError:
                other += 1
                continue
            ev = e.get("event")
            if ev == "lost":
                lost += e.get("count", 0)
                continue
            key = (e.get("pid"), e.get("start_ns"))
            if ev == "exec" and e.get("argv", [None])[1:2] == ["lr"]:
                seq = int(e["argv"][2])
                execs.setdefault(seq, []).append(key)
            elif ev == "exit":
                exits[key] = exits.get(key, 0) + 1
            elif ev == "reap":
                reaps[key] = reaps.get(key, 0) + 1
spawned = int(open(os.path.join(d, "spawned")).read())
dup_exec = [s for s, k in execs.items() if len(k) > 1]
missing = [s for s in range(spawned) if s not in execs]
keys = [k[0] for k in execs.values()]
no_exit = [k for k in keys if exits.get(k, 0) != 1]
no_reap = [k for k in keys if reaps.get(k, 0) != 1]
print(json.dumps({"files": len(files), "lines": lines, "unparsed": other,
                  "spawned": spawned, "exec_seen": len(execs),
                  "exec_duplicated": len(dup_exec), "exec_missing": len(missing),
                  "exit_not_once": len(no_exit), "reap_not_once": len(no_reap),
                  "lost": lost}))
bad = dup_exec or missing or no_exit or no_reap or other
sys.exit(1 if bad else 0)

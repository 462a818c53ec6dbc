#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check json_escape against Python's own JSON decoder.

Runs the test_json unit test with PROCLIFE_JSON_ROUNDTRIP set; it writes its
random cases as JSON Lines {"hex": HEX, "s": STRING}. Each line must be valid
UTF-8 and strict JSON, and s.encode("utf-8", "surrogateescape") must give back
the bytes in hex.

usage: json_roundtrip.py [PATH_TO_test_json]   (default build/tests/test_json)
"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/tests/test_json"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.jsonl")
        env = dict(os.environ, PROCLIFE_JSON_ROUNDTRIP=path)
        run = subprocess.run([binary], env=env, stdout=subprocess.DEVNULL)
        if run.returncode != 0:
            print(f"json_roundtrip: {binary} failed (status {run.returncode})")
            return 1
        with open(path, "rb") as f:
            lines = f.read().splitlines()

    failed = 0
    for n, raw in enumerate(lines, 1):
        try:
            rec = json.loads(raw.decode("utf-8"))
            want = bytes.fromhex(rec["hex"])
            got = rec["s"].encode("utf-8", "surrogateescape")
        except (UnicodeError, ValueError, KeyError) as e:
            failed += 1
            print(f"line {n}: {e}: {raw!r}", file=sys.stderr)
            continue
        if got != want:
            failed += 1
            print(f"line {n}: got {got!r}, want {want!r}", file=sys.stderr)
    if not lines:
        print("json_roundtrip: no cases written", file=sys.stderr)
        failed += 1
    print(f"json_roundtrip: {len(lines) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate a proclife timeline document.

usage: validate_timeline.py FILE [--schema SCHEMA]

Checks FILE against docs/timeline.schema.json, then what a schema cannot
say: ids are unique, parent/children ids point at processes in the
document and agree with each other, times are ordered. Exit 0 if valid,
1 with one message per problem on stderr otherwise, 2 on bad usage.
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_timeline: python3-jsonschema is missing "
             "(apt-get install python3-jsonschema)")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "docs", "timeline.schema.json")


def cross_checks(doc):
    errors = []
    procs = doc["processes"]
    by_id = {}
    for p in procs:
        if p["id"] in by_id:
            errors.append("duplicate id %s" % p["id"])
        by_id[p["id"]] = p
    prev = None
    for p in procs:
        pid = p["id"]
        if p["id"] != "%d@%d" % (p["pid"], p["start_ns"]):
            errors.append("%s: id does not match pid@start_ns" % pid)
        key = (p["start_ns"], p["pid"])
        if prev is not None and key < prev:
            errors.append("%s: processes not in start order" % pid)
        prev = key
        if p["parent"] is not None:
            parent = by_id.get(p["parent"])
            if parent is None:
                errors.append("%s: parent %s not in the document" % (pid, p["parent"]))
            elif pid not in parent["children"]:
                errors.append("%s: not among its parent's children" % pid)
            elif parent["pid"] != p["ppid"]:
                errors.append("%s: parent pid differs from ppid" % pid)
        for c in p["children"]:
            child = by_id.get(c)
            if child is None or child["parent"] != pid:
                errors.append("%s: child %s does not name it as parent" % (pid, c))
        if p["exit_ns"] is not None and p["exit_ns"] < p["start_ns"]:
            errors.append("%s: exit before start" % pid)
        if p["exit_ns"] is not None and p["reap_ns"] is not None:
            if p["reap_ns"] < p["exit_ns"]:
                errors.append("%s: reap before exit" % pid)
            if p["zombie_ns"] != p["reap_ns"] - p["exit_ns"]:
                errors.append("%s: zombie_ns is not reap_ns - exit_ns" % pid)
        if (p["reap_ns"] is None) != (p["reaper"] is None):
            errors.append("%s: reap_ns and reaper disagree" % pid)
        if (p["created_by"] is None) != (p["clone_flags"] is None):
            errors.append("%s: created_by and clone_flags disagree" % pid)
        for t in p["threads"]:
            if t["exit_ns"] is not None and t["exit_ns"] < t["start_ns"]:
                errors.append("%s: thread %d exits before it starts" % (pid, t["tid"]))
    return errors


def main(argv):
    args = argv[1:]
    schema_path = DEFAULT_SCHEMA
    if "--schema" in args:
        i = args.index("--schema")
        if i + 1 >= len(args):
            print(__doc__.strip(), file=sys.stderr)
            return 2
        schema_path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = args[0]
    try:
        with open(schema_path) as f:
            schema = json.load(f)
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8", "surrogateescape"))
    except (OSError, ValueError) as e:
        print("validate_timeline: %s: %s" % (path, e), file=sys.stderr)
        return 1

    validator = jsonschema.Draft202012Validator(schema)
    errors = ["%s: %s" % ("/".join(str(x) for x in e.absolute_path) or "(root)",
                          e.message)
              for e in sorted(validator.iter_errors(doc), key=str)]
    if not errors:
        errors = cross_checks(doc)
    for e in errors[:50]:
        print("validate_timeline: %s: %s" % (path, e), file=sys.stderr)
    if len(errors) > 50:
        print("validate_timeline: ... %d more" % (len(errors) - 50), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

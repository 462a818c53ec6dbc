#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The options "proclife -h" prints, the man page's OPTIONS and the bash
completion must be the same set, with the same short/long pairs and the
same argument names; the README's package list must be what
scripts/install-deps.sh installs. No privileges needed.

    tests/check-docs.py [PROCLIFE]      (default ./proclife)

Prints one PASS/FAIL line per check, then "docs: N passed, N failed".
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAN = os.path.join(ROOT, "docs", "proclife.8")
COMPLETION = os.path.join(ROOT, "scripts", "proclife.bash-completion")

# "-p, --pid PID[,PID...]", "--tree", "-v, --verbose": an optional short
# option, a long or short one, and an argument name in capitals.
OPTION = re.compile(
    r"^(?:(-[A-Za-z0-9]), )?(--[a-z0-9][a-z0-9-]*|-[A-Za-z0-9])"
    r"(?: ([A-Z][A-Z0-9_|,.\[\]]*))?(?:\s|$)")


def parse_option_spec(text):
    """{name: (names of the same option, argument name or None)}"""
    m = OPTION.match(text)
    if not m:
        return {}
    names = tuple(n for n in (m.group(1), m.group(2)) if n)
    return {n: (names, m.group(3)) for n in names}


def help_options(proclife):
    out = subprocess.run([proclife, "-h"], capture_output=True, text=True,
                         check=True).stdout
    opts = {}
    for line in out.splitlines():
        if re.match(r"^\s+-", line):
            opts.update(parse_option_spec(line.strip()))
    return opts


def roff_text(args):
    """A macro line's arguments as plain text: quotes, fonts, escapes gone.
    .BR/.BI/.IR alternate fonts with no space between their arguments."""
    words = shlex.split(args)
    text = "".join(words)
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-").replace("\\(em", "-")


def man_options(path):
    opts = {}
    lines = open(path, encoding="utf-8").read().splitlines()
    in_options = False
    for i, line in enumerate(lines):
        if line.startswith(".SH "):
            in_options = line.split(None, 1)[1].strip('"') == "OPTIONS"
            continue
        if not in_options or line != ".TP" or i + 1 >= len(lines):
            continue
        tag = lines[i + 1]
        m = re.match(r"^\.(B|BR|BI|I|IR|RB)\s+(.*)$", tag)
        if not m:
            raise ValueError("%s:%d: a .TP tag that is no option: %s"
                             % (path, i + 2, tag))
        spec = parse_option_spec(roff_text(m.group(2)))
        if not spec:
            raise ValueError("%s:%d: cannot read the option in: %s"
                             % (path, i + 2, tag))
        opts.update(spec)
    return opts


def complete(words):
    """Run the completion function over COMP_WORDS = words (the last one is
    being completed) in a bash without bash-completion's library."""
    script = (
        'source "$1"; shift; COMP_WORDS=("$@"); '
        'COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; '
        '_proclife; printf "%s\\n" "${COMPREPLY[@]}"')
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", script,
                          "bash", COMPLETION] + words,
                         capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    return [w for w in out.splitlines() if w]


def deps_installed():
    """The packages of install-deps.sh's apt-get install line(s)."""
    text = open(os.path.join(ROOT, "scripts", "install-deps.sh")).read()
    pkgs = []
    for cmd in re.findall(r"apt-get install((?:[^\n]*\\\n)*[^\n]*)", text):
        words = cmd.replace("\\\n", " ").split()
        pkgs += [w for w in words if re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", w)]
    return pkgs


def readme_packages():
    """"make deps installs the Debian packages (a, b, ...)" in the README"""
    text = " ".join(open(os.path.join(ROOT, "README.md")).read().split())
    m = re.search(r"installs the Debian packages \(([^)]*)\)", text)
    return [p.strip() for p in m.group(1).split(",")] if m else []


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, problems):
        if problems:
            self.failed += 1
            print("FAIL %s" % name)
            for p in problems:
                print("     %s" % p)
        else:
            self.passed += 1
            print("PASS %s" % name)


def same_set(what_a, a, what_b, b):
    problems = ["%s is in %s but not in %s" % (o, what_a, what_b)
                for o in sorted(set(a) - set(b))]
    problems += ["%s is in %s but not in %s" % (o, what_b, what_a)
                 for o in sorted(set(b) - set(a))]
    return problems


def main():
    proclife = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(ROOT, "proclife")
    c = Checks()

    helped = help_options(proclife)
    c.check("-h lists options (%d names)" % len(helped),
            [] if len(helped) >= 10 and "--help" in helped else
            ["could not read the options of '%s -h'" % proclife])

    try:
        man = man_options(MAN)
        man_error = []
    except ValueError as e:
        man, man_error = {}, [str(e)]
    c.check("man page options = -h options",
            man_error or same_set("-h", helped, "the man page", man))
    c.check("man page pairs and argument names = -h's",
            ["%s: -h says %s %s, the man page %s %s"
             % (o, "/".join(helped[o][0]), helped[o][1] or "(no argument)",
                "/".join(man[o][0]), man[o][1] or "(no argument)")
             for o in sorted(set(helped) & set(man)) if helped[o] != man[o]])

    offered = [w for w in complete(["proclife", "-"]) if w != "--"]
    c.check("completion options = -h options",
            same_set("-h", helped, "the completion", offered))

    # An option that takes a value must not be followed by more options,
    # and one that takes none must be.
    wrong = []
    for o in sorted(set(helped) & set(offered)):
        after = complete(["proclife", o, "-"])
        takes_value = helped[o][1] is not None
        if takes_value and "--tree" in after:
            wrong.append("%s takes %s, the completion offers options after it"
                         % (o, helped[o][1]))
        if not takes_value and "--tree" not in after:
            wrong.append("%s takes no value, the completion offers no "
                         "options after it" % o)
    c.check("completion knows which options take a value", wrong)

    values = {
        "-F jsonl format": (["proclife", "-F", "js"], {"json", "jsonl"}),
        "-u root user": (["proclife", "-u", "roo"], {"root"}),
        "-p own pid, in a list": (["proclife", "-p", "1,"], None),
        "-o file": (["proclife", "-o", "docs/proclife."], {"docs/proclife.8"}),
        "command after --": (["proclife", "-q", "--", "mak"], {"make"}),
    }
    problems = []
    for name, (words, want) in values.items():
        got = set(complete(words))
        if want is None:   # any pid, after the list's head
            ok = any(re.fullmatch(r"1,[0-9]+", w) for w in got)
        else:
            ok = want <= got
        if not ok:
            problems.append("%s: '%s' gave %s" % (name, " ".join(words),
                                                  sorted(got)[:8]))
    c.check("completion of values (formats, users, pids, commands)",
            problems)

    c.check("README's package list = what scripts/install-deps.sh installs",
            same_set("install-deps.sh", deps_installed(), "the README",
                     readme_packages()))

    if shutil.which("groff"):
        lint = subprocess.run(["groff", "-man", "-ww", "-z", MAN],
                              capture_output=True, text=True)
        c.check("man page formats without groff warnings",
                lint.stderr.splitlines() +
                ([] if lint.returncode == 0 else ["groff failed"]))
    else:
        print("SKIP man page lint: groff is not installed")

    print("docs: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())

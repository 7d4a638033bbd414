#!/usr/bin/python3
"""Checks that `make deps` (scripts/deps.sh) installs everything the tests,
scripts and benchmarks use, so that a test never passes only because the
machine it was written on happened to have a package.

It reads, without running anything:
  - shell scripts (tests/, scripts/, bench/): the word in command position of
    every simple command, through pipes, lists, $(...), `...`, bash -c '...'
    (sh -ec, bash -o pipefail -c), heredocs fed to bash or sh, find -exec,
    and wrappers: the table's (env, nsenter, timeout, xargs, chroot, ip netns
    exec, ..., with the options that take a value) and our own shell
    functions that run "$@" (lib.sh's in_ns);
  - Python files and Python embedded in shell (python3 -c '...', heredocs fed
    to python3): every imported module (importlib and __import__ of a
    literal name too), and the commands subprocess, os.exec* and os.spawn*
    run, through import aliases, keyword arguments and list variables;
  - C files: the shell commands handed to system()/popen() (directly, through
    a buffer snprintf() filled, or an array of literal commands) and to any
    function of ours that passes its argument on to them;
  - the Makefile: its recipes and $(shell ...) calls, and its -l libraries.
Each command, module and library found must be in the reviewed table
(scripts/deps.table) with the Debian packages it needs, and each of those
packages (with what they in turn need) must be in deps.sh's list or be one of
Debian's Essential packages. Any gap is one line naming what, where, and the
fix. Where this machine has dpkg, the table is also held to it: a command's
owning package and the Essential flag are facts here.

    scripts/check-deps.py [--table FILE] [--deps FILE] [PATH...]

The readers are scripts/depscan_shell.py (shell), scripts/depscan_python.py
(Python) and scripts/depscan_c.py (C and the Makefile).

With no PATH it checks the repository. Exit 0: covered; 1: gaps (listed).
Limits: a command named by a variable ($SFW, $PY) or an argv array filled at
run time from other data cannot be seen; those stay with review.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from depscan_c import c_files, makefile  # noqa: E402
from depscan_python import python_text  # noqa: E402
from depscan_shell import Functions, Wrapper, shell_text  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCAN_DIRS = ("tests", "scripts", "bench")


class Table:
    """scripts/deps.table: KIND NAME PACKAGE... lines (see its header)."""

    def __init__(self, path):
        self.path = path
        self.entries = {}        # (kind, name) -> [packages]
        self.owner = {}          # command -> package dpkg names as its owner
        self.wrappers = {}       # command -> [(subcommand words, Wrapper)]
        self.needs = {}          # package -> [packages it needs at run time]
        self.essential = set()
        self.ignore = set()
        self.errors = []
        with open(path) as f:
            for n, raw in enumerate(f, 1):
                line = raw.split("#", 1)[0].split()
                if line:
                    self.add(line, "%s:%d" % (path, n))

    def add(self, w, where):
        kind = w[0]
        if kind in ("command", "module", "library") and len(w) >= 3:
            pkgs = [p for p in w[2:] if not p.startswith("owner=")]
            self.entries[(kind, w[1])] = pkgs
            for p in w[2:]:
                if p.startswith("owner="):
                    self.owner[w[1]] = p[len("owner="):]
        elif kind == "wrapper" and self.wrapper(w[1:]):
            pass
        elif kind == "needs" and len(w) >= 3:
            self.needs.setdefault(w[1], []).extend(w[2:])
        elif kind == "essential" and len(w) >= 2:
            self.essential.update(w[1:])
        elif kind == "ignore" and len(w) >= 2:
            self.ignore.update(w[1:])
        else:
            self.errors.append("%s: cannot read '%s'" % (where, " ".join(w)))


    def wrapper(self, w):
        """NAME [SUBCOMMAND...] N [-OPT...] [shell=-OPT]: false if malformed."""
        n = next((k for k, x in enumerate(w) if re.fullmatch(r"[0-9]+", x)), None)
        if not n or any(x.startswith("-") for x in w[:n]):
            return False
        opts = w[n + 1:]
        shell = [x[len("shell="):] for x in opts if x.startswith("shell=")]
        valued = [x for x in opts if not x.startswith("shell=")]
        if len(shell) > 1 or any(not x.startswith("-") for x in valued):
            return False
        self.wrappers.setdefault(w[0], []).append(
            (tuple(w[1:n]), Wrapper(int(w[n]), valued, shell[0] if shell else None)))
        # the longest subcommand first: ip netns exec before a plain ip
        self.wrappers[w[0]].sort(key=lambda e: -len(e[0]))
        return True


# ---------------------------------------------------------------- the check

def repo_files():
    out = []
    for d in SCAN_DIRS:
        for base, dirs, files in os.walk(os.path.join(ROOT, d)):
            dirs.sort()
            for f in sorted(files):
                out.append(os.path.join(base, f))
    out.append(os.path.join(ROOT, "Makefile"))
    return out


def kind_of(path):
    name = os.path.basename(path)
    if name == "Makefile":
        return "make"
    if name.endswith(".py"):
        return "python"
    if name.endswith((".c", ".h")) and not name.endswith(".bpf.c"):
        return "c"
    if name.endswith(".sh"):
        return "shell"
    try:
        with open(path, errors="replace") as f:
            first = f.readline()
    except OSError:
        return None
    if first.startswith("#!") and re.search(r"\b(ba)?sh\b", first):
        return "shell"
    if first.startswith("#!") and "python" in first:
        return "python"
    return None


def collect(files, table):
    uses, cfiles = [], []
    functions = Functions()
    shells = [p for p in files if kind_of(p) == "shell"]
    # functions any script defines (lib.sh's in_ns, cli, ...) are ours, and
    # those that run their arguments ("$@") wrappers; twice, so that a
    # function wrapping another one is seen wherever it is defined
    for _ in range(2):
        for p in shells:
            shell_text(open(p, errors="replace").read(), table, [], p, functions=functions)
    for p in files:
        k = kind_of(p)
        if k == "shell":
            shell_text(open(p, errors="replace").read(), table, uses, p, functions=functions)
        elif k == "python":
            python_text(open(p, errors="replace").read(), table, uses, p)
        elif k == "c":
            cfiles.append(p)
        elif k == "make":
            makefile(p, table, uses)
    c_files(cfiles, table, uses)
    return [u for u in uses if u.name not in table.ignore]


def deps_list(deps):
    out = subprocess.run(["bash", deps, "--list"], capture_output=True, text=True)
    if out.returncode:
        sys.exit("check-deps: '%s --list' failed: %s" % (deps, out.stderr.strip()))
    return set(out.stdout.split())


def closure(pkgs, table):
    seen, todo = [], list(pkgs)
    while todo:
        p = todo.pop(0)
        if p not in seen:
            seen.append(p)
            todo.extend(table.needs.get(p, []))
    return seen


def rel(path):
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + "/") else path


def dpkg_owners(paths):
    """path -> owning packages, in one dpkg-query call (each costs a read of
    every package's file list)."""
    out = subprocess.run(["dpkg-query", "-S"] + paths, capture_output=True, text=True)
    owners = {}
    for line in out.stdout.splitlines():
        m = re.match(r"^([a-z0-9][a-z0-9.+:-]*(?:, [a-z0-9][a-z0-9.+:-]*)*): (/.*)$", line)
        if m:
            owners.setdefault(m.group(2), []).extend(
                o.split(":")[0] for o in m.group(1).split(", "))
    return owners


def dpkg_facts(table, commands):
    """Where dpkg exists: commands' owners and Essential flags, as errors.
    Debian's own directories only (not PATH: pyenv, /usr/local), and the
    merged-/usr names too (dpkg knows /bin/sed, not /usr/bin/sed)."""
    errors = []
    if subprocess.run(["sh", "-c", "command -v dpkg-query"], capture_output=True).returncode:
        return errors
    dirs = ("/usr/bin", "/bin", "/usr/sbin", "/sbin")
    paths = [os.path.join(d, n) for n in sorted(commands) for d in dirs
             if os.path.exists(os.path.join(d, n))]
    owners = dpkg_owners(paths) if paths else {}
    for name in sorted(commands):
        found = next((owners[os.path.join(d, name)] for d in dirs
                      if os.path.join(d, name) in owners), None)
        if not found:
            continue                               # an alternative, or not here
        want = table.owner.get(name) or table.entries[("command", name)][0]
        if want not in found:
            errors.append("deps: %s says '%s' comes from %s, but dpkg says %s: fix the "
                          "table" % (rel(table.path), name, want, ", ".join(found)))
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Essential}\\n"] +
                         sorted(table.essential), capture_output=True, text=True)
    for line in out.stdout.splitlines():
        p, _, flag = line.partition(" ")
        if flag.strip() != "yes":
            errors.append("deps: %s lists %s as Essential, but dpkg says it is not: "
                          "install it in scripts/deps.sh instead" % (rel(table.path), p))
    return errors


def main(argv):
    table_path = os.path.join(ROOT, "scripts", "deps.table")
    deps = os.path.join(ROOT, "scripts", "deps.sh")
    paths = []
    args = iter(argv)
    for a in args:
        if a == "--table":
            table_path = next(args)
        elif a == "--deps":
            deps = next(args)
        else:
            paths.append(os.path.abspath(a))
    table = Table(table_path)
    installed = deps_list(deps)
    uses = collect(paths or repo_files(), table)
    errors = list(table.errors)
    reported = set()
    for u in uses:
        where = "%s:%d" % (rel(u.where[0]), u.where[1])
        pkgs = table.entries.get((u.kind, u.name))
        if pkgs is None:
            key = (u.kind, u.name)
            if key not in reported:
                reported.add(key)
                errors.append("deps: %s '%s' (%s) is not in %s: add it with the Debian "
                              "package that provides it" % (u.kind, u.name, where,
                                                            rel(table.path)))
            continue
        for p in closure(pkgs, table):
            if p not in installed and p not in table.essential and p not in reported:
                reported.add(p)
                errors.append("deps: %s '%s' (%s) needs package %s, which %s does not "
                              "install" % (u.kind, u.name, where, p, rel(deps)))
    if not errors:
        errors = dpkg_facts(table, {u.name for u in uses if u.kind == "command"})
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

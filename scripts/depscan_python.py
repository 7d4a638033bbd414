"""How scripts/check-deps.py reads Python (files, python3 -c and heredocs
fed to python3): the modules a text imports (by name, or through importlib
and __import__ of a literal name) and the commands it runs (subprocess,
os.system, os.exec*, os.spawn*), through import aliases, keyword
arguments and variables holding a literal list. Commands go to
scripts/depscan_shell.py's reader, which appends each use to `uses`."""
import ast
import os
import re

import depscan_shell as dsh

IMPORT_RE = re.compile(r"^\s*(?:import\s+([\w., ]+)|from\s+(\w+)[\w.]*\s+import\b)", re.M)
INLINE_IMPORT_RE = re.compile(r"(?:^|;)\s*(?:import\s+([\w., ]+)|from\s+(\w+)[\w.]*\s+import\b)",
                              re.M)


def python_text(text, table, uses, path, line0=1, embedded=False):
    local = set()
    if not embedded and path:
        d = os.path.dirname(path)
        local = {f[:-3] for f in os.listdir(d or ".") if f.endswith(".py")}
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None      # shell expansions in an unquoted heredoc: imports by their lines
    if tree is None:
        for m in INLINE_IMPORT_RE.finditer(text):
            names = m.group(1) or m.group(2)
            line = line0 + text.count("\n", 0, m.start())
            for n in names.split(","):
                n = n.strip().split(" ")[0].split(".")[0]
                if n and n not in local:
                    uses.append(dsh.Use("module", n, (path, line)))
        return
    names = PyNames(tree)
    for node in ast.walk(tree):
        line = line0 + getattr(node, "lineno", 1) - 1
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] not in local:
                    uses.append(dsh.Use("module", a.name.split(".")[0], (path, line)))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in local:
                uses.append(dsh.Use("module", node.module.split(".")[0], (path, line)))
        elif isinstance(node, ast.Call):
            python_call(node, names, table, uses, path, line, local)


class PyNames:
    """What the names of a Python text stand for: modules imported under an
    alias (import subprocess as sp), functions imported by name (from
    subprocess import run), and variables assigned a literal list (cmd =
    [...]): a call through any of them is seen as through the original."""

    def __init__(self, tree):
        self.modules, self.functions, self.lists = {}, {}, {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.modules[a.asname] = a.name
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    self.functions[a.asname or a.name] = (node.module, a.name)
            elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and
                  isinstance(node.targets[0], ast.Name) and
                  isinstance(node.value, (ast.List, ast.Tuple))):
                self.lists.setdefault(node.targets[0].id, []).append(node.value)

    def callee(self, f):
        """(module, function) a call's func names; module "" for a builtin."""
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            return self.modules.get(f.value.id, f.value.id), f.attr
        if isinstance(f, ast.Name):
            return self.functions.get(f.id, ("", f.id))
        return "", ""

    def argvs(self, a):
        """The argv lists an argument may be: a literal or a list variable."""
        if isinstance(a, (ast.List, ast.Tuple)):
            return [a]
        if isinstance(a, ast.Name):
            return self.lists.get(a.id, [])
        return []


SUBPROCESS = ("run", "call", "check_call", "check_output", "Popen")


def literal(node):
    """A string constant's text; a word we cannot know as dynamic ("\0")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return "\0"


def python_call(node, names, table, uses, path, line, local):
    module, name = names.callee(node.func)
    args = list(node.args)
    kw = {k.arg: k.value for k in node.keywords if k.arg}

    def run(words):
        dsh.shell_command(words, table, uses, path, line, dsh.Functions())

    def sh(a):
        if isinstance(a, ast.Constant) and isinstance(a.value, str):
            dsh.shell_text(a.value, table, uses, path, line)

    if module == "subprocess" and name in SUBPROCESS:
        a = args[0] if args else kw.get("args")
        if isinstance(a, ast.Constant):
            sh(a)
        for argv in names.argvs(a):
            run([literal(e) for e in argv.elts])
    elif (module == "subprocess" and name in ("getoutput", "getstatusoutput") or
          module == "os" and name in ("system", "popen")) and args:
        sh(args[0])
    elif module == "os" and re.fullmatch(r"(exec|spawn)[lv]p?e?|posix_spawnp?", name):
        if name.startswith("spawn"):
            args = args[1:]                         # the mode
        if not args or literal(args[0]) == "\0":
            return
        if name.startswith(("execv", "spawnv", "posix")):   # (file, argv, ...)
            argvs = names.argvs(args[1]) if len(args) > 1 else []
            rest = [literal(e) for e in argvs[0].elts[1:]] if argvs else []
        else:                                                # (file, argv0, args...)
            rest = [literal(e) for e in args[2:]]
        run([literal(args[0])] + rest)
    elif (module, name) in (("importlib", "import_module"), ("", "__import__")) and args:
        m = literal(args[0]).split(".")[0]
        if m != "\0" and m not in local:
            uses.append(dsh.Use("module", m, (path, line)))

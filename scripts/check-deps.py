#!/usr/bin/python3
"""Checks that `make deps` (scripts/deps.sh) installs everything the tests,
scripts and benchmarks use, so that a test never passes only because the
machine it was written on happened to have a package.

It reads, without running anything:
  - shell scripts (tests/, scripts/, bench/): the word in command position of
    every simple command, through pipes, lists, $(...), `...`, bash -c '...',
    and wrappers such as nsenter, timeout, xargs or our own in_ns;
  - Python files and Python embedded in shell (python3 -c '...', heredocs fed
    to python3): every imported module, and the commands subprocess runs;
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

With no PATH it checks the repository. Exit 0: covered; 1: gaps (listed).
Limits: a command named by a variable ($SFW, $PY) or an argv array filled at
run time from other data cannot be seen; those stay with review.
"""
import ast
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCAN_DIRS = ("tests", "scripts", "bench")

SHELL_KEYWORDS = {
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in",
    "case", "esac", "function", "select", "time", "!", "{", "}", "[[", "]]", "coproc",
}
SHELL_BUILTINS = {
    ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command",
    "compgen", "complete", "compopt", "continue", "declare", "dirs", "disown", "echo",
    "enable", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash",
    "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd",
    "printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift",
    "shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset",
    "ulimit", "umask", "unalias", "unset", "wait",
}
# Builtins whose arguments are a command (exec, command, builtin) or names.
BUILTIN_WRAPPERS = {"exec", "command", "builtin", "time"}
ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
C_RUNNERS = {"system": "shell", "popen": "shell", "execvp": "argv", "execlp": "argv",
             "execv": "argv", "execl": "argv", "execve": "argv"}


class Use:
    def __init__(self, kind, name, where):
        self.kind, self.name, self.where = kind, name, where


class Table:
    """scripts/deps.table: KIND NAME PACKAGE... lines (see its header)."""

    def __init__(self, path):
        self.path = path
        self.entries = {}        # (kind, name) -> [packages]
        self.owner = {}          # command -> package dpkg names as its owner
        self.wrappers = {}       # command -> args to skip before the wrapped command
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
        elif kind == "wrapper" and len(w) == 3 and re.fullmatch(r"[0-9]+", w[2]):
            self.wrappers[w[1]] = int(w[2])
        elif kind == "needs" and len(w) >= 3:
            self.needs.setdefault(w[1], []).extend(w[2:])
        elif kind == "essential" and len(w) >= 2:
            self.essential.update(w[1:])
        elif kind == "ignore" and len(w) >= 2:
            self.ignore.update(w[1:])
        else:
            self.errors.append("%s: cannot read '%s'" % (where, " ".join(w)))


# ---------------------------------------------------------------- shell

class ShellScanner:
    """Finds the commands of a shell text. Not a full shell parser: enough
    of one for command position, quoting, substitutions, heredocs, case
    patterns and function definitions. `commands` gets (words, line) per
    simple command, keywords and assignments taken off."""

    def __init__(self, table, uses, path, functions, commands):
        self.table, self.uses, self.path = table, uses, path
        self.functions, self.commands = functions, commands
        self.cmd, self.cmd_line = [], 1
        self.pending_heredocs = []
        self.cases = []           # per open case: "word", "pattern" or "body"
        self.skip_until = None    # "do" after for/select: the list is no command

    def scan(self, text, line0=1, stop=None, i=0):
        self.text, self.i, self.line = text, i, line0
        self.lex(stop)
        self.end_command()
        return self.i, self.line

    def peek(self, k=0):
        j = self.i + k
        return self.text[j] if j < len(self.text) else ""

    def lex(self, stop):
        """Reads commands until `stop` (")" or "`") or the end."""
        while self.i < len(self.text):
            c = self.peek()
            if stop and c == stop:
                self.i += 1
                return
            if c == "\n":
                self.i += 1
                self.end_command()
                self.line += 1
                if self.pending_heredocs:
                    self.read_heredocs()
            elif c in " \t":
                self.i += 1
            elif c == "\\" and self.peek(1) == "\n":
                self.i += 2
                self.line += 1
            elif c == "#":
                while self.i < len(self.text) and self.peek() != "\n":
                    self.i += 1
            elif c in ";&|":
                op = c
                self.i += 1
                if self.peek() in ";&|":
                    op += self.peek()
                    self.i += 1
                self.end_command(op)
            elif c == "(" and self.peek(1) == "(":
                self.skip_balanced()                    # (( arithmetic ))
            elif c == ")" and self.cases and self.cases[-1] == "pattern":
                self.i += 1
                self.cmd = []
                self.cases[-1] = "body"
            elif c == "(" and len(self.cmd) == 1 and not self.cmd[0].endswith("="):
                self.i += 1                             # name() { ...
                self.functions.add(self.cmd[0].lstrip("\0"))
                self.cmd = []
            elif c == "(" and self.cmd and self.cmd[-1].endswith("="):
                self.skip_balanced()                    # X=( array )
            elif c in "()":
                self.i += 1
                self.end_command()
            elif c == "<" and self.peek(1) == "<":
                self.heredoc_or_herestring()
            elif c in "<>":
                self.redirection()
            else:
                self.word()
                if self.cmd == ["[["]:
                    self.skip_test()

    def skip_test(self):
        """[[ ... ]]: no command inside but substitutions; ( | < > are its own."""
        while self.i < len(self.text):
            c = self.peek()
            if self.text.startswith("]]", self.i) and self.peek(2) in " \t\n;&|)":
                self.i += 2
                self.cmd = []
                return
            if c in "'\"":
                self.quoted(c)
                continue
            if c == "$" and self.peek(1) == "(" and self.peek(2) != "(":
                self.i += 2
                self.sub(")")
                continue
            if c == "\n":
                self.line += 1
            self.i += 1

    def skip_balanced(self):
        depth = 0
        while self.i < len(self.text):
            c = self.peek()
            if c in "'\"":
                self.quoted(c)
                continue
            self.i += 1
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return
            elif c == "\n":
                self.line += 1

    def aside(self, fn):
        """Reads a word that is no part of the command (a file name)."""
        saved, self.cmd = self.cmd, []
        fn()
        self.cmd = saved

    def redirection(self):
        self.i += 1
        while self.peek() in ">&|":
            self.i += 1
        while self.peek() in " \t":
            self.i += 1
        if self.peek() == "(":                          # <(process substitution)
            self.i += 1
            self.sub(")")
            return
        self.aside(self.word)

    def heredoc_or_herestring(self):
        self.i += 2
        if self.peek() == "<":                          # <<< word
            self.i += 1
            while self.peek() in " \t":
                self.i += 1
            self.aside(self.word)
            return
        strip = self.peek() == "-"
        if strip:
            self.i += 1
        while self.peek() in " \t":
            self.i += 1
        m = re.match(r"""(['"]?)([A-Za-z0-9_]+)\1""", self.text[self.i:])
        if not m:
            return
        self.i += m.end()
        self.pending_heredocs.append((m.group(2), strip, list(self.cmd), self.line))

    def read_heredocs(self):
        for delim, strip, words, line in self.pending_heredocs:
            body = []
            while self.i < len(self.text):
                end = self.text.find("\n", self.i)
                end = len(self.text) if end < 0 else end
                ln = self.text[self.i:end]
                self.i = end + 1
                self.line += 1
                if (ln.lstrip("\t") if strip else ln) == delim:
                    break
                body.append(ln)
            words = self.command_words(list(words), peek=True)
            while words and (words[0] in self.table.wrappers or words[0] in self.functions):
                words = unwrap(words[1:], self.table.wrappers.get(words[0], 0))
            if words and is_python(words[0]):
                python_text("\n".join(body), self.table, self.uses, self.path, line + 1,
                            embedded=True)
        self.pending_heredocs = []

    def quoted(self, q):
        """Skips a quoted string; $(...) inside double quotes is a command."""
        start = self.i
        self.i += 1
        while self.i < len(self.text):
            c = self.peek()
            if q == "'" and c == "'":
                self.i += 1
                break
            if q == '"':
                if c == "\\":
                    self.i += 2
                    continue
                if c == '"':
                    self.i += 1
                    break
                if c == "$" and self.peek(1) == "(" and self.peek(2) != "(":
                    self.i += 2
                    self.sub(")")
                    continue
                if c == "`":
                    self.i += 1
                    self.sub("`")
                    continue
            if c == "\n":
                self.line += 1
            self.i += 1
        return self.text[start:self.i]

    def sub(self, stop):
        """A command substitution: its commands are read on their own."""
        inner = ShellScanner(self.table, self.uses, self.path, self.functions, self.commands)
        self.i, self.line = inner.scan(self.text, self.line, stop, self.i)

    def word(self):
        parts = []
        dynamic = False
        if not self.cmd:
            self.cmd_line = self.line
        while self.i < len(self.text):
            c = self.peek()
            if c in " \t\n;&|<>()":
                break
            if c == "\\":
                parts.append(self.peek(1))
                self.i += 2
                continue
            if c in "'\"":
                s = self.quoted(c)
                dynamic = dynamic or (c == '"' and "$" in s)
                parts.append(s[1:-1])
                continue
            if c == "$" and self.peek(1) == "(":
                dynamic = True
                if self.peek(2) == "(":
                    self.i += 1
                    self.skip_balanced()
                else:
                    self.i += 2
                    self.sub(")")
                continue
            if c == "$" and self.peek(1) == "{":
                dynamic = True
                j = self.text.find("}", self.i)
                self.i = len(self.text) if j < 0 else j + 1
                continue
            if c == "$" and re.match(r"[A-Za-z0-9_@*#?!$-]", self.peek(1)):
                dynamic = True
            if c == "`":
                dynamic = True
                self.i += 1
                self.sub("`")
                continue
            parts.append(c)
            self.i += 1
        w = "".join(parts)
        if w.isdigit() and self.peek() in "<>":
            return                                      # 2>&1: the fd of a redirection
        self.cmd.append(("\0" if dynamic else "") + w)

    def end_command(self, op=None):
        words, self.cmd = self.cmd, []
        if self.cases and self.cases[-1] == "pattern":
            if words and words[0] == "esac":
                self.cases.pop()
            return
        if self.cases and self.cases[-1] == "word":
            if "in" in words:
                self.cases[-1] = "pattern"
            return
        words = self.command_words(words)
        if words:
            self.commands.append((words, self.cmd_line))
        if op == ";;" and self.cases:
            self.cases[-1] = "pattern"

    def command_words(self, words, peek=False):
        """The words of a command, keywords and assignments taken off."""
        k = 0
        while k < len(words):
            w = words[k]
            if self.skip_until:
                if w == self.skip_until and not peek:
                    self.skip_until = None
                k += 1
                continue
            if w in ("for", "select") and not peek:
                self.skip_until = "do"
                k += 1
                continue
            if w == "case" and not peek:
                self.cases.append("pattern" if "in" in words else "word")
                return []
            if w == "esac" and self.cases and not peek:
                self.cases.pop()
                k += 1
                continue
            if w == "function" and k + 1 < len(words):
                self.functions.add(words[k + 1])
                return []
            if w == "[[":
                return []
            if w in SHELL_KEYWORDS or ASSIGN.match(w):
                k += 1
                continue
            return words[k:]
        return []


def is_python(word):
    return re.fullmatch(r"(.*/)?python3(\.[0-9]+)?", word.lstrip("\0")) is not None


def shell_text(text, table, uses, path, line0=1, functions=None):
    """Records the commands of a shell text; returns the functions it
    defines (with those it was given)."""
    functions = set() if functions is None else functions
    commands = []
    ShellScanner(table, uses, path, functions, commands).scan(text, line0)
    for words, line in commands:
        shell_command(words, table, uses, path, line, functions)
    return functions


def shell_command(words, table, uses, path, line, functions):
    while words:
        w = words[0]
        if w.startswith("\0"):
            return                                  # $VAR or "$x/y": not knowable
        name = os.path.basename(w) if w.startswith("/") else w
        if "/" in name or not name or "%" in name:
            return                                  # a script of ours, or a format
        if name in table.wrappers or name in BUILTIN_WRAPPERS:
            if name not in SHELL_BUILTINS and name not in functions:
                uses.append(Use("command", name, (path, line)))
            words = unwrap(words[1:], table.wrappers.get(name, 0))
            continue
        if name in SHELL_BUILTINS or name in functions or name in SHELL_KEYWORDS:
            return
        uses.append(Use("command", name, (path, line)))
        args = [a.lstrip("\0") for a in words[1:]]
        if name in ("bash", "sh") and "-c" in args[:-1]:
            shell_text(args[args.index("-c") + 1], table, uses, path, line, set(functions))
        if is_python(name) and "-c" in args[:-1]:
            python_text(args[args.index("-c") + 1], table, uses, path, line, embedded=True)
        return


def unwrap(args, skip):
    """The wrapped command: options (and an option's value when given
    apart, as in `timeout -s KILL`) then `skip` plain arguments go."""
    k = 0
    while k < len(args) and args[k].lstrip("\0").startswith("-"):
        opt = args[k].lstrip("\0")
        k += 1
        if re.fullmatch(r"-[a-zA-Z]", opt) and opt in ("-s", "-k", "-n", "-I", "-P", "-u"):
            k += 1
    return args[k + skip:]


# ---------------------------------------------------------------- python

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
                    uses.append(Use("module", n, (path, line)))
        return
    for node in ast.walk(tree):
        line = line0 + getattr(node, "lineno", 1) - 1
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] not in local:
                    uses.append(Use("module", a.name.split(".")[0], (path, line)))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in local:
                uses.append(Use("module", node.module.split(".")[0], (path, line)))
        elif isinstance(node, ast.Call):
            python_call(node, table, uses, path, line)


def python_call(node, table, uses, path, line):
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
    owner = getattr(f.value, "id", "") if isinstance(f, ast.Attribute) else ""
    if not node.args:
        return
    a = node.args[0]
    if owner == "subprocess" and name in ("run", "call", "check_call", "check_output", "Popen"):
        if isinstance(a, (ast.List, ast.Tuple)) and a.elts and isinstance(a.elts[0], ast.Constant):
            shell_command([str(a.elts[0].value)], table, uses, path, line, set())
        elif isinstance(a, ast.Constant) and isinstance(a.value, str):
            shell_text(a.value, table, uses, path, line)
    elif owner == "os" and name in ("system", "popen") and isinstance(a, ast.Constant):
        shell_text(str(a.value), table, uses, path, line)


# ---------------------------------------------------------------- C

C_STRING = r'"(?:[^"\\\n]|\\.)*"'


def c_strip(text):
    """Comments out, line numbers kept."""
    out, i = [], 0
    pat = re.compile(r'//[^\n]*|/\*.*?\*/|' + C_STRING + r"|'(?:[^'\\\n]|\\.)*'", re.S)
    for m in pat.finditer(text):
        out.append(text[i:m.start()])
        s = m.group(0)
        out.append(re.sub(r"[^\n]", " ", s) if s.startswith("/") else s)
        i = m.end()
    out.append(text[i:])
    return "".join(out)


def c_unescape(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def c_literal_groups(text, defines):
    """Adjacent literals (with string macros between them) joined."""
    groups = []
    tok = re.compile(C_STRING + r"|[A-Za-z_]\w*")
    cur, last_end = None, None
    for m in tok.finditer(text):
        t = m.group(0)
        gap = text[last_end:m.start()] if last_end is not None else ""
        joined = cur is not None and gap.strip() == ""
        if t.startswith('"'):
            s = c_unescape(t[1:-1])
        elif t in defines and joined:
            s = defines[t]
        else:
            if cur is not None:
                groups.append(cur)
            cur, last_end = None, m.end()
            continue
        if joined:
            cur = (cur[0] + s, cur[1])
        else:
            if cur is not None:
                groups.append(cur)
            cur = (s, m.start())
        last_end = m.end()
    if cur is not None:
        groups.append(cur)
    return groups


def c_args(text, open_paren):
    """The text between a call's parentheses."""
    depth, j = 0, open_paren
    while j < len(text):
        c = text[j]
        if c == '"':
            m = re.compile(C_STRING).match(text, j)
            j = m.end() if m else j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return text[open_paren + 1:j]
        j += 1
    return text[open_paren + 1:]


C_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "do"}


def c_functions(text):
    """name -> body for function definitions (kernel style: the definition
    starts in column 0)."""
    out = {}
    text = re.sub(r"__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)[ \t]*",
                  "", text)
    for m in re.finditer(r"^(?=[A-Za-z_])[^\n;#{}=]*?\b(\w+)\s*\(([^;{}]*?)\)\s*\{", text, re.M):
        if m.group(1) in C_KEYWORDS:
            continue
        start = m.end() - 1
        depth, j = 0, start
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        out[m.group(1)] = text[start:j]
    return out


def c_split_args(args):
    """Top-level comma-separated arguments."""
    out, depth, cur = [], 0, []
    for m in re.finditer(C_STRING + r"|.", args, re.S):
        t = m.group(0)
        if t in "([{":
            depth += 1
        elif t in ")]}":
            depth -= 1
        if t == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(t)
    out.append("".join(cur))
    return out


def c_files(files, table, uses):
    texts = {p: c_strip(open(p, errors="replace").read()) for p in files}
    defines = {}
    for t in texts.values():
        for m in re.finditer(r"^#define\s+(\w+)\s+(" + C_STRING + r")\s*$", t, re.M):
            defines[m.group(1)] = c_unescape(m.group(2)[1:-1])
    runners = dict(C_RUNNERS)
    funcs = {}
    for t in texts.values():
        funcs.update(c_functions(t))
    grew = True
    while grew:                 # ours that hand their argument on to a runner
        grew = False
        for name, body in funcs.items():
            kind = next((k for r, k in runners.items() if re.search(r"\b%s\s*\(" % r, body)),
                        None)
            if kind and name not in runners:
                runners[name] = kind
                grew = True
    for path, t in texts.items():
        for m in re.finditer(r"\b(\w+)\s*\(", t):
            kind = runners.get(m.group(1))
            if not kind or c_is_definition(t, m):
                continue
            args = c_split_args(c_args(t, m.end() - 1))
            line = t.count("\n", 0, m.start()) + 1
            for s in c_command_strings(t, args, defines):
                if kind == "shell":
                    shell_text(s, table, uses, path, line)
                else:
                    shell_command([s.split(" ")[0]], table, uses, path, line, set())


def c_is_definition(t, m):
    before = t[t.rfind("\n", 0, m.start()) + 1:m.start()]
    return bool(re.search(r"\b(int|void|char|double|FILE|static|inline)\b[\s*]*$", before))


def c_command_strings(t, args, defines):
    """The command of a runner call: the literal first argument, the buffer
    an snprintf() filled, or an array of literal commands (with a "%s"
    format, the argument after it)."""
    first = args[0]
    lits = c_literal_groups(first, defines)
    if len(args) > 1 and [s for s, _ in lits] == ["%s"]:
        first, lits = args[1], c_literal_groups(args[1], defines)
    out = [s for s, _ in lits]
    m = re.match(r"\s*&?\s*([A-Za-z_]\w*)\s*(\[[^]]*\])?\s*$", first)
    if not m:
        return out
    ident = m.group(1)
    for f in re.finditer(r"\bv?snprintf\s*\(\s*%s\s*," % re.escape(ident), t):
        fargs = c_split_args(c_args(t, t.index("(", f.start())))
        if len(fargs) >= 3:
            out.extend(s for s, _ in c_literal_groups(fargs[2], defines)[:1])
    a = re.search(r"\b%s\s*\[\s*\]\s*=\s*\{" % re.escape(ident), t)
    if a:
        body = c_args(t.replace("{", "(").replace("}", ")"), a.end() - 1)
        out.extend(s for s, _ in c_literal_groups(body, defines))
    return out


# ---------------------------------------------------------------- Makefile

def makefile(path, table, uses):
    text = open(path).read().replace("\\\n", " ")
    vars_ = {}
    for m in re.finditer(r"^([A-Za-z_]+)\s*[?:]?=\s*(.*)$", text, re.M):
        vars_.setdefault(m.group(1), m.group(2).strip())

    def expand(s, depth=0):
        def var(m):
            v = m.group(1) or m.group(2)
            if v in vars_ and depth < 5 and re.fullmatch(r"[A-Za-z0-9_.+-]+", vars_[v]):
                return expand(vars_[v], depth + 1)
            return "$V"
        return re.sub(r"\$\((\w+)\)|\$\{(\w+)\}", var, s)

    for n, line in enumerate(text.split("\n"), 1):
        for m in re.finditer(r"\$\(shell\s+([^)]*)\)", expand(line)):
            shell_text(m.group(1), table, uses, path, n)
        for lib in re.findall(r"(?:^|\s)-l([A-Za-z0-9_+-]+)", line):
            uses.append(Use("library", lib, (path, n)))
        if line.startswith("\t"):
            rec = re.sub(r"\$\(call [^)]*\)", "", line.strip())
            rec = re.sub(r"^(\$\(Q\)|[@-])+", "", rec)
            rec = re.sub(r"\$[@<^*?]|\$\([@<^*][DF]\)", "$V", rec)
            while re.search(r"\$\(\w+[ ,][^()]*\)", rec):          # $(subst ...): make's own
                rec = re.sub(r"\$\(\w+[ ,][^()]*\)", "$V", rec)
            shell_text(expand(rec).replace("$$", "$"), table, uses, path, n)


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
    functions = set()
    shells = [p for p in files if kind_of(p) == "shell"]
    # functions any script defines (lib.sh's in_ns, cli, ...) are ours
    for p in shells:
        scratch = []
        functions |= shell_text(open(p, errors="replace").read(), table, scratch, p)
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

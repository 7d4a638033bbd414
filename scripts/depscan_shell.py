"""How scripts/check-deps.py reads shell and Python: the commands a shell
text runs (command position through pipes, lists, $(...), `...`, bash -c,
heredocs fed to python3, and wrappers such as nsenter or our own in_ns),
and the modules a Python text imports and the commands it runs through
subprocess. Each use is appended to `uses` as a Use(kind, name, (path,
line)); `table` (check-deps.py's Table) gives the wrappers."""
import ast
import os
import re

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
class Use:
    def __init__(self, kind, name, where):
        self.kind, self.name, self.where = kind, name, where


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

"""How scripts/check-deps.py reads shell and Python: the commands a shell
text runs (command position through pipes, lists, $(...), `...`, bash -c
and sh -ec, heredocs fed to a shell or to python3, find -exec, and
wrappers: those of the table with their options, and our own functions
that run their arguments, "$@"), and the modules a Python text imports
(by name, alias or importlib) and the commands it runs (subprocess, os.exec*,
os.spawn*, through aliases, keywords and list variables). Each use is
appended to `uses` as a Use(kind, name, (path, line)); `table`
(check-deps.py's Table) gives the wrappers."""
import os
import re

import depscan_python as dpy  # each imports the other: names are looked up at call time

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


class Functions(set):
    """The shell functions the scripts define (`defs`: by file); `wrappers`
    holds those that run their arguments as a command ("$@"), with the
    arguments they shift off first (lib.sh's in_ns: 1), by name and file:
    two files may define one name differently."""

    def __init__(self, names=()):
        super().__init__(names)
        self.wrappers = getattr(names, "wrappers", {})
        self.defs = getattr(names, "defs", {})

    def define(self, name, path):
        self.add(name)
        self.defs.setdefault(path, set()).add(name)

    def wrapper_skip(self, name, path):
        """The words a wrapper function shifts off, or None: the file's own
        definition when it has one, else any sourced one."""
        by_file = self.wrappers.get(name, {})
        if name in self.defs.get(path, ()):
            return by_file.get(path)
        return next(iter(by_file.values()), None)


class Wrapper:
    """A command that runs its arguments as a command: after its options
    (those in `valued` take the next word as their value) and `skip` more
    words; `shell_opt` (flock -c) hands the next word to sh -c."""

    def __init__(self, skip, valued=(), shell_opt=None):
        self.skip, self.valued, self.shell_opt = skip, set(valued), shell_opt


# ---------------------------------------------------------------- shell

class ShellScanner:
    """Finds the commands of a shell text. Not a full shell parser: enough
    of one for command position, quoting, substitutions, heredocs, case
    patterns and function definitions. `commands` gets (words, line,
    function) per simple command, keywords and assignments taken off;
    function is the one whose body holds it, or None."""

    def __init__(self, table, uses, path, functions, commands):
        self.table, self.uses, self.path = table, uses, path
        self.functions, self.commands = functions, commands
        self.cmd, self.cmd_line = [], 1
        self.pending_heredocs = []
        self.cases = []           # per open case: "word", "pattern" or "body"
        self.skip_until = None    # "do" after for/select: the list is no command
        self.fn_open = None       # a function named, its body's { not yet read
        self.fn_stack = []        # (function, brace depth its body opened at)
        self.brace = 0

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
                self.functions.define(self.cmd[0].lstrip("\0"), self.path)
                self.fn_open = self.cmd[0].lstrip("\0")
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
            words = wrapped_command(self.command_words(list(words), peek=True),
                                    self.table, self.functions, self.path)
            if words and is_python(words[0]):
                dpy.python_text("\n".join(body), self.table, self.uses, self.path, line + 1,
                            embedded=True)
            elif words and is_shell(words[0]) and reads_stdin(words[1:]):
                shell_text("\n".join(body), self.table, self.uses, self.path, line + 1,
                           Functions(self.functions))
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
            fn = self.fn_stack[-1][0] if self.fn_stack else None
            self.commands.append((words, self.cmd_line, fn))
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
            if w == "function" and k + 1 < len(words) and not peek:
                self.functions.define(words[k + 1], self.path)
                self.fn_open = words[k + 1]
                k += 2
                continue
            if w == "{" and not peek:
                if self.fn_open:
                    self.fn_stack.append((self.fn_open, self.brace))
                    self.fn_open = None
                self.brace += 1
            elif w == "}" and not peek:
                self.brace -= 1
                if self.fn_stack and self.fn_stack[-1][1] == self.brace:
                    self.fn_stack.pop()
            if w == "[[":
                return []
            if w in SHELL_KEYWORDS or ASSIGN.match(w):
                k += 1
                continue
            return words[k:]
        return []


def is_python(word):
    return re.fullmatch(r"(.*/)?python3(\.[0-9]+)?", word.lstrip("\0")) is not None


def is_shell(word):
    return os.path.basename(word.lstrip("\0")) in ("bash", "sh")


def shell_text(text, table, uses, path, line0=1, functions=None):
    """Records the commands of a shell text; returns the functions it
    defines (with those it was given)."""
    functions = Functions() if functions is None else functions
    commands = []
    ShellScanner(table, uses, path, functions, commands).scan(text, line0)
    shifts = {}
    for words, line, fn in commands:
        if fn and words[0] == "shift":
            n = words[1] if len(words) > 1 else "1"
            shifts[fn] = shifts.get(fn, 0) + (int(n) if n.isdigit() else 1)
        shell_command(words, table, uses, path, line, functions, fn, shifts.get(fn, 0))
    return functions


def find_wrapper(words, table, functions, path=None):
    """(Wrapper, words it takes) when words start with a wrapper's name
    (and subcommand: ip netns exec), else (None, 0)."""
    name = os.path.basename(words[0])
    for sub, wr in table.wrappers.get(name, []):
        if tuple(w.lstrip("\0") for w in words[1:1 + len(sub)]) == sub:
            return wr, 1 + len(sub)
    skip = functions.wrapper_skip(name, path)
    if skip is not None:
        return Wrapper(skip), 1
    if name in BUILTIN_WRAPPERS:
        return Wrapper(0), 1
    return None, 0


def wrapped_command(words, table, functions, path=None):
    """The command that words run in the end, through every wrapper."""
    while words:
        wr, n = find_wrapper(words, table, functions, path)
        if not wr:
            break
        words = unwrap(words[n:], wr)
    return words


def shell_command(words, table, uses, path, line, functions, fn=None, shifted=0):
    while words:
        w = words[0]
        if w in ("\0$@", "\0$*"):
            if fn:                                  # fn runs its arguments
                functions.wrappers.setdefault(fn, {})[path] = shifted
            return
        if w.startswith("\0"):
            return                                  # $VAR or "$x/y": not knowable
        name = os.path.basename(w) if w.startswith("/") else w
        if "/" in name or not name or "%" in name:
            return                                  # a script of ours, or a format
        wr, n = find_wrapper(words, table, functions, path)
        if wr:
            if name not in SHELL_BUILTINS and name not in functions:
                uses.append(Use("command", name, (path, line)))
            rest = words[n:]
            if wr.shell_opt and wr.shell_opt in rest:
                k = rest.index(wr.shell_opt)
                if k + 1 < len(rest):
                    shell_text(rest[k + 1].lstrip("\0"), table, uses, path, line,
                               Functions(functions))
                return
            words = unwrap(rest, wr)
            if name == "watch" and len(words) == 1:  # watch runs it through sh -c
                shell_text(words[0].lstrip("\0"), table, uses, path, line, Functions(functions))
                return
            continue
        if name in SHELL_BUILTINS or name in functions or name in SHELL_KEYWORDS:
            return
        uses.append(Use("command", name, (path, line)))
        args = [a.lstrip("\0") for a in words[1:]]
        script = shell_c_text(args) if name in ("bash", "sh") else None
        if script is not None:
            shell_text(script, table, uses, path, line, Functions(functions))
        if is_python(name) and "-c" in args[:-1]:
            dpy.python_text(args[args.index("-c") + 1], table, uses, path, line, embedded=True)
        if name == "find":
            find_exec(words[1:], table, uses, path, line, functions)
        return


def shell_options(args):
    """bash's or sh's options: (whether -c is among them, the rest)."""
    k, c = 0, False
    while k < len(args):
        a = args[k]
        if a in ("--", "-"):
            return c, args[k + 1:]
        if a in ("-o", "+o", "-O", "+O"):
            k += 2
        elif re.fullmatch(r"--[a-z-]+", a):
            k += 1
        elif re.fullmatch(r"[-+][a-zA-Z]+", a):
            c = c or (a[0] == "-" and "c" in a)
            k += 1
        else:
            break
    return c, args[k:]


def shell_c_text(args):
    """The script of `bash -c TEXT`, `sh -ec TEXT`, `bash -o pipefail -c TEXT`."""
    c, rest = shell_options(args)
    return rest[0] if c and rest else None


def reads_stdin(args):
    """Whether bash or sh with these arguments reads its script from stdin
    (no -c, and -s or no script file)."""
    args = [a.lstrip("\0") for a in args]
    c, rest = shell_options(args)
    flags = "".join(a[1:] for a in args if re.fullmatch(r"-[a-zA-Z]+", a))
    return not c and ("s" in flags or not rest)


def find_exec(args, table, uses, path, line, functions):
    """find's -exec, -execdir, -ok and -okdir: a command up to ; or +."""
    k = 0
    while k < len(args):
        if args[k].lstrip("\0") in ("-exec", "-execdir", "-ok", "-okdir"):
            j = k + 1
            while j < len(args) and args[j].lstrip("\0") not in (";", "+"):
                j += 1
            shell_command(args[k + 1:j], table, uses, path, line, functions)
            k = j
        k += 1


def unwrap(args, wr):
    """The wrapped command: options (and the value of those that take one,
    given apart: timeout -s KILL, nsenter --target PID), then `skip` plain
    arguments, then NAME=VALUE words (env, sudo) go."""
    k = 0
    while k < len(args) and args[k].lstrip("\0").startswith("-"):
        opt = args[k].lstrip("\0")
        k += 1
        if opt == "--":
            break
        if opt in wr.valued:
            k += 1
    k += wr.skip
    while k < len(args) and ASSIGN.match(args[k].lstrip("\0")):
        k += 1
    return args[k:]

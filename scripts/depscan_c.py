"""How scripts/check-deps.py reads C and the Makefile: the shell commands a
C file hands to system()/popen() (directly, through a buffer snprintf()
filled, or an array of literal commands) or to any function of ours that
passes its argument on to them; the Makefile's recipes, $(shell ...) calls
and -l libraries."""
import re

from depscan_shell import Functions, Use, shell_command, shell_text

C_RUNNERS = {"system": "shell", "popen": "shell", "execvp": "argv", "execlp": "argv",
             "execv": "argv", "execl": "argv", "execve": "argv"}

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
    """name -> (parameter names, body) for function definitions (kernel
    style: the definition starts in column 0)."""
    out = {}
    text = re.sub(r"__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)[ \t]*", "", text)
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
        params = [re.findall(r"\w+", re.sub(r"\[[^]]*\]", "", p))[-1:]
                  for p in m.group(2).split(",")]
        out[m.group(1)] = ({p[0] for p in params if p}, text[start:j])
    return out


def c_root(arg):
    """The variable an argument names: cmd, &cmd, argv[0] -> argv."""
    m = re.match(r"\s*&?\s*([A-Za-z_]\w*)\s*(\[[^]]*\])?\s*$", arg)
    return m.group(1) if m else None


def c_runs_param(params, body, runners):
    """The kind of runner a function is when it hands a parameter on as the
    command: as a runner's first argument, or through buffers formatted
    from it (the parameter as the format, or a "%s" that starts the
    command, as in "(%s) >out")."""
    tainted = set(params)
    grew = True
    while grew:
        grew = False
        for m in re.finditer(r"\bv?snprintf\s*\(", body):
            a = c_split_args(c_args(body, m.end() - 1))
            if len(a) < 3 or c_root(a[0]) in tainted:
                continue
            fmt = [s for s, _ in c_literal_groups(a[2], {})]
            starts = fmt and re.match(r"^\(?%s", fmt[0]) and len(a) > 3
            if c_root(a[2]) in tainted or (starts and c_root(a[3]) in tainted):
                tainted.add(c_root(a[0]))
                grew = True
    for r, kind in runners.items():
        for m in re.finditer(r"\b%s\s*\(" % re.escape(r), body):
            if c_root(c_split_args(c_args(body, m.end() - 1))[0]) in tainted:
                return kind
    return None


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
    funcs = {p: c_functions(t) for p, t in texts.items()}
    # runners of a header serve every file (they are included); those of a
    # .c file, that file only (static functions of two files share names)
    shared, own = dict(C_RUNNERS), {p: {} for p in texts}
    grew = True
    while grew:
        grew = False
        for p, fs in funcs.items():
            scope = shared if p.endswith(".h") else own[p]
            for name, (params, body) in fs.items():
                kind = c_runs_param(params, body, {**shared, **own[p]})
                if kind and name not in shared and name not in own[p]:
                    scope[name] = kind
                    grew = True
    for path, t in texts.items():
        runners = {**shared, **own[path]}
        for m in re.finditer(r"\b(\w+)\s*\(", t):
            kind = runners.get(m.group(1))
            if not kind or c_is_definition(t, m):
                continue
            args = c_split_args(c_args(t, m.end() - 1))
            line = t.count("\n", 0, m.start()) + 1
            for s in c_command_strings(t, args, defines, kind):
                if kind == "shell":
                    shell_text(s, table, uses, path, line)
                else:
                    shell_command([s.split(" ")[0]], table, uses, path, line, Functions())


def c_is_definition(t, m):
    before = t[t.rfind("\n", 0, m.start()) + 1:m.start()]
    return bool(re.search(r"\b(int|void|char|double|FILE|static|inline)\b[\s*]*$", before))


def c_command_strings(t, args, defines, kind="shell"):
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
        items = [s for s, _ in c_literal_groups(body, defines)]
        # an exec's argv names one command, its first word ({"sh", "-c",
        # cmd}: sh, not "-c"); a shell runner's array is of whole commands
        out.extend(items[:1] if kind == "argv" else items)
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

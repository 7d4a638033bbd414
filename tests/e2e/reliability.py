#!/usr/bin/python3
"""Runs every row of the user-error table in docs/reliability.md, so the
table cannot drift from what sfw does.

Each row: the command (placeholders below, VAR=value prefixes set the
environment), the exit code, how many lines stderr has and what the first
one says ('*' matches any text), and the bound: seconds before the command
is killed and the most memory (peak RSS) it may use. stdout must be empty.

Placeholders, made here before the rows run:
  $T       a scratch directory holding the files the rows name
  $W100K   a word of 100,000 'x'
  $LONGDIR a directory path of 4,200 bytes
  $LONGPIN a pin root path of 300 bytes

Usage: reliability.py SFW DOC. SFW_SANITIZED=1 (set by `make test
SANITIZE=1`) multiplies the bounds: AddressSanitizer's shadow memory and
checks cost what they cost.
"""
import os
import re
import shlex
import signal
import sys
import tempfile
import threading
import time

SANITIZED = os.environ.get("SFW_SANITIZED") == "1"
TIME_FACTOR = 5 if SANITIZED else 1
MEM_FACTOR, MEM_EXTRA_MB = (3, 64) if SANITIZED else (1, 0)


def make_fixtures(t):
    os.mkdir(os.path.join(t, "conf.d"))
    os.mkfifo(os.path.join(t, "fifo.conf"))
    with open(os.path.join(t, "big.conf"), "wb") as f:
        f.truncate(17_000_000)
    with open(os.path.join(t, "million-bad.conf"), "w") as f:
        f.write("x\n" * 1_000_000)
    with open(os.path.join(t, "million-last.conf"), "w") as f:
        f.write("# comment\n" * 999_999)
        f.write("set security zones security-zone a interfaces [ v0\n")
    with open(os.path.join(t, "long-word.conf"), "w") as f:
        f.write("set security zones security-zone " + "x" * 100_000 + "\n")
    with open(os.path.join(t, "nul.conf"), "wb") as f:
        f.write(b"set security zones security-zone a\x00\x01\n")
    with open(os.path.join(t, "range.conf"), "w") as f:
        f.write("set security flow udp-timeout 99999999999\n")
    with open(os.path.join(t, "prefix.conf"), "w") as f:
        f.write("set security address-book global address a 198.51.100.0/33\n")
    with open(os.path.join(t, "ifname.conf"), "w") as f:
        f.write('set security zones security-zone a interfaces "eth\\x01"\n'.replace("\\x01", "\x01"))
    with open(os.path.join(t, "good.conf"), "w") as f:
        f.write("set security zones security-zone a interfaces v0\n")
    return {
        "$T": t,
        "$W100K": "x" * 100_000,
        "$LONGDIR": "/tmp/" + "/".join(["d" * 200] * 21),
        "$LONGPIN": "/sys/fs/bpf/" + "p" * 288,
    }


def rows(doc):
    """(case, command, exit, lines, message, seconds, megabytes) per row of
    the table under '## User errors'."""
    text = open(doc).read()
    section = text.split("## User errors", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 6 or not cells[1].startswith("`"):
            continue
        case, cmd, code, lines, msg, bound = cells
        m = re.fullmatch(r"(\d+) s, (\d+) MB", bound)
        if not m:
            raise SystemExit(f"{doc}: bad bound '{bound}' in row '{case}'")
        yield (case, cmd.strip("`"), int(code), int(lines), msg.strip("`"),
               int(m.group(1)), int(m.group(2)))


def expand(word, subs):
    for key in sorted(subs, key=len, reverse=True):
        word = word.replace(key, subs[key])
    return word


def matches(pattern, line):
    parts = pattern.split("*")
    if len(parts) == 1:
        return line == pattern
    if not line.startswith(parts[0]) or not line.endswith(parts[-1]):
        return False
    at = len(parts[0])
    for p in parts[1:-1]:
        at = line.find(p, at)
        if at < 0:
            return False
        at += len(p)
    return at <= len(line) - len(parts[-1])


def spawn(words, env, limit):
    """Run words; (exit code or None if killed at the limit, stdout, stderr,
    peak RSS in MB, seconds)."""
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(os.devnull, os.O_RDONLY)
            os.dup2(fd, 0)
            os.dup2(w_out, 1)
            os.dup2(w_err, 2)
            os.closerange(3, 1024)
            os.execve(words[0], words, env)
        finally:
            os._exit(127)
    os.close(w_out)
    os.close(w_err)
    chunks = {r_out: [], r_err: []}

    def drain(fd):
        while True:
            b = os.read(fd, 65536)
            if not b:
                break
            chunks[fd].append(b)
        os.close(fd)

    readers = [threading.Thread(target=drain, args=(fd,)) for fd in (r_out, r_err)]
    for r in readers:
        r.start()
    killer = threading.Timer(limit, os.kill, (pid, signal.SIGKILL))
    killer.start()
    _, status, usage = os.wait4(pid, 0)
    killer.cancel()
    for r in readers:
        r.join()
    code = os.waitstatus_to_exitcode(status)
    return (None if code == -signal.SIGKILL else code, b"".join(chunks[r_out]),
            b"".join(chunks[r_err]), usage.ru_maxrss / 1024, time.monotonic() - start)


def run_row(sfw, subs, row):
    case, cmd, code, nlines, msg, secs, mb = row
    words = [expand(w, subs) for w in shlex.split(cmd)]
    env = dict(os.environ)
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    if words[0] != "sfw":
        return f"the command does not start with sfw: {cmd}"
    words[0] = sfw
    limit = secs * TIME_FACTOR
    rc, out, err, rss_mb, took = spawn(words, env, limit)
    if rc is None:
        return f"still running after {limit} s"
    err_lines = err.decode(errors="replace").splitlines()
    want = expand(msg, subs)
    problems = []
    if rc != code:
        problems.append(f"exit {rc}, expected {code}")
    if out:
        problems.append(f"printed on stdout: {out[:200]!r}")
    if len(err_lines) != nlines:
        problems.append(f"{len(err_lines)} lines on stderr, expected {nlines}: "
                        f"{[l[:200] for l in err_lines[:3]]}")
    if not err_lines or not matches(want, err_lines[0]):
        problems.append(f"stderr: {[l[:300] for l in err_lines[:1]]}\n"
                        f"      expected: {want[:300]}")
    if any(len(l) > 1024 for l in err_lines):
        problems.append("a stderr line is longer than 1024 bytes")
    if rss_mb > mb * MEM_FACTOR + MEM_EXTRA_MB:
        problems.append(f"peak memory {rss_mb:.0f} MB, bound {mb} MB")
    return "; ".join(problems)


def main():
    sfw, doc = sys.argv[1], sys.argv[2]
    failed = 0
    n = 0
    with tempfile.TemporaryDirectory(prefix="sfw-rel-") as t:
        subs = make_fixtures(t)
        for row in rows(doc):
            n += 1
            why = run_row(sfw, subs, row)
            print(f"{'FAIL' if why else 'ok  '} {row[0]}" + (f": {why}" if why else ""))
            failed += bool(why)
    if n < 20:
        print(f"only {n} rows found in {doc}: the table did not parse")
        return 1
    print(f"{n} rows, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""sfw's interactive shell through a pseudo-terminal, as an operator uses
it: the prompt, tab completion, `?` (after a word, after a bar), Junos's
caret under an unknown word, a pipe, paging (space, return, q), no-more,
^C on a half-typed line, the history, exit and quit.

usage: shell_tty.py SFW   (a committed configuration of 30 set lines,
host1..host30, in $SFW_CONF_DIR; nothing needs to be attached)"""
import os
import pwd
import re
import socket
import sys

import pexpect

# a terminal of a known kind, whatever runs the test: the caller's TERM
# (dumb under CI and fresh-check, unset under cron) turns libedit's line
# editing, and with it tab and ?, off
TTY_ENV = dict(os.environ, TERM="xterm")
SFW = sys.argv[1]
ROWS, COLS = 10, 100             # a page is ROWS - 1 lines
PROMPT = "%s@%s> " % (pwd.getpwuid(os.getuid()).pw_name, socket.gethostname().split(".")[0])
MORE = "---(more)---"


def fail(what, shell):
    print("FAIL: %s\n--- the terminal showed (last 2000 characters):\n%s" %
          (what, (shell.before or "")[-2000:]), file=sys.stderr)
    sys.exit(1)


def start(*args):
    shell = pexpect.spawn(SFW, list(args), encoding="utf-8", dimensions=(ROWS, COLS),
                          timeout=20, env=TTY_ENV)
    prompt(shell, "the first prompt")
    return shell


def clean(text):
    """The text as the screen shows it: no escape sequences, no erased
    ---(more)--- prompt (a carriage return, blanks, a carriage return)."""
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
    return re.sub(r"\r *\r", "", text).replace("\r", "")


def prompt(shell, what):
    """Wait for the prompt; what the screen showed before it."""
    try:
        shell.expect_exact(PROMPT)
    except pexpect.ExceptionPexpect:
        fail("no prompt after " + what, shell)
    return clean(shell.before)


def expect(shell, text, what):
    try:
        shell.expect_exact(text)
    except pexpect.ExceptionPexpect:
        fail("%s: no %r" % (what, text), shell)
    return clean(shell.before)


def run(shell, line):
    shell.send(line + "\r")
    return prompt(shell, line)


def host_lines(text):
    return re.findall(r"^set security address-book global address (host\d+) ", text, re.M)


def main():
    shell = start("cli")

    # tab completes a unique prefix (and adds the blank), twice, then runs
    shell.send("sh\tvers\t\r")
    out = prompt(shell, "sh<TAB>vers<TAB>")
    if "Hostname:" not in out or "show version" not in out:
        fail("tab did not complete to 'show version'", shell)
    # tab on an ambiguous prefix lists the choices
    shell.send("s\t")
    out = expect(shell, "Possible completions:", "tab after 's'")
    out = prompt(shell, "tab after 's'")
    for word in ("set", "show", "status"):
        if not re.search(r"^  %s +\S" % word, out, re.M):
            fail("tab after 's' did not list %s" % word, shell)
    shell.send("\x15")                       # ^U: the line goes

    # ? lists what may come, from the word tree, and gives the line back
    shell.send("show ?")
    out = prompt(shell, "show ?")
    for word in ("configuration", "interfaces", "security", "version"):
        if not re.search(r"^  %s +Show " % word, out, re.M):
            fail("'show ?' did not list %s" % word, shell)
    out = run(shell, "version | match Model")
    if not re.search(r"^Model: ", out, re.M):
        fail("the line after '?' was not 'show version'", shell)
    shell.send("show version ?")
    out = prompt(shell, "show version ?")
    if not re.search(r"^  <\[Enter\]> +Execute this command\n  \| +Pipe through a command$",
                     out, re.M):
        fail("'show version ?' did not offer Enter and a pipe", shell)
    shell.send("| ?")
    out = prompt(shell, "show version | ?")
    for row in ("count +Count occurrences", "match +Show only text that matches a pattern",
                "no-more +Don't paginate output", "display +Show additional"):
        if not re.search(r"^  " + row, out, re.M):
            fail("'| ?' did not list %r" % row, shell)
    shell.send("\x15")
    shell.send("configure ?")
    out = prompt(shell, "configure ?")
    if not re.search(r"^  <\[Enter\]> +Execute this command\n  exclusive +Obtain exclusive lock"
                     r".*\n  private +Work in private database$", out, re.M):
        fail("'configure ?' did not list Enter, exclusive and private", shell)
    shell.send("\x15")

    # an unknown word: the caret under it, Junos's message
    shell.send("show frob\r")
    expect(shell, "\r\n%s^\r\nsyntax error, expecting <command>.\r\n" %
           (" " * (len(PROMPT) + len("show "))), "show frob")
    prompt(shell, "show frob")
    shell.send("frob\r")
    expect(shell, "\r\n%s^\r\nunknown command.\r\n" % (" " * len(PROMPT)), "frob")
    prompt(shell, "frob")

    # pipes, chained
    out = run(shell, 'show configuration | display set | match "host2[0-4] "')
    if host_lines(out) != ["host20", "host21", "host22", "host23", "host24"]:
        fail("match: %s" % host_lines(out), shell)
    out = run(shell, "show configuration | display set | match host2 | count")
    if "Count: 11 lines" not in out:
        fail("match | count", shell)

    # a quoted pattern may end in ?: the pattern, not a help request, which
    # ran nothing and said "No valid completions" (review rtuser L3)
    out = run(shell, 'show configuration | display set | match "host30?"')
    if host_lines(out) != ["host3", "host30"]:
        fail('match "host30?": %s' % host_lines(out), shell)

    # a line longer than a command may be runs nothing: cut to fit, its
    # head ran (review rtuser F2)
    line = "show version" + " " * 4100 + "| match nothing-at-all"
    for i in range(0, len(line), 512):       # as a paste arrives
        shell.send(line[i:i + 512])
    shell.send("\r")
    out = prompt(shell, "a line of %d bytes" % len(line))
    if "error: command line too long (at most 4096 bytes)" not in out or "Hostname:" in out:
        fail("the long line was not refused whole", shell)

    # paging: a page, space: the next page, return: one line, q: the rest goes
    page = ROWS - 1
    shell.send("show configuration | display set\r")
    out = expect(shell, MORE, "show configuration, first page")
    if host_lines(out) != ["host%d" % i for i in range(1, page + 1)]:
        fail("first page: %s" % host_lines(out), shell)
    shell.send(" ")
    out = expect(shell, MORE, "show configuration, second page")
    if host_lines(out) != ["host%d" % i for i in range(page + 1, 2 * page + 1)]:
        fail("second page: %s" % host_lines(out), shell)
    shell.send("\r")
    out = expect(shell, MORE, "show configuration, one more line")
    if host_lines(out) != ["host%d" % (2 * page + 1)]:
        fail("return: %s" % host_lines(out), shell)
    shell.send("q")
    out = prompt(shell, "q at ---(more)---")
    if host_lines(out):
        fail("lines after q: %s" % host_lines(out), shell)
    # no-more: all of it, no stop
    out = run(shell, "show configuration | display set | no-more")
    if MORE in out or host_lines(out) != ["host%d" % i for i in range(1, 31)]:
        fail("no-more: %s" % host_lines(out), shell)

    # ^C drops a half-typed line; the history brings back a command
    shell.send("show ver\x03")
    prompt(shell, "^C")
    shell.send("\x10\r")                     # ^P: the previous line
    out = prompt(shell, "^P")
    if "Count:" in out or MORE in out or host_lines(out) != ["host%d" % i for i in range(1, 31)]:
        fail("^P did not run 'show configuration | display set | no-more' again", shell)

    shell.send("exit\r")
    shell.expect(pexpect.EOF)
    shell.close()
    if shell.exitstatus != 0:
        fail("exit: status %s" % shell.exitstatus, shell)

    # sfw alone on a terminal is the shell too; quit leaves it
    shell = start()
    shell.send("quit\r")
    shell.expect(pexpect.EOF)
    shell.close()
    if shell.exitstatus != 0:
        fail("quit: status %s" % shell.exitstatus, shell)
    print("shell_tty: ok")


main()

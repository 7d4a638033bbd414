#!/usr/bin/python3
"""One candidate shared by every plain `configure` (docs/cli.md "One
candidate for every shell"), through two pseudo-terminals as two Junos
operators use it: A sets, B is told who edits and that the configuration
changed, sees A's change in `show | compare`, commits it, and both
candidates are clean; two shells setting at once keep every change; a
shell killed mid-edit leaves its change and drops out of the list;
`configure private` and `configure exclusive` under Junos's rules.

usage: shared_tty.py SFW   ($SFW_CONF_DIR holds a committed configuration:
zones trust and untrust, policy allow)"""
import os
import pwd
import re
import signal
import socket
import subprocess
import sys

import pexpect

# a terminal of a known kind, whatever runs the test: the caller's TERM
# (dumb under CI and fresh-check, unset under cron) turns libedit's line
# editing, and with it tab and ?, off
TTY_ENV = dict(os.environ, TERM="xterm")
SFW = sys.argv[1]
USER_HOST = "%s@%s" % (pwd.getpwuid(os.getuid()).pw_name, socket.gethostname().split(".")[0])
OPER, CONF = USER_HOST + "> ", USER_HOST + "# "
POL = "security policies from-zone trust to-zone untrust policy allow "
CHANGED = "The configuration has been changed but not committed"
SETS = 60
EDITING = "Users currently editing the configuration:"


def fail(what, shell=None):
    print("FAIL: %s" % what, file=sys.stderr)
    if shell is not None:
        print("--- the terminal showed (last 2000 characters):\n%s" %
              (shell.before or "")[-2000:], file=sys.stderr)
    sys.exit(1)


def clean(text):
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
    return re.sub(r"\r *\r", "", text).replace("\r", "")


def run(shell, line, prompt=CONF):
    shell.send(line + "\r")
    try:
        shell.expect_exact(prompt)
    except pexpect.ExceptionPexpect:
        fail("%s: no %r" % (line, prompt), shell)
    return clean(shell.before)


def stored():
    return subprocess.run([SFW, "show", "configuration", "| display set"], capture_output=True,
                          text=True, check=True).stdout


def start():
    shell = pexpect.spawn(SFW, ["cli"], encoding="utf-8", dimensions=(200, 150), timeout=20,
                          env=TTY_ENV)
    try:
        shell.expect_exact(OPER)
    except pexpect.ExceptionPexpect:
        fail("no first prompt", shell)
    return shell


def compare(shell):
    """What `show | compare` prints, without the echo and the banner."""
    out = run(shell, "show | compare")
    return out.replace("show | compare\n", "", 1).replace("\n[edit]", "").strip()


def shared_commit():
    a, b = start(), start()
    run(a, "configure")
    run(a, "set " + POL + "then count")
    out = run(b, "configure")
    if EDITING not in out or "(pid %d)" % a.pid not in out or CHANGED not in out:
        fail("B's configure: who edits, and the change: %s" % out, b)
    if "+    count;" not in compare(b):
        fail("B does not see A's set in show | compare", b)
    out = run(b, "commit")
    if "commit complete" not in out or "then count" not in stored():
        fail("B's commit: %s" % out, b)
    if compare(a) or compare(b):
        fail("a candidate is not clean after B's commit: %r %r" % (compare(a), compare(b)), a)
    # B deletes: A sees it at once (each set is visible at its Enter)
    run(b, "delete " + POL + "then count")
    if "-    count;" not in compare(a):
        fail("A does not see B's delete", a)
    run(a, "commit and-quit", OPER)
    run(b, "exit", OPER)
    a.close(force=True)
    b.close(force=True)


def concurrent_sets():
    """Two shells set at once: the store's lock keeps both changes."""
    shells = [subprocess.Popen([SFW, "cli"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
    for sh in shells:      # both in configuration mode before either sets
        sh.stdin.write("configure\n")
        sh.stdin.flush()
        while "Entering configuration mode" not in sh.stdout.readline():
            pass
    for k, sh in enumerate(shells):
        sh.stdin.write("".join("set security zones security-zone trust interfaces c%d%d\n" %
                               (k, j) for j in range(SETS)) + "exit\nyes\n")
        sh.stdin.flush()
    for sh in shells:
        sh.stdin.close()
        sh.stdout.read()
        sh.wait(timeout=120)
    a = start()
    run(a, "configure")
    out = run(a, "show security zones security-zone trust interfaces | display set")
    got = len(re.findall(r" interfaces c[01]\d+$", out, re.M))
    if got != 2 * SETS:
        fail("two shells setting at once: %d of %d sets kept:\n%s" % (got, 2 * SETS, out), a)
    run(a, "rollback 0")
    run(a, "exit", OPER)
    a.close(force=True)


def killed_shell():
    a = start()
    run(a, "configure")
    run(a, "set " + POL + "then log session-init")
    pid = a.pid
    a.kill(signal.SIGKILL)
    a.close(force=True)
    b = start()
    out = run(b, "configure")
    if CHANGED not in out or "(pid %d)" % pid in out:
        fail("after a shell was killed: its change stays, it leaves the list: %s" % out, b)
    run(b, "rollback 0")
    run(b, "exit", OPER)
    b.close(force=True)


def private_rules():
    a, p = start(), start()
    run(a, "configure")
    run(a, "set " + POL + "then count")
    # Junos: no configure private while the shared candidate has changes
    out = run(p, "configure private", OPER)
    if "error: shared configuration database modified" not in out:
        fail("configure private over a modified shared candidate: %s" % out, p)
    run(a, "rollback 0")
    out = run(p, "configure private")
    if "warning: uncommitted changes will be discarded on exit" not in out:
        fail("configure private: %s" % out, p)
    run(p, "set " + POL + "then log session-close")
    if "session-close" in compare(a):
        fail("the private copy's set reached the shared candidate", a)
    # its commit waits for the shared candidate to have no changes
    run(a, "set " + POL + "then count")
    out = run(p, "commit")
    if "shared configuration database modified" not in out or "session-close" in stored():
        fail("a private commit over a modified shared candidate: %s" % out, p)
    run(a, "rollback 0")
    out = run(p, "commit")
    if "commit complete" not in out or "session-close" not in stored():
        fail("the private commit: %s" % out, p)
    if compare(a):
        fail("the shared candidate did not follow the private commit: %r" % compare(a), a)
    run(p, "delete " + POL + "then log")
    run(p, "exit", "Exit with uncommitted changes? [yes,no] (yes) ")
    run(p, "yes", OPER)
    if compare(a):
        fail("the private copy's uncommitted delete reached the shared candidate", a)
    run(a, "exit", OPER)
    a.close(force=True)
    p.close(force=True)


def exclusive_rules():
    a, x = start(), start()
    run(a, "configure")
    run(a, "set " + POL + "then count")
    out = run(x, "configure exclusive", OPER)
    if "error: configuration database modified" not in out:
        fail("configure exclusive over a modified shared candidate: %s" % out, x)
    run(a, "rollback 0")
    run(x, "configure exclusive")
    out = run(a, "set " + POL + "then count")
    if "configuration database locked by" not in out or "count" in compare(a):
        fail("a set while another holds configure exclusive: %s" % out, a)
    run(x, "set " + POL + "then log session-init")
    if "+" not in compare(a):
        fail("the exclusive session's set is not in the shared candidate", a)
    # its uncommitted changes go with it
    run(x, "exit", "Exit with uncommitted changes? [yes,no] (yes) ")
    run(x, "yes", OPER)
    if compare(a):
        fail("configure exclusive's changes stayed after its exit: %r" % compare(a), a)
    run(a, "exit", OPER)
    a.close(force=True)
    x.close(force=True)


def main():
    shared_commit()
    concurrent_sets()
    killed_shell()
    private_rules()
    exclusive_rules()


main()

#!/usr/bin/python3
"""Configuration mode through a pseudo-terminal, as a Junos operator uses
it: configure, ? and tab (the mode's words, the language's), set (and a bad set refused with the caret), show | compare
in Junos's layout, commit, rollback N into the candidate, an operational
command without `run` refused and with `run` run, exit's question about
uncommitted changes, and commit confirmed rolled back by its timer after
the shell was killed (SIGKILL).

usage: cfgmode_tty.py SFW   ($SFW_CONF_DIR holds a committed configuration:
zones trust and untrust, policy allow; SFW_TEST_MINUTE_SECONDS is set so a
minute of commit confirmed lasts seconds)"""
import os
import pwd
import re
import signal
import socket
import subprocess
import sys
import time

import pexpect

# a terminal of a known kind, whatever runs the test: the caller's TERM
# (dumb under CI and fresh-check, unset under cron) turns libedit's line
# editing, and with it tab and ?, off
TTY_ENV = dict(os.environ, TERM="xterm")
SFW = sys.argv[1]
USER_HOST = "%s@%s" % (pwd.getpwuid(os.getuid()).pw_name, socket.gethostname().split(".")[0])
OPER, CONF = USER_HOST + "> ", USER_HOST + "# "
POL = "security policies from-zone trust to-zone untrust policy "


def fail(what, shell=None):
    print("FAIL: %s" % what, file=sys.stderr)
    if shell is not None:
        print("--- the terminal showed (last 2000 characters):\n%s" %
              (shell.before or "")[-2000:], file=sys.stderr)
    sys.exit(1)


def clean(text):
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
    return re.sub(r"\r *\r", "", text).replace("\r", "")


def expect(shell, text, what):
    try:
        shell.expect_exact(text)
    except pexpect.ExceptionPexpect:
        fail("%s: no %r" % (what, text), shell)
    return clean(shell.before)


def run(shell, line, prompt=CONF):
    shell.send(line + "\r")
    return expect(shell, prompt, line)


def stored():
    return subprocess.run([SFW, "show", "configuration", "| display set"], capture_output=True,
                          text=True, check=True).stdout


def start():
    shell = pexpect.spawn(SFW, ["cli"], encoding="utf-8", dimensions=(200, 150),
                          timeout=20, env=TTY_ENV)
    expect(shell, OPER, "the first prompt")
    out = run(shell, "configure")
    if "Entering configuration mode\n\n[edit]\n" not in out:
        fail("configure: no banner", shell)
    return shell


COMPARE = """[edit security policies from-zone trust to-zone untrust]
+    policy web {
+        match {
+            source-address any;
+            destination-address any;
+            application junos-https;
+        }
+        then {
+            permit;
+        }
+    }
[edit security policies from-zone trust to-zone untrust policy allow match]
-    application junos-http;
+    application [ junos-http junos-ssh ];
"""


def completion(shell):
    """? and tab offer configuration mode's words, then the language's."""
    shell.send("?")
    out = expect(shell, CONF, "? in configuration mode")
    for row in (r"  commit +Commit current set of changes", r"  set +Set a parameter",
                r"  run +Run an operational-mode command"):
        if not re.search("^" + row + "$", out, re.M):
            fail("'?' did not list %r: %s" % (row, out), shell)
    if re.search(r"^  clear ", out, re.M):
        fail("'?' in configuration mode listed operational words", shell)
    shell.send("set security ?")
    out = expect(shell, CONF, "set security ?")
    rows = re.findall(r"^  (\S+)$", out, re.M)
    if rows != ["address-book", "flow", "forwarding-options", "log", "nat", "policies",
                "screen", "zones"]:
        fail("set security ?: %s" % rows, shell)
    shell.send("\x15")
    # tab completes; the line then lacks only the zone, and says so
    shell.send("set sec\tpol\tfrom-zone trust to\t\r")
    expect(shell, "missing word after 'set security policies from-zone trust to-zone': "
           "expected a zone name", "tab in configuration mode")
    expect(shell, CONF, "tab in configuration mode")
    shell.send("run show ver\t\r")
    expect(shell, "Hostname:", "tab after run")
    expect(shell, CONF, "tab after run")


def edit_and_commit(shell):
    for line in ("set " + POL + "web match source-address any destination-address any",
                 "set " + POL + "web match application junos-https",
                 "set " + POL + "web then permit",
                 "set " + POL + "allow match application junos-ssh"):
        out = run(shell, line)
        if out.strip() != line + "\n\n[edit]".strip() and "error" in out:
            fail("%s: %s" % (line, out), shell)
    # a bad statement: the caret under the word, the candidate unchanged
    shell.send("set security policies frm-zone trust\r")
    expect(shell, "\r\n%s^\r\nunknown word 'frm-zone'" %
           (" " * (len(CONF) + len("set security policies "))), "a bad set")
    expect(shell, CONF, "a bad set")
    out = run(shell, "show | compare")
    if COMPARE not in out or "frm-zone" in out:
        fail("show | compare:\n%s" % out, shell)
    out = run(shell, "show " + POL + "web then")
    if "permit;\n" not in out:
        fail("show of a path: %s" % out, shell)
    out = run(shell, "show | display set | match web | count")
    if "Count: 4 lines" not in out:
        fail("show | display set | count: %s" % out, shell)
    out = run(shell, "commit check")
    if "configuration check succeeds" not in out:
        fail("commit check: %s" % out, shell)
    if "policy web" in stored():
        fail("commit check stored the candidate")
    out = run(shell, "commit")
    if "commit complete" not in out:
        fail("commit: %s" % out, shell)
    if "policy web then permit" not in stored():
        fail("commit did not store the candidate:\n" + stored())
    out = run(shell, "show | compare")
    if "[edit" in out.replace("[edit]", ""):
        fail("show | compare after commit is not empty: %s" % out, shell)


def rollback_and_run(shell):
    out = run(shell, "rollback 1")
    if "load complete" not in out:
        fail("rollback 1: %s" % out, shell)
    if "policy web then permit" not in stored():
        fail("rollback changed the stored configuration before a commit")
    out = run(shell, "show | compare")
    if "[edit security policies from-zone trust to-zone untrust]\n-    policy web {" not in out:
        fail("show | compare after rollback 1: %s" % out, shell)
    # operational commands need `run`, as on Junos
    shell.send("clear security flow session\r")
    expect(shell, "\r\n%s^\r\nunknown command." % (" " * len(CONF)), "clear without run")
    expect(shell, CONF, "clear without run")
    out = run(shell, "run show configuration | display set | match web | count")
    if "Count: 4 lines" not in out:
        fail("run show configuration: %s" % out, shell)
    out = run(shell, "commit")
    if "policy web" in stored():
        fail("commit after rollback 1 kept policy web")


def exit_question(shell):
    run(shell, "set " + POL + "allow then count")
    shell.send("exit\r")
    expect(shell, "The configuration has been changed but not committed", "exit")
    expect(shell, "Exit with uncommitted changes? [yes,no] (yes) ", "exit")
    shell.send("no\r")
    expect(shell, CONF, "exit, answered no")
    shell.send("exit configuration-mode\r")
    expect(shell, "Exit with uncommitted changes? [yes,no] (yes) ", "exit configuration-mode")
    shell.send("\r")
    expect(shell, "Exiting configuration mode", "exit, answered yes")
    expect(shell, OPER, "exit, answered yes")
    # nothing was stored; the shared candidate keeps the change, as on
    # Junos, for the next `configure` (rollback 0 discards it)
    if "then count" in stored():
        fail("exit stored the candidate")
    out = run(shell, "configure")
    if "The configuration has been changed but not committed" not in out:
        fail("configure after exit: the shared candidate lost its change: %s" % out, shell)
    run(shell, "rollback 0")
    if run(shell, "show | compare").strip() != "show | compare\n\n[edit]":
        fail("rollback 0 did not discard the shared change", shell)
    run(shell, "exit", OPER)


def confirmed_then_killed():
    before = stored()
    shell = start()
    run(shell, "delete " + POL + "allow then permit")
    run(shell, "set " + POL + "allow then deny")
    out = run(shell, "commit confirmed 1")
    # Junos's two lines, in Junos's order
    if "commit confirmed will be automatically rolled back in 1 minutes unless confirmed\n" \
            "commit complete\n" not in out:
        fail("commit confirmed: %s" % out, shell)
    if "allow then deny" not in stored():
        fail("commit confirmed did not commit")
    shell.kill(signal.SIGKILL)
    shell.close(force=True)
    minute = int(os.environ["SFW_TEST_MINUTE_SECONDS"])
    deadline = time.monotonic() + minute + 20
    while time.monotonic() < deadline and stored() != before:
        time.sleep(0.5)
    if stored() != before:
        fail("commit confirmed was not rolled back with the shell killed:\n" + stored())


def confirmed_then_confirmed():
    shell = start()
    run(shell, "set " + POL + "allow then log session-init")
    run(shell, "commit confirmed 1")
    # the confirming commit changes something too: rolling back to the
    # configuration before it would lose session-close
    run(shell, "set " + POL + "allow then log session-close")
    out = run(shell, "commit")
    if "commit complete" not in out:
        fail("the confirming commit: %s" % out, shell)
    run(shell, "exit", OPER)
    time.sleep(int(os.environ["SFW_TEST_MINUTE_SECONDS"]) + 3)
    if "then log session-close" not in stored():
        fail("a confirmed commit was rolled back anyway")
    shell.close(force=True)


def main():
    shell = start()
    completion(shell)
    edit_and_commit(shell)
    rollback_and_run(shell)
    exit_question(shell)
    shell.close(force=True)
    confirmed_then_killed()
    confirmed_then_confirmed()


main()

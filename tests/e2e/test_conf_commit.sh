#!/usr/bin/env bash
# A commit is never more permissive than the stored file (docs/security.md
# "A configuration that cannot be applied fails closed"): the red team's
# attacks on `sfw commit`, each with strace's fault injection at a named
# system call of the commit, over a stored deny-all that refuses SSH:
#   A  SIGKILL at the candidate's fsync: nothing was applied yet;
#   B  SIGKILL at the rename that makes it the active file: the datapath
#      runs it while the file does not; status says so, attach repairs it;
#   C  SIGTERM, SIGHUP or SIGINT during the commit: it completes first;
#   D  a disk whose fsync takes 3 s and fails: no connection opens;
#   E  a failed store while failing closed, whose restore fails too: the
#      datapath keeps failing closed, never the candidate;
#   F  a failed store 3 s after the apply: the connection opened in those
#      3 s is cleared with it.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

ACTIVE=$SFW_CONF_DIR/sfw.conf
DENY='set security policies default-policy deny-all'
OPEN=$DROPS_TMP/open.conf
printf 'set security policies default-policy permit-all\n' >"$OPEN"
drops_up
tcp_server 22
for _ in $(seq 50); do srv ss -Hlnt 'sport = :22' | grep -q . && break; sleep 0.1; done

connects() {   # 0 when a TCP connection to the server's SSH port opens
	cli /usr/bin/python3 -c 'import socket, sys
try:
    socket.create_connection(("203.0.113.2", 22), timeout=2).close()
except OSError:
    sys.exit(4)'
}
status() { sfw show security flow status; }
stored() { grep -o 'default-policy [a-z-]*' "$ACTIVE"; }
in_force() { status | sed -n 's/^    Default policy: //p'; }
# sfw commit FILE under strace, faults injected as the arguments say
commit_traced() {   # file strace-options...
	local f=$1
	shift
	# options, not a command: passed on as "$@", check-deps would read one
	local opts=("$@")
	# C's signals end the commit only at their default action: a run
	# started under nohup (or a shell ignoring INT) would hand them down ignored
	fw env --default-signal=HUP,INT,TERM strace -f -o"$DROPS_TMP/strace" "${opts[@]}" "$SFW" commit "$f" >/dev/null \
		2>"$DROPS_TMP/commit.err"
}
# the stored deny-all in force, and nothing saying otherwise
deny_holds() {   # what
	expect_eq "$(stored)" "default-policy deny-all" "$1: the stored file"
	expect_eq "$(in_force)" "deny-all" "$1: the default policy in force"
	status | grep -q 'Configuration' && fail "$1: $(status)"
	connects && fail "$1: SSH connects through a stored deny-all"
	return 0
}
# A commit's renames, after the datapath took the candidate: the candidate
# onto the active file first, then the history (rollback 49 to .oldest,
# 48 to 49, ..., the previous file to 1).
RENAMES='-etrace=rename,renameat,renameat2'
ONTO_ACTIVE=1

commit_lines "$DENY"
deny_holds "deny-all committed"

# ---- A: killed at the candidate's fsync, before the datapath took it --------
commit_traced "$OPEN" -etrace=fsync -einject=fsync:signal=SIGKILL:when=1
expect_eq "$?" 137 "A: the commit's exit"
deny_holds "A: killed at the fsync"

# ---- B: killed at the rename, after the datapath took it ---------------------
commit_traced "$OPEN" "$RENAMES" \
	-einject=rename,renameat,renameat2:error=EIO:signal=SIGKILL:when=$ONTO_ACTIVE
expect_eq "$?" 137 "B: the commit's exit"
expect_eq "$(stored)" "default-policy deny-all" "B: the stored file"
status | grep -qx '    Configuration: not the stored file (a commit was cut short, or the file changed since): sfw reload applies it' ||
	fail "B: status does not say the datapath runs another text: $(status)"
[ "$(sfw show security flow status --json | jq '.["flow-configuration"]["configuration-differs"]')" = true ] ||
	fail "B: status JSON: $(sfw show security flow status --json)"
out=$(sfw attach veth0 2>&1) || fail "B: attach: $out"
deny_holds "B: attach after the kill"

# ---- C: the signals that end a session wait for the commit ------------------
want=permit-all
for sig in TERM HUP INT; do
	printf 'set security policies default-policy %s\n' "$want" >"$DROPS_TMP/c.conf"
	commit_traced "$DROPS_TMP/c.conf" "$RENAMES" \
		-einject=rename,renameat,renameat2:signal=SIG$sig:when=1
	rc=$?
	[ "$rc" -gt 128 ] || fail "C: SIG$sig did not end the commit (exit $rc)"
	expect_eq "$(stored)" "default-policy $want" "C: SIG$sig: the stored file"
	expect_eq "$(in_force)" "$want" "C: SIG$sig: the default policy in force"
	status | grep -q 'Configuration' && fail "C: SIG$sig: $(status)"
	want=$([ "$want" = permit-all ] && echo deny-all || echo permit-all)
done
commit_lines "$DENY"
deny_holds "C: deny-all again"

# ---- D: a dying disk: fsync takes 3 s, then fails ----------------------------
commit_traced "$OPEN" -etrace=fsync -einject=fsync:error=EIO:delay_enter=3000000:when=1 &
pid=$!
opened=0
while kill -0 "$pid" 2>/dev/null; do
	connects && opened=$((opened + 1))
	sleep 0.2
done
wait "$pid"
expect_eq "$?" 1 "D: the commit's exit"
grep -q '^sfw: commit failed: cannot write .*Input/output error' "$DROPS_TMP/commit.err" ||
	fail "D: $(cat "$DROPS_TMP/commit.err")"
expect_eq "$opened" 0 "D: connections opened while the commit waited on its disk"
deny_holds "D: after the failed commit"

# ---- F: the store fails 3 s after the apply: what opened meanwhile goes ------
bg_in_ns "$SRV_NS" sh -c "nc -lk 2222 >'$DROPS_TMP/received'"
for _ in $(seq 50); do srv ss -Hlnt 'sport = :2222' | grep -q . && break; sleep 0.1; done
commit_traced "$OPEN" "$RENAMES" \
	-einject=rename,renameat,renameat2:error=EIO:delay_enter=3000000:when=1 &
pid=$!
bg_in_ns "$CLI_NS" /usr/bin/python3 -c '
import os, socket, sys, time
while True:
    try:
        s = socket.create_connection(("203.0.113.2", 2222), timeout=0.3)
        break
    except OSError:
        time.sleep(0.1)
s.sendall(b"opened-in-window\n")
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
for i in range(10):
    s.sendall(b"after-the-failure\n")
    time.sleep(0.2)' "$DROPS_TMP/go"
wait "$pid"
expect_eq "$?" 1 "F: the commit's exit"
grep -q '^sfw: 1 sessions the failed commit opened were cleared$' "$DROPS_TMP/commit.err" ||
	fail "F: $(cat "$DROPS_TMP/commit.err")"
grep -q opened-in-window "$DROPS_TMP/received" || fail "F: no connection opened in the window"
touch "$DROPS_TMP/go"
sleep 2.5
grep -q after-the-failure "$DROPS_TMP/received" &&
	fail "F: a connection the failed commit opened outlived it"
deny_holds "F: after the failed commit"

# ---- E: failing closed, a failed store, and a restore that fails too ---------
sfw detach all >/dev/null || fail "E: detach all"
printf 'set security flow session max-sessions 100000\n%s\n' "$DENY" >"$ACTIVE"
sfw attach veth0 veth1 max-sessions 4096 >/dev/null 2>&1 && fail "E: attach applied a file too big"
commit_traced "$OPEN" "$RENAMES" -einject=rename,renameat,renameat2:error=EIO:when=1
expect_eq "$?" 1 "E: the commit's exit"
grep -q '^sfw: every new session is refused until a commit succeeds$' "$DROPS_TMP/commit.err" ||
	fail "E: $(cat "$DROPS_TMP/commit.err")"
status | grep -qx '    Configuration: failed to apply, every new session is refused until a commit succeeds' ||
	fail "E: not failing closed: $(status)"
expect_eq "$(in_force)" "deny-all" "E: the default policy in force"
connects && fail "E: SSH connects: the failed commit lifted failing closed"
echo "PASS"

#!/usr/bin/env bash
# Review rtuser F1: a commit decided "sfw is not attached" from any failure
# to open the session table's pin. With that pin removed (or replaced by a
# map of another layout) while the XDP programs ran on, `sfw commit` stored
# a deny-all file, said "commit complete" and exited 0, and the datapath
# kept the older policy that let port 80 through. Now such a commit is
# refused with one line, exit 1, and nothing is stored; the datapath keeps
# running what the stored file says.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=cups$$}"
source tests/e2e/lib.sh
trap topology_down EXIT
topology_up
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"; topology_down' EXIT

connects() {   # port: a TCP connection from the client to the server
	cli /usr/bin/python3 -c 'import socket, sys
try:
    socket.create_connection(("203.0.113.2", int(sys.argv[1])), timeout=2).close()
except OSError:
    sys.exit(4)' "$1"
}
cat >"$TMPD/http.conf" <<'CONF'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies from-zone trust to-zone untrust policy web match source-address any
set security policies from-zone trust to-zone untrust policy web match destination-address any
set security policies from-zone trust to-zone untrust policy web match application junos-http
set security policies from-zone trust to-zone untrust policy web then permit
set security policies default-policy deny-all
CONF
grep -v "policy web" "$TMPD/http.conf" >"$TMPD/deny.conf"

tcp_server 80
sfw commit "$TMPD/http.conf" >/dev/null 2>&1 || fail "commit the http policy"
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
connects 80 || fail "port 80 refused under the http policy"
stored=$(sfw show configuration)

# refused, one line, exit 1; the stored file and the datapath unchanged
expect_commit_refused() {   # want-message what
	local err rc
	err=$(sfw commit "$TMPD/deny.conf" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 1 ] || fail "$2: commit exit $rc ($err)"
	expect_eq "$err" "$1" "$2: the refusal"
	expect_eq "$(sfw show configuration)" "$stored" "$2: the stored file"
	connects 80 || fail "$2: port 80 refused: the datapath changed"
}

rm "$SFW_PIN_ROOT/sfw_sessions" || fail "cannot remove the session table's pin"
expect_commit_refused "sfw: sfw is attached ($SFW_PIN_ROOT/links) but its session table is not pinned, so no configuration can reach its programs; nothing committed: run \`sfw detach all\`, then attach again" \
	"session table unpinned"
echo "ok a commit with the session table unpinned beside running programs is refused"

bpftool map create "$SFW_PIN_ROOT/sfw_sessions" type hash key 4 value 4 entries 16 \
	name sfw_sessions || fail "cannot pin a map of another layout"
err=$(sfw commit "$TMPD/deny.conf" 2>&1 >/dev/null)
expect_eq "$?" 1 "another layout: the commit's exit"
[[ $err == "sfw: the pinned map $SFW_PIN_ROOT/sfw_sessions has another layout"*"; nothing committed" ]] ||
	fail "another layout: the refusal: $err"
expect_eq "$(wc -l <<<"$err")" 1 "another layout: one line"
connects 80 || fail "another layout: port 80 refused: the datapath changed"
echo "ok a commit with a session table of another layout is refused"

rm "$SFW_PIN_ROOT/sfw_sessions"
sfw detach all >/dev/null || fail "detach all"
out=$(sfw commit "$TMPD/deny.conf" 2>&1) || fail "commit with nothing attached: $out"
[[ $out == *"sfw is not attached; the configuration applies at the next attach"* ]] ||
	fail "nothing attached: $out"
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach again"
connects 80 && fail "port 80 open after attaching under the stored deny-all"
echo "ok with nothing attached a commit is stored and applies at the next attach"
echo "PASS: test_commit_unpinned_sessions"

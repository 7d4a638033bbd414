#!/usr/bin/env bash
# Review rtuser F4: a policy's index was its place in the configuration. A
# commit that put a deny policy p0 before the permit policy p1 gave p0
# p1's index: p0 showed p1's hit count, p1's live HTTP session was shown
# (and would be logged) as p0's, and `clear security flow session policy
# p0` cleared it. Now the index is the policy's identity (conf/policy_ids.c):
# across that commit p1 keeps its index, its count and its session, and
# clearing p0's sessions clears none of p1's.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=pik$$}"
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"; topology_down' EXIT
topology_up

connect() {   # port: one TCP connection from the client, closed at once
	cli /usr/bin/python3 -c 'import socket, sys
socket.create_connection(("203.0.113.2", int(sys.argv[1])), timeout=2).close()' "$1"
}
policy() {   # name action application
	echo "set security policies from-zone trust to-zone untrust policy $1 match source-address any destination-address any application $3"
	echo "set security policies from-zone trust to-zone untrust policy $1 then $2"
}
hits() {   # name: its row's count in show security policies hit-count
	sfw show security policies hit-count | awk -v p="$1" '$4 == p { print $5 }'
}
zones="set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1"
{ echo "$zones"; policy p1 permit junos-http; echo "set security policies default-policy deny-all"; } \
	>"$TMPD/one.conf"
{ echo "$zones"; policy p0 deny junos-ssh; policy p1 permit junos-http
  echo "set security policies default-policy deny-all"; } >"$TMPD/two.conf"

tcp_server 80
sfw commit "$TMPD/one.conf" >/dev/null 2>&1 || fail "commit p1"
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
for _ in 1 2 3; do connect 80 || fail "HTTP refused under p1"; done
bg_in_ns "$CLI_NS" /usr/bin/python3 -c 'import socket, time
s = socket.create_connection(("203.0.113.2", 80), timeout=2)
time.sleep(30)'
# the live one: the session of p1 with an established connection's timeout
live() { sfw show security flow session destination-port 80 |
	awk -F'[ ,]+' '/^Session ID/ && $8 > 100 { print $3, $6 }'; }
has_live() { [ -n "$(live)" ]; }
wait_for 50 "the live HTTP session" has_live
before=$(live)
[[ $before == [0-9]*" p1/"[0-9]* ]] || fail "the live session: '$before': $(sfw show security flow session)"
expect_eq "$(hits p1)" 4 "p1's hits before"

sfw commit "$TMPD/two.conf" >/dev/null 2>&1 || fail "commit p0 before p1"
expect_eq "$(hits p1)" 4 "p1's hits after p0 was put before it"
expect_eq "$(hits p0)" 0 "p0's hits: none of p1's"
expect_eq "$(live)" "$before" "the live session, by p1, after the commit"
out=$(sfw clear security flow session policy p0) || fail "clear policy p0: $out"
[[ $out == *"0 active sessions cleared"* ]] || fail "clear policy p0 cleared p1's sessions: $out"
expect_eq "$(live)" "$before" "the live session after clearing p0's"
echo "PASS: test_policy_index_kept"

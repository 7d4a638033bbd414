#!/usr/bin/env bash
# A commit that moves an interface to another zone ends the sessions with
# a wing on it (docs/security.md "Sessions are bound to their zones",
# review Z2), through `sfw commit` as configure mode and rollback do: a
# UDP session trust(veth0) -> untrust(veth1) outlives a commit that only
# renumbers the zones (dmz declared first: trust's id changes, not its
# name), and ends with the commit that moves veth0 into untrust; the
# client's next datagram is then a first packet from untrust to untrust,
# which no policy permits. Rolling back does not revive it.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
send() { cli /usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", 41200))
s.sendto(b"x", ("203.0.113.2", 5354))' || fail "send"; }
sessions() { sfw show security flow session source-port 41200 | grep -c '^Session ID'; }

APP='set applications application long-udp protocol udp destination-port 5354 inactivity-timeout 600'
POL='set security policies from-zone trust to-zone untrust policy p match source-address any destination-address any application long-udp'
PERMIT='set security policies from-zone trust to-zone untrust policy p then permit'

commit_lines 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone untrust interfaces veth1' "$APP" "$POL" "$PERMIT"
send
expect_eq "$(sessions)" 1 "the session trust -> untrust"
commit_lines 'set security zones security-zone dmz' \
	'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone untrust interfaces veth1' "$APP" "$POL" "$PERMIT"
expect_eq "$(sessions)" 1 "a commit renumbering the zones ended the session"
commit_lines 'set security zones security-zone trust' \
	'set security zones security-zone untrust interfaces veth0' \
	'set security zones security-zone untrust interfaces veth1' "$APP" "$POL" "$PERMIT"
expect_eq "$(sessions)" 0 "the session outlived veth0's move to untrust"
clear_counters
send
expect_eq "$(sessions)" 0 "untrust -> untrust opened a session"
expect_drops veth0 policy-denied 'Policy denied' 1
sfw rollback 1 >/dev/null || fail "rollback"
expect_eq "$(sessions)" 0 "the rollback revived the session"
echo "ok zones: a commit moving an interface ends its sessions"

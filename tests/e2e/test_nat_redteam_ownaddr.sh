#!/usr/bin/env bash
# NAT's third review, R1 (docs/nat.md "Third review"): an inside host sends
# one datagram from the firewall's own address toward the server, from its
# LAN address 198.51.100.1 (which the source NAT rule matches: a NAT
# session and an alias, 203.0.113.1:20950) and from its WAN address
# 203.0.113.1 (a plain transit session). The server answers each to where
# it came from, and the answers reached the firewall's own UDP service on
# those ports, past untrust -> junos-host (deny-all here). Expected: both
# refused on the client side under Address spoofing (no ip-spoofing screen
# is configured), no session, and the firewall's service gets nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

drops_up
commit_nat "${NAT_ALL[@]}"
got=$(mktemp)
sent=$(mktemp -u)   # made once the server's answers are sent
# the listener keeps listening until 3 s after the answers were sent (at
# most 120 s), however long the sends before them take under load: a
# listener gone before the answers arrive would see nothing whatever the
# datapath did (docs/nat.md "Fourth review", N8)
fw /usr/bin/python3 -c '
import os, select, socket, sys, time
socks = []
for port in (20950, 20951):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    socks.append(s)
print("listening", flush=True)
start, done = time.monotonic(), None
while time.monotonic() - start < 120:
    if done is None and os.path.exists(sys.argv[1]):
        done = time.monotonic()
    if done is not None and time.monotonic() - done > 3:
        break
    r, _, _ = select.select(socks, [], [], 0.2)
    for s in r:
        d, a = s.recvfrom(64)
        print("firewall got", d.decode(), "from", a[0], flush=True)
' "$sent" >"$got" 2>&1 </dev/null &
listener=$!
BG_PIDS+=($listener)
for _ in $(seq 100); do grep -q listening "$got" && break; sleep 0.1; done
grep -q listening "$got" || fail "the firewall's listener did not start"
# ports below the host's ephemeral range: NAT keeps the client's own
cli /usr/bin/python3 "$E2E/drops.py" udp 198.51.100.1 203.0.113.2 5353 20950 || fail "send (LAN)"
cli /usr/bin/python3 "$E2E/drops.py" udp 203.0.113.1 203.0.113.2 5353 20951 || fail "send (WAN)"
# the stack drops the spoofed packet itself (a martian source); the
# server is the attacker's too and answers the sessions it knows of
srv /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5353))
for port in (20950, 20951):
    s.sendto(b"for-%d" % port, ("203.0.113.1", port))
' || fail "the server's answers"
touch "$sent"
wait "$listener" 2>/dev/null || true
rm -f "$sent"
cat "$got"
bad=$(grep -c "firewall got" "$got")
rm -f "$got"
expect_eq "$(drop_count veth0 address-spoofing 'Address spoofing:')" 2 \
	"the firewall's own addresses as sources, no screen configured"
expect_eq "$(sfw show security flow session protocol udp --json |
	jq '.["flow-session-information"]["displayed-session-count"]')" 0 "no session for them"
[ "$bad" = 0 ] || fail "the server's answer reached the firewall's own service"
echo "PASS"

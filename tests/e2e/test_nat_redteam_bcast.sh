#!/usr/bin/env bash
# NAT's fourth review, N1 (notes/review-nat4.md): R1 (a) refuses a transit
# first packet from a source the FIB answers NOT_FWDED for, but the limited
# broadcast 255.255.255.255 and multicast addresses are not in the FIB: with
# the firewall's default route the lookup answers SUCCESS. An inside host
# sends one datagram from 255.255.255.255 and one from 224.0.0.1 (the
# all-hosts group every interface joins) toward the server, under a source
# NAT rule for any source: NAT sessions and aliases 203.0.113.1:20960 and
# :20961. The server (the attacker's too) answers to 203.0.113.1; sfw
# translates the answers to 255.255.255.255 and 224.0.0.1 and passes them
# up (the first-reply lookup answers SUCCESS by the default route); the
# stack delivers them, as a broadcast and a multicast, to the firewall's own
# UDP socket on 0.0.0.0, past untrust -> junos-host (deny-all here).
# Expected: both refused on the client side under Address spoofing, no
# session, and the firewall's service gets nothing. FAILS on r13.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

drops_up
# what every firewall has: a default route out of its WAN
fw ip route add default via 203.0.113.2 || fail "default route"
commit_nat \
	"set security nat source rule-set inside-out rule all match source-address 0.0.0.0/0" \
	"set security nat source rule-set inside-out rule all then source-nat interface"
got=$(mktemp)
fw /usr/bin/python3 -c '
import select, socket
socks = []
for port in (20960, 20961):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    socks.append(s)
while True:
    r, _, _ = select.select(socks, [], [], 12)
    if not r:
        break
    for s in r:
        d, a = s.recvfrom(64)
        print("firewall got", d.decode(), "on", s.getsockname()[1], "from", a[0], flush=True)
' >"$got" 2>&1 </dev/null &
BG_PIDS+=($!)
sleep 0.5
# ports below the host's ephemeral range: NAT keeps the client's own
cli /usr/bin/python3 "$E2E/drops.py" udp 255.255.255.255 203.0.113.2 5353 20960 ||
	fail "send (broadcast source)"
cli /usr/bin/python3 "$E2E/drops.py" udp 224.0.0.1 203.0.113.2 5353 20961 ||
	fail "send (multicast source)"
sfw show security flow session protocol udp
# the server's answers to the firewall's WAN address, as the Internet can
# route them (scapy: a full UDP checksum, as a NIC delivers it)
for port in 20960 20961; do
	srv /usr/bin/python3 "$E2E/drops.py" udp 203.0.113.2 203.0.113.1 "$port" 5353 ||
		fail "the server's answer to $port"
done
sleep 5
wait 2>/dev/null || true
cat "$got"
bad=$(grep -c "firewall got" "$got")
rm -f "$got"
[ "$bad" = 0 ] || fail "the Internet's answer reached the firewall's own service ($bad datagrams)"
expect_eq "$(drop_count veth0 address-spoofing 'Address spoofing:')" 2 \
	"broadcast and multicast sources, no screen configured"
expect_eq "$(sfw show security flow session protocol udp --json |
	jq '.["flow-session-information"]["displayed-session-count"]')" 0 "no session for them"
echo "PASS"

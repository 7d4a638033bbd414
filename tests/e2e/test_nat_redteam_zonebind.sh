#!/usr/bin/env bash
# NAT's fourth review, N6 (notes/review-nat4.md): R1's goal (the Internet
# must not reach the firewall's own services past untrust -> junos-host)
# without NAT and without the firewall's own address as a source. Sessions
# are not bound to the zone they were opened from. The firewall's DNS
# service (0.0.0.0:53) is for trust only: a policy trust -> junos-host
# junos-dns-udp, untrust -> junos-host nothing (deny-all). An inside host
# sends one datagram spoofed from the attacker's Internet address
# (203.0.113.2, the server here) and port to the firewall's WAN address:
# a host session from trust. The attacker then sends the same tuple from
# the Internet: it comes in on the WAN (zone untrust), matches the
# session, reaches the service, and the service's answer reaches the
# attacker. Expected: the attacker's datagram refused under Invalid zone
# received packet on veth1, no answer. FAILS on r13.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

drops_up
commit_lines "${NAT_ZONES[@]}" \
	"set security policies from-zone trust to-zone junos-host policy dns match source-address any destination-address any application junos-dns-udp" \
	"set security policies from-zone trust to-zone junos-host policy dns then permit" \
	"set security policies default-policy deny-all"
# the firewall's own service: answers every datagram
fw /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
s.settimeout(15)
try:
    while True:
        d, a = s.recvfrom(64)
        s.sendto(b"answer-to-" + d, a)
except socket.timeout:
    pass
' >/dev/null 2>&1 </dev/null &
BG_PIDS+=($!)
sleep 0.5
# the attacker listens first: the service's answer to the inside's spoofed
# datagram is addressed to it (review Z5: the host's answer to a trust
# session must not leave into untrust), then sends on that tuple itself
srv /usr/bin/python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 40900))
open("/tmp/'"$NS_PREFIX"'-listening", "w").close()
s.settimeout(1)
got, sent, end = [], False, time.time() + 60
while time.time() < end:
    import os
    if not sent and os.path.exists("/tmp/'"$NS_PREFIX"'-spoofed"):
        s.sendto(b"attacker", ("203.0.113.1", 53))
        sent, end = True, time.time() + 3
    try:
        got.append(s.recvfrom(64)[0].decode())
    except socket.timeout:
        pass
print(" ".join(got) if got else "nothing")
' >"/tmp/$NS_PREFIX-attacker.out" 2>&1 </dev/null &
attacker=$!
BG_PIDS+=($attacker)
for _ in $(seq 100); do [ -e "/tmp/$NS_PREFIX-listening" ] && break; sleep 0.1; done
[ -e "/tmp/$NS_PREFIX-listening" ] || fail "the attacker's listener did not start"
# the inside accomplice: one datagram from the attacker's address and port
cli /usr/bin/python3 "$E2E/drops.py" udp 203.0.113.2 203.0.113.1 53 40900 || fail "spoofed send"
sleep 1
touch "/tmp/$NS_PREFIX-spoofed"
wait "$attacker"
got=$(cat "/tmp/$NS_PREFIX-attacker.out")
rm -f "/tmp/$NS_PREFIX-listening" "/tmp/$NS_PREFIX-spoofed" "/tmp/$NS_PREFIX-attacker.out"
echo "the attacker got: $got"
[ "$got" = nothing ] || fail "the Internet reached the firewall's trust-only service: '$got'"
# no packet of trust's session, and no first packet either: the session's
# key is the tuple alone (docs/security.md "Sessions are bound to their
# zones"); nor the service's answer to the spoofed datagram (tc, veth1)
expect_eq "$(drop_count veth1 invalid-zone-received-packet 'Invalid zone received packet:')" 2 \
	"the service's answer and the attacker's datagram"
echo "PASS"

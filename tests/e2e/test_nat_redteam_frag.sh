#!/usr/bin/env bash
# Red team (issue 14, branch natrt): a datagram the firewall's stack must
# fragment (client DF clear, WAN MTU smaller) never arrives through source
# NAT. The client's 1400-byte UDP datagram goes up untranslated (stack
# forwarding), the stack fragments it for veth1's MTU of 1280 before tc
# egress, tc refuses the first fragment (Incoming NAT errors: no ports in
# a fragment) and the kernel then stops sending the rest
# (ip_do_fragment stops at the first fragment output fails on). nf_nat
# translates such datagrams (defragmented before NAT, refragmented
# after). Expected: the server receives the datagram from 203.0.113.1,
# and no packet from the client's private address leaves the WAN.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

trap drops_cleanup EXIT
topology_up
ip -n "$FW_NS" link set veth1 mtu 1280
srv ip link set veth0 mtu 1280
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_nat "${NAT_ALL[@]}"
cli ethtool -K veth0 tx off >/dev/null || fail "tx off (client)"
got=$(mktemp)
cap=$(mktemp)
bg_in_ns "$SRV_NS" timeout 6 tcpdump -nn -i veth0 -w "$cap" ip
srv /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5353))
s.settimeout(5)
try:
    while True:
        d, a = s.recvfrom(4096)
        print(len(d), a[0], flush=True)
except OSError:
    pass
' >"$got" 2>&1 </dev/null &
BG_PIDS+=($!)
sleep 1
# a first small datagram opens the session (translated), then the big one
cli /usr/bin/python3 - <<'PY' || fail "client send"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)   # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: DF clear
s.bind(("198.51.100.2", 45555))
s.sendto(b"x", ("203.0.113.2", 5353))
s.sendto(b"y" * 1400, ("203.0.113.2", 5353))
PY
sleep 6
wait 2>/dev/null || true
seen=$(tcpdump -nn -r "$cap" 2>/dev/null)
nat_err=$(sfw show interfaces flow-statistics veth1 | awk '/Incoming NAT errors/ { print $NF }')
echo "server received: $(tr '\n' ' ' <"$got"); veth1 Incoming NAT errors: $nat_err"
rm -f "$cap"
has "^1 203.0.113.1" "$got" || fail "the small datagram did not arrive translated"
has "198.51.100.2" <<<"$seen" && fail "a packet from the client's private address left the WAN"
has "^1400 203.0.113.1" "$got" || fail "the datagram the stack fragmented never arrived (Incoming NAT errors: $nat_err)"
rm -f "$got"
echo "PASS"

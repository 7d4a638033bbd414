#!/usr/bin/env bash
# Red team (issue 14, branch natrt), end to end through lib.sh's topology
# with source-nat interface (client 198.51.100.2 behind 203.0.113.1):
#  1. the server, as the WAN neighbour that can route the client's
#     private network to the firewall, sends straight to 198.51.100.2 from
#     the port the client talks to: the NAT session's In-wing key takes
#     it for the Out wing and the client's socket receives it (no NAT,
#     no policy: untrust to trust is deny-all);
#  2. the client's port unreachable about a reply (its socket closed, a
#     late reply arrives) leaves the WAN from 198.51.100.2, quoting the
#     client's private address and port.
# Expected: neither happens. The client ports lie below the firewall
# namespace's ephemeral range (32768..60999), which NAT leaves to the host,
# so the client keeps its own port and the late reply can name it.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

trap drops_cleanup EXIT
topology_up
ip -n "$SRV_NS" route del default || fail "no default route to delete on the server"
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_nat "${NAT_ALL[@]}"
cli ethtool -K veth0 tx off >/dev/null || fail "tx off (client)"
srv ethtool -K veth0 tx off >/dev/null || fail "tx off (server)"
rc=0

# 1: the client's connected socket, then the server sends to it directly
got=$(mktemp)
cli /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", 25600))
s.connect(("203.0.113.2", 5353))
s.send(b"hello")
s.settimeout(4)
while True:
    try:
        print(s.recv(64).decode(), flush=True)
    except ConnectionRefusedError:
        continue   # the port unreachable about "hello": nobody listens yet
    except OSError:
        break
' >"$got" 2>&1 </dev/null &
BG_PIDS+=($!)
sleep 1
srv ip route add 198.51.100.0/24 via 203.0.113.1 || fail "route to the private network"
srv /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.2", 5353))
s.sendto(b"direct", ("198.51.100.2", 25600))
' || fail "server send"
srv ip route del 198.51.100.0/24 via 203.0.113.1
sleep 4
wait 2>/dev/null || true
BG_PIDS=()
if has -x direct "$got"; then
	echo "FINDING 1: the client received the server's untranslated datagram" >&2
	rc=1
fi
rm -f "$got"

# 2: a late reply to a closed port: the client's port unreachable
cap=$(mktemp)
bg_in_ns "$SRV_NS" timeout 5 tcpdump -nn -i veth0 -w "$cap" icmp
sleep 1
cli /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", 25700))
s.sendto(b"q", ("203.0.113.2", 5354))
s.close()
' || fail "client send"
srv /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5354))
s.sendto(b"late", ("203.0.113.1", 25700))
' || fail "server reply"
sleep 4
wait 2>/dev/null || true
seen=$(tcpdump -nn -r "$cap" 2>/dev/null)
rm -f "$cap"
echo "$seen"
if has "198.51.100.2" <<<"$seen"; then
	echo "FINDING 2: an ICMP error left the WAN from the client's private address" >&2
	rc=1
fi
# translated as nf_nat does: from the NAT address, quoting the server's packet
if ! grep -q "203.0.113.1 > 203.0.113.2: ICMP 203.0.113.1 udp port 25700 unreachable" <<<"$seen"; then
	echo "FINDING 2: the client's port unreachable did not reach the server translated" >&2
	rc=1
fi
[ "$rc" = 0 ] && echo "PASS"
exit "$rc"

#!/usr/bin/env bash
# Source NAT and a host service on a fixed port (the fourth review's N7,
# docs/nat.md "Port allocation"): the firewall listens on its WAN address
# 203.0.113.1:20400 (below the host's ephemeral range, a port NAT gives
# out), and a client sends from 198.51.100.2:20400 through interface NAT.
# Expected: the server sees the client from another port and the client
# gets its answer; the host's listener still gets the server's datagram to
# 203.0.113.1:20400, and the client does not.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

trap drops_cleanup EXIT
topology_up
ip -n "$SRV_NS" route del default || fail "no default route to delete on the server"
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_lines \
	"set security zones security-zone trust interfaces veth0" \
	"set security zones security-zone untrust interfaces veth1" \
	"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any" \
	"set security policies from-zone trust to-zone untrust policy out then permit" \
	"set security policies from-zone untrust to-zone junos-host policy svc match source-address any destination-address any application any" \
	"set security policies from-zone untrust to-zone junos-host policy svc then permit" \
	"set security policies default-policy deny-all" \
	"set security nat source rule-set inside-out from zone trust" \
	"set security nat source rule-set inside-out to zone untrust" \
	"set security nat source rule-set inside-out rule all match source-address 198.51.100.0/24" \
	"set security nat source rule-set inside-out rule all then source-nat interface"
cli ethtool -K veth0 tx off >/dev/null || fail "tx off (client)"
srv ethtool -K veth0 tx off >/dev/null || fail "tx off (server)"
got=$(mktemp)
# the firewall's own service: the host's side of the tuple
fw /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.1", 20400))
s.settimeout(8)
try:
    while True:
        d, a = s.recvfrom(64)
        print("host service got", d.decode(), flush=True)
except OSError:
    pass
' </dev/null >>"$got" 2>&1 &
BG_PIDS+=($!)
# the server answers the client, then writes to the host's service
srv /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5353))
s.settimeout(6)
try:
    d, a = s.recvfrom(64)
    print("server saw", a[0], a[1], flush=True)
    s.sendto(b"answer", a)
    s.sendto(b"to-the-host", ("203.0.113.1", 20400))
except OSError as e:
    print("server got nothing:", e, flush=True)
' </dev/null >>"$got" 2>&1 &
BG_PIDS+=($!)
sleep 0.5
client_hears 20400 >>"$got" 2>&1
wait 2>/dev/null || true
cat "$got"
saw=$(grep -c "server saw 203.0.113.1 " "$got")
kept=$(grep -c "server saw 203.0.113.1 20400$" "$got")
answered=$(grep -c "client got answer" "$got")
host=$(grep -c "host service got to-the-host" "$got")
leak=$(grep -c "client got to-the-host" "$got")
rm -f "$got"
[ "$saw" = 1 ] || fail "the server saw no translated datagram"
[ "$kept" = 0 ] || fail "NAT kept the port the host's service is bound on"
[ "$answered" = 1 ] || fail "the client got no answer"
[ "$leak" = 0 ] || fail "the server's datagram to the host's service reached the client"
[ "$host" = 1 ] || fail "the host's service did not get the server's datagram"
echo "PASS"

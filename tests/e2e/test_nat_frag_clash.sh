#!/usr/bin/env bash
# Two first fragments under one identity (docs/nat.md "Fragments",
# review rvfrag2 RV2-10), end to end: the outside host sends datagram A
# through the port forward 203.0.113.1:8053 and, under the same IP id, the
# first fragment of datagram H to a UDP socket of the firewall itself
# (203.0.113.1:5000, permitted to junos-host), then A's later fragments.
# Before, A's later fragments followed H's record up to the host, whose
# stack reassembled them with H's first fragment (996 bytes of A in H's
# datagram). Expected: no datagram mixing the two anywhere (the identity
# is a clash, both datagrams' later fragments dropped under Tiny or
# overlapping fragments), and a datagram under another id still reaches
# the inside server whole.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

nat_topology_up
hostgot=$(mktemp)
insgot=$(mktemp)
trap 'rm -f "$hostgot" "$insgot"; drops_cleanup' EXIT
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_nat "${NAT_ALL[@]}" \
	"set security policies from-zone untrust to-zone trust policy in match source-address any destination-address any application any" \
	"set security policies from-zone untrust to-zone trust policy in then permit" \
	"set security policies from-zone untrust to-zone junos-host policy h match source-address any destination-address any application any" \
	"set security policies from-zone untrust to-zone junos-host policy h then permit" \
	"set security nat destination pool inside address 198.51.100.2/32 port 5402" \
	"set security nat destination rule-set from-wan from zone untrust" \
	"set security nat destination rule-set from-wan rule fwd match destination-address 203.0.113.1/32" \
	"set security nat destination rule-set from-wan rule fwd match destination-port 8053" \
	"set security nat destination rule-set from-wan rule fwd then destination-nat pool inside"
sink='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    d, a = s.recvfrom(8192)
    print(len(d), d.count(b"A"), "A", d.count(b"H"), "H", flush=True)
'
fw /usr/bin/python3 -c "$sink" 203.0.113.1 5000 >"$hostgot" 2>&1 </dev/null &
BG_PIDS+=($!)
cli /usr/bin/python3 -c "$sink" 198.51.100.2 5402 >"$insgot" 2>&1 </dev/null &
BG_PIDS+=($!)
sleep 1
srv /usr/bin/python3 - <<'PY' || fail "scapy send"
from scapy.all import IP, UDP, Raw, fragment, send, conf
conf.verb = 0
a = IP(src="203.0.113.2", dst="203.0.113.1", id=777) / UDP(sport=40000, dport=8053) / Raw(b"A" * 1500)
h = IP(src="203.0.113.2", dst="203.0.113.1", id=777) / UDP(sport=40001, dport=5000) / Raw(b"H" * 1500)
ok = IP(src="203.0.113.2", dst="203.0.113.1", id=778) / UDP(sport=40002, dport=8053) / Raw(b"A" * 1500)
fa, fh, fok = fragment(a, 512), fragment(h, 512), fragment(ok, 512)
send(fa[0], iface="veth0")
send(fh[0], iface="veth0")
for f in fa[1:] + fh[1:] + fok:
    send(f, iface="veth0")
PY
sleep 1
echo "the firewall's own socket got: $(tr '\n' ';' <"$hostgot"); the inside server got: $(tr '\n' ';' <"$insgot")"
has " [1-9][0-9]* A " "$hostgot" && fail "A's fragments reached the firewall's own socket"
has " [1-9][0-9]* H$" "$insgot" && fail "H's fragments reached the inside server"
has -x "1500 1500 A 0 H" "$insgot" || fail "the datagram under another id did not reach the inside server whole"
overlap=$(sfw show interfaces flow-statistics veth1 | awk '/Tiny or overlapping fragments/ { print $NF }')
[ "${overlap:-0}" -ge 2 ] || fail "Tiny or overlapping fragments on veth1: ${overlap:-none}, want both tails"
echo "PASS"

#!/usr/bin/env bash
# NAT's fourth review, N5 (notes/review-nat4.md), the common case: R1 (a)
# at tc refuses a first packet forwarded from an interface sfw is not
# attached to when its source is the host's own address. The kernel never
# forwards such a packet as received (a martian source, IPv4), so what tc
# meets there is the host's own rewrite or encapsulation of a forwarded
# packet; here netfilter's masquerade (Docker's, libvirt's, or an
# operator's nftables for a LAN sfw does not watch), which rewrites the
# source to the WAN address in POSTROUTING, before tc egress. Set-up: sfw
# on the WAN (veth1) only, veth0 in zone trust (docs/nat.md "Second
# review", F1's set-up), trust -> untrust permitted, no NAT of sfw's, an
# nftables masquerade out of veth1. Before r13 the datagram left from
# 203.0.113.1; r13 refuses it under Address spoofing. Expected: the
# server gets it. FAILS on r13.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

trap drops_cleanup EXIT
topology_up
out=$(sfw attach veth1 2>&1) || fail "attach: $out"
commit_lines "${NAT_ZONES[@]}" "${NAT_OUT[@]}"
fw nft -f - <<'NFT' || fail "nftables masquerade"
table ip masq {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "veth1" masquerade
	}
}
NFT
got=$(mktemp)
srv /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5353))
s.settimeout(8)
try:
    d, a = s.recvfrom(64)
    print("server got", d.decode(), "from", a[0], flush=True)
    s.sendto(b"answer", a)
except socket.timeout:
    print("server got nothing", flush=True)
' >"$got" 2>&1 </dev/null &
BG_PIDS+=($!)
sleep 0.5
answer=$(cli /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"masqueraded", ("203.0.113.2", 5353))
try:
    print(s.recvfrom(64)[0].decode())
except socket.timeout:
    print("nothing")
')
wait 2>/dev/null || true
cat "$got"
seen=$(cat "$got")
rm -f "$got"
spoof=$(drop_count veth1 address-spoofing 'Address spoofing:')
echo "veth1 Address spoofing: $spoof; the client got: $answer"
has "server got masqueraded from 203.0.113.1" <<<"$seen" ||
	fail "the masqueraded datagram never left the WAN (Address spoofing: $spoof)"
expect_eq "$answer" answer "the server's answer, back through the masquerade"
echo "PASS"

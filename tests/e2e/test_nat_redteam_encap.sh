#!/usr/bin/env bash
# NAT's fourth review, N5 (notes/review-nat4.md): R1 (a) at tc refuses a
# first packet "forwarded" from an interface sfw is not attached to whose
# source is the host's own address. For IPv4 the stack never forwards such
# a packet (a martian source), so what tc meets there is the host's own
# encapsulation of a forwarded packet: an encapsulation that keeps the
# skb (policy-based IPsec tunnel mode, SRv6 and other lwtunnel encaps; the
# device tunnels scrub skb_iif) leaves with the outer source the host's
# own address and ingress_ifindex the inner packet's. Here a BPF
# lightweight tunnel (tests/bpf/lwt_encap6.bpf.c, IPv6 in IPv6: kernels
# may be built without SRv6, whose `encap seg6` first showed it, but
# LWTUNNEL_BPF is what sfw's own kind of kernel has): the inside interface
# veth0 is in zone trust but not attached (docs/nat.md "Second review",
# F1's set-up), sfw on the WAN only; the firewall routes 2001:db8:9::/64
# with `encap bpf xmit` to 2001:db8:2::2 out of veth1. The client's
# datagram leaves encapsulated from
# 2001:db8:2::1, the firewall's own WAN address, and tc refused it under
# Address spoofing: a site-to-site tunnel broken by r13. Expected: the
# encapsulated packet reaches the server's link. FAILS on r13.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

trap drops_cleanup EXIT
topology_up
out=$(sfw attach veth1 2>&1) || fail "attach: $out"
commit_lines "${NAT_ZONES[@]}" "${NAT_OUT[@]}"
ENCAP=build/bpf/lwt_encap6.bpf.o
[ -f "$ENCAP" ] || fail "$ENCAP not built (make test builds it)"
fw ip -6 route add 2001:db8:9::/64 encap bpf xmit obj "$ENCAP" section lwt_xmit headroom 40 \
	dev veth1 || fail "the encapsulating route"
cap=$(mktemp)
bg_in_ns "$SRV_NS" timeout 5 tcpdump -nn -i veth0 -w "$cap" ip6 and not icmp6
sleep 1
cli /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.sendto(b"through-the-tunnel", ("2001:db8:9::5", 5353))
' || fail "send"
sleep 4
wait 2>/dev/null || true
seen=$(tcpdump -nn -r "$cap" 2>/dev/null)
rm -f "$cap"
echo "$seen"
spoof=$(drop_count veth1 address-spoofing 'Address spoofing:')
echo "veth1 Address spoofing: $spoof"
has "2001:db8:2::1 > 2001:db8:2::2" <<<"$seen" ||
	fail "the encapsulated datagram never left the WAN (Address spoofing: $spoof)"
expect_eq "$spoof" 0 "the host's own encapsulation refused as spoofing"
echo "PASS"

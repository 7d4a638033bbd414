#!/usr/bin/env bash
# tc egress and forwarded packets that carry no trace of XDP (review rv27,
# F1; bpf/tc_judged.bpf.h, docs/security.md "Threat model"), with real
# traffic through the topology of lib.sh (sfw on veth0, zone trust, and
# veth1, untrust; the server has no route back to the client's LAN).
#  1. The host rewrote the source: the kernel's own NAT (an nftables
#     masquerade on veth1, IPv4 and IPv6) translates a flow XDP permitted
#     from the LAN, after XDP, keeping skb_iif = veth0. The policy is
#     narrow: trust -> untrust permits UDP 5353 from the LAN prefixes only
#     (address-book lan, lan6). The translated packets, from the
#     firewall's own 203.0.113.1 (2001:db8:2::1),
#     leave as the host's own (a host session), not as trust's first
#     packet (whose source is no LAN address), and the echo meets that
#     session at veth1's XDP: the exchange works both ways; UDP 5354 is
#     still refused at veth0. UDP: with TCP the LAN's session at XDP never
#     sees the server's SYN-ACK (it came under the host session's
#     tuple), and the client's data is dropped as TCP sequence number out
#     of window (seen; not what this test is about). On int26 (the judged
#     path before rv27's F1 fix) tc refused the datagram as trust's first
#     packet, Policy denied on veth1; on main tc passed it by skb_iif
#     without a session, and XDP refused the echo to the host.
#     The same "outer header the host writes" as a policy-based IPsec
#     tunnel's, which this kernel cannot show (no ESP).
#  2. The control: a forwarded packet without a trace whose source is not
#     the host's stays judged. A datagram XDP permitted waits in the stack
#     for its neighbour (203.0.113.9, 2001:db8:2::9: unresolved);
#     meanwhile its session
#     is cleared and deny-all committed; then the neighbour is written and
#     the stack sends the packet out of veth1 with skb_iif = veth0. It is
#     refused there (Policy denied on veth1), the server's link never sees
#     it. Under a permit policy the same packet passes, judged at tc (the
#     queued packet does reach the link: the refusal is not vacuous). On
#     main tc passed it by skb_iif: red on main.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
ip -n "$SRV_NS" route del default || fail "no default route to delete on the server"
ip -n "$SRV_NS" -6 route del default || fail "no IPv6 default route to delete on the server"
ZONES=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1')
LAN_ECHO=('set security address-book global address lan 198.51.100.0/24'
	'set security address-book global address lan6 2001:db8:1::/64'
	'set applications application echo protocol udp destination-port 5353'
	'set security policies from-zone trust to-zone untrust policy echo match source-address lan destination-address any application echo'
	'set security policies from-zone trust to-zone untrust policy echo then permit'
	'set security policies from-zone trust to-zone untrust policy echo6 match source-address lan6 destination-address any application echo'
	'set security policies from-zone trust to-zone untrust policy echo6 then permit'
	'set security policies default-policy deny-all')
PERMIT=('set security policies from-zone trust to-zone untrust policy all match source-address any destination-address any application any'
	'set security policies from-zone trust to-zone untrust policy all then permit'
	'set security policies default-policy deny-all')
DENY=('set security policies default-policy deny-all')

denied() { drop_count "$1" policy-denied 'Policy denied:'; }
cap_start() {   # pcap filter
	nsenter --net="/run/netns/$SRV_NS" tcpdump -i veth0 -n -U --immediate-mode -w "$1" "$2" \
		2>"$1.err" &
	BG_PIDS+=($!)
	for _ in $(seq 100); do grep -qs "listening on" "$1.err" && return 0; sleep 0.05; done
	fail "tcpdump did not start: $(cat "$1.err")"
}
cap_stop() {   # the capture is the last background job
	sleep 0.5
	kill "${BG_PIDS[-1]}" 2>/dev/null
	wait "${BG_PIDS[-1]}" 2>/dev/null
	unset 'BG_PIDS[-1]'
}
captured() { tcpdump -r "$1" -n 2>/dev/null | wc -l; }   # pcap

# ---- 1. the kernel's own NAT under a LAN-only policy ---------------------
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/udp.py" serve 5353 5354
for _ in $(seq 100); do srv ss -lun | has ':5354 ' && break; sleep 0.05; done
exchange() { cli /usr/bin/python3 "$E2E/udp.py" send "$1" "$SRV" "$2"; }   # sport dport
commit_lines "${ZONES[@]}" "${LAN_ECHO[@]}"
fw nft -f - <<'EOF' || fail "the masquerade table"
table inet tje2e_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "veth1" masquerade
	}
}
EOF
for SRV in 203.0.113.2 2001:db8:2::2; do
	case $SRV in *:*) FW=2001:db8:2::1 ;; *) FW=203.0.113.1 ;; esac
	sfw clear security flow session all >/dev/null || fail "clear sessions"
	clear_counters
	exchange 40000 5353 ||
		fail "$SRV: UDP 5353 masqueraded by the kernel: no echo (veth1 Policy denied: $(denied veth1))"
	expect_other_drops_zero veth0
	expect_other_drops_zero veth1
	# the translated packets' session is the host's, from its WAN address
	sfw show security flow session destination-port 5353 --json |
		jq -e --arg fw "$FW" '[.. | objects | select(has("flow-information"))
			| ."flow-information"[] | select(.direction == "In")
			| select(."source-address" == $fw)] | length == 1' >/dev/null ||
		fail "no session from $FW: $(sfw show security flow session destination-port 5353)"
	d0=$(denied veth0)
	exchange 40001 5354 && fail "$SRV: UDP 5354 passed a policy for 5353 only"
	[ "$(denied veth0)" -gt "$d0" ] || fail "$SRV: UDP 5354 not counted as Policy denied on veth0"
	expect_other_drops_zero veth0 policy-denied
	expect_other_drops_zero veth1
done
fw nft delete table inet tje2e_nat || fail "delete the masquerade table"

# ---- 2. the control: a packet from the LAN, its session gone, judged -----
# The firewall keeps asking for 203.0.113.9 / 2001:db8:2::9 (nobody) for
# 30 s; the datagram waits in the neighbour's queue until the test writes
# the neighbour.
fw sysctl -qw net.ipv4.neigh.veth1.mcast_solicit=30 net.ipv6.neigh.veth1.mcast_solicit=30 ||
	fail "mcast_solicit"
SRV_MAC=$(srv ip -br link show veth0 | awk '{ print $3 }')
queued() {   # name sport src dst: a datagram to dst waits for its neighbour
	fw ip neigh del "$4" dev veth1 2>/dev/null
	cap_start "$DROPS_TMP/$1.pcap" "udp and dst host $4"
	cli /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[3] else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], int(sys.argv[1])))
s.sendto(b"queued", (sys.argv[3], 7777))' "$2" "$3" "$4" || fail "send to $4"
	for _ in $(seq 50); do
		sfw show security flow session destination-port 7777 | has '^Total sessions: 1$' &&
			break
		sleep 0.1
	done
	sfw show security flow session destination-port 7777 | has '^Total sessions: 1$' ||
		fail "$1: XDP opened no session for the datagram"
	fw ip neigh show "$4" dev veth1 | has 'INCOMPLETE' ||
		fail "$1: the neighbour is not being resolved: $(fw ip neigh show "$4")"
}
release() {   # dst: the neighbour written, the stack sends what waited
	fw ip neigh replace "$1" lladdr "$SRV_MAC" dev veth1 nud permanent ||
		fail "neighbour $1"
	cap_stop
}

for pair in 198.51.100.2,203.0.113.9 2001:db8:1::2,2001:db8:2::9; do
	src=${pair%,*} dst=${pair#*,}
	# under a permit policy, the queued packet passes, judged at tc
	commit_lines "${ZONES[@]}" "${PERMIT[@]}"
	sfw clear security flow session all >/dev/null || fail "clear sessions"
	clear_counters
	queued "permit-$dst" 41000 "$src" "$dst"
	sfw clear security flow session all >/dev/null || fail "clear sessions"
	release "$dst"
	expect_eq "$(captured "$DROPS_TMP/permit-$dst.pcap")" 1 \
		"the queued datagram to $dst under a permit policy"
	sfw show security flow session destination-port 7777 | has '^Total sessions: 1$' ||
		fail "tc opened no session for the queued datagram to $dst"
	expect_other_drops_zero veth1

	# its session cleared and deny-all committed while it waits: refused
	sfw clear security flow session all >/dev/null || fail "clear sessions"
	clear_counters
	queued "deny-$dst" 41001 "$src" "$dst"
	commit_lines "${ZONES[@]}" "${DENY[@]}"
	sfw clear security flow session all >/dev/null || fail "clear sessions"
	release "$dst"
	expect_eq "$(captured "$DROPS_TMP/deny-$dst.pcap")" 0 "the queued datagram to $dst after deny-all"
	expect_eq "$(denied veth1)" 1 "veth1 Policy denied: the queued datagram to $dst"
	expect_other_drops_zero veth1 policy-denied
done
echo "ok tc judged own source"

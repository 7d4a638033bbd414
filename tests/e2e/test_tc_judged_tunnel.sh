#!/usr/bin/env bash
# A tunnel out of an attached WAN under a narrow policy (review rv27, F1;
# docs/security.md "Threat model", Tunnels), with real traffic. This
# kernel has no ESP, GRE nor IPIP: the tunnel is VXLAN, a device tunnel
# like GRE and IPIP (udp_tunnel_xmit_skb, as iptunnel_xmit, scrubs the
# skb: skb_iif 0, so its outer packet is the host's own at tc on every
# version). Topology of lib.sh, sfw on both firewall interfaces (veth0
# zone trust, veth1 untrust); the server namespace is the tunnel's peer:
# vxlan0 192.0.2.1 on the firewall, 192.0.2.2 on the peer (zone vpn),
# outer packets 203.0.113.1:4789 <-> 203.0.113.2:4789 over veth1. The LAN
# client reaches 192.0.2.2 through the tunnel. Policies: trust -> vpn and
# trust -> untrust web only (junos-http), deny-all otherwise; nothing may
# reach the host from untrust. No ARP, ND or MLD on the tunnel (static
# neighbours, IPv6 off on vxlan0): the first outer packet is the one the
# host writes for the client's SYN.
#   - HTTP (tcp/80) from the client through the tunnel works both ways:
#     the outer UDP packets leave veth1 as the host's own (a host session
#     from 203.0.113.1), not as trust's first packet to untrust (which
#     permits no UDP 4789); the peer's outer replies meet that session;
#   - tcp/81 through the tunnel is still refused at veth0 (Policy denied),
#     and no SYN to port 81 reaches the peer;
#   - the same with `source-nat interface` for trust -> untrust matching
#     any source: the outer packet is no untranslated NAT flow.
# A regression guard: it passes on main and on int26 too (seen green with
# both builds), since the device scrubs skb_iif. The packets that keep the
# LAN's skb_iif under an outer header the host wrote (policy-based IPsec,
# no ESP here; lwt encaps, which XDP refuses as No route present) or a
# source the host rewrote (the kernel's own NAT) are in
# test_tc_judged_ownsrc.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

PEER=192.0.2.2
drops_up
# the tunnel: VXLAN id 42, both ends' outer ports 4789 (srcport range
# 4789-4789), static neighbours so no ARP goes through it
vxlan_up() {   # ns local remote addr peer-addr
	local ns=$1
	in_ns "$ns" ip link add vxlan0 type vxlan id 42 local "$2" remote "$3" \
		dstport 4789 srcport 4789 4790 || fail "vxlan0 in $ns"
	in_ns "$ns" sysctl -qw net.ipv6.conf.vxlan0.disable_ipv6=1 || fail "IPv6 off on vxlan0 ($ns)"
	in_ns "$ns" ip addr add "$4/24" dev vxlan0 || fail "vxlan0 address ($ns)"
	in_ns "$ns" ip link set vxlan0 up || fail "vxlan0 up ($ns)"
}
mac() { in_ns "$1" ip -br link show vxlan0 | awk '{ print $3 }'; }   # ns
vxlan_up "$FW_NS" 203.0.113.1 203.0.113.2 192.0.2.1
vxlan_up "$SRV_NS" 203.0.113.2 203.0.113.1 "$PEER"
fw ip neigh add "$PEER" lladdr "$(mac "$SRV_NS")" dev vxlan0 nud permanent || fail "fw neighbour"
srv ip neigh add 192.0.2.1 lladdr "$(mac "$FW_NS")" dev vxlan0 nud permanent || fail "peer neighbour"
srv ip route add 198.51.100.0/24 via 192.0.2.1 dev vxlan0 || fail "the peer's route to the LAN"

ZONES=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1'
	'set security zones security-zone vpn interfaces vxlan0')
WEB=('set security policies from-zone trust to-zone vpn policy web match source-address any destination-address any application junos-http'
	'set security policies from-zone trust to-zone vpn policy web then permit'
	'set security policies from-zone trust to-zone untrust policy web match source-address any destination-address any application junos-http'
	'set security policies from-zone trust to-zone untrust policy web then permit'
	'set security policies default-policy deny-all')
SNAT=('set security nat source rule-set inside-out from zone trust'
	'set security nat source rule-set inside-out to zone untrust'
	'set security nat source rule-set inside-out rule all match source-address 0.0.0.0/0'
	'set security nat source rule-set inside-out rule all then source-nat interface')

# The peer's TCP ports 80 and 81 on 192.0.2.2: each answers "back:" and
# what it got.
bg_in_ns "$SRV_NS" /usr/bin/python3 -c '
import socket, threading
def serve(port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("192.0.2.2", port))
    ls.listen(8)
    while True:
        c, _ = ls.accept()
        c.sendall(b"back:" + c.recv(64))
        c.close()
for p in (80, 81):
    threading.Thread(target=serve, args=(p,)).start()'
for _ in $(seq 100); do srv ss -ltn | has ':81 ' && break; sleep 0.05; done
# The client's exchange with the peer's port: prints what came back.
exchange() {   # port
	cli /usr/bin/python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("192.0.2.2", int(sys.argv[1])), timeout=3)
s.sendall(b"hello")
s.settimeout(3)
print(s.recv(64).decode())
PY
}
denied() { drop_count "$1" policy-denied 'Policy denied:'; }
# Outer packets of the tunnel on the peer's link, captured while a
# command runs (the capture is the last background job).
outer_count() {   # pcap
	tcpdump -r "$1" -n 'udp port 4789' 2>/dev/null | wc -l
}
cap_start() {   # pcap
	nsenter --net="/run/netns/$SRV_NS" tcpdump -i veth0 -n -U --immediate-mode -w "$1" \
		2>"$1.err" &
	BG_PIDS+=($!)
	for _ in $(seq 100); do grep -qs "listening on" "$1.err" && return 0; sleep 0.05; done
	fail "tcpdump did not start: $(cat "$1.err")"
}
cap_stop() {
	sleep 0.5
	kill "${BG_PIDS[-1]}" 2>/dev/null
	wait "${BG_PIDS[-1]}" 2>/dev/null
	unset 'BG_PIDS[-1]'
}

# One round: HTTP through the tunnel works both ways, as the host's own
# outer packets; port 81 is refused at the LAN's interface.
round() {   # name
	local cap=$DROPS_TMP/$1.pcap got d0
	sfw clear security flow session all >/dev/null || fail "clear sessions"
	clear_counters
	cap_start "$cap"
	got=$(exchange 80 2>&1)
	cap_stop
	expect_eq "$got" "back:hello" "$1: HTTP through the tunnel (veth1 Policy denied: \
$(denied veth1), Incoming NAT errors: $(drop_count veth1 incoming-nat-errors 'Incoming NAT errors:'))"
	[ "$(outer_count "$cap")" -ge 6 ] || fail "$1: too few outer packets on the peer's link"
	expect_other_drops_zero veth0
	expect_other_drops_zero veth1
	# the outer packets' session is the host's, from its WAN address
	sfw show security flow session protocol udp destination-port 4789 --json |
		jq -e '[.. | objects | select(has("flow-information")) | ."flow-information"[]
			| select(.direction == "In") | select(."source-address" == "203.0.113.1")]
			| length == 1' >/dev/null ||
		fail "$1: no session from 203.0.113.1 for the outer packets: \
$(sfw show security flow session protocol udp)"
	# the policy still refuses what it refuses
	cap_start "$cap"
	d0=$(denied veth0)
	exchange 81 >/dev/null 2>&1 && fail "$1: tcp/81 passed a web-only policy"
	cap_stop
	[ "$(denied veth0)" -gt "$d0" ] || fail "$1: tcp/81 not counted as Policy denied on veth0"
	[ -z "$(tcpdump -r "$cap" -n 'udp port 4789' 2>/dev/null | grep -F '.81: Flags')" ] ||
		fail "$1: a SYN to port 81 reached the peer"
	expect_other_drops_zero veth0 policy-denied
	expect_other_drops_zero veth1
}

commit_lines "${ZONES[@]}" "${WEB[@]}"
round web
commit_lines "${ZONES[@]}" "${WEB[@]}" "${SNAT[@]}"
round web-snat
echo "ok tc judged tunnel"

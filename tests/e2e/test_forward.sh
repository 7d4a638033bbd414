#!/usr/bin/env bash
# XDP forwarding (bpf/forward.bpf.h) through the topology of lib.sh, with
# real ping, TCP (iperf3) and IPv6 traffic:
#   - `attach ... forward` turns it on; the egress interfaces whose veth peer
#     runs NAPI (GRO on, turned on below) take redirected frames;
#   - traffic flows and the kernel's own forwarding counter
#     (Ip ForwDatagrams of the firewall namespace) stays still: XDP did it;
#   - TTL and hop limit drop by one; TTL 1 goes to the stack, which answers
#     Time Exceeded;
#   - sessions and interface counters are what the stack path gives (Transit
#     output is counted on the egress interface, though tc never sees the
#     redirected frames);
#   - an unknown neighbour, an egress that cannot take redirected frames and
#     forwarding off all fall back to the stack (ForwDatagrams moves);
#   - an unreachable route drops under "No route present".
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

topology_up
# A frame redirected into a veth is received by its peer's NAPI, which
# runs only with an XDP program or GRO on that peer. And a redirected frame
# loses the sk_buff's "checksum to be completed" mark, so the senders
# must compute their checksums (TX offload off): a NIC's frames are always
# complete, a local veth sender's are not.
cli ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (client)"
srv ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (server)"

out=$(sfw attach veth0 veth1 forward) || fail "attach forward: $out"
expect_eq "$(tail -n1 <<<"$out")" "forwarding in XDP: on, 2 interfaces take redirected frames" \
	"attach forward"
sfw show security flow configuration | has -x 'set security flow forwarding enable' ||
	fail "status does not say forwarding enable"

# The stack's IPv4 / IPv6 forwarded-packet counters in the firewall namespace.
fwd4() { fw awk '/^Ip: [0-9]/ { print $7 }' /proc/net/snmp; }
fwd6() { fw awk '$1 == "Ip6OutForwDatagrams" { print $2 }' /proc/net/snmp6; }
val() {   # iface block key
	sfw show interfaces flow-statistics "$1" --json |
		jq -er --arg b "$2" --arg k "$3" \
			'.["interface-information"]["physical-interface"][0][$b][$k]' ||
		fail "no $2/$3 for $1"
}

# ---- neighbours unknown: the first packets take the stack ---------------
f0=$(fwd4)
cli ping -c 1 -W 2 -q 203.0.113.2 >/dev/null || fail "first ping"
f1=$(fwd4)
[ $((f1 - f0)) -ge 1 ] || fail "an unresolved neighbour must fall back to the stack"

# ---- ICMP in XDP: TTL decremented, counters exact -----------------------
sfw clear interfaces statistics all >/dev/null || fail "clear"
out=$(cli ping -c 20 -i 0.05 203.0.113.2) || fail "ping through XDP forwarding"
f2=$(fwd4)
expect_eq "$((f2 - f1))" 0 "packets the stack forwarded with neighbours known"
expect_eq "$(grep -c 'ttl=63' <<<"$out")" 20 "replies with TTL 64 - 1"
expect_eq "$(val veth0 transit-statistics input-packets)" 20 "veth0 transit input"
expect_eq "$(val veth1 transit-statistics output-packets)" 20 "veth1 transit output (redirected)"
expect_eq "$(val veth1 transit-statistics output-bytes)" 1680 "veth1 transit output bytes"
expect_eq "$(val veth1 transit-statistics input-packets)" 20 "veth1 transit input (replies)"
expect_eq "$(val veth0 transit-statistics output-packets)" 20 "veth0 transit output (replies)"
expect_eq "$(val veth0 flow-output-statistics bytes-permitted-by-policy)" 1680 \
	"veth0 output bytes permitted"

# TTL 1 would reach 0 here: the stack gets it and answers Time Exceeded.
out=$(cli ping -c 1 -W 2 -t 1 203.0.113.2)
grep -q 'From 198.51.100.1 .*Time to live exceeded' <<<"$out" ||
	fail "TTL 1 must be answered by the firewall: $out"

# ---- IPv6: hop limit ----------------------------------------------------
cli ping -6 -c 1 -W 2 -q 2001:db8:2::2 >/dev/null || fail "first ping6"
g0=$(fwd6)
out=$(cli ping -6 -c 10 -i 0.05 2001:db8:2::2) || fail "ping6 through XDP forwarding"
expect_eq "$(grep -c 'ttl=63' <<<"$out")" 10 "ping6 replies with hop limit 64 - 1"
expect_eq "$(($(fwd6) - g0))" 0 "IPv6 packets the stack forwarded"

# ---- TCP: iperf3, sessions and counters ---------------------------------
bg_in_ns "$SRV_NS" iperf3 -s -1 -p 5201
for _ in $(seq 50); do srv ss -ltn | has ':5201 ' && break; sleep 0.1; done
sfw clear interfaces statistics all >/dev/null || fail "clear"
f3=$(fwd4)
cli iperf3 -c 203.0.113.2 -p 5201 -n 20M >/dev/null || fail "iperf3 through XDP forwarding"
pkts=$(val veth0 transit-statistics input-packets)
[ $(($(fwd4) - f3)) -lt $((pkts / 100)) ] || fail "TCP went through the stack: $(($(fwd4) - f3)) of $pkts"
# (iperf3 -n ends once 20M are written, not delivered: no exact total)
[ "$pkts" -ge 1000 ] || fail "only $pkts TCP packets through the firewall"
expect_eq "$(val veth1 transit-statistics output-bytes)" \
	"$(val veth0 transit-statistics input-bytes)" "every TCP byte out of veth1"
expect_eq "$(val veth1 transit-statistics output-packets)" "$pkts" "every TCP packet out of veth1"
expect_eq "$(val veth0 transit-statistics output-packets)" \
	"$(val veth1 transit-statistics input-packets)" "every ack back out of veth0"
# The sessions' own counts agree with the interfaces'.
sessions=$(sfw show security flow session destination-port 5201 --json) || fail "sessions"
sum() {   # wing field
	jq -r --arg w "$1" --arg f "$2" '[.. | objects | select(has("flow-information"))
		| ."flow-information"[] | select(.direction == $w) | .[$f]] | add' <<<"$sessions"
}
expect_eq "$(sum In pkt-cnt)" "$pkts" "In wings' packets = veth0 transit input"
expect_eq "$(sum Out pkt-cnt)" "$(val veth1 transit-statistics input-packets)" \
	"Out wings' packets = veth1 transit input"

# ---- fallbacks: egress not redirect-capable, forwarding off -------------
srv ethtool -K veth0 gro off >/dev/null || fail "gro off (server)"
sfw set security flow forwarding enable || fail "refresh the egress devices"
f4=$(fwd4)
cli ping -c 5 -i 0.05 -q 203.0.113.2 >/dev/null || fail "ping, veth1 not redirect-capable"
expect_eq "$(($(fwd4) - f4))" 5 "requests the stack forwarded (replies still in XDP)"
sfw set security flow forwarding disable || fail "forwarding disable"
f5=$(fwd4)
cli ping -c 5 -i 0.05 -q 203.0.113.2 >/dev/null || fail "ping, forwarding off"
expect_eq "$(($(fwd4) - f5))" 10 "everything through the stack"

# ---- no route present ---------------------------------------------------
sfw set security flow forwarding enable || fail "forwarding enable"
fw ip route add unreachable 203.0.113.128/25 || fail "unreachable route"
sfw clear interfaces statistics all >/dev/null || fail "clear"
cli ping -c 2 -i 0.05 -W 1 -q 203.0.113.200 >/dev/null && fail "ping past an unreachable route"
expect_eq "$(val veth0 flow-error-statistics no-route-present)" 2 "No route present"
expect_eq "$(val veth0 transit-statistics input-packets)" 0 "no-route packets are not input"
echo "forward: ok"

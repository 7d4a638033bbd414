#!/usr/bin/env bash
# Fragments get the verdict of their datagram (docs/security.md
# "Fragments"), with real fragmented traffic through the topology of lib.sh
# (MTU 1500; veth0 in zone trust, veth1 in untrust):
#   - a permit policy: a 3000-byte UDP datagram and its echo, ping -s 4000
#     (IPv4 and IPv6) work, and every fragment counts on its session's wing;
#   - deny-all: the same datagram and pings are refused whole: the server
#     captures none of their fragments (DNS alone is permitted: the marker
#     that tells the capture everything before it has arrived);
#   - later fragments crafted with no first fragment (scapy) never reach the
#     server and are counted as Fragments without first fragment; a SYN cut
#     into 8-byte fragments as Tiny or overlapping fragments;
#   - the firewall's own ping -s 4000 leaves through tc egress in fragments,
#     each counted on the session;
#   - with XDP forwarding on, fragments take the stack, whole packets XDP.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

CLI4=198.51.100.2 CLI6=2001:db8:1::2 SRV4=203.0.113.2 SRV6=2001:db8:2::2
drops_up
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/udp.py" serve 5353 53
for _ in $(seq 100); do srv ss -lun | has ':53 ' && break; sleep 0.05; done
ZONES=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1')
PERMIT=('set security policies from-zone trust to-zone untrust policy all match source-address any destination-address any application any'
	'set security policies from-zone trust to-zone untrust policy all then permit'
	'set security policies default-policy deny-all')
DENY=('set security policies from-zone trust to-zone untrust policy dns match source-address any destination-address any application junos-dns-udp'
	'set security policies from-zone trust to-zone untrust policy dns then permit'
	'set security policies default-policy deny-all')

udp_echo() { cli /usr/bin/python3 "$E2E/udp.py" send "$@"; }   # sport dst dport [size]
# N echo requests that must all be answered before the counters are read.
# -l sends them back to back, so ping waits up to -W for every reply: with
# -i it waits only max(2 x the slowest round trip so far, the interval) after
# the last request once one reply is in, then exits 0 with a reply missing
# whose fragments have not passed the firewall yet (iputils schedule_exit).
ping_all() {   # runner n ping-arguments...
	local run=$1 n=$2 out
	shift 2
	out=$($run ping -c "$n" -l "$n" -W 10 -q "$@") || return 1
	has "^$n packets transmitted, $n received," <<<"$out"
}
# A counter of packets the client sent, compared once they have all been
# counted: they reach the firewall on either of two veth queues (AF_PACKET
# picks one by CPU, a socket by flow hash), and under load the queue of a
# later packet, the capture's marker for one, may be served first.
# Counters only grow, so waiting for the value asserts exactly what reading
# it once would, without reading it too early.
settled() {   # want what command...
	local want=$1 what=$2 got
	shift 2
	for _ in $(seq 200); do
		got=$("$@")
		[ "$got" = "$want" ] && break
		sleep 0.05
	done
	expect_eq "$got" "$want" "$what"
}
no_first() { sfw_stat "$1" fragments-without-first-fragment 'Fragments without first fragment:'; }
tiny() { sfw_stat "$1" tiny-or-overlapping-fragments 'Tiny or overlapping fragments:'; }
denied() { drop_count "$1" policy-denied 'Policy denied:'; }

# Packets and bytes of each wing of the sessions a filter selects, one
# session a line: "in-pkts/in-bytes out-pkts/out-bytes".
wings() {
	sfw show security flow session "$@" --json | jq -r '
		.["flow-session-information"]["flow-session"][]
		| [.["flow-information"][] | "\(.["pkt-cnt"])/\(.["byte-cnt"])"] | join(" ")'
}

# What the server's interface receives from the client, captured from
# before the test packets to after the marker (a DNS query from sport).
cap_start() {   # file
	nsenter --net="/run/netns/$SRV_NS" tcpdump -i veth0 -n -U -w "$1" \
		"src host $CLI4 or src host $CLI6" 2>"$1.err" &
	BG_PIDS+=($!)
	for _ in $(seq 100); do grep -qs "listening on" "$1.err" && return 0; sleep 0.05; done
	fail "tcpdump did not start: $(cat "$1.err")"
}
cap_until_marker() {   # file sport
	udp_echo "$2" "$SRV4" 53 || fail "the DNS marker got no answer"
	for _ in $(seq 100); do
		[ -n "$(tcpdump -r "$1" -n "udp src port $2 and udp dst port 53" 2>/dev/null)" ] &&
			return 0
		sleep 0.05
	done
	fail "the marker never showed in the capture"
}
cap_fragments() {   # file: IPv4 and IPv6 fragments captured
	tcpdump -r "$1" -n '(ip and (ip[6:2] & 0x3fff) != 0) or (ip6 and ip6[6] == 44)' \
		2>/dev/null | wc -l
}

# ---- a permit policy: fragmented traffic works, counted on its session ----
commit_lines "${ZONES[@]}" "${PERMIT[@]}"
clear_counters
udp_echo 40000 "$SRV4" 5353 3000 || fail "3000-byte UDP datagram through a permit policy"
# 3008 UDP bytes in 1480-byte fragments: 3 each way, 3008 + 3 * 20 bytes
expect_eq "$(wings destination-port 5353)" "3/3068 3/3068" "UDP session wings"
ping_all cli 2 -s 4000 "$SRV4" || fail "ping -s 4000 through a permit policy"
expect_eq "$(wings protocol icmp)" "6/8136 6/8136" "ping session: 3 fragments of 4008 bytes each way"
ping_all cli 2 -6 -s 4000 "$SRV6" || fail "ping -6 -s 4000 through a permit policy"
# 4008 ICMPv6 bytes in 1448-byte fragments, 48 bytes of headers each
expect_eq "$(wings protocol icmp6)" "6/8304 6/8304" "ping6 session wings"
for i in veth0 veth1; do
	expect_eq "$(no_first $i)" 0 "$i: no fragment without its first"
	expect_eq "$(tiny $i)" 0 "$i: no tiny fragment"
done

# ---- deny-all: refused whole, the server sees no fragment ------------------
commit_lines "${ZONES[@]}" "${DENY[@]}"
sfw clear security flow session all >/dev/null || fail "clear sessions"
clear_counters
cap_start "$DROPS_TMP/deny.pcap"
udp_echo 41000 "$SRV4" 5353 3000 && fail "a 3000-byte datagram passed deny-all"
cli ping -c 1 -W 1 -q -s 4000 "$SRV4" >/dev/null && fail "ping -s 4000 passed deny-all"
cli ping -6 -c 1 -W 1 -q -s 4000 "$SRV6" >/dev/null && fail "ping -6 -s 4000 passed deny-all"
settled 3 "the three first fragments" denied veth0
settled 6 "their later fragments, 2 each" no_first veth0
cap_until_marker "$DROPS_TMP/deny.pcap" 41001
expect_eq "$(cap_fragments "$DROPS_TMP/deny.pcap")" 0 "fragments the server received under deny-all"
expect_other_drops_zero veth0 policy-denied

# ---- later fragments without a first, tiny fragments: never delivered ------
commit_lines "${ZONES[@]}" "${PERMIT[@]}"
clear_counters
cap_start "$DROPS_TMP/crafted.pcap"
cli /usr/bin/python3 "$E2E/frags.py" later "$SRV4" 5 || fail "crafted IPv4 fragments"
cli /usr/bin/python3 "$E2E/frags.py" later "$SRV6" 5 || fail "crafted IPv6 fragments"
cli /usr/bin/python3 "$E2E/frags.py" tiny "$SRV4" 22 || fail "tiny fragments"
settled 10 "later fragments without a first, under a permit policy" no_first veth0
settled 3 "an 8-byte first fragment and two over its TCP header" tiny veth0
cap_until_marker "$DROPS_TMP/crafted.pcap" 41002
expect_eq "$(cap_fragments "$DROPS_TMP/crafted.pcap")" 0 "crafted fragments the server received"
expect_other_drops_zero veth0

# ---- the firewall's own fragments leave through tc egress ------------------
commit_lines "${ZONES[@]}" "${DENY[@]}"
sfw clear security flow session all >/dev/null || fail "clear sessions"
clear_counters
ping_all fw 1 -s 4000 "$SRV4" || fail "the firewall's own ping -s 4000 (self traffic)"
expect_eq "$(wings protocol icmp)" "3/4068 3/4068" "host ping: every fragment out through tc, in through XDP"
expect_eq "$(jval veth1 local-statistics output-packets)" 3 "veth1 local output packets"
expect_eq "$(no_first veth1)" 0 "veth1: no fragment without its first"

# ---- XDP forwarding: fragments take the stack --------------------------------
# (a redirected frame needs NAPI on the receiving veth and complete
# checksums: see test_forward.sh)
cli ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (client)"
srv ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (server)"
commit_lines "${ZONES[@]}" "${PERMIT[@]}"
sfw set security flow forwarding enable >/dev/null || fail "forwarding enable"
fwd4() { fw awk '/^Ip: [0-9]/ { print $7 }' /proc/net/snmp; }
fwd6() { fw awk '$1 == "Ip6OutForwDatagrams" { print $2 }' /proc/net/snmp6; }
ping_all cli 2 "$SRV4" || fail "small ping (neighbours resolved)"
ping_all cli 2 -6 "$SRV6" || fail "small ping6"
f0=$(fwd4) g0=$(fwd6)
ping_all cli 2 "$SRV4" || fail "small ping through XDP"
expect_eq "$(($(fwd4) - f0))" 0 "whole packets the stack forwarded"
ping_all cli 1 -s 4000 "$SRV4" || fail "ping -s 4000 with XDP forwarding"
expect_eq "$(($(fwd4) - f0))" 6 "fragments the stack forwarded (3 each way)"
ping_all cli 1 -6 -s 4000 "$SRV6" || fail "ping -6 -s 4000 with XDP forwarding"
expect_eq "$(($(fwd6) - g0))" 6 "IPv6 fragments the stack forwarded"
expect_eq "$(no_first veth0)$(no_first veth1)" 00 "nothing dropped"
echo "ok fragments"

#!/usr/bin/env bash
# Traceroute and path-MTU discovery through source-nat interface (docs/nat.md
# "ICMP errors"): lib.sh's topology with a hop past the firewall. Its
# server namespace routes (203.0.113.2, still without a route to the
# client's LAN: what it sends reaches only 203.0.113.1) to a far server,
# 192.0.2.2, over a link whose route carries at most 1280 bytes:
#
#   client 198.51.100.2 -- fw (sfw) 203.0.113.1 -- router 203.0.113.2
#                                     192.0.2.1 --(mtu 1280)-- far 192.0.2.2
#
#   - traceroute -U and -I from the client: hop 1 the firewall, hop 2 the
#     router, hop 3 the far server; a capture on the client holds the
#     router's Time Exceeded and the far server's port unreachable to
#     198.51.100.2, quoting the probes as the client sent them (its
#     address, port or echo identifier, the quoted checksums right:
#     icmp_quote.py);
#   - a TCP upload of 256 KB (DF set, full-sized segments, the far
#     server's MSS 1460) completes: the router's Fragmentation Needed, to
#     203.0.113.1, reaches the client translated back, quoting its own
#     segment, and the client's route to 192.0.2.2 learns mtu 1280;
#   - the control: with the router's Fragmentation Needed dropped (nft on
#     the router) the same upload does not complete and nothing is
#     learned, so the upload above needed the translated error.
# Run with the stack forwarding and with XDP forwarding.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

FAR_NS=${NS_PREFIX}-far
CLIENT=198.51.100.2 ROUTER=203.0.113.2 FAR=192.0.2.2
far() { in_ns "$FAR_NS" "$@"; }

paths_cleanup() {
	ip netns pids "$FAR_NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
	drops_cleanup
	ip netns del "$FAR_NS" 2>/dev/null || true
}

paths_topology_up() {
	nat_topology_up
	trap paths_cleanup EXIT
	ip netns add "$FAR_NS" && ip -n "$FAR_NS" link set lo up &&
		ip -n "$SRV_NS" link add veth1 type veth peer name veth0 netns "$FAR_NS" &&
		ip -n "$SRV_NS" addr add 192.0.2.1/24 dev veth1 &&
		ip -n "$FAR_NS" addr add "$FAR/24" dev veth0 &&
		ip -n "$SRV_NS" link set veth1 up && ip -n "$FAR_NS" link set veth0 up &&
		ip -n "$FAR_NS" route add default via 192.0.2.1 &&
		ip -n "$FW_NS" route add 192.0.2.0/24 via "$ROUTER" || fail "the far server's link"
	# the router forwards at most 1280 bytes to the far server, whose own
	# MTU (1500) gives the client an MSS of 1460
	srv ip route replace 192.0.2.0/24 dev veth1 proto kernel scope link src 192.0.2.1 mtu 1280 ||
		fail "route mtu 1280"
	srv sysctl -qw net.ipv4.ip_forward=1 || fail "the router's forwarding"
	# every probe answered: no ICMP rate limit on the hops
	for ns in "$FW_NS" "$SRV_NS" "$FAR_NS"; do
		in_ns "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 || fail "icmp_ratelimit in $ns"
	done
	far ethtool -K veth0 tx off >/dev/null || fail "tx off (far)"
	srv ethtool -K veth1 tx off >/dev/null || fail "tx off (router)"
	bg_in_ns "$FAR_NS" /usr/bin/python3 tests/e2e/upload.py serve 5001
}

# What the client's veth0 sends and gets, as capture_lib.sh's cap_start
# captures it but in immediate mode: tcpdump otherwise reads the kernel's
# ring a block at a time, and a capture stopped within a second of its
# last packet may have written none.
cap_begin() {   # file filter
	nsenter --net="/run/netns/$CLI_NS" tcpdump -i veth0 -n -U --immediate-mode -w "$1" "$2" 2>"$1.err" &
	CAP_PID=$!
	for _ in $(seq 100); do grep -qs "listening on" "$1.err" && return 0; sleep 0.05; done
	fail "tcpdump did not start: $(cat "$1.err")"
}

cap_stop() {
	sleep 0.2
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

# traceroute to the far server with method $2 (-U: UDP to port 53, a
# socket a probe; -I: ICMP echo): three hops, every probe answered, and
# the errors quote the client's probes.
trace() {   # label option
	local label="$1 traceroute $2" f=$DROPS_TMP/trace$2.$PASS.pcap out hops
	cap_begin "$f" "icmp or udp"
	out=$(cli timeout 30 traceroute -n "$2" -w 2 -m 5 "$FAR" 2>&1) || fail "$label: $out"
	cap_stop
	hops=$(awk 'NR > 1 { print $1, $2, NF }' <<<"$out")
	# "N  address  t ms  t ms  t ms": 8 fields when all three were answered
	expect_eq "$hops" "1 198.51.100.1 8
2 $ROUTER 8
3 $FAR 8" "$label: the hops ($out)"
	out=$(/usr/bin/python3 tests/e2e/icmp_quote.py "$f" "$CLIENT" "$ROUTER" 11 0) ||
		fail "$label: the router's Time Exceeded"
	echo "$label: router's Time Exceeded: $out"
	if [ "$2" = -U ]; then
		out=$(/usr/bin/python3 tests/e2e/icmp_quote.py "$f" "$CLIENT" "$FAR" 3 3) ||
			fail "$label: the far server's port unreachable"
		echo "$label: far server's port unreachable: $out"
	fi
}

learned_mtu() {   # the client's route to the far server: its mtu, if any
	cli ip -4 route get "$FAR" | awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1) }'
}

upload() {   # seconds
	cli /usr/bin/python3 tests/e2e/upload.py send "$FAR" 5001 262144 "$1"
}

# The control first: with no Fragmentation Needed the upload is stuck.
pmtu_black_hole() {   # label
	cli ip route flush cache || fail "$1: flush the client's route cache"
	expect_eq "$(learned_mtu)" "" "$1: the client's mtu to the far server before the upload"
	srv nft -f - <<-'NFT' || fail "$1: nft on the router"
		table ip paths {
			chain out {
				type filter hook output priority 0;
				icmp type destination-unreachable icmp code frag-needed drop
			}
		}
	NFT
	upload 3 2>/dev/null && fail "$1: the upload completed with no Fragmentation Needed: no black hole to test"
	srv nft delete table ip paths || fail "$1: nft delete"
	expect_eq "$(learned_mtu)" "" "$1: the client's mtu after the black-holed upload"
}

pmtu() {   # label
	local label="$1 PMTU" f=$DROPS_TMP/pmtu.$PASS.pcap out
	pmtu_black_hole "$label"
	cli ip route flush cache || fail "$label: flush the client's route cache"
	expect_eq "$(learned_mtu)" "" "$label: the client's mtu to the far server before the upload"
	cap_begin "$f" "icmp or (tcp and dst port 5001 and greater 1300)"
	upload 10 || fail "$label: the upload through the 1280-byte link did not complete"
	cap_stop
	expect_eq "$(learned_mtu)" 1280 "$label: the client's learned mtu to the far server"
	out=$(/usr/bin/python3 tests/e2e/icmp_quote.py "$f" "$CLIENT" "$ROUTER" 3 4) ||
		fail "$label: the router's Fragmentation Needed"
	echo "$label: router's Fragmentation Needed: $(tr '\n' ' ' <<<"$out")"
	has -x "mtu 1280" <<<"$out" || fail "$label: next-hop MTUs quoted: $out"
}

one_pass() {   # label, attach words...
	local label=$1 out
	shift
	PASS=$((PASS + 1))
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "$label: attach: $out"
	commit_nat "${NAT_ALL[@]}"
	trace "$label" -U
	trace "$label" -I
	pmtu "$label"
	expect_drops veth0 incoming-nat-errors "Incoming NAT errors:" 0
	expect_drops veth1 incoming-nat-errors "Incoming NAT errors:" 0
	sfw detach all >/dev/null || fail "$label: detach"
}

PASS=0
paths_topology_up
one_pass "stack forwarding"
one_pass "XDP forwarding" forward
echo "PASS"

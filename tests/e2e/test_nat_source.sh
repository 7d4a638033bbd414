#!/usr/bin/env bash
# source-nat interface end to end (docs/nat.md), through lib.sh's topology:
# the client (198.51.100.2, zone trust) reaches the server (203.0.113.2,
# zone untrust) from the firewall's veth1 address, 203.0.113.1. The server
# has no route back to the client's network, so only a translated packet
# can be answered at all, and its sockets name the peer it saw:
#   - nc TCP and nc UDP: the server's sockets see 203.0.113.1 (the client's
#     own port, free and below the firewall namespace's ephemeral ports
#     32768..60999, kept), ping is answered, and the server's port
#     unreachable about a translated datagram reaches the client's socket;
#   - the sessions show the translation (Out wing to 203.0.113.1, Source NAT
#     pool: interface), `session nat` lists only translated sessions;
#   - clearing a session frees its port reservation;
#   - a deny policy still denies, under Policy denied.
# Run twice: with the stack forwarding (the client's packets go up
# untranslated and tc egress translates them: the kernel drops a packet
# from its own address) and with XDP forwarding (XDP translates).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

drops_up_nat() {   # attach words...
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "attach $*: $out"
	commit_lines "${NAT_ZONES[@]}" \
		"set security policies from-zone trust to-zone untrust policy no-ssh match source-address any destination-address any application junos-ssh" \
		"set security policies from-zone trust to-zone untrust policy no-ssh then deny" \
		"${NAT_OUT[@]}" "${NAT_RULE_SET[@]}" "${NAT_ALL[@]}"
}

ports_held() {   # port reservations in the datapath (include/nat.h)
	bpftool map dump pinned "$SFW_PIN_ROOT/sfw_nat_ports" -j | jq length
}

# The peer the server's socket on port $1 ($2: -t or -u; $3: the state) saw.
server_peer() {
	srv ss -Hn "$2" state "$3" "( sport = :$1 )" | awk '$NF != "*:*" && $NF != "0.0.0.0:*" { print $NF; exit }'
}

one_pass() {   # label, client port base, attach words...
	local label=$1 tp=$(($2 + 80)) up=$(($2 + 53)) out sess
	shift 2
	drops_up_nat "$@"
	expect_eq "$(ports_held)" 0 "$label: ports held before any flow"
	tcp_server 80
	tcp_server 22
	for i in $(seq 50); do srv ss -Hlnt 'sport = :22' | has . && break; sleep 0.1; done

	# TCP: held open by the client's nc while the server is looked at
	bg_in_ns "$CLI_NS" sh -c "sleep 4 | nc -p $tp 203.0.113.2 80"
	for i in $(seq 40); do [ -n "$(server_peer 80 -t established)" ] && break; sleep 0.1; done
	expect_eq "$(server_peer 80 -t established)" "203.0.113.1:$tp" "$label: the TCP server's peer"

	# UDP: nc -u -l takes the first peer as its connected one
	bg_in_ns "$SRV_NS" nc -u -l 5353
	sleep 0.3
	echo hi | cli nc -u -w 1 -p $up 203.0.113.2 5353 || true
	for i in $(seq 20); do [ -n "$(server_peer 5353 -u all)" ] && break; sleep 0.1; done
	expect_eq "$(server_peer 5353 -u all)" "203.0.113.1:$up" "$label: the UDP server's peer"

	# an ICMP error about a translated flow (the server's port unreachable
	# to 203.0.113.1) is translated back and reaches the client's socket
	cli /usr/bin/python3 - <<'PY' || fail "$label: the port unreachable did not reach the client"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect(("203.0.113.2", 9))
s.send(b"x")
try:
    s.recv(16)
except ConnectionRefusedError:
    sys.exit(0)
except OSError:
    pass
sys.exit(4)
PY

	# ICMP echo: the server can answer only the translated source
	cli ping -c 2 -i 0.2 -W 2 -q 203.0.113.2 >/dev/null || fail "$label: ping through source NAT"

	out=$(sfw show security flow session nat protocol tcp)
	has -F "  In: 198.51.100.2/$tp --> 203.0.113.2/80;tcp" <<<"$out" ||
		fail "$label: TCP session's In wing: $out"
	has -F "  Out: 203.0.113.2/80 --> 203.0.113.1/$tp;tcp" <<<"$out" ||
		fail "$label: TCP session's Out wing: $out"
	out=$(sfw show security flow session nat protocol udp extensive)
	has -F "   Out: 203.0.113.2/5353 --> 203.0.113.1/$up;udp" <<<"$out" ||
		fail "$label: UDP session's Out wing: $out"
	has -x "Source NAT pool: interface" <<<"$out" ||
		has "^Source NAT pool: interface," <<<"$out" || fail "$label: Source NAT pool: $out"
	out=$(sfw show security flow session nat protocol icmp)
	has -E "  Out: 203.0.113.2/0 --> 203.0.113.1/[0-9]+;icmp" <<<"$out" ||
		fail "$label: ICMP session's Out wing: $out"
	expect_eq "$(ports_held)" 4 "$label: ports held by TCP, two UDP and ICMP"
	# a session of the host's own is no translated one
	fw ping -c 1 -W 2 -q 203.0.113.2 >/dev/null || fail "$label: the firewall's own ping"
	sess=$(sfw show security flow session nat | grep -c '^Session ID')
	expect_eq "$sess" 4 "$label: sessions listed by 'nat'"

	# clear frees the port
	out=$(sfw clear security flow session protocol udp 2>&1) || fail "$label: clear: $out"
	expect_eq "$(ports_held)" 2 "$label: ports held after clearing the UDP sessions"

	# deny still denies
	before=$(drop_count veth0 policy-denied 'Policy denied:')
	cli nc -z -w 2 203.0.113.2 22 && fail "$label: SSH passed the deny policy"
	after=$(drop_count veth0 policy-denied 'Policy denied:')
	[ "$after" -gt "$before" ] || fail "$label: the SSH SYN was not counted under Policy denied"
	expect_eq "$(sfw show security flow session destination-port 22 | grep -c '^Session ID')" 0 \
		"$label: sessions to SSH"

	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	BG_PIDS=()
	wait 2>/dev/null || true
	sfw detach all >/dev/null || fail "$label: detach"
}

nat_topology_up

one_pass "stack forwarding" 20000
one_pass "XDP forwarding" 21000 forward
echo "PASS"

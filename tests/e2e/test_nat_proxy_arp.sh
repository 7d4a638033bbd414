#!/usr/bin/env bash
# proxy-arp end to end (docs/nat.md "Proxy ARP and NDP"), through lib.sh's
# topology: the client (198.51.100.2, zone trust) reaches the server
# (203.0.113.2, zone untrust) from source pool P, 203.0.113.10 to
# 203.0.113.11: addresses of the server's own flat subnet that the
# firewall does not own. The server has no route but the subnet's
# (on-link): it asks ARP for the pool address to answer it.
#   - without proxy-arp nothing answers that ARP: the client's TCP connect
#     gets no answer, the server's neighbour entry for the pool stays
#     unresolved;
#   - with `proxy-arp interface veth1` for the pool, XDP answers with
#     veth1's MAC: the connect is answered (TCP and a UDP round trip), the
#     server's neighbour entry for the pool address is veth1's MAC, and
#     veth1 counts the answers under `Proxy ARP answered` (text and JSON
#     agree), none under the drop reasons;
#   - a request for the firewall's own address (203.0.113.1) is still
#     answered, by the kernel.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

POOL=(
	"set security nat source pool P address 203.0.113.10/32 to 203.0.113.11/32"
	"set security nat source rule-set inside-out rule all match source-address 198.51.100.0/24"
	"set security nat source rule-set inside-out rule all then source-nat pool P"
)
PROXY="set security nat proxy-arp interface veth1 address 203.0.113.10/32 to 203.0.113.11/32"

# The client's TCP connect to the server's port 80, answered in 2 s?
connects() { cli nc -z -w 2 203.0.113.2 80 >/dev/null 2>&1; }

# The server's neighbour entry for address $1: "lladdr state", or nothing.
srv_neigh() {
	srv ip neigh show "$1" dev veth0 |
		awk '{ for (i = 1; i <= NF; i++) if ($i == "lladdr") l = $(i + 1); s = $NF }
		     END { if (NR) print l, s }'
}

nat_topology_up
# Generic XDP: a native program's XDP_TX on a veth reaches the peer only
# when the peer runs XDP itself (test_policies.sh), which the server's end
# does not; on a NIC native mode answers alike
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
tcp_server 80
for i in $(seq 50); do srv ss -Hlnt 'sport = :80' | has . && break; sleep 0.1; done
fw_mac=$(fw ip -o link show veth1 | grep -o 'link/ether [^ ]*' | cut -d' ' -f2)
[ -n "$fw_mac" ] || fail "no MAC for veth1"

# without proxy-arp: the server's SYN-ACK has no neighbour to go to
commit_nat "${POOL[@]}"
connects && fail "without proxy-arp: the connect was answered"
for a in 203.0.113.10 203.0.113.11; do
	n=$(srv_neigh "$a")
	[[ "$n" == *REACHABLE* || "$n" == *STALE* ]] &&
		fail "without proxy-arp: the server resolved $a: $n"
done
expect_eq "$(fw tests/e2e/counter.py veth1 SFW_PROXY_ARP)" 0 "answers without proxy-arp"

# with it: answered by XDP with veth1's MAC
srv ip neigh flush dev veth0
sfw clear security flow session all >/dev/null || fail "clear sessions"
commit_nat "${POOL[@]}" "$PROXY"
connects || fail "with proxy-arp: the connect was not answered"
# the client's flows leave from one address of the pool (address-persistent)
resolved=
for a in 203.0.113.10 203.0.113.11; do
	n=$(srv_neigh "$a")
	[ "${n%% *}" = "$fw_mac" ] && resolved+=" $a"
done
[ -n "$resolved" ] || fail "the server's neighbours for the pool: not veth1's $fw_mac: $(srv ip neigh)"

bg_in_ns "$SRV_NS" /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
while True:
    d, a = s.recvfrom(64)
    s.sendto(d, a)'
sleep 0.3
got=$(cli /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"ping", ("203.0.113.2", 5353))
print(s.recv(64).decode())' 2>&1)
expect_eq "$got" "ping" "with proxy-arp: the UDP round trip"

answered=$(jval veth1 sfw-statistics proxy-arp-answered)
[ "$answered" -ge 1 ] || fail "veth1's Proxy ARP answered: '$answered'"
expect_eq "$(tval veth1 '    sfw statistics' 'Proxy ARP answered:')" "$answered" \
	"Proxy ARP answered, text and JSON"
expect_eq "$(fw tests/e2e/counter.py veth1 SFW_PROXY_ARP)" "$answered" "the counter itself"
expect_other_drops_zero veth1

# the firewall's own address: the kernel answers, XDP passes it up (the
# servers gone first: a half-open connection of the first part would ask
# for the pool again)
for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
BG_PIDS=()
wait 2>/dev/null || true
answered=$(jval veth1 sfw-statistics proxy-arp-answered)
srv ip neigh flush dev veth0
srv ping -c 1 -W 1 203.0.113.1 >/dev/null 2>&1 || true
n=$(srv_neigh 203.0.113.1)
[ "${n%% *}" = "$fw_mac" ] || fail "the server's neighbour for 203.0.113.1: '$n'"
expect_eq "$(jval veth1 sfw-statistics proxy-arp-answered)" "$answered" \
	"the firewall's own address answered by proxy"
echo "PASS"

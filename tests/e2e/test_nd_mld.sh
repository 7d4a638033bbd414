#!/usr/bin/env bash
# ICMPv6 neighbour discovery and MLD pass untracked only when they are what
# they claim (docs/security.md "ICMPv6 neighbour discovery and MLD"), for
# real through the topology of lib.sh (veth0 in zone trust, veth1 in
# untrust, deny-all but ping):
#   - neighbour discovery itself keeps working: with every neighbour cache
#     flushed, ping6 through the firewall and to it succeed under deny-all,
#     and under permit-all both ways;
#   - forged messages from the client to the server never get there (the
#     server's capture holds none of them) and count as Policy denied: a
#     neighbour solicitation with hop limit 64 (a router forwarded it, or
#     someone forged it), one with hop limit 255 to a host behind the
#     firewall (a router never forwards ND), a router advertisement from a
#     global address, an MLDv2 report from a global source with hop limit
#     64 (off-link MLD).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/capture_lib.sh

CLI6=2001:db8:1::2 SRV6=2001:db8:2::2
drops_up
ZONES=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1'
	'set security policies from-zone trust to-zone untrust policy ping match source-address any destination-address any application [ junos-icmp-ping junos-ping6 ]'
	'set security policies from-zone trust to-zone untrust policy ping then permit')
forge() { cli /usr/bin/python3 "$E2E/forge.py" "$@" || fail "forge.py $*"; }
denied() { drop_count veth0 policy-denied 'Policy denied:'; }
flush_neighbours() {
	for ns in "$CLI_NS" "$FW_NS" "$SRV_NS"; do
		ip -n "$ns" -6 neigh flush all || fail "flush neighbours in $ns"
	done
}

# ---- deny-all: real neighbour discovery works, forged messages do not -------
commit_lines "${ZONES[@]}" 'set security policies default-policy deny-all'
flush_neighbours
cli ping -6 -c 2 -i 0.2 -W 2 -q "$SRV6" >/dev/null || fail "ping6 through the firewall, caches flushed"
clear_counters
cap_start "$SRV_NS" "$DROPS_TMP/nd.pcap" "icmp6 and src host $CLI6"
forge icmp6 135 "$CLI6" "$SRV6" 64 + icmp6 135 "$CLI6" "$SRV6" 255 \
	+ icmp6 134 "$CLI6" "$SRV6" 255 + icmp6 143 "$CLI6" "$SRV6" 64
cli ping -6 -c 1 -W 2 -q "$SRV6" >/dev/null || fail "the marker ping6"
cap_wait "$DROPS_TMP/nd.pcap" "icmp6 and ip6[40] == 128"
expect_eq "$(cap_count "$DROPS_TMP/nd.pcap" "icmp6 and ip6[40] >= 130 and ip6[40] <= 143")" 0 \
	"forged ND and MLD the server received"
expect_eq "$(denied)" 4 "Policy denied: every forged message"
expect_other_drops_zero veth0 policy-denied

# ---- permit-all: neighbour discovery and ping6 both ways -------------------
commit_lines 'set security policies default-policy permit-all'
flush_neighbours
clear_counters
cli ping -6 -c 2 -i 0.2 -W 2 -q "$SRV6" >/dev/null || fail "ping6 client to server"
srv ping -6 -c 2 -i 0.2 -W 2 -q "$CLI6" >/dev/null || fail "ping6 server to client"
fw ping -6 -c 1 -W 2 -q "$CLI6" >/dev/null || fail "ping6 from the firewall"
expect_other_drops_zero veth0
expect_other_drops_zero veth1
echo "ok nd/mld: only real neighbour discovery and MLD pass untracked"

#!/usr/bin/env bash
# proxy-ndp end to end (docs/nat.md "Proxy ARP and NDP"), through lib.sh's
# topology: the server (2001:db8:2::2, zone untrust) shares the
# firewall's segment 2001:db8:2::/64 (veth1 2001:db8:2::1) and solicits
# 2001:db8:2::10, an address of it the firewall does not own.
#   - without proxy-ndp nothing answers: the server's neighbour entry
#     stays unresolved;
#   - with `proxy-ndp interface veth1` for 2001:db8:2::10 to ::11, XDP
#     answers with veth1's MAC: the server's kernel takes the
#     advertisement (its checksum and Solicited flag checked by the
#     kernel's ndisc, not by sfw's code) and `ip -6 neigh` shows the
#     address at veth1's MAC, REACHABLE; veth1 counts the answers under
#     `Proxy NDP answered` (text and JSON agree), none under the drop
#     reasons (but the pings that made the server ask, denied by policy);
#   - a solicitation for the firewall's own address (2001:db8:2::1) is
#     still answered, by the kernel, and not counted.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

PROXY="set security nat proxy-ndp interface veth1 address 2001:db8:2::10/128 to 2001:db8:2::11/128"

# The server's neighbour entry for address $1: "lladdr state", or nothing.
srv_neigh() {
	srv ip -6 neigh show "$1" dev veth0 |
		awk '{ for (i = 1; i <= NF; i++) if ($i == "lladdr") l = $(i + 1); s = $NF }
		     END { if (NR) print l, s }'
}

# The server solicits $1 (a ping makes its kernel ask), fresh.
solicit() {
	srv ip -6 neigh flush dev veth0
	srv ping -6 -c 1 -W 1 "$1" >/dev/null 2>&1 || true
}

# Generic XDP: a native program's XDP_TX on a veth reaches the peer only
# when the peer runs XDP itself (test_policies.sh), which the server's end
# does not
drops_up mode generic
fw_mac=$(fw ip -o link show veth1 | grep -o 'link/ether [^ ]*' | cut -d' ' -f2)
[ -n "$fw_mac" ] || fail "no MAC for veth1"

# without proxy-ndp: nothing answers
commit_lines "${NAT_ZONES[@]}" "${NAT_OUT[@]}"
solicit 2001:db8:2::10
n=$(srv_neigh 2001:db8:2::10)
[[ "$n" == *REACHABLE* || "$n" == *STALE* || "$n" == *DELAY* ]] &&
	fail "without proxy-ndp: the server resolved 2001:db8:2::10: $n"
expect_eq "$(fw tests/e2e/counter.py veth1 SFW_PROXY_NDP)" 0 "answers without proxy-ndp"

# with it: answered by XDP with veth1's MAC
commit_lines "${NAT_ZONES[@]}" "${NAT_OUT[@]}" "$PROXY"
for a in 2001:db8:2::10 2001:db8:2::11; do
	solicit "$a"
	n=$(srv_neigh "$a")
	[ "${n%% *}" = "$fw_mac" ] ||
		fail "the server's neighbour for $a: '$n', not veth1's $fw_mac: $(srv ip -6 neigh)"
	[[ "$n" == *REACHABLE* || "$n" == *STALE* || "$n" == *DELAY* ]] ||
		fail "the server's neighbour for $a not resolved: '$n'"
done
solicit 2001:db8:2::12
n=$(srv_neigh 2001:db8:2::12)
[ "${n%% *}" = "$fw_mac" ] && fail "2001:db8:2::12, past the range, answered: $n"

answered=$(jval veth1 sfw-statistics proxy-ndp-answered)
[ "$answered" -ge 2 ] || fail "veth1's Proxy NDP answered: '$answered'"
expect_eq "$(tval veth1 '    sfw statistics' 'Proxy NDP answered:')" "$answered" \
	"Proxy NDP answered, text and JSON"
expect_eq "$(fw tests/e2e/counter.py veth1 SFW_PROXY_NDP)" "$answered" "the counter itself"
# the pings' echoes, untrust to untrust, are denied: nothing else is
expect_other_drops_zero veth1 policy-denied

# the firewall's own address: the kernel answers, XDP passes it up
solicit 2001:db8:2::1
n=$(srv_neigh 2001:db8:2::1)
[ "${n%% *}" = "$fw_mac" ] || fail "the server's neighbour for 2001:db8:2::1: '$n'"
expect_eq "$(jval veth1 sfw-statistics proxy-ndp-answered)" "$answered" \
	"the firewall's own address answered by proxy"
echo "PASS"

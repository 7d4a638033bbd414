#!/usr/bin/env bash
# No route present, for real (topology in lib.sh): discarding routes in the
# firewall namespace (blackhole, unreachable, prohibit; IPv4 and IPv6). A
# first packet towards them is dropped in XDP and counted; the connected
# server next to them is still reached. (The route is looked up for every
# new session whether XDP forwards or not; this runs with the default.)
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
fw ip route add blackhole 203.0.113.128/25 || fail "blackhole route"
fw ip route add unreachable 203.0.113.64/26 || fail "unreachable route"
fw ip route add prohibit 203.0.113.32/27 || fail "prohibit route"
fw ip -6 route add blackhole 2001:db8:3::/48 || fail "IPv6 blackhole route"
noroute() { drop_count veth0 no-route-present 'No route present:'; }
ping_fails() { cli ping "$@" -c 2 -i 0.2 -W 1 -q >/dev/null && fail "ping $* passed"; }

clear_counters
ping_fails 203.0.113.200
expect_eq "$(noroute)" 2 "blackhole"
ping_fails 203.0.113.70
expect_eq "$(noroute)" 4 "unreachable"
ping_fails 203.0.113.40
expect_eq "$(noroute)" 6 "prohibit"
ping_fails -6 2001:db8:3::1
expect_eq "$(noroute)" 8 "IPv6 blackhole"
cli /usr/bin/python3 "$E2E/drops.py" syn 203.0.113.129 80 3 45000 || fail "SYNs"
expect_eq "$(noroute)" 11 "TCP SYNs to the blackhole"
cli ping -c 2 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null || fail "ping the server"
expect_eq "$(noroute)" 11 "the server has a route"
expect_eq "$(sfw show security flow session --json |
	jq '.["flow-session-information"]["displayed-session-count"]')" 1 \
	"a session for the server only"
expect_other_drops_zero veth0 no-route-present
echo "ok drops: no route present"

#!/usr/bin/env bash
# Address spoofing, for real (topology in lib.sh): the client's zone has a
# screen with `ip spoofing`. A datagram from the client namespace whose
# source is in the server's subnet (a reply to it would leave through
# veth1, not veth0) is dropped and counted, IPv4 and IPv6; a source that
# no route leads back to at all is spoofed too; genuine traffic passes. The
# server's zone has no screen: the zone-level reverse-path check, which
# every zone gets, refuses a source of the client's zone from there.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
bg_in_ns "$SRV_NS" "$E2E/udp.py" serve 7
commit_lines 'set security screen ids-option trust-screen ip spoofing' \
	'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone trust screen trust-screen' \
	'set security zones security-zone untrust interfaces veth1' \
	'set security policies default-policy permit-all'
clear_counters
spoofed() { drop_count "$1" address-spoofing 'Address spoofing:'; }
udp_from() {   # ns src dst sport
	in_ns "$1" /usr/bin/python3 "$E2E/drops.py" udp "$2" "$3" 7 "$4" || fail "send from $2"
}

udp_from "$CLI_NS" 203.0.113.77 203.0.113.2 40001
expect_eq "$(spoofed veth0)" 1 "IPv4 source of the server's subnet from the client side"
udp_from "$CLI_NS" 2001:db8:2::77 2001:db8:2::2 40002
expect_eq "$(spoofed veth0)" 2 "IPv6 source of the server's subnet from the client side"
# the firewall's own address as a source is spoofed as well
udp_from "$CLI_NS" 203.0.113.1 203.0.113.2 40003
expect_eq "$(spoofed veth0)" 3 "the firewall's own address"
expect_eq "$(sfw show security flow session protocol udp --json |
	jq '.["flow-session-information"]["displayed-session-count"]')" 0 "no session for a spoofed packet"

# genuine traffic from the client passes the screen
cli "$E2E/udp.py" send 40004 203.0.113.2 7 || fail "genuine UDP from the client"
cli ping -c 2 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null || fail "genuine ping from the client"
cli ping -6 -c 2 -i 0.2 -W 1 -q 2001:db8:2::2 >/dev/null || fail "genuine ping6 from the client"
# a client-subnet address that is not the client's routes back through
# veth0 all the same: the screen checks the path, not the host
udp_from "$CLI_NS" 198.51.100.99 203.0.113.2 40005
expect_eq "$(spoofed veth0)" 3 "a source on the right side is not spoofing"
expect_other_drops_zero veth0 address-spoofing

# untrust has no screen, but a source that routes back by another zone is
# refused all the same (the zone-level reverse-path check every transit
# first packet gets, docs/security.md "Sessions are bound to their
# zones"); the screen's own statistics do not count it
udp_from "$SRV_NS" 198.51.100.77 198.51.100.2 40006
expect_eq "$(spoofed veth1)" 1 "a source of trust's side from untrust, no screen"
out=$(sfw show security screen statistics zone trust) || fail "screen statistics"
expect_eq "$(grep '^  IP spoofing ' <<<"$out" | awk '{ print $NF }')" 3 "screen statistics, IP spoofing"
expect_eq "$(sfw show security screen statistics zone trust --json |
	jq '.["screen-statistics-information"]["screen-statistics"]["ip-spoofing"]')" 3 \
	"screen statistics JSON, IP spoofing"
echo "ok drops: address spoofing"

#!/usr/bin/env bash
# The map of the host's own addresses (include/local_addr.h), which tc
# egress asks whether a forwarded packet's source is the host's
# (bpf/tc_judged.bpf.h sfw_tc_src_own): attach fills it with the firewall
# namespace's addresses (lo's and both veths', both families), and the
# session daemon attach started follows them: an address added to an
# interface after attach appears in it, a removed one leaves it, a
# secondary one too. Read by bpftool, not by sfw. The other namespaces'
# addresses never appear (the daemon listens in the firewall's).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

MAP=$SFW_PIN_ROOT/sfw_local_addrs

# the map's key for an address (struct sfw_local_addr_key): 16 address
# bytes, the family (4 or 6), 3 zero bytes, as bpftool's hex words
key_of() {
	/usr/bin/python3 -c '
import ipaddress, sys
a = ipaddress.ip_address(sys.argv[1])
b = a.packed.ljust(16, b"\0") + bytes([a.version, 0, 0, 0])
print(" ".join("%02x" % x for x in b))' "$1"
}
held() { bpftool map lookup pinned "$MAP" key hex $(key_of "$1") >/dev/null 2>&1; }
# waits up to 5 s for the daemon to make held "$1" answer $2 (yes/no)
wait_held() {   # address yes|no what
	for _ in $(seq 50); do
		if held "$1"; then [ "$2" = yes ] && return 0
		else [ "$2" = no ] && return 0; fi
		sleep 0.1
	done
	fail "$3: $1 $([ "$2" = yes ] && echo "not in" || echo "still in") $MAP"
}

topology_up
sfw attach veth0 >/dev/null || fail "attach veth0"
sfw attach veth1 >/dev/null || fail "attach veth1"

for a in 127.0.0.1 ::1 198.51.100.1 2001:db8:1::1 203.0.113.1 2001:db8:2::1; do
	held "$a" || fail "attach did not fill $MAP with $a"
done
held 198.51.100.2 && fail "the client's address (another namespace) is in $MAP"
held 203.0.113.255 && fail "a broadcast is in $MAP"

# added after attach: the daemon hears it
ip -n "$FW_NS" addr add 192.0.2.1/24 dev veth1
ip -n "$FW_NS" addr add 192.0.2.2/24 dev veth1   # secondary
ip -n "$FW_NS" addr add 2001:db8:3::1/64 dev veth0 nodad
wait_held 192.0.2.1 yes "an IPv4 address added after attach"
wait_held 192.0.2.2 yes "a secondary IPv4 address added after attach"
wait_held 2001:db8:3::1 yes "an IPv6 address added after attach"

# removed: it leaves the map; what stays, stays
ip -n "$FW_NS" addr del 192.0.2.2/24 dev veth1
ip -n "$FW_NS" addr del 2001:db8:3::1/64 dev veth0
wait_held 192.0.2.2 no "a removed secondary address"
wait_held 2001:db8:3::1 no "a removed IPv6 address"
held 192.0.2.1 || fail "192.0.2.1 left $MAP with its secondary"
held 198.51.100.1 || fail "198.51.100.1 left $MAP"

# an address on another namespace's interface is never the firewall's
ip -n "$SRV_NS" addr add 192.0.2.99/32 dev veth0
sleep 0.5
held 192.0.2.99 && fail "the server namespace's address is in $MAP"
echo "PASS: test_local_addrs"

#!/usr/bin/env bash
# Zones follow interface names, not indexes (review rv32b F3, notes/rv32.md).
# The datapath's zones map is keyed by interface index; the index of a
# deleted interface can be given to the next one (`ip link add ... index
# N`), which was judged as the old one's zone until the next commit, and an
# interface named in the configuration but created after the commit was in
# no zone until then. The session daemon (which attach starts) recomputes
# the zones of the configuration in force from its names on every link
# change. The replacement interfaces here are not attached: what the
# stack forwards from them is judged by their zone at veth1's tc egress.
#   1. trust's veth0 deleted, vethx (in no configuration) made with its
#      index: its zone entry goes, trust's traffic from it is dropped;
#   2. vethn, named in trust but created after the commit: its zone comes
#      without a commit, the same traffic passes;
#   3. vethn renamed vethr: out of trust again.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

FAILED=0
bad() { echo "FAIL: $*" >&2; FAILED=1; }

# Both generations' interface indexes in the zones map (the one out of
# force is empty once a commit is done).
zone_ifindexes() {
	bpftool map dump pinned "$SFW_PIN_ROOT/sfw_zones" -j |
		jq -r '.[].formatted.key.ifindex' | sort -n | tr '\n' ' '
}
has_zone() { [[ " $(zone_ifindexes)" == *" $1 "* ]]; }

# Waits up to 5 s for ifindex $1's zone entry to be there (want=1) or not.
wait_zone() {   # ifindex want
	local i
	for i in $(seq 50); do
		if has_zone "$1"; then [ "$2" = 1 ] && return 0
		else [ "$2" = 0 ] && return 0; fi
		sleep 0.1
	done
	return 1
}

# The client's link anew: the firewall's side named $1 (with index $2
# when given), the client's veth0 with its address and route.
client_link() {   # fw-name [index]
	ip -n "$FW_NS" link add "$1" ${2:+index "$2"} type veth peer name veth0 netns "$CLI_NS" ||
		fail "cannot make $1"
	ip -n "$FW_NS" addr add 198.51.100.1/24 dev "$1"
	ip -n "$CLI_NS" addr add 198.51.100.2/24 dev veth0
	ip -n "$FW_NS" link set "$1" up
	ip -n "$CLI_NS" link set veth0 up
	ip -n "$CLI_NS" route add default via 198.51.100.1
}

client_ping() { cli ping -c 3 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null; }

drops_up
commit_lines 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone trust interfaces vethn' \
	'set security zones security-zone untrust interfaces veth1' \
	'set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any' \
	'set security policies from-zone trust to-zone untrust policy out then permit' \
	'set security policies default-policy deny-all'
client_ping || fail "trust to untrust by veth0 before any change"
n=$(ifindex "$FW_NS" veth0)
has_zone "$n" || fail "veth0 ($n) has no zone entry after the commit"

# 1. an index reused by an interface the configuration does not name
ip -n "$FW_NS" link del veth0
client_link vethx "$n"
expect_eq "$(ifindex "$FW_NS" vethx)" "$n" "vethx took veth0's index"
if wait_zone "$n" 0; then echo "ok 1: index $n (now vethx) has no zone entry"
else bad "index $n (now vethx) kept veth0's zone entry: $(zone_ifindexes)"; fi
if client_ping; then bad "vethx (veth0's old index $n) is judged as trust: ping passed"
else echo "ok 1: traffic from vethx is dropped"; fi

# 2. an interface the configuration names, created after the commit
ip -n "$FW_NS" link del vethx
client_link vethn
m=$(ifindex "$FW_NS" vethn)
if wait_zone "$m" 1; then echo "ok 2: vethn ($m) got its zone without a commit"
else bad "vethn ($m) has no zone entry: $(zone_ifindexes)"; fi
if client_ping; then echo "ok 2: trust to untrust by vethn passes"
else bad "vethn is in no zone: ping dropped"; fi

# 3. renamed away from the configuration's name
ip -n "$FW_NS" link set vethn down
ip -n "$FW_NS" link set vethn name vethr
ip -n "$FW_NS" link set vethr up
if wait_zone "$m" 0; then echo "ok 3: vethr ($m, was vethn) has no zone entry"
else bad "vethr ($m) kept vethn's zone entry"; fi
if client_ping; then bad "vethr (was vethn) is judged as trust: ping passed"
else echo "ok 3: traffic from vethr is dropped"; fi

[ "$FAILED" = 0 ] || exit 1
echo "ok zones follow interface names"

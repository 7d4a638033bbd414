#!/usr/bin/env bash
# Red team 1205 F4: sfw parses frames that begin with an Ethernet header.
# On a layer-3 device (tun, WireGuard, GRE, IPIP, PPP) a packet begins
# at its IP header, which the parser reads as an unknown ethertype and
# passes untracked: attached there, sfw would let everything by. `attach`
# refuses such a device with one line and exit 1, attaches nothing to it,
# and still attaches the Ethernet interfaces named beside it. (Red
# before: `attach sfwtun0 mode generic`, the mode a device without native XDP
# takes, attached it.)
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=l3dev$$}"
source tests/e2e/lib.sh
trap topology_down EXIT
topology_up

fw ip tuntap add dev sfwtun0 mode tun || fail "cannot make a tun device"
fw ip link set sfwtun0 up

expect_attach_refused sfwtun0 \
	"sfw: sfwtun0: not an Ethernet interface (link type 65534): sfw parses Ethernet frames only" \
	sfwtun0 mode generic
echo "ok a layer-3 device is refused"

expect_attached_beside_refused veth0 sfwtun0 veth0 sfwtun0 mode generic
sfw detach all >/dev/null || fail "detach all"
echo "ok the Ethernet interface beside it is attached"
echo "PASS: test_attach_l3_device"

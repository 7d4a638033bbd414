#!/usr/bin/env bash
# Red team F8: a broadcast or group session's key carries the link tag of
# the interface it came in by (include/iface.h sfw_link_tag), 16 bits of
# the ifindex, so two interfaces whose indexes differ by 65535 (a
# container host that made and deleted that many) share it: a DHCP
# DISCOVER or OSPFv3 hello session opened on one would be found for the
# other's packets, refused as from another zone. `attach` refuses the
# second of two such with one line and exit 1, attaches nothing to it,
# still attaches the interfaces named before it, and attaches it once the
# first is detached. (Red before: 70000 and 4465 were both attached.)
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=ltag$$}"
source tests/e2e/lib.sh
trap topology_down EXIT
topology_up

# 70000 - 65535 = 4465: one tag (4466); ifindexes are per namespace
fw ip link add sfwhi index 70000 type veth peer name sfwhi-p index 70001 ||
	fail "cannot make a veth with ifindex 70000"
fw ip link add sfwlo index 4465 type veth peer name sfwlo-p index 4466 ||
	fail "cannot make a veth with ifindex 4465"
for d in sfwhi sfwhi-p sfwlo sfwlo-p; do fw ip link set "$d" up; done
expect_eq "$(ifindex "$FW_NS" sfwhi)" 70000 "sfwhi's ifindex"
expect_eq "$(ifindex "$FW_NS" sfwlo)" 4465 "sfwlo's ifindex"

sfw attach veth0 sfwhi mode generic >/dev/null || fail "attach veth0 sfwhi"
expect_attach_refused sfwlo \
	"sfw: cannot attach sfwlo (ifindex 4465): its link tag 4466 is sfwhi's (ifindex 70000), and broadcast and multicast sessions are kept apart by link tag; detach sfwhi, or re-create sfwlo for another ifindex" \
	sfwlo mode generic
echo "ok an interface whose link tag an attached one has is refused"

expect_attached_beside_refused veth1 sfwlo veth1 sfwlo mode generic
echo "ok the interface named before it is attached"

sfw detach sfwhi >/dev/null || fail "detach sfwhi"
sfw attach sfwlo mode generic >/dev/null || fail "attach sfwlo once sfwhi is detached"
sfw status | has -E '^sfwlo ' || fail "sfwlo not attached: $(sfw status)"
sfw attach sfwlo-p mode generic >/dev/null || fail "attach sfwlo-p (4466), a tag of its own"
sfw detach all >/dev/null || fail "detach all"
echo "ok it is attached once the other is detached"

# a registration outlives its interface until `detach`; a gone one holds
# no link (red team r47 RT47-9: it refused the new interface)
sfw attach sfwhi mode generic >/dev/null || fail "attach sfwhi again"
fw ip link del sfwhi || fail "cannot delete sfwhi"
sfw attach sfwlo mode generic >/dev/null || fail "attach sfwlo once sfwhi is gone"
sfw status | has -E '^sfwlo ' || fail "sfwlo not attached: $(sfw status)"
sfw detach all >/dev/null || fail "detach all, sfwhi gone"
echo "ok an interface deleted without detach does not refuse another"
echo "PASS: test_attach_link_tag"

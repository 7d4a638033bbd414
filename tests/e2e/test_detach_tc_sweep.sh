#!/usr/bin/env bash
# `sfw detach all` without sfw_ifaces (a pin of another layout, refused;
# or none) goes by the pinned XDP links, which cannot name an interface
# whose XDP link was detached outside sfw (it reads ifindex 0) or whose
# link pin was removed: review rv24 F5b found its tc egress filter left
# behind. Now the filter goes too, found by its program's maps (pinned
# under this pin root: loader/tc_sweep.c), and another instance's filter
# (another pin root: the same handle and priority, maps of the same names
# pinned elsewhere) on the other interface stays, with its XDP.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
OTHER=$SFW_PIN_ROOT-other
other() { SFW_PIN_ROOT=$OTHER fw "$SFW" "$@"; }
cleanup() {
	if [ -d "$OTHER" ]; then other detach all >/dev/null 2>&1 || true; fi
	rm -rf "$OTHER" "/run/sfw-$(basename "$OTHER")"
	topology_down
}
trap cleanup EXIT

xdp_on() { ip -n "$FW_NS" -d link show dev "$1" | grep -q 'prog/xdp'; }
tc_on() { [ -n "$(fw tc filter show dev "$1" egress)" ]; }
link_pin() { echo "$SFW_PIN_ROOT/links/xdp_$(ifindex "$FW_NS" "$1")"; }
# the id of the XDP link pinned for interface $1
link_id() { bpftool link show pinned "$(link_pin "$1")" | awk 'NR == 1 { print $1 + 0 }'; }
plant_ifaces() {
	rm -f "$SFW_PIN_ROOT/sfw_ifaces"
	bpftool map create "$SFW_PIN_ROOT/sfw_ifaces" type hash key 4 value 512 entries 4 \
		name sfw_ifaces || fail "bpftool map create sfw_ifaces"
}
# detach all, then: veth0 bare, veth1 still the other instance's
detach_all_leaves_the_other() {   # what
	out=$(sfw detach all 2>&1) || fail "detach all ($1): $out"
	tc_on veth0 && fail "detach all ($1) left the tc filter on veth0"
	xdp_on veth0 && fail "detach all ($1) left XDP on veth0"
	tc_on veth1 || fail "detach all ($1) removed the other instance's tc filter on veth1"
	xdp_on veth1 || fail "detach all ($1) removed the other instance's XDP on veth1"
	other show interfaces flow-statistics >/dev/null || fail "the other instance ($1)"
}

topology_up
other attach veth1 >/dev/null || fail "attach the other instance"

# an XDP link detached outside sfw, sfw_ifaces of another layout
sfw attach veth0 >/dev/null || fail "attach"
id=$(link_id veth0)
[ -n "$id" ] || fail "no XDP link pinned for veth0"
bpftool link detach id "$id" || fail "bpftool link detach id $id"
xdp_on veth0 && fail "XDP still on veth0 after bpftool link detach"
tc_on veth0 || fail "the tc filter went with the XDP link"
plant_ifaces
detach_all_leaves_the_other "a detached link, sfw_ifaces refused"

# the link pin removed, no sfw_ifaces
sfw attach veth0 >/dev/null || fail "attach again"
rm -f "$(link_pin veth0)" "$SFW_PIN_ROOT/sfw_ifaces"
detach_all_leaves_the_other "no link pin, no sfw_ifaces"
left=$(find "$SFW_PIN_ROOT" -name 'sfw_*' -o -name 'xdp_*')
expect_eq "$left" "" "pins detach all left"

other detach all >/dev/null || fail "detach all of the other instance"
tc_on veth1 && fail "the other instance's detach all left its tc filter"
echo "PASS: test_detach_tc_sweep"

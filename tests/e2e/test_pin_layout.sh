#!/usr/bin/env bash
# Pins of another layout (include/pin_layout.h): what an upgrade without
# `sfw detach all` leaves, or a map planted under an sfw name. A reader
# refuses such a pin in one line that says what to do and exits 1, never
# reading its values into buffers sized for ours (it crashed under ASan);
# and `sfw detach all`, the way out, still detaches every interface when
# the map it lists them from is the one of another layout: by the pinned
# XDP links, the tc filters with them, then the pins. Attach works again
# after it.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

# replace pin NAME by a map of TYPE, key KEY and value VALUE bytes: the
# old map lives on in the programs, as another version's would
plant() {   # name type key value
	rm -f "$SFW_PIN_ROOT/$1"
	bpftool map create "$SFW_PIN_ROOT/$1" type "$2" key "$3" value "$4" entries 4 \
		name "$1" || fail "bpftool map create $1"
}
xdp_on() { ip -n "$FW_NS" -d link show dev "$1" | grep -q 'prog/xdp'; }
tc_on() { [ -n "$(fw tc filter show dev "$1" egress)" ]; }

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
xdp_on veth0 && xdp_on veth1 && tc_on veth0 && tc_on veth1 || fail "attach left no hooks"
cli ping -c1 -W2 203.0.113.2 >/dev/null || fail "ping through sfw"

# a static NAT rule's counters 64 bytes per CPU larger than ours
plant sfw_nat_srule_stats percpu_array 4 256
out=$(sfw show security nat static rule all 2>&1)
expect_eq "$?" 1 "show security nat static rule all's exit status on a pin of another layout"
expect_eq "$(grep -c . <<<"$out")" 1 "lines it printed"
grep -q "^sfw: the pinned map $SFW_PIN_ROOT/sfw_nat_srule_stats has another layout (percpu_array, key 4, value 256 bytes) than this sfw expects (percpu_array, key 4, value [0-9]*): it comes from another sfw version; run \`sfw detach all\`, then attach again$" <<<"$out" ||
	fail "show security nat static rule all said: $out"

# the attached interfaces' map, larger values
plant sfw_ifaces hash 4 512
out=$(sfw show interfaces flow-statistics 2>&1)
expect_eq "$?" 1 "show interfaces flow-statistics' exit status"
grep -q "^sfw: the pinned map $SFW_PIN_ROOT/sfw_ifaces has another layout" <<<"$out" ||
	fail "show interfaces flow-statistics said: $out"
out=$(sfw status 2>&1)
expect_eq "$?" 1 "sfw status' exit status"
out=$(sfw attach veth0 2>&1)
expect_eq "$?" 1 "attach's exit status over sfw_ifaces of another layout"
grep -q "sfw_ifaces has another layout.*run \`sfw detach all\`, then attach again$" <<<"$out" ||
	fail "attach said: $out"

# from another namespace the links' interfaces are not there: refused,
# nothing detached (ifindexes here name other interfaces)
out=$("$SFW" detach all 2>&1)
expect_eq "$?" 1 "detach all's exit status from another network namespace"
grep -q "^sfw: $SFW_PIN_ROOT/links/xdp_[0-9]* attaches interface [0-9]* of another network namespace: run sfw detach all there$" <<<"$out" ||
	fail "detach all from another namespace said: $out"
xdp_on veth0 && tc_on veth1 || fail "detach all from another namespace detached"

out=$(sfw detach all 2>&1) || fail "detach all with sfw_ifaces of another layout: $out"
for i in veth0 veth1; do
	xdp_on "$i" && fail "detach all left XDP on $i"
	tc_on "$i" && fail "detach all left the tc filter on $i"
done
left=$(find "$SFW_PIN_ROOT" -name 'sfw_*' -o -name 'xdp_*')
expect_eq "$left" "" "pins detach all left"

sfw attach veth0 veth1 >/dev/null || fail "attach after detach all: $(sfw attach veth0 2>&1)"
sfw show interfaces flow-statistics >/dev/null || fail "show after attaching again"
cli ping -c1 -W2 203.0.113.2 >/dev/null || fail "ping through sfw attached again"
sfw detach all >/dev/null || fail "detach all"

# a map not sfw's at the exporter's status pin (review rv25 F4): never
# removed; the session daemon refuses to start over it, in one line,
# whole (attach passed on its first 255 bytes)
bpftool map create "$SFW_PIN_ROOT/sfw_metrics" type array key 4 value 8 entries 1 \
	name theirs || fail "bpftool map create sfw_metrics"
why="the pinned map $SFW_PIN_ROOT/sfw_metrics has another layout .*, and it is not sfw's map (the kernel names it 'theirs'): remove $SFW_PIN_ROOT/sfw_metrics by hand (\`sfw detach all\` leaves it), then attach again"
out=$(sfw attach veth0 2>&1)
expect_eq "$?" 1 "attach's exit status with a foreign sfw_metrics"
grep -q "^sfw: the session daemon did not start: $why$" <<<"$out" || fail "attach said: $out"
out=$(fw timeout 10 "$SFW" daemon stdout 2>&1)
expect_eq "$?" 1 "sfw daemon's exit status with a foreign sfw_metrics"
expect_eq "$(grep -c . <<<"$out")" 1 "lines sfw daemon printed"
grep -q "^sfw: $why$" <<<"$out" || fail "sfw daemon said: $out"
sfw detach all >/dev/null || fail "detach all with a foreign sfw_metrics"
# once failed under a loaded CI run, not reproduced since: say what was there
theirs=$(bpftool map show pinned "$SFW_PIN_ROOT/sfw_metrics" 2>&1)
grep -q "name theirs" <<<"$theirs" ||
	fail "the foreign sfw_metrics was removed: bpftool said '$theirs'; pins: $(ls "$SFW_PIN_ROOT" | tr '\n' ' '); daemons: $(pgrep -af 'sfw daemon' | tr '\n' ';')"
rm -f "$SFW_PIN_ROOT/sfw_metrics"
echo "PASS: test_pin_layout"

#!/usr/bin/env bash
# A cluster's secondary answers no proxy ARP (docs/ha.md "After a
# restart", docs/nat.md "Proxy ARP and NDP"), whatever made its pins anew.
# lib.sh's topology, one firewall in a configured chassis cluster (no
# keepalived: the test names the roles as its hook would), source pool
# 203.0.113.10-11 with `proxy-arp interface veth1`; the server, on veth1's
# segment, asks ARP for 203.0.113.10 with arping:
#   - keepalived's hook before the attach: `role secondary` with nothing
#     attached is recorded (exit 0), and the attach then answers nothing;
#     `role primary` answers;
#   - a secondary after `detach all` and attach (an upgrade whose maps
#     change layout demands one) still answers nothing; primary answers;
#   - no role named yet this boot (the record gone): an attach in a
#     cluster answers nothing;
#   - a promotion whose first step fails (the datapath's configuration
#     refused: a timeout of 0 written behind sfw's back) exits non-zero
#     with one line and leaves the node secondary, silent, and saying so
#     (review RV21-2: it used to say primary while answering nothing);
#     once the configuration is sound, the promotion succeeds;
#   - the whole role, not only the answering, after `detach all` and
#     attach: a recorded primary is primary (status and daemon) and
#     mirrors a new flow at once; a recorded secondary is secondary and
#     its daemon loads the zone's entries (the flow the primary mirrored)
#     as synced sessions, before keepalived's next transition (there is
#     none here).
# `show chassis cluster status` says `Proxy ARP/NDP answers: yes|no` each time.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

export SFW_RUN_DIR=/tmp/sfw-run-$NS_PREFIX
NAT_PROXY=(
	"set security nat source pool P address 203.0.113.10/32 to 203.0.113.11/32"
	"set security nat source rule-set inside-out rule all match source-address 198.51.100.0/24"
	"set security nat source rule-set inside-out rule all then source-nat pool P"
	"set security nat proxy-arp interface veth1 address 203.0.113.10/32 to 203.0.113.11/32"
)

cleanup() { drops_cleanup; rm -rf "$SFW_RUN_DIR"; }

# Does anything answer the server's ARP for the pool's first address?
answered() { srv arping -q -c 2 -w 3 -I veth0 203.0.113.10; }
expect_silent() {   # what
	answered && fail "$1: 203.0.113.10 answered"
	status_says no "$1"
}
expect_answers() {   # what
	answered || fail "$1: 203.0.113.10 not answered"
	status_says yes "$1"
}
status_says() {   # yes|no what
	local out
	out=$(sfw show chassis cluster status) || fail "$2: status failed"
	has -x "Proxy ARP/NDP answers: $1" <<<"$out" ||
		fail "$2: status does not say 'Proxy ARP/NDP answers: $1': $(grep Proxy <<<"$out")"
	[ "$(sfw show chassis cluster status --json | jq -r '."chassis-cluster-status"."proxy-answers"')" = \
		"$([ "$1" = yes ] && echo true || echo false)" ] || fail "$2: JSON proxy-answers"
}
role() {   # primary|secondary|disabled: as keepalived's hook asks
	local out
	out=$(sfw request chassis cluster role "$1" 2>&1) || fail "role $1: $out"
}
this_role() {
	sfw show chassis cluster status --json |
		jq -r '."chassis-cluster-status"."redundancy-group"[0]."device-stats"[0]."redundancy-group-status"'
}
attach() {
	sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
}
# The role the session daemon acts in, and its figures.
cluster_stat() {   # field
	sfw show chassis cluster statistics --json | jq -r ".\"chassis-cluster-statistics\".\"$1\""
}
# The flow from the client's UDP port $1, held here as loaded from the zone.
synced_flow() {   # sport
	[ "$(sfw show security flow session protocol udp source-port "$1" extensive --json |
		jq -r '."flow-session-information"."flow-session"[0]."synced-from-peer"')" = true ]
}
wait_until() {   # seconds what command...
	local secs=$1 what=$2 end=$((SECONDS + $1))
	shift 2
	until "$@"; do
		[ $SECONDS -lt $end ] || fail "timed out after ${secs}s waiting for $what"
		sleep 0.2
	done
}
mirrored_some() { [ "$(cluster_stat sessions-mirrored)" -ge 1 ]; }

nat_topology_up
trap cleanup EXIT
mkdir -p "$SFW_CONF_DIR"
cat >"$SFW_CONF_DIR/cluster.conf" <<EOF
set chassis cluster cluster-id 9
set chassis cluster node 0
set chassis cluster redundancy-group 1 node 0 priority 200
set chassis cluster redundancy-group 1 node 1 priority 100
set chassis cluster redundancy-group 1 virtual-address 198.51.100.1/24 interface veth0
set chassis cluster fabric interface veth1
set chassis cluster fabric local-address 192.0.2.1
set chassis cluster fabric peer-address 192.0.2.2
set chassis cluster conntrackd-config $SFW_RUN_DIR/conntrackd.conf
EOF

# keepalived's hook ran before sfw was attached
out=$(sfw request chassis cluster role secondary 2>&1) || fail "role secondary before attach: $out"
has "recorded" <<<"$out" || fail "role secondary before attach says: $out"
out=$(sfw show chassis cluster status) || fail "status before attach"
has -x "Role requested: secondary" <<<"$out" || fail "status before attach: $out"
has -x "Proxy ARP/NDP answers: no (sfw is not attached)" <<<"$out" || fail "status before attach: $out"
attach
commit_nat "${NAT_PROXY[@]}"
expect_silent "secondary named before the attach"
role primary
expect_answers "primary"
expect_eq "$(this_role)" primary "the role after the promotion"

# a secondary's pins made anew
role secondary
expect_silent "secondary"
sfw detach all >/dev/null || fail "detach all"
attach
expect_silent "secondary after detach all and attach"
role primary
expect_answers "primary after detach all and attach"
sfw detach all >/dev/null || fail "detach all"
attach
expect_answers "primary after detach all and attach again"

# no role named this boot: a cluster's attach waits for one, silent
rm -f "$SFW_RUN_DIR/cluster-role"
sfw detach all >/dev/null || fail "detach all"
attach
expect_silent "attach in a cluster with no role named"

# a promotion refused at its first step changes nothing and says so
role secondary
cfg=$SFW_PIN_ROOT/sfw_config
good=$(bpftool -j map lookup pinned "$cfg" key 0 0 0 0 | jq -r '.value | join(" ")') ||
	fail "read the config map"
bad="0x00 0x00 0x00 0x00 $(cut -d' ' -f5- <<<"$good")"   # timeout_s[0] = 0
# shellcheck disable=SC2086
bpftool map update pinned "$cfg" key 0 0 0 0 value $bad || fail "write the config map"
out=$(sfw request chassis cluster role primary 2>&1) && fail "a refused promotion succeeded: $out"
expect_eq "$(this_role)" secondary "the role after a refused promotion"
expect_silent "after a refused promotion"
expect_eq "$(wc -l <<<"$out")" 1 "lines of the refused promotion's error"
has "still secondary" <<<"$out" || fail "the refused promotion says: $out"
# shellcheck disable=SC2086
bpftool map update pinned "$cfg" key 0 0 0 0 value $good || fail "restore the config map"
role primary
expect_answers "primary after a refused promotion"

# the whole role after detach all and attach (docs/ha.md "After a
# restart"): before, the control map stayed empty until keepalived's next
# transition (status `disabled`), the daemon acting in no role. The flow
# goes to port 7, which the keep rule leaves untranslated: the mirror
# does not carry NAT sessions yet (docs/ha.md "The encoding")
commit_nat "${NAT_KEEP[@]}" "${NAT_PROXY[@]}"
sfw detach all >/dev/null || fail "detach all"
attach
expect_eq "$(this_role)" primary "the role after detach all and attach (primary recorded)"
expect_eq "$(cluster_stat role)" primary "the daemon's role after attach (primary recorded)"
expect_answers "primary restored by the attach"
send_udp 40001 7 2
wait_until 10 "the flow from port 40001 to be mirrored" mirrored_some
role secondary
sfw detach all >/dev/null || fail "detach all"
attach
expect_eq "$(this_role)" secondary "the role after detach all and attach (secondary recorded)"
expect_eq "$(cluster_stat role)" secondary "the daemon's role after attach (secondary recorded)"
expect_silent "secondary restored by the attach"
wait_until 10 "the mirrored flow from port 40001 to be loaded from the zone" synced_flow 40001
[ "$(cluster_stat sessions-loaded)" -ge 1 ] || fail "no session loaded: $(cluster_stat sessions-loaded)"
echo "PASS"

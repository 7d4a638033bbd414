#!/usr/bin/env bash
# The unfiltered summary and `status` read the datapath's session counters
# (docs/design.md, "Session counters") instead of walking the table: after
# real ping, TCP, UDP and IPv6 flows, a connection reset and a clear, they
# say what the pinned map holds (bpftool) and what the filtered summaries,
# which walk it, add up to. A clear that could not take its sessions back
# from the counters (no reaper) is refused rather than done behind them.
# The test owns the sweeper's timing: the reset session expires after
# tcp-rst-timeout (2 s), and the daemon attach started, sweeping a second
# apart, would remove it between two of the test's looks on a busy host.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
# a daemon that takes over from attach's, makes its first pass on the
# empty table and then waits an hour: nothing expires behind the test
daemon_info() { sfw status --json | jq -r ".[\"sfw-status\"][\"session-daemon\"][\"$1\"]"; }
bg_in_ns "$FW_NS" "$SFW" daemon sweep-interval 3600000
DAEMON=${BG_PIDS[-1]}
wait_until 30 "the test's daemon" eval '[ "$(daemon_info pid)" = "$DAEMON" ] &&
	[ "$(daemon_info sweep-passes)" -ge 1 ]'
start_flows

field() { awk -v k="$1" 'index($0, k) { sub(/.*: /, ""); print; exit }'; }   # label
summary() { sfw show security flow session "$@" summary; }
# the counters' summary against the map and the walks of both families
check() {   # what
	local all v4 v6 n
	all=$(summary) || fail "$1: summary"
	v4=$(summary family inet) || fail "$1: summary family inet"
	v6=$(summary family inet6) || fail "$1: summary family inet6"
	n=$(oracle | wc -l)
	expect_eq "$(field Sessions-in-use <<<"$all")" "$n" "$1: Sessions-in-use vs the map"
	expect_eq "$(( $(field 'Total sessions' <<<"$v4") + $(field 'Total sessions' <<<"$v6") ))" \
		"$n" "$1: the walks' totals"
	for k in 'Valid sessions' 'Invalidated sessions'; do
		expect_eq "$(field "$k" <<<"$all")" \
			"$(( $(field "$k" <<<"$v4") + $(field "$k" <<<"$v6") ))" "$1: $k"
	done
	expect_eq "$(sfw status --json | jq -r '.["sfw-status"]["active-sessions"]')" "$n" \
		"$1: status"
	expect_eq "$(sfw show security flow session summary --json |
		jq -r '.["flow-session-summary-information"]["active-sessions"]')" "$n" "$1: JSON"
}

check "nine flows"
expect_eq "$(summary | field 'Invalidated sessions')" 0 "nothing invalidated yet"

# a connection the client resets: CLOSED, Invalidated until it is removed
cli /usr/bin/python3 -c 'import socket, struct
s = socket.create_connection(("203.0.113.2", 80), timeout=2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()' || fail "reset connection"
wait_until 5 "the reset session" eval 'oracle | grep -q "tcp=CLOSED"'
check "a reset connection"
expect_eq "$(summary | field 'Invalidated sessions')" 1 "the reset session is Invalidated"

sfw clear security flow session protocol udp >/dev/null || fail "clear udp"
check "UDP cleared"
expect_eq "$(summary protocol udp | field 'Total sessions')" 0 "no UDP session left"

# without the reaper nothing may be removed behind the counters' back
n=$(summary | field Sessions-in-use)
rm "$SFW_PIN_ROOT/sfw_ev_lost" || fail "unpin"
out=$(sfw clear security flow session all 2>&1) && fail "clear without a reaper succeeded: $out"
[[ $out == "sfw: "*"sfw_ev_lost"* ]] || fail "clear without a reaper: $out"
expect_eq "$(summary | field Sessions-in-use)" "$n" "nothing cleared"
printf '%s\n' 'set security policies default-policy deny-all' >"$TMPD/deny.conf"
out=$(sfw commit "$TMPD/deny.conf" reevaluate 2>&1) && fail "reevaluate without a reaper: $out"
[[ $out == *"re-evaluating sessions: "*"sfw_ev_lost"* ]] || fail "reevaluate without a reaper: $out"
expect_eq "$(summary | field Sessions-in-use)" "$n" "nothing re-evaluated away"
expect_eq "$(oracle | wc -l)" "$n" "nothing removed from the map"
expect_eq "$(daemon_info pid) $(daemon_info sessions-removed)" "$DAEMON 0" \
	"the test's daemon, which swept nothing away"
# nor on a datapath without counters (an older sfw's): plain deletes would
# still skip the end claim and keep limit-session counts for ever
rm "$SFW_PIN_ROOT/sfw_sess_stats" || fail "unpin the counters"
out=$(sfw clear security flow session all 2>&1) && fail "clear without reaper or counters: $out"
[[ $out == "sfw: "*"reload first" ]] || fail "clear without reaper or counters: $out"
out=$(sfw commit "$TMPD/deny.conf" reevaluate 2>&1) && fail "reevaluate without reaper or counters: $out"
[[ $out == *"re-evaluating sessions: "*"reload first"* ]] || fail "reevaluate without reaper or counters: $out"
expect_eq "$(oracle | wc -l)" "$n" "nothing removed without reaper or counters"
echo "ok summary counters: the map, the walks, status and JSON agree; clear needs the reaper"

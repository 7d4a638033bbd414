#!/usr/bin/env bash
# A deny flood never costs a session record (topology in lib.sh): 30,000
# refused UDP datagrams, each a new flow whose policy logs its deny, while
# 20 permitted TCP connections open and close under `then log session-init
# session-close`. The daemon is stopped for the flood (nothing drains the
# rings), as a slow log sink would be. Every CREATE and CLOSE reaches the
# daemon's log; denies go to their own ring, at most deny-log-rate of them,
# and each refused packet is either logged, counted suppressed or counted
# lost (show security flow status).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
export SFW_RUN_DIR=/tmp/sfw-run-${NS_PREFIX}
LOG=$DROPS_TMP/log.json
N=30000
CONNS=20

drops_up
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/drops.py" tcp-serve 7
for _ in $(seq 30); do srv ss -Hlnt 'sport = :7' | has . && break; sleep 0.1; done
commit_lines 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone untrust interfaces veth1' \
	'set applications application echo protocol tcp destination-port 7' \
	'set applications application flood protocol udp destination-port 10000-60000' \
	'set security policies from-zone trust to-zone untrust policy echo match source-address any destination-address any application echo' \
	'set security policies from-zone trust to-zone untrust policy echo then permit' \
	'set security policies from-zone trust to-zone untrust policy echo then log session-init session-close' \
	'set security policies from-zone trust to-zone untrust policy flood match source-address any destination-address any application flood' \
	'set security policies from-zone trust to-zone untrust policy flood then deny' \
	'set security policies from-zone trust to-zone untrust policy flood then log session-init' \
	'set security policies default-policy deny-all'
# run-time settings: a rate the flood exceeds, closes logged soon
out=$(sfw set security flow deny-log-rate 0 2>&1) && fail "deny-log-rate 0 accepted"
expect_eq "$out" "sfw: deny-log-rate must be from 1 to 1000000 per second" "a rate out of range"
sfw set security flow deny-log-rate 200 time-wait-state-timeout 2 >/dev/null || fail "set"
sfw show security flow status | has '^    Deny log rate: 200 per second per CPU$' ||
	fail "flow status shows the deny log rate"
clear_counters

bg_in_ns "$FW_NS" "$SFW" daemon json-file "$LOG" sweep-interval 200
DAEMON=${BG_PIDS[-1]}
# ours once it has taken over from the daemon attach started
daemon_pid() { sfw status --json | jq '.. | objects | .["session-daemon"].pid? // empty'; }
for _ in $(seq 100); do [ "$(daemon_pid)" = "$DAEMON" ] && break; sleep 0.1; done
expect_eq "$(daemon_pid)" "$DAEMON" "the test's daemon is the session daemon"
kill -STOP "$DAEMON"
out=$(cli /usr/bin/python3 "$E2E/limits.py" deny-flood 203.0.113.2 10000 $N $CONNS 7) ||
	fail "flood: $out"
expect_eq "$out" "conns $CONNS" "the permitted connections during the flood"
kill -CONT "$DAEMON"

events() { /usr/bin/python3 "$E2E/lifecycle.py" events "$LOG" "$@" | wc -l; }
for _ in $(seq 100); do
	[ "$(events event=RT_FLOW_SESSION_CLOSE destination-port=7)" -ge $CONNS ] && break
	sleep 0.1
done
expect_eq "$(events event=RT_FLOW_SESSION_CREATE destination-port=7)" $CONNS "creates logged"
expect_eq "$(events event=RT_FLOW_SESSION_CLOSE destination-port=7 reason='TCP FIN')" $CONNS \
	"closes logged"
denied=$(jval veth0 flow-error-statistics policy-denied)
[ "$denied" -ge $((N * 9 / 10)) ] || fail "policy denied: $denied of $N"
logged=$(events event=RT_FLOW_SESSION_DENY policy-name=flood)
status=$(sfw show security flow status --json) || fail "flow status"
suppressed=$(jq '.["session-log"]["deny-events-suppressed"]' <<<"$status")
lost=$(jq '.["session-log"]["deny-events-lost"]' <<<"$status")
[ "$logged" -ge 1 ] && [ "$suppressed" -gt 0 ] ||
	fail "denies: $logged logged, $suppressed suppressed"
expect_eq "$((logged + suppressed + lost))" "$denied" "each deny logged, suppressed or lost"
expect_eq "$(jq '.["session-log"]["events-lost"]' <<<"$status")" 0 "session log events lost"
sfw show security flow status | has "^Deny log events suppressed (deny-log-rate): $suppressed$" ||
	fail "flow status text shows the suppressed denies"
echo "ok deny flood: $CONNS creates and closes logged, $logged of $denied denies ($suppressed suppressed)"

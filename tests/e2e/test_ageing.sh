#!/usr/bin/env bash
# Ageing is always on (topology in lib.sh), with nobody starting a daemon:
# `attach` starts one session daemon for its pin root (a second attach
# none), which logs to syslog and removes a finished TCP session after its
# timeout with its close logged; `status` shows it and its sweeps; one
# killed is restarted by the next attach; one started by hand takes over
# (attach's stands by) and a second is refused; `detach all` leaves none. Then the flood: SYNs
# from spoofed sources fill max-sessions, and once they expire (short
# tcp-initial-timeout) a legitimate connection gets through again.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
T=$(mktemp -d /tmp/sfw-ageing-XXXXXX)
cleanup() { topology_down; rm -rf "$T"; }
trap cleanup EXIT
py() { /usr/bin/python3 tests/e2e/ageing.py "$@"; }
daemons() { py daemons "$SFW" "$SFW_PIN_ROOT" | sort | tr '\n' ' '; }
status_json() { sfw status --json | jq -er ".\"sfw-status\".\"session-daemon\".$1"; }
sessions() { sfw status --json | jq -er '."sfw-status"."active-sessions"'; }
only_daemon() { [ "$(daemons)" = "$1 " ]; }
pid_is() { [ "$(status_json pid 2>/dev/null)" = "$1" ]; }
started_by() { [ "$(status_json '"started-by"' 2>/dev/null)" = "$1" ]; }
dead() { ! kill -0 "$1" 2>/dev/null; }
fewer_sessions() { [ "$(sessions)" -lt "$1" ]; }
slow_pace() { [ "$(status_json '"next-pass-ms"' 2>/dev/null)" -ge 30000 ]; }

topology_up
# the daemon's syslog, which a host without one lacks: it starts anyway
export SFW_SYSLOG_SOCKET=$T/log.sock
sfw attach veth0 veth1 >/dev/null || fail "attach"
d1=$(daemons)
[ -n "$d1" ] && [ "$(wc -w <<<"$d1")" -eq 1 ] || fail "one daemon after attach, got '$d1'"
expect_eq "$(status_json pid)" "${d1% }" "status: the daemon's pid"
expect_eq "$(status_json '"started-by"')" attach "status: started by"
expect_eq "$(status_json sinks)" "syslog $SFW_SYSLOG_SOCKET" "status: sinks"
sfw status | has -E "^Session daemon: pid ${d1% }, started by attach at 20[0-9-]+ [0-9:]+ UTC$" ||
	fail "status text: $(sfw status)"
sfw attach veth0 veth1 >/dev/null || fail "attach again"
expect_eq "$(daemons)" "$d1" "daemons after a second attach"

# a finished TCP connection: removed after TIME_WAIT, its close logged
bg_in_ns "$SRV_NS" /usr/bin/python3 tests/e2e/lifecycle.py tcp-serve 8080
bg_in_ns "$FW_NS" /usr/bin/python3 tests/e2e/ageing.py syslog "$SFW_SYSLOG_SOCKET" "$T/syslog"
wait_for 30 "the syslog" test -S "$SFW_SYSLOG_SOCKET"
sfw set security flow time-wait-state-timeout 2 >/dev/null || fail "set timeout"
sfw set security flow log-sessions >/dev/null || fail "set log-sessions"
wait_for 30 "the server" srv ss -Hltn 'sport = :8080'
cli /usr/bin/python3 tests/e2e/lifecycle.py tcp-close 203.0.113.2 8080 || fail "TCP through sfw"
sfw show security flow session destination-port 8080 | has '^Session ID' ||
	fail "no session for the connection"
wait_for 100 "the close in syslog" grep -q 'RT_FLOW_SESSION_CLOSE .*reason="TCP FIN".*destination-port="8080"' \
	"$T/syslog"
[ -z "$(sfw show security flow session destination-port 8080 | grep '^Session ID')" ] ||
	fail "the closed session is still in the table"
[ "$(status_json '"sessions-removed"')" -ge 1 ] || fail "status: nothing removed: $(sfw status)"
[ "$(status_json '"sweep-passes"')" -ge 1 ] || fail "status: no pass"
[ "$(status_json '"events-written"')" -ge 2 ] || fail "status: create and close not written"

# killed, it is back with the next attach
kill -KILL ${d1% }
wait_for 30 "the daemon's death" dead ${d1% }
expect_eq "$(status_json running)" false "status after the kill"
sfw status | has '^Session daemon: not running' || fail "status text after the kill"
sfw attach veth0 >/dev/null || fail "attach after the kill"
d2=$(daemons)
[ -n "$d2" ] && [ "$d2" != "$d1" ] && [ "$(wc -w <<<"$d2")" -eq 1 ] ||
	fail "a new daemon after attach, got '$d2' (was '$d1')"

# one started by hand takes over, attach's stands by; a second is refused
nsenter --net="/run/netns/$FW_NS" "$SFW" daemon json-file "$T/hand.json" 2>"$T/hand.err" &
HAND=$!
BG_PIDS+=($HAND)
both=$(printf '%s\n' "${d2% }" "$HAND" | sort | tr '\n' ' ')
wait_for 50 "the takeover" pid_is "$HAND"
expect_eq "$(daemons)" "$both" "the hand daemon and attach's standing by"
wait_for 30 "the hand daemon's figures" started_by hand
grep -q "took over from the session daemon attach started (pid ${d2% })" "$T/hand.err" ||
	fail "takeover not said: $(cat "$T/hand.err")"
out=$(sfw daemon stdout 2>&1) && fail "a second daemon ran"
expect_eq "$out" "sfw: a session daemon already runs for $SFW_PIN_ROOT (pid $HAND, started by hand): stop it first, or \`sfw detach all\`" \
	"a second daemon's refusal"
expect_eq "$(status_json '"started-by"')" hand "the running daemon's figures after a refusal"
sfw attach veth1 >/dev/null || fail "attach with the hand daemon running"
expect_eq "$(daemons)" "$both" "attach leaves the hand daemon alone"

# detach all stops both and leaves none
sfw detach all >/dev/null || fail "detach all"
expect_eq "$(daemons)" "" "daemons after detach all"
kill -0 "$HAND" 2>/dev/null && fail "the hand daemon survived detach all"

# the flood: max-sessions 200 fills with SYN_SENT sessions; no daemon is
# started by hand, and once they expire a legitimate connection succeeds
sfw attach veth0 veth1 >/dev/null || fail "attach for the flood"
printf '%s\n' 'set security flow session max-sessions 200' \
	'set security flow tcp-session tcp-initial-timeout 20' \
	'set security policies default-policy permit-all' >"$T/flood.conf"
sfw commit "$T/flood.conf" >/dev/null || fail "commit max-sessions"
sfw clear security flow session all >/dev/null
# an address nobody answers for: no SYN-ACK refreshes the sessions
# (2 s, and 600 SYNs at least however slow the machine: the table holds 200;
# none expires before the last is sent, however long the flood takes on a
# loaded machine: 20 s)
cli /usr/bin/python3 tests/e2e/ageing.py flood 203.0.113.99 80 2 600 || fail "flood"
refused=$(sfw show interfaces flow-statistics veth0 --json |
	jq -r '.["interface-information"]["physical-interface"][0]["flow-error-statistics"]["no-more-sessions"]')
[ "${refused:-0}" -gt 0 ] || fail "the flood never filled the table (no-more-sessions: $refused)"
[ "$(sessions)" -eq 200 ] || fail "the table after the flood: $(sessions) sessions, want 200"
wait_for 300 "the flood's sessions to go" fewer_sessions 200
cli nc -z -w 5 203.0.113.2 8080 || fail "a legitimate connection after the flood expired ($(sessions) sessions)"
[ "$(wc -w <<<"$(daemons)")" -eq 1 ] || fail "daemons: $(daemons)"

# the datapath's signal alone: a daemon that would wait a minute (its last
# pass saw an empty table), a table filled to max-sessions without a single
# refusal; once those sessions expire, the first refused SYN wakes it and
# the client's retransmission gets through
sfw clear security flow session all >/dev/null
expect_eq "$(sessions)" 0 "sessions after clear"
sfw set security flow tcp-initial-timeout 8 >/dev/null || fail "set tcp-initial-timeout"
nsenter --net="/run/netns/$FW_NS" "$SFW" daemon sweep-interval 60000 >/dev/null 2>&1 &
BG_PIDS+=($!)
wait_for 50 "the slow daemon" pid_is $!
wait_for 30 "the slow daemon's first pass" slow_pace
cli /usr/bin/python3 tests/e2e/ageing.py syns 203.0.113.99 80 200 || fail "200 SYNs"
expect_eq "$(sessions)" 200 "sessions after 200 SYNs"
sleep 9   # tcp-initial-timeout 8
expect_eq "$(sessions)" 200 "sessions once expired, before any refusal"
cli nc -z -w 5 203.0.113.2 8080 || fail "a legitimate connection on a table full of expired sessions"
[ "$(status_json '"table-full-wakes"')" -ge 1 ] || fail "status: no wake: $(sfw status)"
echo "ageing: ok"

#!/usr/bin/env bash
# Session lifecycle end to end: `sfw daemon` logs the creates and closes
# that policies ask for (JSON lines read back here) and sweeps expired
# sessions. A TCP connection's whole life gives one CREATE and one CLOSE
# (TCP FIN) with the counts `show` had; a RST closes for TCP RST; an idle
# UDP flow closes for idle Timeout; a denied SYN gives a DENY; clear gives
# CLI; `sfw monitor` streams matching events; a flood while the daemon is
# stopped shows lost events and stalls nothing. Timeouts shortened.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
export SFW_RUN_DIR=/tmp/sfw-run-${NS_PREFIX}
LOG=/tmp/sfw-lifecycle-${NS_PREFIX}.json
TXT=/tmp/sfw-lifecycle-${NS_PREFIX}.log
CONF=/tmp/sfw-lifecycle-${NS_PREFIX}.conf
SNAP=/tmp/sfw-lifecycle-${NS_PREFIX}.sessions
cleanup() { topology_down; rm -rf "$LOG" "$TXT" "$CONF" "$LOG.mon" "$SNAP".* "$SFW_RUN_DIR"; }
trap cleanup EXIT
py() { /usr/bin/python3 tests/e2e/lifecycle.py "$@"; }
events() { py events "$LOG" "$@"; }
# wait_for SECONDS KEY=VAL...: until such an event is logged
wait_for() {
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do
		[ -n "$(events "$@")" ] && return 0
		sleep 0.1; t=$((t - 1))
	done
	fail "no event $* in $(cat "$LOG")"
}

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
cat >"$CONF" <<'CONF'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set applications application web-8080 protocol tcp destination-port 8080
set applications application udp-5353 protocol udp destination-port 5353
set applications application long-udp protocol udp destination-port 5354 inactivity-timeout 600
set applications application flood protocol udp destination-port 6000 inactivity-timeout 600
set security policies from-zone trust to-zone untrust policy web match source-address any destination-address any application [ web-8080 udp-5353 long-udp ]
set security policies from-zone trust to-zone untrust policy web then permit
set security policies from-zone trust to-zone untrust policy web then log session-init session-close
set security policies from-zone trust to-zone untrust policy no-ssh match source-address any destination-address any application junos-ssh
set security policies from-zone trust to-zone untrust policy no-ssh then deny
set security policies from-zone trust to-zone untrust policy no-ssh then log session-init
set security policies from-zone trust to-zone untrust policy flood match source-address any destination-address any application flood
set security policies from-zone trust to-zone untrust policy flood then permit
set security policies from-zone trust to-zone untrust policy flood then log session-init
set security policies default-policy permit-all
CONF
sfw commit "$CONF" >/dev/null || fail "commit"
sfw set security flow udp-timeout 2 time-wait-state-timeout 2 tcp-rst-timeout 1 >/dev/null ||
	fail "set timeouts"
bg_in_ns "$FW_NS" "$SFW" daemon json-file "$LOG" file "$TXT" sweep-interval 200
DAEMON=${BG_PIDS[-1]}
bg_in_ns "$SRV_NS" /usr/bin/python3 tests/e2e/lifecycle.py tcp-serve 8080
bg_in_ns "$SRV_NS" /usr/bin/python3 tests/e2e/udp.py serve 5353 5354
sleep 0.5

# TCP, whole life: counts as `show` saw them just before the sweep
cli /usr/bin/python3 tests/e2e/lifecycle.py tcp-close 203.0.113.2 8080 || fail "TCP through sfw"
sleep 0.2
counts=$(sfw show security flow session destination-port 8080 --json | py wings) ||
	fail "no session to snapshot"
read -r in_p in_b out_p out_b <<<"$counts"
wait_for 6 event=RT_FLOW_SESSION_CLOSE destination-port=8080
expect_eq "$(events event=RT_FLOW_SESSION_CREATE destination-port=8080 | wc -l)" 1 "TCP creates"
expect_eq "$(events event=RT_FLOW_SESSION_CLOSE destination-port=8080 | wc -l)" 1 "TCP closes"
close=$(events event=RT_FLOW_SESSION_CLOSE destination-port=8080)
[[ $close == *'"reason":"TCP FIN"'* ]] || fail "TCP close reason: $close"
[[ $close == *"\"packets-from-client\":$in_p,\"bytes-from-client\":$in_b,"* ]] ||
	fail "client counts $in_p/$in_b: $close"
[[ $close == *"\"packets-from-server\":$out_p,\"bytes-from-server\":$out_b,"* ]] ||
	fail "server counts $out_p/$out_b: $close"
[[ $close == *'"policy-name":"web"'*'"source-zone-name":"trust","destination-zone-name":"untrust"'* ]] ||
	fail "policy and zones: $close"
[ -z "$(sfw show security flow session destination-port 8080 | grep 'Session ID')" ] ||
	fail "the sweeper left the closed session"

# RST
cli /usr/bin/python3 tests/e2e/lifecycle.py tcp-reset 203.0.113.2 8080 || fail "TCP reset"
wait_for 5 event=RT_FLOW_SESSION_CLOSE destination-port=8080 reason="TCP RST"

# idle UDP, shortened timeout
cli /usr/bin/python3 tests/e2e/udp.py send 40001 203.0.113.2 5353 || fail "UDP through sfw"
wait_for 6 event=RT_FLOW_SESSION_CLOSE destination-port=5353 reason="idle Timeout"
[[ $(events event=RT_FLOW_SESSION_CLOSE destination-port=5353) == *'"packets-from-server":1,'* ]] ||
	fail "UDP reply count: $(events destination-port=5353)"

# a denied SYN
cli nc -z -w 1 203.0.113.2 22 && fail "ssh was let through"
wait_for 3 event=RT_FLOW_SESSION_DENY destination-port=22 policy-name=no-ssh
# sd-syslog in the field order of SRX devices' lines (docs/events.md): a
# DENY has no session id and names the application before the user; a
# CLOSE names it after elapsed-time
for _ in $(seq 1 30); do grep -q 'RT_FLOW_SESSION_DENY .*destination-port="22"' "$TXT" && break; sleep 0.1; done
deny=$(grep 'RT_FLOW_SESSION_DENY .*destination-port="22"' "$TXT" | head -n 1)
[[ $deny == *' destination-zone-name="untrust" application="UNKNOWN" nested-application="UNKNOWN" username="N/A" roles="N/A" packet-incoming-interface="veth0" encrypted="UNKNOWN" reason="policy deny"] session denied' ]] ||
	fail "sd-syslog DENY field order: $deny"
[[ $deny == *session-id* ]] && fail "a DENY with a session id: $deny"
grep -qE 'RT_FLOW_SESSION_CLOSE .* elapsed-time="[0-9]+" application="UNKNOWN" nested-application="UNKNOWN" username="N/A" roles="N/A" packet-incoming-interface="veth0" encrypted="UNKNOWN"\]' "$TXT" ||
	fail "sd-syslog CLOSE field order: $(grep RT_FLOW_SESSION_CLOSE "$TXT" | head -n 1)"

# cleared by command (the application's 600 s keeps it from ageing first)
cli /usr/bin/python3 tests/e2e/udp.py send 40002 203.0.113.2 5354 || fail "UDP 5354"
wait_for 3 event=RT_FLOW_SESSION_CREATE destination-port=5354
out=$(sfw clear security flow session destination-port 5354)
expect_eq "$out" "1 active sessions cleared" "clear"
wait_for 3 event=RT_FLOW_SESSION_CLOSE destination-port=5354 reason=CLI

# the monitor sees matching events, logged or not (5355: no log policy)
# (nsenter execs sfw: $! is the monitor itself, and Ctrl-C is SIGINT)
nsenter --net="/run/netns/$FW_NS" "$SFW" monitor security flow session destination-port 5355 \
	--json >"$LOG.mon" 2>&1 &
MON=$!
BG_PIDS+=($MON)
sleep 0.5
cli /usr/bin/python3 tests/e2e/udp.py send 40003 203.0.113.2 5355
cli /usr/bin/python3 tests/e2e/udp.py send 40004 203.0.113.2 5353
sleep 0.5
kill -INT $MON; wait $MON 2>/dev/null
grep -q '"event":"RT_FLOW_SESSION_CREATE".*"destination-port":5355' "$LOG.mon" ||
	fail "monitor missed the 5355 create: $(cat "$LOG.mon")"
grep -q '"destination-port":5353' "$LOG.mon" && fail "monitor ignored its filter"
[ -z "$(events destination-port=5355)" ] || fail "a monitor-only event reached the log"
sfw show security flow status | has '^Monitor events lost: 0$' || fail "monitor lost events"

# the global setting logs sessions no policy asked to log
sfw set security flow log-sessions >/dev/null || fail "set log-sessions"
sfw show security flow status | has '^Session log: every session' || fail "status: log-sessions"
cli /usr/bin/python3 tests/e2e/udp.py send 40005 203.0.113.2 5356
wait_for 3 event=RT_FLOW_SESSION_CREATE destination-port=5356 policy-name=default-policy-logical-system-00
sfw set security flow no-log-sessions >/dev/null || fail "set no-log-sessions"

# security log format syslog: Junos's plain syslog line from then on (the
# daemon's file; JSON stays); sd-syslog lines before it
grep -q ' RT_FLOW - RT_FLOW_SESSION_CREATE \[junos@' "$TXT" ||
	fail "no sd-syslog line before the switch: $(head -n 2 "$TXT")"
echo 'set security log format syslog' >>"$CONF"
sfw commit "$CONF" >/dev/null || fail "commit log format syslog"
sfw set security flow udp-timeout 2 time-wait-state-timeout 2 tcp-rst-timeout 1 >/dev/null ||
	fail "set timeouts after the commit"
cli /usr/bin/python3 tests/e2e/udp.py send 40006 203.0.113.2 5353
wait_for 3 event=RT_FLOW_SESSION_CREATE source-port=40006 destination-port=5353
line=$(grep -F '/40006->' "$TXT")
plain='^<14>[A-Z][a-z]{2} [ 1-3][0-9] [0-9:]{8} [^ ]+ RT_FLOW: RT_FLOW_SESSION_CREATE: session created '
plain+='198\.51\.100\.2/40006->203\.0\.113\.2/5353 0x0 udp-5353 198\.51\.100\.2/40006->203\.0\.113\.2/5353 0x0 '
plain+='N/A N/A N/A N/A 17 web trust untrust [0-9]+ N/A\(N/A\) veth0 UNKNOWN UNKNOWN UNKNOWN$'
[[ $line =~ $plain ]] ||
	fail "plain syslog line: $line"

# a flood while the daemon is stopped: lost events counted, no stall
kill -STOP "$DAEMON"
# A datagram the veth queue dropped under load never reached sfw: the
# flood's sessions are counted against what sfw permitted, not what was sent.
permitted() { fw tests/e2e/counter.py veth0 SFW_PERMITTED_PKTS; }
before=$(permitted)
cli /usr/bin/python3 tests/e2e/lifecycle.py flood 203.0.113.2 6000 30000 || fail "flood"
arrived=$(( $(permitted) - before ))
[ "$arrived" -gt 21000 ] || fail "only $arrived flood datagrams reached sfw: too few to fill the log ring"
cli ping -c 3 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null || fail "traffic stalled after the flood"
lost=$(sfw show security flow status | sed -n 's/^Session log events lost: //p')
[ "${lost:-0}" -gt 0 ] || fail "no lost events after a flood: $(sfw show security flow status)"
kill -CONT "$DAEMON"
created=$(sfw show security flow session destination-port 6000 summary | sed -n 's/^Total sessions: //p')
expect_eq "$created" "$arrived" "a session for every flood datagram sfw saw"
wait_for 10 event=RT_FLOW_SESSION_CREATE source-port=20000 destination-port=6000
sfw show security flow status --json | has '"events-lost"' || fail "status JSON"

# SIGTERM: a clean stop, and no session lost. Each session is looked for
# by its id: the short-timeout ones from above (udp-timeout 2) expire
# meanwhile, and are removed by the last pass or by the daemon attach
# started as it takes back over; one left longer than the stop takes must
# still be there, the flood's 600 s sessions among them.
t0=$(date +%s.%N)
sfw show security flow session --json >"$SNAP.before" || fail "sessions before the stop"
kill -TERM "$DAEMON"
wait "$DAEMON" 2>/dev/null
kill -0 "$DAEMON" 2>/dev/null && fail "daemon ignored SIGTERM"
sfw show security flow session --json >"$SNAP.after" || fail "sessions after the stop"
surv=$(py survivors "$SNAP.before" "$SNAP.after" "$t0") || fail "reading the sessions"
kept=$(head -n 1 <<<"$surv")
[ "$kept" -ge "$arrived" ] || fail "only $kept sessions could not expire across the stop"
missing=$(tail -n +2 <<<"$surv")
[ -z "$missing" ] || fail "sessions across a daemon stop: $missing"
in_use=$(sfw show security flow session summary | sed -n 's/^Sessions-in-use: //p')
[ "$in_use" -ge "$kept" ] || fail "Sessions-in-use $in_use after the stop, below the $kept kept"
echo "lifecycle: ok"

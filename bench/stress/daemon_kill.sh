#!/usr/bin/env bash
# Stress 6, the session daemon killed (docs/reliability.md, "Stress"): the
# daemon that writes the session log (JSON lines to a file) is killed with
# SIGKILL and started again, again and again, while the generator opens a
# new logged session with every frame (policy `then log session-init`)
# and TCP connections carry echo traffic; each restarted daemon is killed
# again while it writes the events that waited (a daemon that held lines
# in a buffer loses some there). The daemon attach started is
# stopped first: it would take over during each outage (logging to
# syslog, docs/events.md), and the point is an outage with no daemon at
# all. Some outages are long enough for the event ring to fill. Proves:
#  - no session lost: every connection's session kept (same id) and its
#    connection still echoing, every session the generator opened still in
#    the table;
#  - the log resumes: each restarted daemon writes the events that waited
#    in the ring and the new ones;
#  - lost events counted: the sessions opened equal the CREATE events
#    logged plus the events sfw counted as lost, exactly, with no event
#    logged twice and no line cut short (each line is written before its
#    ring record is let go, docs/events.md "Delivery").
# Baseline, in the same run: the same traffic with the daemon left alone.
# Reported, not judged: how fast a daemon drains a ring of waiting events.
set -uo pipefail
cd "$(dirname "$0")/../.."
source bench/stress/lib.sh
stress_args daemon_kill "$@"
trap stress_down EXIT

# The rate is one the daemon keeps up with on this machine, so that
# events are lost only while no daemon runs: for longer than the ring
# lasts (about 21,800 events) in the full run's long outages.
if [ "$SHORT" = 1 ]; then
	OUTAGES="0.5 2" CONNS=50 RATE=3000 BASE_S=1 DRAIN=5000
else
	OUTAGES="0.5 9 0.5 9" CONNS=200 RATE=3000 BASE_S=3 DRAIN=15000
fi
PORT=5001
LOG=$CTL/log.json

stress_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
commit_conf <<'CONF' || fail "commit"
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies default-policy deny-all
set security address-book global address srv 203.0.113.2/32
set applications application echo-tcp protocol tcp destination-port 5001
set applications application gen-udp protocol udp destination-port 10-60009 inactivity-timeout 3600
set security policies from-zone trust to-zone untrust policy echo match source-address any destination-address srv application echo-tcp
set security policies from-zone trust to-zone untrust policy echo then permit
set security policies from-zone trust to-zone untrust policy gen match source-address any destination-address srv application gen-udp
set security policies from-zone trust to-zone untrust policy gen then permit
set security policies from-zone trust to-zone untrust policy gen then log session-init
CONF
bg_in_ns "$SRV_NS" "$GEN" sink veth0 "$CTL/sink"
up=$(start_conns "$CONNS" "$PORT")
[ "${up:-0}" = "$CONNS" ] || fail "only ${up:-0} of $CONNS connections came up"

# The daemon, by hand with a JSON-lines file (one that attach started, if
# any, hands over to it). DAEMON_PID is the daemon's own pid.
start_daemon() {
	nsenter --net="/run/netns/$FW_NS" "$SFW" daemon json-file "$LOG" \
		>/dev/null 2>>"$CTL/daemon.err" </dev/null &
	DAEMON_PID=$!
	BG_PIDS+=("$DAEMON_PID")
	for _ in $(seq 100); do
		grep -q "logging session events" "$CTL/daemon.err" 2>/dev/null && break
		sleep 0.05
	done
}
# The daemon attach started stands by once one started by hand took over
# (its pid in the taker's message); stopped, so no daemon runs during
# the outages.
stop_standby() {
	local pid
	pid=$(sed -n 's/.*took over from the session daemon attach started (pid \([0-9]*\)).*/\1/p' \
		"$CTL/daemon.err" | head -1)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	fail "the daemon attach started (pid $pid) did not stop"
}
lost_events() { sfw show security flow status --json | jq '.. | objects | .["events-lost"] // empty'; }
log_stat() { "${SPY[@]}" log "$LOG" | jq ".$1"; }   # creates, unique or torn
created() { fw_counter veth0 IN_CONNECTIONS; }
# Until the log stops growing for a second (at most 30 s).
drained() {
	local n=-1 m
	for _ in $(seq 30); do
		m=$(wc -l <"$LOG" 2>/dev/null || echo 0)
		[ "$m" = "$n" ] && return
		n=$m
		sleep 1
	done
}

echo "daemon_kill: the log daemon killed with SIGKILL and restarted $(wc -w <<<"$OUTAGES")" \
	"times (outages of $OUTAGES s), and each restarted one killed again while it writes what" \
	"waited, while a logged session opens with every frame at $RATE/s"
sessions snap "$PORT" "$CTL/tcp.0.json" >/dev/null
[ "$(jq length "$CTL/tcp.0.json")" = "$CONNS" ] || fail "$(jq length "$CTL/tcp.0.json") sessions for $CONNS connections"
: >"$CTL/daemon.err"
start_daemon
stop_standby
created0=$(created) lost0=$(lost_events)

# The baseline: traffic, the daemon left alone.
gen_cli_bg "$CTL/gen.out" udp-new 203.0.113.2 9 rate=$RATE seconds=$BASE_S first=0
wait "$GEN_PID"
first=$(awk '/^sent/ {print $2}' "$CTL/gen.out")
base_created=$(( $(created) - created0 ))
drained
base_logged=$(log_stat creates)
base_lost=$(( $(lost_events) - lost0 ))
note "baseline, no kill: $base_created sessions opened, $base_logged CREATE events logged, $base_lost lost"

# The drain rate: DRAIN frames sent while the daemon is stopped cleanly,
# the sessions they opened (a veth may drop some) waiting in the ring
# (fewer than it holds), then timed from the daemon's start until all
# are in the log.
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
c0=$(created)
gen_cli udp-new 203.0.113.2 9 count=$DRAIN first=$first >"$CTL/gen.out" 2>&1
first=$((first + $(awk '/^sent/ {print $2}' "$CTL/gen.out")))
waiting=$(( $(created) - c0 ))
want=$(( $(wc -l <"$LOG") + waiting ))
t0=$(date +%s%N)
start_daemon
for _ in $(seq 3000); do
	[ "$(wc -l <"$LOG")" -ge "$want" ] && break
	sleep 0.01
done
t1=$(date +%s%N)
[ "$(wc -l <"$LOG")" -ge "$want" ] || fail "the restarted daemon did not drain $waiting events"
drain_ms=$(( (t1 - t0) / 1000000 )) drain_rate=$(( waiting * 1000000000 / (t1 - t0) ))

gen_cli_bg "$CTL/gen.out" udp-new 203.0.113.2 9 rate=$RATE seconds=3600 first=$first
resumed=0 n=0 mid_drain=0
printf '       %-5s %-8s %-16s %-12s %-14s %s\n' kill outage "opened meanwhile" "lost so far" \
	"then killed at" "lines after restart"
for outage in $OUTAGES; do
	n=$((n + 1))
	sleep 0.5
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	c0=$(created)
	sleep "$outage"
	c1=$(created)
	lines0=$(wc -l <"$LOG")
	start_daemon
	# killed again in the middle of writing what waited: its first lines
	# out, not all (what a buffer of lines not yet written would lose)
	for _ in $(seq 500); do
		[ "$(wc -l <"$LOG")" -ge $((lines0 + 100)) ] && break
		sleep 0.01
	done
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	mid=$(( $(wc -l <"$LOG") - lines0 ))
	[ "$mid" -gt 0 ] && [ "$mid" -lt $((c1 - c0)) ] && mid_drain=$((mid_drain + 1))
	start_daemon
	sleep 1.2
	lines1=$(wc -l <"$LOG")
	[ "$lines1" -gt "$lines0" ] && resumed=$((resumed + 1))
	printf '       %-5s %-8s %-16s %-12s %-14s %s\n' "$n" "${outage}s" "$((c1 - c0))" \
		"$(( $(lost_events) - lost0 ))" "$mid" "$((lines1 - lines0))"
done
kill -TERM "$GEN_PID"
wait "$GEN_PID"
sleep 1.5
kill -TERM "$DAEMON_PID"   # it reads what the ring still holds, then exits
wait "$DAEMON_PID" 2>/dev/null

total=$(( $(created) - created0 ))
lost=$(( $(lost_events) - lost0 ))
logged=$(log_stat creates) unique=$(log_stat unique) torn=$(log_stat torn)
udp_left=$(sessions policies 17 | awk '{n += $2} END {print n + 0}')
sessions snap "$PORT" "$CTL/tcp.1.json" >/dev/null
tcp_lost=$("${SPY[@]}" compare "$CTL/tcp.0.json" "$CTL/tcp.1.json" | jq .lost)
read -r opened alive < <(stop_conns)

figure sessions_lost "$(holds "tcp_lost == 0 && alive == CONNS && udp_left == total")" \
	"$tcp_lost" "sessions lost: $tcp_lost of $CONNS connections' (still echoing: $alive);" \
	"generator sessions in the table: $udp_left of the $total opened"
figure log_resumed "$(holds "resumed == n")" "$resumed" \
	"restarted daemons that wrote the waiting and new events: $resumed of $n"
note "restarted daemons killed again while writing what waited: $mid_drain of $n" \
	"(the log then held some of it, not all)"
figure created_minus_logged_and_lost "$(holds "total == logged + lost")" \
	"$((total - logged - lost))" \
	"sessions opened $total = CREATE events logged $logged + events counted lost $lost" \
	"(difference $((total - logged - lost)); baseline without a kill: $base_created opened," \
	"$base_logged logged, $base_lost lost)"
figure logged_twice "$(holds "unique == logged")" "$((logged - unique))" \
	"events logged twice: $((logged - unique))"
figure torn_lines "$(holds "torn == 0")" "$torn" \
	"log lines that do not parse (a write the kill cut short): $torn"
figure events_lost "$(holds "lost > 0 || SHORT == 1")" "$lost" \
	"events lost while no daemon ran, counted: $lost (the ring holds about 21,800)"
figure drain_events_per_s 1 "$drain_rate" \
	"drain rate (reported, not judged): $waiting waiting events in the log $drain_ms ms after" \
	"a daemon's start, $drain_rate events/s"
stress_finish

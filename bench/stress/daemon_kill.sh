#!/usr/bin/env bash
# Stress 6, the session daemon killed (docs/reliability.md, "Stress"): the
# daemon that writes the session log (JSON lines to a file) is killed with
# SIGKILL and started again, again and again, while the generator opens a
# new logged session with every frame (policy `then log session-init`)
# and TCP connections carry echo traffic. Some outages are long enough
# for the event ring to fill. Proves:
#  - no session lost: every connection's session kept (same id) and its
#    connection still echoing, every session the generator opened still in
#    the table;
#  - the log resumes: each restarted daemon writes the events that waited
#    in the ring and the new ones;
#  - lost events counted: the sessions opened equal the CREATE events
#    logged plus the events sfw counted as lost, exactly, with no event
#    logged twice.
# Baseline, in the same run: the same traffic with the daemon left alone.
set -uo pipefail
cd "$(dirname "$0")/../.."
source bench/stress/lib.sh
stress_args daemon_kill "$@"
trap stress_down EXIT

# The rate is one the daemon keeps up with on this machine, so that
# events are lost only while no daemon runs: for longer than the ring
# lasts (about 21,800 events) in the full run's long outages.
if [ "$SHORT" = 1 ]; then
	OUTAGES="0.5 2" CONNS=50 RATE=3000 BASE_S=1
else
	OUTAGES="0.5 9 0.5 9" CONNS=200 RATE=3000 BASE_S=3
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
	"times (outages of $OUTAGES s) while a logged session opens with every frame at $RATE/s"
sessions snap "$PORT" "$CTL/tcp.0.json" >/dev/null
[ "$(jq length "$CTL/tcp.0.json")" = "$CONNS" ] || fail "$(jq length "$CTL/tcp.0.json") sessions for $CONNS connections"
: >"$CTL/daemon.err"
start_daemon
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

gen_cli_bg "$CTL/gen.out" udp-new 203.0.113.2 9 rate=$RATE seconds=3600 first=$first
resumed=0 n=0
printf '       %-5s %-8s %-16s %-12s %s\n' kill outage "opened meanwhile" "lost so far" "lines after restart"
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
	sleep 1.2
	lines1=$(wc -l <"$LOG")
	[ "$lines1" -gt "$lines0" ] && resumed=$((resumed + 1))
	printf '       %-5s %-8s %-16s %-12s %s\n' "$n" "${outage}s" "$((c1 - c0))" \
		"$(( $(lost_events) - lost0 ))" "$((lines1 - lines0))"
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
# Known issue: the daemon writes through stdio, so a SIGKILL loses what
# it had read from the ring but not yet written (neither logged nor
# counted) and can tear the last line, to which the next daemon appends.
known created_minus_logged_and_lost "$(holds "total == logged + lost")" \
	"$((total - logged - lost))" \
	"sessions opened $total = CREATE events logged $logged + events counted lost $lost" \
	"(difference $((total - logged - lost)); baseline without a kill: $base_created opened," \
	"$base_logged logged, $base_lost lost)"
figure logged_twice "$(holds "unique == logged")" "$((logged - unique))" \
	"events logged twice: $((logged - unique))"
known torn_lines "$(holds "torn == 0")" "$torn" \
	"log lines that do not parse (a write the kill cut short): $torn"
figure events_lost "$(holds "lost > 0 || SHORT == 1")" "$lost" \
	"events lost while no daemon ran, counted: $lost (the ring holds about 21,800)"
stress_finish

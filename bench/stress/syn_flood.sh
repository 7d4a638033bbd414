#!/usr/bin/env bash
# Stress 2, SYN flood (docs/reliability.md, "Stress"): SYNs from spoofed
# sources, ten times max-sessions of them, at the firewall's own service
# while established TCP connections through the firewall carry echo
# traffic. Proves, with syn-flood-protection-mode syn-cookie:
#  - every established session survives with its counters (same id, no
#    wing counter lower than before the flood) and its connection still
#    echoes;
#  - a new legitimate connection completes during the flood;
#  - the flood leaves no state: no session refused for No more sessions.
# Baseline, in the same run: the same flood with no SYN-flood protection,
# where every spoofed SYN opens a session until max-sessions.
set -uo pipefail
cd "$(dirname "$0")/../.."
source bench/stress/lib.sh
stress_args syn_flood "$@"
trap stress_down EXIT

if [ "$SHORT" = 1 ]; then
	MAXS=2000 CONNS=100 RATE=10000
else
	MAXS=100000 CONNS=1000 RATE=100000
fi
SYNS=$((10 * MAXS))
SVC=8080     # the firewall's own service the flood aims at
PORT=5001    # the server's, behind the firewall

stress_up
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
fw sysctl -qw net.ipv4.tcp_syncookies=2   # the listener accepts cookie ACKs
conf() {   # protection: cookie | none
	{
		echo "set security zones security-zone trust interfaces veth0"
		echo "set security zones security-zone untrust interfaces veth1"
		echo "set security flow session max-sessions $MAXS"
		echo "set security policies default-policy permit-all"
		if [ "$1" = cookie ]; then
			echo "set security screen ids-option guard tcp syn-flood attack-threshold 100"
			echo "set security screen ids-option guard tcp syn-flood source-threshold 100000"
			echo "set security zones security-zone trust screen guard"
			echo "set security flow syn-flood-protection-mode syn-cookie"
		fi
	} | commit_conf || fail "commit ($1)"
}
conf cookie
up=$(start_conns "$CONNS" "$PORT")
[ "${up:-0}" = "$CONNS" ] || fail "only ${up:-0} of $CONNS connections came up"
bg_in_ns "$FW_NS" sh -c "while true; do nc -l 198.51.100.1 $SVC >>$CTL/legit; done"

# One flood: SYNS spoofed SYNs at RATE, and a legitimate connection once
# the firewall has judged twice max-sessions of them (so that without
# protection the table would be full by then). Sets LEGIT (1: its data
# arrived while the flood was on), SENT, SESSIONS_PEAK.
flood() {
	local t0 gen_pid judged0
	: >"$CTL/legit"
	judged0=$(fw_counter veth0 outcomes)
	gen_cli_bg "$CTL/gen.out" syn 198.51.100.1 "$SVC" count="$SYNS" rate="$RATE" seed=$RANDOM
	gen_pid=$GEN_PID
	while kill -0 "$gen_pid" 2>/dev/null &&
	      [ $(( $(fw_counter veth0 outcomes) - judged0 )) -lt $((2 * MAXS)) ]; do
		sleep 0.05
	done
	SESSIONS_PEAK=$(sessions count)
	t0=$(date +%s.%N)
	echo legitimate | cli nc -N -w 3 198.51.100.1 "$SVC" >/dev/null 2>&1
	LEGIT_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
	# it counts only if the flood was still on when it was done
	kill -0 "$gen_pid" 2>/dev/null && DURING=1 || DURING=0
	wait "$gen_pid"
	SENT=$(awk '/^sent/ {print $2}' "$CTL/gen.out")
	sleep 0.3
	grep -qx legitimate "$CTL/legit" && LEGIT=$DURING || LEGIT=0
}

echo "syn_flood: $SYNS spoofed SYNs (10 x max-sessions $MAXS) while $CONNS connections carry traffic"
sessions snap "$PORT" "$CTL/before.json" >/dev/null
[ "$(jq length "$CTL/before.json")" = "$CONNS" ] || fail "$(jq length "$CTL/before.json") sessions for $CONNS connections"
nomore0=$(fw_counter veth0 ERR_NO_MORE_SESSIONS)
flood
cookies=$(fw_counter veth0 ERR_SYN_ATTACK)
nomore=$(( $(fw_counter veth0 ERR_NO_MORE_SESSIONS) - nomore0 ))
sessions snap "$PORT" "$CTL/after.json" >/dev/null
cmp=$("${SPY[@]}" compare "$CTL/before.json" "$CTL/after.json")
kept=$(jq .kept <<<"$cmp") back=$(jq .counters_back <<<"$cmp") more=$(jq .counted_more <<<"$cmp")
read -r opened alive < <(stop_conns)
figure syns_sent "$(holds "${SENT:-0} == SYNS")" "${SENT:-0}" \
	"spoofed SYNs sent: ${SENT:-0} of $SYNS (10 x max-sessions)"
figure syns_answered_with_cookies "$(holds "cookies > SYNS / 2")" "$cookies" \
	"$cookies SYNs past the screen's threshold answered with cookies, no state kept"
figure established_kept "$(holds "kept == CONNS")" "$kept" \
	"established sessions kept: $kept of $CONNS (same ids)"
figure counters_back "$(holds "back == 0 && more == CONNS")" "$back" \
	"sessions with a wing counter lower than before the flood: $back; that counted the" \
	"flood-time traffic: $more of $CONNS (proves: counters kept, not reset)"
figure connections_alive "$(holds "alive == CONNS")" "$alive" \
	"connections still echoing after the flood: $alive of $opened"
figure legit_connected "$LEGIT" "$LEGIT" \
	"a new legitimate connection completed during the flood in ${LEGIT_S}s (cookie ACK opened" \
	"its session; the flood still on when it was done: $DURING)"
figure no_more_sessions "$(holds "nomore == 0")" "$nomore" \
	"first packets refused for No more sessions: $nomore (sessions in the table when the" \
	"legitimate connection began: $SESSIONS_PEAK)"

# The baseline: no screen, no cookies.
conf none
nomore0=$(fw_counter veth0 ERR_NO_MORE_SESSIONS)
flood
nomore=$(( $(fw_counter veth0 ERR_NO_MORE_SESSIONS) - nomore0 ))
note "baseline, same flood without SYN-flood protection: $SESSIONS_PEAK sessions when the" \
	"legitimate connection began (max-sessions $MAXS), $nomore first packets refused for No" \
	"more sessions, legitimate connection $([ "$LEGIT" = 1 ] && echo completed || echo failed)"
figure baseline_refused "1" "$nomore" "baseline: first packets refused for No more sessions: $nomore"
figure baseline_legit_connected "1" "$LEGIT" "baseline: legitimate connection completed: $LEGIT"
stress_finish

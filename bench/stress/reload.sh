#!/usr/bin/env bash
# Stress 3, reload under traffic (docs/reliability.md, "Stress"): the
# programs swapped under live traffic again and again, alternately by
# `sfw reload` and by a rebuilt binary (the same tree built in a build
# directory of its own, build/stress/next/sfw) loading its programs over
# the pinned maps. During each swap, UDP frames from the generator stream
# through the firewall while TCP connections carry echo traffic. Proves:
#  - 0 established sessions lost (same ids, TCP and UDP), no session's
#    counters and no interface counter ever lower than before a swap;
#  - every swap really swapped (new XDP program ids);
#  - how many frames were dropped or passed unjudged during each swap,
#    counted exactly: between two quiet moments (echo rounds held, nothing
#    in flight; no ARP or IPv6 on the links), the frames each firewall
#    interface took from its veth ring (ethtool rx_queue_N_xdp_packets)
#    must equal those sfw's counters judged there (their outcome
#    counters), and the frames the generator sent must equal those the
#    server's sink counted plus sfw's drops plus the veth's own refusals.
# Baseline, in the same run: a traffic window with no swap, counted the
# same way.
set -uo pipefail
cd "$(dirname "$0")/../.."
source bench/stress/lib.sh
stress_args reload "$@"
trap stress_down EXIT

if [ "$SHORT" = 1 ]; then
	SWAPS=4 CONNS=50 RATE=20000 LEAD=0.2
else
	SWAPS=40 CONNS=200 RATE=100000 LEAD=0.5   # 20 of each
fi
NEXT=${SFW_NEXT:-$(dirname "$SFW")/stress/next/sfw}
[ -x "$NEXT" ] || fail "$NEXT: build it first (make $NEXT)"
NEXT=$(readlink -f "$NEXT")
PORT=5001
FLOWS=64

stress_up
quiet_links
sfw attach veth0 veth1 >/dev/null || fail "attach"
srv_sink="$CTL/sink"
bg_in_ns "$SRV_NS" "$GEN" sink veth0 "$srv_sink"
up=$(start_conns "$CONNS" "$PORT")
[ "${up:-0}" = "$CONNS" ] || fail "only ${up:-0} of $CONNS connections came up"
# the generator's flows, established: one frame each, answered by the server
gen_cli udp 203.0.113.2 9 count=$FLOWS flows=$FLOWS >/dev/null || fail "gen"
sleep 0.3
for i in $(seq 0 $((FLOWS - 1))); do
	srv /usr/bin/python3 -c "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); \
s.bind(('203.0.113.2', 9)); s.sendto(b'answer', ('198.51.100.2', 10000 + $i))" || fail "answer $i"
done

# The figures of a quiet moment: "arrived0 judged0 arrived1 judged1 drops
# sent refused sink" (drops: sfw's on both interfaces, outcomes that are
# neither permitted nor untracked nor answered by proxy ARP or NDP).
count_all() {   # tag
	fw "${SPY[@]}" counters veth0 >"$CTL/ifc0.$1.json"
	fw "${SPY[@]}" counters veth1 >"$CTL/ifc1.$1.json"
	echo "$(veth_stat "$FW_NS" veth0 rx_ xdp_packets) $(jq .outcomes "$CTL/ifc0.$1.json")" \
		"$(veth_stat "$FW_NS" veth1 rx_ xdp_packets) $(jq .outcomes "$CTL/ifc1.$1.json")" \
		"$(jq -s 'map(.outcomes - .SFW_PERMITTED_PKTS - .SFW_UNTRACKED_PKTS - .SFW_PROXY_ARP - .SFW_PROXY_NDP) | add' \
			"$CTL/ifc0.$1.json" "$CTL/ifc1.$1.json")" \
		"$(veth_stat "$CLI_NS" veth0 tx_ xdp_xmit) $(veth_stat "$CLI_NS" veth0 tx_ xdp_xmit_errors)" \
		"$(cat "$srv_sink" 2>/dev/null || echo 0)"
}

# Every interface counter at least what it was (no reset).
counters_back() {   # before-tag after-tag
	local n=0
	for i in 0 1; do
		n=$((n + $(jq -s '.[0] as $a | .[1] as $b | [$a | keys[] | select($b[.] < $a[.])] | length' \
			"$CTL/ifc$i.$1.json" "$CTL/ifc$i.$2.json")))
	done
	echo "$n"
}

# One traffic window: generator frames from LEAD seconds before the swap
# (a command, or none) until LEAD seconds after it is done. Sets W_* to the window's figures.
window() {   # tag command...
	local tag=$1 gpid a b
	shift
	pause_conns
	read -r -a a < <(count_all "$tag.0")
	resume_conns
	# the frames go on until the swap is over, whatever it takes
	gen_cli_bg "$CTL/gen.out" udp 203.0.113.2 9 flows=$FLOWS rate=$RATE seconds=60
	gpid=$GEN_PID
	sleep "$LEAD"
	W_RC=0
	if [ $# -gt 0 ]; then "$@" >/dev/null 2>"$CTL/swap.err" || W_RC=$?; fi
	sleep "$LEAD"
	kill -TERM "$gpid"
	wait "$gpid"
	sleep 0.2
	pause_conns
	read -r -a b < <(count_all "$tag.1")
	resume_conns
	W_SENT=$(awk '/^sent/ {print $2}' "$CTL/gen.out")
	W_UNJUDGED=$(( (b[0] - a[0]) - (b[1] - a[1]) + (b[2] - a[2]) - (b[3] - a[3]) ))
	W_DROPS=$(( b[4] - a[4] ))
	W_REFUSED=$(( b[6] - a[6] ))
	W_DELIVERED=$(( b[7] - a[7] ))
	W_LOST=$(( W_SENT - W_DELIVERED - W_REFUSED ))
	W_BACK=$(counters_back "$tag.0" "$tag.1")
}

prog_ids() { sfw status --json | jq -r '[.["sfw-status"].interface[]["xdp-prog-id"]] | join(",")'; }

echo "reload: $SWAPS swaps under traffic ($CONNS TCP connections, $FLOWS UDP flows at $RATE frames/s)"
note "versions: $("$SFW" --version 2>&1 | head -1), rebuilt: $("$NEXT" --version 2>&1 | head -1)"
sessions snap "$PORT" "$CTL/tcp.0.json" >/dev/null
sessions snap 9 "$CTL/udp.0.json" 17 >/dev/null
[ "$(jq length "$CTL/tcp.0.json")" = "$CONNS" ] && [ "$(jq length "$CTL/udp.0.json")" = "$FLOWS" ] ||
	fail "sessions before the swaps: $(jq length "$CTL/tcp.0.json") TCP, $(jq length "$CTL/udp.0.json") UDP"
window base
note "baseline window, no swap: ${W_SENT} frames sent, ${W_DELIVERED} delivered, unjudged" \
	"$W_UNJUDGED, dropped by sfw $W_DROPS, refused by the veth $W_REFUSED, lost elsewhere $W_LOST"
base_lost=$W_LOST base_unjudged=$W_UNJUDGED
lost=0 back=0 unjudged=0 drops=0 unswapped=0 failed_swaps=0 gone=0 all_sent=0 all_delivered=0
printf '       %-5s %-22s %8s %9s %9s %6s %7s %5s\n' swap binary sent delivered unjudged drops refused lost
for s in $(seq 1 "$SWAPS"); do
	bin=$SFW
	[ $((s % 2)) = 0 ] && bin=$NEXT
	ids0=$(prog_ids)
	window "s$s" fw "$bin" reload
	ids1=$(prog_ids)
	[ "$W_RC" = 0 ] || { failed_swaps=$((failed_swaps + 1)); note "swap $s: $(cat "$CTL/swap.err")"; }
	[ "$ids0" != "$ids1" ] || unswapped=$((unswapped + 1))
	for kind in tcp:$PORT:6 udp:9:17; do
		IFS=: read -r k p proto <<<"$kind"
		sessions snap "$p" "$CTL/$k.$s.json" "$proto" >/dev/null
		c0=$("${SPY[@]}" compare "$CTL/$k.0.json" "$CTL/$k.$s.json")
		c1=$("${SPY[@]}" compare "$CTL/$k.$((s - 1)).json" "$CTL/$k.$s.json")
		gone=$((gone + $(jq .lost <<<"$c0")))
		back=$((back + $(jq .counters_back <<<"$c1")))
	done
	back=$((back + W_BACK))
	unjudged=$((unjudged + (W_UNJUDGED < 0 ? -W_UNJUDGED : W_UNJUDGED)))
	drops=$((drops + W_DROPS))
	lost=$((lost + W_LOST))
	all_sent=$((all_sent + W_SENT)) all_delivered=$((all_delivered + W_DELIVERED))
	printf '       %-5s %-22s %8s %9s %9s %6s %7s %5s\n' "$s" \
		"$([ "$bin" = "$SFW" ] && echo "sfw reload" || echo "rebuilt sfw reload")" \
		"$W_SENT" "$W_DELIVERED" "$W_UNJUDGED" "$W_DROPS" "$W_REFUSED" "$W_LOST"
done
read -r opened alive < <(stop_conns)
figure swaps "$(holds "failed_swaps == 0 && unswapped == 0")" "$SWAPS" \
	"$SWAPS swaps ($((SWAPS - SWAPS / 2)) sfw reload, $((SWAPS / 2)) by the rebuilt binary):" \
	"$failed_swaps failed, $unswapped left the old program ids"
figure sessions_lost "$(holds "gone == 0")" "$gone" \
	"established sessions lost over all swaps: $gone ($CONNS TCP + $FLOWS UDP checked after each)"
figure counters_back "$(holds "back == 0")" "$back" \
	"session or interface counters lower after a swap than before: $back (no reset)"
figure connections_alive "$(holds "alive == CONNS")" "$alive" \
	"connections still echoing after the last swap: $alive of $opened"
figure unjudged "$(holds "unjudged == 0")" "$unjudged" \
	"frames that reached a firewall interface and were not judged by sfw during the swaps:" \
	"$unjudged (baseline window without a swap: $base_unjudged)"
figure dropped_by_sfw "$(holds "drops == 0")" "$drops" \
	"frames sfw dropped during the swaps (all traffic permitted): $drops"
figure frames_lost "1" "$lost" \
	"generator frames neither delivered nor refused by the veth during the swaps: $lost of" \
	"$all_sent (baseline window without a swap: $base_lost)"
stress_finish

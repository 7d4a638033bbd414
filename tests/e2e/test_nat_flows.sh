#!/usr/bin/env bash
# 10,000 concurrent UDP flows through source-nat interface (docs/nat.md
# "Port allocation"), through lib.sh's topology as test_nat_source.sh
# uses it: the client (198.51.100.2) sends one datagram from each of its
# ports 33000..42999 to the server's 5353 (203.0.113.2), which answers
# none. Those ports are inside the firewall's ephemeral range
# (32768..60999), which source NAT never gives out, so not one is kept:
# every flow takes a port from the hashed offset. Then:
#   - the server saw 10,000 distinct peers, every one 203.0.113.1, no port
#     below 1024 or inside 32768..60999;
#   - `session nat` lists 10,000 sessions, their In wings the client's
#     10,000 ports, their Out wings exactly the peers the server saw;
#     `session nat summary` counts 10,000; rule all's Translation hits,
#     Successful sessions and Number of sessions are 10,000; 10,000 port
#     reservations are held, and no allocation was refused (Incoming NAT
#     errors 0);
#   - clearing the sessions frees every reservation.
# A datagram lost on the way (a veth ring, the server's backlog) is sent
# again, from the same port, in a later round: a flow that meets its
# session again must keep its port, or the server sees more than 10,000
# peers. Run with the stack forwarding and with XDP forwarding.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

FLOWS=10000 FIRST=33000 PASS=0

ports_held() {   # port reservations in the datapath (include/nat.h)
	bpftool map dump pinned "$SFW_PIN_ROOT/sfw_nat_ports" -j | jq length
}

# Value after "label: " in `session nat summary`.
summary_val() {   # label
	sfw show security flow session nat summary |
		awk -v l="$1: " 'index($0, l) == 1 { print substr($0, length(l) + 1); exit }'
}

# Sends every flow's datagram, up to three rounds, until the server has
# seen $FLOWS peers (or stops counting up).
send_flows() {   # sink dir
	local round n
	for round in 1 2 3; do
		cli /usr/bin/python3 tests/e2e/many_flows.py send 198.51.100.2 203.0.113.2 5353 \
			"$FIRST" "$FLOWS" || fail "sending round $round"
		for _ in $(seq 30); do
			n=$(cat "$1/count" 2>/dev/null)
			[ "${n:-0}" -ge "$FLOWS" ] && return 0
			sleep 0.1
		done
		echo "round $round: the server saw ${n:-0} peers, sending again" >&2
	done
}

one_pass() {   # label, attach words...
	local label=$1 dir out bad
	shift
	PASS=$((PASS + 1))
	dir=$DROPS_TMP/pass$PASS
	mkdir -p "$dir"
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "$label: attach: $out"
	commit_nat "${NAT_ALL[@]}"
	bg_in_ns "$SRV_NS" /usr/bin/python3 tests/e2e/many_flows.py sink 5353 "$dir"
	for _ in $(seq 50); do [ -e "$dir/count" ] && break; sleep 0.1; done
	[ -e "$dir/count" ] || fail "$label: the sink did not start"

	local t0=$SECONDS
	send_flows "$dir"
	touch "$dir/stop"
	for _ in $(seq 50); do [ -e "$dir/peers" ] && break; sleep 0.1; done
	echo "$label: $(wc -l <"$dir/peers") peers in $((SECONDS - t0)) s"

	# what the server saw
	expect_eq "$(wc -l <"$dir/peers")" "$FLOWS" "$label: distinct peers at the server"
	bad=$(awk '$1 != "203.0.113.1" || $2 < 1024 || ($2 >= 32768 && $2 <= 60999)' "$dir/peers" | head -3)
	expect_eq "$bad" "" "$label: peers not from 203.0.113.1's NAT ports"

	# what the firewall holds
	sfw show security flow session nat protocol udp >"$dir/sessions" || fail "$label: session nat"
	expect_eq "$(grep -c '^Session ID' "$dir/sessions")" "$FLOWS" "$label: sessions listed by 'nat'"
	sed -n 's|^  In: 198\.51\.100\.2/\([0-9]*\) --> 203\.0\.113\.2/5353;udp.*|\1|p' "$dir/sessions" |
		sort -n >"$dir/in"
	seq "$FIRST" $((FIRST + FLOWS - 1)) | cmp -s - "$dir/in" ||
		fail "$label: the In wings are not the client's $FLOWS ports ($(wc -l <"$dir/in") of them)"
	sed -n 's|^  Out: 203\.0\.113\.2/5353 --> \(203\.0\.113\.1\)/\([0-9]*\);udp.*|\1 \2|p' "$dir/sessions" |
		sort >"$dir/out"
	sort "$dir/peers" | cmp -s "$dir/out" - ||
		fail "$label: the Out wings are not the peers the server saw: $(sort "$dir/peers" | diff "$dir/out" - | head -4)"
	expect_eq "$(summary_val 'Total sessions')" "$FLOWS" "$label: session nat summary's Total sessions"
	expect_eq "$(summary_val 'Valid sessions')" "$FLOWS" "$label: session nat summary's Valid sessions"
	expect_eq "$(rule_val all 'Translation hits')" "$FLOWS" "$label: rule all's Translation hits"
	expect_eq "$(rule_val all 'Successful sessions')" "$FLOWS" "$label: rule all's Successful sessions"
	expect_eq "$(rule_val all 'Number of sessions')" "$FLOWS" "$label: rule all's Number of sessions"
	expect_eq "$(ports_held)" "$FLOWS" "$label: ports held"
	expect_drops veth0 incoming-nat-errors 'Incoming NAT errors:' 0

	out=$(sfw clear security flow session protocol udp 2>&1) || fail "$label: clear: $out"
	expect_eq "$(ports_held)" 0 "$label: ports held after clearing the sessions"

	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	BG_PIDS=()
	wait 2>/dev/null || true
	sfw detach all >/dev/null || fail "$label: detach"
}

nat_topology_up

one_pass "stack forwarding"
one_pass "XDP forwarding" forward
echo "PASS"

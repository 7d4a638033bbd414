#!/usr/bin/env bash
# Stress 4, commits under traffic (docs/reliability.md, "Stress"): two
# policy sets, A and B, committed in turn while the generator sends a new
# UDP tuple in every frame (so every frame is a first packet, judged by
# policy) and TCP connections carry echo traffic. The sets differ in
# names, addresses, applications and order (B starts with a deny policy
# that matches nothing), but each permits all of the traffic, and the
# default policy is deny-all: a packet that fell through to the default
# policy (a lookup that saw half of one generation, or none) would be
# counted as Policy denied. Every tenth commit says `reevaluate`. At the
# end the last set less the TCP connections' policy is committed twice:
# without `reevaluate`, then with it. Proves:
#  - no packet fell through: Policy denied stays 0, every frame sent
#    opened a session (Connections established), and every such session
#    carries the id of A's or B's permit policy;
#  - established sessions are kept across every commit (same ids),
#    reevaluating ones included, while their policy permits them, and
#    without `reevaluate` even by a set that no longer permits them;
#  - `commit reevaluate` of a set that no longer permits them removes
#    them, and only them.
# Baseline, in the same run: the same traffic for as long, with no commit.
set -uo pipefail
cd "$(dirname "$0")/../.."
source bench/stress/lib.sh
stress_args commit "$@"
trap stress_down EXIT

if [ "$SHORT" = 1 ]; then
	COMMITS=6 CONNS=50 RATE=5000 REEVAL=3
else
	COMMITS=100 CONNS=200 RATE=5000 REEVAL=10
fi
PORT=5001

# A policy's id is its identity's (conf/policy_ids.c): the connections'
# policy (`echo`) has one id in both sets, and each set's own permit
# policy an id of its own, read back from `show security policies`: a
# session's id then says which set's policy opened it. A session opened by
# a deny policy's id is one a mixed lookup let through.
common() {
	cat <<'CONF'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies default-policy deny-all
set security address-book global address srv 203.0.113.2/32
set security address-book global address nowhere 192.0.2.0/24
set applications application echo-tcp protocol tcp destination-port 5001
set security policies from-zone trust to-zone untrust policy echo match source-address any destination-address srv application echo-tcp
set security policies from-zone trust to-zone untrust policy echo then permit
CONF
}
set_a() {
	common
	cat <<'CONF'
set applications application gen-udp protocol udp destination-port 10-60009 inactivity-timeout 3600
set security policies from-zone trust to-zone untrust policy a-nothing match source-address any destination-address nowhere application gen-udp
set security policies from-zone trust to-zone untrust policy a-nothing then deny
set security policies from-zone trust to-zone untrust policy a-gen match source-address any destination-address srv application gen-udp
set security policies from-zone trust to-zone untrust policy a-gen then permit
CONF
}
set_b() {
	common
	cat <<'CONF'
set security address-book global address srv-net 203.0.113.0/24
set applications application gen-udp-b protocol udp destination-port 1-65535 inactivity-timeout 3600
set security policies from-zone trust to-zone untrust policy b-nothing match source-address any destination-address nowhere application gen-udp-b
set security policies from-zone trust to-zone untrust policy b-nothing then deny
set security policies from-zone trust to-zone untrust policy b-nothing-2 match source-address nowhere destination-address srv-net application gen-udp-b
set security policies from-zone trust to-zone untrust policy b-nothing-2 then deny
set security policies from-zone trust to-zone untrust policy b-gen match source-address any destination-address srv-net application gen-udp-b
set security policies from-zone trust to-zone untrust policy b-gen then permit
CONF
}
set_c() {   # the last set without the connections' policy
	"set_$1" | grep -v ' echo '
}

stress_up
quiet_links
sfw attach veth0 veth1 >/dev/null || fail "attach"
set_a | commit_conf || fail "commit A"
bg_in_ns "$SRV_NS" "$GEN" sink veth0 "$CTL/sink"
up=$(start_conns "$CONNS" "$PORT")
[ "${up:-0}" = "$CONNS" ] || fail "only ${up:-0} of $CONNS connections came up"

policy_ids() {   # name...: the identifiers the committed set gives them
	local names
	names=$(printf '"%s",' "$@")
	sfw show security policies --json | jq -r --argjson n "[${names%,}]" \
		'[.. | objects | select(has("policy-name")) | select(.["policy-name"] as $p |
		  $n | index($p)) | .["policy-identifier"]] | join(" ")'
}

# The generator's sessions by policy id: "id count" lines.
gen_sessions_by_policy() { sessions policies 17; }

echo "commit: $COMMITS commits of alternating policy sets under traffic ($CONNS TCP" \
	"connections, a new UDP tuple in every frame at $RATE frames/s)"
sessions snap "$PORT" "$CTL/tcp.0.json" >/dev/null
[ "$(jq length "$CTL/tcp.0.json")" = "$CONNS" ] || fail "$(jq length "$CTL/tcp.0.json") sessions for $CONNS connections"
denied0=$(fw_counter veth0 ERR_POLICY_DENIED)
created0=$(fw_counter veth0 IN_CONNECTIONS)
gen_ids=" $(policy_ids a-gen) "
last=a
first=0
# The baseline: the same traffic, no commit, for a while.
gen_cli_bg "$CTL/gen.out" udp-new 203.0.113.2 9 rate=$RATE seconds=60 first=$first
sleep 1
kill -TERM "$GEN_PID"; wait "$GEN_PID"
base_sent=$(awk '/^sent/ {print $2}' "$CTL/gen.out")
first=$((first + base_sent))

gen_cli_bg "$CTL/gen.out" udp-new 203.0.113.2 9 rate=$RATE seconds=3600 first=$first
failed_commits=0 lost=0 t0=$(date +%s.%N)
for c in $(seq 1 "$COMMITS"); do
	which=a
	[ $((c % 2)) = 0 ] && which=b
	re=()
	[ $((c % REEVAL)) = 0 ] && re=(reevaluate)
	"set_$which" | commit_conf "${re[@]}" || failed_commits=$((failed_commits + 1))
	last=$which
	[ "$which" = b ] && [ "$c" = 2 ] && gen_ids+="$(policy_ids b-gen) "
	# a lost session never comes back with its id: checking at every
	# reevaluation and at the end misses none (a walk per commit would
	# slow the commits down at hundreds of thousands of sessions)
	[ ${#re[@]} -gt 0 ] || [ "$c" = "$COMMITS" ] || continue
	sessions snap "$PORT" "$CTL/tcp.now.json" >/dev/null
	lost=$("${SPY[@]}" compare "$CTL/tcp.0.json" "$CTL/tcp.now.json" | jq .lost)
done
commit_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
sleep 0.3
kill -TERM "$GEN_PID"; wait "$GEN_PID"
sent=$(awk '/^sent/ {print $2}' "$CTL/gen.out")
sleep 0.3
denied=$(( $(fw_counter veth0 ERR_POLICY_DENIED) - denied0 ))
created=$(( $(fw_counter veth0 IN_CONNECTIONS) - created0 ))
gen_total=$((base_sent + sent))
in_table=0 foreign=0
while read -r id n; do
	in_table=$((in_table + n))
	[[ "$gen_ids" == *" $id "* ]] || foreign=$((foreign + n))
done < <(gen_sessions_by_policy)

figure commits "$(holds "failed_commits == 0")" "$COMMITS" \
	"$COMMITS commits (A and B in turn, with reevaluate every $REEVAL) in ${commit_s}s:" \
	"$failed_commits failed"
figure policy_denied "$(holds "denied == 0")" "$denied" \
	"first packets that fell through to the default deny-all: $denied (frames sent during the" \
	"commits: $sent; in the baseline second without a commit: $base_sent)"
figure sessions_opened "$(holds "created == gen_total")" "$created" \
	"new tuples sent $gen_total, sessions they opened $created (Connections established:" \
	"every first packet permitted)"
figure foreign_policy "$(holds "foreign == 0 && in_table > 0")" "$foreign" \
	"of the $in_table generator sessions in the table, opened by anything but A's or B's" \
	"permit policy (ids${gen_ids% }): $foreign"
figure established_lost "$(holds "lost == 0")" "$lost" \
	"established TCP sessions lost across the commits: $lost of $CONNS (checked at each" \
	"reevaluation and at the end)"
# The last set less the connections' policy: without reevaluate their
# sessions stay; with it they go, and the
# generator's stay, since their policies are unchanged.
set_c "$last" | commit_conf || fail "commit C"
kept_c=$(sessions snap "$PORT" "$CTL/tcp.c.json" >/dev/null; "${SPY[@]}" compare \
	"$CTL/tcp.0.json" "$CTL/tcp.c.json" | jq .kept)
figure kept_without_reevaluate "$(holds "kept_c == CONNS")" "$kept_c" \
	"commit of set $last without the connections' policy, no reevaluate: $kept_c of" \
	"$CONNS TCP sessions kept (same ids)"
udp0=$(gen_sessions_by_policy | awk '{n += $2} END {print n + 0}')
set_c "$last" | commit_conf reevaluate || fail "commit C reevaluate"
left=$(sessions count "$PORT")
udp1=$(gen_sessions_by_policy | awk '{n += $2} END {print n + 0}')
figure reevaluate_left "$(holds "left == 0")" "$left" \
	"commit reevaluate of set $last without the connections' policy: $left of $CONNS TCP sessions left"
figure reevaluate_removed_others "$(holds "udp1 == udp0 && udp0 > 0")" "$((udp0 - udp1))" \
	"the same commit removed $((udp0 - udp1)) of the $udp0 generator sessions its unchanged" \
	"policy permits (only the refused ones go)"
read -r _ _ < <(stop_conns)
stress_finish

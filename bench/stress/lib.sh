# Shared by the stress scenarios' scripts (docs/reliability.md, "Stress"):
# the e2e topology of tests/e2e/lib.sh (client — firewall — server
# namespaces, a pin root and configuration directory of the run's own),
# the live-frames generator (build/stress/gen), the helpers of
# bench/stress/stress.py, and the figures: each printed with what it
# proves and written to the scenario's JSON.
#
#   SCRIPT [--short] [RESULT.json]

source tests/e2e/lib.sh
STRESS_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
GEN=${GEN:-$(dirname "$SFW")/stress/gen}
SPY=(/usr/bin/python3 "$STRESS_DIR/stress.py")
SESSIONS=${SESSIONS:-$(dirname "$SFW")/stress/sessions}
SHORT=0
FAILED=0
JSON_SEP=""

stress_args() {   # scenario args...
	SCENARIO=$1
	shift
	JSON_OUT=""
	for a in "$@"; do
		case "$a" in
		--short) SHORT=1 ;;
		-*) echo "usage: $0 [--short] [RESULT.json]" >&2; exit 2 ;;
		*) JSON_OUT=$a ;;
		esac
	done
	: "${JSON_OUT:=$(dirname "$SFW")/stress/$SCENARIO.json}"
	CTL=$(mktemp -d "/tmp/sfw-stress-$SCENARIO-XXXXXX")
	printf '{"scenario": "%s", "size": "%s", "date": "%s", "nproc": %s,' "$SCENARIO" \
		"$([ "$SHORT" = 1 ] && echo short || echo full)" "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" \
		"$(nproc)" >"$JSON_OUT"
}

# A checked figure: KEY OK(0|1) VALUE TEXT. OK 0 fails the scenario.
figure() {
	local key=$1 ok=$2 value=$3
	shift 3
	if [ "$ok" = 1 ]; then
		printf '  ok   %s\n' "$*"
	else
		printf '  FAIL %s\n' "$*"
		FAILED=$((FAILED + 1))
	fi
	printf '%s\n  "%s": %s' "$JSON_SEP" "$key" "$value" >>"$JSON_OUT"
	JSON_SEP=","
}

# A figure that shows a known issue of another part of sfw, reported and
# not this scenario's to fix: printed and recorded (with "known_issue" in
# the JSON), but it does not fail the run. When it holds, the issue is
# gone and the mark should go too: it says so.
known() {
	local key=$1 ok=$2 value=$3
	shift 3
	if [ "$ok" = 1 ]; then
		printf '  ok   %s (marked as a known issue: it is gone, drop the mark)\n' "$*"
	else
		printf '  KNOWN ISSUE %s\n' "$*"
	fi
	printf '%s\n  "%s": %s,\n  "%s_known_issue": %s' "$JSON_SEP" "$key" "$value" "$key" \
		"$([ "$ok" = 1 ] && echo false || echo true)" >>"$JSON_OUT"
	JSON_SEP=","
}

note() { printf '       %s\n' "$*"; }

# 1 when the arithmetic condition holds, else 0 (for figure's OK).
holds() { (( $1 )) && echo 1 || echo 0; }

stress_finish() {
	printf '%s\n  "failed": %d\n}\n' "$JSON_SEP" "$FAILED" >>"$JSON_OUT"
	[ "$FAILED" -eq 0 ]
}

stress_down() {
	[ -n "${CTL:-}" ] && touch "$CTL/stop"
	topology_down
	[ -n "${CTL:-}" ] && rm -rf "$CTL"
	return 0
}

# The topology, with GRO on every veth: a frame XDP sends into a veth
# (the generator's, a cookie SYN-ACK) reaches its peer only through NAPI,
# which runs with GRO or an XDP program there (bench/topo.h).
stress_up() {
	topology_up
	for ns in "$CLI_NS" "$SRV_NS"; do
		in_ns "$ns" ethtool -K veth0 gro on >/dev/null 2>&1
	done
	fw ethtool -K veth0 gro on >/dev/null 2>&1
	fw ethtool -K veth1 gro on >/dev/null 2>&1
	cli ping -c 1 -W 2 -q 203.0.113.2 >/dev/null 2>&1
}

mac_of() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }   # ns ifname

# gen MODE DST DPORT [key=value...]: from the client's veth0 to the
# firewall's (its MAC), source the client's address.
gen_cli() {
	local mode=$1 dst=$2 dport=$3
	shift 3
	cli "$GEN" "$mode" veth0 "$(mac_of "$FW_NS" veth0)" 198.51.100.2 "$dst" "$dport" "$@"
}

# The same in the background, its output to FILE; GEN_PID is the
# generator's own pid (nsenter execs it), for a SIGTERM that stops it.
gen_cli_bg() {   # file mode dst dport [key=value...]
	local out=$1 mode=$2 dst=$3 dport=$4 mac
	shift 4
	mac=$(mac_of "$FW_NS" veth0)
	nsenter --net="/run/netns/$CLI_NS" "$GEN" "$mode" veth0 "$mac" 198.51.100.2 "$dst" \
		"$dport" "$@" >"$out" 2>&1 </dev/null &
	GEN_PID=$!
	BG_PIDS+=("$GEN_PID")
}

# The session table, straight from the map (bench/stress/sessions.c).
sessions() { "$SESSIONS" "$@"; }

# One counter of a firewall interface, by id (include/counters.h), or
# "outcomes" for the sum of every outcome counter.
fw_counter() { fw "${SPY[@]}" counters "$1" | jq -r ".$2"; }

# A committed configuration from stdin.
commit_conf() {   # [reevaluate]
	cat >"$CTL/conf"
	sfw commit "$CTL/conf" "$@" >/dev/null
}

# N TCP connections from the client to the server's port, carrying echo
# rounds until stop_conns; waits until all are up.
start_conns() {   # n port
	bg_in_ns "$SRV_NS" "${SPY[@]}" serve "$2"
	sleep 0.3
	rm -f "$CTL/ready" "$CTL/stop" "$CTL/result.json"
	bg_in_ns "$CLI_NS" "${SPY[@]}" hold 203.0.113.2 "$2" "$1" "$CTL"
	for _ in $(seq 600); do
		[ -e "$CTL/ready" ] && break
		sleep 0.1
	done
	[ -e "$CTL/ready" ] && cat "$CTL/ready"
}

# Stops the echo rounds; after a last round, the result: "opened alive".
stop_conns() {
	touch "$CTL/stop"
	for _ in $(seq 300); do
		[ -e "$CTL/result.json" ] && break
		sleep 0.1
	done
	jq -r '"\(.opened) \(.alive)"' "$CTL/result.json" 2>/dev/null || echo "0 0"
}

# Holds the echo rounds for a quiet moment (nothing in flight), and
# lets them go again.
pause_conns() {
	rm -f "$CTL/paused"
	touch "$CTL/pause"
	for _ in $(seq 200); do
		[ -e "$CTL/paused" ] && break
		sleep 0.05
	done
	sleep 0.2
}
resume_conns() { rm -f "$CTL/pause"; }

# No ARP and no IPv6 (router solicitations, neighbour discovery): frames
# of those would reach the firewall's hooks at moments no test chose.
quiet_links() {
	local c f0 f1 s
	c=$(mac_of "$CLI_NS" veth0) f0=$(mac_of "$FW_NS" veth0)
	f1=$(mac_of "$FW_NS" veth1) s=$(mac_of "$SRV_NS" veth0)
	for ns in "$CLI_NS" "$FW_NS" "$SRV_NS"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		for i in veth0 veth1; do
			in_ns "$ns" sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" 2>/dev/null || true
		done
	done
	ip -n "$CLI_NS" neigh replace 198.51.100.1 lladdr "$f0" dev veth0 nud permanent
	ip -n "$FW_NS" neigh replace 198.51.100.2 lladdr "$c" dev veth0 nud permanent
	ip -n "$FW_NS" neigh replace 203.0.113.2 lladdr "$s" dev veth1 nud permanent
	ip -n "$SRV_NS" neigh replace 203.0.113.1 lladdr "$f1" dev veth0 nud permanent
}

# A veth's ethtool figure summed over its queues: e.g. rx_ xdp_packets.
veth_stat() {   # ns ifname prefix suffix
	in_ns "$1" ethtool -S "$2" | awk -v p="$3" -v s="$4" \
		'$1 ~ "^" p "queue_[0-9]+_" s ":$" {n += $2} END {print n + 0}'
}

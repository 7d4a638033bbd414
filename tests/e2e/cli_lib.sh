# Sourced after lib.sh by the CLI tests (test_cli_*.sh): a fixed set of
# flows whose 5-tuples are known in advance, and helpers that read sessions
# back through the CLI, text and --json, and compare them as sets.
#
# The flows (In wing, as `flowset.py` prints it):
ICMP4="icmp 198.51.100.2/4711 203.0.113.2/0"        # client ping, id 4711
ICMP6="icmp6 2001:db8:1::2/4712 2001:db8:2::2/0"     # client ping6, id 4712
HOSTPING="icmp 203.0.113.1/4713 203.0.113.2/0"      # firewall host's own ping: veth1 only
TCP80="tcp 198.51.100.2/40080 203.0.113.2/80"       # junos-http, stays established
TCP22="tcp 198.51.100.2/40022 203.0.113.2/22"       # junos-ssh, stays established
TCP6="tcp 2001:db8:1::2/40443 2001:db8:2::2/443"    # junos-https, stays established
DNS4="udp 198.51.100.2/40053 203.0.113.2/53"        # junos-dns-udp, echoed
DNS6="udp 2001:db8:1::2/40054 2001:db8:2::2/53"     # junos-dns-udp over IPv6, echoed
NTP="udp 203.0.113.2/40123 198.51.100.2/123"        # opened by the server: In wing on veth1
ALL_FLOWS=("$ICMP4" "$ICMP6" "$HOSTPING" "$TCP80" "$TCP22" "$TCP6" "$DNS4" "$DNS6" "$NTP")

E2E=tests/e2e
TMPD=$(mktemp -d)

cli_cleanup() { topology_down; rm -rf "$TMPD"; }

# Polls (every 0.1 s) until the command succeeds; fails after `secs`.
wait_until() {   # secs what command...
	local secs=$1 what=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "timed out waiting for $what"
}

listening() { [ -n "$(in_ns "$1" ss -Hln"$2" "sport = :$3")" ]; }   # ns t|u port

# The oracle: the pinned map read by bpftool, not by sfw.
oracle() { "$E2E/sessions.py"; }
tcp_established() {   # sport dport
	oracle | has "^6 [^ ]*/$1 [^ ]*/$2 .*tcp=ESTABLISHED"
}

udp_send() {   # ns sport dst dport
	in_ns "$1" "$E2E/udp.py" send "$2" "$3" "$4" || fail "UDP $2 -> $3/$4: no echo"
}

# A TCP connection from the client that stays established: nc reads
# nothing more from /dev/null and keeps the connection open.
tcp_open() {   # sport dst dport
	bg_in_ns "$CLI_NS" nc -p "$1" "$2" "$3"
	wait_until 5 "TCP $1 -> $2/$3 established" tcp_established "$1" "$3"
}

start_servers() {
	tcp_server 80
	tcp_server 22
	tcp_server 443 -6
	bg_in_ns "$SRV_NS" "$E2E/udp.py" serve 53
	bg_in_ns "$CLI_NS" "$E2E/udp.py" serve 123
	wait_until 3 "servers" eval 'listening "$SRV_NS" t 80 && listening "$SRV_NS" t 22 &&
		listening "$SRV_NS" t 443 && listening "$SRV_NS" u 53 && listening "$CLI_NS" u 123'
}

start_flows() {
	start_servers
	cli ping -e 4711 -c 2 -i 0.2 -q 203.0.113.2 >/dev/null || fail "ping through sfw"
	cli ping -6 -e 4712 -c 2 -i 0.2 -q 2001:db8:2::2 >/dev/null || fail "ping6 through sfw"
	fw ping -e 4713 -c 1 -q 203.0.113.2 >/dev/null || fail "ping from the firewall host"
	udp_send "$CLI_NS" 40053 203.0.113.2 53
	udp_send "$CLI_NS" 40054 2001:db8:2::2 53
	udp_send "$SRV_NS" 40123 198.51.100.2 123
	tcp_open 40080 203.0.113.2 80
	tcp_open 40022 203.0.113.2 22
	tcp_open 40443 2001:db8:2::2 443
}

# The sessions `show security flow session WORDS` lists, as sorted flow
# lines in $SHOWN; text and --json must list the same ones.
show_set() {
	local t=$TMPD/show.txt j=$TMPD/show.json a b
	sfw show security flow session "$@" >"$t" || fail "show $*: exit $?"
	sfw show security flow session "$@" --json >"$j" || fail "show $* --json: exit $?"
	a=$("$E2E/flowset.py" text "$t") || fail "show $*: malformed text: $(cat "$t")"
	b=$("$E2E/flowset.py" json "$j") || fail "show $* --json: malformed: $(cat "$j")"
	[ "$a" = "$b" ] || fail "show $*: text lists [$a], JSON lists [$b]"
	SHOWN=$a
}

sorted_lines() { [ $# -eq 0 ] || printf '%s\n' "$@" | sort; }

# expect_show WORDS... = FLOW...: exactly these sessions, text and JSON.
expect_show() {
	local words=() want
	while [ $# -gt 0 ] && [ "$1" != "=" ]; do words+=("$1"); shift; done
	[ $# -gt 0 ] || fail "expect_show: no '='"
	shift
	want=$(sorted_lines "$@")
	show_set "${words[@]}"
	[ "$SHOWN" = "$want" ] || fail "show ${words[*]}: got
[$SHOWN]
want
[$want]"
}

# Every flow but the ones given.
all_but() {
	local f x keep
	for f in "${ALL_FLOWS[@]}"; do
		keep=1
		for x in "$@"; do [ "$f" = "$x" ] && keep=0; done
		[ $keep = 1 ] && printf '%s\n' "$f"
	done
}

# A per-interface counter, summed over CPUs, read from the pinned map.
counter() {   # ifname COUNTER_ID (as in include/counters.h)
	fw "$E2E/counter.py" "$1" "$2"
}

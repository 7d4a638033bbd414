# Sourced by the bypass tests after lib.sh: what a namespace's veth0
# receives, captured with tcpdump from before the test's packets. A packet
# sfw must stop shows by its absence once a marker, a packet sent after it
# on the same path, has been captured.

cap_start() {   # ns file filter
	nsenter --net="/run/netns/$1" tcpdump -i veth0 -n -U -w "$2" "$3" 2>"$2.err" &
	BG_PIDS+=($!)
	for _ in $(seq 100); do grep -qs "listening on" "$2.err" && return 0; sleep 0.05; done
	fail "tcpdump did not start: $(cat "$2.err")"
}

cap_count() {   # file filter: packets captured that match
	tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l
}

cap_wait() {   # file filter: returns once a packet matching it was captured
	for _ in $(seq 100); do
		[ "$(cap_count "$1" "$2")" -gt 0 ] && return 0
		sleep 0.05
	done
	fail "the marker ($2) never showed in the capture"
}

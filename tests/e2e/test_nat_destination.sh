#!/usr/bin/env bash
# destination-nat pool end to end (docs/nat.md "Destination NAT"), port
# forwarding through lib.sh's topology turned round: the outside client
# (203.0.113.2, zone untrust) connects to the firewall's WAN address,
# 203.0.113.1, and reaches the inside server (198.51.100.2, zone trust):
#   - TCP to 203.0.113.1:8080 reaches the server's listener on port 80,
#     which sees the client's real address and port, and the client reads
#     the server's answer from 203.0.113.1:8080 (its socket is connected
#     there: an answer from elsewhere would never reach it);
#   - UDP to 203.0.113.1:5353 reaches the server's port 5353 (a pool
#     without a port keeps it) and its answer comes back from the public
#     address;
#   - the session shows the Out wing from the server to the client, and no
#     source NAT pool;
#   - the policy names the inside server's address: it is judged on the
#     translated destination, as on Junos; a port no rule translates
#     reaches nothing;
#   - show security nat destination rule/pool/summary count each rule's
#     and pool's first packet (Translation hits, Successful sessions), the
#     UDP rule's live session, in text and JSON; clearing one rule leaves
#     the other's, clear security nat statistics zeroes both.
# Run twice: with the stack forwarding (XDP translates the client's
# packets before they go up; the server's replies go up as sent and tc
# egress translates them, since the kernel drops a packet from its own
# address) and with XDP forwarding (XDP translates both ways).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

DNAT=(
	"set security address-book global address srv 198.51.100.2/32"
	"set security policies from-zone untrust to-zone trust policy in match source-address any destination-address srv application any"
	"set security policies from-zone untrust to-zone trust policy in then permit"
	"set security policies default-policy deny-all"
	"set security nat destination pool web address 198.51.100.2/32 port 80"
	"set security nat destination pool dns address 198.51.100.2/32"
	"set security nat destination rule-set from-wan from zone untrust"
	"set security nat destination rule-set from-wan rule web match destination-address 203.0.113.1/32"
	"set security nat destination rule-set from-wan rule web match destination-port 8080"
	"set security nat destination rule-set from-wan rule web match protocol tcp"
	"set security nat destination rule-set from-wan rule web then destination-nat pool web"
	"set security nat destination rule-set from-wan rule dns match destination-address 203.0.113.1/32"
	"set security nat destination rule-set from-wan rule dns match destination-port 5353"
	"set security nat destination rule-set from-wan rule dns match protocol udp"
	"set security nat destination rule-set from-wan rule dns then destination-nat pool dns"
)

# The inside server: TCP on 80 and UDP on 5353, each answering the peer
# it saw as "addr:port", which it also writes to $PEERS.
inside_servers() {
	bg_in_ns "$CLI_NS" /usr/bin/python3 -c '
import socket, sys, threading
peers = sys.argv[1]
def tcp():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 80)); s.listen(8)
    while True:
        c, a = s.accept()
        open(peers, "a").write("tcp %s:%d\n" % a)
        c.sendall(("%s:%d\n" % a).encode()); c.close()
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 5353))
    while True:
        d, a = s.recvfrom(64)
        open(peers, "a").write("udp %s:%d\n" % a)
        s.sendto(("%s:%d\n" % a).encode(), a)
threading.Thread(target=udp, daemon=True).start()
tcp()' "$PEERS"
	for i in $(seq 50); do cli ss -Hlnt 'sport = :80' | has . && break; sleep 0.1; done
}

# From the outside client's port $2 to 203.0.113.1:$3 over $1 (tcp|udp):
# prints what the server answered, exit 4 when nothing came.
outside() {   # proto sport dport
	srv /usr/bin/python3 - "$@" <<'PY'
import socket, sys
proto, sport, dport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, t)
s.settimeout(3)
s.bind(("0.0.0.0", sport))
try:
    s.connect(("203.0.113.1", dport))
    if proto == "udp":
        s.send(b"x")
    print(s.recv(64).decode().strip())
except OSError:
    sys.exit(4)
PY
}

# One label's line of a show's text: its value.
value_of() {   # text, label (the line's first, at either indent)
	sed -n "s/^ *$2 *: //p" <<<"$1" | head -1
}

# Each rule's and pool's first packet counted once, by the shows.
dnat_counts() {   # label
	local label=$1 out
	out=$(sfw show security nat destination rule web) || fail "$label: show rule web: $out"
	expect_eq "$(value_of "$out" "Translation hits")" 1 "$label: web's Translation hits"
	expect_eq "$(value_of "$out" "Successful sessions")" 1 "$label: web's Successful sessions"
	out=$(sfw show security nat destination rule all) || fail "$label: show rule all: $out"
	has -x "Total destination-nat rules: 2" <<<"$out" || fail "$label: rule all: $out"
	out=$(sfw show security nat destination rule dns --json) || fail "$label: dns --json"
	has -F '"rule-translation-hits": 1,' <<<"$out" || fail "$label: dns's JSON hits: $out"
	has -F '"concurrent-hits": 1' <<<"$out" || fail "$label: dns's live session: $out"
	out=$(sfw show security nat destination pool web) || fail "$label: show pool web: $out"
	expect_eq "$(value_of "$out" "Translation hits")" 1 "$label: pool web's Translation hits"
	out=$(sfw show security nat destination summary) || fail "$label: summary: $out"
	has -x "Rule name : dns" <<<"$out" || fail "$label: summary: $out"
	sfw clear security nat destination rule web || fail "$label: clear rule web"
	out=$(sfw show security nat destination rule all)
	expect_eq "$(value_of "$out" "Translation hits" )" 0 "$label: web's hits after its clear"
	expect_eq "$(sed -n 's/^  Translation hits *: //p' <<<"$out" | tail -1)" 1 \
		"$label: dns's hits after web's clear"
	sfw clear security nat statistics || fail "$label: clear statistics"
	out=$(sfw show security nat destination pool all)
	expect_eq "$(sed -n 's/^Translation hits *: //p' <<<"$out" | sort -u)" 0 \
		"$label: every pool's hits after clear security nat statistics"
}

one_pass() {   # label, client port base, attach words...
	local label=$1 tp=$(($2 + 80)) up=$(($2 + 53)) out
	shift 2
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "$label: attach $*: $out"
	commit_lines "${NAT_ZONES[@]}" "${DNAT[@]}"
	# the ids are kept across the passes' commits, and so their counts
	sfw clear security nat statistics || fail "$label: clear security nat statistics"
	: >"$PEERS"
	inside_servers

	out=$(outside tcp $tp 8080) || fail "$label: TCP to 203.0.113.1:8080 got no answer"
	expect_eq "$out" "203.0.113.2:$tp" "$label: the peer the inside TCP server saw"
	out=$(outside udp $up 5353) || fail "$label: UDP to 203.0.113.1:5353 got no answer"
	expect_eq "$out" "203.0.113.2:$up" "$label: the peer the inside UDP server saw"

	out=$(sfw show security flow session nat protocol udp)
	has -F "  In: 203.0.113.2/$up --> 203.0.113.1/5353;udp" <<<"$out" ||
		fail "$label: UDP session's In wing: $out"
	has -F "  Out: 198.51.100.2/5353 --> 203.0.113.2/$up;udp" <<<"$out" ||
		fail "$label: UDP session's Out wing: $out"
	out=$(sfw show security flow session nat protocol udp extensive)
	has -x "Source NAT pool: Null" <<<"$out" || has "^Source NAT pool: Null," <<<"$out" ||
		fail "$label: Source NAT pool of a destination NAT session: $out"

	# no rule translates 8081: the firewall's own port, closed to untrust
	outside tcp $((tp + 1)) 8081 && fail "$label: 203.0.113.1:8081 answered"
	expect_eq "$(grep -c . "$PEERS")" 2 "$label: connections the inside server saw"
	dnat_counts "$label"

	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	BG_PIDS=()
	wait 2>/dev/null || true
	sfw detach all >/dev/null || fail "$label: detach"
}

nat_topology_up
PEERS=$(mktemp)
trap 'rm -f "$PEERS"; drops_cleanup' EXIT

one_pass "stack forwarding" 22000
one_pass "XDP forwarding" 23000 forward
echo "PASS"

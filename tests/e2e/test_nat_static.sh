#!/usr/bin/env bash
# static-nat prefix end to end (docs/nat.md "Static NAT"): the inside host
# 198.51.100.2 (zone trust) has the static address 192.0.2.100, which the
# outside host (203.0.113.2, zone untrust, no route to the inside LAN)
# routes to the firewall:
#   - TCP and UDP from outside to 192.0.2.100 reach the inside host's
#     listeners on their own ports, which see the outside host's real
#     address, and the answers come back from 192.0.2.100 (the outside
#     sockets are connected there: an answer from elsewhere never reaches
#     them);
#   - the inside host's own connection to the outside is seen there from
#     192.0.2.100 (not from the WAN address the source-nat interface rule
#     of the same zone pair would give it: static NAT goes first), its
#     port kept, and its answer comes back;
#   - the policy names the inside host's address: judged on the
#     translated destination;
#   - the sessions show the Out wing as the replies come, and no source
#     NAT pool, either way;
#   - show security nat static rule counts the rule's first packets both
#     ways (Translation hits, Successful sessions) and its live sessions,
#     in text, JSON and Junos's own reply (`| display xml` parsed by
#     xml.etree, its elements those of a real SRX reply in their order,
#     tests/fixtures/junos/nat-static-rule.xml; `| display json` its
#     tree); clear security nat static rule zeroes them.
# Run twice: with the stack forwarding (tc egress translates what the
# stack routes) and with XDP forwarding.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

STATIC=(
	"set security address-book global address host 198.51.100.2/32"
	"set security policies from-zone untrust to-zone trust policy in match source-address any destination-address host application any"
	"set security policies from-zone untrust to-zone trust policy in then permit"
	"set security nat static rule-set from-wan from zone untrust"
	"set security nat static rule-set from-wan rule host match destination-address 192.0.2.100/32"
	"set security nat static rule-set from-wan rule host then static-nat prefix 198.51.100.2/32"
)

# The inside host: TCP on 80 and UDP on 5353, each answering the peer it
# saw as "addr:port", which it also writes to $PEERS.
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

# The outside host's TCP listener on 7070, answering the peer it saw.
outside_server() {
	bg_in_ns "$SRV_NS" /usr/bin/python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7070)); s.listen(8)
while True:
    c, a = s.accept()
    c.sendall(("%s:%d\n" % a).encode()); c.close()'
	for i in $(seq 50); do srv ss -Hlnt 'sport = :7070' | has . && break; sleep 0.1; done
}

# From namespace $1's port $3 to $4:$5 over $2 (tcp|udp): prints what
# the peer answered, exit 4 when nothing came.
connect_from() {   # ns proto sport addr dport
	in_ns "$1" /usr/bin/python3 - "${@:2}" <<'PY'
import socket, sys
proto, sport, addr, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
t = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, t)
s.settimeout(3)
s.bind(("0.0.0.0", sport))
try:
    s.connect((addr, dport))
    if proto == "udp":
        s.send(b"x")
    print(s.recv(64).decode().strip())
except OSError:
    sys.exit(4)
PY
}

value_of() {   # text, label
	sed -n "s/^ *$2 *: //p" <<<"$1" | head -1
}

static_counts() {   # label
	local label=$1 out
	out=$(sfw show security nat static rule host) || fail "$label: show rule host: $out"
	has -x "Static NAT rule: host" <<<"$out" || fail "$label: show rule host: $out"
	expect_eq "$(value_of "$out" "Translation hits")" 3 "$label: host's Translation hits"
	expect_eq "$(value_of "$out" "Successful sessions")" 3 "$label: host's Successful sessions"
	expect_eq "$(value_of "$out" "Host addresses")" 198.51.100.2 "$label: Host addresses"
	out=$(sfw show security nat static rule all) || fail "$label: show rule all: $out"
	has -x "Total static-nat rules: 1" <<<"$out" || fail "$label: rule all: $out"
	out=$(sfw show security nat static rule host --json) || fail "$label: host --json"
	has -F '"rule-translation-hits": 3,' <<<"$out" || fail "$label: JSON hits: $out"
	has -F '"concurrent-hits": ' <<<"$out" || fail "$label: JSON live sessions: $out"
	static_reply "$label"
	# the UDP session at least lives on (60 s), and names the rule
	out=$(sfw show security nat static rule host)
	[ "$(value_of "$out" "Number of sessions")" -ge 1 ] ||
		fail "$label: host's Number of sessions: $out"
	sfw clear security nat static rule host || fail "$label: clear rule host"
	out=$(sfw show security nat static rule host)
	expect_eq "$(value_of "$out" "Translation hits")" 0 "$label: hits after the clear"
}

# Junos's own reply (`| display xml`): it parses (xml.etree), has only
# elements the real reply has, in its order (sfw leaves out what its
# static NAT lacks: the source-address match, mapped ports), carries the
# text's values; the JSON (`| display json`) is its tree.
junos_static() {   # label name words...: the XML reply in $DROPS_TMP/name.xml
	local label=$1 x=$DROPS_TMP/$2.xml j=$DROPS_TMP/$2.json
	shift 2
	sfw show security nat static rule "$@" '| display xml' >"$x" 2>"$DROPS_TMP/err" ||
		fail "$label: rule $* | display xml: $(cat "$DROPS_TMP/err")"
	sfw show security nat static rule "$@" '| display json' >"$j" 2>"$DROPS_TMP/err" ||
		fail "$label: rule $* | display json: $(cat "$DROPS_TMP/err")"
	"$E2E/junos_reply.py" same-tree "$x" "$j" || fail "$label: rule $*: the JSON is not the XML's tree"
}

fields() { "$E2E/junos_reply.py" fields "$@" | tr '\n' ' '; }

static_reply() {   # label
	local label=$1 missing
	junos_static "$label" host host
	"$E2E/junos_reply.py" structure "$DROPS_TMP/host.xml" tests/fixtures/junos/nat-static-rule.xml \
		>"$DROPS_TMP/missing" || fail "$label: rule host | display xml against the real reply"
	missing=$(grep -v -e static-source- -e -port-low -e -port-high "$DROPS_TMP/missing")
	expect_eq "$missing" "" "$label: elements of the real reply sfw leaves out"
	expect_eq "$(fields "$DROPS_TMP/host.xml" static-nat-rule-entry rule-name rule-set-name \
		rule-from-context-name rule-destination-address-prefix rule-host-address-prefix \
		rule-address-netmask rule-translation-hits succ-hits)" \
		"host=from-wan=untrust=192.0.2.100=198.51.100.2=32=3=3 " "$label: rule host | display xml"
	[ "$(fields "$DROPS_TMP/host.xml" static-nat-rule-entry concurrent-hits)" -ge 1 ] ||
		fail "$label: rule host | display xml: concurrent-hits: $(cat "$DROPS_TMP/host.xml")"
	junos_static "$label" all all
	expect_eq "$(fields "$DROPS_TMP/all.xml" total-static-nat-rules total-rules)" "1 " \
		"$label: rule all | display xml: total-rules"
	expect_eq "$(fields "$DROPS_TMP/all.xml" total-static-nat-rule-ref-addr-num \
		total-static-nat-rule-ref-addr-num-v4 total-static-nat-rule-ref-addr-num-v6)" "2=0 " \
		"$label: rule all | display xml: the prefixes"
	expect_eq "$(fields "$DROPS_TMP/all.xml" static-nat-rule-entry rule-name)" "host " \
		"$label: rule all | display xml: the rules"
}

one_pass() {   # label, port base, attach words...
	local label=$1 tp=$(($2 + 80)) up=$(($2 + 53)) op=$(($2 + 70)) out
	shift 2
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "$label: attach $*: $out"
	commit_nat "${NAT_ALL[@]}" "${STATIC[@]}"
	sfw clear security nat statistics || fail "$label: clear security nat statistics"
	: >"$PEERS"
	inside_servers
	outside_server

	out=$(connect_from "$SRV_NS" tcp $tp 192.0.2.100 80) ||
		fail "$label: TCP to 192.0.2.100:80 got no answer"
	expect_eq "$out" "203.0.113.2:$tp" "$label: the peer the inside TCP listener saw"
	out=$(connect_from "$SRV_NS" udp $up 192.0.2.100 5353) ||
		fail "$label: UDP to 192.0.2.100:5353 got no answer"
	expect_eq "$out" "203.0.113.2:$up" "$label: the peer the inside UDP listener saw"

	out=$(sfw show security flow session nat protocol udp)
	has -F "  In: 203.0.113.2/$up --> 192.0.2.100/5353;udp" <<<"$out" ||
		fail "$label: UDP session's In wing: $out"
	has -F "  Out: 198.51.100.2/5353 --> 203.0.113.2/$up;udp" <<<"$out" ||
		fail "$label: UDP session's Out wing: $out"
	out=$(sfw show security flow session nat protocol udp extensive)
	has -x "Source NAT pool: Null" <<<"$out" || has "^Source NAT pool: Null," <<<"$out" ||
		fail "$label: Source NAT pool of a static NAT session: $out"

	# the inside host's own connection leaves from its static address
	out=$(connect_from "$CLI_NS" tcp $op 203.0.113.2 7070) ||
		fail "$label: the inside host's TCP to 203.0.113.2:7070 got no answer"
	expect_eq "$out" "192.0.2.100:$op" "$label: the peer the outside listener saw"
	out=$(sfw show security flow session nat protocol tcp destination-port 7070)
	has -F "  Out: 203.0.113.2/7070 --> 192.0.2.100/$op;tcp" <<<"$out" ||
		fail "$label: outbound session's Out wing: $out"
	out=$(sfw show security flow session nat protocol tcp destination-port 7070 extensive)
	has -x "Source NAT pool: Null" <<<"$out" || has "^Source NAT pool: Null," <<<"$out" ||
		fail "$label: Source NAT pool of an outbound static NAT session: $out"

	expect_eq "$(grep -c . "$PEERS")" 2 "$label: connections the inside host saw"
	static_counts "$label"

	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	BG_PIDS=()
	wait 2>/dev/null || true
	sfw detach all >/dev/null || fail "$label: detach"
}

nat_topology_up
# the outside host reaches the static address through the firewall only
ip -n "$SRV_NS" route add 192.0.2.100/32 via 203.0.113.1 || fail "route to 192.0.2.100"
PEERS=$(mktemp)
trap 'rm -f "$PEERS"; drops_cleanup' EXIT

one_pass "stack forwarding" 24000
one_pass "XDP forwarding" 25000 forward
echo "PASS"

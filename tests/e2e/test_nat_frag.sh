#!/usr/bin/env bash
# Source NAT of datagrams their senders fragmented (docs/nat.md
# "Fragments"), end to end through lib.sh's topology: client 198.51.100.2
# (trust) behind the firewall's 203.0.113.1 (untrust), server 203.0.113.2
# with no route back to the client's LAN, so only translated packets are
# answered. Every link keeps its MTU of 1500; the senders fragment:
#   - ping -s 3000: the client's request and the server's reply, both in
#     three fragments, answered;
#   - a 4,000-byte UDP datagram from the client reaches the server, from
#     203.0.113.1;
#   - a 4,000-byte UDP answer to a small query (a big DNS answer's shape)
#     reaches the client's socket;
# and no frame from the client's private address leaves the WAN, and
# nothing is counted under Incoming NAT errors; then, through a port
# forward (destination NAT), a 4,000-byte datagram in and its 4,000-byte
# answer out. Run with the stack
# forwarding and with XDP forwarding (fragments go through the stack in
# both: XDP sends whole packets only).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

nat_topology_up
cap=$(mktemp)
got=$(mktemp)
trap 'rm -f "$cap" "$got"; drops_cleanup' EXIT

# The server's UDP port $1: prints the size and source of each datagram
# to $got, and answers a "query" with 4,000 bytes.
udp_server() {   # port
	srv /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", int(sys.argv[1])))
while True:
    d, a = s.recvfrom(8192)
    print(len(d), a[0], flush=True)
    if d == b"query":
        s.sendto(b"a" * 4000, a)
' "$1" >"$got" 2>&1 </dev/null &
	BG_PIDS+=($!)
}

# The NAT datagrams' records live in a map nothing evicts: the session
# daemon attach started deletes the expired every second (an all-zero
# record expired at boot), the live ones it leaves (one planted to expire
# never: the pass's own live 2 s, SFW_FRAG_NAT_TIMEOUT_S).
expired_record_swept() {   # label
	local map="$SFW_PIN_ROOT/sfw_nat_frags" key live i
	key=$(printf '0x%02x ' 1 $(seq 2 40 | sed 's/.*/0/'))
	live=$(printf '0x%02x ' 2 $(seq 2 40 | sed 's/.*/0/'))
	bpftool map update pinned "$map" key $key value $(printf '0 %.0s' $(seq 64)) ||
		fail "$1: a record planted"
	# struct sfw_frag's expires_ns is bytes 48..55
	bpftool map update pinned "$map" key $live value $(printf '0 %.0s' $(seq 48)) \
		$(printf '0xff %.0s' $(seq 8)) $(printf '0 %.0s' $(seq 8)) ||
		fail "$1: a live record planted"
	for i in $(seq 30); do
		bpftool map lookup pinned "$map" key $key >/dev/null 2>&1 || break
		sleep 0.1
	done
	bpftool map lookup pinned "$map" key $key >/dev/null 2>&1 &&
		fail "$1: the session daemon left an expired NAT fragment record"
	bpftool map lookup pinned "$map" key $live >/dev/null 2>&1 ||
		fail "$1: the session daemon deleted a live NAT fragment record"
	bpftool map delete pinned "$map" key $live
}

one_pass() {   # label, client port, server port, attach words...
	local label=$1 port=$2 sport=$3 out answer nat_err
	shift 3
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "$label: attach: $out"
	commit_nat "${NAT_ALL[@]}"
	udp_server "$sport"
	bg_in_ns "$SRV_NS" timeout 8 tcpdump -nn -i veth0 -w "$cap" ip
	sleep 1

	out=$(cli ping -c 3 -i 0.3 -W 2 -s 3000 203.0.113.2 2>&1)
	has "3 received" <<<"$out" || fail "$label: ping -s 3000 through source NAT: $out"

	cli /usr/bin/python3 - "$port" "$sport" <<'PY' || fail "$label: the client's big datagram"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", int(sys.argv[1])))
s.sendto(b"b" * 4000, ("203.0.113.2", int(sys.argv[2])))
PY
	answer=$(cli /usr/bin/python3 - $((port + 1)) "$sport" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", int(sys.argv[1])))
s.settimeout(3)
s.sendto(b"query", ("203.0.113.2", int(sys.argv[2])))
try:
    d, a = s.recvfrom(8192)
    print(len(d), a[0])
except OSError as e:
    print("no answer:", e)
PY
)
	expect_eq "$answer" "4000 203.0.113.2" "$label: the server's fragmented answer at the client"
	sleep 0.5
	has "^4000 203.0.113.1$" "$got" || fail "$label: the client's datagram at the server: $(tr '\n' ' ' <"$got")"
	has "^5 203.0.113.1$" "$got" || fail "$label: the query at the server: $(tr '\n' ' ' <"$got")"
	sleep 7   # tcpdump's timeout
	tcpdump -nn -r "$cap" 2>/dev/null | has "198\.51\.100\.2" &&
		fail "$label: a frame from the client's private address left the WAN"
	tcpdump -nnv -r "$cap" 2>/dev/null | has "offset [1-9]" ||
		fail "$label: no fragment crossed the WAN: the test proved nothing"
	expired_record_swept "$label"
	nat_err=$(sfw show interfaces flow-statistics veth0 | awk '/Incoming NAT errors/ { print $NF }')
	expect_eq "$nat_err" 0 "$label: veth0 Incoming NAT errors"
	nat_err=$(sfw show interfaces flow-statistics veth1 | awk '/Incoming NAT errors/ { print $NF }')
	expect_eq "$nat_err" 0 "$label: veth1 Incoming NAT errors"
	out=$(sfw detach all 2>&1) || fail "$label: detach: $out"
}

# Destination NAT: the outside host (the server's namespace) reaches the
# inside host (the client's) through 203.0.113.1:8053, the inside's UDP
# port $3: a 4,000-byte datagram in, a 4,000-byte answer out, each
# fragmented by its sender.
DNAT=(
	"set security policies from-zone untrust to-zone trust policy in match source-address any destination-address any application any"
	"set security policies from-zone untrust to-zone trust policy in then permit"
	"set security nat destination pool inside address 198.51.100.2/32 port 5402"
	"set security nat destination rule-set from-wan from zone untrust"
	"set security nat destination rule-set from-wan rule fwd match destination-address 203.0.113.1/32"
	"set security nat destination rule-set from-wan rule fwd match destination-port 8053"
	"set security nat destination rule-set from-wan rule fwd then destination-nat pool inside"
)
# The inside host's port 5402: prints the size and source of each
# datagram to $got (appending: truncated between passes), answers each
# with 4,000 bytes.
inside_server() {
	cli /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", 5402))
while True:
    d, a = s.recvfrom(8192)
    print(len(d), a[0], flush=True)
    s.sendto(b"a" * 4000, a)
' >>"$got" 2>&1 </dev/null &
	BG_PIDS+=($!)
	sleep 0.5
}

dnat_pass() {   # label, attach words...
	local label=$1 out answer
	shift
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "$label: attach: $out"
	commit_nat "${NAT_ALL[@]}" "${DNAT[@]}"
	: >"$got"
	answer=$(srv /usr/bin/python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"q" * 4000, ("203.0.113.1", 8053))
try:
    d, a = s.recvfrom(8192)
    print(len(d), "%s:%d" % a)
except OSError as e:
    print("no answer:", e)
PY
)
	expect_eq "$answer" "4000 203.0.113.1:8053" "$label: the inside host's fragmented answer outside"
	has "^4000 203.0.113.2$" "$got" || fail "$label: the outside datagram inside: $(tr '\n' ' ' <"$got")"
	for i in veth0 veth1; do
		out=$(sfw show interfaces flow-statistics $i | awk '/Incoming NAT errors/ { print $NF }')
		expect_eq "$out" 0 "$label: $i Incoming NAT errors"
	done
	out=$(sfw detach all 2>&1) || fail "$label: detach: $out"
}

one_pass "stack forwarding" 41000 5400
one_pass "XDP forwarding" 42000 5401 forward
inside_server
dnat_pass "port forward, stack forwarding"
dnat_pass "port forward, XDP forwarding" forward
echo "PASS"

# Sourced by the NAT tests (test_nat_*.sh, open_nat_*.sh) after lib.sh and
# drops_lib.sh: the configuration they share, as set lines for
# commit_lines, and the client -> server UDP traffic the shows count.
# Zone trust is the client's side (veth0), untrust the server's (veth1).

NAT_ZONES=(
	"set security zones security-zone trust interfaces veth0"
	"set security zones security-zone untrust interfaces veth1"
)
# trust -> untrust permitted, everything else denied
NAT_OUT=(
	"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any"
	"set security policies from-zone trust to-zone untrust policy out then permit"
	"set security policies default-policy deny-all"
)
NAT_RULE_SET=(
	"set security nat source rule-set inside-out from zone trust"
	"set security nat source rule-set inside-out to zone untrust"
)
# the client's LAN behind the WAN address
NAT_ALL=(
	"set security nat source rule-set inside-out rule all match source-address 198.51.100.0/24"
	"set security nat source rule-set inside-out rule all then source-nat interface"
)
# the shows' two rules, keep (destination port 7, untranslated) before masq
NAT_KEEP=(
	"set security nat source rule-set inside-out rule keep match source-address 198.51.100.0/24"
	"set security nat source rule-set inside-out rule keep match destination-port 7"
	"set security nat source rule-set inside-out rule keep then source-nat off"
)
NAT_MASQ=(
	"set security nat source rule-set inside-out rule masq match source-address 198.51.100.0/24"
	"set security nat source rule-set inside-out rule masq then source-nat interface"
)

# Commits NAT_ZONES, NAT_OUT and rule-set inside-out with the rules given
# as set lines.
commit_nat() {   # rule lines...
	commit_lines "${NAT_ZONES[@]}" "${NAT_OUT[@]}" "${NAT_RULE_SET[@]}" "$@"
}

# The topology, with no route on the server back to the client's LAN: only
# translated flows are answered. XDP-
# redirected frames lose the "checksum to be completed" mark, and an
# incremental update of a partial checksum is another sum: the senders
# complete their checksums, as a NIC's frames always are (test_forward.sh).
nat_topology_up() {
	trap drops_cleanup EXIT
	topology_up
	ip -n "$SRV_NS" route del default || fail "no default route to delete on the server"
	cli ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (client)"
	srv ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (server)"
}

# The server's UDP port 5353, which takes every datagram and answers none.
udp_sink() {
	bg_in_ns "$SRV_NS" /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
while True:
    s.recv(64)'
	sleep 0.3
}

# Datagrams from the client's port $1 to the server's port $2, $3 of them.
send_udp() {   # sport dport count
	cli /usr/bin/python3 - "$@" <<'PY' || fail "send from $1"
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
for _ in range(int(sys.argv[3])):
    s.sendto(b"x", ("203.0.113.2", int(sys.argv[2])))
    time.sleep(0.05)
PY
}

# The client's UDP socket on 198.51.100.2, port $1, connected to the
# server's 5353: sends "client", then prints "client got D" for each
# datagram D it gets until 4 s pass without one (the port unreachable
# while nobody listens yet is skipped).
client_hears() {   # sport
	cli /usr/bin/python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", int(sys.argv[1])))
s.connect(("203.0.113.2", 5353))
s.send(b"client")
s.settimeout(4)
while True:
    try:
        print("client got", s.recv(64).decode(), flush=True)
    except ConnectionRefusedError:
        continue
    except OSError:
        break
PY
}

# A label's value in `show security nat source rule R` text: the number
# after its colon.
rule_val() {   # rule label
	sfw show security nat source rule "$1" |
		awk -v l="$2" 'index($0, l) { sub(/.*: /, ""); print; exit }'
}

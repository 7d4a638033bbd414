#!/usr/bin/env bash
# A flow opened as a host session while the firewall did not forward
# (docs/nat.md "Third review: R2"), through lib.sh's topology with the
# stack forwarding: the client's UDP to the server's address, sent while
# net.ipv4.ip_forward is 0 in the firewall's namespace, opens a session to
# junos-host (trust to junos-host is permitted) and the stack drops it.
# Forwarding is then turned on, and the flow must not pass under that
# host session:
#   1. no NAT: the server's datagrams to the client on the flow's tuple
#      are refused at veth1 (Invalid zone received packet), since
#      untrust to trust permits nothing;
#   2. source NAT and trust to untrust permitted: the client's first
#      forwarded datagram is refused at veth1's tc egress and the host
#      session ended; the server sees the next ones from 203.0.113.1 only,
#      never from the client's own address;
#   3. source NAT and no trust to untrust policy: the server sees nothing.
# Since review rv29 F1 the opener's packets are refused at veth0's XDP
# (the host session ended) once the stack would forward them, before the
# stack's own NAT can hide them from tc:
#   4. the firewall's own nftables masquerade on veth1, no sfw NAT, no
#      trust to untrust policy: the server sees nothing (it saw the
#      client's datagrams from 203.0.113.1 before the fix: tc took them
#      for the host's own);
#   5. the same with trust to untrust permitted: after the refused one,
#      the flow's datagrams reach the server.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
PY=/usr/bin/python3

ZONES=(
	"set security zones security-zone trust interfaces veth0"
	"set security zones security-zone untrust interfaces veth1"
	"set security policies from-zone trust to-zone junos-host policy h match source-address any destination-address any application any"
	"set security policies from-zone trust to-zone junos-host policy h then permit"
	"set security policies default-policy deny-all"
)
OUT=(
	"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any"
	"set security policies from-zone trust to-zone untrust policy out then permit"
)
SNAT=(
	"set security nat source rule-set RS from zone trust"
	"set security nat source rule-set RS to zone untrust"
	"set security nat source rule-set RS rule all match source-address 198.51.100.0/24"
	"set security nat source rule-set RS rule all then source-nat interface"
)

# $3 datagrams from the client's port $1 to the server's port $2
send() { cli $PY -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('198.51.100.2', $1))
for i in range($3):
    s.sendto(b'x', ('203.0.113.2', $2))
    time.sleep(0.2)
"; }

# A listener in namespace $1 on address $2 port $3 for $4 seconds, writing
# each sender's address:port to file $5.
listen() {
	bg_in_ns "$1" $PY -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$2', $3))
end = time.time() + $4
with open('$5', 'w') as f:
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            d, a = s.recvfrom(100)
        except OSError:
            continue
        f.write('%s:%d\n' % a)
        f.flush()
"
	sleep 0.3
}

sessions() { sfw show security flow session source-port "$1" | grep -c '^Session ID'; }

host_session() {   # client port, server port
	fw sysctl -qw net.ipv4.ip_forward=0
	send "$1" "$2" 1
	expect_eq "$(sessions "$1")" 1 "a host session for client port $1"
	# policy h is trust to junos-host's
	sfw show security flow session source-port "$1" extensive | has '^Policy name: h/' ||
		fail "client port $1: not a session to junos-host: $(sfw show security flow session source-port "$1" extensive)"
	fw sysctl -qw net.ipv4.ip_forward=1
}

trap drops_cleanup EXIT
topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"

# 1. no NAT: the server's answer on the host session's tuple
commit_lines "${ZONES[@]}"
listen "$CLI_NS" 198.51.100.2 30001 4 "$DROPS_TMP/client1"
host_session 30001 5353
srv $PY -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('203.0.113.2', 5353))
for i in range(3):
    s.sendto(b'y', ('198.51.100.2', 30001))
    time.sleep(0.2)
"
sleep 3.5
expect_eq "$(cat "$DROPS_TMP/client1")" "" "1: what the client got from the server"
[ "$(drop_count veth1 invalid-zone-received-packet 'Invalid zone received packet:')" -ge 3 ] ||
	fail "1: the server's datagrams were not counted under Invalid zone received packet"

# Case $1 under the configuration lines after $3: the client's flow from
# port $2 to the server's port $2 - 24646 (5354..) opened as a host
# session, then forwarding on: its first datagram after is refused at
# veth0's XDP, the server's receipts in $DROPS_TMP/server$1.
refused_then() {
	local n=$1 cport=$2 sport=$(($2 - 24646))
	shift 2
	clear_counters
	commit_lines "$@"
	listen "$SRV_NS" 203.0.113.2 "$sport" 5 "$DROPS_TMP/server$n"
	host_session "$cport" "$sport"
	send "$cport" "$sport" 3
	sleep 0.5
	expect_drops veth0 invalid-zone-received-packet 'Invalid zone received packet:' 1
}

# 2. source NAT, trust to untrust permitted
refused_then 2 30002 "${ZONES[@]}" "${OUT[@]}" "${SNAT[@]}"
has -F 198.51.100.2 "$DROPS_TMP/server2" && fail "2: the server saw the client untranslated: $(cat "$DROPS_TMP/server2")"
expect_eq "$(sort -u "$DROPS_TMP/server2")" "203.0.113.1:30002" "2: the peers the server saw"
sfw show security flow session nat source-port 30002 | has -F "Out: 203.0.113.2/5356 --> 203.0.113.1/30002;udp" ||
	fail "2: no translated session: $(sfw show security flow session source-port 30002)"

# 3. source NAT, nothing from trust to untrust permitted
refused_then 3 30003 "${ZONES[@]}" "${SNAT[@]}"
[ "$(drop_count veth0 policy-denied 'Policy denied:')" -ge 2 ] || fail "3: not Policy denied"
expect_eq "$(cat "$DROPS_TMP/server3")" "" "3: what the server got"

# 4. the host's own masquerade, nothing from trust to untrust permitted
fw nft -f - <<'NFT' || fail "4: nft"
table ip masq {
	chain post {
		type nat hook postrouting priority 100;
		oifname "veth1" masquerade
	}
}
NFT
refused_then 4 30004 "${ZONES[@]}"
[ "$(drop_count veth0 policy-denied 'Policy denied:')" -ge 2 ] || fail "4: not Policy denied"
expect_eq "$(cat "$DROPS_TMP/server4")" "" "4: what the server got through the host's masquerade"

# 5. the same, trust to untrust permitted: the flow opens afresh and passes
refused_then 5 30005 "${ZONES[@]}" "${OUT[@]}"
[ "$(grep -c ':30005$' "$DROPS_TMP/server5")" -ge 2 ] ||
	fail "5: the permitted flow did not reach the server: $(cat "$DROPS_TMP/server5")"
echo "PASS"

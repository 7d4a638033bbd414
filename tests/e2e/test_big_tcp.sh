#!/usr/bin/env bash
# BIG TCP: the firewall host's own TCP, sent as GSO packets above 64 KiB
# whose IP length field is 0 (the kernel's way of saying "the length is
# the packet's"), passes sfw's tc egress and is counted whole. Before,
# the parser read the 0 as a malformed length and dropped every such
# packet: the host's connections stalled as soon as their window opened.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

BIG=185000
MIB=32
drops_up
fw tests/e2e/big_tcp.py veth1 "$BIG" || fail "IPv4 GSO size on veth1"
srv tests/e2e/big_tcp.py veth0 "$BIG" || fail "IPv4 GRO size on the server"
fw ip link set dev veth1 gso_max_size "$BIG" || fail "IPv6 GSO size on veth1"
srv ip link set dev veth0 gro_max_size "$BIG" || fail "IPv6 GRO size on the server"
# What else decides how big the host's segments get, held open so that a
# slow or busy machine still sends them: the server's receive window (a
# reader that falls behind leaves nc's 128 KiB buffer full and the window
# under 64 KiB: CI saw 55,362-byte frames at most) and the sender's TSO
# sizing by RTT (segments halve for each 512 us of min RTT).
srv sysctl -qw net.ipv4.tcp_rmem="4096 4194304 16777216" || fail "receive buffer on the server"
fw sysctl -qw net.ipv4.tcp_tso_rtt_log=20 || fail "TSO sizing by RTT on the firewall host"

# Congestion control cubic: BBR (this machine's default) caps its segments
# at 64 KiB (bbr_tso_segs_goal), which would keep BIG TCP from happening.
send() {   # address port: MIB MiB from the firewall host, 0 when all went
	fw timeout 60 /usr/bin/python3 -c '
import socket, sys
addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), proto=socket.IPPROTO_TCP)[0]
s = socket.socket(addr[0], socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"cubic")
s.settimeout(10)
s.connect(addr[4])
block = b"x" * (1 << 20)
for _ in range(int(sys.argv[3])):
    s.sendall(block)
s.shutdown(socket.SHUT_WR)
s.recv(1)' "$1" "$2" "$MIB"
}

received() {   # file: waits for the whole transfer, prints its size
	local n=0
	for _ in $(seq 50); do
		n=$(stat -c %s "$1" 2>/dev/null || echo 0)
		[ "$n" -ge $((MIB << 20)) ] && break
		sleep 0.1
	done
	echo "$n"
}

transfer() {   # label address port [-6]: the server keeps what arrives
	local label=$1 addr=$2 port=$3 got
	bg_in_ns "$SRV_NS" sh -c "nc -l ${4:-} $port >'$DROPS_TMP/got-$label'"
	for _ in $(seq 50); do srv ss -Hlnt "sport = :$port" | grep -q . && break; sleep 0.1; done
	send "$addr" "$port" || fail "$label transfer failed"
	got=$(received "$DROPS_TMP/got-$label")
	expect_eq "$got" $((MIB << 20)) "$label: bytes the server received"
}

# ---- IPv4: the packets are seen above 64 KiB, and counted whole ------------
# the frame's length (-e), as the packet's own says 0: tcpdump's TCP
# "length" is made from it
fw sh -c "tcpdump -e -nn -l -i veth1 -s 128 'tcp dst port 5001' >'$DROPS_TMP/dump' 2>'$DROPS_TMP/dump.err'" &
BG_PIDS+=($!)
for _ in $(seq 50); do grep -q 'listening on' "$DROPS_TMP/dump.err" 2>/dev/null && break; sleep 0.1; done
transfer IPv4 203.0.113.2 5001
expect_eq "$(jval veth1 sfw-statistics malformed-packets)" 0 "IPv4: packets dropped as malformed"
sleep 0.5
largest=$(sed -n 's/.*ethertype IPv4 (0x0800), length \([0-9]*\):.*/\1/p' "$DROPS_TMP/dump" |
	awk '$1 > m { m = $1 } END { print m + 0 }')
[ "$largest" -gt $((65535 + 14)) ] ||
	fail "no packet above 64 KiB left the host (largest frame $largest bytes): BIG TCP did not happen"
echo "largest IPv4 frame sent: $largest bytes"
line=$(tests/e2e/sessions.py | grep '^6 203.0.113.1/[0-9]* 203.0.113.2/5001 ')
[ -n "$line" ] || fail "no session for the host's IPv4 connection"
bytes=$(sed -n 's/.* in=[0-9]*\/\([0-9]*\)@.*/\1/p' <<<"$line")
[ "${bytes:-0}" -ge $((MIB << 20)) ] || fail "IPv4 session counted $bytes bytes of $((MIB << 20)) sent: $line"

# ---- IPv6: the same transfer (this kernel may keep it under 64 KiB) --------
transfer IPv6 2001:db8:2::2 5002 -6
expect_eq "$(jval veth1 sfw-statistics malformed-packets)" 0 "IPv6: packets dropped as malformed"
tests/e2e/sessions.py | has '^6 2001:db8:2::1/[0-9]* 2001:db8:2::2/5002 ' ||
	fail "no session for the host's IPv6 connection"
echo "PASS"

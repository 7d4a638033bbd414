#!/usr/bin/env bash
# Source NAT leaves the host the ports of sockets XDP's socket lookup cannot
# find (review 14's N7a and N7b; docs/nat.md "Port allocation"), with the
# session daemon attach started keeping them (include/host_ports.h):
#   - UDP 1194 bound to the WAN device alone (SO_BINDTODEVICE veth1, as
#     OpenVPN's --bind-dev): a client sending from its own port 1194 is
#     given another, where before it kept 1194 and took the service's
#     replies from that server;
#   - TCP 1196 bound but neither listening nor connected: the same;
#   - the control: the client's port 1195, which no socket holds, is kept
#     (interface NAT keeps a client's port outside the host's ephemeral
#     range), so the two above moved for the sockets, not by chance;
#   - those sockets are bound after the attach: the daemon's look every
#     second keeps them, and lets a port go once its socket closed (1197).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

nat_topology_up
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_nat "${NAT_ALL[@]}"

# The server's UDP 5000 and TCP 5001: each prints the source port it sees.
seen=$(mktemp)
srv /usr/bin/python3 -c '
import socket, select
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 5000))
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("0.0.0.0", 5001)); t.listen(8)
while True:
    r, _, _ = select.select([u, t], [], [], 30)
    if not r:
        break
    for s in r:
        if s is u:
            d, a = u.recvfrom(64)
            print("udp", d.decode(), a[1], flush=True)
        else:
            c, a = t.accept()
            print("tcp", c.recv(64).decode(), a[1], flush=True)
            c.close()
' >"$seen" 2>&1 </dev/null &
BG_PIDS+=($!)

# The firewall's sockets, held until $hold goes (20 s at most): UDP 1194 and 1197 bound to veth1,
# TCP 1196 bound only.
hold=$(mktemp)
fw /usr/bin/python3 -c '
import os, socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"veth1")
u.bind(("0.0.0.0", 1194))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"veth1")
v.bind(("0.0.0.0", 1197))
t = socket.socket(); t.bind(("0.0.0.0", 1196))
end = time.time() + 20
while os.path.exists(sys.argv[1]) and time.time() < end:
    time.sleep(0.1)
' "$hold" </dev/null >/dev/null 2>&1 &
HOLD=$!
BG_PIDS+=($HOLD)
sleep 2.5   # the daemon's next look at the sockets (every second)

send_from() {   # proto sport tag
	cli /usr/bin/python3 - "$@" <<'PY' || fail "send from $2"
import socket, sys
proto, sport, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
if proto == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("198.51.100.2", sport)); s.sendto(tag, ("203.0.113.2", 5000))
else:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.51.100.2", sport)); s.settimeout(3)
    s.connect(("203.0.113.2", 5001)); s.send(tag)
s.close()
PY
}
seen_port() {   # proto tag: the source port the server saw
	wait_for 30 "the server's $1 $2" grep -q "^$1 $2 " "$seen"
	awk -v p="$1" -v t="$2" '$1 == p && $2 == t { print $3; exit }' "$seen"
}

send_from udp 1195 control
expect_eq "$(seen_port udp control)" 1195 "the control's port, held by no socket"
send_from udp 1194 wanbound
p=$(seen_port udp wanbound)
[ -n "$p" ] && [ "$p" != 1194 ] || fail "a WAN-bound socket's port given to a client: $p"
send_from tcp 1196 boundonly
p=$(seen_port tcp boundonly)
[ -n "$p" ] && [ "$p" != 1196 ] || fail "a bound TCP socket's port given to a client: $p"

# let go: once the sockets close, the daemon's next look frees the port
rm -f "$hold"
wait "$HOLD" 2>/dev/null
sleep 2.5
send_from udp 1197 after
expect_eq "$(seen_port udp after)" 1197 "the port once the WAN-bound socket closed"
rm -f "$seen"
echo "PASS: test_nat_host_ports"

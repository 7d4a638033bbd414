#!/usr/bin/env bash
# Red team (issue 14, branch natrt): the host's own UDP socket on
# 203.0.113.1:45900 (an ephemeral port the kernel may pick any time: its
# range 32768..60999 lies inside NAT's 1024..65535; bound here to make it
# certain) talks to the server port a client's NAT session holds
# (198.51.100.2:45900 -> 203.0.113.2:5353, translated to 203.0.113.1:45900).
# The server cannot tell the two apart, and its answer to the host goes to
# the client. Expected: the host's packet on a tuple NAT holds is refused
# (or NAT never allocates ports the host may use); the host gets its answer
# or an error, never the client.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

trap drops_cleanup EXIT
topology_up
ip -n "$SRV_NS" route del default || fail "no default route to delete on the server"
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_nat "${NAT_ALL[@]}"
cli ethtool -K veth0 tx off >/dev/null || fail "tx off (client)"
srv ethtool -K veth0 tx off >/dev/null || fail "tx off (server)"
got=$(mktemp)
srv /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5353))
s.settimeout(5)
try:
    while True:
        d, a = s.recvfrom(64)
        if d == b"host":
            s.sendto(b"for-the-host", a)
except OSError:
    pass
' </dev/null >/dev/null 2>&1 &
BG_PIDS+=($!)
sleep 0.5
client_hears 45900 >"$got" 2>&1 &
BG_PIDS+=($!)
sleep 1
fw /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.1", 45900))
s.sendto(b"host", ("203.0.113.2", 5353))
s.settimeout(2)
try:
    print("host got", s.recv(64).decode(), flush=True)
except OSError as e:
    print("host got nothing:", e, flush=True)
' >>"$got" 2>&1
sleep 3
wait 2>/dev/null || true
cat "$got"
bad=$(grep -c "client got for-the-host" "$got")
rm -f "$got"
[ "$bad" = 0 ] || fail "the server's answer to the host was delivered to the client"
echo "PASS"

#!/usr/bin/env bash
# Policy denied, for real (topology in lib.sh): the client (veth0) is in
# zone trust, the server (veth1) in untrust. A deny policy refuses HTTP while
# ping and the default policy's permit-all let the rest through; then
# default-policy deny-all refuses what no policy permits. Exact counts come
# from SYNs sent one by one (scapy); a real connection must fail as well.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
tcp_server 22
tcp_server 80
ZONES=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1'
	'set security policies from-zone trust to-zone untrust policy allow-ping match source-address any destination-address any application junos-icmp-ping'
	'set security policies from-zone trust to-zone untrust policy allow-ping then permit')
connects() {   # port: 0 when a TCP connection to the server opens
	cli /usr/bin/python3 -c 'import socket, sys
socket.create_connection(("203.0.113.2", int(sys.argv[1])), timeout=1).close()' "$1" 2>/dev/null
}
denied() { drop_count "$1" policy-denied 'Policy denied:'; }

# ---- a deny policy -----------------------------------------------------------
commit_lines "${ZONES[@]}" \
	'set security policies from-zone trust to-zone untrust policy no-web match source-address any destination-address any application junos-http' \
	'set security policies from-zone trust to-zone untrust policy no-web then deny' \
	'set security policies default-policy permit-all'
clear_counters
cli /usr/bin/python3 "$E2E/drops.py" syn 203.0.113.2 80 3 41000 || fail "SYNs to 80"
expect_eq "$(denied veth0)" 3 "deny policy: one per SYN"
connects 80 && fail "HTTP passed a deny policy"
[ "$(denied veth0)" -ge 4 ] || fail "a real HTTP connection was not counted as denied"
connects 22 || fail "ssh (default permit-all) refused"
cli ping -c 2 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null || fail "ping (allow-ping) refused"
expect_eq "$(denied veth1)" 0 "nothing denied on veth1"
expect_other_drops_zero veth0 policy-denied
expect_eq "$(sfw show security policies hit-count | awk '$4 == "no-web" { print $5 }')" \
	"$(denied veth0)" "the deny policy's hit count"

# ---- default-policy deny-all -----------------------------------------------
commit_lines "${ZONES[@]}" 'set security policies default-policy deny-all'
clear_counters
connects 22 && fail "ssh passed deny-all"
cli /usr/bin/python3 "$E2E/drops.py" syn 203.0.113.2 22 2 42000 || fail "SYNs to 22"
n=$(denied veth0)
[ "$n" -ge 3 ] && [ "$n" -le 5 ] || fail "deny-all: $n denied, want 2 SYNs + 1..3 of the connection's"
cli ping -c 2 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null || fail "ping (allow-ping) refused under deny-all"
expect_eq "$(denied veth0)" "$n" "a permitted ping is not denied"
# the server's own attempt towards the client: no untrust -> trust policy
srv /usr/bin/python3 "$E2E/drops.py" syn 198.51.100.2 22 1 43000 || fail "SYN from the server"
expect_eq "$(denied veth1)" 1 "deny-all from untrust"
expect_other_drops_zero veth0 policy-denied
expect_other_drops_zero veth1 policy-denied
echo "ok drops: policy denied"

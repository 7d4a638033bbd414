#!/usr/bin/env bash
# An off-path attacker cannot end a live connection through sfw (red team 2,
# finding 1; docs/security.md, "TCP: resets, handshakes and windows"): an
# in-window ACK whose acknowledgement number X is of nothing the server
# sent, a RST "from the server" at X, then a SYN with the attacker's ISN.
# Neither endpoint accepts any of them; sfw used to plant X, take the RST
# for exact, and let the SYN restart the session, after which the real
# server's segments were dropped. Now the connection still echoes both ways
# 3 s later (past tcp-rst-timeout) and its session is ESTABLISHED. IPv4 and
# IPv6; forged with scapy (tests/e2e/offpath.py).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/drops.py" tcp-serve 7
for _ in $(seq 30); do srv ss -Hlnt 'sport = :7' | has . && break; sleep 0.1; done
commit_lines 'set security policies default-policy permit-all'
clear_counters
FWMAC=$(ip -n "$FW_NS" -o link show dev veth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
[ -n "$FWMAC" ] || fail "the firewall's veth0 address"

state_cmd="nsenter --net=/run/netns/$FW_NS $SFW show security flow session \
destination-port 7 source-port \$LPORT extensive | grep -E '^(TCP state|Session State):'"

for dst in 203.0.113.2 2001:db8:2::2; do
	out=$(cli /usr/bin/python3 "$E2E/offpath.py" "$dst" 7 "$FWMAC" "$state_cmd" | tr '\n' ' ')
	expect_eq "$out" "echo-before ok \
state Session State: Valid TCP state: ESTABLISHED echo-after ok " \
		"$dst: the connection survived the off-path ACK, RST and SYN"
done
# the ACK and the RST of each round at least (the SYN may fall in the window)
n=$(drop_count veth0 tcp-sequence-number-out-of-window 'TCP sequence number out of window:')
[ "$n" -ge 4 ] || fail "TCP sequence number out of window: $n, want at least 4"
expect_other_drops_zero veth0 tcp-sequence-number-out-of-window
echo "ok tcp: an off-path ACK, RST and SYN leave a live connection alone"

#!/usr/bin/env bash
# Off-path RSTs against a live connection through sfw (topology in lib.sh;
# docs/security.md, "TCP: resets, handshakes and windows"). A RST inside the
# window but not at the exact next sequence number is passed to the server,
# which answers with a challenge ACK (RFC 5961) and keeps the connection; sfw
# keeps the session ESTABLISHED too, so that 3 s later (past the 2 s
# tcp-rst-timeout a closing RST would have set) data still flows both ways.
# A RST at the exact next sequence number ends the connection and the
# session. IPv4 and IPv6; forged with scapy from numbers sniffed off the
# connection itself (tests/e2e/rst.py).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/drops.py" tcp-serve 7
for _ in $(seq 30); do srv ss -Hlnt 'sport = :7' | has . && break; sleep 0.1; done
commit_lines 'set security policies default-policy permit-all'
clear_counters

# the session's TCP state and Invalidated/Valid, as `extensive` shows them
state_cmd="nsenter --net=/run/netns/$FW_NS $SFW show security flow session \
destination-port 7 source-port \$LPORT extensive | grep -E '^(TCP state|Session State):'"

for dst in 203.0.113.2 2001:db8:2::2; do
	out=$(cli /usr/bin/python3 "$E2E/rst.py" "$dst" 7 "$state_cmd" | tr '\n' ' ')
	expect_eq "$out" "echo-before ok \
state1 Session State: Valid TCP state: ESTABLISHED echo-after-inexact ok \
state2 Session State: Invalidated TCP state: CLOSED echo-after-exact failed " \
		"$dst: inexact RST survived, exact RST ended the connection"
done
expect_drops veth0 tcp-sequence-number-out-of-window 'TCP sequence number out of window:' 0
expect_other_drops_zero veth0
echo "ok tcp: an inexact RST keeps the session, an exact one ends it"

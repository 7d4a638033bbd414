#!/usr/bin/env bash
# Flows that were cleared and still send traffic: a ping and a UDP flow
# come straight back as new sessions (same 5-tuple, new id); an
# established TCP connection does not (its next segment has no SYN: refused
# and counted), and only a new connection (SYN) makes a TCP session again.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
tcp_server 80
bg_in_ns "$SRV_NS" "$E2E/udp.py" serve 53
wait_until 3 "servers" eval 'listening "$SRV_NS" t 80 && listening "$SRV_NS" u 53'

# a ping that keeps pinging, a TCP client that keeps sending, one UDP flow
bg_in_ns "$CLI_NS" ping -e 4711 -i 0.2 203.0.113.2
bg_in_ns "$CLI_NS" bash -c 'while :; do echo x; sleep 0.1; done | nc -p 40080 203.0.113.2 80'
wait_until 5 "TCP established" tcp_established 40080 80
udp_send "$CLI_NS" 40053 203.0.113.2 53
wait_until 3 "ping session" eval 'oracle | has "^1 198.51.100.2/4711 "'
expect_show = "$ICMP4" "$TCP80" "$DNS4"

ids() { sfw show security flow session --json >"$TMPD/ids.json" && "$E2E/flowset.py" ids "$TMPD/ids.json"; }
id_of() { ids | awk -v f="$1" '$0 ~ " "f"$" {print $1}'; }
old_icmp=$(id_of "$ICMP4")
old_udp=$(id_of "$DNS4")
[ -n "$old_icmp" ] && [ -n "$old_udp" ] || fail "no ids: $(ids)"
nosyn=$(counter veth0 SFW_ERR_TCP_NO_SYN)

out=$(sfw clear security flow session all) || fail "clear all"
[[ $out =~ ^[3-9]" active sessions cleared"$ ]] || fail "clear all: $out"

# ICMP: the next echo (0.2 s later) opens a new session with the same tuple
new_icmp() { local id; id=$(id_of "$ICMP4"); [ -n "$id" ] && [ "$id" != "$old_icmp" ]; }
wait_until 3 "the ping's new session" new_icmp
# UDP: the same 5-tuple again is a new session, and its echo comes back
udp_send "$CLI_NS" 40053 203.0.113.2 53
id=$(id_of "$DNS4")
[ -n "$id" ] && [ "$id" != "$old_udp" ] || fail "UDP after clear: id '$id' (was $old_udp)"

# TCP: the client's next segments have no SYN: refused, counted, no session
rose() { [ "$(counter veth0 SFW_ERR_TCP_NO_SYN)" -ge $((nosyn + 2)) ]; }
wait_until 5 "refused mid-stream TCP segments counted" rose
expect_show protocol tcp =
oracle | has '^6 ' && fail "a mid-stream TCP segment made a session: $(oracle)"

# a new connection starts with SYN: a session again
tcp_open 40081 203.0.113.2 80
expect_show protocol tcp = "tcp 198.51.100.2/40081 203.0.113.2/80"
expect_show = "$ICMP4" "$DNS4" "tcp 198.51.100.2/40081 203.0.113.2/80"
echo "ok cli clear and return"

#!/usr/bin/env bash
# Syn-attack protection, for real (topology in lib.sh): the client's zone
# has a SYN-flood screen with a low attack-threshold (SYNs per second to one
# destination). Bursts of SYNs from spoofed client-subnet sources (scapy)
# raise Syn-attack protection, while a TCP connection established before
# the flood keeps echoing between the bursts; once the flood stops, a new
# connection opens. Then the source-threshold (SYNs per second from one
# source) alone stops a burst from the client's own address.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/drops.py" tcp-serve 7
for _ in $(seq 30); do srv ss -Hlnt 'sport = :7' | has . && break; sleep 0.1; done
ZONES=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone trust screen trust-screen'
	'set security zones security-zone untrust interfaces veth1'
	'set security policies default-policy permit-all')
syn_drops() { drop_count "$1" syn-attack-protection 'Syn-attack protection:'; }

commit_lines "${ZONES[@]}" \
	'set security screen ids-option trust-screen tcp syn-flood attack-threshold 20 source-threshold 1000'
clear_counters
# 4 bursts of 60 SYNs: at most 20 per second reach the server
out=$(cli /usr/bin/python3 "$E2E/drops.py" syn-flood 203.0.113.2 7 60 198.51.100) ||
	fail "flood: $out"
expect_eq "$out" "echoes 5" "the established connection during the flood"
n=$(syn_drops veth0)
[ "$n" -ge 150 ] && [ "$n" -le 240 ] || fail "Syn-attack protection: $n of 240 SYNs, want >= 150"
expect_other_drops_zero veth0 syn-attack-protection
passed=$(jval veth0 flow-input-statistics connections-established)
expect_eq "$((passed + n))" 241 "every SYN either dropped or a session (plus the echo connection)"
# the flood is over: the next second admits a new connection
sleep 1
cli /usr/bin/python3 -c 'import socket; socket.create_connection(("203.0.113.2", 7), timeout=3).close()' ||
	fail "a new connection after the flood"
expect_eq "$(syn_drops veth0)" "$n" "the new connection was not screened"

out=$(sfw show security screen statistics zone trust) || fail "screen statistics"
expect_eq "$(grep '^  SYN flood ' <<<"$out" | awk '{ print $NF }')" "$n" "screen statistics, SYN flood"
expect_eq "$(sfw show security screen statistics zone trust --json |
	jq '.["screen-statistics-information"]["screen-statistics"]["syn-flood"]')" "$n" \
	"screen statistics JSON, SYN flood"
expect_eq "$(sfw show security screen statistics zone untrust | grep '^  SYN flood ' |
	awk '{ print $NF }')" 0 "untrust has no screen"

# source-threshold: 40 SYNs from one source in one burst
commit_lines "${ZONES[@]}" \
	'set security screen ids-option trust-screen tcp syn-flood attack-threshold 1000000 source-threshold 5'
clear_counters
cli /usr/bin/python3 "$E2E/drops.py" syn 203.0.113.2 7 40 44000 || fail "SYNs from one source"
n=$(syn_drops veth0)
[ "$n" -ge 30 ] && [ "$n" -le 40 ] || fail "source-threshold: $n of 40 SYNs dropped, want >= 30"
echo "ok drops: syn-attack protection"

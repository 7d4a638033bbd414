#!/usr/bin/env bash
# TCP sequence number out of window, for real (topology in lib.sh): after a
# real handshake and an echo, one segment 10^9 past the sender's window
# (scapy, sequence numbers from a capture of the connection itself) is
# dropped and counted, so the server never answers it, while in-window
# data keeps flowing on the same connection. With `no-sequence-check`
# committed the same segment passes: the server answers it with an ACK.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/drops.py" tcp-serve 7
for _ in $(seq 30); do srv ss -Hlnt 'sport = :7' | has . && break; sleep 0.1; done
outwin() { drop_count veth0 tcp-sequence-number-out-of-window 'TCP sequence number out of window:'; }
window() { cli /usr/bin/python3 "$E2E/drops.py" window "$1" 7 | tr '\n' ' '; }

# sequence checking is on by default
commit_lines 'set security policies default-policy permit-all'
clear_counters
expect_eq "$(window 203.0.113.2)" "acked no echo ok " "IPv4: bogus segment stopped, echo flows"
expect_eq "$(outwin)" 1 "IPv4 segment out of window"
expect_eq "$(window 2001:db8:2::2)" "acked no echo ok " "IPv6: bogus segment stopped, echo flows"
expect_eq "$(outwin)" 2 "IPv6 segment out of window"
expect_other_drops_zero veth0 tcp-sequence-number-out-of-window
sfw show security flow status | has -x '    Sequence check: Enabled' ||
	fail "status: $(sfw show security flow status)"

commit_lines 'set security policies default-policy permit-all' \
	'set security flow tcp-session no-sequence-check'
sfw show security flow status | has -x '    Sequence check: Disabled' ||
	fail "status after no-sequence-check: $(sfw show security flow status)"
expect_eq "$(sfw show security flow status --json | jq '.["flow-configuration"]["sequence-check"]')" \
	false "status JSON after no-sequence-check"
expect_eq "$(window 203.0.113.2)" "acked yes echo ok " "no-sequence-check: the bogus segment passes"
expect_eq "$(outwin)" 2 "nothing counted with no-sequence-check"
echo "ok drops: TCP sequence number out of window"

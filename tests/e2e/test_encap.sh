#!/usr/bin/env bash
# IP inside MPLS or PPPoE never passes untracked (docs/security.md "Only
# where frames are Ethernet's"): real frames from the client's veth. A
# kernel with MPLS input or a PPPoE session would unwrap the datagram
# past every policy (this machine's has neither, so the unwrapping itself
# is not shown); sfw refuses both as Encapsulated IP refused, in text and
# JSON alike, and opens nothing. PPP's negotiation and PPPoE discovery
# still pass untracked, so a PPPoE link could come up. With MPLS in packet
# mode (Junos's statement), MPLS passes untracked; PPPoE's IP never does.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

FW4=198.51.100.1
drops_up
FW_MAC=$(ip -n "$FW_NS" -j link show dev veth0 | jq -r '.[0].address')

refused() { sfw_stat "$1" encapsulated-ip-refused 'Encapsulated IP refused:'; }
refused_is() { [ "$(refused veth0)" = "$1" ]; }
untracked_at_least() { [ "$(jval veth0 sfw-statistics packets-passed-untracked)" -ge "$1" ]; }
send() { cli /usr/bin/python3 "$E2E/encap.py" "$FW_MAC" "$FW4" "$1" || fail "send $1"; }

clear_counters
untracked0=$(jval veth0 sfw-statistics packets-passed-untracked)
send mpls
send pppoe-ip
wait_for 50 "two refusals on veth0" refused_is 2
send pppoe-lcp
send pppoe-padi
wait_for 50 "negotiation and discovery untracked" untracked_at_least $((untracked0 + 2))
expect_eq "$(refused veth0)" 2 "veth0: Encapsulated IP refused"
expect_eq "$(jval veth0 sfw-statistics malformed-packets)" 0 "veth0: malformed"

# MPLS in packet mode, as Junos forwards it: untracked; PPPoE's IP is not
mpls_mode() { sfw show security flow status | sed -n 's/^    MPLS forwarding mode: //p'; }
expect_eq "$(mpls_mode)" "drop" "MPLS forwarding mode before"
commit_lines 'set security forwarding-options family mpls mode packet-based'
case $COMMIT_OUT in
*"warning: forwarding-options family mpls mode packet-based: MPLS frames pass untracked"*) ;;
*) fail "the packet mode's commit did not warn: $COMMIT_OUT" ;;
esac
expect_eq "$(mpls_mode)" "packet based" "MPLS forwarding mode after"
sfw show configuration '| display set' |
	has -x 'set security forwarding-options family mpls mode packet-based' ||
	fail "show configuration lacks the packet mode: $(sfw show configuration)"
untracked0=$(jval veth0 sfw-statistics packets-passed-untracked)
send mpls
wait_for 50 "MPLS untracked in packet mode" untracked_at_least $((untracked0 + 1))
send pppoe-ip
wait_for 50 "PPPoE's IP refused in packet mode too" refused_is 3
[ -z "$(sfw show security flow session destination-port 53 --json |
	jq -r '.["flow-session-information"]["flow-session"][]?')" ] ||
	fail "a session opened for an encapsulated datagram: $(sfw show security flow session)"
echo "PASS"

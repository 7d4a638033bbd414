#!/usr/bin/env bash
# `clear services stateful-firewall flows` with each filter: removes
# exactly the matching sessions and reports them per interface in seed
# 000's table (a session counts under its In wing's interface, or under
# the filtered one), text and JSON.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
start_flows
left=("${ALL_FLOWS[@]}")
HEAD="Interface   Service set                                             Conv removed"

# One table row: interface in 12, service set in 56, count right-aligned in 11.
row() { printf '%-12s%-56s%11s' "$1" default "$2"; }

# flows_expect "<table>" WORDS... = FLOW...
flows_expect() {
	local table=$1 words=() gone out f
	shift
	while [ $# -gt 0 ] && [ "$1" != "=" ]; do words+=("$1"); shift; done
	shift
	gone=("$@")
	out=$(sfw clear services stateful-firewall flows "${words[@]}") ||
		fail "clear flows ${words[*]}: exit $?"
	expect_eq "$out" "$table" "clear flows ${words[*]}"
	mapfile -t left < <(for f in "${left[@]}"; do
		printf '%s\n' "${gone[@]}" | has -xF -- "$f" || echo "$f"; done)
	expect_show = "${left[@]}"
	expect_eq "$(oracle | wc -l)" "${#left[@]}" "sessions in the map after clear flows ${words[*]}"
}

flows_expect "$HEAD
$(row veth0 1)
$(row veth1 0)" protocol icmp6 = "$ICMP6"
flows_expect "$HEAD
$(row veth0 1)
$(row veth1 0)" application-protocol junos-ssh = "$TCP22"
flows_expect "$HEAD
$(row veth0 2)
$(row veth1 0)" destination-port 53 = "$DNS4" "$DNS6"
flows_expect "$HEAD
$(row veth0 0)
$(row veth1 1)" source-prefix 203.0.113.2 = "$NTP"
# the interface filter: only its row, every session with a wing there
flows_expect "$HEAD
$(row veth1 2)" interface veth1 protocol icmp = "$ICMP4" "$HOSTPING"
# a service set that does not exist matches nothing and has no row
flows_expect "$HEAD" service-set nosuch =
flows_expect "$HEAD
$(row veth0 0)
$(row veth1 0)" source-port 40080 destination-port 22 =
flows_expect "$HEAD
$(row veth0 1)
$(row veth1 0)" source-port 40443 destination-prefix 2001:db8:2::2 = "$TCP6"

# JSON, abbreviated words: the last session, under veth0
out=$(sfw cle serv stateful fl service-set default -j) || fail "clear flows --json"
/usr/bin/python3 - <<PY || fail "clear flows JSON: $out"
import json
c = json.loads('''$out''')["clear-flow-session-information"]
assert c["total"] == 1, c
assert c["cleared"] == [
    {"interface-name": "veth0", "service-set": "default", "conversations-removed": 1},
    {"interface-name": "veth1", "service-set": "default", "conversations-removed": 0}], c
PY
left=()
expect_show =

# no filter clears everything: traffic again, then one clear
cli ping -e 4711 -c 1 -q 203.0.113.2 >/dev/null || fail "ping"
udp_send "$SRV_NS" 40123 198.51.100.2 123
fw ping -e 4713 -c 1 -q 203.0.113.2 >/dev/null || fail "ping from the firewall host"
left=("$ICMP4" "$NTP" "$HOSTPING")
flows_expect "$HEAD
$(row veth0 1)
$(row veth1 2)" = "$ICMP4" "$NTP" "$HOSTPING"
echo "ok cli clear services"

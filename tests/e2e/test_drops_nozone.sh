#!/usr/bin/env bash
# No zone or NULL zone binding, for real (topology in lib.sh): zones are
# configured but veth0 is in none. What arrives on veth0 is dropped and
# counted there; what the server sends towards veth0's side is counted on
# veth1 (its destination has no zone). Before any zone exists the check is
# a no-op; binding veth0 makes the same traffic pass.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
nozone() { drop_count "$1" no-zone-or-null-zone-binding 'No zone or NULL zone binding'; }
client_ping() { cli ping -c 2 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null; }

# no zones at all: nothing is zone-checked
commit_lines 'set security policies default-policy permit-all'
clear_counters
client_ping || fail "ping without zones"
expect_eq "$(nozone veth0)" 0 "no zones configured: a no-op"

commit_lines 'set security zones security-zone trust' \
	'set security zones security-zone untrust interfaces veth1' \
	'set security policies default-policy permit-all'
sfw clear security flow session all >/dev/null || fail "clear sessions"
clear_counters
expect_eq "$(sfw show interfaces flow-statistics veth0 | grep 'Security: Zone:')" \
	"    Security: Zone: Null" "veth0 is in no zone"
client_ping && fail "ping from an unbound interface passed"
expect_eq "$(nozone veth0)" 2 "from the unbound interface"
cli /usr/bin/python3 "$E2E/drops.py" syn 203.0.113.2 80 3 46000 || fail "SYNs"
expect_eq "$(nozone veth0)" 5 "TCP from the unbound interface"
srv ping -c 2 -i 0.2 -W 1 -q 198.51.100.2 >/dev/null && fail "ping towards the unbound interface passed"
expect_eq "$(nozone veth1)" 2 "towards the unbound interface, counted where it came in"
expect_other_drops_zero veth0 no-zone-or-null-zone-binding
expect_other_drops_zero veth1 no-zone-or-null-zone-binding

commit_lines 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone untrust interfaces veth1' \
	'set security policies default-policy permit-all'
client_ping || fail "ping once veth0 is bound"
srv ping -c 1 -W 1 -q 198.51.100.2 >/dev/null || fail "server ping once veth0 is bound"
expect_eq "$(nozone veth0)/$(nozone veth1)" "5/2" "nothing more counted once bound"
echo "ok drops: no zone binding"

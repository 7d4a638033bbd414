#!/usr/bin/env bash
# No more sessions, for real (topology in lib.sh): with `max-sessions 5`
# committed, five UDP flows from distinct client ports get their echoes,
# the next ones are refused and counted (No more sessions, and
# Failed-sessions in the session summary), while the five established
# flows keep flowing both ways. Raising the limit lets a new flow in.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
bg_in_ns "$SRV_NS" "$E2E/udp.py" serve 7
for _ in $(seq 30); do srv ss -Hlnu 'sport = :7' | has . && break; sleep 0.1; done
commit_lines 'set security flow session max-sessions 5' 'set security policies default-policy permit-all'
sfw clear security flow session all >/dev/null || fail "clear sessions"
clear_counters
summary() {   # json key
	sfw show security flow session summary --json |
		jq -er --arg k "$1" '.["flow-session-summary-information"][$k]'
}
udp_open() { cli /usr/bin/python3 "$E2E/drops.py" udp-open 203.0.113.2 7 "$@"; }

expect_eq "$(summary active-sessions)" 0 "no session before the test"
expect_eq "$(udp_open 41001 41002 41003 41004 41005 | tr '\n' ' ')" \
	"41001 echo 41002 echo 41003 echo 41004 echo 41005 echo " "five flows within the limit"
expect_eq "$(summary active-sessions)" 5 "five sessions in use"
expect_eq "$(udp_open 41006 41007 41008 | tr '\n' ' ')" \
	"41006 none 41007 none 41008 none " "flows past the limit"
expect_drops veth0 no-more-sessions 'No more sessions:' 3
expect_eq "$(summary failed-sessions)" 3 "Failed-sessions"
expect_eq "$(sfw show security flow session summary | grep '^Failed-sessions:')" \
	"Failed-sessions: 3" "Failed-sessions, text"
expect_eq "$(summary active-sessions)" 5 "no session was evicted"
# the established flows: same 5-tuples, echoed again
expect_eq "$(udp_open 41001 41002 41003 41004 41005 | tr '\n' ' ')" \
	"41001 echo 41002 echo 41003 echo 41004 echo 41005 echo " "established flows keep flowing"
expect_drops veth0 no-more-sessions 'No more sessions:' 3
expect_other_drops_zero veth0 no-more-sessions
expect_eq "$(sfw show security flow session protocol udp --json | jq -c \
	'[.["flow-session-information"]["flow-session"][]["flow-information"][0]["source-port"]] | sort')" \
	'[41001,41002,41003,41004,41005]' "the sessions are the first five"
# a server-opened flow is refused too: the limit is for the whole table
srv /usr/bin/python3 "$E2E/drops.py" udp "" 198.51.100.2 9 41009 || fail "UDP from the server"
expect_drops veth1 no-more-sessions 'No more sessions:' 1

# a larger limit, committed at run time, admits new flows at once
commit_lines 'set security flow session max-sessions 6' 'set security policies default-policy permit-all'
expect_eq "$(udp_open 41006 | tr '\n' ' ')" "41006 echo " "a new flow under the raised limit"
expect_eq "$(summary active-sessions)" 6 "six sessions"
expect_drops veth0 no-more-sessions 'No more sessions:' 3
echo "ok drops: no more sessions"

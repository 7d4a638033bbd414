#!/usr/bin/env bash
# limit-session source-ip-based, for real (topology in lib.sh): the client's
# zone allows 3 concurrent sessions per source address. The client holds 3
# TCP connections to the server; a 4th is refused (its SYNs counted as
# Source session limit, in the interface's sfw statistics and in the zone's
# screen statistics); once one of the 3 closes and its session is removed
# (time-wait-state-timeout, then the sweeper: a finished connection counts
# until then, docs/security.md), a new one opens.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
bg_in_ns "$SRV_NS" /usr/bin/python3 "$E2E/drops.py" tcp-serve 7
for _ in $(seq 30); do srv ss -Hlnt 'sport = :7' | has . && break; sleep 0.1; done
LIM=$DROPS_TMP/limits.conf
printf '%s\n' 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone trust screen trust-screen' \
	'set security zones security-zone untrust interfaces veth1' \
	'set security screen ids-option trust-screen limit-session source-ip-based 3' \
	'set security policies default-policy permit-all' >"$LIM"
# A source limit without the ip spoofing screen: the commit succeeds and
# says, in one line, that the sources it counts are unverified
# (docs/security.md "Limits that remain"); with the screen, nothing.
WARN="$LIM:4: warning: zone 'trust': limit-session source-ip-based counts source addresses \
that nothing verifies: a sender that spoofs an address can use up its sessions; add \
'set security screen ids-option trust-screen ip spoofing'"
sfw commit "$LIM" >"$DROPS_TMP/out" 2>"$DROPS_TMP/err" || fail "commit: $(cat "$DROPS_TMP/err")"
expect_eq "$(cat "$DROPS_TMP/out")" "commit complete" "the commit's output"
expect_eq "$(cat "$DROPS_TMP/err")" "$WARN" "the commit's one warning"
printf '%s\n' 'set security screen ids-option trust-screen ip spoofing' | cat "$LIM" - \
	>"$DROPS_TMP/guarded.conf"
out=$(sfw commit check "$DROPS_TMP/guarded.conf" 2>&1) || fail "commit check: $out"
expect_eq "$out" "configuration check succeeds" "no warning with the ip spoofing screen"
sfw set security flow time-wait-state-timeout 2 >/dev/null || fail "set timeout"
sfw show security flow status | has '^      Source session limit: 3$' ||
	fail "flow status shows the limit"
clear_counters

out=$(cli /usr/bin/python3 "$E2E/limits.py" concurrent 203.0.113.2 7 3) || fail "client: $out"
expect_eq "$out" $'held 3\nextra refused\nafter-close open' "3 held, the 4th refused, then room"
n=$(jval veth0 sfw-statistics source-session-limit)
[ "$n" -ge 1 ] || fail "Source session limit: $n"
expect_eq "$(tval veth0 '    sfw statistics' 'Source session limit:')" "$n" "text and JSON agree"
expect_other_drops_zero veth0
expect_eq "$(jval veth0 sfw-statistics destination-session-limit)" 0 "no destination limit"
out=$(sfw show security screen statistics zone trust) || fail "screen statistics"
expect_eq "$(grep '^  Source session limit ' <<<"$out" | awk '{ print $NF }')" "$n" \
	"screen statistics, Source session limit"
expect_eq "$(sfw show security screen statistics zone trust --json |
	jq '.["screen-statistics-information"]["screen-statistics"]["source-session-limit"]')" "$n" \
	"screen statistics JSON"
echo "ok limits: limit-session source-ip-based"

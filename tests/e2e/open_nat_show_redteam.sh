#!/usr/bin/env bash
# Review of the source NAT shows (natshow2), end to end, on
# test_nat_show.sh's topology and rules: rule keep (destination port 7:
# source-nat off, id 1) before rule masq (the rest: source-nat interface,
# id 2). Each check that fails is a finding (notes-natrv.md); the script
# runs them all and fails if any did.
#   RV-1: a commit that deletes keep renumbers masq to id 1. masq must
#         then show its own counts, not keep's: Translation hits and
#         Successful sessions at most its own 1, and Number of sessions
#         its own 1 live session. On natshow2 masq reads keep's 2 hits, 2
#         successes and keep's 2 sessions (still in the table, naming id
#         1), and its own session (naming id 2, now nobody's) is lost.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh
export SFW_NAT_PREVIEW=1

FAILED=0
check() {   # got want what
	if [ "$1" = "$2" ]; then echo "ok: $3"; else echo "FINDING: $3: got '$1', want '$2'" >&2; FAILED=1; fi
}
check_le() {   # got max what
	if [ -n "$1" ] && [ "$1" -le "$2" ]; then echo "ok: $3"; else
		echo "FINDING: $3: got '$1', want at most '$2'" >&2; FAILED=1; fi
}

nat_topology_up
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_nat "${NAT_KEEP[@]}" "${NAT_MASQ[@]}"
udp_sink

# two untranslated flows under keep, one translated under masq
send_udp 25001 7 1
send_udp 25002 7 1
send_udp 25010 5353 1
expect_eq "$(rule_val keep 'Translation hits')" 2 "setup: keep's hits"
expect_eq "$(rule_val keep 'Number of sessions')" 2 "setup: keep's sessions"
expect_eq "$(rule_val masq 'Translation hits')" 1 "setup: masq's hits"
expect_eq "$(rule_val masq 'Number of sessions')" 1 "setup: masq's sessions"
expect_eq "$(rule_val masq 'Rule Id')" 2 "setup: masq's id"

# RV-1: keep deleted, masq renumbered to keep's id
commit_nat "${NAT_MASQ[@]}"
expect_eq "$(rule_val masq 'Rule Id')" 1 "masq renumbered"
expect_eq "$(sfw show security flow session destination-port 7 | grep -c '^Session ID')" 2 \
	"keep's sessions outlive the commit"
check_le "$(rule_val masq 'Translation hits')" 1 "RV-1: masq's Translation hits after keep's deletion"
check_le "$(rule_val masq 'Successful sessions')" 1 "RV-1: masq's Successful sessions after keep's deletion"
check "$(rule_val masq 'Number of sessions')" 1 "RV-1: masq's Number of sessions after keep's deletion"

[ "$FAILED" = 0 ] || exit 1
echo "PASS"

#!/usr/bin/env bash
# Review of the source NAT shows (natshow2), end to end, on
# test_nat_show.sh's topology and rules: rule keep (destination port 7:
# source-nat off, id 1) before rule masq (the rest: source-nat interface,
# id 2). Each check that fails is a finding (notes-natrv.md); the script
# runs them all and fails if any did.
#   RV-1: a commit that deleted keep renumbered masq to id 1, and masq
#         then showed keep's 2 hits, 2 successes and keep's 2 sessions
#         (still in the table, naming id 1), and lost its own session
#         (naming id 2, now nobody's). Fixed: ids are kept by name, so
#         masq keeps id 2 and shows exactly its own 1, 1 and 1.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

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

# RV-1: keep deleted; masq keeps its id (ids are kept by name,
# loader/nat_rule_ids.c), and exactly its own counts and session
commit_nat "${NAT_MASQ[@]}"
check "$(rule_val masq 'Rule Id')" 2 "RV-1: masq keeps its id"
expect_eq "$(sfw show security flow session destination-port 7 | grep -c '^Session ID')" 2 \
	"keep's sessions outlive the commit"
check "$(rule_val masq 'Translation hits')" 1 "RV-1: masq's Translation hits after keep's deletion"
check "$(rule_val masq 'Successful sessions')" 1 "RV-1: masq's Successful sessions after keep's deletion"
check "$(rule_val masq 'Number of sessions')" 1 "RV-1: masq's Number of sessions after keep's deletion"

# keep written again: a new rule would take an id no rule had; keep's own
# name gets its id back, with its counts and its two sessions
commit_nat "${NAT_MASQ[@]}" "${NAT_KEEP[@]}"
check "$(rule_val keep 'Rule Id')" 1 "keep re-added takes its own id back"
check "$(rule_val keep 'Number of sessions')" 2 "keep re-added: its sessions"
check "$(rule_val masq 'Number of sessions')" 1 "masq after keep's return"

# commit check changes no id; a commit of a renamed rule gives it a new one
printf '%s\n' "${NAT_ZONES[@]}" "${NAT_OUT[@]}" "${NAT_RULE_SET[@]}" "${NAT_MASQ[@]//masq/masq2}" >"$DROPS_TMP/renamed.conf"
out=$(sfw commit check "$DROPS_TMP/renamed.conf" 2>&1) || fail "commit check: $out"
check "$(rule_val masq 'Rule Id')" 2 "commit check: masq's id unchanged"
check "$(rule_val masq 'Translation hits')" 1 "commit check: masq's hits unchanged"
commit_nat "${NAT_MASQ[@]//masq/masq2}"
check "$(rule_val masq2 'Rule Id')" 3 "a renamed rule takes an id no rule had"
check "$(rule_val masq2 'Translation hits')" 0 "a renamed rule's hits start at 0"
check "$(rule_val masq2 'Number of sessions')" 0 "a renamed rule names no earlier session"

[ "$FAILED" = 0 ] || exit 1
echo "PASS"

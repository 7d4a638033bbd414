#!/usr/bin/env bash
# Review batch M1: `flow session max-sessions` above what a table of the
# default size holds, committed with nothing attached, was stored; the
# next attach made a default table, the stored file could not be applied
# ("max-sessions exceeds what the session table holds") and the datapath
# failed closed, every new session refused. Now an attach that makes the
# table without a size asked for sizes it for the stored max-sessions.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=asm$$}"
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"; topology_down' EXIT
topology_up

WANT=1100000
printf '%s\n' "set security flow session max-sessions $WANT" \
	"set security policies default-policy permit-all" >"$TMPD/big.conf"
out=$(sfw commit "$TMPD/big.conf" 2>&1) || fail "commit max-sessions $WANT: $out"
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
out=$(sfw show security flow status) || fail "flow status: $out"
[[ $out != *"not the stored file"* && $out != *"cannot be applied"* ]] ||
	fail "the stored file is not in force: $out"
has -x "    Maximum sessions: $WANT" <<<"$out" || fail "max-sessions in force: $out"
has -x "    Session table limit: $WANT" <<<"$out" || fail "the table's limit: $out"
cli ping -c 1 -W 2 -q 203.0.113.2 >/dev/null || fail "ping refused: the datapath failed closed"
echo "ok a fresh table is sized for the stored max-sessions"

# a size the kernel refuses: the default table, on which the stored file
# fails closed (as before), never an attach that fails and guards nothing
sfw detach all >/dev/null || fail "detach all"
printf '%s\n' "set security flow session max-sessions 1073741824" \
	"set security policies default-policy permit-all" >"$TMPD/huge.conf"
sfw commit "$TMPD/huge.conf" >/dev/null 2>&1 || fail "commit max-sessions 2^30"
# an attach that fails for another reason says only that
err=$(sfw attach nosuch0 mode generic 2>&1 >/dev/null)
expect_eq "$err" "sfw: interface nosuch0 does not exist" "a missing interface under max-sessions 2^30"
err=$(sfw attach veth0 veth1 mode generic 2>&1 >/dev/null)
expect_eq "$?" 1 "attach under max-sessions 2^30: exit"
[[ $err == *"sfw: note: a session table for the stored max-sessions"*"could not be made"*"attaching with the default table, on which the stored configuration fails closed"* ]] ||
	fail "attach under max-sessions 2^30: $err"
fw ip link show dev veth0 | has xdp || fail "veth0 left without sfw's XDP program"
cli ping -c 1 -W 1 -q 203.0.113.2 >/dev/null && fail "ping passed: the stored file did not fail closed"
echo "PASS: test_attach_sizes_for_max_sessions"

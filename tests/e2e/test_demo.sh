#!/usr/bin/env bash
# The README's main job, scripts/demo.sh, end to end in a private copy (its
# own namespaces and pin root, beside any live demo): it must set up, pass
# traffic, show the sessions it made, commit interface source NAT and show a
# new connection arriving at the server from the firewall's address; a
# second start while it runs is refused in one line; clean removes it all.
set -uo pipefail
cd "$(dirname "$0")/../.."
export NS_PREFIX=sfwdemo$$ SFW_PIN_ROOT=/sys/fs/bpf/sfw-demo$$
BUILD=$(dirname "${SFW:-build/sfw}")
source tests/e2e/lib.sh

FAILED=0
bad() { echo "FAIL: $*" >&2; FAILED=1; }
cleanup() { bash scripts/demo.sh "$BUILD" clean >/dev/null 2>&1 || true; }
trap cleanup EXIT

out=$(timeout 180 bash scripts/demo.sh "$BUILD" 2>&1)
rc=$?
[ "$rc" = 0 ] || bad "demo exited $rc: $(tail -n 5 <<<"$out")"
has -E '^Total sessions: [0-9]+' <<<"$out" || bad "no session listing"
has -E 'In: 198\.51\.100\.2/[0-9]+ --> 203\.0\.113\.2/80;tcp' <<<"$out" ||
	bad "the http connection's session is not shown"
has -F 'commit complete' <<<"$out" || bad "the NAT configuration did not commit"
# the server's view: its peer is the firewall's address, not the client's
has -E '203\.0\.113\.2:8080 +203\.0\.113\.1:[0-9]+' <<<"$out" ||
	bad "the server does not see the client from 203.0.113.1"
has -E 'Out: 203\.0\.113\.2/8080 --> 203\.0\.113\.1/[0-9]+;tcp' <<<"$out" ||
	bad "session nat does not show the translated Out wing"
has -E '^Rule name +: lan' <<<"$out" || bad "the NAT summary lacks the rule"

again=$(bash scripts/demo.sh "$BUILD" 2>&1)
rc=$?
[ "$rc" != 0 ] || bad "a second demo start succeeded"
[ "$(wc -l <<<"$again")" = 1 ] && has -F 'already running' <<<"$again" ||
	bad "a second start is not refused in one line: $again"

bash scripts/demo.sh "$BUILD" clean >/dev/null 2>&1 || bad "clean failed"
ip netns list | has -F "$NS_PREFIX" && bad "clean left namespaces"
[ -e "$SFW_PIN_ROOT" ] && bad "clean left $SFW_PIN_ROOT"

[ "$FAILED" = 0 ] || exit 1
echo "PASS"

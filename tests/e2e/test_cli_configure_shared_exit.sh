#!/usr/bin/env bash
# A script's `exit` from configuration mode is not asked about another
# shell's pending changes (docs/cli.md "One candidate for every shell"):
# the question would take the script's next line as its answer. It still
# is when this shell changed the candidate (the scripts answer `yes`).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD" "$SFW_CONF_DIR"' EXIT
POL="security policies from-zone trust to-zone untrust policy"
cat >"$TMPD/base.conf" <<CONF
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
CONF
"$SFW" commit "$TMPD/base.conf" >/dev/null 2>&1 || fail "commit the base configuration"
printf 'configure\nset %s x match source-address any destination-address any application any\nset %s x then permit\nexit\nyes\n' \
	"$POL" "$POL" | "$SFW" cli >/dev/null 2>&1
[ -e "$SFW_CONF_DIR/.candidate" ] || fail "x is not pending"
out=$(printf 'configure\nexit\nshow system commit\n' | "$SFW" cli 2>&1)
grep -q "Exit with uncommitted changes" <<<"$out" &&
	fail "a script's exit was asked about another shell's changes: $out"
grep -q "^0 .* via " <<<"$out" || fail "the script's next line did not run after exit: $out"
out=$(printf 'configure\nset %s x description mine\nexit\nno\nshow | compare\n' "$POL" | "$SFW" cli 2>&1)
grep -q "Exit with uncommitted changes" <<<"$out" || fail "exit after this shell's own change was not asked: $out"
grep -q "description \"mine\"" <<<"$out" || fail "answering no did not stay in configuration mode: $out"
echo "PASS: test_cli_configure_shared_exit"

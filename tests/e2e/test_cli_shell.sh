#!/usr/bin/env bash
# The interactive shell through a pseudo-terminal (tests/e2e/shell_tty.py):
# tab, ?, the caret, pipes, paging, ^C, history, exit. Nothing attached: a
# committed configuration of 30 lines gives `show configuration | display set` a listing
# longer than the terminal.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD" "$SFW_CONF_DIR"' EXIT

for i in $(seq 1 30); do
	echo "set security address-book global address host$i 192.0.2.$i/32"
done >"$TMPD/hosts.conf"
"$SFW" commit "$TMPD/hosts.conf" >/dev/null 2>&1 || fail "commit the configuration"
/usr/bin/python3 tests/e2e/shell_tty.py "$SFW" || fail "the shell on a terminal"
# from bash and from a script too, a quoted pattern ending in ? is the pattern
out=$("$SFW" show configuration '| display set | match "host30?"' 2>&1) ||
	fail "a quoted pattern ending in ? from bash: $out"
expect_eq "$(grep -c '^set ' <<<"$out")" 2 "lines that match \"host30?\" from bash"
out=$(printf 'show configuration | display set | match "host30?"\n' | "$SFW" cli 2>&1) ||
	fail "a quoted pattern ending in ? from a script: $out"
expect_eq "$(grep -c '^set ' <<<"$out")" 2 "lines that match \"host30?\" from a script"
out=$(printf 'configure\nrun show configuration | display set | match "host30?"\n' | "$SFW" cli 2>&1) ||
	fail "a quoted pattern ending in ? after run in configure mode: $out"
expect_eq "$(grep -c '^set ' <<<"$out")" 2 "lines that match \"host30?\" after run"
# a script line with a NUL byte runs nothing: its head ran, the rest
# dropped (review batch L3)
out=$(printf 'configure\ndelete security address-book global address host30\0 description x\n' |
	"$SFW" cli 2>&1)
[[ $out == *"error: command line holds a NUL byte"* ]] || fail "a NUL byte in a script line: $out"
"$SFW" show configuration '| display set' | has 'address host30 ' || fail "host30 deleted by a cut line"
echo "PASS: test_cli_shell"

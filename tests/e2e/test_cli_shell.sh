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
echo "PASS: test_cli_shell"

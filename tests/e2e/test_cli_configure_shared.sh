#!/usr/bin/env bash
# One candidate shared by every plain `configure`, configure private and
# configure exclusive (docs/cli.md "One candidate for every shell"),
# through pseudo-terminals (tests/e2e/shared_tty.py). Nothing attached:
# commits store; test_conf_commit.sh covers the apply.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD" "$SFW_CONF_DIR"' EXIT
POL="security policies from-zone trust to-zone untrust policy"

cat >"$TMPD/base.conf" <<CONF
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set $POL allow match source-address any destination-address any application junos-http
set $POL allow then permit
CONF
"$SFW" commit "$TMPD/base.conf" >/dev/null 2>&1 || fail "commit the configuration"
/usr/bin/python3 tests/e2e/shared_tty.py "$SFW" || fail "the shared candidate"
[ -e "$SFW_CONF_DIR/.candidate" ] && fail "a clean shared candidate left its file"
echo "PASS: test_cli_configure_shared"

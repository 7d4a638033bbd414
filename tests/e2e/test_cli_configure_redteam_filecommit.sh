#!/usr/bin/env bash
# Red team: a committed change must not be lost by the next commit of the
# shared candidate. A leaves x pending in the shared candidate; an operator
# commits a file that adds y (`sfw commit FILE`, bypassing the candidate);
# A's `commit` must not silently remove y. Either the file commit is
# refused while the shared candidate has changes, or y survives. Today y is
# reverted (the candidate keeps the text it was edited from, without y).
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
"$SFW" commit "$TMPD/base.conf" >/dev/null 2>&1 || fail "commit the base configuration"
printf 'configure\nset %s x match source-address any destination-address any application junos-ssh\nset %s x then permit\nexit\nyes\n' \
	"$POL" "$POL" | "$SFW" cli >/dev/null 2>&1
[ -e "$SFW_CONF_DIR/.candidate" ] || fail "x is not pending in the shared candidate"
cp "$TMPD/base.conf" "$TMPD/y.conf"
printf 'set %s y match source-address any destination-address any application junos-ftp\nset %s y then permit\n' \
	"$POL" "$POL" >>"$TMPD/y.conf"
if "$SFW" commit "$TMPD/y.conf" >/dev/null 2>&1; then
	printf 'configure\ncommit\nexit\n' | "$SFW" cli >/dev/null 2>&1
	"$SFW" show configuration '| display set' | grep -q "policy y then" ||
		fail "sfw commit FILE's policy y was silently reverted by the shared candidate's commit"
fi
echo "PASS: test_cli_configure_redteam_filecommit"

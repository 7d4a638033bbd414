#!/usr/bin/env bash
# Red team: a damaged shared candidate must not fail open. The file's
# layout records the base's length but not the candidate's, so a
# .candidate cut short at a line boundary (a hand edit, a filesystem that
# lost its tail) reads as a whole, smaller candidate: here the zones only,
# without the policies and `default-policy deny-all`. The next operator's
# `set` (a new zone) + `commit` then stores it: the firewall goes to the built-in
# permit-all. Fixed: the damaged file is refused (or not used), and the
# active configuration keeps deny-all and its policy.
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
set security policies default-policy deny-all
CONF
"$SFW" commit "$TMPD/base.conf" >/dev/null 2>&1 || fail "commit the base configuration"
printf 'configure\nset %s x match source-address any destination-address any application junos-ssh\nset %s x then permit\nexit\nyes\n' \
	"$POL" "$POL" | "$SFW" cli >/dev/null 2>&1
C="$SFW_CONF_DIR/.candidate"
[ -e "$C" ] || fail "x is not pending"
blen=$(head -1 "$C" | awk '{print $2}')
hlen=$(head -1 "$C" | wc -c)
# header + base + the candidate's first two lines (the zones)
head -c "$((hlen + blen))" "$C" >"$TMPD/cut"
tail -c "+$((hlen + blen + 1))" "$C" | head -2 >>"$TMPD/cut"
cat "$TMPD/cut" >"$C"
printf 'configure\nset security zones security-zone dmz interfaces veth2\ncommit\nexit\n' | "$SFW" cli >"$TMPD/a.out" 2>&1
pol=$("$SFW" show security policies 2>&1)
grep -q "Default policy: deny-all" <<<"$pol" && grep -q "Policy: allow" <<<"$pol" ||
	fail "a truncated .candidate was committed: the firewall lost deny-all and policy allow: $pol"
echo "PASS: test_cli_configure_redteam_truncated"

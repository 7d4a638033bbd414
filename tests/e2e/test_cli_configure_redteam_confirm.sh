#!/usr/bin/env bash
# Red team: commit confirmed's rollback must stay rolled back. A commits X
# with `commit confirmed 1`; B sets Z in the shared candidate (edited on
# top of X) before the timer; the timer rolls X back. B's plain `commit`
# of Z must not bring the unconfirmed, rolled-back X back (the lockout
# commit confirmed exists to undo). Today the shared candidate keeps X
# (its base was X's configuration) and the next commit re-applies it.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD" "$SFW_CONF_DIR"' EXIT
export SFW_TEST_MINUTE_SECONDS=2      # cli/config/confirm.h: a minute of the timer
POL="security policies from-zone trust to-zone untrust policy"
cat >"$TMPD/base.conf" <<CONF
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set $POL allow match source-address any destination-address any application junos-http
set $POL allow then permit
CONF
"$SFW" commit "$TMPD/base.conf" >/dev/null 2>&1 || fail "commit the base configuration"
printf 'configure\nset %s x match source-address any destination-address any application any\nset %s x then permit\ncommit confirmed 1\nexit\n' \
	"$POL" "$POL" | "$SFW" cli >"$TMPD/a.out" 2>&1
grep -q "policy x then" <("$SFW" show configuration '| display set') || fail "commit confirmed of x: $(cat "$TMPD/a.out")"
printf 'configure\nset %s z match source-address any destination-address any application junos-ftp\nset %s z then permit\nexit\nyes\n' \
	"$POL" "$POL" | "$SFW" cli >/dev/null 2>&1
for _ in $(seq 50); do          # the timer: 1 "minute" = 2 s
	"$SFW" show configuration '| display set' | grep -q "policy x then" || break
	sleep 0.5
done
"$SFW" show configuration '| display set' | grep -q "policy x then" && fail "the timer did not roll x back"
printf 'configure\ncommit\nexit\n' | "$SFW" cli >"$TMPD/b.out" 2>&1
"$SFW" show configuration '| display set' | grep -q "policy x then" &&
	fail "a plain commit after commit confirmed's rollback re-applied the rolled-back policy x"
echo "PASS: test_cli_configure_redteam_confirm"

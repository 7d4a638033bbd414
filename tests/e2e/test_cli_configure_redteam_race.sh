#!/usr/bin/env bash
# Red team: a commit from the shared candidate must commit the candidate as
# it stands under the store's lock. x is pending; shell A types `commit`,
# which reads the candidate, then forks the commit (held back 6 s here by
# strace's syscall delay: a busy machine's window, made wide); meanwhile B
# deletes x (B's candidate is then the active text: clean). A's commit
# stores its stale copy: x goes active, and B's delete is gone with no
# trace (nothing pending). Fixed: x is not active, or B's delete is still
# pending in the shared candidate.
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
[ -e "$SFW_CONF_DIR/.candidate" ] || fail "x is not pending"
# A: the only fork of `configure; commit` is the commit's (it reads the candidate first)
{ printf 'configure\ncommit\nexit\n' | strace -f -o/dev/null -etrace=clone,clone3,fork,vfork -einject=clone,clone3,fork,vfork:delay_enter=6000000 "$SFW" cli >"$TMPD/a.out" 2>&1; } &
APID=$!
for _ in $(seq 100); do
	[ -n "$(ls "$SFW_CONF_DIR/.editors" 2>/dev/null)" ] && break
	sleep 0.05
done
sleep 1
printf 'configure\ndelete %s x\nexit\nyes\n' "$POL" | "$SFW" cli >"$TMPD/b.out" 2>&1
wait "$APID"
if "$SFW" show configuration '| display set' | grep -q "policy x then" &&
	! printf 'configure\nshow | compare\nexit\nyes\n' | "$SFW" cli 2>/dev/null | grep -q '^-.*policy x'; then
	fail "B deleted x while A committed: x is active and B's delete is gone (A committed a stale candidate)"
fi
echo "PASS: test_cli_configure_redteam_race"

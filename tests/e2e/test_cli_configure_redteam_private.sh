#!/usr/bin/env bash
# Red team: configure private's commit must be refused when another
# session committed since it entered (docs/cli.md "configure private").
# The check compares the active text outside the store's lock, before the
# commit's fork; a commit landing in between (here `sfw commit FILE` adding
# policy y while strace holds the private shell's fork back 6 s) is then
# overwritten by the private copy: y, committed, is gone. Fixed: the
# private commit is refused under the lock, and y stays.
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
cp "$TMPD/base.conf" "$TMPD/y.conf"
printf 'set %s y match source-address any destination-address any application junos-ftp\nset %s y then permit\n' \
	"$POL" "$POL" >>"$TMPD/y.conf"
# P: the only fork of `configure private; set; commit` is the commit's
{ printf 'configure private\nset %s x match source-address any destination-address any application junos-ssh\nset %s x then permit\ncommit\nexit\n' "$POL" "$POL" |
	strace -f -o/dev/null -etrace=clone,clone3,fork,vfork -einject=clone,clone3,fork,vfork:delay_enter=6000000 "$SFW" cli >"$TMPD/p.out" 2>&1; } &
PPID_=$!
for _ in $(seq 100); do
	[ -n "$(ls "$SFW_CONF_DIR/.editors" 2>/dev/null)" ] && break
	sleep 0.05
done
sleep 1.5
"$SFW" commit "$TMPD/y.conf" >/dev/null 2>&1 || fail "sfw commit FILE (y)"
wait "$PPID_"
"$SFW" show configuration '| display set' | grep -q "policy y then" ||
	fail "configure private's commit overwrote policy y, committed after it entered: $(grep -v note "$TMPD/p.out" | tail -3)"
echo "PASS: test_cli_configure_redteam_private"

#!/usr/bin/env bash
# Red team: files another user plants in a store directory it can write
# (a world-writable, sticky $SFW_CONF_DIR, as /tmp is) must not steer root's
# configuration mode. (1) A planted .candidate: root's `configure` takes it
# as the shared candidate, and root's next `commit` applies the planted
# policy. (2) A planted .editors/ with PID.tmp a symbolic link: entering
# configuration mode opens it with O_CREAT|O_TRUNC and follows the link,
# overwriting any file as root. The store should refuse such a directory,
# or such files (not its owner's, links), and not follow them.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; [ -n "${APID:-}" ] && kill "$APID" 2>/dev/null; rm -rf "$TMPD" "$SFW_CONF_DIR"' EXIT
chmod 755 "$TMPD"
POL="security policies from-zone trust to-zone untrust policy"
cat >"$TMPD/base.conf" <<CONF
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set $POL allow match source-address any destination-address any application junos-http
set $POL allow then permit
CONF
"$SFW" commit "$TMPD/base.conf" >/dev/null 2>&1 || fail "commit the base configuration"
chmod 1777 "$SFW_CONF_DIR"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
bad=""

# (2) the editors file: a link to a file of root's
echo "root's file" >"$TMPD/victim"
mkfifo "$TMPD/in"
"$SFW" cli <"$TMPD/in" >"$TMPD/a.out" 2>&1 &
APID=$!
exec 3>"$TMPD/in"
as_nobody mkdir -m 777 "$SFW_CONF_DIR/.editors"
as_nobody ln -s "$TMPD/victim" "$SFW_CONF_DIR/.editors/$APID.tmp"
printf 'configure\nexit\n' >&3
exec 3>&-
wait "$APID"
APID=""
[ "$(cat "$TMPD/victim")" = "root's file" ] ||
	bad="$bad; entering configure overwrote a file through a planted .editors/PID.tmp link"

# (1) the shared candidate: the active text, then it with a planted policy
active=$(printf 'configure\nshow | display set\nexit\n' | "$SFW" cli 2>/dev/null | grep '^set ')
[ -n "$active" ] || fail "read the active configuration"
evil=$(printf '%s\nset %s evil match source-address any destination-address any application any\nset %s evil then permit\n' \
	"$active" "$POL" "$POL")
as_nobody sh -c 'printf "sfw-candidate %d\n%s\n%s" "$1" "$2" "$3" >"$4"' sh \
	"$(( ${#active} + 1 ))" "$active" "$evil" "$SFW_CONF_DIR/.candidate"
printf 'configure\nset %s allow description web\ncommit\nexit\n' "$POL" | "$SFW" cli >"$TMPD/b.out" 2>&1
"$SFW" show configuration '| display set' | grep -q "policy evil then permit" &&
	bad="$bad; root's commit applied a policy another user planted in .candidate"
# (1b) the same in sfw's own layout (lengths and SHA-256 right): still not trusted
as_nobody sh -c 'h=$(printf "%s%s" "$1" "$2" | sha256sum | cut -d" " -f1)
	printf "sfw-candidate %d %d %s\n%s%s" "${#1}" "${#2}" "$h" "$1" "$2" >"$3"' sh \
	"$active
" "$evil
" "$SFW_CONF_DIR/.candidate"
printf 'configure\nset %s allow description web\ncommit\nexit\n' "$POL" | "$SFW" cli >"$TMPD/c.out" 2>&1
"$SFW" show configuration '| display set' | grep -q "policy evil then permit" &&
	bad="$bad; root's commit applied a policy another user planted in .candidate (sfw's layout)"
[ -z "$bad" ] || fail "${bad#; }"
echo "PASS: test_cli_configure_redteam_plant"

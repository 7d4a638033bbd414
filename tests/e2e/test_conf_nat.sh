#!/usr/bin/env bash
# security nat the datapath does not translate yet (docs/nat.md "What a
# commit takes"; here an IPv6 destination pool beside a source pool, which is built): commit check accepts a valid NAT
# configuration with one warning; commit refuses it in one line, exit 1, before anything
# is stored or applied, so the configuration in force stays (traffic as it
# was, no rollback made, nothing failed closed). A stored file with NAT
# (a hand edit) cannot be applied at attach, and fails closed as any such
# file does (docs/security.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
FILES=$SFW_CONF_DIR.files
trap 'topology_down; rm -rf "$FILES"' EXIT

topology_up
mkdir -p "$FILES"
ACTIVE=$SFW_CONF_DIR/sfw.conf
WHAT="security nat destination pool web: NAT of IPv6 is not built yet"
refused() { echo "sfw: $1:6: $WHAT: remove it to commit (docs/nat.md)"; }

tcp_server 80
tcp_server 22
for i in $(seq 50); do srv ss -Hlnt 'sport = :22' | has . && break; sleep 0.1; done

cat >"$FILES/web.conf" <<'EOC'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies from-zone trust to-zone untrust policy web match source-address any destination-address any application junos-http
set security policies from-zone trust to-zone untrust policy web then permit
set security policies default-policy deny-all
EOC
{
	cat "$FILES/web.conf"
	cat <<'EOC'
set security nat destination pool web address 2001:db8::2/128 port 80
set security nat source pool out address 203.0.113.1/32
set security nat source pool out port range 20000 to 30000
set security nat source rule-set inside-out from zone trust
set security nat source rule-set inside-out to zone untrust
set security nat source rule-set inside-out rule all match source-address 198.51.100.0/24
set security nat source rule-set inside-out rule all then source-nat pool out
set security nat proxy-arp interface veth1 address 203.0.113.1/32
EOC
} >"$FILES/nat.conf"

out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
out=$(sfw commit "$FILES/web.conf" 2>&1) || fail "commit web: $out"
connects 80 || fail "after commit: HTTP refused"
connects 22 && fail "after commit: SSH allowed, the file denies it"

# ---- commit check: valid, one warning ----------------------------------------
out=$(sfw commit check "$FILES/nat.conf" 2>"$FILES/err") || fail "commit check: $out $(cat "$FILES/err")"
expect_eq "$out" "configuration check succeeds" "commit check output"
expect_eq "$(wc -l <"$FILES/err")" 1 "commit check warnings: $(cat "$FILES/err")"
has -x "$FILES/nat.conf:6: warning: $WHAT, and commit refuses it (docs/nat.md)" \
	"$FILES/err" || fail "commit check warning: $(cat "$FILES/err")"

# ---- commit: refused, nothing changed ------------------------------------------
cp "$ACTIVE" "$FILES/active.before"
rollbacks=$(ls "$SFW_CONF_DIR/rollback" | wc -l)
out=$(sfw commit "$FILES/nat.conf" 2>"$FILES/err")
rc=$?
expect_eq "$rc" 1 "commit of a NAT configuration: exit"
expect_eq "$out" "" "commit of a NAT configuration: stdout"
expect_eq "$(cat "$FILES/err")" "$(refused "$FILES/nat.conf")" "commit of a NAT configuration: stderr"
cmp -s "$ACTIVE" "$FILES/active.before" || fail "the refused commit changed $ACTIVE"
expect_eq "$(ls "$SFW_CONF_DIR/rollback" | wc -l)" "$rollbacks" "rollbacks after the refused commit"
sfw show security flow status | has 'Configuration' &&
	fail "the refused commit failed closed: $(sfw show security flow status)"
sfw show security flow status | has -x '    Default policy: deny-all' ||
	fail "status after the refused commit: $(sfw show security flow status)"
connects 80 || fail "after the refused commit: HTTP refused, the running configuration permits it"
connects 22 && fail "after the refused commit: SSH allowed"
sfw show configuration '| display set' | has 'security nat' && fail "show configuration shows the refused NAT"

# ---- a stored file with NAT (a hand edit): cannot be applied, fails closed -----
sfw detach all >/dev/null || fail "detach all"
cp "$FILES/nat.conf" "$ACTIVE"
err=$(sfw attach veth0 veth1 2>&1 >/dev/null)
expect_eq "$?" 1 "attach with a stored NAT file: exit"
expect_eq "$err" "sfw: the configuration $ACTIVE cannot be applied, every new session is refused until a commit succeeds: $(refused "$ACTIVE" | sed 's/^sfw: //')" \
	"attach with a stored NAT file"
connects 80 && fail "a stored NAT file: a new session opened"
out=$(sfw commit "$FILES/web.conf" 2>&1) || fail "commit web after the NAT file: $out"
connects 80 || fail "after the commit that removed NAT: HTTP refused"
echo "PASS"

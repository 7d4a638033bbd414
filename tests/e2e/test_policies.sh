#!/usr/bin/env bash
# Zones and security policies end to end (topology in lib.sh): the client
# (veth0) is in zone trust, the server (veth1) in untrust. A committed
# configuration lets ping and HTTP through, rejects TCP 8080 and denies the
# rest; real connections are allowed and refused as it says, sessions name
# their policy and application, Policy denied and the hit counts rise. A
# bad file changes nothing, `commit reevaluate` clears the sessions a new
# configuration no longer permits, and rollback restores the old behaviour.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

topology_up
# Generic XDP: a reject answers with XDP_TX, and a native program's XDP_TX
# on a veth reaches the peer only when the peer runs XDP (NAPI) itself,
# which the client's end does not here. Policies are the same in both modes.
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
CONF=$SFW_CONF_DIR.files
mkdir -p "$CONF"
trap 'topology_down; rm -rf "$CONF"' EXIT

cat >"$CONF/policies.conf" <<'EOF'
# trust: the client side; untrust: the servers
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security address-book global address server-net 203.0.113.0/24
set applications application web-alt protocol tcp destination-port 8080
set security policies from-zone trust to-zone untrust policy allow-web match source-address any destination-address server-net application junos-http
set security policies from-zone trust to-zone untrust policy allow-web then permit
set security policies from-zone trust to-zone untrust policy allow-web then count
set security policies from-zone trust to-zone untrust policy allow-ping match source-address any destination-address any application junos-icmp-ping
set security policies from-zone trust to-zone untrust policy allow-ping then permit
set security policies from-zone trust to-zone untrust policy reject-alt match source-address any destination-address any application web-alt
set security policies from-zone trust to-zone untrust policy reject-alt then reject
set security policies from-zone trust to-zone untrust policy deny-rest match source-address any destination-address any application any
set security policies from-zone trust to-zone untrust policy deny-rest then deny
set security policies default-policy deny-all
EOF
# The same zones, only HTTP allowed: ping no longer is.
sed -e '/allow-ping/d' "$CONF/policies.conf" >"$CONF/web-only.conf"
printf 'set security zones security-zone trust interfaces veth0\nset security policies from-zone trust to-zone nowhere policy p then permit\n' \
	>"$CONF/bad.conf"

policy_denied() {   # iface
	sfw show interfaces flow-statistics "$1" --json |
		jq -er '.["interface-information"]["physical-interface"][0]["flow-error-statistics"]["policy-denied"]'
}
hits() {   # policy name: its Policy count column
	sfw show security policies hit-count | awk -v p="$1" '$4 == p { print $5 }'
}
connects() {   # port: 0 when a TCP connection to the server opens
	cli /usr/bin/python3 - "$1" <<'PY'
import socket, sys
try:
    socket.create_connection(("203.0.113.2", int(sys.argv[1])), timeout=2).close()
except ConnectionRefusedError:
    sys.exit(3)   # a RST came back
except OSError:
    sys.exit(4)   # nothing came back
PY
}

# ---- commit check, commit, show ---------------------------------------------
out=$(sfw commit check "$CONF/policies.conf") || fail "commit check: $out"
expect_eq "$out" "configuration check succeeds" "commit check"
out=$(sfw commit "$CONF/policies.conf") || fail "commit: $out"
expect_eq "$out" "commit complete" "commit"
sfw show configuration '| display set' |
	has -x 'set security policies from-zone trust to-zone untrust policy reject-alt then reject' ||
	fail "show configuration | display set: $(sfw show configuration '| display set')"
# bare, Junos's hierarchical form
out=$(sfw show configuration) || fail "show configuration"
has -x '            policy reject-alt {' <<<"$out" || fail "show configuration: $out"
sfw show security zones | grep -A6 '^Security zone: trust$' | has -x '    veth0' ||
	fail "show security zones: $(sfw show security zones)"
out=$(sfw show security policies from-zone trust to-zone untrust policy-name allow-web)
expect_eq "$(sed -n 3p <<<"$out")" \
	"  Policy: allow-web, State: enabled, Index: 7920, Scope Policy: 0, Sequence number: 1" \
	"show security policies"

# ---- match-policies: the policy a first packet would hit --------------------
match() {   # from to src dst proto dport [--json]
	sfw show security match-policies from-zone "$1" to-zone "$2" source-ip "$3" \
		destination-ip "$4" protocol "$5" source-port 40000 destination-port "$6" "${@:7}"
}
out=$(match trust untrust 198.51.100.2 203.0.113.2 tcp 80) || fail "match-policies: exit $?"
expect_eq "$(sed -n '1p;3p' <<<"$out")" "Policy: allow-web, action-type: permit, State: enabled, Index: 7920
  Sequence number: 1" "match-policies HTTP"
expect_eq "$(match trust untrust 198.51.100.2 203.0.113.2 tcp 22 | head -n1)" \
	"Policy: deny-rest, action-type: deny, State: enabled, Index: 4719" "match-policies TCP 22"
expect_eq "$(match untrust trust 203.0.113.2 198.51.100.2 icmp 0)" \
	"Policy: Default-Policy, action-type: deny-all, State: enabled, Index: 2" "match-policies default"
expect_eq "$(match trust untrust 198.51.100.2 203.0.113.2 tcp 8080 --json |
	jq -r '.["security-match-policies"]["policy-information"]["policy-name"]')" reject-alt \
	"match-policies --json"
out=$(match trust nowhere 198.51.100.2 203.0.113.2 tcp 80 2>&1)
expect_eq "$?:$out" "1:sfw: security zone nowhere is not configured" "match-policies unknown zone"

# ---- allowed: HTTP and ping, with policy and application in the session ----
tcp_server 80
tcp_server 22
tcp_server 8080
sleep 0.3
bg_in_ns "$CLI_NS" sh -c 'sleep 6 | nc 203.0.113.2 80'
for _ in $(seq 50); do
	out=$(sfw show security flow session destination-port 80 extensive)
	grep -q 'Policy name: allow-web/7920' <<<"$out" && break
	sleep 0.1
done
grep -q '^Policy name: allow-web/7920$' <<<"$out" || fail "HTTP session policy: $out"
grep -q 'Application: junos-http/6' <<<"$out" || fail "HTTP session application: $out"
cli ping -c 2 -i 0.2 -W 1 -q 203.0.113.2 >/dev/null || fail "ping trust -> untrust refused"
sfw show security flow session protocol icmp | has 'Policy name: allow-ping/4466' ||
	fail "ping session policy: $(sfw show security flow session protocol icmp)"

# ---- refused: deny, reject, the default policy ------------------------------
denied0=$(policy_denied veth0) || fail "Policy denied counter"
connects 22
expect_eq "$?" 4 "TCP 22 (deny-rest: dropped, nothing comes back)"
denied1=$(policy_denied veth0)
[ "$denied1" -gt "$denied0" ] || fail "Policy denied did not rise ($denied0 -> $denied1)"
connects 8080
expect_eq "$?" 3 "TCP 8080 (reject-alt: the client sees a RST)"
srv ping -c 1 -W 1 -q 198.51.100.2 >/dev/null 2>&1 && fail "untrust -> trust ping passed a deny-all default"
[ "$(policy_denied veth1)" -gt 0 ] || fail "Policy denied on veth1"
sfw show security flow session destination-port 22 | has '^Total sessions: 0$' ||
	fail "a denied first packet created a session"

# ---- hit counts ---------------------------------------------------------------
[ "$(hits allow-web)" -ge 1 ] || fail "allow-web hits: $(sfw show security policies hit-count)"
[ "$(hits allow-ping)" -ge 1 ] || fail "allow-ping hits"
[ "$(hits reject-alt)" -ge 1 ] || fail "reject-alt hits"
[ "$(hits deny-rest)" -ge 1 ] || fail "deny-rest hits"
sfw show security policies hit-count --json |
	jq -e '.["policy-hit-count"]["number-of-policy"] == 4' >/dev/null || fail "hit-count JSON"
sfw clear security policies hit-count || fail "clear hit-count"
expect_eq "$(hits allow-web)" 0 "allow-web hits after clear"

# ---- a bad file changes nothing ---------------------------------------------
before=$(sfw show configuration)
out=$(sfw commit "$CONF/bad.conf" 2>&1) && fail "a bad file committed"
grep -q "^$CONF/bad.conf:2: .*undefined zone 'nowhere'" <<<"$out" || fail "bad file error: $out"
expect_eq "$(sfw show configuration)" "$before" "configuration after a bad commit"
cli ping -c 1 -W 1 -q 203.0.113.2 >/dev/null || fail "ping refused after a bad commit"

# ---- reevaluate: sessions the new configuration refuses are cleared -----------
cli ping -c 1 -W 1 -q 203.0.113.2 >/dev/null || fail "ping before web-only"
out=$(sfw commit "$CONF/web-only.conf" reevaluate) || fail "commit reevaluate: $out"
[[ $out == "commit complete"$'\n'*" active sessions cleared" ]] || fail "reevaluate output: $out"
[ "${out##*$'\n'}" != "0 active sessions cleared" ] || fail "the ping session was not cleared"
sfw show security flow session protocol icmp | has '^Total sessions: 0$' ||
	fail "ICMP sessions after reevaluate: $(sfw show security flow session protocol icmp)"
cli ping -c 1 -W 1 -q 203.0.113.2 >/dev/null && fail "ping passed under web-only"
connects 80 || fail "HTTP refused under web-only"

# ---- rollback restores the previous behaviour ---------------------------------
expect_eq "$(sfw rollback 1)" "commit complete" "rollback"
cli ping -c 1 -W 1 -q 203.0.113.2 >/dev/null || fail "ping refused after rollback"
expect_eq "$(sfw show configuration)" "$before" "configuration after rollback"
echo "ok policies"

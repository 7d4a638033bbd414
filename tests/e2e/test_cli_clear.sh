#!/usr/bin/env bash
# `clear security flow session` by each filter, by session-identifier and
# all: prints "<n> active sessions cleared" and removes exactly the
# matching sessions (checked through the CLI and in the pinned map).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
start_flows
left=("${ALL_FLOWS[@]}")

# clear_expect "<n>" WORDS... = FLOW...: clears, checks the message and
# that exactly the given flows are gone.
clear_expect() {
	local n=$1 words=() gone out f
	shift
	while [ $# -gt 0 ] && [ "$1" != "=" ]; do words+=("$1"); shift; done
	shift
	gone=("$@")
	out=$(sfw clear security flow session "${words[@]}") || fail "clear ${words[*]}: exit $?"
	expect_eq "$out" "$n active sessions cleared" "clear ${words[*]}"
	mapfile -t left < <(for f in "${left[@]}"; do
		printf '%s\n' "${gone[@]}" | has -xF -- "$f" || echo "$f"; done)
	expect_show = "${left[@]}"
	expect_eq "$(oracle | wc -l)" "${#left[@]}" "sessions in the map after clear ${words[*]}"
}

id_of() {   # flow line -> its session id
	sfw show security flow session --json >"$TMPD/ids.json"
	awk -v f="$1" '$0 ~ " "f"$" {print $1}' <("$E2E/flowset.py" ids "$TMPD/ids.json")
}

clear_expect 1 protocol icmp6 = "$ICMP6"
id22=$(id_of "$TCP22")
[ -n "$id22" ] || fail "no id for $TCP22"
clear_expect 1 session-identifier "$id22" = "$TCP22"
clear_expect 0 session-identifier "$id22" =
clear_expect 0 protocol gre =
clear_expect 1 destination-port 53 family inet6 = "$DNS6"
clear_expect 2 source-prefix 203.0.113.0/24 = "$NTP" "$HOSTPING"
clear_expect 1 application junos-http = "$TCP80"
clear_expect 1 interface veth0 destination-prefix 2001:db8:2::/64 = "$TCP6"
clear_expect 0 source-port 40053 protocol tcp =

# JSON: the clear shape, the total, and the session gone (policy 2: the
# default permit's Junos index, default-policy-logical-system-00/2)
out=$(sfw clear security flow session policy 2 source-port 40053 --json) || fail "clear --json"
/usr/bin/python3 - <<PY || fail "clear JSON: $out"
import json
c = json.loads('''$out''')["clear-flow-session-information"]
assert c["total"] == 1, c
assert sum(r["conversations-removed"] for r in c["cleared"]) == 1, c
assert {r["interface-name"] for r in c["cleared"]} == {"veth0", "veth1"}, c
PY
left=("$ICMP4")
expect_show = "$ICMP4"

# abbreviated, then all
clear_expect 0 sess 987654321 =
clear_expect 1 all = "$ICMP4"
expect_eq "$(sfw show security flow session)" "Total sessions: 0" "nothing left"
expect_eq "$(sfw clear security flow session all)" "0 active sessions cleared" "clear all again"

# a cleared ping that keeps pinging comes straight back, as a new session
cli ping -e 4711 -c 1 -q 203.0.113.2 >/dev/null || fail "ping after clear"
expect_show = "$ICMP4"
echo "ok cli clear"

#!/usr/bin/env bash
# `show security flow session` in each of its views, after real ping, TCP,
# UDP and IPv6 traffic through the firewall namespace: brief (= default),
# extensive, session-identifier, summary and filtered summary, in text and
# JSON, checked against the session map read by bpftool.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
sfw attach veth0 veth1 max-sessions 65536 >/dev/null || fail "attach"
t0=$(date +%s)
start_flows
# A session's timeout counts down from 1800 since its last packet, which
# came after t0: on a loaded machine seconds pass before a listing.
fresh_timeout() {   # seconds-left
	local idle_max=$(( $(date +%s) - t0 + 1 ))
	[ "$1" -le 1800 ] && [ "$1" -ge $(( 1800 - idle_max )) ]
}

# default and brief: every flow, text and JSON alike
expect_show = "${ALL_FLOWS[@]}"
expect_show brief = "${ALL_FLOWS[@]}"
expect_show extensive = "${ALL_FLOWS[@]}"

# what every session shows, per wing, is what the map holds (the flows are
# idle now: a second listing sees the same counters)
sfw show security flow session --json >"$TMPD/all.json" || fail "show --json"
got=$(fw "$E2E/flowset.py" full "$TMPD/all.json") || fail "flowset full"
want=$(oracle | sed 's/ tcp=[^ ]* flags=[^ ]*//' | sort)
expect_eq "$got" "$want" "sessions as the CLI shows them vs the pinned map"

# one session's brief block, exactly
id80=$(awk -v f="$TCP80" '$0 ~ " "f"$" {print $1}' <(fw "$E2E/flowset.py" ids "$TMPD/all.json"))
[ -n "$id80" ] || fail "no id for $TCP80"
sfw show security flow session brief >"$TMPD/brief.txt"
block=$(grep -A2 "^Session ID: $id80," "$TMPD/brief.txt")
[[ $block =~ ^"Session ID: $id80, Policy name: default-policy-logical-system-00/2, Timeout: "([0-9]+)", Valid
  In: 198.51.100.2/40080 --> 203.0.113.2/80;tcp, Conn Tag: 0x0, If: veth0, Pkts: "[0-9]+", Bytes: "[0-9]+",
  Out: 203.0.113.2/80 --> 198.51.100.2/40080;tcp, Conn Tag: 0x0, If: veth1, Pkts: "[0-9]+", Bytes: "[0-9]+","$ ]] ||
	fail "brief block of $id80: $block"
fresh_timeout "${BASH_REMATCH[1]}" || fail "brief block of $id80: Timeout ${BASH_REMATCH[1]}"
# blocks are separated by one blank line, the total closes the listing
expect_eq "$(grep -c '^$' "$TMPD/brief.txt")" "$(( ${#ALL_FLOWS[@]} - 1 ))" "blank lines between blocks"
expect_eq "$(tail -n1 "$TMPD/brief.txt")" "Total sessions: ${#ALL_FLOWS[@]}" "brief total"

# session-identifier: the detailed block of docs/junos-layouts.md, and only that session
sfw show security flow session session-identifier "$id80" >"$TMPD/id.txt" || fail "show id"
expect_eq "$(sed -n 1p "$TMPD/id.txt")" "Session ID: $id80, Status: Normal" "id: first line"
expect_eq "$(grep -c '^Session ID:' "$TMPD/id.txt")" 1 "id: one session"
for line in "Policy name: default-policy-logical-system-00/2" \
	"Source NAT pool: Null, Application: junos-http/6" \
	"Dynamic application: junos:UNKNOWN," \
	"Session State: Valid" \
	"   In: 198.51.100.2/40080 --> 203.0.113.2/80;tcp," \
	"    Conn Tag: 0x0, Interface: veth0," \
	"   Out: 203.0.113.2/80 --> 198.51.100.2/40080;tcp," \
	"    Conn Tag: 0x0, Interface: veth1," \
	"TCP state: ESTABLISHED" \
	"Total sessions: 1"; do
	grep -qxF -- "$line" "$TMPD/id.txt" || fail "id: no line '$line' in: $(cat "$TMPD/id.txt")"
done
left=$(sed -n 's/^Maximum timeout: 1800, Current timeout: \([0-9]*\)$/\1/p' "$TMPD/id.txt")
[ -n "$left" ] && fresh_timeout "$left" || fail "id: timeouts: $(grep timeout "$TMPD/id.txt")"
grep -qE '^Start time: [0-9]+, Duration: [0-9]+$' "$TMPD/id.txt" || fail "id: start/duration"
expect_show session-identifier "$id80" = "$TCP80"
expect_show session-identifier "$id80" extensive = "$TCP80"
# an id nobody has: the total alone, exit 0, as Junos
out=$(sfw show security flow session session-identifier 18446744073709551615) || fail "unknown id: exit $?"
expect_eq "$out" "Total sessions: 0" "unknown id"
expect_show session-identifier 987654321 =

# JSON of one session: the reference's keys and values
sfw show security flow session session-identifier "$id80" --json >"$TMPD/id.json"
/usr/bin/python3 - "$TMPD/id.json" "$id80" "$(( $(date +%s) - t0 + 1 ))" <<'PY' || fail "session JSON: $(cat "$TMPD/id.json")"
import json, sys
s = json.load(open(sys.argv[1]))["flow-session-information"]["flow-session"]
assert len(s) == 1, s
s = s[0]
assert s["session-identifier"] == int(sys.argv[2])
assert (s["status"], s["policy"], s["policy-index"]) == ("Normal", "default-policy-logical-system-00", 2), s
assert s["application-name"] == "junos-http" and s["configured-timeout"] == 1800, s
assert s["sess-state"] == "Valid" and 1800 - int(sys.argv[3]) <= s["timeout"] <= 1800, s
assert isinstance(s["start-time"], int) and isinstance(s["duration"], int), s
w = {f["direction"]: f for f in s["flow-information"]}
assert (w["In"]["protocol"], w["In"]["protocol-number"]) == ("tcp", 6), w
assert (w["In"]["interface-name"], w["Out"]["interface-name"]) == ("veth0", "veth1"), w
assert w["Out"]["source-address"] == "203.0.113.2" and w["Out"]["destination-port"] == 40080, w
# the handshake: SYN (60) and ACK (52) in, SYN-ACK (60) out
assert (w["In"]["pkt-cnt"], w["In"]["byte-cnt"]) == (2, 112), w
assert (w["Out"]["pkt-cnt"], w["Out"]["byte-cnt"]) == (1, 60), w
PY

# summary: the table-wide counts, live capacity
n=${#ALL_FLOWS[@]}
expect_eq "$(sfw show security flow session summary)" "Unicast-sessions: $n
Multicast-sessions: 0
Services-offload-sessions: 0
Failed-sessions: 0
Sessions-in-drop-flow: 0
Sessions-in-use: $n
  Valid sessions: $n
  Pending sessions: 0
  Invalidated sessions: 0
  Sessions in other states: 0
Maximum-sessions: 61440" "summary (the limit: 65536 less the LRU headroom of 4096)"
sfw show security flow session summary --json >"$TMPD/sum.json"
/usr/bin/python3 - "$TMPD/sum.json" "$n" <<'PY' || fail "summary JSON: $(cat "$TMPD/sum.json")"
import json, sys
s = json.load(open(sys.argv[1]))["flow-session-summary-information"]
n = int(sys.argv[2])
assert s == {"active-unicast-sessions": n, "active-multicast-sessions": 0,
             "active-services-offload-sessions": 0, "failed-sessions": 0, "active-drop-sessions": 0,
             "active-sessions": n, "active-session-valid": n, "active-session-pending": 0,
             "active-session-invalidated": 0, "active-session-other": 0,
             "max-sessions": 61440}, s
PY
# filtered summary: the matching sessions' counts only
expect_eq "$(sfw show security flow session protocol udp summary)" "Valid sessions: 3
Pending sessions: 0
Invalidated sessions: 0
Sessions in other states: 0
Total sessions: 3" "summary protocol udp"
expect_eq "$(sfw sh sec fl sess sum fam inet6 | tail -n1)" "Total sessions: 3" "summary family inet6"
expect_eq "$(sfw show security flow session summary destination-port 9 | tail -n1)" \
	"Total sessions: 0" "summary of nothing"
/usr/bin/python3 - <<PY || fail "filtered summary JSON"
import json
s = json.loads('''$(sfw show security flow session summary protocol tcp -j)''')
s = s["flow-session-summary-information"]
assert s["active-sessions"] == 3 and s["active-session-valid"] == 3, s
PY

# the values are live: a ping renews its session (Timeout back to 60) and
# its counters grow by exactly one echo each way
cli ping -e 4711 -c 1 -q 203.0.113.2 >/dev/null || fail "ping again"
sfw show security flow session protocol icmp source-port 4711 --json >"$TMPD/p.json"
/usr/bin/python3 - "$TMPD/p.json" <<'PY' || fail "ping session after one more echo: $(cat "$TMPD/p.json")"
import json, sys
s = json.load(open(sys.argv[1]))["flow-session-information"]["flow-session"]
assert len(s) == 1, s
w = {f["direction"]: f for f in s[0]["flow-information"]}
assert s[0]["timeout"] in (59, 60), s[0]["timeout"]
assert (w["In"]["pkt-cnt"], w["In"]["byte-cnt"]) == (3, 252), w["In"]
assert (w["Out"]["pkt-cnt"], w["Out"]["byte-cnt"]) == (3, 252), w["Out"]
PY
echo "ok cli show"

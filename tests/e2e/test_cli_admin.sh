#!/usr/bin/env bash
# attach, status, reload, set and detach, in text and --json; reload swaps
# the programs and keeps every session (id and counters) with traffic
# flowing on; a CLI run from another network namespace is refused.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
out=$(sfw attach veth0 veth1 --json) || fail "attach --json"
/usr/bin/python3 - <<PY || fail "attach JSON: $out"
import json
a = json.loads('''$out''')["sfw-attach"]["interface"]
assert a == [{"name": "veth0", "result": "attached", "mode": "native"},
             {"name": "veth1", "result": "attached", "mode": "native"}], a
PY
out=$(sfw attach veth1 -j) || fail "attach again --json"
[ "$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["sfw-attach"]["interface"][0]["result"])' "$out")" = already-attached ] ||
	fail "second attach JSON: $out"

# traffic: a ping, a TCP client that keeps sending
tcp_server 80
wait_until 3 "server" listening "$SRV_NS" t 80
cli ping -e 4711 -c 2 -i 0.2 -q 203.0.113.2 >/dev/null || fail "ping"
bg_in_ns "$CLI_NS" bash -c 'while :; do echo x; sleep 0.1; done | nc -p 40080 203.0.113.2 80'
wait_until 5 "TCP established" tcp_established 40080 80

# status, text and JSON
sfw status >"$TMPD/status.txt" || fail "status"
expect_eq "$(sed -n 1,2p "$TMPD/status.txt")" "Pin root: $SFW_PIN_ROOT
Sessions: 2 in use, capacity 1048576" "status head"
grep -qE '^veth0 +native +[0-9]+ +[0-9]+$' "$TMPD/status.txt" || fail "status: $(cat "$TMPD/status.txt")"
grep -qE '^veth1 +native +[0-9]+ +[0-9]+$' "$TMPD/status.txt" || fail "status: $(cat "$TMPD/status.txt")"
prog_ids() { sfw status --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["sfw-status"]
print(" ".join("%s:%d/%d" % (i["name"], i["xdp-prog-id"], i["tc-prog-id"]) for i in s["interface"]))'; }
sfw status -j | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["sfw-status"]
assert s["pin-root"] == sys.argv[1] and s["active-sessions"] == 2 and s["max-sessions"] == 1048576, s
assert [i["name"] for i in s["interface"]] == ["veth0", "veth1"], s
assert all(i["xdp-prog-id"] > 0 and i["tc-prog-id"] > 0 for i in s["interface"]), s
' "$SFW_PIN_ROOT" || fail "status JSON"
before_ids=$(prog_ids)

# reload: new programs, same sessions (ids and counters, ping idle)
sfw show security flow session protocol icmp --json >"$TMPD/a.json"
icmp_before=$(fw "$E2E/flowset.py" full "$TMPD/a.json")
sfw show security flow session protocol tcp --json >"$TMPD/t.json"
tcp_id=$("$E2E/flowset.py" ids "$TMPD/t.json" | awk '{print $1}')
nosyn=$(counter veth0 SFW_ERR_TCP_NO_SYN)
out=$(sfw reload) || fail "reload: $out"
expect_eq "$(head -n1 <<<"$out")" "reloaded programs on 2 interfaces" "reload"
after_ids=$(prog_ids)
for i in veth0 veth1; do
	old=$(tr ' ' '\n' <<<"$before_ids" | grep "^$i:")
	new=$(tr ' ' '\n' <<<"$after_ids" | grep "^$i:")
	[ -n "$new" ] && [ "${old%%/*}" != "${new%%/*}" ] && [ "${old#*/}" != "${new#*/}" ] ||
		fail "$i: programs not swapped: $old -> $new"
done
grep -qF "$(tr ' ' '\n' <<<"$after_ids" | sed -n 1p | cut -d: -f2 | cut -d/ -f1)" <<<"$out" ||
	fail "reload does not list the new program ids: $out"
sfw show security flow session protocol icmp --json >"$TMPD/b.json"
expect_eq "$(fw "$E2E/flowset.py" full "$TMPD/b.json")" "$icmp_before" "ICMP session across reload"
# traffic after the reload lands on the same sessions
cli ping -e 4711 -c 1 -q 203.0.113.2 >/dev/null || fail "ping after reload"
sfw show security flow session protocol icmp --json >"$TMPD/c.json"
want=$(sed -E 's# in=2/168@# in=3/252@#; s# out=2/168@# out=3/252@#' <<<"$icmp_before")
expect_eq "$(fw "$E2E/flowset.py" full "$TMPD/c.json")" "$want" "ICMP session after reload and one echo"
tcp_pkts() {
	sfw show security flow session session-identifier "$tcp_id" --json |
		/usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin)["flow-session-information"]["flow-session"]; print(s[0]["flow-information"][0]["pkt-cnt"] if s else 0)'
}
p0=$(tcp_pkts)
[ "$p0" -gt 0 ] || fail "TCP session $tcp_id lost in the reload"
grows() { [ "$(tcp_pkts)" -gt "$p0" ]; }
wait_until 3 "TCP segments counted on session $tcp_id after reload" grows
expect_eq "$(counter veth0 SFW_ERR_TCP_NO_SYN)" "$nosyn" "TCP segments refused after reload"
out=$(sfw reload -j) || fail "reload --json"
/usr/bin/python3 -c '
import json, sys
r = json.loads(sys.argv[1])["sfw-reload"]
assert r["interfaces-updated"] == 2 and [i["name"] for i in r["interface"]] == ["veth0", "veth1"], r
' "$out" || fail "reload JSON: $out"

# set: text prints nothing, --json the settings in force; effective at once
out=$(sfw set security flow udp-timeout 30) || fail "set"
expect_eq "$out" "" "set output"
sfw show security flow configuration | has -x "set security flow udp-timeout 30" || fail "udp-timeout not set"
sfw show security flow status | has -x "    udp-timeout: 30" || fail "status: udp-timeout not shown"
out=$(sfw set security flow tcp-initial-timeout 15 no-syn-check --json) || fail "set --json"
/usr/bin/python3 -c '
import json, sys
c = json.loads(sys.argv[1])["flow-configuration"]
assert c["udp-timeout"] == 30 and c["tcp-initial-timeout"] == 15 and c["syn-check"] is False, c
assert c["tcp-established-timeout"] == 1800, c
' "$out" || fail "set JSON: $out"
out=$(sfw set sec fl syn-check -j) || fail "set syn-check"
/usr/bin/python3 -c 'import json,sys; assert json.loads(sys.argv[1])["flow-configuration"]["syn-check"] is True' "$out" ||
	fail "syn-check JSON: $out"
bg_in_ns "$SRV_NS" "$E2E/udp.py" serve 53
wait_until 3 "UDP server" listening "$SRV_NS" u 53
udp_send "$CLI_NS" 40053 203.0.113.2 53
sfw show security flow session protocol udp --json >"$TMPD/u.json"
/usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["flow-session-information"]["flow-session"]
assert len(s) == 1 and s[0]["configured-timeout"] == 30 and s[0]["timeout"] in (29, 30), s
' "$TMPD/u.json" || fail "UDP session with the new timeout: $(cat "$TMPD/u.json")"

# from another network namespace: refused, nothing done
n=$(oracle | wc -l)
for args in "show security flow session" "status" "clear security flow session all" \
	"clear services stateful-firewall flows" "detach veth0" "reload"; do
	out=$(cli "$SFW" $args 2>&1 >/dev/null)
	rc=$?
	expect_eq "$rc" 1 "exit code of '$args' from the client namespace"
	[[ $out == "sfw: $SFW_PIN_ROOT manages interfaces of another network namespace (net:["*"]); run sfw there, or set SFW_PIN_ROOT for a second instance" ]] ||
		fail "'$args' from the client namespace: $out"
done
expect_eq "$(oracle | wc -l)" "$n" "sessions after commands from the wrong namespace"
expect_eq "$(prog_ids | wc -w)" 2 "interfaces after commands from the wrong namespace"

# detach, text and JSON; sessions stay while an interface is attached
out=$(sfw detach veth1 --json) || fail "detach --json"
/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])["sfw-detach"]["interface"]
assert d == [{"name": "veth1", "result": "detached"}], d
' "$out" || fail "detach JSON: $out"
expect_eq "$(prog_ids | cut -d: -f1)" "veth0" "attached after detaching veth1"
expect_eq "$(oracle | wc -l)" "$n" "sessions after detaching veth1"
out=$(sfw detach all -j) || fail "detach all --json"
/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])["sfw-detach"]
assert d == {"all": True, "interfaces-detached": 1}, d
' "$out" || fail "detach all JSON: $out"
sfw show security flow session >/dev/null 2>&1 && fail "show after detach all succeeded"
echo "ok cli admin"

#!/usr/bin/env bash
# Ageing needs no daemon (docs/design.md "Ageing", "With no daemon"): with
# the session daemon killed and nothing restarting it, the kernel's own
# sweep (a BPF timer `attach` arms) ends expired sessions. SYNs from
# spoofed sources fill max-sessions; once they expire, and the dead
# daemon's figures have gone stale, the kernel walks the table, and a
# legitimate connection gets through again. `status` says which sweeps.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
T=$(mktemp -d /tmp/sfw-ksweep-XXXXXX)
cleanup() { topology_down; rm -rf "$T"; }
trap cleanup EXIT
status_json() { sfw status --json | jq -er ".\"sfw-status\".$1"; }
sessions() { status_json '"active-sessions"'; }
fewer_sessions() { [ "$(sessions)" -lt "$1" ]; }
dead() { ! kill -0 "$1" 2>/dev/null; }

topology_up
export SFW_SYSLOG_SOCKET=$T/log.sock   # none listens: the daemon starts anyway
sfw attach veth0 veth1 >/dev/null || fail "attach"
expect_eq "$(status_json '"kernel-sweep".armed')" true "status: the kernel's sweep armed"
expect_eq "$(status_json '"kernel-sweep"."period-ms"')" 1000 "status: its tick"
sfw status | has -E '^Kernel sweep: armed \(1000 ms tick; walks the table after a refused session while no session daemon sweeps\); ' ||
	fail "status text: $(sfw status)"
bg_in_ns "$SRV_NS" /usr/bin/python3 tests/e2e/lifecycle.py tcp-serve 8080
wait_for 30 "the server" srv ss -Hltn 'sport = :8080'
printf '%s\n' 'set security flow session max-sessions 200' \
	'set security flow tcp-session tcp-initial-timeout 6' \
	'set security policies default-policy permit-all' >"$T/flood.conf"
sfw commit "$T/flood.conf" >/dev/null || fail "commit max-sessions"
daemon=$(status_json '"session-daemon".pid')
[ "$daemon" -gt 0 ] 2>/dev/null || fail "no daemon after attach: $daemon"
walks=$(status_json '"kernel-sweep".walks')
sleep 2.5   # two ticks
expect_eq "$(status_json '"kernel-sweep".walks')" "$walks" "walks while the daemon sweeps"

kill -KILL "$daemon"
wait_for 30 "the daemon's death" dead "$daemon"
sfw status | has "^Session daemon: not running; the kernel's sweep ends expired sessions, " ||
	fail "status text after the kill: $(sfw status)"
# an address nobody answers for: no SYN-ACK refreshes the sessions (2 s,
# 600 SYNs at least: the table holds 200)
cli /usr/bin/python3 tests/e2e/ageing.py flood 203.0.113.99 80 2 600 || fail "flood"
refused=$(sfw show interfaces flow-statistics veth0 --json |
	jq -r '.["interface-information"]["physical-interface"][0]["flow-error-statistics"]["no-more-sessions"]')
[ "${refused:-0}" -gt 0 ] || fail "the flood never filled the table (no-more-sessions: $refused)"
expect_eq "$(sessions)" 200 "sessions after the flood"
cli nc -z -w 2 203.0.113.2 8080 && fail "a connection while the table is full of live sessions"
# 6 s to expire, and the dead daemon's figures stale after its wait and
# SFW_DAEMON_STALE_GRACE_MS (10 s): then one tick
wait_for 600 "the flood's sessions to go with no daemon" fewer_sessions 100
cli nc -z -w 5 203.0.113.2 8080 ||
	fail "a legitimate connection after the flood expired ($(sessions) sessions)"
[ "$(status_json '"kernel-sweep".walks')" -ge 1 ] || fail "status: no walk: $(sfw status)"
[ "$(status_json '"kernel-sweep"."sessions-removed"')" -ge 200 ] ||
	fail "status: the kernel's sweep removed too few: $(sfw status)"
expect_eq "$(status_json '"session-daemon".running')" false "no daemon came back"
sfw status | has -E '^Kernel sweep: armed \(1000 ms tick; walks the table after a refused session while no session daemon sweeps\); [0-9]+ walks, [0-9]+ sessions removed; last walk [0-9]+\.[0-9]{3} ms, ended [0-9]+\.[0-9] s ago$' ||
	fail "status text of the walks: $(sfw status)"

# pins an older sfw made have no sfw_ksweep (an upgrade not yet reloaded,
# whose attach loads nothing): attach warns and succeeds; reload arms it
rm "$SFW_PIN_ROOT/sfw_ksweep" || fail "remove the pin"
out=$(sfw attach veth0 2>&1) || fail "attach on pins without the kernel sweep's map: $out"
has "^sfw: warning: no map sfw_ksweep: reload sfw so that ageing needs no session daemon$" <<<"$out" ||
	fail "attach did not warn: $out"
expect_eq "$(status_json '"kernel-sweep".armed')" false "status on such pins"
sfw status | has "^Kernel sweep: not armed; expired sessions wait for the session daemon (sfw reload arms it)$" ||
	fail "status text on such pins: $(sfw status)"
sfw reload >/dev/null || fail "reload"
expect_eq "$(status_json '"kernel-sweep".armed')" true "status after reload"
echo "ageing without a daemon: ok"

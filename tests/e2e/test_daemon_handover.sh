#!/usr/bin/env bash
# The session daemon never stops for good while sfw is attached (topology in
# lib.sh): the daemon attach started stands by when one started by hand
# takes over, and takes back over when that one stops (Ctrl-C), so a source
# at its limit-session is not locked out by expired sessions; a stopped
# daemon (SIGSTOP: a frozen cgroup, a debugger) is flagged stale by status
# and replaced by the next attach; and the lock held by something that is no
# daemon is never taken for one: attach waits a moment for it, then fails
# with one line instead of starting nothing and saying ok.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
export SFW_SYSLOG_SOCKET=$DROPS_TMP/log.sock
py() { /usr/bin/python3 tests/e2e/ageing.py "$@"; }
daemons() { py daemons "$SFW" "$SFW_PIN_ROOT" | sort -n | tr '\n' ' '; }
status_json() { sfw status --json | jq -er ".\"sfw-status\".\"session-daemon\".$1"; }
started_by() { [ "$(status_json '"started-by"' 2>/dev/null)" = "$1" ]; }
pid_is() { [ "$(status_json pid 2>/dev/null)" = "$1" ]; }
is_stale() { [ "$(status_json stale 2>/dev/null)" = true ]; }
# the daemon's lock held by something that is no daemon ($!: its holder)
hold_lock() { (exec 9<"$SFW_PIN_ROOT/daemon" && flock 9 && exec sleep "$1") & }
locked() { ! flock -n "$SFW_PIN_ROOT/daemon" true; }
dead() { ! kill -0 "$1" 2>/dev/null; }
refused() { jval veth0 sfw-statistics source-session-limit; }
flows() {   # n: UDP flows from the client, each from a port of its own
	cli bash -c "for i in \$(seq $1); do echo q >/dev/udp/203.0.113.2/53; done"
}

drops_up
commit_lines 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone trust screen s' \
	'set security zones security-zone untrust interfaces veth1' \
	'set security screen ids-option s limit-session source-ip-based 3' \
	'set security flow udp-timeout 2' \
	'set security policies default-policy permit-all'
auto=$(daemons)
auto=${auto% }
[ -n "$auto" ] && [ "$auto" -gt 0 ] 2>/dev/null || fail "one daemon after attach, got '$auto'"

# taken over by hand: the attach one stands by, status names it
nsenter --net="/run/netns/$FW_NS" "$SFW" daemon stdout >/dev/null 2>"$DROPS_TMP/hand.err" &
hand=$!
BG_PIDS+=($hand)
wait_for 100 "the takeover" pid_is "$hand"
expect_eq "$(daemons)" "$(printf '%s\n' "$auto" "$hand" | sort -n | tr '\n' ' ')" \
	"the hand daemon and the one standing by"
wait_for 30 "the standby in status" test "$(status_json '"standby-pid"' 2>/dev/null)" = "$auto"
sfw status | has "^  Standing by: pid $auto, takes back over when this one stops$" ||
	fail "status text: $(sfw status)"

# Ctrl-C: the one standing by takes back over
kill -INT "$hand"
wait "$hand"
wait_for 100 "the attach daemon back" pid_is "$auto"
started_by attach || fail "status after the hand daemon stopped: $(sfw status)"
expect_eq "$(daemons)" "$auto " "daemons after the hand daemon stopped"

# so expired sessions give their counts back: three flows at the limit,
# and once they expire (udp-timeout 2) new ones pass
before=$(refused)
flows 4
expect_eq "$(( $(refused) - before ))" 1 "the fourth flow at the limit"
sleep 4
before=$(refused)
flows 3
expect_eq "$(( $(refused) - before ))" 0 "new flows once the first ones expired"

# stopped: stale in status, replaced by the next attach
sfw set security flow udp-timeout 60 >/dev/null || fail "set udp-timeout"
kill -STOP "$auto"
BG_PIDS+=($auto)
wait_for 300 "the stopped daemon to go stale" is_stale
sfw status | has -E '^  Stale: no pass for [0-9]+ s \(stopped or stuck\); the next sfw attach replaces it$' ||
	fail "status text of a stale daemon: $(sfw status)"
out=$(sfw attach veth0 2>&1 >/dev/null) || fail "attach over a stale daemon: $out"
echo "$out" | has -E "^sfw: note: the session daemon \(pid $auto, started by attach\) has not swept for [0-9]+ s: replacing it$" ||
	fail "attach did not say it replaced the stale daemon: $out"
wait_for 30 "the stale daemon's end" dead "$auto"
new=$(daemons)
[ -n "$new" ] && [ "$new" != "$auto " ] && [ "$(wc -w <<<"$new")" -eq 1 ] ||
	fail "a new daemon after attach, got '$new'"
started_by attach || fail "status after the replacement: $(sfw status)"
is_stale && fail "the new daemon is stale"

# the lock held by no daemon: status says so; attach waits for it a moment
sfw detach all >/dev/null || fail "detach all"
expect_eq "$(daemons)" "" "daemons after detach all"
sfw attach veth0 veth1 >/dev/null || fail "attach"
sfw detach all >/dev/null || fail "detach all"
mkdir -p "$SFW_PIN_ROOT/daemon"
hold_lock 1
holder=$!
wait_for 30 "the lock holder" locked
out=$(sfw attach veth0 veth1 2>&1 >/dev/null) || fail "attach after a brief lock holder: $out"
wait "$holder"
[ "$(wc -w <<<"$(daemons)")" -eq 1 ] || fail "no daemon after a brief lock holder: $(daemons)"
started_by attach || fail "status: $(sfw status)"
sfw detach all >/dev/null || fail "detach all"
# ... and fails in one line when it does not let go
mkdir -p "$SFW_PIN_ROOT/daemon"
hold_lock 30
holder=$!
BG_PIDS+=($holder)
wait_for 30 "the lock holder" locked
out=$(sfw attach veth0 veth1 2>&1 >/dev/null) && fail "attach said ok with no daemon: $out"
expect_eq "$(wc -l <<<"$out")" 1 "attach's error lines: $out"
echo "$out" | has -E "^sfw: the session daemon lock $SFW_PIN_ROOT/daemon is held by pid [0-9]+, which is no session daemon" ||
	fail "attach's error: $out"
expect_eq "$(status_json running)" false "status with the lock held by no daemon"
sfw status | has -E "^Session daemon: not running; its lock is held by pid [0-9]+, which is no session daemon" ||
	fail "status text: $(sfw status)"
kill "$holder" 2>/dev/null
echo "daemon handover: ok"

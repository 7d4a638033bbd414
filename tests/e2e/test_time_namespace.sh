#!/usr/bin/env bash
# sfw in a time namespace (red team F7; loader/clock_check.h): there
# CLOCK_MONOTONIC carries the namespace's offset and the datapath's
# bpf_ktime_get_coarse_ns does not, so a daemon started under
# `unshare --time --monotonic 100000` swept every live session as
# expired, and `clear` and `commit` judged ages by the wrong clock. Now
# every command refuses there, with one line and exit 1, before it opens
# a map: the established session made before is still in the table
# (read by bpftool, tests/e2e/sessions.py). An offset of 0 is no refusal,
# and the same commands in the host's time namespace run. Red before:
# the daemon ran and removed the session.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=timens$$}"
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

[ -e /proc/self/timens_offsets ] || fail "this kernel has no time namespaces (CONFIG_TIME_NS)"
kept() { tcp_established 40080 80 || fail "$1: the established session is gone: $(oracle)"; }
LINE() { echo "sfw: running in a time namespace (monotonic offset $1 s): the datapath's clock and this process's differ; run sfw in the host's time namespace"; }
# sfw WORDS... in a new time namespace whose CLOCK_MONOTONIC is offset by
# `offset` seconds; at most 5 s (a daemon that runs stops there), its
# stdout, stderr and exit in $TMPD/{out,err,rc}
in_timens() {   # offset words...
	local off=$1
	shift
	fw unshare --time --monotonic "$off" timeout 5 "$SFW" "$@" >"$TMPD/out" 2>"$TMPD/err"
	echo $? >"$TMPD/rc"
}
refused() {   # offset words...
	local off=$1
	in_timens "$@"
	shift
	kept "offset $off: sfw $*"
	expect_eq "$(cat "$TMPD/rc")" 1 "offset $off: sfw $*: exit ($(cat "$TMPD/err"))"
	expect_eq "$(cat "$TMPD/err")" "$(LINE "$off")" "offset $off: sfw $*: stderr"
	expect_eq "$(cat "$TMPD/out")" "" "offset $off: sfw $*: stdout"
}
daemon() { sfw status --json | jq -r ".\"sfw-status\".\"session-daemon\".$1"; }
pid_is() { [ "$(daemon pid)" = "$1" ]; }
swept() { [ "$(daemon '"sweep-passes"')" -ge 1 ]; }

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
tcp_server 80
wait_until 3 "the server" listening "$SRV_NS" t 80
tcp_open 40080 203.0.113.2 80
printf '%s\n' 'set security policies default-policy permit-all' >"$TMPD/permit.conf"

# ---- refused, the session kept ------------------------------------------------
# the daemon first: it took attach's daemon for stale (its last sweep
# 100000 s ago) and replaced it, and its first sweep judged the session
# 100000 s idle (5 s to do so)
refused 100000 daemon stdout
refused 100000 clear security flow session all
refused 100000 clear services stateful-firewall flows
refused 100000 commit "$TMPD/permit.conf"
refused 100000 show security flow session
# a negative offset may not take the clock below 0: 60 s, the machine has
# been up longer
refused -60 daemon stdout
refused -60 commit "$TMPD/permit.conf"
echo "ok refused in a time namespace, the session kept"

# ---- an offset of 0 is the host's clock ----------------------------------------
in_timens 0 show security flow session destination-port 80
expect_eq "$(cat "$TMPD/rc")" 0 "offset 0: show: exit ($(cat "$TMPD/err"))"
has '^Session ID' <"$TMPD/out" || fail "offset 0: show lists no session: $(cat "$TMPD/out")"
echo "ok offset 0"

# ---- the same commands in the host's time namespace ------------------------------
# nsenter execs sfw: $! is the daemon
nsenter --net="/run/netns/$FW_NS" "$SFW" daemon stdout >/dev/null 2>"$TMPD/hand.err" &
HAND=$!
BG_PIDS+=($HAND)
wait_for 50 "the hand daemon's takeover" pid_is "$HAND"
wait_for 50 "the hand daemon's first sweep" swept
kept "after a daemon in the host's time namespace"
kill -INT "$HAND"
out=$(sfw commit "$TMPD/permit.conf" 2>&1) || fail "commit: $out"
kept "after a commit"
out=$(sfw clear security flow session all) || fail "clear: exit $?"
has -x '[1-9][0-9]* active sessions cleared' <<<"$out" || fail "clear: $out"
tcp_established 40080 80 && fail "clear left the session: $(oracle)"
echo "ok the same commands in the host's time namespace"

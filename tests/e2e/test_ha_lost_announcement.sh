#!/usr/bin/env bash
# A session whose announcement never left the primary still reaches the
# secondary (docs/ha.md, "What the fabric lost"). conntrackd on the
# primary is down while the session starts, so the entry sfw writes for it
# raises an event nobody reads (under load its event socket may overrun
# and lose it as well). Restarted, conntrackd learns the table and
# announces none of it; the session is idle, so no refresh of
# sessions that saw traffic rewrites its entry. Only the primary's full
# refresh (every SFW_HA_FULL_REFRESH_EVERY-th refresh, ha/ha.h) does:
# without it the test fails.
set -u
cd "$(dirname "$0")/../.."
HA_SFW_CONF_EXTRA="set security flow udp-timeout 3600"
source tests/e2e/ha_lib.sh
trap ha_down EXIT

F=$HA_DIR/flows
ids() {   # node: the ids of the flow's sessions
	node_sfw "$1" show security flow session protocol udp destination-port "$HA_PORT" --json |
		jq -r '."flow-session-information"."flow-session"[]."session-identifier"' | sort -n
}
holds() { [ "$(ids "$1")" = "$2" ]; }
ctd_down() { ! in_ns fw0 conntrackd -C "$HA_DIR/fw0/run/conntrackd.conf" -s >/dev/null 2>&1; }

ha_cluster_up
mkdir -p "$F"
ha_server_up
ha_conntrackd_stop 0
wait_for 10 "conntrackd on fw0 to stop" ctd_down
t_flow=$SECONDS
in_ns cli $HA_FLOWS burst 203.0.113.2 "$HA_PORT" 1 "$F/ports" || fail "the flow"
wait_for 10 "fw0 to hold the session" test "$(ids 0 | grep -c .)" -eq 1
id=$(ids 0)
# two refresh periods (HA_REFRESH_MS, 2 s here) with no traffic: the
# refresh of sessions that saw traffic has written the entry for the last
# time, to nobody
sleep 5
ha_conntrackd_start 0
t0=$SECONDS
# the refresh period is HA_REFRESH_MS (2 s here): a full one within 12 s
wait_for 40 "fw1 to hold session $id" holds 1 "$id"
echo "unannounced session $id on fw1 $((SECONDS - t0)) s after conntrackd's restart"
# the entry written again runs out when its session would (an hour after
# its one datagram), not an hour after the pass
left=$(in_ns fw0 conntrack -L -p udp --dport "$HA_PORT" -w 65000 2>/dev/null | awk '{print $3; exit}')
idle=$((SECONDS - t_flow))
[ -n "$left" ] && [ "$left" -le $((3600 - idle + 1)) ] ||
	fail "fw0's entry has ${left:-no} s left, the session at most $((3600 - idle + 1))"
echo "fw0's entry: $left s left, the session $((3600 - idle)) s"

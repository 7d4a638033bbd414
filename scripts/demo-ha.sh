#!/usr/bin/env bash
# Two sfw nodes, one set of sessions (docs/ha.md), in network namespaces:
# a client, two firewall nodes with conntrackd and keepalived, a server.
# Shows `show chassis cluster status` on both nodes, a TCP connection
# through the virtual addresses and its session on both (synced on the
# secondary), then a failover (the primary's keepalived stopped, its links
# down) with the connection kept open, the status on both again, and the
# gap the connection saw. Tears everything down at the end.
#
#   scripts/demo-ha.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
export SFW=${1:-build}/sfw NS_PREFIX=sfw-demo-ha
source tests/e2e/ha_lib.sh
if [ "$(id -u)" -ne 0 ]; then
	echo "demo-ha: must run as root (sudo make demo-ha)" >&2
	exit 1
fi
trap ha_down EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
both() {   # sfw words...: on node0, then node1, in Junos's cluster framing
	for n in 0 1; do
		[ "$n" = 0 ] || echo
		echo "node$n:"
		printf -- '-%.0s' $(seq 74)
		echo
		node_sfw "$n" "$@" || echo "(node$n: $*: failed)"
	done
}

say "two nodes: fw0 (priority 200) and fw1 (priority 100), sfw, conntrackd and keepalived on each"
ha_cluster_up
both show chassis cluster status

F=$HA_DIR/flows
mkdir -p "$F"
ha_server_up
say "a TCP connection from the client (198.51.100.2) to the server (203.0.113.2), a message every 20 ms"
bg_in_ns cli $HA_FLOWS tcp 203.0.113.2 "$HA_PORT" 120 "$F/tcp"
wait_for 10 "the connection" test -s "$F/tcp.port"
sport=$(cat "$F/tcp.port")
wait_for 20 "fw1 to hold the session" same_session 1 tcp "$sport" "$(sess 0 tcp "$sport")"
both show security flow session protocol tcp source-port "$sport" extensive

say "failover: fw0's keepalived stops and its links go down"
ha_keepalived_stop 0
ip -n "$(ns fw0)" link set eth0 down
ip -n "$(ns fw0)" link set eth1 down
wait_for 30 "fw1 to take the virtual addresses" vip_on 1
wait_for 30 "the connection to run through fw1" tcp_counting_on 1 "$sport"
both show chassis cluster status
say "the same session carries on at fw1"
node_sfw 1 show security flow session protocol tcp source-port "$sport"
node_sfw 1 show chassis cluster statistics

touch "$F/tcp.stop"
wait_for 15 "the connection to end" test -s "$F/tcp"
say "the connection's account"
jq -r '"\(.echoed) of \(.sent) messages echoed, error: \(.error), longest gap: \(.max_gap_ms) ms"' "$F/tcp"

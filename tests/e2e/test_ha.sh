#!/usr/bin/env bash
# Two sfw nodes, one set of sessions (docs/ha.md), in the topology of
# tests/e2e/ha_lib.sh. A long-lived TCP connection, a UDP flow and pings
# run from cli to srv through the virtual addresses while:
#  1. the secondary holds each session under the primary's id, marked as
#     synced, from the mirror (TCP once established);
#  2. closes on the primary (a clear, a FIN exchange) remove the session on
#     the secondary;
#  3. failover: the primary's keepalived stops (it steps down: no longer
#     mirrors) and its links go down; the
#     secondary takes the addresses and carries the same sessions on: the
#     TCP connection sees no reset at either end and its data continues,
#     1 MB each way too (windows scaled past what conntrackd carries),
#     UDP and ICMP echoes continue; its daemon mirrors in the new role,
#     and every session it took over, an idle one too, is written into
#     the zone (a promotion again reports no write refused);
#  4. the old primary, restarted from nothing (sfw detached, conntrack
#     table flushed, daemons restarted), resyncs the sessions as secondary,
#     a flow that began after the failover too;
#  5. failback: the second node's keepalived stops, the first takes over,
#     the connection still runs, the flow begun on the second is there.
# Prints the failover gap the TCP connection saw.
set -u
cd "$(dirname "$0")/../.."
source tests/e2e/ha_lib.sh
trap ha_down EXIT

F=$HA_DIR/flows

gone() {   # node proto sport id: not there (or another session)
	[ "$(sess "$1" "$2" "$3")" != "$4" ]
}
resets() {   # ns: TCP resets received on established connections there
	in_ns "$1" nstat -saz TcpEstabResets | awk '/TcpEstabResets/ { print $2 }'
}
counting_on() { tcp_counting_on "$1" "$tsport"; }

ha_cluster_up
mkdir -p "$F"
ha_server_up
bg_in_ns cli $HA_FLOWS tcp 203.0.113.2 "$HA_PORT" 180 "$F/tcp"
bg_in_ns cli $HA_FLOWS udp 203.0.113.2 "$HA_PORT" 180 "$F/udp"
bg_logged cli "$F/ping.log" ping -n -i 0.2 -W 1 -w 180 203.0.113.2
wait_for 10 "the flows to start" test -s "$F/tcp.port" -a -s "$F/udp.port"
tsport=$(cat "$F/tcp.port")
usport=$(cat "$F/udp.port")

# 1. the mirror
wait_for 10 "the sessions on fw0" test -n "$(sess 0 udp "$usport")$(sess 0 tcp "$tsport")"
tid=$(sess 0 tcp "$tsport")
uid=$(sess 0 udp "$usport")
[ -n "$tid" ] && [ -n "$uid" ] || fail "no TCP or UDP session on fw0"
wait_for 10 "fw1 to hold the TCP session $tid" same_session 1 tcp "$tsport" "$tid"
wait_for 10 "fw1 to hold the UDP session $uid" same_session 1 udp "$usport" "$uid"
[ "$(sess 1 tcp "$tsport" '."tcp-state"')" = ESTABLISHED ] || fail "TCP state on fw1"
[ "$(sess 0 tcp "$tsport" '."synced-from-peer"')" = false ] || fail "fw0's own session marked synced"
node_sfw 1 show security flow session protocol icmp extensive | grep -q "Cluster: synced from the peer" ||
	fail "fw1 shows no synced ICMP session"
# one datagram and its echo, then idle: fw1 loads it with no reply counted
in_ns cli $HA_FLOWS udp 203.0.113.2 "$HA_PORT" 0.1 "$F/idle-udp"
isport=$(cat "$F/idle-udp.port")
iid=$(sess 0 udp "$isport")
[ -n "$iid" ] || fail "no session for the idle UDP flow on fw0"
wait_for 10 "fw1 to hold the idle UDP session $iid" same_session 1 udp "$isport" "$iid"
echo "mirror: fw1 holds sessions $tid (TCP), $uid and $iid (UDP) and the pings'"

# 2. closes on the primary
in_ns cli $HA_FLOWS udp 203.0.113.2 "$HA_PORT" 0.3 "$F/short-udp"
sport=$(cat "$F/short-udp.port")
sid=$(sess 0 udp "$sport")
[ -n "$sid" ] || fail "no session for the short UDP flow on fw0"
wait_for 10 "fw1 to hold UDP session $sid" same_session 1 udp "$sport" "$sid"
node_sfw 0 clear security flow session session-identifier "$sid" >/dev/null || fail "clear on fw0"
wait_for 10 "fw1 to drop the cleared UDP session $sid" gone 1 udp "$sport" "$sid"
in_ns cli $HA_FLOWS tcp 203.0.113.2 "$HA_PORT" 0.3 "$F/short-tcp"
sport=$(cat "$F/short-tcp.port")
sid=$(node_sfw 0 show security flow session protocol tcp source-port "$sport" --json |
	jq -r '."flow-session-information"."flow-session"[0]."session-identifier" // empty')
[ -n "$sid" ] || fail "no session for the short TCP connection on fw0"
# FINs both ways: TIME_WAIT, then its 4 s and the sweep end it on fw0
wait_for 20 "fw1 to drop the finished TCP session $sid" gone 1 tcp "$sport" "$sid"
echo "closes: a clear and a FIN exchange on fw0 removed the sessions on fw1"

# 3. failover
ha_keepalived_stop 0
ip -n "$(ns fw0)" link set eth0 down
ip -n "$(ns fw0)" link set eth1 down
wait_for 20 "fw1 to take the virtual addresses" vip_on 1
is_role 1 primary || fail "fw1 is $(role_of 1) after the failover"
wait_for 10 "fw0 to stop acting as primary" is_role 0 secondary
wait_for 20 "the TCP connection to run through fw1" counting_on 1
# a bulk exchange on the connection fw1 loaded from conntrackd's entry:
# its windows scale past 64 KB, which conntrackd's entry no longer says
touch "$F/tcp.bulk"
wait_for 20 "1 MB each way on the TCP connection through fw1" test -s "$F/tcp.bulked"
[ "$(sess 1 tcp "$tsport")" = "$tid" ] || fail "fw1 carries another TCP session"
[ "$(sess 1 udp "$usport")" = "$uid" ] || fail "fw1 carries another UDP session"
# the hook made fw1 primary; asked again, it says what its daemon and the
# kernel did: the daemon acts as primary, no session's write was refused
out=$(node_sfw 1 request chassis cluster role primary) || fail "promotion again on fw1"
echo "$out"
case $out in
*"no session daemon"* | *refused*) fail "fw1's promotion: $out" ;;
esac
# a flow that starts on fw1 reaches fw0 once it is back (step 4)
in_ns cli $HA_FLOWS udp 203.0.113.2 "$HA_PORT" 0.1 "$F/new-udp"
nsport=$(cat "$F/new-udp.port")
nid=$(sess 1 udp "$nsport")
[ -n "$nid" ] || fail "no session for the UDP flow begun on fw1"
echo "failover: fw1 primary, sessions $tid and $uid carry on there, $nid begun there"
node_sfw 1 show chassis cluster status

# 4. the old primary restarted from nothing resyncs
node_sfw 0 detach all >/dev/null || fail "detach on fw0"
ha_conntrackd_stop 0
in_ns fw0 conntrack -F >/dev/null 2>&1 || true
ip -n "$(ns fw0)" link set eth0 up
ip -n "$(ns fw0)" link set eth1 up
ha_node_up 0
wait_for 20 "fw0 to come back as secondary" is_role 0 secondary
wait_for 20 "fw0 to resync TCP session $tid" same_session 0 tcp "$tsport" "$tid"
wait_for 20 "fw0 to resync UDP session $uid" same_session 0 udp "$usport" "$uid"
wait_for 20 "fw0 to hold session $nid, begun on fw1" same_session 0 udp "$nsport" "$nid"
echo "resync: the restarted fw0 holds sessions $tid and $uid again, and $nid"

# 5. failback
ha_keepalived_stop 1
wait_for 20 "fw0 to take the virtual addresses back" vip_on 0
wait_for 20 "the TCP connection to run through fw0" counting_on 0
[ "$(sess 0 tcp "$tsport")" = "$tid" ] || fail "fw0 carries another TCP session after failback"
[ "$(sess 0 udp "$nsport")" = "$nid" ] || fail "fw0 lost session $nid, begun on fw1, at failback"
echo "failback: fw0 primary again, sessions $tid and $nid carry on"
node_sfw 0 show chassis cluster status

# the flows' own account
touch "$F/tcp.stop" "$F/udp.stop"
wait_for 15 "the flows to end" test -s "$F/tcp" -a -s "$F/udp"
pkill -INT -f "ping -n -i 0.2 -W 1 -w 180 203.0.113.2" 2>/dev/null || true
err=$(jq -r .error "$F/tcp")
[ "$err" = null ] || fail "the TCP connection ended with $err"
[ "$(jq .echoed "$F/tcp")" = "$(jq .sent "$F/tcp")" ] || fail "TCP echoes missing: $(cat "$F/tcp")"
[ "$(resets cli)" = 0 ] || fail "the client saw $(resets cli) resets"
[ "$(resets srv)" = 0 ] || fail "the server saw $(resets srv) resets"
gap=$(jq .max_gap_ms "$F/tcp")
ugap=$(jq .max_gap_ms "$F/udp")
[ "$(jq -r .error "$F/udp")" = null ] || fail "UDP: $(cat "$F/udp")"
wait_for 5 "ping to end" grep -q "packets transmitted" "$F/ping.log"
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$F/ping.log")
last=$(grep -o 'icmp_seq=[0-9]*' "$F/ping.log" | tail -n 1 | cut -d= -f2)
[ -n "$last" ] && [ "$last" -ge $((sent - 3)) ] ||
	fail "pings did not continue: the last answered of $sent was ${last:-none}"
echo "flows: TCP $(jq .echoed "$F/tcp") echoes, no reset, longest gap ${gap} ms; UDP longest gap ${ugap} ms; pings $(grep -c icmp_seq= "$F/ping.log") of $sent answered"
echo "failover gap (TCP, two failovers, the longest): ${gap} ms"

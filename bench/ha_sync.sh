#!/usr/bin/env bash
# The cluster's figures (docs/ha.md, "Measured"), in the two-node topology
# of tests/e2e/ha_lib.sh: JSON into $1.
#  - sync lag: a new UDP session through the primary until the secondary's
#    session table holds it (50 samples: median, p90, max);
#  - synced sessions/s: BURST (10,000) new sessions at once, one datagram
#    each from a raw socket, until the secondary holds them all (mirror,
#    conntrackd and replica together; the generator sends faster);
#  - mirror and load rates: the secondary, holding those sessions, made
#    primary: its load of the zone and its write of every session into it;
#  - failover gap: a TCP connection echoing every 20 ms while the primary's
#    keepalived stops and its links go down: the longest time without echo.
set -euo pipefail
OUT=${1:?usage: ha_sync OUT.json}
OUT=$(readlink -f "$OUT")
cd "$(dirname "$0")/.."
SFW=${SFW:-build/sfw}
BURST=${BURST:-10000}
NS_PREFIX=sfwb$$
source tests/e2e/ha_lib.sh
trap ha_down EXIT

ha_cluster_up
F=$HA_DIR/flows
mkdir -p "$F"
ha_server_up

# the burst's datagrams go to HA_PORT+1, where srv drops them unanswered
printf 'table inet bench {\n chain in {\n  type filter hook input priority 0; policy accept;\n  udp dport %d drop\n }\n}\n' \
	$((HA_PORT + 1)) | in_ns srv nft -f -
in_ns cli $HA_FLOWS lag 203.0.113.2 "$HA_PORT" 50 "$BURST" "/sys/fs/bpf/sfw-$NS_PREFIX-fw0" \
	"/sys/fs/bpf/sfw-$NS_PREFIX-fw1" "$F/lag.json"

# the secondary made primary: its load and its bulk write of the zone
line=$(node_sfw 1 request chassis cluster role primary)
echo "$line"
read -r loaded load_s mirrored mirror_s < <(echo "$line" |
	sed -n 's/.* \([0-9]*\) sessions loaded from the peer in \([0-9.]*\) s, \([0-9]*\) mirrored in \([0-9.]*\) s.*/\1 \2 \3 \4/p')
node_sfw 1 request chassis cluster role secondary >/dev/null

# failover gap
bg_in_ns cli $HA_FLOWS tcp 203.0.113.2 "$HA_PORT" 60 "$F/tcp"
wait_for 10 "the TCP connection" test -s "$F/tcp.port"
sport=$(cat "$F/tcp.port")
wait_for 20 "fw1 to hold the TCP session" same_session 1 tcp "$sport" "$(sess 0 tcp "$sport")"
t0=$(date +%s%N)
ha_keepalived_stop 0
ip -n "$(ns fw0)" link set eth0 down
ip -n "$(ns fw0)" link set eth1 down
wait_for 30 "fw1 to take the addresses" vip_on 1
t1=$(date +%s%N)
wait_for 30 "the connection to run through fw1" tcp_counting_on 1 "$sport"
touch "$F/tcp.stop"
wait_for 15 "the connection to end" test -s "$F/tcp"
[ "$(jq -r .error "$F/tcp")" = null ] || { echo "TCP: $(cat "$F/tcp")" >&2; exit 1; }

jq -n --slurpfile lag "$F/lag.json" --slurpfile tcp "$F/tcp" \
	--argjson loaded "${loaded:-0}" --argjson load_s "${load_s:-0}" \
	--argjson mirrored "${mirrored:-0}" --argjson mirror_s "${mirror_s:-0}" \
	--argjson takeover_ms $(((t1 - t0) / 1000000)) '
	$lag[0] + {
		promotion_loaded: $loaded, promotion_load_s: $load_s,
		loaded_sessions_per_s: (if $load_s > 0 then ($loaded / $load_s | floor) else null end),
		promotion_mirrored: $mirrored, promotion_mirror_s: $mirror_s,
		mirrored_sessions_per_s: (if $mirror_s > 0 then ($mirrored / $mirror_s | floor) else null end),
		takeover_ms: $takeover_ms,
		failover_gap_ms: $tcp[0].max_gap_ms
	}' >"$OUT"
cat "$OUT"

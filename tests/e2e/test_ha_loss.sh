#!/usr/bin/env bash
# The cluster's sync survives a lossy fabric link (docs/ha.md): with one
# packet in ten dropped at random each way on the link (an nftables rule:
# this kernel has no netem), 300 new UDP sessions on the primary all reach
# the secondary under their ids, and clearing them on the primary removes
# them all there. conntrackd's FT-FW resends what was lost; the test checks
# that the rule did drop packets, so it cannot pass on a clean link. A
# close travels once (no refresh brings it again) and the sessions' UDP
# timeout is an hour, so a lost close that nothing resends leaves its
# session on the secondary past the wait: the test fails (it does with
# conntrackd's NOTRACK mode, which does not resend).
set -u
cd "$(dirname "$0")/../.."
HA_SFW_CONF_EXTRA="set security flow udp-timeout 3600"
source tests/e2e/ha_lib.sh
trap ha_down EXIT

N=300
F=$HA_DIR/flows

ids() {   # node: the ids of the burst's sessions, sorted
	node_sfw "$1" show security flow session protocol udp destination-port "$HA_PORT" --json |
		jq -r '."flow-session-information"."flow-session"[]."session-identifier"' | sort -n
}
count() { ids "$1" | grep -c . ; }
has_all() { [ "$(count 1)" -eq "$N" ]; }
has_none() { [ "$(count 1)" -eq 0 ]; }
# What each layer holds when fw1 falls short: the kernel's table on fw1
# (conntrackd's writes), sfw's loads and refusals, conntrackd's own counts.
report() {
	local n
	for n in 0 1; do
		echo "fw$n: sfw holds $(count "$n"); kernel table: $(in_ns "fw$n" conntrack -L -p udp --dport "$HA_PORT" 2>/dev/null | grep -c .) entries" >&2
		node_sfw "$n" show chassis cluster statistics 2>&1 | sed 's/^/  /' >&2
		in_ns "fw$n" conntrackd -C "$HA_DIR/fw$n/run/conntrackd.conf" -s 2>&1 | sed 's/^/  /' >&2
	done
	comm -23 <(ids 0) <(ids 1) | head -5 | sed 's/^/  missing on fw1: /' >&2
}
wait_or_report() {   # secs what command...
	local secs=$1 what=$2 end=$((SECONDS + $1))
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || { report; fail "timed out after ${secs}s waiting for $what"; }
		sleep 0.1
	done
}
dropped() {   # n: packets the loss rule dropped on node n
	in_ns "fw$1" nft list table inet loss | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

ha_cluster_up
mkdir -p "$F"
for n in 0 1; do
	printf 'table inet loss {\n chain out {\n  type filter hook output priority 0; policy accept;\n  oifname "sync0" numgen random mod 10 0 counter drop\n }\n}\n' |
		in_ns "fw$n" nft -f - || fail "loss rule on fw$n"
done
ha_server_up
t0=$SECONDS
in_ns cli $HA_FLOWS burst 203.0.113.2 "$HA_PORT" "$N" "$F/ports" || fail "the burst"
wait_for 20 "fw0 to hold the $N sessions" test "$(count 0)" -eq "$N"
wait_or_report 60 "fw1 to hold all $N sessions" has_all
[ "$(ids 0)" = "$(ids 1)" ] || fail "fw1 holds other ids than fw0"
echo "sync: $N sessions on fw1 in $((SECONDS - t0)) s with 10% loss on the fabric"
node_sfw 0 clear security flow session protocol udp destination-port "$HA_PORT" >/dev/null ||
	fail "clear on fw0"
t0=$SECONDS
wait_or_report 60 "fw1 to drop all $N sessions" has_none
lost=$(( $(dropped 0) + $(dropped 1) ))
[ "$lost" -gt 0 ] || fail "the loss rule dropped nothing: the test proves nothing"
echo "closes: all $N removed on fw1 in $((SECONDS - t0)) s; the fabric lost $lost packets"
node_sfw 1 show chassis cluster statistics | sed -n '/Services Synchronized/,/Writes refused/p'

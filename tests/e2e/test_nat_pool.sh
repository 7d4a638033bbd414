#!/usr/bin/env bash
# source-nat pool end to end (docs/nat.md "Source pools"), through lib.sh's
# topology: the client (198.51.100.2, zone trust) reaches the server
# (203.0.113.2, zone untrust) from an address of pool P, 192.0.2.10 to
# 192.0.2.11, ports 20000..20099. The pool's addresses are not the
# firewall's and nothing answers ARP for them (no proxy-arp here:
# test_nat_proxy_arp.sh), so
# the server is given a route to the pool via the firewall's WAN address;
# it has no route back to the client's network, so only a translated
# packet can be answered at all, and its sockets name the peer they saw:
#   - nc TCP and nc UDP from one client: the server sees one address of
#     the pool for both, and ports of the pool's range;
#   - the sessions name the pool (`Source NAT pool: P`);
#   - `show security nat source pool P` (text and JSON): its hits and the
#     ports held; the summary lists the pool;
#   - clearing the sessions frees the ports.
# Run twice: with the stack forwarding (tc egress translates) and with XDP
# forwarding (XDP translates). Then pools' ids across commits: with pool
# A0 before P, deleting A0 leaves P its id, its hits and its live
# session's name, and A0 written back before P leaves the session naming
# P (ids kept by name, loader/nat_rule_ids.c); clear security nat source
# pool zeroes P's hits by that id, or every pool's with all, and so does
# clear security nat statistics.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

ports_held() {   # port reservations in the datapath (include/nat.h)
	bpftool map dump pinned "$SFW_PIN_ROOT/sfw_nat_ports" -j | jq length
}

# The peer the server's socket on port $1 ($2: -t or -u; $3: the state) saw.
server_peer() {
	srv ss -Hn "$2" state "$3" "( sport = :$1 )" | awk '$NF != "*:*" && $NF != "0.0.0.0:*" { print $NF; exit }'
}

in_pool() {   # addr:port -> 0 when of the pool's addresses and range
	local a=${1%:*} p=${1##*:}
	[[ "$a" == 192.0.2.10 || "$a" == 192.0.2.11 ]] && [ "$p" -ge 20000 ] && [ "$p" -le 20099 ]
}

one_pass() {   # label, client port base, attach words...
	local label=$1 tp=$(($2 + 80)) up=$(($2 + 53)) out tpeer upeer
	shift 2
	out=$(sfw attach veth0 veth1 "$@" 2>&1) || fail "$label: attach $*: $out"
	commit_lines \
		"set security zones security-zone trust interfaces veth0" \
		"set security zones security-zone untrust interfaces veth1" \
		"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any" \
		"set security policies from-zone trust to-zone untrust policy out then permit" \
		"set security policies default-policy deny-all" \
		"set security nat source pool P address 192.0.2.10/32 to 192.0.2.11/32" \
		"set security nat source pool P port range 20000 to 20099" \
		"set security nat source rule-set inside-out from zone trust" \
		"set security nat source rule-set inside-out to zone untrust" \
		"set security nat source rule-set inside-out rule all match source-address 198.51.100.0/24" \
		"set security nat source rule-set inside-out rule all then source-nat pool P"
	expect_eq "$(ports_held)" 0 "$label: ports held before any flow"
	tcp_server 80
	for i in $(seq 50); do srv ss -Hlnt 'sport = :80' | has . && break; sleep 0.1; done

	bg_in_ns "$CLI_NS" sh -c "sleep 4 | nc -p $tp 203.0.113.2 80"
	for i in $(seq 40); do [ -n "$(server_peer 80 -t established)" ] && break; sleep 0.1; done
	tpeer=$(server_peer 80 -t established)
	in_pool "$tpeer" || fail "$label: the TCP server's peer: '$tpeer', not of the pool"

	bg_in_ns "$SRV_NS" nc -u -l 5353
	sleep 0.3
	echo hi | cli nc -u -w 1 -p $up 203.0.113.2 5353 || true
	for i in $(seq 20); do [ -n "$(server_peer 5353 -u all)" ] && break; sleep 0.1; done
	upeer=$(server_peer 5353 -u all)
	in_pool "$upeer" || fail "$label: the UDP server's peer: '$upeer', not of the pool"
	expect_eq "${upeer%:*}" "${tpeer%:*}" "$label: one client, one address of the pool"

	out=$(sfw show security flow session nat protocol tcp)
	has -F "  Out: 203.0.113.2/80 --> ${tpeer%:*}/${tpeer##*:};tcp" <<<"$out" ||
		fail "$label: TCP session's Out wing: $out"
	out=$(sfw show security flow session nat protocol udp extensive)
	has -E "^Source NAT pool: P(,|$)" <<<"$out" || fail "$label: Source NAT pool: $out"
	expect_eq "$(ports_held)" 2 "$label: ports held by TCP and UDP"

	out=$(sfw show security nat source pool P)
	has -x "Pool name                    : P" <<<"$out" &&
		has -x "Port                         : \[20000, 20099\]" <<<"$out" &&
		has -x "Total addresses              : 2" <<<"$out" &&
		has -x "Translation hits             : 2" <<<"$out" &&
		has -E "^    192.0.2.10 - 192.0.2.11 +2 +0$" <<<"$out" || fail "$label: pool show: $out"
	out=$(sfw show security nat source pool all --json)
	expect_eq "$(jq '."source-nat-pool-detail-information"."source-nat-pool-info-entry"[0] |
		[."source-pool-translation-hits", ."source-pool-address-range"[0]."single-port"] |
		join(" ")' -r <<<"$out")" "2 2" "$label: pool show JSON: $out"
	# Junos's own reply: its JSON (leaves under "data"), its XML parsed
	out=$(sfw show security nat source pool all '|' display json)
	expect_eq "$(jq -r '.["source-nat-pool-detail-information"][0] |
		[.["total-source-nat-pools"][0]["total-source-pools"][0].data,
		 .["source-nat-pool-info-entry"][0]["address-pool-hits"][0].data] | join(" ")' \
		<<<"$out")" "1 2" "$label: | display json: $out"
	sfw show security nat source pool all '|' display xml >"$DROPS_TMP/pool.xml" ||
		fail "$label: | display xml"
	expect_eq "$(tests/e2e/junos_reply.py fields "$DROPS_TMP/pool.xml" source-nat-pool-info-entry \
		pool-name address-pool-hits single-port)" "P=2=2" \
		"$label: | display xml: $(cat "$DROPS_TMP/pool.xml")"
	out=$(sfw show security nat source summary)
	has -E "^P +192.0.2.10-192.0.2.11 +default +yes +2$" <<<"$out" || fail "$label: summary: $out"
	out=$(sfw show security nat source pool Q 2>&1) && fail "$label: an unknown pool shown: $out"
	expect_eq "$out" "sfw: source NAT pool Q is not configured" "$label: an unknown pool"

	out=$(sfw clear security flow session all 2>&1) || fail "$label: clear: $out"
	expect_eq "$(ports_held)" 0 "$label: ports held after clearing the sessions"

	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	BG_PIDS=()
	wait 2>/dev/null || true
	sfw detach all >/dev/null || fail "$label: detach"
}

# The configuration of ids_pass, with pool A0 (and its rule) before P or not.
commit_pools() {   # yes|no
	local a0=()
	[ "$1" = yes ] && a0=(
		"set security nat source pool A0 address 192.0.2.20/32"
		"set security nat source rule-set inside-out rule a0 match source-address 198.51.100.200/32"
		"set security nat source rule-set inside-out rule a0 then source-nat pool A0")
	commit_lines \
		"set security zones security-zone trust interfaces veth0" \
		"set security zones security-zone untrust interfaces veth1" \
		"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any" \
		"set security policies from-zone trust to-zone untrust policy out then permit" \
		"set security policies default-policy deny-all" \
		"${a0[@]}" \
		"set security nat source pool P address 192.0.2.10/32 to 192.0.2.11/32" \
		"set security nat source pool P port range 20000 to 20099" \
		"set security nat source rule-set inside-out from zone trust" \
		"set security nat source rule-set inside-out to zone untrust" \
		"set security nat source rule-set inside-out rule all match source-address 198.51.100.0/24" \
		"set security nat source rule-set inside-out rule all then source-nat pool P"
}

pool_p_is() {   # label, id, hits: P's show
	local out
	out=$(sfw show security nat source pool P)
	has -x "Pool id                      : $2" <<<"$out" &&
		has -x "Translation hits             : $3" <<<"$out" || fail "$1: pool show: $out"
}

session_names_p() {   # label
	local out
	out=$(sfw show security flow session nat protocol udp extensive)
	has -E "^Source NAT pool: P(,|$)" <<<"$out" || fail "$1: Source NAT pool: $out"
}

# clear security nat source pool: another pool's clear leaves P's hits,
# P's zeroes them (its session stays), an unknown pool is one line, `all`
# zeroes every pool's (P's hits counted again by a new flow first).
clear_pool_pass() {   # P's id
	local out
	out=$(sfw clear security nat source pool A0 2>&1) || fail "clear pool A0: $out"
	pool_p_is "clear: A0 cleared" "$1" 1
	out=$(sfw clear security nat source pool P 2>&1) || fail "clear pool P: $out"
	pool_p_is "clear: P cleared" "$1" 0
	session_names_p "clear: P cleared"
	out=$(sfw clear security nat source pool Q 2>&1) && fail "clear: an unknown pool cleared: $out"
	expect_eq "$out" "sfw: source NAT pool Q is not configured" "clear: an unknown pool"
	echo hi | cli nc -u -w 1 -p 24054 203.0.113.2 5353 || true
	for i in $(seq 20); do
		sfw show security nat source pool P | has -x "Translation hits             : 1" && break
		sleep 0.1
	done
	pool_p_is "clear: a new flow" "$1" 1
	out=$(sfw clear security nat source pool all 2>&1) || fail "clear pool all: $out"
	pool_p_is "clear: all cleared" "$1" 0
	# clear security nat statistics takes the pools' hits too
	echo hi | cli nc -u -w 1 -p 24055 203.0.113.2 5353 || true
	for i in $(seq 20); do
		sfw show security nat source pool P | has -x "Translation hits             : 1" && break
		sleep 0.1
	done
	pool_p_is "clear: a flow after all" "$1" 1
	out=$(sfw clear security nat statistics 2>&1) || fail "clear statistics: $out"
	pool_p_is "clear: statistics cleared" "$1" 0
	session_names_p "clear: statistics cleared"
}

# attach applies the stored configuration (P alone), so P may have its id
# from then: its id is read once A0 is before it.
ids_pass() {
	local out id
	out=$(sfw attach veth0 veth1 2>&1) || fail "ids: attach: $out"
	commit_pools yes
	id=$(sfw show security nat source pool P | awk -F' *: ' '$1 == "Pool id" { print $2 }')
	[ -n "$id" ] || fail "ids: no Pool id for P"
	bg_in_ns "$SRV_NS" nc -u -l 5353
	sleep 0.3
	echo hi | cli nc -u -w 1 -p 24053 203.0.113.2 5353 || true
	for i in $(seq 20); do [ -n "$(server_peer 5353 -u all)" ] && break; sleep 0.1; done
	in_pool "$(server_peer 5353 -u all)" || fail "ids: the UDP server's peer is not of the pool"
	pool_p_is "ids: A0 before P" "$id" 1
	session_names_p "ids: A0 before P"
	commit_pools no
	pool_p_is "ids: A0 deleted" "$id" 1
	session_names_p "ids: A0 deleted"
	commit_pools yes
	pool_p_is "ids: A0 written back" "$id" 1
	session_names_p "ids: A0 written back"
	clear_pool_pass "$id"
	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	BG_PIDS=()
	wait 2>/dev/null || true
	sfw detach all >/dev/null || fail "ids: detach"
}

trap drops_cleanup EXIT
topology_up
ip -n "$SRV_NS" route del default || fail "no default route to delete on the server"
# the pool is routed to the firewall: nothing answers ARP for it
ip -n "$SRV_NS" route add 192.0.2.10/31 via 203.0.113.1 || fail "no route to the pool"
cli ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (client)"
srv ethtool -K veth0 gro on tx off >/dev/null || fail "gro on, tx off (server)"

one_pass "stack forwarding" 22000
one_pass "XDP forwarding" 23000 forward
ids_pass
echo "PASS"

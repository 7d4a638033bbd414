#!/usr/bin/env bash
# ICMP errors pass only when they are about a live session and go back to
# the quoted packet's sender (docs/security.md "ICMP errors"), for real
# through the topology of lib.sh (veth0 in zone trust, veth1 in untrust,
# deny-all but UDP to port 5000). The server's link has a third host,
# 203.0.113.3 and 2001:db8:2::3. Once the client has a live UDP session
# with the server, errors crafted on the client's side (scapy) that quote
# the server's half of it:
#   - to the server, the quoted packet's sender, reach it (IPv4, IPv6);
#   - to the third host never do (the server's capture holds none), and
#     count as Reply without session;
#   - an ICMPv6 Packet Too Big to the server quoting its half's first
#     fragment (a Fragment header before the ports) reaches it, one quoting
#     a later fragment (no ports) never does (red team rv23, R4).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/capture_lib.sh

CLI4=198.51.100.2 CLI6=2001:db8:1::2 SRV4=203.0.113.2 SRV6=2001:db8:2::2
OTHER4=203.0.113.3 OTHER6=2001:db8:2::3
drops_up
srv ip addr add "$OTHER4/24" dev veth0 && srv ip addr add "$OTHER6/64" dev veth0 nodad ||
	fail "the third host's addresses"
commit_lines 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone untrust interfaces veth1' \
	'set applications application udp-5000 protocol udp destination-port 5000' \
	'set security policies from-zone trust to-zone untrust policy udp match source-address any destination-address any application udp-5000' \
	'set security policies from-zone trust to-zone untrust policy udp then permit' \
	'set security policies default-policy deny-all'
forge() { cli /usr/bin/python3 "$E2E/forge.py" "$@" || fail "forge.py $*"; }
no_session() {   # an sfw statistics line, text and JSON agreeing
	local j t
	j=$(jval veth0 sfw-statistics reply-without-session)
	t=$(tval veth0 '    sfw statistics' 'Reply without session:')
	[ "$j" = "$t" ] || fail "reply-without-session: JSON says '$j', text says '$t'"
	echo "$j"
}
sessions() { sfw show security flow session "$@" --json | jq '.["flow-session-information"]["flow-session"] | length'; }

forge udp "$SRV4" 5000 46000 100 + udp "$SRV6" 5000 46000 100
for _ in $(seq 50); do [ "$(sessions destination-port 5000)" = 2 ] && break; sleep 0.1; done
expect_eq "$(sessions destination-port 5000)" 2 "live UDP sessions, IPv4 and IPv6"
clear_counters
cap_start "$SRV_NS" "$DROPS_TMP/err.pcap" "(icmp or icmp6) and (src host $CLI4 or src host $CLI6)"
forge error "$OTHER4" "$SRV4" "$CLI4" 5000 46000 + error "$OTHER6" "$SRV6" "$CLI6" 5000 46000 \
	+ error "$SRV4" "$SRV4" "$CLI4" 5000 46000 + error "$SRV6" "$SRV6" "$CLI6" 5000 46000 \
	+ toobig6 "$SRV6" "$SRV6" "$CLI6" 5000 46000 16 + toobig6 "$SRV6" "$SRV6" "$CLI6" 5000 46000 0
cap_wait "$DROPS_TMP/err.pcap" "icmp and dst host $SRV4"
cap_wait "$DROPS_TMP/err.pcap" "icmp6 and dst host $SRV6 and ip6[40] == 1"
cap_wait "$DROPS_TMP/err.pcap" "icmp6 and dst host $SRV6 and ip6[40] == 2"
expect_eq "$(cap_count "$DROPS_TMP/err.pcap" "dst host $OTHER4 or dst host $OTHER6")" 0 \
	"errors the third host received"
expect_eq "$(cap_count "$DROPS_TMP/err.pcap" "icmp6 and ip6[40] == 2")" 1 \
	"Packet Too Big errors the server received (not the later fragment's)"
expect_eq "$(no_session)" 3 \
	"Reply without session: the two errors to the third host, the later fragment's"
expect_eq "$(jval veth0 sfw-statistics packets-permitted)" 3 "the errors to the sender"
expect_other_drops_zero veth0
echo "ok icmp errors: only to the quoted packet's sender"

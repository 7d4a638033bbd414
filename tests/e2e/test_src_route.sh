#!/usr/bin/env bash
# Source-routed packets never get past the policy (docs/security.md "Source
# routing"): the red team's attack with real packets. The policy refuses
# trust -> untrust (deny-all) but lets the trust zone reach the firewall's
# own DNS. A datagram addressed to the firewall, carrying an IPv4 loose or
# strict source route or an IPv6 segment routing header that names the
# server, would be judged as DNS to the firewall, and the firewall's kernel
# (accept_source_route=1, seg6_enabled=1: either is a host setting, off by
# default) would forward it to the server. sfw drops each as Source-routed
# packets: the server captures none of them, and no session opens.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

FW4=198.51.100.1 FW6=2001:db8:1::1 SRV4=203.0.113.2 SRV6=2001:db8:2::2
drops_up
commit_lines 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone trust host-inbound-traffic system-services dns' \
	'set security zones security-zone untrust interfaces veth1' \
	'set applications application marker protocol udp destination-port 9999' \
	'set security policies from-zone trust to-zone untrust policy marker match source-address any destination-address any application marker' \
	'set security policies from-zone trust to-zone untrust policy marker then permit' \
	'set security policies default-policy deny-all'
# the firewall and the server honour source routes, as the attack needs
for ns in "$FW_NS" "$SRV_NS"; do
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.accept_source_route=1 \
		net.ipv4.conf.veth0.accept_source_route=1 net.ipv6.conf.all.seg6_enabled=1 \
		net.ipv6.conf.veth0.seg6_enabled=1 || fail "sysctl in $ns"
done
fw sysctl -qw net.ipv4.conf.veth1.accept_source_route=1 net.ipv6.conf.veth1.seg6_enabled=1
# neighbours first, so that nothing waits on ARP or ND
cli ping -c1 -W1 "$FW4" >/dev/null; cli ping -6 -c1 -W1 "$FW6" >/dev/null

CAP=$DROPS_TMP/server.pcap
srv tcpdump -i veth0 -n -U -w "$CAP" "udp or (ip6 and not icmp6)" 2>"$CAP.err" &
BG_PIDS+=($!)
for _ in $(seq 100); do grep -qs "listening on" "$CAP.err" && break; sleep 0.05; done
grep -qs "listening on" "$CAP.err" || fail "tcpdump did not start: $(cat "$CAP.err")"

srcrouted() { sfw_stat "$1" source-routed-packets 'Source-routed packets:'; }
clear_counters
cli /usr/bin/python3 "$E2E/srcroute.py" lsrr "$FW4" "$SRV4" 53 || fail "send LSRR"
cli /usr/bin/python3 "$E2E/srcroute.py" ssrr "$FW4" "$SRV4" 53 || fail "send SSRR"
cli /usr/bin/python3 "$E2E/srcroute.py" srh "$FW6" "$SRV6" 53 || fail "send SRH"
# the marker: a datagram the policy lets through, after the three
cli /usr/bin/python3 "$E2E/udp.py" send 40200 "$SRV4" 9999 >/dev/null
for _ in $(seq 100); do
	[ -n "$(tcpdump -r "$CAP" -n 'udp dst port 9999' 2>/dev/null)" ] && break
	sleep 0.05
done
[ -n "$(tcpdump -r "$CAP" -n 'udp dst port 9999' 2>/dev/null)" ] ||
	fail "the marker never reached the server"
# tcpdump's udp does not look past IPv6 extension headers: the payloads say it
smuggled=$(tcpdump -r "$CAP" -n -A 2>/dev/null | grep -o '[a-z]*-smuggled' | tr '\n' ' ')
[ -z "$smuggled" ] || fail "source-routed datagrams reached the server: $smuggled"
expect_eq "$(srcrouted veth0)" 3 "veth0: Source-routed packets"
expect_eq "$(jval veth0 sfw-statistics malformed-packets)" 0 "veth0: malformed"
[ -z "$(sfw show security flow session destination-port 53 --json |
	jq -r '.["flow-session-information"]["flow-session"][]?')" ] ||
	fail "a session opened for a source-routed datagram: $(sfw show security flow session)"
echo "PASS"

#!/usr/bin/env bash
# show interfaces flow-statistics from real traffic (topology in lib.sh):
# forwarded traffic counts as Transit, traffic to and from the firewall
# host as Local; ICMP packets, Bytes permitted by policy and Connections
# established rise; deny-all raises Policy denied; a non-SYN first packet
# raises TCP first packet not SYN; clear zeroes the flow counters of one
# interface or all. Each phase starts from cleared counters, so counts are
# exact where the traffic is (ARP and neighbour discovery pass untracked and
# touch none of the counters checked).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"

# One counter from the JSON output: iface block key.
val() {
	sfw show interfaces flow-statistics "$1" --json |
		jq -er --arg b "$2" --arg k "$3" \
			'.["interface-information"]["physical-interface"][0][$b][$k]' ||
		fail "no $2/$3 for $1"
}
# The same counter from the text output: the line with that label in the
# named block; the value must start at column 41 (0-based) in flow blocks.
tval() {   # iface block-title label
	sfw show interfaces flow-statistics "$1" | awk -v t="$2" -v l="$3" '
		index($0, t) == 1 { inb = 1; next }
		inb && /^    [^ ]/ { inb = 0 }
		inb && index($0, "      " l) == 1 { print substr($0, 42); exit }'
}
clear_all() { sfw clear interfaces statistics all || fail "clear all"; }
# One line of show security flow statistics, JSON; and from the text
fstat() { sfw show security flow statistics --json | jq -er --arg k "$1" '.["flow-statistics"][$k]'; }
ftext() { sfw show security flow statistics | sed -n "s/^    $1: \([0-9]*\)$/\1/p"; }

# ---- layout and errors --------------------------------------------------
out=$(sfw show interfaces flow-statistics) || fail "show (all)"
expect_eq "$(grep '^Physical interface:' <<<"$out")" \
	"Physical interface: veth0, Enabled, Physical link is Up
Physical interface: veth1, Enabled, Physical link is Up" "interfaces in ifindex order"
expect_eq "$(grep -c '^    Security: Zone: Null$' <<<"$out")" 2 "zone before any configuration"
expect_eq "$(grep -c '^      No zone or NULL zone binding       [0-9]*$' <<<"$out")" 2 \
	"the colon-less Junos label"
# Traffic/Local/Transit: each counter right-aligned to end at column 38
expect_eq "$(grep -cE '^   (Input  bytes  |Output bytes  |Input  packets|Output packets): +[0-9]+$' \
	<<<"$out")" 24 "Traffic/Local/Transit lines"
expect_eq "$(grep -E '^   (Input |Output)' <<<"$out" | awk 'length($0) != 39' | head -3)" "" \
	"Traffic/Local/Transit counters end at column 38"
expect_eq "$(grep -c 'Allowed host-inbound traffic' <<<"$out")" 0 "no host-inbound line without zones"
err=$(sfw show interfaces flow-statistics lo 2>&1 >/dev/null)
expect_eq "$?$err" "1sfw: interface lo is not attached" "show, unattached interface"
err=$(sfw show interfaces flow-statistics nosuch0 2>&1 >/dev/null)
expect_eq "$?$err" "1sfw: interface nosuch0 does not exist" "show, unknown interface"
err=$(sfw clear interfaces statistics lo 2>&1 >/dev/null)
expect_eq "$?$err" "1sfw: interface lo is not attached" "clear, unattached interface"

# ---- transit: ping through the firewall ---------------------------------
clear_all
cli ping -c 3 -i 0.2 -q 203.0.113.2 >/dev/null || fail "ping through sfw"
expect_eq "$(val veth0 transit-statistics input-packets)" 3 "veth0 transit input packets"
expect_eq "$(val veth0 transit-statistics input-bytes)" 252 "veth0 transit input bytes"
expect_eq "$(val veth1 transit-statistics output-packets)" 3 "veth1 transit output packets"
expect_eq "$(val veth1 transit-statistics input-packets)" 3 "veth1 transit input (replies)"
expect_eq "$(val veth0 transit-statistics output-packets)" 3 "veth0 transit output (replies)"
expect_eq "$(val veth0 local-statistics input-packets)" 0 "no local input for transit"
# ICMP packets also counts IPv6 neighbour discovery and MLD, which may
# arrive at any moment and pass untracked: 3 plus at most those.
icmp=$(val veth0 flow-input-statistics icmp-packets)
untracked=$(val veth0 sfw-statistics packets-passed-untracked)
[ "$icmp" -ge 3 ] && [ "$icmp" -le $((3 + untracked)) ] ||
	fail "veth0 ICMP packets: $icmp, want 3 (+ up to $untracked untracked)"
ticmp=$(tval veth0 '    Flow Input statistics :' 'ICMP packets :')
[ -n "$ticmp" ] && [ "$ticmp" -ge "$icmp" ] || fail "ICMP packets, text: '$ticmp' (JSON $icmp)"
expect_eq "$(val veth0 flow-input-statistics self-packets)" 0 "transit is not self"
expect_eq "$(val veth0 flow-input-statistics connections-established)" 1 "one ICMP session"
expect_eq "$(val veth0 flow-input-statistics bytes-permitted-by-policy)" 252 \
	"veth0 bytes permitted"
expect_eq "$(val veth1 flow-output-statistics bytes-permitted-by-policy)" 252 \
	"veth1 output bytes permitted"
# show security flow statistics: both interfaces summed; requests and replies
# went out once each, nothing was dropped; received counts ND/ARP too
expect_eq "$(fstat packets-transmitted)" 6 "flow statistics: packets transmitted"
expect_eq "$(ftext 'Packets transmitted')" 6 "flow statistics: packets transmitted, text"
expect_eq "$(fstat packets-dropped)" 0 "flow statistics: packets dropped"
received=$(fstat packets-received)
[ "$received" -ge 6 ] || fail "flow statistics: packets received $received, want at least 6"
expect_eq "$(fstat current-sessions)" \
	"$(sfw show security flow session summary --json | jq '.["flow-session-summary-information"]["active-sessions"]')" \
	"flow statistics: current sessions = the summary's"
expect_eq "$(sfw show security flow statistics | wc -l)" 10 "flow statistics: ten lines"

# ---- local: ping to the firewall itself ---------------------------------
clear_all
cli ping -c 2 -i 0.2 -q 198.51.100.1 >/dev/null || fail "ping to the firewall"
expect_eq "$(val veth0 local-statistics input-packets)" 2 "veth0 local input packets"
expect_eq "$(val veth0 local-statistics input-bytes)" 168 "veth0 local input bytes"
expect_eq "$(val veth0 local-statistics output-packets)" 2 "veth0 local output (host replies)"
expect_eq "$(val veth0 flow-input-statistics self-packets)" 2 "self packets"
expect_eq "$(val veth0 transit-statistics input-packets)" 0 "no transit for local"

# ---- TCP through: connection, bytes -------------------------------------
clear_all
tcp_server 80
sleep 0.3
echo hello | cli nc -N -w 2 203.0.113.2 80 || fail "TCP through sfw"
expect_eq "$(val veth0 flow-input-statistics connections-established)" 1 "TCP connection"
in_bytes=$(val veth0 transit-statistics input-bytes)
[ "$in_bytes" -gt 0 ] || fail "no transit bytes for TCP"
expect_eq "$(val veth0 flow-input-statistics bytes-permitted-by-policy)" "$in_bytes" \
	"permitted bytes = transit input bytes"
expect_eq "$(val veth1 flow-output-statistics bytes-permitted-by-policy)" \
	"$(val veth1 transit-statistics output-bytes)" "veth1 permitted output = transit output"

# ---- Traffic statistics: the kernel's own counters ----------------------
kern() { fw ip -s -j link show dev "$1" | jq -er ".[0].stats64.$2.$3"; }
before=$(kern veth0 rx packets)
shown=$(val veth0 traffic-statistics input-packets)
after=$(kern veth0 rx packets)
[ "$before" -le "$shown" ] && [ "$shown" -le "$after" ] ||
	fail "Traffic input packets $shown not within the kernel's $before..$after"
before=$(kern veth1 tx bytes)
shown=$(val veth1 traffic-statistics output-bytes)
after=$(kern veth1 tx bytes)
[ "$before" -le "$shown" ] && [ "$shown" -le "$after" ] ||
	fail "Traffic output bytes $shown not within the kernel's $before..$after"

# ---- Policy denied -------------------------------------------------------
clear_all
sfw set security policies default-policy deny-all >/dev/null || fail "deny-all"
cli nc -z -w 1 203.0.113.2 80 && fail "a new connection passed deny-all"
denied=$(val veth0 flow-error-statistics policy-denied)
[ "$denied" -ge 1 ] || fail "Policy denied did not rise: $denied"
expect_eq "$(tval veth0 '    Flow error statistics' 'Policy denied:')" "$denied" "Policy denied, text"
expect_eq "$(fstat packets-dropped)" "$denied" "flow statistics: the denied packets are the drops"
expect_eq "$(val veth0 flow-input-statistics connections-established)" 0 "no connection"
sfw set security policies default-policy permit-all >/dev/null || fail "permit-all"

# ---- TCP first packet not SYN, reply without session ---------------------
clear_all
cli /usr/bin/python3 - <<'PY' || fail "scapy send"
from scapy.all import ICMP, IP, TCP, send
send(IP(src="198.51.100.2", dst="203.0.113.2")/TCP(sport=40999, dport=80, flags="A"), verbose=0)
send(IP(src="198.51.100.2", dst="203.0.113.2")/ICMP(type=0, id=4242), verbose=0)
PY
expect_eq "$(val veth0 sfw-statistics tcp-first-packet-not-syn)" 1 "TCP first packet not SYN"
expect_eq "$(tval veth0 '    sfw statistics:' 'TCP first packet not SYN:')" 1 "not SYN, text"
expect_eq "$(val veth0 sfw-statistics reply-without-session)" 1 "echo reply without session"
expect_eq "$(val veth0 transit-statistics input-packets)" 0 "dropped packets are not transit"

# ---- clear: one interface, then all -------------------------------------
cli ping -c 1 -q 203.0.113.2 >/dev/null || fail "ping"
sfw clear interfaces statistics veth0 || fail "clear veth0"
expect_eq "$(val veth0 transit-statistics input-packets)" 0 "veth0 cleared"
expect_eq "$(val veth0 sfw-statistics tcp-first-packet-not-syn)" 0 "veth0 errors cleared"
expect_eq "$(val veth1 transit-statistics output-packets)" 1 "veth1 untouched"
# the namespaces' own traffic (neighbour discovery, router solicitations)
# may arrive between the clear and the read: a counter clear leaves at
# zero reads 0 in one of three rounds, one it misses never does
for round in 1 2 3; do
	sfw clear interfaces statistics all || fail "clear all"
	total=$(sfw show interfaces flow-statistics --json | jq '[.["interface-information"]
		["physical-interface"][] | to_entries[] | select(.key != "traffic-statistics" and
		(.value | type) == "object") | .value[]] | add')
	[ "$total" = 0 ] && break
done
expect_eq "$total" 0 "every flow counter of every interface after clear all"
cli ping -c 1 -q 203.0.113.2 >/dev/null || fail "ping after clear"
expect_eq "$(val veth0 transit-statistics input-packets)" 1 "counting goes on after clear"

# ---- zones: the name in force, Null for an interface in none -------------
ZCONF=$(mktemp /tmp/sfw-fstat-XXXXXX.conf)
trap 'topology_down; rm -f "$ZCONF"' EXIT
printf '%s\n' 'set security zones security-zone trust interfaces veth0' \
	'set security zones security-zone trust host-inbound-traffic system-services [ssh ping]' \
	'set security policies default-policy permit-all' >"$ZCONF"
sfw commit "$ZCONF" >/dev/null || fail "commit zones"
expect_eq "$(sfw show interfaces flow-statistics veth0 | grep 'Security: Zone:')" \
	"    Security: Zone: trust" "zone of veth0"
expect_eq "$(sfw show interfaces flow-statistics veth0 --json |
	jq -r '.["interface-information"]["physical-interface"][0].zone')" "trust" "zone, JSON"
expect_eq "$(sfw show interfaces flow-statistics veth1 | grep 'Security: Zone:')" \
	"    Security: Zone: Null" "veth1 is in no zone"
# the zone's host-inbound-traffic, as Junos lists it, under the zone line
expect_eq "$(sfw show interfaces flow-statistics veth0 | grep -A1 'Security: Zone:')" \
	"    Security: Zone: trust
    Allowed host-inbound traffic : ping ssh" "host-inbound line of veth0"
expect_eq "$(sfw show interfaces flow-statistics veth0 --json |
	jq -c '.["interface-information"]["physical-interface"][0]["allowed-host-inbound-traffic"]')" \
	'["ping","ssh"]' "host-inbound, JSON"
expect_eq "$(sfw show interfaces flow-statistics veth1 | grep -c 'Allowed host-inbound')" 0 \
	"no host-inbound line for a zone-less interface"
clear_all
cli ping -c 1 -W 1 -q 203.0.113.2 >/dev/null && fail "ping into a zone-less interface passed"
expect_eq "$(val veth0 flow-error-statistics no-zone-or-null-zone-binding)" 1 "No zone binding"

# ---- link state ----------------------------------------------------------
cli ip link set veth0 down
expect_eq "$(sfw show interfaces flow-statistics veth0 | head -1)" \
	"Physical interface: veth0, Enabled, Physical link is Down" "peer down"
fw ip link set veth0 down
expect_eq "$(sfw show interfaces flow-statistics veth0 | head -1)" \
	"Physical interface: veth0, Disabled, Physical link is Down" "admin down"
expect_eq "$(sfw show interfaces flow-statistics veth0 --json | jq -c \
	'.["interface-information"]["physical-interface"][0] | [.["admin-status"], .["oper-status"]]')" \
	'["down","down"]' "admin and oper status, JSON"
echo "ok flow statistics"

#!/usr/bin/env bash
# Every filter of `show security flow session`, alone and combined, picks
# exactly the expected sessions out of real ping, TCP, UDP and IPv6 flows
# (text and JSON alike); filter words and values abbreviate as in Junos.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
start_flows
VETH1=$(ifindex "$FW_NS" veth1)

# protocol: by name and by number
expect_show protocol tcp = "$TCP80" "$TCP22" "$TCP6"
expect_show protocol 6 = "$TCP80" "$TCP22" "$TCP6"
expect_show protocol udp = "$DNS4" "$DNS6" "$NTP"
expect_show protocol 17 = "$DNS4" "$DNS6" "$NTP"
expect_show protocol icmp = "$ICMP4" "$HOSTPING"
expect_show protocol 1 = "$ICMP4" "$HOSTPING"
expect_show protocol icmp6 = "$ICMP6"
expect_show protocol 58 = "$ICMP6"
expect_show protocol gre =
expect_show protocol 0 =

# prefixes: the In wing's (opener's) addresses, v4 and v6, with and without length
expect_show source-prefix 198.51.100.2 = "$ICMP4" "$TCP80" "$TCP22" "$DNS4"
expect_show source-prefix 198.51.100.2/32 = "$ICMP4" "$TCP80" "$TCP22" "$DNS4"
expect_show source-prefix 198.51.100.0/24 = "$ICMP4" "$TCP80" "$TCP22" "$DNS4"
expect_show source-prefix 203.0.113.0/24 = "$NTP" "$HOSTPING"
expect_show source-prefix 203.0.113.1 = "$HOSTPING"
expect_show source-prefix 198.51.100.3 =
expect_show source-prefix 0.0.0.0/0 = "$ICMP4" "$TCP80" "$TCP22" "$DNS4" "$NTP" "$HOSTPING"
expect_show source-prefix 2001:db8:1::2 = "$ICMP6" "$TCP6" "$DNS6"
expect_show source-prefix 2001:db8:1::/64 = "$ICMP6" "$TCP6" "$DNS6"
expect_show source-prefix 2001:db8::/32 = "$ICMP6" "$TCP6" "$DNS6"
expect_show source-prefix 2001:db8:2::/48 =
expect_show source-prefix ::/0 = "$ICMP6" "$TCP6" "$DNS6"
expect_show destination-prefix 203.0.113.2 = "$ICMP4" "$TCP80" "$TCP22" "$DNS4" "$HOSTPING"
expect_show destination-prefix 203.0.113.0/25 = "$ICMP4" "$TCP80" "$TCP22" "$DNS4" "$HOSTPING"
expect_show destination-prefix 198.51.100.0/24 = "$NTP"
expect_show destination-prefix 2001:db8:2::2/128 = "$ICMP6" "$TCP6" "$DNS6"
expect_show destination-prefix 2001:db8:2::/64 = "$ICMP6" "$TCP6" "$DNS6"
expect_show destination-prefix 2001:db8:1::/64 =

# ports: the In wing's; an echo's identifier is its source port
expect_show source-port 40080 = "$TCP80"
expect_show source-port 4711 = "$ICMP4"
expect_show source-port 40123 = "$NTP"
expect_show destination-port 53 = "$DNS4" "$DNS6"
expect_show destination-port 0 = "$ICMP4" "$ICMP6" "$HOSTPING"
expect_show destination-port 443 = "$TCP6"
expect_show destination-port 40080 =

# interface: either wing; by name or index
expect_show interface veth0 = "$ICMP4" "$ICMP6" "$TCP80" "$TCP22" "$TCP6" "$DNS4" "$DNS6" "$NTP"
expect_show interface veth1 = "${ALL_FLOWS[@]}"
expect_show interface "$VETH1" = "${ALL_FLOWS[@]}"
expect_show interface lo =

# application: the predefined application of the In wing's protocol and port
expect_show application junos-http = "$TCP80"
expect_show application http = "$TCP80"
expect_show application junos-https = "$TCP6"
expect_show application junos-ssh = "$TCP22"
expect_show application dns = "$DNS4" "$DNS6"
expect_show application junos-dns-udp = "$DNS4" "$DNS6"
expect_show application junos-dns-tcp =
expect_show application junos-ntp = "$NTP"
expect_show application junos-icmp-ping = "$ICMP4" "$HOSTPING"
expect_show application junos-ping6 = "$ICMP6"

# policy: by name or index; with no configuration, forwarded traffic is
# permitted by Junos's default policy (index 2), what the host sends by
# self-traffic-policy (index 1), as Junos names and numbers them
mapfile -t forwarded < <(all_but "$HOSTPING")
expect_show policy default-policy-logical-system-00 = "${forwarded[@]}"
expect_show policy 2 = "${forwarded[@]}"
expect_show policy self-traffic-policy = "$HOSTPING"
expect_show policy 1 = "$HOSTPING"
expect_show policy 4 =
expect_show policy no-such-policy =

# family
expect_show family inet = "$ICMP4" "$HOSTPING" "$TCP80" "$TCP22" "$DNS4" "$NTP"
expect_show family inet6 = "$ICMP6" "$TCP6" "$DNS6"

# combinations: AND, in any order, with a view word anywhere
expect_show protocol tcp family inet = "$TCP80" "$TCP22"
expect_show family inet protocol tcp = "$TCP80" "$TCP22"
expect_show destination-prefix 203.0.113.0/24 protocol udp = "$DNS4"
expect_show protocol udp destination-prefix 203.0.113.0/24 extensive = "$DNS4"
expect_show protocol udp destination-port 53 family inet6 = "$DNS6"
expect_show interface veth0 source-prefix 203.0.113.2 = "$NTP"
expect_show application dns source-prefix 2001:db8:1::/64 destination-port 53 = "$DNS6"
expect_show protocol tcp destination-port 53 =
expect_show source-port 40080 destination-port 22 =
expect_show brief protocol icmp interface veth0 = "$ICMP4"

# abbreviations: every word to a unique prefix; an exact word wins (inet)
expect_show prot tcp fam inet = "$TCP80" "$TCP22"
expect_show destination-po 53 fa inet6 = "$DNS6"
expect_show source-pr 203.0.113.0/24 = "$NTP" "$HOSTPING"
expect_show in veth0 pr icmp = "$ICMP4"
expect_show app junos-ssh = "$TCP22"
# policy is exact beside policy-id (pol is ambiguous, as on Junos)
expect_show policy 2 fam inet6 ext = "$ICMP6" "$TCP6" "$DNS6"
expect_show policy-id 2 fam inet6 = "$ICMP6" "$TCP6" "$DNS6"
expect_show policy-id 1 = "$HOSTPING"
expect_show conn-tag 0 fam inet6 = "$ICMP6" "$TCP6" "$DNS6"
expect_show conn-tag 1 =
expect_show nat =
t=$TMPD/abbr.txt
sfw sh sec fl sess prot tcp >"$t" || fail "sh sec fl sess prot tcp: exit $?"
expect_eq "$("$E2E/flowset.py" text "$t")" "$(sorted_lines "$TCP80" "$TCP22" "$TCP6")" \
	"sh sec fl sess prot tcp"
sfw sh sec fl sess prot udp fam inet6 -j >"$t"
expect_eq "$("$E2E/flowset.py" json "$t")" "$DNS6" "sh sec fl sess prot udp fam inet6 -j"
sfw --json sh sec fl sess so 40123 2>/dev/null && fail "'so' is ambiguous (source-prefix, source-port)"
sfw --json sh sec fl sess source-po 40123 >"$t" || fail "source-po"
expect_eq "$("$E2E/flowset.py" json "$t")" "$NTP" "--json first, abbreviated filter"

# filtered summary counts what the same filters list
expect_eq "$(sfw show security flow session protocol udp destination-port 53 summary | tail -n1)" \
	"Total sessions: 2" "filtered summary"

# policy: a name of 63 characters (the longest configuration takes) is shown
# and matched whole, in every view and in the hit counts
LONG=trust-to-untrust-allow-monitoring-hosts-to-web-servers-over-ssh
DNS_LONG="udp 198.51.100.2/40055 203.0.113.2/53"
printf '%s\n' "set security zones security-zone trust interfaces veth0" \
	"set security zones security-zone untrust interfaces veth1" \
	"set security policies from-zone trust to-zone untrust policy $LONG match source-address any destination-address any application any" \
	"set security policies from-zone trust to-zone untrust policy $LONG then permit" \
	"set security policies default-policy permit-all" >"$TMPD/long.conf"
out=$(sfw commit "$TMPD/long.conf" 2>&1) || fail "commit $LONG: $out"
udp_send "$CLI_NS" 40055 203.0.113.2 53
expect_show policy "$LONG" = "$DNS_LONG"
expect_show policy 5671 = "$DNS_LONG"
expect_show policy "${LONG:0:31}" =
sfw show security flow session source-port 40055 | has -x "Session ID: [0-9]*, Policy name: $LONG/5671, Timeout: [0-9]*, Valid" ||
	fail "brief: $(sfw show security flow session source-port 40055)"
sfw show security flow session source-port 40055 extensive | has -x "Policy name: $LONG/5671" ||
	fail "extensive: $(sfw show security flow session source-port 40055 extensive)"
id=$(sfw show security flow session source-port 40055 -j | jq -er '.["flow-session-information"]["flow-session"][0]["session-identifier"]')
sfw show security flow session session-identifier "$id" | has -x "Policy name: $LONG/5671" ||
	fail "session-identifier: $(sfw show security flow session session-identifier "$id")"
expect_eq "$(sfw show security flow session session-identifier "$id" -j |
	jq -r '.["flow-session-information"]["flow-session"][0]["policy"]')" "$LONG" "JSON policy"
sfw show security policies hit-count | awk -v p="$LONG" '$4 == p && $5 >= 1 { f = 1 } END { exit !f }' ||
	fail "hit-count: $(sfw show security policies hit-count)"
echo "ok cli filters"

#!/usr/bin/env bash
# Real traffic through an attached firewall namespace creates the expected
# sessions, read back straight from the pinned map: ping, TCP, UDP, IPv6,
# and connections the firewall host opens itself (tc egress).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
VETH0=$(ifindex "$FW_NS" veth0)
VETH1=$(ifindex "$FW_NS" veth1)
sessions() { tests/e2e/sessions.py; }

# ICMP echo, forwarded: one session keyed on the identifier, 3 x 84 bytes each way
cli ping -c 3 -i 0.2 -q 203.0.113.2 >/dev/null || fail "ping through sfw"
line=$(sessions | grep '^1 198.51.100.2/')
[ -n "$line" ] || fail "no ICMP session: $(sessions)"
[[ $line == *" 203.0.113.2/0 in=3/252@$VETH0 out=3/252@$VETH1 "* ]] || fail "ICMP session: $line"

# TCP: a full connection, opener's wing on veth0, replies on veth1
tcp_server 80
sleep 0.3
echo hello | cli nc -N -w 2 203.0.113.2 80 || fail "TCP through sfw"
line=$(sessions | grep '^6 198.51.100.2/[0-9]* 203.0.113.2/80 ')
[ -n "$line" ] || fail "no TCP session: $(sessions)"
[[ $line == *"@$VETH0 out="*"@$VETH1 "* ]] || fail "TCP wings: $line"
[[ $line =~ tcp=(FIN_WAIT|CLOSE_WAIT|TIME_WAIT) ]] || fail "TCP state after close: $line"

# UDP
bg_in_ns "$SRV_NS" nc -u -l 203.0.113.2 5353
sleep 0.3
printf 'q' | cli nc -u -w 1 203.0.113.2 5353
line=$(sessions | grep '^17 198.51.100.2/[0-9]* 203.0.113.2/5353 ')
[[ $line == *" in=1/29@$VETH0 out=0/0@$VETH1 "* ]] || fail "UDP session (reply wing routed to veth1 before any reply): $line"

# IPv6 ping and TCP
cli ping -6 -c 2 -i 0.2 -q 2001:db8:2::2 >/dev/null || fail "ping6 through sfw"
line=$(sessions | grep '^58 2001:db8:1::2/')
[[ $line == *" 2001:db8:2::2/0 in=2/208@$VETH0 out=2/208@$VETH1 "* ]] || fail "ICMPv6 session: $line"
tcp_server 443 -6
sleep 0.3
echo hello | cli nc -N -w 2 2001:db8:2::2 443 || fail "TCP6 through sfw"
sessions | has '^6 2001:db8:1::2/[0-9]* 2001:db8:2::2/443 ' || fail "no TCP6 session: $(sessions)"

# the firewall host itself opens a connection: created at tc egress (local)
fw ping -c 2 -i 0.2 -q 203.0.113.2 >/dev/null || fail "ping from the firewall host"
line=$(sessions | grep '^1 203.0.113.1/')
[[ $line == *" in=2/168@$VETH1 out=2/168@$VETH1 "*"flags=0x"[2367]* ]] || fail "host-opened session: $line"

# a TCP segment without SYN opens nothing and is dropped (counted); the
# session daemon attach started may remove sessions meanwhile (the closed
# TCP ones time out), so what must hold is that no session is new
keys() { sessions | cut -d' ' -f1-3 | sort; }
before=$(keys)
cli /usr/bin/python3 - <<'PY' || fail "scapy send"
from scapy.all import IP, TCP, send
send(IP(src="198.51.100.2", dst="203.0.113.2")/TCP(sport=40999, dport=80, flags="A"), verbose=0)
PY
sleep 0.2
sessions | has '/40999 ' && fail "a non-SYN first packet created a session"
expect_eq "$(comm -13 <(echo "$before") <(keys))" "" "sessions new after the non-SYN"
echo "ok datapath sessions"

#!/usr/bin/env bash
# The main job, in veth namespaces: a client, a firewall running sfw on both
# of its interfaces, and a server. Sends ping, TCP, UDP and IPv6 traffic
# through the firewall, shows the sessions sfw created, and leaves the
# topology (with one long-lived TCP connection and a UDP flow) running; then
# commits interface source NAT and shows a new connection leaving from the
# firewall's address.
#
#   scripts/demo.sh [BUILD]          set up and run the demo
#   scripts/demo.sh sfw ARGS...      run sfw in the firewall namespace
#   scripts/demo.sh clean            tear everything down
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build
case "${1:-}" in
	sfw|clean) ;;
	?*) BUILD=$1; shift ;;
esac
# NS_PREFIX and SFW_PIN_ROOT may be given (tests/e2e/test_demo.sh runs a
# private copy beside a live one)
export SFW=$BUILD/sfw NS_PREFIX=${NS_PREFIX:-sfw-demo} SFW_PIN_ROOT=${SFW_PIN_ROOT:-/sys/fs/bpf/sfw}
source tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: must run as root (sudo make demo)" >&2
	exit 1
fi
case "${1:-}" in
	sfw) shift; exec nsenter --net="/run/netns/$FW_NS" "$SFW" "$@" ;;
	clean)
		topology_down
		echo "demo removed"
		exit 0 ;;
esac

if ip netns list | grep -q "^$FW_NS"; then
	echo "demo: already running; 'sudo scripts/demo.sh clean' first" >&2
	exit 1
fi
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ sfw %s\n' "$*"; sfw "$@"; }

step "topology: client 198.51.100.2 -- [veth0 sfw veth1] -- 203.0.113.2 server"
topology_up
show attach veth0 veth1
show status

step "traffic: ping, TCP (ssh and http ports), UDP, IPv6"
cli ping -c 3 -q 203.0.113.2 | tail -n 2
cli ping -6 -c 2 -q 2001:db8:2::2 | tail -n 2
bg_in_ns "$SRV_NS" nc -l 203.0.113.2 80
sleep 0.2
printf 'GET / HTTP/1.0\r\n\r\n' | cli nc -N -w 2 203.0.113.2 80 || true
bg_in_ns "$SRV_NS" nc -u -l 203.0.113.2 53
sleep 0.2
printf 'query' | cli nc -u -w 1 203.0.113.2 53 || true
bg_in_ns "$SRV_NS" nc -6 -l 2001:db8:2::2 443
sleep 0.2
printf 'hello' | cli nc -N -w 2 2001:db8:2::2 443 || true
# one connection that stays up while you explore (setsid: it outlives us;
# "clean" ends it with the namespaces)
setsid nsenter --net="/run/netns/$SRV_NS" nc -lk 203.0.113.2 22 >/dev/null 2>&1 </dev/null &
sleep 0.2
setsid nsenter --net="/run/netns/$CLI_NS" sh -c 'while sleep 5; do echo ping; done | nc 203.0.113.2 22' \
	>/dev/null 2>&1 </dev/null &
sleep 1

for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done   # the one-shot listeners

step "what sfw saw"
show show security flow session
show show security flow session protocol tcp extensive
show show security flow session summary

step "source NAT: the client's LAN leaves from the firewall's 203.0.113.1"
nat_conf=$(mktemp)
cat >"$nat_conf" <<'EOC'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies default-policy permit-all
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule lan match source-address 198.51.100.0/24
set security nat source rule-set out rule lan then source-nat interface
EOC
sed 's/^/  /' "$nat_conf"
show commit "$nat_conf"
rm -f "$nat_conf"
bg_in_ns "$SRV_NS" nc -l 203.0.113.2 8080
sleep 0.2
setsid nsenter --net="/run/netns/$CLI_NS" sh -c 'sleep 3 | nc 203.0.113.2 8080' \
	>/dev/null 2>&1 </dev/null &
sleep 0.5
printf '$ ss -tn (on the server: the client is seen from the firewall)\n'
srv ss -Htn state established '( sport = :8080 )'
show show security flow session nat
show show security nat source summary

cat <<EOT

The demo keeps running. Explore with, for example:
  sudo scripts/demo.sh sfw show security flow session destination-port 22
  sudo scripts/demo.sh sfw show security flow session family inet6 --json
  sudo scripts/demo.sh sfw clear security flow session protocol udp
  sudo scripts/demo.sh sfw show security nat source rule all
Remove it with: sudo scripts/demo.sh clean
EOT

#!/usr/bin/env bash
# The main job, in veth namespaces: a client, a firewall running sfw on both
# of its interfaces, and a server. Sends ping, TCP, UDP and IPv6 traffic
# through the firewall, shows the sessions sfw created, and leaves the
# topology (with one long-lived TCP connection and a UDP flow) running.
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
export SFW=$BUILD/sfw NS_PREFIX=sfw-demo SFW_PIN_ROOT=/sys/fs/bpf/sfw
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

cat <<EOT

The demo keeps running. Explore with, for example:
  sudo scripts/demo.sh sfw show security flow session destination-port 22
  sudo scripts/demo.sh sfw show security flow session family inet6 --json
  sudo scripts/demo.sh sfw clear security flow session protocol udp
Remove it with: sudo scripts/demo.sh clean
EOT

# A two-node sfw cluster in network namespaces, for the HA tests, the
# bench and `make demo-ha` (docs/ha.md):
#
#   cli 198.51.100.2 --- [lan bridge] ---- eth0 fw0 eth1 ---- [wan bridge] --- srv 203.0.113.2
#                                   \---- eth0 fw1 eth1 ----/
#                        fw0 sync0 192.0.2.1 <--- sync link ---> 192.0.2.2 sync0 fw1
#
# Each node has sfw attached on eth0 (zone trust) and eth1 (zone untrust),
# its own pin root, configuration and run directories, and runs conntrackd
# and keepalived with the configuration sfw generates for it, their
# sockets, locks and pid files in the node's run directory under /tmp.
# The virtual addresses 198.51.100.1 and 203.0.113.1 are the gateways of
# cli and srv; they live on whichever node is primary. VRRP's multicast
# stays on the lan bridge, inside the test's namespaces.

SFW=${SFW:-build/sfw}
SFW=$(readlink -f "$SFW")
HA_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${NS_PREFIX:=sfwh$$}"
HA_DIR=/tmp/sfw-ha-$NS_PREFIX
HA_PORT=5001
HA_FLOWS="/usr/bin/python3 $HA_REPO/tests/e2e/ha_flows.py"
BG_PIDS=()

ns() { echo "$NS_PREFIX-$1"; }
in_ns() { local n=$1; shift; nsenter --net="/run/netns/$(ns "$n")" "$@"; }
bg_in_ns() {   # ns command...: detached, remembered for cleanup
	local n=$1
	shift
	nsenter --net="/run/netns/$(ns "$n")" "$@" >/dev/null 2>&1 </dev/null &
	BG_PIDS+=($!)
}

bg_logged() {   # ns logfile command...: the same, its output kept
	local n=$1 log=$2
	shift 2
	nsenter --net="/run/netns/$(ns "$n")" "$@" >"$log" 2>&1 </dev/null &
	BG_PIDS+=($!)
}

# sfw on node N (0 or 1), with that node's roots and directories.
node_sfw() {
	local n=$1
	shift
	(
		export SFW_PIN_ROOT=/sys/fs/bpf/sfw-$NS_PREFIX-fw$n
		export SFW_CONF_DIR=$HA_DIR/fw$n/conf
		export SFW_RUN_DIR=$HA_DIR/fw$n/run
		in_ns "fw$n" "$SFW" "$@"
	)
}

fail() { echo "FAIL: $*" >&2; exit 1; }

# wait_for SECONDS what command...: until the command succeeds.
wait_for() {
	local secs=$1 what=$2 end
	shift 2
	end=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || fail "timed out after ${secs}s waiting for $what"
		sleep 0.1
	done
}

link_pair() {   # nsA ifA nsB ifB
	ip -n "$(ns "$1")" link add "$2" type veth peer name "$4" netns "$(ns "$3")"
	ip -n "$(ns "$1")" link set "$2" up
	ip -n "$(ns "$3")" link set "$4" up
}

ha_topology_up() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	for n in cli lan fw0 fw1 wan srv; do
		ip netns add "$(ns $n)"
		ip -n "$(ns $n)" link set lo up
	done
	for b in lan wan; do
		ip -n "$(ns $b)" link add br0 type bridge
		ip -n "$(ns $b)" link set br0 up
	done
	link_pair cli veth0 lan p-cli
	link_pair srv veth0 wan p-srv
	for n in 0 1; do
		link_pair "fw$n" eth0 lan "p-fw$n"
		link_pair "fw$n" eth1 wan "p-fw$n"
	done
	for p in p-cli p-fw0 p-fw1; do ip -n "$(ns lan)" link set "$p" master br0; done
	for p in p-srv p-fw0 p-fw1; do ip -n "$(ns wan)" link set "$p" master br0; done
	link_pair fw0 sync0 fw1 sync0
	ip -n "$(ns cli)" addr add 198.51.100.2/24 dev veth0
	ip -n "$(ns cli)" route add default via 198.51.100.1
	ip -n "$(ns srv)" addr add 203.0.113.2/24 dev veth0
	ip -n "$(ns srv)" route add default via 203.0.113.1
	for n in 0 1; do
		ip -n "$(ns fw$n)" addr add "198.51.100.1$n/24" dev eth0
		ip -n "$(ns fw$n)" addr add "203.0.113.1$n/24" dev eth1
		ip -n "$(ns fw$n)" addr add "192.0.2.$((n + 1))/30" dev sync0
		in_ns "fw$n" sysctl -qw net.ipv4.ip_forward=1
		# a VIP that left must not be answered for: no stray ARP replies
		in_ns "fw$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1
	done
}

# The node's cluster stanza and sfw configuration, written where its
# SFW_CONF_DIR points.
ha_node_conf() {   # n
	local n=$1 dir=$HA_DIR/fw$1
	mkdir -p "$dir/conf" "$dir/run"
	chmod 0755 "$dir/run"   # whatever the umask: sfw refuses a run directory others may write
	cat >"$dir/conf/cluster.conf" <<-EOF
	set chassis cluster cluster-id 7
	set chassis cluster node $n
	set chassis cluster redundancy-group 1 node 0 priority 200
	set chassis cluster redundancy-group 1 node 1 priority 100
	set chassis cluster redundancy-group 1 virtual-address 198.51.100.1/24 interface eth0
	set chassis cluster redundancy-group 1 virtual-address 203.0.113.1/24 interface eth1
	set chassis cluster fabric interface sync0
	set chassis cluster fabric local-address 192.0.2.$((n + 1))
	set chassis cluster fabric peer-address 192.0.2.$((2 - n))
	set chassis cluster heartbeat-interval ${HA_HEARTBEAT_MS:-1000}
	set chassis cluster refresh-interval ${HA_REFRESH_MS:-2000}
	set chassis cluster notify-script $HA_REPO/scripts/sfw-cluster-notify
	set chassis cluster conntrackd-config $dir/run/conntrackd.conf
	EOF
	cat >"$dir/sfw.conf" <<-'EOF'
	set security zones security-zone trust interfaces eth0
	set security zones security-zone trust host-inbound-traffic system-services all
	set security zones security-zone untrust interfaces eth1
	set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any
	set security policies from-zone trust to-zone untrust policy out then permit
	set security policies default-policy deny-all
	EOF
	[ -z "${HA_SFW_CONF_EXTRA:-}" ] || echo "$HA_SFW_CONF_EXTRA" >>"$dir/sfw.conf"
}

ha_conntrackd_start() {   # n
	local run=$HA_DIR/fw$1/run
	rm -f "$run/conntrackd.lock"
	bg_logged "fw$1" "$run/conntrackd.log" conntrackd -C "$run/conntrackd.conf"
	wait_for 10 "conntrackd on fw$1" in_ns "fw$1" conntrackd -C "$run/conntrackd.conf" -s
}

ha_conntrackd_stop() {   # n
	in_ns "fw$1" conntrackd -C "$HA_DIR/fw$1/run/conntrackd.conf" -k >/dev/null 2>&1 || true
}

ha_keepalived_start() {   # n
	local run=$HA_DIR/fw$1/run
	bg_logged "fw$1" "$run/keepalived.log" keepalived -n -l -G -P -f "$run/keepalived.conf" \
		-p "$run/keepalived.pid" -r "$run/vrrp.pid" -c "$run/checkers.pid"
	wait_for 10 "keepalived on fw$1" test -s "$run/vrrp.pid"
}

ha_keepalived_stop() {   # n: SIGTERM, which runs notify_stop
	local pidfile=$HA_DIR/fw$1/run/keepalived.pid pid
	pid=$(cat "$pidfile" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	wait_for 10 "keepalived on fw$1 to stop" sh -c "! kill -0 $pid"
}

# Brings node n up: sfw attached and committed, its daemons started.
ha_node_up() {   # n
	local n=$1 run=$HA_DIR/fw$1/run
	ha_node_conf "$n"
	node_sfw "$n" attach eth0 eth1 >/dev/null || fail "attach on fw$n"
	node_sfw "$n" commit "$HA_DIR/fw$n/sfw.conf" >/dev/null || fail "commit on fw$n"
	node_sfw "$n" show chassis cluster configuration conntrackd >"$run/conntrackd.conf" ||
		fail "conntrackd configuration of fw$n"
	node_sfw "$n" show chassis cluster configuration keepalived >"$run/keepalived.conf" ||
		fail "keepalived configuration of fw$n"
	ha_conntrackd_start "$n"
	ha_keepalived_start "$n"
}

role_of() {   # n: primary, secondary or disabled, as the node says
	node_sfw "$1" show chassis cluster status --json |
		jq -r --argjson n "$1" '."chassis-cluster-status"."redundancy-group"[0]."device-stats"[$n]."redundancy-group-status"'
}
is_role() { [ "$(role_of "$1")" = "$2" ]; }
vip_on() {   # n: both virtual addresses up on node n
	in_ns "fw$1" ip -o addr show dev eth0 | grep -q ' 198.51.100.1/' &&
		in_ns "fw$1" ip -o addr show dev eth1 | grep -q ' 203.0.113.1/'
}

# Both nodes up, fw0 primary with the addresses, fw1 secondary.
ha_cluster_up() {
	ha_topology_up
	ha_node_up 0
	wait_for 20 "fw0 to become primary" vip_on 0
	ha_node_up 1
	wait_for 20 "fw1 to become secondary" is_role 1 secondary
	is_role 0 primary || fail "fw0 is $(role_of 0), not primary"
}

# The echo server on srv, TCP and UDP on HA_PORT, once both are bound.
ha_server_listening() {
	in_ns srv ss -Hltn "sport = :$HA_PORT" | grep -q . &&
		in_ns srv ss -Hlun "sport = :$HA_PORT" | grep -q .
}
ha_server_up() {
	bg_in_ns srv $HA_FLOWS serve "$HA_PORT"
	wait_for 10 "the echo server" ha_server_listening
}

# The session of flow (proto, client port) on node n, as JSON (or nothing).
session_json() {   # n proto sport
	node_sfw "$1" show security flow session protocol "$2" source-port "$3" extensive --json
}

sess() {   # node proto sport [jq filter]: the session's field, or nothing
	session_json "$1" "$2" "$3" 2>/dev/null |
		jq -r ".\"flow-session-information\".\"flow-session\"[0] | ${4:-.\"session-identifier\"} | select(. != null)"
}
same_session() {   # node proto sport id: the node holds that session, synced
	[ "$(sess "$1" "$2" "$3")" = "$4" ] &&
		[ "$(sess "$1" "$2" "$3" '."synced-from-peer"')" = true ]
}
in_pkts() {   # node proto sport: In wing packets counted there
	sess "$1" "$2" "$3" '."flow-information"[0]."pkt-cnt"'
}
# A condition for wait_for, sampled over a second: the TCP session of
# client port sport counts packets on node n.
tcp_counting_on() {   # n sport
	local a b
	a=$(in_pkts "$1" tcp "$2")
	sleep 1
	b=$(in_pkts "$1" tcp "$2")
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]
}

ha_down() {
	local pid n
	for n in 0 1; do
		[ -d "/run/netns/$(ns fw$n)" ] || continue
		ha_keepalived_stop "$n" 2>/dev/null || true
		ha_conntrackd_stop "$n"
	done
	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for n in cli lan fw0 fw1 wan srv; do
		ip netns pids "$(ns $n)" 2>/dev/null | xargs -r kill 2>/dev/null || true
	done
	wait 2>/dev/null || true
	for n in 0 1; do
		if [ -d "/sys/fs/bpf/sfw-$NS_PREFIX-fw$n" ]; then
			node_sfw "$n" detach all >/dev/null 2>&1 || true
		fi
		rm -rf "/sys/fs/bpf/sfw-$NS_PREFIX-fw$n"
	done
	for n in cli lan fw0 fw1 wan srv; do ip netns del "$(ns $n)" 2>/dev/null || true; done
	case $HA_DIR in /tmp/sfw-ha-*) rm -rf "$HA_DIR" ;; esac
	return 0
}

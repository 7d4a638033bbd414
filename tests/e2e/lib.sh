# Shared by the end-to-end tests and the demo: a three-namespace topology
#
#   client ns                 firewall ns (sfw)                 server ns
#   veth0 198.51.100.2 <----> veth0 198.51.100.1
#         2001:db8:1::2             2001:db8:1::1
#                             veth1 203.0.113.1   <---->  veth0 203.0.113.2
#                                   2001:db8:2::1                2001:db8:2::2
#
# Names carry a per-run prefix so runs never collide, and every test gets its
# own pin root so it never touches a live sfw. Documentation prefixes only.

SFW=${SFW:-build/sfw}
SFW=$(readlink -f "$SFW")
: "${NS_PREFIX:=sfwt$$}"
CLI_NS=${NS_PREFIX}-cli
FW_NS=${NS_PREFIX}-fw
SRV_NS=${NS_PREFIX}-srv
export SFW_PIN_ROOT=${SFW_PIN_ROOT:-/sys/fs/bpf/sfw-${NS_PREFIX}}
# committed configurations too stay private to the run
export SFW_CONF_DIR=${SFW_CONF_DIR:-/tmp/sfw-conf-${NS_PREFIX}}
BG_PIDS=()

# Run in a namespace while still seeing the host's bpffs (ip netns exec
# would mount a fresh /sys and hide the pins).
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }
cli() { in_ns "$CLI_NS" "$@"; }
srv() { in_ns "$SRV_NS" "$@"; }
fw() { in_ns "$FW_NS" "$@"; }
sfw() { fw "$SFW" "$@"; }

topology_up() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	for ns in "$CLI_NS" "$FW_NS" "$SRV_NS"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip -n "$FW_NS" link add veth0 type veth peer name veth0 netns "$CLI_NS"
	ip -n "$FW_NS" link add veth1 type veth peer name veth0 netns "$SRV_NS"
	ip -n "$CLI_NS" addr add 198.51.100.2/24 dev veth0
	ip -n "$CLI_NS" addr add 2001:db8:1::2/64 dev veth0 nodad
	ip -n "$FW_NS" addr add 198.51.100.1/24 dev veth0
	ip -n "$FW_NS" addr add 2001:db8:1::1/64 dev veth0 nodad
	ip -n "$FW_NS" addr add 203.0.113.1/24 dev veth1
	ip -n "$FW_NS" addr add 2001:db8:2::1/64 dev veth1 nodad
	ip -n "$SRV_NS" addr add 203.0.113.2/24 dev veth0
	ip -n "$SRV_NS" addr add 2001:db8:2::2/64 dev veth0 nodad
	for ns in "$CLI_NS" "$FW_NS" "$SRV_NS"; do
		ip -n "$ns" link set veth0 up
	done
	ip -n "$FW_NS" link set veth1 up
	ip -n "$CLI_NS" route add default via 198.51.100.1
	ip -n "$CLI_NS" -6 route add default via 2001:db8:1::1
	ip -n "$SRV_NS" route add default via 203.0.113.1
	ip -n "$SRV_NS" -6 route add default via 2001:db8:2::1
	fw sysctl -qw net.ipv4.ip_forward=1
	fw sysctl -qw net.ipv6.conf.all.forwarding=1
}

topology_down() {
	local pid ns
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for ns in "$CLI_NS" "$FW_NS" "$SRV_NS"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -d "$SFW_PIN_ROOT" ]; then fw "$SFW" detach all >/dev/null 2>&1 || true; fi
	for ns in "$CLI_NS" "$FW_NS" "$SRV_NS"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$SFW_PIN_ROOT" 2>/dev/null || true
	# the daemon attach started claimed its ring under /run (cli/events/event_ring.h)
	[ -n "${SFW_RUN_DIR:-}" ] || rm -rf "/run/sfw-$(basename "$SFW_PIN_ROOT")"
	case "$SFW_CONF_DIR" in /tmp/sfw-conf-*) rm -rf "$SFW_CONF_DIR" ;; esac
	return 0
}

# Starts a command in a namespace in the background, detached from our
# output, remembered for cleanup. nsenter execs the command, so $! is it.
bg_in_ns() {   # ns command...
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@" >/dev/null 2>&1 </dev/null &
	BG_PIDS+=($!)
}

# A TCP listener in the server namespace that keeps accepting.
tcp_server() {   # port [-6]
	bg_in_ns "$SRV_NS" nc -lk ${2:-} "$1"
}

# A TCP connection from the client to the server's port: 0 when it opens
# (within 2 s), 4 when it does not.
connects() {   # port
	cli /usr/bin/python3 - "$1" <<'PY'
import socket, sys
try:
    socket.create_connection(("203.0.113.2", int(sys.argv[1])), timeout=2).close()
except OSError:
    sys.exit(4)
PY
}

ifindex() { ip -n "$1" -o link show dev "$2" | cut -d: -f1; }   # ns ifname

fail() { echo "FAIL: $*" >&2; exit 1; }
# Until the command succeeds, looking every tenth of a second, for at most
# `tenths` of them; then fails naming `what`. (ha_lib.sh and some tests
# define their own, in seconds or of another shape.)
wait_for() {   # tenths what command...
	local t=$1 what=$2
	shift 2
	while [ "$t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	fail "timed out waiting for $what"
}
# grep -q at the end of a pipeline under pipefail: grep -q exits at the
# first match, the producer's next write then dies of SIGPIPE and the
# pipeline fails although the line was there. has reads everything.
has() { grep "$@" >/dev/null; }
expect_eq() {   # got want what
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}
# `sfw attach ARGS...`, which must exit 1; prints what it said on stderr.
# In a command substitution fail ends only the subshell: `|| exit 1`.
attach_exits_1() {   # attach-args...
	local err rc
	err=$(sfw attach "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 1 ] || fail "attach $*: exit $rc ($err)"
	printf '%s' "$err"
}
# `sfw attach ARGS...` refused with exit 1 and exactly the one line want,
# leaving dev as it was: no XDP program, no tc egress filter, not listed
# by `status`.
expect_attach_refused() {   # dev want attach-args...
	local dev=$1 want=$2 err
	shift 2
	err=$(attach_exits_1 "$@") || exit 1
	expect_eq "$err" "$want" "the refusal"
	fw ip link show dev "$dev" | has xdp && fail "an XDP program on $dev: $(fw ip link show dev "$dev")"
	[ -z "$(fw tc filter show dev "$dev" egress 2>/dev/null)" ] ||
		fail "a tc egress filter on $dev: $(fw tc filter show dev "$dev" egress)"
	sfw status 2>/dev/null | has -E "^$dev " && fail "$dev listed as attached: $(sfw status)"
	return 0
}
# `sfw attach ARGS...` exits 1 for the refused device bad, and good, named
# in the same command, is attached all the same.
expect_attached_beside_refused() {   # good bad attach-args...
	local good=$1 bad=$2
	shift 2
	attach_exits_1 "$@" >/dev/null || exit 1
	sfw status | has -E "^$good " || fail "$good not attached beside the refused $bad: $(sfw status)"
	sfw status | has -E "^$bad " && fail "$bad attached: $(sfw status)"
	return 0
}

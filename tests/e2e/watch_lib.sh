# Shared by the tests of `sfw restore watch` (test_restore_watch.sh,
# test_restore_watch_rv.sh), after lib.sh: this pin root's boot record,
# the watch's output, and whether an interface is guarded.
TMPD=$(mktemp -d)
trap 'topology_down; rm -rf "$TMPD"' EXIT
# this pin root's record (not the default's: SFW_CONF_DIR/attached)
REC=$SFW_CONF_DIR/attached-$(printf '%s' "${SFW_PIN_ROOT#/}" | tr / _)
WOUT=$TMPD/watch.out

# attached, listed once, and the program status names on the link now
guarded() {   # dev
	local id
	[ "$(sfw status | grep -c "^$1 ")" = 1 ] || return 1
	id=$(sfw status | awk -v d="$1" '$1 == d && $2 == "generic" { print $3 }')
	[ -n "$id" ] && fw ip -d link show dev "$1" | has "prog/xdp id $id "
}
xdp_id() { fw ip -d link show dev "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\) .*/\1/p'; }

# The watch in the firewall's namespace, its output in $WOUT, $WPID its pid
# (nsenter execs it).
start_watch() {
	nsenter --net="/run/netns/$FW_NS" "$SFW" restore wait 0 watch >"$WOUT" 2>&1 &
	WPID=$!
	BG_PIDS+=("$WPID")
	wait_for 100 "the watch to start" grep -q '^watching:' "$WOUT"
}
stop_watch() { kill -TERM "$WPID" 2>/dev/null; wait "$WPID" 2>/dev/null; }

# veth0 in trust, veth1 in untrust, nothing permitted: the host's own
# services too are closed to the client while sfw is on veth0
commit_deny() {
	cat >"$TMPD/deny.conf" <<CONF
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies default-policy deny-all
CONF
	"$SFW" commit "$TMPD/deny.conf" >/dev/null 2>&1 || fail "commit"
}

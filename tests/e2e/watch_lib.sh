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
xdp_id() { fw ip -d link show dev "$1" 2>/dev/null | sed -n 's/.*prog\/xdp id \([0-9]*\) .*/\1/p'; }

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

# ---- the reviews' checks (test_restore_watch_rv*.sh): each section a
# defect found, run by its id (all without one); a failed one says
# "DEFECT <id>: ..." and the script goes on, exiting 1 at the end
# (each script defines want(): sections by id; check-deps reads a
# script's own functions)
DEFECTS=0
ONLY=" ${*:-} "
defect() { echo "DEFECT $*" >&2; DEFECTS=$((DEFECTS + 1)); }
defects_end() {   # name
	[ "$DEFECTS" = 0 ] || { echo "FAIL: $DEFECTS defect(s)" >&2; exit 1; }
	echo "PASS: $1"
}
# an XDP program not sfw's (another tool's), no headers needed: $TMPD/pass.o
pass_prog() {
	cat >"$TMPD/pass.c" <<'C'
__attribute__((section("xdp"), used)) int pass(void *ctx) { return 2; }
char _license[] __attribute__((section("license"), used)) = "GPL";
C
	clang -O2 -target bpf -c "$TMPD/pass.c" -o "$TMPD/pass.o" || fail "clang"
}
# a fresh start: both veths as topology_up made them, attached, recorded
fresh() {
	topology_down >/dev/null 2>&1
	topology_up
	commit_deny
	sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
}
new_veth1() {   # [ip link add args]: a veth1 made anew in the firewall
	ip -n "$FW_NS" link add veth1 "$@" type veth peer name veth0 netns "$SRV_NS"
}
# veth1 made again with another tool's XDP program on it (made in the
# server's namespace and moved in, as a container runtime does), once the
# watch has said its attach was refused
veth1_with_other_prog() {
	ip -n "$FW_NS" link del veth1
	ip -n "$SRV_NS" link add veth1 type veth peer name veth0
	ip -n "$SRV_NS" link set dev veth1 xdpgeneric obj "$TMPD/pass.o" sec xdp
	ip -n "$SRV_NS" link set veth1 netns "$FW_NS"
	wait_for 50 "the watch's try on veth1" grep -q 'veth1: another XDP program' "$WOUT"
}

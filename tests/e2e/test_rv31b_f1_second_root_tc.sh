#!/usr/bin/env bash
# Review rv31b F1: an attach that fails strips the egress filter of the
# sfw already attached there.
#
# `sfw attach IF` attaches tc first, with BPF_TC_F_REPLACE at sfw's
# handle and priority (loader/attach.c attach_tc), then XDP. When XDP
# fails (the interface already runs an XDP link: the sfw of another pin
# root, e.g. an attach run with a stray SFW_PIN_ROOT), the error path
# calls detach_tc, which deletes the filter at that handle and priority:
# the running instance's, which attach_tc had just replaced. The running
# sfw still lists the interface as attached (`sfw attach IF` again: "already
# attached, nothing changed"), but its egress check is gone: what the stack
# forwards from an interface sfw does not watch is no longer judged by the
# policies, and passes under a default deny-all.
#
# Topology (tests/e2e/lib.sh): zone trust = veth0 (NOT attached), zone
# untrust = veth1 (attached), default deny-all, no policy: a UDP datagram
# from the client is forwarded by the stack from veth0 to veth1 and refused by tc
# on veth1 (docs/security.md "Threat model", Egress).
#
# The control: the datagram is refused, and the second instance's attach
# is refused in one line, exit 1. The finding: after that refused attach,
# the datagram is still refused (fixed: loader/attach.c check_free refuses
# before touching tc when the interface runs another XDP program or holds
# another pin root's filter at sfw's handle).
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=rv31b$$}"
source tests/e2e/lib.sh
OTHER_ROOT=$SFW_PIN_ROOT-other
other() { SFW_PIN_ROOT=$OTHER_ROOT SFW_RUN_DIR=$SFW_CONF_DIR.otherrun fw "$SFW" "$@"; }
cleanup() {
	[ -d "$OTHER_ROOT" ] && other detach all >/dev/null 2>&1
	rm -rf "$OTHER_ROOT" "$SFW_CONF_DIR.otherrun" "$GOT" 2>/dev/null
	topology_down
}
trap cleanup EXIT

# One way only: a reply would meet XDP on veth1 (untrust to trust, denied),
# so what counts is whether the server receives the client's datagrams.
GOT=$SFW_CONF_DIR.got
reaches() {   # port: 0 when a UDP datagram from the client reaches the server
	local port=$1
	rm -f "$GOT"
	srv timeout 4 python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("203.0.113.2",int(sys.argv[1])))
s.settimeout(3); d=s.recv(100); open(sys.argv[2],"wb").write(d)' "$port" "$GOT" &
	local pid=$!
	sleep 0.5
	for _ in 1 2 3 4 5; do
		cli python3 -c 'import socket,sys
socket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(b"x",("203.0.113.2",int(sys.argv[1])))' "$port"
		sleep 0.2
	done
	wait "$pid"
	[ -s "$GOT" ]
}

topology_up
mkdir -p "$SFW_CONF_DIR"
cat >"$SFW_CONF_DIR/c.conf" <<'EOF'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies default-policy deny-all
EOF
out=$(sfw commit "$SFW_CONF_DIR/c.conf" 2>&1) || fail "commit: $out"
out=$(sfw attach veth1 2>&1) || fail "attach veth1: $out"
reaches 5001 && fail "control: trust to untrust forwarded under deny-all before anything"

# ---- control: a second pin root's attach of veth1 is refused ---------------
mkdir -p "$SFW_CONF_DIR.otherrun"
err=$(other attach veth1 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 1 ] || fail "control: second instance's attach: exit $rc ($err)"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "control: not one line: $err"
echo "ok rv31b F1 control (second instance refused: $err)"


# ---- F1: the running instance still judges veth1's egress --------------------
tc_id=$(sfw status --json | python3 -c 'import json,sys
print([i for i in json.load(sys.stdin)["sfw-status"]["interface"] if i["name"]=="veth1"][0]["tc-prog-id"])')
fw tc filter show dev veth1 egress | has "id $tc_id " ||
	echo "F1: sfw's tc filter (prog $tc_id) is gone from veth1: $(fw tc filter show dev veth1 egress)" >&2
out=$(sfw attach veth1 2>&1)
echo "F1: the running instance says: $out" >&2
reaches 5002 && fail "F1: after a second instance's refused attach, trust to untrust is forwarded under deny-all"
echo "ok rv31b F1"

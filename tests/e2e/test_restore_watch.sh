#!/usr/bin/env bash
# An attached interface deleted and made again (a driver reloaded, a USB
# NIC plugged in again, a VLAN, bond or veth made anew) is a new device
# with no program on it: the host behind it was open while `sfw status`
# still listed it as attached. `sfw status` now says it is deleted, an
# attach of the name drops the dead registration, and `sfw restore watch`
# (the boot unit, docs/sfw-attach.service) attaches a recorded interface
# whenever it comes back (docs/security.md "After a reboot"). The test
# shows the host open first, so it fails if the watch did nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/watch_lib.sh

topology_up
# a service of the firewall host itself, which the trust zone may not reach
bg_in_ns "$FW_NS" /usr/bin/python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.1", 2222)); s.listen(64)
while True:
    s.accept()[0].close()'
host_open() {
	cli /usr/bin/python3 -c '
import socket, sys
try: socket.create_connection(("198.51.100.1", 2222), timeout=1).close()
except OSError: sys.exit(4)'
}
for i in $(seq 50); do fw ss -Hlnt 'sport = :2222' | has . && break; sleep 0.1; done

commit_deny
host_open || fail "the host's service refused before sfw was attached"
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
host_open && fail "the host's service open while attached"

# The client's link, deleted and made again under the same name.
remake_veth0() {
	ip -n "$FW_NS" link del veth0
	ip -n "$FW_NS" link add veth0 type veth peer name veth0 netns "$CLI_NS"
	ip -n "$CLI_NS" addr add 198.51.100.2/24 dev veth0
	ip -n "$FW_NS" addr add 198.51.100.1/24 dev veth0
	ip -n "$CLI_NS" link set veth0 up
	ip -n "$FW_NS" link set veth0 up
	ip -n "$CLI_NS" route add default via 198.51.100.1
}
veth0_rows() { sfw status | grep -c '^veth0 '; }
recorded_once() { [ "$(grep -c "^interface $1 " "$REC")" = 1 ]; }

# ---- the gap: a re-made interface is open, and status says so -----------------
remake_veth0
sleep 0.5
host_open || fail "the re-made veth0 is filtered with nothing re-attaching it (the gap not shown)"
sfw status | has -xE 'veth0 +off +- +- \(not filtering: the interface was deleted or moved to another namespace\)' ||
	fail "status lists the deleted veth0 as attached: $(sfw status)"
expect_eq "$(sfw status --json | /usr/bin/python3 -c 'import json,sys
print([i["filtering"] for i in json.load(sys.stdin)["sfw-status"]["interface"] if i["name"] == "veth0"])')" \
	"[False]" "status --json: veth0 not filtering"

# ---- the watch attaches it at once, and again each time it comes back ---------
start_watch
guarded veth0 || fail "the restore did not attach the re-made veth0: $(sfw status); $(cat "$WOUT")"
host_open && fail "the host's service open after the restore"
# the dead registration went with the attach: one row, one record line
expect_eq "$(veth0_rows)" 1 "status rows for veth0 after the attach"
recorded_once veth0 || fail "the record: $(cat "$REC")"
sfw status | has 'damaged' && fail "the record is damaged: $(sfw status)"

prog_ids() { sfw status | awk -v d="$1" '$1 == d && $2 == "generic" { print $3, $4 }'; }
for round in 1 2; do
	remake_veth0
	wait_for 50 "veth0 re-attached (round $round): $(cat "$WOUT")" guarded veth0
	host_open && fail "the host's service open after veth0 came back (round $round)"
	# the programs veth1 runs, attached as they are: no load, whose
	# verification kept the new veth0 open most of a second
	expect_eq "$(prog_ids veth0)" "$(prog_ids veth1)" "veth0's programs (round $round)"
done
# (a look may also catch a veth0 on its way out, whose attach then fails:
# only the outcome is counted)
# ---- a name given to another device (a rename) is followed ---------------------
ip -n "$FW_NS" link del veth1
ip -n "$FW_NS" link add new1 type veth peer name veth0 netns "$SRV_NS"
sleep 0.5
has '^new1' <(sfw status) && fail "the watch attached an interface not recorded"
ip -n "$FW_NS" link set new1 name veth1
wait_for 50 "veth1 attached once renamed to it: $(cat "$WOUT")" guarded veth1

# ---- what detach took out is not attached again ---------------------------------
sfw detach veth1 >/dev/null || fail "detach veth1"
ip -n "$FW_NS" link del veth1
ip -n "$FW_NS" link add veth1 type veth peer name veth0 netns "$SRV_NS"
sleep 1
sfw status | has '^veth1 ' && fail "the watch attached the detached veth1: $(sfw status)"

# ---- a device it cannot attach is tried once, not at every link's change -------
sfw attach veth1 mode generic >/dev/null || fail "attach veth1 again"
ip -n "$FW_NS" link del veth1
fw ip tuntap add dev veth1 mode tun || fail "tun device"
wait_for 50 "the watch's try on the tun veth1" grep -q 'veth1: not an Ethernet interface' "$WOUT"
for i in 1 2 3; do
	fw ip link set veth1 up; fw ip link set veth1 down
	fw ip link set veth1 mtu $((1400 + i))
done
sleep 1
expect_eq "$(grep -c 'veth1: not an Ethernet interface' "$WOUT")" 1 "tries on the tun veth1"
fw ip link del veth1
ip -n "$FW_NS" link add veth1 type veth peer name veth0 netns "$SRV_NS"
wait_for 50 "veth1 attached once an Ethernet device again: $(cat "$WOUT")" guarded veth1

# ---- a detach between the watch's look and its attach wins ----------------------
# The watch's attach waits for the lock: detach's removal of the line is
# played under it, and the attach that then gets the lock must not put
# veth0 back.
# (-o: the lock is flock's own, gone when it is killed)
flock -o "$SFW_PIN_ROOT" sleep 60 &
LK=$!
# held by this flock, not by the watch's last attach or the daemon's look
# (a waiter's line has "->" after the number)
lock_mine() { has -E "^[0-9]+: FLOCK +ADVISORY +WRITE +$LK [0-9a-f]+:[0-9a-f]+:$(stat -c %i "$SFW_PIN_ROOT") " /proc/locks; }
wait_for 50 "the test's hold of the lock" lock_mine
looks=$(grep -c '^veth0: there' "$WOUT")
looked_again() { [ "$(grep -c '^veth0: there' "$WOUT")" -gt "$looks" ]; }
remake_veth0
wait_for 50 "the watch's look at veth0" looked_again
sed -i '/^interface veth0 /d' "$REC"
pkill -P "$LK" sleep   # flock then ends, and its lock with it
wait "$LK"
wait_for 50 "the watch to give veth0 up: $(cat "$WOUT")" grep -q '^sfw: veth0: detached meanwhile: not attached again$' "$WOUT"
guarded veth0 && fail "the watch attached veth0 after it left the record"
host_open || fail "veth0, detached, is not what the host's service is behind (test broken)"

# ---- systemd: READY=1 is the watch's own; SIGTERM ends it, exit 0 --------------
kill -TERM "$WPID"
wait "$WPID"
expect_eq "$?" 0 "the watch's exit on SIGTERM"
# veth0 recorded and not attached, no session daemon: the watch's restore
# attaches veth0 and starts one, which must not take the watch's socket
# for its own
sfw detach all >/dev/null || fail "detach all"
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach both again"
dpid=$(sfw status --json | /usr/bin/python3 -c \
	'import json,sys; print(json.load(sys.stdin)["sfw-status"]["session-daemon"].get("pid", ""))')
kill -TERM "$dpid"
wait_for 50 "the daemon to stop" bash -c "! kill -0 $dpid"
remake_veth0
/usr/bin/python3 - "$TMPD/notify" >"$TMPD/notified" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(20)
print(s.recv(256).decode(), flush=True)
PY
NPID=$!
for i in $(seq 50); do [ -S "$TMPD/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$TMPD/notify nsenter --net="/run/netns/$FW_NS" "$SFW" restore wait 0 watch \
	>"$WOUT" 2>&1 &
WPID=$!
BG_PIDS+=("$WPID")
wait "$NPID"
expect_eq "$(cat "$TMPD/notified")" "READY=1" "the watch's readiness"
dpid=$(sfw status --json | /usr/bin/python3 -c \
	'import json,sys; print(json.load(sys.stdin)["sfw-status"]["session-daemon"].get("pid", ""))')
[ -n "$dpid" ] || fail "no session daemon"
tr '\0' '\n' <"/proc/$dpid/environ" | has '^NOTIFY_SOCKET=' &&
	fail "the session daemon inherited the watch's NOTIFY_SOCKET"
# (blocked while the watch attaches, a mask an exec keeps: the daemon's
# would never end on SIGTERM)
expect_eq "$(sed -n 's/^SigBlk:\t//p' "/proc/$dpid/status")" 0000000000000000 \
	"the session daemon's blocked signals"
kill -TERM "$WPID"; wait "$WPID"

out=$(sfw restore watch --json 2>&1)
expect_eq "$?" 2 "restore watch --json: exit"
expect_eq "$out" "sfw: restore watch prints a line as each interface comes back: no --json" \
	"restore watch --json"
echo "PASS: test_restore_watch"

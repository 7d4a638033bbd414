#!/usr/bin/env bash
# A session daemon started by hand in another network namespace than the
# interfaces sfw is attached to (same pins: bpffs is shared) sweeps the
# sessions, but follows neither that namespace's addresses nor its routes:
# the map of the host's own addresses (include/local_addr.h), which tc
# egress trusts for "the host's own packet", keeps the firewall
# namespace's, and the daemon says why in one line (review rv29, F5).
# Without the check it made the map the server namespace's addresses.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

MAP=$SFW_PIN_ROOT/sfw_local_addrs
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; topology_down' EXIT

key_of() {   # struct sfw_local_addr_key as bpftool's hex bytes
	/usr/bin/python3 -c '
import ipaddress, sys
a = ipaddress.ip_address(sys.argv[1])
b = a.packed.ljust(16, b"\0") + bytes([a.version, 0, 0, 0])
print(" ".join("%02x" % x for x in b))' "$1"
}
held() { bpftool map lookup pinned "$MAP" key hex $(key_of "$1") >/dev/null 2>&1; }
said() { grep -q "another network namespace" "$TMP/foreign.err"; }

topology_up
sfw attach veth0 >/dev/null || fail "attach veth0"
sfw attach veth1 >/dev/null || fail "attach veth1"
held 203.0.113.1 || fail "attach did not fill $MAP with the firewall's 203.0.113.1"

# by hand, in the server's namespace: it takes over from the attach daemon
nsenter --net="/run/netns/$SRV_NS" "$SFW" daemon stdout >/dev/null 2>"$TMP/foreign.err" &
foreign=$!
BG_PIDS+=($foreign)
wait_for 50 "the foreign daemon's one line" said
kill -0 "$foreign" 2>/dev/null || fail "the foreign daemon stopped: $(cat "$TMP/foreign.err")"
[ "$(grep -c "another network namespace" "$TMP/foreign.err")" -eq 1 ] || fail "not one line: $(cat "$TMP/foreign.err")"
sleep 1
held 203.0.113.1 || fail "the firewall's 203.0.113.1 left $MAP"
held 203.0.113.2 && fail "the server namespace's 203.0.113.2 is in $MAP"
ip -n "$SRV_NS" addr add 192.0.2.77/32 dev veth0
sleep 1
held 192.0.2.77 && fail "an address added in the server's namespace is in $MAP"
kill -INT "$foreign"
echo "PASS: test_daemon_netns"

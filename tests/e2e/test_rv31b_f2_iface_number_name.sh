#!/usr/bin/env bash
# Review rv31b F2: the `interface` filter of show / clear / clear services
# reads a word of digits as an interface index before it tries it as a
# name (cli/core/values.c parse_iface: parse_dec first, if_nametoindex
# only when that fails). Linux interface names may be all digits (`ip link
# add name 2 type veth ...`, a renamed port), and `sfw attach 2` attaches
# the interface NAMED 2 (if_nametoindex), so for such an interface
# `sfw clear security flow session interface 2` clears the sessions of
# whatever interface has INDEX 2 (another one), and leaves the named
# interface's sessions: sessions the operator did not ask to clear are
# lost, and the ones asked for stay. `show ... interface 2` shows the
# wrong interface's sessions the same way.
#
# Setup (tests/e2e/lib.sh topology): in the firewall namespace veth1 is
# renamed to the decimal index of veth0, both attached; one host session
# on each (a ping from the client to the firewall's veth0 address, one from
# the server to its veth1 address), so each session has one interface.
#
# The control: `interface veth0` clears exactly the client's session.
# The finding: `interface <digits>`, the interface of that name, clears
# exactly the server's session (fixed: cli/core/values.c parse_iface
# tries the name first; red before).
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=rv31b$$}"
source tests/e2e/lib.sh
trap topology_down EXIT

topology_up
IDX0=$(ifindex "$FW_NS" veth0)
IDX1=$(ifindex "$FW_NS" veth1)
[ "$IDX0" != "$IDX1" ] || fail "setup: same index"
ip -n "$FW_NS" link set veth1 down
ip -n "$FW_NS" link set veth1 name "$IDX0" || fail "setup: rename veth1 to $IDX0"
ip -n "$FW_NS" link set "$IDX0" up
NAMED=$IDX0    # the interface NAMED "$IDX0" has index $IDX1
out=$(sfw attach veth0 "$NAMED" 2>&1) || fail "attach: $out"
for _ in $(seq 50); do srv ping -c 1 -W 1 -q 203.0.113.1 >/dev/null 2>&1 && break; sleep 0.1; done

# host sessions: dst 198.51.100.1 (client side, veth0), dst 203.0.113.1
# (server side, the interface named $NAMED)
open_both() {
	cli ping -c 1 -W 1 -q 198.51.100.1 >/dev/null || fail "ping client -> fw"
	srv ping -c 1 -W 1 -q 203.0.113.1 >/dev/null || fail "ping server -> fw"
}
dsts() {   # the In wings' destinations of the live sessions, sorted
	sfw show security flow session --json | python3 -c 'import json,sys
info=json.load(sys.stdin)["flow-session-information"]
print(" ".join(sorted({w["destination-address"] for s in info.get("flow-session",[])
  for w in s["flow-information"] if w["direction"]=="In"})))'
}

# ---- control: by a name of letters, exactly that interface's session -------
sfw clear security flow session all >/dev/null
open_both
expect_eq "$(dsts)" "198.51.100.1 203.0.113.1" "control: both sessions open"
sfw clear security flow session interface veth0 >/dev/null || fail "clear interface veth0"
expect_eq "$(dsts)" "203.0.113.1" "control: after clear interface veth0"
echo "ok rv31b F2 control"

# ---- F2: by the name of digits, that interface's session, not veth0's ------
sfw clear security flow session all >/dev/null
open_both
expect_eq "$(dsts)" "198.51.100.1 203.0.113.1" "F2: both sessions open"
sfw clear security flow session interface "$NAMED" >/dev/null || fail "clear interface $NAMED"
expect_eq "$(dsts)" "198.51.100.1" \
	"F2: clear interface $NAMED (the interface named $NAMED, index $IDX1) left"
echo "ok rv31b F2"

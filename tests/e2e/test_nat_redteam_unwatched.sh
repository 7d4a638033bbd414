#!/usr/bin/env bash
# Red team (issue 14, branch natrt): sfw attached to the inside interface
# only (veth0), the WAN (veth1) in zone untrust but not attached, as a
# WAN sfw cannot attach to (ppp0, a tunnel) would be. The commit takes
# source-nat interface to zone untrust; the client's packets go up
# untranslated (stack forwarding) and no tc egress of sfw's translates
# them: they leave the WAN from 198.51.100.2. Expected: refused (at
# commit, or per packet under Incoming NAT errors), never untranslated.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

trap drops_cleanup EXIT
topology_up
out=$(sfw attach veth0 2>&1) || fail "attach: $out"
commit_nat "${NAT_ALL[@]}"
cap=$(mktemp)
bg_in_ns "$SRV_NS" timeout 4 tcpdump -nn -i veth0 -w "$cap" udp
sleep 1
echo hi | cli nc -u -w 1 -p 45800 203.0.113.2 5353 || true
sleep 3
wait 2>/dev/null || true
seen=$(tcpdump -nn -r "$cap" 2>/dev/null)
rm -f "$cap"
echo "$seen"
sfw show security flow session nat | grep -E "In:|Out:"
has "198.51.100.2" <<<"$seen" && fail "the client's packet left the WAN untranslated"
echo "PASS"

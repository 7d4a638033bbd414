#!/usr/bin/env bash
# SYN cookies under a SYN flood to the firewall's own service: spoofed SYNs
# past the screen's threshold are answered with cookie SYN-ACKs from XDP
# (counted as Syn-attack protection) and keep no state; a legitimate
# client's connection still completes during the flood, its returning ACK
# opening the session. Generic XDP: XDP_TX on a native veth reaches the
# peer only when the peer runs XDP itself.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

topology_up
sfw attach veth0 veth1 mode generic >/dev/null || fail "attach"
fw sysctl -qw net.ipv4.tcp_syncookies=2   # the listener accepts cookie ACKs
cat >"$SFW_CONF_DIR.conf" <<'CONF'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security screen ids-option guard tcp syn-flood attack-threshold 5
set security screen ids-option guard tcp syn-flood source-threshold 100000
set security zones security-zone trust screen guard
set security flow syn-flood-protection-mode syn-cookie
set security policies default-policy permit-all
CONF
sfw commit "$SFW_CONF_DIR.conf" >/dev/null || fail "commit"
rm -f "$SFW_CONF_DIR.conf"

received=$(mktemp)
bg_in_ns "$FW_NS" sh -c "nc -l 198.51.100.1 8080 > $received"
sleep 0.3
# a flood from spoofed sources on the client's subnet, for about 4 s
bg_in_ns "$CLI_NS" /usr/bin/python3 -c '
from scapy.all import IP, TCP, send, RandShort
import random, time
end = time.time() + 4
while time.time() < end:
    pkts = [IP(src="198.51.100.%d" % random.randint(10, 250), dst="198.51.100.1") /
            TCP(sport=RandShort(), dport=8080, flags="S", seq=random.randint(0, 2**32 - 1))
            for _ in range(50)]
    send(pkts, verbose=0)
'
# the flood must be under way (scapy takes seconds to start on a loaded
# machine): wait until the screen is refusing SYNs
syn_drops() {
	sfw show interfaces flow-statistics veth0 --json | /usr/bin/python3 -c '
import json, sys
i = json.load(sys.stdin)["interface-information"]["physical-interface"][0]
print(i["flow-error-statistics"]["syn-attack-protection"])'
}
for _ in $(seq 100); do [ "$(syn_drops)" -gt 5 ] && break; sleep 0.1; done
echo legitimate | cli nc -N -w 3 198.51.100.1 8080 || { sfw show security flow session destination-port 8080 source-prefix 198.51.100.2 >&2; fw nstat -az 2>/dev/null | grep -i cookie >&2; sfw show interfaces flow-statistics veth0 | grep -iE "syn|not SYN|permitted|Transit|Input  packets" >&2; fail "the legitimate connection failed during the flood"; }
sleep 0.3
expect_eq "$(cat "$received")" "legitimate" "data received through the cookie-opened connection"
rm -f "$received"
drops=$(syn_drops)
[ "$drops" -gt 5 ] || fail "Syn-attack protection counted $drops"
echo "ok syn cookies ($drops SYNs answered with cookies)"

#!/usr/bin/env bash
# Prometheus metrics against the real thing (topology in lib.sh): sfw on
# both firewall interfaces serves /metrics from its session daemon once the
# configuration says `set system services prometheus`, and Debian's
# prometheus server, started in the firewall namespace with a private
# store under /tmp and a 1 s scrape interval, scrapes it. PromQL over
# Prometheus's HTTP API then checks that a denied connection raises the
# drops by reason, that the sessions active match `show security flow
# session summary` (read from the same counters) and the per-protocol walk
# of a filtered summary, and that policy hits match `hit-count`. The
# exposition passes `promtool check metrics`. A port already in use is one
# line in the daemon's log and in `sfw status`, the daemon sweeps on, and
# takes the port once it is free.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/cli_lib.sh

PROM_DIR=$TMPD
drops_up
trap 'drops_cleanup; rm -rf "$TMPD"' EXIT
tcp_server 80
tcp_server 22
SFW_URL=http://127.0.0.1:9660/metrics
PROM=http://127.0.0.1:9090
prom() { fw /usr/bin/python3 "$E2E/prom.py" "$@"; }
BASE=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1'
	'set security policies from-zone trust to-zone untrust policy no-web match source-address any destination-address any application junos-http'
	'set security policies from-zone trust to-zone untrust policy no-web then deny'
	'set security policies default-policy permit-all')

# ---- off by default, on when configured ----------------------------------------
commit_lines "${BASE[@]}"
sleep 1.5   # the daemon looks at the configuration at least once a second
prom scrape "$SFW_URL" >/dev/null 2>&1 && fail "metrics served without being configured"
commit_lines "${BASE[@]}" 'set system services prometheus'
wait_metrics() { for _ in $(seq 50); do prom scrape "$SFW_URL" >/dev/null 2>&1 && return 0; sleep 0.1; done; fail "$1"; }
wait_metrics "metrics not served at 127.0.0.1:9660 after the commit"
sfw status | grep -q "Metrics: http://127.0.0.1:9660/metrics" || fail "status: $(sfw status)"

# ---- promtool: the exposition is valid and lint-clean ---------------------------
prom scrape "$SFW_URL" >"$PROM_DIR/expo.txt" || fail "scrape"
lint=$(promtool check metrics <"$PROM_DIR/expo.txt" 2>&1) || fail "promtool check metrics: $lint"
[ -z "$lint" ] || fail "promtool check metrics: $lint"

# ---- a loopback listener answers only Host: an address or localhost ------------
# (DNS rebinding: a page whose name an attacker points at 127.0.0.1 makes
# a browser on the host send its requests with that name as Host)
status_for_host() {   # host
	fw /usr/bin/python3 -c 'import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", 9660, timeout=3)
c.putrequest("GET", "/metrics", skip_host=True)
c.putheader("Host", sys.argv[1])
c.endheaders()
print(c.getresponse().status)' "$1"
}
expect_eq "$(status_for_host rebind.example:9660)" 403 "Host: a name"
expect_eq "$(status_for_host rebind.example)" 403 "Host: a name without a port"
for h in 127.0.0.1:9660 localhost:9660 LOCALHOST '[::1]:9660' 127.0.0.1; do
	expect_eq "$(status_for_host "$h")" 200 "Host: $h"
done

# ---- a real Prometheus scrapes it ------------------------------------------------
cat >"$PROM_DIR/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sfw
    static_configs:
      - targets: ['127.0.0.1:9660']
YML
bg_in_ns "$FW_NS" prometheus --config.file="$PROM_DIR/prometheus.yml" \
	--storage.tsdb.path="$PROM_DIR/data" --web.listen-address=127.0.0.1:9090 \
	--log.level=error
prom wait "$PROM" 'up{job="sfw"}' 1 60 || fail "Prometheus never scraped sfw"

# drops by Junos reason rise after a denied connection
prom wait "$PROM" 'sfw_dropped_packets_total{interface="veth0",reason="policy_denied"}' 0 10 ||
	fail "policy denied before any traffic"
cli /usr/bin/python3 "$E2E/drops.py" syn 203.0.113.2 80 3 41000 || fail "SYNs to 80"
cli /usr/bin/python3 -c 'import socket
socket.create_connection(("203.0.113.2", 80), timeout=1).close()' 2>/dev/null &&
	fail "HTTP passed a deny policy"
denied=$(drop_count veth0 policy-denied 'Policy denied:')
[ "$denied" -ge 4 ] || fail "sfw counted $denied denied packets, want >= 4"
prom wait "$PROM" 'sfw_dropped_packets_total{interface="veth0",reason="policy_denied"}' \
	"$denied" 10 || fail "Prometheus: policy denied != $denied"
prom wait "$PROM" 'sfw_policy_hits_total{from_zone="trust",to_zone="untrust",policy="no-web"}' \
	"$(sfw show security policies hit-count | awk '$4 == "no-web" { print $5 }')" 10 ||
	fail "Prometheus: policy hits of no-web"

# sessions active match the summary: long-lived TCP connections, ping
for port in 40001 40002 40003; do bg_in_ns "$CLI_NS" nc -p "$port" 203.0.113.2 22; done
cli ping -c 1 -W 1 -q 203.0.113.2 >/dev/null || fail "ping"
in_use() { sfw show security flow session summary | awk '/^Sessions-in-use:/ { print $2 }'; }
wait_until 5 "three TCP sessions" eval '[ "$(sfw show security flow session protocol tcp summary |
	awk "/^Total sessions:/ { print \$3 }")" = 3 ]'
n=$(in_use)
[ "$n" -ge 4 ] || fail "summary: $n sessions in use, want >= 4"
prom wait "$PROM" 'sum(sfw_sessions_active)' "$n" 10 ||
	fail "Prometheus: sessions active != Sessions-in-use $n"
expect_eq "$(in_use)" "$n" "sessions in use, unchanged during the check"
tcp=$(sfw show security flow session protocol tcp summary | awk '/^Total sessions:/ { print $3 }')
prom wait "$PROM" 'sfw_sessions_active{family="inet",protocol="tcp"}' "$tcp" 10 ||
	fail "Prometheus: TCP sessions != the walk's $tcp"
prom wait "$PROM" 'sfw_tcp_sessions_active{state="established"}' 3 10 ||
	fail "Prometheus: established TCP sessions"
prom wait "$PROM" 'sfw_sessions_limit' \
	"$(sfw show security flow session summary | awk '/^Maximum-sessions:/ { print $2 }')" 5 ||
	fail "Prometheus: the session limit"
[ -n "$(prom value "$PROM" 'sfw_sweeper_pass_duration_seconds_count')" ] ||
	fail "Prometheus: no sweeper figures"

# ---- a port in use: one line in the log and in the status, sweeping goes on -----
bg_in_ns "$FW_NS" /usr/bin/python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 9661)); s.listen(); time.sleep(600)'
holder=${BG_PIDS[-1]}
nsenter --net="/run/netns/$FW_NS" "$SFW" daemon >"$PROM_DIR/daemon.out" 2>"$PROM_DIR/daemon.log" &
BG_PIDS+=($!)
wait_until 5 "the daemon started by hand" grep -q "sweeping" "$PROM_DIR/daemon.log"
wait_until 5 "metrics from the new daemon" prom scrape "$SFW_URL"
wait_until 5 "the port in use" eval 'fw ss -Hlnt "sport = :9661" | grep -q .'
commit_lines "${BASE[@]}" 'set system services prometheus port 9661'
wait_until 5 "the status to say why" eval 'sfw status | grep -q "Metrics: not served: cannot listen on 127.0.0.1:9661: Address already in use"'
passes=$(sfw status --json | jq -r '.["sfw-status"]["session-daemon"]["sweep-passes"]')
wait_until 5 "more sweep passes" eval '[ "$(sfw status --json | jq -r ".[\"sfw-status\"][\"session-daemon\"][\"sweep-passes\"]")" -gt "$passes" ]'
expect_eq "$(grep -c 'cannot listen on 127.0.0.1:9661: Address already in use' "$PROM_DIR/daemon.log")" 1 \
	"log lines about the port in use"
expect_eq "$(sfw status --json | jq -r '.["sfw-status"].metrics.state')" failed "JSON status"
kill "$holder"
wait_until 15 "the port taken once free" prom scrape http://127.0.0.1:9661/metrics
sfw status | grep -q "Metrics: http://127.0.0.1:9661/metrics" || fail "status after the retry"

# ---- off again ------------------------------------------------------------------
commit_lines "${BASE[@]}"
wait_until 3 "the listener to close" eval '! prom scrape http://127.0.0.1:9661/metrics'
echo "ok metrics: promtool, Prometheus scrapes drops by reason, sessions, hits; port in use"

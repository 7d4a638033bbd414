#!/usr/bin/env bash
# The metrics port under a slow-request attack (the red team's rv31c F2):
# clients that take every connection slot and trickle a request a byte at
# a time, which libmicrohttpd's idle timeout never ends, kept Prometheus
# from ever scraping. Each connection now has HTTP_REQUEST_S (3 s) from
# being accepted or answered to send a whole request
# (cli/metrics/metrics_http.c): under 80 such clients every scrape is
# answered within 8 s, and a kept-alive connection is closed 3 s after its
# last answer (the idle limit alone closed it after 10).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

drops_up
hold() { fw /usr/bin/python3 tests/e2e/metrics_hold.py "$@"; }
commit_lines 'set security policies default-policy permit-all' 'set system services prometheus'
for _ in $(seq 50); do
	fw /usr/bin/python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:9660/metrics", timeout=1)' 2>/dev/null && break
	sleep 0.1
done

# ---- kept alive: answered twice, closed 3 s after the last answer ----------
out=$(hold keepalive 127.0.0.1 9660) || fail "keep-alive requests: $out"
echo "keep-alive: $out"
awk '{ exit !($2 >= 2.5 && $2 <= 4.5) }' <<<"$out" ||
	fail "a kept-alive connection was not closed 3 s after its last answer: $out"

# ---- 80 clients trickling requests: every scrape answered -------------------
out=$(hold held 127.0.0.1 9660 80 12) || fail "held: $out"
echo "$out"
[ "$(grep -c '^scrape' <<<"$out")" -ge 2 ] || fail "fewer than 2 scrapes ran: $out"
bad=$(grep 'answered-in none' <<<"$out" | head -1)
[ -z "$bad" ] || fail "not answered within 8 s: $bad"
grep -q 'held [1-9]' <<<"$out" || fail "no connection was held: the attack did not happen"
sfw status | grep -q "Metrics: http://127.0.0.1:9660/metrics" || fail "status: $(sfw status)"
echo "PASS"

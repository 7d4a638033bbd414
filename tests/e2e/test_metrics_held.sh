#!/usr/bin/env bash
# The metrics port under attacks on its connection slots (the red team's
# rv31c F2 and rv33 F2, F4): clients that trickle a request a byte at a
# time (libmicrohttpd's idle timeout never ends them), clients that keep a
# connection with a request every 2 s, and clients that connect, send
# nothing and reconnect as soon as they are closed: each kept Prometheus
# from scraping. Each answer now closes its connection, a connection has
# 3 s to send its request and then 10 s to take the answer, and past 48
# open connections the oldest still waiting for a request are shut down
# (cli/metrics/metrics_http.c): under each attack every scrape is answered
# within 8 s, and a scraper reading slowly still gets its whole answer.
# And a burst of 40 requests shares renders (docs/metrics.md).
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

# ---- one request a connection: closed as soon as it is answered ------------
out=$(hold closes 127.0.0.1 9660) || fail "closes: $out"
echo "HTTP/1.1: $out"
awk '{ exit !($2 <= 1.0) }' <<<"$out" || fail "a connection was not closed after its answer: $out"

# ---- a burst of requests shares renders; one past the interval renders anew -
# Before, every request was a render: any client could make the daemon
# render as fast as it asked. At most one render per 0.5 s the burst took
# (SFW_METRICS_FRESH_MS), and one more; the counts are the daemon's own.
out=$(hold burst 127.0.0.1 9660 40) || fail "burst: $out"
echo "$out"
read -r _ n _ renders _ requests _ took _ after <<<"$out"
awk -v r="$renders" -v t="$took" -v n="$n" 'BEGIN { b = 2 + int(t / 0.5); exit !(b < n / 2) }' ||
	fail "the burst took too long to tell: $out"
awk -v r="$renders" -v t="$took" 'BEGIN { exit !(r <= 2 + int(t / 0.5)) }' ||
	fail "renders not shared: $out"
# at least: the first scrape's figures may be from a render before it
[ "$requests" -ge $((n + 1)) ] || fail "requests not counted: $out"
expect_eq "$after" 1 "renders a request past the interval added ($out)"

# ---- a slow reader gets the whole answer ------------------------------------
out=$(hold slow 127.0.0.1 9660) || fail "slow: $out"
echo "$out"
read -r _ got _ want _ took _ <<<"$out"
expect_eq "$got" "$want" "bytes a slow reader got ($out)"
awk -v t="$took" 'BEGIN { exit !(t > 3) }' || fail "the slow read was not slow: $out"

# ---- each attack: every scrape answered -------------------------------------
for attack in "trickle 80" "refresh 64" "flood 200"; do
	# shellcheck disable=SC2086
	out=$(hold ${attack% *} 127.0.0.1 9660 ${attack#* } 8) || fail "$attack: $out"
	echo "== ${attack% *} (${attack#* } clients)"
	echo "$out"
	[ "$(grep -c '^scrape' <<<"$out")" -ge 2 ] || fail "$attack: fewer than 2 scrapes ran: $out"
	bad=$(grep 'answered-in none' <<<"$out" | head -1)
	[ -z "$bad" ] || fail "$attack: not answered within 8 s: $bad"
	grep -q 'held [1-9]' <<<"$out" || fail "$attack: no connection was held: the attack did not happen"
done
sfw status | grep -q "Metrics: http://127.0.0.1:9660/metrics" || fail "status: $(sfw status)"
echo "PASS"

#!/usr/bin/env bash
# The metrics port under clients that send a whole request and never read
# the answer (the reviewer's rv34 probe): once an answer is bigger than
# what the kernel buffers for such a client, its connection stays in the
# answering state until its 10 s deadline, and those were never shut early
# (only connections still waiting for a request were): 200 of them,
# reconnecting, held every slot and no scrape was answered. The answer is
# made big the way a real configuration makes it, with 1000 policies (one
# hit-count series each, about 110 KiB). Past 48 open connections, those
# answering for more than half a second are now shut down too
# (cli/metrics/metrics_http.c): every scrape is answered within 3 s.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

POLICIES=1000
drops_up
hold() { fw /usr/bin/python3 tests/e2e/metrics_hold.py "$@"; }
lines=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1'
	'set security policies default-policy permit-all' 'set system services prometheus')
for i in $(seq "$POLICIES"); do
	p="from-zone trust to-zone untrust policy allow-branch-office-service-$i"
	lines+=("set security policies $p match source-address any destination-address any application any"
		"set security policies $p then permit")
done
commit_lines "${lines[@]}"
size() {
	fw /usr/bin/python3 -c 'import urllib.request
print(len(urllib.request.urlopen("http://127.0.0.1:9660/metrics", timeout=1).read()))' 2>/dev/null
}
for _ in $(seq 50); do
	bytes=$(size) && break
	sleep 0.1
done
[ -n "${bytes:-}" ] || fail "the metrics port never answered"

# ---- the answer does not fit in what the kernel buffers for the client ------
read -r _ buffered <<<"$(hold buffered)" || fail "buffered"
echo "answer $bytes bytes; buffered for a client that never reads: $buffered bytes"
[ "$bytes" -gt $((buffered + 16384)) ] ||
	fail "the answer fits in the send buffer: the attack would not hold a slot"

# ---- 200 clients that never read: every scrape answered within 3 s ----------
out=$(hold unread 127.0.0.1 9660 200 12 3) || fail "unread: $out"
echo "== unread (200 clients)"
echo "$out"
[ "$(grep -c '^scrape' <<<"$out")" -ge 2 ] || fail "unread: fewer than 2 scrapes ran: $out"
bad=$(grep 'answered-in none' <<<"$out" | head -1)
[ -z "$bad" ] || fail "unread: not answered within 3 s: $bad"
grep -q 'held [1-9]' <<<"$out" || fail "unread: no connection was held: the attack did not happen"
echo "PASS"

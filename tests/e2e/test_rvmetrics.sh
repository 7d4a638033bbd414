#!/usr/bin/env bash
# Red team rvmetrics F1: the metrics port behind a queue of idle
# connections. A client opens 2000 TCP connections to the port, sends
# nothing and reopens each one the daemon closes. No bandwidth and no CPU:
# one process, ~2000 descriptors, ~120 connects a second. The daemon
# serves 64 connections at a time and shuts an idle one only once it has
# waited half a second (HTTP_CONNECTIONS, HTTP_GRACE_MS in
# cli/metrics/metrics_http.c), so at most about 128 connections a second
# pass through it. The kernel queues up to 1024 more for accept
# (HTTP_BACKLOG); a scraper's connection waits behind all of them: about
# 8 s behind a full queue, and its SYN is dropped and retried on backoff
# when the queue is full. Prometheus gives up on a scrape after 10 s by
# default (scrape_timeout). Measured: 600 idle sockets, every scrape in
# 4.3-4.7 s; 1200, 5.3-8.5 s; 2000-2500, no scrape within 10 s. The same
# from another host when `address` is one it reaches. The sweeper is not
# affected (its last pass always ended less than about a second ago):
# this test checks that too, and fails only on the scrapes.
# docs/metrics.md says every scrape is answered within 1.3 s under a flood
# (200 clients); this asks for 3 s under 2000 idle ones.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

IDLE=2000
ATTACK_S=24
drops_up
commit_lines 'set security policies default-policy permit-all' 'set system services prometheus'
served() { fw /usr/bin/python3 -c 'import urllib.request
urllib.request.urlopen("http://127.0.0.1:9660/metrics", timeout=1)'; }
wait_for 50 "metrics served" served

# 2000 idle connections, each reopened as soon as the daemon closes it
fw bash -c "ulimit -n $((IDLE + 500)); exec /usr/bin/python3 - $IDLE $ATTACK_S" \
	>"$DROPS_TMP/idle.out" 2>&1 <<'EOF' &
import select, socket, sys, time
n, end = int(sys.argv[1]), time.time() + float(sys.argv[2])
socks, pl, reopened = {}, select.poll(), 0
def add():
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", 9660))
    except BlockingIOError:
        pass
    socks[s.fileno()] = s
    pl.register(s, select.POLLIN)
for _ in range(n):
    add()
while time.time() < end:
    for fd, _ in pl.poll(100):
        s = socks.pop(fd)
        pl.unregister(s)
        s.close()
        add()
        reopened += 1
print("idle: reopened", reopened)
EOF
BG_PIDS+=($!)
sleep 3

# scrapes one after another, as Prometheus would (10 s timeout); the
# sweeper's last pass, as sfw status tells it, between them
scrapes() {
	fw /usr/bin/python3 - 16 <<'EOF'
import socket, sys, time
end = time.time() + float(sys.argv[1])
while time.time() < end:
    t0, got = time.time(), b""
    try:
        s = socket.create_connection(("127.0.0.1", 9660), timeout=10)
        s.settimeout(10)
        s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except OSError:
        pass
    ok = got.startswith(b"HTTP/1.") and b" 200 " in got[:20]
    print("scrape %s %.2f" % ("answered" if ok else "none", time.time() - t0), flush=True)
EOF
}
sweeper_age() {
	sfw status --json | jq -r '.["sfw-status"]["session-daemon"]["last-pass-age-ms"]'
}
scrapes >"$DROPS_TMP/scrapes.out" 2>&1 &
scraper=$!
max_age=0
while kill -0 "$scraper" 2>/dev/null; do
	age=$(sweeper_age) || fail "no sfw status"
	[ "$age" -gt "$max_age" ] && max_age=$age
	sleep 0.5
done
wait "$scraper"
wait
out=$(cat "$DROPS_TMP/scrapes.out")
echo "$out"
cat "$DROPS_TMP/idle.out"
echo "sweeper: last pass at most $max_age ms before a look"
grep -q 'reopened [1-9]' "$DROPS_TMP/idle.out" || fail "the daemon closed no idle connection: no attack"
[ "$max_age" -lt 3000 ] || fail "the sweeper stalled: its last pass ended $max_age ms before a look"
[ "$(grep -c '^scrape' <<<"$out")" -ge 1 ] || fail "no scrape ran"
slow=$(awk '$2 != "answered" || $3 > 3.0' <<<"$out" | head -1)
[ -z "$slow" ] || fail "a scrape behind $IDLE idle connections was not answered within 3 s: $slow"
echo "PASS"

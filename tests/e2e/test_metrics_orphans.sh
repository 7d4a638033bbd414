#!/usr/bin/env bash
# Answers that fit in what the kernel buffers for their client: libmicrohttpd
# writes such an answer whole at once and closes its connection, so none of
# sfw's deadlines hold it, and the kernel kept the socket, orphaned in
# FIN-WAIT-1 with what the client had not taken, for as long as the client
# answered its window probes (minutes): one per request of a client that
# sends requests and never reads. The kernel now gives up on a peer that
# has opened no window for HTTP_ANSWER_S (10 s; TCP_USER_TIMEOUT,
# cli/metrics/metrics_http.c): 20 such clients, kept open, leave 20 orphans,
# none of them left 20 s later (before: all 20). Orphans are counted, the
# wait is twice the kernel's.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh

CLIENTS=20
drops_up
commit_lines 'set security policies default-policy permit-all' 'set system services prometheus'
for _ in $(seq 50); do
	fw /usr/bin/python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:9660/metrics", timeout=1)' 2>/dev/null && break
	sleep 0.1
done
orphans() { fw ss -Htn state fin-wait-1 'sport = :9660' | wc -l; }
answering() { fw ss -Htn state established 'sport = :9660' | wc -l; }

bg_in_ns "$FW_NS" /usr/bin/python3 tests/e2e/metrics_hold.py keep 127.0.0.1 9660 "$CLIENTS" 60
for _ in $(seq 100); do
	[ "$(orphans)" -ge "$CLIENTS" ] && break
	sleep 0.1
done
echo "answers written whole, connections closed: $(orphans) orphaned, $(answering) still answering"
[ "$(orphans)" -ge "$CLIENTS" ] ||
	fail "$CLIENTS unread answers did not leave $CLIENTS orphans: the test does not test"
sleep 20
n=$(orphans)
echo "20 s later: $n orphaned"
expect_eq "$n" 0 "orphaned sockets of answers nobody took, 20 s later"
echo "PASS"

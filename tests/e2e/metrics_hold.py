#!/usr/bin/env python3
"""Attacks on the metrics port's connection slots (tests/e2e/test_metrics_held.sh).

keepalive HOST PORT: two requests on one kept-alive connection, 1 s apart,
  then prints how long after the second answer the server closed it.
held HOST PORT N SECONDS: N clients hold connections, each sending a
  request one byte every 0.5 s and never finishing it (reconnecting when
  closed), while scrapes run one after another; prints one line per
  scrape: "scrape I held H answered-in S" (S is "none" when it was not
  answered within 8 s)."""
import socket
import sys
import threading
import time

ANSWER_WITHIN = 8.0


def read_response(s):
    """One HTTP/1.1 response with a Content-Length; returns its status line."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("closed before the headers")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("closed inside the body")
        body += chunk
    return head.split(b"\r\n")[0].decode()


def keepalive(host, port):
    s = socket.create_connection((host, port), timeout=20)
    req = b"GET /metrics HTTP/1.1\r\nHost: sfw\r\n\r\n"
    for _ in range(2):
        s.sendall(req)
        status = read_response(s)
        if " 200 " not in status:
            sys.exit("keepalive: " + status)
        answered = time.monotonic()
        time.sleep(1)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    # the second answer came 1 s before the sleep ended
    print("closed-after %.1f" % (time.monotonic() - answered))


def scrape(host, port):
    start = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=ANSWER_WITHIN)
        s.settimeout(max(0.1, ANSWER_WITHIN - (time.monotonic() - start)))
        s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
    except OSError:
        return None
    if not data.startswith(b"HTTP/1.") or b" 200 " not in data.split(b"\r\n")[0]:
        return None
    return time.monotonic() - start


def held(host, port, n, seconds):
    stop = threading.Event()
    holding = [0]
    lock = threading.Lock()
    trickle = b"GET /metrics HTTP/1.1\r\nHost: sfw\r\nX-Slow: " + b"a" * 10000

    def holder():
        while not stop.is_set():
            try:
                s = socket.create_connection((host, port), timeout=1)
            except OSError:
                time.sleep(0.1)
                continue
            with lock:
                holding[0] += 1
            try:
                for i in range(len(trickle)):
                    if stop.is_set():
                        break
                    s.send(trickle[i:i + 1])
                    time.sleep(0.5)
            except OSError:
                pass
            with lock:
                holding[0] -= 1
            s.close()

    threads = [threading.Thread(target=holder, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        with lock:
            h = holding[0]
        took = scrape(host, port)
        print("scrape %d held %d answered-in %s" % (i, h, "none" if took is None else "%.1f" % took),
              flush=True)
        time.sleep(0.5)
    stop.set()


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "keepalive":
        keepalive(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 6 and sys.argv[1] == "held":
        held(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Attacks on the metrics port's connection slots (tests/e2e/test_metrics_held.sh).

closes HOST PORT: one HTTP/1.1 request; prints "closed-after S", how long
  after its answer (which must say Connection: close) the server closed.
slow HOST PORT: reads /metrics at 2 KiB/s through a small receive buffer;
  prints "slow-read GOT of WANT bytes in S s".
buffered: how many bytes the kernel takes for a peer that never reads
  (an unread client's socket, on a listener of its own on 127.0.0.1);
  prints "buffered B".
burst HOST PORT N: a scrape, then N at once, then one more 0.6 s later (past
  the render's freshness); prints "burst N renders R requests Q took S
  after A": R renders the burst cost, S seconds it took, A renders the last scrape
  added, Q requests counted from the first scrape to the last (the
  daemon's sfw_scrape_renders_total, _requests_total).
keep HOST PORT N SECONDS: N clients (as unread's) send a request each and
  read nothing, kept open SECONDS; prints "kept N".
ATTACK HOST PORT N SECONDS [WITHIN]: N attacking clients while scrapes run
  one after another, one line a scrape: "scrape I held H answered-in S" (S
  "none" when not answered within WITHIN s, default 8). ATTACK is one of
    trickle: send a request one byte every 0.5 s, never finishing it;
    refresh: keep a connection and ask for / every 2 s;
    flood:   connect, send nothing, wait to be closed;
    unread:  send a whole request and never read the answer;
  each reconnecting as soon as it is closed (unread: or after 10.5 s, the
  answer's deadline, as it cannot see a close behind the unread answer)."""
import select
import socket
import sys
import threading
import time

ANSWER_WITHIN = 8.0
REQUEST = b"GET /metrics HTTP/1.0\r\n\r\n"


def read_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def headers_of(data):
    return data.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()


def closes(host, port):
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    answered = time.monotonic()
    data += read_all(s)
    if " 200 " not in headers_of(data).split("\r\n")[0] or "connection: close" not in headers_of(data):
        sys.exit("closes: " + headers_of(data))
    print("closed-after %.1f" % (time.monotonic() - answered))


def slow(host, port):
    """The answer's own Content-Length says what whole is: two scrapes may
    differ by a byte (the scrape counter grew a digit)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.settimeout(20)
    s.connect((host, port))
    s.sendall(REQUEST)
    data, start = b"", time.monotonic()
    try:
        while True:
            chunk = s.recv(512)
            if not chunk:
                break
            data += chunk
            time.sleep(0.25)
    except OSError:
        pass
    head, _, body = data.partition(b"\r\n\r\n")
    want = -1
    for line in headers_of(data).split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip() == "content-length":
            want = int(value)
    print("slow-read %d of %d bytes in %.1f s" % (len(body), want, time.monotonic() - start))


def scrape(host, port, within=ANSWER_WITHIN):
    start = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=within)
        s.settimeout(max(0.1, within - (time.monotonic() - start)))
        s.sendall(REQUEST)
        data = read_all(s)
        s.close()
    except OSError as e:
        sys.stderr.write("scrape: %s after %.1f s\n" % (e, time.monotonic() - start))
        return None
    if not data.startswith(b"HTTP/1.") or b" 200 " not in data.split(b"\r\n")[0]:
        sys.stderr.write("scrape: answered %r\n" % data[:60])
        return None
    return time.monotonic() - start


def trickle(s, stop):
    line = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 10000
    for i in range(len(line)):
        if stop.is_set():
            return
        s.send(line[i:i + 1])
        time.sleep(0.5)


def refresh(s, stop):
    while not stop.is_set():
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return
            data += chunk
        time.sleep(2.0)


def flood(s, stop):
    s.settimeout(5)
    while not stop.is_set() and s.recv(4096):
        pass


def unread_socket(host, port):
    """A client that takes little: a 2 KiB receive buffer and an Ethernet
    MSS (1460). On loopback the kernel would size the server's send buffer
    for a 64 KiB MSS (over 2 MiB buffered for a peer that never reads);
    for a client over Ethernet, as any is when the port listens on an
    address of the host, it buffers about 40 KiB."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1460)
    s.settimeout(1)
    s.connect((host, port))
    return s


def unread(s, stop):
    s.sendall(REQUEST)
    p = select.poll()
    p.register(s, select.POLLRDHUP)   # errors and hang-ups are always reported
    end = time.monotonic() + 10.5
    while not stop.is_set() and time.monotonic() < end and not p.poll(200):
        pass


def buffered():
    """Bytes a server's send() takes before a never-reading client's
    connection blocks it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    c = unread_socket(*listener.getsockname())
    s, _ = listener.accept()
    s.setblocking(False)
    n, chunk = 0, b"x" * 65536
    for _ in range(3):   # a moment for the window to close and the buffer to grow
        while True:
            try:
                n += s.send(chunk)
            except BlockingIOError:
                break
        time.sleep(0.2)
    print("buffered %d" % n)
    c.close()
    s.close()


def attack(kind, host, port, n, seconds, within=ANSWER_WITHIN):
    stop = threading.Event()
    holding = [0]
    lock = threading.Lock()

    def client():
        while not stop.is_set():
            try:
                s = CONNECT.get(kind, socket.create_connection)((host, port), timeout=1)
            except OSError:
                time.sleep(0.1)
                continue
            with lock:
                holding[0] += 1
            try:
                kind(s, stop)
            except OSError:
                pass
            with lock:
                holding[0] -= 1
            s.close()

    for _ in range(n):
        threading.Thread(target=client, daemon=True).start()
    time.sleep(2)
    end, i = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        i += 1
        with lock:
            h = holding[0]
        took = scrape(host, port, within)
        print("scrape %d held %d answered-in %s" % (i, h, "none" if took is None else "%.1f" % took),
              flush=True)
        time.sleep(0.5)
    stop.set()


ATTACKS = {"trickle": trickle, "refresh": refresh, "flood": flood, "unread": unread}
CONNECT = {unread: lambda addr, timeout: unread_socket(*addr)}


def figures(host, port):
    """(renders, requests) of one scrape's exposition."""
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(REQUEST)
    body = read_all(s).partition(b"\r\n\r\n")[2].decode()
    s.close()
    got = {}
    for line in body.split("\n"):
        name, _, value = line.partition(" ")
        if name in ("sfw_scrape_renders_total", "sfw_scrape_requests_total"):
            got[name] = int(value)
    if len(got) != 2:
        sys.exit("burst: no sfw_scrape_renders_total or _requests_total")
    return got["sfw_scrape_renders_total"], got["sfw_scrape_requests_total"]


def burst(host, port, n):
    renders0, requests0 = figures(host, port)
    seen = [None] * n
    ready = threading.Barrier(n)

    def one(i):
        ready.wait()
        seen[i] = figures(host, port)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    if None in seen:
        sys.exit("burst: a request was not answered")
    renders = max(seen)[0]
    time.sleep(0.6)
    last, requests = figures(host, port)   # counted up to this render: all of them
    print("burst %d renders %d requests %d took %.2f after %d"
          % (n, renders - renders0, requests - requests0, took, last - renders))


def keep(host, port, n, seconds):
    socks = []
    for _ in range(n):
        s = unread_socket(host, port)
        s.sendall(REQUEST)
        socks.append(s)
    print("kept %d" % len(socks), flush=True)
    time.sleep(seconds)


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "closes":
        closes(a[1], int(a[2]))
    elif len(a) == 3 and a[0] == "slow":
        slow(a[1], int(a[2]))
    elif len(a) == 4 and a[0] == "burst":
        burst(a[1], int(a[2]), int(a[3]))
    elif len(a) == 5 and a[0] == "keep":
        keep(a[1], int(a[2]), int(a[3]), float(a[4]))
    elif a == ["buffered"]:
        buffered()
    elif len(a) in (5, 6) and a[0] in ATTACKS:
        attack(ATTACKS[a[0]], a[1], int(a[2]), int(a[3]), float(a[4]), *map(float, a[5:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

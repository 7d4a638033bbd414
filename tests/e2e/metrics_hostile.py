#!/usr/bin/python3
"""Malformed and hostile HTTP at sfw's metrics port (tests/e2e/test_metrics_hostile.sh;
the red team's rtnet pass found the exporter sound against all of them).

  metrics_hostile.py cases HOST PORT     every case once, on its own connection:
                                         one line each, its name and what came back
  metrics_hostile.py churn HOST PORT N   N rounds of the cases that cost the daemon
                                         most, each followed by a reset mid-answer
Both end with a plain scrape and exit 1 unless it is answered 200."""
import socket
import struct
import sys


def talk(host, port, data, shut=False, reset=False):
    """Sends data; the first line answered, or what the socket did."""
    s = socket.create_connection((host, port), timeout=15)
    try:
        s.sendall(data)
        if reset:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return "reset"
        if shut:
            s.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return "timeout"
            except ConnectionResetError:
                return "reset by the server"
            if not chunk:
                break
            got += chunk
        return got.split(b"\r\n", 1)[0].decode("latin-1") or "closed"
    except (BrokenPipeError, ConnectionResetError) as e:
        return "send failed: " + type(e).__name__
    finally:
        s.close()


CASES = [
    ("http09", b"GET /metrics\r\n"),
    ("no-host-11", b"GET /metrics HTTP/1.1\r\n\r\n"),
    ("huge-header-100k", b"GET /metrics HTTP/1.0\r\nX: " + b"a" * 100000 + b"\r\n\r\n"),
    ("many-headers-5000", b"GET /metrics HTTP/1.0\r\n" + b"X: y\r\n" * 5000 + b"\r\n"),
    ("long-method", b"X" * 20000 + b" /metrics HTTP/1.0\r\n\r\n"),
    ("long-url-60k", b"GET /" + b"m" * 60000 + b" HTTP/1.0\r\n\r\n"),
    ("nul-url", b"GET /metrics\x00x HTTP/1.0\r\n\r\n"),
    ("nul-header", b"GET /metrics HTTP/1.0\r\nX\x00: \x00\r\n\r\n"),
    ("pct-url", b"GET /%6detrics HTTP/1.0\r\n\r\n"),
    ("bad-pct", b"GET /metrics%zz%%%00 HTTP/1.0\r\n\r\n"),
    ("query", b"GET /metrics?name[]=x&%00=1 HTTP/1.0\r\n\r\n"),
    ("absolute", b"GET http://evil/metrics HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("star", b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("connect", b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("trace", b"TRACE /metrics HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("post-cl", b"POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789"),
    ("post-cl-huge", b"POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551615\r\n\r\nabc"),
    ("post-cl-neg", b"POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nabc"),
    ("post-cl-two", b"POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
    ("chunk-bad", b"POST /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nx\r\n0\r\n\r\n"),
    ("chunk-ok", b"POST /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
    ("chunk-ext", b"POST /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;" + b"e" * 30000 + b"\r\nabc\r\n0\r\n\r\n"),
    ("get-body-chunked", b"GET /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    ("expect", b"PUT /metrics HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"),
    ("pipelined-100", b"GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n" * 100),
    ("pipelined-head-get", b"HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("fold", b"GET /metrics HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\tc\r\n\r\n"),
    ("lf-only", b"GET /metrics HTTP/1.1\nHost: a\n\n"),
    ("crlf-flood", b"\r\n" * 50000 + b"GET /metrics HTTP/1.0\r\n\r\n"),
    ("version-999", b"GET /metrics HTTP/9.9\r\n\r\n"),
    ("version-bad", b"GET /metrics HTTP/1.1x\r\nHost: a\r\n\r\n"),
    ("no-version", b"GET /metrics \r\n\r\n"),
    ("spaces", b"GET     /metrics     HTTP/1.0\r\n\r\n"),
    ("tls-hello", bytes.fromhex("16030100a5010000a10303") + b"\x00" * 160),
    ("binary", bytes(range(256)) * 40),
    ("upgrade", b"GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
    ("h2c", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    ("keepalive-10", b"GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
    ("cookie-huge", b"GET / HTTP/1.0\r\nCookie: " + b"c=" * 15000 + b"\r\n\r\n"),
    ("accept-encoding", b"GET /metrics HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nAccept: application/openmetrics-text\r\n\r\n"),
    ("range", b"GET /metrics HTTP/1.1\r\nHost: a\r\nRange: bytes=0-0,1-1,2-2,3-3,-1\r\n\r\n"),
]

# the cases that make the daemon allocate or parse the most
CHURN = ["no-host-11", "huge-header-100k", "long-method", "long-url-60k", "nul-header",
         "bad-pct", "post-cl", "chunk-bad", "pipelined-100", "binary", "version-999"]
SCRAPE = b"GET /metrics HTTP/1.0\r\n\r\n"


def scraped(host, port):
    got = talk(host, port, SCRAPE)
    print("scrape:", got)
    return got.startswith("HTTP/1.") and " 200 " in got


def main():
    cmd, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "cases":
        for name, data in CASES:
            print("%-20s %s" % (name, talk(host, port, data, shut=name == "post-cl-huge")[:60]))
    else:
        churn = [d for name, d in CASES if name in CHURN]
        for _ in range(int(sys.argv[4])):
            for d in churn:
                talk(host, port, d)
            talk(host, port, SCRAPE, reset=True)
    return 0 if scraped(host, port) else 1


sys.exit(main())

#!/usr/bin/python3
"""Flows through the cluster for tests/e2e/test_ha*.sh and the HA bench.

  ha_flows.py serve PORT                 TCP and UDP echo on PORT (server side)
  ha_flows.py tcp HOST PORT SECS OUT     one TCP connection, a message every
                                         20 ms, each echo awaited; then a FIN
  ha_flows.py udp HOST PORT SECS OUT     a datagram every 20 ms, echoes counted

The client writes OUT.port (its source port) as soon as it has one, and OUT
(JSON: sent, echoed, max_gap_ms, error) when it ends, after SECS or as soon
as a file OUT.stop appears: max_gap_ms is the
longest time without an echo, the failover gap as an application sees it.
A reset or any socket error ends the run with `error` set. Bounded in time
and count; traffic only to the address given (a test namespace's)."""
import json
import os
import socket
import sys
import threading
import time

INTERVAL = 0.02
MSG = b"x" * 63 + b"\n"


def serve(port):
    def echo_tcp(conn):
        with conn:
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        return
                    conn.sendall(data)
            except OSError:
                return

    def tcp_loop():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(64)
        while True:
            conn, _ = s.accept()
            threading.Thread(target=echo_tcp, args=(conn,), daemon=True).start()

    threading.Thread(target=tcp_loop, daemon=True).start()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", port))
    while True:
        data, peer = u.recvfrom(2048)
        u.sendto(data, peer)


def finish(out, result):
    with open(out + ".tmp", "w") as f:
        json.dump(result, f)
    os.rename(out + ".tmp", out)


def tcp(host, port, secs, out):
    res = {"sent": 0, "echoed": 0, "max_gap_ms": 0, "error": None}
    s = socket.create_connection((host, port), timeout=30)
    with open(out + ".port", "w") as f:
        f.write(str(s.getsockname()[1]))
    start = last = time.monotonic()
    try:
        while time.monotonic() - start < secs and not os.path.exists(out + ".stop"):
            s.sendall(MSG)
            res["sent"] += 1
            got = b""
            while len(got) < len(MSG):
                chunk = s.recv(len(MSG) - len(got))
                if not chunk:
                    raise ConnectionError("closed by the peer")
                got += chunk
            now = time.monotonic()
            res["echoed"] += 1
            res["max_gap_ms"] = max(res["max_gap_ms"], int((now - last) * 1000))
            last = now
            time.sleep(INTERVAL)
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
    except OSError as e:
        res["error"] = type(e).__name__ + ": " + str(e)
    finally:
        s.close()
    finish(out, res)


def udp(host, port, secs, out):
    res = {"sent": 0, "echoed": 0, "max_gap_ms": 0, "error": None}
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((host, port))
    s.settimeout(INTERVAL)
    with open(out + ".port", "w") as f:
        f.write(str(s.getsockname()[1]))
    start = last = time.monotonic()
    try:
        while time.monotonic() - start < secs and not os.path.exists(out + ".stop"):
            s.send(MSG)
            res["sent"] += 1
            try:
                while True:
                    s.recv(2048)
                    now = time.monotonic()
                    res["echoed"] += 1
                    res["max_gap_ms"] = max(res["max_gap_ms"], int((now - last) * 1000))
                    last = now
            except socket.timeout:
                pass
    except OSError as e:
        res["error"] = type(e).__name__ + ": " + str(e)
    finally:
        s.close()
    finish(out, res)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) == 6 and sys.argv[1] in ("tcp", "udp"):
        fn = tcp if sys.argv[1] == "tcp" else udp
        fn(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Flows through the cluster for tests/e2e/test_ha*.sh and the HA bench.

  ha_flows.py serve PORT                 TCP and UDP echo on PORT (server side)
  ha_flows.py tcp HOST PORT SECS OUT     one TCP connection, a message every
                                         20 ms, each echo awaited; then a FIN;
                                         while OUT.bulk exists, 1 MB through the
                                         echo (then OUT.bulked: its ms)
  ha_flows.py udp HOST PORT SECS OUT     a datagram every 20 ms, echoes counted
  ha_flows.py burst HOST PORT N OUT      N UDP flows, one datagram each from its own
                                         port, as fast as they go; OUT: the ports
  ha_flows.py lag HOST PORT N B PIN0 PIN1 OUT
                                         the sync lag: N times, a new UDP flow, then
                                         the time until its session is in the session
                                         table pinned under PIN1 (the secondary's);
                                         then B flows at once (one datagram each, to
                                         PORT+1; any not in PIN0's table, the primary's,
                                         sent again) and the time until all are in
                                         PIN1's (JSON in OUT)

The client writes OUT.port (its source port) as soon as it has one, and OUT
(JSON: sent, echoed, max_gap_ms, error) when it ends, after SECS or as soon
as a file OUT.stop appears: max_gap_ms is the
longest time without an echo, the failover gap as an application sees it.
A reset or any socket error ends the run with `error` set. Bounded in time
and count; traffic only to the address given (a test namespace's)."""
import ctypes
import ipaddress
import json
import os
import struct
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


BULK = 1 << 20   # a bulk exchange's bytes: far beyond an unscaled 64 KB window
BULK_CHUNK = 256 * 1024


def bulk(s, out):
    """BULK bytes through the echo in chunks of BULK_CHUNK, each echoed
    back before the next: the windows scale well past 64 KB, and a
    firewall that reads them unscaled refuses the segments beyond."""
    t0 = time.monotonic()
    chunk = b"b" * BULK_CHUNK
    for _ in range(BULK // BULK_CHUNK):
        sender = threading.Thread(target=s.sendall, args=(chunk,))
        sender.start()
        got = 0
        while got < BULK_CHUNK:
            data = s.recv(BULK_CHUNK - got)
            if not data:
                raise ConnectionError("closed by the peer")
            got += len(data)
        sender.join()
    with open(out + ".bulked", "w") as f:
        f.write(str(int((time.monotonic() - t0) * 1000)))
    os.unlink(out + ".bulk")


def tcp(host, port, secs, out):
    res = {"sent": 0, "echoed": 0, "max_gap_ms": 0, "error": None}
    s = socket.create_connection((host, port), timeout=30)
    with open(out + ".port", "w") as f:
        f.write(str(s.getsockname()[1]))
    start = last = time.monotonic()
    try:
        while time.monotonic() - start < secs and not os.path.exists(out + ".stop"):
            if os.path.exists(out + ".bulk"):
                bulk(s, out)
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


BURST_PORT = 30000     # bursts bind ports from here: each flow its own


def burst(host, port, n, out):
    ports = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("", BURST_PORT + i))
        s.connect((host, port))
        s.send(MSG)
        ports.append(s.getsockname()[1])
        s.close()
    with open(out, "w") as f:
        f.write("\n".join(str(p) for p in ports) + "\n")


SYS_BPF = 321          # x86_64
BPF_MAP_LOOKUP_ELEM = 1
BPF_OBJ_GET = 7
libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    return libc.syscall(SYS_BPF, cmd, buf, 128)


def map_open(path):
    p = ctypes.create_string_buffer(path.encode())
    fd = bpf(BPF_OBJ_GET, struct.pack("=QII", ctypes.addressof(p), 0, 0))
    if fd < 0:
        sys.exit("cannot open %s: errno %d" % (path, ctypes.get_errno()))
    return fd


def session_key(src, sport, dst, dport, proto=17):
    """include/session.h's key, ordered as bpf/session.bpf.h orders it:
    the addresses' 32-bit words as stored, then the ports as stored."""
    a = ipaddress.ip_address(src).packed.ljust(16, b"\0")
    b = ipaddress.ip_address(dst).packed.ljust(16, b"\0")
    pa, pb = struct.pack(">H", sport), struct.pack(">H", dport)
    wa, wb = struct.unpack("=4I", a), struct.unpack("=4I", b)
    ka = (wa, struct.unpack("=H", pa)[0])
    kb = (wb, struct.unpack("=H", pb)[0])
    lo = ka <= kb
    first, second = (a, b) if lo else (b, a)
    p1, p2 = (pa, pb) if lo else (pb, pa)
    return first + second + p1 + p2 + struct.pack("=BBH", proto, 4, 0)


def present(fd, key):
    k = ctypes.create_string_buffer(key, len(key))
    v = ctypes.create_string_buffer(1024)
    attr = struct.pack("=IIQQQ", fd, 0, ctypes.addressof(k), ctypes.addressof(v), 0)
    return bpf(BPF_MAP_LOOKUP_ELEM, attr) == 0


def lag(host, port, n, burst_n, pin0, pin1, out):
    fd0 = map_open(pin0 + "/sfw_sessions")
    fd = map_open(pin1 + "/sfw_sessions")
    src = None
    lags = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((host, port))
        src = s.getsockname()[0]
        key = session_key(src, s.getsockname()[1], host, port)
        t0 = time.monotonic()
        s.send(MSG)
        while not present(fd, key):
            if time.monotonic() - t0 > 10:
                sys.exit("a session did not reach the secondary within 10 s")
            time.sleep(0.0002)
        lags.append((time.monotonic() - t0) * 1000)
        s.close()
        time.sleep(0.05)
    # the burst: datagrams built here, sent through one raw socket (a socket
    # each would make the generator the bottleneck), each from its own port
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    dport = port + 1            # nothing answers there: one packet a session
    frames, keys = [], []
    for i in range(burst_n):
        sport = FLOOD_PORT + i
        frames.append(udp_datagram(src, host, sport, dport))
        keys.append(session_key(src, sport, host, dport))
    t0 = time.monotonic()
    for f in frames:
        raw.sendto(f, (host, 0))
    sent = time.monotonic()
    # a datagram a full queue dropped on the way created nothing: sent again
    resent = 0
    missing = list(range(burst_n))
    while missing:
        time.sleep(0.05)
        missing = [i for i in missing if not present(fd0, keys[i])]
        if missing and time.monotonic() - sent > 1:
            for i in missing:
                raw.sendto(frames[i], (host, 0))
            resent += len(missing)
        if time.monotonic() - t0 > 120:
            sys.exit("the burst did not reach the primary within 120 s")
    for key in keys:
        while not present(fd, key):
            if time.monotonic() - t0 > 120:
                sys.exit("the burst did not reach the secondary within 120 s")
            time.sleep(0.0005)
    done = time.monotonic()
    lags.sort()
    finish(out, {
        "lag_ms_median": round(lags[len(lags) // 2], 2),
        "lag_ms_p90": round(lags[int(len(lags) * 0.9)], 2),
        "lag_ms_max": round(lags[-1], 2),
        "lag_samples": len(lags),
        "burst_sessions": len(keys),
        "burst_send_s": round(sent - t0, 3),
        "burst_resent": resent,
        "burst_synced_s": round(done - t0, 3),
        "synced_sessions_per_s": int(len(keys) / (done - t0)),
    })


FLOOD_PORT = 20000     # the lag bench's burst: ports from here


def csum(data):
    if len(data) % 2:
        data += b"\0"
    t = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


def udp_datagram(src, dst, sport, dport):
    a, b = socket.inet_aton(src), socket.inet_aton(dst)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(MSG), 0) + MSG
    c = csum(a + b + struct.pack("!BBH", 0, 17, len(udp)) + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, a, b)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + udp


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) == 9 and sys.argv[1] == "lag":
        lag(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6],
            sys.argv[7], sys.argv[8])
    elif len(sys.argv) == 6 and sys.argv[1] == "burst":
        burst(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) == 6 and sys.argv[1] in ("tcp", "udp"):
        fn = tcp if sys.argv[1] == "tcp" else udp
        fn(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Traffic and log reading for test_lifecycle.sh.

  lifecycle.py tcp-serve PORT          accept, read to EOF, answer, close
  lifecycle.py tcp-close DST PORT      a full connection closed with FINs
  lifecycle.py tcp-reset DST PORT      a connection ended by the client's RST
  lifecycle.py flood DST PORT N        N datagrams, each from its own port
  lifecycle.py events LOG KEY=VAL...   the JSON-lines events matching all
                                       KEY=VAL, one per line
  lifecycle.py wings                   stdin: show ... --json; prints
                                       "in_pkts in_bytes out_pkts out_bytes"
"""
import json
import socket
import struct
import sys


def tcp_serve(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        try:
            while conn.recv(4096):
                pass
            conn.sendall(b"x" * 200)
        except OSError:
            pass
        conn.close()


def tcp_close(dst, port):
    s = socket.create_connection((dst, port), timeout=3)
    s.sendall(b"y" * 100)
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()


def tcp_reset(dst, port):
    s = socket.create_connection((dst, port), timeout=3)
    s.sendall(b"y" * 10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def flood(dst, port, n):
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 20000 + i))
        s.sendto(b"f", (dst, port))
        s.close()


def events(log, conds):
    want = [c.split("=", 1) for c in conds]
    with open(log) as f:
        for line in f:
            if not line.endswith("\n"):
                break   # the daemon is still writing it
            e = json.loads(line)
            if all(str(e.get(k)) == v for k, v in want):
                print(line.strip())


def wings():
    doc = json.load(sys.stdin)
    sess = doc["flow-session-information"]["flow-session"]
    w = {x["direction"]: x for x in sess[0]["flow-information"]}
    print(w["In"]["pkt-cnt"], w["In"]["byte-cnt"], w["Out"]["pkt-cnt"], w["Out"]["byte-cnt"])


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "tcp-serve":
        tcp_serve(int(args[0]))
    elif cmd == "tcp-close":
        tcp_close(args[0], int(args[1]))
    elif cmd == "tcp-reset":
        tcp_reset(args[0], int(args[1]))
    elif cmd == "flood":
        flood(args[0], int(args[1]), int(args[2]))
    elif cmd == "events":
        events(args[0], args[1:])
    elif cmd == "wings":
        wings()
    else:
        sys.exit("unknown command " + cmd)

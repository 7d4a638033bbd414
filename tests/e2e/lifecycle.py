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
  lifecycle.py survivors BEFORE AFTER T0
                                       BEFORE, AFTER: show ... --json taken
                                       at (wall clock) T0 and just now; prints
                                       how many of BEFORE could not expire
                                       since T0, and each of those missing
                                       from AFTER
"""
import json
import socket
import struct
import sys
import time


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


def sessions(path):
    with open(path) as f:
        return json.load(f)["flow-session-information"]["flow-session"]


def survivors(before, after, t0):
    # `timeout` is the whole seconds left, rounded down (cli/session/
    # session_view.c): up to a second more remain; one more second covers
    # the coarse clocks of the datapath and the sweeper. A session left
    # longer than the window cannot expire in it, so nothing may remove it.
    window = time.time() - float(t0)
    kept = [s for s in sessions(before) if s["timeout"] > window + 2]
    there = {s["session-identifier"] for s in sessions(after)}
    print(len(kept))
    for s in kept:
        if s["session-identifier"] not in there:
            w = s["flow-information"][0]
            print("lost session %d %s %s/%s->%s/%s, %d s left of %d" % (
                s["session-identifier"], w["protocol"], w["source-address"],
                w["source-port"], w["destination-address"], w["destination-port"],
                s["timeout"], s["configured-timeout"]))


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
    elif cmd == "survivors":
        survivors(args[0], args[1], args[2])
    else:
        sys.exit("unknown command " + cmd)

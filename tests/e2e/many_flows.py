#!/usr/bin/python3
"""Many concurrent UDP flows, for tests/e2e/test_nat_flows.sh.

  many_flows.py sink PORT DIR   take every datagram to PORT; DIR/count holds
                                how many distinct peers (address, port) were
                                seen, rewritten as it grows; once DIR/stop
                                exists, write DIR/peers ("address port" a
                                line, sorted) and exit
  many_flows.py send SRC DST DPORT FIRST COUNT
                                one datagram from each of SRC's ports
                                FIRST..FIRST+COUNT-1 to DST:DPORT, a socket
                                each, paced: a veth with XDP queues 256
                                frames, a burst past that is lost on the way
"""
import os
import socket
import sys
import time

BATCH = 64          # datagrams between pauses, well under a veth ring
PAUSE = 0.002       # long enough for the firewall to drain a batch


def put(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)   # readers never see half a file


def sink(port, where):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # SO_RCVBUFFORCE (root): past rmem_max, so a burst waits in the queue
    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)
    s.bind(("0.0.0.0", int(port)))
    s.settimeout(0.1)
    peers, told = set(), -1
    while not os.path.exists(os.path.join(where, "stop")):
        try:
            while True:
                peers.add(s.recvfrom(16)[1])
        except socket.timeout:
            pass
        if len(peers) != told:
            told = len(peers)
            put(os.path.join(where, "count"), "%d\n" % told)
    put(os.path.join(where, "peers"),
        "".join("%s %d\n" % p for p in sorted(peers)))


def send(src, dst, dport, first, count):
    to = (dst, int(dport))
    for i, port in enumerate(range(int(first), int(first) + int(count))):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, port))
        s.sendto(b"x", to)
        s.close()
        if i % BATCH == BATCH - 1:
            time.sleep(PAUSE)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sink":
        sink(*sys.argv[2:])
    elif len(sys.argv) == 7 and sys.argv[1] == "send":
        send(*sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

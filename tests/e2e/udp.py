#!/usr/bin/python3
"""UDP for the end-to-end tests.

  udp.py serve PORT...             echo every datagram back, IPv4 and IPv6
  udp.py send SPORT DST DPORT [SIZE]
                                   send one datagram ("q", or SIZE bytes: past
                                   the MTU, the stack fragments it) from SPORT,
                                   wait up to 2 s for the echo; exit 0 when it
                                   came whole
The fixed source port lets a test send the same 5-tuple again after a clear.
"""
import selectors
import socket
import sys


def serve(ports):
    sel = selectors.DefaultSelector()
    for p in ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", int(p)))
        sel.register(s, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            data, peer = key.fileobj.recvfrom(65535)
            key.fileobj.sendto(data, peer)


def send(sport, dst, dport, size=1):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", int(sport)))
    s.settimeout(2)
    data = b"q" * int(size)
    s.sendto(data, (dst, int(dport)))
    try:
        got, _ = s.recvfrom(65535)
    except socket.timeout:
        return 1
    return 0 if got == data else 1


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "send":
        return send(*sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

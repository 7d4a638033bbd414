#!/usr/bin/env python3
"""Raises an interface's IPv4 GSO and GRO limits (IFLA_GSO_IPV4_MAX_SIZE,
IFLA_GRO_IPV4_MAX_SIZE) for BIG TCP: Debian's iproute2 6.1 predates the
gso_ipv4_max_size keyword, so the request is built here, from the standard
library. Runs in the namespace of the interface.

usage: big_tcp.py IFNAME BYTES"""
import os
import socket
import struct
import sys

RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
IFLA_GSO_IPV4_MAX_SIZE, IFLA_GRO_IPV4_MAX_SIZE = 63, 64


def attr(kind, value):
    return struct.pack("=HHI", 8, kind, value)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[-1])
    index = socket.if_nametoindex(sys.argv[1])
    size = int(sys.argv[2])
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, 0, 0)
    body += attr(IFLA_GSO_IPV4_MAX_SIZE, size) + attr(IFLA_GRO_IPV4_MAX_SIZE, size)
    msg = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
        s.sendto(msg + body, (0, 0))
        reply = s.recv(4096)
    kind = struct.unpack_from("=H", reply, 4)[0]
    err = struct.unpack_from("=i", reply, 16)[0] if kind == NLMSG_ERROR else 0
    if err:
        sys.exit("big_tcp.py: %s: %s" % (sys.argv[1], os.strerror(-err)))


if __name__ == "__main__":
    main()

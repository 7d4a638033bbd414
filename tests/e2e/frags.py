#!/usr/bin/python3
"""Crafted fragments for test_fragments.sh (scapy), run in a namespace.

  frags.py later DST N       N later fragments (offset 1480 for IPv4, 1448
                             for IPv6) of UDP datagrams whose first fragment
                             is never sent, each of its own datagram
  frags.py tiny DST DPORT    a TCP SYN cut into 8-byte fragments: the first
                             holds no flags, the others overlap its header
                             (RFC 1858)
"""
import sys

from scapy.all import IP, IPv6, IPv6ExtHdrFragment, TCP, Raw, conf, fragment, send

conf.verb = 0


def later(dst, n):
    pkts = []
    for i in range(int(n)):
        if ":" in dst:
            pkts.append(IPv6(dst=dst) / IPv6ExtHdrFragment(nh=17, offset=1448 // 8, m=0,
                                                           id=0x5f000 + i) / Raw(b"x" * 64))
        else:
            pkts.append(IP(dst=dst, proto=17, id=0x5f00 + i, frag=1480 // 8) / Raw(b"x" * 64))
    send(pkts)


def tiny(dst, dport):
    syn = IP(dst=dst, id=0x6f00) / TCP(sport=43000, dport=int(dport), flags="S")
    send(fragment(syn, fragsize=8))


def main():
    a = sys.argv[1:]
    if a[:1] == ["later"] and len(a) == 3:
        later(a[1], a[2])
    elif a[:1] == ["tiny"] and len(a) == 3:
        tiny(a[1], a[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

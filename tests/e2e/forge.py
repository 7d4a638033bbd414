#!/usr/bin/python3
"""Crafted packets (scapy) for the bypass tests, run in a namespace. Several
packets in one run: their commands separated by "+".

  forge.py udp DST DPORT SPORT SIZE     one UDP datagram of SIZE bytes in all
                                        (IP header included), DF clear
  forge.py icmp6 TYPE SRC DST HLIM      an ICMPv6 message of TYPE (ND, MLD:
                                        16 bytes of body) with that hop limit
  forge.py error DST QSRC QDST QSPORT QDPORT
                                        a port unreachable (ICMP or ICMPv6) to
                                        DST, quoting UDP QSRC:QSPORT -> QDST:QDPORT
  forge.py toobig6 DST QSRC QDST QSPORT QDPORT OFFSET
                                        an ICMPv6 Packet Too Big (MTU 1280) to
                                        DST, quoting a fragment (more to come) at
                                        OFFSET bytes of a UDP datagram QSRC ->
                                        QDST; at 0 it holds the ports
"""
import sys

from scapy.all import (ICMP, IP, UDP, ICMPv6DestUnreach, ICMPv6PacketTooBig, IPv6,
                       IPv6ExtHdrFragment, Raw, conf, send)

conf.verb = 0


def udp(dst, dport, sport, size):
    hdr = 48 if ":" in dst else 28
    ip = IPv6(dst=dst) if ":" in dst else IP(dst=dst, flags=0)
    send(ip / UDP(sport=int(sport), dport=int(dport)) / Raw(b"m" * (int(size) - hdr)))


def icmp6(typ, src, dst, hlim):
    # type, code, checksum (scapy fills it in), then 4 + 16 bytes of body
    body = bytes([int(typ), 0, 0, 0]) + bytes(4) + bytes(range(16))
    pkt = IPv6(src=src, dst=dst, hlim=int(hlim), nh=58) / Raw(body)
    pkt = IPv6(bytes(pkt))   # dissected again, so scapy computes the checksum
    del pkt[IPv6].payload.cksum
    send(pkt)


def error(dst, qsrc, qdst, qsport, qdport):
    quoted = UDP(sport=int(qsport), dport=int(qdport)) / Raw(b"q")
    if ":" in dst:
        send(IPv6(dst=dst) / ICMPv6DestUnreach(code=4) / IPv6(src=qsrc, dst=qdst) / quoted)
    else:
        send(IP(dst=dst) / ICMP(type=3, code=3) / IP(src=qsrc, dst=qdst) / quoted)


def toobig6(dst, qsrc, qdst, qsport, qdport, offset):
    frag = IPv6ExtHdrFragment(nh=17, offset=int(offset) // 8, m=1, id=0x5eed)
    body = UDP(sport=int(qsport), dport=int(qdport)) / Raw(b"q" * 8) if offset == "0" \
        else Raw(b"q" * 16)
    quoted = IPv6(src=qsrc, dst=qdst, nh=44) / frag / body
    send(IPv6(dst=dst) / ICMPv6PacketTooBig(mtu=1280) / quoted)


COMMANDS = {"udp": (udp, 4), "icmp6": (icmp6, 4), "error": (error, 5), "toobig6": (toobig6, 6)}


def main():
    cmds, cur = [], []
    for word in sys.argv[1:] + ["+"]:
        if word == "+":
            cmds.append(cur)
            cur = []
        else:
            cur.append(word)
    for c in cmds:
        if not c or c[0] not in COMMANDS or len(c) - 1 != COMMANDS[c[0]][1]:
            print(__doc__, file=sys.stderr)
            return 2
    for c in cmds:
        COMMANDS[c[0]][0](*c[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())

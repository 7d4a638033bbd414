#!/usr/bin/python3
"""Frames that carry IP without being IP at the Ethernet layer, for
test_encap.sh (scapy), sent from the client namespace's veth0 to the
firewall's MAC. Each IP datagram is UDP to the firewall's own DNS port.

  encap.py FW_MAC FW_ADDR mpls|pppoe-ip|pppoe-lcp|pppoe-padi
"""
import sys

from scapy.all import (IP, PPP, PPPoE, PPPoED, UDP, Ether, Raw, conf, sendp)
from scapy.contrib.mpls import MPLS

conf.verb = 0


def frame(kind, mac, fw):
    eth = Ether(dst=mac)
    ip = IP(dst=fw) / UDP(sport=40300, dport=53) / Raw(b"encap-smuggled")
    if kind == "mpls":
        return eth / MPLS(label=100, s=1, ttl=64) / ip
    if kind == "pppoe-ip":
        return eth / PPPoE(sessionid=0x42) / PPP(proto=0x0021) / ip
    if kind == "pppoe-lcp":   # an LCP echo request: negotiation, not IP
        return eth / PPPoE(sessionid=0x42) / PPP(proto=0xc021) / Raw(b"\x09\x01\x00\x08\x00\x00\x00\x00")
    if kind == "pppoe-padi":
        return eth / PPPoED(code=0x09, sessionid=0)
    return None


def main():
    a = sys.argv[1:]
    pkt = frame(a[2], a[0], a[1]) if len(a) == 3 else None
    if pkt is None:
        print(__doc__, file=sys.stderr)
        return 2
    sendp(pkt, iface="veth0")
    return 0


if __name__ == "__main__":
    sys.exit(main())

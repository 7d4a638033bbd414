#!/usr/bin/python3
"""Source-routed UDP for test_src_route.sh (scapy), run in the client
namespace. Each datagram is addressed to the firewall itself (which may
take DNS) and names the server as a hop still to visit: the firewall's
kernel, when it honours source routes, forwards it there.

  srcroute.py lsrr|ssrr FW SERVER PORT   IPv4 loose or strict source route
  srcroute.py srh FW SERVER PORT         IPv6 segment routing header, 1 left
"""
import sys

from scapy.all import (IP, IPv6, IPOption_LSRR, IPOption_SSRR, IPv6ExtHdrSegmentRouting,
                       UDP, Raw, conf, send)

conf.verb = 0


def main():
    a = sys.argv[1:]
    if len(a) != 4 or a[0] not in ("lsrr", "ssrr", "srh"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, fw, server, port = a[0], a[1], a[2], int(a[3])
    payload = Raw(("%s-smuggled|" % kind).encode())
    if kind == "srh":
        pkt = (IPv6(dst=fw) / IPv6ExtHdrSegmentRouting(addresses=[server, fw], segleft=1) /
               UDP(sport=40101, dport=port) / payload)
    else:
        opt = (IPOption_LSRR if kind == "lsrr" else IPOption_SSRR)(routers=[server])
        pkt = IP(dst=fw, options=[opt]) / UDP(sport=40100, dport=port) / payload
    send(pkt)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The ICMP errors a client got through source NAT, held against what it
sent, from one capture on the client's interface (tcpdump -w, with the
client's checksums complete: tx off), for tests/e2e/test_nat_paths.sh.

  icmp_quote.py FILE CLIENT FROM TYPE CODE

Every ICMP error of TYPE/CODE from FROM in FILE must be addressed to
CLIENT, its outer IP header, ICMP and quoted IP header checksums right,
and quote a packet CLIENT sent in FILE as it left the client: the quoted
IP header the sent one's but for TTL, checksum and length, the first 8
bytes past it the sent packet's (ports, and the UDP checksum or TCP
sequence; or the echo's checksum, identifier and sequence).
Prints "N quoted" and, for Fragmentation Needed, "mtu M" for each next-
hop MTU; exits 1 at the first error that fails, or when there is none.
"""
import socket
import struct
import sys



def checksum(b):
    """The Internet checksum of b: 0 when b holds its own right checksum."""
    if len(b) % 2:
        b += b"\0"
    n = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while n >> 16:
        n = (n & 0xffff) + (n >> 16)
    return ~n & 0xffff


def ipv4_frames(path):
    """The IPv4 packets of an Ethernet pcap (tcpdump -w), as bytes: read
    here, as scapy's import alone costs seconds."""
    with open(path, "rb") as f:
        data = f.read()
    order = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(order + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if frame[12:14] == b"\x08\x00":
            yield frame[14:]


def split(ip):
    """IP header and what follows it, cut to the total length."""
    ihl = (ip[0] & 15) * 4
    return ip[:ihl], ip[ihl:struct.unpack("!H", ip[2:4])[0]]


def same_header(q, s):
    """A quoted IPv4 header is the sent one's but for TTL (8), checksum
    (10..11) and total length (2..3): a router that got the segments
    merged by GRO quotes the merged length."""
    return (len(q) == len(s) and q[:2] == s[:2] and q[4:8] == s[4:8] and
            q[9:10] == s[9:10] and q[12:] == s[12:])


def check(path, client, sender, typ, code):
    client, sender = socket.inet_aton(client), socket.inet_aton(sender)
    sent, errors = [], []
    for ip in ipv4_frames(path):
        hdr, body = split(ip)
        if hdr[12:16] == client:
            sent.append((hdr, body))
        elif hdr[12:16] == sender and hdr[9] == 1 and body[:2] == bytes((typ, code)):
            errors.append((hdr, body))
    if not errors:
        sys.exit("icmp_quote: no ICMP %d/%d from %s" % (typ, code, socket.inet_ntoa(sender)))
    mtus = set()
    for n, (hdr, body) in enumerate(errors):
        what = "error %d" % n
        if hdr[16:20] != client:
            sys.exit("icmp_quote: %s is to %s, not the client" % (what, socket.inet_ntoa(hdr[16:20])))
        if checksum(hdr) or checksum(body):
            sys.exit("icmp_quote: %s: outer IP or ICMP checksum wrong" % what)
        quote = body[8:]
        qhdr = quote[:(quote[0] & 15) * 4]
        qrest = quote[len(qhdr):]
        if checksum(qhdr):
            sys.exit("icmp_quote: %s: the quoted IP header's checksum is wrong" % what)
        if qhdr[12:16] != client:
            sys.exit("icmp_quote: %s quotes a packet from %s" % (what, socket.inet_ntoa(qhdr[12:16])))
        if len(qrest) < 8 or not any(same_header(qhdr, s) and b[:8] == qrest[:8] for s, b in sent):
            near = [b[:8].hex() for s, b in sent if s[4:6] == qhdr[4:6]]
            sys.exit("icmp_quote: %s quotes no packet the client sent: %s past a header of id %s"
                     " (sent with that id: %s)" % (what, qrest[:8].hex(), qhdr[4:6].hex(), near or "none"))
        if (typ, code) == (3, 4):
            mtus.add(struct.unpack("!H", body[6:8])[0])
    print("%d quoted" % len(errors))
    for m in sorted(mtus):
        print("mtu %d" % m)


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    check(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Traffic for the drop-reason tests (test_drops_*.sh), run in a namespace.

  drops.py tcp-serve PORT              TCP echo server, IPv4 and IPv6
  drops.py syn DST DPORT N SPORT0      N SYNs (scapy) from ports SPORT0..SPORT0+N-1
  drops.py udp SRC DST DPORT SPORT     one UDP datagram (scapy), any source address
  drops.py udp-open DST DPORT SPORT... one datagram from each port (real
                                       sockets), then prints one line per port:
                                       "PORT echo" or "PORT none" (0.5 s wait)
  drops.py syn-flood DST DPORT N PREFIX  an established connection to DST/DPORT
                                       echoes between bursts of N SYNs (scapy)
                                       from sources PREFIX.10..PREFIX.250;
                                       prints "echoes K" for K good echoes
  drops.py window DST DPORT            after a real handshake, one segment 10^9
                                       past the window, then in-window data;
                                       prints "acked yes|no" (did the peer
                                       answer the bogus segment) and "echo ok"
Exit status 0 unless something unexpected failed; results are printed for
the shell to judge.
"""
import socket
import sys
import threading
import time

from scapy.all import IP, IPv6, TCP, UDP, AsyncSniffer, RandShort, conf, send

conf.verb = 0


def ip_layer(src, dst):
    return IPv6(src=src, dst=dst) if ":" in dst else IP(src=src, dst=dst) if src else \
        IP(dst=dst)


def tcp_serve(port):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("::", int(port)))
    srv.listen(64)

    def echo(c):
        with c:
            while True:
                data = c.recv(4096)
                if not data:
                    return
                c.sendall(data)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=echo, args=(c,), daemon=True).start()


def syn(dst, dport, n, sport0):
    pkts = [ip_layer(None, dst) / TCP(sport=int(sport0) + i, dport=int(dport), flags="S",
                                      seq=1000 + i) for i in range(int(n))]
    send(pkts)


def udp(src, dst, dport, sport):
    send(ip_layer(src, dst) / UDP(sport=int(sport), dport=int(dport)) / b"spoof")


def udp_open(dst, dport, sports):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    for sport in sports:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", int(sport)))
        s.settimeout(0.5)
        s.sendto(b"q", (dst, int(dport)))
        try:
            s.recvfrom(2048)
            print(sport, "echo")
        except socket.timeout:
            print(sport, "none")
        s.close()


def echo_once(c, tag):
    c.sendall(tag)
    got = b""
    while len(got) < len(tag):
        chunk = c.recv(len(tag) - len(got))
        if not chunk:
            break
        got += chunk
    return got == tag


def syn_flood(dst, dport, n, prefix):
    c = socket.create_connection((dst, int(dport)), timeout=2)
    good = 0
    srcs = ["%s.%d" % (prefix, 10 + i % 241) for i in range(int(n))]
    for burst in range(4):
        if echo_once(c, b"before-%d" % burst):
            good += 1
        pkts = [IP(src=s, dst=dst) / TCP(sport=RandShort(), dport=int(dport), flags="S")
                for s in srcs]
        send(pkts)
    if echo_once(c, b"after"):
        good += 1
    c.close()
    print("echoes", good)


def window(dst, dport):
    """The connection is real (the kernel's); its sequence numbers come from
    a capture of its own segments, so the bogus one is exact."""
    c = socket.create_connection((dst, int(dport)), timeout=2)
    lport = c.getsockname()[1]
    flt = "tcp and port %d and port %s" % (lport, dport)
    seen = []   # filled as packets arrive (results only exist after stop)
    sn = AsyncSniffer(filter=flt, store=False, prn=seen.append)
    sn.start()
    time.sleep(0.3)
    ok = echo_once(c, b"first")
    time.sleep(0.2)
    mine = [p for p in list(seen) if p[TCP].sport == lport and p[TCP].flags & 0x10]
    last = mine[-1]
    nxt = (last[TCP].seq + len(bytes(last[TCP].payload))) & 0xffffffff
    before = len(seen)
    bogus = ip_layer(None, dst) / TCP(sport=lport, dport=int(dport), flags="PA",
                                      seq=(nxt + 10**9) & 0xffffffff, ack=last[TCP].ack,
                                      window=last[TCP].window) / b"bogus"
    send(bogus)
    time.sleep(0.5)
    # the peer answers an out-of-window segment with an ACK of its own
    answered = any(p[TCP].dport == lport for p in list(seen)[before:])
    ok = echo_once(c, b"second") and ok
    sn.stop()
    c.close()
    print("acked", "yes" if answered else "no")
    print("echo", "ok" if ok else "failed")


def main():
    a = sys.argv[1:]
    if a[:1] == ["tcp-serve"] and len(a) == 2:
        tcp_serve(a[1])
    elif a[:1] == ["syn"] and len(a) == 5:
        syn(*a[1:])
    elif a[:1] == ["udp"] and len(a) == 5:
        udp(*a[1:])
    elif a[:1] == ["udp-open"] and len(a) >= 4:
        udp_open(a[1], a[2], a[3:])
    elif a[:1] == ["syn-flood"] and len(a) == 5:
        syn_flood(*a[1:])
    elif a[:1] == ["window"] and len(a) == 3:
        window(*a[1:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Traffic for the session-limit and flood tests, run in the client namespace.

  limits.py concurrent DST DPORT N   opens N TCP connections to DST/DPORT (each
                                     echoes once) and holds them; tries one
                                     more (2 s); closes the first one (FIN both
                                     ways); tries again (8 s: the closed one
                                     holds its count until its session is
                                     removed, after time-wait-state-timeout).
                                     Prints "held N",
                                     "extra refused|open", "after-close
                                     open|refused".
  limits.py deny-flood DST PORT0 N CONNS TCPPORT
                                     N UDP datagrams from one socket to ports
                                     PORT0.. (each a new flow: refused and
                                     logged), with CONNS whole TCP connections
                                     to DST/TCPPORT (closed with FINs) spread
                                     over the last sixth; prints "conns K"
Exit status 0 unless something unexpected failed; results are printed for
the shell to judge.
"""
import socket
import sys


def connect(dst, dport, timeout):
    try:
        c = socket.create_connection((dst, int(dport)), timeout=timeout)
    except OSError:
        return None
    c.sendall(b"ping")
    if c.recv(16) != b"ping":
        raise SystemExit("no echo")
    return c


def close_gracefully(c):
    """Our FIN, then the server's: the connection is finished both ways."""
    c.shutdown(socket.SHUT_WR)
    c.settimeout(3)
    while c.recv(4096):
        pass
    c.close()


def concurrent(dst, dport, n):
    held = [connect(dst, dport, 3) for _ in range(int(n))]
    if not all(held):
        raise SystemExit("could not open %s connections" % n)
    print("held", len(held))
    extra = connect(dst, dport, 2)
    print("extra", "open" if extra else "refused")
    if extra:
        extra.close()
    close_gracefully(held.pop(0))
    again = connect(dst, dport, 8)
    print("after-close", "open" if again else "refused")
    for c in held + ([again] if again else []):
        close_gracefully(c)


def deny_flood(dst, port0, n, conns, tcp_port):
    n, conns = int(n), int(conns)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # most of the flood first, so the rest of it and the connections
    # meet rings that a deny flood has filled already
    first = n - n // 6
    every = max(1, (n - first) // max(conns, 1))
    done = 0
    for i in range(n):
        u.sendto(b"d", (dst, int(port0) + i))
        if i >= first and (i - first) % every == 0 and done < conns:
            c = connect(dst, tcp_port, 3)
            if not c:
                raise SystemExit("a permitted connection failed during the flood")
            close_gracefully(c)
            done += 1
    while done < conns:
        close_gracefully(connect(dst, tcp_port, 3))
        done += 1
    print("conns", done)


def main():
    a = sys.argv[1:]
    if a[:1] == ["concurrent"] and len(a) == 4:
        concurrent(*a[1:])
    elif a[:1] == ["deny-flood"] and len(a) == 6:
        deny_flood(*a[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Traffic for the session-limit and flood tests, run in the client namespace.

  limits.py concurrent DST DPORT N   opens N TCP connections to DST/DPORT (each
                                     echoes once) and holds them; tries one
                                     more (2 s); closes the first one (FIN both
                                     ways); tries again. Prints "held N",
                                     "extra refused|open", "after-close
                                     open|refused".
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
    again = connect(dst, dport, 3)
    print("after-close", "open" if again else "refused")
    for c in held + ([again] if again else []):
        close_gracefully(c)


def main():
    a = sys.argv[1:]
    if a[:1] == ["concurrent"] and len(a) == 4:
        concurrent(*a[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A TCP upload, for tests/e2e/test_nat_paths.sh.

  upload.py serve PORT            read each connection to its end, answer
                                  the number of bytes read, close
  upload.py send DST PORT BYTES SECONDS
                                  send BYTES to DST:PORT and wait for the
                                  count; exit 0 when it is BYTES within
                                  SECONDS, 1 otherwise
Full-sized segments with DF set, as the stack sends them: a link on the
way with a smaller MTU needs its Fragmentation Needed to reach the sender.
"""
import socket
import struct
import sys
import time


def serve(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", int(port)))
    ls.listen(8)
    while True:
        c, _ = ls.accept()
        c.settimeout(30)
        n = 0
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                n += len(b)
            c.sendall(b"%d\n" % n)
        except OSError:
            pass
        c.close()


def abort(s):
    """Closes with a reset and drops what is unsent: an orphaned socket
    would go on retransmitting full-sized segments after we exit, and one
    of its Fragmentation Needed, arriving once the black hole is gone,
    would teach the route its mtu before the next upload's capture."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def send(dst, port, size, seconds):
    size, end = int(size), time.monotonic() + float(seconds)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(float(seconds))
    try:
        s.connect((dst, int(port)))
        s.sendall(b"x" * size)
        s.shutdown(socket.SHUT_WR)
        got = b""
        while not got.endswith(b"\n"):
            s.settimeout(max(0.01, end - time.monotonic()))
            b = s.recv(64)
            if not b:
                break
            got += b
    except OSError as e:
        print("upload: %s" % e, file=sys.stderr)
        abort(s)
        return 1
    print("upload: the server read %s" % got.decode().strip(), file=sys.stderr)
    if got != b"%d\n" % size:
        abort(s)
        return 1
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        return send(*sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

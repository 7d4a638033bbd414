#!/usr/bin/python3
"""Helpers for test_ageing.sh.

  ageing.py syslog SOCKET OUT        a syslog: each datagram on the unix
                                     socket becomes a line of OUT
  ageing.py flood DST PORT SECONDS N SYNs from spoofed sources on the
                                     client's subnet, each its own session,
                                     for SECONDS and at least N of them
  ageing.py syns DST PORT N          N such SYNs, N distinct sessions
  ageing.py daemons SFW PIN_ROOT     pids of `SFW daemon` processes for
                                     that pin root, one per line
"""
import os
import random
import socket
import sys
import time


def syslog(path, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    with open(out, "ab", buffering=0) as f:
        while True:
            f.write(s.recv(65536) + b"\n")


def flood(dst, port, secs, least):
    from scapy.all import IP, TCP, send
    end, sent = time.time() + secs, 0
    while time.time() < end or sent < least:
        send([IP(src="198.51.100.%d" % random.randint(10, 250), dst=dst) /
              TCP(sport=random.randint(1024, 65535), dport=port, flags="S",
                  seq=random.randint(0, 2**32 - 1)) for _ in range(50)], verbose=0)
        sent += 50


def syns(dst, port, n):
    from scapy.all import IP, TCP, send
    send([IP(src="198.51.100.%d" % (10 + i % 200), dst=dst) /
          TCP(sport=10000 + i, dport=port, flags="S") for i in range(n)], verbose=0)


def daemons(sfw, root):
    sfw = os.path.realpath(sfw)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
            env = open("/proc/%s/environ" % pid, "rb").read().split(b"\0")
            exe = os.path.realpath("/proc/%s/exe" % pid)
        except OSError:
            continue
        if (exe == sfw and argv[1:2] == [b"daemon"] and
                b"SFW_PIN_ROOT=" + root.encode() in env):
            print(pid)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "syslog":
        syslog(args[0], args[1])
    elif cmd == "flood":
        flood(args[0], int(args[1]), float(args[2]), int(args[3]))
    elif cmd == "syns":
        syns(args[0], int(args[1]), int(args[2]))
    elif cmd == "daemons":
        daemons(args[0], args[1])
    else:
        sys.exit("ageing.py: unknown command " + cmd)

#!/usr/bin/python3
"""Prints the pinned session table one line per session, straight from the
map (bpftool's BTF-typed JSON), independent of sfw's own CLI:

  <proto> <src>/<sport> <dst>/<dport> in=<pkts>/<bytes>@<ifindex> out=<pkts>/<bytes>@<ifindex> tcp=<state> flags=<hex> id=<id>

src/dst are the In wing's (the opener's) source and destination.
"""
import ipaddress
import json
import os
import subprocess
import sys

TCP_STATES = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
              "CLOSE_WAIT", "TIME_WAIT", "CLOSED"]
OPENER_LO = 0x01


def addr(a, family):
    raw = bytes(a["bytes"])
    return str(ipaddress.ip_address(raw[:4] if family == 4 else raw))


def port(p):
    return int.from_bytes(p.to_bytes(2, "little"), "big")  # __be16 read as host


def main():
    root = os.environ.get("SFW_PIN_ROOT", "/sys/fs/bpf/sfw")
    out = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", root + "/sfw_sessions"],
                         check=True, capture_output=True, text=True).stdout
    for e in json.loads(out or "[]"):
        e = e.get("formatted", e)   # -j puts the BTF-typed view there
        k, v = e["key"], e["value"]
        fam = k["family"]
        lo = (addr(k["addr_lo"], fam), port(k["port_lo"]))
        hi = (addr(k["addr_hi"], fam), port(k["port_hi"]))
        src, dst = (lo, hi) if v["flags"] & OPENER_LO else (hi, lo)
        w_in, w_out = v["wing"]
        print(f'{k["proto"]} {src[0]}/{src[1]} {dst[0]}/{dst[1]} '
              f'in={w_in["packets"]}/{w_in["bytes"]}@{w_in["ifindex"]} '
              f'out={w_out["packets"]}/{w_out["bytes"]}@{w_out["ifindex"]} '
              f'tcp={TCP_STATES[v["tcp_state"]]} flags={v["flags"]:#x} id={v["id"]}')


if __name__ == "__main__":
    sys.exit(main())

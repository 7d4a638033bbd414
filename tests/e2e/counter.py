#!/usr/bin/python3
"""Prints one per-interface counter, summed over CPUs, read from the pinned
sfw_iface_stats map with bpftool (not through sfw):

  counter.py IFNAME COUNTER_ID     e.g. counter.py veth0 SFW_ERR_TCP_NO_SYN

The counter's index is its place in SFW_COUNTER_LIST (include/counters.h);
run it in the firewall namespace so IFNAME resolves there.
"""
import json
import os
import re
import socket
import subprocess
import sys

HEADER = os.path.join(os.path.dirname(__file__), "../../include/counters.h")


def counter_index(name):
    with open(HEADER) as f:
        text = f.read()
    body = text[text.index("#define SFW_COUNTER_LIST"):]
    body = body[:body.index("\n\n")]
    ids = re.findall(r"X\((\w+),", body)
    return ids.index(name)


def main():
    ifname, name = sys.argv[1], sys.argv[2]
    idx, ifindex = counter_index(name), socket.if_nametoindex(ifname)
    root = os.environ.get("SFW_PIN_ROOT", "/sys/fs/bpf/sfw")
    out = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", root + "/sfw_iface_stats"],
                         check=True, capture_output=True, text=True).stdout
    total = 0
    for e in json.loads(out or "[]"):
        if int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little") != ifindex:
            continue
        for cpu in e["values"]:
            raw = bytes(int(b, 16) for b in cpu["value"])
            total += int.from_bytes(raw[idx * 8:idx * 8 + 8], "little")
    print(total)


if __name__ == "__main__":
    sys.exit(main())

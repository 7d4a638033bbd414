#!/usr/bin/python3
"""Prints one per-interface counter, summed over CPUs, read from the pinned
sfw_iface_stats array at the interface's slot in sfw_ifaces, with bpftool
(not through sfw):

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


def dump(root, name):
    out = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", root + "/" + name],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out or "[]")


def key_of(entry):
    return int.from_bytes(bytes(int(b, 16) for b in entry["key"]), "little")


def slot_of(root, ifindex):
    """The interface's counter slot (include/iface.h), from sfw_ifaces."""
    for e in dump(root, "sfw_ifaces"):
        if e["formatted"]["key"]["ifindex"] == ifindex:
            return e["formatted"]["value"]["slot"]
    return 0


def main():
    ifname, name = sys.argv[1], sys.argv[2]
    idx, ifindex = counter_index(name), socket.if_nametoindex(ifname)
    root = os.environ.get("SFW_PIN_ROOT", "/sys/fs/bpf/sfw")
    slot = slot_of(root, ifindex)
    total = 0
    for e in dump(root, "sfw_iface_stats") if slot else []:
        if key_of(e) != slot:
            continue
        for cpu in e["values"]:
            raw = bytes(int(b, 16) for b in cpu["value"])
            total += int.from_bytes(raw[idx * 8:idx * 8 + 8], "little")
    print(total)


if __name__ == "__main__":
    sys.exit(main())

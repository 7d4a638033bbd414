#!/usr/bin/python3
"""Helpers of the stress scenarios' shell scripts (docs/reliability.md,
"Stress"): real TCP connections that carry traffic through sfw, session
snapshots compared, and interface counters read straight from the pinned
map with bpftool (independent of sfw's own CLI).

  stress.py serve PORT                 echo server, until killed
  stress.py hold HOST PORT N DIR       N connections; DIR/ready once all are
                                       up; echo rounds until DIR/stop exists
                                       (none while DIR/pause does: DIR/paused
                                       says the last one is done); then a
                                       last round, DIR/result.json
  stress.py compare BEFORE AFTER       lost sessions, counters that went back,
                                       between two `sessions snap` files
  stress.py log FILE                   a JSON-lines session log: CREATE events,
                                       distinct session ids, lines that do not
                                       parse (a torn write), as JSON
  stress.py counters IFNAME            the interface's counters as JSON, by id
                                       (include/counters.h), and "outcomes":
                                       their sum over every outcome counter
"""
import json
import os
import re
import resource
import selectors
import socket
import subprocess
import sys
import time

MSG = b"x" * 32


def more_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


def serve(port):
    more_files()
    sel = selectors.DefaultSelector()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", int(port)))
    ls.listen(4096)
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                continue
            try:
                s.sendall(data)
            except OSError:
                pass


def echo_round(conns, alive, timeout):
    """Sends MSG on every live connection and waits for every echo."""
    sel = selectors.DefaultSelector()
    want = {}
    for i, c in enumerate(conns):
        if not alive[i]:
            continue
        try:
            c.sendall(MSG)
            want[i] = len(MSG)
            sel.register(c, selectors.EVENT_READ, i)
        except OSError:
            alive[i] = False
    end = time.time() + timeout
    while want and time.time() < end:
        for key, _ in sel.select(max(0.0, end - time.time())):
            i = key.data
            try:
                got = len(key.fileobj.recv(65536))
            except OSError:
                got = 0
            if got == 0:
                alive[i] = False
                want.pop(i, None)
                sel.unregister(key.fileobj)
                continue
            want[i] -= got
            if want[i] <= 0:
                want.pop(i)
                sel.unregister(key.fileobj)
    for i in want:
        alive[i] = False
    sel.close()


def hold(host, port, n, ctl):
    more_files()
    conns, alive = [], []
    for _ in range(int(n)):
        c = socket.create_connection((host, int(port)), timeout=10)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.settimeout(None)
        conns.append(c)
        alive.append(True)
    echo_round(conns, alive, 10)
    open(os.path.join(ctl, "ready"), "w").write("%d\n" % sum(alive))
    rounds = 1
    lost_at = []
    while not os.path.exists(os.path.join(ctl, "stop")):
        if os.path.exists(os.path.join(ctl, "pause")):   # a quiet moment to count in
            open(os.path.join(ctl, "paused"), "w").close()
            time.sleep(0.02)
            continue
        before = sum(alive)
        echo_round(conns, alive, 5)
        rounds += 1
        if sum(alive) < before:
            lost_at.append(rounds)
        time.sleep(0.05)
    echo_round(conns, alive, 10)
    result = {"opened": len(conns), "alive": sum(alive), "rounds": rounds + 1,
              "rounds_with_losses": lost_at,
              "ports": [c.getsockname()[1] for c in conns]}
    for c in conns:
        c.close()
    json.dump(result, open(os.path.join(ctl, "result.json"), "w"))


def compare(before, after):
    a, b = json.load(open(before)), json.load(open(after))
    lost = [i for i in a if i not in b or b[i]["key"] != a[i]["key"]]
    reset = [i for i in a if i in b and
             any(b[i][f][w] < a[i][f][w] for f in ("pkts", "bytes") for w in (0, 1))]
    grew = [i for i in a if i in b and sum(b[i]["pkts"]) > sum(a[i]["pkts"])]
    invalid = [i for i in a if i in b and b[i]["state"] != 0]
    print(json.dumps({"before": len(a), "kept": len(a) - len(lost), "lost": len(lost),
                      "counters_back": len(reset), "counted_more": len(grew),
                      "invalidated": len(invalid)}))


def log(path):
    creates, ids, torn = 0, set(), 0
    with open(path, "rb") as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                torn += 1
                continue
            if e.get("event") == "RT_FLOW_SESSION_CREATE":
                creates += 1
                ids.add(e.get("session-id"))
    print(json.dumps({"creates": creates, "unique": len(ids), "torn": torn}))


HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../include/counters.h")


def counter_ids():
    """(id, group) in SFW_COUNTER_LIST order."""
    text = open(HEADER).read()
    body = text[text.index("#define SFW_COUNTER_LIST"):]
    body = body[:body.index("\n\n")]
    return re.findall(r"X\((\w+),\s*(\w+),", body)


def is_outcome(cid, group):
    """As tests/bpf/test_conservation.c: drop reasons, permitted, untracked."""
    return group == "SFW_GRP_FLOW_ERR" or (group == "SFW_GRP_SFW" and
                                           cid != "SFW_FAILED_SESSIONS")


def dump(root, name):
    out = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", root + "/" + name],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out or "[]")


def slot_of(root, ifindex):
    """The interface's counter slot (include/iface.h), from sfw_ifaces:
    counters sit in an array at that slot, not at the ifindex."""
    for e in dump(root, "sfw_ifaces"):
        if e["formatted"]["key"]["ifindex"] == ifindex:
            return e["formatted"]["value"]["slot"]
    return 0


def counters(ifname):
    ids = counter_ids()
    root = os.environ.get("SFW_PIN_ROOT", "/sys/fs/bpf/sfw")
    slot = slot_of(root, socket.if_nametoindex(ifname))
    total = [0] * len(ids)
    for e in dump(root, "sfw_iface_stats") if slot else []:
        if int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little") != slot:
            continue
        for cpu in e["values"]:
            raw = bytes(int(b, 16) for b in cpu["value"])
            for i in range(len(ids)):
                total[i] += int.from_bytes(raw[i * 8:i * 8 + 8], "little")
    res = {cid: total[i] for i, (cid, _) in enumerate(ids)}
    res["outcomes"] = sum(total[i] for i, (cid, g) in enumerate(ids) if is_outcome(cid, g))
    print(json.dumps(res))


def main():
    cmds = {"serve": serve, "hold": hold, "compare": compare, "counters": counters, "log": log}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    cmds[sys.argv[1]](*sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())

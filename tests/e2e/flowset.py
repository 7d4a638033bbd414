#!/usr/bin/python3
"""Reads `sfw show security flow session ...` output and prints one line per
session, "<proto> <src>/<sport> <dst>/<dport>" of its In wing, sorted, so a
test compares sets of sessions without caring about ids or order.

  flowset.py text FILE   brief or extensive text; checks "Total sessions: n"
                         closes it and equals the number of sessions
  flowset.py json FILE   the --json shape; checks displayed-session-count
  flowset.py ids FILE    (json) "<session-identifier> <line>" per session
  flowset.py full FILE   (json) sessions.py's line without tcp= and flags=:
                         "<proto-number> <src>/<sport> <dst>/<dport>
                         in=<pkts>/<bytes>@<ifindex> out=... id=<id>"
                         (run it in the firewall namespace: names to indexes)
Exits 1 with a reason on stderr when the output is malformed.
"""
import json
import re
import socket
import sys

WING = re.compile(r"^\s+In: (\S+)/(\d+) --> (\S+)/(\d+);(\w+),")


def die(msg):
    print(f"flowset: {msg}", file=sys.stderr)
    sys.exit(1)


def from_text(text):
    lines = text.rstrip("\n").split("\n")
    m = re.fullmatch(r"Total sessions: (\d+)", lines[-1]) if lines else None
    if not m:
        die(f"text does not end with 'Total sessions: n': {lines[-1:]}")
    out = []
    for ln in lines:
        w = WING.match(ln)
        if w:
            src, sport, dst, dport, proto = w.groups()
            out.append(f"{proto} {src}/{sport} {dst}/{dport}")
    heads = sum(1 for ln in lines if ln.startswith("Session ID: "))
    if heads != len(out) or int(m.group(1)) != len(out):
        die(f"{heads} session heads, {len(out)} In wings, total {m.group(1)}")
    return out


def sessions_json(text):
    try:
        info = json.loads(text)["flow-session-information"]
    except (ValueError, KeyError) as e:
        die(f"bad JSON: {e}")
    sess = info.get("flow-session", [])
    if info.get("displayed-session-count") != len(sess):
        die(f"displayed-session-count {info.get('displayed-session-count')} "
            f"for {len(sess)} sessions")
    return sess


def line_of(s):
    w = [f for f in s["flow-information"] if f["direction"] == "In"]
    if len(w) != 1 or len(s["flow-information"]) != 2:
        die(f"session {s.get('session-identifier')}: wings {s['flow-information']}")
    w = w[0]
    return (f'{w["protocol"]} {w["source-address"]}/{w["source-port"]} '
            f'{w["destination-address"]}/{w["destination-port"]}')


def full_line(s):
    w = {f["direction"]: f for f in s["flow-information"]}
    i, o = w["In"], w["Out"]

    def wing(f):
        return f'{f["pkt-cnt"]}/{f["byte-cnt"]}@{socket.if_nametoindex(f["interface-name"])}'
    return (f'{i["protocol-number"]} {i["source-address"]}/{i["source-port"]} '
            f'{i["destination-address"]}/{i["destination-port"]} '
            f'in={wing(i)} out={wing(o)} id={s["session-identifier"]}')


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("text", "json", "ids", "full"):
        die("usage: flowset.py text|json|ids|full FILE")
    with open(sys.argv[2]) as f:
        text = f.read()
    if sys.argv[1] == "text":
        out = from_text(text)
    elif sys.argv[1] == "json":
        out = [line_of(s) for s in sessions_json(text)]
    elif sys.argv[1] == "ids":
        out = [f'{s["session-identifier"]} {line_of(s)}' for s in sessions_json(text)]
    else:
        out = [full_line(s) for s in sessions_json(text)]
    for ln in sorted(out):
        print(ln)


if __name__ == "__main__":
    main()

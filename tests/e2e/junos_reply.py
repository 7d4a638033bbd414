#!/usr/bin/python3
"""Reads sfw's `| display xml` and `| display json` replies and checks them
against real Junos replies (tests/fixtures/junos/).

  junos_reply.py flows xml|json FILE
      one line per session, "<proto> <src>/<sport> <dst>/<dport>" of its In
      wing, sorted (flowset.py's lines); checks displayed-session-count
  junos_reply.py structure FILE FIXTURE...
      FILE is well-formed XML whose every element path (namespaces and
      attributes aside) a fixture has, with the children of each path in
      the fixtures' order; prints the fixture paths FILE lacks
  junos_reply.py same-tree XMLFILE JSONFILE
      the JSON is the Junos JSON of the XML: the same elements, in the same
      order, leaves under "data", attributes under "attributes" (the text
      of the leaves that count down between two runs aside)
  junos_reply.py fields FILE ENTRY LEAF...
      FILE is well-formed XML; one line per ENTRY element (namespaces
      aside), the text of its first descendant of each LEAF joined by "="
      (empty when it has none)
Exits 1 with a reason on stderr.
"""
import json
import sys
import xml.etree.ElementTree as ET

# leaves whose values move between the XML run and the JSON run
MOVING = {"timeout", "duration", "pkt-cnt", "byte-cnt", "port-sequence", "fin-sequence",
          "fin-state", "flag", "session-flag", "sess-state"}


def die(msg):
    print(f"junos_reply: {msg}", file=sys.stderr)
    sys.exit(1)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def parse_xml(path):
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        die(f"{path}: not well-formed XML: {e}")


def paths(elem, prefix, out, orders):
    """Element paths under elem, and each element's children in order."""
    kids = []
    for k in elem:
        name = local(k.tag)
        p = f"{prefix}/{name}" if prefix else name
        out.add(p)
        if name not in kids:
            kids.append(name)
        paths(k, p, out, orders)
    orders.append((prefix, kids))


def tree_of(path, prefixes=()):
    """Paths and orders of a reply; an excerpt (its root not rpc-reply)
    sits at each full path of its root's name in `prefixes`."""
    root = parse_xml(path)
    out, orders = set(), []
    if local(root.tag) == "rpc-reply":
        paths(root, "", out, orders)
        return out, orders
    name = local(root.tag)
    for full in [p for p in prefixes if p == name or p.endswith("/" + name)]:
        out.add(full)
        paths(root, full, out, orders)
    return out, orders


def structure(path, fixtures):
    mine, my_orders = tree_of(path)
    known, orders = set(), []
    for fx in sorted(fixtures, key=lambda f: local(parse_xml(f).tag) != "rpc-reply"):
        p, o = tree_of(fx, known)
        known |= p
        orders += o
    unknown = sorted(mine - known)
    if unknown:
        die(f"{path}: elements no real reply has: {unknown}")
    # no two children in an order some real reply contradicts
    for parent, kids in my_orders:
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                for fp, ref in orders:
                    if fp == parent and a in ref and b in ref and ref.index(b) < ref.index(a):
                        die(f"{path}: under {parent or 'rpc-reply'}: {a} before {b}; "
                            f"real replies: {ref}")
    for p in sorted(known - mine):
        print(p)


def xml_sessions(root):
    out, count = [], 0
    for info in root.iter():
        if local(info.tag) != "flow-session-information":
            continue
        c = [k for k in info if local(k.tag) == "displayed-session-count"]
        sess = [k for k in info if local(k.tag) == "flow-session"]
        if len(c) != 1 or int(c[0].text) != len(sess):
            die(f"displayed-session-count {[x.text for x in c]} for {len(sess)} sessions")
        count += len(sess)
        for s in sess:
            wings = [w for w in s if local(w.tag) == "flow-information"]
            ins = [w for w in wings if w.findtext("{*}direction", w.findtext("direction")) == "In"]
            if len(wings) != 2 or len(ins) != 1:
                die(f"session {s.findtext('{*}session-identifier')}: wings {len(wings)}")
            f = {local(e.tag): e.text or "" for e in ins[0]}
            out.append(f'{f["protocol"]} {f["source-address"]}/{f["source-port"]} '
                       f'{f["destination-address"]}/{f["destination-port"]}')
    return out


def to_xml(name, pairs):
    """Junos JSON back to an element: the inverse of its rules. Members come
    as pairs: siblings of one name that are not adjacent repeat the key, as
    Junos writes them."""
    obj = dict(pairs)
    e = ET.Element(name, dict(obj.get("attributes", [])))
    if "data" in obj:
        e.text = obj["data"]
    for k, v in pairs:
        if k in ("attributes", "data"):
            continue
        if not isinstance(v, list) or not all(isinstance(x, list) for x in v):
            die(f"{name}/{k}: not an array of objects")
        for x in v:
            e.append(to_xml(k, x))
    return e


def json_root(path):
    with open(path) as f:
        try:
            top = json.load(f, object_pairs_hook=list)
        except ValueError as e:
            die(f"{path}: not JSON: {e}")
    return to_xml("rpc-reply", top)


def flat(elem, prefix="", parent_ns=None):
    """(path, attributes, text) of every element below elem, in order. A
    namespace is the xmlns attribute where it changes, as JSON writes it."""
    out = []
    for k in elem:
        name = local(k.tag)
        ns = k.tag[1:].split("}")[0] if k.tag.startswith("{") else parent_ns
        attrs = {a.rsplit("}", 1)[-1].rsplit(":", 1)[-1]: v for a, v in k.attrib.items()}
        if ns and ns != parent_ns and "xmlns" not in attrs:
            attrs["xmlns"] = ns
        p = f"{prefix}/{name}"
        text = None if name in MOVING or len(k) else (k.text or "").strip()
        out.append((p, tuple(sorted(attrs.items())), text))
        out.extend(flat(k, p, attrs.get("xmlns", ns)))
    return out


def same_tree(xml_path, json_path):
    x = parse_xml(xml_path)
    for cli in [k for k in x if local(k.tag) == "cli"]:
        x.remove(cli)     # the CLI's banner: XML only
    j = json_root(json_path)
    a, b = flat(x), flat(j)
    if a != b:
        for i, (p, q) in enumerate(zip(a, b)):
            if p != q:
                die(f"element {i}: XML {p}, JSON {q}")
        die(f"XML has {len(a)} elements, JSON {len(b)}")


def fields(path, entry, leaves):
    for e in parse_xml(path).iter():
        if local(e.tag) != entry:
            continue
        vals = []
        for leaf in leaves:
            hit = next((d for d in e.iter() if local(d.tag) == leaf), None)
            vals.append((hit.text or "") if hit is not None else "")
        print("=".join(vals))


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "flows" and a[1] in ("xml", "json"):
        root = parse_xml(a[2]) if a[1] == "xml" else json_root(a[2])
        for ln in sorted(xml_sessions(root)):
            print(ln)
    elif len(a) >= 3 and a[0] == "structure":
        structure(a[1], a[2:])
    elif len(a) == 3 and a[0] == "same-tree":
        same_tree(a[1], a[2])
    elif len(a) >= 4 and a[0] == "fields":
        fields(a[1], a[2], a[3:])
    else:
        die("usage: junos_reply.py flows xml|json FILE | structure FILE FIXTURE... | "
            "same-tree XML JSON | fields FILE ENTRY LEAF...")


if __name__ == "__main__":
    main()

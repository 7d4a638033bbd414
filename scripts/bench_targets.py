#!/usr/bin/env python3
"""Each figure of a `make bench` run against its issue-15 target (and issue
14's source NAT figures).

Reads the JSON the benchmarks wrote in BUILD/bench (and the load average
scripts/bench.sh noted around each one), prints one line per figure:
measured ratio, target, PASS or how far short, load; and writes the rows
for scripts/bench_plot.sh to DAT (label, measured / target normalised so
that 1 is the target whichever way it points, the measured ratio).

Every ratio is between figures of the same run (docs/performance.md).
A benchmark that did not run, or was skipped for memory, gives "not run".
"""
import json
import os
import sys

ATLEAST, ATMOST = ">=", "<="


def load(d, name):
    try:
        with open(os.path.join(d, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def loadavg(d, name):
    try:
        with open(os.path.join(d, name + ".load")) as f:
            return f.read().split()
    except OSError:
        return None


def established(rows, cost, sizes, item):
    """Worst of IPv4/IPv6 per protocol and table size (xdp_cost)."""
    for size in sizes:
        for proto in ("tcp", "udp"):
            got = [r for r in (cost or {}).get("results", [])
                   if r["live_sessions"] == size and r["case"].startswith(proto)]
            label = "established %s at %s sessions, sfw / floor" % (proto.upper(), f"{size:,}")
            worst = max((r["ratio_to_floor"] for r in got), default=None)
            rows.append((item, label, worst, 1.5, ATMOST, "xdp_cost"))


def cli(rows, res, item, size, bench):
    ops = {r["operation"]: r for r in (res or {}).get("results", [])}
    names = [("summary", "summary, conntrack -C / sfw", 1.0),
             ("summary (stats)", "summary, conntrack -S / sfw", 1.0),
             ("full listing, text", "text listing, conntrack / sfw", 5.0),
             ("full listing, json", "JSON listing, conntrack / sfw", 5.0),
             ("filtered listing", "filtered listing, conntrack / sfw", 5.0),
             ("filtered clear 10%", "filtered clear 10%, conntrack / sfw", 5.0)]
    for op, label, target in names:
        if size > 1000000 and op.startswith("summary"):
            continue
        r = ops.get(op)
        rows.append((item, "%s at %s" % (label, f"{size:,}"), r and r["speedup"], target,
                     ATLEAST, bench))


def snat(rows, res):
    """Issue 14: source NAT against nftables masquerade (bench/snat.c). A
    new-session figure with more than 1% refused is a failure, not a rate."""
    r = (res or {}).get("ratios", {})
    rows.append(("14", "SNAT forwarding, sfw / nftables masquerade",
                 r.get("snat_forward_sfw_over_nft"), 3.0, ATLEAST, "snat"))
    new = r.get("snat_new_sfw_over_nft")
    if res and res.get("refused_over_limit"):
        pct = res.get("refused_pct", {})
        new = "FAIL: refused sfw %.2f%%, nft %.2f%% (> 1%%)" % (pct.get("sfw", -1),
                                                                 pct.get("nft", -1))
    rows.append(("14", "new translated sessions/s, sfw / nftables masquerade", new, 3.0,
                 ATLEAST, "snat"))
    # the same figures by CPU time on the generator's CPU, which the load
    # stretches far less than the rates (bench/snat.c): context, not judged
    cpu = (res or {}).get("cpu_ratios", {})
    rows.append(("14", "  context: SNAT forwarding by CPU time, nftables / sfw",
                 cpu.get("snat_forward_nft_over_sfw"), None, None, "snat"))
    rows.append(("14", "  context: new translated sessions by CPU time, nft / sfw",
                 cpu.get("snat_new_nft_over_sfw"), None, None, "snat"))


def collect(d):
    rows = []
    fwd = load(d, "forwarding") or {}
    r = fwd.get("ratios", {})
    scale = r.get("scale_2cpu_over_1cpu", {})
    rows.append(("1", "forwarding, sfw / bare XDP forwarder", r.get("forward_sfw_over_bare"),
                 0.85, ATLEAST, "forwarding"))
    rows.append(("1", "firewall's own time, (nft - Linux) / (sfw - bare)",
                 r.get("own_time_nft_over_sfw"), 5.0, ATLEAST, "forwarding"))
    cost = load(d, "xdp_cost")
    established(rows, cost, (1000, 1000000), "2")
    rows.append(("3", "new sessions/s, sfw / nf_conntrack", r.get("new_sfw_over_conntrack"),
                 3.0, ATLEAST, "forwarding"))
    snat(rows, load(d, "snat"))
    mem = load(d, "session_memory")
    rows.append(("4", "memory per session, sfw / nf_conntrack", mem and mem.get("ratio"), 0.5,
                 ATMOST, "session_memory"))
    cli(rows, load(d, "cli_scale"), "5", 1000000, "cli_scale")
    rows.append(("6", "forwarding, 2 CPUs / 1 CPU (sfw)", scale.get("sfw"), 1.8, ATLEAST,
                 "forwarding"))
    rows.append(("6", "new sessions/s, 2 CPUs / 1 CPU (sfw)", scale.get("sfw_new"), 1.8, ATLEAST,
                 "forwarding"))
    for key, label in (("ceiling", "generator alone"), ("bare", "bare forwarder"),
                       ("none", "Linux forwarding"), ("nft", "nftables conntrack")):
        rows.append(("6", "  context: %s, 2 CPUs / 1 CPU" % label, scale.get(key), None, None,
                     "forwarding"))
    if cost and cost.get("big_table") == "measured":
        established(rows, cost, (10000000,), "7")
    else:
        rows.append(("7", "established at 10,000,000 sessions", None, 1.5, ATMOST, "xdp_cost"))
    cli(rows, load(d, "cli_scale_10m"), "7", 10000000, "cli_scale_10m")
    return rows


def isnum(got):
    return isinstance(got, (int, float)) and not isinstance(got, bool)


def verdict(got, target, way):
    if got is None:
        return "not run"
    if isinstance(got, str):
        return got
    if target is None:
        return ""
    if way == ATLEAST:
        return "PASS" if got >= target else "short: needs %.3fx more" % (target / got)
    return "PASS" if got <= target else "short: %.3fx over" % (got / target)


def main():
    d = sys.argv[1]
    dat = sys.argv[2] if len(sys.argv) > 2 else None
    rows = collect(d)
    print("issue 15 targets (item 14: issue 14's source NAT), this run (ratios of figures measured in the same run; load: "
          "1-minute load average at the benchmark's start / end)")
    slow = [b for b in ("forwarding", "snat")
            if (load(d, b) or {}).get("generator") == "packet socket"]
    if slow:
        print("note: %s: live frames were refused here, so the frames were sent by a packet "
              "socket;\n      they reach XDP as socket buffers, which veth copies first: "
              "not comparable with a live-frames run" % ", ".join(slow))
    print("%-4s %-58s %9s %8s  %-26s %s" % ("item", "figure", "measured", "target", "verdict",
                                             "load"))
    out = []
    for item, label, got, target, way, bench in rows:
        la = loadavg(d, bench)
        print("%-4s %-58s %9s %8s  %-26s %s" % (
            item, label, "%.3fx" % got if isnum(got) else "-",
            "%s %.2fx" % (way, target) if target is not None else "",
            verdict(got, target, way), "/".join(la) if la else "-"))
        if isnum(got) and target is not None and got > 0:
            norm = got / target if way == ATLEAST else target / got
            out.append('"%s (%s %.2f)" %.3f %.3f' % (label.strip(), way, target, norm, got))
    passed = sum(1 for i, l, g, t, w, b in rows if t is not None and g is not None
                 and verdict(g, t, w) == "PASS")
    judged = sum(1 for i, l, g, t, w, b in rows if t is not None)
    print("%d of %d figures at target" % (passed, judged))
    if dat:
        with open(dat, "w") as f:
            f.write("\n".join(out) + ("\n" if out else ""))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Plots the headline ratios of a `make bench` run against their targets
# (issue 7) into build/bench/results.png with gnuplot. Reads the JSON the
# benchmarks wrote; a benchmark that did not run leaves its bars out.
#   established: sfw / parse+lookup+counter floor   target <= 1.5
#   forwarding:  sfw XDP / Linux + nftables conntrack, packets delivered
#                and the firewall's own time per packet    target >= 5
#   new sessions: sfw / nf_conntrack, per second           target >= 3
#   host endpoint: sfw / nftables conntrack                (no target)
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
dat=$(mktemp)
trap 'rm -f "$dat"' EXIT

python3 - "$BUILD/bench" >"$dat" <<'EOF'
import json, os, sys
d = sys.argv[1]
def load(name):
    try:
        with open(os.path.join(d, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
rows = []
cost = load("xdp_cost")
if cost:
    for r in cost["results"]:
        if r["live_sessions"] >= 1000000 and r["case"].startswith("tcp4"):
            rows.append(("tcp4 est. at 1M\\n/ floor (<=)", r["ratio_to_floor"], 1.5))
setup = load("session_setup")
if setup:
    for r in setup["results"]:
        if r["case"] in ("tcp4 established", "udp6 established"):
            rows.append((r["case"].split()[0] + " est. at 90%\\n/ floor (<=)", r["ratio_to_floor"], 1.5))
fwd = load("forwarding")
if fwd and "ratios" in fwd:
    r = fwd["ratios"]
    rows.append(("forwarding pps\\nsfw / nft (>=)", r["forward_sfw_over_nft"], 5))
    rows.append(("forwarding fw time\\nnft / sfw (>=)", r["forward_fw_time_nft_over_sfw"], 5))
    rows.append(("new sessions/s\\nsfw / conntrack (>=)", r["new_sfw_over_conntrack"], 3))
    rows.append(("host endpoint pps\\nsfw / nft", r["host_sfw_over_nft"], 0))
for label, got, target in rows:
    print('"%s" %.3f %s' % (label, got, target if target else "NaN"))
EOF

if [ ! -s "$dat" ]; then
	echo "bench_plot: no results to plot" >&2
	exit 1
fi
gnuplot <<EOF
set terminal pngcairo size 1200,560 font "sans,10"
set output "$BUILD/bench/results.png"
set title "sfw against its baselines, $(date -u +%Y-%m-%d) ($(nproc) CPUs, Linux $(uname -r))"
set style data histogram
set style histogram clustered gap 1.5
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel "ratio"
set yrange [0:6]
set bmargin 5
set termoption noenhanced
set grid ytics
set key top left
set xtics font "sans,9"
plot "$dat" using 2:xtic(1) title "measured" lc rgb "#2f6fb0", \
     "" using 3 title "target (<= or >= as labelled)" lc rgb "#d08020", \
     "" using 0:2:(sprintf("%.2f", \$2)) with labels offset -1.6,0.7 notitle
EOF
echo "bench: plot in $BUILD/bench/results.png"

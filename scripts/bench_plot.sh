#!/usr/bin/env bash
# Prints each figure of a `make bench` run against its issue-15 target
# (scripts/bench_targets.py: measured ratio, target, PASS or how far short,
# load) and plots them into build/bench/results.png with gnuplot: one bar
# per figure, measured / target normalised so that 1 is the target
# whichever way it points (>= or <=), labelled with the measured ratio. A
# benchmark that did not run leaves its bars out.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
dat=$(mktemp)
trap 'rm -f "$dat"' EXIT

python3 scripts/bench_targets.py "$BUILD/bench" "$dat"
if [ ! -s "$dat" ]; then
	echo "bench_plot: no results to plot" >&2
	exit 1
fi
n=$(wc -l <"$dat")
gnuplot <<GP
set terminal pngcairo size $((400 + n * 52)),720 font "sans,10"
set output "$BUILD/bench/results.png"
set title "sfw against issue 15's targets, $(date -u +%Y-%m-%d) ($(nproc) CPUs, Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg) at the end)\n1 = the target: above the line met, below it short (>= targets: measured / target; <= targets: target / measured)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set ylabel "measured / target (normalised)"
set yrange [0:2.5]
set bmargin 22
set termoption noenhanced
set grid ytics
set key off
set xtics rotate by 60 right font "sans,8"
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#d08020" lw 2
plot "$dat" using (\$2 > 2.5 ? 2.5 : \$2):xtic(1) lc rgb "#2f6fb0", \
     "" using 0:(\$2 > 2.5 ? 2.5 : \$2):(sprintf("%.2fx", \$3)) with labels offset 0,0.7 font "sans,8"
GP
echo "bench: plot in $BUILD/bench/results.png"

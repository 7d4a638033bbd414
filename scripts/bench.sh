#!/usr/bin/env bash
# Runs every benchmark in build/bench and collects their JSON results in
# build/bench/results.json ({"<bench>": <its JSON>, ...}), then prints each
# figure against its issue-15 target and plots them (scripts/bench_plot.sh). Each benchmark
# cleans up after itself (the conntrack ones run in private namespaces and
# restore the sysctls they raise), so a failing one does not stop the rest;
# the exit status says whether any failed.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: must run as root (sudo make bench)" >&2
	exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mkdir -p "$BUILD/bench"
echo "bench: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)," \
	"Linux $(uname -r), $(date), load $(cut -d' ' -f1-3 /proc/loadavg)"
failed=()
names=()
for b in "$BUILD"/bench/*; do
	[ -x "$b" ] && [ -f "$b" ] || continue
	name=$(basename "$b")
	echo "== $name"
	rm -f "$BUILD/bench/$name.json"
	# the load next to every figure: the machine is shared
	load0=$(cut -d' ' -f1 /proc/loadavg)
	if "$b" "$BUILD/bench/$name.json"; then
		names+=("$name")
	else
		failed+=("$name")
	fi
	echo "$load0 $(cut -d' ' -f1 /proc/loadavg)" > "$BUILD/bench/$name.load"
done
{
	echo "{"
	sep=""
	for name in "${names[@]}"; do
		[ -s "$BUILD/bench/$name.json" ] || continue
		printf '%s"%s": ' "$sep" "$name"
		cat "$BUILD/bench/$name.json"
		sep=","
	done
	echo "}"
} > "$BUILD/bench/results.json"
echo
scripts/bench_plot.sh "$BUILD" || echo "bench: no plot" >&2
if [ ${#failed[@]} -ne 0 ]; then
	echo "bench: failed: ${failed[*]}" >&2
	exit 1
fi

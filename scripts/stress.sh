#!/usr/bin/env bash
# The stress scenarios (docs/reliability.md, "Stress"): each proves an
# invariant under load and prints every figure with what it proves and
# the baseline it is measured against in the same run.
#
#   scripts/stress.sh [BUILD]                  every scenario at full size, one
#                                              after the other, under nice; the
#                                              figures in BUILD/stress/results.json
#   scripts/stress.sh [BUILD] --short NAME...  those at their short size (make test)
#   scripts/stress.sh --list                   the scenarios' names
#
# A benchmark, not a timed test: no figure is judged by time, only counts.
# The full run takes minutes and the machine is shared: run it sparingly.
set -uo pipefail
cd "$(dirname "$0")/.."
SCENARIOS=(conservation syn_flood reload commit clear daemon_kill)

if [ "${1:-}" = --list ]; then
	echo "${SCENARIOS[@]}"
	exit 0
fi
BUILD=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	BUILD=$1
	shift
fi
SHORT=()
if [ "${1:-}" = --short ]; then
	SHORT=(--short)
	shift
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "stress: must run as root (sudo make stress)" >&2
	exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# How a scenario runs: the C ones are programs, the others scripts.
run_one() {   # name json
	if [ -x "$BUILD/stress/$1" ]; then
		nice "$BUILD/stress/$1" "${SHORT[@]}" "$2"
	else
		SFW="$BUILD/sfw" nice bash "bench/stress/$1.sh" "${SHORT[@]}" "$2"
	fi
}

if [ ${#SHORT[@]} -gt 0 ]; then
	mkdir -p "$BUILD/stress/short"
	rc=0
	for name in "$@"; do
		run_one "$name" "$BUILD/stress/short/$name.json" || rc=1
	done
	exit $rc
fi

OUT=$BUILD/stress
mkdir -p "$OUT"
machine="$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)"
date=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "stress: $machine; $date; load $(cut -d' ' -f1-3 /proc/loadavg)"
failed=()
for name in "${SCENARIOS[@]}"; do
	echo "== $name"
	rm -f "$OUT/$name.json"
	run_one "$name" "$OUT/$name.json" 2>&1 | tee "$OUT/$name.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("$name")
done
{
	printf '{"machine": "%s", "date": "%s", "failed": [%s],\n "scenarios": {' \
		"$machine" "$date" "$( [ ${#failed[@]} -eq 0 ] || printf '"%s",' "${failed[@]}" | sed 's/,$//')"
	sep=""
	for name in "${SCENARIOS[@]}"; do
		printf '%s\n  "%s": ' "$sep" "$name"
		jq -c . "$OUT/$name.json" 2>/dev/null || echo null
		sep=","
	done
	echo "}}"
} >"$OUT/results.json"
echo "stress: figures in $OUT/results.json"
if [ ${#failed[@]} -ne 0 ]; then
	echo "stress: failed: ${failed[*]}" >&2
	exit 1
fi

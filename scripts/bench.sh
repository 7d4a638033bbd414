#!/usr/bin/env bash
# Runs every benchmark in build/bench and collects their JSON results.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: must run as root (sudo make bench)" >&2
	exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mkdir -p "$BUILD/bench"
for b in "$BUILD"/bench/*; do
	[ -x "$b" ] && [ -f "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" "$BUILD/bench/$(basename "$b").json"
done

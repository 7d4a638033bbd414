#!/usr/bin/env bash
# The CLI benchmark at 10,000,000 sessions (issue 15, item 7: how the
# listing and clear figures grow with the table), when memory allows:
# bench/cli_scale.c checks MemAvailable first and says in one line when
# it does not. Run by `make bench` as build/bench/cli_scale_10m JSON_PATH.
set -euo pipefail
exec "$(dirname "$SFW")/bench/cli_scale" "${1:-build/bench/cli_scale_10m.json}" 10000000

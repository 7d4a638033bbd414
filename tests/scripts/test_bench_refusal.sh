#!/usr/bin/env bash
# The 10,000,000-session benchmarks ask for memory before they take it
# (bench/memcheck.h): with too little available, cli_scale_10m says so in
# one line and exits 0 with a JSON that says "skipped", without starting
# (a run that started would still be filling the tables when the timeout
# stops it: exit 124). A bad table size is one line and exit 1. No timing
# is judged. (nf_conntrack_max is not compared: other benchmarks and tests
# on the machine may raise it meanwhile.)
set -uo pipefail
cd "$(dirname "$0")/../.."
BENCH=$(dirname "${SFW:-build/sfw}")/bench
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$BENCH/cli_scale_10m" ] || fail "$BENCH/cli_scale_10m not built"
# 1 GiB available: far below what 10,000,000 sessions need. The timeout
# only bounds a benchmark that ignored the check and started filling.
SFW_BENCH_MEM_AVAILABLE_KB=1048576 timeout 30 "$BENCH/cli_scale_10m" "$T/out.json" \
	>"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 0 ] || fail "cli_scale_10m exit $rc (stderr: $(cat "$T/stderr"))"
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "want one line on stderr, got: $(cat "$T/stderr")"
grep -q "^cli_scale: 10000000 sessions need about .* GiB free .*MemAvailable is 1.0 GiB: not run$" \
	"$T/stderr" || fail "stderr: $(cat "$T/stderr")"
grep -q '"skipped": "not enough memory"' "$T/out.json" || fail "JSON: $(cat "$T/out.json")"
[ ! -s "$T/stdout" ] || fail "it started: $(cat "$T/stdout")"

"$BENCH/cli_scale" "$T/x.json" 5x >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || fail "cli_scale with a bad size: exit $rc"
[ "$(cat "$T/stderr")" = "cli_scale: sessions '5x': expected 10 to 100000000" ] ||
	fail "stderr: $(cat "$T/stderr")"
echo "ok"

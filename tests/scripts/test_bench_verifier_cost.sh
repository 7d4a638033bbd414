#!/usr/bin/env bash
# bench/verifier_cost takes sfw's BPF objects from the build directory its
# output path is in (BUILD/bench/NAME.json, as scripts/bench.sh gives it).
# An output path outside any build directory used to print an empty table
# and exit 0 (every object skipped as "not built"); now a missing object of
# sfw's own is one line and exit 1, before anything is written. Nothing is
# loaded, so no root and no timing.
set -uo pipefail
cd "$(dirname "$0")/../.."
BENCH=$(dirname "${SFW:-build/sfw}")/bench
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$BENCH/verifier_cost" ] || fail "$BENCH/verifier_cost not built"
mkdir "$T/out"
"$BENCH/verifier_cost" "$T/out/x.json" >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || fail "an output path outside a build directory: exit $rc"
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "want one line on stderr, got: $(cat "$T/stderr")"
want="verifier_cost: no $T/out/../bpf/xdp_ingress.bpf.o: the objects come from the build"
want+=" directory the output $T/out/x.json is in (BUILD/bench/NAME.json)"
[ "$(cat "$T/stderr")" = "$want" ] || fail "stderr: $(cat "$T/stderr")"
[ ! -s "$T/stdout" ] || fail "a table: $(cat "$T/stdout")"
[ ! -e "$T/out/x.json" ] || fail "wrote $(cat "$T/out/x.json")"
echo "ok"

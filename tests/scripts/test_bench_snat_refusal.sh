#!/usr/bin/env bash
# The source NAT benchmark (bench/snat.c) ends with one line on stderr and
# a non-zero exit when it cannot measure what it claims: no nft on PATH
# (before anything is set up), and an nftables ruleset that does not load
# (a stand-in nft that answers --version and fails everything else, after
# the topology and sfw's commit are up: the sandbox takes them down). No
# timing is judged. Where live frames are refused, the generator's one
# notice (bench/pktsend.h) may come before that line, and nothing else.
set -uo pipefail
cd "$(dirname "$0")/../.."
BENCH=$(dirname "${SFW:-build/sfw}")/bench
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
NOTICE="live frames refused (EPERM): frames sent by a packet socket instead"
# The refusal line, with the generator's notice (if any) set aside; a
# second line of anything else fails the comparison.
refusal() { grep -vxF "$NOTICE" "$1"; }

[ -x "$BENCH/snat" ] || fail "$BENCH/snat not built"

mkdir "$T/empty"
PATH="$T/empty" "$BENCH/snat" "$T/out.json" >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || fail "no nft: exit $rc (stderr: $(cat "$T/stderr"))"
[ "$(cat "$T/stderr")" = "snat: nft not found or not working: install nftables" ] ||
	fail "no nft: stderr: $(cat "$T/stderr")"
[ ! -s "$T/stdout" ] || fail "no nft: it started: $(cat "$T/stdout")"

mkdir "$T/bin"
cat >"$T/bin/nft" <<EOF
#!/bin/sh
[ "\$1" = --version ] && exec $(command -v nft) --version
echo "Error: stand-in nft refuses" >&2
exit 1
EOF
chmod +x "$T/bin/nft"
PATH="$T/bin:$PATH" timeout 120 "$BENCH/snat" "$T/out.json" >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || fail "nft failing: exit $rc (stderr: $(cat "$T/stderr"))"
[ "$(refusal "$T/stderr")" = "snat: nftables masquerade failed: Error: stand-in nft refuses" ] ||
	fail "nft failing: stderr: $(cat "$T/stderr")"
grep -q '"results": \[$' "$T/out.json" || fail "JSON: $(cat "$T/out.json")"
echo "ok"

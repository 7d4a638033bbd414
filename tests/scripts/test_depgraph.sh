#!/usr/bin/env bash
# scripts/depgraph.py --check (make check-modules) on a small fake tree: a
# call cycle between two files fails it unless listed as known, a known
# cycle that is gone is reported, a file including a module it may not use
# or another module's private header fails it, and a clean tree passes.
set -uo pipefail
cd "$(dirname "$0")/../.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
dg() { /usr/bin/python3 scripts/depgraph.py "$T" --check --map "$T/map" "$@" >"$T/out" 2>&1; }
build() {
	rm -rf "$T/build"
	for c in "$T"/a/*.c "$T"/b/*.c; do
		o=$T/build/obj/${c#"$T"/}
		mkdir -p "$(dirname "$o")"
		cc -c -I"$T/a" -I"$T/b" "$c" -o "${o%.c}.o" || fail "cc $c"
	done
}
mkdir -p "$T/a" "$T/b"
printf 'a: a | deps: b | public: a.h\nb: b | public: b.h\n' >"$T/map"
printf 'int b1(void);\n' >"$T/b/b.h"
printf 'int b_private(void);\n' >"$T/b/int.h"
printf '#include "b.h"\nint b_private(void) { return 2; }\nint b1(void) { return b_private(); }\n' >"$T/b/b1.c"
printf '#include "b.h"\nint a1(void) { return b1(); }\n' >"$T/a/a1.c"
build
dg || fail "a clean tree fails: $(cat "$T/out")"

# a1 -> a2 -> a1
printf 'int a2(void);\nint a1(void) { return a2(); }\n' >"$T/a/a1.c"
printf 'int a1(void);\nint a2(void) { return a1() + 1; }\n' >"$T/a/a2.c"
build
dg && fail "a call cycle passes"
grep -q '^  cycle: a/a1.c a/a2.c' "$T/out" || fail "cycle not named: $(cat "$T/out")"
dg --known 'a/a1.c a/a2.c' || fail "a known cycle fails: $(cat "$T/out")"
grep -q 'known cycle: a/a1.c a/a2.c' "$T/out" || fail "known cycle not reported"
rm "$T/a/a2.c"
printf '#include "b.h"\nint a1(void) { return b1(); }\n' >"$T/a/a1.c"
build
dg --known 'a/a1.c a/a2.c' || fail "a gone known cycle fails"
grep -q 'known cycle gone' "$T/out" || fail "a gone known cycle is not reported"

# b may not use a; a may not reach b's private header
printf '#include "a.h"\nint b2(void) { return 0; }\n' >"$T/b/b2.c"
printf 'int a1(void);\n' >"$T/a/a.h"
build
dg && fail "b including a passes"
grep -q 'b may not depend on a' "$T/out" || fail "no dependency violation: $(cat "$T/out")"
rm "$T/b/b2.c"
printf '#include "int.h"\nint a1(void) { return b_private(); }\n' >"$T/a/a1.c"
build
dg && fail "a private header passes"
grep -q 'includes private b/int.h' "$T/out" || fail "no private violation: $(cat "$T/out")"
echo "ok"

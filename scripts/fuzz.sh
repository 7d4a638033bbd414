#!/usr/bin/env bash
# The libFuzzer runs behind `make fuzz` and `make fuzz-corpus`.
#   fuzz.sh run BUILD SECONDS NAME...    each harness for SECONDS, seeded
#                                         with tests/fuzz/corpus/NAME
#   fuzz.sh merge BUILD 0 NAME...        keep in tests/fuzz/corpus/NAME what
#                                         the runs found that adds coverage
# New inputs collect in BUILD/corpus/NAME, crashes in BUILD/crashes/NAME
# (each becomes a unit test and a corpus file: docs/reliability.md).
# Exits non-zero when a harness found a crash or a broken property.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=$1 build=$2 secs=$3
shift 3

failed=()
for name in "$@"; do
	bin=$build/fuzz/fuzz_$name
	seeds=tests/fuzz/corpus/$name
	work=$build/corpus/$name
	mkdir -p "$work" "$build/crashes/$name" "$seeds"
	dict=()
	[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
	if [ "$mode" = merge ]; then
		# the smallest set with the coverage of the kept corpus and the
		# runs' finds; the inputs that once crashed stay whatever their
		# coverage (named crash-SHA1), as regression tests
		echo "== merge $name"
		new=$build/merged/$name
		rm -rf "$new"
		mkdir -p "$new"
		"$bin" -merge=1 "${dict[@]}" "$new" "$seeds" "$work" >"$build/merge-$name.log" 2>&1 ||
			{ tail -n 20 "$build/merge-$name.log"; failed+=("$name"); continue; }
		for c in "$seeds"/crash-* "$build/crashes/$name"/crash-*; do
			[ -f "$c" ] && cp "$c" "$new/crash-$(sha1sum <"$c" | cut -c1-40)"
		done
		rm -rf "$seeds"
		mv "$new" "$seeds"
		echo "$(ls "$seeds" | wc -l) inputs, $(du -sb "$seeds" | cut -f1) bytes"
		continue
	fi
	echo "== fuzz $name for ${secs}s"
	# -timeout: an input that takes 10 s is a finding (bounded time);
	# -rss_limit_mb: so is one that needs 1 GB.
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$build/crashes/$name/" -print_final_stats=1 \
		"${dict[@]}" "$work" "$seeds" >"$build/fuzz-$name.log" 2>&1; then
		failed+=("$name")
		grep -E 'ERROR|property broken|SUMMARY|artifact' "$build/fuzz-$name.log" | head -n 20
	fi
	grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' \
		"$build/fuzz-$name.log" | tr '\n' ' '
	echo
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: crashes in ${failed[*]} (inputs under $build/crashes/)"
	exit 1
fi
[ "$mode" = run ] && echo "fuzz: $* ran ${secs}s each, no crash"
exit 0

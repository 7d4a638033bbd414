#!/usr/bin/env bash
# Runs every test: Criterion unit tests, BPF_PROG_TEST_RUN tests, the fuzz
# corpora, the tests of our scripts, the end-to-end tests in veth
# namespaces, then the stress scenarios at their short size. Prints one
# closing line "N passed, N failed" over all of them and exits non-zero on
# any failure.
set -uo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "run-tests: must run as root (sudo make test): BPF and namespaces need it" >&2
	exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

passed=0
failed=0
# CI shows only the end of the output: every failure is named again there,
# with the end of what it printed, so a red run says why without a rerun.
recap=$(mktemp -d)
trap 'rm -rf "$recap"' EXIT
failures=()
note_failure() {   # NAME, then what it printed on stdin
	failures+=("$1")
	tail -n 30 >"$recap/${#failures[@]}"
}

# one file per run: what a test leaves running may still write to its own
next_out() { mktemp "$recap/out.XXXXXX"; }

# Criterion closes with "Synthesis: Tested: T | Passing: P | Failing: F | Crashing: C".
run_criterion() {
	local bin=$1 out rc
	echo "== $bin"
	out=$("$bin" --jobs=1 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -Ev '^\[----\] .*(Warning|Note)' | tail -n 40
	local line p f c
	line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n1)
	p=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$line")
	f=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' <<<"$line")
	c=$(sed -n 's/.*Crashing: \([0-9]*\).*/\1/p' <<<"$line")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${c:-0}))
	if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ] && [ "${c:-0}" -eq 0 ]; then
		failed=$((failed + 1))   # crashed before its synthesis
	fi
	if [ $rc -ne 0 ] || [ "${f:-0}" -ne 0 ] || [ "${c:-0}" -ne 0 ]; then
		# fed by <( ): a function at a pipe's end runs in a subshell,
		# and what it adds to failures would be lost
		note_failure "$bin" < <(printf '%s\n' "$out" |
			grep -E -A3 '\[FAIL\]|CRASH|Assertion|Failing:|^libbpf: |^fx_setup')
	fi
	# libbpf speaks only when something is wrong: in a passing run its
	# lines are noise that hides the next real warning
	local noise
	noise=$(printf '%s\n' "$out" | grep -c '^libbpf: ')
	if [ $rc -eq 0 ] && [ "$noise" -gt 0 ]; then
		printf '%s\n' "$out" | grep '^libbpf: ' | sort | uniq -c | sort -rn | head -n 5
		echo "FAIL $bin: $noise libbpf lines in a passing run"
		failed=$((failed + 1))
		note_failure "$bin (libbpf lines)" < <(printf '%s\n' "$out" | grep '^libbpf: ')
	fi
	# LeakSanitizer reports as a test's process exits, after Criterion has
	# its result (`make test SANITIZE=1`): each leak is a failure of its own
	local leaks
	leaks=$(printf '%s\n' "$out" | grep -c '^SUMMARY: AddressSanitizer: .* leaked in ')
	if [ "$leaks" -gt 0 ]; then
		printf '%s\n' "$out" | grep -A 12 'ERROR: LeakSanitizer' | head -n 60
		echo "FAIL $bin: $leaks leak reports"
		failed=$((failed + leaks))
		note_failure "$bin (leaks)" < <(printf '%s\n' "$out" |
			grep -A 8 'ERROR: LeakSanitizer' | head -n 30)
	fi
}

# TEST_SUITES picks suites (default all): .ci/run runs the sanitized build
# without the end-to-end suite, which `make test SANITIZE=1` runs. One
# module's tests alone: cli, conf, loader (make test-cli, test-conf,
# test-loader); unit is cli and conf, bpf is loader.
suites=" ${TEST_SUITES:-unit bpf fuzz e2e stress} "
[[ $suites == *" unit "* ]] && suites+=" cli conf "
[[ $suites == *" bpf "* ]] && suites+=" loader "
[[ $suites == *" cli "* ]] && run_criterion "$BUILD/tests/unit_tests"
[[ $suites == *" conf "* ]] && run_criterion "$BUILD/tests/conf_tests"
[[ $suites == *" loader "* ]] && run_criterion "$BUILD/tests/bpf_tests"
[[ $suites == *" loader "* ]] && run_criterion "$BUILD/tests/bpf_conf_tests"

# Every fuzz corpus replayed through its harness (tests/fuzz/replay.c):
# each input ever kept, crashes found included, stays a regression test.
for r in "$BUILD"/tests/fuzz/replay_*; do
	[[ $suites == *" fuzz "* ]] && [ -x "$r" ] || continue
	corpus=tests/fuzz/corpus/${r##*/replay_}
	echo "== $r $corpus"
	out=$(next_out)
	"$r" "$corpus" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $r"
		note_failure "$r" <"$out"
	fi
done

# The tests of our scripts run with the end-to-end suite.
for t in tests/scripts/test_*.sh tests/e2e/test_*.sh; do
	[[ $suites == *" e2e "* ]] && [ -e "$t" ] || continue
	echo "== $t"
	out=$(next_out)
	# to a file, not a pipe: a daemon a test leaves running would hold a
	# pipe open and the run with it
	SFW="$BUILD/sfw" bash "$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "PASS $t"
	else
		failed=$((failed + 1))
		echo "FAIL $t"
		note_failure "$t" <"$out"
	fi
done

# The stress scenarios at their short size: each a correctness test on
# counts, never on time (docs/reliability.md, "Stress").
for s in $(scripts/stress.sh --list); do
	[[ $suites == *" stress "* ]] || continue
	echo "== stress $s (short)"
	out=$(next_out)
	scripts/stress.sh "$BUILD" --short "$s" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "PASS stress $s"
	else
		failed=$((failed + 1))
		echo "FAIL stress $s"
		note_failure "stress $s" <"$out"
	fi
done

i=0
for name in ${failures[@]+"${failures[@]}"}; do
	i=$((i + 1))
	echo "== failed: $name (its last lines)"
	sed 's/^/   | /' "$recap/$i"
done
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[*]}"

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

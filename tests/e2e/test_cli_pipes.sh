#!/usr/bin/env bash
# Junos pipes from bash, on a live session table: `sfw show ... '| match
# tcp'` (one word) and `'|' match tcp` (words) give the lines grep would,
# count/last/find/except/display json/chains/refresh, and every mistake is
# one line and exit 2. Then `sfw cli` reading a script on its standard
# input: each command's output, the worst exit code, a command killed by a
# signal ends alone.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

topology_up
sfw attach veth0 veth1 max-sessions 65536 >/dev/null || fail "attach"
start_flows
sfw show security flow session >"$TMPD/all.txt" || fail "show"
expect_eq "$(tail -n1 "$TMPD/all.txt")" "Total sessions: ${#ALL_FLOWS[@]}" "the listing"
# Timeouts count down between two listings: compare without them.
untimed() { sed 's/Timeout: [0-9]*/Timeout: T/'; }
piped() {   # what pipe... : the listing through the pipes, as the CLI gives it
	local what=$1
	shift
	sfw show security flow session "$@" >"$TMPD/piped" 2>"$TMPD/err" ||
		fail "$what: exit $? ($(cat "$TMPD/err"))"
	[ -s "$TMPD/err" ] && fail "$what: stderr $(cat "$TMPD/err")"
	untimed <"$TMPD/piped"
}
want() { untimed <"$TMPD/all.txt" | "$@"; }

expect_eq "$(piped 'one word' '| match ;tcp')" "$(want grep ';tcp')" "| match, one word"
expect_eq "$(piped 'words' '|' match ';tcp')" "$(want grep ';tcp')" "| match, words"
expect_eq "$(piped 'no blank' '|match' ';tcp')" "$(want grep ';tcp')" "|match"
[ "$(want grep -c ';tcp')" -eq 6 ] || fail "three TCP sessions, two wings each"
expect_eq "$(piped except '| except Conn')" "$(want grep -v Conn)" "| except"
expect_eq "$(piped count '| count')" "Count: $(wc -l <"$TMPD/all.txt") lines" "| count"
expect_eq "$(piped last '| last 4')" "$(want tail -n 4)" "| last 4"
expect_eq "$(piped find '| find 2001:db8')" "$(want sed -n '/2001:db8/,$p')" "| find"
expect_eq "$(piped chain '| match udp | except Out: | count')" \
	"Count: $(grep udp "$TMPD/all.txt" | grep -vc Out:) lines" "| match | except | count"
expect_eq "$(piped 'chain, words' '|' match 'In:' '|' last 2)" "$(want grep In: | tail -n 2)" \
	"| match | last, as words"
# extended regular expressions, quoted inside the pipe word
expect_eq "$(piped 'an alternation' '| match "(;udp|;icmp6),"')" \
	"$(want grep -E '(;udp|;icmp6),')" "| match with a bar inside quotes"
# display json: the sessions in Junos's JSON (test_junos_display.sh checks
# its shape), then pipes on its lines
sfw show security flow session '| display json' >"$TMPD/piped.json" || fail "| display json"
expect_eq "$("$E2E/junos_reply.py" flows json "$TMPD/piped.json")" \
	"$(sorted_lines "${ALL_FLOWS[@]}")" "| display json: the sessions"
expect_eq "$(piped 'json, counted' '| display json | match "\"session-identifier\"" | count')" \
	"Count: ${#ALL_FLOWS[@]} lines" "| display json | match | count"
# refresh: the listing again under a header until ^C, then exit 0
sfw show security flow session summary '| refresh 1 | match Valid' >"$TMPD/refresh" 2>&1 &
pid=$!
wait_until 30 "two refreshes" eval '[ "$(grep -c "^---(refreshed at " "$TMPD/refresh")" -ge 2 ]'
# (bash starts a background job with SIGINT ignored: the signal goes to sfw)
kill -INT "$(pgrep -P "$pid")"
wait "$pid"
expect_eq "$?" 0 "exit code of | refresh after ^C"
grep -v '^---(refreshed at [0-9-]* [0-9:]* [A-Z]*)---$' "$TMPD/refresh" | sort -u >"$TMPD/body"
expect_eq "$(cat "$TMPD/body")" "  Valid sessions: ${#ALL_FLOWS[@]}" "| refresh | match"
# ? after a bar lists the pipe words
sfw show security flow session '| ?' >"$TMPD/help" || fail "| ?"
has -x '  count                   Count occurrences' "$TMPD/help" || fail "| ?: $(cat "$TMPD/help")"
has -x '  match                   Show only text that matches a pattern' "$TMPD/help" ||
	fail "| ?: $(cat "$TMPD/help")"

# mistakes: one line on stderr, nothing on stdout, exit 2
refused() {   # message words...
	local msg=$1 rc
	shift
	sfw "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	expect_eq "$rc" 2 "exit code of sfw $*"
	expect_eq "$(cat "$TMPD/err")" "$msg" "stderr of sfw $*"
	[ -s "$TMPD/out" ] && fail "sfw $*: stdout $(cat "$TMPD/out")"
	return 0
}
refused "sfw: invalid regular expression '(tcp': Unmatched ( or \\(" \
	show security flow session '| match (tcp'
refused "sfw: unknown word 'grep' after '|'; expected one of: count, display, except, find, last, match, no-more, refresh" \
	show security flow session '|' grep tcp
refused "sfw: missing <lines> after 'last'" show security flow session '| last'
refused "sfw: missing a pipe command after '|'" show security flow session '| count |'
refused "sfw: unknown word 'sesion' after 'show security flow'; expected one of: configuration, session, statistics, status" \
	show security flow sesion '| count'
refused "sfw: 'refresh' works with show commands only" status '| refresh 2'
refused "sfw: '| display set' is not available for 'show security flow session'" \
	show security flow session '| display set'
# a failing command keeps its exit code through the pipes
sfw show security zones nosuch '| count' >/dev/null 2>"$TMPD/err"
expect_eq "$?" 1 "exit code of a failing command through a pipe"
expect_eq "$(cat "$TMPD/err")" "sfw: security zone nosuch is not configured" "its message"

# --- sfw cli with a script on its standard input
cli_script() { printf '%s\n' "$@" | sfw cli >"$TMPD/out" 2>"$TMPD/err"; }
cli_script 'show security flow session | match ;tcp' 'show security flow session | count'
expect_eq "$?" 0 "a script of good commands"
expect_eq "$(untimed <"$TMPD/out")" "$(want grep ';tcp'; echo "Count: $(wc -l <"$TMPD/all.txt") lines")" \
	"the script's output"
[ -s "$TMPD/err" ] && fail "script: stderr $(cat "$TMPD/err")"
# a wrong line is Junos's one line, and the script goes on; worst code wins
cli_script 'show security flow sesion' 'show security flow session | count' \
	'show security zones nosuch' 'show security flow session summary | match Valid'
expect_eq "$?" 2 "exit code of a script with a wrong line"
expect_eq "$(cat "$TMPD/err")" "error: syntax error, expecting <command>: sesion
sfw: security zone nosuch is not configured" "the script's errors"
expect_eq "$(cat "$TMPD/out")" "Count: $(wc -l <"$TMPD/all.txt") lines
  Valid sessions: ${#ALL_FLOWS[@]}" "the script's output past its errors"
cli_script 'show security zones nosuch' 'show security flow session | count'
expect_eq "$?" 1 "exit code of a script with a failing command"
# exit ends the script
cli_script 'show security flow session | count' exit 'show frob'
expect_eq "$?" 0 "exit code after exit"
expect_eq "$(cat "$TMPD/out")" "Count: $(wc -l <"$TMPD/all.txt") lines" "output up to exit"
# a command that dies of a signal ends alone: the next one runs
mkfifo "$TMPD/script"
sfw cli <"$TMPD/script" >"$TMPD/out" 2>"$TMPD/err" &
job=$!
exec 7>"$TMPD/script"
echo 'monitor security flow session' >&7
child_of() { pgrep -P "$1"; }
wait_until 20 "the monitor" eval 'shell=$(child_of "$job") && cmd=$(child_of "$shell")'
kill -SEGV "$cmd"
echo 'show security flow session | count' >&7
exec 7>&-
wait "$job"
expect_eq "$?" 1 "exit code of a script whose command crashed"
expect_eq "$(cat "$TMPD/err")" "sfw: the command ended on signal 11 (Segmentation fault)" "the crash"
expect_eq "$(cat "$TMPD/out")" "Count: $(wc -l <"$TMPD/all.txt") lines" "the command after the crash"
echo "PASS: test_cli_pipes"

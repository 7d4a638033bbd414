#!/usr/bin/env bash
# `| display xml` and `| display json` on a live session table: the reply
# is well-formed XML with only elements real SRX replies have, in their
# order (tests/fixtures/junos/), the JSON is Junos's JSON of the same tree,
# both list the sessions --json lists; brief, extensive,
# session-identifier, summary whole and filtered; pipes work on the reply's
# lines; commands without a Junos shape refuse xml and keep sfw's JSON.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

FX=tests/fixtures/junos
reply() { "$E2E/junos_reply.py" "$@"; }
shown() {   # what file words...: the command's output in file, exit 0, no stderr
	local what=$1 file=$2
	shift 2
	sfw "$@" >"$file" 2>"$TMPD/err" || fail "$what: exit $? ($(cat "$TMPD/err"))"
	[ -s "$TMPD/err" ] && fail "$what: stderr $(cat "$TMPD/err")"
	return 0
}
# The XML has the fixtures' element structure, the JSON is its tree.
checked() {   # name words... (show words; fixtures in $FIXTURES)
	local name=$1 x=$TMPD/$1.xml j=$TMPD/$1.json
	shift
	shown "$name xml" "$x" "$@" '| display xml'
	shown "$name json" "$j" "$@" '| display json'
	# shellcheck disable=SC2086
	reply structure "$x" $FIXTURES >"$TMPD/$name.missing" ||
		fail "$name: XML against the real replies"
	reply same-tree "$x" "$j" || fail "$name: the JSON is not the XML's tree"
}

topology_up
sfw attach veth0 veth1 max-sessions 65536 >/dev/null || fail "attach"
start_flows
want=$(sorted_lines "${ALL_FLOWS[@]}")

FIXTURES="$FX/flow-session-brief.xml $FX/flow-session-application.xml"
checked brief show security flow session
expect_eq "$(reply flows xml "$TMPD/brief.xml")" "$want" "| display xml: the sessions"
expect_eq "$(reply flows json "$TMPD/brief.json")" "$want" "| display json: the sessions"
# what sfw leaves out of the real element set, and nothing else
expect_eq "$(grep -v -e session-state -e gateway -e logical-system -e wan-acceleration \
	-e session-mask -e seq-ack-diff -e dcp-session-id -e flow-fpc-pic-id "$TMPD/brief.missing")" \
	"" "elements of the real reply sfw leaves out"
has -x '<rpc-reply xmlns:junos="http://xml.juniper.net/junos/[^"]*/junos">' "$TMPD/brief.xml" ||
	fail "the rpc-reply head: $(head -n1 "$TMPD/brief.xml")"
has '^    <flow-session-information xmlns="http://xml.juniper.net/junos/[^"]*/junos-flow">$' \
	"$TMPD/brief.xml" || fail "the junos-flow namespace"
# the applications sfw knows: junos-http for TCP 80
has -x '            <application-name>junos-http</application-name>' "$TMPD/brief.xml" ||
	fail "application-name of the TCP 80 session"

checked extensive show security flow session extensive
expect_eq "$(reply flows xml "$TMPD/extensive.xml")" "$want" "extensive | display xml"
[ "$(grep -c '<flow-session junos:style="extensive">' "$TMPD/extensive.xml")" -eq ${#ALL_FLOWS[@]} ] ||
	fail "extensive: junos:style"

# session-identifier N: that session alone
"$E2E/flowset.py" ids <(sfw show security flow session --json) >"$TMPD/ids" || fail "ids"
read -r id line < <(grep -F "$TCP22" "$TMPD/ids")
checked by-id show security flow session session-identifier "$id"
expect_eq "$(reply flows xml "$TMPD/by-id.xml")" "$TCP22" "session-identifier | display xml"
has -x "            <session-identifier>$id</session-identifier>" "$TMPD/by-id.xml" ||
	fail "session-identifier $id"

FIXTURES=$FX/flow-session-summary.xml
checked summary show security flow session summary
has -x "        <active-sessions>${#ALL_FLOWS[@]}</active-sessions>" "$TMPD/summary.xml" ||
	fail "summary: active-sessions $(cat "$TMPD/summary.xml")"
FIXTURES=$FX/flow-session-summary-filtered.xml
checked summary-tcp show security flow session protocol tcp summary
has -x "            <displayed-session-count>3</displayed-session-count>" "$TMPD/summary-tcp.xml" ||
	fail "filtered summary: $(cat "$TMPD/summary-tcp.xml")"

# the pipes after display work on the reply's lines
shown count "$TMPD/count" show security flow session '| display xml | match "<session-identifier>" | count'
expect_eq "$(cat "$TMPD/count")" "Count: ${#ALL_FLOWS[@]} lines" "| display xml | match | count"

# no Junos shape: xml refused, json stays sfw's flat JSON
sfw clear security flow session all '| display xml' >"$TMPD/out" 2>"$TMPD/err"
expect_eq "$?" 2 "exit code of clear | display xml"
expect_eq "$(cat "$TMPD/err")" \
	"sfw: '| display xml' is not available for 'clear security flow session'" "its message"
[ -s "$TMPD/out" ] && fail "clear | display xml: stdout $(cat "$TMPD/out")"
expect_eq "$(reply flows xml "$TMPD/brief.xml")" "$want" "no session cleared"
shown status-json "$TMPD/status.json" status '| display json'
shown status-flat "$TMPD/status.flat" status --json
expect_eq "$(jq -S keys "$TMPD/status.json")" \
	"$(jq -S keys "$TMPD/status.flat")" "status | display json: sfw's JSON"
echo "PASS test_junos_display"

#!/usr/bin/env bash
# The source NAT shows end to end (docs/nat.md "Operational commands"),
# through lib.sh's topology (test_nat_source.sh's): the client
# (198.51.100.2, zone trust) sends UDP to the server (203.0.113.2, zone
# untrust) under rule-set inside-out: rule keep (destination port 7: source-
# nat off) and rule masq (the rest: source-nat interface).
#   - show security nat source rule masq|keep|all and summary, text and
#     --json, and Junos's own reply (`| display xml` parsed by xml.etree,
#     `| display json` its tree): Translation hits and Successful sessions
#     count each flow's first packet only (later datagrams add nothing),
#     Number of sessions the flows alive now;
#   - show security flow session nat lists only translated sessions, and
#     combines with the other filters; extensive and session-identifier
#     show Source NAT pool: interface for them, Null for the off rule's
#     session;
#   - clear security nat source rule R|all zeroes the hits and leaves the
#     sessions; an unknown rule name is a one-line error, exit non-zero;
#   - clear security nat statistics zeroes every rule's hits at once and
#     leaves Number of sessions; a new flow counts again;
#   - the session log (a daemon with a file sink, policy out logging
#     session-init) names the translation: nat-source-address the WAN's
#     address, src-nat-rule-type "source rule", src-nat-rule-name masq;
#     the off rule's session repeats its own tuple with N/A.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
source tests/e2e/nat_lib.sh

# A label's value in `rule R` from --json (Junos's element names).
rule_json() {   # rule key
	sfw show security nat source rule "$1" --json |
		jq -er --arg k "$2" \
			'.["source-nat-rule-detail-information"]["source-nat-rule-entry"][0]["source-nat-rule-hits-entry"][$k]' ||
		fail "no $2 for rule $1"
}

# Both forms must agree: hits, successes, sessions.
expect_rule() {   # rule hits success sessions what
	expect_eq "$(rule_val "$1" 'Translation hits')" "$2" "$5: $1's Translation hits"
	expect_eq "$(rule_val "$1" 'Successful sessions')" "$3" "$5: $1's Successful sessions"
	expect_eq "$(rule_val "$1" 'Number of sessions')" "$4" "$5: $1's Number of sessions"
	expect_eq "$(rule_json "$1" rule-translation-hits)" "$2" "$5: $1's rule-translation-hits"
	expect_eq "$(rule_json "$1" succ-hits)" "$3" "$5: $1's succ-hits"
	expect_eq "$(rule_json "$1" concurrent-hits)" "$4" "$5: $1's concurrent-hits"
}

sessions() { sfw show security flow session "$@" | grep -c '^Session ID'; }

nat_topology_up
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
commit_nat "${NAT_KEEP[@]}" "${NAT_MASQ[@]}" \
	"set security policies from-zone trust to-zone untrust policy out then log session-init"
udp_sink
# a daemon of our own, logging to a file, takes over from attach's
LOGF=$DROPS_TMP/session.log
nsenter --net="/run/netns/$FW_NS" "$SFW" daemon file "$LOGF" 2>"$DROPS_TMP/daemon.err" >/dev/null &
BG_PIDS+=($!)
for i in $(seq 50); do has 'took over' "$DROPS_TMP/daemon.err" && break; sleep 0.1; done
has 'took over' "$DROPS_TMP/daemon.err" || fail "the file daemon did not take over: $(cat "$DROPS_TMP/daemon.err")"

expect_rule masq 0 0 0 "before traffic"
expect_rule keep 0 0 0 "before traffic"

# three translated flows of three datagrams each, one untranslated
for p in 24001 24002 24003; do send_udp $p 5353 3; done
send_udp 24010 7 2
expect_rule masq 3 3 3 "three flows"
expect_rule keep 1 1 1 "the off rule's flow"
# the flows' later datagrams are no first packets
for p in 24001 24002 24003; do send_udp $p 5353 2; done
expect_rule masq 3 3 3 "more datagrams on the same flows"

# rule all: totals, both rules in order of evaluation
out=$(sfw show security nat source rule all)
expect_eq "$(head -1 <<<"$out")" "Total rules: 2" "rule all's first line"
expect_eq "$(grep '^source NAT rule:' <<<"$out" | tr '\n' ' ')" \
	"source NAT rule: keep source NAT rule: masq " "rule all's rules"
has -x "  Action                        : interface" <<<"$out" || fail "masq's Action: $out"
has -x "  Action                        : off" <<<"$out" || fail "keep's Action: $out"
out=$(sfw show security nat source rule all '| display json' |
	jq -r '.["source-nat-rule-detail-information"][0]["source-nat-rule-entry"][] |
		.["rule-name"][0].data + "=" + .["source-nat-rule-hits-entry"][0]["rule-translation-hits"][0].data' |
	tr '\n' ' ')
expect_eq "$out" "keep=1 masq=3 " "rule all | display json"

out=$(sfw show security nat source summary)
has -x "Total pools: 0" <<<"$out" || fail "summary's pools: $out"
has -x "Total rules: 2" <<<"$out" || fail "summary's rules: $out"
has -x "Rule name : masq" <<<"$out" || fail "summary's masq: $out"
has -x "    From      : trust                 To : untrust" <<<"$out" || fail "summary's zones: $out"
expect_eq "$(sfw show security nat source summary --json | jq -r '.["source-nat-summary-information"]["total-rules"]')" \
	2 "summary --json"

# session nat: translated sessions only, combinable with other filters
expect_eq "$(sessions nat)" 3 "sessions listed by 'nat'"
expect_eq "$(sessions protocol udp)" 4 "UDP sessions"
expect_eq "$(sessions nat destination-port 7)" 0 "'nat' with the off rule's port"
expect_eq "$(sessions destination-port 7)" 1 "the off rule's session"
expect_eq "$(sessions source-port 24002 nat)" 1 "'nat' after another filter"
out=$(sfw show security flow session nat source-port 24001 extensive)
has "^Source NAT pool: interface" <<<"$out" || fail "Source NAT pool of a translated session: $out"
id=$(sfw show security flow session source-port 24001 -j |
	jq -er '.["flow-session-information"]["flow-session"][0]["session-identifier"]') ||
	fail "no session id"
out=$(sfw show security flow session session-identifier "$id")
has "^Source NAT pool: interface" <<<"$out" || fail "Source NAT pool by session-identifier: $out"
out=$(sfw show security flow session destination-port 7 extensive)
has "^Source NAT pool: Null" <<<"$out" || fail "Source NAT pool of the off rule's session: $out"
expect_eq "$(sfw show security flow session nat --json |
	jq '.["flow-session-information"]["flow-session"] | length')" 3 "session nat --json"

# clear: the hits go, the sessions stay
out=$(sfw clear security nat source rule keep 2>&1) || fail "clear rule keep: $out"
expect_rule keep 0 0 1 "keep cleared"
expect_rule masq 3 3 3 "masq not cleared with keep"
out=$(sfw clear security nat source rule all 2>&1) || fail "clear rule all: $out"
expect_rule masq 0 0 3 "all cleared"
send_udp 24004 5353 1
expect_rule masq 1 1 4 "a new flow after the clear"

# clear security nat statistics: every rule at once, the sessions stay
send_udp 24011 7 1
expect_rule keep 1 1 2 "keep's second flow"
out=$(sfw clear security nat statistics 2>&1) || fail "clear statistics: $out"
expect_eq "$out" "" "clear statistics prints nothing"
expect_rule masq 0 0 4 "statistics cleared"
expect_rule keep 0 0 2 "statistics cleared"
send_udp 24005 5353 1
expect_rule masq 1 1 5 "a new flow after clearing the statistics"
expect_rule keep 0 0 2 "keep after masq's new flow"

# the session log: the translated source and the rule (docs/events.md)
created() {   # client port: its RT_FLOW_SESSION_CREATE line
	local i
	for i in $(seq 50); do
		grep "RT_FLOW_SESSION_CREATE .* source-port=\"$1\"" "$LOGF" && return
		sleep 0.1
	done
	fail "no CREATE logged for port $1: $(cat "$LOGF")"
}
line=$(created 24001)
has -F 'source-address="198.51.100.2" source-port="24001" destination-address="203.0.113.2" destination-port="5353"' <<<"$line" &&
	has -E ' nat-source-address="203\.0\.113\.1" nat-source-port="[0-9]+" nat-destination-address="203\.0\.113\.2" nat-destination-port="5353" nat-connection-tag="0" src-nat-rule-type="source rule" src-nat-rule-name="masq" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" ' <<<"$line" ||
	fail "the translated session's log line: $line"
port=$(sed -E 's/.* nat-source-port="([0-9]+)".*/\1/' <<<"$line")
out=$(sfw show security flow session source-port 24001)
has -F "Out: 203.0.113.2/5353 --> 203.0.113.1/$port;udp" <<<"$out" ||
	fail "the log's nat-source-port $port is not the session's Out wing: $out"
line=$(created 24010)
has -F ' nat-source-address="198.51.100.2" nat-source-port="24010" nat-destination-address="203.0.113.2" nat-destination-port="7" nat-connection-tag="0" src-nat-rule-type="N/A" src-nat-rule-name="N/A" ' <<<"$line" ||
	fail "the off rule's session's log line: $line"

# an unknown rule: one line, non-zero
out=$(sfw show security nat source rule nosuch 2>&1) && fail "an unknown rule was shown: $out"
expect_eq "$out" "sfw: source NAT rule nosuch is not configured" "show of an unknown rule"
out=$(sfw clear security nat source rule nosuch 2>&1) && fail "an unknown rule was cleared: $out"
expect_eq "$out" "sfw: source NAT rule nosuch is not configured" "clear of an unknown rule"

# the sessions' end empties Number of sessions, not the hits
out=$(sfw clear security flow session all 2>&1) || fail "clear sessions: $out"
expect_rule masq 1 1 0 "sessions cleared"

# Junos's own reply (`| display xml`): it parses (xml.etree), carries the
# text's values, and the JSON is its tree; last, as its runs take long
# enough for the earlier checks' UDP sessions to age out, on one new flow
junos() {   # name words...: the XML reply in $DROPS_TMP/name.xml, its JSON checked
	local name=$1 x=$DROPS_TMP/$1.xml j=$DROPS_TMP/$1.json
	shift
	sfw "$@" '| display xml' >"$x" 2>"$DROPS_TMP/err" || fail "$name | display xml: $(cat "$DROPS_TMP/err")"
	sfw "$@" '| display json' >"$j" 2>"$DROPS_TMP/err" || fail "$name | display json: $(cat "$DROPS_TMP/err")"
	tests/e2e/junos_reply.py same-tree "$x" "$j" || fail "$name: the JSON is not the XML's tree"
}
fields() { tests/e2e/junos_reply.py fields "$@" | tr '\n' ' '; }
send_udp 24006 5353 1
junos rules show security nat source rule all
expect_eq "$(fields "$DROPS_TMP/rules.xml" source-nat-rule-entry rule-name source-nat-rule-action \
	rule-translation-hits succ-hits concurrent-hits)" "keep=off=0=0=0 masq=interface=2=2=1 " \
	"rule all | display xml"
expect_eq "$(fields "$DROPS_TMP/rules.xml" total-source-nat-rules total-src-rules)" "2 " \
	"rule all | display xml: total-src-rules"
junos masq show security nat source rule masq
expect_eq "$(fields "$DROPS_TMP/masq.xml" source-nat-rule-entry rule-name rule-set-name \
	rule-from-context-name rule-to-context-name)" "masq=inside-out=trust=untrust " \
	"rule masq | display xml"
junos summary show security nat source summary
expect_eq "$(fields "$DROPS_TMP/summary.xml" ssg-source-rule-entry ssg-source-rule-name \
	ssg-source-rule-action)" "keep=off masq=interface " "summary | display xml"
junos pools show security nat source pool all
expect_eq "$(fields "$DROPS_TMP/pools.xml" total-source-nat-pools total-source-pools)" "0 " \
	"pool all | display xml"
junos drules show security nat destination rule all
expect_eq "$(fields "$DROPS_TMP/drules.xml" total-destination-nat-rules total-dst-rules)" "0 " \
	"destination rule all | display xml"
junos dpools show security nat destination pool all
junos dsummary show security nat destination summary
junos sessions show security flow session nat
expect_eq "$(fields "$DROPS_TMP/sessions.xml" flow-session-information displayed-session-count)" \
	"1 " "session nat | display xml"
# an unknown display form, an unknown pipe word: one line, exit 2, no output
for pipe in '| display yaml' '| frob'; do
	sfw show security nat source rule all "$pipe" >"$DROPS_TMP/out" 2>"$DROPS_TMP/err"
	expect_eq "$?" 2 "exit of rule all $pipe"
	expect_eq "$(wc -l <"$DROPS_TMP/err")" 1 "one line for rule all $pipe: $(cat "$DROPS_TMP/err")"
	[ -s "$DROPS_TMP/out" ] && fail "rule all $pipe printed: $(cat "$DROPS_TMP/out")"
done
# clear has no reply shape: xml refused, nothing cleared
sfw clear security nat source rule all '| display xml' >"$DROPS_TMP/out" 2>"$DROPS_TMP/err"
expect_eq "$?" 2 "exit of clear | display xml"
expect_eq "$(cat "$DROPS_TMP/err")" \
	"sfw: '| display xml' is not available for 'clear security nat source rule'" "its message"
expect_rule masq 2 2 1 "after clear | display xml"
echo "PASS"

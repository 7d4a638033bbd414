#!/usr/bin/env bash
# Bad input from the shell: each mistake gets exactly one line on stderr,
# nothing on stdout, and its exit code (2: the command line is wrong, 1:
# the command failed), never a crash; nothing is changed by a failed
# command. Run against a live instance and against none at all.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/cli_lib.sh
trap cli_cleanup EXIT

# expect_err CODE MESSAGE ARGS...: MESSAGE is the exact stderr line, or a
# bash pattern when it starts with '~'.
expect_err() {
	local code=$1 msg=$2 rc
	shift 2
	sfw "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	expect_eq "$rc" "$code" "exit code of 'sfw $*' (stderr: $(cat "$TMPD/err"))"
	[ -s "$TMPD/out" ] && fail "'sfw $*' printed on stdout: $(cat "$TMPD/out")"
	expect_eq "$(wc -l <"$TMPD/err")" 1 "lines on stderr of 'sfw $*'"
	if [[ $msg == "~"* ]]; then
		[[ $(cat "$TMPD/err") == ${msg#\~} ]] || fail "'sfw $*': $(cat "$TMPD/err")"
	else
		expect_eq "$(cat "$TMPD/err")" "$msg" "stderr of 'sfw $*'"
	fi
}

topology_up
FILTERS="application, brief, conn-tag, destination-prefix, destination-port, extensive, family, interface, nat, policy, policy-id, protocol, refresh, session-identifier, source-prefix, source-port, summary"
PROTOS="a protocol name (ah, egp, esp, gre, icmp, icmp6, igmp, ipip, ospf, pim, rsvp, sctp, tcp, udp) or number 0..255"

# --- nothing loaded: run-time failures (exit 1), and no pin root is made
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" \
	show security flow session
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" \
	show security flow session summary --json
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" status
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" \
	clear security flow session all
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" \
	clear services stateful-firewall flows
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" \
	set security flow udp-timeout 30
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" \
	detach veth0
expect_err 1 "sfw: sfw is not loaded (no $SFW_PIN_ROOT/sfw_sessions): attach an interface first" reload
# commit with nothing loaded stores the file for the next attach, and makes
# no pin root; a zone that is not configured is an error (a configuration
# directory of their own: the rest runs without a stored configuration)
printf 'set security zones security-zone trust interfaces veth0\n' >"$TMPD/zones.conf"
zsfw() { SFW_CONF_DIR=$TMPD/conf sfw "$@"; }
zsfw commit "$TMPD/zones.conf" >"$TMPD/out" 2>"$TMPD/err" || fail "commit, nothing loaded: $(cat "$TMPD/err")"
expect_eq "$(cat "$TMPD/out")" "commit complete" "commit with nothing loaded"
expect_eq "$(cat "$TMPD/err")" "sfw: note: sfw is not attached; the configuration applies at the next attach" \
	"commit with nothing loaded: stderr"
zsfw show security zones trust | has '^Security zone: trust$' || fail "show security zones trust"
SFW_CONF_DIR=$TMPD/conf expect_err 1 "sfw: security zone nosuch is not configured" \
	show security zones nosuch
SFW_CONF_DIR=$TMPD/conf expect_err 1 "sfw: security zone nosuch is not configured" \
	show security zones nosuch --json
[ -e "$SFW_PIN_ROOT" ] && fail "a failed command or a commit created $SFW_PIN_ROOT"

# --- attach: missing interface, bad options, no such interface
expect_err 2 "sfw: incomplete command 'attach'; expected one of: <interface>, forward, max-sessions, mode" attach
expect_err 2 "sfw: missing value for 'mode'; expected one of: native, generic" attach veth0 mode
expect_err 2 "sfw: invalid value 'bogus' for 'mode'; expected one of: native, generic" \
	attach veth0 mode bogus
expect_err 2 "sfw: invalid value '0' for 'max-sessions'; expected a number 1..4294967295" \
	attach veth0 max-sessions 0
expect_err 2 "sfw: invalid value '4294967296' for 'max-sessions'; expected a number 0..4294967295" \
	attach veth0 max-sessions 4294967296
expect_err 1 "sfw: interface nosuch0 does not exist" attach nosuch0
expect_err 1 "sfw: interface nosuch0 does not exist" attach nosuch0 --json

# --- attach, and attach again: a no-op with a message, exit 0
out=$(sfw attach veth0 veth1 2>&1) || fail "attach: $out"
expect_eq "$out" "veth0: attached (native)
veth1: attached (native)" "attach"
out=$(sfw attach veth0 2>&1) || fail "second attach failed: $out"
expect_eq "$out" "veth0: already attached, nothing changed" "second attach"
out=$(sfw attach veth1 --mode generic 2>&1) || fail "second attach (generic) failed: $out"
expect_eq "$out" "veth1: already attached, nothing changed" "second attach, other mode"
sfw status --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["sfw-status"]
assert [(i["name"], i["mode"]) for i in s["interface"]] == [("veth0", "native"), ("veth1", "native")], s
' || fail "status after the second attach"

# --- detach what is not attached
expect_err 1 "sfw: interface lo is not attached" detach lo
expect_err 1 "sfw: interface nosuch0 is not attached" detach nosuch0
expect_err 2 "sfw: 'all' cannot be combined with 'veth0'" detach veth0 all
expect_err 2 "sfw: incomplete command 'detach'; expected one of: <interface>, all" detach

# --- the grammar: unknown, ambiguous, incomplete, repeated, conflicting
expect_err 2 "~sfw: unknown word 'bogus'; expected one of: attach, clear, *, status" bogus
expect_err 2 "~sfw: missing command; expected one of: attach, clear, *, status"
expect_err 2 "~sfw: ambiguous word 's'; could be: set, show, status" s
expect_err 2 "~sfw: unknown word 'sesion' after 'show security flow'; expected one of: *session*" \
	show security flow sesion
expect_err 2 "sfw: unknown word 'colour' after 'show security flow session'; expected one of: $FILTERS" \
	show security flow session colour red
expect_err 2 "sfw: ambiguous word 's' after 'show security flow session'; could be: session-identifier, source-prefix, source-port, summary" \
	sh sec fl sess s 1
expect_err 2 "sfw: ambiguous word 'dest' after 'show security flow session'; could be: destination-prefix, destination-port" \
	show security flow session dest 53
expect_err 2 "~sfw: incomplete command 'show security'; expected one of: *flow*" show security
expect_err 2 "sfw: incomplete command 'clear security flow session'; expected one of: all, application, destination-prefix, destination-port, family, interface, policy, protocol, session-identifier, source-prefix, source-port" \
	clear security flow session
expect_err 2 "sfw: 'protocol' given twice" show security flow session protocol tcp protocol udp
expect_err 2 "sfw: 'protocol' given twice" sh sec fl sess prot tcp fam inet prot tcp
expect_err 2 "sfw: 'extensive' cannot be combined with 'summary'" \
	show security flow session summary extensive
expect_err 2 "sfw: 'protocol' cannot be combined with 'all'" clear security flow session all protocol tcp
expect_err 2 "sfw: unknown word 'now' after 'reload'; the command ends there" reload now
expect_err 2 "sfw: unknown word 'colour' after 'clear services stateful-firewall flows'; expected one of: application-protocol, destination-port, destination-prefix, interface, protocol, service-set, source-port, source-prefix" \
	clear services stateful-firewall flows colour red

# --- bad values, and value-less filters (never "all")
expect_err 2 "sfw: missing value for 'protocol'; expected $PROTOS" show security flow session protocol
expect_err 2 "sfw: missing value for 'session-identifier'; expected a session identifier 1..18446744073709551615" \
	clear security flow session session-identifier
expect_err 2 "sfw: missing value for 'destination-port'; expected a port number 0..65535" \
	clear services stateful-firewall flows destination-port
expect_err 2 "sfw: invalid value '256' for 'protocol'; expected $PROTOS" show security flow session protocol 256
expect_err 2 "sfw: invalid value 'tcpp' for 'protocol'; expected $PROTOS" show security flow session protocol tcpp
expect_err 2 "sfw: invalid value '70000' for 'source-port'; expected a port number 0..65535" \
	show security flow session source-port 70000
expect_err 2 "sfw: invalid value '-1' for 'destination-port'; expected a port number 0..65535" \
	clear services stateful-firewall flows destination-port -1
for p in 300.1.1.1/33 198.51.100.0/33 2001:db8::/129 2001:db8::g 198.51.100.1/ /24; do
	expect_err 2 "sfw: invalid value '$p' for 'source-prefix'; expected an IPv4 or IPv6 address with optional /length" \
		show security flow session source-prefix "$p"
done
expect_err 2 "sfw: invalid value '0' for 'session-identifier'; expected a session identifier 1..18446744073709551615" \
	show security flow session session-identifier 0
expect_err 2 "sfw: invalid value '18446744073709551616' for 'session-identifier'; expected a session identifier 1..18446744073709551615" \
	clear security flow session session-identifier 18446744073709551616
expect_err 2 "sfw: invalid value 'nosuch0' for 'interface'; expected an existing interface name or index" \
	show security flow session interface nosuch0
expect_err 2 "sfw: invalid value 'inet7' for 'family'; expected one of: inet, inet6" \
	show security flow session family inet7
expect_err 2 "sfw: invalid value 'nosuch' for 'application'; expected a predefined application (junos-http, http, dns, ...; see help)" \
	show security flow session application nosuch
expect_err 2 "sfw: invalid value 'x' for 'udp-timeout'; expected a number 0..4294967295" \
	set security flow udp-timeout x

# --json changes none of it: errors stay one line on stderr
expect_err 2 "sfw: invalid value '256' for 'protocol'; expected $PROTOS" -j show security flow session protocol 256
expect_err 1 "sfw: interface lo is not attached" detach lo --json

# none of the failures above changed anything: both still attached, no session lost
cli ping -e 4711 -c 1 -q 203.0.113.2 >/dev/null || fail "ping"
expect_show = "$ICMP4"
expect_eq "$(sfw status --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sfw-status"]["interface"]))')" 2 "attached interfaces"
echo "ok cli errors"

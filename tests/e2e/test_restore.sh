#!/usr/bin/env bash
# After a reboot sfw attaches again (docs/security.md "After a reboot"):
# attach and detach keep the record SFW_CONF_DIR/attached, and `sfw
# restore` (the boot unit docs/sfw-attach.service) attaches the recorded
# interfaces in their modes, forwarding on, and the stored configuration
# in force. The reboot is played by what it takes away: the programs on
# the links, the pins and the daemon, without sfw's help; the record, on
# disk, stays. In between, the firewall is open: the test shows it, so it
# fails if the restore did nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
# a namespace of another instance's, sharing pin root and conf dir (review 2)
OTH_NS=${NS_PREFIX}-oth
trap 'ip netns del "$OTH_NS" 2>/dev/null; topology_down; rm -rf "$TMPD"' EXIT
# this pin root's record (not the default's: SFW_CONF_DIR/attached)
REC=$SFW_CONF_DIR/attached-$(printf '%s' "${SFW_PIN_ROOT#/}" | tr / _)
TMP_ERR=$TMPD/err
POL="security policies from-zone trust to-zone untrust policy"

topology_up
tcp_server 80
tcp_server 22
for i in $(seq 50); do srv ss -Hlnt 'sport = :22' | has . && break; sleep 0.1; done

recorded() { grep -v '^#' "$REC"; }
# what a reboot takes: every program on the links, the pins, the daemon
reboot() {
	local dev pid
	pid=$(sfw status --json 2>/dev/null | /usr/bin/python3 -c \
		'import json,sys; print(json.load(sys.stdin)["sfw-status"]["session-daemon"].get("pid", ""))' \
		2>/dev/null)
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	for dev in veth0 veth1; do
		fw ip link set dev "$dev" xdpgeneric off 2>/dev/null
		fw ip link set dev "$dev" xdp off 2>/dev/null
		fw tc qdisc del dev "$dev" clsact 2>/dev/null
	done
	rm -rf "$SFW_PIN_ROOT" "/run/sfw-$(basename "$SFW_PIN_ROOT")"
	[ -e "$REC" ] || fail "the reboot took the record"
}
attached() {   # dev mode: listed by status in that mode
	sfw status | has -E "^$1 +$2 "
}

cat >"$TMPD/only80.conf" <<CONF
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies default-policy deny-all
set $POL web match source-address any destination-address any application junos-http
set $POL web then permit
CONF
"$SFW" commit "$TMPD/only80.conf" >/dev/null 2>&1 || fail "commit"

# ---- nothing recorded: nothing to do -----------------------------------------
out=$(sfw restore 2>&1) || fail "restore with no record: $out"
expect_eq "$out" "nothing to restore: no record in $REC" "no record"

# ---- attach records; the reboot opens the firewall; restore closes it ------------
sfw attach veth0 mode generic forward >/dev/null || fail "attach veth0"
sfw attach veth1 >/dev/null || fail "attach veth1"
expect_eq "$(recorded)" "pin-root $SFW_PIN_ROOT
netns $FW_NS
forward
interface veth0 generic
interface veth1 native" "the record"
connects 80 || fail "port 80 refused while attached"
connects 22 && fail "port 22 opened while attached"

reboot
connects 22 || fail "after the reboot, before the restore: port 22 still refused (the reboot was not played)"
out=$(sfw restore wait 1 2>&1) || fail "restore: $out"
attached veth0 generic || fail "veth0 not restored generic: $(sfw status)"
attached veth1 native || fail "veth1 not restored native: $(sfw status)"
sfw status | has '^Session daemon: pid' || fail "no session daemon after the restore: $(sfw status)"
printf '%s\n' "$out" | has 'forwarding in XDP: on' || fail "forwarding not restored: $out"
connects 80 || fail "port 80 refused after the restore"
connects 22 && fail "port 22 opened after the restore: the stored configuration is not in force"
# status says what a reboot brings back; reload records pins an sfw
# without records made (an upgrade)
sfw status | has -xF "After a reboot: \`sfw restore\` attaches 2 interfaces again ($REC)" ||
	fail "status: $(sfw status)"
sed -i '/veth1/d' "$REC"
sfw status | has -xF "After a reboot: \`sfw restore\` attaches 1 interface again ($REC); not veth1: attach it again to record it" ||
	fail "status, veth1 not recorded: $(sfw status)"
rm "$REC"
sfw status | has -xF "After a reboot: nothing is attached again (no record in $REC)" ||
	fail "status without a record: $(sfw status)"
expect_eq "$(sfw status --json | /usr/bin/python3 -c 'import json,sys; b=json.load(sys.stdin)["sfw-status"]["boot-record"]; print(b["interfaces"], b["not-recorded"])')" \
	"0 ['veth0', 'veth1']" "status --json without a record"
sfw reload >/dev/null 2>&1 || fail "reload"
recorded | has -x 'interface veth0 generic' && recorded | has -x 'interface veth1 native' ||
	fail "reload did not record: $(recorded)"
out=$(sfw restore wait 0 2>&1) || fail "restore twice: $out"
printf '%s\n' "$out" | has 'veth0: already attached' || fail "restore twice: $out"

# ---- an interface that comes late is waited for; one that never comes is said ------
reboot
fw ip link set veth1 name late1
( sleep 1; fw ip link set late1 name veth1 ) &
out=$(sfw restore wait 5 2>&1) || fail "restore with veth1 late: $out"
attached veth1 native || fail "late veth1 not attached: $(sfw status)"

reboot
fw ip link set veth1 name gone1
out=$(sfw restore wait 1 2>"$TMPD/err")
rc=$?
expect_eq "$rc" 1 "restore with veth1 missing: exit"
expect_eq "$(cat "$TMPD/err")" "sfw: veth1: not present after 1 s: not attached (still recorded)" \
	"restore with veth1 missing"
attached veth0 generic || fail "veth0 not attached beside the missing veth1: $(sfw status)"
recorded | has -x 'interface veth1 native' || fail "the missing veth1 left the record: $(recorded)"
fw ip link set gone1 name veth1
sfw attach veth1 >/dev/null || fail "attach veth1 once back"

# one whose attach fails at boot (a tun device under its name: no Ethernet)
# stays recorded, for the next boot; only detach takes one out
reboot
fw ip link set veth1 name real1
fw ip tuntap add dev veth1 mode tun || fail "tun device"
sfw restore wait 0 >/dev/null 2>"$TMP_ERR"
expect_eq "$?" 1 "restore with veth1 a tun device: exit"
has 'veth1: not an Ethernet interface' "$TMP_ERR" || fail "restore with veth1 a tun device: $(cat "$TMP_ERR")"
recorded | has -x 'interface veth1 native' || fail "veth1, its attach failed, left the record: $(recorded)"
fw ip link del veth1
fw ip link set real1 name veth1
sfw attach veth1 >/dev/null || fail "attach veth1 once back"

# ---- detach drops an interface; detach all drops the record --------------------
sfw detach veth1 >/dev/null || fail "detach veth1"
recorded | has 'veth1' && fail "detached veth1 still recorded: $(recorded)"
recorded | has -x 'interface veth0 generic' || fail "veth0 left the record: $(recorded)"
sfw detach all >/dev/null || fail "detach all"
[ -e "$REC" ] && fail "detach all left the record: $(recorded)"

# ---- a damaged line costs its own interface only -------------------------------
printf 'pin-root %s\nnetns %s\ninterface veth0 generic\ninterface veth1 sideways\n' \
	"$SFW_PIN_ROOT" "$FW_NS" >"$REC"
sfw restore wait 0 >/dev/null 2>"$TMPD/err"
expect_eq "$?" 1 "restore of a damaged record: exit"
expect_eq "$(cat "$TMPD/err")" "sfw: $REC: line 4: mode 'sideways': expected native or generic: restoring the interfaces read" \
	"restore of a damaged record"
attached veth0 generic || fail "veth0 not restored from a damaged record: $(sfw status)"
connects 22 && fail "port 22 opened after a restore from a damaged record"

# ---- more names than one command line holds, and a name that is a word of
# the grammar: every one attached (a record is never parsed as a command)
sfw detach all >/dev/null
names=(mode)
for i in $(seq 1 32); do names+=("m$i"); done
for n in "${names[@]}"; do fw ip link add name "$n" type veth peer name "p$n" || fail "veth $n"; done
{ printf 'pin-root %s\nnetns %s\n' "$SFW_PIN_ROOT" "$FW_NS"
  for n in "${names[@]}"; do echo "interface $n generic"; done; } >"$REC"
out=$(sfw restore wait 0 2>&1) || fail "restore of ${#names[@]} interfaces: $out"
for n in "${names[@]}"; do attached "$n" generic || fail "$n not restored: $(sfw status)"; done
sfw detach all >/dev/null
for n in "${names[@]}"; do fw ip link del dev "$n"; done

# ---- another place's record is not applied here --------------------------------
sfw detach all >/dev/null
printf 'pin-root %s\nnetns -\ninterface veth0 native\n' "$SFW_PIN_ROOT" >"$REC"
err=$(sfw restore 2>&1)
expect_eq "$?" 1 "restore of the host's record in a namespace: exit"
expect_eq "$err" "sfw: the record is of the host's network namespace, not of this one (network namespace $FW_NS)" \
	"restore of the host's record in a namespace"
sfw status 2>/dev/null | has -E '^veth0 ' && fail "attached from another namespace's record"

# ---- review (restore-review): what a reboot must not open --------------------
# Each check in a subshell: one failing does not hide the others; the list
# of those that failed ends the test.
FAILED=()
check() {   # name: run the function of that name
	( "$1" ) || FAILED+=("$1")
}
place() { printf 'pin-root %s\nnetns %s\n' "$SFW_PIN_ROOT" "$FW_NS"; }
# an XDP program of another tool on dev (sfw refuses to attach beside it)
foreign_xdp() {   # dev
	[ -e "$TMPD/pass.o" ] || printf '%s\n' \
		'__attribute__((section("xdp"), used)) int pass(void *ctx) { return 2; }' \
		'char _license[] __attribute__((section("license"), used)) = "GPL";' |
		"${CLANG:-clang}" -O2 -target bpf -x c -c - -o "$TMPD/pass.o" ||
		fail "cannot build a foreign XDP program"
	fw ip link set dev "$1" xdpgeneric obj "$TMPD/pass.o" sec xdp || fail "foreign program on $1"
}

# One interface the restore cannot attach (another tool's XDP program on
# it) costs that interface only: the others of its mode are attached.
restore_one_refused_costs_its_own_only() {
	{ place; echo 'interface veth0 native'; echo 'interface veth1 native'; } >"$REC"
	reboot
	foreign_xdp veth0
	sfw restore wait 0 >/dev/null 2>"$TMPD/err"
	expect_eq "$?" 1 "restore with veth0 refused: exit"
	attached veth1 native ||
		fail "veth1 not restored beside the refused veth0 ($(cat "$TMPD/err")): the host boots open on veth1"
}

# An interface the restore could not attach stays recorded: the next
# reboot tries again (the attach of the others must not drop it).
restore_refused_stays_recorded() {
	{ place; echo 'interface veth0 native'; echo 'interface veth1 generic'; } >"$REC"
	reboot
	foreign_xdp veth1
	sfw restore wait 0 >/dev/null 2>&1
	fw ip link set dev veth1 xdpgeneric off
	recorded | has -x 'interface veth1 generic' ||
		fail "veth1, refused by the restore, left the record: $(recorded | tr '\n' ' ')"
}

# A second instance (SFW_PIN_ROOT, README) sharing the conf dir: its
# `detach all` (cleanup scripts run it with nothing attached) leaves this
# instance's record.
other_instance_keeps_the_record() {
	{ place; echo 'interface veth0 native'; } >"$REC"
	cp "$REC" "$TMPD/rec"
	SFW_PIN_ROOT=$SFW_PIN_ROOT-other sfw detach all >/dev/null 2>&1
	rm -rf "$SFW_PIN_ROOT-other" "/run/sfw-$(basename "$SFW_PIN_ROOT")-other"
	cmp -s "$REC" "$TMPD/rec" || fail "\`detach all\` of another pin root ($SFW_PIN_ROOT-other) " \
		"removed or changed this one's record: after a reboot, nothing is attached"
}

# A table the kernel refuses at boot (less memory than when recorded):
# attached on the default one, failing closed, as attach does for the
# stored max-sessions; never nothing attached.
restore_table_refused_still_attaches() {
	{ place; echo 'max-sessions 2147483648'; echo 'interface veth0 native'; } >"$REC"
	reboot
	sfw restore wait 0 >/dev/null 2>"$TMPD/err"
	attached veth0 native ||
		fail "veth0 not restored when the recorded table is refused: $(cat "$TMPD/err")"
	connects 22 && fail "port 22 open after a restore on the default table"
	return 0
}

# A damaged pin-root line loses no interface (docs/security.md: "A damaged
# line loses its own interface only"): the place is the one in force.
restore_damaged_place_line_still_attaches() {
	{ printf 'pin-rooT %s\nnetns %s\n' "$SFW_PIN_ROOT" "$FW_NS"; echo 'interface veth0 native'; } >"$REC"
	reboot
	sfw restore wait 0 >/dev/null 2>"$TMPD/err"
	expect_eq "$?" 1 "restore of a record with a damaged pin-root line: exit"
	attached veth0 native ||
		fail "veth0 not restored for a damaged pin-root line: $(cat "$TMPD/err")"
}

# The same pin root, spelled with a double slash at attach time, is the
# same instance: the boot's restore (spelled plainly) attaches it.
restore_pin_root_spelled_otherwise() {
	{ place; echo 'interface veth0 native'; } >"$REC"
	reboot
	SFW_PIN_ROOT=$(dirname "$SFW_PIN_ROOT")//$(basename "$SFW_PIN_ROOT") sfw attach veth0 \
		>/dev/null 2>&1 || fail "attach, pin root with a double slash"
	reboot
	sfw restore wait 0 >/dev/null 2>"$TMPD/err"
	attached veth0 native || fail "not restored: $(cat "$TMPD/err")"
}

# `detach NAME` of a recorded interface that is gone (the documented way
# to drop it from the record) succeeds: it does drop it.
detach_of_a_gone_interface() {
	{ place; echo 'interface veth0 native'; } >"$REC"
	reboot
	sfw restore wait 0 >/dev/null 2>&1
	{ place; echo 'interface gone9 native'; echo 'interface veth0 native'; } >"$REC"
	out=$(sfw detach gone9 2>&1)
	rc=$?
	recorded | has gone9 && fail "gone9 still recorded after detach gone9"
	expect_eq "$rc" 0 "detach gone9 (recorded, not there), which dropped it from the record: exit ($out)"
}

# status says what restore does with a partly damaged record: it attaches
# the lines it reads, not nothing.
status_of_a_partly_damaged_record() {
	{ place; echo 'interface veth0 native'; echo 'interface veth1 sideways'; } >"$REC"
	out=$(sfw status | grep '^After a reboot')
	case "$out" in
	*"nothing is attached again"*) fail "status: '$out', while restore attaches veth0" ;;
	esac
	return 0
}

# --json restore: one JSON document.
restore_json() {
	{ place; echo 'interface veth0 native'; echo 'interface veth1 generic'; } >"$REC"
	reboot
	sfw --json restore wait 0 >"$TMPD/out" 2>&1
	/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMPD/out" 2>/dev/null ||
		fail "sfw --json restore: not one JSON document: $(head -c 300 "$TMPD/out")"
}

# After a reboot, before the restore (nothing loaded): `detach NAME` takes
# a recorded interface out, the others stay; a name not recorded is the
# not-loaded error, exit 1.
detach_before_the_restore() {
	{ place; echo 'interface gone9 native'; echo 'interface veth0 native'; } >"$REC"
	reboot
	out=$(sfw detach gone9 2>&1) || fail "detach gone9 with nothing loaded: $out"
	expect_eq "$out" "gone9: not attached; removed from the record \`sfw restore\` reads" \
		"detach gone9 with nothing loaded"
	expect_eq "$(recorded | grep interface)" "interface veth0 native" "the record after detach gone9"
	sfw detach nosuch >/dev/null 2>&1 && fail "detach of a name neither attached nor recorded: exit 0"
	return 0
}

# --json restore: one result per recorded interface.
restore_json_results() {
	{ place; echo 'interface veth0 native'; echo 'interface zz9 generic'; } >"$REC"
	reboot
	sfw --json restore wait 0 >"$TMPD/out" 2>/dev/null
	expect_eq "$(/usr/bin/python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["sfw-restore"]
print(" ".join(i["name"] + ":" + i["mode"] + ":" + i["result"] for i in d["interface"]), d["forward"])' "$TMPD/out")" \
		"veth0:native:attached zz9:generic:not-present False" "restore --json"
}


# ---- review 2 (restore-review2) ----------------------------------------------
# A second namespace with the same pin root and conf dir (nsenter, as the
# tests run sfw: bpffs is shared): an operator who forgot SFW_PIN_ROOT there.
ip netns add "$OTH_NS" && ip -n "$OTH_NS" link add veth5 type veth peer name veth6 ||
	fail "namespace $OTH_NS"
oth() { in_ns "$OTH_NS" "$@"; }

# An attach refused in another namespace (the pins are this one's: EXDEV)
# leaves this namespace's record as it was. It rewrote it as the other
# namespace's, with this one's interfaces: restore here (at boot: the
# host's) then refuses it, and nothing is attached.
refused_attach_elsewhere_keeps_the_record() {
	reboot
	rm -f "$REC"
	sfw attach veth0 >/dev/null 2>&1 || fail "attach veth0"
	cp "$REC" "$TMPD/rec"
	oth "$SFW" attach veth5 >/dev/null 2>&1 && fail "attach in $OTH_NS on $FW_NS's pins: exit 0"
	cmp -s "$REC" "$TMPD/rec" ||
		fail "an attach refused in $OTH_NS rewrote $FW_NS's record: $(recorded | tr '\n' ' ')"
	reboot
	sfw restore wait 0 >/dev/null 2>"$TMPD/err"
	attached veth0 native || fail "veth0 not restored: $(cat "$TMPD/err")"
}

# detach NAME and detach all with nothing loaded in another namespace
# change only that namespace's record: not this one's, which holds the
# interfaces this namespace boots attached with.
detach_elsewhere_keeps_the_record() {
	{ place; echo 'interface veth0 native'; echo 'interface veth1 native'; } >"$REC"
	reboot
	cp "$REC" "$TMPD/rec"
	oth "$SFW" detach veth0 >/dev/null 2>&1
	cmp -s "$REC" "$TMPD/rec" ||
		fail "detach veth0 in $OTH_NS changed $FW_NS's record: $(recorded 2>&1 | tr '\n' ' ')"
	oth "$SFW" detach all >/dev/null 2>&1
	[ -e "$REC" ] || fail "detach all in $OTH_NS removed $FW_NS's record"
}

# Two pin roots whose record files have one name (a_b and a/b): detach of
# the one, nothing loaded, leaves the other's record (anothers() guards
# update and forget; the drop of a recorded name too).
detach_of_a_colliding_root_keeps_the_record() {
	local a="$SFW_PIN_ROOT-x_y" b="$SFW_PIN_ROOT-x/y" rec
	rec=$SFW_CONF_DIR/attached-$(printf '%s' "${a#/}" | tr / _)
	printf 'pin-root %s\nnetns %s\ninterface veth0 native\n' "$a" "$FW_NS" >"$rec"
	SFW_PIN_ROOT=$b sfw detach veth0 >/dev/null 2>&1
	grep -qx 'interface veth0 native' "$rec" 2>/dev/null ||
		fail "detach veth0 with SFW_PIN_ROOT=$b dropped veth0 from the record of $a"
	rm -f "$rec"
	rm -rf "$SFW_PIN_ROOT-x" "$SFW_PIN_ROOT-x_y"
}

# A damaged netns line is this namespace's (F5): the attaches of the
# restore keep what it recorded and did not attach. They wrote the record
# anew from the attached interfaces only (record_now: "another
# namespace's"), while restore said "still recorded".
damaged_netns_line_keeps_the_missing() {
	{ printf 'pin-root %s\nnetnS %s\n' "$SFW_PIN_ROOT" "$FW_NS"
	  echo 'interface gone9 native'; echo 'interface veth0 native'; } >"$REC"
	reboot
	sfw restore wait 0 >/dev/null 2>"$TMPD/err"
	has 'gone9: not present after 0 s: not attached (still recorded)' "$TMPD/err" ||
		fail "restore with gone9 missing: $(cat "$TMPD/err")"
	recorded | has -x 'interface gone9 native' ||
		fail "gone9, said still recorded, left the record: $(recorded | tr '\n' ' ')"
}

# The first interface failing for a reason of its own (no Ethernet) is not
# a table the kernel refuses: no note of one, its error said once, and the
# others attached on the recorded table, which stays recorded.
restore_fallback_only_for_the_table() {
	reboot
	fw ip tuntap add dev a0 mode tun || fail "tun device"
	{ place; echo 'max-sessions 65536'; echo 'interface a0 native'; echo 'interface veth0 native'; } >"$REC"
	sfw restore wait 0 >/dev/null 2>"$TMPD/err"
	fw ip link del a0
	attached veth0 native || fail "veth0 not restored: $(cat "$TMPD/err")"
	has 'recorded table' "$TMPD/err" && fail "a note of a refused table for a0's own failure: $(cat "$TMPD/err")"
	expect_eq "$(grep -c 'a0: not an Ethernet' "$TMPD/err")" 1 "a0's error, times said"
	sfw status | has '^Sessions: .*capacity 65536$' || fail "not the recorded table: $(sfw status | head -2)"
	recorded | has -x 'max-sessions 65536' || fail "the recorded table size was lost: $(recorded | tr '\n' ' ')"
}

# detach NAME of a recorded interface not attached, the record damaged
# elsewhere (a line restore cannot read): the name is taken out all the
# same (restore attaches it, from the lines it reads), and when sfw is
# loaded the error, if any, is about NAME, not the record's damage.
detach_with_a_damaged_record() {
	{ place; echo 'interface gone9 native'; echo 'interface veth0 native'; echo 'interface veth1 sideways'; } >"$REC"
	reboot
	sfw detach gone9 >/dev/null 2>"$TMPD/err" || fail "detach gone9, nothing loaded, damaged record: $(cat "$TMPD/err")"
	recorded | has gone9 && fail "gone9 still recorded"
	{ place; echo 'interface gone9 native'; echo 'interface veth0 native'; echo 'interface veth1 sideways'; } >"$REC"
	sfw restore wait 0 >/dev/null 2>&1
	{ place; echo 'interface gone9 native'; echo 'interface veth0 native'; echo 'interface veth1 sideways'; } >"$REC"
	sfw detach gone9 >/dev/null 2>"$TMPD/err" || {
		has 'line 5' "$TMPD/err" && fail "detach gone9, loaded: the record's damage as its error: $(cat "$TMPD/err")"
		fail "detach gone9, loaded, damaged record: $(cat "$TMPD/err")"
	}
	recorded | has gone9 && fail "gone9 still recorded (loaded)"
	return 0
}

# A record of no interface (sfw removes the file instead; an operator's
# edit leaves one): status gives a reason, not "()" nor an empty one.
status_of_a_record_of_no_interface() {
	reboot
	sfw attach veth0 >/dev/null 2>&1 || fail "attach veth0"
	place >"$REC"
	sfw status | grep '^After a reboot' | has -F '()' && fail "status: $(sfw status | grep '^After a reboot')"
	expect_eq "$(sfw status --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sfw-status"]["boot-record"].get("reason") != "")')" \
		True "status --json, a record of no interface: a reason"
}

for c in detach_before_the_restore restore_json_results restore_one_refused_costs_its_own_only restore_refused_stays_recorded \
	other_instance_keeps_the_record restore_table_refused_still_attaches \
	restore_damaged_place_line_still_attaches restore_pin_root_spelled_otherwise \
	detach_of_a_gone_interface status_of_a_partly_damaged_record restore_json \
	refused_attach_elsewhere_keeps_the_record detach_elsewhere_keeps_the_record \
	detach_of_a_colliding_root_keeps_the_record damaged_netns_line_keeps_the_missing \
	restore_fallback_only_for_the_table detach_with_a_damaged_record \
	status_of_a_record_of_no_interface; do
	check "$c"
done
[ ${#FAILED[@]} -eq 0 ] || fail "review checks failed: ${FAILED[*]}"
echo "PASS test_restore"

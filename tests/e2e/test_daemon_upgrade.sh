#!/usr/bin/env bash
# An upgrade replaces sfw's binary under a running session daemon, which
# keeps following and sweeping as the old version did (review rv43z F1:
# no proxy-arp follow by name, no zones cap). The upgrade's `sfw reload`,
# or the next `attach`, replaces a daemon attach started from another
# binary (deleted or not) with this binary's; sessions and counters stay.
# One started by hand is the operator's: told, never stopped. One
# standing by is said, and replaced once it has taken back over.
# SFW_OLD: a build of an older sfw to upgrade from (default: a copy of
# this one with its GNU build ID changed, which is another build all the
# same). A copy of this very build is this build: reloads from it and
# from this one in turn replace nothing (review rvdex F1).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
py() { /usr/bin/python3 tests/e2e/ageing.py "$@"; }
daemons() { py daemons "$1" "$SFW_PIN_ROOT" | sort -n | tr '\n' ' ' | sed 's/ $//'; }
status_json() { sfw status --json | jq -er ".\"sfw-status\".\"session-daemon\".$1"; }
pid_is() { [ "$(status_json pid 2>/dev/null)" = "$1" ]; }
dead() { ! kill -0 "$1" 2>/dev/null; }
# one daemon, of binary $1: its pid
one_daemon_of() {
	local d
	d=$(daemons "$1")
	[ -n "$d" ] && [ "${d// /}" = "$d" ] || fail "one daemon of $1 expected, got '$d'"
	echo "$d"
}
OLD=$DROPS_TMP/sfw-old
# a daemon of binary $1 started by hand (directly: $! is its pid), once it
# has taken over; its pid in $hand, its stderr in $DROPS_TMP/$2.err
hand_daemon() {
	nsenter --net="/run/netns/$FW_NS" "$1" daemon stdout >/dev/null 2>"$DROPS_TMP/$2.err" &
	hand=$!
	BG_PIDS+=($hand)
	wait_for 100 "the takeover of the hand daemon ($2)" pid_is "$hand"
}
old_sfw() { fw "$OLD" "$@"; }
# the old binary in place: SFW_OLD, or a copy of this one whose build ID
# (its NT_GNU_BUILD_ID note's first byte) is another
put_old() {
	cp "${SFW_OLD:-$SFW}" "$OLD" || fail "copy to $OLD"
	[ -n "${SFW_OLD:-}" ] && return
	/usr/bin/python3 - "$OLD" <<'PY' || fail "changing the copy's build ID"
import struct, sys
f = open(sys.argv[1], "r+b"); b = f.read()
phoff, = struct.unpack_from("<Q", b, 32); phnum, = struct.unpack_from("<H", b, 56)
for i in range(phnum):
    typ, _, off, _, _, size, _, align = struct.unpack_from("<IIQQQQQQ", b, phoff + 56 * i)
    at, a = off, 8 if align == 8 else 4
    while typ == 4 and at + 12 <= off + size:
        nsz, dsz, t = struct.unpack_from("<III", b, at)
        desc = (at + 12 + nsz + a - 1) // a * a
        if t == 3 and b[at + 12:at + 16] == b"GNU\0":
            f.seek(desc); f.write(bytes([b[desc] ^ 0xff])); sys.exit(0)
        at = (desc + dsz + a - 1) // a * a
sys.exit(1)
PY
}
conf=('set security zones security-zone trust interfaces veth0'
	'set security zones security-zone untrust interfaces veth1'
	'set security policies default-policy permit-all')

trap drops_cleanup EXIT
topology_up
put_old

# 1. reload after the binary changed: the attach daemon of the old binary
# goes, this one's runs; sessions and counters stay
old_sfw attach veth0 veth1 >/dev/null || fail "attach with the old binary"
commit_lines "${conf[@]}"
old=$(one_daemon_of "$OLD")
cli ping -c 2 -W 1 203.0.113.2 >/dev/null || fail "ping through sfw"
before=$(jval veth0 sfw-statistics packets-permitted)
[ "$before" -gt 0 ] 2>/dev/null || fail "no permitted packets before reload: '$before'"
out=$(sfw reload 2>"$DROPS_TMP/reload.err") || fail "reload: $(cat "$DROPS_TMP/reload.err")"
has "^reloaded programs on 2 interfaces$" <<<"$out" || fail "reload said: $out"
has "^sfw: note: the session daemon (pid $old, started by attach) runs another sfw binary ($OLD): replacing it$" \
	"$DROPS_TMP/reload.err" || fail "reload's note: $(cat "$DROPS_TMP/reload.err")"
wait_for 50 "the old daemon's exit" dead "$old"
new=$(one_daemon_of "$SFW")
expect_eq "$(daemons "$OLD")" "" "daemons of the old binary after reload"
pid_is "$new" || fail "status names pid $(status_json pid), not $new"
[ "$(status_json '"started-by"')" = attach ] || fail "started by $(status_json '"started-by"')"
after=$(jval veth0 sfw-statistics packets-permitted)
[ "$after" -ge "$before" ] || fail "permitted packets went from $before to $after"
sfw show security flow session protocol icmp | has "In: 198.51.100.2" ||
	fail "the ping's session did not survive the reload"
# again: the daemon is this binary's now, nothing to replace
sfw reload >/dev/null 2>"$DROPS_TMP/reload2.err" || fail "second reload"
[ ! -s "$DROPS_TMP/reload2.err" ] || fail "second reload said: $(cat "$DROPS_TMP/reload2.err")"
pid_is "$new" || fail "a second reload replaced this binary's daemon"

# 2. attach after the old binary was deleted (a package upgrade unlinks
# it): the daemon runs "(deleted)", and the next attach replaces it
sfw detach all >/dev/null || fail "detach all"
put_old
old_sfw attach veth0 >/dev/null || fail "attach veth0 with the old binary"
commit_lines "${conf[@]}"
old=$(one_daemon_of "$OLD")
rm -f "$OLD"
readlink "/proc/$old/exe" | has ' (deleted)$' || fail "the old daemon's exe: $(readlink "/proc/$old/exe")"
sfw attach veth1 >/dev/null 2>"$DROPS_TMP/attach.err" || fail "attach veth1: $(cat "$DROPS_TMP/attach.err")"
has "^sfw: note: the session daemon (pid $old, started by attach) runs another sfw binary ($OLD (deleted)): replacing it$" \
	"$DROPS_TMP/attach.err" || fail "attach's note: $(cat "$DROPS_TMP/attach.err")"
wait_for 50 "the deleted binary's daemon's exit" dead "$old"
new=$(one_daemon_of "$SFW")
pid_is "$new" || fail "status after attach names $(status_json pid), not $new"

# 3. one started by hand from another binary: told, left running
put_old
hand_daemon "$OLD" hand
sfw reload >/dev/null 2>"$DROPS_TMP/reload3.err" || fail "reload under a hand daemon"
has "^sfw: warning: the session daemon (pid $hand, started by hand) runs another sfw binary ($OLD): restart it to run this one$" \
	"$DROPS_TMP/reload3.err" || fail "reload's warning: $(cat "$DROPS_TMP/reload3.err")"
pid_is "$hand" || fail "reload replaced the hand daemon"
kill -INT "$hand"
wait_for 100 "the attach daemon taking back over" pid_is "$new"

# 4. an old attach daemon standing by behind a hand daemon of this binary:
# said, left (it sweeps when the hand one stops), replaced once it holds
sfw detach all >/dev/null || fail "detach all (4)"
old_sfw attach veth0 veth1 >/dev/null || fail "attach with the old binary (4)"
commit_lines "${conf[@]}"
old=$(one_daemon_of "$OLD")
hand_daemon "$SFW" hand4
sfw reload >/dev/null 2>"$DROPS_TMP/reload4.err" || fail "reload (4)"
has "^sfw: note: the session daemon standing by (pid $old) runs another sfw binary ($OLD): when it takes back over, \`sfw reload\` replaces it$" \
	"$DROPS_TMP/reload4.err" || fail "reload's standby note: $(cat "$DROPS_TMP/reload4.err")"
kill -0 "$old" || fail "the old standby was stopped"
kill -INT "$hand"
wait_for 100 "the old standby taking back over" pid_is "$old"
sfw reload >/dev/null 2>"$DROPS_TMP/reload5.err" || fail "reload (5)"
wait_for 50 "the old standby's exit" dead "$old"
new=$(one_daemon_of "$SFW")
pid_is "$new" || fail "status after (5) names $(status_json pid), not $new"

# 6. a copy of this very build (`make install` beside the tree's): one
# build, so reloads from each in turn replace nothing, where before each
# replaced the other's daemon (review rvdex F1)
same=$DROPS_TMP/sfw-same
cp "$SFW" "$same" || fail "copy of this build"
for i in 1 2; do
	fw "$same" reload >/dev/null 2>"$DROPS_TMP/same$i.err" || fail "reload from the copy ($i)"
	sfw reload >/dev/null 2>>"$DROPS_TMP/same$i.err" || fail "reload ($i)"
	[ ! -s "$DROPS_TMP/same$i.err" ] || fail "reloads said: $(cat "$DROPS_TMP/same$i.err")"
	pid_is "$new" || fail "a reload from a copy of this build replaced its daemon ($i)"
done
echo "PASS: daemon upgrade"

#!/usr/bin/env bash
# A stored configuration that cannot be applied fails closed
# (docs/security.md): attach and reload say so in one line and exit 1, the
# firewall refuses every new session (whatever the file or the defaults
# would permit) until a commit succeeds, attaching again retries and fails
# again, and `show security flow status` says why. Sessions already
# running keep going. With no configuration at all, permit-all as before.
#
# Broken stored files arise from a hand edit of the active file, from an
# upgrade whose parser refuses what an older one accepted (both: a line
# this sfw does not parse) and from a file that parses but does not fit
# the datapath (max-sessions beyond the table attached with).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
FILES=$SFW_CONF_DIR.files
trap 'topology_down; rm -rf "$FILES"' EXIT

topology_up
mkdir -p "$FILES"
ACTIVE=$SFW_CONF_DIR/sfw.conf
REFUSED="every new session is refused until a commit succeeds"
DENY_ALL='set security policies default-policy deny-all'

status() { sfw show security flow status; }
# attach (or reload) must fail with exactly one line on stderr: "$want..."
fails_with() {   # what want command...
	local what=$1 want=$2 err rc
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 1 ] || fail "$what: exit $rc, want 1 ($err)"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$what: not one line: $err"
	case "$err" in "$want"*) ;; *) fail "$what: got '$err', want '$want...'" ;; esac
}

tcp_server 80
tcp_server 22
for i in $(seq 50); do srv ss -Hlnt 'sport = :22' | has . && break; sleep 0.1; done

# ---- no configuration at all: the built-in permit-all -----------------------
out=$(sfw attach veth0 veth1 2>&1) || fail "attach without a configuration: $out"
connects 22 || fail "no configuration: the connection was refused"
status | has -x '    Default policy: permit-all' || fail "status: $(status)"
status | has 'Configuration' && fail "no configuration, yet: $(status)"
sfw detach all >/dev/null || fail "detach all"

# ---- a line this sfw does not parse, after a valid deny-all ------------------
mkdir -p "$SFW_CONF_DIR"
printf 'set security policies default-policy deny-all\nset security policies frobnicate\n' \
	>"$ACTIVE"
WANT="sfw: the configuration $ACTIVE cannot be applied, $REFUSED: $ACTIVE:2: "
fails_with "first attach" "$WANT" sfw attach veth0 veth1
connects 22 && fail "first attach: a new session opened through a configuration that failed"
fails_with "second attach" "$WANT" sfw attach veth0 veth1
connects 22 && fail "second attach: a new session opened"
status | has -x "    Configuration: failed to apply, $REFUSED" || fail "status: $(status)"
status | has "^    Configuration error: $ACTIVE:2: " || fail "status error: $(status)"
status | has -x '    Default policy: deny-all' || fail "status policy: $(status)"
[ "$(sfw show security flow status --json | jq '.["flow-configuration"]["configuration-failed"]')" = true ] ||
	fail "status JSON: $(sfw show security flow status --json)"
fails_with "reload" "$WANT" sfw reload
fails_with "run-time default policy" "sfw: the stored configuration failed to apply" \
	sfw set security policies default-policy permit-all
connects 22 && fail "after reload: a new session opened"

# ---- a commit of a fixed file: traffic as it says ----------------------------
cat >"$FILES/web.conf" <<'EOF'
set security zones security-zone trust interfaces veth0
set security zones security-zone untrust interfaces veth1
set security policies from-zone trust to-zone untrust policy web match source-address any destination-address any application junos-http
set security policies from-zone trust to-zone untrust policy web then permit
set security policies default-policy deny-all
EOF
out=$(sfw commit "$FILES/web.conf" 2>&1) || fail "commit: $out"
connects 80 || fail "after commit: HTTP refused"
connects 22 && fail "after commit: SSH allowed, the file denies it"
status | has 'Configuration' && fail "after commit: $(status)"
out=$(sfw attach veth0 2>&1) || fail "attach after the commit: $out"
# a run-time permit-all would loosen the stored deny-all until the next
# commit: refused; deny-all, tighter than any file, is taken
fails_with "run-time permit-all over a stored deny-all" \
	"sfw: the stored configuration $ACTIVE says default-policy deny-all: commit one that says permit-all rather than override it at run time" \
	sfw set security policies default-policy permit-all
connects 22 && fail "a refused run-time permit-all let SSH through"
sfw set security policies default-policy deny-all || fail "run-time deny-all over a stored deny-all"

# ---- running sessions keep their verdict when the next apply fails -----------
bg_in_ns "$SRV_NS" sh -c "nc -lk 8080 >'$FILES/received'"
cat >"$FILES/alt.conf" <<'EOF'
set applications application alt protocol tcp destination-port 8080
set security policies global policy alt match source-address any destination-address any application alt
set security policies global policy alt then permit
set security policies default-policy deny-all
EOF
out=$(sfw commit "$FILES/alt.conf" 2>&1) || fail "commit alt: $out"
for i in $(seq 50); do srv ss -Hlnt 'sport = :8080' | has . && break; sleep 0.1; done
bg_in_ns "$CLI_NS" /usr/bin/python3 -c '
import os, socket, sys, time
s = socket.create_connection(("203.0.113.2", 8080), timeout=3)
s.sendall(b"before\n")
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
s.sendall(b"after\n")
time.sleep(5)' "$FILES/go"
for i in $(seq 50); do grep -q before "$FILES/received" 2>/dev/null && break; sleep 0.1; done
grep -q before "$FILES/received" || fail "the running session never opened"
echo 'set security policies frobnicate' >>"$ACTIVE"   # a hand edit
fails_with "reload of a damaged file" "sfw: the configuration $ACTIVE cannot be applied" sfw reload
connects 8080 && fail "damaged file after reload: a new session opened"
touch "$FILES/go"
for i in $(seq 50); do grep -q after "$FILES/received" && break; sleep 0.1; done
grep -q after "$FILES/received" || fail "the running session was cut when the apply failed"

# ---- a file that parses but does not fit the table attached with -------------
sfw detach all >/dev/null || fail "detach all"
printf 'set security flow session max-sessions 100000\nset security policies default-policy permit-all\n' \
	>"$ACTIVE"
WANT="sfw: the configuration $ACTIVE cannot be applied, $REFUSED: max-sessions 100000 exceeds"
fails_with "attach, small table" "$WANT" sfw attach veth0 veth1 max-sessions 4096
connects 22 && fail "max-sessions: a new session opened"
fails_with "attach again, small table" "$WANT" sfw attach veth1
status | has -x "    Configuration: failed to apply, $REFUSED" || fail "status: $(status)"
printf 'set security flow session max-sessions 1000\nset security policies default-policy permit-all\n' \
	>"$FILES/fits.conf"
out=$(sfw commit "$FILES/fits.conf" 2>&1) || fail "commit fits: $out"
connects 22 || fail "after the fixed commit: refused"

# ---- files that are not regular files: refused at once, never waited on ------
# A FIFO would block a reader until a writer came, while it holds the lock
# every other command needs. Bounded by timeout: exit 124 is the hang.
sfw detach all >/dev/null || fail "detach all"
rm -f "$ACTIVE"
mkfifo "$ACTIVE"
WANT="sfw: the configuration $ACTIVE cannot be applied, $REFUSED: $ACTIVE: cannot read: a FIFO, expected a regular file"
fails_with "attach, a FIFO as the stored file" "$WANT" fw timeout 120 "$SFW" attach veth0 veth1
connects 22 && fail "a FIFO as the stored file: a new session opened"
fw timeout 30 "$SFW" show security flow status >"$FILES/status" ||
	fail "status with a FIFO as the stored file: exit $?"
grep -q "Configuration error: $ACTIVE: cannot read: a FIFO" "$FILES/status" ||
	fail "status: $(cat "$FILES/status")"
mkfifo "$FILES/fifo.conf" "$SFW_CONF_DIR/rollback/sfw.conf.7"
fails_with "commit of a FIFO" "sfw: $FILES/fifo.conf: cannot read: a FIFO" \
	fw timeout 30 "$SFW" commit "$FILES/fifo.conf"
fails_with "rollback to a FIFO" "sfw: $SFW_CONF_DIR/rollback/sfw.conf.7: cannot read: a FIFO" \
	fw timeout 30 "$SFW" rollback 7
fails_with "reload, a FIFO as the stored file" "$WANT" fw timeout 60 "$SFW" reload
connects 22 && fail "a FIFO as the stored file, after reload: a new session opened"

# ---- a stored file sfw may not read -------------------------------------------
# Root reads a mode 000 file anyway; without CAP_DAC_OVERRIDE and
# CAP_DAC_READ_SEARCH (a unit or container that bounds them away) it
# cannot. A file that is there but cannot be read is a configuration that
# cannot be applied (fails closed), never "no configuration" (permit-all):
# an access() check once mistook one for the other. So is a file that
# cannot even be looked at, in a directory sfw may not search.
nodac() {
	fw setpriv --inh-caps=-dac_override,-dac_read_search \
		--bounding-set=-dac_override,-dac_read_search "$SFW" "$@"
}
sfw detach all >/dev/null || fail "detach all"
rm -f "$ACTIVE"
echo "$DENY_ALL" >"$ACTIVE"
chmod 000 "$ACTIVE"
WANT="sfw: the configuration $ACTIVE cannot be applied, $REFUSED: $ACTIVE: cannot read: Permission denied"
fails_with "attach, a stored file it may not read" "$WANT" nodac attach veth0 veth1
connects 22 && fail "a stored file sfw may not read: a new session opened"
fails_with "attach again, a stored file it may not read" "$WANT" nodac attach veth1
nodac show security flow status | has -x "    Configuration: failed to apply, $REFUSED" ||
	fail "status, unreadable file: $(nodac show security flow status)"
connects 22 && fail "a stored file sfw may not read, attached again: a new session opened"
sfw detach all >/dev/null || fail "detach all"
chmod 644 "$ACTIVE"
chmod 000 "$SFW_CONF_DIR"
fails_with "attach, a configuration directory it may not search" \
	"sfw: the configuration $ACTIVE cannot be applied, $REFUSED: $ACTIVE: cannot read: Permission denied" \
	nodac attach veth0 veth1
connects 22 && fail "a configuration directory sfw may not search: a new session opened"
chmod 755 "$SFW_CONF_DIR"

# ---- a configuration directory that is a link to nothing ---------------------
# /etc/sfw linked to a filesystem not mounted yet: a configuration that
# cannot be read (fails closed), not "no configuration" (permit-all).
sfw detach all >/dev/null || fail "detach all"
rm -rf "$SFW_CONF_DIR"
ln -s "/nonexistent-$NS_PREFIX" "$SFW_CONF_DIR"
fails_with "attach, a dangling configuration directory" \
	"sfw: the configuration $ACTIVE cannot be applied, $REFUSED: $ACTIVE: cannot read: No such file or directory" \
	sfw attach veth0 veth1
connects 22 && fail "a dangling configuration directory: a new session opened"
rm -f "$SFW_CONF_DIR"
echo "PASS"

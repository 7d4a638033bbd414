#!/usr/bin/env bash
# Configuration mode against an attached datapath: a commit in `sfw cli`
# takes effect as `sfw commit FILE` does, and `commit confirmed` is the
# remote operator's safety net: a commit that locks SSH out is rolled back
# by its timer after the shell has gone, and SSH connects again.
# SFW_TEST_MINUTE_SECONDS (test only) makes a minute last 2 seconds.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/drops_lib.sh
export SFW_TEST_MINUTE_SECONDS=2

drops_up
tcp_server 22
for _ in $(seq 50); do srv ss -Hlnt 'sport = :22' | grep -q . && break; sleep 0.1; done
commit_lines 'set security policies default-policy permit-all'

connects() {   # 0 when a TCP connection to the server's SSH port opens
	cli /usr/bin/python3 -c 'import socket, sys
try:
    socket.create_connection(("203.0.113.2", 22), timeout=2).close()
except OSError:
    sys.exit(4)'
}
in_force() { sfw show security flow status | sed -n 's/^    Default policy: //p'; }
configure() { printf '%s\n' configure "$@" exit | sfw cli >"$DROPS_TMP/out" 2>&1; }

connects || fail "SSH does not connect under permit-all"

# a plain commit in configuration mode is applied
configure 'set security policies default-policy deny-all' commit ||
	fail "commit in configuration mode: $(cat "$DROPS_TMP/out")"
expect_eq "$(in_force)" "deny-all" "the default policy after commit"
connects && fail "SSH connects after committing deny-all"
configure 'rollback 1' commit || fail "rollback 1, commit: $(cat "$DROPS_TMP/out")"
expect_eq "$(in_force)" "permit-all" "the default policy after rollback 1"
connects || fail "SSH does not connect after rollback 1"

# commit confirmed that locks SSH out; the shell is gone at once
configure 'set security policies default-policy deny-all' 'commit confirmed 1' ||
	fail "commit confirmed: $(cat "$DROPS_TMP/out")"
grep -q "rolled back in 1 minutes unless confirmed" "$DROPS_TMP/out" ||
	fail "commit confirmed said: $(cat "$DROPS_TMP/out")"
expect_eq "$(in_force)" "deny-all" "the default policy after commit confirmed"
connects && fail "SSH connects after committing deny-all"
for _ in $(seq 1 40); do
	[ "$(in_force)" = permit-all ] && break
	sleep 0.5
done
expect_eq "$(in_force)" "permit-all" "the default policy after the timer"
connects || fail "SSH does not connect after commit confirmed was rolled back"
grep -q "default-policy permit-all" "$SFW_CONF_DIR/sfw.conf" || fail "the stored file was not rolled back"
echo "PASS: test_cli_configure_datapath"

#!/usr/bin/env bash
# Review rtuser F3: `commit check` parsed and checked the model but did not
# compile it, so it passed what `commit` refuses (more than 62 security
# zones, more than 1024 policies in one zone pair), and a commit with
# nothing attached stored such a file, which then failed closed at attach
# (every new session refused). Now `commit check` (from bash and in
# configure mode) refuses what the compile refuses, with its one line, and
# a commit refuses it before storing anything. Nothing attached.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD" "$SFW_CONF_DIR"' EXIT

for z in $(seq 1 63); do
	echo "set security zones security-zone z$z interfaces veth$z"
done >"$TMPD/zones.conf"
{
	echo "set security zones security-zone trust interfaces veth0"
	echo "set security zones security-zone untrust interfaces veth1"
	for p in $(seq 1 1025); do
		echo "set security policies from-zone trust to-zone untrust policy p$p match source-address any destination-address any application junos-http"
		echo "set security policies from-zone trust to-zone untrust policy p$p then permit"
	done
} >"$TMPD/policies.conf"
printf '%s\n' "set security policies default-policy permit-all" >"$TMPD/base.conf"
"$SFW" commit "$TMPD/base.conf" >/dev/null 2>&1 || fail "commit the base configuration"
base=$("$SFW" show configuration)

check_refused() {   # file message
	local out rc
	out=$("$SFW" commit check "$1" 2>&1)
	rc=$?
	expect_eq "$rc" 1 "commit check $(basename "$1"): exit"
	expect_eq "$out" "sfw: configuration check fails: $2" "commit check $(basename "$1")"
	out=$({ echo configure; cat "$1"; echo "commit check"; echo "rollback 0"; } |
		"$SFW" cli 2>&1)
	[[ $out == *"error: configuration check fails: $2"* ]] ||
		fail "configure mode's commit check of $(basename "$1"): $(tail -3 <<<"$out")"
	[[ $out == *"configuration check succeeds"* ]] &&
		fail "configure mode's commit check of $(basename "$1") succeeded"
	out=$("$SFW" commit "$1" 2>&1)
	rc=$?
	expect_eq "$rc" 1 "commit $(basename "$1"): exit"
	expect_eq "$out" "sfw: commit failed: $2" "commit $(basename "$1")"
	expect_eq "$("$SFW" show configuration)" "$base" "the stored file after commit $(basename "$1")"
}
check_refused "$TMPD/zones.conf" "more than 62 security zones"
echo "ok 63 zones: commit check and commit refuse them, nothing stored"
check_refused "$TMPD/policies.conf" "more than 1024 policies in one zone pair"
echo "ok 1025 policies in one zone pair: commit check and commit refuse them, nothing stored"
head -n $((2 + 2 * 1024)) "$TMPD/policies.conf" >"$TMPD/ok.conf"
out=$("$SFW" commit check "$TMPD/ok.conf" 2>&1) || fail "commit check of 1024 policies: $out"
expect_eq "$out" "configuration check succeeds" "1024 policies in one zone pair"
echo "PASS: test_commit_check_compile"

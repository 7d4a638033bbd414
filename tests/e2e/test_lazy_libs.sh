#!/usr/bin/env bash
# The libraries only some commands use are loaded by those commands
# (util/lazylib.h), not at every start of sfw: the binary links none of
# them, and a command whose library cannot be loaded says so in one line
# naming it and exits 1, never crashes. The library is hidden in a private
# mount namespace (/dev/null bound over it); nothing else sees that.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap 'rm -rf "$SFW_CONF_DIR"' EXIT

linked=$(ldd "$SFW") || fail "ldd $SFW"
for lib in libedit libmicrohttpd libgnutls libcrypto libnetfilter_conntrack libnftables; do
	if grep -q "$lib\.so" <<<"$linked"; then
		fail "$SFW links $lib: it is to be loaded by the commands that use it"
	fi
done

# The shell on a terminal (script gives it one) without libedit.
edit=$(ldconfig -p | awk '$1 == "libedit.so.2" { print $NF; exit }')
edit=$(readlink -f "$edit")
[ -f "$edit" ] || fail "libedit.so.2 not found (ldconfig -p)"
out=$(unshare -m bash -c 'mount --bind /dev/null "$1" && script -qec "$2" /dev/null' \
	_ "$edit" "$SFW" </dev/null 2>&1)
rc=$?
expect_eq "$rc" 1 "the shell's exit status without libedit"
out=$(tr -d '\r' <<<"$out")
expect_eq "$(grep -c . <<<"$out")" 1 "lines the shell printed without libedit"
grep -q '^sfw: cannot load libedit\.so\.2: ' <<<"$out" ||
	fail "the shell without libedit said: $out"
echo "PASS: test_lazy_libs"

#!/usr/bin/env bash
# The libraries only some commands use are loaded by those commands
# (util/lazylib.h), not at every start of sfw: the binary links none of
# them, and a command whose library cannot be loaded says so in one line
# naming it and exits 1, never crashes. The library is hidden in a private
# mount namespace (/dev/null bound over it); nothing else sees that.
# libbpf too, with libelf and libz under it (util/libbpf_lazy.h): the
# summary makes its few bpf(2) calls itself and works without it.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
trap topology_down EXIT

linked=$(ldd "$SFW") || fail "ldd $SFW"
for lib in libedit libmicrohttpd libgnutls libcrypto libnetfilter_conntrack libnftables \
	libbpf libelf libz; do
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
# without libbpf (hidden as libedit above, in the firewall's namespace):
# the summary as with it; a command that needs libbpf says so and exits 1
hidden() {   # library words...
	local lib
	lib=$(ldconfig -p | awk -v l="$1" '$1 == l { print $NF; exit }')
	lib=$(readlink -f "$lib")
	[ -f "$lib" ] || fail "$1 not found (ldconfig -p)"
	shift
	unshare -m bash -c 'mount --bind /dev/null "$1" && shift && exec "$@"' _ "$lib" \
		nsenter --net="/run/netns/$FW_NS" "$SFW" "$@"
}
topology_up
sfw attach veth0 veth1 >/dev/null || fail "attach"
want=$(sfw show security flow session summary) || fail "summary"
got=$(hidden libbpf.so.1 show security flow session summary 2>&1)
expect_eq "$?" 0 "the summary's exit status without libbpf"
expect_eq "$got" "$want" "the summary without libbpf"
out=$(hidden libbpf.so.1 show version 2>&1)
expect_eq "$?" 1 "show version's exit status without libbpf"
expect_eq "$(grep -c . <<<"$out")" 1 "lines show version printed without libbpf"
grep -q '^sfw: cannot load libbpf\.so\.1: ' <<<"$out" ||
	fail "show version without libbpf said: $out"
echo "PASS: test_lazy_libs"

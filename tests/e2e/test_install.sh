#!/usr/bin/env bash
# make install into a scratch DESTDIR, for PREFIX=/usr and the default
# /usr/local: exactly the binary, the two man pages, the bash completion,
# the systemd unit (naming the installed binary) and the example
# configuration, each usable from there; make uninstall removes exactly
# those, and keeps a configuration the operator committed over the example.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
BUILD=$(dirname "$SFW")
D=$(mktemp -d /tmp/sfw-install-XXXXXX)
trap 'rm -rf "$D"' EXIT
# run from make test: keep its variables (MAKEFLAGS), not its job server
MAKEFLAGS=$(sed -E 's/(^| )-j[0-9]*|--jobserver-[^ ]*//g' <<<"${MAKEFLAGS:-}")
export MAKEFLAGS

mk() { make -s --no-print-directory BUILD="$BUILD" DESTDIR="$D" "$@"; }
files() { (cd "$D" && find . -type f -o -type l | sed 's/^\.//' | sort); }
mode() { stat -c %a "$D$1"; }

check_prefix() {   # prefix
	local p=$1 got want
	mk PREFIX="$p" install >"$D.out" 2>&1 || fail "install PREFIX=$p: $(cat "$D.out")"
	want=$(printf '%s\n' /etc/sfw/sfw.conf "$p/lib/systemd/system/sfw.service" \
		"$p/lib/systemd/system/sfw-attach.service" "$p/sbin/sfw" \
		"$p/share/bash-completion/completions/sfw" "$p/share/doc/sfw/examples/sfw.conf" \
		"$p/share/man/man5/sfw.conf.5" "$p/share/man/man8/sfw.8" | sort)
	got=$(files)
	expect_eq "$got" "$want" "installed files, PREFIX=$p"
	expect_eq "$(mode "$p/sbin/sfw")" 755 "binary mode"
	for f in $(files); do
		[ "$f" = "$p/sbin/sfw" ] || expect_eq "$(mode "$f")" 644 "$f mode"
	done

	# each usable where it lies
	expect_eq "$("$D$p/sbin/sfw" --version)" "$("$SFW" --version)" "installed sfw --version"
	expect_eq "$(sed -n 's/^ExecStart=//p' "$D$p/lib/systemd/system/sfw.service")" \
		"$p/sbin/sfw daemon syslog" "unit ExecStart"
	expect_eq "$(sed -n 's/^ExecStart=//p' "$D$p/lib/systemd/system/sfw-attach.service")" \
		"$p/sbin/sfw restore watch" "boot unit ExecStart"
	man -l "$D$p/share/man/man8/sfw.8" 2>/dev/null | has 'show security flow session' ||
		fail "sfw.8 does not render"
	man -l "$D$p/share/man/man5/sfw.conf.5" 2>/dev/null | has 'set security zones security-zone' ||
		fail "sfw.conf.5 does not render"
	expect_eq "$(MANPATH="$D$p/share/man" man -w sfw.conf)" "$D$p/share/man/man5/sfw.conf.5" \
		"man -w sfw.conf"
	expect_eq "$(bash -c 'source "$1"; COMP_WORDS=(sfw sh sec fl s); COMP_CWORD=4; _sfw
		echo "${COMPREPLY[*]}"' - "$D$p/share/bash-completion/completions/sfw")" "session statistics status" \
		"installed completion"
	cmp -s "$D/etc/sfw/sfw.conf" docs/sfw.conf || fail "/etc/sfw/sfw.conf is not the example"

	mk PREFIX="$p" uninstall >"$D.out" 2>&1 || fail "uninstall PREFIX=$p: $(cat "$D.out")"
	expect_eq "$(files)" "" "files left after uninstall, PREFIX=$p"
	[ ! -e "$D/etc/sfw" ] && [ ! -e "$D$p/share/doc/sfw" ] || fail "sfw's directories left"
}

check_prefix /usr
check_prefix /usr/local
rm -rf "${D:?}"/*

# PREFIX defaults to /usr/local
mk install >"$D.out" 2>&1 || fail "install: $(cat "$D.out")"
[ -x "$D/usr/local/sbin/sfw" ] || fail "default PREFIX is not /usr/local"

# a committed configuration survives install and uninstall
echo 'set security policies default-policy deny-all' >"$D/etc/sfw/sfw.conf"
mk install >"$D.out" 2>&1 || fail "install over a configuration: $(cat "$D.out")"
grep -q "sfw.conf exists, kept" "$D.out" || fail "install did not say it kept the configuration"
mk uninstall >"$D.out" 2>&1 || fail "uninstall: $(cat "$D.out")"
expect_eq "$(files)" "/etc/sfw/sfw.conf" "uninstall with a committed configuration"
expect_eq "$(cat "$D/etc/sfw/sfw.conf")" "set security policies default-policy deny-all" \
	"committed configuration after uninstall"
rm -f "$D.out"
exit 0

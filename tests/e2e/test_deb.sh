#!/usr/bin/env bash
# The Debian package (make deb: debhelper, lintian-clean), installed by dpkg
# into a scratch root: an overlay of this machine's / whose writes go to a
# tmpfs, in a private mount namespace, entered with chroot. dpkg there has
# this machine's package database and tools, so it resolves dependencies
# and runs the real maintainer scripts, and the machine is left untouched.
#
# Covers: install (postinst configure), the file list, the conffile, the
# unit installed but neither enabled nor started (the root looks booted
# with systemd, and systemctl and deb-systemd-invoke there log what the
# maintainer scripts ask), sfw, its man pages and its completion working
# from the installed files; a reinstall over itself (an upgrade: the daemon
# try-restarted, a committed configuration kept); remove (the unit's
# daemon stopped, and the one `sfw attach` started, attached to a veth of
# the test's own namespace; the conffile kept); purge (postrm: the rollback directory and
# lock a commit left, then /etc/sfw, are gone).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
BUILD=$(dirname "$SFW")
VERSION=$(cat VERSION)
W=$(mktemp -d /tmp/sfw-deb-XXXXXX)
trap 'topology_down; rm -rf "$W"' EXIT
MAKEFLAGS=$(sed -E 's/(^| )-j[0-9]*|--jobserver-[^ ]*//g' <<<"${MAKEFLAGS:-}")
export MAKEFLAGS

make -s --no-print-directory BUILD="$BUILD" deb >"$W/make.out" 2>&1 ||
	fail "make deb: $(tail -n 30 "$W/make.out")"
DEB=$(ls "$BUILD"/deb/sfw_"$VERSION"_*.deb) || fail "no package in $BUILD/deb"
cp "$DEB" "$W/sfw.deb"
cp docs/sfw.conf "$W/example.conf"
# the build string make deb gave the package (scripts/deb.sh)
BUILD_ID=$(make -s --no-print-directory version | cut -d' ' -f2)
if [ "$BUILD_ID" = "$VERSION" ]; then want="sfw $VERSION"; else want="sfw $VERSION (build $BUILD_ID)"; fi

# The checks run inside the namespace, with the root at $W/root.
topology_up
unshare --mount --propagation private bash -s "$W" "$want" "$VERSION" "$FW_NS" <<'INNER'
set -uo pipefail
W=$1 VERSION_LINE=$2 VERSION=$3 FW_NS=$4 R=$1/root
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"; }
has() { grep "$@" >/dev/null; }   # lib.sh's: this shell does not source it
r() { chroot "$R" env -i PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
rfw() { nsenter --net="/run/netns/$FW_NS" chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
dpkg_r() { r dpkg "$@" >"$W/dpkg.out" 2>&1 || fail "dpkg $*: $(cat "$W/dpkg.out")"; }
status() { r dpkg-query -W -f='${Status}' sfw 2>/dev/null; }
installed_files() { r dpkg -L sfw | while read -r f; do [ -d "$R$f" ] || echo "$f"; done | sort; }

mkdir -p "$W/tmpfs" && mount -t tmpfs tmpfs "$W/tmpfs" || fail "tmpfs"
mkdir "$W/tmpfs/upper" "$W/tmpfs/work" "$R"
mount -t overlay overlay -o "lowerdir=/,upperdir=$W/tmpfs/upper,workdir=$W/tmpfs/work" "$R" ||
	fail "overlay root"
mount --rbind /dev "$R/dev" && mount -t proc proc "$R/proc" || fail "dev, proc"
# sysfs (the kernel's BTF, for attach), then a bpffs of its own: sfw
# commit needs one, and sees no pins of this host
mount -t sysfs sysfs "$R/sys" && mount -t bpf bpf "$R/sys/fs/bpf" || fail "sysfs, bpffs"
# As if booted with systemd, with systemctl and deb-systemd-invoke logging
# what the maintainer scripts ask of them, instead of asking this machine.
mkdir -p "$R/run/systemd/system" "$R/usr/local/sbin"
for tool in systemctl deb-systemd-invoke; do
	printf '#!/bin/sh\necho "%s $*" >>/tmp/systemd.log\n' "$tool" >"$R/usr/local/sbin/$tool"
	chmod 755 "$R/usr/local/sbin/$tool"
done
systemd_calls() { cat "$R/tmp/systemd.log" 2>/dev/null; rm -f "$R/tmp/systemd.log"; }
cp "$W/sfw.deb" "$R/tmp/sfw.deb"
[ -z "$(status)" ] || fail "sfw is installed on this machine already: $(status)"

# ---- install
dpkg_r -i /tmp/sfw.deb
expect_eq "$(status)" "install ok installed" "status after install"
expect_eq "$(installed_files)" "/etc/sfw/sfw.conf
/lib/systemd/system/sfw-attach.service
/lib/systemd/system/sfw.service
/usr/sbin/sfw
/usr/share/bash-completion/completions/sfw
/usr/share/doc/sfw/changelog.gz
/usr/share/doc/sfw/copyright
/usr/share/doc/sfw/examples/sfw.conf
/usr/share/lintian/overrides/sfw
/usr/share/man/man5/sfw.conf.5.gz
/usr/share/man/man8/sfw.8.gz" "installed files"
expect_eq "$(r dpkg-query -W -f='${Conffiles}' sfw | awk 'NF {print $1}')" /etc/sfw/sfw.conf \
	"conffiles"
cmp -s "$R/etc/sfw/sfw.conf" "$W/example.conf" || fail "/etc/sfw/sfw.conf is not the example"

# nothing started; the boot unit enabled (its preset: enable), so what is
# attached is attached again after a reboot; the daemon's unit not
expect_eq "$(systemd_calls)" "systemctl --system daemon-reload
systemctl --root=/ --system --preset-mode=enable-only preset sfw-attach.service
systemctl --system daemon-reload" \
	"systemd calls of install"
r systemd-analyze verify /lib/systemd/system/sfw-attach.service >"$W/verify.out" 2>&1 ||
	fail "systemd-analyze verify sfw-attach: $(cat "$W/verify.out")"
expect_eq "$(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/sfw-attach.service")" \
	"/usr/sbin/sfw restore watch" "boot unit ExecStart"
[ -z "$(find "$R/etc/systemd" -name 'sfw*')" ] || fail "enabled: $(find "$R/etc/systemd" -name 'sfw*')"
r env DPKG_MAINTSCRIPT_PACKAGE=sfw deb-systemd-helper --quiet was-enabled sfw.service &&
	fail "deb-systemd-helper: sfw.service enabled"
expect_eq "$(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/sfw.service")" \
	"/usr/sbin/sfw daemon syslog" "unit ExecStart"
r systemd-analyze verify /lib/systemd/system/sfw.service >"$W/verify.out" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$W/verify.out")"

# what was installed works
expect_eq "$(r sfw --version)" "$VERSION_LINE" "installed sfw --version"
r sfw show version | has -x "sfw: $VERSION" || fail "show version: $(r sfw show version)"
expect_eq "$(r man -w sfw)" /usr/share/man/man8/sfw.8.gz "man -w sfw"
expect_eq "$(r man -w sfw.conf)" /usr/share/man/man5/sfw.conf.5.gz "man -w sfw.conf"
r man -P cat sfw 2>/dev/null | has 'clear security flow session' || fail "man sfw does not render"
expect_eq "$(r bash -c 'source /usr/share/bash-completion/completions/sfw
	COMP_WORDS=(sfw sh sec fl s); COMP_CWORD=4; _sfw; echo "${COMPREPLY[*]}"')" "session statistics status" \
	"installed completion"
expect_eq "$(r sfw commit check /etc/sfw/sfw.conf 2>&1)" "configuration check succeeds" \
	"commit check of the shipped configuration"

# ---- a commit (rollback directory, lock), then a reinstall keeps it
printf 'set security policies default-policy deny-all\n' >"$R/tmp/new.conf"
r sfw commit /tmp/new.conf >"$W/commit.out" 2>&1 || fail "sfw commit: $(cat "$W/commit.out")"
[ -f "$R/etc/sfw/rollback/sfw.conf.1" ] || fail "commit left no rollback 1"
systemd_calls >/dev/null
dpkg_r -i /tmp/sfw.deb
expect_eq "$(status)" "install ok installed" "status after reinstall"
# an upgrade restarts the daemon and the boot unit's watch only if they run
expect_eq "$(systemd_calls)" "systemctl --system daemon-reload
deb-systemd-invoke try-restart sfw.service
systemctl --system daemon-reload
deb-systemd-invoke try-restart sfw-attach.service" "systemd calls of an upgrade"
expect_eq "$(cat "$R/etc/sfw/sfw.conf")" "set security policies default-policy deny-all" \
	"committed configuration after reinstall"

# ---- remove stops the daemon attach started, keeps the configuration;
# purge removes what sfw wrote
rfw sfw attach veth0 >"$W/attach.out" 2>&1 || fail "sfw attach: $(cat "$W/attach.out")"
daemon=$(rfw sfw status --json | rfw jq -r '."sfw-status"."session-daemon".pid')
[ "$daemon" -gt 0 ] 2>/dev/null && kill -0 "$daemon" || fail "no daemon after attach: $daemon"
# and a watch started by hand: it would attach with a binary that is gone
# (nsenter, chroot and env exec: $! is sfw once they have)
rfw sfw restore watch >/dev/null 2>&1 &
watch=$!
running() { case "$(ps -o stat= -p "$1")" in "" | Z*) return 1 ;; esac; }
for _ in $(seq 50); do tr '\0' ' ' <"/proc/$watch/cmdline" | has '^sfw restore' && break; sleep 0.1; done
running "$watch" || fail "the watch started by hand did not run"
dpkg_r -r sfw
for _ in $(seq 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
for _ in $(seq 100); do running "$watch" || break; sleep 0.1; done
running "$watch" && fail "remove left the watch started by hand"
kill -0 "$daemon" 2>/dev/null && fail "remove left the session daemon attach started ($daemon)"
has "^sfw: stopping the session daemon ($daemon): closes are not logged until sfw" "$W/dpkg.out" ||
	fail "remove did not say it stopped the daemon: $(cat "$W/dpkg.out")"
expect_eq "$(status)" "deinstall ok config-files" "status after remove"
# (one daemon-reload per unit: debian/rules installs them apart)
expect_eq "$(systemd_calls)" "deb-systemd-invoke stop sfw-attach.service sfw.service
systemctl --system daemon-reload
systemctl --system daemon-reload" "systemd calls of remove"
[ ! -e "$R/usr/sbin/sfw" ] && [ ! -e "$R/lib/systemd/system/sfw.service" ] &&
	[ ! -e "$R/lib/systemd/system/sfw-attach.service" ] || fail "remove left files"
# (the attach above ran in a namespace the chroot cannot name: unrecorded)
[ ! -e "$R/etc/sfw/attached" ] || fail "attach in an unnamed namespace recorded it"
[ -f "$R/etc/sfw/sfw.conf" ] || fail "remove took the configuration"
printf 'pin-root /sys/fs/bpf/sfw\nnetns -\ninterface eth0 native\n' >"$R/etc/sfw/attached"
# (review restore-review2) another pin root's record, and a record's
# temporary a crash left: written by sfw too
printf 'pin-root /sys/fs/bpf/sfw-b\nnetns -\ninterface eth0 native\n' \
	>"$R/etc/sfw/attached-sys_fs_bpf_sfw-b"
: >"$R/etc/sfw/.attached.Ab12Cd"
dpkg_r -P sfw
[ -z "$(status)" ] || fail "status after purge: $(status)"
[ ! -e "$R/etc/sfw" ] || fail "purge left $(find "$R/etc/sfw")"
exit 0
INNER

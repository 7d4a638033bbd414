#!/usr/bin/env bash
# A fresh clone on a fresh machine passes `make test` (docs/reliability.md,
# "A fresh machine"). The machine: a minimal Debian of this host's release
# (debootstrap --variant=minbase: the Essential packages and apt, nothing
# else) in a scratch directory. The clone: `git clone` of REF of this
# repository, copied in. Both are entered in a private mount namespace with
# chroot, with /proc, /sys, /dev, a bpffs and a tmpfs /run of their own;
# the kernel is this one, so XDP, tc, BPF and network namespaces work as on
# the host. There: apt-get install make (a fresh Debian has none), then
# `make deps` and `make test`, as a new user would run them; with --demo,
# the README's other command, `make demo`, instead of `make test`.
#
#   sudo scripts/fresh-check.sh [--keep] [--demo] [REF]    REF: a branch or tag, default main
#
# Long (a Debian bootstrap, every package deps.sh lists, a build and the
# whole suite): not part of `make test`. The log and the verdict are in
# $FRESH_DIR/fresh.log (FRESH_DIR: default /var/tmp/sfw-fresh-XXXXXX, removed
# at the end unless --keep). MIRROR overrides the Debian mirror.
set -uo pipefail
cd "$(dirname "$0")/.."
KEEP=0
GOAL=test
while [ $# -gt 0 ]; do
	case $1 in
	--keep) KEEP=1 ;;
	--demo) GOAL=demo ;;
	-*) echo "fresh-check: unknown option $1 (--keep, --demo)" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
REF=${1:-main}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
die() { echo "fresh-check: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (sudo scripts/fresh-check.sh)"
command -v debootstrap >/dev/null || die "debootstrap is missing: run make deps"
# shellcheck source=/dev/null
CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$CODENAME" ] || die "cannot tell this host's Debian release from /etc/os-release"
GIT_DIR=$(git rev-parse --path-format=absolute --git-common-dir) || die "not in a clone of sfw"

W=${FRESH_DIR:-$(mktemp -d /var/tmp/sfw-fresh-XXXXXX)}
R=$W/root
LOG=$W/fresh.log
mkdir -p "$R"
cleanup() {
	[ "$KEEP" = 1 ] && return
	# every mount was made in the namespace, which is gone: refuse to remove
	# anything if one is still seen from here
	if findmnt -rn -o TARGET | grep -q "^$W/"; then
		echo "fresh-check: mounts left under $W: not removed" >&2
		return
	fi
	rm -rf "$W"
}
trap cleanup EXIT
say() { echo "fresh-check: $*" | tee -a "$LOG"; }

say "$(date -u '+%Y-%m-%d %H:%M UTC'), Debian $CODENAME (minbase) in $R, Linux $(uname -r)"
debootstrap --variant=minbase "$CODENAME" "$R" "$MIRROR" >>"$LOG" 2>&1 ||
	die "debootstrap failed: $(tail -n 5 "$LOG")"
cat >"$R/etc/apt/sources.list" <<EOF
deb $MIRROR $CODENAME main
deb $MIRROR $CODENAME-updates main
deb http://deb.debian.org/debian-security $CODENAME-security main
EOF
cp /etc/resolv.conf "$R/etc/resolv.conf"
present=$(for p in make git gcc clang python3 iproute2 libbpf-dev; do
	chroot "$R" dpkg-query -W "$p" >/dev/null 2>&1 && echo "$p"; done | tr '\n' ' ')
say "$(chroot "$R" dpkg-query -W -f='${Package}\n' | wc -l) packages installed; of make, git," \
	"gcc, clang, python3, iproute2, libbpf-dev: ${present:-none}"

git clone --quiet --no-hardlinks --branch "$REF" "$GIT_DIR" "$R/src/sfw" ||
	die "cannot clone $REF of $GIT_DIR"
say "clone of $REF at $(git -C "$R/src/sfw" log -1 --format='%h %s' | cut -c1-72)"

# The steps inside, each timed; the namespace's mounts go with it.
unshare --mount --propagation private bash -s "$R" "$GOAL" >>"$LOG" 2>&1 <<'INNER'
set -uo pipefail
R=$1
GOAL=$2
mount --bind "$R" "$R"                  # a mount point: unshare inside needs one as /
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount -t bpf bpf "$R/sys/fs/bpf"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
step() {   # what command...
	local what=$1 t0=$SECONDS rc
	shift
	echo "== $what"
	chroot "$R" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb bash -c "cd /src/sfw && $*"
	rc=$?
	echo "== $what: exit $rc after $((SECONDS - t0)) s"
	return $rc
}
export DEBIAN_FRONTEND=noninteractive
step "install make" "apt-get update -qq && apt-get install -y -qq --no-install-recommends make >/dev/null" &&
	step "make deps" "make deps" &&
	if [ "$GOAL" = demo ]; then   # the demo leaves its namespaces up: take them down
		step "make demo" "make demo; rc=\$?; scripts/demo.sh clean; exit \$rc"
	else
		step "make test" "make test"
	fi
INNER
rc=$?
grep '^== .*: exit' "$LOG" | sed 's/^== /fresh-check: /'
summary=$(grep -E '^tests: [0-9]+ passed' "$LOG" | tail -n 1)
[ -n "$summary" ] && say "$summary"
grep -E '^FAIL ' "$LOG" | sed 's/^/fresh-check: /'
if [ $rc -eq 0 ]; then
	say "PASS: a fresh clone of $REF passes make $GOAL on a fresh Debian $CODENAME"
else
	say "FAIL (exit $rc): see $LOG"
	KEEP=1
fi
exit $rc

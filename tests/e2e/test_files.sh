#!/usr/bin/env bash
# Files, pins and privileges (docs/security.md): SFW_PIN_ROOT must be a
# directory on bpffs (sfw mounts nothing over a directory it names: the
# refusal runs in a private mount namespace, so that a regression could not
# hide a host directory), `detach all` removes sfw's own pins and nothing
# foreign that shares the root, and the daemon's log file is never a
# symbolic link followed, and is created 0640.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
WORK=$(mktemp -d /tmp/sfw-files-XXXXXX)
OUTSIDE=/sys/fs/bpf/${NS_PREFIX}-outside
LINKED=/sys/fs/bpf/${NS_PREFIX}-linked
SQUAT=/sys/fs/bpf/${NS_PREFIX}-squat
trap 'topology_down; rm -rf "$WORK" "$OUTSIDE" "$LINKED" "$SQUAT"' EXIT

topology_up

one_line() {   # what file: exactly one line in file, else fail
	[ "$(wc -l <"$2")" -eq 1 ] || fail "$1: not one line: $(cat "$2")"
}

# ---- SFW_PIN_ROOT on something else than bpffs ------------------------------
mkdir "$WORK/x"
fw unshare --mount --propagation private bash -c '
	cat /proc/self/mounts >"$1/before"
	SFW_PIN_ROOT=$1/x/pins "$2" attach veth0 >/dev/null 2>"$1/err"
	echo $? >"$1/rc"
	cat /proc/self/mounts >"$1/after"' - "$WORK" "$SFW"
expect_eq "$(cat "$WORK/rc")" 1 "attach with a pin root on tmpfs: exit"
one_line "pin root on tmpfs" "$WORK/err"
expect_eq "$(cat "$WORK/err")" "sfw: SFW_PIN_ROOT $WORK/x/pins is not on a bpf filesystem: expected a directory under a bpffs mount such as /sys/fs/bpf" \
	"pin root on tmpfs: message"
cmp -s "$WORK/before" "$WORK/after" || fail "something was mounted: $(diff "$WORK/before" "$WORK/after")"
[ -e "$WORK/x/pins" ] && fail "the pin root was created on tmpfs"

# A symbolic link on bpffs is not a pin root either.
mkdir "$LINKED"
ln -s "$LINKED" "$WORK/link-root"
SFW_PIN_ROOT=$WORK/link-root fw "$SFW" attach veth0 >/dev/null 2>"$WORK/err" &&
	fail "attach through a symbolic link pin root succeeded"
one_line "symlinked pin root" "$WORK/err"
grep -q "is a symbolic link" "$WORK/err" || fail "symlinked pin root: $(cat "$WORK/err")"

# ---- a pin root an unprivileged user made first ------------------------------
# bpffs is 1777 here (mounted without mode=) and pins do not outlive a
# reboot: nobody creates the root's name before sfw does. An empty one is
# taken back and the interfaces filtered; one holding files is refused.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
nobody mkdir "$SQUAT" || fail "uid 65534 cannot create names on bpffs"
SFW_PIN_ROOT=$SQUAT fw "$SFW" attach veth0 >/dev/null 2>"$WORK/err" ||
	fail "attach over an empty squatted pin root: $(cat "$WORK/err")"
expect_eq "$(stat -c '%u %a' "$SQUAT")" "0 700" "the squatted pin root, taken back"
nobody rmdir "$SQUAT" 2>/dev/null && fail "the squatter removed the root taken back"
SFW_PIN_ROOT=$SQUAT fw "$SFW" detach all >/dev/null || fail "detach all, squatted root"
rm -rf "$SQUAT"
nobody mkdir -p "$SQUAT/theirs" || fail "uid 65534: mkdir -p"
SFW_PIN_ROOT=$SQUAT fw "$SFW" attach veth0 >/dev/null 2>"$WORK/err" &&
	fail "attach over a squatted pin root holding files succeeded"
one_line "squatted pin root with files" "$WORK/err"
grep -q "^sfw: SFW_PIN_ROOT $SQUAT was created by another user (uid 65534) and holds files" \
	"$WORK/err" || fail "squatted pin root with files: $(cat "$WORK/err")"
[ -d "$SQUAT/theirs" ] || fail "what the squatter put in the root is gone"
rm -rf "$SQUAT"

# ---- bpffs mounted by sfw: root's alone --------------------------------------
# In a private mount namespace with nothing on /sys/fs/bpf, sfw mounts it
# mode 0700 (the kernel adds the sticky bit), never 1777.
fw unshare --mount --propagation private bash -c '
	umount /sys/fs/bpf 2>/dev/null; mountpoint -q /sys/fs/bpf && exit 3
	SFW_PIN_ROOT=/sys/fs/bpf/sfw "$2" attach veth0 >/dev/null 2>"$1/err" || exit 4
	stat -c %a /sys/fs/bpf >"$1/mode"
	SFW_PIN_ROOT=/sys/fs/bpf/sfw "$2" detach all >/dev/null' - "$WORK" "$SFW" ||
	fail "attach with no bpffs mounted: exit $? $(cat "$WORK/err" 2>/dev/null)"
expect_eq "$(cat "$WORK/mode")" 1700 "the mode of the bpffs sfw mounted"

# ---- detach all: sfw's own pins only ----------------------------------------
sfw attach veth0 veth1 >/dev/null || fail "attach"
bpftool map create "$SFW_PIN_ROOT/foreign" type array key 4 value 4 entries 1 name foreign ||
	fail "bpftool map create"
# sfw_'s prefix, but not a map sfw pinned under its own name
bpftool map create "$SFW_PIN_ROOT/sfw_lookalike" type array key 4 value 4 entries 1 name other
bpftool map create "$SFW_PIN_ROOT/links/foreign" type array key 4 value 4 entries 1 name foreign
# a symbolic link is never followed: what it points at is not ours
bpftool map create "$OUTSIDE" type array key 4 value 4 entries 1 name sfw_outside
ln -s "$OUTSIDE" "$SFW_PIN_ROOT/sfw_outside"
ours=$(ls "$SFW_PIN_ROOT" | grep -c '^sfw_[a-z_]*$')
[ "$ours" -ge 10 ] || fail "only $ours sfw_ pins: $(ls "$SFW_PIN_ROOT")"
sfw detach all >/dev/null || fail "detach all"
expect_eq "$(ls "$SFW_PIN_ROOT" | tr '\n' ' ')" "foreign links sfw_lookalike sfw_outside " \
	"what detach all left"
expect_eq "$(ls "$SFW_PIN_ROOT/links")" "foreign" "what detach all left in links/"
[ -L "$SFW_PIN_ROOT/sfw_outside" ] && [ -e "$OUTSIDE" ] || fail "the symbolic link was followed"
bpftool map show pinned "$SFW_PIN_ROOT/foreign" >/dev/null || fail "the foreign map is gone"
# and sfw starts afresh beside them
sfw attach veth0 >/dev/null || fail "attach beside foreign pins"
sfw detach all >/dev/null || fail "detach all, again"

# ---- the daemon's log file ---------------------------------------------------
sfw attach veth0 >/dev/null || fail "attach for the daemon"
echo keep >"$WORK/target"
ln -s "$WORK/target" "$WORK/link.log"
fw timeout 10 "$SFW" daemon file "$WORK/link.log" 2>"$WORK/err" >/dev/null &&
	fail "the daemon logged through a symbolic link"
one_line "daemon log symlink" "$WORK/err"
expect_eq "$(cat "$WORK/err")" "sfw: $WORK/link.log is a symbolic link: refusing to follow it" \
	"daemon log symlink: message"
expect_eq "$(cat "$WORK/target")" "keep" "the symbolic link's target"
bg_in_ns "$FW_NS" "$SFW" daemon file "$WORK/new.log"
for i in $(seq 50); do [ -e "$WORK/new.log" ] && break; sleep 0.1; done
expect_eq "$(stat -c %a "$WORK/new.log" 2>&1)" 640 "a new log file's mode"
echo "PASS"

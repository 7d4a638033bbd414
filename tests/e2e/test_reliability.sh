#!/usr/bin/env bash
# Every user error in docs/reliability.md's table, run as its row says: one
# line, its exit code, within its time and memory bound. Runs in a network
# namespace of its own (no interface of the host is ever named), with its
# own pin root and configuration directory (lib.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
NS=${NS_PREFIX}-rel

cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$SFW_PIN_ROOT" 2>/dev/null
	case "$SFW_CONF_DIR" in /tmp/sfw-conf-*) rm -rf "$SFW_CONF_DIR" ;; esac
	return 0
}
trap cleanup EXIT

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ip netns add "$NS" || exit 1
in_ns "$NS" /usr/bin/python3 tests/e2e/reliability.py "$SFW" docs/reliability.md

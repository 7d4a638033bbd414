#!/usr/bin/env bash
# Review RV48-8: a registration outlives an interface deleted without
# `detach`. When the kernel gives its index to a new interface (`ip link
# add ... index N`; a container runtime restoring one), attaching the new
# one answered "already attached, nothing changed" and left it with no XDP
# program and no tc filter: unguarded while `attach` exited 0. Now a
# registration whose pinned link no longer holds its interface gives way:
# the new interface is attached and listed under its own name, the gone
# one no longer is, and an interface still attached keeps its answer.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${NS_PREFIX:=reidx$$}"
source tests/e2e/lib.sh
trap topology_down EXIT
topology_up

make_veth() {   # name
	fw ip link add "$1" index 70000 type veth peer name "$1-p" index 70001 ||
		fail "cannot make $1 with ifindex 70000"
	fw ip link set "$1" up && fw ip link set "$1-p" up || fail "cannot set $1 up"
	expect_eq "$(ifindex "$FW_NS" "$1")" 70000 "$1's ifindex"
}
# dev runs sfw's programs: XDP, the tc egress filter, listed by status
expect_guarded() {   # dev
	fw ip link show dev "$1" | has xdp || fail "no XDP program on $1: $(fw ip link show dev "$1")"
	[ -n "$(fw tc filter show dev "$1" egress 2>/dev/null)" ] || fail "no tc egress filter on $1"
	sfw status | has -E "^$1 " || fail "$1 not listed: $(sfw status)"
}

make_veth sfwold
sfw attach sfwold mode generic >/dev/null || fail "attach sfwold"
expect_guarded sfwold
out=$(sfw attach sfwold mode generic 2>&1) || fail "second attach of sfwold: $out"
expect_eq "$out" "sfwold: already attached, nothing changed" "an attached interface's answer"
echo "ok an interface still attached is answered as before"

fw ip link del sfwold || fail "cannot delete sfwold"
make_veth sfwnew
out=$(sfw attach sfwnew mode generic 2>&1) || fail "attach sfwnew: $out"
expect_eq "$out" "sfwnew: attached (generic)" "attaching the index's new interface"
expect_guarded sfwnew
sfw status | has -E '^sfwold ' && fail "the gone sfwold still listed: $(sfw status)"
echo "ok a new interface given a gone one's index is attached, the gone one unlisted"

fw ip link del sfwnew || fail "cannot delete sfwnew"
make_veth sfwnew
out=$(sfw attach sfwnew mode generic 2>&1) || fail "attach the re-created sfwnew: $out"
expect_eq "$out" "sfwnew: attached (generic)" "attaching sfwnew re-created"
expect_guarded sfwnew
expect_eq "$(sfw status | grep -c '^sfwnew ')" 1 "sfwnew listed once"
sfw detach all >/dev/null || fail "detach all"
fw ip link show dev sfwnew | has xdp && fail "XDP left on sfwnew after detach all"
echo "ok an interface re-created under its name is attached again"
echo "PASS: test_attach_reused_ifindex"

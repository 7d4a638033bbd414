#!/usr/bin/env bash
# Second red-team review of `sfw restore watch` (branch follow-review2).
# Each section is a defect found, failing before its fix, or a check that
# held: a section that fails prints "DEFECT <id>: ..." and the script goes
# on; it exits 1 when any did. (TCGONE, the tc program taken off by
# deleting the clsact qdisc, is documented in docs/security.md instead.)
# Run: NS_PREFIX=rw$RANDOM bash tests/e2e/test_restore_watch_rv2.sh [ID...]
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
source tests/e2e/watch_lib.sh "$@"
want() { [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $1 "* ]]; }   # section id
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pass_prog

# ---- REINDEX: a stale registration renamed to an unrelated device's name ------
# veth1 (attached, recorded) is deleted; another device, never attached by
# anyone ("mgmt", moved in from another namespace, keeping its index, or
# made with `index N`), takes veth1's old index. veth1 comes back and the
# watch attaches it: settle_namesakes finds the old registration under
# "veth1", if_indextoname() of its index answers "mgmt", and renames the
# dead registration to "mgmt" without checking that its link still runs
# there. The record then holds mgmt, and the watch attaches sfw to mgmt:
# a device the operator never named runs the firewall (no zone: dropped).
if want REINDEX; then
	fresh
	old=$(ifindex "$FW_NS" veth1)
	start_watch
	ip -n "$FW_NS" link del veth1
	ip -n "$FW_NS" link add mgmt index "$old" type veth peer name mgmtp
	ip -n "$FW_NS" link set mgmt up
	new_veth1
	fw ip link set veth1 up
	sleep 3
	bad=
	[ -z "$(xdp_id mgmt)" ] || bad+=" mgmt (never attached) runs XDP program $(xdp_id mgmt);"
	! grep -q '^interface mgmt ' "$REC" 2>/dev/null || bad+=" the record holds mgmt;"
	! sfw status | grep -q '^mgmt ' || bad+=" status lists mgmt: $(sfw status | grep '^mgmt ');"
	[ -z "$bad" ] || defect "REINDEX:$bad watch said: $(grep mgmt "$WOUT" | head -2 | tr '\n' ' ')"
	stop_watch
fi

# ---- RELOAD: `sfw reload` while a recorded interface is gone -----------------
# The watch's premise: an attached interface deleted, to come back later.
# Meanwhile `sfw reload` (an upgrade runs it) meets the dead registration,
# bpf_link_update() on its detached link fails (ENOLINK), and the reload
# stops there: interfaces after it in the map keep the old programs, it
# exits non-zero, and the watch's reuse_running hands out whichever ran.
if want RELOAD; then
	fresh
	before=$(xdp_id veth0)
	ip -n "$FW_NS" link del veth1
	said=$(sfw reload 2>&1)
	rc=$?
	after=$(xdp_id veth0)
	if [ "$rc" != 0 ] || [ "$before" = "$after" ]; then
		defect "RELOAD: veth1 deleted (recorded, for the watch), sfw reload exit $rc:" \
			"'$said'; veth0 program $before -> $after"
	fi
fi

# ---- CPU: the quiet retry loads and verifies the programs every second ---------
# veth1 alone recorded, back with another tool's XDP program on it: nothing
# else runs sfw's programs, so reuse_running finds none and each retry (one a
# second) loads and verifies both programs anew before check_free refuses.
if want CPU; then
	topology_down >/dev/null 2>&1
	topology_up
	commit_deny
	sfw attach veth1 mode generic >/dev/null || fail "attach veth1"
	start_watch
	veth1_with_other_prog
	t0=$(cpu_ticks "$WPID")
	sleep 10
	t1=$(cpu_ticks "$WPID")
	hz=$(getconf CLK_TCK)
	pct=$(( (t1 - t0) * 100 / (10 * hz) ))
	echo "CPU (other XDP program, nothing else attached): $((t1 - t0)) ticks in 10 s = ${pct}%" >&2
	[ "$pct" -lt 10 ] || defect "CPU: the watch used ${pct}% of a CPU for 10 s retrying veth1" \
		"(another XDP program on it): a full load and verification each second"
	# and a tun device under the recorded name
	fw ip link set dev veth1 xdpgeneric off
	fw ip link del veth1
	fw ip tuntap add dev veth1 mode tun
	fw ip link set veth1 up
	sleep 2
	t0=$(cpu_ticks "$WPID")
	sleep 10
	t1=$(cpu_ticks "$WPID")
	pct=$(( (t1 - t0) * 100 / (10 * hz) ))
	echo "CPU (tun under veth1): $((t1 - t0)) ticks in 10 s = ${pct}%; watch said: $(tail -3 "$WOUT" | tr '\n' ' ')" >&2
	[ "$pct" -lt 10 ] || defect "CPU: the watch used ${pct}% of a CPU for 10 s retrying a tun veth1"
	stop_watch
fi

# ---- RENAME2: a name settled onto a name that still has a dead registration --
# veth0 is deleted (its registration stays, dead); veth1 is renamed veth0
# (still running sfw, registered as veth1); a new veth1 comes and the
# watch attaches it: settle_namesakes("veth1") renames the live one to
# "veth0" but leaves veth0's dead registration: two registrations named
# veth0. `sfw detach veth0` takes whichever comes first.
if want RENAME2; then
	fresh
	start_watch
	ip -n "$FW_NS" link del veth0
	fw ip link set veth1 down
	fw ip link set veth1 name veth0
	fw ip link set veth0 up
	ip -n "$FW_NS" link add veth1 type veth peer name veth1p
	fw ip link set veth1 up
	sleep 3
	rows=$(sfw status | grep -c '^veth0 ')
	said=$(sfw detach veth0 2>&1); rc=$?
	left=$(xdp_id veth0)
	bad=
	[ "$rows" -le 1 ] || bad+=" status lists veth0 $rows times;"
	[ -z "$left" ] || bad+=" 'sfw detach veth0' said '$said' (exit $rc), yet veth0 still runs XDP program $left;"
	[ -z "$bad" ] || defect "RENAME2:$bad status: $(sfw status | grep -E '^veth' | tr '\n' '|')"
	stop_watch
fi

# ---- PINROOT: detach NAME with nothing loaded leaves a pin root behind --------
# After a reboot, before the restore: the record holds veth1, no pins.
# `sfw detach veth1` takes the lock, which makes the pin root, and leaves it.
if want PINROOT; then
	topology_down >/dev/null 2>&1
	topology_up
	mkdir -p "$SFW_CONF_DIR"
	printf 'pin-root %s\nnetns %s\ninterface veth1 generic\n' "$SFW_PIN_ROOT" "$FW_NS" >"$REC"
	rm -rf "$SFW_PIN_ROOT"
	said=$(sfw detach veth1 2>&1); rc=$?
	[ "$rc" = 0 ] || defect "PINROOT: detach veth1 (recorded, nothing loaded) exit $rc: '$said'"
	[ ! -e "$SFW_PIN_ROOT" ] || defect "PINROOT: detach veth1 with nothing loaded left the pin root" \
		"$SFW_PIN_ROOT behind (said '$said', exit $rc)"
	# nothing recorded, nothing loaded: the same
	said=$(sfw detach veth0 2>&1); rc=$?
	echo "PINROOT: detach veth0 (unrecorded): exit $rc '$said'" >&2
fi

# ---- SWAP: two attached devices swap names; `detach veth0` -------------------
# veth0 and veth1 swap names (udev's renames, a bond's slaves renamed),
# both still running sfw. Registrations keep the old names, so `sfw detach
# veth0` takes the device now called veth1. The watch then finds veth1
# recorded and without a program, attaches it, and settle_namesakes renames
# the other registration to veth0: the detach is undone, veth0 filtered and
# recorded again, though detach said "veth0: detached" (exit 0).
if want SWAP; then
	fresh
	start_watch
	fw ip link set veth0 down; fw ip link set veth1 down
	fw ip link set veth0 name vtmp
	fw ip link set veth1 name veth0
	fw ip link set vtmp name veth1
	fw ip link set veth0 up; fw ip link set veth1 up
	sleep 1
	said=$(sfw detach veth0 2>&1); rc=$?
	sleep 1
	bad=
	if sfw status | grep -q '^veth1 .*generic' && [ -z "$(xdp_id veth1)" ]; then
		bad+=" status lists veth1 as filtering while the device veth1 runs no XDP program;"
	fi
	sleep 11   # past the watch's 10 s rescan
	[ -z "$(xdp_id veth0)" ] || bad+=" veth0 still runs XDP program $(xdp_id veth0);"
	! grep -q '^interface veth0 ' "$REC" || bad+=" the record holds veth0 again;"
	[ -z "$bad" ] || defect "SWAP: after a name swap, 'sfw detach veth0' said '$said' (exit $rc):$bad" \
		"status: $(sfw status | grep -E '^veth' | tr '\n' '|') watch: $(grep -c 'attaching it again' "$WOUT") re-attach(es)"
	stop_watch
fi

# ---- REUSE: the watch's attach after `sfw reload` runs the reloaded programs --
if want REUSE; then
	fresh
	sfw reload >/dev/null 2>&1 || defect "REUSE: reload failed"
	want0=$(xdp_id veth0)
	start_watch
	ip -n "$FW_NS" link del veth1
	new_veth1
	fw ip link set veth1 up
	wait_for 50 "veth1 attached again" grep -q 'veth1: attached' "$WOUT"
	[ "$(xdp_id veth1)" = "$want0" ] || defect "REUSE: veth1 runs $(xdp_id veth1), veth0 $want0"
	stop_watch
fi

# ---- NATIVE: native mode comes back native, status says filtering -------------
if want NATIVE; then
	topology_down >/dev/null 2>&1
	topology_up
	commit_deny
	sfw attach veth0 veth1 mode native >/dev/null || fail "attach native"
	start_watch
	ip -n "$FW_NS" link del veth1
	new_veth1
	fw ip link set veth1 up
	wait_for 50 "veth1 attached again" grep -q 'veth1: attached' "$WOUT"
	line=$(sfw status | grep '^veth1 ')
	fw ip -d link show dev veth1 | grep -q 'prog/xdp id' || defect "NATIVE: veth1 not native: $(fw ip -d link show dev veth1 | grep xdp)"
	[[ "$line" == *native* ]] || defect "NATIVE: status: '$line'"
	[ "$(xdp_id veth1)" = "$(xdp_id veth0)" ] || defect "NATIVE: programs differ: veth1 $(xdp_id veth1) veth0 $(xdp_id veth0); $(sfw status | grep ^veth | tr "\n" "|"); watch: $(tr "\n" "|" <"$WOUT")"
	sfw status --json | grep -q '"filtering": *false' && defect "NATIVE: JSON says not filtering: $(sfw status --json | head -c 600)"
	stop_watch
fi

# ---- STATUSNAME: status by registration name, not the device's ----------------
# veth1 renamed away (old1, still running sfw), a new veth1 made: before a
# watch attaches it (no watch running, or in the second before it does),
# `sfw status` lists "veth1 generic <ids>" and JSON filtering true: the
# device named veth1 runs no program, the host behind it is open.
if want STATUSNAME; then
	fresh
	fw ip link set veth1 down
	fw ip link set veth1 name old1
	fw ip link set old1 up
	ip -n "$FW_NS" link add veth1 type veth peer name veth1p
	fw ip link set veth1 up
	line=$(sfw status | grep '^veth1 ')
	if [[ "$line" == *generic* ]] && [ -z "$(xdp_id veth1)" ]; then
		defect "STATUSNAME: status says '$line' (filtering) for veth1, whose device runs no" \
			"XDP program (the registration's device is old1); JSON: $(sfw status --json | tr -d ' \n' | grep -o '"name":"veth1"[^}]*')"
	fi
fi

# ---- FLAP: veth1 deleted and made again 40 times: the watch keeps up ---------
if want FLAP; then
	fresh
	start_watch
	fd0=$(ls /proc/$WPID/fd | wc -l)
	for i in $(seq 40); do
		ip -n "$FW_NS" link del veth1
		new_veth1
		fw ip link set veth1 up
		sleep 0.2
	done
	ok=
	for i in $(seq 50); do
		[ -n "$(xdp_id veth1)" ] && [ "$(xdp_id veth1)" = "$(xdp_id veth0)" ] && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] || defect "FLAP: veth1 left without sfw after 40 flaps: '$(xdp_id veth1)'"
	fd1=$(ls /proc/$WPID/fd | wc -l)
	[ "$fd1" -le "$((fd0 + 2))" ] || defect "FLAP: the watch's descriptors grew $fd0 -> $fd1"
	n=$(sfw status | grep -c '^veth1 ')
	[ "$n" = 1 ] || defect "FLAP: status lists veth1 $n times: $(sfw status | grep '^veth' | tr '\n' '|')"
	[ "$(grep -c '^interface veth1 ' "$REC")" = 1 ] || defect "FLAP: record: $(cat "$REC" | tr '\n' '|')"
	echo "FLAP: fds $fd0 -> $fd1; status: $(sfw status | grep -c '^') lines; daemons: $(pgrep -fc "sfw.*daemon" )" >&2
	stop_watch
fi

# ---- RENAMEDET: after a settled rename, each name detaches its own device ------
if want RENAMEDET; then
	fresh
	start_watch
	fw ip link set veth1 down
	fw ip link set veth1 name old1
	fw ip link set old1 up
	ip -n "$FW_NS" link add veth1 type veth peer name veth1p
	fw ip link set veth1 up
	wait_for 50 "veth1 attached again" grep -q 'veth1: attached' "$WOUT"
	o=$(xdp_id old1); v=$(xdp_id veth1)
	[ -n "$o" ] && [ -n "$v" ] || defect "RENAMEDET: old1 '$o' veth1 '$v'"
	sfw detach old1 >/dev/null 2>&1 || defect "RENAMEDET: detach old1 failed"
	sleep 0.5
	[ -z "$(xdp_id old1)" ] || defect "RENAMEDET: old1 still runs sfw after detach old1"
	[ -n "$(xdp_id veth1)" ] || defect "RENAMEDET: detach old1 took veth1's program"
	sleep 11
	[ -z "$(xdp_id old1)" ] || defect "RENAMEDET: the watch attached old1 again after detach old1"
	stop_watch
fi


# ---- end ----
defects_end test_restore_watch_rv2

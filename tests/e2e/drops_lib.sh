# Sourced by the drop-reason tests (test_drops_*.sh) after lib.sh: attach,
# commit a configuration given as set lines, and read one counter of `show
# interfaces flow-statistics` in both output forms, which must agree.

E2E=tests/e2e
DROPS_TMP=$(mktemp -d /tmp/sfw-drops-XXXXXX)
drops_cleanup() { topology_down; rm -rf "$DROPS_TMP"; }

# Topology, sfw on both firewall interfaces (extra attach words allowed).
drops_up() {
	trap drops_cleanup EXIT
	topology_up
	sfw attach veth0 veth1 "$@" >/dev/null || fail "attach $*"
}

# Commits the set lines given as arguments; the commit must succeed.
# COMMIT_OUT: what it printed (its warnings).
commit_lines() {
	local f=$DROPS_TMP/commit.conf
	printf '%s\n' "$@" >"$f"
	COMMIT_OUT=$(sfw commit "$f" 2>&1) || fail "commit: $COMMIT_OUT"
}

# One counter of a block from the JSON output: iface block key.
jval() {
	sfw show interfaces flow-statistics "$1" --json |
		jq -er --arg b "$2" --arg k "$3" \
			'.["interface-information"]["physical-interface"][0][$b][$k]' ||
		fail "no $2/$3 for $1"
}

# The same counter from the text: the line with that label in the block
# whose title starts with `title`, value from column 41 (0-based).
tval() {   # iface title label
	sfw show interfaces flow-statistics "$1" | awk -v t="$2" -v l="$3" '
		index($0, t) == 1 { inb = 1; next }
		inb && /^    [^ ]/ { inb = 0 }
		inb && index($0, "      " l) == 1 { print substr($0, 42); exit }'
}

# A Flow error statistics counter, checked to read the same in text and
# JSON; prints the value.
drop_count() {   # iface json-key text-label
	local j t
	j=$(jval "$1" flow-error-statistics "$2")
	t=$(tval "$1" '    Flow error statistics' "$3")
	[ "$j" = "$t" ] || fail "$1 $2: JSON says '$j', text says '$t'"
	echo "$j"
}

# An sfw statistics counter, checked to read the same in text and JSON;
# prints the value.
sfw_stat() {   # iface json-key text-label
	local j t
	j=$(jval "$1" sfw-statistics "$2")
	t=$(tval "$1" '    sfw statistics' "$3")
	[ "$j" = "$t" ] || fail "$1 $2: JSON says '$j', text says '$t'"
	echo "$j"
}

expect_drops() {   # iface json-key text-label want
	expect_eq "$(drop_count "$1" "$2" "$3")" "$4" "$1 $3"
}

# Every Junos drop reason of an interface but the named ones must be 0:
# each packet is dropped under exactly one reason.
expect_other_drops_zero() {   # iface json-key...
	local iface=$1 keep
	shift
	keep=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
	local rest
	rest=$(sfw show interfaces flow-statistics "$iface" --json | jq -c --argjson keep "$keep" \
		'.["interface-information"]["physical-interface"][0]["flow-error-statistics"]
		 | to_entries | map(select((.key | IN($keep[])) | not) | select(.value != 0))')
	expect_eq "$rest" "[]" "$iface: other drop reasons"
}

clear_counters() { sfw clear interfaces statistics all || fail "clear statistics"; }

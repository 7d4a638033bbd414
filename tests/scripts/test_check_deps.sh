#!/usr/bin/env bash
# scripts/check-deps.py on fake scripts: it names a command, a module or a
# run-time need the table or deps.sh lacks, with the file and line that use
# it, and stays quiet about words that are no command (quoted, commented,
# in a heredoc, arguments, our own functions).
set -uo pipefail
cd "$(dirname "$0")/../.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { /usr/bin/python3 scripts/check-deps.py "$@" 2>"$T/err"; }
expect_gap() {   # what-the-line-says file...
	local want=$1
	shift
	check "$@" && fail "no gap found in $*"
	grep -qF -- "$want" "$T/err" || fail "want '$want', got: $(cat "$T/err")"
}

# an unknown command, in command position, through pipes and wrappers
printf '#!/usr/bin/env bash\nset -e\necho ok | frobnicate --now\n' >"$T/a.sh"
expect_gap "command 'frobnicate' ($T/a.sh:3) is not in scripts/deps.table" "$T/a.sh"
printf 'x=$(timeout 5 nsenter --net=/run/netns/n frobnicate)\n' >"$T/b.sh"
expect_gap "command 'frobnicate' ($T/b.sh:1)" "$T/b.sh"
printf 'in_ns() { local ns=$1; shift; "$@"; }\nin_ns ns1 frobnicate\n' >"$T/c.sh"
expect_gap "command 'frobnicate' ($T/c.sh:2)" "$T/c.sh"

# not commands: quoted, commented, heredoc text, arguments, functions, case patterns
cat >"$T/quiet.sh" <<'EOF'
#!/usr/bin/env bash
# frobnicate is only mentioned
echo "frobnicate; frobnicate | frobnicate" 'frobnicate && x'
grep -q frobnicate /dev/null || true
frob() { :; }
frob now
cat <<'X' >/dev/null
frobnicate --text
X
case "$1" in
	frobnicate|x) echo ;;
esac
[[ $1 =~ ^(frobnicate|x)$ ]] && echo
for w in frobnicate x; do echo "$w"; done
EOF
check "$T/quiet.sh" || fail "words that are no command were taken for one: $(cat "$T/err")"

# Python: a module nobody installs, and one in embedded Python
printf 'import json\nimport frobnicate.sub\n' >"$T/d.py"
expect_gap "module 'frobnicate' ($T/d.py:2)" "$T/d.py"
printf "/usr/bin/python3 -c 'import sys, frobnicate'\n" >"$T/e.sh"
expect_gap "module 'frobnicate' ($T/e.sh:1)" "$T/e.sh"
printf 'import subprocess\nsubprocess.run(["frobnicate", "-x"])\n' >"$T/f.py"
expect_gap "command 'frobnicate' ($T/f.py:2)" "$T/f.py"

# C: through a helper of ours that hands its argument to system()
cat >"$T/g.c" <<'EOF'
#include <stdlib.h>
static int sh(const char *cmd)
{
	return system(cmd);
}
int main(void)
{
	return sh("ip link set lo up && frobnicate -x");
}
EOF
expect_gap "command 'frobnicate' ($T/g.c:8)" "$T/g.c"

# ... but not through one that runs a command of its own with our string
# as a mere argument, nor through a same-named static function elsewhere
cat >"$T/h.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
static void rm_tree(const char *dir)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	system(cmd);
}
static void report(const char *what)
{
	printf("%s\n", what);
	rm_tree("/tmp/x");
}
int main(void)
{
	report("frobnicate the zones");
	return 0;
}
EOF
check "$T/h.c" || fail "an argument taken for a command: $(cat "$T/err")"

# the libpcap class: scapy is listed, its run-time library is not installed
printf 'from scapy.all import sniff\n' >"$T/j.py"
bash scripts/deps.sh --list | grep -vx libpcap0.8 >"$T/list"
printf '#!/usr/bin/env bash\ncat %q\n' "$T/list" >"$T/deps.sh"
expect_gap "module 'scapy' ($T/j.py:1) needs package libpcap0.8, which $T/deps.sh does not install" \
	--deps "$T/deps.sh" "$T/j.py"
# ... and a command the table knows whose package deps.sh lacks
printf 'sysctl -qw net.ipv4.ip_forward=1\n' >"$T/i.sh"
bash scripts/deps.sh --list | grep -vx procps >"$T/list"
expect_gap "command 'sysctl' ($T/i.sh:1) needs package procps" --deps "$T/deps.sh" "$T/i.sh"

# the tree as it is: covered
check || fail "the repository: $(cat "$T/err")"
echo "check-deps: ok"

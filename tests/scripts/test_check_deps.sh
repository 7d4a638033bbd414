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

# an exec's argv array names one command, its first word: {"sh", "-c",
# cmd} is sh, not "-c" (bench/snat.c), and that first word is checked
cat >"$T/k.c" <<'EOF'
#include <unistd.h>
int main(int argc, char **argv)
{
	char *a[] = { "sh", "-c", argv[1], NULL };
	char *b[] = { "frobnicate", "-x", NULL };

	if (argc > 2)
		execvp(b[0], b);
	return execvp(a[0], a);
}
EOF
expect_gap "command 'frobnicate' ($T/k.c:8)" "$T/k.c"
grep -qF -- "'-" "$T/err" && fail "an argv's option taken for a command: $(cat "$T/err")"

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

# The blind spots redteam2 found (finding 13): each line hides a command
# behind a wrapper, an option's value, a shell of a shell, a function, or
# a Python alias; each must be named, at its line. A case is
# EXT|LINE|TEXT (\n in TEXT: a newline); its command is frob_N, N the case.
n=0
while IFS='|' read -r ext line text; do
	n=$((n + 1))
	f="$T/probe$n.$ext"
	printf '%b\n' "${text//frob_/frob_$n}" >"$f"
	expect_gap "command 'frob_$n' ($f:$line)" "$f"
done <<'PROBES'
sh|1|env FOO=1 frob_ -x
sh|1|env -u HOME -i PATH=/bin frob_
sh|1|unshare --mount --propagation private bash -c 'frob_'
sh|2|bash -s x <<'INNER'\nfrob_ --now\nINNER
sh|2|unshare --mount bash -s <<INNER\nset -e; frob_\nINNER
sh|1|bash -lc 'frob_'
sh|1|sh -ec 'frob_'
sh|1|bash -o pipefail -c 'true | frob_'
sh|1|ip netns exec ns1 frob_
sh|1|nice -n 5 frob_
sh|1|stdbuf -oL frob_
sh|1|nsenter -t 1 -n frob_
sh|1|nsenter --target "$pid" --net frob_
sh|1|timeout --signal KILL 5 frob_
sh|1|xargs -a list frob_
sh|1|chroot /x frob_
sh|1|find . -name x -exec frob_ {} \\;
sh|1|watch -n 1 frob_
sh|1|watch 'frob_ | head'
sh|1|sudo -u nobody frob_
sh|1|flock /tmp/l frob_
sh|1|flock -w 5 /tmp/l -c 'frob_ -x'
sh|2|r() { chroot "$R" env -i PATH=/bin "$@"; }\nr frob_
sh|4|function r {\n\tlocal ns=$1; shift; timeout 5 "$@"\n}\nr ns frob_
py|2|import subprocess as sp\nsp.run(["frob_"])
py|2|from subprocess import run, Popen\nrun(["frob_", "-x"])
py|3|import subprocess\ncmd = ["frob_", "-x"]\nsubprocess.run(cmd)
py|2|import os\nos.execvp("frob_", ["frob_", "x"])
py|2|import os\nos.spawnlp(os.P_WAIT, "frob_", "frob_", "x")
py|2|import subprocess\nsubprocess.run(["ip", "netns", "exec", "n", "frob_"])
py|2|import subprocess\nsubprocess.run(["bash", "-c", "frob_ -x"])
py|2|import subprocess\nsubprocess.run(args=["frob_"])
py|2|import subprocess\nsubprocess.check_output("frob_ | cat", shell=True)
PROBES
# ... and modules imported by name at run time
printf 'import importlib\nimportlib.import_module("frobmod.sub")\n' >"$T/m1.py"
expect_gap "module 'frobmod' ($T/m1.py:2)" "$T/m1.py"
printf 'm = __import__("frobmod")\n' >"$T/m2.py"
expect_gap "module 'frobmod' ($T/m2.py:1)" "$T/m2.py"
# ... while an option's value and a variable's assignment are no command
cat >"$T/quiet2.sh" <<'EOF'
timeout --signal KILL 5 true
nsenter --target 1 --net true
xargs -a list true
unshare --mount --propagation private true
env -u HOME A=1 true
nice -n 5 true
ip netns exec ns1 true
w() { local t=$1; shift; while ! "$@"; do sleep 1; done; }
w 3 true
EOF
check "$T/quiet2.sh" || fail "an option's value taken for a command: $(cat "$T/err")"
# ... and one file's function that runs "$@" makes no other file's
# function of the same name a wrapper
printf 'w() { shift; "$@"; }\n' >"$T/lib1.sh"
printf 'w() { grep -q "$@" /dev/null; }\nw 3 frobx\n' >"$T/lib2.sh"
check "$T/lib1.sh" "$T/lib2.sh" || fail "another file's function taken as a wrapper: $(cat "$T/err")"

# the tree as it is: covered
check || fail "the repository: $(cat "$T/err")"
echo "check-deps: ok"

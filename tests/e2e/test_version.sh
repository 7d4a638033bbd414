#!/usr/bin/env bash
# sfw --version and show version (text and --json) print the release
# (VERSION) and the build: git describe of this clone; and where the tree
# is no clone of sfw (a tarball, even one unpacked inside another git
# repository), SFW_BUILD from the environment, else the release.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh
VERSION=$(cat VERSION)
T=$(mktemp -d /tmp/sfw-version-XXXXXX)
INSIDE=$(mktemp -d "$PWD/build/version-test-XXXXXX")
trap 'rm -rf "$T" "$INSIDE"' EXIT
unset MAKEFLAGS MAKELEVEL

mkv() { make -s --no-print-directory -C "$1" -f Makefile version; }

# the build strings the Makefile chooses
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$PWD" ]; then
	BUILD_ID=$(git describe --always --dirty --abbrev=12)
	expect_eq "$(mkv .)" "$VERSION $BUILD_ID" "make version in a clone"
else
	BUILD_ID=$VERSION      # run from a tarball
fi
for d in "$T" "$INSIDE"; do
	cp Makefile VERSION "$d/"
	expect_eq "$(mkv "$d")" "$VERSION $VERSION" "make version without a clone ($d)"
	expect_eq "$(SFW_BUILD=0.1.0-1 mkv "$d")" "$VERSION 0.1.0-1" "make version with SFW_BUILD ($d)"
done

# what the binary says (built from this tree, so with its build string)
if [ "$BUILD_ID" = "$VERSION" ]; then want="sfw $VERSION"; else want="sfw $VERSION (build $BUILD_ID)"; fi
expect_eq "$("$SFW" --version)" "$want" "sfw --version"
expect_eq "$("$SFW" show version)" "Hostname: $(hostname)
Model: sfw-$(uname -m)
sfw: $VERSION
sfw build [$BUILD_ID]
libbpf [$(/usr/bin/python3 -c 'import ctypes; l = ctypes.CDLL("libbpf.so.1")
l.libbpf_version_string.restype = ctypes.c_char_p; print(l.libbpf_version_string().decode())')]
Linux kernel [$(uname -r)]" "show version"
expect_eq "$("$SFW" sh vers)" "$("$SFW" show version)" "show version abbreviated"
"$SFW" show version --json | /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)["software-information"]
want = {"host-name", "product-model", "product-name", "sfw-version", "sfw-build",
        "libbpf-version", "kernel-release"}
assert set(v) == want, v
assert v["sfw-version"] == sys.argv[1] and v["sfw-build"] == sys.argv[2], v
assert v["product-name"] == "sfw", v
' "$VERSION" "$BUILD_ID" || fail "show version --json"
exit 0

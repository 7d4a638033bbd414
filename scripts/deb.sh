#!/usr/bin/env bash
# make deb: the Debian package, built with debhelper (debian/) from a copy
# of this tree under BUILD/deb, so the tree gets no debhelper files and the
# outputs (.deb, .dsc, .changes) land in BUILD/deb. The copy keeps its
# object directory between runs: a second build compiles only what changed.
# Then lintian, which must find nothing (debian/sfw.lintian-overrides names
# what it may, and why).
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
VERSION=$(cat VERSION)
OUT=$BUILD/deb
SRC=$OUT/sfw-$VERSION

changelog=$(dpkg-parsechangelog -S Version)
if [ "$changelog" != "$VERSION" ]; then
	echo "deb: debian/changelog is at $changelog, VERSION at $VERSION: add a changelog entry" >&2
	exit 1
fi
dpkg-checkbuilddeps

# The build string of this tree: the copy has no .git (Makefile: SFW_BUILD).
SFW_BUILD=$(make -s --no-print-directory version | cut -d' ' -f2)
export SFW_BUILD

mkdir -p "$SRC"
find "$SRC" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
rm -f "$OUT"/sfw_*
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | xargs -0 -r ls -d 2>/dev/null |
		tar -cf - -T - | tar -xf - -C "$SRC"
else
	tar --exclude=./build -cf - . | tar -xf - -C "$SRC"
fi

echo "  DEB      $OUT (build $SFW_BUILD)"
(cd "$SRC" && dpkg-buildpackage --no-sign --no-pre-clean --build=source,binary) \
	>"$OUT/build.log" 2>&1 || { tail -n 40 "$OUT/build.log" >&2; exit 1; }
changes=$(ls "$OUT"/sfw_"$VERSION"_*.changes)
echo "  LINTIAN  $changes"
lintian --allow-root --fail-on error,warning,info --info --display-info "$changes"
ls "$OUT"/sfw_"$VERSION"_*.deb

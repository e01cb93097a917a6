#!/bin/sh
# Builds the Debian packages: campus-signage-player and campus-signage-server.
#   scripts/package.sh [--build-dir DIR] [--version X.Y.Z] [--out DIR] [-- CMAKE_ARGS...]
# Default: build-pkg/, the project's version, .debs into dist/.  Cross builds
# pass their toolchain after "--" (scripts/cross-build.sh does).
set -eu
cd "$(dirname "$0")/.."
build=build-pkg
out=dist
version=""
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "package.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
set -- -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DSIGNAGE_TESTS=OFF \
    ${version:+-DSIGNAGE_PACKAGE_VERSION=$version} "$@"
cmake -S . -B "$build" "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" --target signage-player signage-server man-pages
mkdir -p "$out"
rm -rf "$build/_cpack" # only this run's packages
(cd "$build" && cpack -G DEB -B "$PWD/_cpack" >/dev/null)
for f in "$build"/_cpack/*.deb; do
    cp "$f" "$out/"
    echo "$out/$(basename "$f")"
done

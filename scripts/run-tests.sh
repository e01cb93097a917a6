#!/bin/sh
# The README's second command: install dependencies, build with warnings as
# errors, and run every test.  CI (.ci/run) calls exactly this.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# the arm64 cross build's: cross gcc, qemu-user-static, the :arm64 -dev packages
scripts/cross-build.sh arm64 --deps-only
# playwright-core (the browser is Debian's chromium), pinned by the lock file
if [ ! -d tests/web/node_modules/playwright-core ]; then
    (cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
fi
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)" "$@"

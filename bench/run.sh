#!/bin/sh
# The benchmark suite in one command (bench/README.md):
#   bench/run.sh            full run against Chromium kiosk, ~25 min; writes bench/RESULTS.md
#   bench/run.sh --quick    the player alone, ~30 s, fails on a missed budget (also in CI)
# Extra arguments go to bench/suite.py (--runs N, --seconds S, --no-browser ...).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --bench
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
if [ "${1:-}" = "--quick" ]; then
    exec python3 bench/suite.py --build build-bench "$@"
fi
exec python3 bench/suite.py --build build-bench --results bench/RESULTS.md \
    --json bench/results.json --command "bench/run.sh $*" "$@"

#!/bin/sh
# The content server's benchmark in one command (bench/README.md, "Content server"):
#   bench/run-server.sh            full run, ~3 min: 50 updates, 5000 held long-polls, wrk vs nginx;
#                                  writes the "Content server" section of bench/RESULTS.md
#   bench/run-server.sh --quick    small numbers, < 30 s; exit 1 on a missed budget (CI)
# Extra arguments go to bench/server.py (--changes N, --displays N, --wrk-seconds S ...).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --bench-server
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
exec python3 bench/server.py --build build-bench --results bench/RESULTS.md \
    --json bench/results-server.json "$@"

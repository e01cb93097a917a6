#!/bin/sh
# The content server's benchmark in one command (bench/README.md, "Content server"):
#   bench/run-server.sh            full run, ~3 min: 50 updates, 5000 held long-polls, wrk vs nginx;
#                                  writes the "Content server" section of bench/RESULTS.md
#   bench/run-server.sh --quick    small numbers, < 30 s; exit 1 on a missed budget (CI)
# Extra arguments go to bench/server.py (--changes N, --displays N, --wrk-seconds S ...).
set -eu
cd "$(dirname "$0")/.."
missing=""
for p in nginx-light wrk; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
# any nginx will do
if dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q "ok installed" ||
   dpkg-query -W -f='${Status}' nginx-core 2>/dev/null | grep -q "ok installed"; then
    missing=$(echo "$missing" | sed 's/ nginx-light//')
fi
if [ -n "$missing" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "run-server.sh: run as root or install sudo" >&2; exit 1; }
        SUDO="sudo"
    fi
    echo "run-server.sh: installing$missing"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
exec python3 bench/server.py --build build-bench --results bench/RESULTS.md \
    --json bench/results-server.json "$@"

#!/bin/sh
# Installs what campus-signage needs on Debian bookworm / Raspberry Pi OS.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   ... plus what the tests use
#   scripts/install-deps.sh --bench  ... plus the benchmark suite's (bench/run.sh)
#   scripts/install-deps.sh --bench-server  ... plus the server benchmark's (bench/run-server.sh)
# Only missing packages are installed; uses sudo when not root.
set -eu

PKGS="build-essential cmake pkg-config
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libcurl4-openssl-dev libjansson-dev
  libmicrohttpd-dev libsqlite3-dev libsodium-dev libsystemd-dev
  libqrencode-dev libfontconfig-dev libjpeg-dev libpng-dev libwebp-dev libssl-dev zlib1g-dev
  fonts-noto-cjk fonts-dejavu-core tzdata"
TEST_PKGS="zbar-tools python3 valgrind openssl xvfb strace man-db clang libclang-rt-14-dev chromium nodejs npm"
BENCH_PKGS="$TEST_PKGS chromium hyperfine"
SERVER_BENCH_PKGS="wrk nginx-light"

want="$PKGS"
[ "${1:-}" = "--test" ] && want="$want $TEST_PKGS"
[ "${1:-}" = "--bench" ] && want="$want $BENCH_PKGS"
[ "${1:-}" = "--bench-server" ] && want="$want $SERVER_BENCH_PKGS"
# any nginx will do for the comparison
command -v nginx >/dev/null 2>&1 && want=$(echo "$want" | sed 's/ nginx-light//')

# Node.js may come from elsewhere than Debian (with its own npm); then
# Debian's npm would conflict with it: the commands are what matters.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    want=$(echo "$want" | sed 's/ nodejs npm//')
fi
missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    SUDO="sudo"
fi
echo "install-deps: installing$missing"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing

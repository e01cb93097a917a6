#!/bin/sh
# The README's first command: install dependencies, build, and play the demo
# deck - in a window where there is a display, else as a screenshot.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target signage-player

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "run-demo: playing the demo deck in a window (Esc or q quits)"
    exec build/signage-player --windowed "$@"
fi
mkdir -p out
build/signage-player --screenshot out/demo.png --size 1920x1080 "$@"
cat <<MSG
run-demo: there is no display here (no DISPLAY or WAYLAND_DISPLAY), so instead of a
window the demo's first slide was rendered to out/demo.png.  To see more:
  build/signage-player --screenshot out/notice.png --slide notice-dangri
  build/signage-player --screenshot out/portrait.png --size 1080x1920
  build/signage-player --screenshot out/alert.png --at 2026-12-05T09:30:00+08:00
On a Raspberry Pi console without a desktop, run build/signage-player: SDL draws
full screen through KMSDRM, no desktop needed.
MSG

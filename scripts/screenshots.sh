#!/bin/sh
# Regenerates docs/screenshots/ from the demo deck with the player's own
# headless --screenshot (no display needed).  Usage: scripts/screenshots.sh [PLAYER]
set -eu
cd "$(dirname "$0")/.."
P=${1:-build/signage-player}
OUT=docs/screenshots
AT=2026-11-24T10:30:00+08:00
export SDL_VIDEODRIVER=dummy
mkdir -p "$OUT"
shot() { name=$1; shift; "$P" --content content/demo --screenshot "$OUT/$name.png" "$@"; }
shot landscape-image --size 1920x1080 --slide campus --at $AT
shot notice-long --size 1920x1080 --slide notice-gongshi --at $AT
shot notice-qr --size 1920x1080 --slide notice-dangke --at $AT
shot notice-picture --size 1920x1080 --slide notice-volunteer --at $AT
shot portrait-notice --size 1080x1920 --slide notice-volunteer --at $AT
shot portrait-image --size 1080x1920 --slide red-route --at $AT
shot small-720 --size 1280x720 --slide library --at $AT
shot alert --size 1920x1080 --at 2026-12-05T09:30:00+08:00
# the technician's screen: no content yet
tmp=$(mktemp -d)
printf 'display = lobby-a\nserver = http://signage.example.edu.cn:8080\n' >"$tmp/player.conf"
"$P" --config "$tmp/player.conf" --cache "$tmp/cache" --size 1920x1080 \
    --screenshot "$OUT/waiting.png" || true
rm -rf "$tmp"
ls -la "$OUT"

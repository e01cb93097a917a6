#!/bin/bash
# Whole-program tests of signage-player: --check, --screenshot, bad input,
# the waiting screen, QR codes that scan, rotation, a live headless run.
# Usage: player_cli.sh PLAYER SOURCE_DIR WORK_DIR
set -u
PLAYER=$1
SRC=$2
WORK=$3
IMGDIFF=$(dirname "$PLAYER")/tests/imgdiff
rm -rf "$WORK"
mkdir -p "$WORK"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
DECK=$SRC/tests/data/deck
AT=2026-11-24T10:30:00+08:00
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect CODE DESCRIPTION -- COMMAND...: runs it, output in $WORK/out
expect() {
    local want=$1 what=$2
    shift 3
    "$@" >"$WORK/out" 2>&1
    local got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want"; sed 's/^/    /' "$WORK/out" >&2; fi
}
has() { # has TEXT DESCRIPTION: the last output contains TEXT
    if grep -qF -- "$1" "$WORK/out"; then ok; else bad "$2: output lacks \"$1\""; sed 's/^/    /' "$WORK/out" >&2; fi
}
lacks() {
    if grep -qF -- "$1" "$WORK/out"; then bad "$2: output has \"$1\""; else ok; fi
}
copy_deck() { rm -rf "$WORK/$1"; cp -r "$DECK" "$WORK/$1"; }
# Rewrites one slide's field in a deck copy's manifest (python3: JSON-safe).
set_field() { # set_field DECKDIR SLIDE_ID FIELD JSON_VALUE
    python3 - "$@" <<'PY'
import json, sys
d, sid, field, val = sys.argv[1:5]
p = d + "/manifest.json"
m = json.load(open(p, encoding="utf-8"))
for s in m["slides"]:
    if s["id"] == sid:
        s[field] = json.loads(val)
json.dump(m, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
}

# -- basics --------------------------------------------------------------
expect 0 "--version" -- "$PLAYER" --version
has "signage-player " "--version"
expect 0 "--help" -- "$PLAYER" --help
has "--screenshot" "--help"
expect 2 "unknown flag" -- "$PLAYER" --no-such-flag
expect 2 "bad --rotate" -- "$PLAYER" --rotate 45 --content "$DECK"
has "rotate" "bad --rotate names the key"
expect 2 "bad --at" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/x.png" --at "tomorrow"
has "--at" "bad --at"

# -- --check ---------------------------------------------------------------
expect 0 "--check test deck" -- "$PLAYER" --check --content "$DECK"
has "0 errors" "--check test deck"
expect 0 "--check demo deck" -- "$PLAYER" --check --content "$SRC/content/demo"
has "0 errors" "--check demo deck"

# no config, no --content: the bundled demo deck
expect 0 "--check with nothing configured" -- "$PLAYER" --check
has "content/demo/manifest.json" "the demo deck is the default"

printf 'size = 1920x1080\nrotate = 45\ncolour = red\n' >"$WORK/bad.conf"
expect 1 "--check bad config" -- "$PLAYER" --check --config "$WORK/bad.conf" --content "$DECK"
has "bad.conf:2" "config error names file:line"
has "rotate" "config error names the key"
has "bad.conf:3" "unknown key names its line"
expect 2 "bad config refuses to run" -- "$PLAYER" --config "$WORK/bad.conf" --content "$DECK" --screenshot "$WORK/x.png"

printf 'font = "No Such Font 123"\n' >"$WORK/font.conf"
expect 1 "--check missing primary font" -- "$PLAYER" --check --config "$WORK/font.conf" --content "$DECK"
has "No Such Font 123" "missing font named"

# a FIFO where the manifest belongs: refused at once, never a hang
mkdir -p "$WORK/fifo" && mkfifo "$WORK/fifo/manifest.json"
expect 1 "FIFO manifest" -- timeout 10 "$PLAYER" --check --content "$WORK/fifo"
has "not a regular file" "FIFO manifest refused"

copy_deck syntax
printf '{"schema": 1,\n  "slides": [\n    {"id": "a",, }\n' >"$WORK/syntax/manifest.json"
expect 1 "--check malformed manifest" -- "$PLAYER" --check --content "$WORK/syntax"
has "manifest.json:3:" "syntax error names line"

# a slide whose picture changed on disk, another with a wrong type, the rest fine
copy_deck broken
# same size, one byte changed: only the sha256 can tell
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=0xFF; open(p,"wb").write(b)' "$WORK/broken/photo.jpg"
set_field "$WORK/broken" qr duration '"ten"'
expect 1 "--check broken deck" -- "$PLAYER" --check --content "$WORK/broken"
has '"photo"' "hash mismatch names the slide"
has "sha256" "hash mismatch says why"
has '"qr"' "invalid field names the slide"
has "duration" "invalid field names the field"
expect 1 "screenshot of the bad slide fails" -- "$PLAYER" --content "$WORK/broken" --screenshot "$WORK/x.png" --slide photo --at $AT
has "photo" "failed slide named"
copy_deck short
head -c 1000 "$DECK/photo.jpg" >"$WORK/short/photo.jpg"
expect 1 "--check truncated picture" -- "$PLAYER" --check --content "$WORK/short"
has "1000 bytes, manifest says" "truncated picture: size named"
expect 0 "screenshot of a good slide in a broken deck" -- "$PLAYER" --content "$WORK/broken" --screenshot "$WORK/long.png" --slide long --at $AT

# a picture whose header claims 30000x30000: refused from the header alone
copy_deck huge
python3 - "$WORK/huge" <<'PY'
import hashlib, json, struct, sys, zlib
d = sys.argv[1]
ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 6, 0, 0, 0)
png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
png += b"\0" * 1000
open(d + "/huge.png", "wb").write(png)
m = json.load(open(d + "/manifest.json", encoding="utf-8"))
m["slides"][0]["media"] = {"sha256": hashlib.sha256(png).hexdigest(), "size": len(png), "type": "image/png", "url": "huge.png"}
json.dump(m, open(d + "/manifest.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
expect 1 "--check oversized picture" -- "$PLAYER" --check --content "$WORK/huge"
has "30000x30000" "pixel limit names the size"
expect 1 "oversized picture not shown" -- "$PLAYER" --content "$WORK/huge" --screenshot "$WORK/x.png" --slide photo --at $AT

# -- screenshots -------------------------------------------------------------
start=$(date +%s.%N)
expect 0 "screenshot notice" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/qr.png" --slide qr --at $AT --size 1920x1080
end=$(date +%s.%N)
echo "screenshot of a notice at 1920x1080 took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s" >&2
if [ -s "$WORK/qr.png" ]; then ok; else bad "screenshot written"; fi
read -r w h luma blackpct colours < <("$IMGDIFF" stats "$WORK/qr.png")
[ "$w" = 1920 ] && [ "$h" = 1080 ] && ok || bad "screenshot size ${w}x$h"
awk -v b="$blackpct" 'BEGIN { exit !(b < 10) }' && ok || bad "notice is not black ($blackpct% black)"
awk -v c="$colours" 'BEGIN { exit !(c > 50) }' && ok || bad "notice has text and colour ($colours colours)"
# the QR code scans to the slide's link
if command -v zbarimg >/dev/null; then
    got=$(zbarimg -q --raw "$WORK/qr.png" 2>/dev/null)
    [ "$got" = "https://example.edu.cn/party/lecture-2026-12" ] && ok || bad "QR decodes to the link (got \"$got\")"
    expect 0 "image slide with link" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/photo.png" --slide photo --at $AT --size 1280x720
    got=$(zbarimg -q --raw "$WORK/photo.png" 2>/dev/null)
    [ "$got" = "https://example.edu.cn/party/photo-1" ] && ok || bad "QR over a photo at 720p decodes (got \"$got\")"
else
    bad "zbarimg missing (zbar-tools): the QR test cannot run"
fi

# the alert takes the whole screen during its window, not outside it
expect 0 "alert screenshot" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/alert.png" --at 2026-12-05T09:30:00+08:00
read -r r g b < <("$IMGDIFF" region "$WORK/alert.png" 0 200 1920 700)
[ "$r" -gt 100 ] && [ "$g" -lt 60 ] && ok || bad "alert is red over the screen ($r $g $b)"
read -r r g b < <("$IMGDIFF" region "$WORK/alert.png" 0 1040 1920 40)
[ "$r" -gt 150 ] && [ "$g" -gt 100 ] && ok || bad "alert covers the ticker too ($r $g $b)"
expect 0 "after the alert" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/after.png" --slide qr --at 2026-12-05T10:00:00+08:00
read -r r g b < <("$IMGDIFF" region "$WORK/after.png" 0 200 1920 700)
[ "$g" -gt 150 ] && ok || bad "alert ends at its end time ($r $g $b)"

# rotation: a 1920x1080 panel mounted portrait shows the 1080x1920 layout turned
expect 0 "portrait" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/portrait.png" --slide pic-notice --at $AT --size 1080x1920
expect 0 "rotated" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/rot90.png" --slide pic-notice --at $AT --size 1920x1080 --rotate 90
expect 0 "rotation matches portrait" -- "$IMGDIFF" compare "$WORK/portrait.png" "$WORK/rot90.png" --rotate 90 --mean 1.0 --pct 0.5
expect 0 "rotated 270" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/rot270.png" --slide pic-notice --at $AT --size 1920x1080 --rotate 270
expect 0 "rotation 270 matches portrait" -- "$IMGDIFF" compare "$WORK/portrait.png" "$WORK/rot270.png" --rotate 270 --mean 1.0 --pct 0.5

# the clock follows --at in the display's timezone (two times differ in the header)
expect 0 "clock 10:30" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/c1.png" --slide qr --at $AT
expect 0 "clock 11:45" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/c2.png" --slide qr --at 2026-11-24T11:45:00+08:00
expect 1 "clock changes the header" -- "$IMGDIFF" compare "$WORK/c1.png" "$WORK/c2.png" --mean 0 --pct 0
expect 0 "same time, same frame (deterministic)" -- "$PLAYER" --content "$DECK" --screenshot "$WORK/c3.png" --slide qr --at $AT
expect 0 "deterministic screenshots" -- "$IMGDIFF" compare "$WORK/c1.png" "$WORK/c3.png" --mean 0 --pct 0

# -- no content: the waiting screen, never black -----------------------------
printf 'display = lobby-test-7\n' >"$WORK/wait.conf"
expect 1 "no content" -- "$PLAYER" --config "$WORK/wait.conf" --content "$WORK/nonexistent" --screenshot "$WORK/waiting.png"
has "nonexistent/manifest.json" "missing deck named in the log"
read -r w h luma blackpct colours < <("$IMGDIFF" stats "$WORK/waiting.png")
awk -v b="$blackpct" -v l="$luma" 'BEGIN { exit !(b < 5 && l > 15) }' && ok || bad "waiting screen is not black (luma $luma, $blackpct% black)"
# a server configured and nothing synced yet (a cold cache): the waiting screen too
printf 'display = lobby-test-7\nserver = http://signage.example.edu.cn:8080\ncache = %s\n' "$WORK/coldcache" >"$WORK/wait2.conf"
expect 1 "cold cache" -- "$PLAYER" --config "$WORK/wait2.conf" --screenshot "$WORK/waiting2.png"
read -r w h luma blackpct colours < <("$IMGDIFF" stats "$WORK/waiting2.png")
awk -v b="$blackpct" -v l="$luma" 'BEGIN { exit !(b < 5 && l > 15) }' && ok || bad "cold-cache waiting screen is not black (luma $luma, $blackpct% black)"
[ -d "$WORK/coldcache/objects" ] && ok || bad "the cache directory was not created"

# -- live, headless ----------------------------------------------------------
expect 0 "live run" -- "$PLAYER" --content "$DECK" --windowed --size 640x360 --run-for 3
has "first content frame" "live run shows content"
lacks "error" "live run logs no error"

# slide_duration applies to slides that name no duration
copy_deck nodur
python3 - "$WORK/nodur" <<'PY'
import json, sys
p = sys.argv[1] + "/manifest.json"
m = json.load(open(p, encoding="utf-8"))
for s in m["slides"]:
    s.pop("duration", None)
m["alerts"] = []
json.dump(m, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
printf 'slide_duration = 1\ntransition_time = 0.2\n' >"$WORK/fast.conf"
expect 0 "slide_duration" -- env SIGNAGE_DEBUG=1 "$PLAYER" --config "$WORK/fast.conf" --content "$WORK/nodur" --windowed --size 640x360 --run-for 4.5
n=$(grep -c "on screen" "$WORK/out")
[ "$n" -ge 4 ] && ok || bad "slide_duration = 1: $n slide changes in 4.5 s, expected >= 4"

echo "player_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Draws every picture of the bundled demo deck (content/demo/) with ImageMagick 6.
#
#   scripts/make-demo-images.sh [OUT_DIR [NAME...]]
#
# OUT_DIR defaults to content/demo; NAMEs (campus, celebration, theory, volunteers,
# library, red-route, portrait, logo) redraw only those.  Afterwards run
#   scripts/deck-hash content/demo
# so the manifest's sha256/size fields match the new files.
#
# Everything is drawn here from shapes and gradients (MVG vector drawings written by awk,
# then layered, blurred and composited): no photographs, no third-party artwork, no
# emblems, no lettering (the player sets captions itself).  The output is deterministic:
# awk uses its own seeded generator (not rand(), which differs between awks) and the
# writers strip timestamps, so the same ImageMagick gives the same bytes.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$here/../content/demo}
[ $# -gt 0 ] && shift
ONLY=" $* "
command -v convert >/dev/null || { echo "make-demo-images: needs ImageMagick (convert)" >&2; exit 1; }
mkdir -p "$OUT"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

W=1920
H=1080

# ---------------------------------------------------------------------------------------------
# awk library shared by every drawing: a portable random generator, MVG gradient helpers and
# the recurring motifs (stars, trees, people).  In MVG a gradient fill leaks into later
# shapes unless it lives in its own graphic context, hence gbegin/gend; and only two-stop
# gradients render reliably in IM6, so multi-colour skies are drawn as bands.
cat >"$T/lib.awk" <<'AWK'
function rnd() { SEED = (SEED * 16807) % 2147483647; return SEED / 2147483647 }
function rr(a, b) { return a + (b - a) * rnd() }
function ri(a, b) { return int(a + (b - a + 1) * rnd()) }
function q(s) { return "\047" s "\047" }
function grad(id, x1, y1, x2, y2, c1, c2) {
    print "push defs"
    printf "push gradient %s linear %.1f,%.1f %.1f,%.1f\n", q(id), x1, y1, x2, y2
    printf "stop-color %s 0\nstop-color %s 1\npop gradient\npop defs\n", q(c1), q(c2)
}
function gbegin(id) { print "push graphic-context"; printf "fill %s\n", q("url(#" id ")") }
function gend() { print "pop graphic-context" }
function ctx(fill, op) {
    print "push graphic-context"; printf "fill %s\nfill-opacity %s\nstroke none\n", q(fill), op
}
# A vertical gradient rectangle (x1,y1)-(x2,y2) from c1 at the top to c2 at the bottom.
function vband(id, x1, y1, x2, y2, c1, c2) {
    grad(id, 0, y1, 0, y2, c1, c2); gbegin(id)
    printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1, y1, x2, y2; gend()
}
function pi() { return atan2(0, -1) }
# A five-pointed star as an MVG polygon; rot in degrees (0: a point straight up).
function star(cx, cy, r, rot,   s, j, rr_, a) {
    s = "polygon"
    for (j = 0; j < 10; j++) {
        rr_ = (j % 2 == 0) ? r : r * 0.382
        a = (rot - 90 + j * 36) * pi() / 180
        s = s sprintf(" %.2f,%.2f", cx + rr_ * cos(a), cy + rr_ * sin(a))
    }
    return s
}
# A round broadleaf tree standing at (x, yb): trunk, a dark canopy of overlapping circles,
# a lit side towards the light (lx = +1 light from the right, -1 from the left).
function tree(x, yb, s, dark, mid, lit, trunk, lx,   k, cx, cy, r, n) {
    ctx(trunk, 1)
    printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", \
        x - 0.09 * s, yb, x + 0.09 * s, yb, x + 0.05 * s, yb - 0.9 * s, x - 0.05 * s, yb - 0.9 * s
    gend()
    n = 7
    ctx(dark, 1)
    for (k = 0; k < n; k++) {
        cx = x + rr(-0.42, 0.42) * s; cy = yb - s * rr(0.95, 1.55); r = s * rr(0.32, 0.46)
        TX[k] = cx; TY[k] = cy; TR[k] = r
        printf "circle %.1f,%.1f %.1f,%.1f\n", cx, cy, cx + r, cy
    }
    printf "circle %.1f,%.1f %.1f,%.1f\n", x, yb - 1.2 * s, x + 0.5 * s, yb - 1.2 * s
    gend()
    ctx(mid, 1)
    for (k = 0; k < n; k++)
        printf "circle %.1f,%.1f %.1f,%.1f\n", TX[k] + lx * TR[k] * 0.22, TY[k] - TR[k] * 0.2, \
            TX[k] + lx * TR[k] * 0.22 + TR[k] * 0.72, TY[k] - TR[k] * 0.2
    gend()
    ctx(lit, 0.9)
    for (k = 0; k < n; k += 2)
        printf "circle %.1f,%.1f %.1f,%.1f\n", TX[k] + lx * TR[k] * 0.42, TY[k] - TR[k] * 0.38, \
            TX[k] + lx * TR[k] * 0.42 + TR[k] * 0.34, TY[k] - TR[k] * 0.38
    gend()
}
# A slim conifer (cypress) at (x, yb), height h.
function cypress(x, yb, h, dark, lit, lx) {
    ctx(dark, 1)
    printf "path %s\n", q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f Z", \
        x - h * 0.13, yb, x - h * 0.2, yb - h * 0.5, x - h * 0.05, yb - h * 0.85, x, yb - h, \
        x + h * 0.05, yb - h * 0.85, x + h * 0.2, yb - h * 0.5, x + h * 0.13, yb))
    gend()
    ctx(lit, 0.85)
    printf "path %s\n", q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f Z", \
        x + lx * h * 0.02, yb - h * 0.05, x + lx * h * 0.16, yb - h * 0.45, x + lx * h * 0.05, yb - h * 0.8, \
        x, yb - h * 0.97, x + lx * h * 0.08, yb - h * 0.7, x + lx * h * 0.14, yb - h * 0.35, \
        x + lx * h * 0.11, yb - h * 0.05))
    gend()
}
AWK

# draw NAME WIDTH HEIGHT: runs the awk program on stdin (with the library) and renders the
# MVG it prints to $T/NAME.png on a transparent canvas.
draw() {
    cat >"$T/$1.awk"
    awk -v SEED="${SEED:-4242}" -v W="$2" -v H="$3" -f "$T/lib.awk" -f "$T/$1.awk" \
        >"$T/$1.mvg"
    { printf 'viewbox 0 0 %s %s\n' "$2" "$3"; cat "$T/$1.mvg"; } >"$T/$1.body.mvg"
    convert -size "$2x$3" -background none "mvg:$T/$1.body.mvg" "$T/$1.png"
}

# soften IN SIGMA OUT: a large Gaussian blur, done at a quarter of the size (fast, and at these
# radii the result is the same to the eye).
soften() {
    geo=$(identify -format '%wx%h' "$1")
    convert "$1" -resize 25% -channel RGBA -blur "0x$(awk -v s="$2" 'BEGIN{print s/4}')" \
        +channel -resize "$geo!" "$3"
}

# Writers: no metadata, no timestamps, so the bytes depend only on the drawing.
write_jpeg() { convert "$1" -background '#000000' -flatten -strip -sampling-factor 4:2:0 \
    -quality 88 -interlace none "$2"; }
write_png() { convert "$1" -strip -define png:exclude-chunks=date,time \
    -define png:compression-level=9 "$2"; }
write_webp() { convert "$1" -background '#000000' -flatten -strip -quality 88 \
    -define webp:method=6 "$2"; }

want() { [ "$ONLY" = "  " ] || case "$ONLY" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

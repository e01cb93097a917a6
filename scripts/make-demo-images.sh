#!/bin/sh
# Draws every picture of the bundled demo deck (content/demo/) with ImageMagick 6.
#
#   scripts/make-demo-images.sh [OUT_DIR [NAME...]]
#
# OUT_DIR defaults to content/demo; NAMEs (campus, celebration, theory, lecture, volunteers,
# library, red-route, portrait, logo) redraw only those.  Afterwards run
#   scripts/deck-hash content/demo
# so the manifest's sha256/size fields match the new files (and change its "version").
# Takes about a minute.  KEEP=1 keeps the intermediate layers (path printed) for debugging.
#
# Everything is drawn here from shapes and gradients (MVG vector drawings written by awk,
# then layered, blurred and composited): no photographs, no third-party artwork, no real
# emblems (the logo is our own design), no lettering (the player sets captions itself).
# The output is deterministic: awk uses its own seeded generator (not rand(), which differs
# between awks) and the writers strip timestamps, so the same ImageMagick gives the same bytes.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$here/../content/demo}
[ $# -gt 0 ] && shift
ONLY=" $* "
NAMES=" campus celebration theory lecture volunteers library red-route portrait logo "
for name in "$@"; do
    case "$NAMES" in
        *" $name "*) ;;
        *) echo "make-demo-images: no picture called '$name'" >&2; exit 2 ;;
    esac
done
if ! command -v convert >/dev/null; then
    echo "make-demo-images: needs ImageMagick (convert)" >&2
    exit 1
fi
mkdir -p "$OUT"
T=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then
    echo "make-demo-images: layers kept in $T" >&2
else
    trap 'rm -rf "$T"' EXIT
    trap 'exit 130' INT TERM
fi

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
    # the gradient overshoots the band: IM6 wraps back to c1 on the last rows otherwise
    grad(id, 0, y1 - 4, 0, y2 + 4, c1, c2); gbegin(id)
    printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1, y1 - (y1 > 0 ? 2 : 0), x2, y2; gend()
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
    ctx(lit, 0.45)
    for (k = 0; k < n; k += 3)
        printf "circle %.1f,%.1f %.1f,%.1f\n", TX[k] + lx * TR[k] * 0.42, TY[k] - TR[k] * 0.38, \
            TX[k] + lx * TR[k] * 0.42 + TR[k] * 0.34, TY[k] - TR[k] * 0.38
    gend()
}
# A slim conifer (cypress) at (x, yb), height h.
function cypress(x, yb, h, dark, lit, lx) {
    ctx(dark, 1)
    printf "path %s\n",
        q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f Z", \
        x - h * 0.13, yb, x - h * 0.2, yb - h * 0.5, x - h * 0.05, yb - h * 0.85, x, yb - h, \
        x + h * 0.05, yb - h * 0.85, x + h * 0.2, yb - h * 0.5, x + h * 0.13, yb))
    gend()
    ctx(lit, 0.85)
    printf "path %s\n",
        q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f Z", \
        x + lx * h * 0.02, yb - h * 0.05, x + lx * h * 0.16, yb - h * 0.45, x + lx * h * 0.05,
            yb - h * 0.8, \
        x, yb - h * 0.97, x + lx * h * 0.08, yb - h * 0.7, x + lx * h * 0.14, yb - h * 0.35, \
        x + lx * h * 0.11, yb - h * 0.05))
    gend()
}
# A silk ribbon: n thin curves interpolated between two cubic Beziers a and b (8 numbers
# each, "x0 y0 x1 y1 x2 y2 x3 y3"); where they cross the ribbon twists.  The colour runs
# c1 -> c2 -> c1 across it (c2 the sheen), drawn as hex strings "RRGGBB".
function hexv(h, i) { return index("0123456789ABCDEF", toupper(substr(h, i, 1))) - 1 }
function hx(h, k) { return hexv(h, 2 * k + 1) * 16 + hexv(h, 2 * k + 2) }
function mix(h1, h2, t) {
    return sprintf("#%02X%02X%02X", int(hx(h1, 0) + (hx(h2, 0) - hx(h1, 0)) * t + 0.5), \
        int(hx(h1, 1) + (hx(h2, 1) - hx(h1, 1)) * t + 0.5), \
        int(hx(h1, 2) + (hx(h2, 2) - hx(h1, 2)) * t + 0.5))
}
function ribbon(a, b, n, c1, c2, width, op,   A, B, i, t, k, P, sh) {
    split(a, A, " "); split(b, B, " ")
    print "push graphic-context\nfill none\nstroke-linecap round"
    printf "stroke-width %.2f\nstroke-opacity %.2f\n", width, op
    for (i = 0; i < n; i++) {
        t = i / (n - 1)
        for (k = 1; k <= 8; k++) P[k] = A[k] + (B[k] - A[k]) * t
        sh = sin(t * pi()); sh = sh * sh
        printf "stroke %s\n", q(mix(c1, c2, sh))
        printf "path %s\n", q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f", \
            P[1], P[2], P[3], P[4], P[5], P[6], P[7], P[8]))
    }
    gend()
}
# A person in flat style, standing at (x, yb), h tall, seen from the front.  look is
# "skin,hair,style,shirt,pants,vest,cap" (style: short|long|bun; vest/cap "none" for none),
# arms "l1,l2,r1,r2": the upper and lower arm's angles in degrees (90 = straight down) for
# the viewer's left and right arm.  Leaves the hands in HLX,HLY and HRX,HRY.
function limb(x1, y1, x2, y2, x3, y3, w, col) {
    print "push graphic-context\nfill none\nstroke-linecap round\nstroke-linejoin round"
    printf "stroke %s\nstroke-width %.1f\n", q(col), w
    printf "polyline %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x1, y1, x2, y2, x3, y3
    gend()
}
function person(x, yb, h, look, arms, spread,   L, A, u, hy, sy, hipy, r, a, ex, ey) {
    split(look, L, ","); split(arms, A, ",")
    u = h / 100; hy = yb - 88 * u; sy = yb - 76 * u; hipy = yb - 44 * u; r = 7.5 * u
    if (spread == "") spread = 5
    # legs and shoes
    limb(x - 4 * u, hipy, x - spread * u, yb - 22 * u, x - spread * u, yb - 2 * u, 8.5 * u, L[5])
    limb(x + 4 * u, hipy, x + spread * u, yb - 22 * u, x + spread * u, yb - 2 * u, 8.5 * u, L[5])
    ctx("#2B2424", 1)
    printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x - spread * u - 1.5 * u, yb - 1 * u, 6 * u,
        2.6 * u
    printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x + spread * u + 1.5 * u, yb - 1 * u, 6 * u,
        2.6 * u
    gend()
    # torso (shirt), then the vest over it
    ctx(L[4], 1)
    printf "path %s\n",
        q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f L %.1f %.1f L %.1f %.1f Q %.1f %.1f %.1f " \
            "%.1f Z", \
        x - 12 * u, sy + 3 * u, x - 12 * u, sy - 1 * u, x - 8 * u, sy - 1.5 * u, x + 8 * u,
            sy - 1.5 * u, \
        x + 12 * u, sy + 3 * u, x + 11 * u, hipy + 2 * u, x, hipy + 2 * u))
    printf "path %s\n", q(sprintf("M %.1f %.1f L %.1f %.1f L %.1f %.1f L %.1f %.1f Z", \
        x - 12 * u, sy + 3 * u, x + 12 * u, sy + 3 * u, x + 11 * u, hipy + 3 * u, x - 11 * u,
            hipy + 3 * u))
    gend()
    if (L[6] != "none") {
        ctx(L[6], 1)
        printf "path %s\n",
            q(sprintf("M %.1f %.1f L %.1f %.1f L %.1f %.1f L %.1f %.1f L %.1f %.1f L %.1f %.1f " \
                "L %.1f %.1f Z", \
            x - 4 * u, sy - 1.5 * u, x - 11 * u, sy + 1 * u, x - 11.5 * u, hipy + 4 * u,
                x + 11.5 * u, hipy + 4 * u, \
            x + 11 * u, sy + 1 * u, x + 4 * u, sy - 1.5 * u, x, sy + 10 * u))
        gend()
        ctx("#FFFFFF", 0.85); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x - 11.2 * u, hipy - 8 * u,
            x + 11.2 * u, hipy - 6.5 * u; gend()
        ctx("#000000", 0.12); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x - 0.4 * u, sy + 10 * u,
            x + 0.4 * u, hipy + 4 * u; gend()
    }
    # neck and head
    ctx(L[1], 1); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x - 2.6 * u, hy + 4 * u, x + 2.6 * u,
        sy; gend()
    ctx(L[1], 1); printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x, hy, r * 0.92, r; gend()
    ctx(L[2], 1)
    if (L[3] == "long") {
        printf "path %s\n",
            q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f Q %.1f %.1f %.1f %.1f L %.1f %.1f Q " \
                "%.1f %.1f %.1f %.1f Z", \
            x - r * 1.05, hy + r * 1.6, x - r * 1.25, hy - r * 1.3, x, hy - r * 1.12, x + r * 1.25,
                hy - r * 1.3, \
            x + r * 1.05, hy + r * 1.6, x + r * 0.7, hy + r * 1.6, x + r * 0.6, hy - r * 0.3,
                x - r * 0.7, hy + r * 1.6))
        printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f Z", x - r * 0.9,
            hy - r * 0.2, x, hy - r * 0.9, x + r * 0.7, hy - r * 0.35))
    } else {
        printf "path %s\n",
            q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f Q %.1f %.1f %.1f %.1f Q %.1f %.1f " \
                "%.1f %.1f Z", \
            x - r * 0.98, hy + r * 0.1, x - r * 1.1, hy - r * 1.25, x + r * 0.1, hy - r * 1.12,
                x + r * 1.15, hy - r * 1.0, \
            x + r * 0.98, hy + r * 0.1, x + r * 0.2, hy - r * 0.55, x - r * 0.98, hy + r * 0.1))
        if (L[3] == "bun") printf "circle %.1f,%.1f %.1f,%.1f\n", x + r * 0.2, hy - r * 1.25,
            x + r * 0.2 + r * 0.45, hy - r * 1.25
    }
    gend()
    if (L[7] != "none") {
        ctx(L[7], 1)
        printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f Z", x - r * 1.02,
            hy - r * 0.3, x, hy - r * 1.75, x + r * 1.02, hy - r * 0.3))
        printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x + r * 0.55, hy - r * 0.3, r * 0.85, r * 0.18
        gend()
    }
    # arms: a sleeve (shirt colour) to the elbow, skin beyond, a round hand
    a = A[1] * pi() / 180; ex = x - 11 * u + 17 * u * cos(a); ey = sy + 3 * u + 17 * u * sin(a)
    a = A[2] * pi() / 180; HLX = ex + 16 * u * cos(a); HLY = ey + 16 * u * sin(a)
    limb(x - 11 * u, sy + 3 * u, ex, ey, ex, ey, 6.5 * u, L[4])
    limb(ex, ey, HLX, HLY, HLX, HLY, 5 * u, L[4] == L[1] ? L[1] : L[4])
    ctx(L[1], 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HLX, HLY, HLX + 3 * u, HLY; gend()
    a = A[3] * pi() / 180; ex = x + 11 * u + 17 * u * cos(a); ey = sy + 3 * u + 17 * u * sin(a)
    a = A[4] * pi() / 180; HRX = ex + 16 * u * cos(a); HRY = ey + 16 * u * sin(a)
    limb(x + 11 * u, sy + 3 * u, ex, ey, ex, ey, 6.5 * u, L[4])
    limb(ex, ey, HRX, HRY, HRX, HRY, 5 * u, L[4])
    ctx(L[1], 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HRX, HRY, HRX + 3 * u, HRY; gend()
}
# A young tree just planted: a thin trunk, a small crown, a mound of earth.
function sapling(x, yb, h,   k, cx, cy) {
    ctx("#7A5236", 1); printf "ellipse %.1f,%.1f %.1f,%.1f 0,180\n", x, yb + 2, h * 0.32,
        h * 0.09; gend()
    limb(x, yb, x + h * 0.02, yb - h * 0.5, x, yb - h * 0.8, h * 0.035, "#6B4A32")
    ctx("#4E9A52", 1)
    for (k = 0; k < 5; k++) { cx = x + rr(-0.11, 0.11) * h; cy = yb - h * rr(0.82, 1.0)
        printf "circle %.1f,%.1f %.1f,%.1f\n", cx, cy, cx + h * rr(0.09, 0.14), cy }
    gend()
    ctx("#79BD63", 0.9)
    for (k = 0; k < 3; k++) { cx = x + rr(-0.03, 0.1) * h; cy = yb - h * rr(0.9, 1.02)
        printf "circle %.1f,%.1f %.1f,%.1f\n", cx, cy, cx + h * rr(0.05, 0.08), cy }
    gend()
}
# A spade held in both hands (HL*, HR* from person()), its blade in the ground at y=gy beside
# a heap of earth; s scales it.  Redraws the hands over the shaft.
function spade(gy, s, skin,   tx, ty, bx, by, dx, dy, len, SX1, SY1, SX2, SY2) {
    if (HRY < HLY) { tx = HRX; ty = HRY; bx = HLX; by = HLY }
    else { tx = HLX; ty = HLY; bx = HRX; by = HRY }
    dx = bx - tx; dy = by - ty; len = sqrt(dx * dx + dy * dy); dx /= len; dy /= len
    SX2 = tx + dx * (gy - ty) / dy; SY2 = gy
    SX1 = tx - dx * 40 * s; SY1 = ty - dy * 40 * s
    ctx("#7A5236", 1); printf "ellipse %.1f,%.1f %.1f,%.1f 180,360\n", SX2 + 60 * s, gy + 6 * s,
        70 * s, 24 * s; gend()
    ctx("#8C6242", 1); printf "ellipse %.1f,%.1f %.1f,%.1f 180,360\n", SX2 + 55 * s, gy + 4 * s,
        50 * s, 14 * s; gend()
    limb(SX1, SY1, SX2, SY2, SX2, SY2, 7 * s, "#9A7048")
    ctx("#8E99A6", 1); printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", SX2 - 15 * s,
        SY2 - 12 * s, \
        SX2 + 15 * s, SY2 - 12 * s, SX2 + 13 * s, SY2 + 22 * s, SX2 - 11 * s, SY2 + 22 * s; gend()
    limb(SX1 - 12 * s, SY1, SX1 + 12 * s, SY1, SX1 + 12 * s, SY1, 8 * s, "#6E5034")
    ctx(skin, 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HLX, HLY, HLX + 12 * s, HLY
    printf "circle %.1f,%.1f %.1f,%.1f\n", HRX, HRY, HRX + 12 * s, HRY; gend()
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

# split NAME: renders the MVG of a previous draw in two parts, NAME-a.png up to its "#SPLIT"
# line and NAME-b.png after it (one awk run, so the random sequence is shared, but two layers
# so that something can go between them).
split_layers() {
    awk -v a="$T/$1-a.mvg" -v b="$T/$1-b.mvg" -v vb="viewbox 0 0 $W $H" \
        'BEGIN { print vb >a; print vb >b; out = a } /^#SPLIT$/ { out = b; next } { print >out }' \
        "$T/$1.mvg"
    convert -size ${W}x$H -background none "mvg:$T/$1-a.mvg" "$T/$1-a.png"
    convert -size ${W}x$H -background none "mvg:$T/$1-b.mvg" "$T/$1-b.png"
}

# soften IN SIGMA OUT: a Gaussian blur; a large one is done at a quarter of the size (fast, and
# at those radii the result is the same to the eye).
soften() {
    if [ "$2" -lt 12 ]; then
        convert "$1" -channel RGBA -blur "0x$2" +channel "$3"
        return
    fi
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

# ---------------------------------------------------------------------------------------------
# The campus at sunrise: a dawn sky, a hazy city far off, the college's buildings (a
# classical teaching hall, the clock tower, a glass library, dormitories) with lit windows,
# trees and a path in front.  The sun rises on the right, so every lit edge faces right.
campus() {
    draw campus-sky $W $H <<'AWK'
BEGIN {
    vband("s1", 0, 0, W, 330, "#2F3C6B", "#6E6592")
    vband("s2", 0, 330, W, 640, "#6E6592", "#D98E8C")
    vband("s3", 0, 640, W, 820, "#D98E8C", "#FFC48E")
    vband("s4", 0, 820, W, H, "#FFC48E", "#FFDDA8")
    # a few stars still out in the darkest corner
    ctx("#FFF6E0", 0.7)
    for (i = 0; i < 40; i++) { x = rr(0, 900); y = rr(0, 240); r = rr(0.8, 2)
        printf "circle %.1f,%.1f %.1f,%.1f\n", x, y, x + r, y }
    gend()
}
AWK
    draw campus-glow $W $H <<'AWK'
BEGIN {
    ctx("#FFC98E", 0.45); print "circle 1665,690 2165,690"; gend()
    ctx("#FFDDA8", 0.55); print "circle 1665,690 1915,690"; gend()
    ctx("#FFEBC4", 0.8); print "circle 1665,690 1785,690"; gend()
}
AWK
    soften "$T/campus-glow.png" 60 "$T/campus-glow-b.png"
    draw campus-sun $W $H <<'AWK'
BEGIN {
    ctx("#FFFCF2", 1); print "circle 1665,690 1730,690"; gend()
    # thin clouds lit from below
    split("250,470,620,1.0 1150,400,520,0.9 700,590,380,0.8 1450,560,420,0.85 80,640,300,0.7", cl,
        " ")
    for (c in cl) {
        split(cl[c], p, ","); x0 = p[1]; y0 = p[2]; w = p[3]
        ctx(y0 < 500 ? "#C89BB0" : "#F6B5A0", 0.55 * p[4])
        for (k = 0; k < 9; k++) {
            cx = x0 + rr(0, w); cy = y0 + rr(-8, 8); rx = rr(60, 150); ry = rr(10, 22)
            printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", cx, cy, rx, ry
        }
        gend()
        ctx("#FFE0C2", 0.45 * p[4])
        for (k = 0; k < 5; k++) {
            cx = x0 + rr(w * 0.2, w); cy = y0 + rr(6, 14); rx = rr(50, 110); ry = rr(4, 8)
            printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", cx, cy, rx, ry
        }
        gend()
    }
}
AWK
    soften "$T/campus-sun.png" 4 "$T/campus-sun-b.png"
    draw campus-far $W $H <<'AWK'
BEGIN {
    # two hazy rows of city blocks on the horizon; the nearer one a little darker
    for (row = 0; row < 2; row++) {
        ctx(row == 0 ? "#D29A9C" : "#B7848F", 1)
        x = -20
        while (x < W) {
            bw = rr(50, 140); bh = rr(40, 150) + (row == 0 ? 60 : 0)
            if (x + bw > 1540 && x < 1790) bh *= 0.12
            printf "rectangle %.1f,%.1f %.1f,%.1f\n", x, 830 - bh, x + bw, 900
            if (rnd() < 0.25) printf "rectangle %.1f,%.1f %.1f,%.1f\n", x + bw * 0.4,
                830 - bh - rr(20, 50), x + bw * 0.55, 830 - bh
            x += bw + rr(-10, 25)
        }
        gend()
    }
}
AWK
    soften "$T/campus-far.png" 3 "$T/campus-far-b.png"
    draw campus-mid $W $H <<'AWK'
function win(x1, y1, x2, y2, p) {
    if (rnd() < p) { ctx(rnd() < 0.5 ? "#FFD58A" : "#FFC46E", 1) } else ctx("#5C4A74", 1)
    printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1, y1, x2, y2; gend()
}
function block(x1, y1, x2, y2, side,   id) {
    id = "b" (++NB)
    grad(id, 0, y1, 0, y2, "#54426A", "#3A2D4C"); gbegin(id)
    printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1, y1, x2, y2; gend()
    ctx("#2E2340", 1); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1 - side, y1 + 6, x1, y2; gend()
    ctx("#E79C80", 0.85); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x2 - 4, y1, x2, y2; gend()
    ctx("#6A5684", 1); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1 - side - 4, y1 - 8, x2 + 4,
        y1; gend()
}
BEGIN {
    GY = 880
    # dormitories on the left
    block(20, 560, 250, GY, 0)
    for (y = 590; y < GY - 40; y += 46) for (x = 40; x < 230; x += 38) win(x, y, x + 20, y + 26,
        0.35)
    # the teaching hall: pediment, columns, tall windows between them, steps
    block(300, 600, 860, GY, 26)
    ctx("#5E4B76", 1); print "polygon 285,604 875,604 580,498"; gend()
    ctx("#433456", 1); print "polygon 330,592 830,592 580,522"; gend()
    ctx("#E79C80", 0.8); print "polygon 580,498 875,604 866,604 580,508"; gend()
    ctx("#6A5684", 1); print "rectangle 290,604 870,624"; gend()
    for (i = 0; i < 9; i++) {
        x = 330 + i * 62
        if (i < 8) win(x + 22, 660, x + 50, 760, 0.55)
        if (i < 8) win(x + 22, 780, x + 50, 840, 0.5)
        grad("c" i, x, 0, x + 20, 0, "#6E5A8A", "#4E3D64"); gbegin("c" i)
        printf "rectangle %d,632 %d,850\n", x, x + 18; gend()
        ctx("#6A5684", 1); printf "rectangle %d,628 %d,638\n", x - 4, x + 22; gend()
    }
    ctx("#5E4B76", 1); print "rectangle 300,850 860,862"; gend()
    ctx("#6A5684", 1); print "rectangle 288,862 872,872"; gend()
    ctx("#7A6694", 1); print "rectangle 276,872 884,882"; gend()
    # the clock tower
    block(905, 420, 1035, GY, 18)
    for (y = 470; y < GY - 60; y += 70) win(950, y, 990, y + 40, 0.6)
    grad("tw", 0, 250, 0, 420, "#5E4B76", "#4A3A5E"); gbegin("tw")
    print "rectangle 895,250 1045,420"; gend()
    ctx("#E79C80", 0.85); print "rectangle 1041,250 1045,420"; gend()
    ctx("#6A5684", 1)
    print "rectangle 885,236 1055,252"
    print "rectangle 885,412 1055,426"
    gend()
    ctx("#2A2038", 1)
    for (i = 0; i < 3; i++) { x = 912 + i * 44
        printf "path %s\n", q(sprintf("M %d 400 L %d 350 A 14 14 0 0 1 %d 350 L %d 400 Z", x, x,
            x + 28, x + 28)) }
    gend()
    ctx("#FFD58A", 0.8)
    for (i = 0; i < 3; i++) { x = 912 + i * 44; printf "rectangle %d,372 %d,400\n", x + 6, x + 22 }
    gend()
    ctx("#E8B04B", 1); print "circle 970,300 1008,300"; gend()
    ctx("#FFF1CF", 1); print "circle 970,300 1002,300"; gend()
    ctx("#B8862F", 1)
    for (i = 0; i < 12; i++) { a = i * 30 * pi() / 180
        printf "circle %.1f,%.1f %.1f,%.1f\n", 970 + 26 * cos(a), 300 + 26 * sin(a),
            970 + 26 * cos(a) + 2.2, 300 + 26 * sin(a) }
    gend()
    print "push graphic-context\nstroke '#3A2D4C'\nstroke-linecap round\nstroke-width 4"
    print "line 970,300 970,280\nstroke-width 3\nline 970,300 989,306\npop graphic-context"
    ctx("#3A2D4C", 1); print "circle 970,300 974,300"; gend()
    grad("roof", 880, 0, 1060, 0, "#4A3A5E", "#6E5A8A"); gbegin("roof")
    print "polygon 880,238 1060,238 970,140"; gend()
    ctx("#E79C80", 0.8); print "polygon 970,140 1060,238 1050,238 970,150"; gend()
    print "push graphic-context\nstroke '#4A3A5E'\nstroke-width 5\nline 970,142 970,116"
    print "pop graphic-context"
    ctx("#E8B04B", 1); print "circle 970,120 977,120"; gend()
    # the library: a glass curtain wall under a wide roof slab
    block(1090, 640, 1560, GY, 22)
    for (y = 664; y < GY - 20; y += 52)
        for (x = 1106; x < 1544; x += 44) {
            lit = (y > 700) ? 0.75 : 0.2
            if (rnd() < lit) { id = "g" (++NG); grad(id, 0, y, 0, y + 40, "#FFDB94",
                "#F5AD62"); gbegin(id) }
            else ctx("#7E6C9C", 1)
            printf "rectangle %d,%d %d,%d\n", x, y, x + 36, y + 42; gend()
        }
    ctx("#6E5A8A", 1); print "rectangle 1066,618 1584,640"; gend()
    ctx("#E79C80", 0.9); print "rectangle 1066,618 1584,622"; gend()
    ctx("#2E2340", 1); print "rectangle 1260,800 1390,880"; gend()
    id = "door"; grad(id, 0, 806, 0, 880, "#FFE2A8", "#F3B46A"); gbegin(id)
    print "rectangle 1268,808 1382,880"; gend()
    # dormitories to the right, lower, so the sun shows over them
    # birds
    print "push graphic-context\nfill none\nstroke '#3B3352'\nstroke-width 3\nstroke-linecap round"
    split("420,230,1 470,252,0.8 515,220,0.9 560,262,0.7 380,275,0.75", bd, " ")
    for (b in bd) { split(bd[b], p, ","); x = p[1]; y = p[2]; s = 14 * p[3]
        printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f Q %.1f %.1f %.1f %.1f", \
            x - s, y - s * 0.3, x - s * 0.5, y - s * 0.6, x, y, x + s * 0.5, y - s * 0.6, x + s,
                y - s * 0.3)) }
    gend()
    block(1770, 750, 1940, GY, 18)
    for (y = 760; y < GY - 30; y += 40) for (x = 1786; x < 1930; x += 34) win(x, y, x + 18, y + 22,
        0.3)
}
AWK
    draw campus-front $W $H <<'AWK'
BEGIN {
    vband("lawn", 0, 866, W, H, "#5B7A55", "#2F4A3A")
    ctx("#8FA86A", 0.35); print "rectangle 0,866 1920,872"; gend()
    # the path, in perspective
    grad("path", 0, 880, 0, H, "#E8C7A4", "#B98E74"); gbegin("path")
    print "path 'M 930 880 L 990 880 C 1010 950 1150 1000 1260 1080 L 700 1080 C 820 1000 920 " \
        "950 930 880 Z'"
    gend()
    ctx("#FFFFFF", 0.25)
    print "path 'M 960 880 L 990 880 C 1010 950 1150 1000 1260 1080 L 1160 1080 C 1060 1000 990 " \
        "950 960 880 Z'"
    gend()
    # shadows of the trees on the lawn
    ctx("#1E3328", 0.35)
    for (i = 0; i < 16; i++) { x = 40 + i * 125; if (x > 640 && x < 1300) continue
        printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x - 40, 900, 90, 12 }
    gend()
}
AWK
    soften "$T/campus-front.png" 2 "$T/campus-front-b.png"
    draw campus-trees $W $H <<'AWK'
BEGIN {
    # a row of trees along the lawn, clear of the path and the hall's front
    for (i = 0; i < 16; i++) {
        x = 40 + i * 125 + rr(-20, 20)
        if (x > 640 && x < 1300) continue
        if (rnd() < 0.3) cypress(x, 895, rr(160, 210), "#2B5242", "#4F7A58", 1)
        else tree(x, 895, rr(80, 105), "#24463A", "#35604A", "#5F8A5E", "#3B2E2C", 1)
    }
    tree(640, 890, 70, "#24463A", "#35604A", "#5F8A5E", "#3B2E2C", 1)
    tree(1300, 890, 74, "#24463A", "#35604A", "#5F8A5E", "#3B2E2C", 1)
    # lamp posts along the path
    for (i = 0; i < 2; i++) {
        x = (i == 0) ? 880 : 1060; y = 930
        ctx("#2B2233", 1); printf "rectangle %d,%d %d,%d\n", x - 3, y - 110, x + 3, y; gend()
        ctx("#FFE7B0", 1); printf "circle %d,%d %d,%d\n", x, y - 116, x + 9, y - 116; gend()
    }
    # big framing trees at both edges, closer to the viewer
    tree(60, 1120, 250, "#1B362D", "#284C3C", "#4E7450", "#2A211F", 1)
    tree(1880, 1140, 230, "#1B362D", "#284C3C", "#4E7450", "#2A211F", 1)
}
AWK
    draw campus-lamps $W $H <<'AWK'
BEGIN { ctx("#FFD58A",
    0.8); print "circle 880,814 930,814"; print "circle 1060,814 1110,814"; gend() }
AWK
    soften "$T/campus-lamps.png" 20 "$T/campus-lamps-b.png"
    convert -size ${W}x$H radial-gradient:'#FFFFFF'-'#C9B4B0' -gravity center -crop ${W}x$H+0+0 \
        "$T/vignette.png"
    convert "$T/campus-sky.png" \
        "$T/campus-glow-b.png" -compose screen -composite \
        "$T/campus-sun-b.png" -compose over -composite \
        "$T/campus-far-b.png" -composite \
        "$T/campus-mid.png" -composite \
        "$T/campus-front-b.png" -composite \
        "$T/campus-trees.png" -composite \
        "$T/campus-lamps-b.png" -compose screen -composite \
        "$T/vignette.png" -compose multiply -composite \
        "$T/campus.png"
    write_jpeg "$T/campus.png" "$OUT/campus-sunrise.jpg"
}


# ---------------------------------------------------------------------------------------------
# Festive and dignified: silk ribbons in gold and light red flowing across a deep red field,
# a soft light from above, faint auspicious-cloud curls in the corners, gold bokeh.
celebration() {
    draw cel-bg $W $H <<'AWK'
BEGIN {
    vband("b1", 0, 0, W, 520, "#A10C25", "#C4112E")
    vband("b2", 0, 520, W, H, "#C4112E", "#6E0819")
}
AWK
    draw cel-light $W $H <<'AWK'
BEGIN {
    ctx("#F03A3A", 0.45); print "ellipse 860,360 760,420 0,360"; gend()
    ctx("#FF9E5E", 0.22); print "ellipse 860,330 380,220 0,360"; gend()
}
AWK
    soften "$T/cel-light.png" 120 "$T/cel-light-b.png"
    draw cel-clouds $W $H <<'AWK'
# An auspicious cloud (xiangyun): three round bumps on a flat base, a spiral in each bump.
function spiral(cx, cy, r, dir,   k, s, a, rr_) {
    s = sprintf("M %.1f %.1f", cx + dir * r, cy)
    for (k = 1; k <= 40; k++) {
        a = k * 18 * pi() / 180; rr_ = r * (1 - k / 48)
        s = s sprintf(" L %.1f %.1f", cx + dir * rr_ * cos(a), cy - rr_ * sin(a))
    }
    printf "path %s\n", q(s)
}
function cloud(x, y, r, dir,   bx) {
    ctx("#E0303F", 0.30)
    printf "circle %.1f,%.1f %.1f,%.1f\n", x, y, x + r, y
    printf "circle %.1f,%.1f %.1f,%.1f\n", x + dir * 1.45 * r, y - 0.55 * r,
        x + dir * 1.45 * r + 1.15 * r, y - 0.55 * r
    printf "circle %.1f,%.1f %.1f,%.1f\n", x + dir * 2.9 * r, y, x + dir * 2.9 * r + 0.9 * r, y
    bx = (dir > 0) ? x - 1.6 * r : x - 4.1 * r
    printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", bx, y, bx + 5.7 * r, y + 0.75 * r,
        0.37 * r, 0.37 * r
    gend()
    print "push graphic-context\nfill none\nstroke '#F2C46D'\nstroke-width 4\nstroke-opacity 0.35"
    print "stroke-linecap round"
    spiral(x, y, 0.6 * r, dir); spiral(x + dir * 1.45 * r, y - 0.55 * r, 0.72 * r, -dir)
    spiral(x + dir * 2.9 * r, y, 0.55 * r, dir)
    gend()
}
BEGIN {
    cloud(130, 150, 48, 1); cloud(1800, 960, 56, -1); cloud(1760, 120, 30, -1); cloud(170, 990, 30,
        1)
}
AWK
    draw cel-ribbons $W $H <<'AWK'
BEGIN {
    # a wide light-red ribbon behind, then the gold one over it, then a thin bright strand
    ribbon("-150 1040 480 420 1100 1400 2100 520", "-150 820 700 1180 1300 300 2100 780", 100, \
        "B8142C", "F2696C", 3, 0.55)
    ribbon("-150 900 420 -60 1150 1280 2100 140", "-150 660 640 760 1280 120 2100 420", 120, \
        "A8701F", "FFE3A0", 2.6, 0.75)
    ribbon("-150 820 480 40 1180 1200 2100 200", "-150 790 520 100 1220 1140 2100 230", 12, \
        "F4CF85", "FFF8E2", 2, 0.7)
}
AWK
    soften "$T/cel-ribbons.png" 1 "$T/cel-ribbons-b.png"
    convert "$T/cel-ribbons.png" -channel A -evaluate multiply 0.0 +channel "$T/zero.png"
    # the ribbons' shadow, cast down onto the red field
    convert "$T/cel-ribbons.png" -fill '#3A0610' -colorize 100 -channel A -evaluate multiply 0.5 \
        +channel "$T/cel-shadow0.png"
    soften "$T/cel-shadow0.png" 28 "$T/cel-shadow.png"
    draw cel-bokeh $W $H <<'AWK'
BEGIN {
    for (i = 0; i < 36; i++) {
        x = rr(0, W); y = rr(200, 900); r = rr(5, 30)
        ctx(rnd() < 0.7 ? "#F7C66A" : "#FFE9B8", rr(0.10, 0.30))
        printf "circle %.1f,%.1f %.1f,%.1f\n", x, y, x + r, y; gend()
    }
    # glints along the gold ribbon
    ctx("#FFF8E8", 0.95)
    split("520,470 890,610 1280,520 1610,420 300,600 1760,390", g, " ")
    for (k in g) { split(g[k], p, ","); x = p[1]; y = p[2]; r = 16
        printf "polygon %d,%d %.1f,%.1f %d,%d %.1f,%.1f %d,%d %.1f,%.1f %d,%d %.1f,%.1f\n", \
            x, y - r, x + 2.5, y - 2.5, x + r, y, x + 2.5, y + 2.5, x, y + r, x - 2.5, y + 2.5, \
            x - r, y, x - 2.5, y - 2.5 }
    gend()
}
AWK
    soften "$T/cel-bokeh.png" 3 "$T/cel-bokeh-b.png"
    convert -size ${W}x$H radial-gradient:'#FFFFFF'-'#B08080' "$T/cel-vig.png"
    convert "$T/cel-bg.png" \
        "$T/cel-light-b.png" -compose screen -composite \
        "$T/cel-clouds.png" -compose over -composite \
        \( "$T/cel-shadow.png" -geometry +0+26 \) -composite \
        "$T/cel-ribbons-b.png" -composite \
        "$T/cel-bokeh-b.png" -compose screen -composite \
        "$T/cel-vig.png" -compose multiply -composite \
        "$T/celebration.png"
    write_jpeg "$T/celebration.png" "$OUT/celebration.jpg"
}

# ---------------------------------------------------------------------------------------------
# Theory study: an open book on a wooden desk in a dark study, light rising from its pages,
# a stack of books on the left, a cup of tea on the right, a pen in front.
theory() {
    draw th-bg $W $H <<'AWK'
BEGIN {
    vband("w1", 0, 0, W, 560, "#1F1624", "#3A1E26")
    vband("w2", 0, 560, W, 690, "#3A1E26", "#4A2529")
    # the desk: a top seen in perspective and its front edge
    grad("desk", 0, 690, 0, 1000, "#8A5634", "#5C321F"); gbegin("desk")
    print "polygon 0,700 1920,700 1920,1000 0,1000"; gend()
    ctx("#B77A4A", 0.8); print "rectangle 0,696 1920,702"; gend()
    grad("edge", 0, 1000, 0, H, "#4A2818", "#2A160E"); gbegin("edge")
    print "rectangle 0,1000 1920,1080"; gend()
    ctx("#C98B55", 0.5); print "rectangle 0,998 1920,1003"; gend()
    # wood grain
    print "push graphic-context\nfill none\nstroke '#4E2A18'\nstroke-opacity 0.25\nstroke-width 2"
    for (i = 0; i < 26; i++) { y = 712 + i * 11 + rr(-3, 3)
        printf "path %s\n", q(sprintf("M -10 %.1f C 500 %.1f 1300 %.1f 1930 %.1f", y, y + rr(-6,
            6), y + rr(-6, 6), y + rr(-4, 4))) }
    gend()
}
AWK
    draw th-glow $W $H <<'AWK'
BEGIN {
    ctx("#FFB95A", 0.5); print "ellipse 960,640 620,330 0,360"; gend()
    ctx("#FFE2A6", 0.75); print "ellipse 960,680 320,110 0,360"; gend()
}
AWK
    soften "$T/th-glow.png" 110 "$T/th-glow-b.png"
    draw th-rays $W $H <<'AWK'
BEGIN {
    # rays fanning up from the pages, fading with distance (three lengths stacked)
    for (L = 0; L < 3; L++) {
        ctx("#FFE3A3", 0.09)
        for (i = 0; i < 13; i++) {
            a = (-156 + i * (132 / 12)) * pi() / 180; d = 380 + L * 260; w = 0.022 + 0.01 * (i % 2)
            printf "polygon 960,700 %.1f,%.1f %.1f,%.1f\n", 960 + d * cos(a - w),
                700 + d * sin(a - w), \
                960 + d * cos(a + w), 700 + d * sin(a + w)
        }
        gend()
    }
}
AWK
    soften "$T/th-rays.png" 16 "$T/th-rays-b.png"
    draw th-shadow $W $H <<'AWK'
BEGIN {
    ctx("#120806", 0.7); print "ellipse 960,885 470,42 0,360"; gend()
    ctx("#120806", 0.6)
    print "ellipse 300,830 190,30 0,360"
    print "ellipse 1560,850 120,26 0,360"
    gend()
}
AWK
    soften "$T/th-shadow.png" 14 "$T/th-shadow-b.png"
    draw th-book $W $H <<'AWK'
# page p (-1 left, +1 right): spine at x=960, far edge y~640, near edge y~880
function page(p, id,   ox_f, ox_n) {
    ox_f = 960 + p * 330; ox_n = 960 + p * 410
    grad(id, 960, 0, ox_n, 0, "#D8C6A2", "#FBF3E0"); gbegin(id)
    printf "path %s\n",
        q(sprintf("M 960 868 Q %.1f %.1f %.1f 880 L %.1f 650 Q %.1f %.1f 960 628 Z", \
        960 + p * 200, 815, ox_n, ox_f, 960 + p * 170, 590))
    gend()
}
function lines(p,   i, t, sx, sy, ex, ey, cx, cy, len) {
    print "push graphic-context\nfill none\nstroke '#9A876A'\nstroke-opacity 0.3\nstroke-width 2.2"
    print "stroke-linecap round"
    for (i = 0; i < 10; i++) {
        t = (i + 1) / 11
        sx = 960 + p * 34; sy = 640 + (858 - 640) * t
        ex = 960 + p * (300 + 80 * t); ey = 662 + (868 - 662) * t
        cx = 960 + p * (170 + 20 * t); cy = 604 + (822 - 604) * t
        len = (rnd() < 0.15) ? rr(0.35, 0.7) : 1
        if (p > 0) printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f", sx, sy, \
            sx + (cx - sx) * len, sy + (cy - sy) * len, sx + (ex - sx) * len, sy + (ey - sy) * len))
        else printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f", sx, sy, cx, cy, ex,
            ey))
    }
    gend()
}
BEGIN {
    # the cover, a little larger than the pages, and the edges of the page block
    ctx("#7E0B1F", 1)
    print "path 'M 960 896 Q 760 846 532 900 L 610 654 L 960 640 L 1310 654 L 1388 900 Q 1160 " \
        "846 960 896 Z'"
    gend()
    for (k = 0; k < 6; k++) {
        ctx(k % 2 ? "#E9DCC0" : "#CDBB98", 1)
        printf "path %s\n", q(sprintf("M 960 %d Q 760 %d 548 %d L 1372 %d Q 1160 %d 960 %d Z", \
            886 - k * 3, 834 - k * 3, 892 - k * 2.4, 892 - k * 2.4, 834 - k * 3, 886 - k * 3))
        gend()
    }
    page(-1, "pl"); page(1, "pr")
    lines(-1); lines(1)
    # the gutter's shadow
    grad("gut", 930, 0, 990, 0, "#FBF3E0", "#FBF3E0")
    ctx("#9C8460", 0.45)
    print "path 'M 944 630 Q 960 640 976 630 L 976 866 Q 960 874 944 866 Z'"
    gend()
    ctx("#7A6446", 0.5); print "rectangle 958,630 962,870"; gend()
    # a red ribbon bookmark falling over the near edge
    ctx("#C8102E", 1)
    print "path 'M 1120 626 L 1136 627 L 1140 892 L 1132 918 L 1125 896 L 1116 918 Z'"
    gend()

    # a stack of closed books on the left
    split("#8E0C22,#243A5E,#2F4A3A", col, ",")
    for (k = 0; k < 3; k++) {
        y = 820 - k * 52; x0 = 150 + k * 18 - (k == 1 ? 30 : 0); w = 300 - k * 20
        ctx(col[k + 1], 1); printf "roundrectangle %d,%d %d,%d 6,6\n", x0, y, x0 + w, y + 50; gend()
        ctx("#F1E6CC", 1); printf "rectangle %d,%d %d,%d\n", x0 + 14, y + 8, x0 + w, y + 42; gend()
        ctx("#DCCDAE", 1); for (j = 0; j < 4; j++) printf "rectangle %d,%d %d,%d\n", x0 + 14,
            y + 14 + j * 7, x0 + w, y + 15 + j * 7; gend()
        ctx(col[k + 1], 1); printf "rectangle %d,%d %d,%d\n", x0, y, x0 + 22, y + 50; gend()
        ctx("#E8B04B", 0.9); printf "rectangle %d,%d %d,%d\n", x0 + 4, y + 12, x0 + 8,
            y + 38; gend()
    }
    # a cup of tea on the right, with its saucer
    ctx("#E9DFCF", 1); print "ellipse 1560,852 118,22 0,360"; gend()
    ctx("#C9BBA4", 1); print "ellipse 1560,848 84,14 0,360"; gend()
    grad("cup", 1490, 0, 1630, 0, "#FFFFFF", "#D6CAB6"); gbegin("cup")
    print "path 'M 1488 740 L 1632 740 Q 1628 830 1560 848 Q 1492 830 1488 740 Z'"; gend()
    print "push graphic-context\nfill none\nstroke '#E9DFCF'\nstroke-width 12"
    print "path 'M 1628 760 C 1680 760 1680 812 1618 814'\npop graphic-context"
    ctx("#C8102E", 0.9); print "rectangle 1490,764 1630,772"; gend()
    ctx("#F3ECDF", 1); print "ellipse 1560,740 72,12 0,360"; gend()
    ctx("#9A6A2E", 1); print "ellipse 1560,742 64,9 0,360"; gend()
    # a fountain pen lying in front of the book
    print "push graphic-context\ntranslate 1240,952\nrotate -8"
    ctx("#1E1A22", 1); print "roundrectangle -170,-11 120,11 10,10"; gend()
    ctx("#E8B04B", 1); print "rectangle 60,-11 72,11"; print "rectangle -150,-13 -60,-9"; gend()
    ctx("#CFC4B0", 1); print "polygon 120,-9 170,0 120,9"; gend()
    print "pop graphic-context"
}
AWK
    draw th-steam $W $H <<'AWK'
BEGIN {
    print "push graphic-context\nfill none\nstroke '#F7EBD6'\nstroke-opacity 0.35\nstroke-width 8"
    print "stroke-linecap round"
    print "path 'M 1540 720 C 1510 680 1570 650 1540 600 C 1520 570 1550 540 1540 520'"
    print "path 'M 1585 718 C 1610 680 1560 660 1590 620 C 1605 595 1585 575 1592 560'"
    gend()
    # motes of light rising from the pages
    for (i = 0; i < 60; i++) {
        a = rr(-150, -30) * pi() / 180; d = rr(60, 560)
        x = 960 + d * cos(a) * 1.3; y = 660 + d * sin(a); r = rr(1.5, 5.5)
        ctx(rnd() < 0.5 ? "#FFE9B0" : "#F5C263", rr(0.4, 0.95))
        printf "circle %.1f,%.1f %.1f,%.1f\n", x, y, x + r, y; gend()
    }
}
AWK
    soften "$T/th-steam.png" 2 "$T/th-steam-b.png"
    convert -size ${W}x$H radial-gradient:'#FFFFFF'-'#8A7470' "$T/th-vig.png"
    convert "$T/th-bg.png" \
        "$T/th-glow-b.png" -compose screen -composite \
        "$T/th-rays-b.png" -composite \
        "$T/th-shadow-b.png" -compose over -composite \
        "$T/th-book.png" -composite \
        "$T/th-steam-b.png" -compose screen -composite \
        "$T/th-vig.png" -compose multiply -composite \
        "$T/theory.png"
    write_jpeg "$T/theory.png" "$OUT/theory-study.jpg"
}

# ---------------------------------------------------------------------------------------------
# Volunteers planting trees on a spring morning: one digs, one holds a sapling, one waters,
# two behind them hold up a banner; saplings already planted in a row.  All in red vests.
volunteers() {
    draw vol-bg $W $H <<'AWK'
BEGIN {
    vband("s1", 0, 0, W, 560, "#8FCBEA", "#DDF0F3")
    vband("s2", 0, 560, W, 760, "#DDF0F3", "#FBF4DE")
}
AWK
    draw vol-glow $W $H <<'AWK'
BEGIN { ctx("#FFF3C8", 0.75); print "circle 1640,170 1880,170"; gend() }
AWK
    soften "$T/vol-glow.png" 70 "$T/vol-glow-b.png"
    draw vol-sun $W $H <<'AWK'
BEGIN { ctx("#FFFCEE", 1); print "circle 1640,170 1700,170"; gend() }
AWK
    soften "$T/vol-sun.png" 2 "$T/vol-sun-b.png"
    # the land and the people are drawn 120 px taller and placed 120 px up, so that the
    # people stand clear of the player's caption band when the picture is cropped to cover
    draw vol-land $W 1200 <<'AWK'
function cloud(x, y, s,   k) {
    ctx("#FFFFFF", 0.95)
    printf "circle %.1f,%.1f %.1f,%.1f\n", x, y, x + 46 * s, y
    printf "circle %.1f,%.1f %.1f,%.1f\n", x + 55 * s, y - 22 * s, x + 55 * s + 58 * s, y - 22 * s
    printf "circle %.1f,%.1f %.1f,%.1f\n", x + 115 * s, y, x + 115 * s + 40 * s, y
    printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 30 * s, y, x + 150 * s,
        y + 38 * s, 19 * s, 19 * s
    gend()
    ctx("#E3EFF5", 0.9)
    printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 22 * s, y + 30 * s, x + 142 * s,
        y + 38 * s, 4 * s, 4 * s
    gend()
}
BEGIN {
    cloud(260, 300, 1.1); cloud(900, 250, 0.8); cloud(1240, 380, 0.6)
    grad("h1", 0, 560, 0, 760, "#B9DCA6", "#9CCB8A"); gbegin("h1")
    print "path 'M 0 640 C 300 560 600 600 900 640 C 1200 680 1500 560 1920 600 L 1920 800 L 0 " \
        "800 Z'"
    gend()
    for (i = 0; i < 22; i++) { x = rr(0, W); y = 640 + rr(-20, 30)
        tree(x, y, rr(16, 24), "#7FB07A", "#92C187", "#B5D9A0", "#7A6A55", 1) }
    grad("h2", 0, 660, 0, 820, "#9BCB82", "#86BD6E"); gbegin("h2")
    print "path 'M 0 720 C 400 660 800 700 1100 730 C 1400 760 1700 690 1920 700 L 1920 860 L 0 " \
        "860 Z'"
    gend()
    for (i = 0; i < 12; i++) { x = rr(0, W); y = 740 + rr(-15, 25)
        tree(x, y, rr(28, 40), "#5E9A5A", "#74AE68", "#A5D08C", "#6B5540", 1) }
    grad("m", 0, 770, 0, H, "#8DC46E", "#5E9C4C"); gbegin("m")
    printf "path %s\n", q(sprintf("M 0 800 C 500 760 1200 790 1920 770 L 1920 %d L 0 %d Z", H, H))
    gend()
    # mown stripes on the meadow
    ctx("#FFFFFF", 0.06)
    for (i = 0; i < 7; i++) printf "path %s\n",
        q(sprintf("M %d %d L %d 800 L %d 800 L %d %d Z", -460 + i * 400, H, 300 + i * 230,
        400 + i * 230, -260 + i * 400, H))
    gend()
}
AWK
    draw vol-shadow $W 1200 <<'AWK'
BEGIN {
    ctx("#2F5A2A", 0.45)
    print "ellipse 440,1012 110,16 0,360\nellipse 820,1012 100,16 0,360"
    print "ellipse 1160,1012 110,16 0,360"
    print "ellipse 1500,902 70,11 0,360\nellipse 1790,902 70,11 0,360"
    gend()
}
AWK
    soften "$T/vol-shadow.png" 8 "$T/vol-shadow-b.png"
    draw vol-people $W 1200 <<'AWK'
BEGIN {
    V = "#C8102E"
    # saplings already planted, receding to the right
    sapling(1290, 850, 90); sapling(1640, 830, 70); sapling(1900, 815, 56); sapling(200, 860, 100)
    # behind: one carries the team's flag (red, a plain gold heart), one a potted seedling
    person(1500, 900, 330, "#F1C9A5,#2A2220,short,#F4F1EA,#3C4A66," V ",none", "95,90,55,-15")
    PX = HRX + 2; TOP = 900 - 330 * 1.55
    limb(PX, TOP, PX, 912, PX, 912, 7, "#8A6A48")
    ctx("#E8B04B", 1); printf "circle %.1f,%.1f %.1f,%.1f\n", PX, TOP - 4, PX + 8, TOP - 4; gend()
    ctx("#000000", 0.12); printf "path %s\n",
        q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f L %.1f %.1f C %.1f %.1f %.1f " \
            "%.1f %.1f %.1f Z", \
        PX, TOP + 10, PX + 80, TOP - 14, PX + 140, TOP + 34, PX + 220, TOP + 12, PX + 220,
            TOP + 142, \
        PX + 140, TOP + 164, PX + 80, TOP + 116, PX, TOP + 140)); gend()
    grad("flag", PX, 0, PX + 220, 0, "#D8162F", "#B00E27"); gbegin("flag")
    printf "path %s\n",
        q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f L %.1f %.1f C %.1f %.1f %.1f " \
            "%.1f %.1f %.1f Z", \
        PX, TOP + 2, PX + 80, TOP - 22, PX + 140, TOP + 26, PX + 220, TOP + 4, PX + 220, TOP + 134,
            \
        PX + 140, TOP + 156, PX + 80, TOP + 108, PX, TOP + 132)); gend()
    hx_ = PX + 104; hy_ = TOP + 62
    ctx("#F3C35A", 1); printf "path %s\n",
        q(sprintf("M %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f C %.1f %.1f %.1f %.1f %.1f %.1f Z", \
        hx_, hy_ + 30, hx_ - 40, hy_ + 2, hx_ - 24, hy_ - 30, hx_, hy_ - 12, hx_ + 24, hy_ - 30,
            hx_ + 40, hy_ + 2, hx_, hy_ + 30)); gend()
    ctx("#F1C9A5", 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HRX, HRY, HRX + 10, HRY; gend()
    person(1790, 900, 330, "#EDC29C,#3A2A22,long,#E7EEF6,#4A5672," V ",none", "80,60,100,120")
    mx = (HLX + HRX) / 2; my = (HLY + HRY) / 2
    sapling(mx, my - 24, 46)
    ctx("#B5673A", 1); printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", mx - 30,
        my - 26, mx + 30, my - 26, mx + 22, my + 20, mx - 22, my + 20; gend()
    ctx("#C97A4A", 1); printf "rectangle %.1f,%.1f %.1f,%.1f\n", mx - 33, my - 30, mx + 33,
        my - 20; gend()
    ctx("#EDC29C", 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HLX, HLY, HLX + 10,
        HLY; printf "circle %.1f,%.1f %.1f,%.1f\n", HRX, HRY, HRX + 10, HRY; gend()

    # the digger: both hands on the spade, the blade in the earth by a heap of soil
    person(400, 1010, 420, "#F0C8A0,#231C1A,short,#FFFFFF,#2F3B55," V "," V, "40,60,80,80", 6)
    spade(1000, 1, "#F0C8A0")

    # the planter holds a sapling upright in its hole
    person(800, 1010, 400, "#EBC29A,#2B201C,bun,#E6EEF8,#44506A," V ",none", "100,95,40,20", 6)
    sapling(HRX + 8, 1014, 330)
    ctx("#EBC29A", 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HRX, HRY, HRX + 12, HRY; gend()

    # the waterer tips a watering can over the next sapling
    person(1160, 1010, 410, "#F2CBA6,#1F1A18,short,#FFFFFF,#39445E," V "," V, "100,95,25,-5", 6)
    sapling(1400, 1010, 150)
    cx = HRX + 10; cy = HRY + 28
    ctx("#3F8F7A", 1); printf "roundrectangle %.1f,%.1f %.1f,%.1f 10,10\n", cx - 34, cy - 30,
        cx + 34, cy + 30; gend()
    limb(cx + 30, cy + 4, cx + 80, cy + 16, cx + 96, cy + 30, 9, "#3F8F7A")
    print "push graphic-context\nfill none\nstroke '#3F8F7A'\nstroke-width 7"
    printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f", cx - 26, cy - 28, cx - 8,
        cy - 62, HRX, HRY))
    gend()
    ctx("#F2CBA6", 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HRX, HRY, HRX + 12, HRY; gend()
    print "push graphic-context\nfill none\nstroke '#BFE6F7'\nstroke-opacity 0.9\nstroke-width 3"
    print "stroke-linecap round"
    for (k = 0; k < 6; k++) printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f",
        cx + 96, cy + 30, \
        cx + 110 + k * 6, cy + 50, cx + 108 + k * 9, 990 - k * 4))
    gend()
    # a bucket
    grad("bk", 0, 940, 0, 1010, "#9AA6B4", "#6D7887"); gbegin("bk")
    print "polygon 1000,950 1060,950 1054,1010 1006,1010"; gend()
    ctx("#B8C2CE", 1); print "ellipse 1030,950 30,7 0,360"; gend()
}
AWK
    convert -size ${W}x$H radial-gradient:'#FFFFFF'-'#E6E0D4' "$T/vol-vig.png"
    convert "$T/vol-bg.png" \
        "$T/vol-glow-b.png" -compose screen -composite \
        "$T/vol-sun-b.png" -composite \
        "$T/vol-land.png" -compose over -geometry +0-120 -composite \
        "$T/vol-shadow-b.png" -geometry +0-120 -composite \
        "$T/vol-people.png" -geometry +0-120 -composite \
        "$T/vol-vig.png" -compose multiply -composite \
        "$T/volunteers.png"
    write_jpeg "$T/volunteers.png" "$OUT/volunteers.jpg"
}

# ---------------------------------------------------------------------------------------------
# The library at night: a starry sky and a crescent moon, the library's warm windows (shelves
# and readers inside), lamps along the plaza, the whole building mirrored in a still pool.
library() {
    draw lib-sky $W $H <<'AWK'
BEGIN {
    vband("s1", 0, 0, W, 420, "#0B1230", "#1B2550")
    vband("s2", 0, 420, W, 800, "#1B2550", "#463E6E")
    vband("s3", 0, 800, W, H, "#463E6E", "#5A4670")
    for (i = 0; i < 260; i++) {
        x = rr(0, W); y = rr(0, 640) * rr(0.3, 1); r = rr(0.6, 1.9)
        ctx("#FFFFFF", rr(0.25, 0.9)); printf "circle %.1f,%.1f %.1f,%.1f\n", x, y, x + r, y; gend()
    }
    ctx("#FFFFFF", 0.9)
    split("340,120 1460,90 1720,260 620,300", st, " ")
    for (k in st) { split(st[k], p, ","); x = p[1]; y = p[2]; r = 10
        printf "polygon %d,%d %.1f,%.1f %d,%d %.1f,%.1f %d,%d %.1f,%.1f %d,%d %.1f,%.1f\n", \
            x, y - r, x + 1.5, y - 1.5, x + r, y, x + 1.5, y + 1.5, x, y + r, x - 1.5, y + 1.5,
                x - r, y, x - 1.5, y - 1.5 }
    gend()
}
AWK
    draw lib-moon $W $H <<'AWK'
BEGIN {
    ctx("#FFF0C8", 0.35); print "circle 1550,170 1680,170"; gend()
}
AWK
    soften "$T/lib-moon.png" 50 "$T/lib-moon-glow.png"
    draw lib-crescent $W $H <<'AWK'
BEGIN {
    ctx("#FFF3D2", 1)
    print "path 'M 1580 112 A 60 60 0 1 0 1580 228 A 72 72 0 0 1 1580 112 Z'"
    gend()
}
AWK
    draw lib-bldg $W $H <<'AWK'
function lit(x1, y1, x2, y2, shelves,   id, k) {
    id = "w" (++NW); grad(id, 0, y1, 0, y2, "#FFE3A6", "#F3A95A"); gbegin(id)
    printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1, y1, x2, y2; gend()
    if (shelves) {
        ctx("#B8743A", 0.55)
        for (k = y1 + (y2 - y1) * 0.35; k < y2 - 4; k += (y2 - y1) * 0.16)
            printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1, k, x2, k + 3
        gend()
    }
}
function reader(x, yb, s) {
    ctx("#6A3E24", 0.8)
    printf "circle %.1f,%.1f %.1f,%.1f\n", x, yb - 30 * s, x + 6 * s, yb - 30 * s
    printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 9 * s, yb - 22 * s, x + 9 * s, yb,
        4 * s, 4 * s
    gend()
}
BEGIN {
    GY = 880
    # wings
    for (side = -1; side <= 1; side += 2) {
        x1 = (side < 0) ? 250 : 1170; x2 = (side < 0) ? 750 : 1670
        grad("wg" side, 0, 540, 0, GY, "#2C2F52", "#1E2140"); gbegin("wg" side)
        printf "rectangle %d,540 %d,%d\n", x1, x2, GY; gend()
        ctx("#3B3F68", 1); printf "rectangle %d,526 %d,544\n", x1 - 10, x2 + 10; gend()
        for (f = 0; f < 3; f++) for (c = 0; c < 8; c++) {
            wx = x1 + 26 + c * 60; wy = 572 + f * 100
            if (rnd() < 0.82) { lit(wx, wy, wx + 38, wy + 70,
                rnd() < 0.6); if (rnd() < 0.3) reader(wx + 19, wy + 70, 0.9) }
            else { ctx("#34386A", 1); printf "rectangle %d,%d %d,%d\n", wx, wy, wx + 38,
                wy + 70; gend() }
        }
    }
    # the central hall: a tall glass front between two stone piers, under a deep roof
    grad("cg", 0, 380, 0, GY, "#34375E", "#22254A"); gbegin("cg")
    print "rectangle 740,400 1180,880"; gend()
    ctx("#41456F", 1); print "rectangle 720,376 1200,404"; gend()
    ctx("#4C5080", 1); print "rectangle 700,366 1220,380"; gend()
    for (c = 0; c < 8; c++) for (f = 0; f < 7; f++) {
        wx = 784 + c * 46; wy = 430 + f * 62
        lit(wx, wy, wx + 40, wy + 56, f < 6 && (c + f) % 3 != 0)
        if (f >= 4 && rnd() < 0.25) reader(wx + 20, wy + 56, 1)
    }
    ctx("#2A2D52", 1)
    print "rectangle 740,400 776,880"
    print "rectangle 1144,400 1180,880"
    gend()
    ctx("#2A2D52", 0.9); for (f = 1; f < 7; f++) printf "rectangle 776,%d 1144,%d\n", 424 + f * 62,
        430 + f * 62; gend()
    # entrance and steps
    ctx("#2A2D52", 1); print "rectangle 880,790 1040,880"; gend()
    lit(892, 800, 1028, 880, 0)
    ctx("#3A3E66", 1); print "rectangle 700,880 1220,892"; gend()
    ctx("#4A4E7A", 1); print "rectangle 680,892 1240,904"; gend()
    ctx("#585C88", 1); print "rectangle 660,904 1260,914"; gend()
}
AWK
    draw lib-front $W $H <<'AWK'
BEGIN {
    # the plaza and the pool's stone rim
    vband("pl", 0, 880, W, 930, "#2D2F52", "#383A60")
    ctx("#4E5284", 1); print "rectangle 0,926 1920,934"; gend()
    # trees in silhouette at both sides
    for (i = 0; i < 6; i++) {
        x = (i < 3) ? 40 + i * 80 : 1700 + (i - 3) * 80
        tree(x, 900, rr(95, 130), "#111A2C", "#17233A", "#22324E", "#0D1220", (i < 3) ? 1 : -1)
    }
    # lamp posts along the plaza
    for (i = 0; i < 4; i++) { x = 330 + i * 420; if (i >= 2) x += 100
        ctx("#151830", 1); printf "rectangle %d,%d %d,%d\n", x - 3, 770, x + 3, 922; gend()
        ctx("#FFE9B8", 1); printf "circle %d,%d %d,%d\n", x, 764, x + 9, 764; gend()
    }
    # people walking home with their books
    split("560,1 610,0.95 1330,1 1500,0.9", pp, " ")
    for (k in pp) { split(pp[k], p, ","); x = p[1]; s = p[2] * 1.6
        ctx("#151830", 1)
        printf "circle %.1f,%.1f %.1f,%.1f\n", x, 920 - 40 * s, x + 5 * s, 920 - 40 * s
        printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 7 * s, 920 - 34 * s,
            x + 7 * s, 920 - 14 * s, 4 * s, 4 * s
        printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 6 * s, 920 - 15 * s,
            x - 1 * s, 920 - 15 * s, x - 3 * s, 920, x - 8 * s, 920
        printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x + 1 * s, 920 - 15 * s,
            x + 6 * s, 920 - 15 * s, x + 8 * s, 920, x + 3 * s, 920
        gend() }
}
AWK
    draw lib-lamps $W $H <<'AWK'
BEGIN { for (i = 0; i < 4; i++) { x = 330 + i * 420; if (i >= 2) x += 100
    ctx("#FFD58A", 0.8); printf "circle %d,764 %d,764\n", x, x + 46; gend() } }
AWK
    soften "$T/lib-lamps.png" 18 "$T/lib-lamps-b.png"
    # the reflection: the scene above the waterline, flipped, darkened, blurred, with ripples
    convert "$T/lib-sky.png" "$T/lib-bldg.png" -composite "$T/lib-front.png" -composite \
        "$T/lib-lamps-b.png" -compose screen -composite -crop ${W}x934+0+0 +repage \
        -flip -crop ${W}x146+0+0 +repage -blur 0x2 -fill '#101530' -colorize 45 \
        -background none -gravity north -extent ${W}x$H+0-934 "$T/lib-refl.png"
    draw lib-ripples $W $H <<'AWK'
BEGIN {
    for (i = 0; i < 50; i++) {
        y = rr(940, 1075); x = rr(-50, W); w = rr(60, 260)
        ctx(rnd() < 0.5 ? "#FFE3A6" : "#8A90C0", rr(0.08, 0.25))
        printf "rectangle %.1f,%.1f %.1f,%.1f\n", x, y, x + w, y + 1.6; gend()
    }
}
AWK
    convert -size ${W}x$H radial-gradient:'#FFFFFF'-'#9C98B0' "$T/lib-vig.png"
    # the moon goes on after the vignette, which would grey it in its corner
    convert "$T/lib-sky.png" \
        "$T/lib-bldg.png" -composite \
        "$T/lib-front.png" -composite \
        "$T/lib-lamps-b.png" -compose screen -composite \
        "$T/lib-refl.png" -compose over -composite \
        "$T/lib-ripples.png" -composite \
        "$T/lib-vig.png" -compose multiply -composite \
        "$T/lib-moon-glow.png" -compose screen -composite \
        "$T/lib-crescent.png" -compose over -composite \
        -alpha off "$T/library.png"
    # a palette PNG, dithered: a quarter of the size of a truecolour one, and no visible bands
    convert "$T/library.png" -dither FloydSteinberg -colors 256 "PNG8:$T/library8.png"
    write_png "$T/library8.png" "PNG8:$OUT/library-night.png"
}

# ---------------------------------------------------------------------------------------------
# A red route: ranges of mountains fading into the morning haze, a red trail winding up to a
# memorial on the highest peak, a party of walkers with a red flag on the way.
redroute() {
    draw rr-sky $W $H <<'AWK'
BEGIN {
    vband("s1", 0, 0, W, 520, "#EBC7A4", "#F8E4C6")
    vband("s2", 0, 520, W, H, "#F8E4C6", "#FBEBD2")
}
AWK
    draw rr-sun $W $H <<'AWK'
BEGIN { ctx("#FFF1D0", 0.6); print "circle 620,330 860,330"; gend() }
AWK
    soften "$T/rr-sun.png" 70 "$T/rr-sun-glow.png"
    draw rr-disc $W $H <<'AWK'
BEGIN { ctx("#FFF6E2", 1); print "circle 620,330 700,330"; gend() }
AWK
    # five ranges, far to near; each a sum of smooth peaks, drawn with a top-to-bottom
    # gradient; range 2 holds the memorial's peak at x=1240
    draw rr-hills $W $H <<'AWK'
function range(id, ybase, amp, n, c1, c2, extra,   k, x, y, m, cx, ch, cw, s, e, E) {
    for (k = 0; k < n; k++) { cx[k] = rr(-100, W + 100); ch[k] = amp * rr(0.35, 1); cw[k] = rr(90,
        260) }
    if (extra != "") { split(extra, E, ","); cx[n] = E[1]; ch[n] = E[2]; cw[n] = E[3]; n++ }
    s = sprintf("M -20 %d", H + 10)
    for (x = -20; x <= W + 20; x += 8) {
        m = 0
        for (k = 0; k < n; k++) {
            e = (x - cx[k]) / cw[k]; e = ch[k] * exp(-e * e)
            if (e > m) m = e
        }
        y = ybase - m - 6 * sin(x / 37 + ybase) - 4 * sin(x / 13 + amp)
        s = s sprintf(" L %d %.1f", x, y)
    }
    s = s sprintf(" L %d %d Z", W + 20, H + 10)
    grad(id, 0, ybase - amp, 0, ybase + 200, c1, c2); gbegin(id)
    printf "path %s\n", q(s); gend()
}
BEGIN {
    range("r0", 640, 220, 9, "#E2B9A0", "#EFD3BA", "")
    range("r1", 720, 240, 8, "#C99384", "#E2BBA4", "")
    range("r2", 800, 260, 6, "#A86A62", "#C99486", "1240,372,150")
    print "#SPLIT"
    range("r3", 900, 200, 6, "#84473F", "#A4685C", "")
    range("r4", 1010, 170, 5, "#5A2A28", "#7A3B34", "200,150,260")
}
AWK
    draw rr-mist $W $H <<'AWK'
BEGIN {
    split("600,0.55 690,0.5 780,0.45 880,0.4", m, " ")
    for (k in m) { split(m[k], p, ","); y = p[1]
        ctx("#FFF4E4", p[2])
        for (i = 0; i < 6; i++) printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", rr(0, W), y + rr(-10,
            20), rr(200, 420), rr(14, 26)
        gend() }
}
AWK
    soften "$T/rr-mist.png" 16 "$T/rr-mist-b.png"
    split_layers rr-hills
    draw rr-detail $W $H <<'AWK'
function pine(x, yb, h, c) {
    ctx(c, 1)
    printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - h * 0.28, yb - h * 0.2, x + h * 0.28,
        yb - h * 0.2, x, yb - h * 0.7
    printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - h * 0.22, yb - h * 0.5, x + h * 0.22,
        yb - h * 0.5, x, yb - h
    printf "rectangle %.1f,%.1f %.1f,%.1f\n", x - h * 0.03, yb - h * 0.22, x + h * 0.03, yb
    gend()
}
BEGIN {
    # the memorial: a slender obelisk on a stepped base, lit from the sun on the left
    MX = 1240; MY = 432
    ctx("#E9D9C4", 1); printf "rectangle %d,%d %d,%d\n", MX - 46, MY - 10, MX + 46, MY + 6; gend()
    ctx("#D8C4AC", 1); printf "rectangle %d,%d %d,%d\n", MX - 32, MY - 26, MX + 32, MY - 10; gend()
    ctx("#F6ECDD", 1); printf "polygon %d,%d %d,%d %d,%d %d,%d\n", MX - 16, MY - 26, MX, MY - 26,
        MX, MY - 190, MX - 11, MY - 180; gend()
    ctx("#D2BBA0", 1); printf "polygon %d,%d %d,%d %d,%d %d,%d\n", MX, MY - 26, MX + 16, MY - 26,
        MX + 11, MY - 180, MX, MY - 190; gend()
    ctx("#F6ECDD", 1); printf "polygon %d,%d %d,%d %d,%d\n", MX - 11, MY - 180, MX, MY - 190, MX,
        MY - 206; gend()
    ctx("#C9B092", 1); printf "polygon %d,%d %d,%d %d,%d\n", MX, MY - 190, MX + 11, MY - 180, MX,
        MY - 206; gend()
    # a red flag beside it
    print "push graphic-context\nstroke '#5A3A2A'\nstroke-width 2.5"; printf "line %d,%d %d,%d\n",
        MX + 62, MY + 4, MX + 62, MY - 78; gend()
    ctx("#C8102E", 1); printf "path %s\n",
        q(sprintf("M %d %d C %d %d %d %d %d %d L %d %d C %d %d %d %d %d %d Z", \
        MX + 63, MY - 78, MX + 74, MY - 83, MX + 84, MY - 72, MX + 97, MY - 76, MX + 97, MY - 52, \
        MX + 84, MY - 48, MX + 74, MY - 59, MX + 63, MY - 54)); gend()
    # pines along the near ridges
    for (i = 0; i < 40; i++) { x = rr(0, W); pine(x, rr(960, 1010) + (x < 500 ? -60 : 0), rr(40,
        70), "#3E1B1B") }
    for (i = 0; i < 26; i++) { x = rr(0, W); pine(x, rr(860, 900), rr(24, 40), "#6A342F") }
    # the trail: solid and wide on the near slopes, dashed and thin as it climbs into the haze
    print "push graphic-context\nfill none\nstroke '#C8102E'\nstroke-linecap round"
    print "stroke-linejoin round"
    print "stroke-width 16\npath 'M 820 1100 C 980 1040 700 980 860 930'"
    print "stroke-width 11\npath 'M 860 930 C 1000 880 840 840 980 800'"
    print "stroke-width 7\nstroke-dasharray 14,12"
    print "path 'M 980 800 C 1120 760 1000 700 1120 640 C 1200 590 1150 520 1226 450'"
    gend()
    print "push graphic-context\nfill none\nstroke '#F3C86E'\nstroke-opacity 0.8"
    print "stroke-linecap round\nstroke-width 3"
    print "stroke-dasharray 2,16"
    print "path 'M 820 1100 C 980 1040 700 980 860 930 C 1000 880 840 840 980 800'"
    gend()
    # walkers on the trail where it turns to dashes, above the caption band; the one in
    # front carries a small red flag.  Points on the Bezier 980,800 1120,760 1000,700 1120,640.
    for (k = 0; k < 4; k++) {
        t = 0.06 + k * 0.1; u = 1 - t
        x = u * u * u * 980 + 3 * u * u * t * 1120 + 3 * u * t * t * 1000 + t * t * t * 1120
        y = u * u * u * 800 + 3 * u * u * t * 760 + 3 * u * t * t * 700 + t * t * t * 640
        s = 1.3 - k * 0.06
        ctx("#2A1414", 1)
        printf "circle %.1f,%.1f %.1f,%.1f\n", x, y - 30 * s, x + 4 * s, y - 30 * s
        printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 5 * s, y - 25 * s, x + 5 * s,
            y - 10 * s, 3 * s, 3 * s
        printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 4.5 * s, y - 11 * s,
            x - 0.5 * s, y - 11 * s, x - 3 * s, y, x - 7 * s, y
        printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x + 0.5 * s, y - 11 * s,
            x + 4.5 * s, y - 11 * s, x + 6 * s, y, x + 2 * s, y
        gend()
    }
    print "push graphic-context\nstroke '#2A1414'\nstroke-width 2"
    printf "line %.1f,%.1f %.1f,%.1f\n", x + 6, y - 24 * s, x + 6, y - 70 * s
    gend()
    ctx("#C8102E", 1)
    printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x + 7, y - 70 * s, x + 30, y - 64 * s,
        x + 7, y - 56 * s
    gend()
    # birds over the valley
    print "push graphic-context\nfill none\nstroke '#6A3A34'\nstroke-width 2.5"
    print "stroke-linecap round"
    split("300,220,1 340,240,0.8 380,210,0.9 1500,180,0.8 1530,200,0.7", bd, " ")
    for (b in bd) { split(bd[b], p, ","); x = p[1]; y = p[2]; s = 12 * p[3]
        printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f Q %.1f %.1f %.1f %.1f", \
            x - s, y - s * 0.3, x - s * 0.5, y - s * 0.6, x, y, x + s * 0.5, y - s * 0.6, x + s,
                y - s * 0.3)) }
    gend()
}
AWK
    convert -size ${W}x$H radial-gradient:'#FFFFFF'-'#D8C0B0' "$T/rr-vig.png"
    convert "$T/rr-sky.png" \
        "$T/rr-sun-glow.png" -compose screen -composite \
        "$T/rr-disc.png" -compose over -composite \
        "$T/rr-hills-a.png" -composite \
        "$T/rr-mist-b.png" -composite \
        "$T/rr-hills-b.png" -composite \
        "$T/rr-detail.png" -composite \
        "$T/rr-vig.png" -compose multiply -composite \
        "$T/redroute.png"
    write_webp "$T/redroute.png" "$OUT/red-route.webp"
}

# ---------------------------------------------------------------------------------------------
# The notice's portrait picture (1080x1440): two volunteers planting a tree on a bright
# spring morning, the team's flag behind them.
portrait() {
    PW=1080
    PH=1440
    draw pt-bg $PW $PH <<'AWK'
BEGIN {
    vband("s1", 0, 0, W, 800, "#86C5E8", "#DDF0F3")
    vband("s2", 0, 800, W, 1000, "#DDF0F3", "#FBF4DE")
}
AWK
    draw pt-glow $PW $PH <<'AWK'
BEGIN { ctx("#FFF3C8", 0.75); print "circle 800,250 1020,250"; gend() }
AWK
    soften "$T/pt-glow.png" 60 "$T/pt-glow-b.png"
    draw pt-scene $PW $PH <<'AWK'
function cloud(x, y, s) {
    ctx("#FFFFFF", 0.95)
    printf "circle %.1f,%.1f %.1f,%.1f\n", x, y, x + 46 * s, y
    printf "circle %.1f,%.1f %.1f,%.1f\n", x + 55 * s, y - 22 * s, x + 55 * s + 58 * s, y - 22 * s
    printf "circle %.1f,%.1f %.1f,%.1f\n", x + 115 * s, y, x + 115 * s + 40 * s, y
    printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 30 * s, y, x + 150 * s,
        y + 38 * s, 19 * s, 19 * s
    gend()
    ctx("#E3EFF5", 0.9)
    printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 22 * s, y + 30 * s, x + 142 * s,
        y + 38 * s, 4 * s, 4 * s
    gend()
}
BEGIN {
    V = "#C8102E"
    ctx("#FFFCEE", 1); print "circle 800,250 862,250"; gend()
    cloud(120, 300, 1.0); cloud(760, 600, 0.6)
    grad("h1", 0, 840, 0, 1000, "#B9DCA6", "#9CCB8A"); gbegin("h1")
    print "path 'M 0 900 C 250 830 500 860 700 900 C 850 930 980 860 1080 870 L 1080 1100 L 0 " \
        "1100 Z'"
    gend()
    for (i = 0; i < 12; i++) { x = rr(0, W); tree(x, 905 + rr(-15, 20), rr(16, 24), "#7FB07A",
        "#92C187", "#B5D9A0", "#7A6A55", 1) }
    grad("m", 0, 950, 0, H, "#8DC46E", "#5E9C4C"); gbegin("m")
    print "path 'M 0 980 C 300 950 700 970 1080 950 L 1080 1440 L 0 1440 Z'"; gend()
    ctx("#FFFFFF", 0.06)
    for (i = 0; i < 5; i++) printf "path %s\n",
        q(sprintf("M %d 1440 L %d 980 L %d 980 L %d 1440 Z", -300 + i * 360, 100 + i * 230,
        180 + i * 230, -120 + i * 360))
    gend()
    # a big tree framing the left edge
    tree(40, 1000, 230, "#2F6A45", "#3F8452", "#6FAE63", "#5A4330", 1)
    # the flag, planted in the ground behind
    FX = 540; FY = 470
    print "push graphic-context\nstroke '#8A6A48'\nstroke-width 7"
    printf "line %d,1010 %d,%d\n", FX, FX, FY - 6
    gend()
    ctx("#E8B04B", 1); printf "circle %d,%d %d,%d\n", FX, FY - 14, FX + 9, FY - 14; gend()
    ctx("#000000", 0.12); printf "path %s\n",
        q(sprintf("M %d %d C %d %d %d %d %d %d L %d %d C %d %d %d %d %d %d Z", \
        FX + 3, FY + 8, FX + 50, FY - 10, FX + 80, FY + 34, FX + 160, FY + 12, FX + 160, FY + 134,
            FX + 80, FY + 156, FX + 50, FY + 112, FX + 3, FY + 130)); gend()
    grad("flag", FX, 0, FX + 160, 0, "#D8162F", "#B00E27"); gbegin("flag")
    printf "path %s\n", q(sprintf("M %d %d C %d %d %d %d %d %d L %d %d C %d %d %d %d %d %d Z", \
        FX + 3, FY, FX + 50, FY - 18, FX + 80, FY + 26, FX + 160, FY + 4, FX + 160, FY + 124,
            FX + 80, FY + 146, FX + 50, FY + 102, FX + 3, FY + 120)); gend()
    hx_ = FX + 82; hy_ = FY + 62
    ctx("#F3C35A", 1); printf "path %s\n",
        q(sprintf("M %d %d C %d %d %d %d %d %d C %d %d %d %d %d %d Z", \
        hx_, hy_ + 24, hx_ - 32, hy_ + 2, hx_ - 20, hy_ - 26, hx_, hy_ - 10, hx_ + 20, hy_ - 26,
            hx_ + 32, hy_ + 2, hx_, hy_ + 24)); gend()
    # shadows
    ctx("#2F5A2A", 0.4)
    print "ellipse 370,1352 150,22 0,360"
    print "ellipse 690,1332 140,20 0,360"
    gend()
    # the digger on the left, the planter on the right
    person(370, 1350, 640, "#F0C8A0,#231C1A,short,#FFFFFF,#2F3B55," V "," V, "100,110,150,160", 6)
    spade(1345, 1.45, "#F0C8A0")
    person(690, 1330, 600, "#EBC29A,#2B201C,bun,#E6EEF8,#44506A," V ",none", "100,95,50,70", 6)
    sapling(HRX + 10, 1340, 450)
    ctx("#EBC29A", 1); printf "circle %.1f,%.1f %.1f,%.1f\n", HRX, HRY, HRX + 18, HRY; gend()
    # grass tufts in front
    ctx("#4E8C3E", 1)
    for (i = 0; i < 30; i++) { x = rr(0, W); y = rr(1380, 1440)
        printf "polygon %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 10, y, x - 6,
            y - 26, x, y - 6, x + 6, y - 30, x + 10, y }
    gend()
}
AWK
    convert -size ${PW}x$PH radial-gradient:'#FFFFFF'-'#E2DCD0' "$T/pt-vig.png"
    convert "$T/pt-bg.png" \
        "$T/pt-glow-b.png" -compose screen -composite \
        "$T/pt-scene.png" -compose over -composite \
        "$T/pt-vig.png" -compose multiply -composite \
        "$T/portrait.png"
    write_jpeg "$T/portrait.png" "$OUT/volunteers-portrait.jpg"
}

# ---------------------------------------------------------------------------------------------
# The theme logo: a neutral college emblem, not any real one.  A gold star over an open book
# (study), the book's pages traced with circuit lines (a computer-science college), on a red
# disc inside gold and cream rings; the cream ring keeps it apart from a red header.  Drawn at
# 4x and scaled down, which anti-aliases it better than drawing at size.
logo() {
    draw logo-big 2048 2048 <<'AWK'
function pt(cx, cy, r, deg) { return sprintf("%.2f,%.2f", cx + r * cos(deg * pi() / 180),
    cy + r * sin(deg * pi() / 180)) }
BEGIN {
    C = 1024
    grad("ring", 0, 20, 0, 2028, "#F6D68A", "#B8862C"); gbegin("ring")
    printf "circle %d,%d %d,%d\n", C, C, C + 1004, C; gend()
    ctx("#FFF7E6", 1); printf "circle %d,%d %d,%d\n", C, C, C + 944, C; gend()
    grad("disc", 0, 110, 0, 1940, "#DC1B33", "#9E0B22"); gbegin("disc")
    printf "circle %d,%d %d,%d\n", C, C, C + 912, C; gend()
    print "push graphic-context\nfill none\nstroke '#E8B04B'\nstroke-width 18"
    printf "circle %d,%d %d,%d\n", C, C, C + 830, C; gend()
    # rays behind the star
    ctx("#F2C15F", 0.35)
    for (i = 0; i < 9; i++) { a = -160 + i * 17.5
        printf "polygon %d,%d %s %s\n", C, 1180, pt(C, 1180, 700, a - 3.2), pt(C, 1180, 700,
            a + 3.2) }
    gend()
    ctx("#C8102E", 1); printf "circle %d,%d %d,%d\n", C, 1180, C + 250, 1180; gend()
    # the star, faceted: each point a light and a shaded half
    SX = C; SY = 690; R = 330; r = R * 0.382
    for (k = 0; k < 5; k++) {
        a = -90 + k * 72
        ctx("#FBE3A0", 1); printf "polygon %d,%d %s %s\n", SX, SY, pt(SX, SY, R, a), pt(SX, SY, r,
            a - 36); gend()
        ctx("#E0A53A", 1); printf "polygon %d,%d %s %s\n", SX, SY, pt(SX, SY, R, a), pt(SX, SY, r,
            a + 36); gend()
    }
    # the open book
    ctx("#7A0818", 0.5)
    print "path 'M 1024 1560 C 860 1480 620 1470 430 1530 L 430 1150 C 620 1100 860 1110 1024 " \
        "1190 C 1188 1110 1428 1100 1618 1150 L 1618 1530 C 1428 1470 1188 1480 1024 1560 Z'"
    gend()
    grad("pl", 430, 0, 1024, 0, "#FFFBF2", "#EADBBE"); gbegin("pl")
    print "path 'M 1024 1520 C 860 1440 640 1430 470 1480 L 470 1120 C 640 1070 860 1080 1024 " \
        "1160 Z'"
    gend()
    grad("pr", 1024, 0, 1578, 0, "#EADBBE", "#FFFBF2"); gbegin("pr")
    print "path 'M 1024 1520 C 1188 1440 1408 1430 1578 1480 L 1578 1120 C 1408 1070 1188 1080 " \
        "1024 1160 Z'"
    gend()
    print "push graphic-context\nfill none\nstroke '#E8B04B'\nstroke-width 14"
    print "stroke-linejoin round"
    print "path 'M 1024 1520 C 860 1440 640 1430 470 1480 L 470 1120 C 640 1070 860 1080 1024 " \
        "1160 C 1188 1080 1408 1070 1578 1120 L 1578 1480 C 1408 1430 1188 1440 1024 1520 Z'"
    print "line 1024,1160 1024,1520"
    gend()
    # circuit traces on the pages
    print "push graphic-context\nfill none\nstroke '#C8102E'\nstroke-width 16\nstroke-linecap round"
    print "stroke-linejoin round"
    print "polyline 560,1230 720,1230 780,1290 930,1290"
    print "polyline 560,1330 660,1330 720,1390 930,1390"
    print "polyline 1118,1290 1268,1290 1328,1230 1488,1230"
    print "polyline 1118,1390 1328,1390 1388,1330 1488,1330"
    gend()
    ctx("#C8102E", 1)
    split("560,1230 930,1290 560,1330 930,1390 1118,1290 1488,1230 1118,1390 1488,1330", d, " ")
    for (k in d) { split(d[k], p, ","); printf "circle %d,%d %d,%d\n", p[1], p[2], p[1] + 24, p[2] }
    gend()
}
AWK
    convert "$T/logo-big.png" -filter Lanczos -resize 512x512 -strip \
        -define png:exclude-chunks=date,time -define png:compression-level=9 "PNG32:$OUT/logo.png"
}

# ---------------------------------------------------------------------------------------------
# A Party lecture in the college's hall, seen from the back rows: a red stage curtain, the
# screen, the speaker at the lectern, flowers along the stage, rows of listeners.
lecture() {
    draw lh-room $W $H <<'AWK'
BEGIN {
    vband("ceil", 0, 0, W, 130, "#1C1416", "#2E2022")
    # side walls in warm wood, in perspective
    grad("wl", 0, 0, 230, 0, "#5A3622", "#7A4C2E"); gbegin("wl")
    print "polygon 0,0 230,130 230,640 0,760"; gend()
    grad("wr", 1690, 0, 1920, 0, "#7A4C2E", "#5A3622"); gbegin("wr")
    print "polygon 1920,0 1690,130 1690,640 1920,760"; gend()
    ctx("#000000", 0.18)
    for (i = 1; i < 5; i++) { x = i * 46; printf "polygon %d,%.1f %d,%.1f %d,%.1f %d,%.1f\n", x,
        x * 130 / 230, x + 3, (x + 3) * 130 / 230, x + 3, 760 - (x + 3) * 120 / 230, x,
        760 - x * 120 / 230
        x2 = 1920 - x; printf "polygon %d,%.1f %d,%.1f %d,%.1f %d,%.1f\n", x2, x * 130 / 230,
            x2 - 3, (x + 3) * 130 / 230, x2 - 3, 760 - (x + 3) * 120 / 230, x2,
            760 - x * 120 / 230 }
    gend()
    # the red curtain behind the stage: folds as alternating gradients
    for (i = 0; i < 30; i++) {
        x1 = 230 + i * (1460 / 30); x2 = x1 + 1460 / 30
        id = "f" i; grad(id, x1, 0, x2, 0, "#B3122D", "#7E0A1E"); gbegin(id)
        printf "rectangle %.1f,130 %.1f,640\n", x1, x2 + 1; gend()
    }
    # a gold valance along the top
    grad("val", 0, 130, 0, 180, "#E8B04B", "#B8862C"); gbegin("val")
    print "path 'M 230 130 L 1690 130 L 1690 168 Q 1617 190 1544 168 Q 1471 190 1398 168 Q 1325 " \
        "190 1252 168 Q 1179 190 1106 168 Q 1033 190 960 168 Q 887 190 814 168 Q 741 190 668 168 " \
        "Q 595 190 522 168 Q 449 190 376 168 Q 303 190 230 168 Z'"
    gend()
    # the screen, showing a lecture slide (seen from afar: a title band, lines of text, a picture)
    ctx("#15101A", 1); print "rectangle 606,214 1314,622"; gend()
    grad("scr", 0, 226, 0, 610, "#FBF4E6",
        "#EFE0C6"); gbegin("scr"); print "rectangle 618,226 1302,610"; gend()
    grad("band", 618, 0, 1302, 0, "#C8102E",
        "#9E0B22"); gbegin("band"); print "rectangle 618,226 1302,300"; gend()
    ctx("#E8B04B", 1); print "rectangle 618,300 1302,306"; gend()
    ctx("#FFF3D6", 0.9); print "roundrectangle 700,252 1020,274 8,8"; gend()
    ctx("#E8B04B", 1); print star(660, 263, 22, 0); gend()
    ctx("#8A7A6A", 0.55)
    for (i = 0; i < 6; i++) printf "roundrectangle 660,%d %d,%d 6,6\n", 340 + i * 42,
        (i == 5 ? 900 : 1000 - (i % 3) * 40), 354 + i * 42
    gend()
    ctx("#C8102E", 1); for (i = 0; i < 6; i++) printf "circle 646,%d 652,%d\n", 347 + i * 42,
        347 + i * 42; gend()
    grad("pic", 0, 340, 0, 580, "#F2C78A",
        "#C8102E"); gbegin("pic"); print "rectangle 1060,340 1270,580"; gend()
    ctx("#FFF3D6", 0.7); print "circle 1120,400 1145,400"; gend()
    ctx("#7E0A1E", 0.8)
    print "polygon 1060,580 1130,470 1180,530 1220,490 1270,560 1270,580"
    gend()
    # the stage and its front edge
    grad("stage", 0, 640, 0, 720, "#8A5A36",
        "#6A4026"); gbegin("stage"); print "polygon 230,640 1690,640 1800,720 120,720"; gend()
    ctx("#3A2216", 1); print "polygon 120,720 1800,720 1800,748 120,748"; gend()
    ctx("#C98B55", 0.5); print "rectangle 120,718 1800,722"; gend()
    # the hall's floor
    vband("floor", 0, 748, W, H, "#3A2A2C", "#231819")
    ctx("#231819", 1)
    print "polygon 0,760 120,720 120,748 0,800"
    print "polygon 1920,760 1800,720 1800,748 1920,800"
    gend()
}
AWK
    draw lh-beams $W $H <<'AWK'
BEGIN {
    ctx("#FFE7B8", 0.16)
    print "polygon 700,0 760,0 1040,700 700,700"
    print "polygon 1500,0 1560,0 1640,700 1360,700"
    gend()
    ctx("#FFF2D6", 0.9); print "circle 730,8 752,8"; print "circle 1530,8 1552,8"; gend()
}
AWK
    soften "$T/lh-beams.png" 20 "$T/lh-beams-b.png"
    draw lh-people $W $H <<'AWK'
function listener(x, yb, s,   c, hc) {
    c = CL[ri(1, 6)]; hc = (rnd() < 0.5) ? "#1E1614" : "#2E2420"
    ctx(c, 1); printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 50 * s, yb - 62 * s,
        x + 50 * s, yb + 40 * s, 26 * s, 26 * s; gend()
    ctx("#000000", 0.15); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x - 10 * s, yb - 64 * s,
        x + 10 * s, yb - 50 * s; gend()
    ctx(hc, 1); printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x, yb - 88 * s, 27 * s, 31 * s; gend()
    if (rnd() < 0.35) { ctx(hc, 1); printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x, yb - 66 * s,
        24 * s, 16 * s; gend() }
}
function seats(yb, s,   x) {
    grad("seat" yb, 0, yb - 40 * s, 0, yb + 60 * s, "#2B3A66", "#1A2444"); gbegin("seat" yb)
    for (x = SX0; x < W + 100; x += 126 * s)
        printf "roundrectangle %.1f,%.1f %.1f,%.1f %.1f,%.1f\n", x - 56 * s, yb - 36 * s,
            x + 56 * s, yb + 80 * s, 14 * s, 14 * s
    gend()
}
BEGIN {
    split("#2C3550,#3B3F4A,#F2EEE6,#5A6273,#C8102E,#1F2A44", CL, ",")
    # the speaker at the lectern
    person(1560, 720, 330, "#EBC29A,#1E1614,short,#F4F4F2,#2A2E3A,#2A2E3A,none", "80,60,100,120", 5)
    ctx("#4A2A1C", 1); print "polygon 1486,548 1634,548 1624,720 1496,720"; gend()
    ctx("#6A4026", 1); print "polygon 1472,534 1648,534 1636,556 1484,556"; gend()
    ctx("#E8B04B", 1); print "circle 1560,624 1580,624"; gend()
    print "push graphic-context\nstroke '#222222'\nstroke-width 3\nfill none"
    print "path 'M 1536 534 Q 1528 500 1546 478'\npop graphic-context"
    ctx("#222222", 1); print "ellipse 1547,476 5,8 0,360"; gend()
    # flowers along the stage front
    for (x = 150; x < 1780; x += 54) {
        ctx("#2F6A3A", 1); printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x, 722, 34, 22; gend()
        ctx("#3E8048", 1); printf "ellipse %.1f,%.1f %.1f,%.1f 0,360\n", x - 8, 714, 18, 12; gend()
        for (k = 0; k < 4; k++) { fx = x + rr(-24, 24); fy = 712 + rr(-10, 8); fr = rr(5, 8)
            ctx(rnd() < 0.6 ? "#E23A3A" : "#F2C14E", 1); printf "circle %.1f,%.1f %.1f,%.1f\n", fx,
                fy, fx + fr, fy; gend() }
    }
    # three rows of listeners, seen from behind
    SX0 = 40; seats(820,
        0.55); for (x = SX0; x < W + 50; x += 126 * 0.55) if (rnd() < 0.85) listener(x + rr(-4, 4),
        820, 0.55)
    SX0 = 10; seats(930,
        0.75); for (x = SX0; x < W + 50; x += 126 * 0.75) if (rnd() < 0.85) listener(x + rr(-5, 5),
        930, 0.75)
    SX0 = 80; seats(1090,
        1.05); for (x = SX0; x < W + 80; x += 126 * 1.05) if (rnd() < 0.8) listener(x + rr(-6, 6),
        1090, 1.05)
}
AWK
    convert -size ${W}x$H radial-gradient:'#FFFFFF'-'#8A7A78' "$T/lh-vig.png"
    convert "$T/lh-room.png" \
        "$T/lh-beams-b.png" -compose screen -composite \
        "$T/lh-people.png" -compose over -composite \
        "$T/lh-vig.png" -compose multiply -composite \
        "$T/lecture.png"
    write_jpeg "$T/lecture.png" "$OUT/lecture-hall.jpg"
}

if want campus; then campus; fi
if want celebration; then celebration; fi
if want theory; then theory; fi
if want volunteers; then volunteers; fi
if want library; then library; fi
if want red-route; then redroute; fi
if want portrait; then portrait; fi
if want logo; then logo; fi
if want lecture; then lecture; fi

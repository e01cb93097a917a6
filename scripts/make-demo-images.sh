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
    ctx("#FFD9A0", 0.55); print "circle 1660,700 2260,700"; gend()
    ctx("#FFE6B8", 0.7); print "circle 1660,700 1980,700"; gend()
    ctx("#FFF3D6", 0.9); print "circle 1660,700 1800,700"; gend()
}
AWK
    soften "$T/campus-glow.png" 90 "$T/campus-glow-b.png"
    draw campus-sun $W $H <<'AWK'
BEGIN {
    ctx("#FFF8E6", 1); print "circle 1660,700 1730,700"; gend()
    # thin clouds lit from below
    split("250,470,620,1.0 1150,400,520,0.9 700,590,380,0.8 1450,560,420,0.85 80,640,300,0.7", cl, " ")
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
    # birds
    print "push graphic-context\nfill none\nstroke '#3B3352'\nstroke-width 3\nstroke-linecap round"
    split("420,230,1 470,252,0.8 515,220,0.9 560,262,0.7 380,275,0.75", bd, " ")
    for (b in bd) { split(bd[b], p, ","); x = p[1]; y = p[2]; s = 14 * p[3]
        printf "path %s\n", q(sprintf("M %.1f %.1f Q %.1f %.1f %.1f %.1f Q %.1f %.1f %.1f %.1f", \
            x - s, y - s * 0.3, x - s * 0.5, y - s * 0.6, x, y, x + s * 0.5, y - s * 0.6, x + s, y - s * 0.3)) }
    gend()
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
            if (x > 1500 && x < 1800) bh *= 0.55
            printf "rectangle %.1f,%.1f %.1f,%.1f\n", x, 830 - bh, x + bw, 900
            if (rnd() < 0.25) printf "rectangle %.1f,%.1f %.1f,%.1f\n", x + bw * 0.4, 830 - bh - rr(20, 50), x + bw * 0.55, 830 - bh
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
    ctx("#6A5684", 1); printf "rectangle %.1f,%.1f %.1f,%.1f\n", x1 - side - 4, y1 - 8, x2 + 4, y1; gend()
}
BEGIN {
    GY = 880
    # dormitories on the left
    block(20, 560, 250, GY, 0)
    for (y = 590; y < GY - 40; y += 46) for (x = 40; x < 230; x += 38) win(x, y, x + 20, y + 26, 0.35)
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
    ctx("#6A5684", 1); print "rectangle 885,236 1055,252"; print "rectangle 885,412 1055,426"; gend()
    ctx("#2A2038", 1)
    for (i = 0; i < 3; i++) { x = 912 + i * 44
        printf "path %s\n", q(sprintf("M %d 400 L %d 350 A 14 14 0 0 1 %d 350 L %d 400 Z", x, x, x + 28, x + 28)) }
    gend()
    ctx("#FFD58A", 0.8)
    for (i = 0; i < 3; i++) { x = 912 + i * 44; printf "rectangle %d,372 %d,400\n", x + 6, x + 22 }
    gend()
    ctx("#E8B04B", 1); print "circle 970,300 1008,300"; gend()
    ctx("#FFF1CF", 1); print "circle 970,300 1002,300"; gend()
    ctx("#B8862F", 1)
    for (i = 0; i < 12; i++) { a = i * 30 * pi() / 180
        printf "circle %.1f,%.1f %.1f,%.1f\n", 970 + 26 * cos(a), 300 + 26 * sin(a), 970 + 26 * cos(a) + 2.2, 300 + 26 * sin(a) }
    gend()
    print "push graphic-context\nstroke '#3A2D4C'\nstroke-linecap round\nstroke-width 4"
    print "line 970,300 970,280\nstroke-width 3\nline 970,300 989,306\npop graphic-context"
    ctx("#3A2D4C", 1); print "circle 970,300 974,300"; gend()
    grad("roof", 880, 0, 1060, 0, "#4A3A5E", "#6E5A8A"); gbegin("roof")
    print "polygon 880,238 1060,238 970,140"; gend()
    ctx("#E79C80", 0.8); print "polygon 970,140 1060,238 1050,238 970,150"; gend()
    print "push graphic-context\nstroke '#4A3A5E'\nstroke-width 5\nline 970,142 970,96\npop graphic-context"
    ctx("#E8B04B", 1); print "circle 970,100 977,100"; gend()
    # the library: a glass curtain wall under a wide roof slab
    block(1090, 640, 1560, GY, 22)
    for (y = 664; y < GY - 20; y += 52)
        for (x = 1106; x < 1544; x += 44) {
            lit = (y > 700) ? 0.75 : 0.2
            if (rnd() < lit) { id = "g" (++NG); grad(id, 0, y, 0, y + 40, "#FFDB94", "#F5AD62"); gbegin(id) }
            else ctx("#7E6C9C", 1)
            printf "rectangle %d,%d %d,%d\n", x, y, x + 36, y + 42; gend()
        }
    ctx("#6E5A8A", 1); print "rectangle 1066,618 1584,640"; gend()
    ctx("#E79C80", 0.9); print "rectangle 1066,618 1584,622"; gend()
    ctx("#2E2340", 1); print "rectangle 1260,800 1390,880"; gend()
    id = "door"; grad(id, 0, 806, 0, 880, "#FFE2A8", "#F3B46A"); gbegin(id)
    print "rectangle 1268,808 1382,880"; gend()
    # dormitories to the right, lower, so the sun shows over them
    block(1640, 740, 1920, GY, 18)
    for (y = 760; y < GY - 30; y += 40) for (x = 1656; x < 1910; x += 34) win(x, y, x + 18, y + 22, 0.3)
}
AWK
    draw campus-front $W $H <<'AWK'
BEGIN {
    vband("lawn", 0, 866, W, H, "#5B7A55", "#2F4A3A")
    ctx("#8FA86A", 0.35); print "rectangle 0,866 1920,872"; gend()
    # the path, in perspective
    grad("path", 0, 880, 0, H, "#E8C7A4", "#B98E74"); gbegin("path")
    print "path 'M 930 880 L 990 880 C 1010 950 1150 1000 1260 1080 L 700 1080 C 820 1000 920 950 930 880 Z'"
    gend()
    ctx("#FFFFFF", 0.25)
    print "path 'M 960 880 L 990 880 C 1010 950 1150 1000 1260 1080 L 1160 1080 C 1060 1000 990 950 960 880 Z'"
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
        if (rnd() < 0.3) cypress(x, 895, rr(160, 210), "#24463A", "#6E8C5A", 1)
        else tree(x, 895, rr(80, 105), "#24463A", "#35604A", "#86A163", 1)
    }
    tree(640, 890, 70, "#24463A", "#35604A", "#86A163", 1)
    tree(1300, 890, 74, "#24463A", "#35604A", "#86A163", 1)
    # lamp posts along the path
    for (i = 0; i < 2; i++) {
        x = (i == 0) ? 880 : 1060; y = 930
        ctx("#2B2233", 1); printf "rectangle %d,%d %d,%d\n", x - 3, y - 110, x + 3, y; gend()
        ctx("#FFE7B0", 1); printf "circle %d,%d %d,%d\n", x, y - 116, x + 9, y - 116; gend()
    }
    # big framing trees at both edges, closer to the viewer
    tree(60, 1120, 250, "#1B362D", "#284C3C", "#6E8C55", 1)
    tree(1880, 1140, 230, "#1B362D", "#284C3C", "#6E8C55", 1)
}
AWK
    draw campus-lamps $W $H <<'AWK'
BEGIN { ctx("#FFD58A", 0.8); print "circle 880,814 930,814"; print "circle 1060,814 1110,814"; gend() }
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

want campus && campus

#!/usr/bin/env python3
"""Draws the demo deck's pictures with ImageMagick (MVG vector drawings).

Every picture is generated here from shapes and gradients: no photos, no
third-party artwork.  Deterministic (fixed random seed).
Usage: scripts/make-demo-images.py [OUT_DIR]   (default content/demo; then run
scripts/deck-hash content/demo to refresh the manifest's hashes)
"""
import os
import random
import subprocess
import sys

W, H = 1920, 1080
RED, GOLD, DEEP = "#C8102E", "#E8B04B", "#7A0A1C"


def render(out, w, h, background, mvg, extra=()):
    """Draws an MVG program over a background (a colour or gradient:A-B)."""
    # inline, not @file: Debian's ImageMagick policy forbids reading @files
    cmd = ["convert", "-size", f"{w}x{h}", background, "-draw", mvg, *extra]
    if out.endswith(".jpg"):
        cmd += ["-sampling-factor", "4:2:0", "-strip", "-quality", "86"]
    elif out.endswith(".png"):
        cmd += ["-strip"]
    subprocess.run(cmd + [out], check=True)


def campus_sunrise(out, rnd):
    m = []
    # sun and its glow
    for r, a in ((420, 0.06), (300, 0.10), (200, 0.16)):
        m.append(f"fill rgba(255,240,200,{a}) circle 1380,560 {1380 + r},560")
    m.append("fill #FFF4D6 circle 1380,560 1470,560")
    # far hills
    m.append("fill #E9A27A path 'M 0 760 Q 480 640 960 740 T 1920 700 L 1920 1080 L 0 1080 Z'")
    # buildings: silhouettes with lit windows
    x = 0
    while x < W:
        bw = rnd.randint(120, 260)
        bh = rnd.randint(220, 460)
        top = 1080 - 170 - bh
        m.append(f"fill #3B2A4A rectangle {x},{top} {x + bw - 12},{1080 - 160}")
        for wy in range(top + 30, 1080 - 190, 46):
            for wx in range(x + 18, x + bw - 40, 38):
                if rnd.random() < 0.45:
                    m.append(f"fill #FFD98A rectangle {wx},{wy} {wx + 16},{wy + 24}")
        x += bw
    # the clock tower
    m.append("fill #2E2140 rectangle 880,330 1000,920")
    m.append("fill #2E2140 polygon 870,330 940,210 1010,330")
    m.append(f"fill {GOLD} circle 940,420 940,468")
    m.append("stroke #2E2140 stroke-width 6 line 940,420 940,388 line 940,420 962,430 stroke none")
    # trees and lawn
    m.append("fill #24413A rectangle 0,915 1920,1080")
    for i in range(14):
        cx = 60 + i * 140 + rnd.randint(-20, 20)
        m.append(f"fill #1B332D circle {cx},880 {cx + rnd.randint(48, 70)},880")
        m.append(f"fill #1B332D rectangle {cx - 6},900 {cx + 6},940")
    render(out, W, H, "gradient:#F7C59F-#7E5A9B", "\n".join(m))


def ribbons(out, rnd):
    m = []
    for i in range(60):
        x, y = rnd.randint(0, W), rnd.randint(0, H)
        r = rnd.randint(2, 5)
        m.append(f"fill rgba(255,220,150,0.5) circle {x},{y} {x + r},{y}")
    for k, (col, wdt) in enumerate(((GOLD, 70), ("#F3D08A", 26), ("#FFFFFF", 8), ("#E05A47", 110))):
        y0 = 280 + k * 150
        m.append(f"fill none stroke {col} stroke-width {wdt} stroke-linecap round "
                 f"path 'M -100 {y0 + 300} C 400 {y0 - 260}, 900 {y0 + 520}, 1400 {y0 - 60} "
                 f"S 2000 {y0 - 300}, 2100 {y0 + 40}'")
    # five gold stars, a neutral festive motif
    def star(cx, cy, r):
        import math
        pts = []
        for j in range(10):
            rr = r if j % 2 == 0 else r * 0.42
            a = -math.pi / 2 + j * math.pi / 5
            pts.append(f"{cx + rr * math.cos(a):.1f},{cy + rr * math.sin(a):.1f}")
        return f"fill {GOLD} stroke none polygon " + " ".join(pts)
    # scattered stars of many sizes: festive, and no flag's arrangement
    for cx, cy, r in ((240, 190, 46), (1650, 150, 30), (1180, 120, 20), (520, 110, 18),
                      (1780, 420, 24), (140, 520, 16), (900, 200, 14), (1420, 260, 12)):
        m.append(star(cx, cy, r))
    render(out, W, H, f"gradient:{RED}-{DEEP}", "\n".join(m))


def open_book(out, rnd):
    m = []
    # rays of light
    for i in range(13):
        a = -160 + i * 27
        m.append(f"fill rgba(255,230,170,0.10) polygon 960,640 {960 + a * 6},-200 {960 + (a + 12) * 6},-200")
    m.append("fill rgba(255,236,190,0.25) circle 960,600 960,330")
    # the book: two pages, spine, lines of text
    m.append("fill #1A2B4C polygon 300,720 960,800 1620,720 1620,770 960,860 300,770")
    m.append("fill #FFFDF6 path 'M 360 420 Q 660 350 950 440 L 950 790 Q 660 700 360 760 Z'")
    m.append("fill #F7F1E1 path 'M 1560 420 Q 1260 350 970 440 L 970 790 Q 1260 700 1560 760 Z'")
    for k in range(8):
        y = 470 + k * 36
        m.append(f"stroke #C9BFA8 stroke-width 5 fill none path 'M 420 {y + 20} Q 660 {y - 40} 900 {y + 30}'")
        m.append(f"stroke #C9BFA8 stroke-width 5 fill none path 'M 1020 {y + 30} Q 1260 {y - 40} 1500 {y + 20}'")
    m.append(f"stroke {RED} stroke-width 10 line 960,440 960,800")
    render(out, W, H, "gradient:#2C4A7C-#0F1B33", "\n".join(m))


def volunteers(out, rnd, w=W, h=H):
    m = []
    sx, sy = w / W, h / H
    def X(v): return int(v * sx)
    def Y(v): return int(v * sy)
    m.append(f"fill #FFF6D8 circle {X(1560)},{Y(220)} {X(1560) + int(110 * min(sx, sy))},{Y(220)}")
    m.append(f"fill #8CC084 path 'M 0 {Y(700)} Q {X(600)} {Y(560)} {X(1200)} {Y(690)} T {w} {Y(640)} L {w} {h} L 0 {h} Z'")
    m.append(f"fill #5E9E5A path 'M 0 {Y(820)} Q {X(700)} {Y(720)} {X(1300)} {Y(830)} T {w} {Y(800)} L {w} {h} L 0 {h} Z'")
    # young trees
    for i in range(9):
        cx = X(120 + i * 210)
        base = Y(840 + (i % 3) * 30)
        r = int(rnd.randint(40, 64) * min(sx, sy) * 1.2)
        m.append(f"fill #6B4A2E rectangle {cx - 7},{base - 70} {cx + 7},{base}")
        m.append(f"fill #2F7D4A circle {cx},{base - 90} {cx + r},{base - 90}")
    # people: heads, bodies in volunteer red vests, a banner between two of them
    people = [(520, 900), (760, 930), (1120, 910), (1380, 940)]
    for i, (px, py) in enumerate(people):
        px, py = X(px), Y(py)
        k = min(sx, sy) * 1.3
        m.append(f"fill #F1C7A1 circle {px},{py - int(150 * k)} {px + int(28 * k)},{py - int(150 * k)}")
        m.append(f"fill #2B2B2B circle {px},{py - int(166 * k)} {px + int(26 * k)},{py - int(170 * k)}")
        m.append(f"fill {RED} roundrectangle {px - int(40 * k)},{py - int(118 * k)} {px + int(40 * k)},{py - int(20 * k)} {int(14 * k)},{int(14 * k)}")
        m.append(f"fill #34495E rectangle {px - int(32 * k)},{py - int(24 * k)} {px + int(32 * k)},{py + int(40 * k)}")
        if i == 0:  # a spade
            m.append(f"stroke #6B4A2E stroke-width {int(8 * k)} line {px + int(44 * k)},{py - int(90 * k)} {px + int(90 * k)},{py + int(30 * k)} stroke none")
            m.append(f"fill #95A5A6 polygon {px + int(78 * k)},{py + int(20 * k)} {px + int(104 * k)},{py + int(14 * k)} {px + int(100 * k)},{py + int(50 * k)}")
    bx0, bx1, by = X(1120), X(1380), Y(700)
    m.append(f"fill {GOLD} rectangle {bx0},{by} {bx1},{by + Y(70)}")
    m.append(f"fill {RED} rectangle {bx0 + 10},{by + 10} {bx1 - 10},{by + Y(70) - 10}")
    render(out, w, h, "gradient:#BFE3F5-#F8F3E6", "\n".join(m))


def library_night(out, rnd):
    m = []
    for i in range(160):
        x, y = rnd.randint(0, W), rnd.randint(0, 560)
        r = rnd.choice((1, 1, 2, 2, 3))
        m.append(f"fill rgba(255,255,255,{rnd.uniform(0.4, 0.95):.2f}) circle {x},{y} {x + r},{y}")
    m.append("fill #F9F3D2 circle 1600,170 1660,170")
    m.append("fill #17233F circle 1628,150 1680,150")
    # the library: wide building, columns, steps, warm windows
    m.append("fill #24324F rectangle 360,430 1560,920")
    m.append("fill #2C3B5C polygon 330,440 960,250 1590,440")
    for c in range(8):
        x = 460 + c * 140
        m.append(f"fill #3A4B70 rectangle {x},{470} {x + 40},{880}")
    for row in range(4):
        for col in range(7):
            x = 515 + col * 140
            y = 500 + row * 95
            glow = rnd.random() < 0.8
            fill = "#FFCF7A" if glow else "#44557A"
            m.append(f"fill {fill} rectangle {x},{y} {x + 70},{y + 62}")
    for s in range(5):
        m.append(f"fill #3C4A66 rectangle {300 - s * 30},{920 + s * 24} {1620 + s * 30},{944 + s * 24}")
    m.append("fill #101826 rectangle 0,1040 1920,1080")
    render(out, W, H, "gradient:#0B1230-#2A3B6B", "\n".join(m))


def red_route(out, rnd):
    m = []
    m.append("fill #F4E3C3 circle 400,260 470,260")
    layers = (("#C9B08F", 600), ("#A88B6A", 700), ("#7D6A55", 800), ("#5A4D40", 900))
    for col, base in layers:
        pts = [f"0,{base}"]
        for x in range(0, W + 120, 120):
            pts.append(f"{x},{base - rnd.randint(60, 260)}")
        pts += [f"{W},{H}", f"0,{H}"]
        m.append(f"fill {col} polygon " + " ".join(pts))
    # a winding red path up to a flag on the summit
    # sampled cubic curves, drawn as a polyline (a stroked SVG path gets
    # closed by ImageMagick)
    segs = (((240, 1090), (560, 1010), (520, 930), (820, 880)),
            ((820, 880), (1120, 830), (1180, 760), (1120, 680)),
            ((1120, 680), (1060, 600), (1300, 500), (1420, 385)))
    pts = []
    for p0, p1, p2, p3 in segs:
        for i in range(41):
            t = i / 40
            x = (1 - t) ** 3 * p0[0] + 3 * (1 - t) ** 2 * t * p1[0] + 3 * (1 - t) * t * t * p2[0] + t ** 3 * p3[0]
            y = (1 - t) ** 3 * p0[1] + 3 * (1 - t) ** 2 * t * p1[1] + 3 * (1 - t) * t * t * p2[1] + t ** 3 * p3[1]
            pts.append(f"{x:.1f},{y:.1f}")
    m.append(f"fill none stroke {RED} stroke-width 22 stroke-linecap round stroke-linejoin round "
             "polyline " + " ".join(pts))
    m.append("stroke none")
    m.append("stroke #3A2A1A stroke-width 8 line 1420,380 1420,220 stroke none")
    m.append(f"fill {RED} polygon 1424,222 1540,250 1424,290")
    render(out, W, H, "gradient:#F9D9A8-#E8C8A0", "\n".join(m))


def logo(out):
    import math
    m = [f"fill {RED} circle 256,256 256,16",
         f"fill none stroke {GOLD} stroke-width 14 circle 256,256 256,46",
         "stroke none"]
    # an open book
    m.append("fill #FFFFFF path 'M 110 300 Q 180 270 250 300 L 250 400 Q 180 370 110 400 Z'")
    m.append("fill #FFFFFF path 'M 402 300 Q 332 270 262 300 L 262 400 Q 332 370 402 400 Z'")
    # a star above it
    pts = []
    for j in range(10):
        rr = 92 if j % 2 == 0 else 38
        a = -math.pi / 2 + j * math.pi / 5
        pts.append(f"{256 + rr * math.cos(a):.1f},{190 + rr * math.sin(a):.1f}")
    m.append(f"fill {GOLD} polygon " + " ".join(pts))
    render(out, 512, 512, "xc:none", "\n".join(m))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "content/demo"
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(20261124)
    campus_sunrise(os.path.join(out, "campus-sunrise.jpg"), rnd)
    ribbons(os.path.join(out, "celebration.jpg"), rnd)
    open_book(os.path.join(out, "theory-study.jpg"), rnd)
    volunteers(os.path.join(out, "volunteers.jpg"), rnd)
    library_night(os.path.join(out, "library-night.png"), rnd)
    red_route(os.path.join(out, "red-route.jpg"), rnd)
    volunteers(os.path.join(out, "volunteers-portrait.jpg"), random.Random(7), 1080, 1440)
    logo(os.path.join(out, "logo.png"))
    # a WebP copy of one picture, to show the format plays
    subprocess.run(["convert", os.path.join(out, "red-route.jpg"), "-quality", "85",
                    os.path.join(out, "red-route.webp")], check=True)
    os.remove(os.path.join(out, "red-route.jpg"))


if __name__ == "__main__":
    main()

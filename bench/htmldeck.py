#!/usr/bin/env python3
"""The browser baseline: a deck (manifest.json) as one HTML page, built the
way web signage players build theirs: slides stacked and faded with CSS
opacity transitions, a CSS-animated ticker, a JavaScript clock.  It copies
the player's layout (player/layout.c: header 11.5 % and ticker 7.5 % of the
short side) and colours (player/render/compose.c), so both show the same
picture: the first slide's pixels are compared in the first-frame test.

    bench/htmldeck.py DECK_DIR [--no-ticker] [--out NAME]

Writes DECK_DIR/index.html (relative URLs: opened as file://).  Inline
script and style are fine here: a benchmark fixture, not the product.
"""
import argparse
import html
import json
import os
import sys

HEADER_FRAC, TICKER_FRAC = 0.115, 0.075

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>%(title)s</title>
<style>
html, body { margin: 0; height: 100%%; overflow: hidden; background: #000;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
#screen { position: absolute; inset: 0; --u: min(100vw, 100vh); }
header { position: absolute; left: 0; right: 0; top: 0; height: calc(var(--u) * %(hf)s);
  background: linear-gradient(90deg, %(accent)s, %(shade)s);
  border-bottom: calc(var(--u) * 0.004) solid #E8B04B; box-sizing: border-box;
  color: #fff; display: flex; align-items: center; }
header img { height: 62%%; margin: 0 calc(var(--u) * 0.015) 0 calc(var(--u) * 0.026); }
header .t { font-weight: 700; font-size: calc(var(--u) * 0.04); line-height: 1.1; }
header .s { font-size: calc(var(--u) * 0.02); color: #F6E2B8; }
#clock { position: absolute; right: calc(var(--u) * 0.026); top: 0; bottom: 0; display: flex;
  flex-direction: column; justify-content: center; align-items: flex-end; }
#clock .tm { font-weight: 700; font-size: calc(var(--u) * 0.045); line-height: 1.05; }
#clock .dt { font-size: calc(var(--u) * 0.018); color: #F6E2B8; }
main { position: absolute; left: 0; right: 0; top: calc(var(--u) * %(hf)s);
  bottom: %(bottom)s; overflow: hidden; background: #18181c; }
.slide { position: absolute; inset: 0; opacity: 0; transition: opacity %(fade)ss linear; }
.slide.on { opacity: 1; z-index: 2; }
.slide.out { opacity: 1; z-index: 1; transition: none; }
.slide img { width: 100%%; height: 100%%; object-fit: %(fit)s; display: block; }
.notice { background: #FAF7F2; border-left: calc(var(--u) * 0.008) solid %(accent)s;
  box-sizing: border-box; padding: calc(var(--u) * 0.06) calc(var(--u) * 0.11); color: #222; }
.notice h1 { color: %(accent)s; font-size: calc(var(--u) * 0.055); margin: 0 0 calc(var(--u) * 0.03);
  padding-bottom: calc(var(--u) * 0.012); border-bottom: calc(var(--u) * 0.005) solid #E8B04B;
  display: inline-block; }
.notice p { font-size: calc(var(--u) * 0.042); line-height: 1.6; margin: 0; }
footer { position: absolute; left: 0; right: 0; bottom: 0; height: calc(var(--u) * %(tf)s);
  background: %(band)s; color: #fff; overflow: hidden; display: %(ticker_display)s; }
footer .label { position: absolute; left: 0; top: 0; bottom: 0; z-index: 2; background: #E8B04B;
  color: %(label_ink)s; font-weight: 700; font-size: calc(var(--u) * 0.036);
  padding: 0 calc(var(--u) * 0.0375); display: flex; align-items: center; }
footer .track { position: absolute; top: 0; bottom: 0; display: flex; align-items: center;
  white-space: nowrap; font-size: calc(var(--u) * 0.036); will-change: transform;
  animation: scroll linear infinite; }
@keyframes scroll { from { transform: translateX(0); } to { transform: translateX(-50%%); } }
</style></head>
<body><div id="screen">
<header>%(logo)s<div><div class="t">%(title)s</div><div class="s">%(subtitle)s</div></div>
<div id="clock"><div class="tm"></div><div class="dt"></div></div></header>
<main>%(slides)s</main>
<footer><div class="label">最新消息</div><div class="track" id="track">%(items)s</div></footer>
</div>
<script>
const tz = %(tz)s, durations = %(durations)s, unit = () => Math.min(innerWidth, innerHeight);
function tick() {
  const now = new Date();
  const hm = new Intl.DateTimeFormat("zh-CN", {timeZone: tz, hour: "2-digit", minute: "2-digit",
                                                hour12: false}).format(now);
  const p = Object.fromEntries(new Intl.DateTimeFormat("zh-CN", {timeZone: tz, year: "numeric",
    month: "numeric", day: "numeric", weekday: "long"}).formatToParts(now)
    .map(x => [x.type, x.value]));
  document.querySelector("#clock .tm").textContent = hm;
  document.querySelector("#clock .dt").textContent =
    p.year + "年" + p.month + "月" + p.day + "日 " + p.weekday;
}
tick(); setInterval(tick, 1000);
const slides = document.querySelectorAll(".slide");
let cur = 0;
function next() {
  const old = slides[cur];
  cur = (cur + 1) %% slides.length;
  slides.forEach(s => s.classList.remove("out"));
  old.classList.remove("on"); old.classList.add("out");   /* stays opaque underneath */
  slides[cur].classList.add("on");                         /* fades in over it */
  setTimeout(next, durations[cur] * 1000);
}
if (slides.length > 1) setTimeout(next, durations[0] * 1000);
const track = document.getElementById("track");
if (track.children.length) {
  track.style.left = (document.querySelector("footer .label").offsetWidth + unit() * 0.0375) + "px";
  /* two copies of the strip: scrolling by half of it is seamless */
  track.innerHTML += track.innerHTML;
  const speed = 120 * unit() / 1080;
  track.style.animationDuration = (track.scrollWidth / 2 / speed) + "s";
}
</script></body></html>
"""


def shade(hex_color, pct):
    c = hex_color.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return "#%02X%02X%02X" % (r * pct // 100, g * pct // 100, b * pct // 100)


def write_page(deck_dir, ticker=True, name="index.html", fade=1.0):
    m = json.load(open(os.path.join(deck_dir, "manifest.json"), encoding="utf-8"))
    theme = m.get("theme", {})
    accent = theme.get("accent", "#C8102E")
    slides, durations = [], []
    for i, s in enumerate(m["slides"]):
        cls = "slide on" if i == 0 else "slide"   # the first slide is up from the first paint
        if s["kind"] == "image":
            slides.append('<div class="%s"><img src="%s" alt=""></div>'
                          % (cls, html.escape(s["media"]["url"])))
        else:
            body = "".join("<p>%s</p>" % html.escape(line) for line in s["body"].split("\n"))
            slides.append('<div class="%s notice"><h1>%s</h1>%s</div>'
                          % (cls, html.escape(s["title"]), body))
        durations.append(s.get("duration", 10))
    items = [t["text"] for t in m.get("ticker", [])] if ticker else []
    track = "".join("<span>%s&emsp;◆&emsp;</span>" % html.escape(t) for t in items)
    logo = theme.get("logo")
    page = PAGE % {
        "title": html.escape(theme.get("title", "")),
        "subtitle": html.escape(theme.get("subtitle", "")),
        "logo": '<img src="%s" alt="">' % html.escape(logo["url"]) if logo else "",
        "accent": accent, "shade": shade(accent, 72), "band": shade(accent, 62),
        "label_ink": shade(accent, 80),
        "hf": HEADER_FRAC, "tf": TICKER_FRAC,
        "bottom": "calc(var(--u) * %s)" % TICKER_FRAC if items else "0",
        "ticker_display": "block" if items else "none",
        "fade": fade, "fit": "cover",
        "slides": "\n".join(slides), "items": track,
        "tz": json.dumps(m.get("display", {}).get("timezone", "Asia/Shanghai")),
        "durations": json.dumps(durations),
    }
    path = os.path.join(deck_dir, name)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(path + ".tmp", path)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("deck")
    ap.add_argument("--no-ticker", action="store_true")
    ap.add_argument("--out", default="index.html")
    a = ap.parse_args()
    print(write_page(a.deck, not a.no_ticker, a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

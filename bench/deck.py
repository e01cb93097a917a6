#!/usr/bin/env python3
"""Generates the benchmark deck: six 12-megapixel photos, five Chinese
notices, a header (title, subtitle, logo, clock) and a ticker; 5 s per slide,
1 s fades.  The same deck is written as an HTML page for the browser baseline
(bench/html.py).

    bench/deck.py OUT_DIR --decode BUILD/bench-decode [--slides N] [--no-ticker]

OUT_DIR/manifest.json and its files are the player's deck (played with
--content OUT_DIR); photos are made once by `bench-decode make` and reused
across decks, so a 200-slide deck costs no more disk than an 11-slide one.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

NOTICES = [
    ("关于开展12月主题党日活动的通知",
     "各党支部：\n为深入学习贯彻党的创新理论，学院党委定于12月10日开展“学思践悟 砥砺前行”"
     "主题党日活动。\n时间：12月10日（星期四）14:30—17:00\n地点：信息楼一层报告厅\n"
     "请各党支部于12月8日前报送参会名单，参会党员请佩戴党员徽章。"),
    ("关于拟确定发展对象的公示",
     "经党支部委员会研究、学院党委审核，拟确定以下同志为发展对象：张明远、李思涵、王子豪。"
     "公示期为2026年11月24日至11月30日。如有意见，请以书面或当面方式向学院党委组织员反映。"),
    ("“青年理论学习小组”招募成员",
     "青年理论学习小组面向全院青年学生招募成员，每周三19:00在图书馆二楼研讨室集体学习，"
     "围绕党的创新理论开展读书分享、专题研讨和社会调研。欢迎有志青年报名参加。"),
    ("图书馆期末开放时间调整",
     "为方便同学们期末复习，自12月15日起图书馆自习区延长开放至23:00。"
     "请保持馆内安静，离座时带好随身物品，爱护公共设施，共同营造良好的学习环境。"),
    ("志愿服务活动报名通知",
     "学院团委、学生党支部联合开展“温暖冬日”社区志愿服务活动，时间为12月20日（星期六）全天。"
     "请有意参加的同学于12月16日前通过班级负责人报名，活动计入志愿服务时长。"),
]

TICKER = [
    "学院党委理论学习中心组开展12月集体学习，专题研讨人工智能时代的人才培养",
    "喜报：学院第三党支部获评校级“先进基层党组织”，两名同志获评“优秀共产党员”",
    "温馨提示：期末复习期间请保持图书馆安静，离座时请带好随身物品",
]

PHOTOS = 6


def file_entry(path, mime, url):
    with open(path, "rb") as f:
        data = f.read()
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "type": mime,
            "url": url}


def make_photos(out_dir, decode):
    for v in range(PHOTOS):
        path = os.path.join(out_dir, "photo%d.jpg" % v)
        if not os.path.exists(path):
            subprocess.run([decode, "make", path + ".tmp", str(v)], check=True,
                           stdout=subprocess.DEVNULL)
            os.replace(path + ".tmp", path)


def manifest(out_dir, n_slides, ticker, version):
    logo = os.path.join(out_dir, "logo.png")
    if not os.path.exists(logo):
        shutil.copyfile(os.path.join(ROOT, "content", "demo", "logo.png"), logo)
    photos = [file_entry(os.path.join(out_dir, "photo%d.jpg" % v), "image/jpeg",
                         "photo%d.jpg" % v) for v in range(PHOTOS)]
    slides = []
    # photo, notice, photo, notice ... : every transition is image->notice or
    # notice->image, and the 11-slide deck is six photos and five notices.
    for i in range(n_slides):
        k = i // 2
        if i % 2 == 0:
            slides.append({"id": "photo-%d" % i, "kind": "image", "duration": 5,
                           "transition": "fade", "fit": "cover",
                           "media": photos[k % PHOTOS]})
        else:
            title, body = NOTICES[k % len(NOTICES)]
            if n_slides > 11:
                title = "%s（%d）" % (title, i)
            slides.append({"id": "notice-%d" % i, "kind": "notice", "duration": 5,
                           "transition": "fade", "title": title, "body": body})
    m = {
        "schema": 1,
        "version": version,
        "display": {"id": "bench", "name": "基准测试屏", "timezone": "Asia/Shanghai"},
        "theme": {"title": "计算机学院党委", "subtitle": "学思践悟 砥砺前行",
                  "logo": file_entry(logo, "image/png", "logo.png"), "accent": "#C8102E"},
        "slides": slides,
        "ticker": [{"id": "t%d" % i, "text": t} for i, t in enumerate(TICKER)] if ticker else [],
        "alerts": [],
    }
    return m


def write_json_atomic(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def build(out_dir, decode, n_slides=11, ticker=True, version="bench-1", photos_from=None):
    """Writes a deck; returns its manifest (a dict)."""
    os.makedirs(out_dir, exist_ok=True)
    if photos_from:
        for name in ["photo%d.jpg" % v for v in range(PHOTOS)] + ["logo.png"]:
            dst = os.path.join(out_dir, name)
            if not os.path.exists(dst):
                os.link(os.path.join(photos_from, name), dst)
    make_photos(out_dir, decode)
    m = manifest(out_dir, n_slides, ticker, version)
    write_json_atomic(os.path.join(out_dir, "manifest.json"), m)
    return m


def iso(epoch):
    """An instant as ISO 8601 in UTC (the manifest's schedule format)."""
    import datetime
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def transitions_deck(out_dir, decode, duration, alerts=(), extra=False, version="t-1",
                     photos_from=None):
    """The no-black-frame deck: image->image, image->notice and notice->image
    transitions (p p n p n p p n p), `duration` s per slide; `alerts` are
    (start, end) epoch windows of a full-screen alert; `extra` adds a slide at
    the end (a deck update that keeps every slide on screen where it is)."""
    m = build(out_dir, decode, 11, True, version, photos_from)
    photos = [s for s in m["slides"] if s["kind"] == "image"]
    notices = [s for s in m["slides"] if s["kind"] == "notice"]
    order = [photos[0], photos[1], notices[0], photos[2], notices[1], photos[3], photos[4],
             notices[2], photos[5]]
    if extra:
        order.append(dict(notices[3], id="notice-extra", title="新增通知：" + notices[3]["title"]))
    for s in order:
        s["duration"] = duration
    m["slides"] = order
    m["alerts"] = [{"id": "alert-%d" % i, "title": "紧急通知",
                    "body": "消防疏散演练正在进行。\n请保持冷静，听从工作人员指挥，有序撤离。",
                    "start": iso(a), "end": iso(b)} for i, (a, b) in enumerate(alerts)]
    write_json_atomic(os.path.join(out_dir, "manifest.json"), m)
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--decode", required=True, help="path to the built bench-decode")
    ap.add_argument("--slides", type=int, default=11)
    ap.add_argument("--no-ticker", action="store_true")
    a = ap.parse_args()
    build(a.out, a.decode, a.slides, not a.no_ticker)
    return 0


if __name__ == "__main__":
    sys.exit(main())

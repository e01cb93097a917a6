#!/usr/bin/env python3
"""Soak: a real player and a real server under churn for a long time.

    bench/soak.py --build DIR [--transitions N] [--json FILE] [--results FILE]

The player (SDL dummy video, `--speed 5`: 1 s slides last 0.2 s) syncs from
a real signage-server by long-poll, while:
  - an organizer edits a notice every 3 s (a new deck each time), and every
    fifth round uploads a picture and publishes it as a slide, or archives
    the oldest such slide (the deck stays the same size on average);
  - 30 displays hold long-polls, 10 more post heartbeats every 2 s;
  - the server is stopped (SIGTERM) and started again every 75 s, 8 s down.
Every 5 s the harness samples both processes: RSS, open fds other than
sockets (those come and go with the clients), threads.

Checks (exit status 1 on any failure):
  - the player's RSS grows by at most 1 MiB after warm-up (the median of the
    last five samples against the median of the first five after warm-up;
    warm-up is the first quarter of the run), and its fds and threads do
    not grow;
  - every transition on time: no gap between two slide changes longer than
    the slide's 0.2 s plus 0.25 s (a new deck swaps in between frames, not by
    stopping the show);
  - the server, in each of its lifetimes long enough to judge (over 60 s),
    the same memory, fd and thread checks;
  - every write the server acknowledged (2xx) is there at the end: each
    edited notice has its last acknowledged text, each uploaded picture is
    served with its sha256, each published slide is in the display's
    manifest (or was archived by an acknowledged request).

The CI runs it short (--transitions 450, about two minutes);
bench/RESULTS.md has a full run (10,000 transitions).
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HOST = "127.0.0.1"
ADMIN_PW = "soak-admin-pass-2026"
T0 = time.monotonic()


def log(msg):
    print("[soak %7.1fs] %s" % (time.monotonic() - T0, msg), flush=True)


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    p = s.getsockname()[1]
    s.close()
    return p


def png(w, h, rgb):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))

    def chunk(k, d):
        return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def request(port, method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    h = dict(headers or {})
    data = body
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    try:
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def proc_sample(pid):
    try:
        rss = thr = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("Threads:"):
                    thr = int(line.split()[1])
        # Sockets come and go with the clients: the leak to look for is in
        # everything else (files, pipes, eventfds), which must stay level.
        fds = 0
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                fds += not os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:")
            except OSError:
                pass
        return rss, fds, thr
    except OSError:
        return None


class Server:
    def __init__(self, exe, data, port, log_path):
        self.exe, self.data, self.port, self.log_path = exe, data, port, log_path
        self.p = None
        self.lives = []  # [(start, [(t, rss, fds, threads)])]
        self.lock = threading.Lock()

    def start(self):
        logf = open(self.log_path, "a")
        self.p = subprocess.Popen([self.exe, "--data", self.data, "--listen",
                                   "%s:%d" % (HOST, self.port)], stdout=logf, stderr=logf,
                                  env=dict(os.environ, SIGNAGE_ADMIN_PASSWORD=ADMIN_PW))
        for _ in range(200):
            try:
                if request(self.port, "GET", "/api/v1/health", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        with self.lock:
            self.lives.append((time.monotonic(), []))

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()

    def sample(self, t):
        s = proc_sample(self.p.pid) if self.p and self.p.poll() is None else None
        if s:
            with self.lock:
                self.lives[-1][1].append((t,) + s)


class Admin:
    def __init__(self, port):
        self.port = port
        self.cookie = self.csrf = None

    def login(self):
        st, h, b = request(self.port, "POST", "/api/v1/login", {"name": "admin", "password": ADMIN_PW})
        if st == 200:
            self.cookie = h["set-cookie"].split(";")[0]
            self.csrf = json.loads(b)["csrf"]
        return st == 200

    def call(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            h = dict(headers or {})
            if self.cookie:
                h["Cookie"] = self.cookie
                h["X-CSRF-Token"] = self.csrf
            st, hd, b = request(self.port, method, path, body, h)
            if st == 401 and attempt == 0 and self.login():
                continue
            return st, b


def judge(samples, what, checks, slack_kib=1024):
    """samples: [(t, rss, fds, threads)].  Appends (name, ok, detail)."""
    if len(samples) < 12:
        checks.append((what + ": enough samples", False, "%d samples" % len(samples)))
        return {}
    warm = len(samples) // 4
    after = samples[warm:]
    first = statistics.median(s[1] for s in after[:5])
    last = statistics.median(s[1] for s in after[-5:])
    growth = last - first
    fds0, fds1 = max(s[2] for s in after[:5]), max(s[2] for s in after[-5:])
    thr0, thr1 = max(s[3] for s in after[:5]), max(s[3] for s in after[-5:])
    checks.append(("%s: RSS growth after warm-up <= %d KiB" % (what, slack_kib), growth <= slack_kib,
                   "%+d KiB (%d -> %d KiB)" % (growth, first, last)))
    checks.append(("%s: open fds (other than sockets) do not grow" % what, fds1 <= fds0, "%d -> %d" % (fds0, fds1)))
    checks.append(("%s: threads do not grow" % what, thr1 <= thr0, "%d -> %d" % (thr0, thr1)))
    return {"rss_first_kib": first, "rss_last_kib": last, "rss_growth_kib": growth,
            "rss_max_kib": max(s[1] for s in samples), "fds": [fds0, fds1], "threads": [thr0, thr1],
            "samples": len(samples)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--transitions", type=int, default=10000)
    ap.add_argument("--json")
    ap.add_argument("--results")
    ap.add_argument("--server-period", type=float, default=75.0)
    args = ap.parse_args()
    player_exe = os.path.join(args.build, "signage-player")
    server_exe = os.path.join(args.build, "signage-server")
    work = tempfile.mkdtemp(prefix="signage-soak-")
    port = free_port()
    srv = Server(server_exe, os.path.join(work, "data"), port, os.path.join(work, "server.log"))
    srv.start()
    admin = Admin(port)
    if not admin.login():
        log("cannot log in")
        return 1
    st, b = admin.call("GET", "/api/v1/groups")
    default = [g["id"] for g in json.loads(b)["groups"] if g.get("is_default")][0]
    # A deck of 1 s slides (0.2 s at --speed 5): the demo's pictures are
    # shortened, and three notices are added.
    st, b = admin.call("GET", "/api/v1/items")
    for it in json.loads(b)["items"]:
        if it["kind"] in ("image", "notice"):
            admin.call("PUT", "/api/v1/items/%d" % it["id"], {"duration": 1, "days": None,
                                                             "hours": None})
    notices = []
    for i in range(3):
        st, b = admin.call("POST", "/api/v1/items", {"kind": "notice", "title": "持续运行测试 %d" % i,
                                                    "body": "第 0 版", "groups": [default],
                                                    "duration": 1, "publish": True})
        notices.append(json.loads(b)["id"])
    acked_body = {n: "第 0 版" for n in notices}
    acked_uploads = {}   # sha256 -> bytes
    published_pics = []  # item ids published with an acknowledged request
    archived = set()

    conf = os.path.join(work, "player.conf")
    with open(conf, "w") as f:
        f.write("server = http://%s:%d\ndisplay = soak-1\ncache = %s\nstatus = %s\n"
                "transition_time = 0.25\nretry_max = 5\nheartbeat_interval = 5\nlong_poll = 25\n"
                % (HOST, port, os.path.join(work, "cache"), os.path.join(work, "status.json")))
    pl = subprocess.Popen([player_exe, "--config", conf, "--speed", "5", "--size", "640x360"],
                          stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                          env=dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
                                   SIGNAGE_DEBUG="1"))
    changes = []
    player_log = open(os.path.join(work, "player.log"), "w")

    def read_player():
        for raw in pl.stderr:
            line = raw.decode("utf-8", "replace")
            if "\" on screen" in line:
                changes.append(time.monotonic())
            elif "debug:" not in line:
                player_log.write("%.3f %s" % (time.monotonic() - T0, line))
    threading.Thread(target=read_player, daemon=True).start()

    stop = threading.Event()
    down = threading.Event()
    counters = {"edits": 0, "uploads": 0, "polls": 0, "beats": 0, "refused": 0}

    def organizer():
        rnd = random.Random(1)
        k = 0
        while not stop.is_set():
            stop.wait(3)
            k += 1
            try:
                n = notices[k % len(notices)]
                text = "第 %d 版" % k
                st, _ = admin.call("PUT", "/api/v1/items/%d" % n, {"body": text})
                if st == 200:
                    acked_body[n] = text
                    counters["edits"] += 1
                if k % 5 == 0:
                    if len(published_pics) - len(archived) < 3:
                        data = png(320, 180, (rnd.randrange(256), rnd.randrange(256), 90))
                        st, b = admin.call("POST", "/api/v1/uploads?name=p%d.png" % k, data,
                                           {"Content-Type": "application/octet-stream"})
                        if st in (200, 201):
                            sha = json.loads(b)["sha256"]
                            acked_uploads[sha] = data
                            counters["uploads"] += 1
                            st, b = admin.call("POST", "/api/v1/items", {
                                "kind": "image", "title": "图 %d" % k, "media": sha,
                                "groups": [default], "duration": 1, "publish": True})
                            if st == 201:
                                published_pics.append(json.loads(b)["id"])
                    else:
                        victim = [i for i in published_pics if i not in archived][0]
                        st, _ = admin.call("POST", "/api/v1/items/%d/archive" % victim)
                        if st == 200:
                            archived.add(victim)
            except (OSError, ValueError, KeyError):
                counters["refused"] += 1  # the server is down: nothing acknowledged

    def poller(i):
        etag = None
        while not stop.is_set():
            try:
                h = {"If-None-Match": etag} if etag else {}
                st, hd, _ = request(port, "GET", "/api/v1/displays/load-%d/manifest?wait=20" % i,
                                    headers=h, timeout=40)
                etag = hd.get("etag", etag)
                counters["polls"] += 1
            except OSError:
                stop.wait(1)

    def beater(i):
        while not stop.is_set():
            try:
                request(port, "POST", "/api/v1/displays/beat-%d/status" % i,
                        {"player": "soak", "display": "beat-%d" % i, "uptime_s": 1}, timeout=10)
                counters["beats"] += 1
            except OSError:
                pass
            stop.wait(2)

    def bouncer():
        while not stop.wait(args.server_period):
            log("server: stop")
            down.set()
            srv.stop()
            stop.wait(8)
            srv.start()
            down.clear()
            log("server: started again")

    threads = [threading.Thread(target=organizer, daemon=True),
               threading.Thread(target=bouncer, daemon=True)]
    threads += [threading.Thread(target=poller, args=(i,), daemon=True) for i in range(30)]
    threads += [threading.Thread(target=beater, args=(i,), daemon=True) for i in range(10)]
    for t in threads:
        t.start()
    psamples = []
    loads = []  # (t, 1-minute load average): a late frame on a busy machine says so
    deadline = time.monotonic() + args.transitions * 0.2 * 3 + 120
    next_report = time.monotonic() + 60
    while len(changes) < args.transitions and time.monotonic() < deadline and pl.poll() is None:
        time.sleep(5)
        t = time.monotonic()
        s = proc_sample(pl.pid)
        if s:
            psamples.append((t,) + s)
        try:
            loads.append((t, float(open("/proc/loadavg").read().split()[0])))
        except (OSError, ValueError):
            pass
        srv.sample(t)
        if t >= next_report:
            next_report = t + 60
            log("%d transitions, player RSS %d KiB fds %d threads %d; %r" % (
                len(changes), s[0] if s else -1, s[1] if s else -1, s[2] if s else -1, counters))
    stop.set()
    player_alive = pl.poll() is None
    pl.terminate()
    try:
        pl.wait(15)
    except subprocess.TimeoutExpired:
        pl.kill()
    while down.is_set():
        time.sleep(0.5)
    if srv.p.poll() is not None:
        srv.start()

    checks = []
    checks.append(("the player ran throughout", player_alive, "exit %s" % pl.returncode))
    checks.append(("%d transitions" % args.transitions, len(changes) >= args.transitions,
                   "%d" % len(changes)))
    gaps = [b - a for a, b in zip(changes, changes[1:])]
    # the first 10 s: the first sync and the first deck
    steady = [g for a, g in zip(changes, gaps) if a - T0 > 10]
    late = [g for g in steady if g > 0.2 + 0.25]
    late_at = [(round(a - T0, 1), round(g, 3)) for a, g in zip(changes, gaps) if a - T0 > 10 and g > 0.45]

    def load_at(t):
        near = [l for tt, l in loads if abs(tt - T0 - t) <= 5]
        return near[0] if near else None
    checks.append(("every transition on time (gap <= 0.45 s)", not late,
                   "%d late of %d; max gap %.3f s; median %.3f s" % (
                       len(late), len(steady), max(steady or [0]), statistics.median(steady or [0]))))
    player = judge(psamples, "player", checks)
    lives = []
    for start, samples in srv.lives:
        if samples and samples[-1][0] - samples[0][0] >= 60:
            lives.append(judge(samples, "server (lifetime from %.0f s)" % (start - T0), checks))
    checks.append(("the server was judged in at least one lifetime", bool(lives), "%d" % len(lives)))
    # every acknowledged write is there
    admin.login()
    missing = []
    for n, text in acked_body.items():
        st, b = admin.call("GET", "/api/v1/items/%d" % n)
        if st != 200 or json.loads(b).get("body") != text:
            missing.append("notice %d: %r" % (n, text))
    for sha, data in acked_uploads.items():
        st, _, b = request(port, "GET", "/assets/" + sha)
        if st != 200 or hashlib.sha256(b).hexdigest() != sha:
            missing.append("asset " + sha[:12])
    st, _, b = request(port, "GET", "/api/v1/displays/soak-1/manifest")
    man = json.loads(b) if st == 200 else {}
    ids = {s.get("id") for s in man.get("slides", [])}
    for i in published_pics:
        if i not in archived and "item-%d" % i not in ids:
            missing.append("slide of item %d" % i)
    checks.append(("every acknowledged write is there", not missing,
                   "%d edits, %d uploads, %d pictures published, %d archived; missing %r" % (
                       counters["edits"], len(acked_uploads), len(published_pics), len(archived),
                       missing[:5])))
    srv.stop()
    ok = all(c[1] for c in checks)
    for name, good, detail in checks:
        print("%s %s: %s" % ("ok  " if good else "FAIL", name, detail))
    result = {"transitions": len(changes), "late": len(late), "max_gap_s": max(steady or [0]),
              "median_gap_s": statistics.median(steady or [0]), "player": player,
              "late_at": [{"t_s": t, "gap_s": g, "load1": load_at(t)} for t, g in late_at],
              "load1_median": statistics.median([l for _, l in loads] or [0]),
              "cpus": os.cpu_count(),
              "server_lives": lives, "counters": counters, "duration_s": time.monotonic() - T0,
              "ok": ok, "checks": [{"name": n, "ok": g, "detail": d} for n, g, d in checks]}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2, ensure_ascii=False)
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("logs kept in " + work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

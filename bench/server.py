#!/usr/bin/env python3
"""Benchmark of signage-server, the content server (bench/README.md, "Content server").

    bench/server.py --build DIR [--quick] [--results FILE] [--json FILE]
                    [--changes N] [--displays N] [--wrk-seconds S] [--wrk-runs N]

Whole-process figures, measured from outside over HTTP on 127.0.0.1:

1. Update latency: a real signage-player (SDL dummy video) long-polls; an editor
   approves a notice a contributor submitted for the display's group; the time
   from sending the approve request to the player's status file showing the new
   manifest_version (read every 5 ms).  p50/p95/max; target p95 <= 1 s.
2. Scale: N displays (own ids, default group) each hold
   GET /api/v1/displays/ID/manifest?wait=60 with their ETag on their own TCP
   connection.  While all are held (GET /api/v1/health says "waiting": N):
   latency of 500 sequential GET /api/v1/health and 200 GET of a manifest, each
   on a fresh connection.  Then one change (an approval): time until all N got
   their 200, and how many got anything else.  PSS (smaps_rollup) idle, before
   the polls and while holding N; peak RSS (VmHWM).
3. Throughput: wrk -t2 -c64 against signage-server's manifest URL and against
   nginx serving the same bytes as a static file, alternating runs; median
   requests/s and the ratio (target >= 0.5).  Skipped with a note when nginx or
   wrk is missing (bench/run-server.sh installs them).

Every process started here is stopped at the end, also on failure.  In --quick
mode the exit status is 1 when the update latency p95 is over 1 s or a held
poll did not get its 200 after the change.
"""
import argparse
import asyncio
import datetime
import http.client
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procstat  # noqa: E402  (bench/procstat.py)

ADMIN_PW = "bench-admin-pass-2026"
HOST = "127.0.0.1"
T_START = time.monotonic()


def log(msg):
    print("[server-bench %6.1fs] %s" % (time.monotonic() - T_START, msg), flush=True)


def pct(xs, p):
    """Nearest-rank percentile."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(math.ceil(p / 100.0 * len(s))) - 1))
    return s[k]


def summary(xs):
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "p50": pct(xs, 50), "p95": pct(xs, 95), "p99": pct(xs, 99),
            "min": min(xs), "max": max(xs), "mean": statistics.fmean(xs)}


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    p = s.getsockname()[1]
    s.close()
    return p


def kib_field(path, name):
    return procstat.field_kib(path, name, missing=None)


# ---- processes ------------------------------------------------------------------

class Procs:
    """Every process this script starts, so that all are stopped at the end."""

    def __init__(self):
        self.procs = []

    def start(self, name, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.procs.append((name, p))
        return p

    def stop(self, p, timeout=10):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)

    def stop_all(self):
        for name, p in reversed(self.procs):
            if p.poll() is None:
                log("stopping %s (pid %d)" % (name, p.pid))
                try:
                    self.stop(p)
                except Exception as e:  # keep stopping the others
                    log("could not stop %s: %s" % (name, e))
        self.procs = []


class Server:
    def __init__(self, procs, build, work, name):
        self.procs = procs
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        self.conf = os.path.join(self.dir, "server.conf")
        with open(self.conf, "w") as f:
            f.write("# bench/server.py: the defaults (threads, max_connections ...)\n")
        self.build, self.name = build, name
        self.logpath = os.path.join(self.dir, "server.log")
        self.logf = None
        self.start()

    def start(self):
        """Starts it (again, on the same data: a restart is not a first start)."""
        if self.logf:
            self.logf.close()
        self.logf = open(self.logpath, "ab")
        env = dict(os.environ, SIGNAGE_ADMIN_PASSWORD=ADMIN_PW)
        self.logstart = self.logf.tell()
        self.p = self.procs.start(self.name, [
            os.path.join(self.build, "signage-server"), "--config", self.conf,
            "--data", os.path.join(self.dir, "data"), "--listen", HOST + ":0"],
            stdout=self.logf, stderr=subprocess.STDOUT, env=env)
        self.pid = self.p.pid
        self.port = None
        t0 = time.monotonic()
        while time.monotonic() - t0 < 30 and self.p.poll() is None:
            with open(self.logpath, "rb") as f:
                f.seek(self.logstart)
                m = re.search(rb"listening on .* \(port (\d+)\)", f.read())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.02)
        if not self.port:
            raise RuntimeError("signage-server did not start; see " + self.logpath)
        self.url = "http://%s:%d" % (HOST, self.port)

    def pss_kib(self):
        return kib_field("/proc/%d/smaps_rollup" % self.pid, "Pss")

    def rss_kib(self):
        return kib_field("/proc/%d/status" % self.pid, "VmRSS")

    def hwm_kib(self):
        return kib_field("/proc/%d/status" % self.pid, "VmHWM")

    def threads(self):
        return kib_field("/proc/%d/status" % self.pid, "Threads")

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        self.procs.stop(self.p)
        self.logf.close()


def request(port, method, path, body=None, headers=None, timeout=30):
    """(status, headers (lower-case keys), body bytes)."""
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


class Session:
    def __init__(self, srv, name, password):
        self.srv = srv
        st, h, b = request(srv.port, "POST", "/api/v1/login", {"name": name, "password": password})
        if st != 200:
            raise RuntimeError("login %s: %d %s" % (name, st, b[:200]))
        self.cookie = h["set-cookie"].split(";")[0]
        self.csrf = json.loads(b)["csrf"]

    def headers(self, method):
        h = {"Cookie": self.cookie}
        if method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        return h

    def j(self, method, path, body=None, want=(200, 201)):
        st, h, b = request(self.srv.port, method, path, body, self.headers(method))
        if st not in want:
            raise RuntimeError("%s %s: %d %s" % (method, path, st, b[:300]))
        return json.loads(b or b"null")


def setup_people(srv):
    """admin, an editor of the default group (+ a "bench" group), a contributor."""
    admin = Session(srv, "admin", ADMIN_PW)
    default = [g["id"] for g in admin.j("GET", "/api/v1/groups")["groups"] if g["is_default"]][0]
    bench = admin.j("POST", "/api/v1/groups", {"name": "bench-group"})["id"]
    admin.j("POST", "/api/v1/users", {"name": "bench-editor", "role": "editor",
                                      "password": "bench-editor-pw", "groups": [default, bench]})
    admin.j("POST", "/api/v1/users", {"name": "bench-student", "role": "contributor",
                                      "password": "bench-student-pw"})
    editor = Session(srv, "bench-editor", "bench-editor-pw")
    student = Session(srv, "bench-student", "bench-student-pw")
    return admin, editor, student, default, bench


def submit_notices(student, group, n, tag):
    ids = []
    for i in range(n):
        it = student.j("POST", "/api/v1/items", {
            "kind": "notice", "title": "%s 通知 %d" % (tag, i + 1),
            "body": "基准测试第%d条：审核通过后应在一秒内上屏" % (i + 1),
            "groups": [group], "submit": True})
        if it.get("state") != "submitted":
            raise RuntimeError("notice not submitted: %s" % it)
        ids.append(it["id"])
    return ids


def manifest_of(srv, display):
    st, h, b = request(srv.port, "GET", "/api/v1/displays/%s/manifest" % display)
    if st != 200:
        raise RuntimeError("manifest of %s: %d" % (display, st))
    return h.get("etag"), json.loads(b), b


# ---- 1. update latency ----------------------------------------------------------

def bench_latency(b, srv, editor, student, bench_group):
    n = b.a.changes
    display = "bench-screen"
    log("update latency: %d changes, real player long-polling" % n)
    manifest_of(srv, display)  # registers it
    admin = b.admin
    admin.j("PUT", "/api/v1/displays/" + display, {"groups": [bench_group], "name": "bench",
                                                  "accepted": True})
    editor.j("POST", "/api/v1/items", {"kind": "notice", "title": "基准测试屏", "body": "开始",
                                       "groups": [bench_group], "publish": True})
    ids = submit_notices(student, bench_group, n, "latency")
    pdir = os.path.join(b.work, "player")
    os.makedirs(pdir)
    status = os.path.join(pdir, "status.json")
    conf = os.path.join(pdir, "player.conf")
    with open(conf, "w") as f:
        f.write("heartbeat_interval = 60\n")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    plog = open(os.path.join(pdir, "player.log"), "wb")
    player = b.procs.start("signage-player", [
        os.path.join(b.a.build, "signage-player"), "--config", conf, "--server", srv.url,
        "--display", display, "--status", status, "--cache", os.path.join(pdir, "cache"),
        "--size", "640x360"], stdout=plog, stderr=subprocess.STDOUT, env=env)

    def read_status():
        try:
            with open(status, "rb") as f:
                return json.loads(f.read())
        except (OSError, ValueError):
            return None

    try:
        _, m, _ = manifest_of(srv, display)
        want = m["version"]
        t0 = time.monotonic()
        st = None
        while time.monotonic() - t0 < 30:
            st = read_status()
            if st and st.get("manifest_version") == want and st["sync"]["state"] == "ok":
                break
            if player.poll() is not None:
                raise RuntimeError("signage-player exited (%s); see %s/player.log"
                                   % (player.returncode, pdir))
            time.sleep(0.02)
        else:
            raise RuntimeError("the player did not sync in 30 s: %s" % st)
        log("player synced in %.2f s; first change in 1.5 s" % (time.monotonic() - t0))
        lat, held_at, approve_ms = [], [], []
        last = time.monotonic()
        for i, item in enumerate(ids):
            # spaced >= 1.5 s (the player sends at most one request a second), and
            # at a different phase of the poll each time
            due = last + 1.5 + (i % 3) * 0.05
            while time.monotonic() < due:
                time.sleep(0.01)
            held_at.append(waiting(srv))  # not waited for: a change may land in a gap
            before = read_status()["manifest_version"]
            c = http.client.HTTPConnection(HOST, srv.port, timeout=30)
            c.connect()
            c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            t0 = time.perf_counter()
            last = time.monotonic()
            c.request("POST", "/api/v1/items/%d/approve" % item, headers=editor.headers("POST"))
            seen = None
            while time.perf_counter() - t0 < 10:
                s = read_status()
                if s and s.get("manifest_version") not in (None, before):
                    seen = time.perf_counter()
                    break
                time.sleep(0.005)
            r = c.getresponse()
            body = r.read()
            t_resp = time.perf_counter()
            c.close()
            if r.status != 200:
                raise RuntimeError("approve %d: %d %s" % (item, r.status, body[:200]))
            if seen is None:
                raise RuntimeError("change %d not on the player within 10 s" % (i + 1))
            lat.append((seen - t0) * 1000)
            approve_ms.append((t_resp - t0) * 1000)
            # the player must now have exactly what the server serves
            _, m, _ = manifest_of(srv, display)
            s = read_status()
            if s["manifest_version"] != m["version"]:
                raise RuntimeError("player has %s, server %s" % (s["manifest_version"], m["version"]))
            if (i + 1) % 10 == 0 or i + 1 == n:
                log("  %d/%d changes, last %.0f ms" % (i + 1, n, lat[-1]))
        res = summary(lat)
        res.update({"samples_ms": lat, "approve_response_ms": summary(approve_ms),
                    "held_before_change": held_at})
        log("update latency p50 %.0f ms, p95 %.0f ms, max %.0f ms"
            % (res["p50"], res["p95"], res["max"]))
        return res
    finally:
        b.procs.stop(player)
        plog.close()


def waiting(srv):
    try:
        st, h, body = request(srv.port, "GET", "/api/v1/health", timeout=5)
        return json.loads(body).get("waiting", -1) if st == 200 else -1
    except (OSError, ValueError):
        return -1


# ---- 2. scale -------------------------------------------------------------------

def parse_head(buf):
    """(status, headers dict, body offset) once the head is complete, else None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    h = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        h[k.strip().lower()] = v.strip()
    return status, h, end + 4


class HeldPoll(asyncio.Protocol):
    """One display's long-poll on its own connection."""

    def __init__(self, req, loop):
        self.req = req
        self.buf = bytearray()
        self.done = loop.create_future()
        self.status = None
        self.t_done = None
        self.etag = None
        self.tr = None

    def connection_made(self, tr):
        self.tr = tr
        tr.write(self.req)

    def data_received(self, data):
        self.buf += data
        head = parse_head(self.buf)
        if head is None:
            return
        status, h, off = head
        need = int(h.get("content-length", "0"))
        if len(self.buf) - off >= need:
            self.finish(status, h.get("etag"))

    def finish(self, status, etag=None):
        if self.done.done():
            return
        self.t_done = time.perf_counter()
        self.status = status
        self.etag = etag
        self.done.set_result(status)
        if self.tr:
            self.tr.close()

    def connection_lost(self, exc):
        self.finish("closed" if exc is None else "error: %s" % exc)


async def register(port, ids, conc, accept_headers=None):
    """One plain GET of each display's manifest (its ETag), and, with
    accept_headers (an admin's cookie + CSRF), PUT {"accepted": true} as an
    admin does for a real screen; `conc` keep-alive connections.
    {id: (status, etag)}."""
    out = {}
    todo = list(reversed(ids))
    body = b'{"accepted":true}'

    async def call(r, w, head, data=b""):
        w.write(head.encode() + data)
        hd = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 30)
        status, h, _ = parse_head(hd)
        await asyncio.wait_for(r.readexactly(int(h.get("content-length", "0"))), 30)
        return status, h

    async def worker():
        r = w = None
        while todo:
            d = todo.pop()
            for attempt in range(3):
                try:
                    if w is None:
                        r, w = await asyncio.wait_for(asyncio.open_connection(HOST, port), 10)
                    status, h = await call(r, w, "GET /api/v1/displays/%s/manifest HTTP/1.1\r\n"
                                           "Host: %s\r\n\r\n" % (d, HOST))
                    if status == 200 and accept_headers:
                        st2, _ = await call(r, w, "PUT /api/v1/displays/%s HTTP/1.1\r\nHost: %s"
                                            "\r\nContent-Type: application/json\r\n"
                                            "Content-Length: %d\r\n%s\r\n"
                                            % (d, HOST, len(body), "".join(
                                                "%s: %s\r\n" % kv
                                                for kv in accept_headers.items())), body)
                        if st2 != 200:
                            status = "accept: %d" % st2
                    out[d] = (status, h.get("etag"))
                    break
                except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                        asyncio.LimitOverrunError):
                    if w:
                        w.close()
                    r = w = None
            else:
                out[d] = ("failed", None)
        if w:
            w.close()
    await asyncio.wait_for(asyncio.gather(*[worker() for _ in range(conc)]), 900)
    return out


def timed_get(port, path):
    """One GET on a fresh connection, blocking: (ms, status)."""
    t0 = time.perf_counter()
    s = socket.create_connection((HOST, port), timeout=10)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                   % (path, HOST)).encode())
        buf = bytearray()
        while True:
            d = s.recv(65536)
            if not d:
                break
            buf += d
            head = parse_head(buf)
            if head and len(buf) - head[2] >= int(head[1].get("content-length", "0")):
                break
        head = parse_head(buf)
        return (time.perf_counter() - t0) * 1000, head[0] if head else None
    finally:
        s.close()


def ordinary_requests(port, n_health, n_manifest):
    timed_get(port, "/api/v1/health")  # warm-up, not counted
    timed_get(port, "/api/v1/displays/x/manifest")
    out = {}
    for name, path, n in (("health", "/api/v1/health", n_health),
                          ("manifest", "/api/v1/displays/x/manifest", n_manifest)):
        ms, bad = [], 0
        for _ in range(n):
            t, st = timed_get(port, path)
            ms.append(t)
            bad += st != 200
        s = summary(ms)
        s["non_200"] = bad
        s["samples_ms"] = ms
        out[name] = s
    return out


async def scale_async(b, srv, editor, item):
    n = b.a.displays
    loop = asyncio.get_running_loop()
    res = {"displays": n}
    ids = ["scale-%05d" % i for i in range(n)]
    accept = not b.a.newcomers
    log("scale: registering %d displays (one plain GET each%s)"
        % (n, ", then accepted by the admin" if accept else "; left as newcomers"))
    t0 = time.perf_counter()
    got = await register(srv.port, ids, 16, b.admin.headers("PUT") if accept else None)
    res["register_s"] = time.perf_counter() - t0
    res["accepted"] = accept
    etags = {}
    for d in ids:
        st, et = got[d]
        if st != 200 or not et:
            raise RuntimeError("registering %s: %s" % (d, st))
        etags[d] = et
    listed = b.admin.j("GET", "/api/v1/displays")["displays"]
    res["displays_recorded"] = sum(1 for x in listed if x["id"].startswith("scale-"))
    log("  registered in %.2f s; %d of them in the server's display list"
        % (res["register_s"], res["displays_recorded"]))
    await asyncio.sleep(0.5)
    res["pss_before_polls_kib"] = srv.pss_kib()
    res["rss_before_polls_kib"] = srv.rss_kib()

    log("scale: %d long-polls (wait=60, each on its own connection)" % n)
    polls = {}
    sem = asyncio.Semaphore(128)
    connect_failed = []

    async def open_one(d):
        req = ("GET /api/v1/displays/%s/manifest?wait=60 HTTP/1.1\r\nHost: %s\r\n"
               "If-None-Match: %s\r\nUser-Agent: bench/server.py\r\n\r\n"
               % (d, HOST, etags[d])).encode()
        async with sem:
            for attempt in range(3):
                try:
                    _, pr = await asyncio.wait_for(
                        loop.create_connection(lambda: HeldPoll(req, loop), HOST, srv.port), 15)
                    polls[d] = pr
                    return
                except (OSError, asyncio.TimeoutError) as e:
                    err = e
                    await asyncio.sleep(0.2)
            connect_failed.append("%s: %s" % (d, err))
    t0 = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*[open_one(d) for d in ids]), 120)
    if connect_failed:
        raise RuntimeError("%d connections failed, e.g. %s" % (len(connect_failed),
                                                                connect_failed[0]))
    # all held?
    deadline = time.monotonic() + 40
    w = -1
    while time.monotonic() < deadline:
        w = await loop.run_in_executor(None, waiting, srv)
        if w >= n:
            break
        await asyncio.sleep(0.1)
    res["hold_all_s"] = time.perf_counter() - t0
    res["waiting_reported"] = w
    early = [d for d, p in polls.items() if p.done.done()]
    if w < n or early:
        raise RuntimeError("only %d of %d polls held (%d answered early, e.g. %s)"
                           % (w, n, len(early), polls[early[0]].status if early else "-"))
    log("  all %d held after %.2f s (health: waiting %d)" % (n, res["hold_all_s"], w))
    await asyncio.sleep(0.5)
    res["pss_holding_kib"] = srv.pss_kib()
    res["rss_holding_kib"] = srv.rss_kib()
    res["threads_holding"] = srv.threads()

    log("scale: ordinary requests while %d are held: 500 health, 200 manifest" % n)
    nh, nm = (500, 200)
    res["ordinary"] = await loop.run_in_executor(None, ordinary_requests, srv.port, nh, nm)
    for k in ("health", "manifest"):
        o = res["ordinary"][k]
        log("  %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-200 %d"
            % (k, o["p50"], o["p99"], o["max"], o["non_200"]))
    w2 = await loop.run_in_executor(None, waiting, srv)
    res["waiting_after_ordinary"] = w2
    early = [d for d, p in polls.items() if p.done.done()]
    res["answered_before_change"] = len(early)
    if early:
        log("  WARNING: %d polls answered before the change" % len(early))

    log("scale: one change (an editor approves a notice for the default group)")

    def approve():
        c = http.client.HTTPConnection(HOST, srv.port, timeout=60)
        c.connect()
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t = time.perf_counter()
        c.request("POST", "/api/v1/items/%d/approve" % item, headers=editor.headers("POST"))
        r = c.getresponse()
        body = r.read()
        c.close()
        return t, time.perf_counter(), r.status, body
    t_send, t_resp, ast, abody = await loop.run_in_executor(None, approve)
    if ast != 200:
        raise RuntimeError("approve: %d %s" % (ast, abody[:200]))
    pending = [p.done for p in polls.values() if not p.done.done()]
    if pending:
        await asyncio.wait(pending, timeout=70)
    t_end = time.perf_counter()
    statuses = {}
    arrivals = []
    changed_etag = 0
    for d, p in polls.items():
        if not p.done.done():
            p.finish("no answer in 70 s")
        statuses[str(p.status)] = statuses.get(str(p.status), 0) + 1
        if p.status == 200:
            arrivals.append((p.t_done - t_send) * 1000)
            changed_etag += p.etag is not None and p.etag != etags[d]
    res["approve_response_ms"] = (t_resp - t_send) * 1000
    res["statuses"] = statuses
    res["got_200"] = statuses.get("200", 0)
    res["got_other"] = n - res["got_200"]
    res["new_etag"] = changed_etag
    res["all_answered_ms"] = max(arrivals) if len(arrivals) == n else None
    res["arrival_ms"] = summary(arrivals)
    res["waited_s"] = t_end - t_send
    log("  %d x 200, %d other %s; all 200s within %s ms (p50 %.0f ms); approve answered in %.0f ms"
        % (res["got_200"], res["got_other"], statuses,
           "%.0f" % res["all_answered_ms"] if res["all_answered_ms"] is not None else "-",
           res["arrival_ms"].get("p50", float("nan")), res["approve_response_ms"]))
    for p in polls.values():
        if p.tr:
            p.tr.close()
    await asyncio.sleep(0.3)
    return res


def bench_scale(b, srv, editor, item):
    res = {"pss_idle_kib": srv.pss_kib(), "rss_idle_kib": srv.rss_kib()}
    res.update(asyncio.run(scale_async(b, srv, editor, item)))
    time.sleep(0.5)
    res["pss_after_kib"] = srv.pss_kib()
    res["vmhwm_kib"] = srv.hwm_kib()
    res["per_held_poll_kib"] = ((res["pss_holding_kib"] - res["pss_before_polls_kib"])
                                / float(res["displays"]))
    log("  PSS idle %.1f MiB, before polls %.1f MiB, holding %d %.1f MiB, after %.1f MiB; "
        "peak RSS %.1f MiB"
        % (res["pss_idle_kib"] / 1024, res["pss_before_polls_kib"] / 1024, res["displays"],
           res["pss_holding_kib"] / 1024, res["pss_after_kib"] / 1024, res["vmhwm_kib"] / 1024))
    return res


# ---- 3. throughput against nginx ------------------------------------------------

WRK_RE = re.compile(r"Requests/sec:\s+([\d.]+)")


def run_wrk(wrk, url, seconds):
    cmd = [wrk, "-t2", "-c64", "-d%ds" % seconds, "--latency", url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    m = WRK_RE.search(r.stdout)
    if r.returncode != 0 or not m:
        raise RuntimeError("wrk failed (%d): %s %s" % (r.returncode, r.stdout, r.stderr))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", r.stdout)
    errors = re.search(r"Socket errors:(.*)", r.stdout)
    reqs = re.search(r"(\d+) requests in", r.stdout)
    lat50 = re.search(r"\n\s+50%\s+(\S+)", r.stdout)
    lat99 = re.search(r"\n\s+99%\s+(\S+)", r.stdout)
    return {"rps": float(m.group(1)), "requests": int(reqs.group(1)) if reqs else None,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1).strip() if errors else "",
            "latency_p50": lat50.group(1) if lat50 else None,
            "latency_p99": lat99.group(1) if lat99 else None}


def bench_throughput(b, srv):
    nginx = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")
    wrk = shutil.which("wrk")
    if not nginx or not wrk:
        note = ("skipped: %s not installed (bench/run-server.sh installs nginx-light and wrk "
                "with apt)" % " and ".join(x for x, y in (("nginx", nginx), ("wrk", wrk)) if not y))
        log("throughput: " + note)
        return {"skipped": note}
    display = "bench-wrk"
    etag, _, body = manifest_of(srv, display)
    etag2, _, body2 = manifest_of(srv, display)
    if body != body2 or etag != etag2:
        raise RuntimeError("the manifest changes between two GETs")
    ndir = tempfile.mkdtemp(prefix="signage-bench-nginx-")
    os.chmod(ndir, 0o755)  # the workers run as nobody
    try:
        root = os.path.join(ndir, "root")
        os.makedirs(root)
        os.chmod(root, 0o755)
        with open(os.path.join(root, "manifest.json"), "wb") as f:
            f.write(body)
        os.chmod(os.path.join(root, "manifest.json"), 0o644)
        port = free_port()
        conf = os.path.join(ndir, "nginx.conf")
        with open(conf, "w") as f:
            f.write("daemon off;\nworker_processes 2;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
                    "events {}\nhttp {\n    access_log off;\n    server {\n"
                    "        listen %s:%d;\n        root %s;\n    }\n}\n"
                    % (ndir, ndir, HOST, port, root))
        nlog = open(os.path.join(ndir, "nginx.out"), "wb")
        ng = b.procs.start("nginx", [nginx, "-p", ndir + "/", "-c", conf, "-e",
                                     os.path.join(ndir, "error.log")],
                           stdout=nlog, stderr=subprocess.STDOUT)
        try:
            t0 = time.monotonic()
            ok = False
            while time.monotonic() - t0 < 10 and ng.poll() is None:
                try:
                    st, h, got = request(port, "GET", "/manifest.json", timeout=2)
                    if st == 200 and got == body:
                        ok = True
                        break
                    raise RuntimeError("nginx answered %d with %d bytes" % (st, len(got)))
                except OSError:
                    time.sleep(0.05)
            if not ok:
                with open(os.path.join(ndir, "error.log"), "rb") as f:
                    raise RuntimeError("nginx did not start: %s" % f.read()[-500:])
            nginx_ver = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
            urls = {"server": "%s/api/v1/displays/%s/manifest" % (srv.url, display),
                    "nginx": "http://%s:%d/manifest.json" % (HOST, port)}
            runs = {"server": [], "nginx": []}
            log("throughput: wrk -t2 -c64 -d%ds, %d runs each, alternating; %d-byte manifest"
                % (b.a.wrk_seconds, b.a.wrk_runs, len(body)))
            for i in range(b.a.wrk_runs):
                for who in ("server", "nginx"):
                    r = run_wrk(wrk, urls[who], b.a.wrk_seconds)
                    runs[who].append(r)
                    log("  run %d %-6s %9.0f req/s (non-2xx %d, socket errors %s)"
                        % (i + 1, who, r["rps"], r["non_2xx"], r["socket_errors"] or "none"))
        finally:
            b.procs.stop(ng)
            nlog.close()
        et3, _, body3 = manifest_of(srv, display)
        res = {"bytes": len(body), "runs": runs, "nginx_version": nginx_ver,
               "wrk": "wrk -t2 -c64 -d%ds" % b.a.wrk_seconds,
               "same_manifest_after": body3 == body}
        for who in ("server", "nginx"):
            xs = [r["rps"] for r in runs[who]]
            res[who] = {"median_rps": statistics.median(xs), "min_rps": min(xs),
                        "max_rps": max(xs),
                        "non_2xx": sum(r["non_2xx"] for r in runs[who])}
        res["ratio"] = res["server"]["median_rps"] / res["nginx"]["median_rps"]
        log("  median: server %.0f req/s, nginx %.0f req/s, ratio %.2f"
            % (res["server"]["median_rps"], res["nginx"]["median_rps"], res["ratio"]))
        return res
    finally:
        shutil.rmtree(ndir, ignore_errors=True)


# ---- report ---------------------------------------------------------------------

def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = kib_field("/proc/meminfo", "MemTotal") or 0
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem / 1048576.0, 1),
            "kernel": os.uname().release}


def source():
    """The commit measured, and whether server/ or player/ had uncommitted changes."""
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "-C", top, "log", "-1", "--format=%h %cd", "--date=short"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", top, "status", "--porcelain", "--", "server",
                                "player", "CMakeLists.txt"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return "commit %s%s" % (head or "?", " + uncommitted changes in server/ or player/"
                            if dirty else "")


def yes(ok):
    return "yes" if ok else "**no**"


def report(b):
    r = b.results
    mc = r["machine"]
    out = ["## Content server", ""]
    out.append("Written by `bench/server.py` (see the \"Content server\" section of "
               "`bench/README.md`); do not edit by hand.")
    out.append("")
    out.append("- Date: %s" % r["date"])
    out.append("- Machine: %s, %d cores, %.1f GiB RAM (Linux %s); client and server share it"
               % (mc["cpu"], mc["cores"], mc["ram_gib"], mc["kernel"]))
    out.append("- Command: `%s`%s" % (r["command"], " (quick mode)" if r["quick"] else ""))
    out.append("- Source: %s" % r.get("source", "?"))
    out.append("- signage-server with its defaults (4 threads, epoll, libmicrohttpd "
               "suspend/resume); player: signage-player, SDL dummy video, 640x360")
    out.append("")
    out.append("| figure | signage-server | reference | ratio | target | met? |")
    out.append("|---|---|---|---|---|---|")
    lat = r.get("latency")
    if lat:
        out.append("| Update latency, approve → player's status file (%d changes): p50 | %.0f ms "
                   "| | | | |" % (lat["n"], lat["p50"]))
        out.append("| Update latency p95 | %.0f ms | | | ≤ 1000 ms | %s |"
                   % (lat["p95"], yes(lat["p95"] <= 1000)))
        out.append("| Update latency max | %.0f ms (min %.0f) | | | | |" % (lat["max"], lat["min"]))
    sc = r.get("scale")
    if sc:
        n = sc["displays"]
        o = sc["ordinary"]
        out.append("| Long-polls held at once (`wait=60`, own connection each) | %d (all held "
                   "%.1f s after the first connect) | | | %d | %s |"
                   % (sc["waiting_reported"], sc["hold_all_s"], n, yes(sc["waiting_reported"] >= n)))
        for k, label, cnt in (("health", "`GET /api/v1/health`", 500),
                              ("manifest", "`GET /api/v1/displays/x/manifest` (no ETag)", 200)):
            out.append("| %s while %d held, fresh connection, %d sequential: p50 / p99 / max "
                       "| %.2f / %.2f / %.2f ms%s | | | | |"
                       % (label, n, cnt, o[k]["p50"], o[k]["p99"], o[k]["max"],
                          "" if not o[k]["non_200"] else " (%d not 200)" % o[k]["non_200"]))
        allms = sc["all_answered_ms"]
        out.append("| One change → all %d held polls answered 200 | %s (p50 %.0f ms) | | | "
                   "all 200 | %s |"
                   % (n, "%.0f ms" % allms if allms is not None else "not all",
                      sc["arrival_ms"].get("p50", float("nan")), yes(sc["got_other"] == 0)))
        out.append("| Held polls answered 200 / anything else | %d / %d %s | | | %d / 0 | %s |"
                   % (sc["got_200"], sc["got_other"],
                      "" if sc["got_other"] == 0 else json.dumps(sc["statuses"]), n,
                      yes(sc["got_other"] == 0)))
        out.append("| Server PSS: idle / %d displays registered / holding %d / after answering "
                   "them | %.1f / %.1f / %.1f / %.1f MiB | | | | |"
                   % (n, n, sc["pss_idle_kib"] / 1024, sc["pss_before_polls_kib"] / 1024,
                      sc["pss_holding_kib"] / 1024, sc["pss_after_kib"] / 1024))
        out.append("| Server PSS per held poll | %.1f KiB | | | | |" % sc["per_held_poll_kib"])
        out.append("| Server peak RSS (VmHWM), start to end of this test | %.1f MiB (%.1f MiB "
                   "right after start-up: Argon2id hashing takes 64 MiB while it runs) | | | | |"
                   % (sc["vmhwm_kib"] / 1024, (sc.get("vmhwm_after_start_kib") or 0) / 1024))
    tp = r.get("throughput")
    if tp and "skipped" not in tp:
        s, g = tp["server"], tp["nginx"]
        out.append("| Manifest throughput, %s, %d runs (%d bytes): req/s median (min–max) | "
                   "%.0f (%.0f–%.0f) | nginx static file %.0f (%.0f–%.0f) | %.2f | ≥ 0.5 | %s |"
                   % (tp["wrk"], len(tp["runs"]["server"]), tp["bytes"], s["median_rps"],
                      s["min_rps"], s["max_rps"], g["median_rps"], g["min_rps"], g["max_rps"],
                      tp["ratio"], yes(tp["ratio"] >= 0.5)))
    elif tp:
        out.append("| Manifest throughput vs nginx | %s | | | ≥ 0.5 | — |" % tp["skipped"])
    out.append("")
    notes = []
    if lat:
        notes.append("update latency: the approve request is sent on an open connection and the "
                     "clock stops when the status file (read every 5 ms) names the new "
                     "manifest_version; the approve's own answer took %.1f ms (median); the "
                     "player's poll was held at %d of %d changes"
                     % (lat["approve_response_ms"]["p50"],
                        sum(1 for x in lat["held_before_change"] if x >= 1), lat["n"]))
    if sc:
        notes.append("scale: %d displays registered (one GET each%s) in %.1f s over 16 "
                     "keep-alive connections, %d of them in the server's display list; "
                     "the approve itself was answered in %.0f ms; %d server threads while "
                     "holding; the client is Python asyncio on the same cores, so the "
                     "time to all 200s includes reading %d manifests in Python"
                     % (sc["displays"], ", then accepted by the admin with PUT "
                        "{\"accepted\": true}" if sc.get("accepted") else ", left as newcomers",
                        sc["register_s"], sc.get("displays_recorded", -1),
                        sc["approve_response_ms"], sc["threads_holding"] or 0, sc["displays"]))
    if tp and "skipped" not in tp:
        notes.append("throughput: %s; both answer the same %d bytes with 200 (non-2xx: server "
                     "%d, nginx %d); wrk, nginx (2 workers) and the server share the 2 cores"
                     % (tp["nginx_version"], tp["bytes"], tp["server"]["non_2xx"],
                        tp["nginx"]["non_2xx"]))
    if notes:
        out.append("Notes: " + "; ".join(notes) + ".")
        out.append("")
    return "\n".join(out) + "\n"


def write_results(path, section):
    old = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
    lines = old.splitlines(keepends=True)
    start = None
    for i, ln in enumerate(lines):
        if ln.rstrip("\n").rstrip() == "## Content server":
            start = i
            break
    if start is None:
        text = old
        if text and not text.endswith("\n"):
            text += "\n"
        if text:
            text += "\n"
        text += section
    else:
        end = len(lines)
        for j in range(start + 1, len(lines)):
            if lines[j].startswith("## ") or lines[j].startswith("# "):
                end = j
                break
        tail = "".join(lines[end:])
        text = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# ---- main -----------------------------------------------------------------------

class Bench:
    def __init__(self, a):
        self.a = a
        self.procs = Procs()
        self.work = tempfile.mkdtemp(prefix="signage-bench-server-")
        self.results = {"quick": a.quick, "date": datetime.datetime.now().astimezone()
                        .strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(),
                        "command": " ".join(["python3"] + sys.argv), "source": source()}
        self.admin = None


def raise_nofile(need):
    """Soft RLIMIT_NOFILE up to `need` (the hard limit too, as root, if lower)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    inf = resource.RLIM_INFINITY
    if hard != inf and hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
            soft, hard = need, need
        except (ValueError, OSError):
            pass
    target = max(soft, need) if soft != inf else soft
    if hard != inf:
        target = min(target, hard)
    if target != soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target != inf and target < need:
        raise RuntimeError("RLIMIT_NOFILE is %d, %d needed (ulimit -n)" % (target, need))
    return target


def main():
    ap = argparse.ArgumentParser(description="signage-server benchmark (bench/README.md)")
    ap.add_argument("--build", required=True, help="directory with signage-server, signage-player")
    ap.add_argument("--quick", action="store_true", help="small numbers, < 30 s (CI)")
    ap.add_argument("--results", help="write the Markdown section here (replacing only it)")
    ap.add_argument("--json", help="write every raw figure here")
    ap.add_argument("--changes", type=int, help="update-latency changes (50; 10 quick)")
    ap.add_argument("--displays", type=int, help="held long-polls (5000; 300 quick)")
    ap.add_argument("--wrk-seconds", type=int, help="seconds per wrk run (10; 3 quick)")
    ap.add_argument("--wrk-runs", type=int, help="wrk runs per target (3; 1 quick)")
    ap.add_argument("--newcomers", action="store_true",
                    help="leave the scale test's displays unaccepted (zero-touch newcomers)")
    a = ap.parse_args()
    a.changes = a.changes or (10 if a.quick else 50)
    a.displays = a.displays or (300 if a.quick else 5000)
    a.wrk_seconds = a.wrk_seconds or (3 if a.quick else 10)
    a.wrk_runs = a.wrk_runs or (1 if a.quick else 3)
    for exe in ("signage-server", "signage-player"):
        if not os.access(os.path.join(a.build, exe), os.X_OK):
            print("server.py: %s/%s not found (build first)" % (a.build, exe), file=sys.stderr)
            return 2
    nofile = raise_nofile(a.displays * 2 + 1000)
    b = Bench(a)
    b.results["nofile"] = nofile
    log("work dir %s; %s" % (b.work, "quick" if a.quick else "full"))
    ok = False
    try:
        # 1 and 3 on one server
        srv = Server(b.procs, a.build, b.work, "server-a")
        b.admin, editor, student, default, bench = setup_people(srv)
        b.results["latency"] = bench_latency(b, srv, editor, student, bench)
        b.results["throughput"] = bench_throughput(b, srv)
        if not srv.alive():
            raise RuntimeError("signage-server (a) died; see " + srv.logpath)
        srv.stop()
        # 2 on a fresh one, so that its memory is the polls'
        srv = Server(b.procs, a.build, b.work, "server-b")
        hwm_start = srv.hwm_kib()
        b.admin, editor, student, default, bench = setup_people(srv)
        # submitted before the displays register: a submission is a change too
        item = submit_notices(student, default, 1, "scale")[0]
        b.results["scale"] = bench_scale(b, srv, editor, item)
        b.results["scale"]["vmhwm_after_start_kib"] = hwm_start
        if not srv.alive():
            raise RuntimeError("signage-server (b) died; see " + srv.logpath)
        srv.stop()
        ok = True
    finally:
        b.procs.stop_all()
        b.results["seconds"] = time.monotonic() - T_START
        if not ok:
            log("FAILED; logs kept in %s" % b.work)
    text = report(b)
    print()
    print(text)
    if a.results:
        write_results(a.results, text)
        log("wrote %s" % a.results)
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump(b.results, f, indent=1)
        os.replace(a.json + ".tmp", a.json)
        log("wrote %s" % a.json)
    shutil.rmtree(b.work, ignore_errors=True)
    failed = []
    lat, sc = b.results["latency"], b.results["scale"]
    if lat["p95"] > 1000:
        failed.append("update latency p95 %.0f ms > 1000 ms" % lat["p95"])
    if sc["got_other"]:
        failed.append("%d held polls did not get a 200 after the change" % sc["got_other"])
    tp = b.results["throughput"]
    if "ratio" in tp and tp["ratio"] < 0.5:
        failed.append("throughput ratio %.2f < 0.5" % tp["ratio"])
    log("done in %.1f s%s" % (time.monotonic() - T_START,
                              "; targets missed: " + "; ".join(failed) if failed else ""))
    if a.quick and (lat["p95"] > 1000 or sc["got_other"]):
        return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    sys.exit(main())

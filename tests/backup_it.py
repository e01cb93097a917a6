#!/usr/bin/env python3
"""`signage-server backup` and `restore` end to end: a real server over HTTP on
127.0.0.1, the real player as one of its displays.

Usage: backup_it.py SERVER PLAYER SOURCE_DIR WORK_DIR

Covers: a backup taken while a load keeps uploading, creating and editing
(everything acknowledged before it started is in it, nothing sent after it
ended is, every file its database names is in it, integrity_check ok); a
second backup of the quiet server restored elsewhere and served by a second
server: every user logs in with the same password, every item, group,
setting, audit entry and asset is there, every display's manifest is the same
bytes and ETag, a display token still works, sessions are not carried over;
the running server's tmp/ untouched; restore refusals (a non-empty dir, a
database in use, truncated archives, path traversal, absolute paths, links,
unexpected names, damaged objects, a damaged database, a newer schema)
leaving the target empty; a damaged object in a data dir stops a backup;
--force; standard tar reads the archive.
"""
import hashlib
import http.client
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tarfile
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testpng import png  # noqa: E402

SERVER, PLAYER, SRC, WORK = sys.argv[1:5]
ADMIN_PW = "admin-pass-2026"
passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr, flush=True)
    return cond


def noise_png(w, h, seed):
    """A PNG of random pixels: incompressible, so its size is about w*h*3."""
    rnd = random.Random(seed)
    rows = b"".join(b"\x00" + rnd.randbytes(w * 3) for _ in range(h))

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


# ---- the server (as in server_it.py) ---------------------------------------------

class Server:
    def __init__(self, data, conf_lines=()):
        self.data = data
        self.conf = os.path.join(WORK, "server-%d.conf" % random.randrange(1 << 30))
        with open(self.conf, "w") as f:
            f.write("\n".join(conf_lines) + "\n")
        self.env = dict(os.environ, SIGNAGE_ADMIN_PASSWORD=ADMIN_PW)
        self.start()

    def start(self):
        self.logpath = os.path.join(WORK, "server.log")
        self.log = open(self.logpath, "a")
        self.p = subprocess.Popen([SERVER, "--config", self.conf, "--data", self.data,
                                   "--listen", "127.0.0.1:0"], stdout=self.log,
                                  stderr=subprocess.PIPE, env=self.env)
        self.port = None
        t0 = time.time()
        while time.time() - t0 < 30:
            line = self.p.stderr.readline().decode("utf-8", "replace")
            if not line:
                break
            self.log.write(line)
            self.log.flush()
            if "listening on" in line and "(port " in line:
                self.port = int(line.split("(port ")[1].split(")")[0])
                break
        if not self.port:
            raise RuntimeError("signage-server did not start; see " + self.logpath)
        threading.Thread(target=self._drain, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.port

    def _drain(self):
        for line in self.p.stderr:
            self.log.write(line.decode("utf-8", "replace"))
            self.log.flush()

    def kill9(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait()

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def request(port, method, path, body=None, headers=None, timeout=30):
    """(status, headers dict (lower-case), body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    data = body
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


def jbody(resp):
    try:
        return json.loads(resp[2].decode() or "null")
    except ValueError:
        return None


class Session:
    def __init__(self, srv, name=None, password=None):
        self.srv, self.cookie, self.csrf = srv, None, None
        if name:
            st, h, b = self.login(name, password)
            if st != 200:
                raise RuntimeError("login %s: %d %s" % (name, st, b))

    def login(self, name, password):
        r = request(self.srv.port, "POST", "/api/v1/login", {"name": name, "password": password})
        if r[0] == 200:
            self.cookie = r[1]["set-cookie"].split(";")[0]
            self.csrf = jbody(r)["csrf"]
        return r

    def call(self, method, path, body=None, csrf=True, headers=None):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        return request(self.srv.port, method, path, body, h)

    def j(self, method, path, body=None):
        r = self.call(method, path, body)
        return r[0], jbody(r)

    def upload(self, data, name="photo.png"):
        return self.call("POST", "/api/v1/uploads?name=" + name, data,
                         headers={"Content-Type": "application/octet-stream"})


class Player:
    def __init__(self, name, args):
        self.dir = os.path.join(WORK, "player-" + name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.status = os.path.join(self.dir, "status.json")
        conf = os.path.join(self.dir, "player.conf")
        with open(conf, "w") as f:
            f.write("heartbeat_interval = 5\npoll_interval = 5\nretry_max = 5\n")
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
        self.log = open(os.path.join(self.dir, "player.log"), "w")
        self.p = subprocess.Popen([PLAYER, "--config", conf, "--cache",
                                   os.path.join(self.dir, "cache"), "--status", self.status,
                                   "--size", "640x360"] + args,
                                  stdout=self.log, stderr=self.log, env=env)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()


def cli(data, *args, conf=None, timeout=120):
    cmd = [SERVER] + (["--config", conf] if conf else []) + ["--data", data] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, SIGNAGE_ADMIN_PASSWORD=ADMIN_PW))


def sha(data):
    return hashlib.sha256(data).hexdigest()


def db_ro(data_dir):
    return sqlite3.connect("file:%s/signage.db?mode=ro" % data_dir, uri=True)


def referenced(db):
    """Every sha256 a database names (the same columns backup.c archives)."""
    q = ("SELECT sha256 FROM assets UNION SELECT media FROM items WHERE media IS NOT NULL"
         " UNION SELECT shot_sha256 FROM displays WHERE shot_sha256 IS NOT NULL"
         " UNION SELECT value FROM settings WHERE key = 'theme_logo'")
    return {r[0] for r in db.execute(q)}


def empty_or_missing(d):
    """Nothing restored: the dir is gone, or holds at most empty dirs."""
    if not os.path.exists(d):
        return True
    for root, dirs, files in os.walk(d):
        if files:
            return False
    return True


# ---- content -------------------------------------------------------------------

def populate(srv, admin):
    """Users, groups, uploads, items in every state, an alert, settings with a
    logo, two displays (one with a token). Returns what later checks need."""
    users = {"admin": ADMIN_PW}
    st, groups = admin.j("GET", "/api/v1/groups")
    default = [g["id"] for g in groups["groups"] if g["is_default"]][0]
    st, g = admin.j("POST", "/api/v1/groups", {"name": "图书馆"})
    check(st == 201, "group created")
    lib = g["id"]
    for name, role, gs in (("editor1", "editor", [default, lib]), ("editor2", "editor", [lib]),
                           ("student1", "contributor", []), ("李老师", "contributor", [])):
        pw = "pass-%s-%d" % (name, random.randrange(1 << 20))
        st, u = admin.j("POST", "/api/v1/users", {"name": name, "role": role, "password": pw,
                                                  "groups": gs})
        check(st == 201, "user %s created (%d)" % (name, st))
        users[name] = pw
    st, u = admin.j("POST", "/api/v1/users", {"name": "leaver", "role": "editor",
                                              "password": "leaver-pass-1"})
    admin.j("PUT", "/api/v1/users/%d" % u["id"], {"disabled": True})
    editor = Session(srv, "editor1", users["editor1"])
    student = Session(srv, "student1", users["student1"])
    pics = []
    for k in range(24):
        data = noise_png(240 + k, 160, seed=1000 + k) if k % 3 else png(320, 200, seed=k)
        r = (student if k % 2 else editor).upload(data, "p%d.png" % k)
        check(r[0] == 201 and jbody(r)["sha256"] == sha(data), "upload %d: %d" % (k, r[0]))
        pics.append(jbody(r)["sha256"])
    for k, pic in enumerate(pics[:12]):
        st, it = editor.j("POST", "/api/v1/items", {"kind": "image", "media": pic,
                                                    "groups": [default if k % 2 else lib],
                                                    "caption": "图片%d" % k, "publish": k < 8})
        check(st == 201, "image item %d: %d" % (k, st))
    for k in range(6):
        fields = {"kind": "notice", "title": "关于开展第%d次主题党日活动的通知" % k,
                  "body": "时间：12月%d日14:30\n地点：信息楼报告厅" % (k + 1), "groups": [default],
                  "submit": True}
        if k % 2:
            fields["media"] = pics[12 + k]
        st, it = student.j("POST", "/api/v1/items", fields)
        check(st == 201 and it["state"] == "submitted", "notice %d submitted" % k)
        if k < 3:
            editor.j("POST", "/api/v1/items/%d/approve" % it["id"], {"comment": "同意"})
        elif k == 3:
            editor.j("POST", "/api/v1/items/%d/reject" % it["id"], {"comment": "请写明地点"})
        elif k == 4:
            editor.j("POST", "/api/v1/items/%d/archive" % it["id"])
    st, _ = editor.j("POST", "/api/v1/items", {"kind": "ticker", "body": "欢迎来到图书馆",
                                               "groups": [default, lib], "publish": True})
    check(st == 201, "ticker published")
    st, al = editor.j("POST", "/api/v1/alerts", {"title": "紧急通知", "body": "消防演练", "groups": [lib],
                                                 "end": "2099-01-01T00:00:00+08:00"})
    check(st == 201, "alert published")
    logo = jbody(admin.upload(png(128, 128, seed=77), "logo.png"))["sha256"]
    st, _ = admin.j("PUT", "/api/v1/settings", {"theme_title": "信息学院党委",
                                                "theme_subtitle": "学思践悟", "theme_logo": logo})
    check(st == 200, "settings with a logo")
    # Drafts with long bodies: a database of several MB, so the online backup
    # takes several steps while the load commits between them.
    body = "为深入学习贯彻党的创新理论，进一步加强基层党组织建设。" * 200
    for k in range(300):
        st, _ = student.j("POST", "/api/v1/items", {"kind": "notice", "title": "草稿%d" % k,
                                                    "body": body[:5000], "groups": [default]})
        if st != 201:
            check(False, "draft %d: %d" % (k, st))
            break
    # displays: lobby-2 by plain HTTP, with a token
    request(srv.port, "GET", "/api/v1/displays/lobby-2/manifest")
    admin.j("PUT", "/api/v1/displays/lobby-2", {"groups": [lib], "name": "二楼", "accepted": True})
    token = admin.j("POST", "/api/v1/displays/lobby-2/token")[1]["token"]
    st, _ = request(srv.port, "POST", "/api/v1/displays/lobby-2/status",
                    {"display": "lobby-2", "showing": {"kind": "slide"}},
                    {"Authorization": "Bearer " + token})[:2]
    check(st == 200, "lobby-2 heartbeat: %d" % st)
    return {"users": users, "default": default, "lib": lib, "token": token, "pics": pics,
            "editor": editor}


def real_display(srv, admin, lib):
    """lobby-1: the real player, heartbeating; a screenshot asked for and sent."""
    request(srv.port, "GET", "/api/v1/displays/lobby-1/manifest")
    admin.j("PUT", "/api/v1/displays/lobby-1", {"groups": [lib], "name": "一楼大厅",
                                                "accepted": True})
    admin.j("POST", "/api/v1/displays/lobby-1/screenshot-request")
    player = Player("lobby-1", ["--server", srv.url, "--display", "lobby-1"])
    t0 = time.time()
    shot = None
    while time.time() - t0 < 20:
        r = admin.call("GET", "/api/v1/displays/lobby-1/screenshot")
        if r[0] == 200:
            shot = r[2]
            break
        time.sleep(0.2)
    check(shot is not None, "the real player heartbeats and sends its screenshot")
    st, d = admin.j("GET", "/api/v1/displays/lobby-1")
    check(st == 200 and d["status"] and d["shot_sha256"], "lobby-1 has a status and a screenshot")
    return player


class Load:
    """Uploads + image items, and title edits, as fast as the server takes them;
    every acknowledged write recorded with when it was sent and acknowledged."""

    def __init__(self, srv, editor, default, notice_id):
        self.srv, self.editor, self.default, self.notice = srv, editor, default, notice_id
        self.stop_ev = threading.Event()
        self.lock = threading.Lock()
        self.uploads = []  # (sent, acked, sha)
        self.items = []    # (sent, acked, id)
        self.edits = []    # (sent, acked, n)
        self.errors = []
        self.threads = [threading.Thread(target=self.uploader, args=(k,)) for k in range(2)]
        self.threads.append(threading.Thread(target=self.edit_loop))

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stop_ev.set()
        for t in self.threads:
            t.join()

    def uploader(self, k):
        i = 0
        while not self.stop_ev.is_set():
            data = noise_png(200, 120 + i % 50, seed=k * 100000 + i)
            sent = time.monotonic()
            r = self.editor.upload(data, "load.png")
            if r[0] != 201:
                self.errors.append("upload %d" % r[0])
                continue
            with self.lock:
                self.uploads.append((sent, time.monotonic(), sha(data)))
            sent = time.monotonic()
            st, it = self.editor.j("POST", "/api/v1/items", {
                "kind": "image", "media": sha(data), "groups": [self.default],
                "caption": "负载%d-%d" % (k, i), "publish": True})
            if st != 201:
                self.errors.append("item %d" % st)
                continue
            with self.lock:
                self.items.append((sent, time.monotonic(), it["id"]))
            i += 1

    def edit_loop(self):
        n = 0
        while not self.stop_ev.is_set():
            n += 1
            sent = time.monotonic()
            st, _ = self.editor.j("PUT", "/api/v1/items/%d" % self.notice,
                                  {"title": "编辑%06d" % n})
            if st != 200:
                self.errors.append("edit %d" % st)
                continue
            with self.lock:
                self.edits.append((sent, time.monotonic(), n))


def snapshot_api(srv, admin, token, display_ids):
    """What a restored server must answer the same: users, groups, items,
    settings, the whole audit log, displays' settings, and each manifest."""
    out = {}
    for key, path in (("users", "/api/v1/users"), ("groups", "/api/v1/groups"),
                      ("items", "/api/v1/items"), ("settings", "/api/v1/settings")):
        st, b = admin.j("GET", path)
        out[key] = b
    audit, before = [], None
    while True:
        q = "&before=%d" % before if before else ""
        st, b = admin.j("GET", "/api/v1/audit?limit=1000" + q)
        audit += b["audit"]
        if len(b["audit"]) < 1000:
            break
        before = b["audit"][-1]["id"]
    out["audit"] = sorted(audit, key=lambda x: x["id"])
    st, ds = admin.j("GET", "/api/v1/displays")
    out["displays"] = sorted(({k: d.get(k) for k in ("id", "name", "location", "accepted",
                                                     "groups", "shot_sha256", "has_token")}
                              for d in ds["displays"]), key=lambda d: d["id"])
    out["manifests"] = {}
    for d in display_ids:
        h = {"Authorization": "Bearer " + token} if d == "lobby-2" else {}
        r = request(srv.port, "GET", "/api/v1/displays/%s/manifest" % d, headers=h)
        out["manifests"][d] = (r[0], r[1].get("etag"), r[2])
    return out


# ---- the tests -----------------------------------------------------------------

def test_under_load(b1, data_r1, load, t0, t1, acked_before):
    r = cli(data_r1, "restore", "--in", b1)
    check(r.returncode == 0, "restore of the backup taken under load: %s" % r.stderr)
    db = db_ro(data_r1)
    check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
          "restored: integrity_check ok")
    objs = os.path.join(data_r1, "objects")
    names = set(os.listdir(objs))
    refs = referenced(db)
    check(refs <= names, "every file the restored database names is there (%d missing)"
          % len(refs - names))
    bad = [n for n in names if sha(open(os.path.join(objs, n), "rb").read()) != n]
    check(not bad, "every restored object matches its name (%d bad)" % len(bad))
    assets = {r[0] for r in db.execute("SELECT sha256 FROM assets")}
    items = {r[0]: r[1] for r in db.execute("SELECT id, media FROM items")}
    up_before, it_before, ed_before = acked_before
    lost = [s for s in up_before if s not in assets]
    check(not lost, "every upload acknowledged before the backup started is in it (%d of %d lost)"
          % (len(lost), len(up_before)))
    lost = [i for i in it_before if i not in items]
    check(not lost, "every item acknowledged before the backup started is in it (%d of %d lost)"
          % (len(lost), len(it_before)))
    title = db.execute("SELECT title FROM items WHERE id = ?", (load.notice,)).fetchone()[0]
    n = int(title[2:]) if title.startswith("编辑") else 0
    check(not ed_before or n >= max(ed_before),
          "the last edit acknowledged before the backup started is in it (%d >= %d)"
          % (n, max(ed_before or [0])))
    after = [s for sent, ack, s in load.uploads if sent > t1]
    check(not [s for s in after if s in assets],
          "nothing sent after the backup ended is in it (%d such uploads)" % len(after))
    during = sum(1 for sent, ack, _ in load.uploads + load.items + load.edits if t0 <= ack <= t1)
    check(db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0, "no sessions in a backup")
    db.close()
    print("under load: %d uploads, %d items, %d edits acknowledged before the backup; %d writes "
          "acknowledged while it ran (%.2f s); restored %d objects"
          % (len(up_before), len(it_before), len(ed_before), during, t1 - t0, len(names)))


def test_restored_server(data_r2, conf, a_state, info, a_session, display_ids, a_assets,
                         a_shot):
    srv = Server(data_r2, conf)
    try:
        # the audit log first: logging in adds to it
        admin = Session(srv, "admin", ADMIN_PW)
        b_state = snapshot_api(srv, admin, info["token"], display_ids)
        for key in ("users", "groups", "items", "settings", "displays"):
            check(b_state[key] == a_state[key], "restored %s are the same" % key)
        a_audit = a_state["audit"]
        top = a_audit[-1]["id"]
        b_audit = [x for x in b_state["audit"] if x["id"] <= top]
        check(b_audit == a_audit, "every audit entry is there (%d of %d)" % (
            len([x for x in a_audit if x in b_audit]), len(a_audit)))
        for d in display_ids:
            a, b = a_state["manifests"][d], b_state["manifests"][d]
            check(a[0] == 200 and a == b, "display %s: the same manifest (ETag %s / %s)"
                  % (d, a[1], b[1]))
        check(request(srv.port, "GET", "/api/v1/displays/lobby-2/manifest")[0] == 401,
              "lobby-2 still needs its token")
        # every user logs in with the same password; the disabled one still cannot
        for name, pw in info["users"].items():
            check(Session(srv).login(name, pw)[0] == 200, "user %s logs in on the restored server"
                  % name)
        check(Session(srv).login("leaver", "leaver-pass-1")[0] == 401, "a disabled user stays out")
        # sessions are not carried over
        s = Session(srv)
        s.cookie, s.csrf = a_session.cookie, a_session.csrf
        check(s.call("GET", "/api/v1/me")[0] == 401, "an old session is not valid after a restore")
        # every asset, with the right bytes
        bad = []
        for h in sorted(a_assets):
            r = request(srv.port, "GET", "/assets/" + h)
            if r[0] != 200 or sha(r[2]) != h:
                bad.append(h)
        check(not bad, "every asset is downloadable with the right sha256 (%d of %d bad)"
              % (len(bad), len(a_assets)))
        r = admin.call("GET", "/api/v1/displays/lobby-1/screenshot")
        check(r[0] == 200 and r[2] == a_shot, "the display's screenshot is restored")
        print("restored server: %d users, %d items, %d audit entries, %d assets, %d manifests"
              " the same" % (len(a_state["users"]["users"]), len(a_state["items"]["items"]),
                             len(a_audit), len(a_assets), len(display_ids)))
        return srv
    except Exception:
        srv.stop()
        raise


def tar_members(path):
    """[(TarInfo, bytes)] of an archive, to rebuild it with changes."""
    out = []
    with tarfile.open(path) as t:
        for m in t.getmembers():
            out.append((m, t.extractfile(m).read() if m.isfile() else b""))
    return out


def write_tar(path, members):
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as t:
        for m, data in members:
            m = tarfile.TarInfo(m.name) if isinstance(m, tarfile.TarInfo) and m.isfile() else m
            if m.isfile():
                m.size = len(data)
                m.mode = 0o600
                t.addfile(m, io.BytesIO(data))
            else:
                t.addfile(m)


def refused(archive, target, words, what, *extra):
    r = cli(target, "restore", "--in", archive, *extra)
    ok = r.returncode == 1 and all(w in r.stderr for w in words)
    check(ok, "%s: refused (%d: %s)" % (what, r.returncode, r.stderr.strip()))
    return r


def test_hostile(b2, data_r2, srv_b):
    # a non-empty data dir; --force on a database in use
    before = sorted(os.listdir(data_r2))
    refused(b2, data_r2, ["not empty", "--force"], "restore into a non-empty data dir")
    refused(b2, data_r2, ["in use", "stop"], "restore --force over a running server", "--force")
    check(sorted(os.listdir(data_r2)) == before, "the data dir is left as it was")
    raw = open(b2, "rb").read()
    members = tar_members(b2)
    db_size = [m.size for m, _ in members if m.name == "signage.db"][0]
    cases = []

    def case(name, data):
        p = os.path.join(WORK, name + ".tar")
        with open(p, "wb") as f:
            f.write(data)
        cases.append(p)
        return p
    # truncated: mid-entry, and at an entry boundary (no backup.json, no end blocks)
    tgt = os.path.join(WORK, "r-trunc")
    refused(case("trunc-half", raw[:len(raw) // 2]), tgt, ["trunc-half.tar", "truncated"],
            "a truncated archive")
    check(empty_or_missing(tgt), "a truncated archive leaves the target empty")
    cut = 512 + (db_size + 511) // 512 * 512
    refused(case("trunc-boundary", raw[:cut]), tgt, ["truncated", "end-of-archive"],
            "an archive cut after signage.db")
    check(empty_or_missing(tgt), "... the target left empty")
    os.makedirs(tgt, exist_ok=True)
    refused(case("zeros", b"\0" * 512), tgt, ["truncated"], "a lone zero block")
    check(os.path.isdir(tgt) and os.listdir(tgt) == [], "an existing empty target stays empty")
    # a damaged header
    dmg = bytearray(raw)
    dmg[3] ^= 0x20
    refused(case("checksum", bytes(dmg)), tgt, ["checksum"], "a damaged header")
    # path traversal, absolute paths, links, strange names
    evil_out = os.path.join(WORK, "evil")
    absolute = os.path.join(WORK, "evil-absolute")
    for label, extra, words in (
            ("dotdot", [(tarfile.TarInfo("../evil"), b"evil\n")], ["../evil", "refused"]),
            ("dotdot2", [(tarfile.TarInfo("objects/../../evil"), b"evil\n")], ["refused"]),
            ("absolute", [(tarfile.TarInfo(absolute), b"evil\n")], ["absolute", "refused"]),
            ("name", [(tarfile.TarInfo("notes.txt"), b"hello\n")], ["notes.txt", "refused"])):
        p = os.path.join(WORK, label + ".tar")
        write_tar(p, extra + members)
        refused(p, tgt, words, "an archive with %s" % extra[0][0].name)
        check(not os.path.exists(evil_out) and not os.path.exists(absolute),
              "nothing written outside the target (%s)" % label)
        check(empty_or_missing(tgt), "the target left empty (%s)" % label)
    some = [m for m, _ in members if m.name.startswith("objects/")][0]
    for label, typ in (("symlink", tarfile.SYMTYPE), ("hardlink", tarfile.LNKTYPE)):
        ln = tarfile.TarInfo(some.name)
        ln.type, ln.linkname = typ, "/etc/passwd"
        p = os.path.join(WORK, label + ".tar")
        write_tar(p, [(m, d) for m, d in members if m.name != some.name] + [(ln, b"")])
        refused(p, tgt, ["link", "refused"], "an archive with a %s entry" % label)
        check(empty_or_missing(tgt), "the target left empty (%s)" % label)
    # an object whose bytes do not match its name; a damaged database
    swapped = [(m, (d[:-1] + bytes([d[-1] ^ 1])) if m.name == some.name else d)
               for m, d in members]
    p = os.path.join(WORK, "badobject.tar")
    write_tar(p, swapped)
    refused(p, tgt, ["badobject.tar: %s: sha256 mismatch" % some.name], "a damaged object")
    check(empty_or_missing(tgt), "the target left empty (damaged object)")
    baddb = [(m, (d[:5000] + bytes([d[5000] ^ 0xff]) + d[5001:]) if m.name == "signage.db" else d)
             for m, d in members]
    p = os.path.join(WORK, "baddb.tar")
    write_tar(p, baddb)
    refused(p, tgt, ["signage.db", "sha256 mismatch"], "a damaged database")
    # a database from a newer server (backup.json rewritten to match it)
    dbfile = os.path.join(WORK, "newer.db")
    with open(dbfile, "wb") as f:
        f.write([d for m, d in members if m.name == "signage.db"][0])
    c = sqlite3.connect(dbfile)
    c.execute("PRAGMA user_version = 99")
    c.commit()
    c.close()
    newer = open(dbfile, "rb").read()
    man = json.loads([d for m, d in members if m.name == "backup.json"][0])
    man["user_version"] = 99
    man["db"].update(sha256=sha(newer), size=len(newer))
    p = os.path.join(WORK, "newer.tar")
    write_tar(p, [(m, newer if m.name == "signage.db" else
                   json.dumps(man).encode() if m.name == "backup.json" else d) for m, d in members])
    refused(p, tgt, ["schema version 99", "newer"], "a database newer than this server")
    # an object backup.json does not list; a newer archive format
    man = json.loads([d for m, d in members if m.name == "backup.json"][0])
    man["objects"] = man["objects"][1:]
    p = os.path.join(WORK, "unlisted.tar")
    write_tar(p, [(m, json.dumps(man).encode() if m.name == "backup.json" else d)
                  for m, d in members])
    refused(p, tgt, ["not listed in backup.json"], "an object backup.json does not list")
    man = json.loads([d for m, d in members if m.name == "backup.json"][0])
    man["format_version"] = 2
    p = os.path.join(WORK, "format2.tar")
    write_tar(p, [(m, json.dumps(man).encode() if m.name == "backup.json" else d)
                  for m, d in members])
    refused(p, tgt, ["format 2"], "a newer backup format")
    check(empty_or_missing(tgt), "after every refusal the target is still empty")
    # a rebuilt archive (python's tarfile, GNU-style directory entries) still restores
    p = os.path.join(WORK, "rebuilt.tar")
    with tarfile.open(p, "w", format=tarfile.GNU_FORMAT) as t:
        d = tarfile.TarInfo("./objects")
        d.type = tarfile.DIRTYPE
        t.addfile(d)
        for m, data in members:
            m2 = tarfile.TarInfo("./" + m.name)
            m2.size = len(data)
            t.addfile(m2, io.BytesIO(data))
    tgt2 = os.path.join(WORK, "r-rebuilt")
    r = cli(tgt2, "restore", "--in", p)
    check(r.returncode == 0, "an archive re-made by another tar restores: %s" % r.stderr)
    for p in cases:
        os.unlink(p)


def test_backup_refusals(data_r2, srv_b):
    out = os.path.join(WORK, "nowhere.tar")
    missing = os.path.join(WORK, "no-such-data")
    r = cli(missing, "backup", "--out", out)
    check(r.returncode == 1 and missing in r.stderr and "no data directory" in r.stderr
          and not os.path.exists(missing) and not os.path.exists(out),
          "a backup of a missing data dir: a clear error, nothing made (%s)" % r.stderr.strip())
    empty = os.path.join(WORK, "empty-data")
    os.makedirs(empty)
    r = cli(empty, "backup", "--out", out)
    check(r.returncode == 1 and "no signage.db" in r.stderr and os.listdir(empty) == [],
          "a backup of a dir with no database: %s" % r.stderr.strip())
    r = cli(data_r2, "backup")
    check(r.returncode == 2 and "usage" in r.stderr, "backup without --out: usage, 2")
    r = cli(data_r2, "restore", "--force")
    check(r.returncode == 2 and "usage" in r.stderr, "restore without --in: usage, 2")
    # a damaged object in the store: named, and no backup written.  The
    # server is killed, not stopped: its -wal stays for test_force.
    srv_b.kill9()
    check(os.path.exists(os.path.join(data_r2, "signage.db-wal")), "a -wal left by kill -9")
    bad = os.path.join(WORK, "data-damaged")
    shutil.copytree(data_r2, bad)
    objs = sorted(os.listdir(os.path.join(bad, "objects")))
    for victim in objs[:2]:
        with open(os.path.join(bad, "objects", victim), "r+b") as f:
            f.seek(100)
            b = f.read(1)
            f.seek(100)
            f.write(bytes([b[0] ^ 0x55]))
    os.unlink(os.path.join(bad, "objects", objs[2]))
    r = cli(bad, "backup", "--out", out)
    check(r.returncode == 1 and all(v in r.stderr for v in objs[:3]) and "sha256 mismatch"
          in r.stderr and "missing" in r.stderr and "3 of the" in r.stderr,
          "damaged and missing objects are each named: %s" % r.stderr.strip()[-300:])
    check(not [f for f in os.listdir(WORK) if f.startswith("nowhere.tar")],
          "no backup and no temporary file left behind")


def test_force(b1, data_r2, conf):
    """--force replaces a killed server's data (with its -wal, which must not
    be replayed onto the restored database) by the backup's."""
    r = cli(data_r2, "restore", "--in", b1, "--force")
    check(r.returncode == 0, "restore --force over a stopped server's data: %s" % r.stderr)
    check(not os.path.exists(os.path.join(data_r2, "signage.db-wal")) and
          os.listdir(os.path.join(data_r2, "tmp")) == [], "no old -wal, nothing left in tmp/")
    db = db_ro(data_r2)
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    n = db.execute("SELECT count(*) FROM items").fetchone()[0]
    db.close()
    db1 = db_ro(os.path.join(WORK, "data-r1"))
    n1 = db1.execute("SELECT count(*) FROM items").fetchone()[0]
    db1.close()
    check(ok == "ok" and n == n1, "it now holds the first backup (%d items, %d wanted)" % (n, n1))
    srv = Server(data_r2, conf)
    st = request(srv.port, "GET", "/api/v1/health")[0]
    srv.stop()
    check(st == 200, "a server starts on it")


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    t_start = time.time()
    conf = ["max_upload_mb = 4", "threads = 4"]
    a = Server(os.path.join(WORK, "data-a"), conf)
    player = None
    srv_b = None
    try:
        admin = Session(a, "admin", ADMIN_PW)
        info = populate(a, admin)
        player = real_display(a, admin, info["lib"])
        st, notice = info["editor"].j("POST", "/api/v1/items", {
            "kind": "notice", "title": "编辑000000", "groups": [info["default"]],
            "publish": True})
        # a file of an upload in progress: the backup must leave the server's tmp/ alone
        marker = os.path.join(a.data, "tmp", "upload-inflight")
        with open(marker, "wb") as f:
            f.write(b"half an upload")
        load = Load(a, info["editor"], info["default"], notice["id"])
        load.start()
        time.sleep(1.0)
        b1 = os.path.join(WORK, "under-load.tar")
        t0 = time.monotonic()
        with load.lock:
            acked = ([s for _, ack, s in load.uploads], [i for _, ack, i in load.items],
                     [n for _, ack, n in load.edits])
        r = cli(a.data, "backup", "--out", b1, conf=a.conf)
        t1 = time.monotonic()
        time.sleep(0.5)
        load.stop()
        check(r.returncode == 0 and os.path.exists(b1), "backup under load: %s %s"
              % (r.stdout.strip(), r.stderr.strip()))
        print(r.stdout.strip())
        check(not load.errors, "the load was served throughout: %s" % load.errors[:5])
        check(os.path.exists(marker), "the running server's tmp/ is left alone")
        os.unlink(marker)
        check(not [f for f in os.listdir(WORK) if ".tmp." in f], "no temporary files beside it")
        # the quiet backup, and what the original server answers at that moment
        b2 = os.path.join(WORK, "quiet.tar")
        r = cli(a.data, "backup", "--out", b2, conf=a.conf)
        check(r.returncode == 0, "backup of the quiet server: %s" % r.stderr)
        print(r.stdout.strip())
        st, ds = admin.j("GET", "/api/v1/displays")
        display_ids = sorted(d["id"] for d in ds["displays"])
        a_state = snapshot_api(a, admin, info["token"], display_ids)
        adb = db_ro(a.data)
        a_assets = {x[0] for x in adb.execute("SELECT sha256 FROM assets")}
        adb.close()
        a_shot = admin.call("GET", "/api/v1/displays/lobby-1/screenshot")[2]
        # standard tools read it
        t = subprocess.run(["tar", "tvf", b2], capture_output=True, text=True)
        names = [ln.split()[-1] for ln in t.stdout.splitlines()]
        check(t.returncode == 0 and names[0] == "signage.db" and names[-1] == "backup.json"
              and all(n.startswith("objects/") for n in names[1:-1]),
              "tar tvf lists signage.db, objects/..., backup.json: %s" % t.stderr)
        with tarfile.open(b2) as tf:
            man = json.load(tf.extractfile("backup.json"))
        check(man["format"] == "campus-signage-backup" and man["format_version"] == 1 and
              {o["sha256"] for o in man["objects"]} == referenced(db_ro(a.data)) and
              man["excluded"] == ["sessions"],
              "backup.json lists every file the database names")
        check(os.path.getsize(b2) % 10240 == 0, "whole tar records")
        test_under_load(b1, os.path.join(WORK, "data-r1"), load, t0, t1, acked)
        data_r2 = os.path.join(WORK, "data-r2")
        r = cli(data_r2, "restore", "--in", b2)
        check(r.returncode == 0, "restore of the quiet backup: %s" % r.stderr)
        print(r.stdout.strip())
        srv_b = test_restored_server(data_r2, conf, a_state, info, admin, display_ids, a_assets,
                                     a_shot)
        player.stop()
        test_hostile(b2, data_r2, srv_b)
        test_backup_refusals(data_r2, srv_b)
        test_force(b1, data_r2, conf)
    finally:
        if player:
            player.stop()
        if srv_b:
            srv_b.stop()
        a.stop()
    print("%d passed, %d failed (%.1f s)" % (passed, failed, time.time() - t_start))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

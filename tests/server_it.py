#!/usr/bin/env python3
"""End-to-end tests of signage-server over real HTTP on 127.0.0.1, with the
real signage-player (headless) as the display.

Usage: server_it.py SERVER PLAYER SOURCE_DIR WORK_DIR

Covers: login, sessions and CSRF; every write endpoint for every role (the
table is printed); uploads good and hostile; submit -> approve -> on a real
player's screen; an alert reaching a long-polling player; display tokens;
kill -9 during uploads and edits (nothing acknowledged lost, integrity_check
ok); the static export played through a plain static web server.
"""
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
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


# ---- pictures ------------------------------------------------------------------

DEMO_JPEG = None
for fn in sorted(os.listdir(os.path.join(SRC, "content", "demo"))):
    if fn.endswith(".jpg"):
        DEMO_JPEG = open(os.path.join(SRC, "content", "demo", fn), "rb").read()
        break


# ---- the server ----------------------------------------------------------------

class Server:
    def __init__(self, data, conf_lines=(), env_extra=None):
        self.data = data
        self.conf = os.path.join(WORK, "server-%d.conf" % random.randrange(1 << 30))
        with open(self.conf, "w") as f:
            f.write("\n".join(conf_lines) + "\n")
        self.env = dict(os.environ, SIGNAGE_ADMIN_PASSWORD=ADMIN_PW, **(env_extra or {}))
        self.start()

    def start(self):
        self.logpath = os.path.join(WORK, "server.log")
        self.log = open(self.logpath, "a")
        # SIGNAGE_WRAP_SERVER="valgrind --log-file=..." runs the server under a tool
        wrap = os.environ.get("SIGNAGE_WRAP_SERVER", "").split()
        self.p = subprocess.Popen(wrap + [SERVER, "--config", self.conf, "--data", self.data,
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
                self.kill9()


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

    def upload(self, data, name="photo.jpg", ctype="application/octet-stream"):
        return self.call("POST", "/api/v1/uploads?name=" + name, data,
                         headers={"Content-Type": ctype})


# ---- the player ----------------------------------------------------------------

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

    def read(self):
        try:
            return json.load(open(self.status))
        except (OSError, ValueError):
            return None

    def wait(self, pred, timeout):
        t0 = time.time()
        while time.time() - t0 < timeout:
            st = self.read()
            if st is not None and pred(st):
                return st
            time.sleep(0.02)
        return None

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()


# ---- the tests -----------------------------------------------------------------

def test_first_start(srv):
    st, h, b = request(srv.port, "GET", "/api/v1/health")
    check(st == 200 and jbody((st, h, b))["ok"], "health")
    r = request(srv.port, "GET", "/api/v1/displays/new-screen/manifest")
    m = jbody(r)
    check(r[0] == 200 and m["schema"] == 1 and len(m["slides"]) >= 10,
          "a new display gets the seeded demo deck (%d, %s slides)"
          % (r[0], len(m["slides"]) if m else "?"))
    check(r[1].get("etag", "").startswith('"') and len(r[1]["etag"]) == 66, "strong ETag")
    r2 = request(srv.port, "GET", "/api/v1/displays/new-screen/manifest",
                 headers={"If-None-Match": r[1]["etag"]})
    check(r2[0] == 304 and r2[2] == b"", "304 for a current ETag")
    t0 = time.time()
    r3 = request(srv.port, "GET", "/api/v1/displays/new-screen/manifest?wait=1.5",
                 headers={"If-None-Match": r[1]["etag"]})
    dt = time.time() - t0
    check(r3[0] == 304 and 1.3 <= dt <= 2.5, "long-poll held %.2f s then 304" % dt)
    r4 = request(srv.port, "GET", "/api/v1/displays/x/manifest?wait=5",
                 headers={"If-None-Match": '"stale"'})
    check(r4[0] == 200, "an old ETag is answered at once")
    r5 = request(srv.port, "GET", "/api/v1/displays/..%2Fetc/manifest")
    check(r5[0] in (400, 404), "a display id with path tricks is refused (%d)" % r5[0])
    sha = m["slides"][0]["media"]["sha256"]
    a = request(srv.port, "GET", "/assets/" + sha)
    check(a[0] == 200 and hashlib.sha256(a[2]).hexdigest() == sha
          and "immutable" in a[1].get("cache-control", ""), "asset served, immutable")
    a2 = request(srv.port, "GET", "/assets/" + sha, headers={"Range": "bytes=10-19"})
    check(a2[0] == 206 and a2[2] == a[2][10:20] and a2[1]["content-range"].startswith("bytes 10-19/"),
          "asset Range request")
    a3 = request(srv.port, "GET", "/assets/" + sha, headers={"Range": "bytes=999999999-"})
    check(a3[0] == 416, "unsatisfiable range: 416")
    a4 = request(srv.port, "GET", "/assets/" + sha, headers={"If-None-Match": '"%s"' % sha})
    check(a4[0] == 304, "asset 304 on its ETag")
    check(request(srv.port, "GET", "/assets/../signage.db")[0] == 404, "no path out of assets")
    check(request(srv.port, "GET", "/assets/" + "0" * 64)[0] == 404, "unknown asset: 404")


def test_login(srv):
    s = Session(srv)
    r = s.login("admin", "wrong-password")
    check(r[0] == 401 and jbody(r)["field"] == "password", "wrong password: 401")
    r = s.login("nobody", "whatever")
    check(r[0] == 401, "unknown user: 401")
    r = s.login("admin", ADMIN_PW)
    check(r[0] == 200, "admin login")
    ck = r[1].get("set-cookie", "")
    check("HttpOnly" in ck and "SameSite=Strict" in ck and "Secure" not in ck,
          "cookie is HttpOnly, SameSite=Strict (no Secure on plain http): " + ck)
    r = request(srv.port, "POST", "/api/v1/login", {"name": "admin", "password": ADMIN_PW},
                headers={"X-Forwarded-Proto": "https"})
    check("Secure" in r[1].get("set-cookie", ""), "Secure behind TLS")
    st, me = s.j("GET", "/api/v1/me")
    check(st == 200 and me["user"]["role"] == "admin" and me["csrf"] == s.csrf, "/me")
    # CSRF
    r = s.call("POST", "/api/v1/groups", {"name": "csrf-test"}, csrf=False)
    check(r[0] == 403 and "CSRF" in jbody(r)["error"], "no CSRF token: 403")
    r = s.call("POST", "/api/v1/groups", {"name": "csrf-test"}, csrf=False,
               headers={"X-CSRF-Token": "0" * 64})
    check(r[0] == 403, "wrong CSRF token: 403")
    r = s.call("POST", "/api/v1/groups", b"name=csrf-test",
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r[0] == 415, "a form post is not JSON: 415")
    r = s.call("POST", "/api/v1/groups", b"{not json", headers={"Content-Type": "application/json"})
    check(r[0] == 400 and "not JSON" in jbody(r)["error"], "bad JSON: 400 with the reason")
    check(request(srv.port, "GET", "/api/v1/me", headers={"Cookie": "sid=" + "a" * 64})[0] == 401,
          "a made-up session: 401")
    # logout ends the session
    s2 = Session(srv, "admin", ADMIN_PW)
    check(s2.call("POST", "/api/v1/logout")[0] == 200, "logout")
    check(s2.call("GET", "/api/v1/me")[0] == 401, "session gone after logout")
    return s


def setup_people(admin):
    st, g = admin.j("POST", "/api/v1/groups", {"name": "图书馆"})
    check(st == 201, "group created")
    lib = g["id"]
    st, groups = admin.j("GET", "/api/v1/groups")
    default = [x["id"] for x in groups["groups"] if x["is_default"]][0]
    users = {}
    for name, role, gs in (("editor1", "editor", [default, lib]), ("editor2", "editor", [lib]),
                           ("student1", "contributor", []), ("student2", "contributor", [])):
        st, u = admin.j("POST", "/api/v1/users", {"name": name, "role": role, "password":
                                                  "pass-" + name, "groups": gs})
        check(st == 201 and u["role"] == role and sorted(u["groups"]) == sorted(gs),
              "user %s created (%d)" % (name, st))
        users[name] = u
    st, _ = admin.j("POST", "/api/v1/users", {"name": "weak", "role": "editor", "password": "123"})
    check(st == 400, "a short password is refused")
    st, _ = admin.j("POST", "/api/v1/users", {"name": "editor1", "role": "editor",
                                              "password": "long-enough"})
    check(st == 409, "a duplicate user name: 409")
    return default, lib, users


def test_roles(srv, admin, default, lib):
    """Every write endpoint for every role: the table of docs/api.md, measured."""
    sess = {"anonymous": Session(srv), "contributor": Session(srv, "student1", "pass-student1"),
            "editor": Session(srv, "editor1", "pass-editor1"), "admin": admin}
    rows = []
    pic = admin.upload(png(64, 48, 7), "x.png")
    sha = jbody(pic)["sha256"]
    request(srv.port, "GET", "/api/v1/displays/role-screen/manifest")  # registers it

    def notice(state_by=admin, submit=False):
        st, it = state_by.j("POST", "/api/v1/items", {"kind": "notice", "title": "测试通知",
                                                      "groups": [default], "submit": submit})
        return it["id"]

    def group():
        st, g = admin.j("POST", "/api/v1/groups", {"name": "g-%d" % random.randrange(1 << 30)})
        return g["id"]

    def user():
        st, u = admin.j("POST", "/api/v1/users", {"name": "u%d" % random.randrange(1 << 30),
                                                  "role": "contributor", "password": "password1"})
        return u["id"]

    def display():
        d = "d%d" % random.randrange(1 << 30)
        request(srv.port, "GET", "/api/v1/displays/%s/manifest" % d)
        return d

    # (method, path maker, body, lowest role allowed)
    cases = [
        ("POST", lambda: "/api/v1/items", {"kind": "notice", "title": "新通知", "groups": [default]},
         "contributor"),
        ("PUT", lambda: "/api/v1/items/%d" % notice(), {"title": "改过的标题"}, "editor"),
        ("DELETE", lambda: "/api/v1/items/%d" % notice(), None, "editor"),
        ("POST", lambda: "/api/v1/items/%d/submit" % notice(), None, "editor"),
        ("POST", lambda: "/api/v1/items/%d/approve" % notice(submit=True), None, "editor"),
        ("POST", lambda: "/api/v1/items/%d/reject" % notice(submit=True), {"comment": "请补充时间"},
         "editor"),
        ("POST", lambda: "/api/v1/items/%d/archive" % notice(), None, "editor"),
        ("POST", lambda: "/api/v1/items/reorder", {"ids": []}, "editor"),
        ("POST", lambda: "/api/v1/alerts", {"title": "演练", "body": "消防演练", "groups": [default],
                                            "end": "2099-01-01T00:00:00+08:00"}, "editor"),
        ("POST", lambda: "/api/v1/alerts/%d/end" % jbody(admin.call(
            "POST", "/api/v1/alerts", {"body": "x", "groups": [default]}))["id"], None, "editor"),
        ("POST", lambda: "/api/v1/uploads", png(16, 16, 3), "contributor"),
        ("PUT", lambda: "/api/v1/displays/%s" % display(), {"name": "大厅"}, "admin"),
        ("DELETE", lambda: "/api/v1/displays/%s" % display(), None, "admin"),
        ("POST", lambda: "/api/v1/displays/%s/screenshot-request" % display(), None, "editor"),
        ("POST", lambda: "/api/v1/displays/%s/token" % display(), None, "admin"),
        ("POST", lambda: "/api/v1/groups", {"name": "组%d" % random.randrange(1 << 30)}, "admin"),
        ("PUT", lambda: "/api/v1/groups/%d" % group(), {"name": "组%d" % random.randrange(1 << 30)},
         "admin"),
        ("DELETE", lambda: "/api/v1/groups/%d" % group(), None, "admin"),
        ("POST", lambda: "/api/v1/users", {"name": "n%d" % random.randrange(1 << 30),
                                           "role": "contributor", "password": "password1"},
         "admin"),
        ("PUT", lambda: "/api/v1/users/%d" % user(), {"disabled": True}, "admin"),
        ("PUT", lambda: "/api/v1/settings", {"theme_subtitle": "学思践悟"}, "admin"),
        ("GET", lambda: "/api/v1/audit", None, "admin"),
        ("GET", lambda: "/api/v1/users", None, "admin"),
    ]
    order = ["anonymous", "contributor", "editor", "admin"]
    for method, mk, body, lowest in cases:
        row = [method, None]
        for role in order:
            path = mk()
            row[1] = path
            s = sess[role]
            if isinstance(body, bytes):
                r = s.call(method, path, body, headers={"Content-Type": "image/png"})
            else:
                r = s.call(method, path, body)
            allowed = order.index(role) >= order.index(lowest)
            if role == "anonymous":
                ok = r[0] == 401
            elif allowed:
                ok = r[0] in (200, 201, 202)
            else:
                ok = r[0] == 403
            check(ok, "%s %s as %s: %d %s" % (method, path, role, r[0], r[2][:120]))
            row.append(str(r[0]))
        rows.append(row)
    print("\nrole x endpoint (status codes):")
    print("| method | path | anonymous | contributor | editor | admin |")
    print("|---|---|---|---|---|---|")
    for method, path, *codes in rows:
        print("| %s | %s | %s |" % (method, path, " | ".join(codes)))
    # contributors: their own drafts yes, others' no; never publish
    c1, c2 = sess["contributor"], Session(srv, "student2", "pass-student2")
    st, it = c1.j("POST", "/api/v1/items", {"kind": "notice", "title": "学生投稿", "groups": [default]})
    check(st == 201 and it["state"] == "draft", "contributor's item is a draft")
    check(c1.j("PUT", "/api/v1/items/%d" % it["id"], {"body": "正文"})[0] == 200,
          "contributor edits own draft")
    check(c2.j("PUT", "/api/v1/items/%d" % it["id"], {"body": "篡改"})[0] == 403,
          "contributor may not edit another's draft")
    check(c1.j("POST", "/api/v1/items", {"kind": "notice", "title": "x", "groups": [default],
                                         "publish": True})[0] == 403,
          "contributor may not publish")
    check(c1.j("POST", "/api/v1/items/%d/approve" % it["id"])[0] == 403,
          "contributor may not approve")
    # editors: only their groups
    e2 = Session(srv, "editor2", "pass-editor2")
    st, it2 = c1.j("POST", "/api/v1/items", {"kind": "notice", "title": "默认组通知",
                                              "groups": [default], "submit": True})
    check(e2.j("POST", "/api/v1/items/%d/approve" % it2["id"])[0] == 403,
          "editor of another group may not approve")
    check(e2.j("POST", "/api/v1/alerts", {"body": "x", "groups": [default]})[0] == 403,
          "editor may not alert groups not theirs")
    check(e2.j("POST", "/api/v1/items/%d/reject" % it2["id"], {})[0] == 403, "nor reject")
    e1 = sess["editor"]
    check(e1.j("POST", "/api/v1/items/%d/reject" % it2["id"], {})[0] == 400,
          "a rejection needs a comment")
    st, rj = e1.j("POST", "/api/v1/items/%d/reject" % it2["id"], {"comment": "请写明地点"})
    check(st == 200 and rj["state"] == "draft" and rj["review_comment"] == "请写明地点"
          and rj["reviewed_by_name"] == "editor1", "rejected: back to draft with the comment")
    # a disabled user is out at once
    st, u = admin.j("POST", "/api/v1/users", {"name": "leaver", "role": "editor",
                                              "password": "password-1"})
    lv = Session(srv, "leaver", "password-1")
    admin.j("PUT", "/api/v1/users/%d" % u["id"], {"disabled": True})
    check(lv.call("GET", "/api/v1/me")[0] == 401, "a disabled user's session ends")
    check(lv.login("leaver", "password-1")[0] == 401, "a disabled user cannot log in")
    st, me = admin.j("GET", "/api/v1/me")
    check(admin.j("PUT", "/api/v1/users/%d" % me["user"]["id"], {"role": "editor"})[0] == 409,
          "an admin cannot demote themself")


def test_validation(admin, default):
    cases = [
        ({"kind": "notice", "title": "x", "groups": [default], "hours": [{"from": "25:00",
                                                                           "to": "26:00"}]},
         422, "hours"),
        ({"kind": "notice", "title": "x", "groups": [default], "start": "2026-12-01"}, 422,
         "start"),
        ({"kind": "notice", "title": "x", "groups": [default], "link": "javascript:alert(1)"},
         422, "link"),
        ({"kind": "notice", "title": "x", "groups": [default], "days": ["someday"]}, 422, "days"),
        ({"kind": "notice", "title": "x" * 500, "groups": [default]}, 422, "title"),
        ({"kind": "notice", "groups": [default]}, 400, "title"),
        ({"kind": "image", "groups": [default]}, 400, "media"),
        ({"kind": "image", "media": "f" * 64, "groups": [default]}, 400, "media"),
        ({"kind": "notice", "title": "x", "groups": []}, 400, "groups"),
        ({"kind": "notice", "title": "x", "groups": [99999]}, 400, "groups"),
        ({"kind": "notice", "title": "x", "groups": [default], "colour": "red"}, 400, "colour"),
        ({"kind": "slide", "title": "x", "groups": [default]}, 400, "kind"),
        ({"kind": "notice", "title": 5, "groups": [default]}, 400, "title"),
        ({"kind": "ticker", "groups": [default]}, 400, "body"),
    ]
    for body, status, field in cases:
        st, b = admin.j("POST", "/api/v1/items", body)
        check(st == status and b and b.get("field") == field,
              "bad item refused: %d %s (wanted %d %s)" % (st, b, status, field))
    st, b = admin.j("PUT", "/api/v1/settings", {"theme_accent": "red"})
    check(st == 422 and b["field"] == "theme_accent", "bad accent: 422 %s" % b)
    st, b = admin.j("PUT", "/api/v1/settings", {"timezone": "Mars/Olympus"})
    check(st == 422 and b["field"] == "timezone", "bad timezone: 422 %s" % b)


def test_uploads(srv, admin):
    files_before = set(os.listdir(srv.data))
    good = png(320, 200, 1)
    r = admin.upload(good, "poster.png")
    b = jbody(r)
    check(r[0] == 201 and b["sha256"] == hashlib.sha256(good).hexdigest() and b["width"] == 320
          and b["type"] == "image/png", "PNG upload: %d %s" % (r[0], b))
    check(os.path.exists(os.path.join(srv.data, "objects", b["sha256"])), "stored under its hash")
    r = admin.upload(DEMO_JPEG, "photo.jpg")
    check(r[0] == 201 and jbody(r)["type"] == "image/jpeg", "JPEG upload")
    cases = [
        (b"hello, this is not a picture\n" * 10, 415, "not a JPEG, PNG or WebP"),
        (b"", 415, "empty"),
        (png(64, 64, 2, declared=(100000, 100000)), (415, 422), "100000x100000"),
        (png(64, 64, 2, declared=(9000, 9000)), 422, "megapixels"),
        (good[:len(good) // 2], 415, "damaged"),
        (DEMO_JPEG[:len(DEMO_JPEG) // 2], 415, "damaged"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", 415,
         "not a JPEG"),
    ]
    for data, status, word in cases:
        r = admin.upload(data, "../../../etc/passwd")
        b = jbody(r)
        check(r[0] in (status if isinstance(status, tuple) else (status,)) and b
              and word in b["error"] and b.get("field") == "file",
              "hostile upload refused: %d %s (wanted %s '%s')" % (r[0], b, status, word))
    # over the limit (this server: max_upload_mb = 2), by Content-Length and chunked
    big = os.urandom(3 * 1024 * 1024)

    def raw_upload(chunked):
        """Sends the headers, then the body while the server lets it; returns
        the status the server answered with (it may answer before the end)."""
        sk = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        head = ("POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nX-CSRF-Token: %s\r\n"
                % (admin.cookie, admin.csrf))
        head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else \
            "Content-Length: %d\r\n\r\n" % len(big)
        sk.sendall(head.encode())
        try:
            for i in range(0, len(big), 65536):
                part = big[i:i + 65536]
                sk.sendall(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
            if chunked:
                sk.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            answer = sk.recv(200).decode("latin-1")
        except (ConnectionResetError, socket.timeout):
            answer = ""
        sk.close()
        return int(answer.split()[1]) if answer.startswith("HTTP/1.1 ") else answer
    st = raw_upload(False)
    check(st == 413, "oversized upload (Content-Length): 413 (%s)" % st)
    st = raw_upload(True)
    check(st == 413, "oversized chunked upload stopped: 413 (%s)" % st)
    files_after = set(os.listdir(srv.data))
    check(files_after - files_before <= {"signage.db-shm", "signage.db-wal"},
          "no file appeared outside objects/: %s" % (files_after - files_before))
    check(os.listdir(os.path.join(srv.data, "tmp")) == [], "tmp/ empty after refusals")
    check(request(srv.port, "POST", "/api/v1/uploads", good,
                  {"Content-Type": "image/png"})[0] == 401, "anonymous upload: 401")


def test_flow_on_screen(srv, admin, default):
    """submit -> approve -> the real player shows it; alert -> switches within 2 s."""
    st, g = admin.j("POST", "/api/v1/groups", {"name": "测试屏"})
    grp = g["id"]
    request(srv.port, "GET", "/api/v1/displays/it-screen/manifest")
    st, d = admin.j("PUT", "/api/v1/displays/it-screen", {"groups": [grp], "name": "一楼大厅",
                                                          "accepted": True})
    check(st == 200 and d["groups"] == [grp], "display assigned to its group")
    st, e = admin.j("POST", "/api/v1/users", {"name": "editor-it", "role": "editor",
                                              "password": "pass-editor-it", "groups": [grp]})
    editor = Session(srv, "editor-it", "pass-editor-it")
    student = Session(srv, "student1", "pass-student1")
    pic = jbody(student.upload(png(640, 360, 11), "tree.png"))["sha256"]
    st, first = editor.j("POST", "/api/v1/items", {"kind": "image", "media": pic,
                                                   "groups": [grp], "publish": True,
                                                   "caption": "植树活动"})
    check(st == 201 and first["state"] == "approved", "editor publishes directly")
    player = Player("flow", ["--server", srv.url, "--display", "it-screen"])
    try:
        s = player.wait(lambda s: s["showing"].get("id") == "item-%d" % first["id"], 15)
        check(s is not None, "player shows the published slide")
        st, it = student.j("POST", "/api/v1/items", {
            "kind": "notice", "title": "关于开展12月主题党日活动的通知",
            "body": "时间：12月10日14:30\n地点：信息楼报告厅", "groups": [grp], "submit": True})
        check(st == 201 and it["state"] == "submitted", "contributor submits a notice")
        st, q = editor.j("GET", "/api/v1/items?state=submitted&group=%d" % grp)
        check(st == 200 and [x["id"] for x in q["items"]] == [it["id"]], "in the review queue")
        before = player.read()["manifest_version"]
        st, ap = editor.j("POST", "/api/v1/items/%d/approve" % it["id"], {"comment": "同意"})
        check(st == 200 and ap["state"] == "approved", "editor approves")
        s = player.wait(lambda s: s["manifest_version"] != before and s["active_slides"] == 2, 5)
        check(s is not None, "the approved notice reaches the player (2 slides on air)")
        # alert (a moment after the last change: the player asks at most once a second)
        time.sleep(1.2)
        t0 = time.time()
        st, al = editor.j("POST", "/api/v1/alerts", {"title": "紧急通知", "body": "消防演练，请从最近出口撤离",
                                                     "groups": [grp]})
        s = player.wait(lambda s: s["showing"].get("kind") == "alert", 5)
        dt = time.time() - t0
        check(st == 201 and s is not None and dt <= 2.0,
              "alert on a long-polling player's screen in %.2f s (<= 2 s)" % dt)
        print("alert latency: %.3f s" % dt)
        t0 = time.time()
        st, _ = editor.j("POST", "/api/v1/alerts/%d/end" % al["id"])
        s = player.wait(lambda s: s["showing"].get("kind") == "slide", 5)
        dt = time.time() - t0
        check(st == 200 and s is not None and dt <= 2.0, "alert ended in %.2f s" % dt)
        # heartbeat and screenshot
        st, ds = admin.j("GET", "/api/v1/displays/it-screen")
        check(ds["status"] and ds["status"]["display"] == "it-screen", "heartbeat recorded")
        st, _ = admin.j("POST", "/api/v1/displays/it-screen/screenshot-request")
        t0 = time.time()
        shot = None
        while time.time() - t0 < 15:
            r = admin.call("GET", "/api/v1/displays/it-screen/screenshot")
            if r[0] == 200:
                shot = r
                break
            time.sleep(0.3)
        check(shot is not None and shot[2][:3] == b"\xff\xd8\xff", "screenshot on request")
        st, dl = admin.j("GET", "/api/v1/displays")
        me = [x for x in dl["displays"] if x["id"] == "it-screen"][0]
        check(me["online"] and me["name"] == "一楼大厅", "dashboard: online with its name")
    finally:
        player.stop()
    # display token
    st, t = admin.j("POST", "/api/v1/displays/it-screen/token")
    tok = t["token"]
    check(request(srv.port, "GET", "/api/v1/displays/it-screen/manifest")[0] == 401,
          "a display with a token refuses callers without it")
    check(request(srv.port, "GET", "/api/v1/displays/it-screen/manifest",
                  headers={"Authorization": "Bearer " + "0" * 64})[0] == 401, "wrong token: 401")
    check(request(srv.port, "GET", "/api/v1/displays/it-screen/manifest",
                  headers={"Authorization": "Bearer " + tok})[0] == 200, "right token: 200")
    # audit
    st, au = admin.j("GET", "/api/v1/audit?limit=200")
    logins = [x for x in au["audit"] if x["action"] == "login"]
    check(logins and all(x["user"] == x["target"] and x["user"] for x in logins),
          "login entries name the user: %s" % logins[:2])
    actions = {x["action"] for x in au["audit"]}
    check({"login", "approve", "alert", "alert-end", "upload", "display-token", "publish",
           "submit", "reject", "login-failed", "upload-refused"} <= actions,
          "audit log has every kind of event: missing %s"
          % ({"login", "approve", "alert", "alert-end", "upload"} - actions))


def test_cli_and_zero_touch(srv, admin):
    r = subprocess.run([SERVER, "--config", srv.conf, "--data", srv.data, "user", "add", "李老师",
                        "--role", "editor"], input="pass-from-stdin\n", capture_output=True,
                       text=True, env=srv.env)
    check(r.returncode == 0, "user add from the command line: %s" % r.stderr)
    check(Session(srv).login("李老师", "pass-from-stdin")[0] == 200, "that user logs in")
    r = subprocess.run([SERVER, "--data", srv.data, "user", "add", "x", "--role", "king"],
                       input="password-1\n", capture_output=True, text=True, env=srv.env)
    check(r.returncode == 2 and "usage" in r.stderr, "a bad role is a usage error")
    bad = os.path.join(WORK, "bad.conf")
    with open(bad, "w") as f:
        f.write("listen = 127.0.0.1:0\nthreads = many\n")
    r = subprocess.run([SERVER, "--config", bad, "--data", srv.data], capture_output=True,
                       text=True, env=srv.env, timeout=20)
    check(r.returncode == 2 and "bad.conf:2" in r.stderr and "threads" in r.stderr,
          "a bad config names file, line and key: %s" % r.stderr.strip())
    # zero-touch: a screen that calls in is listed, not accepted, on the default content
    request(srv.port, "GET", "/api/v1/displays/new-lobby-b/manifest")
    st, dl = admin.j("GET", "/api/v1/displays")
    d = [x for x in dl["displays"] if x["id"] == "new-lobby-b"]
    check(d and d[0]["accepted"] == 0 and d[0]["groups"] == [], "a new display is listed as new")


def test_more_rules(srv, admin, default):
    # a held poll woken by somebody else's change sleeps on to its first deadline
    r = request(srv.port, "GET", "/api/v1/displays/quiet-screen/manifest")
    etag = r[1]["etag"]
    st, g = admin.j("POST", "/api/v1/groups", {"name": "安静组"})
    admin.j("PUT", "/api/v1/displays/quiet-screen", {"groups": [g["id"]]})
    etag = request(srv.port, "GET", "/api/v1/displays/quiet-screen/manifest")[1]["etag"]
    out = {}

    def hold():
        t0 = time.time()
        out["r"] = request(srv.port, "GET", "/api/v1/displays/quiet-screen/manifest?wait=2",
                           headers={"If-None-Match": etag})
        out["dt"] = time.time() - t0
    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.8)
    admin.j("POST", "/api/v1/items", {"kind": "ticker", "body": "别的组的消息", "groups": [default],
                                      "publish": True})
    t.join()
    check(out["r"][0] == 304 and out["dt"] < 2.6,
          "a poll woken by another group's change keeps its deadline (%.2f s)" % out["dt"])
    # screenshots only when asked for
    r = request(srv.port, "POST", "/api/v1/displays/quiet-screen/screenshot", DEMO_JPEG,
                {"Content-Type": "image/jpeg"})
    check(r[0] == 409, "an unrequested screenshot is refused: %d" % r[0])
    # a group that is the only one of some item cannot go
    st, it = admin.j("POST", "/api/v1/items", {"kind": "notice", "title": "只给安静组",
                                               "groups": [g["id"]]})
    st, b = admin.j("DELETE", "/api/v1/groups/%d" % g["id"])
    check(st == 409 and "1 items" in b["error"], "deleting a group would orphan an item: %s" % b)
    admin.j("POST", "/api/v1/items/%d/archive" % it["id"])
    check(admin.j("DELETE", "/api/v1/groups/%d" % g["id"])[0] == 200, "then it can go")
    # a password change ends the user's other sessions, not this one
    st, u = admin.j("POST", "/api/v1/users", {"name": "changer", "role": "contributor",
                                              "password": "first-password"})
    s1, s2 = Session(srv, "changer", "first-password"), Session(srv, "changer", "first-password")
    st, _ = s1.j("POST", "/api/v1/me/password", {"old": "first-password", "new": "second-password"})
    check(st == 200 and s1.call("GET", "/api/v1/me")[0] == 200 and
          s2.call("GET", "/api/v1/me")[0] == 401, "password change ends the other sessions")
    st, _ = s1.j("POST", "/api/v1/me/password", {"old": "wrong", "new": "third-password"})
    check(st == 403, "a wrong current password is refused")
    # alerts take only their fields
    st, b = admin.j("POST", "/api/v1/alerts", {"body": "x", "groups": [default], "colour": "red"})
    check(st == 400 and b["field"] == "colour", "unknown alert field: 400")


def png_size(data):
    return struct.unpack(">II", data[16:24]) if data[:8] == b"\x89PNG\r\n\x1a\n" else None


def test_preview_and_pages(srv, admin, default):
    import base64
    st, b = admin.j("POST", "/api/v1/preview", {"kind": "notice", "title": "关于开展主题党日活动的通知",
                                                "body": "时间：12月10日14:30", "width": 1080,
                                                "height": 1920})
    data = base64.b64decode(b["png"].split(",", 1)[1]) if st == 200 else b""
    check(st == 200 and png_size(data) == (1080, 1920) and b["warnings"] == [],
          "preview: a portrait PNG drawn by the player, no warnings (%d %s)" % (st, png_size(data)))
    st, b = admin.j("POST", "/api/v1/preview", {"kind": "notice", "title": "长通知",
                                                "body": "为深入学习贯彻党的创新理论。" * 400})
    check(st == 200 and any("smallest readable size" in w for w in b["warnings"]),
          "preview warns when text would go below the readable floor: %s" % b.get("warnings"))
    small = jbody(admin.upload(png(80, 60, 5), "tiny.png"))["sha256"]
    st, b = admin.j("POST", "/api/v1/preview", {"kind": "image", "media": small})
    check(st == 200 and any("smaller than the screen" in w for w in b["warnings"]),
          "preview warns about a picture too small for the screen: %s" % b.get("warnings"))
    st, b = admin.j("POST", "/api/v1/preview", {"kind": "notice", "title": "x", "link": "ftp://x"})
    check(st == 422 and b["field"] == "link", "preview validates like a save: %s" % b)
    check(Session(srv).call("POST", "/api/v1/preview", {"kind": "notice", "title": "x"})[0] == 401,
          "anonymous preview: 401")
    # a burst of previews: two draw at once, the rest are told to retry (503);
    # none holds an HTTP thread, so the screens' requests go on being answered
    codes, lock = [], threading.Lock()

    def one(k):
        r = admin.call("POST", "/api/v1/preview", {"kind": "notice", "title": "预览%d" % k,
                                                   "width": 3840, "height": 2160})
        with lock:
            codes.append(r[0])
    ts = [threading.Thread(target=one, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    t0 = time.time()
    health = request(srv.port, "GET", "/api/v1/health")[0]
    dt = time.time() - t0
    for t in ts:
        t.join()
    check(set(codes) <= {200, 503} and 200 in codes and health == 200 and dt < 1.0,
          "a burst of previews: %s; health answered in %.3f s" % (sorted(codes), dt))
    check(os.listdir(os.path.join(srv.data, "tmp")) == [], "previews leave nothing in tmp/")
    # the pages
    r = request(srv.port, "GET", "/")
    csp = r[1].get("content-security-policy", "")
    check(r[0] == 200 and b"<html" in r[2] and "script-src 'self'" in csp and
          "unsafe-inline" not in csp and r[1].get("x-frame-options") == "DENY",
          "the organizers' page with a strict CSP")
    for bad in ("/ui/../signage.db", "/ui/.hidden", "/ui/%2e%2e%2fsignage.db", "/ui/x.exe"):
        check(request(srv.port, "GET", bad)[0] == 404, "no file outside web/: " + bad)


def test_rate_limit(srv):
    s = Session(srv)
    codes = [s.login("editor2", "wrong-%d" % i)[0] for i in range(7)]
    check(codes[:5] == [401] * 5 and codes[5] == 429, "login throttled after 5 failures: %s" % codes)
    r = s.login("editor2", "pass-editor2")
    check(r[0] == 429 and "retry-after" in r[1], "even the right password waits: %d" % r[0])


def test_export(srv, admin):
    out = os.path.join(WORK, "export")
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run([SERVER, "--config", srv.conf, "--data", srv.data, "export", "--out", out],
                       capture_output=True, text=True, env=srv.env)
    check(r.returncode == 0 and os.path.exists(os.path.join(out, "displays", "default",
                                                            "manifest.json")),
          "export: %s %s" % (r.stdout, r.stderr))
    web = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1",
                            "--directory", out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    line = web.stdout.readline().decode()
    port = int(line.split("port ")[1].split()[0])
    m = json.load(open(os.path.join(out, "displays", "default", "manifest.json")))
    player = Player("export", ["--manifest-url", "http://127.0.0.1:%d/displays/default/manifest.json"
                               % port])
    try:
        s = player.wait(lambda s: s["manifest_version"] == m["version"] and s["sync"]["state"] == "ok"
                        and s["showing"]["kind"] in ("slide", "alert"), 20)
        check(s is not None, "the static export plays through a plain static server: %s"
              % player.read())
    finally:
        player.stop()
        web.terminate()
        web.wait()


def test_kill9(data_dir, conf):
    """kill -9 during uploads and edits, many times; whatever was acknowledged is there."""
    acked_assets, acked_edits = {}, {}
    srv = Server(data_dir, conf)
    admin = Session(srv, "admin", ADMIN_PW)
    st, groups = admin.j("GET", "/api/v1/groups")
    default = groups["groups"][0]["id"]
    st, it = admin.j("POST", "/api/v1/items", {"kind": "notice", "title": "kill", "groups": [default]})
    item = it["id"]
    rounds = int(os.environ.get("SIGNAGE_KILL_ROUNDS", "12"))
    for rnd in range(rounds):
        stop = threading.Event()
        lock = threading.Lock()

        def uploader(k):
            i = 0
            while not stop.is_set():
                data = png(200 + k, 100 + (rnd * 50 + i) % 97, seed=rnd * 10000 + k * 1000 + i)
                try:
                    r = admin.upload(data)
                except OSError:
                    return
                if r[0] == 201:
                    with lock:
                        acked_assets[hashlib.sha256(data).hexdigest()] = len(data)
                i += 1

        def editor():
            i = 0
            while not stop.is_set():
                title = "第%d轮第%d次修改" % (rnd, i)
                try:
                    r = admin.call("PUT", "/api/v1/items/%d" % item, {"title": title})
                except OSError:
                    return
                if r[0] == 200:
                    with lock:
                        acked_edits["last"] = title
                i += 1
        ts = [threading.Thread(target=uploader, args=(k,)) for k in range(2)]
        ts.append(threading.Thread(target=editor))
        for t in ts:
            t.start()
        time.sleep(random.uniform(0.2, 0.8))
        srv.kill9()
        stop.set()
        for t in ts:
            t.join()
        db = sqlite3.connect(os.path.join(data_dir, "signage.db"))
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        known = {r[0]: r[1] for r in db.execute("SELECT sha256, size FROM assets")}
        title = db.execute("SELECT title FROM items WHERE id = ?", (item,)).fetchone()[0]
        db.close()
        check(ok == "ok", "round %d: integrity_check %s" % (rnd, ok))
        lost = [s for s in acked_assets if s not in known or not os.path.exists(
            os.path.join(data_dir, "objects", s))]
        check(not lost, "round %d: %d acknowledged uploads lost" % (rnd, len(lost)))
        bad = [s for s in acked_assets if os.path.exists(os.path.join(data_dir, "objects", s)) and
               hashlib.sha256(open(os.path.join(data_dir, "objects", s), "rb").read()).hexdigest() != s]
        check(not bad, "round %d: %d stored files do not match their hash" % (rnd, len(bad)))
        # the last acknowledged title, or one sent after it that landed before the kill
        check(acked_edits.get("last") is None or title >= acked_edits["last"] or
              title.startswith("第%d轮" % rnd), "round %d: last acknowledged edit kept (%s vs %s)"
              % (rnd, title, acked_edits.get("last")))
        srv.start()
        admin = Session(srv, "admin", ADMIN_PW)
        check(os.listdir(os.path.join(data_dir, "tmp")) == [], "round %d: tmp/ emptied at start" % rnd)
    print("kill -9: %d rounds, %d acknowledged uploads and %d edit rounds, none lost"
          % (rounds, len(acked_assets), rounds))
    srv.stop()


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    conf = ["max_upload_mb = 2", "threads = 4"]
    srv = Server(os.path.join(WORK, "data"), conf)
    try:
        test_first_start(srv)
        admin = test_login(srv)
        default, lib, users = setup_people(admin)
        test_roles(srv, admin, default, lib)
        test_validation(admin, default)
        test_uploads(srv, admin)
        test_flow_on_screen(srv, admin, default)
        test_export(srv, admin)
        test_cli_and_zero_touch(srv, admin)
        test_more_rules(srv, admin, default)
        test_preview_and_pages(srv, admin, default)
        test_rate_limit(srv)
        # restart keeps everything
        srv.stop()
        srv.start()
        admin = Session(srv, "admin", ADMIN_PW)
        st, items = admin.j("GET", "/api/v1/items")
        check(st == 200 and len(items["items"]) > 20, "items kept across a restart")
    finally:
        srv.stop()
    test_kill9(os.path.join(WORK, "data-kill"), conf)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Security tests: the threats of docs/security.md that no other test shows,
with real processes over real HTTP on 127.0.0.1.

Usage: security_it.py SERVER PLAYER SOURCE_DIR WORK_DIR

- The content server (a real signage-server on a fresh data directory): the
  login limiter (a freed slot does not reset a name's count; a stolen session
  cannot guess the password; unknown names cost what real ones do), session
  fixation, rotation, server-side expiry, an admin's password reset, CSRF
  across sessions and on login and uploads, no CORS, a display claiming
  another display's id (heartbeat, screenshot, manifest, a rotated token),
  SQL injection, no directory listing, reflected and stored markup, a
  zlib bomb upload within the pixel limit, the backup's mode, and no secret
  in the database or the log.
- The player against a hostile content server (in this process): a manifest
  of 1,000,000 slides, a gzip bomb, an endless chunked picture, a manifest
  that stalls halfway, a picture url of file:///etc/passwd, a deck promising
  1000 x 512 MiB, a redirect to another host (the token stays home), a
  manifest full of hostile fields and a 300-byte ETag; under strace: no
  execve, no file written outside the cache and the status file, memory
  bounded; the last good deck plays throughout.
- TLS: a certificate for another host name, and a redirect from https to
  plain http, are refused.
- A hostile local content folder: a picture that is /dev/zero, a manifest
  that is /dev/zero, a url that climbs out of the folder.

Helpers are copied from server_it.py / sync_it.py (those run on import).
Prints "N passed, N failed"; exit status 1 on any failure.
"""
import base64
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVER, PLAYER, SRC, WORK = sys.argv[1:5]
ADMIN_PW = "admin-pass-2026"
passed = 0
failed = 0
_lock = threading.Lock()
T0 = time.time()
EVIDENCE = {}  # figures printed at the end, for docs/security.md


def check(cond, what):
    global passed, failed
    with _lock:
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL: " + what, file=sys.stderr, flush=True)
    return cond


def sha(b):
    return hashlib.sha256(b).hexdigest()


# ---- pictures (as tests/testpng.py) -------------------------------------------------

def chunk(t, d):
    c = struct.pack(">I", len(d)) + t + d
    return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


def png(w, h, seed=0):
    rnd = random.Random(seed)
    r, g, b = rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows += bytes(((r + x) & 255, (g + y) & 255, (b + x * y) & 255))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b""))


def png_bomb(w, h):
    """A w x h gray PNG of zeros: a few KB that inflate to w*h bytes."""
    co = zlib.compressobj(9)
    row = b"\0" * (w + 1)
    idat = b"".join(co.compress(row) for _ in range(h)) + co.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


DEMO_JPEG = open(os.path.join(SRC, "content", "demo", "campus-sunrise.jpg"), "rb").read()
BOMB = png_bomb(7000, 7000)  # 49 megapixels: inside the default limit of 50


def vm_hwm(pid):
    """Peak resident memory of a process in MiB (VmHWM), or None."""
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


# ---- the content server (as server_it.py) -------------------------------------------

class Server:
    def __init__(self, data, conf_lines=(), listen="127.0.0.1:0"):
        self.data = data
        self.conf = os.path.join(WORK, "server-%d.conf" % random.randrange(1 << 30))
        with open(self.conf, "w") as f:
            f.write("\n".join(conf_lines) + "\n")
        self.env = dict(os.environ, SIGNAGE_ADMIN_PASSWORD=ADMIN_PW)
        self.logpath = os.path.join(WORK, "server.log")
        self.log = open(self.logpath, "a")
        self.p = subprocess.Popen([SERVER, "--config", self.conf, "--data", self.data,
                                   "--listen", listen], stdout=self.log,
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

    def _drain(self):
        for line in self.p.stderr:
            self.log.write(line.decode("utf-8", "replace"))
            self.log.flush()

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
    try:
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    except (BrokenPipeError, ConnectionResetError):
        r = c.getresponse()  # the server answered before taking the body
        out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


def jbody(resp):
    try:
        return json.loads(resp[2].decode() or "null")
    except ValueError:
        return None


ISSUED = {"sid": set(), "csrf": set(), "token": set()}  # secrets to look for in logs


class Session:
    def __init__(self, srv, name=None, password=None, ip=None):
        self.srv, self.cookie, self.csrf, self.ip = srv, None, None, ip
        if name:
            st, h, b = self.login(name, password)
            if st != 200:
                raise RuntimeError("login %s: %d %s" % (name, st, b))

    def hdr(self, extra=None):
        h = dict(extra or {})
        if self.ip:
            h["X-Forwarded-For"] = self.ip
        return h

    def login(self, name, password, headers=None):
        r = request(self.srv.port, "POST", "/api/v1/login", {"name": name, "password": password},
                    self.hdr(headers))
        if r[0] == 200:
            self.cookie = r[1]["set-cookie"].split(";")[0]
            self.csrf = jbody(r)["csrf"]
            ISSUED["sid"].add(self.cookie.split("=", 1)[1])
            ISSUED["csrf"].add(self.csrf)
        return r

    def call(self, method, path, body=None, csrf=True, headers=None):
        h = self.hdr(headers)
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        return request(self.srv.port, method, path, body, h)

    def j(self, method, path, body=None):
        r = self.call(method, path, body)
        return r[0], jbody(r)


def login_status(srv, name, password, ip):
    return request(srv.port, "POST", "/api/v1/login", {"name": name, "password": password},
                   {"X-Forwarded-For": ip})[0]


# ---- the server's threats ------------------------------------------------------------

PASSWORDS = {"mallory": "mallory-pass-1", "victim": "victim-pass-1", "guess1": "guess1-pass-1",
             "victim2": "victim2-pass-1", "resetme": "resetme-pass-1"}


def test_limiter(srv):
    """Runs first, on a fresh limiter: slots are taken in order."""
    ip = "10.77.0.1"
    st1 = login_status(srv, "mallory", "wrong-1", ip)
    st2 = [login_status(srv, "victim", "wrong-%d" % i, ip) for i in range(4)]
    st3 = login_status(srv, "mallory", PASSWORDS["mallory"], ip)  # clears mallory's slot
    st4 = login_status(srv, "victim", "wrong-5", ip)              # the fifth failure
    st5 = login_status(srv, "victim", PASSWORDS["victim"], ip)
    check(st1 == 401 and st2 == [401] * 4 and st3 == 200 and st4 == 401 and st5 == 429,
          "five failures lock a name even when another user's good login frees a limiter "
          "slot in between: %s %s %s %s %s" % (st1, st2, st3, st4, st5))
    # a stolen session is no way to guess the password either
    s = Session(srv, "guess1", PASSWORDS["guess1"], ip="10.77.0.2")
    codes = [s.call("POST", "/api/v1/me/password", {"old": "guess-%d" % i, "new": "x" * 12})[0]
             for i in range(6)]
    check(codes[:5] == [403] * 5 and codes[5] == 429,
          "a stolen session cannot guess the password: the 6th wrong current password gets "
          "429: %s" % codes)
    check(login_status(srv, "guess1", PASSWORDS["guess1"], "10.77.0.9") == 429,
          "... and the name is locked for logins too, from any address")
    # an unknown name costs an Argon2id check, like a real one
    times = {"victim2": [], "no-such-user-x": []}
    for i in range(3):
        for name in times:
            t0 = time.time()
            login_status(srv, name, "wrong-%d" % i, "10.77.0.3")
            times[name].append(time.time() - t0)
    real, fake = sorted(times["victim2"])[1], sorted(times["no-such-user-x"])[1]
    check(0.33 < fake / real < 3.0, "an unknown user name costs what a real one does "
          "(%.0f ms against %.0f ms): timing does not tell which names exist"
          % (fake * 1000, real * 1000))


def test_sessions(srv, admin):
    port = srv.port
    # fixation: a cookie set before login is not adopted
    fixed = "ab" * 32
    r = request(port, "POST", "/api/v1/login", {"name": "admin", "password": ADMIN_PW},
                {"Cookie": "sid=" + fixed})
    new = r[1].get("set-cookie", "").split(";")[0].split("=", 1)[-1]
    ISSUED["sid"].add(new)
    ISSUED["csrf"].add((jbody(r) or {}).get("csrf", ""))
    check(r[0] == 200 and re.fullmatch("[0-9a-f]{64}", new) and new != fixed,
          "session fixation: login issues a fresh sid, not the one the client brought")
    check(request(port, "GET", "/api/v1/me", headers={"Cookie": "sid=" + fixed})[0] == 401,
          "session fixation: the planted sid is still no session after the login")
    s1 = Session(srv, "admin", ADMIN_PW)
    check(s1.cookie.split("=")[1] != new and s1.csrf != admin.csrf,
          "every login gets its own sid and CSRF token")
    ck = r[1].get("set-cookie", "")
    check("Max-Age=43200" in ck and "Path=/" in ck,
          "the cookie lives session_hours (Max-Age=43200), no longer: %s" % ck)
    # server-side lifetime: fixed at login, not extended by use, enforced by the server
    db = sqlite3.connect(os.path.join(srv.data, "signage.db"), timeout=10)
    th = sha(s1.cookie.split("=")[1].encode())
    exp0 = db.execute("SELECT expires FROM sessions WHERE token_hash = ?", (th,)).fetchone()
    s1.call("GET", "/api/v1/me")
    time.sleep(1.1)
    s1.call("GET", "/api/v1/me")
    exp1 = db.execute("SELECT expires FROM sessions WHERE token_hash = ?", (th,)).fetchone()
    check(exp0 and exp0 == exp1 and abs(exp0[0] - time.time() - 43200) < 30,
          "a session's expiry is fixed at login; using it does not extend it (%s, %s)"
          % (exp0, exp1))
    db.execute("UPDATE sessions SET expires = ? WHERE token_hash = ?", (int(time.time()) - 1, th))
    db.commit()
    check(s1.call("GET", "/api/v1/me")[0] == 401,
          "an expired session is refused by the server, whatever the browser keeps")
    # the database keeps only the cookie's SHA-256
    rows = db.execute("SELECT token_hash FROM sessions").fetchall()
    check(rows and not [x for x in rows if x[0] in ISSUED["sid"]] and
          sha(admin.cookie.split("=")[1].encode()) in {x[0] for x in rows},
          "sessions are stored as SHA-256 of the cookie, never the cookie")
    db.close()
    # an admin's password reset ends the user's sessions at once
    st, users = admin.j("GET", "/api/v1/users")
    uid = [u["id"] for u in users["users"] if u["name"] == "resetme"][0]
    vs = Session(srv, "resetme", PASSWORDS["resetme"])
    before = vs.call("GET", "/api/v1/me")[0]
    st, _ = admin.j("PUT", "/api/v1/users/%d" % uid, {"password": "resetme-pass-2"})
    check(before == 200 and st == 200 and vs.call("GET", "/api/v1/me")[0] == 401,
          "an admin's password reset ends that user's open sessions")
    check(login_status(srv, "resetme", PASSWORDS["resetme"], "10.77.0.5") == 401 and
          login_status(srv, "resetme", "resetme-pass-2", "10.77.0.5") == 200,
          "... the old password is refused, the new one works")
    PASSWORDS["resetme2"] = "resetme-pass-2"
    # CSRF
    m = Session(srv, "mallory", PASSWORDS["mallory"])
    r = request(port, "POST", "/api/v1/items", {"kind": "notice", "title": "x", "groups": [1]},
                {"Cookie": admin.cookie, "X-CSRF-Token": m.csrf})
    check(r[0] == 403, "CSRF: another session's token does not pass (%d)" % r[0])
    r = request(port, "POST", "/api/v1/login",
                json.dumps({"name": "mallory", "password": PASSWORDS["mallory"]}).encode(),
                {"Content-Type": "text/plain"})
    check(r[0] == 415 and "set-cookie" not in r[1],
          "login CSRF: a cross-site form (text/plain) cannot log a browser in (%d)" % r[0])
    objs = len(os.listdir(os.path.join(srv.data, "objects")))
    boundary = "xyzzy"
    body = ("--%s\r\nContent-Disposition: form-data; name=f; filename=a.png\r\n"
            "Content-Type: image/png\r\n\r\n" % boundary).encode() + png(8, 8, 77) + \
        ("\r\n--%s--\r\n" % boundary).encode()
    r = request(port, "POST", "/api/v1/uploads", body,
                {"Cookie": admin.cookie,
                 "Content-Type": "multipart/form-data; boundary=" + boundary})
    check(r[0] == 403 and len(os.listdir(os.path.join(srv.data, "objects"))) == objs,
          "CSRF: a cross-site form upload (multipart, no X-CSRF-Token) is refused, nothing "
          "stored (%d)" % r[0])
    r = request(port, "OPTIONS", "/api/v1/items", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-csrf-token"})
    r2 = request(port, "GET", "/api/v1/me", headers={"Origin": "https://evil.example",
                                                     "Cookie": admin.cookie})
    allow = [k for k in list(r[1]) + list(r2[1]) if k.startswith("access-control")]
    check(r[0] == 405 and not allow,
          "no CORS: a preflight gets 405 and no response allows another origin")


def test_displays(srv, admin):
    port = srv.port
    for d in ("sec-a", "sec-b"):
        request(port, "GET", "/api/v1/displays/%s/manifest" % d)  # zero-touch
    ta = jbody(admin.call("POST", "/api/v1/displays/sec-a/token"))["token"]
    tb = jbody(admin.call("POST", "/api/v1/displays/sec-b/token"))["token"]
    ISSUED["token"].update((ta, tb))
    real = {"display": "sec-a", "showing": {"kind": "slide", "id": "real"}}
    fake = {"display": "sec-a", "showing": {"kind": "slide", "id": "forged"}}
    path = "/api/v1/displays/sec-a/status"
    check(request(port, "POST", path, real, {"Authorization": "Bearer " + ta})[0] == 200,
          "a display's heartbeat with its own token: 200")
    for label, h in (("no token", {}), ("a wrong token", {"Authorization": "Bearer " + "0" * 64}),
                     ("display sec-b's token", {"Authorization": "Bearer " + tb}),
                     ("a token in a cookie", {"Cookie": "sid=" + ta})):
        st = request(port, "POST", path, fake, h)[0]
        check(st == 401, "a display claiming sec-a's id with %s: heartbeat 401 (%d)" % (label, st))
    st = request(port, "GET", "/api/v1/displays/sec-a/manifest",
                 headers={"Authorization": "Bearer " + tb})[0]
    check(st == 401, "display sec-b's token does not fetch sec-a's manifest (%d)" % st)
    admin.call("POST", "/api/v1/displays/sec-a/screenshot-request")
    shot = DEMO_JPEG[:2000]
    for label, h in (("no token", {}),
                     ("display sec-b's token", {"Authorization": "Bearer " + tb})):
        st = request(port, "POST", "/api/v1/displays/sec-a/screenshot", shot,
                     dict(h, **{"Content-Type": "image/jpeg"}))[0]
        check(st == 401, "a requested screenshot for sec-a with %s: 401 before the body (%d)"
              % (label, st))
    st, d = admin.j("GET", "/api/v1/displays/sec-a")
    check(d["status"]["showing"]["id"] == "real" and d["shot_sha256"] is None and d["want_shot"],
          "after the forgeries sec-a's status, screenshot and request are its own: %s"
          % {k: d.get(k) for k in ("shot_sha256", "want_shot")})
    # a stolen token: the admin makes a new one, the old one is dead at once
    ta2 = jbody(admin.call("POST", "/api/v1/displays/sec-a/token"))["token"]
    ISSUED["token"].add(ta2)
    old = [request(port, "GET", "/api/v1/displays/sec-a/manifest",
                   headers={"Authorization": "Bearer " + ta})[0],
           request(port, "POST", path, real, {"Authorization": "Bearer " + ta})[0]]
    new = request(port, "GET", "/api/v1/displays/sec-a/manifest",
                  headers={"Authorization": "Bearer " + ta2})[0]
    check(old == [401, 401] and new == 200,
          "a stolen token is revoked by a new one: old token %s, new token %d" % (old, new))
    db = sqlite3.connect(os.path.join(srv.data, "signage.db"), timeout=10)
    th = db.execute("SELECT token_hash FROM displays WHERE id = 'sec-a'").fetchone()[0]
    db.close()
    check(th == sha(ta2.encode()), "the database keeps the display token's SHA-256, not the token")


def test_injection_and_paths(srv, admin, default):
    port = srv.port
    evil = "x'); DROP TABLE items; --"
    st, g = admin.j("POST", "/api/v1/groups", {"name": evil})
    st2, gs = admin.j("GET", "/api/v1/groups")
    check(st == 201 and evil in [x["name"] for x in gs["groups"]],
          "SQL injection: a group named %r is stored as written" % evil)
    n_items = len(admin.j("GET", "/api/v1/items")[1]["items"])
    st, it = admin.j("POST", "/api/v1/items", {"kind": "notice", "groups": [default],
                                               "title": "'; DELETE FROM users; --"})
    check(st == 201 and admin.j("GET", "/api/v1/items/%d" % it["id"])[1]["title"] ==
          "'; DELETE FROM users; --", "SQL injection: a notice title of SQL is kept as text")
    for q in ("state=x'%20OR%20'1'='1", "kind=x'%20OR%201=1--", "state=draft'--"):
        st, b = admin.j("GET", "/api/v1/items?" + q)
        check(st == 200 and b["items"] == [], "SQL injection: ?%s matches nothing" % q)
    for name in ("admin' --", "admin' OR '1'='1", "\" OR 1=1 --"):
        check(login_status(srv, name, "x", "10.77.0.4") == 401,
              "SQL injection: a login as %r is refused" % name)
    check(len(admin.j("GET", "/api/v1/items")[1]["items"]) == n_items + 1 and
          len(admin.j("GET", "/api/v1/users")[1]["users"]) == 6,
          "every table is whole after the injections")
    # no directory listing, nothing outside objects/ and web/
    for p in ("/assets/", "/assets", "/ui/", "/api/v1/", "/objects/", "/signage.db", "/tmp/"):
        st = request(port, "GET", p)[0]
        check(st in (404, 405), "no directory listing or data file: GET %s is %d" % (p, st))
    st = request(port, "HEAD", "/assets/")[0]
    check(st == 404, "HEAD /assets/ is 404 too (%d)" % st)
    r = request(port, "GET", "/%3Cscript%3Ealert(1)%3C/script%3E")
    check(r[0] == 404 and r[1].get("content-type", "").startswith("application/json") and
          r[1].get("x-content-type-options") == "nosniff",
          "a path of markup comes back in JSON with nosniff, never as a page")
    r = request(port, "GET", "/ui/app.js")
    check("script-src 'self'" in r[1].get("content-security-policy", "") and
          r[1].get("x-content-type-options") == "nosniff",
          "the pages' script is served with the same CSP and nosniff")


def test_markup(srv, admin, default):
    title = "<script>alert(1)</script>"
    body = "<img src=x onerror=alert(1)>\n</textarea><svg onload=alert(1)>"
    st, it = admin.j("POST", "/api/v1/items", {"kind": "notice", "title": title, "body": body,
                                               "groups": [default]})
    r = admin.call("GET", "/api/v1/items/%d" % it["id"])
    b = jbody(r)
    check(st == 201 and b["title"] == title and b["body"] == body and
          r[1]["content-type"].startswith("application/json") and
          r[1].get("x-content-type-options") == "nosniff",
          "stored markup: kept as written, served only as JSON with nosniff")
    st, pv = admin.j("POST", "/api/v1/preview", {"kind": "notice", "title": title, "body": body,
                                                 "width": 640, "height": 360})
    data = base64.b64decode(pv["png"].split(",", 1)[1]) if st == 200 else b""
    check(st == 200 and data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) ==
          (640, 360), "the player draws a notice of markup as text (preview %d)" % st)
    check(os.listdir(os.path.join(srv.data, "tmp")) == [], "the preview leaves nothing in tmp/")


def test_upload_bomb(srv, admin):
    before = vm_hwm(srv.p.pid)
    t0 = time.time()
    r = admin.call("POST", "/api/v1/uploads?name=bomb.png", BOMB,
                   headers={"Content-Type": "application/octet-stream"})
    dt = time.time() - t0
    after = vm_hwm(srv.p.pid)
    EVIDENCE["zlib bomb upload: seconds, server peak MiB before/after"] = (
        round(dt, 2), before and round(before), after and round(after))
    b = jbody(r) or {}
    check(r[0] == 201 and b.get("width") == 7000 and dt < 15 and after - before < 120,
          "a %d KB PNG of 49 megapixels (a zlib bomb inside the pixel limit) is checked in "
          "%.1f s with %.0f MiB more peak memory (%d)"
          % (len(BOMB) // 1024, dt, after - before, r[0]))
    # the same zlib trick past the pixel limit is refused from the header
    big = png_bomb(7100, 7100)
    r = admin.call("POST", "/api/v1/uploads?name=bomb2.png", big,
                   headers={"Content-Type": "application/octet-stream"})
    check(r[0] == 422, "a 50.4-megapixel zlib bomb is refused from its header: %d" % r[0])


def test_backup_mode(srv):
    out = os.path.join(WORK, "backup.tar")
    r = subprocess.run([SERVER, "--data", srv.data, "backup", "--out", out],
                       capture_output=True, text=True, timeout=60)
    mode = os.stat(out).st_mode & 0o777 if os.path.exists(out) else None
    check(r.returncode == 0 and mode == 0o600,
          "a backup (it holds password hashes) is written mode 0600: %s %s" % (
              oct(mode) if mode else None, r.stderr.strip()[:200]))


def test_secrets_at_rest(srv, admin):
    st, au = admin.j("GET", "/api/v1/audit?limit=1000")
    audit_text = json.dumps(au, ensure_ascii=False)
    blobs = {"the database": b"", "the server's log": open(srv.logpath, "rb").read(),
             "the audit log": audit_text.encode()}
    for f in ("signage.db", "signage.db-wal"):
        p = os.path.join(srv.data, f)
        if os.path.exists(p):
            blobs["the database"] += open(p, "rb").read()
    secrets = {"a password": [ADMIN_PW] + list(PASSWORDS.values()),
               "a session cookie": sorted(ISSUED["sid"]),
               "a CSRF token": sorted(ISSUED["csrf"] - {""}),
               "a display token": sorted(ISSUED["token"])}
    for where, blob in blobs.items():
        for what, vals in secrets.items():
            if where == "the database" and what == "a CSRF token":
                continue  # kept to be compared; worth nothing without the session's cookie
            hits = [v for v in vals if v and v.encode() in blob]
            check(not hits, "no secret in %s: %s (%d found)" % (where, what, len(hits)))
    db = sqlite3.connect(os.path.join(srv.data, "signage.db"), timeout=10)
    hashes = [x[0] for x in db.execute("SELECT pwhash FROM users")]
    db.close()
    check(hashes and all(h.startswith("$argon2id$") for h in hashes),
          "passwords are stored as Argon2id hashes only")


def local_address():
    """A non-loopback IPv4 address of this machine, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.connect(("192.0.2.1", 9))  # no packet is sent
            ip = u.getsockname()[0]
        return None if ip.startswith("127.") else ip
    except OSError:
        return None


def test_proxy_headers():
    """secure_cookies, and proxy headers trusted only from this machine."""
    ip = local_address()
    data = os.path.join(WORK, "server-data-2")
    shutil.rmtree(data, ignore_errors=True)
    srv = Server(data, ["secure_cookies = true"], listen="%s:0" % (ip or "127.0.0.1"))
    try:
        def call(method, path, body=None, headers=None):
            c = http.client.HTTPConnection(ip or "127.0.0.1", srv.port, timeout=30)
            c.request(method, path, body=json.dumps(body).encode() if body else None,
                      headers=dict(headers or {}, **{"Content-Type": "application/json"}))
            r = c.getresponse()
            out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
            c.close()
            return out
        r = call("POST", "/api/v1/login", {"name": "admin", "password": ADMIN_PW})
        ISSUED["sid"].add(r[1].get("set-cookie", "").split(";")[0].split("=", 1)[-1])
        check(r[0] == 200 and "; Secure" in r[1].get("set-cookie", ""),
              "secure_cookies = true marks the session cookie Secure")
        if not ip:
            print("skipped: no non-loopback address to test proxy headers from", flush=True)
            return
        cookie = r[1]["set-cookie"].split(";")[0]
        call("POST", "/api/v1/login", {"name": "admin", "password": "wrong"},
             {"X-Forwarded-For": "10.1.2.3"})
        st, h, b = call("GET", "/api/v1/audit?limit=5", headers={"Cookie": cookie})
        fails = [x for x in json.loads(b)["audit"] if x["action"] == "login-failed"]
        check(fails and fails[0]["detail"] == ip,
              "X-Forwarded-For from a peer that is not this machine is ignored: the audit log "
              "and the limiter see %s, not the forged 10.1.2.3 (%s)"
              % (ip, fails and fails[0]["detail"]))
    finally:
        srv.stop()


def server_tests():
    data = os.path.join(WORK, "server-data")
    shutil.rmtree(data, ignore_errors=True)
    srv = Server(data)
    try:
        admin = Session(srv, "admin", ADMIN_PW)
        st, gs = admin.j("GET", "/api/v1/groups")
        default = [g["id"] for g in gs["groups"] if g["is_default"]][0]
        for name in ("mallory", "victim", "guess1", "victim2", "resetme"):
            st, _ = admin.j("POST", "/api/v1/users", {"name": name, "role": "contributor",
                                                      "password": PASSWORDS[name]})
            if st != 201:
                raise RuntimeError("user %s: %d" % (name, st))
        test_limiter(srv)
        test_sessions(srv, admin)
        test_displays(srv, admin)
        test_injection_and_paths(srv, admin, default)
        test_markup(srv, admin, default)
        test_upload_bomb(srv, admin)
        test_backup_mode(srv)
        test_proxy_headers()  # a second server, on this machine's other address
        test_secrets_at_rest(srv, admin)  # last: every secret issued so far
    finally:
        srv.stop()


# ---- a hostile content server for the player -----------------------------------------

class HState:
    def __init__(self):
        self.cv = threading.Condition()
        self.scenario = "good"
        self.gen = 0
        self.good = (b"", "")
        self.files = {}
        self.log = []
        self.extra = {}


class Hostile(BaseHTTPRequestHandler):
    """Serves the player API from HState, bent by the current scenario."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError, OSError):
            self.close_connection = True

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def wait_gone(self, seconds):
        """Sits on the connection until the client leaves (or `seconds`)."""
        t0 = time.time()
        self.close_connection = True
        while time.time() - t0 < seconds:
            time.sleep(0.1)
            try:
                self.connection.settimeout(0.0)
                if self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    return
            except BlockingIOError:
                pass
            except OSError:
                return

    def do_POST(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        with st.cv:
            st.log.append({"method": "POST", "path": self.path,
                           "authorization": self.headers.get("Authorization")})
        if self.path.endswith("/status"):
            return self.answer(200, b'{"screenshot": false}',
                               [("Content-Type", "application/json")])
        return self.answer(404, b"no\n")

    def do_GET(self):
        st = self.server.state
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        inm = self.headers.get("If-None-Match")
        with st.cv:
            st.log.append({"method": "GET", "path": self.path, "inm": inm,
                           "authorization": self.headers.get("Authorization")})
        if self.server.role == "elsewhere":
            return self.answer(404, b"second host\n")
        if u.path.startswith("/assets/"):
            return self.asset(u.path.split("/")[-1])
        if not u.path.endswith("/manifest"):
            return self.answer(404, b"no\n")
        wait = float(q.get("wait", 0) or 0)
        with st.cv:
            gen = st.gen
            if st.scenario == "good" and inm and inm == st.good[1] and wait > 0:
                # held long enough that the player counts it as a long-poll
                until = time.time() + wait * 0.6
                while st.gen == gen and time.time() < until:
                    st.cv.wait(until - time.time())
            scen = st.scenario
            body, etag = st.good
        if scen == "good":
            if inm == etag:
                return self.answer(304, headers=[("ETag", etag)])
            return self.answer(200, body, [("Content-Type", "application/json"), ("ETag", etag)])
        return getattr(self, "s_" + scen)()

    def asset(self, name):
        st = self.server.state
        if name == "endless":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            blob = b"%x\r\n%s\r\n" % (65536, b"\xff" * 65536)
            t0 = time.time()
            while time.time() - t0 < 20:
                self.wfile.write(blob)
            self.close_connection = True
            return
        data = st.files.get(name)
        if data is None:
            return self.answer(404, b"no such asset\n")
        return self.answer(200, data, [("Content-Type", "application/octet-stream")])

    # -- the hostile manifests
    def s_million(self):
        body = b'{"schema": 1, "slides": [' + b"{}," * 999999 + b"{}]}"
        self.answer(200, body, [("Content-Type", "application/json"), ("ETag", '"million"')])

    def s_gzip(self):
        gz = self.server.state.extra["gzip"]
        self.answer(200, gz, [("Content-Type", "application/json"), ("Content-Encoding", "gzip"),
                              ("ETag", '"gzip-bomb"')])

    def s_stall(self):
        body = self.server.state.extra["stall"]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.wait_gone(20)

    def s_manifest(self):
        """A prepared manifest for this scenario (state.extra[scenario])."""
        with self.server.state.cv:
            body, etag = self.server.state.extra[self.server.state.scenario]
        self.answer(200, body, [("Content-Type", "application/json"), ("ETag", etag)])

    s_endless = s_fileurl = s_bigdeck = s_hostile = s_cdn = s_manifest

    def s_redirect(self):
        self.answer(302, b"", [("Location", self.server.state.extra["redirect"])])


def hostile_server(role="main", tls=None):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    srv.daemon_threads = True
    srv.state = HState()
    srv.role = role
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return srv


def manifest_doc(version, slides):
    return {"schema": 1, "version": version, "display": {"id": "sec-player"},
            "theme": {"title": "安全测试"}, "slides": slides}


def media(data, url=None):
    return {"sha256": sha(data), "size": len(data), "type": "image/png",
            "url": url or "/assets/" + sha(data)}


def encode(doc):
    body = json.dumps(doc, ensure_ascii=False).encode()
    return body, '"%s"' % sha(body)


class Player:
    """The real player, headless, optionally under strace."""

    def __init__(self, root, name, conf, args=(), trace=None):
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, exist_ok=True)
        self.cache = os.path.join(root, "cache-" + name)
        self.rundir = os.path.join(root, "run-" + name)
        os.makedirs(self.rundir, exist_ok=True)
        self.status = os.path.join(self.rundir, "status.json")
        cfg = os.path.join(self.dir, "player.conf")
        open(cfg, "w").write(conf)
        self.logpath = os.path.join(self.dir, "player.log")
        home = os.path.join(root, "home")
        os.makedirs(home, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "NOTIFY_",
                                                                       "WATCHDOG_", "SIGNAGE_"))}
        env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", HOME=home,
                   SIGNAGE_DEBUG="1")
        cmd = [PLAYER, "--config", cfg, "--cache", self.cache, "--status", self.status,
               "--windowed", "--size", "320x180"] + list(args)
        if trace:
            cmd = ["strace", "-ff", "-qq", "-y", "-o", trace, "-e",
                   "trace=execve,execveat,open,openat,creat,rename,renameat,renameat2,unlink,"
                   "unlinkat,mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate,rmdir"] + cmd
        self.p = subprocess.Popen(cmd, stdout=open(self.logpath, "a"), stderr=subprocess.STDOUT,
                                  env=env)

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
            if self.p.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    def log(self):
        return open(self.logpath, encoding="utf-8", errors="replace").read()

    def traced(self):
        """The player's pid when it runs under strace (strace's child), else None."""
        try:
            for t in os.listdir("/proc/%d/task" % self.p.pid):
                kids = open("/proc/%d/task/%s/children" % (self.p.pid, t)).read().split()
                if kids:
                    return int(kids[0])
        except OSError:
            pass
        return None

    def stop(self):
        # A SIGTERM to strace would only detach it and leave the player running:
        # the player itself is stopped, and strace ends with it.
        target = self.traced() if self.p.args[0] == "strace" else None
        if self.p.poll() is None:
            if target:
                os.kill(target, signal.SIGTERM)
            else:
                self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(15)
            except subprocess.TimeoutExpired:
                if target:
                    try:
                        os.kill(target, signal.SIGKILL)
                    except OSError:
                        pass
                self.p.kill()
                self.p.wait()


def tree(root, skip):
    """Every path under root, but those under the `skip` directories."""
    out = set()
    for d, dirs, files in os.walk(root):
        if any(d == s or d.startswith(s + os.sep) for s in skip):
            dirs[:] = []
            continue
        for n in dirs + files:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")


def strace_writes(prefix):
    """(execve lines, [(call, path)] of every successful write to the file system, every
    path opened) from the per-thread logs of strace -ff -o PREFIX."""
    execs, writes, opened = [], [], []
    d, base = os.path.split(prefix)
    lines = []
    for n in sorted(os.listdir(d)):
        if n.startswith(base + "."):
            lines += open(os.path.join(d, n), errors="replace").read().splitlines()
    for line in lines:
        m = re.match(r"(\w+)\((.*)\)\s+=\s+(-?\d+)", line)
        if not m:
            continue
        call, args, rc = m.group(1), m.group(2), int(m.group(3))
        if call.startswith("execve"):
            execs.append(line.strip())
            continue
        if rc < 0:
            continue
        paths = re.findall(r'(?:(?:\d+|AT_FDCWD)<([^>]*)>, )?"([^"]*)"', args)
        if call in ("open", "openat", "creat"):
            opened += [p for _, p in paths[:1]]
            if call != "creat" and not any(f in args for f in WRITE_FLAGS):
                continue
            paths = paths[:1]
        elif call in ("rename", "renameat", "renameat2", "link", "linkat", "symlink",
                      "symlinkat"):
            paths = paths[-1:]  # the name that appears
        for dirpath, p in paths:
            if not p.startswith("/") and dirpath:
                p = os.path.join(dirpath, p)
            writes.append((call, os.path.normpath(p)))
    return execs, writes, opened


def player_tests():
    root = os.path.join(WORK, "hroot")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    outside = os.path.join(root, "outside")  # what "../" in a manifest aims at
    os.makedirs(outside)
    main = hostile_server()
    other = hostile_server("elsewhere")
    st = main.state
    pics = [png(160, 90, 1), png(160, 90, 2)]
    for p in pics + [BOMB]:
        st.files[sha(p)] = p
    good_slides = [{"id": "pic-%d" % i, "kind": "image", "duration": 2, "media": media(p)}
                   for i, p in enumerate(pics)]
    good_slides.append({"id": "bomb", "kind": "image", "duration": 2, "media": media(BOMB)})
    good_slides.append({"id": "note", "kind": "notice", "duration": 2,
                        "title": "<script>alert(1)</script>",
                        "body": "<img src=x onerror=alert(1)>"})
    st.good = encode(manifest_doc("good-A", good_slides))
    # the scenarios' bodies
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    st.extra["gzip"] = b"".join(co.compress(b" " * (1 << 20)) for _ in range(64)) + co.flush()
    st.extra["stall"] = json.dumps(manifest_doc("stall", good_slides)).encode() + b" " * 200000
    endless = {"sha256": "e" * 64, "size": 1000, "type": "image/png", "url": "/assets/endless"}
    st.extra["endless"] = encode(manifest_doc("endless", good_slides + [
        {"id": "endless", "kind": "image", "media": endless}]))
    passwd = open("/etc/passwd", "rb").read()
    st.extra["fileurl"] = encode(manifest_doc("fileurl", good_slides + [
        {"id": "passwd", "kind": "image",
         "media": dict(media(passwd, "file:///etc/passwd"), type="image/png")}]))
    fake = ["%064x" % (i + 1) for i in range(1000)]
    st.extra["bigdeck"] = encode(manifest_doc("bigdeck", [
        {"id": "big-%d" % i, "kind": "image",
         "media": {"sha256": h, "size": 64 << 20, "type": "image/jpeg", "url": "/assets/" + h}}
        for i, h in enumerate(fake)]))
    st.extra["redirect"] = "http://127.0.0.1:%d/api/v1/displays/sec-player/manifest" % \
        other.server_address[1]
    cdn_pic = png(160, 90, 3)
    st.extra["cdn"] = encode(manifest_doc("cdn", good_slides + [
        {"id": "cdn", "kind": "image", "media": media(
            cdn_pic, "http://127.0.0.1:%d/assets/%s" % (other.server_address[1], sha(cdn_pic)))}]))
    hostile_slides = good_slides + [
        {"id": "climb", "kind": "image",
         "media": {"sha256": "../../../../outside/pwned", "size": 10, "type": "image/png",
                   "url": "../../../../outside/pwned"}},
        {"id": "abs", "kind": "image",
         "media": {"sha256": "/" + "a" * 63, "size": 10, "type": "image/png",
                   "url": "/etc/passwd"}},
        {"id": "upper", "kind": "image",
         "media": dict(media(pics[0]), sha256=sha(pics[0]).upper())},
        {"id": "bell\u0007", "kind": "notice", "title": "x"},
        {"id": "nul", "kind": "notice", "title": "a\u0000b"},
        {"id": "zero", "kind": "image", "media": dict(media(pics[0]), size=0)},
    ]
    doc = manifest_doc("good-B", hostile_slides)
    canary = os.path.join(outside, "ran")
    doc["screen_off_command"] = "touch " + canary
    doc["display"]["screen_off_command"] = "touch " + canary
    doc["display"]["timezone"] = "../../../../etc/passwd"
    body = json.dumps(doc, ensure_ascii=False).encode()
    long_etag = '"' + "A" * 300 + '"'
    st.extra["hostile"] = (body, long_etag)

    token = "sec-player-token-%d" % random.randrange(1 << 30)
    conf = ("server = http://127.0.0.1:%d\ndisplay = sec-player\ntoken = %s\npoll_interval = 5\n"
            "long_poll = 2\nretry_max = 5\nstall_timeout = 2\nheartbeat_interval = 60\n"
            "cache_max_mb = 64\n" % (main.server_address[1], token))
    trace = os.path.join(WORK, "strace", "t")  # strace -ff: one file per thread, t.PID
    shutil.rmtree(os.path.dirname(trace), ignore_errors=True)
    os.makedirs(os.path.dirname(trace))
    have_strace = shutil.which("strace") is not None
    p = Player(root, "hostile", conf, trace=trace if have_strace else None)
    skip = [p.cache, p.rundir, os.path.join(root, "hostile")]

    def version_is(v):
        return lambda s: s.get("manifest_version") == v and s["sync"]["state"] == "ok"

    try:
        s0 = p.wait(version_is("good-A"), 20)
        check(s0 is not None, "the player syncs the good deck from the test server: %s" % p.read())
        if s0 is None:
            return
        snapshot = tree(root, skip)

        def scenario(name, expect, what):
            with st.cv:
                st.scenario = name
                st.gen += 1
                st.cv.notify_all()
                mark = len(st.log)
            words = expect if isinstance(expect, tuple) else (expect,)
            s = p.wait(lambda s: s["sync"]["state"] in ("error", "offline") and
                       any(w in (s["sync"]["last_error"] or "") for w in words), 20)
            err = s and s["sync"]["last_error"]
            now = p.read() or {}
            check(s is not None and now.get("manifest_version") == "good-A" and
                  now.get("showing", {}).get("kind") == "slide",
                  "hostile server, %s: refused with \"%s\", the last good deck plays on: %s"
                  % (what, "\" or \"".join(words), err or (p.read() or {}).get("sync")))
            with st.cv:
                st.scenario = "good"
                st.gen += 1
                st.cv.notify_all()
                seen = st.log[mark:]
            p.wait(lambda s: s["sync"]["state"] == "ok", 15)
            return seen

        scenario("million", "more than 250000 JSON values",
                 "a manifest of 1,000,000 slides (3 MB)")
        scenario("gzip", "larger than 16777216 bytes",
                 "a gzip bomb (%d KB that inflate to 64 MiB)" % (len(st.extra["gzip"]) // 1024))
        scenario("endless", "larger than 1000 bytes",
                 "an endless chunked picture")
        scenario("stall", ("stalled", "too slow"), "a manifest that stops halfway")
        scenario("fileurl", "only http and https",
                 "a picture url file:///etc/passwd with its true sha256 and size")
        check(not os.path.exists(os.path.join(p.cache, "objects", sha(passwd))),
              "/etc/passwd never entered the cache")
        seen = scenario("bigdeck", "cache full", "1000 slides promising 64 MiB each")
        check(not [r for r in seen if r["path"].startswith("/assets/")],
              "a deck over the cache cap is refused before a byte of it is fetched")
        for name, what in (("redirect", "a redirect of the manifest to another server"),
                           ("cdn", "a picture url on another server (a CDN)")):
            with other.state.cv:
                mark = len(other.state.log)
            scenario(name, "HTTP 404: second host", what)
            with other.state.cv:
                there = other.state.log[mark:]
            check(there and all(r["authorization"] is None for r in there),
                  "the bearer token never goes to another server (another port), for %s: %s"
                  % (what, [r["authorization"] for r in there][:2]))
        with st.cv:
            home = [r for r in st.log if r["path"].startswith("/api/")]
        check(home and all(r["authorization"] == "Bearer " + token for r in home),
              "... and always to the configured one (%d requests)" % len(home))
        # a manifest full of hostile fields is taken for what is valid in it
        with st.cv:
            st.scenario = "hostile"
            st.gen += 1
            st.cv.notify_all()
        sb = p.wait(lambda s: s.get("manifest_version") == "good-B" and
                    s["active_slides"] == len(good_slides), 20)
        with st.cv:
            st.good = (body, '"%s"' % sha(body))  # the same bytes, a sane ETag from now on
            st.scenario = "good"
            st.gen += 1
            st.cv.notify_all()
            mark = len(st.log)
        log = p.log()
        check(sb is not None and sb["active_slides"] == len(good_slides) and
              "expected 64 lowercase hex digits" in log and "control characters" in log,
              "hostile fields (a sha256 of ../, an absolute path, upper case, a BEL in an id, a "
              "NUL, size 0) drop only their slides: %s active"
              % (sb and sb["active_slides"]))
        t0 = time.time()
        while time.time() - t0 < 12:  # the next poll (the player may nap poll_interval)
            with st.cv:
                later = [r for r in st.log[mark:] if "/manifest" in r["path"]]
            if len(later) >= 2:
                break
            time.sleep(0.2)
        etag_file = os.path.join(p.cache, "manifest.etag")
        check(later and all(len(r.get("inm") or "") < 256 for r in later) and
              (not os.path.exists(etag_file) or "A" * 300 not in open(etag_file).read()),
              "a 300-byte ETag is neither kept nor sent back")
        objs = os.listdir(os.path.join(p.cache, "objects"))
        check(objs and all(re.fullmatch("[0-9a-f]{64}", o) for o in objs),
              "the cache holds only files named by a valid sha256: %s" % objs[:3])
        check(not os.listdir(outside), "nothing appeared in the folder ../ aims at: %s"
              % os.listdir(outside))
        check(tree(root, skip) == snapshot, "no file appeared or went outside the cache and "
              "the status file: %s" % sorted(tree(root, skip) ^ snapshot)[:5])
        check(token not in p.log(), "the player's log never holds its token")
        now = p.read() or {}
        hwm = vm_hwm(now.get("pid", 0))
        EVIDENCE["player peak memory (MiB)"] = hwm and round(hwm)
        check(hwm is not None and hwm < 200,
              "memory stays bounded through every hostile answer: peak %s MiB" % (
                  hwm and round(hwm)))
    finally:
        p.stop()
        main.shutdown()
        other.shutdown()
    if not have_strace:
        check(False, "strace is missing (apt-get install strace): execve and writes unchecked")
        return
    execs, writes, opened = strace_writes(trace)
    check(not [o for o in opened if "passwd" in o],
          "the player never opened /etc/passwd (a file:// url, a display.timezone of "
          "../../../../etc/passwd)")
    check(len(execs) == 1 and PLAYER.split("/")[-1] in execs[0],
          "the player executes nothing during a hostile sync (execve calls: %d)" % len(execs))
    allowed = [os.path.normpath(p.cache), os.path.normpath(p.rundir), "/dev/null"]
    EVIDENCE["player writes during the hostile sync"] = len(writes)
    bad = sorted({w for w in writes if w[1] != os.path.normpath(p.cache) and
                  not any(w[1] == a or w[1].startswith(a + "/") for a in allowed)})
    check(writes and not bad, "every file the player writes is in its cache or its status "
          "directory (%d writes; outside: %s)" % (len(writes), bad[:5]))


def tls_tests():
    root = os.path.join(WORK, "tls")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)

    def cert(name, san):
        c, k = os.path.join(root, name + ".pem"), os.path.join(root, name + ".key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=" + name, "-addext", "subjectAltName=" + san,
                        "-keyout", k, "-out", c], check=True, capture_output=True)
        return c, k

    right = cert("right", "IP:127.0.0.1")
    wrong = cert("wrong", "DNS:wrong.example")
    plain = hostile_server()  # what a downgrade would reach
    pic = png(160, 90, 5)
    plain.state.files[sha(pic)] = pic
    plain.state.good = encode(manifest_doc("downgraded", [
        {"id": "p", "kind": "image", "media": media(pic)}]))
    t1 = hostile_server(tls=right)
    t1.state.scenario = "redirect"
    t1.state.extra["redirect"] = "http://127.0.0.1:%d/api/v1/displays/sec-tls/manifest" % \
        plain.server_address[1]
    t2 = hostile_server(tls=wrong)
    base = "display = sec-tls\npoll_interval = 5\nretry_max = 5\nstall_timeout = 2\n" \
           "heartbeat_interval = 60\ntoken = tls-token\n"
    p1 = Player(root, "downgrade", base + "server = https://127.0.0.1:%d\nca_file = %s\n"
                % (t1.server_address[1], right[0]))
    p2 = Player(root, "hostname", base + "server = https://127.0.0.1:%d\nca_file = %s\n"
                % (t2.server_address[1], wrong[0]))
    try:
        s1 = p1.wait(lambda s: s["sync"]["last_error"] or s.get("manifest_version"), 15)
        with plain.state.cv:
            reached = list(plain.state.log)
        with t1.state.cv:
            over_tls = [r for r in t1.state.log if "/manifest" in r["path"]]
        check(s1 is not None and s1.get("manifest_version") is None and not reached and
              "https" in (s1["sync"]["last_error"] or "") and over_tls,
              "a redirect from https:// to plain http:// is refused (TLS downgrade): %s; "
              "%d requests reached the plain server" % (s1 and s1["sync"], len(reached)))
        s2 = p2.wait(lambda s: s["sync"]["last_error"], 15)
        err = (s2 and s2["sync"]["last_error"]) or ""
        check(s2 is not None and s2["sync"]["state"] == "error" and
              ("subject name" in err or "certificate" in err.lower()) and
              not t2.state.log, "a certificate for another host name is refused, even from "
              "the trusted CA file: %s" % err)
    finally:
        p1.stop()
        p2.stop()
        for s in (plain, t1, t2):
            s.shutdown()


def folder_tests():
    """A hostile local content folder (a USB stick, a share)."""
    root = os.path.join(WORK, "folder")
    shutil.rmtree(root, ignore_errors=True)
    d = os.path.join(root, "deck")
    os.makedirs(d)
    outside = png(64, 64, 9)
    open(os.path.join(root, "outside.png"), "wb").write(outside)
    os.symlink("/dev/zero", os.path.join(d, "zero.png"))
    doc = manifest_doc("usb", [
        {"id": "zero", "kind": "image", "media": {"sha256": "0" * 64, "size": 1000,
                                                  "type": "image/png", "url": "zero.png"}},
        {"id": "climb", "kind": "image", "media": media(outside, "../outside.png")},
        {"id": "ok", "kind": "notice", "title": "ok"}])
    json.dump(doc, open(os.path.join(d, "manifest.json"), "w"))
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    t0 = time.time()
    r = subprocess.run([PLAYER, "--config", "/dev/null", "--check", "--content", d],
                       capture_output=True, text=True, timeout=30, env=env)
    dt = time.time() - t0
    out = r.stdout + r.stderr
    check(r.returncode == 1 and "not a regular file" in out and dt < 10,
          "a picture that is /dev/zero is refused at once (%.1f s), never read: %s"
          % (dt, out[-300:]))
    check("not a plain relative path inside the folder" in out and "../outside.png" in out,
          "a url that climbs out of the folder is refused, though its sha256 is right")
    d2 = os.path.join(root, "deck2")
    os.makedirs(d2)
    os.symlink("/dev/zero", os.path.join(d2, "manifest.json"))
    t0 = time.time()
    r = subprocess.run([PLAYER, "--config", "/dev/null", "--content", d2, "--screenshot",
                        os.path.join(root, "x.png")], capture_output=True, text=True,
                       timeout=30, env=env)
    dt = time.time() - t0
    check(r.returncode != 0 and "not a regular file" in r.stdout + r.stderr and dt < 10,
          "a manifest.json that is /dev/zero is refused at once (%.1f s), the waiting screen "
          "is drawn" % dt)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    # the server's checks and the player's run side by side: they share nothing
    errors = []

    def guarded(f):
        try:
            f()
        except Exception as e:  # a crash in one part is a failure, not a hang
            import traceback
            traceback.print_exc()
            errors.append("%s: %r" % (f.__name__, e))

    threads = [threading.Thread(target=guarded, args=(f,)) for f in (server_tests, player_tests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    guarded(tls_tests)
    guarded(folder_tests)
    for e in errors:
        check(False, "the test itself failed: " + e)
    for k, v in EVIDENCE.items():
        print("evidence: %s: %s" % (k, v))
    print("security_it: %d passed, %d failed (%.0f s)" % (passed, failed, time.time() - T0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

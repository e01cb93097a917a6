#!/usr/bin/env python3
"""A content server for the player's integration tests that can misbehave on
purpose.  Standard library only; listens on 127.0.0.1.

    fault_server.py --port 0 --port-file FILE --deck DIR [--token T] [--tls CERT KEY]

A deck is a folder with manifest.json and the files it names.  Every file of
every deck loaded so far stays downloadable by its sha256.

Player API (what signage-server will offer; see docs/protocol.md):
  GET  /api/v1/displays/{id}/manifest[?wait=S]  the deck's manifest with media urls
       rewritten to /assets/{sha256}; strong ETag; 304 on If-None-Match; with
       wait=S and a current ETag the request is held until the deck changes
       (200) or S seconds pass (304).
  GET  /assets/{sha256}                         immutable, Range (206) supported
  GET  /static/{path}                           the deck folder as a static host
                                                (nginx-like: ETag, 304, no long-poll)
  POST /api/v1/displays/{id}/status             heartbeat JSON -> {"screenshot": bool}
  POST /api/v1/displays/{id}/screenshot         image/jpeg -> 204
With --token, /api/v1/... needs "Authorization: Bearer T" (else 401).

Control (never faulted):
  POST /_control/deck        {"dir": DIR}           switch decks, wake held polls
  POST /_control/faults      {"rules": [RULE...]}   replace the fault rules
  POST /_control/down        {"down": bool}         close every connection unanswered
  POST /_control/screenshot  {"display": ID}        the next heartbeat reply asks for one
  GET  /_log, POST /_log/reset                      requests seen (method, path, status,
                                                    bytes_in, bytes_out, duration, headers)
  GET  /_status/{id}                                heartbeats and screenshots received
  GET  /_shot/{id}                                  the last screenshot (JPEG)

RULE = {"match": "manifest"|"assets"|"all"|SHA256, "fault": F, "count": N (optional), ...}
  F: "status" (+"code"), "truncate", "corrupt", "wrong_size", "drip" (+"rate" B/s),
     "malformed", "huge" (+"mb"), "huge_chunked" (+"mb"), "redirect_loop",
     "redirect" (+"to"), "hang", "close".
"""
import argparse
import hashlib
import json
import os
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Condition()
STATE = {
    "deck": None,        # current deck dir
    "manifest": b"",     # server-mode manifest body
    "etag": "",
    "files": {},         # sha256 -> bytes, every deck so far
    "rules": [],
    "down": False,
    "log": [],
    "statuses": {},      # display -> [json]
    "shots": {},         # display -> {"n", "size", "type"}
    "want_shot": set(),
}
ARGS = None


def load_deck(d):
    m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
    files = {}
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if os.path.isfile(p):
            data = open(p, "rb").read()
            files[hashlib.sha256(data).hexdigest()] = data
    media = [s["media"] for s in m.get("slides", []) if isinstance(s, dict) and "media" in s]
    logo = m.get("theme", {}).get("logo") if isinstance(m.get("theme"), dict) else None
    if logo:
        media.append(logo)
    for md in media:
        md["url"] = "/assets/" + md["sha256"]
    body = json.dumps(m, ensure_ascii=False, indent=1).encode()
    with LOCK:
        STATE["deck"] = d
        STATE["files"].update(files)
        STATE["manifest"] = body
        STATE["etag"] = '"%s"' % hashlib.sha256(body).hexdigest()
        LOCK.notify_all()
        return STATE["etag"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    # -- plumbing ------------------------------------------------------------

    def setup(self):
        super().setup()
        self.bytes_out = 0

    def send(self, data):
        self.wfile.write(data)
        self.bytes_out += len(data)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError):
            self.close_connection = True

    def head(self, code, ctype=None, length=None, extra=()):
        self.status = code
        line = "%s %d %s\r\n" % (self.protocol_version, code, self.responses.get(code, ("",))[0])
        hdrs = [line]
        if ctype:
            hdrs.append("Content-Type: %s\r\n" % ctype)
        if length is not None:
            hdrs.append("Content-Length: %d\r\n" % length)
        for k, v in extra:
            hdrs.append("%s: %s\r\n" % (k, v))
        hdrs.append("\r\n")
        self.send("".join(hdrs).encode())

    def reply(self, code, body=b"", ctype="text/plain", extra=()):
        self.head(code, ctype if body else None, len(body), extra)
        if body and self.command != "HEAD":
            self.send(body)

    def rule_for(self, kind, sha=None):
        with LOCK:
            for r in STATE["rules"]:
                m = r.get("match", "all")
                hit = m == "all" or m == kind or (sha is not None and m == sha)
                if hit and r.get("count", 1) > 0:
                    if "count" in r:
                        r["count"] -= 1
                    return r
        return None

    def apply(self, rule, code, body, ctype, extra=()):
        """Sends body, bent by a fault rule.  Returns nothing."""
        f = rule["fault"] if rule else None
        if f is None:
            return self.reply(code, body, ctype, extra)
        if f == "status":
            return self.reply(rule.get("code", 500), b"injected failure\n")
        if f == "truncate":
            self.head(code, ctype, len(body), extra)
            self.send(body[: len(body) // 2])
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        if f == "corrupt":
            b = bytearray(body)
            for i in range(0, len(b), max(1, len(b) // 7)):
                b[i] ^= 0x5A
            return self.reply(code, bytes(b), ctype, extra)
        if f == "wrong_size":
            return self.reply(code, body + b"\0" * 1000, ctype, extra)
        if f == "drip":
            rate = rule.get("rate", 200)
            self.head(code, ctype, len(body), extra)
            step = max(1, min(len(body), rate // 10 or 1))
            for i in range(0, len(body), step):
                self.send(body[i : i + step])
                self.wfile.flush()
                time.sleep(step / rate)
            return
        if f == "malformed":
            bad = b'{"schema": 1, "slides": [ {"id": "x",'
            return self.reply(200, bad, "application/json",
                              [("ETag", '"bad-%d"' % time.time_ns())])
        if f in ("huge", "huge_chunked"):
            total = rule.get("mb", 100) << 20
            start = b'{"schema": 1, "version": "huge", "slides": []'
            end = b"}"
            chunked = f == "huge_chunked"
            if chunked:
                self.head(200, "application/json", None,
                          [("Transfer-Encoding", "chunked"), ("ETag", '"huge"')])
            else:
                self.head(200, "application/json", total, [("ETag", '"huge"')])
            pad = b" " * 65536
            sent = 0
            parts = [start]
            left = total - len(start) - len(end)
            while left > 0:
                parts.append(pad[: min(left, len(pad))])
                left -= len(parts[-1])
                for p in parts:
                    self.send(b"%x\r\n%s\r\n" % (len(p), p) if chunked else p)
                    sent += len(p)
                parts = []
            self.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(end), end) if chunked else end)
            return
        if f == "redirect_loop":
            u = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(u.query))
            q["r"] = str(int(q.get("r", "0")) + 1)
            loc = u.path + "?" + urllib.parse.urlencode(q)
            return self.reply(302, b"", extra=[("Location", loc)])
        if f == "redirect":
            return self.reply(302, b"", extra=[("Location", rule["to"])])
        if f == "hang":
            self.close_connection = True
            t0 = time.time()
            while time.time() - t0 < 600:
                time.sleep(0.2)
                try:  # gone?  (a readable socket with no data = closed)
                    self.connection.settimeout(0.0)
                    if self.connection.recv(1, 0x40 | 0x2) == b"":  # MSG_DONTWAIT|MSG_PEEK
                        return
                except BlockingIOError:
                    pass
                except OSError:
                    return
            return
        if f == "close":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        return self.reply(code, body, ctype, extra)

    # -- requests ----------------------------------------------------------------

    def handle_request(self):
        t0 = time.time()
        self.status = 0
        self.bytes_out = 0
        u = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        control = u.path.startswith("/_")
        entry = None
        if not control:
            raw = len(self.requestline) + 2 + len(str(self.headers)) + 2 + len(body)
            entry = {"t": t0, "method": self.command, "path": self.path,
                     "if_none_match": self.headers.get("If-None-Match"),
                     "authorization": self.headers.get("Authorization"),
                     "range": self.headers.get("Range"), "bytes_in": raw}
            with LOCK:
                down = STATE["down"]
            if down:
                self.close_connection = True
                self.connection.shutdown(2)
                entry.update(status=0, bytes_out=0, duration=time.time() - t0)
                with LOCK:
                    STATE["log"].append(entry)
                return
        try:
            if control:
                self.control(u, body)
            else:
                self.serve(u, body)
        finally:
            if entry is not None:
                entry.update(status=self.status, bytes_out=self.bytes_out,
                             duration=time.time() - t0)
                with LOCK:
                    STATE["log"].append(entry)

    do_GET = do_POST = do_HEAD = handle_request

    def serve(self, u, body):
        parts = u.path.strip("/").split("/")
        q = dict(urllib.parse.parse_qsl(u.query))
        api = u.path.startswith("/api/v1/")
        if api and ARGS.token and self.headers.get("Authorization") != "Bearer " + ARGS.token:
            return self.reply(401, b"bad or missing token\n",
                              extra=[("WWW-Authenticate", "Bearer")])
        if (self.command == "GET" and len(parts) == 5 and parts[:3] == ["api", "v1", "displays"]
                and parts[4] == "manifest"):
            return self.manifest(q)
        if self.command == "GET" and len(parts) == 2 and parts[0] == "assets":
            with LOCK:
                data = STATE["files"].get(parts[1])
            if data is None:
                return self.reply(404, b"no such asset\n")
            return self.asset(data, self.rule_for("assets", parts[1]), parts[1])
        if self.command == "GET" and parts[0] == "static" and len(parts) >= 2:
            rel = "/".join(parts[1:])
            with LOCK:
                d = STATE["deck"]
            if ".." in parts or not rel:
                return self.reply(404, b"not found\n")
            p = os.path.join(d, urllib.parse.unquote(rel))
            if not os.path.isfile(p):
                return self.reply(404, b"not found\n")
            data = open(p, "rb").read()
            etag = '"%s"' % hashlib.sha256(data).hexdigest()
            if self.headers.get("If-None-Match") == etag:
                return self.reply(304, extra=[("ETag", etag)])
            if rel == "manifest.json":
                return self.apply(self.rule_for("manifest"), 200, data, "application/json",
                                  [("ETag", etag)])
            return self.asset(data, self.rule_for("assets", hashlib.sha256(data).hexdigest()),
                              None)
        if self.command == "POST" and len(parts) == 5 and parts[:3] == ["api", "v1", "displays"]:
            disp = parts[3]
            if parts[4] == "status":
                try:
                    doc = json.loads(body)
                except ValueError:
                    return self.reply(400, b"not JSON\n")
                with LOCK:
                    STATE["statuses"].setdefault(disp, []).append(doc)
                    del STATE["statuses"][disp][:-50]
                    want = disp in STATE["want_shot"]
                    STATE["want_shot"].discard(disp)
                return self.reply(200, json.dumps({"screenshot": want}).encode(),
                                  "application/json")
            if parts[4] == "screenshot":
                if not body.startswith(b"\xff\xd8\xff"):
                    return self.reply(400, b"not a JPEG\n")
                with LOCK:
                    s = STATE["shots"].setdefault(disp, {"n": 0})
                    s.update(n=s["n"] + 1, size=len(body),
                             type=self.headers.get("Content-Type"), last=body)
                return self.reply(204)
        return self.reply(404, b"not found\n")

    def manifest(self, q):
        wait = min(float(q.get("wait", 0) or 0), 60)
        inm = self.headers.get("If-None-Match")
        with LOCK:
            if inm == STATE["etag"] and wait > 0:
                until = time.time() + wait
                while STATE["etag"] == inm and time.time() < until:
                    LOCK.wait(until - time.time())
            body, etag = STATE["manifest"], STATE["etag"]
        if inm == etag:
            return self.reply(304, extra=[("ETag", etag)])
        return self.apply(self.rule_for("manifest"), 200, body, "application/json",
                          [("ETag", etag)])

    def asset(self, data, rule, sha):
        extra = [("Cache-Control", "public, max-age=31536000, immutable"), ("Accept-Ranges", "bytes")]
        if sha:
            extra.append(("ETag", '"%s"' % sha))
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rule is None:
            a, _, b = rng[6:].partition("-")
            try:
                start = int(a)
                end = int(b) if b else len(data) - 1
            except ValueError:
                return self.reply(416, b"bad range\n")
            if start >= len(data) or end < start:
                return self.reply(416, b"unsatisfiable\n",
                                  extra=[("Content-Range", "bytes */%d" % len(data))])
            end = min(end, len(data) - 1)
            return self.reply(206, data[start : end + 1], "application/octet-stream",
                              extra + [("Content-Range", "bytes %d-%d/%d" % (start, end, len(data)))])
        return self.apply(rule, 200, data, "application/octet-stream", extra)

    def control(self, u, body):
        doc = json.loads(body) if body else {}
        p = u.path
        if p.startswith("/_shot/"):
            with LOCK:
                jpg = STATE["shots"].get(p.split("/")[-1], {}).get("last")
            return self.reply(200, jpg, "image/jpeg") if jpg else self.reply(404, b"none\n")
        if p == "/_control/deck":
            return self.reply(200, json.dumps({"etag": load_deck(doc["dir"])}).encode(),
                              "application/json")
        with LOCK:
            if p == "/_control/faults":
                STATE["rules"] = doc.get("rules", [])
            elif p == "/_control/down":
                STATE["down"] = bool(doc.get("down"))
            elif p == "/_control/screenshot":
                STATE["want_shot"].add(doc["display"])
            elif p == "/_log":
                out = json.dumps(STATE["log"]).encode()
            elif p == "/_log/reset":
                STATE["log"] = []
            elif p.startswith("/_status/"):
                d = p.split("/")[-1]
                s = STATE["shots"].get(d, {})
                out = json.dumps({"statuses": STATE["statuses"].get(d, []),
                                  "screenshots": s.get("n", 0),
                                  "last_screenshot_size": s.get("size"),
                                  "last_screenshot_type": s.get("type")}).encode()
            else:
                return self.reply(404, b"no such control\n")
        if p in ("/_log",) or p.startswith("/_status/"):
            return self.reply(200, out, "application/json")
        return self.reply(200, b"{}", "application/json")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that went away is not news


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("--token")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ARGS = ap.parse_args()
    load_deck(ARGS.deck)
    srv = Server(("127.0.0.1", ARGS.port), Handler)
    if ARGS.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*ARGS.tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, ARGS.port_file)
    import signal
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=srv.shutdown).start())
    srv.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_server_request (fuzz/corpus/server_request/).

One file per route and per interesting case, in the target's input format
(requests separated by a line "====="; see fuzz_server_request.c), against
the store that target seeds: item ids 1-18 are the demo deck (18 is an
alert), 19 a contributor's draft, 20 a submitted notice, 21 an alert, 22 an
archived ticker; groups 1 (default) and 2; users 2 admin-fuzz, 3 editor,
4 contributor, 5 gone (disabled); displays lobby-1 (group 1, no token) and
lobby-2 (group 2, token).  Run it again after changing those seeds:

    python3 fuzz/make_server_seeds.py
"""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "server_request")

SID = {
    "admin": "fuzz-admin-session-" + "0" * 45,
    "editor": "fuzz-editor-session-" + "0" * 44,
    "contributor": "fuzz-contributor-session-" + "0" * 39,
    "gone": "fuzz-disabled-session-" + "0" * 42,
}
CSRF = {k: "csrf-" + k for k in SID}
CSRF["gone"] = "csrf-gone"

# An 8x6 PNG (97 bytes), as a picture to upload.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000008000000060806000000fe05df"
    "fb000000017352474200aece1ce90000001b49444154089963646038f15f8e81"
    "8101176661d060c00b06830200433e037705c5bd7e0000000049454e44ae4260"
    "82")
DEMO_JPG = "8a15307edbe457ec7c6d5b9f3ad98539b079f9ed492de8cdf757ec7f257d9df5"


def req(method, path, body=None, who=None, csrf=True, headers=(), ctype=True):
    lines = ["%s %s HTTP/1.1" % (method, path)]
    if who:
        lines.append("Cookie: sid=" + SID[who])
        if csrf and method not in ("GET", "HEAD"):
            lines.append("X-CSRF-Token: " + CSRF[who])
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body, ensure_ascii=False).encode()
        if ctype:
            lines.append("Content-Type: application/json")
    lines.extend(headers)
    head = ("\n".join(lines) + "\n\n").encode()
    return head + (body or b"")


def seq(*reqs):
    return b"\n=====\n".join(reqs)


SEEDS = {
    "health": req("GET", "/api/v1/health"),
    "web-index": req("GET", "/"),
    "web-file": req("GET", "/ui/app.js", headers=["If-None-Match: \"x\""]),
    "web-bad-name": req("GET", "/ui/..%2Fetc%2Fpasswd"),
    "not-found": req("GET", "/api/v2/nothing"),
    "method-not-allowed": req("PATCH", "/api/v1/items"),
    # the player's routes
    "manifest": req("GET", "/api/v1/displays/lobby-1/manifest"),
    "manifest-head": req("HEAD", "/api/v1/displays/lobby-1/manifest"),
    "manifest-new-display": req("GET", "/api/v1/displays/new-screen/manifest",
                                headers=["X-Forwarded-For: 198.51.100.7, 10.0.0.1"]),
    "manifest-bad-id": req("GET", "/api/v1/displays/..%2Fetc/manifest"),
    "manifest-longpoll": req("GET", "/api/v1/displays/lobby-1/manifest?wait=20", headers=[
        "If-None-Match: \"7b5e4a4f6777f6324873431f05a8ca5d28d8dc513109d02488e0c652bafb02f9\""]),
    "manifest-304": req("GET", "/api/v1/displays/lobby-1/manifest", headers=[
        "If-None-Match: \"7b5e4a4f6777f6324873431f05a8ca5d28d8dc513109d02488e0c652bafb02f9\""]),
    "manifest-token": req("GET", "/api/v1/displays/lobby-2/manifest",
                          headers=["Authorization: Bearer fuzz-display-token"]),
    "manifest-no-token": req("GET", "/api/v1/displays/lobby-2/manifest",
                             headers=["Authorization: Bearer wrong"]),
    "status": req("POST", "/api/v1/displays/lobby-1/status",
                  {"state": "playing", "slide": "n1", "screen": {"w": 1920, "h": 1080},
                   "errors": [], "version": "0.1.0"}),
    "status-token": req("POST", "/api/v1/displays/lobby-2/status", {"state": "waiting"},
                        headers=["Authorization: Bearer fuzz-display-token"]),
    "status-not-json": req("POST", "/api/v1/displays/lobby-1/status", b"{oops",
                           headers=["Content-Type: application/json"]),
    "screenshot": req("POST", "/api/v1/displays/lobby-1/screenshot", PNG,
                      headers=["X-Fuzz-Chunk: 16"]),
    "screenshot-not-asked": req("POST", "/api/v1/displays/new-screen/screenshot", PNG),
    "asset": req("GET", "/assets/" + DEMO_JPG),
    "asset-range": req("GET", "/assets/" + DEMO_JPG, headers=["Range: bytes=100-199"]),
    "asset-suffix": req("GET", "/assets/" + DEMO_JPG, headers=["Range: bytes=-50"]),
    "asset-if-range": req("GET", "/assets/" + DEMO_JPG, headers=[
        "Range: bytes=10-", "If-Range: \"" + DEMO_JPG + "\""]),
    "asset-bad-range": req("GET", "/assets/" + DEMO_JPG, headers=["Range: bytes=999999999-"]),
    "asset-304": req("GET", "/assets/" + DEMO_JPG, headers=["If-None-Match: \"" + DEMO_JPG + "\""]),
    "asset-missing": req("GET", "/assets/" + "0" * 64),
    # sessions
    "login": req("POST", "/api/v1/login", {"name": "admin", "password": "admin-password"},
                 headers=["X-Forwarded-Proto: https"]),
    "login-wrong": req("POST", "/api/v1/login", {"name": "editor", "password": "nope"}),
    "login-throttled": seq(*[req("POST", "/api/v1/login", {"name": "admin", "password": "x"})] * 4),
    "login-form": req("POST", "/api/v1/login", b"name=admin&password=x",
                      headers=["Content-Type: application/x-www-form-urlencoded"]),
    "login-remote": req("POST", "/api/v1/login", {"name": "管理员", "password": "admin-password"},
                        headers=["X-Fuzz-Peer: 2001:db8::5", "X-Forwarded-For: 127.0.0.1"]),
    "logout": req("POST", "/api/v1/logout", who="contributor"),
    "me": req("GET", "/api/v1/me", who="admin"),
    "me-gone": req("GET", "/api/v1/me", who="gone"),
    "me-bad-cookie": req("GET", "/api/v1/me", headers=["Cookie: theme=dark; sid=\"short\""]),
    "me-password": req("POST", "/api/v1/me/password",
                       {"old": "editor-password", "new": "新的密码-2026"}, who="editor"),
    "csrf-missing": req("POST", "/api/v1/groups", {"name": "g"}, who="admin", csrf=False),
    # items
    "items-list": req("GET", "/api/v1/items?state=approved&kind=notice&group=1", who="contributor"),
    "item-get": req("GET", "/api/v1/items/2", who="contributor"),
    "item-create-notice": req("POST", "/api/v1/items", {
        "kind": "notice", "title": "关于召开支部大会的通知", "body": "时间：2026年12月12日\n地点：会议室",
        "link": "https://example.edu.cn/n/1", "duration": 15, "transition": "push",
        "start": "2026-12-01T00:00:00+08:00", "end": "2026-12-31T00:00:00+08:00",
        "days": ["mon", "tue"], "hours": [{"from": "08:00", "to": "12:00"}],
        "groups": [1], "publish": True}, who="admin"),
    "item-create-image": req("POST", "/api/v1/items", {
        "kind": "image", "media": DEMO_JPG, "fit": "cover", "caption": "图片", "groups": [1],
        "submit": True}, who="contributor"),
    "item-create-ticker": req("POST", "/api/v1/items", {
        "kind": "ticker", "body": "欢迎参观", "groups": [1, 2]}, who="editor"),
    "item-create-bad": req("POST", "/api/v1/items", {
        "kind": "notice", "title": "x", "groups": [1], "hours": [{"from": "25:00", "to": "1"}],
        "color": "red"}, who="admin"),
    "item-create-alert-kind": req("POST", "/api/v1/items", {"kind": "alert", "body": "x",
                                                             "groups": [1]}, who="admin"),
    "item-update": req("PUT", "/api/v1/items/19", {"title": "改过的标题", "duration": None},
                       who="contributor"),
    "item-update-kind": req("PUT", "/api/v1/items/2", {"kind": "image"}, who="editor"),
    "item-update-submit": req("PUT", "/api/v1/items/19", {"submit": True}, who="contributor"),
    "item-delete": req("DELETE", "/api/v1/items/19", who="contributor"),
    "item-submit": req("POST", "/api/v1/items/19/submit", who="contributor"),
    "item-approve": req("POST", "/api/v1/items/20/approve", {"comment": "好"}, who="editor"),
    "item-reject": req("POST", "/api/v1/items/20/reject", {"comment": "请补充时间"}, who="admin"),
    "item-archive": req("POST", "/api/v1/items/2/archive", who="editor"),
    "items-reorder": req("POST", "/api/v1/items/reorder", {"ids": [2, 1, 3, 19]}, who="editor"),
    # alerts
    "alert": req("POST", "/api/v1/alerts", {
        "title": "紧急通知", "body": "消防疏散演练正在进行。", "end": "2026-12-05T09:30:00+08:00",
        "all": True}, who="admin"),
    "alert-groups": req("POST", "/api/v1/alerts", {"body": "停电", "groups": [1]}, who="editor"),
    "alert-end": req("POST", "/api/v1/alerts/21/end", who="admin"),
    # uploads
    "upload": req("POST", "/api/v1/uploads?name=%E7%85%A7%E7%89%87.png", PNG, who="contributor",
                  headers=["Content-Type: image/png", "X-Fuzz-Chunk: 7"]),
    "upload-not-picture": req("POST", "/api/v1/uploads?name=a.txt", b"just some text\n",
                              who="contributor"),
    "upload-cut-short": req("POST", "/api/v1/uploads", PNG[:40], who="admin",
                            headers=["Content-Length: 97"]),
    "upload-too-big": req("POST", "/api/v1/uploads", b"", who="admin",
                          headers=["Content-Length: 999999999"]),
    "upload-then-item": seq(
        req("POST", "/api/v1/uploads?name=p.png", PNG, who="editor"),
        req("POST", "/api/v1/items", {"kind": "image", "media": hashlib.sha256(PNG).hexdigest(),
                                      "groups": [1], "publish": True}, who="editor"),
        req("GET", "/api/v1/displays/lobby-1/manifest")),
    # displays
    "displays": req("GET", "/api/v1/displays", who="contributor"),
    "display-get": req("GET", "/api/v1/displays/lobby-2", who="editor"),
    "display-update": req("PUT", "/api/v1/displays/lobby-1", {
        "name": "二楼", "location": "2F", "accepted": True, "groups": [1, 2]}, who="admin"),
    "display-delete": req("DELETE", "/api/v1/displays/lobby-2", who="admin"),
    "display-shot-request": req("POST", "/api/v1/displays/lobby-2/screenshot-request",
                                who="editor"),
    "display-shot": seq(
        req("POST", "/api/v1/displays/lobby-1/screenshot", PNG),
        req("GET", "/api/v1/displays/lobby-1/screenshot", who="contributor",
            headers=["Range: bytes=0-9"])),
    "display-token": req("POST", "/api/v1/displays/lobby-1/token", who="admin"),
    # groups, users, audit, settings
    "groups": req("GET", "/api/v1/groups", who="contributor"),
    "group-create": req("POST", "/api/v1/groups", {"name": "第二党支部"}, who="admin"),
    "group-rename": req("PUT", "/api/v1/groups/2", {"name": "图书馆二楼"}, who="admin"),
    "group-delete": req("DELETE", "/api/v1/groups/2", who="admin"),
    "group-delete-default": req("DELETE", "/api/v1/groups/1", who="admin"),
    "users": req("GET", "/api/v1/users", who="admin"),
    "user-create": req("POST", "/api/v1/users", {
        "name": "editor2", "role": "editor", "password": "党建工作2026", "groups": [2]}, who="admin"),
    "user-update": req("PUT", "/api/v1/users/4", {
        "role": "editor", "disabled": False, "password": "another-pass", "groups": [1]},
        who="admin"),
    "user-demote-self": req("PUT", "/api/v1/users/2", {"role": "editor"}, who="admin"),
    "audit": req("GET", "/api/v1/audit?limit=5&before=1000", who="admin"),
    "settings": req("GET", "/api/v1/settings", who="contributor"),
    "settings-put": req("PUT", "/api/v1/settings", {
        "theme_title": "计算机学院党委", "theme_accent": "#112233", "timezone": "Europe/Berlin",
        "theme_logo": None}, who="admin"),
    "settings-bad-zone": req("PUT", "/api/v1/settings", {"timezone": "Mars/Olympus"}, who="admin"),
    "preview": req("POST", "/api/v1/preview", {
        "kind": "notice", "title": "预览", "body": "正文", "width": 1280, "height": 720},
        who="contributor"),
    "preview-alert": req("POST", "/api/v1/preview", {"kind": "alert", "body": "紧急"}, who="editor"),
    "role-too-low": req("GET", "/api/v1/users", who="contributor"),
    "body-on-get": req("GET", "/api/v1/items", b"{}", who="admin",
                       headers=["Content-Type: application/json"]),
    "json-too-big": req("POST", "/api/v1/items", b"{}", who="admin",
                        headers=["Content-Type: application/json", "Content-Length: 2000000"]),
    "create-approve-manifest": seq(
        req("POST", "/api/v1/items", {"kind": "notice", "title": "新", "groups": [1],
                                      "submit": True}, who="contributor"),
        req("POST", "/api/v1/items/23/approve", who="editor"),
        req("GET", "/api/v1/displays/lobby-1/manifest?wait=5", headers=[
            "If-None-Match: \"7b5e4a4f6777f6324873431f05a8ca5d28d8dc513109d02488e0c652bafb02f9\""])),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), OUT))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The player watching its own screen (watch.h), with faults injected into a
real player (SIGNAGE_FAULT) and a real server receiving its heartbeats.

Usage: selfwatch_it.py PLAYER SERVER SOURCE_DIR WORK_DIR

- No false alarm: 1 s slides for 15 s (about a dozen checks), also rotated
  (read back through the renderer rather than the window's pixels).
- black-once: slides drawn black until the first recovery: seen, the slide
  reloaded, the screen right again; the status says so and the player
  plays on.  Also rotated.
- black: the picture stays black whatever is done: reload, then a new
  renderer, then exit 3 (systemd restarts it); the server's dashboard got
  the failure by heartbeat before the exit; the next start reports why the
  last one ended.
- worker-hang: the thread that prepares slides stops: the slide on screen
  outlives its duration, and the player exits 3 instead of freezing.
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time

PLAYER, SERVER, SRC, WORK = sys.argv[1:5]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr, flush=True)
    return cond


def fast_deck():
    """The demo deck with 1 s slides and short fades."""
    dst = os.path.join(WORK, "fast")
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(os.path.join(SRC, "content", "demo"), dst)
    m = json.load(open(os.path.join(dst, "manifest.json")))
    for s in m["slides"]:
        s["duration"] = 1
        s.pop("schedule", None)
    m.pop("alerts", None)
    m["version"] = "fast-1"
    json.dump(m, open(os.path.join(dst, "manifest.json"), "w"), ensure_ascii=False)
    return dst


def env(**extra):
    e = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "SIGNAGE_FAULT", "STATE_DIRECTORY"):
        e.pop(k, None)
    e.update(extra)
    return e


def run(name, args, fault=None, timeout=90, **extra):
    status = os.path.join(WORK, name + "-status.json")
    if os.path.exists(status):
        os.unlink(status)
    e = env(**extra)
    if fault:
        e["SIGNAGE_FAULT"] = fault
    t0 = time.time()
    p = subprocess.run([PLAYER, "--status", status, "--size", "640x360"] + args, env=e,
                       capture_output=True, timeout=timeout)
    took = time.time() - t0
    st = None
    try:
        st = json.load(open(status))
    except (OSError, ValueError):
        pass
    return p.returncode, p.stderr.decode("utf-8", "replace"), st, took


def test_no_false_alarm(deck):
    for rot in ("0", "90"):
        rc, err, st, _ = run("clean" + rot, ["--content", deck, "--rotate", rot,
                                            "--run-for", "15"])
        check(rc == 0, "clean run (rotate %s) exits 0: %s" % (rot, err[-300:]))
        check("self-check" not in err, "no self-check alarm in 15 s of 1 s slides (rotate %s): %s"
              % (rot, [l for l in err.splitlines() if "self-check" in l][:2]))
        check(st and st["health"]["state"] == "ok" and st["health"]["recoveries"] == 0,
              "status health ok, no recoveries (rotate %s): %r" % (rot, st and st.get("health")))


def test_black_once(deck):
    for rot in ("0", "90"):
        rc, err, st, _ = run("once" + rot, ["--content", deck, "--rotate", rot, "--run-for", "8"],
                             fault="black-once:2")
        check(rc == 0, "black-once (rotate %s): the player plays on and exits 0 (%d)" % (rot, rc))
        check("self-check: black on screen where slide" in err and "reloading the slide" in err,
              "black seen and the slide reloaded (rotate %s)" % rot)
        check("self-check: the screen is right again" in err, "right again (rotate %s)" % rot)
        h = (st or {}).get("health", {})
        check(h.get("state") == "ok" and h.get("recoveries") == 1 and "black" in (h.get("problem") or ""),
              "status: ok after 1 recovery, the problem kept (rotate %s): %r" % (rot, h))


class Server:
    def __init__(self, data):
        self.log = open(os.path.join(WORK, "server.log"), "a")
        self.p = subprocess.Popen([SERVER, "--data", data, "--listen", "127.0.0.1:0"],
                                  stdout=self.log, stderr=subprocess.PIPE,
                                  env=dict(os.environ, SIGNAGE_ADMIN_PASSWORD="selfwatch-pw"))
        self.port = None
        while self.port is None:
            line = self.p.stderr.readline().decode("utf-8", "replace")
            if not line:
                raise RuntimeError("server did not start")
            if "(port " in line:
                self.port = int(line.split("(port ")[1].split(")")[0])
        threading.Thread(target=lambda: [self.log.write(l.decode("utf-8", "replace"))
                                         for l in self.p.stderr], daemon=True).start()

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, body=json.dumps(body) if body is not None else None,
                  headers=headers or {})
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def display_status(self, display):
        st, h, _ = self.request("POST", "/api/v1/login", {"name": "admin", "password": "selfwatch-pw"},
                                {"Content-Type": "application/json"})
        cookies = "; ".join(c.split(";")[0] for c in h.get("set-cookie", "").split(", "))
        st, _, data = self.request("GET", "/api/v1/displays", headers={"Cookie": cookies})
        for d in json.loads(data).get("displays", []):
            if d["id"] == display:
                return d.get("status") or {}
        return {}

    def stop(self):
        self.p.terminate()
        self.p.wait(10)


def test_black_persistent():
    data = os.path.join(WORK, "srv")
    shutil.rmtree(data, ignore_errors=True)
    srv = Server(data)
    state = os.path.join(WORK, "state")
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    conf = os.path.join(WORK, "black.conf")
    with open(conf, "w") as f:
        f.write("server = http://127.0.0.1:%d\ndisplay = lobby-black\ncache = %s\n"
                "heartbeat_interval = 60\n" % (srv.port, os.path.join(WORK, "black-cache")))
    try:
        rc, err, st, took = run("black", ["--config", conf, "--run-for", "60"], fault="black:1",
                                STATE_DIRECTORY=state)
        check(rc == 3, "persistent black: exit 3 for systemd to restart (%d): %s" % (rc, err[-400:]))
        check(took < 40, "... within 40 s (%.1f s)" % took)
        for step in ("reloading the slide", "recreating the renderer",
                     "exiting for systemd to restart the player"):
            check(step in err, "the ladder: " + step)
        h = (st or {}).get("health", {})
        check(h.get("state") == "failed" and h.get("recoveries") == 3,
              "status file: failed after 3 recoveries: %r" % h)
        dash = srv.display_status("lobby-black").get("health", {})
        check(dash.get("state") == "failed" and "black" in (dash.get("problem") or ""),
              "the server's dashboard got the failure before the exit: %r" % dash)
        check(os.path.exists(os.path.join(state, "last-restart")), "the reason is kept in the state dir")
        # the next start (what systemd does) reports why the last one ended
        rc, err, st, _ = run("after", ["--config", conf, "--run-for", "3"], STATE_DIRECTORY=state)
        h = (st or {}).get("health", {})
        check(rc == 0 and h.get("state") == "ok" and "black" in (h.get("last_restart") or ""),
              "the next start: ok, and says why the last ended: %r" % h)
        check("the previous start ended in a self-check restart" in err, "... and logs it")
    finally:
        srv.stop()


def test_worker_hang(deck):
    rc, err, st, took = run("hang", ["--content", deck, "--run-for", "80"], fault="worker-hang:2",
                            timeout=120)
    check(rc == 3, "a stuck worker: exit 3 instead of a frozen screen (%d): %s" % (rc, err[-400:]))
    check("fault injection: the preparation worker hangs now" in err, "the worker hung")
    check("stuck on screen" in err and "the next slide was never prepared" in err,
          "the frozen slide was noticed")
    check(took < 60, "noticed within 2 x 1 s + 30 s of the hang (%.1f s)" % took)
    h = (st or {}).get("health", {})
    check(h.get("state") == "failed" and "stuck" in (h.get("problem") or ""),
          "status: failed, stuck: %r" % h)


def main():
    os.makedirs(WORK, exist_ok=True)
    deck = fast_deck()
    results = {}
    # the worker-hang test mostly waits: run it beside the others
    th = threading.Thread(target=lambda: results.setdefault("hang", test_worker_hang(deck)))
    th.start()
    for t in (lambda: test_no_false_alarm(deck), lambda: test_black_once(deck),
              test_black_persistent):
        try:
            t()
        except Exception as e:
            check(False, "a test raised %r" % e)
    th.join()
    print("selfwatch_it: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

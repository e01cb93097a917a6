#!/usr/bin/env python3
"""The player and server as systemd services, without systemd: the tests play
systemd's side of the sd_notify protocol on a real datagram socket.

Usage: service_it.py PLAYER SERVER SOURCE_DIR WORK_DIR

- The player says READY=1 once its first frame is up, feeds the watchdog
  from its render loop at half of WATCHDOG_USEC, says STOPPING=1 on exit,
  and stops feeding it when the render loop hangs (an injected fault), so
  systemd would restart it.  No watchdog is fed for another pid.
- The server says READY=1 once it listens and feeds its watchdog only while
  it answers its own health check over HTTP (SIGSTOP makes it fall silent).
- With JOURNAL_STREAM set, log lines carry syslog priorities (<3>, <4>, <6>).
- `--info` against a real player syncing from a real server: display id,
  addresses, server, cache contents, version, last sync, and "running";
  it leaves a running player's cache alone (tmp/ is not emptied).
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib

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


class NotifySocket:
    """systemd's end: collects (time, message) pairs."""

    def __init__(self, name):
        self.path = os.path.join(WORK, name + ".sock")
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(self.path)
        self.s.settimeout(0.2)
        self.msgs = []
        self.stop = False
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while not self.stop:
            try:
                data = self.s.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            self.msgs.append((time.monotonic(), data.decode("utf-8", "replace")))

    def times(self, key):
        return [t for t, m in self.msgs if key in m.split("\n")]

    def close(self):
        self.stop = True
        self.t.join()
        self.s.close()


def base_env(**extra):
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
        env.pop(k, None)
    env.update(extra)
    return env


def player_args(status):
    return [PLAYER, "--content", os.path.join(SRC, "content", "demo"), "--size", "640x360",
            "--status", status]


def test_player_notify():
    ns = NotifySocket("player")
    status = os.path.join(WORK, "p1-status.json")
    t0 = time.monotonic()
    p = subprocess.run(player_args(status) + ["--run-for", "5"],
                       env=base_env(NOTIFY_SOCKET=ns.path, WATCHDOG_USEC="1000000"),
                       capture_output=True, timeout=60)
    time.sleep(0.3)
    ns.close()
    check(p.returncode == 0, "player --run-for 5 exits 0 (%d): %s" % (p.returncode, p.stderr[-500:]))
    ready = [m for _, m in ns.msgs if "READY=1" in m.split("\n")]
    check(len(ready) == 1, "one READY=1 (%d)" % len(ready))
    check(ready and "STATUS=slide 1 of" in ready[0], "READY carries what is on screen: %r" % ready[:1])
    rt = ns.times("READY=1")
    check(rt and rt[0] - t0 < 4, "READY=1 within 4 s of the start")
    pings = ns.times("WATCHDOG=1")
    # 1 s timeout: pinged every 0.5 s for ~5 s
    check(len(pings) >= 7, "the watchdog fed every half timeout (%d pings in 5 s)" % len(pings))
    gaps = [b - a for a, b in zip(pings, pings[1:])]
    check(gaps and max(gaps) < 0.9, "no gap near the 1 s timeout (max %.2f s)" % max(gaps or [9]))
    check(ns.times("STOPPING=1"), "STOPPING=1 on an orderly exit")
    print("player: READY after %.2f s, %d watchdog pings, max gap %.2f s"
          % ((rt[0] - t0) if rt else -1, len(pings), max(gaps or [0])))


def test_player_hang():
    ns = NotifySocket("hang")
    status = os.path.join(WORK, "p2-status.json")
    p = subprocess.Popen(player_args(status),
                         env=base_env(NOTIFY_SOCKET=ns.path, WATCHDOG_USEC="1000000",
                                      SIGNAGE_FAULT="render-hang:2"),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(5)
    alive = p.poll() is None
    p.kill()
    _, err = p.communicate(timeout=10)
    ns.close()
    check(alive, "the hung player is still running (only the watchdog can tell)")
    check(b"fault injection: the render loop hangs" in err, "the fault was injected")
    pings = ns.times("WATCHDOG=1")
    hang_at = ns.times("READY=1")[0] if ns.times("READY=1") else None
    check(pings, "pings before the hang")
    last = pings[-1] if pings else 0
    end = time.monotonic()
    check(end - last > 2.0, "no ping for over 2 s after the hang (%.1f s): systemd restarts it"
          % (end - last))
    check(hang_at is not None, "READY before the hang")


def test_player_other_pid():
    ns = NotifySocket("otherpid")
    status = os.path.join(WORK, "p3-status.json")
    p = subprocess.run(player_args(status) + ["--run-for", "2"],
                       env=base_env(NOTIFY_SOCKET=ns.path, WATCHDOG_USEC="500000",
                                    WATCHDOG_PID="1"), capture_output=True, timeout=60)
    time.sleep(0.2)
    ns.close()
    check(p.returncode == 0, "player runs")
    check(not ns.times("WATCHDOG=1"), "no watchdog pings for another process's WATCHDOG_PID")
    check(ns.times("READY=1"), "READY=1 still sent")


def test_journal_priorities():
    p = subprocess.run([PLAYER, "--content", os.path.join(WORK, "no-such-deck"), "--size",
                        "320x180", "--screenshot", os.path.join(WORK, "j.png")],
                       env=base_env(JOURNAL_STREAM="8:12345"), capture_output=True, timeout=60)
    lines = p.stderr.decode("utf-8", "replace").splitlines()
    check(lines and all(l[:1] == "<" and l[2:3] == ">" for l in lines),
          "every journal line has a priority prefix: %r" % lines[:3])
    check(any(l.startswith("<3>") for l in lines), "errors go out at priority 3 (err)")
    p = subprocess.run([PLAYER, "--content", os.path.join(WORK, "no-such-deck"), "--size",
                        "320x180", "--screenshot", os.path.join(WORK, "j.png")],
                       env=base_env(), capture_output=True, timeout=60)
    text = p.stderr.decode("utf-8", "replace")
    check("signage-player: error:" in text and "<3>" not in text,
          "on a terminal: plain 'signage-player: error:' lines")


def start_server(data, ns=None, wd_usec=None):
    env = dict(os.environ, SIGNAGE_ADMIN_PASSWORD="service-test-pw")
    for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
        env.pop(k, None)
    if ns:
        env["NOTIFY_SOCKET"] = ns.path
    if wd_usec:
        env["WATCHDOG_USEC"] = str(wd_usec)
    log = open(os.path.join(WORK, "server.log"), "a")
    p = subprocess.Popen([SERVER, "--data", data, "--listen", "127.0.0.1:0"], stdout=log,
                         stderr=subprocess.PIPE, env=env)
    port = None
    t0 = time.time()
    while time.time() - t0 < 30:
        line = p.stderr.readline().decode("utf-8", "replace")
        if not line:
            break
        log.write(line)
        if "(port " in line:
            port = int(line.split("(port ")[1].split(")")[0])
            break

    def drain():
        for line in p.stderr:
            log.write(line.decode("utf-8", "replace"))
            log.flush()
    threading.Thread(target=drain, daemon=True).start()
    if not port:
        raise RuntimeError("server did not start")
    return p, port


def test_server_notify():
    data = os.path.join(WORK, "srv-notify")
    shutil.rmtree(data, ignore_errors=True)
    ns = NotifySocket("server")
    p, port = start_server(data, ns, 1000000)
    time.sleep(3)
    check(any("READY=1" in m.split("\n") and "STATUS=listening on" in m for _, m in ns.msgs),
          "server READY=1 with STATUS once listening")
    pings = ns.times("WATCHDOG=1")
    check(len(pings) >= 4, "server feeds its watchdog while healthy (%d pings in 3 s)" % len(pings))
    # Stop the whole process: the health check cannot be answered, and when
    # it resumes the first probe must succeed again.
    p.send_signal(signal.SIGSTOP)
    time.sleep(2)
    n_stopped = len(ns.times("WATCHDOG=1"))
    p.send_signal(signal.SIGCONT)
    time.sleep(2)
    check(len(ns.times("WATCHDOG=1")) > n_stopped, "pings resume once the server answers again")
    p.send_signal(signal.SIGTERM)
    p.wait(15)
    time.sleep(0.3)
    ns.close()
    check(p.returncode == 0, "server exits 0 on SIGTERM")
    check(ns.times("STOPPING=1"), "server says STOPPING=1")


def test_info():
    data = os.path.join(WORK, "srv-info")
    shutil.rmtree(data, ignore_errors=True)
    srv, port = start_server(data)
    pdir = os.path.join(WORK, "info-player")
    shutil.rmtree(pdir, ignore_errors=True)
    os.makedirs(pdir)
    conf = os.path.join(pdir, "player.conf")
    cache = os.path.join(pdir, "cache")
    status = os.path.join(pdir, "status.json")
    with open(conf, "w") as f:
        f.write("server = http://127.0.0.1:%d\ndisplay = lobby-info\ncache = %s\nstatus = %s\n"
                "heartbeat_interval = 5\nrotate = 90\n" % (port, cache, status))
    p = subprocess.Popen([PLAYER, "--config", conf, "--size", "640x360"], env=base_env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ok = False
        t0 = time.time()
        while time.time() - t0 < 30 and not ok:
            try:
                st = json.load(open(status))
                ok = st["sync"]["state"] == "ok" and st["showing"]["kind"] == "slide"
            except (OSError, ValueError, KeyError, TypeError):
                pass
            time.sleep(0.1)
        check(ok, "the player synced the server's deck")
        # a partial download of the running player must survive --info
        marker = os.path.join(cache, "tmp", "in-flight")
        with open(marker, "w") as f:
            f.write("x")
        r = subprocess.run([PLAYER, "--config", conf, "--info"], env=base_env(),
                           capture_output=True, timeout=30)
        out = r.stdout.decode()
        check(r.returncode == 0, "--info exits 0")
        check("lobby-info" in out, "--info: display id")
        check("http://127.0.0.1:%d" % port in out, "--info: server")
        check("/api/v1/displays/lobby-info/manifest" in out, "--info: manifest URL")
        check(cache in out and " files, " in out and "MiB" in out, "--info: cache and its size")
        check("slides, received" in out, "--info: the cached content")
        check("running (pid %d), status updated" % p.pid in out, "--info: the player is running")
        check("ok; last success 20" in out, "--info: last successful sync")
        check("rotate 90" in out, "--info: rotation")
        check("signage-player " in out.splitlines()[0], "--info: version first")
        addr = [l for l in out.splitlines() if "addresses" in l]
        check(addr and addr[0].split()[-1] != "-", "--info: addresses line %r" % addr[:1])
        check(os.path.exists(marker), "--info left the running player's tmp/ alone")
        print(out)
    finally:
        p.terminate()
        p.wait(10)
        srv.terminate()
        srv.wait(10)
    r = subprocess.run([PLAYER, "--config", conf, "--info"], env=base_env(),
                       capture_output=True, timeout=30)
    check("not running" in r.stdout.decode(), "--info after the player stopped: not running")
    bad = os.path.join(pdir, "bad.conf")
    with open(bad, "w") as f:
        f.write("rotate = 45\n")
    r = subprocess.run([PLAYER, "--config", bad, "--info"], env=base_env(),
                       capture_output=True, timeout=30)
    check(r.returncode == 2 and b"bad.conf:1" in r.stderr and b"display" in r.stdout,
          "--info with a bad config: the error with file:line, the info anyway, exit 2")


def png_pixels(path):
    """(width, height, bytes per pixel, rows of unfiltered bytes) of an 8-bit PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            ul = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + left) & 255
            elif f == 2:
                line[i] = (line[i] + up) & 255
            elif f == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif f == 4:
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else ul)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def lit_pixels(path):
    w, h, bpp, rows = png_pixels(path)
    return sum(1 for r in rows for x in range(w) if any(r[x * bpp:x * bpp + 3]))


def test_power_schedule():
    log = os.path.join(WORK, "panel.log")
    if os.path.exists(log):
        os.unlink(log)
    conf = os.path.join(WORK, "power.conf")
    with open(conf, "w") as f:
        f.write("screen_off = 23:00-07:00, sat-sun\ntimezone = Asia/Shanghai\n"
                "screen_off_command = echo off >> %s\nscreen_on_command = echo on >> %s\n"
                % (log, log))
    demo = os.path.join(SRC, "content", "demo")
    status = os.path.join(WORK, "power-status.json")
    ns = NotifySocket("power")
    # live, with the clock starting 3 s before 23:00 on a Thursday
    p = subprocess.run([PLAYER, "--config", conf, "--content", demo, "--size", "640x360",
                        "--status", status, "--at", "2026-12-03T22:59:57+08:00", "--run-for", "6"],
                       env=base_env(NOTIFY_SOCKET=ns.path), capture_output=True, timeout=60)
    time.sleep(0.2)
    ns.close()
    err = p.stderr.decode()
    check(p.returncode == 0, "player with a power schedule runs (%d)" % p.returncode)
    ran = open(log).read().split() if os.path.exists(log) else []
    check(ran == ["on", "off"], "the panel: on at start, off at 23:00 (%r)" % ran)
    check("screen off by the schedule until 2026-12-03T23:00:00Z" in err,
          "logged: off until 07:00 local (23:00Z)")
    st = json.load(open(status))
    check(st["showing"]["kind"] == "off", "status: showing off (%r)" % st["showing"])
    check(any("STATUS=screen off by the schedule" in m for _, m in ns.msgs),
          "systemctl status says the screen is off")
    shot = os.path.join(WORK, "night.png")
    subprocess.run([PLAYER, "--config", conf, "--content", demo, "--size", "320x180",
                    "--screenshot", shot, "--at", "2026-12-03T23:30:00+08:00"],
                   env=base_env(), capture_output=True, timeout=60)
    check(os.path.exists(shot) and lit_pixels(shot) == 0, "at 23:30 the screen is black")
    shot = os.path.join(WORK, "weekend.png")
    subprocess.run([PLAYER, "--config", conf, "--content", demo, "--size", "320x180",
                    "--screenshot", shot, "--at", "2026-12-06T12:00:00+08:00"],
                   env=base_env(), capture_output=True, timeout=60)
    check(os.path.exists(shot) and lit_pixels(shot) == 0, "Saturday noon is black (sat-sun)")
    shot = os.path.join(WORK, "day.png")
    subprocess.run([PLAYER, "--config", conf, "--content", demo, "--size", "320x180",
                    "--screenshot", shot, "--at", "2026-12-04T10:00:00+08:00"],
                   env=base_env(), capture_output=True, timeout=60)
    check(os.path.exists(shot) and lit_pixels(shot) > 320 * 180 // 2, "Friday 10:00 is lit")
    # the demo's alert (2026-12-05 09:00-10:00, a Saturday) lights the screen
    shot = os.path.join(WORK, "alert.png")
    subprocess.run([PLAYER, "--config", conf, "--content", demo, "--size", "320x180",
                    "--screenshot", shot, "--at", "2026-12-05T09:30:00+08:00"],
                   env=base_env(), capture_output=True, timeout=60)
    check(os.path.exists(shot) and lit_pixels(shot) > 320 * 180 // 2,
          "an emergency alert lights the screen in its off hours")
    r = subprocess.run([PLAYER, "--config", conf, "--content", demo, "--info"], env=base_env(),
                       capture_output=True, timeout=30)
    check("off 23:00-07:00, sat-sun" in r.stdout.decode(), "--info shows the schedule")
    bad = os.path.join(WORK, "power-bad.conf")
    with open(bad, "w") as f:
        f.write("\nscreen_off = 23:00-25:00\n")
    r = subprocess.run([PLAYER, "--config", bad, "--check"], env=base_env(),
                       capture_output=True, timeout=30)
    check(r.returncode == 1 and b"power-bad.conf:2" in r.stderr and b"screen_off" in r.stderr,
          "a bad schedule: file:line:key (%r)" % r.stderr[-200:])


def test_config_error_screen():
    """A typo in the service's config file: the waiting screen says so."""
    bad = os.path.join(WORK, "typo.conf")
    with open(bad, "w") as f:
        f.write("display = lobby-typo\nrotate = 45\n")
    status = os.path.join(WORK, "typo-status.json")
    ns = NotifySocket("typo")
    p = subprocess.run([PLAYER, "--config", bad, "--size", "640x360", "--status", status,
                        "--run-for", "3"],
                       env=base_env(NOTIFY_SOCKET=ns.path), capture_output=True, timeout=60)
    time.sleep(0.2)
    ns.close()
    check(p.returncode == 2, "exit 2 after showing the config error (%d)" % p.returncode)
    check(b"typo.conf:2" in p.stderr, "the error names file:line")
    ready = [m for _, m in ns.msgs if "READY=1" in m.split("\n")]
    check(ready and "typo.conf:2" in ready[0] and "rotate" in ready[0],
          "systemd hears the error: %r" % ready[:1])


def main():
    os.makedirs(WORK, exist_ok=True)
    for t in (test_player_notify, test_player_hang, test_player_other_pid,
              test_journal_priorities, test_server_notify, test_info, test_power_schedule,
              test_config_error_screen):
        t0 = time.time()
        try:
            t()
        except Exception as e:  # a crash in a test is a failure, not a skip
            check(False, "%s raised %r" % (t.__name__, e))
        print("%s: %.1f s" % (t.__name__, time.time() - t0), flush=True)
    print("service_it: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The benchmark's judges must be able to fail: synthetic frame logs with a
black frame, a frame of the wrong slide, a half-drawn fade frame, and a
strace log of a render thread that opens a file, each have to be caught, and
a clean log has to pass.  Runs in the test suite (no screen needed)."""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import frames  # noqa: E402
import suite   # noqa: E402

FAILS = []


def check(cond, what):
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        FAILS.append(what)


def picture(seed):
    """A 16x9 grid of RGB cells that looks like a photo (not flat)."""
    return [((seed * 37 + i * 11) % 200 + 20, (seed * 91 + i * 7) % 180 + 30,
             (seed * 53 + i * 5) % 160 + 40) for i in range(16 * 9)]


def mix(a, b, t):
    return [tuple(int(round((1 - t) * x + t * y)) for x, y in zip(ca, cb)) for ca, cb in zip(a, b)]


def log_lines(seq):
    """seq: (t_ms, flags, cur, prev, progress, sig) -> frame log text."""
    out = ["# frames %d kept %d" % (len(seq), len(seq))]
    for t, flags, cur, prev, prog, sig in seq:
        hexsig = "".join("%02x%02x%02x" % c for c in sig)
        out.append("%.3f 500 %d %d %d %.4f %s" % (t, flags, cur, prev, prog, hexsig))
    return "\n".join(out) + "\n"


def fade_log(tamper=None):
    """Slide 0 held, a fade 0 -> 1 (20 frames), slide 1 held, a cut to an
    alert, back to slide 1, a fade 1 -> 2."""
    a, b, c = picture(1), picture(2), picture(3)
    alert = [(200, 16, 40) if i % 3 else (250, 240, 230) for i in range(16 * 9)]
    seq, t = [], 0.0

    def add(flags, cur, prev, prog, sig, dt=16.7):
        nonlocal t
        seq.append((t, flags, cur, prev, prog, sig))
        t += dt

    add(1, 0, -1, 1, a, 4000)
    for k in range(20):
        p = (k + 1) / 21
        add(2, 1, 0, p, mix(a, b, p * p * (3 - 2 * p)))
    add(2, 1, -1, 1, b, 3000)
    add(17, 1, -1, 1, alert, 2000)
    add(1, 1, -1, 1, b, 3000)
    for k in range(20):
        p = (k + 1) / 21
        add(2, 2, 1, p, mix(b, c, p))
    add(2, 2, -1, 1, c, 3000)
    if tamper:
        tamper(seq, a, b, c)
    return log_lines(seq)


def judge_text(text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        fr, seen, kept = frames.parse(path)
        return frames.judge(fr), fr
    finally:
        os.unlink(path)


def replace(i, sig):
    def t(seq, a, b, c):
        tt, flags, cur, prev, prog, _ = seq[i]
        seq[i] = (tt, flags, cur, prev, prog, sig(a, b, c))
    return t


def main():
    j, fr = judge_text(fade_log())
    check(j["bad"] == 0 and j["blank"] == 0 and j["unverified"] == 0,
          "a clean log passes (%s)" % j)
    check(j["transitions"] == 4, "transitions counted: 2 fades + alert on + off (%d)"
          % j["transitions"])
    check(len(frames.frame_times(fr)) == 38, "frame times are taken inside fades only")

    black = [(0, 0, 0)] * (16 * 9)
    j, _ = judge_text(fade_log(replace(5, lambda a, b, c: black)))
    check(j["blank"] == 1 and j["bad"] == 1, "a black frame in a fade is caught (%s)" % j)

    j, _ = judge_text(fade_log(replace(10, lambda a, b, c: c)))
    check(j["bad"] == 1, "a frame of a third slide in a fade is caught (%s)" % j["examples"])

    # half the cells from the new slide, half from the old: a torn frame
    j, _ = judge_text(fade_log(replace(8, lambda a, b, c: a[:72] + mix(a, b, 1.0)[72:])))
    check(j["bad"] == 1, "a torn (half-drawn) fade frame is caught (%s)" % j["examples"])

    j, _ = judge_text(fade_log(replace(23, lambda a, b, c: mix(b, c, 0.5))))
    check(j["bad"] == 1, "a held frame that does not show its slide is caught (%s)"
          % j["examples"])

    white = [(255, 255, 255)] * (16 * 9)
    j, _ = judge_text(fade_log(replace(22, lambda a, b, c: white)))
    check(j["blank"] == 1, "a white flash (flat frame) under the alert flag is caught")

    # the render thread's file calls: strace -f -ttt lines, the main TID first
    trace = "\n".join([
        "100 10.0 execve(\"/usr/bin/signage-player\", ...) = 0",
        "100 11.0 openat(AT_FDCWD, \"/etc/fonts/fonts.conf\", O_RDONLY) = 3",
        "101 13.0 openat(AT_FDCWD, \"/deck/photo0.jpg\", O_RDONLY) = 5",
        "100 14.0 openat(AT_FDCWD, \"/deck/photo1.jpg\", O_RDONLY) = 6",
        "100 15.0 rename(\"/tmp/frames.txt.tmp\", \"/tmp/frames.txt\") = 0",
    ])
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(trace)
    calls = suite.render_thread_file_calls(f.name, 12.0, "/tmp/frames.txt")
    os.unlink(f.name)
    check(len(calls) == 1 and "photo1" in calls[0],
          "the render thread opening a file after start-up is caught, the worker's is not (%s)"
          % calls)

    fr = [{"t": 0, "cpu": 0.001}, {"t": 17, "cpu": 0.030}, {"t": 3017, "cpu": 0.050}]
    check(abs(suite.busiest_frame_ms(fr) - 30) < 1e-6,
          "a 30 ms frame inside an animation is found; work over a 3 s pause is not a frame")

    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())

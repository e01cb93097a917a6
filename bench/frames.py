"""Reads a player frame log (signage-player --frame-log FILE) and judges it.

File format (player/framelog.h): a first line "# frames SEEN kept KEPT", then
one line per presented frame:

    t_ms cpu_us flags cur prev progress sig

t_ms: when the frame was presented (ms on the player's monotonic clock);
cpu_us: render-thread CPU time spent since the previous frame; flags: what
was redrawn (1 full, 2 slide area, 4 header, 8 ticker, 16 alert up,
32 waiting screen, 64 first frame of a new deck); cur/prev: slide indices (prev >= 0 during a transition);
sig: the slide area as 16x9 cells of mean RGB, hex, or "-".

The judgement (judge()) checks pictures against pictures: each slide's
reference is a frame of the same log that shows it alone and steadily, every
frame of a fade must be a mix (1-a)*A + a*B of the two slides' references,
and no frame may be blank (one flat colour: black, white, an empty
background).
"""

GRID = 16 * 9
STEADY_EPS = 3      # levels: two frames this close show the same picture
MIX_RMS = 6.0       # levels: how far a fade frame may be from the ideal mix
FLAT = 10           # levels: a frame whose cells all lie this close is blank
HELD_MS = 100       # a frame shown this long is a steady picture, not part of a fade


def parse(path):
    frames = []
    with open(path) as f:
        head = f.readline().split()
        seen, kept = int(head[2]), int(head[4])
        for line in f:
            p = line.split()
            sig = None
            if p[6] != "-":
                b = bytes.fromhex(p[6])
                sig = [(b[i], b[i + 1], b[i + 2]) for i in range(0, len(b), 3)]
            frames.append({"t": float(p[0]), "cpu": float(p[1]) / 1e6, "flags": int(p[2]),
                           "cur": int(p[3]), "prev": int(p[4]), "progress": float(p[5]),
                           "sig": sig})
    return frames, seen, kept


def _dist(a, b):
    return max(abs(x - y) for ca, cb in zip(a, b) for x, y in zip(ca, cb))


def _flat(sig):
    lum = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in sig]
    return max(lum) - min(lum) <= FLAT


def _mix_error(f, a, b):
    """RMS distance of f from the best mix (1-t)a + tb, t in [0, 1]."""
    num = den = 0.0
    for cf, ca, cb in zip(f, a, b):
        for x, y, z in zip(cf, ca, cb):
            num += (x - y) * (z - y)
            den += (z - y) ** 2
    t = min(1.0, max(0.0, num / den)) if den else 0.0
    err = 0.0
    for cf, ca, cb in zip(f, a, b):
        for x, y, z in zip(cf, ca, cb):
            err += (x - ((1 - t) * y + t * z)) ** 2
    return (err / (len(f) * 3)) ** 0.5, t


def judge(frames):
    """Checks every frame's picture.  Reference pictures come from the log
    itself: a slide's steady picture is a frame that shows it alone (no
    transition) and stays (equals a neighbour, or is held >= 100 ms).  Then:
      - no frame is blank;
      - a frame that shows one slide matches one of that slide's references;
      - a frame in a transition from slide P to slide C is a mix
        (1-a)*P + a*C of references of P and C, a in [0, 1];
      - alert and waiting-screen frames only need not be blank.
    The slide indices come from the player's log; the pixels must agree.
    Returns counts, and the first few bad frames described."""
    n = len(frames)
    sigs = [fr["sig"] for fr in frames]
    # A slide's picture may change only with a new deck: references are per
    # deck epoch, the first steady picture of a slide in an epoch is its
    # reference, and a later steady picture that differs is a wrong frame.
    epoch, epochs = 0, []
    for f in frames:
        epoch += 1 if f["flags"] & 64 else 0
        epochs.append(epoch)
    refs = {}
    for i in range(n):
        f = frames[i]
        if sigs[i] is None or f["prev"] >= 0 or f["cur"] < 0 or f["flags"] & (16 | 32):
            continue
        held = frames[i + 1]["t"] - f["t"] if i + 1 < n else HELD_MS
        same = any(0 <= j < n and sigs[j] is not None and frames[j]["cur"] == f["cur"] and
                   frames[j]["prev"] < 0 and _dist(sigs[i], sigs[j]) <= STEADY_EPS
                   for j in (i - 1, i + 1))
        if held >= HELD_MS or same:
            key = (epochs[i], f["cur"])
            if key not in refs:
                refs[key] = sigs[i]
    def ref_of(slide, i):
        """The slide's picture in frame i's epoch, else in the nearest epoch
        that has one (a slide shown only mid-fade in a short epoch; if its
        picture really changed with the deck, that shows as a bad frame,
        never as a pass)."""
        for d in range(0, epochs[-1] + 2):
            for e in (epochs[i] - d, epochs[i] + d):
                if (e, slide) in refs:
                    return refs[(e, slide)]
        return None

    bad, blank, unverified, fades, transitions = [], 0, 0, 0, 0
    for i in range(n):
        f, sig = frames[i], sigs[i]
        if i > 0 and (f["cur"] != frames[i - 1]["cur"] or
                      (f["flags"] & 16) != (frames[i - 1]["flags"] & 16)):
            transitions += 1
        if sig is None:
            unverified += 1
            continue
        if _flat(sig):
            blank += 1
            bad.append((i, "blank"))
            continue
        if f["flags"] & (16 | 32) or f["cur"] < 0:
            continue
        if f["prev"] >= 0:
            fades += 1
            a, b = ref_of(f["prev"], i), ref_of(f["cur"], i)
            if a is None or b is None:
                unverified += 1
                continue
            err = _mix_error(sig, a, b)[0]
            if err > MIX_RMS:
                bad.append((i, "neither slide %d nor %d (%.1f levels from any mix)"
                            % (f["prev"], f["cur"], err)))
        else:
            r = ref_of(f["cur"], i)
            if r is None:
                unverified += 1
                continue
            err = _dist(sig, r)
            if err > MIX_RMS:
                bad.append((i, "not slide %d (%d levels off)" % (f["cur"], err)))
    return {"frames": n, "transitions": transitions, "fade_frames": fades, "blank": blank,
            "bad": len(bad), "unverified": unverified,
            "examples": ["frame %d at %.0f ms: %s" % (k, frames[k]["t"], why)
                         for k, why in bad[:5]]}


def frame_times(frames, only_fades=True):
    """Intervals (ms) between consecutive presented frames; with only_fades,
    the intervals that end in a frame of a transition that also began the
    interval (so the pause between fades is not counted)."""
    out = []
    for a, b in zip(frames, frames[1:]):
        if only_fades and not (a["prev"] >= 0 and b["prev"] >= 0):
            continue
        out.append(b["t"] - a["t"])
    return out


def percentile(values, q):
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, int(round(q / 100.0 * (len(s) - 1)))))
    return s[k]

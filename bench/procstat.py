"""Whole-process-tree figures from /proc, the way `ps`, `top` and `smem` read
them: PSS from /proc/PID/smaps_rollup, CPU time from /proc/PID/stat.

A browser is a tree of processes (zygote, GPU, renderer, utility ...), so
every figure is the sum over the tree rooted at the launched process; the
player is one process and counts the same way.
"""
import os
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(ppid, starttime, cpu ticks user+system) or None when the process is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            s = f.read().decode("ascii", "replace")
    except OSError:
        return None
    # the command name is in parentheses and may contain spaces
    rest = s[s.rindex(")") + 2:].split()
    return int(rest[1]), int(rest[19]), int(rest[11]) + int(rest[12])


def tree(root):
    """PIDs of `root` and all its descendants."""
    kids = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st:
                kids.setdefault(st[0], []).append(int(name))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def field_kib(path, name, missing=0):
    """The "Name:  N kB" line of a /proc file, in KiB (`missing` when gone)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return missing


def pss_kib(pid):
    return field_kib("/proc/%d/smaps_rollup" % pid, "Pss")


def hwm_kib(pid):
    """Peak resident set (VmHWM): exact where sampled PSS can miss a brief peak."""
    return field_kib("/proc/%d/status" % pid, "VmHWM")


class TreeSampler:
    """Samples a process tree: peak PSS, and CPU seconds used inside a time
    window.  Processes that start or end inside the window count for the part
    of their life that was seen (a process's ticks are read each sample)."""

    def __init__(self, root):
        self.root = root
        self.peak_pss_kib = 0
        self.pss_series = []          # (t, kib)
        self.first = {}               # (pid, start) -> ticks at first sight in window
        self.last = {}                # (pid, start) -> ticks at last sight
        self.window_open = False
        self.hwm = {}                 # (pid, start) -> VmHWM kib

    def sample(self, t):
        pids = tree(self.root)
        total = 0
        for p in pids:
            total += pss_kib(p)
            st = _stat(p)
            if st:
                self.hwm[(p, st[1])] = max(self.hwm.get((p, st[1]), 0), hwm_kib(p))
            if st and self.window_open:
                key = (p, st[1])
                self.first.setdefault(key, st[2])
                self.last[key] = st[2]
        self.pss_series.append((t, total))
        self.peak_pss_kib = max(self.peak_pss_kib, total)
        return total

    def open_window(self):
        """Starts counting CPU now (after start-up, when measuring a steady state)."""
        self.window_open = True
        for p in tree(self.root):
            st = _stat(p)
            if st:
                self.first[(p, st[1])] = st[2]
                self.last[(p, st[1])] = st[2]

    def peak_rss_kib(self):
        """Sum over the tree of each process's peak RSS (an upper bound for
        the tree's peak: the processes need not peak together)."""
        return sum(self.hwm.values())

    def cpu_seconds(self):
        return sum(self.last[k] - self.first[k] for k in self.last) / CLK_TCK


def run_sampled(argv, seconds, env=None, warmup=0.0, interval=0.05, cwd=None):
    """Runs argv in its own session for `seconds`, sampling every `interval`;
    CPU counts from `warmup` on.  Returns the sampler (process killed)."""
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    s = TreeSampler(proc.pid)
    t0 = time.monotonic()
    try:
        while True:
            t = time.monotonic() - t0
            if t >= seconds or proc.poll() is not None:
                break
            if not s.window_open and t >= warmup:
                s.open_window()
            s.sample(t)
            time.sleep(interval)
        s.sample(time.monotonic() - t0)
        s.alive = proc.poll() is None
    finally:
        kill_tree(proc)
    return s


def kill_tree(proc):
    """SIGTERM to the session, then SIGKILL what is left."""
    import signal
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()

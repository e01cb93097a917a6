#!/bin/bash
# Peak memory of signage-player at the screen sizes lobby screens use
# (docs/install.md, "Memory figures per model"):
#
#   bench/memory.sh BUILD_DIR [--seconds S] [--runs N] [--deck DIR] [--xvfb]
#
# For each screen below it plays a copy of the demo deck (content/demo, or
# --deck DIR) whose slides last 2 s (the copy's manifest.json is rewritten:
# "duration": 2, and slide_duration = 2 in a config of its own, so that an
# installed /etc/campus-signage/player.conf plays no part; the pictures are
# the same files, so their sha256 still match), for S seconds (default 24:
# the demo's 11 slides on air once, each with its transition, plus the clock
# and the ticker), N times (default 3), and prints the median (min-max) of:
#
#   peak RSS   VmHWM from /proc/PID/status, read just before the player is
#              stopped (SIGTERM; it exits through its normal path)
#   peak PSS   the largest Pss of /proc/PID/smaps_rollup, sampled every 0.1 s
#              (shared libraries counted by their share, as smem does)
#   anon       RssAnon at the end: the player's own heap (pictures, fonts,
#              the window's pixels), the part that grows with the screen
# PSS moves with whatever else on the machine maps the same libraries; the
# peak RSS is the steadier figure.  Run it under `nice` on a shared machine.
#
# Headless, no GPU: SDL's "offscreen" video driver with --windowed --size WxH
# (its desktop, like "dummy"'s, is 1024x768; a window takes any size), so the
# player takes its software renderer and the window's pixels are ordinary memory.
# With --xvfb each screen is instead an Xvfb screen of that size and the player
# runs full screen on it (the X11 path; the window's pixels are then X shared
# memory, counted in RSS and half in PSS).  Every run's status file must report
# the expected "screen" size (the picture as laid out, after rotation), and the
# player's log must show at least three slides on screen; a screen that fails
# is marked FAILED in the table and the script exits 1 at the end.
#
# These are x86-64 figures with the software renderer.  On a Raspberry Pi the
# player uses the GLES2 renderer: slide textures and the scanout buffers are GPU
# buffers (CMA on a Zero 2 W), outside the process's RSS.  See docs/install.md.
set -euo pipefail

usage() { sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; }

BUILD=""
SECONDS_PER_RUN=24
RUNS=3
DECK=""
XVFB=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --deck) DECK=$2; shift 2 ;;
        --xvfb) XVFB=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "memory.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) [ -z "$BUILD" ] || { echo "memory.sh: one BUILD_DIR only" >&2; exit 2; }
           BUILD=$1; shift ;;
    esac
done
[ -n "$BUILD" ] || { usage >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/.." && pwd)
PLAYER=$(cd "$BUILD" && pwd)/signage-player
[ -x "$PLAYER" ] || { echo "memory.sh: no $PLAYER (build first)" >&2; exit 1; }
DECK=${DECK:-$SRC/content/demo}
[ -f "$DECK/manifest.json" ] || { echo "memory.sh: no $DECK/manifest.json" >&2; exit 1; }
DECK=$(cd "$DECK" && pwd) # the copy links to its files
if [ "$XVFB" = 1 ]; then
    command -v Xvfb >/dev/null || { echo "memory.sh: --xvfb needs Xvfb (apt install xvfb)" >&2; exit 1; }
fi

# Screens: label, window size (WxH), --rotate, the expected laid-out size.
SCREENS=(
    "1280x720|1280x720|0|1280x720"
    "1920x1080|1920x1080|0|1920x1080"
    "1080x1920 (1920x1080 panel, rotate 90)|1920x1080|90|1080x1920"
    "1080x1920 (portrait mode)|1080x1920|0|1080x1920"
    "3840x2160|3840x2160|0|3840x2160"
)

TMP=$(mktemp -d /tmp/signage-memory.XXXXXX)
PLAYER_PID="" XPID=""
cleanup() {
    # only the processes this script started and has not yet reaped, by their id
    for p in $PLAYER_PID $XPID; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The deck with 2 s slides: manifest rewritten, pictures linked.
mkdir "$TMP/deck"
for f in "$DECK"/*; do
    [ "$(basename "$f")" = manifest.json ] || ln -s "$f" "$TMP/deck/"
done
sed -E 's/"duration"[[:space:]]*:[[:space:]]*[0-9.]+/"duration": 2/g' "$DECK/manifest.json" \
    >"$TMP/deck/manifest.json"
# A config of its own: 2 s for slides that name no duration, and nothing from an
# installed /etc/campus-signage/player.conf (a server, a screen_off schedule...).
printf 'slide_duration = 2\n' >"$TMP/player.conf"

# "Name:  N kB" from a /proc file, with bash builtins only (no forks while sampling).
proc_kib() {
    local k v rest
    while read -r k v rest; do
        if [ "$k" = "$2:" ]; then echo "$v"; return; fi
    done 2>/dev/null <"$1"
    echo 0
}

# now as milliseconds
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# median min max of integers
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
fmt() { # median (min-max) in MiB
    read -r med lo hi <<<"$(stats "$@")"
    if [ "$lo" = "$hi" ]; then echo "$(mib "$med")"; else echo "$(mib "$med") ($(mib "$lo")-$(mib "$hi"))"; fi
}

XDISPLAY=""
start_xvfb() { # WxH: a fresh Xvfb on a free display number
    local n=77
    while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
    Xvfb ":$n" -screen 0 "${1}x24" -nolisten tcp -noreset >"$TMP/xvfb.log" 2>&1 &
    XPID=$!
    for _ in $(seq 100); do
        [ -e "/tmp/.X11-unix/X$n" ] && break
        sleep 0.05
    done
    [ -e "/tmp/.X11-unix/X$n" ] || { echo "memory.sh: Xvfb :$n did not start" >&2; cat "$TMP/xvfb.log" >&2; exit 1; }
    XDISPLAY=":$n"
}
stop_xvfb() {
    kill "$XPID" 2>/dev/null || true
    wait "$XPID" 2>/dev/null || true
    XPID=""
}

# One run: sets R_HWM, R_PSS, R_ANON (KiB), R_SHOWN (slides that came on
# screen) and R_DRAWN (the status file's screen, WxH); or returns 1 with the
# reason in R_FAIL.
run_once() { # size rotate
    local size=$1 rotate=$2 status="$TMP/status.json" log="$TMP/player.log"
    rm -f "$status"
    local -a env=(SIGNAGE_DEBUG=1 XDG_CACHE_HOME="$TMP/xdg-cache")
    local -a args=(--config "$TMP/player.conf" --content "$TMP/deck" --status "$status"
        --rotate "$rotate")
    if [ "$XVFB" = 1 ]; then
        env+=(SDL_VIDEODRIVER=x11 DISPLAY="$XDISPLAY")
    else
        env+=(SDL_VIDEODRIVER=offscreen)
        args+=(--windowed --size "$size")
    fi
    env "${env[@]}" "$PLAYER" "${args[@]}" >"$log" 2>&1 &
    local pid=$! peak=0 pss t0 deadline
    PLAYER_PID=$pid
    t0=$(now_ms)
    deadline=$((t0 + SECONDS_PER_RUN * 1000))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null || true
            PLAYER_PID=""
            R_FAIL="the player exited after $(( ($(now_ms) - t0) / 1000 )) s: $(grep -v ': debug: ' "$log" | tail -n 6 | tr '\n' ' ')"
            return 1
        fi
        pss=$(proc_kib "/proc/$pid/smaps_rollup" Pss)
        [ "$pss" -gt "$peak" ] && peak=$pss
        sleep 0.1
    done
    local hwm anon
    hwm=$(proc_kib "/proc/$pid/status" VmHWM)
    anon=$(proc_kib "/proc/$pid/status" RssAnon)
    pss=$(proc_kib "/proc/$pid/smaps_rollup" Pss)
    [ "$pss" -gt "$peak" ] && peak=$pss
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    PLAYER_PID=""
    if [ "$rc" != 0 ]; then
        R_FAIL="the player exited with $rc on SIGTERM: $(tail -n 3 "$log" | tr '\n' ' ')"
        return 1
    fi
    local changes drawn
    # every slide that comes on screen, the first one included
    changes=$(grep -c 'debug: slide .* on screen' "$log" || true)
    # "screen": {"width": W, "height": H} (pretty-printed over several lines)
    drawn=$(tr -d ' \n\t' <"$status" 2>/dev/null |
        sed -n 's/.*"screen":{"width":\([0-9]*\),"height":\([0-9]*\)}.*/\1x\2/p')
    R_HWM=$hwm R_PSS=$peak R_ANON=$anon R_SHOWN=$changes R_DRAWN=${drawn:-?}
}

echo "signage-player peak memory: $("$PLAYER" --version), $(uname -m), SDL $(pkg-config --modversion sdl2 2>/dev/null || echo '?')"
echo "deck: $DECK (slides 2 s, 1 s transitions), $SECONDS_PER_RUN s a run, median (min-max) of $RUNS runs"
if [ "$XVFB" = 1 ]; then
    echo "video: Xvfb screen of each size, full screen, software renderer (X11)"
else
    echo "video: SDL_VIDEODRIVER=offscreen --windowed --size WxH, software renderer"
fi
echo
printf '| %-40s | %-9s | %-6s | %-20s | %-20s | %-20s |\n' "screen" "drawn at" "slides" "peak RSS (VmHWM) MiB" "peak PSS MiB" "anon at end MiB"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" "-----------" "--------" \
    "$(printf -- '-%.0s' {1..22})" "$(printf -- '-%.0s' {1..22})" "$(printf -- '-%.0s' {1..22})"
FAILED=0
for s in "${SCREENS[@]}"; do
    IFS='|' read -r label size rotate want <<<"$s"
    [ "$XVFB" = 1 ] && start_xvfb "$size"
    hwms=() psss=() anons=() minshown=999 fail=""
    for _ in $(seq "$RUNS"); do
        if ! run_once "$size" "$rotate"; then
            fail=$R_FAIL
        elif [ "$R_DRAWN" != "$want" ]; then
            fail="the status file says the screen is $R_DRAWN, expected $want"
        elif [ "$R_SHOWN" -lt 3 ]; then
            fail="only $R_SHOWN slides came on screen in $SECONDS_PER_RUN s"
        fi
        [ -z "$fail" ] || break
        [ "$R_SHOWN" -lt "$minshown" ] && minshown=$R_SHOWN
        hwms+=("$R_HWM") psss+=("$R_PSS") anons+=("$R_ANON")
    done
    [ "$XVFB" = 1 ] && stop_xvfb
    if [ -n "$fail" ]; then
        printf '| %-40s | FAILED: %s |\n' "$label" "$fail"
        FAILED=$((FAILED + 1))
        continue
    fi
    printf '| %-40s | %-9s | %-6s | %-20s | %-20s | %-20s |\n' "$label" "$R_DRAWN" "$minshown" \
        "$(fmt "${hwms[@]}")" "$(fmt "${psss[@]}")" "$(fmt "${anons[@]}")"
done
echo
echo "slides: slides that came on screen in the run with fewest (transitions = slides - 1)."
[ "$FAILED" = 0 ] || { echo "memory.sh: $FAILED screen(s) failed" >&2; exit 1; }

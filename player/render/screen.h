/* screen.h - the render loop: window, textures, transitions, clock, ticker,
 * alerts, and the headless --screenshot path.
 *
 * Data flows one way: deck -> schedule (what is on air) -> show (what is on
 * screen) -> prep (surfaces, on the worker) -> textures here.  This thread
 * never reads files or decodes: it waits on SDL events with a timeout that
 * runs until the next thing that changes on screen (slide end, the clock's
 * minute), and draws frames continuously only during a transition or while
 * the ticker scrolls.
 */
#ifndef SIGNAGE_SCREEN_H
#define SIGNAGE_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "deck.h"
#include "status.h"
#include "sync.h"

/* Faults the tests inject into a real player (SIGNAGE_FAULT, main.c). */
typedef enum {
    FAULT_NONE = 0,
    FAULT_RENDER_HANG, /* the render loop stops: systemd's watchdog must notice */
    FAULT_BLACK,       /* slides are drawn black from then on (a failed texture, a lost GPU) */
    FAULT_BLACK_ONCE,  /* ... until the first recovery */
    FAULT_WORKER_HANG, /* the preparation worker stops: the screen freezes */
} screen_fault;

typedef struct screen_opts {
    const player_config *cfg;
    const char *screenshot; /* write one frame to this PNG and exit; NULL = live */
    bool has_at;            /* clock fixed at `at` (screenshot) or starting there (live) */
    int64_t at;
    const char *slide_id;      /* screenshot: this slide, fully shown */
    double run_for;            /* live: exit after this many seconds (0 = run forever) */
    const char *last_error;    /* shown on the waiting screen */
    const char *watch_dir;     /* live: reload this content folder when it changes (NULL = no) */
    syncer *sync;              /* live: take new decks from it, report bad assets (NULL = no) */
    status_board *board;       /* live: post what is showing, serve screenshots (NULL = no) */
    const char *content_label; /* the waiting screen's "content" line (folder or URL) */
    unsigned wake_event;       /* an SDL user event type registered by the caller (0 = own) */
    const char *frame_log;     /* live: record every frame (framelog.h) to this file at exit */
    double speed;              /* benchmarks: slides and fades this many times shorter (0 = 1) */
    screen_fault fault;        /* tests: a fault to inject (SIGNAGE_FAULT), FAULT_NONE = none */
    double fault_after;        /* ... this many seconds after the start */
} screen_opts;

/* Runs until quit (or one frame for a screenshot).  `d` may be NULL (no
 * content: the waiting screen); the reference stays the caller's.  In live
 * mode a changed `watch_dir` is reloaded and verified on the worker and
 * swapped in between frames: what is on screen stays up until the new
 * deck's slides are ready.
 * Returns 0, or -1 after logging why, or SCREEN_EXIT_RESTART when the
 * self-check (watch.h) found the screen wrong and recovery failed: the
 * process should exit for systemd to start a fresh one. */
#define SCREEN_EXIT_RESTART 3
int screen_run(const screen_opts *opts, deck *d);

#endif

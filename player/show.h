/* show.h - the slideshow sequencer: which slide is on screen, which comes
 * next, and how far a transition has gone.  Pure C, time passed in.
 *
 * The caller owns the facts - which slides are on air now (schedules), which
 * are prepared (textures ready) and which failed to prepare - and calls
 * show_tick() with a monotonic time in seconds.  The sequencer never shows a
 * slide before it is ready: when the next slide is late, the current one
 * stays up (no black frame), and a slide that failed is skipped.
 */
#ifndef SIGNAGE_SHOW_H
#define SIGNAGE_SHOW_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

typedef struct show_slide_state {
    bool on_air;   /* inside its schedule now */
    bool ready;    /* prepared and can be drawn */
    bool failed;   /* preparation failed: skip */
    double duration;
    transition_kind transition;
} show_slide_state;

typedef struct show {
    int cur;            /* slide on screen, -1 = none */
    int prev;           /* slide going away during a transition, -1 = none */
    double cur_start;   /* when cur began to appear */
    double trans_time;  /* seconds a fade/push takes */
    transition_kind trans_kind;
    bool transitioning;
} show;

typedef struct show_view {
    int cur, prev;      /* prev >= 0 only during a transition */
    double progress;    /* 0..1 of the transition (1 when none) */
    transition_kind kind;
    int want_next;      /* the slide to prepare next (-1 = none) */
    double next_event;  /* when the view changes next without animation (seconds) */
} show_view;

void show_init(show *s, double trans_time);

/* Restarts without any slide (e.g. after a new deck whose slides are all
 * different).  The next tick cuts to the first ready slide. */
void show_reset(show *s);

/* After the deck changed: `new_cur` and `new_prev` are the indices of the
 * same slides (by id) in the new deck, or -1 when they are gone. */
void show_remap(show *s, int new_cur, int new_prev);

/* Advances the sequencer to time `now` and describes what to draw. */
void show_tick(show *s, double now, const show_slide_state *slides, size_t n, show_view *out);

/* The next slide to show after `after` (circular, skipping slides not on air
 * or failed), or -1.  `after` = -1 starts from the first slide.  Returns
 * `after` itself when it is the only candidate. */
int show_next_candidate(const show_slide_state *slides, size_t n, int after);

/* Which of the `n_on_air` alerts on air has the screen at `now`, when each
 * takes turns for `turn` seconds. */
size_t show_alert_turn(size_t n_on_air, double now, double turn);

#endif

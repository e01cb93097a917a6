/* watch.h - the player watching its own screen: what it decides when what
 * it presents is not what it meant to present.
 *
 * Two observations come in from the render loop:
 *   - a frame check: once per slide, the first frame that shows it fully,
 *     a grid of pixels read back from what was drawn is compared with the
 *     same grid of the slide's own picture (watch_compare).  Black where
 *     the slide is not, or a different picture, means a failed texture or
 *     a renderer that lost its surface.
 *   - progress: a slide still on screen long after it should have ended
 *     (while others are on air) means the thread that prepares slides is
 *     stuck.
 * Answers climb a ladder as a problem persists: reload the slide, then
 * recreate the renderer and every texture, then exit so systemd starts a
 * fresh process (Restart=always).  A stuck thread cannot be recovered in
 * the process: it goes straight to exit.  A good frame check ends the
 * problem; the count of recoveries stays for the status file.
 *
 * Pure C: no SDL, time passed in (monotonic seconds).  No allocation.
 */
#ifndef SIGNAGE_WATCH_H
#define SIGNAGE_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#define WATCH_GRID_W 8
#define WATCH_GRID_H 6
#define WATCH_POINTS (WATCH_GRID_W * WATCH_GRID_H)
#define WATCH_STUCK_GRACE 30.0 /* seconds past twice a slide's duration */

typedef enum {
    WATCH_OK = 0,
    WATCH_RELOAD,   /* prepare and upload the slide again */
    WATCH_RECREATE, /* a new renderer, every texture again */
    WATCH_EXIT,     /* exit for systemd to restart the player */
} watch_action;

typedef enum { WATCH_MATCH, WATCH_BLACK, WATCH_DIFFERENT } watch_verdict;

typedef struct watch {
    int level;      /* rungs of the ladder climbed for the current problem */
    int recoveries; /* recovery actions taken since start */
    bool problem;   /* a problem is open */
    double since;   /* when it was first seen */
    char what[256]; /* what was seen, for the status file and the log */
} watch;

void watch_init(watch *w);

/* Where sample i of WATCH_POINTS lies in a w x h picture. */
void watch_point(int i, int w, int h, int *x, int *y);

/* Compares the drawn samples with the slide's own (0xAARRGGBB each).  A
 * tolerance absorbs a GPU's rounding; black needs the slide not to be. */
watch_verdict watch_compare(const uint32_t *expected, const uint32_t *drawn);

/* The verdict of a frame check of slide `id`.  Returns what to do. */
watch_action watch_frame(watch *w, double now, watch_verdict v, const char *id);

/* Progress: slide `id` has been on screen `shown_for` seconds, with a
 * duration of `duration`, while `on_air` slides are on air. */
watch_action watch_progress(watch *w, double now, const char *id, double shown_for, double duration,
                            int on_air);

const char *watch_action_name(watch_action a);

#endif

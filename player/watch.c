#include "watch.h"

#include <stdio.h>
#include <string.h>

#define TOLERANCE 24 /* per channel: a GPU's rounding and dithering */
#define MIN_MATCH 40 /* of 48 points: a moving part (none today) may differ */
#define DARK_LUMA 12 /* drawn: this dark is black */
#define LIT_LUMA 40  /* expected: a slide this bright is not meant to be black */

void watch_init(watch *w)
{
    memset(w, 0, sizeof *w);
}

void watch_point(int i, int w, int h, int *x, int *y)
{
    /* cell centres, so no point sits on an edge a layout might shift */
    int gx = i % WATCH_GRID_W, gy = i / WATCH_GRID_W;
    *x = (int)(((long)gx * 2 + 1) * w / (WATCH_GRID_W * 2));
    *y = (int)(((long)gy * 2 + 1) * h / (WATCH_GRID_H * 2));
}

static int luma(uint32_t p)
{
    return (int)((((p >> 16) & 255) * 77 + ((p >> 8) & 255) * 150 + (p & 255) * 29) >> 8);
}

static int absdiff(int a, int b)
{
    return a > b ? a - b : b - a;
}

watch_verdict watch_compare(const uint32_t *expected, const uint32_t *drawn)
{
    int match = 0, dark = 0;
    long lit = 0;
    for (int i = 0; i < WATCH_POINTS; i++) {
        uint32_t e = expected[i], d = drawn[i];
        bool same = absdiff((int)((e >> 16) & 255), (int)((d >> 16) & 255)) <= TOLERANCE &&
                    absdiff((int)((e >> 8) & 255), (int)((d >> 8) & 255)) <= TOLERANCE &&
                    absdiff((int)(e & 255), (int)(d & 255)) <= TOLERANCE;
        match += same;
        dark += luma(d) <= DARK_LUMA;
        lit += luma(e);
    }
    if (match >= MIN_MATCH) return WATCH_MATCH;
    if (dark == WATCH_POINTS && lit / WATCH_POINTS >= LIT_LUMA) return WATCH_BLACK;
    return WATCH_DIFFERENT;
}

static watch_action climb(watch *w, double now, watch_action floor)
{
    if (!w->problem) {
        w->problem = true;
        w->since = now;
        w->level = 0;
    }
    w->level++;
    watch_action a = w->level == 1 ? WATCH_RELOAD : w->level == 2 ? WATCH_RECREATE : WATCH_EXIT;
    if (a < floor) a = floor;
    w->recoveries++;
    return a;
}

watch_action watch_frame(watch *w, double now, watch_verdict v, const char *id)
{
    if (v == WATCH_MATCH) {
        w->problem = false;
        w->level = 0;
        w->what[0] = '\0';
        return WATCH_OK;
    }
    snprintf(w->what, sizeof w->what, "%s on screen where slide \"%.120s\" should be",
             v == WATCH_BLACK ? "black" : "a different picture", id);
    return climb(w, now, WATCH_RELOAD);
}

watch_action watch_progress(watch *w, double now, const char *id, double shown_for, double duration,
                            int on_air)
{
    if (on_air < 2 || shown_for <= 2 * duration + WATCH_STUCK_GRACE) return WATCH_OK;
    snprintf(w->what, sizeof w->what,
             "slide \"%.120s\" stuck on screen for %.0f s (due to change after %.0f s): the next "
             "slide was never prepared",
             id, shown_for, duration);
    /* A thread that stopped cannot be restarted from here. */
    return climb(w, now, WATCH_EXIT);
}

const char *watch_action_name(watch_action a)
{
    switch (a) {
    case WATCH_OK:
        return "none";
    case WATCH_RELOAD:
        return "reloading the slide";
    case WATCH_RECREATE:
        return "recreating the renderer";
    case WATCH_EXIT:
        return "exiting for systemd to restart the player";
    }
    return "?";
}

/* framelog.h - a record of every presented frame, for the benchmarks.
 *
 * With `--frame-log FILE` the render loop notes, for each frame it presents,
 * when it was presented, how much CPU the render thread spent on it, what was
 * redrawn, which slides were up, and a coarse picture of the main area (the
 * mean colour of each cell of a 16x9 grid).  bench/ reads the file to find
 * frame-time outliers and blank frames or frames that show neither the
 * outgoing nor the incoming slide (bench/frames.py).
 *
 * Records are kept in memory (a fixed cap, so a long run cannot grow without
 * bound) and written once, by framelog_write() at exit: the render loop
 * never does file I/O while it runs.  Pure C: pixels come in as a pointer.
 *
 * Ownership: framelog_open() returns a log the caller frees with
 * framelog_free(); framelog_add() copies what it needs.
 */
#ifndef SIGNAGE_FRAMELOG_H
#define SIGNAGE_FRAMELOG_H

#include <stddef.h>
#include <stdint.h>

#define FRAMELOG_GRID_W 16
#define FRAMELOG_GRID_H 9
#define FRAMELOG_SIG (FRAMELOG_GRID_W * FRAMELOG_GRID_H * 3)

/* What was redrawn (flags). */
enum {
    FRAMELOG_FULL = 1,     /* the whole screen */
    FRAMELOG_MAIN = 2,     /* the slide area */
    FRAMELOG_HEADER = 4,   /* the header band (clock) */
    FRAMELOG_TICKER = 8,   /* the ticker band */
    FRAMELOG_ALERT = 16,   /* an alert covers the screen */
    FRAMELOG_WAITING = 32, /* the waiting screen */
    FRAMELOG_NEW_DECK = 64 /* the first frame since a new deck was taken */
};

typedef struct framelog_frame {
    double t;   /* presentation time, seconds on the loop's monotonic clock */
    double cpu; /* render thread CPU seconds since the previous frame */
    unsigned flags;
    int cur, prev;   /* slide indices (-1 = none) */
    double progress; /* transition progress 0..1 */
    int has_sig;
    uint8_t sig[FRAMELOG_SIG]; /* RGB means, row-major cells */
} framelog_frame;

typedef struct framelog framelog;

/* A log holding at most `max_frames` frames (later ones are counted, not kept).
 * Returns 0, or -1 when out of memory. */
int framelog_open(size_t max_frames, framelog **out);

/* Fills fr->sig from a region of 32-bit pixels (any byte order: `r_shift`,
 * `g_shift`, `b_shift` give each channel's bit position in a native uint32_t)
 * `pitch` bytes apart. */
void framelog_signature(framelog_frame *fr, const void *pixels, int pitch, int w, int h,
                        int r_shift, int g_shift, int b_shift);

void framelog_add(framelog *f, const framelog_frame *fr);
size_t framelog_count(const framelog *f);                        /* frames seen, kept or not */
const framelog_frame *framelog_get(const framelog *f, size_t i); /* NULL past the kept ones */

/* Writes the log as text, one frame per line (format in bench/frames.py), to
 * a temp name then renamed.  Returns 0, or -1 with a reason in err. */
int framelog_write(const framelog *f, const char *path, char *err, size_t errlen);

void framelog_free(framelog *f);

#endif

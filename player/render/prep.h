/* prep.h - the preparation worker: one thread that turns requests ("slide 3
 * of this deck at 1920x946") into finished surfaces, so the render thread
 * never reads a file, decodes a picture or lays out text.
 *
 * Requests and results travel through two mutex-protected queues; each
 * finished result wakes the render loop with an SDL user event
 * (SDL_PushEvent is thread-safe).  A request carries a generation number:
 * when the deck or the screen size changes, the render thread bumps its
 * generation, prep_drop_stale() discards queued work of older generations,
 * and results of older generations are ignored by the caller.
 *
 * Ownership: a submitted job's deck reference, item array and strings move
 * to the worker; a polled result owns its surfaces and deck reference until
 * prep_result_free().
 */
#ifndef SIGNAGE_PREP_H
#define SIGNAGE_PREP_H

#include <SDL.h>
#include <stdint.h>

#include "deck.h"
#include "render/compose.h"

typedef enum {
    PREP_SLIDE,
    PREP_HEADER,
    PREP_TICKER,
    PREP_ALERT,
    PREP_IDLE,
    PREP_WAITING,
    PREP_LOAD,  /* (re)load a content folder when its manifest changed */
    PREP_CLOCK, /* the header's clock for one minute (info[0] time, info[1] date, sig = minute) */
    PREP_HANG,  /* tests only: the worker stops for good (SIGNAGE_FAULT=worker-hang) */
} prep_kind;

typedef struct prep_job {
    prep_kind kind;
    deck *d;         /* reference moved to the worker; NULL for PREP_WAITING */
    int index;       /* slide or alert index */
    int w, h, unit;  /* size to draw at; unit for text sizes */
    int clock_w;     /* header: room left for the clock */
    int turn, turns; /* alert: which of how many */
    size_t *items;   /* ticker: indices on air (malloc'ed, moved) */
    size_t n_items;
    char *info[6]; /* waiting: display, addresses(NULL = ask the system), server,
                      content, last error, version (malloc'ed, moved) */
    char *dir;     /* load: the content folder (malloc'ed, moved) */
    char *tz;      /* load: default timezone (malloc'ed, moved) */
    uint64_t sig;  /* load: signature of the manifest last loaded (0 = none) */
    uint64_t gen;
} prep_job;

typedef struct prep_result {
    prep_kind kind;
    deck *d;
    int index;
    int w, h;
    uint64_t gen;
    SDL_Surface *surf;   /* slide / header / alert / idle / waiting; ticker label */
    compose_strip strip; /* ticker */
    deck *loaded;        /* load: a new, fully verified deck (NULL = unchanged or failed) */
    uint64_t sig;        /* load: signature of the manifest looked at */
    char err[512];       /* non-empty: the job failed */
    char warn[512];      /* non-empty: a note to log */
} prep_result;

typedef struct prep prep;

/* Starts the worker, whose first act is to open its own fonts (only the
 * worker ever touches them, so font loading never races).  That runs while
 * the caller creates the window; the arguments are copied.  Needs no SDL
 * subsystem, only TTF_Init.  diags gets only the failure to start. */
int prep_start(const char *font, const char *font_bold, const char *fallbacks, int64_t max_pixels,
               Uint32 wake_event, prep **out, diag_list *diags);
/* Waits until the fonts are open and moves what opening them said into
 * diags.  Returns 0, or -1 when they cannot be used (the worker has then
 * stopped: prep_stop is all that is left to call). */
int prep_wait_open(prep *p, diag_list *diags);
void prep_stop(prep *p); /* joins the worker, frees everything queued */

void prep_submit(prep *p, prep_job *job); /* job contents move; *job is zeroed */
/* Removes queued (not yet started) jobs of generations older than `gen`. */
void prep_drop_stale(prep *p, uint64_t gen);
/* Takes one finished result; returns 1, or 0 when none is waiting.  With
 * timeout_ms > 0 waits that long for one (screenshot mode only). */
int prep_poll(prep *p, prep_result *out, int timeout_ms);
void prep_result_free(prep_result *r);

void prep_job_clear(prep_job *job);

#endif

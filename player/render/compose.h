/* compose.h - drawing whole slides and screens into SDL surfaces.
 *
 * Runs on the preparation worker (prep.c), never on the render thread: it
 * reads and verifies media files, decodes and scales pictures, lays out and
 * draws text.  The render thread only uploads the finished surfaces as
 * textures and moves them around.
 *
 * Every function returns a new SDL_PIXELFORMAT_ARGB8888 surface the caller
 * frees with SDL_FreeSurface(), or NULL with a reason in err.  `unit` is the
 * whole screen's short side (layout.h): text sizes come from it, so a slide
 * drawn for the main area matches the header and ticker around it.
 */
#ifndef SIGNAGE_COMPOSE_H
#define SIGNAGE_COMPOSE_H

#include <SDL.h>
#include <stdint.h>

#include "deck.h"
#include "render/text.h"

typedef struct compose_ctx {
    text_ctx text;
    int64_t max_pixels;
} compose_ctx;

/* Waiting-screen facts for the technician. */
typedef struct compose_info {
    const char *display_id;
    const char *addresses;
    const char *server;     /* NULL/"" = none configured */
    const char *content;    /* content folder, or NULL */
    const char *last_error; /* NULL/"" = none */
    const char *version;
} compose_info;

/* Tiles of a long horizontal strip (the ticker), each at most
 * COMPOSE_TILE_MAX px wide so every GPU can hold it as a texture. */
#define COMPOSE_TILE_MAX 2048
typedef struct compose_strip {
    SDL_Surface **tiles;
    size_t n;
    int width;  /* sum of tile widths */
} compose_strip;

int compose_open(compose_ctx *c, const char *font, const char *font_bold, const char *fallbacks,
                 int64_t max_pixels, diag_list *diags);
void compose_close(compose_ctx *c);

/* A slide sized for the main area (w x h).  `warn` receives a note for the
 * organizer/technician (text shrunk to the floor, text cut, picture too
 * small) or stays empty. */
SDL_Surface *compose_slide(compose_ctx *c, const deck *d, size_t idx, int w, int h, int unit,
                           char *err, size_t errlen, char *warn, size_t warnlen);

/* The header band without the clock (title, subtitle, logo); the clock is
 * drawn by the render thread into the right `clock_w` px. */
SDL_Surface *compose_header(compose_ctx *c, const deck *d, int w, int h, int unit, int clock_w,
                            char *err, size_t errlen);

/* The ticker's label block (left, static) and the strip of items on air
 * (`items` indices into d->m->ticker).  Returns 0 or -1. */
SDL_Surface *compose_ticker_label(compose_ctx *c, const deck *d, int h, int unit);
int compose_ticker_strip(compose_ctx *c, const deck *d, const size_t *items, size_t n_items,
                         int h, int unit, compose_strip *out);
void compose_strip_free(compose_strip *s);

/* Full-screen alert (alert `idx`); `turn`/`turns` show "1/2" when several
 * alerts take turns (turns <= 1: no counter). */
SDL_Surface *compose_alert(compose_ctx *c, const deck *d, size_t idx, int w, int h, size_t turn,
                           size_t turns, char *err, size_t errlen);

/* Main area when the deck has nothing on air right now: the committee's name
 * and logo, calmly. */
SDL_Surface *compose_idle(compose_ctx *c, const deck *d, int w, int h, int unit);

/* Full-screen "waiting for content" for the technician. */
SDL_Surface *compose_waiting(compose_ctx *c, const compose_info *info, int w, int h);

/* The clock block: time (HH:MM) above the date line, right-aligned in w x h,
 * transparent background.  Used by the render thread with its own ctx. */
SDL_Surface *compose_clock(text_ctx *t, const char *time_text, const char *date_text, int w,
                           int h);

/* Theme colours derived from the accent. */
SDL_Color compose_accent(const deck *d);

#endif

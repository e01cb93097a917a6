/* layout.h - screen geometry and notice fitting.  Pure C, no SDL.
 *
 * Everything is sized from the screen's short side ("unit" = min(w, h)), not
 * from pixels, so 1280x720, 1920x1080, 3840x2160 and portrait panels all get
 * the same proportions, and text is as big in portrait as in landscape on the
 * same panel.  The readable floor for body text is unit/30 (36 px at 1080p,
 * about 25 mm on a 55-inch panel: readable from 3 m).
 */
#ifndef SIGNAGE_LAYOUT_H
#define SIGNAGE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "linebreak.h"

typedef struct layout_rect {
    int x, y, w, h;
} layout_rect;

typedef struct layout_screen {
    int w, h;   /* logical size (after rotation) */
    int unit;   /* min(w, h) */
    bool portrait;
    layout_rect header; /* h = 0 when there is no header */
    layout_rect main;
    layout_rect ticker; /* h = 0 when there is no ticker */
} layout_screen;

void layout_screen_compute(int w, int h, bool has_header, bool has_ticker, layout_screen *out);

/* Text sizes, in px, for a screen unit. */
int layout_text_floor(int unit);      /* smallest body size: unit/30 */
int layout_body_max(int unit);        /* largest body size for notices */
int layout_header_title_px(int unit);
int layout_ticker_px(int unit);

/* Measures text at a given pixel size and weight (see text.c). */
typedef int (*layout_measure_fn)(void *ctx, int px, bool bold, const char *text, size_t len);

/* Breaks text at one size and weight (linebreak.c with `measure` bound to
 * px and bold).  Returns lb_break()'s result. */
int layout_break(const char *text, int max_w, int px, bool bold, layout_measure_fn measure,
                 void *ctx, lb_result *out);

typedef struct layout_notice {
    int title_px, body_px;      /* chosen sizes */
    int title_line_h, body_line_h; /* baseline-to-baseline distance */
    int gap;                    /* between title block and body block */
    lb_result title, body;      /* lines (owned; free with layout_notice_free) */
    size_t body_lines_shown;    /* < body.n_lines when even the floor overflowed */
    int height;                 /* total height of the text block as laid out */
    bool at_floor;              /* the body had to go down to the floor size */
    bool overflow;              /* lines were cut: the text does not fit at the floor */
} layout_notice;

/* Finds the largest body size in [floor, max] (title = 1.45x body, capped)
 * at which title (may be NULL) and body (may be NULL) fit into box_w x box_h;
 * Chinese line-breaking via lb_break().  When even the floor does not fit,
 * lays out at the floor and keeps as many body lines as fit (overflow=true),
 * the last one ending in "…" is the caller's job (see body_lines_shown).
 * Returns 0, or -1 on allocation failure. */
int layout_fit_notice(const char *title, const char *body, int box_w, int box_h, int floor_px,
                      int max_px, layout_measure_fn measure, void *ctx, layout_notice *out);
void layout_notice_free(layout_notice *n);

/* Fits a w x h picture into a box: contain (inside, centred) or cover
 * (fills, centred, cropped: the returned rect may extend outside the box). */
layout_rect layout_fit_rect(int img_w, int img_h, layout_rect box, bool cover);

/* Side of a QR code (including its quiet zone) for the screen: large enough
 * to scan from 1 m (about 10 cm on a 55-inch panel = unit * 0.2). */
int layout_qr_side(int unit);

#endif

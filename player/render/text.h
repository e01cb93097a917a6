/* text.h - drawing text with SDL_ttf through a font fallback chain.
 *
 * A text_ctx holds its own TTF_Font instances (regular and bold chains), so
 * each thread that draws text owns one: the preparation worker composes
 * slides with its context while the render thread draws the clock with
 * another.  Text is split into runs by the first face of the chain that has
 * the glyph (fonts_chain_cover), and runs share the primary face's baseline.
 *
 * Surfaces given to text_draw() must be SDL_PIXELFORMAT_ARGB8888.
 */
#ifndef SIGNAGE_TEXT_H
#define SIGNAGE_TEXT_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>

#include "diag.h"
#include "render/fonts.h"

typedef struct text_faces {
    fonts_chain chain;
    TTF_Font *fonts[FONTS_MAX_CHAIN];
    int px[FONTS_MAX_CHAIN]; /* size each font is currently set to */
} text_faces;

typedef struct text_ctx {
    text_faces reg, bold;
} text_ctx;

/* Opens both chains (regular: `font` + fallbacks; bold: `font_bold` +
 * `font` + fallbacks).  TTF_Init() must have been called.  Returns 0, or -1
 * when no usable font exists (diags say which). */
int text_open(text_ctx *t, const char *font, const char *font_bold, const char *fallbacks,
              diag_list *diags);
void text_close(text_ctx *t);

/* Width in px of s[0..len) at size px. */
int text_measure(text_ctx *t, int px, bool bold, const char *s, size_t len);


/* Draws s[0..len) with its top-left at (x, y) (the line box of the primary
 * face); returns the width drawn. */
int text_draw(text_ctx *t, SDL_Surface *dst, int x, int y, int px, bool bold, SDL_Color color,
              const char *s, size_t len);

/* Convenience: draws with a soft dark shadow (for text over photos). */
int text_draw_shadow(text_ctx *t, SDL_Surface *dst, int x, int y, int px, bool bold,
                     SDL_Color color, const char *s, size_t len);

#endif

/* qr.h - a QR code for a slide's link, drawn on whole-pixel modules (no
 * scaling blur) with the standard 4-module quiet zone on white. */
#ifndef SIGNAGE_QR_H
#define SIGNAGE_QR_H

#include <SDL.h>

/* Draws a QR code for `text` with its top-left at (x, y), at most `side` px
 * square (the code is centred in that square; modules are at least 2 px).
 * Error correction level M.  Returns the side actually used; -1 when the
 * text cannot be encoded (too long), -2 when `side` is too small for 2 px
 * modules (a tiny window) - the caller then leaves the QR out. */
int qr_draw(SDL_Surface *dst, int x, int y, int side, const char *text);

#endif

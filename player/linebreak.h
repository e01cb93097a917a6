/* linebreak.h - line breaking for Chinese (and mixed Chinese/Latin) text.
 * Pure C: widths come from a caller-supplied measuring function, so it is
 * tested without fonts and used with SDL_ttf in the renderer.
 *
 * Rules (W3C clreq, GB/T 15834; see docs/typography.md):
 *   - a break is allowed between any two Han/kana/fullwidth characters;
 *   - Latin words, numbers with their units ("2026年", "3.5%", "15:30") and
 *     URLs stay whole when they fit on a line; when a single word is wider
 *     than the line it is broken between characters;
 *   - closing punctuation never starts a line (，。、．：；！？）］｝〕〗〙〛】」』》〉”’％‰
 *     and ASCII ,.:;!?)]}% ...); opening punctuation never ends one
 *     (（［｛〔〖〘〚【「『《〈“‘ and ASCII ([{ ...); when a closing mark would
 *     start a line, the previous character is pulled down with it (推出);
 *   - "……" and "——" are never split;
 *   - '\n' forces a break (an empty line is kept as an empty line);
 *     "\r\n" counts as one newline;
 *   - spaces at the end of a line are dropped (not measured), spaces at the
 *     start of a wrapped (not forced) line are skipped.
 */
#ifndef SIGNAGE_LINEBREAK_H
#define SIGNAGE_LINEBREAK_H

#include <stddef.h>
#include <stdint.h>

/* Width in pixels of text[0..len) (a whole number of code points). */
typedef int (*lb_measure_fn)(void *ctx, const char *text, size_t len);

typedef struct lb_line {
    size_t start; /* byte offset into the text */
    size_t len;   /* bytes, excluding the newline and trailing spaces */
    int width;    /* measure(start, len) as summed from its units */
} lb_line;

typedef struct lb_result {
    lb_line *lines; /* owned: free with lb_result_free() */
    size_t n_lines;
    int max_width;  /* widest line */
} lb_result;

/* Breaks text[0..len) into lines no wider than max_width (except a single
 * character wider than the line, which gets a line of its own).  Returns 0 and
 * fills *out, or -1 on allocation failure (or a NULL measure/out, or NULL text
 * with len > 0).  Empty text yields zero lines.  With max_width <= 0 every
 * unbreakable unit gets a line of its own, whole.
 * The measuring function is called on unbreakable units (and single
 * characters when a unit must be split), not on every prefix, so the cost is
 * linear in the text length. */
int lb_break(const char *text, size_t len, int max_width, lb_measure_fn measure, void *ctx,
             lb_result *out);

void lb_result_free(lb_result *r);

/* Character classes, exposed for tests and for the organizer's preview linter. */
int lb_is_no_start(uint32_t cp); /* closing punctuation: may not start a line */
int lb_is_no_end(uint32_t cp);   /* opening punctuation: may not end a line */
int lb_is_cjk(uint32_t cp);      /* breakable ideographic-like character */

#endif

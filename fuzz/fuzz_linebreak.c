/* fuzz_linebreak.c - Chinese line breaking (player/linebreak.c) and notice
 * fitting (player/layout.c) on arbitrary bytes, invalid UTF-8 included.
 *
 * Input: 4 parameter bytes, then the text.
 *   [0..1]  line width in px (0..3999, minus 16: zero and negative widths too)
 *   [2]     bit 0: a non-additive measure (like kerning: a run is narrower
 *           than its characters); bits 1-2: width table variant
 *   [3]     bit 0: also fit the text as a notice (title up to the first 0x1E
 *           byte, body after it) with layout_fit_notice(); bits 1-7: screen
 *
 * The measure stands in for SDL_ttf: it checks it is only ever asked about
 * whole code points inside the text, and gives each code point a width by
 * its class.  The results are checked against linebreak.h's promises:
 *   - lines are in order, do not overlap, start and end on code point
 *     boundaries, and lose nothing: every byte outside them is a space or a
 *     newline;
 *   - no line is wider than the line width unless it is one code point;
 *   - with an additive measure, a line's width is the sum of its characters';
 *   - every newline ends a line ("\r\n" is one). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "linebreak.h"
#include "utf8.h"

typedef struct text_ctx {
    const char *text;
    size_t len;
    const uint8_t *boundary; /* boundary[i]: a code point starts at byte i (and at len) */
    bool kerning;
    int variant;
} text_ctx;

/* The breaker's own classes (static in linebreak.c), for the checks. */
static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x1680 || cp == 0x205F ||
           (cp >= 0x2000 && cp <= 0x200B && cp != 0x2007);
}

static bool is_newline(uint32_t cp)
{
    return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

static int cp_width(uint32_t cp, int variant)
{
    if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F))
        return 0; /* combining marks and joiners take no room */
    if (lb_is_cjk(cp)) return 32 + variant * 8;
    if (is_space(cp)) return 8;
    if (cp < 0x80) return 6 + (int)(cp % 11) + variant;
    return 20 + variant * 3;
}

static int measure(void *vctx, const char *s, size_t n)
{
    text_ctx *c = vctx;
    size_t off = (size_t)(s - c->text);
    /* "text[0..len) (a whole number of code points)", inside the text */
    if (s < c->text || off > c->len || n > c->len - off || !c->boundary[off] ||
        !c->boundary[off + n])
        abort();
    int w = 0, count = 0;
    for (size_t i = off; i < off + n;) {
        uint32_t cp;
        i += utf8_decode(c->text + i, off + n - i, &cp);
        w += cp_width(cp, c->variant);
        count++;
    }
    if (c->kerning && count > 1) w -= count - 1;
    return w < 0 ? 0 : w;
}

static size_t count_cps(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; k++) {
        uint32_t cp;
        i += utf8_decode(s + i, n - i, &cp);
    }
    return k;
}

/* exact_sum: the line's width must be the sum of its characters' (an
 * additive measure at 1x; not after scaling, which rounds each unit). */
static void check_lines(text_ctx *c, const lb_result *r, int max_width, bool exact_sum)
{
    size_t pos = 0; /* end of the previous line */
    int widest = 0;
    for (size_t i = 0; i < r->n_lines; i++) {
        const lb_line *l = &r->lines[i];
        if (l->start < pos || l->start > c->len || l->len > c->len - l->start) abort();
        if (!c->boundary[l->start] || !c->boundary[l->start + l->len] || l->width < 0) abort();
        /* what lies between two lines is blanks and newlines only */
        for (size_t b = pos; b < l->start;) {
            uint32_t cp;
            b += utf8_decode(c->text + b, c->len - b, &cp);
            if (!is_space(cp) && !is_newline(cp)) abort();
        }
        if (max_width > 0 && l->width > max_width && count_cps(c->text + l->start, l->len) != 1)
            abort();
        if (exact_sum && !c->kerning) {
            int sum = 0;
            for (size_t b = l->start; b < l->start + l->len;) {
                uint32_t cp;
                b += utf8_decode(c->text + b, l->start + l->len - b, &cp);
                sum += cp_width(cp, c->variant);
            }
            if (sum != l->width) abort();
        }
        if (l->width > widest) widest = l->width;
        pos = l->start + l->len;
    }
    for (size_t b = pos; b < c->len;) {
        uint32_t cp;
        b += utf8_decode(c->text + b, c->len - b, &cp);
        if (!is_space(cp) && !is_newline(cp)) abort();
    }
    if (widest != r->max_width) abort();
    /* every newline ends a line */
    size_t newlines = 0;
    for (size_t b = 0; b < c->len;) {
        uint32_t cp;
        size_t n = utf8_decode(c->text + b, c->len - b, &cp);
        if (is_newline(cp)) {
            newlines++;
            if (cp == '\r' && b + 1 < c->len && c->text[b + 1] == '\n') n++;
        }
        b += n;
    }
    if (r->n_lines < newlines) abort();
}

typedef struct px_ctx {
    text_ctx *t; /* the title's or the body's text */
    text_ctx *other;
} px_ctx;

/* layout_measure_fn: the same widths scaled by the font size (32 px = 1x). */
static int measure_px(void *vctx, int px, bool bold, const char *s, size_t n)
{
    px_ctx *p = vctx;
    text_ctx *c = (s >= p->t->text && s <= p->t->text + p->t->len) ? p->t : p->other;
    long long w = (long long)measure(c, s, n) * px / 32;
    if (bold) w += w / 16;
    return w > 1 << 30 ? 1 << 30 : (int)w;
}

static uint8_t *boundaries(const char *s, size_t n)
{
    uint8_t *b = calloc(n + 1, 1);
    if (!b) abort();
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        b[i] = 1;
        i += utf8_decode(s + i, n - i, &cp);
    }
    b[n] = 1;
    return b;
}

static void fit_notice(const char *text, size_t len, int screen, bool kerning, int variant)
{
    /* NUL-terminated title and body, as the renderer has them */
    const char *sep = memchr(text, 0x1E, len);
    size_t tl = sep ? (size_t)(sep - text) : 0;
    size_t bl = sep ? len - tl - 1 : len;
    char *title = malloc(tl + 1), *body = malloc(bl + 1);
    if (!title || !body) abort();
    memcpy(title, text, tl);
    title[tl] = 0;
    memcpy(body, sep ? sep + 1 : text, bl);
    body[bl] = 0;
    tl = strlen(title);
    bl = strlen(body);
    text_ctx tc = {title, tl, boundaries(title, tl), kerning, variant};
    text_ctx bc = {body, bl, boundaries(body, bl), kerning, variant};
    px_ctx pc = {&tc, &bc};

    static const int sides[][2] = {{1920, 1080}, {1080, 1920}, {1280, 720}, {3840, 2160}, {64, 64}};
    int w = sides[screen % 5][0], h = sides[screen % 5][1];
    layout_screen scr;
    layout_screen_compute(w, h, screen & 8, screen & 16, &scr);
    int box_w = scr.main.w * 8 / 10, box_h = scr.main.h * 7 / 10;
    if (screen & 32) box_w = scr.main.w / 3; /* beside a picture */
    layout_notice n;
    if (layout_fit_notice(tl ? title : NULL, bl ? body : NULL, box_w, box_h,
                          layout_text_floor(scr.unit), layout_body_max(scr.unit), measure_px, &pc,
                          &n) == 0) {
        if (n.body_lines_shown > n.body.n_lines || n.title_px < n.body_px) abort();
        if (!n.overflow && n.height > box_h) abort(); /* "fits into box_w x box_h" */
        /* both texts are broken by the same rules, at their sizes */
        check_lines(&tc, &n.title, 0, false);
        check_lines(&bc, &n.body, 0, false);
        layout_notice_free(&n);
    }
    free((void *)tc.boundary);
    free((void *)bc.boundary);
    free(title);
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    int max_width = (int)((data[0] | data[1] << 8) % 4000) - 16;
    bool kerning = data[2] & 1;
    int variant = (data[2] >> 1) & 3;
    int notice = data[3];
    const char *text = (const char *)data + 4;
    size_t len = size - 4;

    text_ctx c = {text, len, boundaries(text, len), kerning, variant};
    lb_result r;
    if (lb_break(text, len, max_width, measure, &c, &r) != 0)
        abort(); /* only an allocation failure may fail */
    check_lines(&c, &r, max_width, true);
    if (len == 0 && r.n_lines != 0) abort();
    lb_result_free(&r);
    free((void *)c.boundary);

    if (notice & 1) fit_notice(text, len, notice >> 1, kerning, variant);
    return 0;
}

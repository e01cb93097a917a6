#include "linebreak.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

int lb_is_no_start(uint32_t cp)
{
    switch (cp) {
    /* fullwidth and CJK closing punctuation (行首禁则) */
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF0E: case 0xFF1A: case 0xFF1B:
    case 0xFF01: case 0xFF1F: case 0xFF09: case 0xFF3D: case 0xFF5D: case 0x3015:
    case 0x3017: case 0x3019: case 0x301B: case 0x3011: case 0x300D: case 0x300F:
    case 0x300B: case 0x3009: case 0x201D: case 0x2019: case 0xFF05: case 0x2030:
    case 0x30FC: case 0x3005: case 0xFF64: case 0xFF61: case 0x00B7: case 0x30FB:
    /* small kana */
    case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049: case 0x3063:
    case 0x3083: case 0x3085: case 0x3087: case 0x30A1: case 0x30A3: case 0x30A5:
    case 0x30A7: case 0x30A9: case 0x30C3: case 0x30E3: case 0x30E5: case 0x30E7:
    /* ASCII */
    case ',': case '.': case ':': case ';': case '!': case '?': case ')': case ']':
    case '}': case '%':
        return 1;
    default:
        return 0;
    }
}

int lb_is_no_end(uint32_t cp)
{
    switch (cp) {
    case 0xFF08: case 0xFF3B: case 0xFF5B: case 0x3014: case 0x3016: case 0x3018:
    case 0x301A: case 0x3010: case 0x300C: case 0x300E: case 0x300A: case 0x3008:
    case 0x201C: case 0x2018:
    case '(': case '[': case '{':
        return 1;
    default:
        return 0;
    }
}

int lb_is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x2FDF) ||   /* radicals */
           (cp >= 0x3000 && cp <= 0x303F) ||   /* CJK symbols and punctuation */
           (cp >= 0x3040 && cp <= 0x30FF) ||   /* kana */
           (cp >= 0x3100 && cp <= 0x31BF) ||   /* bopomofo */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* ext A */
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* unified ideographs */
           (cp >= 0xAC00 && cp <= 0xD7AF) ||   /* hangul */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
           (cp >= 0xFE30 && cp <= 0xFE4F) ||   /* compatibility forms */
           (cp >= 0xFF00 && cp <= 0xFFEF) ||   /* fullwidth forms */
           (cp >= 0x20000 && cp <= 0x3FFFF) || /* ext B.. */
           cp == 0x2014 || cp == 0x2026 ||     /* em dash, ellipsis */
           cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019;
}

/* Units that follow digits and stay with them: "2026年", "3个", "15℃". */
static bool is_number_unit(uint32_t cp)
{
    static const uint32_t units[] = {0x5E74, 0x6708, 0x65E5, 0x65F6, 0x5206, 0x79D2, 0x53F7,
                                     0x5143, 0x4E2A, 0x4EBA, 0x6B21, 0x5C4A, 0x540D, 0x4F4D,
                                     0x5C81, 0x5929, 0x5468, 0x70B9, 0xFF05, 0x2103, 0x671F};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (cp == units[i])
            return true;
    return false;
}

enum { U_WORD, U_SPACE, U_NEWLINE };

typedef struct unit {
    size_t start, end; /* bytes */
    int kind;
    uint32_t first, last; /* first and last code point */
    int width;
} unit;

typedef struct units {
    unit *u;
    size_t n, cap;
} units;

static int push(units *us, unit u)
{
    if (us->n == us->cap) {
        size_t cap = us->cap ? us->cap * 2 : 64;
        unit *nu = realloc(us->u, cap * sizeof *nu);
        if (!nu)
            return -1;
        us->u = nu;
        us->cap = cap;
    }
    us->u[us->n++] = u;
    return 0;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0xA0;
}

/* Splits text into units: CJK characters one by one, runs of other
 * characters as words, spaces, newlines. */
static int segment(const char *text, size_t len, units *us)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(text + i, len - i, &cp);
        unit u = {i, i + n, U_WORD, cp, cp, 0};
        if (cp == '\n' || cp == '\r') {
            u.kind = U_NEWLINE;
            if (cp == '\r' && i + 1 < len && text[i + 1] == '\n')
                u.end++;
        } else if (is_space(cp)) {
            u.kind = U_SPACE; /* a run of spaces is one unit */
            while (u.end < len) {
                uint32_t next;
                size_t m = utf8_decode(text + u.end, len - u.end, &next);
                if (!is_space(next))
                    break;
                u.end += m;
            }
        } else if (lb_is_cjk(cp)) {
            /* "……" and "——" are one unbreakable mark */
            if ((cp == 0x2026 || cp == 0x2014) && u.end < len) {
                uint32_t next;
                size_t m = utf8_decode(text + u.end, len - u.end, &next);
                if (next == cp)
                    u.end += m;
            }
        } else {
            /* a word: up to the next space, newline or CJK character */
            size_t j = i + n;
            while (j < len) {
                uint32_t c2;
                size_t m = utf8_decode(text + j, len - j, &c2);
                if (c2 == '\n' || c2 == '\r' || is_space(c2) || lb_is_cjk(c2))
                    break;
                u.last = c2;
                j += m;
            }
            u.end = j;
            /* digits keep their unit: "2026年" */
            if (u.last >= '0' && u.last <= '9' && j < len) {
                uint32_t c2;
                size_t m = utf8_decode(text + j, len - j, &c2);
                if (is_number_unit(c2)) {
                    u.end = j + m;
                    u.last = c2;
                }
            }
        }
        if (u.kind == U_WORD && u.first == cp && u.end - u.start > n) {
            uint32_t last;
            /* last code point of a multi-char mark */
            size_t k = u.end - 1;
            while (k > u.start && ((unsigned char)text[k] & 0xC0) == 0x80)
                k--;
            utf8_decode(text + k, u.end - k, &last);
            u.last = last;
        }
        if (push(us, u) != 0)
            return -1;
        i = u.end;
    }
    return 0;
}

/* Glues units that may not be separated: a closing mark to what precedes
 * it (推出: the previous character comes down with it), an opening mark to
 * what follows. */
static void glue(units *us)
{
    size_t k = 0;
    for (size_t i = 0; i < us->n; i++) {
        unit u = us->u[i];
        if (k > 0 && u.kind == U_WORD) {
            unit *prev = &us->u[k - 1];
            if (prev->kind == U_WORD && (lb_is_no_start(u.first) || lb_is_no_end(prev->last))) {
                prev->end = u.end;
                prev->last = u.last;
                continue;
            }
            /* "党 ，" or "（ 党": a stray space does not free the mark */
            unit *pp = k > 1 ? &us->u[k - 2] : NULL;
            if (prev->kind == U_SPACE && pp && pp->kind == U_WORD &&
                (lb_is_no_start(u.first) || lb_is_no_end(pp->last))) {
                pp->end = u.end;
                pp->last = u.last;
                k--;
                continue;
            }
        }
        us->u[k++] = u;
    }
    us->n = k;
}

typedef struct lines {
    lb_line *l;
    size_t n, cap;
    int max_width;
} lines;

static int emit(lines *ls, size_t start, size_t end, int width)
{
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? ls->cap * 2 : 16;
        lb_line *nl = realloc(ls->l, cap * sizeof *nl);
        if (!nl)
            return -1;
        ls->l = nl;
        ls->cap = cap;
    }
    ls->l[ls->n++] = (lb_line){start, end - start, width};
    if (width > ls->max_width)
        ls->max_width = width;
    return 0;
}

static int clampw(int w)
{
    return w < 0 ? 0 : w;
}

int lb_break(const char *text, size_t len, int max_width, lb_measure_fn measure, void *ctx,
             lb_result *out)
{
    memset(out, 0, sizeof *out);
    units us = {0};
    lines ls = {0};
    if (segment(text, len, &us) != 0)
        goto oom;
    glue(&us);
    for (size_t i = 0; i < us.n; i++)
        if (us.u[i].kind != U_NEWLINE)
            us.u[i].width = clampw(measure(ctx, text + us.u[i].start, us.u[i].end - us.u[i].start));

    bool open = false, wrapped = false; /* a line is being filled; it continues a paragraph */
    size_t ls_start = 0, ls_end = 0;    /* bytes of the line's visible content */
    int width = 0;
    int pending_w = 0;                  /* spaces after the last word on the line */
    for (size_t i = 0; i < us.n; i++) {
        unit *u = &us.u[i];
        if (u->kind == U_NEWLINE) {
            if (emit(&ls, open ? ls_start : u->start, open ? ls_end : u->start, width) != 0)
                goto oom;
            open = wrapped = false;
            width = pending_w = 0;
            continue;
        }
        if (u->kind == U_SPACE) {
            if (!open) {
                if (wrapped)
                    continue; /* spaces at the start of a wrapped line are dropped */
                open = true;
                ls_start = ls_end = u->start;
            }
            pending_w += u->width;
            continue;
        }
        if (open && width + pending_w + u->width <= max_width) {
            width += pending_w + u->width;
            pending_w = 0;
            ls_end = u->end;
            continue;
        }
        if (open && (ls_end > ls_start || width > 0)) {
            if (emit(&ls, ls_start, ls_end, width) != 0)
                goto oom;
            wrapped = true;
        }
        open = true;
        pending_w = 0;
        if (u->width <= max_width) {
            ls_start = u->start;
            ls_end = u->end;
            width = u->width;
            continue;
        }
        /* Too wide for any line (a long URL): break between code points. */
        ls_start = ls_end = u->start;
        width = 0;
        size_t p = u->start;
        uint32_t prev_cp = 0;
        while (p < u->end) {
            uint32_t cp;
            size_t n = utf8_decode(text + p, u->end - p, &cp);
            int cw = clampw(measure(ctx, text + p, n));
            /* Even here the marks keep their rules: a closer hangs past the
             * end of the line (悬挂), an opener stays with what follows. */
            bool may_break = !lb_is_no_start(cp) && !lb_is_no_end(prev_cp);
            prev_cp = cp;
            if (ls_end > ls_start && width + cw > max_width && may_break) {
                if (emit(&ls, ls_start, ls_end, width) != 0)
                    goto oom;
                ls_start = p;
                width = 0;
            }
            width += cw;
            ls_end = p + n;
            p += n;
        }
    }
    if (open && (ls_end > ls_start))
        if (emit(&ls, ls_start, ls_end, width) != 0)
            goto oom;
    free(us.u);
    out->lines = ls.l;
    out->n_lines = ls.n;
    out->max_width = ls.max_width;
    return 0;
oom:
    free(us.u);
    free(ls.l);
    return -1;
}

void lb_result_free(lb_result *r)
{
    free(r->lines);
    memset(r, 0, sizeof *r);
}

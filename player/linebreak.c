/* linebreak.c - line breaking for Chinese and mixed Chinese/Latin text.
 *
 * One pass over the text.  Raw units come out of the text one at a time (a
 * Han character, a Latin word, a run of spaces, a newline, a bad byte); the
 * punctuation rules glue them into unbreakable units as they arrive; each
 * unbreakable unit is measured once and placed greedily.  Only a unit wider
 * than the line is measured again, one code point at a time, so the cost is
 * linear and memory is the lines plus a few units.  Rules and sources:
 * docs/typography.md. */
#include "linebreak.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

int lb_is_no_start(uint32_t cp)
{
    switch (cp) {
    /* GB/T 15834 / clreq 行首禁则: closing marks, pause and stop marks */
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF0E: case 0xFF1A: case 0xFF1B: /* ，。、．：； */
    case 0xFF01: case 0xFF1F: case 0xFF09: case 0xFF3D: case 0xFF5D: case 0x3015: /* ！？）］｝〕 */
    case 0x3017: case 0x3019: case 0x301B: case 0x3011: case 0x300D: case 0x300F: /* 〗〙〛】」』 */
    case 0x300B: case 0x3009: case 0x201D: case 0x2019: case 0xFF05: case 0x2030: /* 》〉”’％‰ */
    case 0x301E: case 0x301F: case 0xFF60: /* 〞〟｠ */
    /* small forms, half-width forms */
    case 0xFE50: case 0xFE51: case 0xFE52: case 0xFE54: case 0xFE55: case 0xFE56: case 0xFE57:
    case 0xFE5A: case 0xFE5C: case 0xFE5E: case 0xFF61: case 0xFF63: case 0xFF64:
    /* doubled marks, middle dots, iteration and prolonged-sound marks */
    case 0x203C: case 0x2047: case 0x2048: case 0x2049: case 0x00B7: case 0x30FB:
    case 0x3005: case 0x303B: case 0x309D: case 0x309E: case 0x30FD: case 0x30FE: case 0x30FC:
    /* small kana */
    case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049: case 0x3063:
    case 0x3083: case 0x3085: case 0x3087: case 0x308E: case 0x30A1: case 0x30A3:
    case 0x30A5: case 0x30A7: case 0x30A9: case 0x30C3: case 0x30E3: case 0x30E5:
    case 0x30E7: case 0x30EE:
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
    /* Only opening brackets and quotes: the renderer squeezes a full-width one
     * at the start of a line (行首挤压), so prefixes such as ￥ live in
     * sticks_to_next() instead. */
    switch (cp) {
    case 0xFF08: case 0xFF3B: case 0xFF5B: case 0x3014: case 0x3016: case 0x3018: /* （［｛〔〖〘 */
    case 0x301A: case 0x3010: case 0x300C: case 0x300E: case 0x300A: case 0x3008: /* 〚【「『《〈 */
    case 0x201C: case 0x2018: case 0x301D: case 0xFF5F:                           /* “‘〝｟ */
    case '(': case '[': case '{':
        return 1;
    default:
        return 0;
    }
}

int lb_is_cjk(uint32_t cp)
{
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return 0; /* full-width digits behave like digits: "２０２６年" stays whole */
    return (cp >= 0x1100 && cp <= 0x11FF) ||   /* hangul jamo */
           (cp >= 0x2E80 && cp <= 0x2FFF) ||   /* radicals, ideographic description */
           (cp >= 0x3000 && cp <= 0x303F) ||   /* CJK symbols and punctuation */
           (cp >= 0x3040 && cp <= 0x30FF) ||   /* kana */
           (cp >= 0x3100 && cp <= 0x33FF) ||   /* bopomofo, jamo, strokes, enclosed, compat */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* ext A */
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* unified ideographs */
           (cp >= 0xA960 && cp <= 0xA97F) ||   /* hangul jamo ext A */
           (cp >= 0xAC00 && cp <= 0xD7FF) ||   /* hangul syllables, jamo ext B */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
           (cp >= 0xFE10 && cp <= 0xFE1F) ||   /* vertical forms */
           (cp >= 0xFE30 && cp <= 0xFE6F) ||   /* compatibility and small forms */
           (cp >= 0xFF00 && cp <= 0xFFEF) ||   /* full-width and half-width forms */
           (cp >= 0x1B000 && cp <= 0x1B16F) || /* kana supplement and extensions */
           (cp >= 0x20000 && cp <= 0x3FFFF) || /* ext B .. ext H */
           cp == 0x2014 || cp == 0x2026 ||     /* em dash, ellipsis */
           cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019;
}

/* Marks written doubled ("……", "——", "⋯⋯"): a run of one is never split. */
static bool is_pair_mark(uint32_t cp)
{
    return cp == 0x2014 || cp == 0x2015 || cp == 0x2026 || cp == 0x22EF;
}

static bool is_space(uint32_t cp)
{
    /* U+00A0, U+2007 and U+202F are no-break spaces: see is_joiner().  U+3000
     * (ideographic space) is a character of its own: it indents paragraphs. */
    return cp == ' ' || cp == '\t' || cp == 0x1680 || cp == 0x205F ||
           (cp >= 0x2000 && cp <= 0x200B && cp != 0x2007);
}

static bool is_newline(uint32_t cp)
{
    return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

static bool is_digit(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* No-break spaces and joiners hold both neighbours. */
static bool is_joiner(uint32_t cp)
{
    return cp == 0xA0 || cp == 0x2007 || cp == 0x202F || cp == 0x2060 || cp == 0xFEFF;
}

/* Combining marks, variation selectors, ZWJ, emoji modifiers: a break before
 * one would tear a character apart. */
static bool is_combining(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
           cp == 0x200C || cp == 0x200D || cp == 0x3099 || cp == 0x309A ||
           (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* Currency signs written before an amount: "￥100" */
static bool is_prefix(uint32_t cp)
{
    return cp == 0xFFE5 || cp == 0xFFE1 || cp == 0xFF04 || cp == 0xFFE6;
}

static bool sticks_to_prev(uint32_t cp)
{
    return lb_is_no_start(cp) || is_combining(cp) || is_joiner(cp);
}

static bool sticks_to_next(uint32_t cp)
{
    return lb_is_no_end(cp) || is_prefix(cp) || is_joiner(cp);
}

/* Characters that follow a number and stay with it: "2026年", "3个", "8点". */
static bool is_number_unit(uint32_t cp)
{
    static const uint32_t units[] = {
        0x5E74, 0x6708, 0x65E5, 0x65F6, 0x5206, 0x79D2, 0x53F7, 0x5143, /* 年月日时分秒号元 */
        0x4E2A, 0x4EBA, 0x6B21, 0x5C4A, 0x540D, 0x4F4D, 0x5C81, 0x5929, /* 个人次届名位岁天 */
        0x5468, 0x70B9, 0x671F, 0x4E07, 0x4EBF, 0x5343, 0x767E, 0x697C, /* 周点期万亿千百楼 */
        0x5C42, 0x5BA4, 0x9875, 0x6761, 0x9879, 0x5E8A, 0x500D, 0x5EA6, /* 层室页条项床倍度 */
        0x7C73, 0x8282, 0xFF05, 0x2103,                                 /* 米节％℃ */
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (cp == units[i])
            return true;
    return false;
}

enum { C_WORD, C_CJK, C_SPACE, C_NEWLINE, C_BAD, C_PAIR };

static int classify(uint32_t cp, size_t n)
{
    if (cp == UTF8_REPLACEMENT && n == 1)
        return C_BAD; /* an invalid byte (a real U+FFFD takes 3) */
    if (is_newline(cp))
        return C_NEWLINE;
    if (is_space(cp))
        return C_SPACE;
    if (is_pair_mark(cp))
        return C_PAIR;
    if (lb_is_cjk(cp))
        return C_CJK;
    return C_WORD;
}

static size_t peek(const char *text, size_t len, size_t i, uint32_t *cp, int *cls)
{
    size_t n = utf8_decode(text + i, len - i, cp);
    *cls = classify(*cp, n);
    return n;
}

enum { U_WORD, U_SPACE, U_NEWLINE };

typedef struct unit {
    size_t start, end;    /* bytes */
    uint32_t first, last; /* first and last code point */
    int kind;
} unit;

/* The raw unit at text[i]: a CJK character or a bad byte alone, a run of
 * spaces, a newline ("\r\n" is one), a run of one doubled mark, or a word (a
 * run of anything else) with the unit character after its number. */
static void next_raw(const char *text, size_t len, size_t i, unit *u)
{
    uint32_t cp, c2, c3;
    int cls, cls2, cls3;
    size_t n = peek(text, len, i, &cp, &cls), m;
    *u = (unit){i, i + n, cp, cp, U_WORD};
    switch (cls) {
    case C_NEWLINE:
        u->kind = U_NEWLINE;
        if (cp == '\r' && u->end < len && text[u->end] == '\n')
            u->end++;
        break;
    case C_SPACE:
        u->kind = U_SPACE;
        while (u->end < len && (m = peek(text, len, u->end, &c2, &cls2), cls2 == C_SPACE))
            u->end += m;
        break;
    case C_PAIR:
        while (u->end < len && (m = peek(text, len, u->end, &c2, &cls2), c2 == cp))
            u->end += m;
        break;
    case C_WORD:
        while (u->end < len) {
            m = peek(text, len, u->end, &c2, &cls2);
            if (cls2 == C_WORD) {
                u->last = c2;
                u->end += m;
                continue;
            }
            /* a typographic apostrophe inside a word: "don’t" */
            if (c2 == 0x2019 && u->end + m < len) {
                size_t m3 = peek(text, len, u->end + m, &c3, &cls3);
                if (cls3 == C_WORD) {
                    u->last = c3;
                    u->end += m + m3;
                    continue;
                }
            }
            break;
        }
        if (is_digit(u->last) && u->end < len) {
            m = peek(text, len, u->end, &c2, &cls2);
            if (is_number_unit(c2)) {
                u->end += m;
                u->last = c2;
            }
        }
        break;
    default: /* C_CJK, C_BAD: one code point */
        break;
    }
}

typedef struct breaker {
    const char *text;
    int max_width;
    lb_measure_fn measure;
    void *ctx;
    lb_line *lines; /* the result, owned until handed to lb_result */
    size_t n, cap;
    int widest;
    /* the line being filled */
    bool open;                  /* a line has begun (maybe only with indenting spaces) */
    size_t start, end;          /* its visible bytes */
    long long width;            /* widths of the units in start..end */
    size_t pend_start, pend_end; /* spaces after end, measured only if a unit follows */
} breaker;

static int measure(breaker *b, size_t start, size_t end)
{
    int w = b->measure(b->ctx, b->text + start, end - start);
    return w < 0 ? 0 : w;
}

static int emit(breaker *b, size_t start, size_t end, long long width)
{
    if (b->n == b->cap) {
        if (b->cap > SIZE_MAX / 2 / sizeof *b->lines)
            return -1;
        size_t cap = b->cap ? b->cap * 2 : 16;
        lb_line *nl = realloc(b->lines, cap * sizeof *nl);
        if (!nl)
            return -1;
        b->lines = nl;
        b->cap = cap;
    }
    int w = width > INT_MAX ? INT_MAX : (int)width;
    b->lines[b->n++] = (lb_line){start, end - start, w};
    if (w > b->widest)
        b->widest = w;
    return 0;
}

/* May a piece of an over-wide unit end between prev and cp?  The same rules
 * as between units; run counts the copies of prev just before cp. */
static bool split_ok(uint32_t prev, uint32_t cp, size_t run)
{
    if (sticks_to_prev(cp) || sticks_to_next(prev))
        return false;
    if (cp == prev && is_pair_mark(cp) && run % 2 == 1)
        return false;
    return !(is_digit(prev) && is_number_unit(cp));
}

/* A unit wider than the line, on a line of its own: cut between code points,
 * at the last place the rules allow, or where the line is full when they
 * allow none (a lone code point wider than the line gets its own line).  The
 * last piece stays open for what follows. */
static int split(breaker *b, const unit *u)
{
    const char *text = b->text;
    size_t ps = u->start, pe = u->start; /* the piece's visible bytes */
    long long w = 0, sp = 0;             /* their width; spaces after them */
    size_t brk = 0;                      /* last allowed cut in the piece (0: none) */
    long long wb = 0;                    /* width of ps..brk */
    uint32_t prev = 0;
    size_t run = 0;
    bool after_space = false;
    size_t p = u->start;
    while (p < u->end) {
        uint32_t cp;
        size_t n = utf8_decode(text + p, u->end - p, &cp);
        long long cw = measure(b, p, p + n);
        if (is_space(cp)) { /* a stray space glued in with a mark: "党 ，" */
            if (pe > ps)
                sp += cw;
            after_space = true;
            p += n;
            continue;
        }
        if (pe > ps && !after_space && split_ok(prev, cp, run)) {
            brk = p;
            wb = w;
        }
        if (pe > ps && w + sp + cw > b->max_width) {
            if (brk > ps && w - wb + sp + cw <= b->max_width) {
                if (emit(b, ps, brk, wb) != 0)
                    return -1;
                ps = brk;
                w -= wb;
            } else {
                if (emit(b, ps, pe, w) != 0)
                    return -1;
                ps = p;
                w = sp = 0;
            }
            brk = 0;
        }
        w += sp + cw;
        sp = 0;
        pe = p + n;
        run = cp == prev && !after_space ? run + 1 : 1;
        prev = cp;
        after_space = false;
        p += n;
    }
    b->start = ps;
    b->end = pe;
    b->width = w;
    return 0;
}

/* Places one unbreakable unit. */
static int feed(breaker *b, const unit *u)
{
    if (u->kind == U_NEWLINE) {
        int rc = b->open ? emit(b, b->start, b->end, b->width) : emit(b, u->start, u->start, 0);
        b->open = false;
        return rc;
    }
    if (u->kind == U_SPACE) {
        if (!b->open) { /* spaces opening a paragraph indent it */
            b->open = true;
            b->start = b->end = u->start;
            b->width = 0;
            b->pend_start = u->start;
        } else if (b->pend_start == b->pend_end) {
            b->pend_start = u->start;
        }
        b->pend_end = u->end;
        return 0;
    }
    long long w = measure(b, u->start, u->end);
    if (b->open && b->max_width > 0 && b->width + w <= b->max_width) {
        long long sw = b->pend_end > b->pend_start ? measure(b, b->pend_start, b->pend_end) : 0;
        if (b->width + sw + w <= b->max_width) {
            b->width += sw + w;
            b->end = u->end;
            b->pend_start = b->pend_end = 0;
            return 0;
        }
    }
    /* The unit starts a new line; spaces before it are dropped. */
    if (b->open && b->end > b->start && emit(b, b->start, b->end, b->width) != 0)
        return -1;
    b->open = true;
    b->pend_start = b->pend_end = 0;
    if (w <= b->max_width || b->max_width <= 0) {
        b->start = u->start;
        b->end = u->end;
        b->width = w;
        return 0;
    }
    return split(b, u);
}

/* Punctuation holds across a stray space ("党 ，", "（ 党"); other glue does not. */
static bool glue_over_space(const unit *a, const unit *b)
{
    return lb_is_no_start(b->first) || lb_is_no_end(a->last);
}

int lb_break(const char *text, size_t len, int max_width, lb_measure_fn measure_fn, void *ctx,
             lb_result *out)
{
    if (!out)
        return -1;
    memset(out, 0, sizeof *out);
    if (!measure_fn || (!text && len))
        return -1;
    breaker b = {.text = text, .max_width = max_width, .measure = measure_fn, .ctx = ctx};
    /* A word waiting for what follows it, and the spaces after it. */
    unit acc, sp;
    bool has_acc = false, has_sp = false;
    size_t i = 0;
    while (i < len) {
        unit u;
        next_raw(text, len, i, &u);
        i = u.end;
        if (u.kind == U_WORD && has_acc) {
            bool glue = has_sp ? glue_over_space(&acc, &u)
                               : sticks_to_prev(u.first) || sticks_to_next(acc.last);
            if (glue) {
                acc.end = u.end;
                acc.last = u.last;
                has_sp = false;
                continue;
            }
        }
        if (u.kind == U_SPACE && has_acc && !has_sp) {
            sp = u;
            has_sp = true;
            continue;
        }
        if (has_acc && feed(&b, &acc) != 0)
            goto oom;
        if (has_sp && feed(&b, &sp) != 0)
            goto oom;
        has_acc = has_sp = false;
        if (u.kind == U_WORD) {
            acc = u;
            has_acc = true;
        } else if (feed(&b, &u) != 0) {
            goto oom;
        }
    }
    if (has_acc && feed(&b, &acc) != 0)
        goto oom;
    /* trailing spaces: nothing to show */
    if (b.open && b.end > b.start && emit(&b, b.start, b.end, b.width) != 0)
        goto oom;
    out->lines = b.lines;
    out->n_lines = b.n;
    out->max_width = b.widest;
    return 0;
oom:
    free(b.lines);
    return -1;
}

void lb_result_free(lb_result *r)
{
    if (!r)
        return;
    free(r->lines);
    memset(r, 0, sizeof *r);
}

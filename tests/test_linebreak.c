/* Line breaking: Chinese punctuation rules, mixed Chinese/Latin, newlines,
 * over-wide words, hostile input, and a property check against a small
 * independent model of the rules.  A fake measure: space = 3 px, other ASCII
 * = 5 px, anything else (CJK, full-width, a bad byte) = 10 px, so expected
 * lines are computed by hand. */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "linebreak.h"
#include "utf8.h"

typedef struct meter {
    long calls;
    size_t bytes;     /* total length measured: linear, never every prefix */
    long empty_calls; /* measure() must never be asked about nothing */
} meter;

static int fake_width(const char *s, size_t len)
{
    int w = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        w += cp == ' ' ? 3 : cp < 0x80 ? 5 : 10;
    }
    return w;
}

static int fake(void *ctx, const char *s, size_t len)
{
    meter *m = ctx;
    if (m) {
        m->calls++;
        m->bytes += len;
        m->empty_calls += len == 0;
    }
    return fake_width(s, len);
}

static lb_result R;
static const char *T;
static meter M;

static void brk(const char *text, int width)
{
    lb_result_free(&R);
    T = text;
    memset(&M, 0, sizeof M);
    CHECK_INT(lb_break(text, strlen(text), width, fake, &M, &R), 0);
    CHECK_INT(M.empty_calls, 0);
}

/* Line i of the last result as a string ("" past the end). */
static char *line(size_t i)
{
    static char buf[8192];
    buf[0] = '\0';
    if (i < R.n_lines && R.lines[i].len < sizeof buf) {
        memcpy(buf, T + R.lines[i].start, R.lines[i].len);
        buf[R.lines[i].len] = '\0';
    }
    return buf;
}

/* Breaks text at width and compares with the expected lines (NULL-ended). */
#define EXPECT_LINES(text, width, ...) expect_lines(__LINE__, text, width, __VA_ARGS__, NULL)

static void expect_lines(int at, const char *text, int width, ...)
{
    brk(text, width);
    va_list ap;
    va_start(ap, width);
    size_t i = 0;
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        CHECK_MSG(i < R.n_lines && strcmp(line(i), want) == 0,
                  "line %d: \"%s\" at %d: line %zu is \"%s\", expected \"%s\"", at, text, width,
                  i, line(i), want);
        i++;
    }
    va_end(ap);
    CHECK_MSG(R.n_lines == i, "line %d: \"%s\" at %d: %zu lines, expected %zu", at, text, width,
              R.n_lines, i);
}

static void test_cjk_basic(void)
{
    EXPECT_LINES("我们在这里学习", 40, "我们在这", "里学习");
    CHECK_INT(R.lines[0].width, 40);
    CHECK_INT(R.lines[1].width, 30);
    CHECK_INT(R.max_width, 40);
    CHECK_INT(R.lines[1].start, strlen("我们在这"));
    /* Ext A, kana, Hangul, full-width letters break like Han */
    EXPECT_LINES("㐀㐁かなカナ한국ＡＢ", 20, "㐀㐁", "かな", "カナ", "한국", "ＡＢ");
    CHECK(lb_is_cjk(0x4E00) && lb_is_cjk(0x3400) && lb_is_cjk(0x3042) && lb_is_cjk(0xAC00));
    CHECK(lb_is_cjk(0xFF21) && lb_is_cjk(0x3001) && lb_is_cjk(0x20000));
    CHECK(!lb_is_cjk('a') && !lb_is_cjk('1') && !lb_is_cjk(0xE9) && !lb_is_cjk(0x1F600));
    /* a line as wide as the box fits: the limit is inclusive */
    EXPECT_LINES("一二三", 30, "一二三");
    EXPECT_LINES("一二三", 29, "一二", "三");
}

static void test_no_start(void)
{
    /* "，" would start line 2: "这" comes down with it (推出) */
    EXPECT_LINES("我们在这，里学习", 40, "我们在", "这，里学", "习");
    /* every closing mark of the header, full-width and ASCII */
    const char *closers[] = {"，", "。", "、", "．", "：", "；", "！", "？", "）", "］", "｝",
                             "〕", "〗", "〙", "〛", "】", "」", "』", "》", "〉", "”", "’",
                             "％", "‰"};
    for (size_t k = 0; k < sizeof closers / sizeof closers[0]; k++) {
        uint32_t cp;
        utf8_decode(closers[k], strlen(closers[k]), &cp);
        CHECK_MSG(lb_is_no_start(cp) && !lb_is_no_end(cp), "%s", closers[k]);
        char text[64], second[64];
        snprintf(text, sizeof text, "一二三四%s五六", closers[k]);
        /* 一二三四 fill the line; the closer takes 四 down with it */
        snprintf(second, sizeof second, "四%s五六", closers[k]);
        EXPECT_LINES(text, 40, "一二三", second);
    }
    const char *ascii = ",.:;!?)]}%";
    for (const char *c = ascii; *c; c++) {
        CHECK_MSG(lb_is_no_start((uint32_t)*c), "'%c'", *c);
        char text[64], second[64];
        snprintf(text, sizeof text, "一二三四%c五六", *c);
        snprintf(second, sizeof second, "四%c五六", *c);
        EXPECT_LINES(text, 40, "一二三", second); /* 四x = 15, 五六 = 20 */
    }
    CHECK(!lb_is_no_start(0x515A) && !lb_is_no_start('a') && !lb_is_no_start(0xFF08));
    /* a chain of closers stays with the character before it */
    EXPECT_LINES("一二三四。”五", 40, "一二三", "四。”五");
    /* the second half of …… and —— cannot start a line either */
    EXPECT_LINES("一二三……四五", 40, "一二三", "……四五");
    /* a closer after a Latin word takes the word down */
    EXPECT_LINES("一二三abc，四", 40, "一二三", "abc，四");
    /* a stray space does not free the mark: "员 ，" is one unit */
    EXPECT_LINES("一二三员 ，四", 40, "一二三", "员 ，四");
    CHECK_INT(R.lines[1].width, 10 + 3 + 10 + 10);
    /* at the start of a paragraph there is nothing to pull down */
    EXPECT_LINES("，一二", 20, "，一", "二");
    EXPECT_LINES("一\n，二", 100, "一", "，二");
}

static void test_no_end(void)
{
    /* "《" would end line 1: it goes down with the title it opens */
    EXPECT_LINES("一二三《四五》", 40, "一二三", "《四五》");
    const char *openers[] = {"（", "［", "｛", "〔", "〖", "〘", "〚", "【",
                             "「", "『", "《", "〈", "“", "‘"};
    for (size_t k = 0; k < sizeof openers / sizeof openers[0]; k++) {
        uint32_t cp;
        utf8_decode(openers[k], strlen(openers[k]), &cp);
        CHECK_MSG(lb_is_no_end(cp) && !lb_is_no_start(cp), "%s", openers[k]);
        char text[64], second[64];
        snprintf(text, sizeof text, "一二三%s四五六", openers[k]);
        snprintf(second, sizeof second, "%s四五六", openers[k]);
        EXPECT_LINES(text, 40, "一二三", second);
    }
    const char *ascii = "([{";
    for (const char *c = ascii; *c; c++) {
        CHECK_MSG(lb_is_no_end((uint32_t)*c), "'%c'", *c);
        char text[64], second[64];
        snprintf(text, sizeof text, "一二三%c四五六", *c);
        snprintf(second, sizeof second, "%c四五六", *c);
        EXPECT_LINES(text, 40, "一二三", second);
    }
    CHECK(!lb_is_no_end(0x515A) && !lb_is_no_end('a') && !lb_is_no_end(0xFF09));
    /* an opener before a space still holds what follows */
    EXPECT_LINES("一二三（ 四五", 40, "一二三", "（ 四五");
    /* openers then closers: "（“四”）" is one unit */
    EXPECT_LINES("一二（“四”）五", 60, "一二", "（“四”）五");
    /* at the end of a paragraph it has nowhere to go */
    EXPECT_LINES("一（\n二", 100, "一（", "二");
}

static void test_ellipsis_dash(void)
{
    EXPECT_LINES("一二三——四五", 40, "一二三", "——四五");
    EXPECT_LINES("一二……三", 30, "一二", "……三");
    EXPECT_LINES("一二⋯⋯三", 30, "一二", "⋯⋯三");
    /* three in a row are one unit too: no lone "…" at a line start */
    EXPECT_LINES("一………二", 30, "一", "………", "二");
    /* a run too wide for the line is cut between pairs */
    EXPECT_LINES("…………", 30, "……", "……");
    EXPECT_LINES("——————", 40, "————", "——");
    for (int w = 20; w <= 80; w += 10) {
        brk("一二三……四五——六七八", w);
        for (size_t i = 0; i < R.n_lines; i++) {
            const char *l = line(i);
            size_t n = strlen(l);
            bool ends_half_dots = n >= 3 && !strcmp(l + n - 3, "…") &&
                                  (n < 6 || strcmp(l + n - 6, "……"));
            bool ends_half_dash = n >= 3 && !strcmp(l + n - 3, "—") &&
                                  (n < 6 || strcmp(l + n - 6, "——"));
            CHECK_MSG(!ends_half_dots && !ends_half_dash, "width %d line %zu: %s", w, i, l);
        }
    }
}

static void test_latin_and_numbers(void)
{
    /* units: 我 们 在 | 2026年 (30) | 11月 (20) | 24日 (20) | 举 行 | Open (20) | " " (3) |
     * Day (15) | 活 动 */
    const char *s = "我们在2026年11月24日举行Open Day活动";
    EXPECT_LINES(s, 50, "我们在", "2026年11月", "24日举行", "Open Day活", "动");
    CHECK_INT(R.lines[1].width, 50);
    CHECK_INT(R.lines[3].width, 20 + 3 + 15 + 10);
    /* "年11" is a break: the number goes with its own unit, not the one before */
    EXPECT_LINES(s, 60, "我们在2026年", "11月24日举行", "Open Day活动");
    CHECK_INT(R.lines[2].width, 58);
    /* the unit is attached to the number: "我们在2026" (50) would fit at 55 */
    EXPECT_LINES("我们在2026年", 55, "我们在", "2026年");
    /* only the first unit character: "2026年年" breaks before the second 年 */
    EXPECT_LINES("2026年年", 30, "2026年", "年");
    /* numbers with % and :, full-width digits */
    EXPECT_LINES("增长3.5%以上", 30, "增长", "3.5%以", "上");
    EXPECT_LINES("时间15:30开始", 40, "时间", "15:30开", "始");
    EXPECT_LINES("在２０２６年举行", 55, "在", "２０２６年", "举行");
    /* a typographic apostrophe inside a word does not cut it */
    EXPECT_LINES("我们don’t", 45, "我们", "don’t");
    /* spaces: a break; at the end of a line not counted, at the start of a
     * wrapped line not kept */
    EXPECT_LINES("aaaa bbbb", 25, "aaaa", "bbbb");
    CHECK_INT(R.lines[0].width, 20);
    CHECK_INT(R.lines[1].start, 5);
    EXPECT_LINES("一二   三", 20, "一二", "三");
    CHECK_INT(R.lines[0].width, 20);
    CHECK_INT(R.lines[1].start, strlen("一二   "));
    EXPECT_LINES("一二  ", 20, "一二");
    CHECK_INT(R.lines[0].width, 20);
    /* inner spaces count as a unit of their own (a run measured once) */
    EXPECT_LINES("ab  cd", 100, "ab  cd");
    CHECK_INT(R.lines[0].width, 10 + 6 + 10);
    /* "Open Day" needs 38: the space goes, the word moves */
    EXPECT_LINES("活动Open Day在", 55, "活动Open", "Day在");
    /* spaces that open a paragraph indent it, when they fit */
    EXPECT_LINES("  一二三", 26, "  一二", "三");
    CHECK_INT(R.lines[0].width, 26);
    CHECK_INT(R.lines[0].start, 0);
    EXPECT_LINES("  一二三", 10, "一", "二", "三");
    EXPECT_LINES("a\n  b", 100, "a", "  b");
    /* a no-break space holds its neighbours */
    EXPECT_LINES("一二\xc2\xa0三", 30, "一", "二\xc2\xa0三");
    /* a combining mark stays with its base */
    EXPECT_LINES("一二\xcc\x81三", 20, "一", "二\xcc\x81", "三");
}

static void test_long_word(void)
{
    /* a URL wider than the line is cut between characters: 10 a line */
    const char *url = "https://example.edu.cn/party/lecture";
    EXPECT_LINES(url, 50, "https://ex", "ample.edu.", "cn/party/l", "ecture");
    for (size_t i = 0; i < R.n_lines; i++)
        CHECK_INT(R.lines[i].width, 5 * (int)R.lines[i].len);
    /* inside the word the marks keep their rules when they can: "." may not
     * start the second line, so an "a" comes down with it */
    EXPECT_LINES("aaaaaaaaa.bbbb", 45, "aaaaaaaa", "a.bbbb");
    CHECK_INT(R.lines[0].width, 40);
    /* ...but never at the price of an over-wide line: "b，" (15) would not
     * fit, so the comma starts the line */
    EXPECT_LINES("ab，", 10, "ab", "，");
    EXPECT_LINES("。。。。", 20, "。。", "。。");
    /* the word starts a line of its own, and the last piece is a line like
     * any other */
    EXPECT_LINES("一二abcdefghij三", 30, "一二", "abcdef", "ghij三");
    CHECK_INT(R.lines[2].width, 30);
    /* a single character wider than the line gets a line of its own */
    EXPECT_LINES("一二三", 5, "一", "二", "三");
    CHECK_INT(R.max_width, 10);
    EXPECT_LINES("a一b", 7, "a", "一", "b");
}

static void test_newlines(void)
{
    EXPECT_LINES("第一行\n第二行", 1000, "第一行", "第二行");
    EXPECT_LINES("一\r\n二", 1000, "一", "二");
    EXPECT_LINES("一\r二", 1000, "一", "二");
    EXPECT_LINES("一\n\n二", 1000, "一", "", "二"); /* an empty line is kept */
    CHECK_INT(R.lines[1].width, 0);
    EXPECT_LINES("一\r\n\r\n二", 1000, "一", "", "二");
    EXPECT_LINES("\n", 100, "");
    EXPECT_LINES("\n\n", 100, "", "");
    EXPECT_LINES("一\n", 100, "一");
    EXPECT_LINES("一\n\n", 100, "一", "");
    EXPECT_LINES("一  \n二", 100, "一", "二");
    CHECK_INT(R.lines[0].width, 10);
    EXPECT_LINES("一\n  \n二", 100, "一", "", "二");
    /* a forced break also ends a wrapped paragraph */
    EXPECT_LINES("一二三\n四", 20, "一二", "三", "四");
    brk("", 100);
    CHECK_INT(R.n_lines, 0);
    CHECK_INT(R.max_width, 0);
    brk("   ", 100); /* spaces only: nothing to show, nothing measured */
    CHECK_INT(R.n_lines, 0);
    CHECK_INT(M.calls, 0);
}

/* ---- property check ----------------------------------------------------- */

/* An independent model of the rules, code point by code point: may a line
 * break between a and b (sp: only spaces between them)? */
static bool is_pair(uint32_t cp)
{
    return cp == 0x2026 || cp == 0x2014;
}

static bool wordish(uint32_t cp, bool bad)
{
    return !bad && !lb_is_cjk(cp) && !is_pair(cp) && cp != ' ' && cp != '\n' && cp != '\r';
}

typedef struct cpinfo {
    size_t at, n;
    uint32_t cp;
    bool bad;
    bool word; /* part of a Latin word (incl. an apostrophe inside one: "don’t") */
} cpinfo;

static bool model_glued(const cpinfo *a, const cpinfo *b, bool sp)
{
    if (lb_is_no_start(b->cp) || lb_is_no_end(a->cp))
        return true;
    if (sp)
        return false;
    if (a->word && b->word)
        return true;
    if (a->cp == b->cp && is_pair(a->cp))
        return true;
    return a->cp >= '0' && a->cp <= '9' &&
           (b->cp == 0x5E74 || b->cp == 0x6708 || b->cp == 0x65E5); /* 年月日 */
}

typedef struct model {
    const char *text;
    cpinfo *cps;
    size_t n;
    size_t *index; /* byte offset -> code point index */
} model;

static void model_init(model *m, const char *text, size_t len)
{
    m->text = text;
    m->cps = malloc((len + 1) * sizeof *m->cps);
    m->index = malloc((len + 1) * sizeof *m->index);
    m->n = 0;
    size_t i = 0;
    while (i < len) {
        cpinfo c = {i, 0, 0, false, false};
        c.n = utf8_decode(text + i, len - i, &c.cp);
        c.bad = c.cp == UTF8_REPLACEMENT && c.n == 1;
        c.word = wordish(c.cp, c.bad);
        for (size_t k = 0; k < c.n; k++)
            m->index[i + k] = m->n;
        m->cps[m->n++] = c;
        i += c.n;
    }
    m->index[len] = m->n;
    for (size_t k = 1; k + 1 < m->n; k++)
        if (m->cps[k].cp == 0x2019 && wordish(m->cps[k - 1].cp, m->cps[k - 1].bad) &&
            wordish(m->cps[k + 1].cp, m->cps[k + 1].bad))
            m->cps[k].word = true;
}

static void model_free(model *m)
{
    free(m->cps);
    free(m->index);
}

static bool is_sp(const cpinfo *c)
{
    return c->cp == ' ';
}

static bool is_nl(const cpinfo *c)
{
    return c->cp == '\n' || c->cp == '\r';
}

/* The unbreakable cluster around code point k: [*from, *to) in code points. */
static void model_cluster(const model *m, size_t k, size_t *from, size_t *to)
{
    size_t a = k, b = k;
    for (;;) { /* left */
        size_t j = a;
        while (j > 0 && is_sp(&m->cps[j - 1]))
            j--;
        if (j == 0 || is_nl(&m->cps[j - 1]))
            break;
        const cpinfo *p = &m->cps[j - 1], *c = &m->cps[a];
        if (!model_glued(p, c, j != a))
            break;
        a = j - 1;
    }
    for (;;) { /* right */
        size_t j = b + 1;
        while (j < m->n && is_sp(&m->cps[j]))
            j++;
        if (j >= m->n || is_nl(&m->cps[j]))
            break;
        const cpinfo *p = &m->cps[b], *c = &m->cps[j];
        if (!model_glued(p, c, j != b + 1))
            break;
        b = j;
    }
    *from = a;
    *to = b + 1;
}

static int width_of(const model *m, size_t from, size_t to)
{
    size_t s = m->cps[from].at, e = to < m->n ? m->cps[to].at : strlen(m->text);
    return fake_width(m->text + s, e - s);
}

static bool only(const char *s, size_t from, size_t to, const char *set, size_t *newlines)
{
    *newlines = 0;
    for (size_t i = from; i < to; i++) {
        if (!strchr(set, s[i]))
            return false;
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= to || s[i + 1] != '\n')))
            ++*newlines;
    }
    return true;
}

/* Checks every property of R for T at width; returns false on a failure. */
static bool check_properties(int width, const char *tag)
{
    int failed_before = check_failed;
    size_t len = strlen(T);
    model m;
    model_init(&m, T, len);
    size_t prev_end = 0, nl;
    int widest = 0;
    for (size_t i = 0; i < R.n_lines; i++) {
        const lb_line *l = &R.lines[i];
        size_t s = l->start, e = l->start + l->len;
        CHECK_MSG(s >= prev_end && e <= len, "%s: line %zu out of order", tag, i);
        if (s < prev_end || e > len)
            break;
        /* what lies between lines is spaces and at most one newline */
        bool gap_ok = only(T, prev_end, s, " \r\n", &nl);
        CHECK_MSG(gap_ok && nl <= (i == 0 ? 0u : 1u), "%s: gap before line %zu", tag, i);
        bool forced = i == 0 || nl == 1; /* a paragraph starts here */
        CHECK_MSG(l->width == fake_width(T + s, l->len), "%s: line %zu width %d", tag, i,
                  l->width);
        widest = l->width > widest ? l->width : widest;
        size_t ncp = utf8_length(T + s, l->len);
        CHECK_MSG(l->width <= width || ncp == 1, "%s: line %zu too wide (%d)", tag, i, l->width);
        CHECK_MSG(!memchr(T + s, '\n', l->len) && !memchr(T + s, '\r', l->len),
                  "%s: newline in line %zu", tag, i);
        CHECK_MSG(l->len == 0 || T[e - 1] != ' ', "%s: line %zu ends with a space", tag, i);
        CHECK_MSG(forced || l->len == 0 || T[s] != ' ', "%s: wrapped line %zu starts with a space",
                  tag, i);
        CHECK_MSG(forced || l->len > 0, "%s: empty wrapped line %zu", tag, i);
        if (!forced && l->len > 0 && i > 0 && R.lines[i - 1].len > 0) {
            /* a wrapped break: between two units, and only when the next
             * unit did not fit; inside a unit only when it is wider than
             * the line */
            size_t pe = R.lines[i - 1].start + R.lines[i - 1].len;
            const cpinfo *a = &m.cps[m.index[pe] - 1], *b = &m.cps[m.index[s]];
            size_t from, to;
            model_cluster(&m, m.index[s], &from, &to);
            bool wide = width_of(&m, from, to) > width; /* a cut there was forced */
            CHECK_MSG(!lb_is_no_start(b->cp) || wide, "%s: line %zu starts with U+%04X", tag, i,
                      (unsigned)b->cp);
            CHECK_MSG(!lb_is_no_end(a->cp) || wide, "%s: line %zu ends with U+%04X", tag, i - 1,
                      (unsigned)a->cp);
            if (model_glued(a, b, pe != s)) {
                CHECK_MSG(wide, "%s: line %zu: break inside a unit that fits (U+%04X | U+%04X)",
                          tag, i, (unsigned)a->cp, (unsigned)b->cp);
            } else {
                /* greedy: the next unit (and the spaces before it) did not fit */
                int next = fake_width(T + pe, m.cps[to - 1].at + m.cps[to - 1].n - pe);
                CHECK_MSG((long)R.lines[i - 1].width + next > width,
                          "%s: line %zu: break before a unit that fits", tag, i - 1);
            }
        }
        prev_end = e;
    }
    CHECK_MSG(only(T, prev_end, len, " \r\n", &nl) && nl <= 1, "%s: text after the last line",
              tag);
    CHECK_INT(R.max_width, widest);
    /* the lines, minus what was dropped, are the text */
    char *a = malloc(len + 1), *b = malloc(len + 1);
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \r\n", T[i]))
            a[na++] = T[i];
    for (size_t i = 0; i < R.n_lines; i++)
        for (size_t k = R.lines[i].start; k < R.lines[i].start + R.lines[i].len; k++)
            if (T[k] != ' ')
                b[nb++] = T[k];
    CHECK_MSG(na == nb && memcmp(a, b, na) == 0, "%s: text lost or duplicated", tag);
    free(a);
    free(b);
    /* linear: each byte measured a bounded number of times */
    CHECK_MSG(M.bytes <= 3 * len, "%s: %zu bytes measured for %zu", tag, M.bytes, len);
    model_free(&m);
    return check_failed == failed_before;
}

static void test_random(void)
{
    const char *pieces[] = {
        "党", "员", "学", "习", "一", "中", "国", "㐀", "か", "한", "　", "，", "。", "、", "：",
        "！", "？", "）", "》", "」", "”", "’", "％", "（", "《", "「", "“", "‘", "【", "……",
        "——", "…", "—", "Open", "Day", "a", "https://x.cn/a", "2026年", "11月", "15:30", "3.5%",
        ",", ".", "(", ")", " ", " ", "  ", "\n", "\r\n", "\xff", "\xe4\xb8"};
    const int widths[] = {5, 10, 15, 20, 25, 33, 40, 57, 80, 120, 250};
    srand(20261124);
    int bad_rounds = 0;
    for (int round = 0; round < 3000; round++) {
        char text[4096] = "";
        int n = 1 + rand() % 80;
        for (int k = 0; k < n; k++)
            strcat(text, pieces[rand() % (sizeof pieces / sizeof pieces[0])]);
        int width = widths[rand() % (sizeof widths / sizeof widths[0])];
        brk(text, width);
        char tag[32];
        snprintf(tag, sizeof tag, "round %d", round);
        if (!check_properties(width, tag) && bad_rounds++ < 5) {
            fprintf(stderr, "  text \"%s\" at width %d:\n", text, width);
            for (size_t i = 0; i < R.n_lines; i++)
                fprintf(stderr, "    [%s] %d\n", line(i), R.lines[i].width);
        }
    }
}

/* ---- hostile input ------------------------------------------------------- */

static int negative(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    (void)s;
    (void)len;
    return -7;
}

static int huge(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    (void)s;
    (void)len;
    return INT_MAX;
}

static void big_text(const char *piece, int width, size_t *n_lines)
{
    size_t n = 1 << 20, k = strlen(piece);
    char *big = malloc(n + 1);
    size_t len = 0;
    while (len + k <= n) {
        memcpy(big + len, piece, k);
        len += k;
    }
    big[len] = '\0';
    memset(&M, 0, sizeof M);
    lb_result r;
    CHECK_INT(lb_break(big, len, width, fake, &M, &r), 0);
    CHECK_MSG(M.bytes <= 3 * len, "\"%s\" x %zu: %zu bytes measured", piece, len / k, M.bytes);
    CHECK_MSG(M.calls <= (long)len + 1, "\"%s\": %ld calls", piece, M.calls);
    size_t total = 0, too_wide = 0;
    for (size_t i = 0; i < r.n_lines; i++) {
        total += r.lines[i].len;
        too_wide += width > 0 && r.lines[i].width > width && r.lines[i].len > 3;
    }
    CHECK_MSG(total <= len && too_wide == 0, "\"%s\"", piece);
    *n_lines = r.n_lines;
    lb_result_free(&r);
    free(big);
}

static void test_hostile(void)
{
    /* a bad byte is a unit of its own (10 px here): "一二abc" fits, the bad
     * byte starts line 2; were it part of the word, "abc\xffd" would move */
    EXPECT_LINES("一二abc\xff" "d", 40, "一二abc", "\xff" "d");
    EXPECT_LINES("\xff\xfe", 10, "\xff", "\xfe");
    EXPECT_LINES("\xe4\xb8", 100, "\xe4\xb8");
    CHECK_INT(R.lines[0].width, 20);
    /* width 0 or less: every unbreakable unit on a line of its own, whole */
    EXPECT_LINES("一二三 abc", 0, "一", "二", "三", "abc");
    EXPECT_LINES("一，二（三）", -5, "一，", "二", "（三）");
    EXPECT_LINES("  a\n\nb", INT_MIN, "a", "", "b");
    /* a measure that returns nonsense */
    T = "一二三 abc 四";
    lb_result_free(&R);
    CHECK_INT(lb_break(T, strlen(T), 10, negative, NULL, &R), 0);
    CHECK_INT(R.n_lines, 1); /* everything is 0 px wide */
    CHECK_INT(R.lines[0].width, 0);
    CHECK_INT(R.lines[0].len, strlen(T));
    lb_result_free(&R);
    CHECK_INT(lb_break(T, strlen(T), INT_MAX, huge, NULL, &R), 0);
    CHECK_INT(R.n_lines, 5); /* no sum overflows into "fits" */
    for (size_t i = 0; i < R.n_lines; i++)
        CHECK_INT(R.lines[i].width, INT_MAX);
    CHECK_INT(R.max_width, INT_MAX);
    lb_result_free(&R);
    CHECK_INT(lb_break(T, strlen(T), 100, huge, NULL, &R), 0);
    CHECK_INT(R.n_lines, 7); /* "abc" is cut into its letters */
    lb_result_free(&R);
    /* bad arguments */
    lb_result r;
    CHECK_INT(lb_break("x", 1, 10, NULL, NULL, &r), -1);
    CHECK_INT(r.n_lines, 0);
    CHECK_INT(lb_break(NULL, 5, 10, fake, NULL, &r), -1);
    CHECK_INT(lb_break(NULL, 0, 10, fake, NULL, &r), 0);
    CHECK_INT(r.n_lines, 0);
    lb_result_free(&r);
    lb_result_free(NULL);
    /* 1 MB inputs, each in linear time */
    size_t n;
    big_text("党", 500, &n);
    CHECK_INT(n, ((1u << 20) / 3 + 49) / 50); /* 50 characters a line */
    big_text("a", 500, &n);                   /* one word: cut every 100 characters */
    CHECK_INT(n, ((1u << 20) + 99) / 100);
    big_text("，", 100, &n);                  /* one glued unit, no allowed cut */
    CHECK_INT(n, ((1u << 20) / 3 + 9) / 10);
    big_text("（", 0, &n);                    /* width 0: the one unit, whole */
    CHECK_INT(n, 1);
    big_text("\n", 100, &n);
    CHECK_INT(n, 1u << 20);
    big_text(" ", 100, &n);
    CHECK_INT(n, 0);
    big_text("党 ab，（", 0, &n);
    CHECK(n > 0);
    /* random bytes: the properties hold whatever comes */
    srand(7);
    for (int round = 0; round < 200; round++) {
        char text[512];
        size_t len = (size_t)(rand() % 500);
        for (size_t i = 0; i < len; i++) {
            /* Leave out the lead bytes of the spaces, joiners and combining
             * marks the model above does not know (C2 CC CD E1 E2 E3 EF) and
             * tabs; the rest decodes to anything, or to bad bytes. */
            int c, r8 = rand() % 8;
            do
                c = r8 == 0 ? ' ' : r8 == 1 ? '\n' : 1 + rand() % 255;
            while (strchr("\t\xc2\xcc\xcd\xe1\xe2\xe3\xef", c));
            text[i] = (char)c;
        }
        text[len] = '\0';
        int width = 1 + rand() % 100;
        brk(text, width);
        char tag[32];
        snprintf(tag, sizeof tag, "bytes %d", round);
        check_properties(width, tag);
    }
}

int main(void)
{
    test_cjk_basic();
    test_no_start();
    test_no_end();
    test_ellipsis_dash();
    test_latin_and_numbers();
    test_long_word();
    test_newlines();
    test_random();
    test_hostile();
    lb_result_free(&R);
    return check_done("linebreak");
}

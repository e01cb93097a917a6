/* Line breaking: Chinese punctuation rules, mixed Chinese/Latin, newlines,
 * overlong words, hostile input.  A fake measure: CJK and full-width = 10 px,
 * ASCII = 5 px, space = 3 px, so expected lines are computed by hand. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "linebreak.h"
#include "utf8.h"

static int calls;

static int fake(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    calls++;
    int w = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        w += cp == ' ' ? 3 : cp < 0x80 ? 5 : 10;
    }
    return w;
}

/* Breaks and returns line i as a new string ("" past the end). */
static lb_result R;
static const char *T;

static void brk(const char *text, int width)
{
    lb_result_free(&R);
    T = text;
    CHECK_INT(lb_break(text, strlen(text), width, fake, NULL, &R), 0);
}

static char *line(size_t i)
{
    static char buf[4096];
    buf[0] = '\0';
    if (i < R.n_lines) {
        memcpy(buf, T + R.lines[i].start, R.lines[i].len);
        buf[R.lines[i].len] = '\0';
    }
    return buf;
}

static void test_cjk_basic(void)
{
    brk("我们在这里学习", 40); /* 4 characters a line */
    CHECK_INT(R.n_lines, 2);
    CHECK_STR(line(0), "我们在这");
    CHECK_STR(line(1), "里学习");
    CHECK_INT(R.lines[0].width, 40);
    CHECK_INT(R.max_width, 40);
}

static void test_no_start(void)
{
    /* "，" would start line 2: "这" comes down with it (推出) */
    brk("我们在这，里学习", 40);
    CHECK_STR(line(0), "我们在");
    CHECK_STR(line(1), "这，里学");
    CHECK_STR(line(2), "习");
    const char *closers[] = {"。", "、", "：", "；", "！", "？", "）", "」", "』", "》", "”", "％"};
    for (size_t k = 0; k < sizeof closers / sizeof closers[0]; k++) {
        char text[64];
        snprintf(text, sizeof text, "一二三四%s五六", closers[k]);
        brk(text, 40);
        for (size_t i = 1; i < R.n_lines; i++)
            CHECK_MSG(strncmp(line(i), closers[k], strlen(closers[k])) != 0,
                      "line %zu starts with %s", i, closers[k]);
        CHECK_STR(line(1), text + strlen("一二三"));
    }
    /* a chain of closers stays with the character before it */
    brk("一二三四。”五", 40);
    CHECK_STR(line(0), "一二三");
    CHECK_STR(line(1), "四。”五");
}

static void test_no_end(void)
{
    /* "《" would end line 1: it goes down with the title it opens */
    brk("一二三《四五》", 40);
    CHECK_STR(line(0), "一二三");
    CHECK_STR(line(1), "《四五》");
    const char *openers[] = {"（", "「", "『", "《", "“", "【"};
    for (size_t k = 0; k < sizeof openers / sizeof openers[0]; k++) {
        char text[64];
        snprintf(text, sizeof text, "一二三%s四五六", openers[k]);
        brk(text, 40);
        for (size_t i = 0; i < R.n_lines; i++) {
            const char *l = line(i);
            size_t n = strlen(l), o = strlen(openers[k]);
            CHECK_MSG(n < o || strcmp(l + n - o, openers[k]) != 0, "line %zu ends with %s", i,
                      openers[k]);
        }
    }
}

static void test_ellipsis_dash(void)
{
    brk("一二三……四五", 40); /* …… is one unit of 20 px */
    CHECK_STR(line(0), "一二三");
    CHECK_STR(line(1), "……四五");
    brk("一二三——四五", 40);
    CHECK_STR(line(0), "一二三");
    CHECK_STR(line(1), "——四五");
    for (int w = 20; w <= 80; w += 10) {
        brk("一二三……四五——六七八", w);
        for (size_t i = 0; i < R.n_lines; i++) {
            const char *l = line(i);
            size_t n = strlen(l);
            /* a line never ends in the middle of a pair */
            bool split_dots = n >= 3 && !strcmp(l + n - 3, "…") && (n < 6 || strcmp(l + n - 6, "……"));
            bool split_dash = n >= 3 && !strcmp(l + n - 3, "—") && (n < 6 || strcmp(l + n - 6, "——"));
            CHECK_MSG(!split_dots && !split_dash, "width %d line %zu: %s", w, i, l);
        }
    }
}

static void test_latin_and_numbers(void)
{
    /* "Open Day" and "2026年" stay whole */
    brk("活动Open Day在2026年举行", 80);
    for (size_t i = 0; i < R.n_lines; i++) {
        const char *l = line(i);
        CHECK_MSG(strcmp(l, "Op") && strncmp(l, "en", 2) && strncmp(l, "年", 3) &&
                      strncmp(l, "026", 3),
                  "word split: %s", l);
    }
    /* at 55 px: "活动Open" = 40 px, " Day" = 3+15 would make 58 */
    brk("活动Open Day在", 55);
    CHECK_STR(line(0), "活动Open");
    CHECK_STR(line(1), "Day在");
    /* spaces at the end of a line are not measured, at the start of a
     * wrapped line not kept */
    brk("aaaa bbbb", 25);
    CHECK_INT(R.n_lines, 2);
    CHECK_STR(line(0), "aaaa");
    CHECK_INT(R.lines[0].width, 20);
    CHECK_STR(line(1), "bbbb");
    /* numbers with units and times */
    brk("时间2026年12月3日15:30", 50);
    bool whole_time = false;
    for (size_t i = 0; i < R.n_lines; i++)
        whole_time |= strstr(line(i), "15:30") != NULL;
    CHECK(whole_time);
    brk("增长3.5%以上", 40);
    bool pct = false;
    for (size_t i = 0; i < R.n_lines; i++)
        pct |= strstr(line(i), "3.5%") != NULL;
    CHECK(pct);
}

static void test_long_word(void)
{
    /* a URL wider than the line is broken between characters */
    const char *url = "https://example.edu.cn/party/lecture";
    brk(url, 50);
    CHECK(R.n_lines > 1);
    size_t total = 0;
    for (size_t i = 0; i < R.n_lines; i++) {
        CHECK(R.lines[i].width <= 50);
        total += R.lines[i].len;
    }
    CHECK_INT(total, strlen(url));
}

static void test_newlines(void)
{
    brk("第一行\n第二行", 1000);
    CHECK_INT(R.n_lines, 2);
    CHECK_STR(line(0), "第一行");
    CHECK_STR(line(1), "第二行");
    brk("一\r\n二", 1000);
    CHECK_INT(R.n_lines, 2);
    CHECK_STR(line(1), "二");
    brk("一\n\n二", 1000); /* an empty line is kept */
    CHECK_INT(R.n_lines, 3);
    CHECK_STR(line(1), "");
    brk("", 100);
    CHECK_INT(R.n_lines, 0);
    brk("   ", 100); /* spaces only: nothing to show */
    CHECK(R.n_lines <= 1);
}

/* Property check over random text: every line fits (unless a single
 * character is wider than the line), no line starts with a closer or ends
 * with an opener, and no visible character is lost. */
static void test_random(void)
{
    const char *pieces[] = {"党", "员", "学", "习", "，", "。", "、", "（", "）", "《", "》",
                            "“", "”", "……", "——", "Open", "Day", "2026年", "15:30", " ", "\n",
                            "a", "3.5%", "！"};
    srand(12345);
    for (int round = 0; round < 400; round++) {
        char text[2048] = "";
        int n = 5 + rand() % 60;
        for (int k = 0; k < n; k++)
            strcat(text, pieces[rand() % (sizeof pieces / sizeof pieces[0])]);
        int width = 20 + rand() % 200;
        int failed_before = check_failed;
        brk(text, width);
        size_t visible = 0;
        for (size_t i = 0; i < R.n_lines; i++) {
            const lb_line *l = &R.lines[i];
            CHECK_MSG(l->width <= width || utf8_length(T + l->start, l->len) <= 2 ||
                          fake(NULL, T + l->start, l->len) > width,
                      "line too wide");
            if (l->len == 0)
                continue;
            uint32_t first, last = 0;
            utf8_decode(T + l->start, l->len, &first);
            size_t p = l->start + l->len - 1;
            while (p > l->start && ((unsigned char)T[p] & 0xC0) == 0x80)
                p--;
            utf8_decode(T + p, l->start + l->len - p, &last);
            /* a mark at a paragraph's edge (only spaces between it and the
             * newline) has nowhere else to go */
            size_t b0 = l->start;
            while (b0 > 0 && T[b0 - 1] == ' ')
                b0--;
            bool para_start = b0 == 0 || T[b0 - 1] == '\n';
            CHECK_MSG(para_start || !lb_is_no_start(first), "round %d: line starts with U+%04X",
                      round, first);
            size_t e0 = l->start + l->len;
            while (T[e0] == ' ')
                e0++;
            bool para_end = T[e0] == '\0' || T[e0] == '\n';
            CHECK_MSG(para_end || !lb_is_no_end(last), "round %d: line ends with U+%04X", round,
                      last);
            for (size_t b = l->start; b < l->start + l->len; b++)
                visible += T[b] != ' ' && T[b] != '\n';
        }
        size_t expect = 0;
        for (const char *c = text; *c; c++)
            expect += *c != ' ' && *c != '\n';
        CHECK_INT(visible, expect);
        if (check_failed != failed_before) {
            fprintf(stderr, "  text \"%s\" at width %d:\n", text, width);
            for (size_t i = 0; i < R.n_lines; i++)
                fprintf(stderr, "    [%s]\n", line(i));
        }
    }
}

static void test_hostile(void)
{
    /* invalid UTF-8 is measured byte by byte, never crashes */
    brk("\xff\xfe abc \xe4\xb8", 20);
    CHECK(R.n_lines >= 1);
    /* width 0: one unit a line, finite */
    brk("一二三 abc", 0);
    CHECK(R.n_lines >= 3);
    /* 1 MB of text: linear number of measure calls */
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(big + i, "党", 3);
    big[n - n % 3] = '\0';
    calls = 0;
    lb_result r;
    CHECK_INT(lb_break(big, strlen(big), 500, fake, NULL, &r), 0);
    CHECK_INT(r.n_lines, (strlen(big) / 3 + 49) / 50);
    CHECK(calls <= (int)(strlen(big) / 3) + 10);
    lb_result_free(&r);
    free(big);
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

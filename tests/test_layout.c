/* Layout: proportions from the short side, picture fitting, and notice
 * auto-fit with a fake monospace measure (every code point = px wide). */
#include <string.h>

#include "check.h"
#include "layout.h"
#include "utf8.h"

static int mono(void *ctx, int px, bool bold, const char *s, size_t len)
{
    (void)ctx;
    (void)bold;
    return (int)utf8_length(s, len) * px;
}

static void test_screen(void)
{
    layout_screen l;
    layout_screen_compute(1920, 1080, true, true, &l);
    CHECK_INT(l.unit, 1080);
    CHECK(!l.portrait);
    CHECK_INT(l.header.y, 0);
    CHECK(l.header.h > 100 && l.header.h < 140);
    CHECK_INT(l.main.y, l.header.h);
    CHECK_INT(l.main.y + l.main.h, l.ticker.y);
    CHECK_INT(l.ticker.y + l.ticker.h, 1080);
    /* portrait: same physical text size as landscape on the same panel */
    layout_screen p;
    layout_screen_compute(1080, 1920, true, true, &p);
    CHECK(p.portrait);
    CHECK_INT(p.unit, 1080);
    CHECK_INT(p.header.h, l.header.h);
    CHECK_INT(p.main.h, 1920 - p.header.h - p.ticker.h);
    /* no header, no ticker: main takes everything */
    layout_screen_compute(1280, 720, false, false, &l);
    CHECK_INT(l.header.h, 0);
    CHECK_INT(l.ticker.h, 0);
    CHECK_INT(l.main.h, 720);
    CHECK_INT(l.main.w, 1280);
    /* sizes scale with the screen */
    CHECK_INT(layout_text_floor(1080), 36);
    CHECK_INT(layout_text_floor(2160), 72);
    CHECK(layout_text_floor(100) >= 12);
    CHECK(layout_qr_side(1080) >= 200);
}

static void test_fit_rect(void)
{
    layout_rect box = {0, 100, 1920, 946};
    layout_rect r = layout_fit_rect(4000, 3000, box, false); /* 4:3 into wide */
    CHECK_INT(r.h, 946);
    CHECK_INT(r.w, 1261);
    CHECK_INT(r.x, (1920 - 1261) / 2);
    CHECK_INT(r.y, 100);
    r = layout_fit_rect(4000, 3000, box, true);
    CHECK_INT(r.w, 1920);
    CHECK_INT(r.h, 1440);
    CHECK(r.y < 100); /* cropped top and bottom */
    r = layout_fit_rect(1920, 946, box, false);
    CHECK(r.w == 1920 && r.h == 946 && r.x == 0 && r.y == 100);
    r = layout_fit_rect(0, 10, box, false);
    CHECK_INT(r.w, 0);
    r = layout_fit_rect(1, 100000, box, false); /* extreme aspect: never 0 */
    CHECK(r.w >= 1 && r.h == 946);
}

static void test_fit_notice(void)
{
    layout_notice n;
    /* short text: largest size */
    CHECK_INT(layout_fit_notice("通知", "明天开会。", 1000, 800, 36, 77, mono, NULL, &n), 0);
    CHECK_INT(n.body_px, 77);
    CHECK(!n.at_floor && !n.overflow);
    CHECK(n.height <= 800);
    CHECK_INT(n.body.n_lines, 1);
    layout_notice_free(&n);

    /* longer text: the chosen size fits, one px more does not */
    char body[4000] = "";
    for (int i = 0; i < 120; i++)
        strcat(body, "党");
    CHECK_INT(layout_fit_notice("标题", body, 1000, 500, 20, 100, mono, NULL, &n), 0);
    int px = n.body_px;
    CHECK(n.height <= 500);
    CHECK(px > 20 && px < 100);
    layout_notice m;
    /* px+1 as the floor and max: must not fit (or would have been chosen) */
    CHECK_INT(layout_fit_notice("标题", body, 1000, 500, px + 1, px + 1, mono, NULL, &m), 0);
    CHECK(m.overflow);
    layout_notice_free(&m);
    layout_notice_free(&n);

    /* far too long: floor size, overflow, lines cut to what fits */
    char big[40000] = "";
    for (int i = 0; i < 3000; i++)
        strcat(big, "学");
    CHECK_INT(layout_fit_notice("标题", big, 1000, 500, 36, 77, mono, NULL, &n), 0);
    CHECK_INT(n.body_px, 36);
    CHECK(n.at_floor);
    CHECK(n.overflow);
    CHECK(n.body_lines_shown < n.body.n_lines);
    int used = (int)n.title.n_lines * n.title_line_h + n.gap +
               (int)n.body_lines_shown * n.body_line_h;
    CHECK(used <= 500);
    layout_notice_free(&n);

    /* title only, body only, neither */
    CHECK_INT(layout_fit_notice("只有标题", NULL, 1000, 500, 36, 77, mono, NULL, &n), 0);
    CHECK_INT(n.body.n_lines, 0);
    CHECK_INT(n.title.n_lines, 1);
    layout_notice_free(&n);
    CHECK_INT(layout_fit_notice(NULL, "只有正文", 1000, 500, 36, 77, mono, NULL, &n), 0);
    CHECK_INT(n.title.n_lines, 0);
    CHECK_INT(n.height, n.body_line_h);
    layout_notice_free(&n);
    CHECK_INT(layout_fit_notice(NULL, NULL, 1000, 500, 36, 77, mono, NULL, &n), 0);
    CHECK_INT(n.height, 0);
    layout_notice_free(&n);
    /* explicit newlines count as lines */
    CHECK_INT(layout_fit_notice(NULL, "一\n二\n三", 1000, 2000, 36, 77, mono, NULL, &n), 0);
    CHECK_INT(n.body.n_lines, 3);
    layout_notice_free(&n);
}

static void test_title_balance(void)
{
    layout_notice n;
    /* 12 characters at 100 px in a box of 1100 px: 11 + 1 unbalanced, 6 + 6 balanced */
    CHECK_INT(layout_fit_notice("一二三四五六七八九十百千", NULL, 1100, 2000, 69, 69, mono, NULL,
                                &n),
              0);
    CHECK_INT(n.title_px, 100);
    CHECK_INT(n.title.n_lines, 2);
    if (n.title.n_lines == 2) {
        CHECK_INT(n.title.lines[0].width, 600);
        CHECK_INT(n.title.lines[1].width, 600);
    }
    layout_notice_free(&n);
    /* a title on one line is left alone */
    CHECK_INT(layout_fit_notice("一二三", NULL, 1100, 2000, 69, 69, mono, NULL, &n), 0);
    CHECK_INT(n.title.n_lines, 1);
    layout_notice_free(&n);
}

int main(void)
{
    test_title_balance();
    test_screen();
    test_fit_rect();
    test_fit_notice();
    return check_done("layout");
}

/* The self-watch policy: comparing drawn samples with the slide's own, and
 * the recovery ladder. */
#include "check.h"
#include "watch.h"

static void fill(uint32_t *p, uint32_t v)
{
    for (int i = 0; i < WATCH_POINTS; i++)
        p[i] = v;
}

static void test_points(void)
{
    int x, y, minx = 1 << 30, maxx = -1, miny = 1 << 30, maxy = -1;
    for (int i = 0; i < WATCH_POINTS; i++) {
        watch_point(i, 1920, 946, &x, &y);
        CHECK(x >= 0 && x < 1920 && y >= 0 && y < 946);
        minx = x < minx ? x : minx;
        maxx = x > maxx ? x : maxx;
        miny = y < miny ? y : miny;
        maxy = y > maxy ? y : maxy;
    }
    CHECK_INT(minx, 120); /* centres of 8 cells of 240 */
    CHECK_INT(maxx, 1800);
    CHECK(miny > 0 && maxy < 946);
    watch_point(0, 1, 1, &x, &y); /* degenerate sizes stay inside */
    CHECK(x == 0 && y == 0);
}

static void test_compare(void)
{
    uint32_t e[WATCH_POINTS], d[WATCH_POINTS];
    fill(e, 0xFFC03030);
    fill(d, 0xFFC03030);
    CHECK_INT(watch_compare(e, d), WATCH_MATCH);
    fill(d, 0xFFB83838); /* a GPU's rounding */
    CHECK_INT(watch_compare(e, d), WATCH_MATCH);
    fill(d, 0xFF000000);
    CHECK_INT(watch_compare(e, d), WATCH_BLACK);
    fill(d, 0xFF2060C0);
    CHECK_INT(watch_compare(e, d), WATCH_DIFFERENT);
    /* a dark slide drawn black is not "black": it may be the slide */
    fill(e, 0xFF101010);
    fill(d, 0xFF000000);
    CHECK_INT(watch_compare(e, d), WATCH_MATCH);
    fill(e, 0xFF202020);
    fill(d, 0xFF000000);
    CHECK_INT(watch_compare(e, d), WATCH_DIFFERENT); /* too dark to call black */
    /* a few points may differ (40 of 48 must match) */
    fill(e, 0xFFFFFFFF);
    fill(d, 0xFFFFFFFF);
    for (int i = 0; i < 8; i++)
        d[i] = 0xFF000000;
    CHECK_INT(watch_compare(e, d), WATCH_MATCH);
    d[8] = 0xFF000000;
    CHECK_INT(watch_compare(e, d), WATCH_DIFFERENT);
}

static void test_ladder(void)
{
    watch w;
    watch_init(&w);
    CHECK_INT(watch_frame(&w, 1, WATCH_MATCH, "a"), WATCH_OK);
    CHECK(!w.problem);
    CHECK_INT(watch_frame(&w, 2, WATCH_BLACK, "a"), WATCH_RELOAD);
    CHECK(w.problem);
    CHECK(strstr(w.what, "black") && strstr(w.what, "\"a\""));
    CHECK_INT(watch_frame(&w, 3, WATCH_BLACK, "a"), WATCH_RECREATE);
    CHECK_INT(watch_frame(&w, 4, WATCH_DIFFERENT, "b"), WATCH_EXIT);
    CHECK(strstr(w.what, "different picture"));
    CHECK_INT(w.recoveries, 3);
    CHECK_INT((long)w.since, 2);
    /* a good check ends the problem; the count stays */
    CHECK_INT(watch_frame(&w, 5, WATCH_MATCH, "b"), WATCH_OK);
    CHECK(!w.problem && !w.what[0]);
    CHECK_INT(w.recoveries, 3);
    CHECK_INT(watch_frame(&w, 6, WATCH_BLACK, "c"), WATCH_RELOAD); /* a new problem starts low */
    CHECK_INT((long)w.since, 6);
}

static void test_progress(void)
{
    watch w;
    watch_init(&w);
    CHECK_INT(watch_progress(&w, 100, "s", 49, 10, 5), WATCH_OK); /* 2*10 + 30 = 50 */
    CHECK_INT(watch_progress(&w, 100, "s", 50, 10, 5), WATCH_OK);
    CHECK_INT(watch_progress(&w, 100, "s", 51, 10, 5), WATCH_EXIT);
    CHECK(strstr(w.what, "stuck") && strstr(w.what, "\"s\""));
    watch_init(&w);
    CHECK_INT(watch_progress(&w, 100, "only", 5000, 10, 1), WATCH_OK); /* one slide stays up */
    CHECK_INT(watch_progress(&w, 100, "none", 5000, 10, 0), WATCH_OK);
    CHECK(!w.problem);
}

int main(void)
{
    test_points();
    test_compare();
    test_ladder();
    test_progress();
    CHECK(strcmp(watch_action_name(WATCH_EXIT), "none") != 0);
    return check_done("watch");
}

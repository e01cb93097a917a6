/* Sequencer tests with a fake clock: order, durations, readiness, skipping,
 * schedules going on and off air, transitions. */
#include "check.h"
#include "show.h"

static void mk(show_slide_state *s, size_t n, double dur)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (show_slide_state){.on_air = true, .ready = true, .duration = dur,
                                  .transition = TRANSITION_FADE};
}

static void test_cycle(void)
{
    show_slide_state st[3];
    mk(st, 3, 10);
    show s;
    show_init(&s, 1.0);
    show_view v;
    show_tick(&s, 0, st, 3, &v);
    CHECK_INT(v.cur, 0);
    CHECK_INT(v.prev, -1);
    CHECK_INT(v.want_next, 1);
    CHECK(v.next_event == 10);
    show_tick(&s, 9.99, st, 3, &v);
    CHECK_INT(v.cur, 0);
    show_tick(&s, 10, st, 3, &v);
    CHECK_INT(v.cur, 1);
    CHECK_INT(v.prev, 0);
    CHECK(v.progress == 0);
    show_tick(&s, 10.5, st, 3, &v);
    CHECK_INT(v.prev, 0);
    CHECK(v.progress > 0.49 && v.progress < 0.51);
    show_tick(&s, 11.0, st, 3, &v);
    CHECK_INT(v.prev, -1);
    CHECK(v.progress == 1.0);
    show_tick(&s, 20, st, 3, &v);
    CHECK_INT(v.cur, 2);
    show_tick(&s, 31, st, 3, &v);
    CHECK_INT(v.cur, 0); /* wraps around */
}

static void test_not_ready_holds(void)
{
    show_slide_state st[2];
    mk(st, 2, 5);
    st[1].ready = false;
    show s;
    show_init(&s, 1.0);
    show_view v;
    show_tick(&s, 0, st, 2, &v);
    CHECK_INT(v.cur, 0);
    CHECK_INT(v.want_next, 1);
    show_tick(&s, 6, st, 2, &v);
    CHECK_INT(v.cur, 0); /* late slide: current stays up, no gap */
    CHECK(v.next_event > 6 && v.next_event < 7);
    st[1].ready = true;
    show_tick(&s, 6.5, st, 2, &v);
    CHECK_INT(v.cur, 1);
    CHECK_INT(v.prev, 0);
}

static void test_skip_failed_and_off_air(void)
{
    show_slide_state st[4];
    mk(st, 4, 5);
    st[1].failed = true;
    st[2].on_air = false;
    show s;
    show_init(&s, 0.5);
    show_view v;
    show_tick(&s, 0, st, 4, &v);
    CHECK_INT(v.cur, 0);
    CHECK_INT(v.want_next, 3);
    show_tick(&s, 5, st, 4, &v);
    CHECK_INT(v.cur, 3);
    /* the off-air slide comes on air: it is picked in order */
    st[2].on_air = true;
    show_tick(&s, 10, st, 4, &v);
    CHECK_INT(v.cur, 0);
    CHECK_INT(v.want_next, 2);
}

static void test_first_ready_not_first(void)
{
    show_slide_state st[3];
    mk(st, 3, 5);
    st[0].ready = false;
    show s;
    show_init(&s, 1.0);
    show_view v;
    show_tick(&s, 0, st, 3, &v);
    CHECK_INT(v.cur, 1); /* whichever is ready first goes up: content fast */
}

static void test_single_and_none(void)
{
    show_slide_state st[2];
    mk(st, 2, 5);
    st[1].on_air = false;
    show s;
    show_init(&s, 1.0);
    show_view v;
    show_tick(&s, 0, st, 2, &v);
    CHECK_INT(v.cur, 0);
    CHECK_INT(v.want_next, -1);
    show_tick(&s, 5, st, 2, &v);
    CHECK_INT(v.cur, 0); /* stays, no self-transition */
    CHECK_INT(v.prev, -1);
    CHECK(v.next_event == 10);
    /* it goes off air and nothing else is on air: screen clears */
    st[0].on_air = false;
    show_tick(&s, 7, st, 2, &v);
    CHECK_INT(v.cur, -1);
    /* nothing at all */
    show_tick(&s, 8, st, 0, &v);
    CHECK_INT(v.cur, -1);
}

static void test_cut_and_zero_transition(void)
{
    show_slide_state st[2];
    mk(st, 2, 5);
    st[1].transition = TRANSITION_CUT;
    show s;
    show_init(&s, 1.0);
    show_view v;
    show_tick(&s, 0, st, 2, &v);
    show_tick(&s, 5, st, 2, &v);
    CHECK_INT(v.cur, 1);
    CHECK_INT(v.prev, -1); /* a cut has no transition frames */
    show_init(&s, 0.0);
    st[1].transition = TRANSITION_PUSH;
    show_tick(&s, 0, st, 2, &v);
    show_tick(&s, 5, st, 2, &v);
    CHECK_INT(v.prev, -1);
}

static void test_remap(void)
{
    show_slide_state st[3];
    mk(st, 3, 5);
    show s;
    show_init(&s, 1.0);
    show_view v;
    show_tick(&s, 0, st, 3, &v);
    show_remap(&s, 2, -1); /* the same slide now sits at index 2 */
    show_tick(&s, 1, st, 3, &v);
    CHECK_INT(v.cur, 2);
    CHECK_INT(v.want_next, 0);
    show_remap(&s, -1, -1); /* gone */
    show_tick(&s, 2, st, 3, &v);
    CHECK_INT(v.cur, 0);
    /* an index beyond a shrunken deck is never returned */
    show_remap(&s, 2, -1);
    show_tick(&s, 3, st, 1, &v);
    CHECK_INT(v.cur, 0);
}

static void test_alert_turns(void)
{
    CHECK_INT(show_alert_turn(0, 100, 10), 0);
    CHECK_INT(show_alert_turn(1, 100, 10), 0);
    CHECK_INT(show_alert_turn(3, 0, 10), 0);
    CHECK_INT(show_alert_turn(3, 10, 10), 1);
    CHECK_INT(show_alert_turn(3, 29.9, 10), 2);
    CHECK_INT(show_alert_turn(3, 30, 10), 0);
}

int main(void)
{
    test_cycle();
    test_not_ready_holds();
    test_skip_failed_and_off_air();
    test_first_ready_not_first();
    test_single_and_none();
    test_cut_and_zero_transition();
    test_remap();
    test_alert_turns();
    return check_done("show");
}

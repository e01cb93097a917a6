#include "show.h"

#include <math.h>

void show_init(show *s, double trans_time)
{
    s->trans_time = trans_time < 0 ? 0 : trans_time;
    show_reset(s);
}

void show_reset(show *s)
{
    s->cur = -1;
    s->prev = -1;
    s->cur_start = 0;
    s->trans_kind = TRANSITION_CUT;
    s->transitioning = false;
}

void show_remap(show *s, int new_cur, int new_prev)
{
    if (new_cur < 0) {
        /* The slide on screen is gone: leave it to the next tick to bring in
         * a new one; keep the old picture out of the way. */
        s->cur = -1;
        s->prev = -1;
        s->transitioning = false;
        return;
    }
    s->cur = new_cur;
    s->prev = new_prev;
    if (new_prev < 0)
        s->transitioning = false;
}

static bool usable(const show_slide_state *st)
{
    return st->on_air && !st->failed;
}

int show_next_candidate(const show_slide_state *slides, size_t n, int after)
{
    if (n == 0)
        return -1;
    size_t start = after < 0 ? 0 : (size_t)after + 1;
    for (size_t k = 0; k < n; k++) {
        size_t i = (start + k) % n;
        if (usable(&slides[i]))
            return (int)i;
    }
    return -1;
}

static void begin(show *s, int idx, double now, transition_kind kind, int from)
{
    s->prev = from;
    s->cur = idx;
    s->cur_start = now;
    s->trans_kind = kind;
    s->transitioning = from >= 0 && kind != TRANSITION_CUT && s->trans_time > 0;
    if (!s->transitioning)
        s->prev = -1;
}

void show_tick(show *s, double now, const show_slide_state *slides, size_t n, show_view *out)
{
    if (s->cur >= (int)n || s->prev >= (int)n)
        show_reset(s);

    if (s->cur < 0) {
        /* Nothing up yet: cut to the first usable slide that is ready. */
        int cand = show_next_candidate(slides, n, -1);
        int first = cand;
        while (cand >= 0 && !slides[cand].ready) {
            cand = show_next_candidate(slides, n, cand);
            if (cand == first)
                cand = -1;
        }
        if (cand >= 0)
            begin(s, cand, now, TRANSITION_CUT, -1);
    }

    if (s->transitioning && now >= s->cur_start + s->trans_time) {
        s->transitioning = false;
        s->prev = -1;
    }

    int next = s->cur >= 0 ? show_next_candidate(slides, n, s->cur) : -1;
    if (s->cur >= 0 && !s->transitioning) {
        const show_slide_state *cur = &slides[s->cur];
        bool cur_gone = !usable(cur);
        double end = s->cur_start + cur->duration;
        if (now >= end || cur_gone) {
            if (next < 0) {
                /* Nothing else is on air.  A slide that went off air leaves
                 * the screen; one still on air simply stays. */
                if (cur_gone)
                    show_reset(s);
                else
                    s->cur_start = now;
            } else if (next == s->cur) {
                s->cur_start = now; /* the only slide on air: keep it, no flicker */
            } else if (slides[next].ready) {
                begin(s, next, now, slides[next].transition, s->cur);
                next = show_next_candidate(slides, n, s->cur);
            }
            /* else: the next slide is not ready yet; the current one stays
             * up until it is (never a black frame). */
        }
    }

    out->cur = s->cur;
    out->prev = s->transitioning ? s->prev : -1;
    out->kind = s->trans_kind;
    out->progress = 1.0;
    out->want_next = (next >= 0 && next != s->cur) ? next : -1;
    out->next_event = INFINITY;
    if (s->transitioning) {
        double p = (now - s->cur_start) / s->trans_time;
        out->progress = p < 0 ? 0 : p > 1 ? 1 : p;
        out->next_event = now; /* animating */
    } else if (s->cur >= 0) {
        double end = s->cur_start + slides[s->cur].duration;
        /* Past its end means the next slide is still being prepared: its
         * readiness wakes the caller; look again soon in any case. */
        out->next_event = end > now ? end : now + 0.25;
    }
}

size_t show_alert_turn(size_t n_on_air, double now, double turn)
{
    if (n_on_air == 0 || turn <= 0)
        return 0;
    double k = floor(now / turn);
    if (k < 0)
        k = 0;
    return (size_t)fmod(k, (double)n_on_air);
}

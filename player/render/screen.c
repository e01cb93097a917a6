#include "render/screen.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glob.h>

#include "blend.h"
#include "framelog.h"
#include "layout.h"
#include "monoclock.h"
#include "log.h"
#include "notify.h"
#include "watch.h"
#include "panel.h"
#include "power.h"
#include "render/compose.h"
#include "render/prep.h"
#include "schedule.h"
#include "show.h"
#include "tz.h"

#ifdef SIGNAGE_HAVE_X11
#include <X11/Xlib.h>
#endif

#define SLOTS 4     /* prev + cur + next, and one being replaced */
#define FRAME_MS 16 /* pacing when the renderer has no vsync */
#define SCREENSHOT_TIMEOUT_MS 60000
#define WATCH_INTERVAL 3.0   /* seconds between looks at the content folder */
#define WATCH_RETRY 30.0     /* seconds before retrying a deck that failed to verify */
#define FIRST_FRAME_WAIT 3.0 /* seconds the first frame may wait for content */
#define FRAMELOG_MAX 40000   /* --frame-log: frames kept (~11 min at 60 fps, ~19 MB) */

/* What changed since the last frame, i.e. what the next one must redraw.
 * With the software renderer only these parts are redrawn and pushed to the
 * screen: a scrolling ticker costs its band, not 1920x1080, every frame. */
enum {
    DMG_MAIN = 1,   /* the slide area */
    DMG_HEADER = 2, /* the header band (the clock turned) */
    DMG_TICKER = 4, /* the ticker band */
    DMG_FULL = 8,   /* everything */
};

/* A slide's picture: a texture, or with the software path (app.direct) the
 * worker's surface itself, which the loop copies and mixes straight into
 * the window (no upload, no second copy in memory). */
typedef struct picture {
    SDL_Texture *tex;
    SDL_Surface *surf;
} picture;

typedef struct slot {
    int index; /* -1 = free */
    uint64_t gen;
    picture pic;
    bool has_sig; /* sig holds the slide's own pixels at the watch grid */
    uint32_t sig[WATCH_POINTS];
} slot;

typedef struct ticker_tex {
    SDL_Texture *label;
    int label_w;
    SDL_Texture **tiles;
    int *tile_w;
    size_t n;
    int width;
} ticker_tex;

typedef struct app {
    const screen_opts *o;
    const player_config *cfg;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Surface *shot; /* screenshot target */
    SDL_Texture *rot;  /* logical-size target when rotated */
    int pw, ph, lw, lh;
    bool vsync;
    bool partial; /* software renderer into the window: redraw and push changed bands only */
    bool direct;  /* ... and slides are drawn into the window surface by the loop itself */
    layout_screen lay;
    bool laid_out;
    deck *d;
    prep *prep;
    Uint32 wake;
    uint64_t gen;

    show sh;
    show_view view;
    show_slide_state *st;
    uint64_t *req_gen; /* per slide: generation it was last requested in */
    bool *warned;      /* per slide: its preparation warning was logged */
    size_t n;
    slot slots[SLOTS];

    SDL_Texture *header;
    uint64_t header_gen, header_req;
    SDL_Texture *clock, *clock_next; /* this minute's clock, and the next one's */
    int64_t clock_key, clock_next_key, clock_req_key;
    uint64_t clock_gen;

    ticker_tex ticker;
    uint64_t ticker_sig, ticker_have_sig, ticker_req_sig;
    uint64_t ticker_req_gen;
    size_t *ticker_on, n_ticker_on;
    double ticker_t0;

    size_t *alert_on, n_alert_on;
    SDL_Texture *alert;
    long alert_key, alert_req_key; /* index * 10000 + turn * 100 + turns */

    SDL_Texture *idle;
    uint64_t idle_gen, idle_req;
    SDL_Texture *waiting;
    uint64_t waiting_key, waiting_req_key;

    picture ghost; /* the old deck's slide, kept up until the new one is ready */
    bool load_pending;
    double next_watch;
    uint64_t failed_sig;
    double failed_at;

    bool read_back; /* hand this frame to the board (a screenshot was asked for) */
    char last_error[512];
    double mono0;
    int64_t last_eval;
    unsigned long frames;
    unsigned damage; /* DMG_* */
    framelog *flog;  /* --frame-log, NULL = off */
    bool flog_new_deck;
    double flog_cpu, flog_t0;
    bool dark;           /* the power schedule has the screen off (and no alert is on) */
    bool dark_known;     /* `dark` was evaluated at least once */
    int64_t power_next;  /* when the schedule's answer changes next */
    tz_zone *power_zone; /* the config's zone, for a screen with no deck */
    panel *panel;        /* screen_on/off_command runner; NULL = none */
    notify_watchdog wd;  /* systemd's watchdog, pinged by this loop only */
    watch watch;         /* the self-check's state (watch.h) */
    bool check_pending;  /* the slide now on screen has not been checked yet */
    bool check_due;      /* draw_frame: sample this frame */
    bool check_ok;       /* ... and it did, into `drawn` */
    uint32_t drawn[WATCH_POINTS];
    int watch_cur; /* the slide whose time on screen is measured */
    double cur_since;
    bool fault_cleared; /* FAULT_BLACK_ONCE: a recovery ended it */
    bool fault_fired;   /* FAULT_WORKER_HANG: the hang was submitted */
    bool worker_stuck;  /* the worker stopped: it cannot be joined */
    bool ready;         /* systemd was told READY=1 */
} app;

static double mono_now(void)
{
    return (double)SDL_GetTicks64() / 1000.0;
}

static int64_t wall_now(const app *a)
{
    if (a->o->has_at) return a->o->at + (a->o->screenshot ? 0 : (int64_t)(mono_now() - a->mono0));
    return (int64_t)time(NULL);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static SDL_Texture *upload(app *a, SDL_Surface *s)
{
    if (!s) return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(a->ren, s);
    if (!t)
        log_msg(LOG_ERR, "cannot create a %dx%d texture: %s", s->w, s->h, SDL_GetError());
    else
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return t;
}

/* Opaque pictures (slides, header, alert, full screens) go up without an
 * alpha channel: a fade then takes SDL's constant-alpha blend for opaque
 * sources instead of its generic per-pixel path, several times cheaper for
 * the software renderer, and nothing changes for a GPU. */
static SDL_Texture *upload_opaque(app *a, SDL_Surface *s)
{
    if (!s || s->format->format != SDL_PIXELFORMAT_ARGB8888) return upload(a, s);
    SDL_Texture *t =
        SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STATIC, s->w, s->h);
    if (t && SDL_UpdateTexture(t, NULL, s->pixels, s->pitch) == 0) return t;
    if (t) SDL_DestroyTexture(t);
    return upload(a, s); /* a renderer without RGB888: keep the alpha channel */
}

static void destroy(SDL_Texture **t)
{
    if (*t) SDL_DestroyTexture(*t);
    *t = NULL;
}

static void pic_free(picture *p)
{
    destroy(&p->tex);
    if (p->surf) SDL_FreeSurface(p->surf);
    p->surf = NULL;
}

static bool pic_ok(const picture *p)
{
    return p->tex || p->surf;
}

static void ticker_free(ticker_tex *t)
{
    destroy(&t->label);
    for (size_t i = 0; i < t->n; i++)
        SDL_DestroyTexture(t->tiles[i]);
    free(t->tiles);
    free(t->tile_w);
    memset(t, 0, sizeof *t);
}

/* ---- what is on air ---------------------------------------------------- */

static void set_error(app *a, const char *msg)
{
    snprintf(a->last_error, sizeof a->last_error, "%.500s", msg);
}

static void free_deck_arrays(app *a)
{
    free(a->st);
    free(a->req_gen);
    free(a->ticker_on);
    free(a->alert_on);
    free(a->warned);
    a->warned = NULL;
    a->st = NULL;
    a->req_gen = NULL;
    a->ticker_on = a->alert_on = NULL;
    a->n = a->n_ticker_on = a->n_alert_on = 0;
}

static int ensure_deck_arrays(app *a)
{
    size_t n = a->d ? a->d->m->n_slides : 0;
    a->st = calloc(n ? n : 1, sizeof *a->st);
    a->req_gen = calloc(n ? n : 1, sizeof *a->req_gen);
    a->warned = calloc(n ? n : 1, sizeof *a->warned);
    size_t nt = a->d ? a->d->m->n_ticker : 0, na = a->d ? a->d->m->n_alerts : 0;
    a->ticker_on = calloc(nt ? nt : 1, sizeof *a->ticker_on);
    a->alert_on = calloc(na ? na : 1, sizeof *a->alert_on);
    a->n = n;
    if (!a->st || !a->req_gen || !a->warned || !a->ticker_on || !a->alert_on) return -1;
    for (size_t i = 0; i < n; i++) {
        const manifest_slide *sl = &a->d->m->slides[i];
        a->st[i].duration = (sl->duration_set ? sl->duration : a->cfg->default_duration) /
                             (a->o->speed > 1 ? a->o->speed : 1);
        a->st[i].transition = a->d->m->slides[i].transition;
    }
    return 0;
}

/* Re-evaluates schedules; returns true when anything on air changed. */
static bool evaluate(app *a, int64_t wall)
{
    if (!a->d) return false;
    const manifest *m = a->d->m;
    bool changed = false;
    for (size_t i = 0; i < a->n; i++) {
        bool on = schedule_on_air(&m->slides[i].sched, wall, a->d->zone);
        changed |= on != a->st[i].on_air;
        a->st[i].on_air = on;
    }
    size_t k = 0;
    uint64_t sig = 1469598103934665603ull;
    for (size_t i = 0; i < m->n_ticker; i++)
        if (schedule_on_air(&m->ticker[i].sched, wall, a->d->zone)) {
            a->ticker_on[k++] = i;
            sig = (sig ^ (i + 1)) * 1099511628211ull;
        }
    a->n_ticker_on = k;
    a->ticker_sig = k ? sig : 0;
    k = 0;
    for (size_t i = 0; i < m->n_alerts; i++)
        if (schedule_on_air(&m->alerts[i].sched, wall, a->d->zone)) a->alert_on[k++] = i;
    changed |= k != a->n_alert_on;
    a->n_alert_on = k;
    if (!k && a->alert) {
        /* Alert over: forget it, so the next one never flashes the old text. */
        destroy(&a->alert);
        a->alert_key = a->alert_req_key = -1;
    }
    return changed;
}

/* The power schedule, after evaluate(): dark while it says off, unless an
 * emergency alert is on air (it wakes the screen).  Returns true when the
 * screen goes dark or lights up. */
static bool update_power(app *a, int64_t wall)
{
    if (!a->cfg->screen_off) return false;
    const tz_zone *zone = a->d ? a->d->zone : a->power_zone;
    bool off = power_off_at(a->cfg->screen_off, wall, zone, &a->power_next);
    bool dark = off && a->n_alert_on == 0;
    if (a->dark_known && dark == a->dark) return false;
    bool first = !a->dark_known;
    a->dark = dark;
    a->dark_known = true;
    char until[40];
    status_iso8601(a->power_next, until, sizeof until);
    if (dark)
        log_msg(LOG_INFO, "screen off by the schedule until %s", until);
    else if (off)
        log_msg(LOG_INFO, "an emergency alert lights the screen in its off hours");
    else if (!first)
        log_msg(LOG_INFO, "screen on by the schedule");
    panel_set(a->panel, !dark);
    return true;
}

static bool waiting_mode(const app *a)
{
    if (!a->d || a->d->m->n_slides == 0)
        return !a->d || (a->d->m->n_ticker == 0 && a->d->m->n_alerts == 0);
    for (size_t i = 0; i < a->n; i++)
        if (!a->st[i].failed) return false;
    return true; /* every slide failed: tell the technician why */
}

/* ---- layout and requests ----------------------------------------------- */

static void relayout(app *a)
{
    bool has_header = a->d && (a->d->m->title || a->d->m->subtitle || a->d->m->has_logo);
    bool has_ticker = a->n_ticker_on > 0;
    layout_screen lay;
    layout_screen_compute(a->lw, a->lh, has_header, has_ticker, &lay);
    if (a->laid_out && memcmp(&lay, &a->lay, sizeof lay) == 0) return;
    a->lay = lay;
    a->laid_out = true;
    /* Old textures stay on screen (scaled) until their replacements arrive:
     * a new generation invalidates the requests, never the picture. */
    a->gen++;
    if (a->prep) prep_drop_stale(a->prep, a->gen);
    a->damage |= DMG_FULL;
}

static prep_job job_base(app *a, prep_kind kind)
{
    prep_job j = {.kind = kind, .d = deck_ref(a->d), .unit = a->lay.unit, .gen = a->gen};
    return j;
}

static void request_slide(app *a, int i)
{
    if (i < 0 || (size_t)i >= a->n || a->st[i].failed || a->req_gen[i] == a->gen) return;
    for (size_t s = 0; s < SLOTS; s++)
        if (a->slots[s].index == i && a->slots[s].gen == a->gen) return;
    prep_job j = job_base(a, PREP_SLIDE);
    j.index = i;
    j.w = a->lay.main.w;
    j.h = a->lay.main.h;
    prep_submit(a->prep, &j);
    a->req_gen[i] = a->gen;
}

static int clock_width(const app *a)
{
    return a->lay.header.h * 4;
}

static long alert_key_of(const app *a, size_t *turn_out)
{
    size_t turn =
        show_alert_turn(a->n_alert_on, a->o->screenshot ? 0 : mono_now(), a->cfg->alert_duration);
    *turn_out = turn;
    return (long)a->alert_on[turn] * 10000 + (long)turn * 100 + (long)a->n_alert_on;
}

static void request_all(app *a, int shot_slide)
{
    if (waiting_mode(a)) {
        const player_config *c = a->cfg;
        char content[600], error[600];
        snprintf(content, sizeof content, "%s", a->o->content_label ? a->o->content_label : "");
        snprintf(error, sizeof error, "%s", a->last_error);
        if (a->o->board) {
            /* The first download shows its progress, not a black screen. */
            status_snapshot snap;
            status_get(a->o->board, 0, &snap);
            if (snap.progress_total > 0)
                snprintf(content, sizeof content, "正在下载内容 %d/%d  Downloading %d of %d files",
                         snap.progress_done, snap.progress_total, snap.progress_done,
                         snap.progress_total);
            else if (a->d && a->d->m->n_slides == 0)
                snprintf(content, sizeof content, "%s",
                         "服务器上暂无本屏的内容 (no slides for this display yet)");
            if (snap.last_error[0] && snap.sync != SYNC_OK)
                snprintf(error, sizeof error, "%s", snap.last_error);
        }
        /* Redrawn every 30 s too: the addresses change when DHCP answers. */
        uint64_t key = hash_str(error) ^ (hash_str(content) * 31) ^ ((uint64_t)a->lw << 32) ^
                       (uint64_t)a->lh ^ (uint64_t)(mono_now() / 30) * 0x9E3779B97F4A7C15ull;
        if (a->waiting_req_key != key) {
            prep_job j = {.kind = PREP_WAITING, .w = a->lw, .h = a->lh, .gen = a->gen};
            j.info[0] = strdup(c->display_id ? c->display_id : "unknown");
            j.info[2] =
                c->server ? strdup(c->server) : (c->manifest_url ? strdup(c->manifest_url) : NULL);
            j.info[3] = content[0] ? strdup(content) : NULL;
            j.info[4] = strdup(error);
            j.info[5] = strdup(SIGNAGE_VERSION);
            prep_submit(a->prep, &j);
            a->waiting_req_key = key;
        }
        return;
    }
    if (a->lay.header.h && a->header_req != a->gen) {
        prep_job j = job_base(a, PREP_HEADER);
        j.w = a->lay.header.w;
        j.h = a->lay.header.h;
        j.clock_w = clock_width(a);
        prep_submit(a->prep, &j);
        a->header_req = a->gen;
    }
    if (a->n_ticker_on && (a->ticker_req_sig != a->ticker_sig || a->ticker_req_gen != a->gen)) {
        prep_job j = job_base(a, PREP_TICKER);
        j.h = a->lay.ticker.h;
        j.items = malloc(a->n_ticker_on * sizeof *j.items);
        if (j.items) {
            memcpy(j.items, a->ticker_on, a->n_ticker_on * sizeof *j.items);
            j.n_items = a->n_ticker_on;
            prep_submit(a->prep, &j);
            a->ticker_req_sig = a->ticker_sig;
            a->ticker_req_gen = a->gen;
        } else {
            prep_job_clear(&j);
        }
    }
    if (a->n_alert_on) {
        size_t turn;
        long key = alert_key_of(a, &turn);
        if (a->alert_req_key != key) {
            prep_job j = job_base(a, PREP_ALERT);
            j.index = (int)a->alert_on[turn];
            j.w = a->lw;
            j.h = a->lh;
            j.turn = (int)turn;
            j.turns = (int)a->n_alert_on;
            prep_submit(a->prep, &j);
            a->alert_req_key = key;
        }
    }
    /* The idle picture (a whole slide's worth of memory) only when nothing
     * is on air, not on the off chance. */
    bool need_idle = shot_slide < 0 && show_next_candidate(a->st, a->n, -1) < 0;
    if (need_idle && a->idle_req != a->gen) {
        prep_job j = job_base(a, PREP_IDLE);
        j.w = a->lay.main.w;
        j.h = a->lay.main.h;
        prep_submit(a->prep, &j);
        a->idle_req = a->gen;
    }
    if (shot_slide >= 0) {
        request_slide(a, shot_slide);
        return;
    }
    request_slide(a, a->view.cur);
    request_slide(a, a->view.prev);
    if (a->view.cur < 0) {
        /* Nothing up yet: prepare the first candidate (and only that, so
         * the first frame of content comes as fast as possible). */
        request_slide(a, show_next_candidate(a->st, a->n, -1));
    }
    /* The next slide only once a fade is over: the screen then holds two
     * slides (on screen and next), never three. */
    if (a->view.prev < 0 && a->frames > 0) /* not while the first frame is made */
        request_slide(a, a->view.want_next);
}

static bool slot_needed(const app *a, int index, int shot_slide)
{
    return index == a->view.cur || index == a->view.prev ||
           (index == a->view.want_next && a->view.prev < 0) || index == shot_slide ||
           (a->view.cur < 0 && index == show_next_candidate(a->st, a->n, -1));
}

static slot *slot_for(app *a, int index)
{
    for (size_t s = 0; s < SLOTS; s++)
        if (a->slots[s].index == index) return &a->slots[s];
    return NULL;
}

static bool slide_ready(app *a, int index)
{
    slot *s = index >= 0 ? slot_for(a, index) : NULL;
    return s && pic_ok(&s->pic);
}

static void release_unneeded(app *a, int shot_slide)
{
    for (size_t s = 0; s < SLOTS; s++) {
        slot *sl = &a->slots[s];
        if (sl->index >= 0 && !slot_needed(a, sl->index, shot_slide)) {
            a->st[sl->index].ready = false;
            a->req_gen[sl->index] = 0;
            pic_free(&sl->pic);
            sl->index = -1;
        }
    }
    if (a->idle && slide_ready(a, a->view.cur)) {
        destroy(&a->idle);
        a->idle_req = 0;
    }
}

/* Puts a new deck on: slides are matched by id so the one on screen stays
 * (its picture is redrawn for the new deck in the background); a slide that
 * is gone stays up as a ghost until the next one is ready. */
static void swap_deck(app *a, deck *nd)
{
    deck *od = a->d;
    int ncur = -1, nprev = -1;
    for (size_t s = 0; s < SLOTS && od; s++) {
        slot *sl = &a->slots[s];
        if (sl->index < 0) continue;
        int ni = deck_find_slide(nd, od->m->slides[sl->index].id);
        if (sl->index == a->view.cur) ncur = ni;
        if (sl->index == a->view.prev) nprev = ni;
        if (ni < 0 && sl->index == a->view.cur) {
            pic_free(&a->ghost);
            a->ghost = sl->pic; /* keep the picture on screen */
            sl->pic = (picture){0};
        } else if (ni < 0) {
            pic_free(&sl->pic);
        }
        sl->index = ni;
    }
    free_deck_arrays(a);
    a->d = nd;
    if (ensure_deck_arrays(a) != 0) log_msg(LOG_ERR, "out of memory taking the new deck");
    for (size_t s = 0; s < SLOTS; s++)
        if (a->slots[s].index >= 0) a->st[a->slots[s].index].ready = true;
    show_remap(&a->sh, ncur, nprev);
    a->view = (show_view){.cur = ncur,
                          .prev = nprev,
                          .progress = a->view.progress,
                          .kind = a->view.kind,
                          .want_next = -1};
    /* Everything is redrawn for the new deck; old textures stay until then. */
    a->gen++;
    prep_drop_stale(a->prep, a->gen);
    a->alert_req_key = -1;
    a->waiting_req_key = 0;
    a->ticker_req_sig = 0;
    a->last_eval = INT64_MIN;
    a->laid_out = false;
    a->last_error[0] = '\0';
    a->damage |= DMG_FULL;
    a->flog_new_deck = true;
    log_msg(LOG_INFO, "new content: %s version \"%s\": %zu slides, %zu ticker items, %zu alerts",
            nd->source, nd->m->version, nd->m->n_slides, nd->m->n_ticker, nd->m->n_alerts);
    deck_unref(od);
}

/* A deck the sync thread finished (all files verified) goes on air. */
static void take_synced(app *a)
{
    if (!a->o->sync) return;
    deck *nd = sync_take_deck(a->o->sync);
    if (nd) swap_deck(a, nd);
}

/* What is on screen, for the status file and the heartbeat. */
static void post_status(app *a)
{
    if (!a->o->board) return;
    const char *kind = "slide", *id = NULL;
    int active = 0;
    for (size_t i = 0; i < a->n; i++)
        active += a->st[i].on_air && !a->st[i].failed;
    if (a->dark) {
        kind = "off";
    } else if (waiting_mode(a)) {
        kind = "waiting";
    } else if (a->n_alert_on && a->alert) {
        kind = "alert";
        size_t turn;
        alert_key_of(a, &turn);
        id = a->d->m->alerts[a->alert_on[turn]].id;
    } else if (a->view.cur >= 0) {
        id = a->d->m->slides[a->view.cur].id;
    } else {
        kind = a->frames ? "idle" : "";
    }
    status_set_showing(a->o->board, kind, id, active);
    status_set_version(a->o->board, a->d ? a->d->m->version : NULL);
    status_set_screen(a->o->board, a->lw, a->lh);
}

static void take_load(app *a, prep_result *r)
{
    a->load_pending = false;
    if (r->loaded) {
        a->failed_sig = 0;
        swap_deck(a, deck_ref(r->loaded));
    } else if (r->err[0]) {
        if (r->sig != a->failed_sig) log_msg(LOG_ERR, "%s", r->err);
        a->failed_sig = r->sig;
        a->failed_at = mono_now();
        set_error(a, r->err);
        a->damage |= DMG_FULL;
    }
}

static void watch_content(app *a, double now)
{
    if (!a->o->watch_dir || a->load_pending || now < a->next_watch) return;
    a->next_watch = now + WATCH_INTERVAL;
    prep_job j = {.kind = PREP_LOAD, .gen = a->gen};
    j.dir = strdup(a->o->watch_dir);
    j.tz = strdup(a->cfg->timezone);
    /* A folder that failed verification is retried now and then: files
     * may still have been on their way when the manifest arrived. */
    if (a->failed_sig)
        j.sig = now - a->failed_at < WATCH_RETRY ? a->failed_sig : 0;
    else
        j.sig = a->d ? a->d->sig : 0;
    if (!j.dir || !j.tz) {
        prep_job_clear(&j);
        return;
    }
    prep_submit(a->prep, &j);
    a->load_pending = true;
}

/* A synced deck's picture could not be used: the sync thread checks the
 * cached file and fetches it again if it is missing or corrupt. */
static void report_media(app *a, const prep_result *r)
{
    const manifest *m = a->d->m;
    if (r->kind == PREP_SLIDE && r->index >= 0 && (size_t)r->index < m->n_slides &&
        m->slides[r->index].has_media)
        sync_report_bad_asset(a->o->sync, m->slides[r->index].media.sha256);
    else if (r->kind == PREP_HEADER && m->has_logo)
        sync_report_bad_asset(a->o->sync, m->logo.sha256);
}

/* The watch grid of a slide's own picture: what the frame check expects. */
static bool sample_surface(SDL_Surface *s, uint32_t *out)
{
    if (!s || s->format->BytesPerPixel != 4 || s->w < 1 || s->h < 1 || SDL_MUSTLOCK(s))
        return false;
    for (int i = 0; i < WATCH_POINTS; i++) {
        int x, y;
        watch_point(i, s->w, s->h, &x, &y);
        Uint32 px =
            *(const Uint32 *)((const uint8_t *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4);
        Uint8 r, g, b;
        SDL_GetRGB(px, s->format, &r, &g, &b);
        out[i] = 0xFF000000u | (uint32_t)r << 16 | (uint32_t)g << 8 | b;
    }
    return true;
}

static void take_result(app *a, prep_result *r, int shot_slide)
{
    if (r->kind == PREP_LOAD) {
        take_load(a, r);
        return;
    }
    bool current = r->d == a->d && (r->gen == a->gen || r->kind == PREP_WAITING);
    if (!current) return;
    if (r->warn[0] && r->kind == PREP_SLIDE) {
        /* Slides are prepared again every round: say it once per deck. */
        if (!a->warned[r->index])
            log_msg(LOG_WARN, "slide \"%s\": %s", a->d->m->slides[r->index].id, r->warn);
        a->warned[r->index] = true;
    } else if (r->warn[0]) {
        log_msg(LOG_WARN, "%s", r->warn);
    }
    if ((r->err[0] || r->warn[0]) && a->o->sync && a->d->cas_dir) report_media(a, r);
    if (r->err[0]) {
        const char *what = r->kind == PREP_SLIDE   ? "slide"
                           : r->kind == PREP_ALERT ? "alert"
                                                   : "screen";
        char msg[700];
        if (r->kind == PREP_SLIDE)
            snprintf(msg, sizeof msg, "slide \"%s\" skipped: %s", a->d->m->slides[r->index].id,
                     r->err);
        else
            snprintf(msg, sizeof msg, "%s not drawn: %s", what, r->err);
        log_msg(LOG_ERR, "%s", msg);
        set_error(a, msg);
        if (r->kind == PREP_SLIDE) a->st[r->index].failed = true;
        a->damage |= DMG_FULL;
        return;
    }
    /* A result redraws only where it shows: the next slide, prepared
     * ahead, or the next minute's clock cost no frame. */
    unsigned dmg = DMG_FULL;
    switch (r->kind) {
    case PREP_SLIDE: {
        if (!slot_needed(a, r->index, shot_slide)) return;
        slot *sl = slot_for(a, r->index);
        if (!sl) sl = slot_for(a, -1);
        if (!sl) return;
        picture pic = {0};
        uint32_t sig[WATCH_POINTS];
        bool has_sig = sample_surface(r->surf, sig);
        if (a->direct && r->surf && r->surf->format->format == SDL_PIXELFORMAT_ARGB8888) {
            pic.surf = r->surf; /* taken over from the result */
            r->surf = NULL;
        } else if (!(pic.tex = upload_opaque(a, r->surf))) {
            a->st[r->index].failed = true;
            return;
        }
        pic_free(&sl->pic);
        sl->pic = pic;
        sl->index = r->index;
        sl->gen = r->gen;
        sl->has_sig = has_sig;
        if (has_sig) memcpy(sl->sig, sig, sizeof sig);
        if (r->index == a->view.cur)
            a->check_pending = true; /* a new picture of the slide on screen */
        a->st[r->index].ready = true;
        dmg = r->index == a->view.cur || r->index == a->view.prev || a->view.cur < 0 ? DMG_MAIN : 0;
        break;
    }
    case PREP_HEADER:
        destroy(&a->header);
        a->header = upload_opaque(a, r->surf);
        break;
    case PREP_TICKER: {
        ticker_tex t = {0};
        t.label = upload(a, r->surf);
        SDL_QueryTexture(t.label, NULL, NULL, &t.label_w, NULL);
        t.tiles = calloc(r->strip.n ? r->strip.n : 1, sizeof *t.tiles);
        t.tile_w = calloc(r->strip.n ? r->strip.n : 1, sizeof *t.tile_w);
        if (!t.tiles || !t.tile_w) {
            ticker_free(&t);
            return;
        }
        for (size_t i = 0; i < r->strip.n; i++) {
            t.tiles[t.n] = upload(a, r->strip.tiles[i]);
            if (!t.tiles[t.n]) continue;
            t.tile_w[t.n] = r->strip.tiles[i]->w;
            t.width += t.tile_w[t.n];
            t.n++;
        }
        bool same_items = a->ticker_have_sig == a->ticker_req_sig;
        ticker_free(&a->ticker);
        a->ticker = t;
        a->ticker_have_sig = a->ticker_req_sig;
        /* New items start at the left; a re-layout keeps the motion going. */
        if (!same_items) a->ticker_t0 = mono_now();
        dmg = DMG_TICKER;
        break;
    }
    case PREP_ALERT:
        destroy(&a->alert);
        a->alert = upload_opaque(a, r->surf);
        a->alert_key = a->alert_req_key;
        break;
    case PREP_IDLE:
        destroy(&a->idle);
        a->idle = upload_opaque(a, r->surf);
        dmg = DMG_MAIN;
        break;
    case PREP_WAITING:
        destroy(&a->waiting);
        a->waiting = upload_opaque(a, r->surf);
        a->waiting_key = a->waiting_req_key;
        break;
    case PREP_LOAD:
    case PREP_HANG:
        break;
    case PREP_CLOCK: {
        SDL_Texture *t = upload(a, r->surf);
        if ((int64_t)r->sig == a->clock_key || !a->clock) {
            destroy(&a->clock);
            a->clock = t;
            a->clock_key = (int64_t)r->sig;
            dmg = DMG_HEADER;
        } else {
            destroy(&a->clock_next);
            a->clock_next = t;
            a->clock_next_key = (int64_t)r->sig;
            dmg = 0;
        }
        break;
    }
    }
    a->damage |= dmg;
}

/* ---- drawing ----------------------------------------------------------- */

/* Slides, header, alerts are opaque: blending them costs a software
 * renderer a read-modify-write of every pixel for nothing, so they are
 * copied unblended unless a fade asks for alpha. */
static void copy_rect(app *a, SDL_Texture *t, layout_rect r, Uint8 alpha)
{
    if (!t) return;
    SDL_SetTextureBlendMode(t, alpha < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(t, alpha);
    SDL_Rect dst = {r.x, r.y, r.w, r.h};
    SDL_RenderCopy(a->ren, t, NULL, &dst);
}

/* Textures with transparent parts (clock, ticker text) drawn over others. */
static void copy_over(app *a, SDL_Texture *t, layout_rect r)
{
    if (!t) return;
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    SDL_SetTextureAlphaMod(t, 255);
    SDL_Rect dst = {r.x, r.y, r.w, r.h};
    SDL_RenderCopy(a->ren, t, NULL, &dst);
}

static void fill_rect(app *a, layout_rect r, SDL_Color c)
{
    SDL_SetRenderDrawColor(a->ren, c.r, c.g, c.b, 255);
    SDL_Rect dst = {r.x, r.y, r.w, r.h};
    SDL_RenderFillRect(a->ren, &dst);
}

static double ease(double t)
{
    return t * t * (3 - 2 * t); /* smoothstep: no jolt at either end */
}

/* Minute number in the display's zone, and the texts for it. */
static int64_t clock_texts(const app *a, int64_t wall, char *t, size_t tlen, char *date,
                           size_t dlen)
{
    static const char *const WEEKDAYS[] = {"日", "一", "二", "三", "四", "五", "六"};
    tz_local lt;
    tz_to_local(a->d->zone, wall, &lt);
    snprintf(t, tlen, "%02d:%02d", lt.hour, lt.min);
    snprintf(date, dlen, "%d年%d月%d日 星期%s", lt.year, lt.mon, lt.mday, WEEKDAYS[lt.wday % 7]);
    int64_t local = wall + lt.utc_offset;
    return local / 60 - (local % 60 < 0);
}

static void request_clock(app *a, int64_t wall)
{
    char t[16], date[64];
    int64_t key = clock_texts(a, wall, t, sizeof t, date, sizeof date);
    if (a->clock_req_key == key && a->clock_gen == a->gen) return;
    prep_job j = {.kind = PREP_CLOCK, .w = clock_width(a), .h = a->lay.header.h, .gen = a->gen};
    j.d = deck_ref(a->d);
    j.sig = (uint64_t)key;
    j.info[0] = strdup(t);
    j.info[1] = strdup(date);
    prep_submit(a->prep, &j);
    a->clock_req_key = key;
    a->clock_gen = a->gen;
}

/* The worker draws each minute's clock ahead of time (the render thread
 * draws no text); at the turn of the minute the prepared one goes up. */
static void update_clock(app *a, int64_t wall)
{
    if (!a->lay.header.h || !a->d) return;
    char t[16], date[64];
    int64_t key = clock_texts(a, wall, t, sizeof t, date, sizeof date);
    if (key != a->clock_key && a->clock_next && a->clock_next_key == key) {
        destroy(&a->clock);
        a->clock = a->clock_next;
        a->clock_next = NULL;
        a->clock_key = key;
        a->damage |= DMG_HEADER;
    }
    if (a->clock_key != key || a->clock_gen != a->gen)
        request_clock(a, wall);
    else if (!a->o->screenshot)
        request_clock(a, wall - (wall % 60 + 60) % 60 + 60 + 1); /* the next minute's */
}

static void draw_ticker(app *a, double now)
{
    layout_rect r = a->lay.ticker;
    if (!r.h) return;
    SDL_Color accent = compose_accent(a->d);
    fill_rect(a, r,
              (SDL_Color){(Uint8)(accent.r * 62 / 100), (Uint8)(accent.g * 62 / 100),
                          (Uint8)(accent.b * 62 / 100), 255});
    ticker_tex *t = &a->ticker;
    int lw = t->label ? t->label_w : 0;
    int pad = r.h / 2; /* breathing room between the label and the text */
    layout_rect area = {r.x + lw + pad, r.y, r.w - lw - pad, r.h};
    if (t->n && t->width > 0 && area.w > 0) {
        double speed = a->cfg->ticker_speed * a->lay.unit / 1080.0;
        double off = a->o->screenshot ? 0 : (now - a->ticker_t0) * speed;
        double period = t->width;
        /* Copies of the strip repeat every `period` px: seamless. */
        double x0 = area.x - fmod(off, period);
        SDL_Rect clip = {area.x, area.y, area.w, area.h};
        SDL_RenderSetClipRect(a->ren, &clip);
        for (double base = x0; base < area.x + area.w; base += period) {
            int x = (int)lround(base);
            for (size_t i = 0; i < t->n && x < area.x + area.w; i++) {
                if (x + t->tile_w[i] > area.x)
                    copy_over(a, t->tiles[i], (layout_rect){x, area.y, t->tile_w[i], area.h});
                x += t->tile_w[i];
            }
        }
        SDL_RenderSetClipRect(a->ren, NULL);
    }
    if (t->label) copy_rect(a, t->label, (layout_rect){r.x, r.y, lw, r.h}, 255);
}

static const picture *slide_pic(app *a, int index)
{
    slot *s = index >= 0 ? slot_for(a, index) : NULL;
    return s && pic_ok(&s->pic) ? &s->pic : NULL;
}

/* The window's pixels for direct drawing (the software path), with the
 * renderer's queued drawing done first so the two never overlap wrongly. */
static SDL_Surface *window_pixels(app *a)
{
    SDL_RenderFlush(a->ren);
    SDL_Surface *ws = SDL_GetWindowSurface(a->win);
    if (!ws || ws->format->BytesPerPixel != 4 || SDL_MUSTLOCK(ws)) return NULL;
    return ws;
}

/* A picture into the window at (x, y), clipped to `clip`; `t` < BLEND_ONE
 * mixes it over `under` (same size) instead: a fade frame in one pass. */
static void put(app *a, const picture *p, const picture *under, int x, int y, layout_rect clip,
                unsigned t)
{
    SDL_Surface *ws = p->surf ? window_pixels(a) : NULL;
    if (!ws || p->surf->w != clip.w || p->surf->h != clip.h) {
        /* a texture, or a surface from before a resize: the renderer scales */
        if (p->tex) {
            SDL_Rect c = {clip.x, clip.y, clip.w, clip.h};
            SDL_RenderSetClipRect(a->ren, &c);
            copy_rect(a, p->tex, (layout_rect){x, y, clip.w, clip.h},
                      (Uint8)(t >= BLEND_ONE ? 255 : t * 255 / BLEND_ONE));
            SDL_RenderSetClipRect(a->ren, NULL);
        } else if (ws && t >= BLEND_ONE / 2) {
            SDL_Rect dst = {x, y, clip.w, clip.h};
            SDL_SetClipRect(ws, &(SDL_Rect){clip.x, clip.y, clip.w, clip.h});
            SDL_SetSurfaceBlendMode(p->surf, SDL_BLENDMODE_NONE);
            SDL_BlitScaled(p->surf, NULL, ws, &dst);
            SDL_SetClipRect(ws, NULL);
        }
        return;
    }
    bool mix = t < BLEND_ONE && under && under->surf && under->surf->w == p->surf->w &&
               under->surf->h == p->surf->h;
    int x0 = x > clip.x ? x : clip.x,
        x1 = x + clip.w < clip.x + clip.w ? x + clip.w : clip.x + clip.w;
    if (x1 <= x0 || x0 < 0 || x1 > ws->w || clip.y < 0 || clip.y + clip.h > ws->h) return;
    size_t bytes = (size_t)(x1 - x0) * 4;
    for (int row = 0; row < clip.h; row++) {
        uint8_t *d = (uint8_t *)ws->pixels + (size_t)(clip.y + row) * ws->pitch + (size_t)x0 * 4;
        const uint8_t *src =
            (const uint8_t *)p->surf->pixels + (size_t)row * p->surf->pitch + (size_t)(x0 - x) * 4;
        if (mix)
            blend_mix(d,
                      (const uint8_t *)under->surf->pixels + (size_t)row * under->surf->pitch +
                          (size_t)(x0 - x) * 4,
                      src, bytes, t);
        else if (t < BLEND_ONE)
            blend_over(d, src, bytes, t); /* over whatever was drawn there */
        else
            memcpy(d, src, bytes);
    }
}

static void draw_pic(app *a, const picture *p, layout_rect r)
{
    if (p->surf)
        put(a, p, NULL, r.x, r.y, r, BLEND_ONE);
    else
        copy_rect(a, p->tex, r, 255);
}

static void draw_main(app *a)
{
    layout_rect m = a->lay.main;
    const picture *cur = slide_pic(a, a->view.cur), *prev = slide_pic(a, a->view.prev);
    if (cur) pic_free(&a->ghost);
    if (!cur) {
        if (pic_ok(&a->ghost))
            draw_pic(a, &a->ghost, m);
        else if (a->idle)
            copy_rect(a, a->idle, m, 255);
        else
            fill_rect(a, m, (SDL_Color){0xFA, 0xF7, 0xF2, 255});
        return;
    }
    double p = ease(a->view.progress);
    if (prev && p < 1.0) {
        if (a->view.kind == TRANSITION_PUSH) {
            int dx = (int)lround(p * m.w);
            put(a, prev, NULL, m.x - dx, m.y, m, BLEND_ONE);
            put(a, cur, NULL, m.x + m.w - dx, m.y, m, BLEND_ONE);
            return;
        }
        /* Fade: the old slide stays opaque underneath, the new one rises
         * over it, so no frame is ever darker than either slide. */
        unsigned t = (unsigned)lround(p * BLEND_ONE);
        if (cur->surf && prev->surf) {
            put(a, cur, prev, m.x, m.y, m, t); /* one pass: (1-t) prev + t cur */
            return;
        }
        draw_pic(a, prev, m);
        put(a, cur, NULL, m.x, m.y, m, t);
        return;
    }
    draw_pic(a, cur, m);
}

/* The frame just drawn, for the server's screenshot: pixels go to the
 * board; the report thread scales, encodes and sends them. */
static void read_back(app *a)
{
    int w = a->pw, h = a->ph;
    uint8_t *px = malloc((size_t)w * h * 4);
    if (!px) return;
    if (SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_RGBA32, px, w * 4) != 0) {
        log_msg(LOG_WARN, "screenshot: %s", SDL_GetError());
        free(px);
        return;
    }
    status_put_screenshot(a->o->board, px, w, h, w * 4);
}

static void draw_header(app *a)
{
    if (!a->lay.header.h) return;
    if (a->header)
        copy_rect(a, a->header, a->lay.header, 255);
    else
        fill_rect(a, a->lay.header, compose_accent(a->d));
    int cw = clock_width(a);
    copy_over(a, a->clock,
              (layout_rect){a->lay.header.w - cw, a->lay.header.y, cw, a->lay.header.h});
}

static bool something_to_show(app *a)
{
    if (a->dark) return true;
    if (waiting_mode(a)) return a->waiting != NULL;
    if (a->n_alert_on) return a->alert != NULL;
    return slide_ready(a, a->view.cur) || a->idle || pic_ok(&a->ghost);
}

static bool covered(const app *a)
{
    return a->dark || waiting_mode(a) || (a->n_alert_on && a->alert);
}

/* For --frame-log: the frame just drawn, before it is shown (the caller
 * stamps the time once it is). */
static void log_frame(app *a, unsigned dmg, framelog_frame *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    double cpu = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    framelog_frame fr = {.cpu = cpu - a->flog_cpu,
                         .cur = a->view.cur,
                         .prev = a->view.prev,
                         .progress = a->view.progress};
    a->flog_cpu = cpu;
    fr.flags = (dmg & DMG_FULL ? FRAMELOG_FULL : 0) | (dmg & DMG_MAIN ? FRAMELOG_MAIN : 0) |
               (dmg & DMG_HEADER ? FRAMELOG_HEADER : 0) | (dmg & DMG_TICKER ? FRAMELOG_TICKER : 0) |
               (waiting_mode(a)             ? FRAMELOG_WAITING
                : a->n_alert_on && a->alert ? FRAMELOG_ALERT
                                            : 0) |
               (a->flog_new_deck ? FRAMELOG_NEW_DECK : 0);
    a->flog_new_deck = false;
    /* The slide area as the screen will show it: straight from the window
     * surface for the software renderer, else read back from the GPU. */
    layout_rect m = a->rot ? (layout_rect){0, 0, a->pw, a->ph} : a->lay.main;
    SDL_Surface *ws = a->partial ? SDL_GetWindowSurface(a->win) : NULL;
    if (ws && ws->format->BytesPerPixel == 4 && m.w > 0 && m.h > 0) {
        SDL_RenderFlush(a->ren);
        const SDL_PixelFormat *f = ws->format;
        framelog_signature(&fr, (const uint8_t *)ws->pixels + (size_t)m.y * ws->pitch + m.x * 4,
                           ws->pitch, m.w, m.h, f->Rshift, f->Gshift, f->Bshift);
    } else if (m.w > 0 && m.h > 0) {
        uint32_t *px = malloc((size_t)m.w * m.h * 4);
        SDL_Rect r = {m.x, m.y, m.w, m.h};
        if (px && SDL_RenderReadPixels(a->ren, &r, SDL_PIXELFORMAT_ARGB8888, px, m.w * 4) == 0)
            framelog_signature(&fr, px, m.w * 4, m.w, m.h, 16, 8, 0);
        free(px);
    }
    *out = fr;
}

/* Shows what was drawn: all of it, or with the software renderer only the
 * bands that changed (the rest of the window surface still holds them). */
static void present(app *a, unsigned dmg)
{
    if (!a->partial) {
        SDL_RenderPresent(a->ren);
        return;
    }
    SDL_Rect rects[3];
    int n = 0;
    if (a->rot) {
        /* the bands are in the rotated layout's coordinates: push it all */
        SDL_RenderFlush(a->ren);
        if (SDL_UpdateWindowSurface(a->win) != 0)
            log_msg(LOG_WARN, "screen update failed: %s", SDL_GetError());
        return;
    }
    if (dmg & DMG_FULL) dmg = DMG_HEADER | DMG_MAIN | DMG_TICKER;
    const layout_rect *bands[3] = {&a->lay.header, &a->lay.main, &a->lay.ticker};
    const unsigned bits[3] = {DMG_HEADER, DMG_MAIN, DMG_TICKER};
    for (int i = 0; i < 3; i++)
        if ((dmg & bits[i]) && bands[i]->w > 0 && bands[i]->h > 0)
            rects[n++] = (SDL_Rect){bands[i]->x, bands[i]->y, bands[i]->w, bands[i]->h};
    SDL_RenderFlush(a->ren);
    if (n && SDL_UpdateWindowSurfaceRects(a->win, rects, n) != 0) {
        log_msg(LOG_WARN, "partial screen update failed (%s): redrawing whole frames",
                SDL_GetError());
        a->partial = false;
        a->damage |= DMG_FULL;
    }
}

/* The same grid of what this frame drew in the slide area: the window's
 * pixels on the software path (free), else read back from the renderer's
 * target (48 single pixels, once per slide). */
static bool sample_drawn(app *a, uint32_t *out)
{
    layout_rect m = a->lay.main;
    if (m.w < 1 || m.h < 1) return false;
    SDL_Surface *ws = a->direct ? window_pixels(a) : NULL;
    for (int i = 0; i < WATCH_POINTS; i++) {
        int x, y;
        watch_point(i, m.w, m.h, &x, &y);
        x += m.x;
        y += m.y;
        Uint32 px;
        if (ws) {
            if (x < 0 || y < 0 || x >= ws->w || y >= ws->h) return false;
            px = *(const Uint32 *)((const uint8_t *)ws->pixels + (size_t)y * ws->pitch +
                                   (size_t)x * 4);
        } else {
            SDL_Rect r = {x, y, 1, 1};
            if (SDL_RenderReadPixels(a->ren, &r, SDL_PIXELFORMAT_ARGB8888, &px, 4) != 0)
                return false;
        }
        out[i] = 0xFF000000u | (px & 0xFFFFFF);
    }
    return true;
}

static bool fault_active(const app *a, screen_fault f)
{
    return a->o->fault == f && !a->fault_cleared && mono_now() - a->mono0 >= a->o->fault_after;
}

static void draw_frame(app *a, double now, unsigned dmg)
{
    /* Full frames where bands do not apply: a screen-covering picture, a
     * rotated screen, a GPU (its back buffer is undefined after a flip),
     * a screenshot. */
    if (!a->partial || a->rot || a->read_back || covered(a)) dmg = DMG_FULL;
    SDL_SetRenderTarget(a->ren, a->rot);
    if (a->dark) {
        fill_rect(a, (layout_rect){0, 0, a->lw, a->lh}, (SDL_Color){0, 0, 0, 255});
    } else if (waiting_mode(a)) {
        fill_rect(a, (layout_rect){0, 0, a->lw, a->lh}, (SDL_Color){0x1E, 0x2A, 0x38, 255});
        copy_rect(a, a->waiting, (layout_rect){0, 0, a->lw, a->lh}, 255);
    } else if (a->n_alert_on && a->alert) {
        copy_rect(a, a->alert, (layout_rect){0, 0, a->lw, a->lh}, 255);
    } else {
        if (dmg & (DMG_FULL | DMG_HEADER)) draw_header(a);
        if (dmg & (DMG_FULL | DMG_MAIN)) draw_main(a);
        if (dmg & (DMG_FULL | DMG_TICKER)) draw_ticker(a, now);
        if (fault_active(a, FAULT_BLACK) || fault_active(a, FAULT_BLACK_ONCE))
            fill_rect(a, a->lay.main, (SDL_Color){0, 0, 0, 255}); /* a texture gone black */
    }
    if (a->check_due) a->check_ok = sample_drawn(a, a->drawn);
    if (a->rot) {
        SDL_SetRenderTarget(a->ren, NULL);
        SDL_SetRenderDrawColor(a->ren, 0, 0, 0, 255);
        SDL_RenderClear(a->ren);
        SDL_Rect dst = {(a->pw - a->lw) / 2, (a->ph - a->lh) / 2, a->lw, a->lh};
        SDL_RenderCopyEx(a->ren, a->rot, NULL, &dst, a->cfg->rotate, NULL, SDL_FLIP_NONE);
    }
    if (a->read_back) {
        read_back(a);
        a->read_back = false;
    }
    framelog_frame fr;
    if (a->flog) log_frame(a, dmg, &fr);
    present(a, dmg);
    if (a->flog) {
        fr.t = monoclock_now() - a->flog_t0;
        framelog_add(a->flog, &fr);
    }
}

/* ---- set-up and the loop ----------------------------------------------- */

/* Is this renderer OpenGL running on the CPU?  Asks the driver's name. */
static bool gl_is_software(SDL_Renderer *ren)
{
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ren, &info) != 0 || strncmp(info.name, "opengl", 6) != 0) return false;
    typedef const unsigned char *(*get_string_fn)(unsigned int);
    get_string_fn get_string = (get_string_fn)SDL_GL_GetProcAddress("glGetString");
    const char *name = get_string ? (const char *)get_string(0x1F01 /* GL_RENDERER */) : NULL;
    return name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
                    strstr(name, "Software Rasterizer") || strstr(name, "swrast"));
}

/* A DRM device means a GPU driver (KMS on a Pi, Mesa on a PC).  Without
 * one, OpenGL could only be Mesa's llvmpipe on the CPU: slower than SDL's
 * software renderer, and merely trying it maps ~30 MiB of libLLVM that
 * stays for the life of the process. */
static bool have_drm_device(void)
{
    glob_t g;
    bool any = glob("/dev/dri/card*", 0, NULL, &g) == 0 && g.gl_pathc > 0;
    globfree(&g);
    return any;
}

/* An X server without a window manager (a kiosk started with xinit, or
 * Xvfb): nobody answers SDL's fullscreen request, and SDL waits 100 ms for
 * that answer before the first frame.  A borderless window covering the
 * screen is the same thing there, at once. */
static bool x11_without_wm(void)
{
#ifdef SIGNAGE_HAVE_X11
    const char *drv = SDL_GetCurrentVideoDriver();
    if (!drv || strcmp(drv, "x11") != 0) return false;
    Display *dpy = XOpenDisplay(NULL);
    if (!dpy) return false;
    /* EWMH: a running window manager sets this on the root window */
    Atom check = XInternAtom(dpy, "_NET_SUPPORTING_WM_CHECK", True);
    bool wm = false;
    if (check != None) {
        Atom type;
        int format;
        unsigned long n, after;
        unsigned char *data = NULL;
        wm = XGetWindowProperty(dpy, DefaultRootWindow(dpy), check, 0, 1, False, AnyPropertyType,
                                &type, &format, &n, &after, &data) == Success &&
             n > 0;
        if (data) XFree(data);
    }
    XCloseDisplay(dpy);
    return !wm;
#else
    return false;
#endif
}

/* What a technician should check when the console's display cannot be
 * opened: the usual three causes on a Pi, told apart. */
static const char *video_advice(void)
{
    const char *drv = SDL_GetHint(SDL_HINT_VIDEODRIVER);
    if (!drv) drv = getenv("SDL_VIDEODRIVER");
    if (!drv || strcmp(drv, "kmsdrm") != 0) return "";
    glob_t g;
    bool any = glob("/dev/dri/card*", 0, NULL, &g) == 0 && g.gl_pathc > 0;
    bool usable = false;
    for (size_t i = 0; any && i < g.gl_pathc; i++)
        usable |= access(g.gl_pathv[i], R_OK | W_OK) == 0;
    globfree(&g);
    if (!any)
        return " (no KMS display device /dev/dri/card*: on a Raspberry Pi, "
               "dtoverlay=vc4-kms-v3d belongs in /boot/firmware/config.txt)";
    if (!usable) return " (no access to /dev/dri/card*: the player's user must be in group video)";
    return " (is a screen connected and on - see /sys/class/drm/card*-*/status? Or is another "
           "program holding the display - a desktop, X, Wayland or a second player? Only one "
           "can drive it)";
}

/* The player needs no keyboard, but SDL's KMSDRM driver without access to
 * /dev/input can leave the console unusable after it exits. */
static void check_input_access(void)
{
    const char *drv = SDL_GetCurrentVideoDriver();
    if (!drv || strcmp(drv, "kmsdrm") != 0) return;
    glob_t g;
    bool any = glob("/dev/input/event*", 0, NULL, &g) == 0 && g.gl_pathc > 0;
    bool readable = any && access(g.gl_pathv[0], R_OK) == 0;
    globfree(&g);
    if (any && !readable)
        log_msg(LOG_WARN, "no read access to /dev/input: add the player's user to group input "
                          "(else the console may stay locked after the player exits)");
}

/* The renderer for the window: accelerated with vsync where a GPU is,
 * else SDL's software renderer into the window's own surface. */
static int create_renderer(app *a)
{
    /* vsync paces animation on every driver and avoids tearing (and the
     * Pi 5 KMSDRM async page-flip garbage). */
    const char *forced = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    bool software = forced ? !strcmp(forced, "software") : !have_drm_device();
    if (software)
        SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
    else
        a->ren = SDL_CreateRenderer(a->win, -1,
                                    SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC |
                                        SDL_RENDERER_TARGETTEXTURE);
    if (a->ren && gl_is_software(a->ren)) {
        /* OpenGL on a CPU rasterizer (llvmpipe: Xvfb, VMs, no GPU driver)
         * costs several times what SDL's own software renderer does;
         * and the window framebuffer must not go through GL either. */
        log_msg(LOG_INFO, "OpenGL is a software rasterizer here: using the software renderer");
        SDL_DestroyRenderer(a->ren);
        SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
        a->ren = NULL;
    }
    if (!a->ren) a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->ren) {
        log_msg(LOG_ERR, "cannot create a renderer: %s", SDL_GetError());
        return -1;
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(a->ren, &info) == 0) {
        a->vsync = info.flags & SDL_RENDERER_PRESENTVSYNC;
        /* The software renderer draws into the window's own surface,
         * which keeps its pixels between frames: only what changed
         * needs drawing and pushing to the screen. */
        a->partial = !strcmp(info.name, "software");
        SDL_Surface *ws = a->partial ? SDL_GetWindowSurface(a->win) : NULL;
        a->direct = ws && ws->format->BytesPerPixel == 4 && ws->format->Rmask == 0xFF0000 &&
                    ws->format->Gmask == 0xFF00 && ws->format->Bmask == 0xFF;
        log_msg(LOG_INFO, "renderer %s%s, video driver %s%s", info.name,
                a->vsync ? " with vsync" : "", SDL_GetCurrentVideoDriver(),
                a->partial ? ", redrawing changed areas only" : "");
    }
    return 0;
}

static int create_output(app *a)
{
    const player_config *c = a->cfg;
    if (a->o->screenshot) {
        a->pw = c->width ? c->width : 1920;
        a->ph = c->height ? c->height : 1080;
        a->shot = SDL_CreateRGBSurfaceWithFormat(0, a->pw, a->ph, 32, SDL_PIXELFORMAT_ARGB8888);
        a->ren = a->shot ? SDL_CreateSoftwareRenderer(a->shot) : NULL;
        if (!a->ren) {
            log_msg(LOG_ERR, "cannot create the screenshot renderer: %s", SDL_GetError());
            return -1;
        }
    } else {
        Uint32 flags = SDL_WINDOW_SHOWN;
        int w = c->width, h = c->height;
        if (c->windowed) {
            flags |= SDL_WINDOW_RESIZABLE;
            if (!w) {
                w = 1280;
                h = 720;
            }
        } else if (w) {
            /* `size` is a display mode: a 4K panel driven at 1080p draws a
             * quarter of the pixels and holds a quarter of the memory. */
            flags |= SDL_WINDOW_FULLSCREEN;
        } else {
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
            w = 1920;
            h = 1080;
        }
        int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
        SDL_DisplayMode desk;
        if (!c->windowed && x11_without_wm() && SDL_GetDesktopDisplayMode(0, &desk) == 0 &&
            (!c->width || (desk.w == c->width && desk.h == c->height))) {
            flags = (flags & ~(Uint32)SDL_WINDOW_FULLSCREEN_DESKTOP) | SDL_WINDOW_BORDERLESS;
            x = y = 0;
            w = desk.w;
            h = desk.h;
        }
        a->win = SDL_CreateWindow("campus-signage", x, y, w, h, flags);
        if (!a->win) {
            log_msg(LOG_ERR, "cannot open a window (SDL video driver \"%s\"): %s%s",
                    SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "none",
                    SDL_GetError(), video_advice());
            return -1;
        }
        check_input_access();
        if (!c->windowed) SDL_ShowCursor(SDL_DISABLE);
        if (create_renderer(a) != 0) return -1;
        SDL_GetRendererOutputSize(a->ren, &a->pw, &a->ph);
        if (!c->windowed && c->width && (a->pw != c->width || a->ph != c->height))
            log_msg(LOG_WARN, "size = %dx%d: the display has no such mode; drawing at %dx%d",
                    c->width, c->height, a->pw, a->ph);
    }
    return 0;
}

static int setup_rotation(app *a)
{
    destroy(&a->rot);
    bool quarter = a->cfg->rotate == 90 || a->cfg->rotate == 270;
    a->lw = quarter ? a->ph : a->pw;
    a->lh = quarter ? a->pw : a->ph;
    if (a->cfg->rotate == 0) return 0;
    a->rot =
        SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, a->lw, a->lh);
    if (!a->rot) {
        log_msg(LOG_ERR, "cannot rotate: %s", SDL_GetError());
        return -1;
    }
    return 0;
}

static int save_png_atomic(SDL_Surface *s, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
    if (IMG_SavePNG(s, tmp) != 0) {
        log_msg(LOG_ERR, "cannot write %s: %s", path, IMG_GetError());
        return -1;
    }
    /* fsync before rename: the PNG is either there whole or not at all. */
    FILE *f = fopen(tmp, "rb");
    if (f) {
        fsync(fileno(f));
        fclose(f);
    }
    if (rename(tmp, path) != 0) {
        log_msg(LOG_ERR, "cannot write %s: rename failed", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

static bool shot_complete(app *a, int shot_slide)
{
    if (waiting_mode(a)) return a->waiting && a->waiting_key == a->waiting_req_key;
    if (a->lay.header.h && (!a->header || !a->clock)) return false;
    if (a->n_ticker_on && a->ticker_have_sig != a->ticker_sig) return false;
    if (a->n_alert_on && !a->alert) return false;
    if (shot_slide >= 0) return a->st[shot_slide].ready || a->st[shot_slide].failed;
    return a->idle != NULL;
}

static int run_screenshot(app *a)
{
    int shot = -1;
    int64_t wall = wall_now(a);
    evaluate(a, wall);
    if (!a->o->slide_id)
        update_power(a, wall); /* the screen as it is then; a chosen slide is shown anyway */
    if (a->d && a->o->slide_id) {
        shot = deck_find_slide(a->d, a->o->slide_id);
        if (shot < 0) {
            log_msg(LOG_ERR, "--slide: no slide with id \"%s\" in %s", a->o->slide_id,
                    a->d->source);
            return -1;
        }
        if (!a->st[shot].on_air)
            log_msg(LOG_INFO, "slide \"%s\" is not on air at that time; shown as asked",
                    a->o->slide_id);
    } else if (a->d) {
        shot = show_next_candidate(a->st, a->n, -1);
    }
    relayout(a);
    update_clock(a, wall);
    Uint64 deadline = SDL_GetTicks64() + SCREENSHOT_TIMEOUT_MS;
    while (!shot_complete(a, shot)) {
        request_all(a, shot);
        prep_result r;
        if (prep_poll(a->prep, &r, 100)) {
            take_result(a, &r, shot);
            prep_result_free(&r);
        }
        if (SDL_GetTicks64() > deadline) {
            log_msg(LOG_ERR, "screenshot: content not ready after %d s",
                    SCREENSHOT_TIMEOUT_MS / 1000);
            return -1;
        }
    }
    if (shot >= 0 && a->st[shot].failed && !waiting_mode(a)) {
        log_msg(LOG_ERR, "slide \"%s\" cannot be shown: %s", a->d->m->slides[shot].id,
                a->last_error);
        return -1;
    }
    a->view = (show_view){.cur = shot, .prev = -1, .progress = 1.0, .want_next = -1};
    draw_frame(a, 0, DMG_FULL);
    return save_png_atomic(a->shot, a->o->screenshot);
}

/* Every texture belongs to the renderer: all go with it, and everything is
 * prepared again under a new generation, as after a change of screen. */
static int recreate_renderer(app *a)
{
    for (size_t s = 0; s < SLOTS; s++) {
        pic_free(&a->slots[s].pic);
        a->slots[s].index = -1;
        a->slots[s].has_sig = false;
    }
    pic_free(&a->ghost);
    destroy(&a->header);
    destroy(&a->clock);
    destroy(&a->clock_next);
    destroy(&a->alert);
    destroy(&a->idle);
    destroy(&a->waiting);
    destroy(&a->rot);
    ticker_free(&a->ticker);
    SDL_DestroyRenderer(a->ren);
    a->ren = NULL;
    if (create_renderer(a) != 0 || setup_rotation(a) != 0) return -1;
    a->direct = a->direct && !a->rot;
    for (size_t i = 0; i < a->n; i++)
        a->st[i].ready = false;
    a->clock_key = a->clock_next_key = a->clock_req_key = INT64_MIN;
    a->alert_key = a->alert_req_key = -1;
    a->waiting_key = a->waiting_req_key = 0;
    a->ticker_have_sig = a->ticker_req_sig = 0;
    a->gen++;
    prep_drop_stale(a->prep, a->gen);
    a->damage |= DMG_FULL;
    return 0;
}

static void post_health(app *a, const char *state)
{
    if (a->o->board)
        status_set_health(a->o->board, state, a->watch.what[0] ? a->watch.what : NULL,
                          a->watch.recoveries);
}

/* Before giving up: a moment for the report thread to tell the server, so
 * the dashboard shows why this screen restarted (at most 3 s). */
static void tell_server(app *a)
{
    if (!a->o->board || !a->cfg->server) return;
    status_snapshot s;
    status_get(a->o->board, 0, &s);
    uint64_t before = s.beats;
    for (int i = 0; i < 60 && s.beats == before; i++) {
        SDL_Delay(50);
        status_get(a->o->board, 0, &s);
    }
}

/* What the self-check decided.  Returns SCREEN_EXIT_RESTART to end the
 * process, else 0. */
static int act(app *a, watch_action w)
{
    if (w == WATCH_OK) return 0;
    log_msg(w == WATCH_EXIT ? LOG_ERR : LOG_WARN, "self-check: %s: %s", a->watch.what,
            watch_action_name(w));
    post_health(a, w == WATCH_EXIT ? "failed" : "recovering");
    if (a->o->fault == FAULT_BLACK_ONCE && mono_now() - a->mono0 >= a->o->fault_after)
        a->fault_cleared = true;
    int cur = a->view.cur;
    slot *sl = cur >= 0 ? slot_for(a, cur) : NULL;
    switch (w) {
    case WATCH_OK:
        break;
    case WATCH_RELOAD:
        /* The picture stays up until its new preparation replaces it. */
        if (sl) {
            sl->gen = 0;
            sl->has_sig = false;
        }
        if (cur >= 0) a->req_gen[cur] = 0;
        a->check_pending = true;
        break;
    case WATCH_RECREATE:
        if (recreate_renderer(a) != 0) {
            log_msg(LOG_ERR, "self-check: the renderer could not be recreated: exiting");
            return SCREEN_EXIT_RESTART;
        }
        a->check_pending = true;
        break;
    case WATCH_EXIT:
        tell_server(a);
        return SCREEN_EXIT_RESTART;
    }
    return 0;
}

/* The self-check between frames: the frame check drawn by draw_frame,
 * and the slide on screen measured against its duration. */
static int self_check(app *a, double now)
{
    int cur = a->view.cur;
    bool shown = cur >= 0 && a->view.prev < 0 && !covered(a) && a->d;
    if (a->check_due) {
        a->check_due = false;
        slot *sl = shown ? slot_for(a, cur) : NULL;
        if (a->check_ok && sl && sl->has_sig) {
            a->check_pending = false;
            bool had = a->watch.problem;
            watch_action w = watch_frame(&a->watch, now, watch_compare(sl->sig, a->drawn),
                                         a->d->m->slides[cur].id);
            if (w == WATCH_OK && had) {
                log_msg(LOG_INFO, "self-check: the screen is right again");
                post_health(a, "ok");
            }
            if (act(a, w)) return SCREEN_EXIT_RESTART;
        }
    }
    if (!shown) {
        a->watch_cur = -1;
        return 0;
    }
    if (cur != a->watch_cur) {
        a->watch_cur = cur;
        a->cur_since = now;
        a->check_pending = true;
    }
    int on_air = 0;
    for (size_t i = 0; i < a->n; i++)
        on_air += a->st[i].on_air && !a->st[i].failed;
    watch_action w = watch_progress(&a->watch, now, a->d->m->slides[cur].id, now - a->cur_since,
                                    a->st[cur].duration, on_air);
    if (w == WATCH_EXIT) a->worker_stuck = true; /* it cannot be joined on the way out */
    return act(a, w);
}

/* What `systemctl status` shows under the unit; with `ready`, also that
 * the service has started (its first frame is on the screen). */
static void tell_systemd(app *a, bool ready)
{
    char line[400];
    char until[40];
    status_iso8601(a->power_next, until, sizeof until);
    if (a->dark)
        snprintf(line, sizeof line, "screen off by the schedule until %s", until);
    else if (!a->d || a->view.cur < 0)
        snprintf(line, sizeof line, "waiting for content%s%.300s", a->last_error[0] ? ": " : "",
                 a->last_error);
    else
        snprintf(line, sizeof line, "slide %d of %zu on screen (\"%.200s\")", a->view.cur + 1, a->n,
                 a->d->m->slides[a->view.cur].id);
    if (ready) {
        notify_ready(line);
        a->ready = true;
    } else {
        notify_status(line);
    }
}

static int run_live(app *a)
{
    if (a->o->frame_log) {
        if (framelog_open(FRAMELOG_MAX, &a->flog) != 0) {
            log_msg(LOG_ERR, "--frame-log: out of memory");
            return -1;
        }
        struct timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        a->flog_cpu = (double)ts.tv_sec + ts.tv_nsec / 1e9;
        a->flog_t0 = monoclock_now();
    }
    show_init(&a->sh, a->cfg->transition_time / (a->o->speed > 1 ? a->o->speed : 1));
    a->mono0 = mono_now();
    notify_watchdog_init(&a->wd, a->mono0);
    a->ticker_t0 = a->mono0;
    a->last_eval = INT64_MIN;
    bool quit = false, first_content = false;
    Uint64 last_frame = 0;
    while (!quit) {
        double now = mono_now();
        int64_t wall = wall_now(a);
        if (wall != a->last_eval) {
            if (evaluate(a, wall)) a->damage |= DMG_FULL;
            if (update_power(a, wall)) {
                a->damage |= DMG_FULL;
                tell_systemd(a, false);
            }
            a->last_eval = wall;
        }
        relayout(a);
        update_clock(a, wall);
        show_view before = a->view;
        show_tick(&a->sh, now, a->st, a->n, &a->view);
        request_all(a, -1);
        release_unneeded(a, -1);
        watch_content(a, now);
        take_synced(a);
        post_status(a);

        /* Under an alert or the waiting screen the slides go on cycling
         * (so they resume in order) but cost no frames. */
        bool slides_visible = !covered(a);
        if (slides_visible && (before.cur != a->view.cur || before.prev != a->view.prev ||
                               before.progress != a->view.progress))
            a->damage |= DMG_MAIN;
        if (a->view.cur != before.cur && a->view.cur >= 0) {
            log_msg(LOG_DEBUG, "slide \"%s\" on screen", a->d->m->slides[a->view.cur].id);
            tell_systemd(a, false);
        }
        bool ticker_moves = slides_visible && a->lay.ticker.h && a->ticker.n;
        bool animating = (slides_visible && a->view.prev >= 0) || ticker_moves;
        if (ticker_moves) a->damage |= DMG_TICKER;
        bool shot = a->o->board && status_screenshot_requested(a->o->board);
        /* The first frame waits (a moment) for real content, so a screen
         * never flashes an empty background before its first slide. */
        bool hold = !a->frames && !something_to_show(a) && now - a->mono0 < FIRST_FRAME_WAIT;
        if (!hold && (a->damage || shot || a->check_pending)) {
            slot *csl = a->view.cur >= 0 ? slot_for(a, a->view.cur) : NULL;
            a->check_due = a->check_pending && a->view.prev < 0 && !covered(a) && csl &&
                           csl->has_sig && csl->gen == a->gen && pic_ok(&csl->pic);
            a->check_ok = false;
            a->read_back = shot;
            draw_frame(a, now, a->damage);
            a->frames++;
            a->damage = 0;
            last_frame = SDL_GetTicks64();
            if (!first_content && a->view.cur >= 0) {
                first_content = true;
                log_msg(LOG_INFO, "first content frame after %.0f ms",
                        (mono_now() - a->mono0) * 1000);
            }
            if (!a->ready) tell_systemd(a, true); /* started: the screen shows something */
        }
        if (self_check(a, now) == SCREEN_EXIT_RESTART) {
            post_status(a);
            return SCREEN_EXIT_RESTART;
        }
        if (fault_active(a, FAULT_WORKER_HANG) && !a->fault_fired) {
            prep_job j = {.kind = PREP_HANG};
            prep_submit(a->prep, &j);
            a->fault_fired = true;
        }
        notify_watchdog_tick(&a->wd, now);
        if (fault_active(a, FAULT_RENDER_HANG)) {
            /* SIGNAGE_FAULT=render-hang: the watchdog test's hung renderer */
            log_msg(LOG_WARN, "fault injection: the render loop hangs now");
            for (;;)
                pause();
        }

        /* Sleep until something changes: the next frame while animating,
         * else the slide's end, the clock's minute, or a schedule check. */
        double wait_s = 1.0;
        if (animating) {
            /* Pace frames even when the renderer claims vsync: some drivers
             * (dummy, some X servers) return at once.  Real vsync has
             * already waited out the interval, so this adds nothing there. */
            wait_s = (FRAME_MS - (double)(SDL_GetTicks64() - last_frame)) / 1000.0;
        } else if (a->view.next_event - now < wait_s) {
            /* a hidden transition needs no frames: look again now and then */
            wait_s = a->view.next_event > now ? a->view.next_event - now : 0.1;
        }
        wait_s = notify_watchdog_wait(&a->wd, now, wait_s);
        if (a->o->run_for > 0 && now - a->mono0 >= a->o->run_for) break;
        int wait_ms = wait_s <= 0 ? 0 : (int)ceil(wait_s * 1000);
        SDL_Event ev;
        int got = wait_ms > 0 ? SDL_WaitEventTimeout(&ev, wait_ms) : SDL_PollEvent(&ev);
        while (got) {
            if (ev.type == SDL_QUIT)
                quit = true;
            else if (ev.type == SDL_KEYDOWN &&
                     (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q))
                quit = true;
            else if (ev.type == SDL_WINDOWEVENT &&
                     (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                      ev.window.event == SDL_WINDOWEVENT_EXPOSED)) {
                int pw, ph;
                SDL_GetRendererOutputSize(a->ren, &pw, &ph);
                if (pw != a->pw || ph != a->ph) {
                    a->pw = pw;
                    a->ph = ph;
                    if (setup_rotation(a) != 0) return -1;
                }
                a->damage |= DMG_FULL;
            }
            got = SDL_PollEvent(&ev);
        }
        prep_result r;
        while (prep_poll(a->prep, &r, 0)) {
            take_result(a, &r, -1);
            prep_result_free(&r);
        }
    }
    notify_stopping();
    log_msg(LOG_DEBUG, "%lu frames in %.1f s", a->frames, mono_now() - a->mono0);
    if (a->flog) {
        char err[600];
        if (framelog_write(a->flog, a->o->frame_log, err, sizeof err) != 0)
            log_msg(LOG_ERR, "--frame-log: %s", err);
        else if (framelog_count(a->flog) > FRAMELOG_MAX)
            log_msg(LOG_WARN, "--frame-log: kept the first %d of %zu frames", FRAMELOG_MAX,
                    framelog_count(a->flog));
        framelog_free(a->flog);
        a->flog = NULL;
    }
    return 0;
}

int screen_run(const screen_opts *opts, deck *d)
{
    app a;
    memset(&a, 0, sizeof a);
    a.o = opts;
    a.cfg = opts->cfg;
    a.d = deck_ref(d);
    a.clock_key = a.clock_next_key = a.clock_req_key = INT64_MIN;
    for (size_t s = 0; s < SLOTS; s++)
        a.slots[s].index = -1;
    a.view = (show_view){.cur = -1, .prev = -1, .progress = 1, .want_next = -1};
    watch_init(&a.watch);
    a.watch_cur = -1;
    if (opts->last_error) set_error(&a, opts->last_error);
    int rc = -1;
    diag_list diags;
    diag_init(&diags);

    /* The worker opens its fonts while SDL connects to the display and the
     * window is made: on X11 those are 20-30 ms of round trips. */
    if (TTF_Init() != 0) {
        log_msg(LOG_ERR, "SDL_ttf: %s", TTF_GetError());
        goto out;
    }
    const player_config *c = a.cfg;
    a.wake = opts->wake_event ? opts->wake_event : SDL_RegisterEvents(1);
    if (prep_start(c->font_regular, c->font_bold, c->font_fallback, c->max_image_pixels, a.wake,
                   &a.prep, &diags) != 0) {
        log_diags(&diags);
        goto out;
    }
    Uint32 sub = opts->screenshot ? SDL_INIT_EVENTS : SDL_INIT_VIDEO | SDL_INIT_EVENTS;
    /* vsync also for SDL's own framebuffer emulation (KMSDRM): without
     * it SDL flips pages asynchronously, which shows garbage on a Pi 5. */
    SDL_SetHintWithPriority(SDL_HINT_RENDER_VSYNC, "1", SDL_HINT_DEFAULT);
    if (SDL_Init(sub) != 0) {
        log_msg(LOG_ERR, "SDL: %s%s", SDL_GetError(), opts->screenshot ? "" : video_advice());
        goto out;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "1");
    if (ensure_deck_arrays(&a) != 0 || create_output(&a) != 0 || setup_rotation(&a) != 0) goto out;
    a.direct = a.direct && !a.rot; /* a rotated screen is drawn into a texture first */
    if (c->screen_off) {
        char err[300];
        if (tz_load(c->timezone, NULL, &a.power_zone, err, sizeof err) != 0)
            log_msg(LOG_WARN, "screen_off: %s; the schedule follows UTC until a deck names a zone",
                    err);
        if (!opts->screenshot && panel_start(c->screen_on_command, c->screen_off_command, 0,
                                             &a.panel, err, sizeof err) != 0)
            log_msg(LOG_WARN, "screen_on/off_command: %s", err);
    }
    if (prep_wait_open(a.prep, &diags) != 0) {
        log_diags(&diags);
        goto out;
    }
    log_diags(&diags);
    rc = opts->screenshot ? run_screenshot(&a) : run_live(&a);
out:
    if (a.worker_stuck) {
        /* A stopped thread cannot be joined: the process is ending anyway,
         * and systemd starts a fresh one. */
        log_msg(LOG_ERR, "the preparation worker is stuck: exiting without it");
        a.prep = NULL;
    }
    panel_stop(a.panel);
    tz_free(a.power_zone);
    if (a.prep) prep_stop(a.prep);
    for (size_t s = 0; s < SLOTS; s++)
        pic_free(&a.slots[s].pic);
    destroy(&a.header);
    destroy(&a.clock);
    destroy(&a.clock_next);
    destroy(&a.alert);
    destroy(&a.idle);
    destroy(&a.waiting);
    destroy(&a.rot);
    ticker_free(&a.ticker);
    if (a.ren) SDL_DestroyRenderer(a.ren);
    if (a.shot) SDL_FreeSurface(a.shot);
    if (a.win) SDL_DestroyWindow(a.win);
    free_deck_arrays(&a);
    pic_free(&a.ghost);
    deck_unref(a.d);
    diag_free(&diags);
    TTF_Quit();
    SDL_Quit();
    return rc;
}

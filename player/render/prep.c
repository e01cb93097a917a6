#include "render/prep.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sysinfo.h"

typedef struct prep_node {
    struct prep_node *next;
    prep_job job;
    prep_result result;
} prep_node;

struct prep {
    compose_ctx compose;
    SDL_Thread *thread;
    SDL_mutex *lock;
    SDL_cond *job_ready;
    SDL_cond *result_ready;
    prep_node *jobs, *jobs_tail;
    prep_node *results, *results_tail;
    int running; /* jobs taken but not finished */
    bool quit;
    Uint32 wake_event;
    /* The fonts are opened on the worker, so that opening them overlaps the
     * window's creation (tens of milliseconds on X11).  Until then: */
    char *font, *font_bold, *fallbacks;
    int opened;           /* 0 still opening, 1 open, -1 failed */
    diag_list open_diags; /* what opening said, handed over by prep_wait_open */
};

void prep_job_clear(prep_job *job)
{
    deck_unref(job->d);
    free(job->items);
    for (size_t i = 0; i < 6; i++)
        free(job->info[i]);
    free(job->dir);
    free(job->tz);
    memset(job, 0, sizeof *job);
}

void prep_result_free(prep_result *r)
{
    if (r->surf) SDL_FreeSurface(r->surf);
    compose_strip_free(&r->strip);
    deck_unref(r->d);
    deck_unref(r->loaded);
    memset(r, 0, sizeof *r);
}

/* A changed folder goes live only whole: parsed, and every file it names
 * present with the right size and sha256 and a readable picture header.
 * Until then the old deck keeps playing. */
static void load_deck(prep *p, const prep_job *j, prep_result *r)
{
    r->sig = deck_dir_signature(j->dir);
    if (r->sig == 0 || r->sig == j->sig)
        return; /* missing (keep playing what we have) or unchanged */
    diag_list diags;
    diag_init(&diags);
    deck *d = NULL;
    if (deck_load_dir(j->dir, j->tz, &d, &diags) == 0 &&
        deck_check_media(d, p->compose.max_pixels, &diags) == 0) {
        r->loaded = d;
    } else {
        deck_unref(d);
        for (size_t i = diags.n; i-- > 0;)
            if (diags.items[i].level == DIAG_ERROR) {
                snprintf(r->err, sizeof r->err, "new content not used: %s", diags.items[i].msg);
                break;
            }
        if (!r->err[0])
            snprintf(r->err, sizeof r->err, "new content not used: it could not be loaded");
    }
    diag_free(&diags);
}

static void run_job(prep *p, const prep_job *j, prep_result *r)
{
    if (j->kind == PREP_LOAD) {
        r->kind = PREP_LOAD;
        r->gen = j->gen;
        load_deck(p, j, r);
        return;
    }
    r->kind = j->kind;
    r->d = deck_ref(j->d);
    r->index = j->index;
    r->w = j->w;
    r->h = j->h;
    r->gen = j->gen;
    compose_ctx *c = &p->compose;
    switch (j->kind) {
    case PREP_SLIDE:
        r->surf = compose_slide(c, j->d, (size_t)j->index, j->w, j->h, j->unit, r->err,
                                sizeof r->err, r->warn, sizeof r->warn);
        break;
    case PREP_HEADER:
        r->surf = compose_header(c, j->d, j->w, j->h, j->unit, j->clock_w, r->err, sizeof r->err);
        break;
    case PREP_TICKER:
        r->surf = compose_ticker_label(c, j->d, j->h, j->unit);
        if (!r->surf ||
            compose_ticker_strip(c, j->d, j->items, j->n_items, j->h, j->unit, &r->strip) != 0)
            snprintf(r->err, sizeof r->err, "out of memory drawing the ticker");
        break;
    case PREP_ALERT:
        r->surf = compose_alert(c, j->d, (size_t)j->index, j->w, j->h, (size_t)j->turn,
                                (size_t)j->turns, r->err, sizeof r->err);
        break;
    case PREP_IDLE:
        r->surf = compose_idle(c, j->d, j->w, j->h, j->unit);
        break;
    case PREP_LOAD:
        break;
    case PREP_HANG:
        log_msg(LOG_WARN, "fault injection: the preparation worker hangs now");
        for (;;)
            pause();
    case PREP_CLOCK:
        r->sig = j->sig;
        r->surf = compose_clock(&c->text, j->info[0], j->info[1], j->w, j->h);
        break;
    case PREP_WAITING: {
        char addrs[512];
        if (!j->info[1]) sysinfo_addresses(addrs, sizeof addrs);
        compose_info info = {j->info[0], j->info[1] ? j->info[1] : addrs,
                             j->info[2], j->info[3],
                             j->info[4], j->info[5]};
        r->surf = compose_waiting(c, &info, j->w, j->h);
        break;
    }
    }
    if (!r->surf && !r->err[0]) snprintf(r->err, sizeof r->err, "out of memory");
}

static int worker(void *arg)
{
    prep *p = arg;
    diag_list diags;
    diag_init(&diags);
    int r = compose_open(&p->compose, p->font, p->font_bold, p->fallbacks, p->compose.max_pixels,
                         &diags);
    SDL_LockMutex(p->lock);
    diag_move(&p->open_diags, &diags);
    p->opened = r == 0 ? 1 : -1;
    SDL_CondBroadcast(p->result_ready);
    if (r != 0) {
        SDL_UnlockMutex(p->lock);
        return -1;
    }
    for (;;) {
        while (!p->jobs && !p->quit)
            SDL_CondWait(p->job_ready, p->lock);
        if (p->quit) break;
        prep_node *n = p->jobs;
        p->jobs = n->next;
        if (!p->jobs) p->jobs_tail = NULL;
        p->running++;
        SDL_UnlockMutex(p->lock);

        run_job(p, &n->job, &n->result);
        prep_job_clear(&n->job);
        n->next = NULL;
        /* A slide's decode buffers (tens of MB for a big photo) are freed
         * by now, but glibc keeps them in this thread's arena: give them
         * back, so memory stays flat instead of holding the largest peak. */
        malloc_trim(0);

        SDL_LockMutex(p->lock);
        p->running--;
        if (p->results_tail)
            p->results_tail->next = n;
        else
            p->results = n;
        p->results_tail = n;
        SDL_CondBroadcast(p->result_ready);
        SDL_UnlockMutex(p->lock);
        SDL_Event ev = {.type = p->wake_event};
        SDL_PushEvent(&ev);
        SDL_LockMutex(p->lock);
    }
    SDL_UnlockMutex(p->lock);
    return 0;
}

int prep_start(const char *font, const char *font_bold, const char *fallbacks, int64_t max_pixels,
               Uint32 wake_event, prep **out, diag_list *diags)
{
    prep *p = calloc(1, sizeof *p);
    if (!p) return -1;
    p->wake_event = wake_event;
    p->compose.max_pixels = max_pixels;
    diag_init(&p->open_diags);
    p->font = strdup(font ? font : "");
    p->font_bold = strdup(font_bold ? font_bold : "");
    p->fallbacks = strdup(fallbacks ? fallbacks : "");
    p->lock = SDL_CreateMutex();
    p->job_ready = SDL_CreateCond();
    p->result_ready = SDL_CreateCond();
    if (p->font && p->font_bold && p->fallbacks && p->lock && p->job_ready && p->result_ready)
        p->thread = SDL_CreateThread(worker, "prep", p);
    if (!p->thread) {
        diag_add(diags, DIAG_ERROR, "cannot start the preparation thread: %s", SDL_GetError());
        prep_stop(p);
        return -1;
    }
    *out = p;
    return 0;
}

int prep_wait_open(prep *p, diag_list *diags)
{
    SDL_LockMutex(p->lock);
    while (p->opened == 0)
        SDL_CondWait(p->result_ready, p->lock);
    diag_move(diags, &p->open_diags);
    int r = p->opened > 0 ? 0 : -1;
    SDL_UnlockMutex(p->lock);
    return r;
}

static void free_nodes(prep_node *n)
{
    while (n) {
        prep_node *next = n->next;
        prep_job_clear(&n->job);
        prep_result_free(&n->result);
        free(n);
        n = next;
    }
}

void prep_stop(prep *p)
{
    if (!p) return;
    if (p->thread) {
        SDL_LockMutex(p->lock);
        p->quit = true;
        SDL_CondBroadcast(p->job_ready);
        SDL_UnlockMutex(p->lock);
        SDL_WaitThread(p->thread, NULL);
    }
    free_nodes(p->jobs);
    free_nodes(p->results);
    if (p->lock) SDL_DestroyMutex(p->lock);
    if (p->job_ready) SDL_DestroyCond(p->job_ready);
    if (p->result_ready) SDL_DestroyCond(p->result_ready);
    if (p->opened > 0) compose_close(&p->compose);
    diag_free(&p->open_diags);
    free(p->font);
    free(p->font_bold);
    free(p->fallbacks);
    free(p);
}

void prep_submit(prep *p, prep_job *job)
{
    prep_node *n = calloc(1, sizeof *n);
    if (!n) {
        prep_job_clear(job);
        return;
    }
    n->job = *job;
    memset(job, 0, sizeof *job);
    SDL_LockMutex(p->lock);
    if (p->jobs_tail)
        p->jobs_tail->next = n;
    else
        p->jobs = n;
    p->jobs_tail = n;
    SDL_CondSignal(p->job_ready);
    SDL_UnlockMutex(p->lock);
}

void prep_drop_stale(prep *p, uint64_t gen)
{
    SDL_LockMutex(p->lock);
    prep_node **pp = &p->jobs, *last = NULL, *stale = NULL;
    while (*pp) {
        prep_node *n = *pp;
        if (n->job.gen < gen) {
            *pp = n->next;
            n->next = stale;
            stale = n;
        } else {
            last = n;
            pp = &n->next;
        }
    }
    p->jobs_tail = last;
    SDL_UnlockMutex(p->lock);
    free_nodes(stale);
}

int prep_poll(prep *p, prep_result *out, int timeout_ms)
{
    SDL_LockMutex(p->lock);
    if (!p->results && timeout_ms > 0)
        SDL_CondWaitTimeout(p->result_ready, p->lock, (Uint32)timeout_ms);
    prep_node *n = p->results;
    if (n) {
        p->results = n->next;
        if (!p->results) p->results_tail = NULL;
    }
    SDL_UnlockMutex(p->lock);
    if (!n) return 0;
    *out = n->result;
    free(n);
    return 1;
}

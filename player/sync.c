/* sync.c - the sync thread: manifest polling, asset downloads, the switch. */
#include "sync.h"

#include <errno.h>
#include <pthread.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "monoclock.h"
#include "manifest.h"

#define SYNC_BACKOFF_BASE 2.0 /* seconds after the first failure */
#define SYNC_ASSET_TRIES 3    /* per asset per round: resume, then restart */
#define SYNC_MAX_BAD 64       /* queued reports of bad assets */

struct syncer {
    sync_opts o;
    char *url; /* manifest URL (copy) */
    char *tz;
    fetch *net;
    pthread_t thread;
    bool started;
    atomic_int stop; /* set: quit (aborts any transfer) */
    atomic_int poke; /* set: cut a held poll short (a bad asset to repair) */

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cv;
    deck *mailbox;
    char bad[SYNC_MAX_BAD][65];
    size_t n_bad;

    /* sync thread only */
    deck *cur;      /* the deck last posted (or found in the cache at boot) */
    char etag[256]; /* ETag of cur's manifest */
    char *cur_text; /* cur's manifest text, to see when a 200 brought nothing new */
    size_t cur_len;
    int failures;
    char last_logged[1024]; /* as long as any error passed in */
    char (*verified)[65];   /* hashes checked since start: no need to hash them again */
    size_t n_verified, cap_verified;
};

/* Jitter in [0, 1): from the kernel, so a room of displays powered up
 * together does not poll in step (no seeding to get wrong). */
static double uniform(void)
{
    uint32_t v = 0;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) v = (uint32_t)(monoclock_now() * 1e9);
    return (v >> 2) / (double)(1u << 30);
}

/* ---- pure helpers ------------------------------------------------------- */

int sync_manifest_url(const char *server, const char *display, const char *manifest_url, char *out,
                      size_t outlen)
{
    int n;
    if (manifest_url && *manifest_url) {
        n = snprintf(out, outlen, "%s", manifest_url);
    } else if (server && *server && display && *display) {
        size_t sl = strlen(server);
        while (sl && server[sl - 1] == '/')
            sl--;
        n = snprintf(out, outlen, "%.*s/api/v1/displays/%s/manifest", (int)sl, server, display);
    } else {
        return -1;
    }
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int sync_poll_url(const char *manifest_url, double wait, char *out, size_t outlen)
{
    int n;
    if (wait <= 0)
        n = snprintf(out, outlen, "%s", manifest_url);
    else
        n = snprintf(out, outlen, "%s%cwait=%d", manifest_url,
                     strchr(manifest_url, '?') ? '&' : '?', (int)(wait + 0.5));
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

double sync_backoff(int failures, double cap, double u)
{
    double d = SYNC_BACKOFF_BASE;
    for (int i = 1; i < failures && d < cap; i++)
        d *= 2;
    if (d > cap) d = cap;
    return d * (0.5 + 0.5 * u);
}

double sync_poll_delay(double interval, double u)
{
    return interval * (0.8 + 0.4 * u);
}

/* ---- mailbox and reports ---------------------------------------------------- */

deck *sync_take_deck(syncer *s)
{
    pthread_mutex_lock(&s->mu);
    deck *d = s->mailbox;
    s->mailbox = NULL;
    pthread_mutex_unlock(&s->mu);
    return d;
}

void sync_report_bad_asset(syncer *s, const char *sha256)
{
    if (!manifest_sha256_valid(sha256)) return;
    pthread_mutex_lock(&s->mu);
    bool known = false;
    for (size_t i = 0; i < s->n_bad; i++)
        known |= strcmp(s->bad[i], sha256) == 0;
    if (!known && s->n_bad < SYNC_MAX_BAD) {
        memcpy(s->bad[s->n_bad++], sha256, 65);
        /* cut a held long-poll short: repairing comes first */
        atomic_store(&s->poke, 1);
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
}

static void post_deck(syncer *s, deck *d)
{
    pthread_mutex_lock(&s->mu);
    deck_unref(s->mailbox);
    s->mailbox = deck_ref(d);
    pthread_mutex_unlock(&s->mu);
    if (s->o.wake) s->o.wake(s->o.wake_user);
}

static bool quitting(syncer *s)
{
    return atomic_load(&s->stop) != 0;
}

/* Sleeps up to `seconds`, returning early on quit or a bad-asset report. */
static void nap(syncer *s, double seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    long long ns = until.tv_nsec + (long long)(seconds * 1e9);
    until.tv_sec += (time_t)(ns / 1000000000);
    until.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&s->mu);
    while (!quitting(s) && s->n_bad == 0 &&
           pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT) {
    }
    pthread_mutex_unlock(&s->mu);
}

/* ---- the verified set ----------------------------------------------------------- */

static bool is_verified(const syncer *s, const char *sha)
{
    for (size_t i = 0; i < s->n_verified; i++)
        if (strcmp(s->verified[i], sha) == 0) return true;
    return false;
}

static void add_verified(syncer *s, const char *sha)
{
    if (is_verified(s, sha)) return;
    if (s->n_verified == s->cap_verified) {
        size_t nc = s->cap_verified ? s->cap_verified * 2 : 64;
        char(*nv)[65] = realloc(s->verified, nc * sizeof *nv);
        if (!nv) return; /* only costs a re-hash later */
        s->verified = nv;
        s->cap_verified = nc;
    }
    memcpy(s->verified[s->n_verified++], sha, 65);
}

static void forget_verified(syncer *s, const char *sha)
{
    for (size_t i = 0; i < s->n_verified; i++)
        if (strcmp(s->verified[i], sha) == 0) {
            memcpy(s->verified[i], s->verified[--s->n_verified], 65);
            return;
        }
}

/* ---- status ------------------------------------------------------------------- */

static void report(syncer *s, sync_state st, const char *error)
{
    int64_t now = (int64_t)time(NULL);
    status_set_sync(s->o.board, st, now, error);
    if (st == SYNC_OK) {
        if (s->last_logged[0]) log_msg(LOG_INFO, "sync: back to normal");
        s->last_logged[0] = '\0';
    } else if (error && strcmp(error, s->last_logged) != 0) {
        /* once per distinct problem, not once per retry */
        log_msg(st == SYNC_OFFLINE ? LOG_WARN : LOG_ERR, "sync: %s", error);
        snprintf(s->last_logged, sizeof s->last_logged, "%s", error);
    }
}

static void report_cache(syncer *s)
{
    int64_t bytes, files;
    cache_stats(s->o.cache, &bytes, &files);
    status_set_cache(s->o.board, bytes, files);
}

/* ---- assets ------------------------------------------------------------------ */

typedef struct asset_list {
    const manifest_media **items;
    size_t n;
} asset_list;

/* Every distinct asset a manifest needs (by hash). */
static int list_assets(const manifest *m, asset_list *out)
{
    out->n = 0;
    out->items = calloc(m->n_slides + 1, sizeof *out->items);
    if (!out->items) return -1;
    for (size_t i = 0; i <= m->n_slides; i++) {
        const manifest_media *md = NULL;
        if (i < m->n_slides && m->slides[i].has_media)
            md = &m->slides[i].media;
        else if (i == m->n_slides && m->has_logo)
            md = &m->logo;
        if (!md) continue;
        bool dup = false;
        for (size_t k = 0; k < out->n && !dup; k++)
            dup = strcmp(out->items[k]->sha256, md->sha256) == 0;
        if (!dup) out->items[out->n++] = md;
    }
    return 0;
}

typedef struct sink_ctx {
    cache_writer *w;
    char err[512];
} sink_ctx;

static int to_writer(void *user, const void *data, size_t len)
{
    sink_ctx *k = user;
    return cache_writer_write(k->w, data, len, k->err, sizeof k->err);
}

/* Downloads one asset into the cache.  Returns 0, or -1 with err (and
 * *offline when the server could not be reached). */
static int fetch_asset(syncer *s, const char *base, const manifest_media *md, bool *offline,
                       char *err, size_t errlen)
{
    char url[MANIFEST_MAX_URL + 512], why[512];
    if (fetch_resolve(base, md->url, url, sizeof url, why, sizeof why) != 0) {
        snprintf(err, errlen, "asset %.12s…: %s", md->sha256, why);
        return -1;
    }
    sink_ctx k = {0};
    int64_t have = 0;
    bool resume = false;
    snprintf(err, errlen, "stopped");
    for (int attempt = 0; attempt < SYNC_ASSET_TRIES && !quitting(s); attempt++) {
        /* A cut-off download is resumed once (Range); if that fails too -
         * or the server ignores ranges - it starts over from byte 0. */
        if (k.w && !resume) {
            cache_writer_abort(k.w);
            k.w = NULL;
        }
        if (!k.w) {
            have = 0;
            if (cache_writer_begin(s->o.cache, md->sha256, md->size, &k.w, why, sizeof why) != 0) {
                snprintf(err, errlen, "%s", why);
                return -1;
            }
        }
        k.err[0] = '\0';
        /* the display's token is for its own server, not for a CDN a url names */
        fetch_req r = {.url = url,
                       .max_bytes = md->size - have,
                       .resume_from = have,
                       .anonymous = !fetch_same_origin(url, s->url),
                       .sink = to_writer,
                       .user = &k};
        fetch_res res;
        int rc = fetch_do(s->net, &r, &res);
        have += res.body_bytes;
        if (rc == 0 && (res.status == 200 || res.status == 206)) {
            int c = cache_writer_commit(k.w, why, sizeof why);
            k.w = NULL;
            if (c == 0) {
                add_verified(s, md->sha256);
                return 0;
            }
            /* wrong size or hash: the server's fault, and trying again now
             * would bring the same bytes */
            snprintf(err, errlen, "%.300s (from %.300s)", why, url);
            return -1;
        }
        *offline = res.unreachable;
        if (rc == 0) { /* an HTTP error status: retrying at once will not help */
            snprintf(err, errlen, "asset %.300s: %.300s", url, res.err);
            break;
        }
        snprintf(err, errlen, "asset %.300s: %.300s", url, k.err[0] ? k.err : res.err);
        if (k.err[0] || res.unreachable) break; /* disk full, or the server is gone: not now */
        resume = !resume && have > 0;
    }
    cache_writer_abort(k.w);
    return -1;
}

/* Makes sure every asset of `m` is in the cache and verified.  Objects that
 * were present are re-hashed once per new manifest (cheap next to a
 * download, and it catches bit rot before the deck goes live). */
static int fetch_assets(syncer *s, const manifest *m, const char *base, bool verify_present,
                        bool *offline, char *err, size_t errlen)
{
    asset_list al;
    if (list_assets(m, &al) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    /* What is missing, and does it fit under the cap? */
    int64_t need = 0;
    int missing = 0;
    for (size_t i = 0; i < al.n; i++) {
        const manifest_media *md = al.items[i];
        bool have;
        if (verify_present && !is_verified(s, md->sha256)) {
            have = cache_verify(s->o.cache, md->sha256, md->size) == 1;
            if (have) add_verified(s, md->sha256);
        } else {
            have = cache_has(s->o.cache, md->sha256, md->size);
        }
        if (!have) {
            need += md->size;
            missing++;
        }
    }
    if (missing) {
        const char **keep = calloc(al.n + (s->cur ? s->cur->m->n_slides + 1 : 0) + 1, sizeof *keep);
        size_t nk = 0;
        if (keep) {
            for (size_t i = 0; i < al.n; i++)
                keep[nk++] = al.items[i]->sha256;
            asset_list cl = {0};
            if (s->cur && list_assets(s->cur->m, &cl) == 0)
                for (size_t i = 0; i < cl.n; i++)
                    keep[nk++] = cl.items[i]->sha256;
            free(cl.items);
            cache_evict(s->o.cache, keep, nk, s->o.cache_max - need);
            free(keep);
        }
        if (cache_used(s->o.cache) + need > s->o.cache_max) {
            snprintf(
                err, errlen,
                "cache full: this deck needs %lld MiB more, the cap (cache_max_mb) is %lld MiB "
                "and the playing deck's files must stay",
                (long long)(need >> 20), (long long)(s->o.cache_max >> 20));
            free(al.items);
            return -1;
        }
    }
    int done = (int)al.n - missing;
    status_set_progress(s->o.board, done, (int)al.n);
    for (size_t i = 0; i < al.n && rc == 0; i++) {
        const manifest_media *md = al.items[i];
        if (cache_has(s->o.cache, md->sha256, md->size)) continue;
        if (quitting(s)) {
            snprintf(err, errlen, "stopped");
            rc = -1;
            break;
        }
        rc = fetch_asset(s, base, md, offline, err, errlen);
        if (rc == 0) status_set_progress(s->o.board, ++done, (int)al.n);
    }
    status_set_progress(s->o.board, 0, 0);
    free(al.items);
    report_cache(s);
    return rc;
}

/* Keeps the cache under its cap, sparing what `d` needs. */
static void evict_for(syncer *s, const deck *d)
{
    asset_list al = {0};
    if (!d || list_assets(d->m, &al) != 0) return;
    const char **keep = calloc(al.n + 1, sizeof *keep);
    if (keep) {
        for (size_t i = 0; i < al.n; i++)
            keep[i] = al.items[i]->sha256;
        int64_t freed = cache_evict(s->o.cache, keep, al.n, s->o.cache_max);
        if (freed > 0)
            log_msg(LOG_INFO, "sync: evicted %lld KiB of unused files", (long long)(freed >> 10));
        free(keep);
    }
    free(al.items);
}

/* ---- one round ---------------------------------------------------------------- */

/* Handles the renderer's reports of assets it could not use. */
static void repair(syncer *s)
{
    char bad[SYNC_MAX_BAD][65];
    size_t n;
    pthread_mutex_lock(&s->mu);
    n = s->n_bad;
    memcpy(bad, s->bad, n * sizeof bad[0]);
    s->n_bad = 0;
    atomic_store(&s->poke, 0);
    pthread_mutex_unlock(&s->mu);
    if (!s->cur) return;
    asset_list al;
    if (list_assets(s->cur->m, &al) != 0) return;
    /* A dropped file leaves a gap that complete_current() fills. */
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < al.n; k++)
            if (strcmp(al.items[k]->sha256, bad[i]) == 0 &&
                cache_verify(s->o.cache, bad[i], al.items[k]->size) != 1) {
                forget_verified(s, bad[i]);
                log_msg(LOG_WARN,
                        "sync: cached file %.12s… is missing or corrupt: fetching it again",
                        bad[i]);
            }
    free(al.items);
}

/* Fills any gap in the current deck's files (a corrupt file was dropped);
 * re-posts the deck when something was fetched so its slides are retried. */
static int complete_current(syncer *s)
{
    if (!s->cur) return 0;
    asset_list al;
    if (list_assets(s->cur->m, &al) != 0) return -1;
    bool gap = false;
    for (size_t i = 0; i < al.n && !gap; i++)
        gap = !cache_has(s->o.cache, al.items[i]->sha256, al.items[i]->size);
    free(al.items);
    if (!gap) return 0;
    char err[1024];
    bool offline = false;
    if (fetch_assets(s, s->cur->m, s->cur->source, false, &offline, err, sizeof err) != 0) {
        report(s, offline ? SYNC_OFFLINE : SYNC_ERROR, err);
        return -1;
    }
    /* A fresh deck object: the renderer redraws slides that failed. */
    if (!s->cur_text) return 0;
    manifest *m = NULL;
    diag_list diags;
    diag_init(&diags);
    deck *nd = NULL;
    if (manifest_parse(s->cur_text, s->cur_len, s->cur->source, &m, &diags) == 0 &&
        deck_from_manifest(m, NULL, cache_objects_dir(s->o.cache), s->cur->source, s->tz, &nd,
                           &diags) == 0) {
        deck_unref(s->cur);
        s->cur = nd;
        post_deck(s, nd);
    }
    diag_free(&diags);
    return 0;
}

typedef enum { ROUND_AGAIN, ROUND_WAIT, ROUND_FAILED } round_result;

static round_result take_manifest(syncer *s, const char *text, size_t len, const char *etag,
                                  const char *base)
{
    char err[1024];
    if (s->cur_text && len == s->cur_len && memcmp(text, s->cur_text, len) == 0) {
        /* Same bytes, new ETag (a restarted server, a CDN): remember it, and
         * ask again with it (a long-poll server will hold that request).
         * Same ETag, or none (a host without ETags): nothing new. */
        report(s, SYNC_OK, NULL);
        if (!etag[0] || strcmp(etag, s->etag) == 0) return ROUND_WAIT;
        cache_put_manifest(s->o.cache, text, len, etag, err, sizeof err);
        snprintf(s->etag, sizeof s->etag, "%s", etag);
        return ROUND_AGAIN;
    }
    diag_list diags;
    diag_init(&diags);
    manifest *m = NULL;
    if (manifest_parse(text, len, base, &m, &diags) != 0) {
        /* diagnostics name line, column and field */
        const char *first = "not a manifest";
        for (size_t i = 0; i < diags.n; i++)
            if (diags.items[i].level == DIAG_ERROR) {
                first = diags.items[i].msg;
                break;
            }
        snprintf(err, sizeof err, "manifest refused: %s", first);
        report(s, SYNC_ERROR, err);
        diag_free(&diags);
        return ROUND_FAILED;
    }
    for (size_t i = 0; i < diags.n; i++)
        log_msg(diags.items[i].level == DIAG_ERROR ? LOG_ERR : LOG_WARN, "sync: %s",
                diags.items[i].msg);
    diag_free(&diags);
    diag_init(&diags);

    bool offline = false;
    if (fetch_assets(s, m, base, true, &offline, err, sizeof err) != 0) {
        report(s, offline ? SYNC_OFFLINE : SYNC_ERROR, err);
        manifest_free(m);
        return ROUND_FAILED;
    }
    /* Every file is here and verified: the manifest becomes current. */
    if (cache_put_manifest(s->o.cache, text, len, etag, err, sizeof err) != 0) {
        report(s, SYNC_ERROR, err);
        manifest_free(m);
        return ROUND_FAILED;
    }
    char *copy = malloc(len + 1);
    deck *nd = NULL;
    if (!copy ||
        deck_from_manifest(m, NULL, cache_objects_dir(s->o.cache), base, s->tz, &nd, &diags) != 0) {
        free(copy);
        diag_free(&diags);
        report(s, SYNC_ERROR, "out of memory taking the new manifest");
        return ROUND_FAILED;
    }
    diag_free(&diags);
    memcpy(copy, text, len);
    copy[len] = '\0';
    free(s->cur_text);
    s->cur_text = copy;
    s->cur_len = len;
    snprintf(s->etag, sizeof s->etag, "%s", etag);
    deck_unref(s->cur);
    s->cur = nd;
    /* the verified set follows the deck, so it cannot grow without bound */
    asset_list al;
    if (list_assets(nd->m, &al) == 0) {
        size_t w = 0;
        for (size_t i = 0; i < s->n_verified; i++) {
            bool used = false;
            for (size_t k = 0; k < al.n && !used; k++)
                used = strcmp(al.items[k]->sha256, s->verified[i]) == 0;
            if (used) memmove(s->verified[w++], s->verified[i], 65);
        }
        s->n_verified = w;
        free(al.items);
    }
    log_msg(LOG_INFO, "sync: new manifest version \"%s\" (%zu slides) is current", nd->m->version,
            nd->m->n_slides);
    post_deck(s, nd);
    evict_for(s, nd);
    report_cache(s);
    report(s, SYNC_OK, NULL);
    return ROUND_AGAIN;
}

static round_result round_once(syncer *s)
{
    char url[4200];
    double wait = s->etag[0] ? s->o.long_poll : 0;
    if (sync_poll_url(s->url, wait, url, sizeof url) != 0) {
        report(s, SYNC_ERROR, "manifest URL too long");
        return ROUND_FAILED;
    }
    status_set_attempt(s->o.board, (int64_t)time(NULL));

    fetch_mem mb = {0}; /* bounded by MANIFEST_MAX_BYTES */
    fetch_req r = {.url = url,
                   .if_none_match = s->etag[0] ? s->etag : NULL,
                   .max_bytes = MANIFEST_MAX_BYTES,
                   .first_byte_s = wait > 0 ? wait + s->o.net.stall_s : 0,
                   .cancel = &s->poke,
                   .sink = fetch_to_mem,
                   .user = &mb};
    fetch_res res;
    int rc = fetch_do(s->net, &r, &res);
    round_result out = ROUND_FAILED;
    char err[1024];
    if (quitting(s)) {
        out = ROUND_WAIT;
    } else if (rc != 0 && atomic_load(&s->poke)) {
        out = ROUND_AGAIN; /* cut short for a repair */
    } else if (rc != 0) {
        snprintf(err, sizeof err, "%s: %s", s->url, res.err);
        report(s, res.unreachable ? SYNC_OFFLINE : SYNC_ERROR, err);
    } else if (res.status == 304) {
        report(s, SYNC_OK, NULL);
        /* A server that held the poll can be asked again at once. */
        out = wait > 0 && res.seconds >= wait / 2 ? ROUND_AGAIN : ROUND_WAIT;
    } else if (res.status == 200) {
        /* Assets resolve against where the manifest really came from
         * (after redirects); without a redirect that is the configured URL. */
        const char *base = res.url[0] && strcmp(res.url, url) != 0 ? res.url : s->url;
        out = take_manifest(s, mb.buf ? mb.buf : "", mb.len, res.etag, base);
    } else {
        snprintf(err, sizeof err, "%s: %s", s->url, res.err[0] ? res.err : "unexpected answer");
        report(s, SYNC_ERROR, err);
    }
    free(mb.buf);
    return out;
}

static void *run(void *arg)
{
    syncer *s = arg;
    report_cache(s);
    double last_start = -1e9;
    while (!quitting(s)) {
        /* Never more than one request a second, whatever a broken server
         * answers (an ETag that changes every time, a held poll that is not). */
        double since = monoclock_now() - last_start;
        if (since < 1.0) nap(s, 1.0 - since);
        if (quitting(s)) break;
        last_start = monoclock_now();
        repair(s);
        if (complete_current(s) != 0) {
            s->failures++;
            nap(s, sync_backoff(s->failures, s->o.retry_max, uniform()));
            continue;
        }
        round_result r = round_once(s);
        if (quitting(s)) break;
        if (r == ROUND_FAILED) {
            s->failures++;
            nap(s, sync_backoff(s->failures, s->o.retry_max, uniform()));
        } else {
            s->failures = 0;
            if (r == ROUND_WAIT) nap(s, sync_poll_delay(s->o.poll_interval, uniform()));
        }
    }
    return NULL;
}

/* ---- lifecycle ---------------------------------------------------------------- */

int sync_start(const sync_opts *o, syncer **out, char *err, size_t errlen)
{
    syncer *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->o = *o;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&s->stop, 0);
    atomic_init(&s->poke, 0);
    fetch_opts net = o->net;
    net.stop = &s->stop;
    if (!(s->url = strdup(o->manifest_url)) || !(s->tz = strdup(o->default_tz)) ||
        fetch_open(&net, &s->net, err, errlen) != 0)
        goto fail;
    if (o->current) {
        s->cur = deck_ref(o->current);
        char e[256];
        if (cache_get_manifest(o->cache, &s->cur_text, &s->cur_len, e, sizeof e) == 0)
            cache_get_etag(o->cache, s->etag, sizeof s->etag);
    }
    s->o.current = NULL;
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        snprintf(err, errlen, "cannot start the sync thread");
        goto fail;
    }
    s->started = true;
    *out = s;
    return 0;
fail:
    if (!err[0]) snprintf(err, errlen, "out of memory");
    sync_stop(s);
    return -1;
}

void sync_stop(syncer *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->stop, 1);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started) pthread_join(s->thread, NULL);
    fetch_close(s->net);
    deck_unref(s->mailbox);
    deck_unref(s->cur);
    free(s->cur_text);
    free(s->verified);
    free(s->url);
    free(s->tz);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

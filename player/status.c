/* status.c - the status board and its JSON. */
#include "status.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

struct status_board {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    status_snapshot s;
    double started;
    int pid;
    bool kicked;
    bool shot_wanted;
    uint8_t *shot;
    int shot_w, shot_h, shot_stride;
};

int status_board_new(const char *player, const char *display, double started, status_board **out)
{
    status_board *b = calloc(1, sizeof *b);
    if (!b) return -1;
    pthread_mutex_init(&b->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b->cv, &ca);
    pthread_condattr_destroy(&ca);
    snprintf(b->s.player, sizeof b->s.player, "%s", player);
    snprintf(b->s.display, sizeof b->s.display, "%s", display ? display : "");
    b->started = started;
    b->pid = (int)getpid();
    *out = b;
    return 0;
}

void status_board_free(status_board *b)
{
    if (!b) return;
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
    free(b->shot);
    free(b);
}

/* Callers hold the lock. */
static void changed(status_board *b)
{
    b->s.changes++;
    pthread_cond_broadcast(&b->cv);
}

static bool set_str(char *dst, size_t len, const char *v)
{
    if (!v) v = "";
    if (strncmp(dst, v, len) == 0) return false;
    snprintf(dst, len, "%s", v);
    return true;
}

void status_set_showing(status_board *b, const char *kind, const char *id, int active_slides)
{
    pthread_mutex_lock(&b->mu);
    bool ch = set_str(b->s.showing_kind, sizeof b->s.showing_kind, kind);
    ch |= set_str(b->s.showing_id, sizeof b->s.showing_id, id);
    if (b->s.active_slides != active_slides) {
        b->s.active_slides = active_slides;
        ch = true;
    }
    if (ch) changed(b);
    pthread_mutex_unlock(&b->mu);
}

void status_set_version(status_board *b, const char *v)
{
    pthread_mutex_lock(&b->mu);
    if (set_str(b->s.manifest_version, sizeof b->s.manifest_version, v)) changed(b);
    pthread_mutex_unlock(&b->mu);
}

void status_set_screen(status_board *b, int width, int height)
{
    pthread_mutex_lock(&b->mu);
    if (b->s.screen_w != width || b->s.screen_h != height) {
        b->s.screen_w = width;
        b->s.screen_h = height;
        changed(b);
    }
    pthread_mutex_unlock(&b->mu);
}

void status_set_health(status_board *b, const char *state, const char *problem, int recoveries)
{
    pthread_mutex_lock(&b->mu);
    if (strcmp(b->s.health, state) != 0 || b->s.recoveries != recoveries ||
        (problem && strcmp(b->s.health_problem, problem) != 0)) {
        snprintf(b->s.health, sizeof b->s.health, "%s", state);
        if (problem) snprintf(b->s.health_problem, sizeof b->s.health_problem, "%s", problem);
        b->s.recoveries = recoveries;
        changed(b);
    }
    pthread_mutex_unlock(&b->mu);
}

void status_set_last_restart(status_board *b, const char *why)
{
    pthread_mutex_lock(&b->mu);
    snprintf(b->s.last_restart, sizeof b->s.last_restart, "%s", why);
    changed(b);
    pthread_mutex_unlock(&b->mu);
}

void status_note_beat(status_board *b)
{
    pthread_mutex_lock(&b->mu);
    b->s.beats++; /* not a change of what is shown: no rewrite of the file */
    pthread_mutex_unlock(&b->mu);
}

void status_set_attempt(status_board *b, int64_t when)
{
    pthread_mutex_lock(&b->mu);
    b->s.last_attempt = when;
    /* not a change worth a rewrite by itself: the 5 s rewrite carries it */
    pthread_mutex_unlock(&b->mu);
}

void status_set_sync(status_board *b, sync_state s, int64_t when, const char *error)
{
    pthread_mutex_lock(&b->mu);
    bool ch = b->s.sync != s;
    b->s.sync = s;
    if (s == SYNC_OK) {
        b->s.last_success = when;
    } else if (error) {
        ch |= set_str(b->s.last_error, sizeof b->s.last_error, error);
    }
    if (ch) changed(b);
    pthread_mutex_unlock(&b->mu);
}

void status_set_progress(status_board *b, int done, int total)
{
    pthread_mutex_lock(&b->mu);
    if (b->s.progress_done != done || b->s.progress_total != total) {
        b->s.progress_done = done;
        b->s.progress_total = total;
        changed(b);
    }
    pthread_mutex_unlock(&b->mu);
}

void status_set_cache(status_board *b, int64_t bytes, int64_t files)
{
    pthread_mutex_lock(&b->mu);
    if (b->s.cache_bytes != bytes || b->s.cache_files != files) {
        b->s.cache_bytes = bytes;
        b->s.cache_files = files;
        changed(b);
    }
    pthread_mutex_unlock(&b->mu);
}

void status_get(status_board *b, double now_mono, status_snapshot *out)
{
    pthread_mutex_lock(&b->mu);
    *out = b->s;
    pthread_mutex_unlock(&b->mu);
    out->uptime_s = now_mono - b->started;
    out->pid = b->pid;
}

uint64_t status_wait(status_board *b, uint64_t seen, double timeout_s)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    long long ns = (long long)(timeout_s * 1e9) + until.tv_nsec;
    until.tv_sec += (time_t)(ns / 1000000000);
    until.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&b->mu);
    while (b->s.changes == seen && !b->kicked && !b->shot &&
           pthread_cond_timedwait(&b->cv, &b->mu, &until) != ETIMEDOUT) {
    }
    b->kicked = false;
    uint64_t c = b->s.changes;
    pthread_mutex_unlock(&b->mu);
    return c;
}

void status_kick(status_board *b)
{
    pthread_mutex_lock(&b->mu);
    b->kicked = true;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

void status_request_screenshot(status_board *b)
{
    pthread_mutex_lock(&b->mu);
    b->shot_wanted = true;
    pthread_mutex_unlock(&b->mu);
}

bool status_screenshot_requested(status_board *b)
{
    pthread_mutex_lock(&b->mu);
    bool w = b->shot_wanted;
    pthread_mutex_unlock(&b->mu);
    return w;
}

void status_put_screenshot(status_board *b, uint8_t *rgba, int w, int h, int stride)
{
    pthread_mutex_lock(&b->mu);
    free(b->shot);
    b->shot = rgba;
    b->shot_w = w;
    b->shot_h = h;
    b->shot_stride = stride;
    b->shot_wanted = false;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

bool status_take_screenshot(status_board *b, uint8_t **rgba, int *w, int *h, int *stride)
{
    pthread_mutex_lock(&b->mu);
    bool got = b->shot != NULL;
    if (got) {
        *rgba = b->shot;
        *w = b->shot_w;
        *h = b->shot_h;
        *stride = b->shot_stride;
        b->shot = NULL;
    }
    pthread_mutex_unlock(&b->mu);
    return got;
}

const char *status_sync_name(sync_state s)
{
    switch (s) {
    case SYNC_OK:
        return "ok";
    case SYNC_OFFLINE:
        return "offline";
    case SYNC_ERROR:
        return "error";
    case SYNC_DISABLED:
        break;
    }
    return "disabled";
}

void status_iso8601(int64_t t, char *buf, size_t len)
{
    if (t <= 0 || len < 21) {
        if (len) buf[0] = '\0';
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* null for an unknown time, so readers need not parse "" */
static json_t *iso_or_null(int64_t t)
{
    char buf[32];
    status_iso8601(t, buf, sizeof buf);
    return buf[0] ? json_string(buf) : json_null();
}

char *status_json(const status_snapshot *s)
{
    json_t *showing =
        json_pack("{s:s, s:s?}", "kind", s->showing_kind[0] ? s->showing_kind : "none", "id",
                  s->showing_id[0] ? s->showing_id : NULL);
    json_t *sync =
        json_pack("{s:s, s:o, s:o, s:s?}", "state", status_sync_name(s->sync), "last_attempt",
                  iso_or_null(s->last_attempt), "last_success", iso_or_null(s->last_success),
                  "last_error", s->last_error[0] ? s->last_error : NULL);
    if (sync && s->progress_total > 0)
        json_object_set_new(
            sync, "progress",
            json_pack("{s:i, s:i}", "done", s->progress_done, "total", s->progress_total));
    json_t *root = json_pack(
        "{s:s, s:s, s:s?, s:o, s:i, s:o, s:{s:I, s:I}, s:I}", "player", s->player, "display",
        s->display, "manifest_version", s->manifest_version[0] ? s->manifest_version : NULL,
        "showing", showing ? showing : json_null(), "active_slides", s->active_slides, "sync",
        sync ? sync : json_null(), "cache", "bytes", (json_int_t)s->cache_bytes, "files",
        (json_int_t)s->cache_files, "uptime_s", (json_int_t)s->uptime_s);
    if (root && s->pid > 0) json_object_set_new(root, "pid", json_integer(s->pid));
    if (root)
        json_object_set_new(
            root, "health",
            json_pack("{s:s, s:s?, s:i, s:s?}", "state", s->health[0] ? s->health : "ok", "problem",
                      s->health_problem[0] ? s->health_problem : NULL, "recoveries", s->recoveries,
                      "last_restart", s->last_restart[0] ? s->last_restart : NULL));
    if (!root) return NULL;
    if (s->screen_w > 0 && s->screen_h > 0)
        json_object_set_new(root, "screen",
                            json_pack("{s:i, s:i}", "width", s->screen_w, "height", s->screen_h));
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    return text;
}

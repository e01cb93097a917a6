/* report.c - status file, heartbeat and screenshots. */
#include "report.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORT_REPLY_MAX (64 * 1024)

#include "fileio.h"
#include "image.h"
#include "log.h"
#include "monoclock.h"

struct report {
    report_opts o;
    char *status_file, *status_url, *screenshot_url;
    fetch *net;
    atomic_int stop;
    pthread_t thread;
    bool started;
    char file_error[512]; /* last status-file error, logged once */
};

static void write_file(report *r, const char *json)
{
    char err[512];
    if (fileio_write_atomic(r->status_file, json, strlen(json), 0, err, sizeof err) != 0) {
        if (strcmp(err, r->file_error) != 0) log_msg(LOG_WARN, "status file: %s", err);
        snprintf(r->file_error, sizeof r->file_error, "%s", err);
    } else {
        r->file_error[0] = '\0';
    }
}

/* Sends a heartbeat; returns true when the server asked for a screenshot.
 * *delivered: the server took it. */
static bool heartbeat(report *r, const char *json, bool *delivered)
{
    fetch_mem b = {0};
    fetch_req q = {.url = r->status_url,
                   .content_type = "application/json",
                   .body = json,
                   .body_len = strlen(json),
                   .max_bytes = REPORT_REPLY_MAX,
                   .sink = fetch_to_mem,
                   .user = &b};
    fetch_res res;
    bool want = false;
    if (fetch_do(r->net, &q, &res) == 0 && res.status >= 200 && res.status < 300) {
        *delivered = true;
        json_t *root = b.buf ? json_loadb(b.buf, b.len, 0, NULL) : NULL;
        want = root && json_is_true(json_object_get(root, "screenshot"));
        json_decref(root);
    } else {
        log_msg(LOG_DEBUG, "heartbeat: %s", res.err);
    }
    free(b.buf);
    return want;
}

static void send_screenshot(report *r)
{
    uint8_t *px;
    int w, h, stride;
    if (!status_take_screenshot(r->o.board, &px, &w, &h, &stride)) return;
    image_rgba full = {.width = w, .height = h, .stride = stride, .pixels = px}, small = {0};
    int sw = w > REPORT_SHOT_WIDTH ? REPORT_SHOT_WIDTH : w;
    int sh = (int)((int64_t)h * sw / w);
    if (sh < 1) sh = 1;
    uint8_t *jpg = NULL;
    size_t len = 0;
    char err[256];
    if (image_resize(&full, sw, sh, &small) == 0 &&
        image_encode_jpeg(&small, 80, &jpg, &len, err, sizeof err) == 0 && r->screenshot_url) {
        fetch_req q = {.url = r->screenshot_url,
                       .content_type = "image/jpeg",
                       .body = jpg,
                       .body_len = len,
                       .max_bytes = REPORT_REPLY_MAX};
        fetch_res res;
        if (fetch_do(r->net, &q, &res) != 0 || res.status >= 300)
            log_msg(LOG_WARN, "screenshot upload: %s", res.err);
        else
            log_msg(LOG_INFO, "screenshot sent (%dx%d, %zu bytes)", sw, sh, len);
    }
    free(jpg);
    image_free(&small);
    image_free(&full);
}

static void *run(void *arg)
{
    report *r = arg;
    double next_file = 0, next_beat = monoclock_now() + 1.0; /* first heartbeat soon after start */
    uint64_t seen = 0;
    bool last_round = false;
    char health_sent[16] = "ok";
    while (true) {
        if (atomic_load(&r->stop)) last_round = true;
        double now = monoclock_now();
        status_snapshot snap;
        status_get(r->o.board, now, &snap);
        bool changed = snap.changes != seen;
        seen = snap.changes;
        char *json = NULL;
        if (r->status_file && (changed || now >= next_file || last_round)) {
            json = status_json(&snap);
            if (json) write_file(r, json);
            next_file = now + REPORT_FILE_INTERVAL;
        }
        if (last_round) {
            free(json);
            break;
        }
        /* A self-check problem is news for the dashboard now, not at the
         * next heartbeat a minute away. */
        bool health_news = snap.health[0] && strcmp(snap.health, health_sent) != 0;
        if (r->status_url && (now >= next_beat || health_news)) {
            snprintf(health_sent, sizeof health_sent, "%s", snap.health[0] ? snap.health : "ok");
            if (!json) json = status_json(&snap);
            bool delivered = false;
            if (json && heartbeat(r, json, &delivered)) status_request_screenshot(r->o.board);
            if (delivered) status_note_beat(r->o.board);
            next_beat = monoclock_now() + r->o.heartbeat_interval;
        }
        free(json);
        send_screenshot(r);
        double until = next_file;
        if (r->status_url && next_beat < until) until = next_beat;
        double wait = until - monoclock_now();
        if (wait > 0) status_wait(r->o.board, seen, wait);
    }
    return NULL;
}

int report_start(const report_opts *o, report **out, char *err, size_t errlen)
{
    report *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->o = *o;
    atomic_init(&r->stop, 0);
    fetch_opts net = o->net;
    net.stop = &r->stop;
    if ((o->status_file && !(r->status_file = strdup(o->status_file))) ||
        (o->status_url && !(r->status_url = strdup(o->status_url))) ||
        (o->screenshot_url && !(r->screenshot_url = strdup(o->screenshot_url))) ||
        (o->status_url && fetch_open(&net, &r->net, err, errlen) != 0)) {
        report_stop(r);
        return -1;
    }
    if (pthread_create(&r->thread, NULL, run, r) != 0) {
        snprintf(err, errlen, "cannot start the report thread");
        report_stop(r);
        return -1;
    }
    r->started = true;
    *out = r;
    return 0;
}

void report_stop(report *r)
{
    if (!r) return;
    atomic_store(&r->stop, 1);
    status_kick(r->o.board);
    if (r->started) pthread_join(r->thread, NULL);
    fetch_close(r->net);
    free(r->status_file);
    free(r->status_url);
    free(r->screenshot_url);
    free(r);
}

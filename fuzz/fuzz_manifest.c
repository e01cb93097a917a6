/* fuzz_manifest.c - the v1 manifest parser (player/manifest.c).
 *
 * The input is the manifest text itself, as the player reads it from a
 * content folder, its sync cache or a server.  After manifest_parse() the
 * schedules it produced are evaluated the way the player evaluates them
 * (on air now?  when does that change?) in the display's zone when the
 * manifest names one, so the values the parser let through are used, not
 * just stored.  The checks below are the header's promises: -1 means
 * nothing was produced, 0 means every pointer is usable and within its
 * limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "manifest.h"
#include "schedule.h"
#include "tz.h"

/* Fixed instants: reproducible, and around the demo deck's dates. */
static const int64_t INSTANTS[] = {0, 1767225600 /* 2026-01-01 */, 1780000000, 4102444800};

static void check_text(const char *s, size_t max)
{
    if (s && strlen(s) > max) abort(); /* the parser promised this limit */
}

static void use_schedule(const schedule *s, const tz_zone *zone)
{
    if (s->n_hours > SCHEDULE_MAX_HOURS) abort();
    for (size_t i = 0; i < sizeof INSTANTS / sizeof INSTANTS[0]; i++) {
        (void)schedule_on_air(s, INSTANTS[i], zone);
        int64_t next = schedule_next_change(s, INSTANTS[i], zone, 8 * 86400);
        if (next <= INSTANTS[i] || next > INSTANTS[i] + 8 * 86400)
            abort(); /* "the next instant after utc, at most horizon later" */
    }
}

static void check_media(const manifest_media *m)
{
    if (!manifest_sha256_valid(m->sha256) || m->size < 1 || m->size > MANIFEST_MAX_ASSET_BYTES ||
        !m->url)
        abort();
    check_text(m->url, MANIFEST_MAX_URL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_list d;
    diag_init(&d);
    manifest *m = NULL;
    int rc = manifest_parse((const char *)data, size, "fuzz.json", &m, &d);
    if (rc != 0) {
        if (m) abort(); /* "nothing is produced" */
        diag_free(&d);
        return 0;
    }
    if (!m || m->schema != MANIFEST_SCHEMA || !m->version) abort();
    if (d.n > DIAG_MAX + 1) abort();
    if (m->n_slides > MANIFEST_MAX_SLIDES || m->n_ticker > MANIFEST_MAX_TICKER ||
        m->n_alerts > MANIFEST_MAX_ALERTS)
        abort();

    tz_zone *zone = NULL;
    char err[512];
    if (!m->timezone || tz_load(m->timezone, NULL, &zone, err, sizeof err) != 0)
        zone = tz_fixed(8 * 3600); /* what the player falls back on */

    check_text(m->title, MANIFEST_MAX_TITLE);
    check_text(m->subtitle, MANIFEST_MAX_TITLE);
    if (m->has_logo) check_media(&m->logo);
    for (size_t i = 0; i < m->n_slides; i++) {
        const manifest_slide *s = &m->slides[i];
        if (!s->id || !*s->id || strlen(s->id) > MANIFEST_MAX_ID) abort();
        if (s->duration < MANIFEST_MIN_DURATION || s->duration > MANIFEST_MAX_DURATION) abort();
        if (s->kind == SLIDE_IMAGE && !s->has_media) abort();
        if (s->kind == SLIDE_NOTICE && !s->title && !s->body && !s->has_media) abort();
        if (s->has_media) check_media(&s->media);
        check_text(s->title, MANIFEST_MAX_TITLE);
        check_text(s->caption, MANIFEST_MAX_TITLE);
        check_text(s->body, MANIFEST_MAX_TEXT);
        check_text(s->link, MANIFEST_MAX_URL);
        /* ids are unique: the first one wins */
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->slides[j].id, s->id) == 0) abort();
        use_schedule(&s->sched, zone);
    }
    for (size_t i = 0; i < m->n_ticker; i++) {
        if (!m->ticker[i].id || !m->ticker[i].text) abort();
        check_text(m->ticker[i].text, MANIFEST_MAX_TEXT);
        use_schedule(&m->ticker[i].sched, zone);
    }
    for (size_t i = 0; i < m->n_alerts; i++) {
        if (!m->alerts[i].id || !m->alerts[i].title) abort();
        check_text(m->alerts[i].body, MANIFEST_MAX_TEXT);
        use_schedule(&m->alerts[i].sched, zone);
    }
    tz_free(zone);
    manifest_free(m);
    diag_free(&d);
    return 0;
}

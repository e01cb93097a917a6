#include "manifest.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

/* Where we are, for messages, and what a problem found there costs. */
typedef struct ctx {
    const char *source;
    diag_list *diags;
    diag_level level; /* of a problem that makes the current thing unusable */
    const char *then; /* what follows from it: "slide dropped", "ignored" */
    char where[512];  /* JSON path, then the id once known: slides[3] (id "n2") */
    bool oom;         /* an allocation failed: the whole parse fails */
} ctx;

static void vproblem(ctx *c, diag_level level, const char *then, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void vproblem(ctx *c, diag_level level, const char *then, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    diag_add(c->diags, level, "%s: %s%s%s%s%s", c->source, c->where, c->where[0] ? ": " : "", msg,
             then ? "; " : "", then ? then : "");
}

/* A problem that makes the current item (or optional value) unusable. */
static void bad(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(c, c->level, c->then, fmt, ap);
    va_end(ap);
}

/* A value that is ignored or corrected; the message says what is used. */
static void warn(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(c, DIAG_WARNING, NULL, fmt, ap);
    va_end(ap);
}

/* A short, printable account of a JSON value for messages: `string "video"`,
 * `integer 7`, `object`.  Strings are cut to 40 bytes on a character boundary
 * and control characters, quotes and backslashes shown as '?', so hostile
 * content cannot forge or split log lines. */
static const char *describe(const json_t *v, char *buf, size_t n)
{
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v), k = len > 40 ? 40 : len;
        while (k > 0 && k < len && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        char tmp[48];
        for (size_t i = 0; i < k; i++) {
            unsigned char ch = (unsigned char)s[i];
            tmp[i] = ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\' ? '?' : (char)ch;
        }
        tmp[k] = '\0';
        snprintf(buf, n, "string \"%s%s\"", tmp, k < len ? "…" : "");
        break;
    }
    case JSON_INTEGER: snprintf(buf, n, "integer %lld", (long long)json_integer_value(v)); break;
    case JSON_REAL: snprintf(buf, n, "number %g", json_real_value(v)); break;
    case JSON_OBJECT: snprintf(buf, n, "object"); break;
    case JSON_ARRAY: snprintf(buf, n, "array"); break;
    case JSON_TRUE: snprintf(buf, n, "true"); break;
    case JSON_FALSE: snprintf(buf, n, "false"); break;
    case JSON_NULL: snprintf(buf, n, "null"); break;
    }
    return buf;
}

#define DESCRIBE(v) describe((v), (char[96]){0}, 96)

/* A required field that is absent or of the wrong kind.  Returns -1. */
static int bad_field(ctx *c, const char *label, const char *expected, const json_t *v)
{
    if (!v)
        bad(c, "\"%s\": missing (expected %s)", label, expected);
    else
        bad(c, "\"%s\": expected %s, got %s", label, expected, DESCRIBE(v));
    return -1;
}

/* A string value as a C string, or NULL when v is no string or holds a NUL
 * (which would hide the rest from strcmp and the field parsers). */
static const char *cstr(const json_t *v)
{
    if (!json_is_string(v) || memchr(json_string_value(v), '\0', json_string_length(v)))
        return NULL;
    return json_string_value(v);
}

/* Optional fields: absent and null mean the same. */
static const json_t *get_opt(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v) ? v : NULL;
}

typedef enum { TEXT_OK, TEXT_NUL, TEXT_TOO_LONG, TEXT_BAD_UTF8, TEXT_CONTROL } text_check;

/* Can string value v be used as text of at most max bytes?  `lines`: a body,
 * where newlines and tabs are allowed. */
static text_check check_text(const json_t *v, size_t max, bool lines)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (memchr(s, '\0', n))
        return TEXT_NUL;
    if (n > max)
        return TEXT_TOO_LONG;
    /* utf8_repair() turned every invalid byte into U+FFFD before parsing. */
    if (strstr(s, "\xEF\xBF\xBD"))
        return TEXT_BAD_UTF8;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
            return TEXT_CONTROL;
    return TEXT_OK;
}

static void text_problem(ctx *c, bool soft, const char *label, text_check k, const json_t *v,
                         size_t max)
{
    char msg[160];
    switch (k) {
    case TEXT_NUL: snprintf(msg, sizeof msg, "contains a NUL character (\\u0000)"); break;
    case TEXT_TOO_LONG:
        snprintf(msg, sizeof msg, "%zu bytes, more than the limit of %zu", json_string_length(v),
                 max);
        break;
    case TEXT_BAD_UTF8:
        snprintf(msg, sizeof msg, "contains U+FFFD (invalid UTF-8 in the file)");
        break;
    case TEXT_CONTROL: snprintf(msg, sizeof msg, "contains control characters"); break;
    case TEXT_OK: return;
    }
    if (soft)
        warn(c, "\"%s\": %s; ignored", label, msg);
    else
        bad(c, "\"%s\": %s", label, msg);
}

static char *dup_text(ctx *c, const char *s)
{
    char *d = strdup(s);
    if (!d)
        c->oom = true;
    return d;
}

/* An optional string field `key` of obj, named `label` in messages.  Returns
 * 0 with *out a copy, or NULL when absent, null or ""; -1 when invalid
 * (reported at c->level). */
static int get_text(ctx *c, const json_t *obj, const char *key, const char *label, size_t max,
                    bool lines, char **out)
{
    *out = NULL;
    const json_t *v = get_opt(obj, key);
    if (!v)
        return 0;
    if (!json_is_string(v))
        return bad_field(c, label, "a string", v);
    text_check k = check_text(v, max, lines);
    if (k != TEXT_OK) {
        text_problem(c, false, label, k, v, max);
        return -1;
    }
    if (json_string_length(v) == 0)
        return 0;
    *out = dup_text(c, json_string_value(v));
    return *out ? 0 : -1;
}

bool manifest_sha256_valid(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* A JSON string holding a hash (a \u0000 inside makes its length differ). */
static bool is_hex64(const json_t *v)
{
    return json_string_length(v) == 64 && manifest_sha256_valid(json_string_value(v));
}

int manifest_media_type_parse(const char *mime, media_type *out)
{
    if (!strcmp(mime, "image/jpeg"))
        *out = MEDIA_JPEG;
    else if (!strcmp(mime, "image/png"))
        *out = MEDIA_PNG;
    else if (!strcmp(mime, "image/webp"))
        *out = MEDIA_WEBP;
    else
        return -1;
    return 0;
}

const char *manifest_media_type_name(media_type t)
{
    switch (t) {
    case MEDIA_JPEG: return "image/jpeg";
    case MEDIA_PNG: return "image/png";
    case MEDIA_WEBP: return "image/webp";
    }
    return "?";
}

static void media_free(manifest_media *m)
{
    free(m->url);
    m->url = NULL;
}

/* MEDIA under `key` ("media", "logo").  On failure *m holds nothing to free. */
static int parse_media(ctx *c, const json_t *v, const char *key, manifest_media *m)
{
    memset(m, 0, sizeof *m);
    if (!json_is_object(v))
        return bad_field(c, key, "an object {\"sha256\", \"size\", \"type\", \"url\"}", v);
    char label[32];
    const json_t *sha = json_object_get(v, "sha256");
    snprintf(label, sizeof label, "%s.sha256", key);
    if (!json_is_string(sha) || !is_hex64(sha))
        return bad_field(c, label, "64 lowercase hex digits", sha);
    const json_t *size = json_object_get(v, "size");
    snprintf(label, sizeof label, "%s.size", key);
    if (!json_is_integer(size) || json_integer_value(size) < 1 ||
        json_integer_value(size) > MANIFEST_MAX_ASSET_BYTES) {
        char want[64];
        snprintf(want, sizeof want, "a whole number of bytes from 1 to %lld",
                 (long long)MANIFEST_MAX_ASSET_BYTES);
        return bad_field(c, label, want, size);
    }
    const json_t *type = json_object_get(v, "type");
    snprintf(label, sizeof label, "%s.type", key);
    if (!cstr(type) || manifest_media_type_parse(cstr(type), &m->type))
        return bad_field(c, label, "\"image/jpeg\", \"image/png\" or \"image/webp\"", type);
    snprintf(label, sizeof label, "%s.url", key);
    if (get_text(c, v, "url", label, MANIFEST_MAX_URL, false, &m->url) != 0)
        return -1;
    if (!m->url) {
        bad(c, "\"%s\": missing or empty", label);
        return -1;
    }
    memcpy(m->sha256, json_string_value(sha), 65);
    m->size = json_integer_value(size);
    return 0;
}

static int parse_schedule(ctx *c, const json_t *obj, schedule *s)
{
    schedule_init(s);
    static const char *const bounds[] = {"start", "end"};
    for (int i = 0; i < 2; i++) {
        const json_t *v = get_opt(obj, bounds[i]);
        int64_t t;
        if (!v)
            continue;
        if (!cstr(v) || schedule_parse_instant(cstr(v), &t) != 0)
            return bad_field(c, bounds[i],
                             "an ISO-8601 time with offset like \"2026-12-05T09:00:00+08:00\"", v);
        if (i == 0) {
            s->has_start = true;
            s->start = t;
        } else {
            s->has_end = true;
            s->end = t;
        }
    }
    if (s->has_start && s->has_end && s->start >= s->end) {
        bad(c, "\"end\": not after \"start\" (never on air)");
        return -1;
    }

    const json_t *days = get_opt(obj, "days");
    if (days) {
        if (!json_is_array(days))
            return bad_field(c, "days", "an array like [\"mon\", \"tue\"]", days);
        size_t i;
        const json_t *d;
        json_array_foreach(days, i, d)
        {
            int wd;
            if (!cstr(d) || schedule_parse_day(cstr(d), &wd) != 0 ||
                wd < 0 || wd > 6) {
                char label[32];
                snprintf(label, sizeof label, "days[%zu]", i);
                return bad_field(c, label, "mon, tue, wed, thu, fri, sat or sun", d);
            }
            s->days |= (uint8_t)(1u << wd);
        }
        if (json_array_size(days) == 0)
            warn(c, "\"days\": empty list; treated as every day");
    }

    const json_t *hours = get_opt(obj, "hours");
    if (hours) {
        if (!json_is_array(hours))
            return bad_field(c, "hours", "an array like [{\"from\": \"08:00\", \"to\": \"18:00\"}]",
                             hours);
        if (json_array_size(hours) > SCHEDULE_MAX_HOURS) {
            bad(c, "\"hours\": %zu ranges, more than the limit of %d", json_array_size(hours),
                SCHEDULE_MAX_HOURS);
            return -1;
        }
        size_t i, empty = 0;
        const json_t *h;
        json_array_foreach(hours, i, h)
        {
            char label[48]; /* "hours[" + up to 20 digits + "].from" */
            snprintf(label, sizeof label, "hours[%zu]", i);
            if (!json_is_object(h))
                return bad_field(c, label, "an object {\"from\": \"HH:MM\", \"to\": \"HH:MM\"}", h);
            int m[2];
            static const char *const ends[] = {"from", "to"};
            for (int e = 0; e < 2; e++) {
                const json_t *v = json_object_get(h, ends[e]);
                if (!cstr(v) || schedule_parse_clock(cstr(v), e, &m[e]) != 0) {
                    snprintf(label, sizeof label, "hours[%zu].%s", i, ends[e]);
                    return bad_field(c, label,
                                     e ? "a time from \"00:00\" to \"24:00\""
                                       : "a time from \"00:00\" to \"23:59\"",
                                     v);
                }
            }
            if (m[0] == m[1]) {
                /* An empty range adds nothing; the others may still hold. */
                warn(c, "\"%s\": \"from\" equals \"to\", an empty range; ignored", label);
                empty++;
                continue;
            }
            s->hours[s->n_hours++] = (schedule_hours){m[0], m[1]};
        }
        /* Without a range left, n_hours == 0 would mean "all day". */
        if (empty && s->n_hours == 0) {
            bad(c, "\"hours\": only empty ranges (never on air)");
            return -1;
        }
    }
    return 0;
}

/* From here on, messages about the item name its id too. */
static void where_add_id(ctx *c, const char *id)
{
    size_t n = strlen(c->where);
    snprintf(c->where + n, sizeof c->where - n, " (id \"%s\")", id);
}

static int parse_id(ctx *c, const json_t *obj, char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(obj, "id");
    if (!json_is_string(v) || json_string_length(v) == 0)
        return bad_field(c, "id", "a non-empty string", v);
    if (get_text(c, obj, "id", "id", MANIFEST_MAX_ID, false, out) != 0)
        return -1;
    where_add_id(c, *out);
    return 0;
}

static bool has_http_scheme(const char *s)
{
    size_t n = !strncasecmp(s, "https://", 8) ? 8 : !strncasecmp(s, "http://", 7) ? 7 : 0;
    return n && s[n] && s[n] != '/';
}

/* The link is decoration: a bad one is dropped with a warning and the slide
 * stays.  Only damaged text (NUL, invalid UTF-8) drops the slide. */
static int parse_link(ctx *c, const json_t *obj, char **out)
{
    *out = NULL;
    const json_t *v = get_opt(obj, "link");
    if (!v)
        return 0;
    if (!json_is_string(v)) {
        warn(c, "\"link\": expected an http(s) URL, got %s; no QR code", DESCRIBE(v));
        return 0;
    }
    text_check k = check_text(v, MANIFEST_MAX_URL, false);
    if (k == TEXT_NUL || k == TEXT_BAD_UTF8) {
        text_problem(c, false, "link", k, v, MANIFEST_MAX_URL);
        return -1;
    }
    if (k != TEXT_OK) {
        text_problem(c, true, "link", k, v, MANIFEST_MAX_URL);
        return 0;
    }
    if (json_string_length(v) == 0)
        return 0;
    if (!has_http_scheme(json_string_value(v))) {
        warn(c, "\"link\": %s is not an http:// or https:// URL; no QR code", DESCRIBE(v));
        return 0;
    }
    *out = dup_text(c, json_string_value(v));
    return *out ? 0 : -1;
}

/* Reads an optional enumerated field; anything else keeps *out (the
 * default) with a warning. */
static void get_enum(ctx *c, const json_t *obj, const char *key, const char *const *names,
                     const int *values, size_t n, const char *fallback, int *out)
{
    const json_t *v = get_opt(obj, key);
    if (!v)
        return;
    if (cstr(v))
        for (size_t i = 0; i < n; i++)
            if (!strcmp(cstr(v), names[i])) {
                *out = values[i];
                return;
            }
    char list[96] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"",
                 i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
    warn(c, "\"%s\": expected %s, got %s; using \"%s\"", key, list, DESCRIBE(v), fallback);
}

static void slide_free(manifest_slide *s)
{
    free(s->id);
    free(s->link);
    media_free(&s->media);
    free(s->caption);
    free(s->title);
    free(s->body);
    memset(s, 0, sizeof *s);
}

static int parse_slide(ctx *c, const json_t *v, manifest_slide *s)
{
    if (parse_id(c, v, &s->id) != 0)
        return -1;

    const json_t *kind = json_object_get(v, "kind");
    if (cstr(kind) && !strcmp(cstr(kind), "image"))
        s->kind = SLIDE_IMAGE;
    else if (cstr(kind) && !strcmp(cstr(kind), "notice"))
        s->kind = SLIDE_NOTICE;
    else
        return bad_field(c, "kind", "\"image\" or \"notice\"", kind);

    s->duration = MANIFEST_DEFAULT_DURATION;
    const json_t *dur = get_opt(v, "duration");
    if (dur) {
        /* jansson refuses 1e400 and NaN, so a number is finite here. */
        if (!json_is_number(dur) || !isfinite(json_number_value(dur)))
            return bad_field(c, "duration", "a number of seconds", dur);
        double d = json_number_value(dur);
        if (d < MANIFEST_MIN_DURATION || d > MANIFEST_MAX_DURATION) {
            double k = d < MANIFEST_MIN_DURATION ? MANIFEST_MIN_DURATION : MANIFEST_MAX_DURATION;
            warn(c, "\"duration\": %g s is outside %g..%g s; using %g s", d, MANIFEST_MIN_DURATION,
                 MANIFEST_MAX_DURATION, k);
            d = k;
        }
        s->duration = d;
        s->duration_set = true;
    }

    static const char *const tr_names[] = {"cut", "fade", "push"};
    static const int tr_values[] = {TRANSITION_CUT, TRANSITION_FADE, TRANSITION_PUSH};
    int tr = TRANSITION_FADE;
    get_enum(c, v, "transition", tr_names, tr_values, 3, "fade", &tr);
    s->transition = (transition_kind)tr;

    if (parse_link(c, v, &s->link) != 0)
        return -1;

    const json_t *media = get_opt(v, "media");
    if (media) {
        if (parse_media(c, media, "media", &s->media) != 0)
            return -1;
        s->has_media = true;
    }

    if (s->kind == SLIDE_IMAGE) {
        if (!s->has_media) {
            bad(c, "\"media\": missing (an image slide needs a picture)");
            return -1;
        }
        static const char *const fit_names[] = {"contain", "cover"};
        static const int fit_values[] = {FIT_CONTAIN, FIT_COVER};
        int fit = FIT_CONTAIN;
        get_enum(c, v, "fit", fit_names, fit_values, 2, "contain", &fit);
        s->fit = (fit_mode)fit;
        if (get_text(c, v, "caption", "caption", MANIFEST_MAX_TITLE, false, &s->caption) != 0)
            return -1;
    } else {
        if (get_text(c, v, "title", "title", MANIFEST_MAX_TITLE, false, &s->title) != 0 ||
            get_text(c, v, "body", "body", MANIFEST_MAX_TEXT, true, &s->body) != 0)
            return -1;
        if (!s->title && !s->body) {
            bad(c, "\"title\", \"body\": both missing or empty (a notice needs one)");
            return -1;
        }
    }
    return parse_schedule(c, v, &s->sched);
}

static void ticker_free(manifest_ticker *t)
{
    free(t->id);
    free(t->text);
    memset(t, 0, sizeof *t);
}

static int parse_ticker(ctx *c, const json_t *v, manifest_ticker *t)
{
    if (parse_id(c, v, &t->id) != 0 ||
        get_text(c, v, "text", "text", MANIFEST_MAX_TEXT, true, &t->text) != 0)
        return -1;
    if (!t->text) {
        bad(c, "\"text\": missing or empty");
        return -1;
    }
    return parse_schedule(c, v, &t->sched);
}

static void alert_free(manifest_alert *a)
{
    free(a->id);
    free(a->title);
    free(a->body);
    memset(a, 0, sizeof *a);
}

static int parse_alert(ctx *c, const json_t *v, manifest_alert *a)
{
    if (parse_id(c, v, &a->id) != 0 ||
        get_text(c, v, "title", "title", MANIFEST_MAX_TITLE, false, &a->title) != 0 ||
        get_text(c, v, "body", "body", MANIFEST_MAX_TEXT, true, &a->body) != 0)
        return -1;
    if (!a->title && !(a->title = dup_text(c, "紧急通知")))
        return -1;
    return parse_schedule(c, v, &a->sched);
}

/* The three item lists share their rules through these adapters: each
 * element an object, invalid ones dropped, duplicate ids dropped, a count
 * limit.  Every item struct starts with its id. */
_Static_assert(offsetof(manifest_slide, id) == 0, "id first");
_Static_assert(offsetof(manifest_ticker, id) == 0, "id first");
_Static_assert(offsetof(manifest_alert, id) == 0, "id first");

static int slide_parse_v(ctx *c, const json_t *v, void *p) { return parse_slide(c, v, p); }
static int ticker_parse_v(ctx *c, const json_t *v, void *p) { return parse_ticker(c, v, p); }
static int alert_parse_v(ctx *c, const json_t *v, void *p) { return parse_alert(c, v, p); }
static void slide_free_v(void *p) { slide_free(p); }
static void ticker_free_v(void *p) { ticker_free(p); }
static void alert_free_v(void *p) { alert_free(p); }

typedef struct list_spec {
    const char *key;  /* "slides" */
    const char *then; /* "slide dropped" */
    size_t max, size;
    int (*parse)(ctx *c, const json_t *v, void *item);
    void (*free)(void *item);
} list_spec;

static const list_spec slides_spec = {"slides", "slide dropped", MANIFEST_MAX_SLIDES,
                                      sizeof(manifest_slide), slide_parse_v, slide_free_v};
static const list_spec ticker_spec = {"ticker", "ticker item dropped", MANIFEST_MAX_TICKER,
                                      sizeof(manifest_ticker), ticker_parse_v, ticker_free_v};
static const list_spec alerts_spec = {"alerts", "alert dropped", MANIFEST_MAX_ALERTS,
                                      sizeof(manifest_alert), alert_parse_v, alert_free_v};

static void parse_list(ctx *c, const json_t *root, const list_spec *ls, void **out,
                       size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    const json_t *arr = get_opt(root, ls->key);
    if (!arr)
        return;
    c->where[0] = '\0';
    if (!json_is_array(arr)) {
        diag_add(c->diags, DIAG_ERROR, "%s: \"%s\": expected an array, got %s; no %s",
                 c->source, ls->key, DESCRIBE(arr), ls->key);
        return;
    }
    size_t n = json_array_size(arr);
    if (n > ls->max) {
        diag_add(c->diags, DIAG_ERROR,
                 "%s: \"%s\": %zu items, more than the limit of %zu; %s[%zu] and after dropped",
                 c->source, ls->key, n, ls->max, ls->key, ls->max);
        n = ls->max;
    }
    char *items = calloc(n ? n : 1, ls->size);
    size_t *orig = calloc(n ? n : 1, sizeof *orig); /* kept item -> index in the array */
    if (!items || !orig) {
        free(items);
        free(orig);
        c->oom = true;
        return;
    }
    c->level = DIAG_ERROR;
    c->then = ls->then;
    size_t k = 0;
    for (size_t i = 0; i < n && !c->oom; i++) {
        const json_t *v = json_array_get(arr, i);
        void *item = items + k * ls->size;
        snprintf(c->where, sizeof c->where, "%s[%zu]", ls->key, i);
        if (!json_is_object(v)) {
            bad(c, "expected an object, got %s", DESCRIBE(v));
            continue;
        }
        int r = ls->parse(c, v, item);
        const char *id = *(char **)item;
        size_t j = 0;
        while (r == 0 && j < k && strcmp(*(char **)(items + j * ls->size), id) != 0)
            j++;
        if (r == 0 && j < k) {
            bad(c, "\"id\": duplicate of %s[%zu] (the first one is kept)", ls->key, orig[j]);
            r = -1;
        }
        if (r != 0) {
            ls->free(item);
            continue;
        }
        orig[k++] = i;
    }
    free(orig);
    *out = items;
    *n_out = k;
}

static uint32_t parse_accent(ctx *c, const json_t *theme)
{
    const json_t *v = get_opt(theme, "accent");
    if (!v)
        return MANIFEST_DEFAULT_ACCENT;
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t n = json_is_string(v) ? json_string_length(v) : 0;
    if (s[0] == '#' && (n == 7 || n == 4) && strspn(s + 1, "0123456789abcdefABCDEF") == n - 1) {
        uint32_t x = (uint32_t)strtoul(s + 1, NULL, 16);
        if (n == 4) /* #RGB: each digit doubled */
            x = (x & 0xF00) * 0x1100 | (x & 0x0F0) * 0x110 | (x & 0x00F) * 0x11;
        return x;
    }
    warn(c, "\"accent\": expected a colour like \"#C8102E\" or \"#C12\", got %s; using #%06X",
         DESCRIBE(v), MANIFEST_DEFAULT_ACCENT);
    return MANIFEST_DEFAULT_ACCENT;
}

void manifest_free(manifest *m)
{
    if (!m)
        return;
    free(m->version);
    free(m->display_id);
    free(m->display_name);
    free(m->timezone);
    free(m->title);
    free(m->subtitle);
    media_free(&m->logo);
    for (size_t i = 0; i < m->n_slides; i++)
        slide_free(&m->slides[i]);
    free(m->slides);
    for (size_t i = 0; i < m->n_ticker; i++)
        ticker_free(&m->ticker[i]);
    free(m->ticker);
    for (size_t i = 0; i < m->n_alerts; i++)
        alert_free(&m->alerts[i]);
    free(m->alerts);
    free(m);
}

/* Line and column (1-based, in characters, as jansson counts) of a byte
 * offset; everything before `off` is valid UTF-8. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* The number of values jansson would build (strings, numbers, literals,
 * objects, arrays; object keys count too), found without building them:
 * each costs far more than its bytes ("{}," is ~200 bytes as a tree), so
 * 16 MiB of tiny values could take gigabytes.  Exact for valid JSON; for
 * anything else jansson stops at the first error anyway. */
static size_t count_values(const char *s, size_t len)
{
    size_t n = 0;
    char prev = 0; /* last byte outside strings that is not white space */
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '"') {
            n++;
            for (i++; i < len && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            prev = '"';
        } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            continue;
        } else {
            /* a number or literal starts after a separator, a container
             * after anything */
            if (ch == '{' || ch == '[' ||
                (ch && strchr("-0123456789tfn", ch) &&
                 (prev == 0 || prev == '[' || prev == ',' || prev == ':')))
                n++;
            prev = ch;
        }
    }
    return n;
}

/* Top-level optional sections: a bad value is ignored with a warning. */
static void parse_display(ctx *c, const json_t *root, manifest *m)
{
    const json_t *display = get_opt(root, "display");
    if (!display)
        return;
    if (!json_is_object(display)) {
        warn(c, "\"display\": expected an object, got %s; ignored", DESCRIBE(display));
        return;
    }
    snprintf(c->where, sizeof c->where, "display");
    c->level = DIAG_WARNING;
    c->then = "ignored";
    get_text(c, display, "id", "id", MANIFEST_MAX_ID, false, &m->display_id);
    get_text(c, display, "name", "name", MANIFEST_MAX_TITLE, false, &m->display_name);
    /* The name is checked against the zone database when the deck loads. */
    get_text(c, display, "timezone", "timezone", 64, false, &m->timezone);
    c->where[0] = '\0';
}

static void parse_theme(ctx *c, const json_t *root, manifest *m)
{
    const json_t *theme = get_opt(root, "theme");
    if (!theme)
        return;
    if (!json_is_object(theme)) {
        warn(c, "\"theme\": expected an object, got %s; ignored", DESCRIBE(theme));
        return;
    }
    snprintf(c->where, sizeof c->where, "theme");
    c->level = DIAG_WARNING;
    c->then = "ignored";
    get_text(c, theme, "title", "title", MANIFEST_MAX_TITLE, false, &m->title);
    get_text(c, theme, "subtitle", "subtitle", MANIFEST_MAX_TITLE, false, &m->subtitle);
    const json_t *logo = get_opt(theme, "logo");
    if (logo) {
        c->then = "no logo";
        if (parse_media(c, logo, "logo", &m->logo) == 0)
            m->has_logo = true;
        else
            media_free(&m->logo);
        c->then = "ignored";
    }
    m->accent = parse_accent(c, theme);
    c->where[0] = '\0';
}

static void parse_version(ctx *c, const json_t *root, manifest *m)
{
    const json_t *v = get_opt(root, "version");
    if (json_is_integer(v)) {
        if (asprintf(&m->version, "%lld", (long long)json_integer_value(v)) < 0) {
            m->version = NULL;
            c->oom = true;
        }
    } else if (v && !json_is_string(v)) {
        warn(c, "\"version\": expected a string, got %s; ignored", DESCRIBE(v));
    } else {
        get_text(c, root, "version", "version", MANIFEST_MAX_ID, false, &m->version);
    }
    if (!m->version && !c->oom)
        m->version = dup_text(c, "");
}

/* Messages from jansson quote the input near the error; keep them one line. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

int manifest_parse(const char *text, size_t len, const char *source, manifest **out,
                   diag_list *diags)
{
    *out = NULL;
    ctx c = {.source = source, .diags = diags, .level = DIAG_WARNING, .then = "ignored"};
    if (len > MANIFEST_MAX_BYTES) {
        diag_add(diags, DIAG_ERROR, "%s: %zu bytes, more than the limit of %u; document refused",
                 source, len, MANIFEST_MAX_BYTES);
        return -1;
    }
    /* A byte order mark, as some Windows editors write: not part of the JSON. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        len -= 3;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line, col;
        line_col(text, (size_t)(nul - text), &line, &col);
        diag_add(diags, DIAG_ERROR, "%s:%d:%d: a NUL byte: this is not a text file", source, line,
                 col);
        return -1;
    }
    if (count_values(text, len) > MANIFEST_MAX_VALUES) {
        diag_add(diags, DIAG_ERROR, "%s: more than %d JSON values; document refused", source,
                 MANIFEST_MAX_VALUES);
        return -1;
    }
    size_t bad_at;
    char *fixed = utf8_repair(text, len, &bad_at);
    if (!fixed) {
        diag_add(diags, DIAG_ERROR, "%s: out of memory", source);
        return -1;
    }
    if (bad_at != (size_t)-1) {
        int line, col;
        line_col(text, bad_at, &line, &col);
        diag_add(diags, DIAG_WARNING,
                 "%s:%d:%d: invalid UTF-8 (byte 0x%02X); replaced by U+FFFD, and items holding "
                 "it are dropped",
                 source, line, col, (unsigned char)text[bad_at]);
    }
    json_error_t jerr;
    /* JSON_ALLOW_NUL: a \u0000 inside one string drops that item (checked
     * per field), not the whole document.  The EOF check stays on, so
     * trailing garbage is an error. */
    json_t *root = json_loadb(fixed, strlen(fixed), JSON_ALLOW_NUL, &jerr);
    free(fixed);
    if (!root) {
        sanitize(jerr.text);
        diag_add(diags, DIAG_ERROR, "%s:%d:%d: %s", source, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    int rc = -1;
    manifest *m = NULL;
    const json_t *schema = json_object_get(root, "schema");
    if (!json_is_object(root)) {
        diag_add(diags, DIAG_ERROR,
                 "%s: expected a JSON object at the top level, got %s; document refused", source,
                 DESCRIBE(root));
    } else if (!schema) {
        diag_add(diags, DIAG_ERROR,
                 "%s: \"schema\": missing (this player understands %d); document refused",
                 source, MANIFEST_SCHEMA);
    } else if (!json_is_integer(schema)) {
        diag_add(diags, DIAG_ERROR, "%s: \"schema\": expected the integer %d, got %s; "
                 "document refused", source, MANIFEST_SCHEMA, DESCRIBE(schema));
    } else if (json_integer_value(schema) != MANIFEST_SCHEMA) {
        diag_add(diags, DIAG_ERROR,
                 "%s: unsupported schema %lld (this player understands %d); document refused",
                 source, (long long)json_integer_value(schema), MANIFEST_SCHEMA);
    } else if (!(m = calloc(1, sizeof *m))) {
        c.oom = true;
    } else {
        m->schema = MANIFEST_SCHEMA;
        m->accent = MANIFEST_DEFAULT_ACCENT;
        parse_version(&c, root, m);
        parse_display(&c, root, m);
        parse_theme(&c, root, m);
        parse_list(&c, root, &slides_spec, (void **)&m->slides, &m->n_slides);
        parse_list(&c, root, &ticker_spec, (void **)&m->ticker, &m->n_ticker);
        parse_list(&c, root, &alerts_spec, (void **)&m->alerts, &m->n_alerts);
        if (!c.oom) {
            *out = m;
            m = NULL;
            rc = 0;
        }
    }
    if (c.oom)
        diag_add(diags, DIAG_ERROR, "%s: out of memory", source);
    manifest_free(m);
    json_decref(root);
    return rc;
}

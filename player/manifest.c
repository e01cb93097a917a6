#include "manifest.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Where we are, for messages: "slides[3] (id \"n2\")". */
typedef struct ctx {
    const char *source;
    diag_list *diags;
    char where[256];
} ctx;

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

#define PROBLEM(c, level, ...)                                                                     \
    do {                                                                                           \
        char msg_[768];                                                                            \
        snprintf(msg_, sizeof msg_, __VA_ARGS__);                                                  \
        diag_add((c)->diags, level, "%s: %s: %s", (c)->source, (c)->where, msg_);                  \
    } while (0)

/* From here on, messages about the item name its id. */
static void where_add_id(ctx *c, const char *id)
{
    size_t n = strlen(c->where);
    snprintf(c->where + n, sizeof c->where - n, " (id \"%.100s\")", id);
}

static bool has_replacement(const char *s)
{
    return strstr(s, "\xEF\xBF\xBD") != NULL;
}

static bool has_control(const char *s, bool allow_newline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(allow_newline && (*p == '\n' || *p == '\r' || *p == '\t'))) ||
            *p == 0x7f)
            return true;
    return false;
}

/* Reads an optional string field.  Returns 0 (absent or fine: *out set or
 * NULL), or -1 (present but invalid; reported). Empty strings become NULL. */
static int get_text(ctx *c, const json_t *obj, const char *key, size_t max, bool multiline,
                    char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        PROBLEM(c, DIAG_ERROR, "\"%s\": expected a string, got %s", key, type_name(v));
        return -1;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n) {
        PROBLEM(c, DIAG_ERROR, "\"%s\": contains a NUL character", key);
        return -1;
    }
    if (n > max) {
        PROBLEM(c, DIAG_ERROR, "\"%s\": %zu bytes, more than the limit of %zu", key, n, max);
        return -1;
    }
    if (has_replacement(s)) {
        PROBLEM(c, DIAG_ERROR, "\"%s\": invalid UTF-8", key);
        return -1;
    }
    if (has_control(s, multiline)) {
        PROBLEM(c, DIAG_ERROR, "\"%s\": contains control characters", key);
        return -1;
    }
    if (n == 0)
        return 0;
    *out = strdup(s);
    return *out ? 0 : -1;
}

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
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
    return t == MEDIA_JPEG ? "image/jpeg" : t == MEDIA_PNG ? "image/png" : "image/webp";
}

static int parse_media(ctx *c, const json_t *v, const char *key, manifest_media *m)
{
    memset(m, 0, sizeof *m);
    if (!json_is_object(v)) {
        PROBLEM(c, DIAG_ERROR, "\"%s\": expected an object, got %s", key, type_name(v));
        return -1;
    }
    const json_t *sha = json_object_get(v, "sha256"), *size = json_object_get(v, "size"),
                 *type = json_object_get(v, "type");
    if (!json_is_string(sha) || !is_hex64(json_string_value(sha))) {
        PROBLEM(c, DIAG_ERROR, "\"%s.sha256\": expected 64 lowercase hex digits", key);
        return -1;
    }
    if (!json_is_integer(size) || json_integer_value(size) < 1 ||
        json_integer_value(size) > MANIFEST_MAX_ASSET_BYTES) {
        PROBLEM(c, DIAG_ERROR, "\"%s.size\": expected a whole number of bytes from 1 to %lld",
                key, (long long)MANIFEST_MAX_ASSET_BYTES);
        return -1;
    }
    if (!json_is_string(type) || manifest_media_type_parse(json_string_value(type), &m->type)) {
        PROBLEM(c, DIAG_ERROR, "\"%s.type\": expected image/jpeg, image/png or image/webp", key);
        return -1;
    }
    char field[64];
    snprintf(field, sizeof field, "%s.url", key);
    if (get_text(c, v, "url", MANIFEST_MAX_URL, false, &m->url) != 0)
        return -1;
    if (!m->url) {
        PROBLEM(c, DIAG_ERROR, "\"%s\": missing", field);
        return -1;
    }
    memcpy(m->sha256, json_string_value(sha), 65);
    m->size = json_integer_value(size);
    return 0;
}

static void media_free(manifest_media *m)
{
    free(m->url);
    m->url = NULL;
}

static int parse_schedule(ctx *c, const json_t *obj, schedule *s)
{
    schedule_init(s);
    static const char *const bounds[] = {"start", "end"};
    for (int i = 0; i < 2; i++) {
        const json_t *v = json_object_get(obj, bounds[i]);
        if (!v || json_is_null(v))
            continue;
        int64_t t;
        if (!json_is_string(v) || schedule_parse_instant(json_string_value(v), &t) != 0) {
            PROBLEM(c, DIAG_ERROR,
                    "\"%s\": expected an ISO-8601 time with offset like "
                    "\"2026-11-24T08:00:00+08:00\"",
                    bounds[i]);
            return -1;
        }
        if (i == 0) {
            s->has_start = true;
            s->start = t;
        } else {
            s->has_end = true;
            s->end = t;
        }
    }
    if (s->has_start && s->has_end && s->start >= s->end) {
        PROBLEM(c, DIAG_ERROR, "\"end\" is not after \"start\": never on air");
        return -1;
    }
    const json_t *days = json_object_get(obj, "days");
    if (days && !json_is_null(days)) {
        if (!json_is_array(days)) {
            PROBLEM(c, DIAG_ERROR, "\"days\": expected an array like [\"mon\", \"tue\"]");
            return -1;
        }
        size_t i;
        const json_t *d;
        json_array_foreach(days, i, d)
        {
            int wd;
            if (!json_is_string(d) || schedule_parse_day(json_string_value(d), &wd) != 0) {
                PROBLEM(c, DIAG_ERROR, "\"days[%zu]\": expected mon, tue, wed, thu, fri, sat or sun",
                        i);
                return -1;
            }
            s->days |= (uint8_t)(1u << wd);
        }
        if (json_array_size(days) == 0)
            PROBLEM(c, DIAG_WARNING, "\"days\": empty list ignored (every day)");
    }
    const json_t *hours = json_object_get(obj, "hours");
    if (hours && !json_is_null(hours)) {
        if (!json_is_array(hours) || json_array_size(hours) > SCHEDULE_MAX_HOURS) {
            PROBLEM(c, DIAG_ERROR, "\"hours\": expected an array of at most %d {\"from\",\"to\"}",
                    SCHEDULE_MAX_HOURS);
            return -1;
        }
        size_t i;
        const json_t *h;
        json_array_foreach(hours, i, h)
        {
            const json_t *from = json_object_get(h, "from"), *to = json_object_get(h, "to");
            int f, t;
            if (!json_is_object(h) || !json_is_string(from) || !json_is_string(to) ||
                schedule_parse_clock(json_string_value(from), 0, &f) != 0 ||
                schedule_parse_clock(json_string_value(to), 1, &t) != 0) {
                PROBLEM(c, DIAG_ERROR,
                        "\"hours[%zu]\": expected {\"from\": \"HH:MM\", \"to\": \"HH:MM\"}", i);
                return -1;
            }
            if (f == t) {
                PROBLEM(c, DIAG_ERROR, "\"hours[%zu]\": from and to are equal: never on air", i);
                return -1;
            }
            s->hours[s->n_hours++] = (schedule_hours){f, t};
        }
    }
    return 0;
}

static int parse_id(ctx *c, const json_t *obj, char **out)
{
    const json_t *v = json_object_get(obj, "id");
    if (!json_is_string(v) || json_string_length(v) == 0) {
        PROBLEM(c, DIAG_ERROR, "\"id\": missing or not a non-empty string");
        return -1;
    }
    return get_text(c, obj, "id", MANIFEST_MAX_ID, false, out);
}

static bool id_taken(char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ids[i], id))
            return true;
    return false;
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
    memset(s, 0, sizeof *s);
    if (parse_id(c, v, &s->id) != 0)
        return -1;
    where_add_id(c, s->id);

    const json_t *kind = json_object_get(v, "kind");
    if (!json_is_string(kind) ||
        (strcmp(json_string_value(kind), "image") && strcmp(json_string_value(kind), "notice"))) {
        PROBLEM(c, DIAG_ERROR, "\"kind\": expected \"image\" or \"notice\"");
        return -1;
    }
    s->kind = strcmp(json_string_value(kind), "image") == 0 ? SLIDE_IMAGE : SLIDE_NOTICE;

    s->duration = MANIFEST_DEFAULT_DURATION;
    const json_t *dur = json_object_get(v, "duration");
    if (dur && !json_is_null(dur)) {
        if (!json_is_number(dur) || !isfinite(json_number_value(dur))) {
            PROBLEM(c, DIAG_ERROR, "\"duration\": expected a number of seconds, got %s",
                    type_name(dur));
            return -1;
        }
        double d = json_number_value(dur);
        if (d < MANIFEST_MIN_DURATION || d > MANIFEST_MAX_DURATION) {
            double k = d < MANIFEST_MIN_DURATION ? MANIFEST_MIN_DURATION : MANIFEST_MAX_DURATION;
            PROBLEM(c, DIAG_WARNING, "\"duration\": %g s out of range; using %g s", d, k);
            d = k;
        }
        s->duration = d;
        s->duration_set = true;
    }
    s->transition = TRANSITION_FADE;
    const json_t *tr = json_object_get(v, "transition");
    if (tr && !json_is_null(tr)) {
        const char *t = json_is_string(tr) ? json_string_value(tr) : "";
        if (!strcmp(t, "fade"))
            s->transition = TRANSITION_FADE;
        else if (!strcmp(t, "cut"))
            s->transition = TRANSITION_CUT;
        else if (!strcmp(t, "push"))
            s->transition = TRANSITION_PUSH;
        else
            PROBLEM(c, DIAG_WARNING, "\"transition\": expected cut, fade or push; using fade");
    }
    if (get_text(c, v, "link", MANIFEST_MAX_URL, false, &s->link) != 0)
        return -1;
    if (s->link && strncmp(s->link, "https://", 8) && strncmp(s->link, "http://", 7)) {
        PROBLEM(c, DIAG_WARNING, "\"link\": not an http(s) URL; no QR code shown");
        free(s->link);
        s->link = NULL;
    }
    const json_t *media = json_object_get(v, "media");
    if (media && !json_is_null(media)) {
        if (parse_media(c, media, "media", &s->media) != 0)
            return -1;
        s->has_media = true;
    }
    if (s->kind == SLIDE_IMAGE) {
        if (!s->has_media) {
            PROBLEM(c, DIAG_ERROR, "\"media\": an image slide needs a picture");
            return -1;
        }
        const json_t *fit = json_object_get(v, "fit");
        s->fit = FIT_CONTAIN;
        if (fit && !json_is_null(fit)) {
            const char *f = json_is_string(fit) ? json_string_value(fit) : "";
            if (!strcmp(f, "cover"))
                s->fit = FIT_COVER;
            else if (strcmp(f, "contain"))
                PROBLEM(c, DIAG_WARNING, "\"fit\": expected contain or cover; using contain");
        }
        if (get_text(c, v, "caption", MANIFEST_MAX_TITLE, false, &s->caption) != 0)
            return -1;
    } else {
        if (get_text(c, v, "title", MANIFEST_MAX_TITLE, false, &s->title) != 0 ||
            get_text(c, v, "body", MANIFEST_MAX_TEXT, true, &s->body) != 0)
            return -1;
        if (!s->title && !s->body) {
            PROBLEM(c, DIAG_ERROR, "a notice needs a \"title\" or a \"body\"");
            return -1;
        }
    }
    return parse_schedule(c, v, &s->sched);
}

static int parse_ticker(ctx *c, const json_t *v, manifest_ticker *t)
{
    memset(t, 0, sizeof *t);
    if (parse_id(c, v, &t->id) != 0)
        return -1;
    where_add_id(c, t->id);
    if (get_text(c, v, "text", MANIFEST_MAX_TEXT, true, &t->text) != 0)
        return -1;
    if (!t->text) {
        PROBLEM(c, DIAG_ERROR, "\"text\": missing or empty");
        return -1;
    }
    return parse_schedule(c, v, &t->sched);
}

static int parse_alert(ctx *c, const json_t *v, manifest_alert *a)
{
    memset(a, 0, sizeof *a);
    if (parse_id(c, v, &a->id) != 0)
        return -1;
    where_add_id(c, a->id);
    if (get_text(c, v, "title", MANIFEST_MAX_TITLE, false, &a->title) != 0 ||
        get_text(c, v, "body", MANIFEST_MAX_TEXT, true, &a->body) != 0)
        return -1;
    if (!a->title)
        a->title = strdup("紧急通知");
    if (!a->title)
        return -1;
    return parse_schedule(c, v, &a->sched);
}

/* Parses one of the three item lists with the same rules: each element an
 * object, invalid ones dropped, duplicate ids dropped, a count limit. */
typedef int (*item_parse_fn)(ctx *c, const json_t *v, void *item);
typedef void (*item_free_fn)(void *item);

static void ticker_free(void *p)
{
    manifest_ticker *t = p;
    free(t->id);
    free(t->text);
}

static void alert_free(void *p)
{
    manifest_alert *a = p;
    free(a->id);
    free(a->title);
    free(a->body);
}

static void slide_free_v(void *p)
{
    slide_free(p);
}

static int parse_list(ctx *c, const json_t *root, const char *key, size_t max, size_t item_size,
                      item_parse_fn parse, item_free_fn free_fn, const char *noun, void **out,
                      size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    const json_t *arr = json_object_get(root, key);
    if (!arr || json_is_null(arr))
        return 0;
    snprintf(c->where, sizeof c->where, "\"%s\"", key);
    if (!json_is_array(arr)) {
        PROBLEM(c, DIAG_ERROR, "expected an array, got %s; no %s", type_name(arr), key);
        return 0;
    }
    size_t n = json_array_size(arr);
    if (n > max) {
        snprintf(c->where, sizeof c->where, "\"%s\"", key);
        PROBLEM(c, DIAG_ERROR, "%zu items, more than the limit of %zu; the rest are dropped", n,
                max);
        n = max;
    }
    char *items = calloc(n ? n : 1, item_size);
    char **ids = calloc(n ? n : 1, sizeof *ids);
    if (!items || !ids) {
        free(items);
        free(ids);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(arr, i);
        snprintf(c->where, sizeof c->where, "%s[%zu]", key, i);
        void *item = items + k * item_size;
        if (!json_is_object(v)) {
            PROBLEM(c, DIAG_ERROR, "expected an object, got %s; %s dropped", type_name(v), noun);
            continue;
        }
        if (parse(c, v, item) != 0) {
            diag_add(c->diags, DIAG_ERROR, "%s: %s: %s dropped", c->source, c->where, noun);
            free_fn(item);
            memset(item, 0, item_size);
            continue;
        }
        char *id = *(char **)item; /* every item struct starts with its id */
        if (id_taken(ids, k, id)) {
            PROBLEM(c, DIAG_ERROR, "duplicate id; %s dropped (the first one is kept)", noun);
            free_fn(item);
            memset(item, 0, item_size);
            continue;
        }
        ids[k++] = id;
    }
    free(ids);
    *out = items;
    *n_out = k;
    return 0;
}

static uint32_t parse_accent(ctx *c, const json_t *theme)
{
    const json_t *v = json_object_get(theme, "accent");
    if (!v || json_is_null(v))
        return MANIFEST_DEFAULT_ACCENT;
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t n = strlen(s);
    if (s[0] == '#' && (n == 7 || n == 4) && strspn(s + 1, "0123456789abcdefABCDEF") == n - 1) {
        unsigned long x = strtoul(s + 1, NULL, 16);
        if (n == 4)
            x = ((x & 0xF00) << 12 | (x & 0xF00) << 8) | ((x & 0x0F0) << 8 | (x & 0x0F0) << 4) |
                ((x & 0x00F) << 4 | (x & 0x00F));
        return (uint32_t)x;
    }
    snprintf(c->where, sizeof c->where, "theme");
    PROBLEM(c, DIAG_WARNING, "\"accent\": expected a colour like \"#C8102E\"; using the default");
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

/* Line and column of a byte offset, for messages about raw bytes. */
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

int manifest_parse(const char *text, size_t len, const char *source, manifest **out,
                   diag_list *diags)
{
    *out = NULL;
    ctx c = {.source = source, .diags = diags};
    if (len > MANIFEST_MAX_BYTES) {
        diag_add(diags, DIAG_ERROR, "%s: %zu bytes, more than the limit of %u", source, len,
                 MANIFEST_MAX_BYTES);
        return -1;
    }
    size_t bad;
    char *fixed = utf8_repair(text, len, &bad);
    if (!fixed) {
        diag_add(diags, DIAG_ERROR, "%s: out of memory", source);
        return -1;
    }
    if (bad != (size_t)-1) {
        int line, col;
        line_col(text, bad, &line, &col);
        diag_add(diags, DIAG_WARNING,
                 "%s:%d:%d: invalid UTF-8 (items holding it are dropped)", source, line, col);
    }
    json_error_t jerr;
    /* JSON_ALLOW_NUL: a \u0000 inside one string drops that item (checked
     * per field), not the whole document. */
    json_t *root = json_loadb(fixed, strlen(fixed), JSON_ALLOW_NUL, &jerr);
    free(fixed);
    if (!root) {
        diag_add(diags, DIAG_ERROR, "%s:%d:%d: %s", source, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    int rc = -1;
    manifest *m = NULL;
    if (!json_is_object(root)) {
        diag_add(diags, DIAG_ERROR, "%s: expected a JSON object at the top, got %s", source,
                 type_name(root));
        goto done;
    }
    const json_t *schema = json_object_get(root, "schema");
    if (!json_is_integer(schema)) {
        diag_add(diags, DIAG_ERROR, "%s: \"schema\": missing or not an integer (expected 1)",
                 source);
        goto done;
    }
    if (json_integer_value(schema) != MANIFEST_SCHEMA) {
        diag_add(diags, DIAG_ERROR, "%s: unsupported schema %lld (this player understands %d)",
                 source, (long long)json_integer_value(schema), MANIFEST_SCHEMA);
        goto done;
    }
    m = calloc(1, sizeof *m);
    if (!m)
        goto done;
    m->schema = MANIFEST_SCHEMA;
    m->accent = MANIFEST_DEFAULT_ACCENT;
    snprintf(c.where, sizeof c.where, "top level");
    const json_t *ver = json_object_get(root, "version");
    if (json_is_string(ver) && json_string_length(ver) <= MANIFEST_MAX_URL)
        m->version = strdup(json_string_value(ver));
    else if (json_is_integer(ver))
        asprintf(&m->version, "%lld", (long long)json_integer_value(ver));
    else if (ver && !json_is_null(ver))
        PROBLEM(&c, DIAG_WARNING, "\"version\": expected a string; ignored");
    if (!m->version)
        m->version = strdup("");

    const json_t *display = json_object_get(root, "display");
    if (json_is_object(display)) {
        snprintf(c.where, sizeof c.where, "display");
        if (get_text(&c, display, "id", MANIFEST_MAX_ID, false, &m->display_id) != 0 ||
            get_text(&c, display, "name", MANIFEST_MAX_TITLE, false, &m->display_name) != 0 ||
            get_text(&c, display, "timezone", 64, false, &m->timezone) != 0)
            PROBLEM(&c, DIAG_WARNING, "invalid field ignored");
    } else if (display && !json_is_null(display)) {
        snprintf(c.where, sizeof c.where, "display");
        PROBLEM(&c, DIAG_WARNING, "expected an object, got %s; ignored", type_name(display));
    }

    const json_t *theme = json_object_get(root, "theme");
    if (json_is_object(theme)) {
        snprintf(c.where, sizeof c.where, "theme");
        if (get_text(&c, theme, "title", MANIFEST_MAX_TITLE, false, &m->title) != 0 ||
            get_text(&c, theme, "subtitle", MANIFEST_MAX_TITLE, false, &m->subtitle) != 0)
            PROBLEM(&c, DIAG_WARNING, "invalid field ignored");
        const json_t *logo = json_object_get(theme, "logo");
        if (logo && !json_is_null(logo)) {
            if (parse_media(&c, logo, "logo", &m->logo) == 0)
                m->has_logo = true;
            else
                PROBLEM(&c, DIAG_WARNING, "\"logo\" ignored");
        }
        m->accent = parse_accent(&c, theme);
    } else if (theme && !json_is_null(theme)) {
        snprintf(c.where, sizeof c.where, "theme");
        PROBLEM(&c, DIAG_WARNING, "expected an object, got %s; ignored", type_name(theme));
    }

    if (parse_list(&c, root, "slides", MANIFEST_MAX_SLIDES, sizeof(manifest_slide),
                   (item_parse_fn)parse_slide, slide_free_v, "slide", (void **)&m->slides,
                   &m->n_slides) != 0 ||
        parse_list(&c, root, "ticker", MANIFEST_MAX_TICKER, sizeof(manifest_ticker),
                   (item_parse_fn)parse_ticker, ticker_free, "ticker item", (void **)&m->ticker,
                   &m->n_ticker) != 0 ||
        parse_list(&c, root, "alerts", MANIFEST_MAX_ALERTS, sizeof(manifest_alert),
                   (item_parse_fn)parse_alert, alert_free, "alert", (void **)&m->alerts,
                   &m->n_alerts) != 0 ||
        !m->version) {
        diag_add(diags, DIAG_ERROR, "%s: out of memory", source);
        manifest_free(m);
        m = NULL;
        goto done;
    }
    *out = m;
    rc = 0;
done:
    json_decref(root);
    return rc;
}

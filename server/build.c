#include "build.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "manifest.h"
#include "sha256.h"

static void set_str(json_t *o, const char *key, const json_t *from, const char *from_key)
{
    const char *v = json_string_value(json_object_get(from, from_key));
    if (v && *v) json_object_set_new(o, key, json_string(v));
}

static void set_schedule(json_t *o, const json_t *item)
{
    set_str(o, "start", item, "start");
    set_str(o, "end", item, "end");
    const json_t *days = json_object_get(item, "days");
    if (json_is_array(days) && json_array_size(days)) json_object_set(o, "days", (json_t *)days);
    const json_t *hours = json_object_get(item, "hours");
    if (json_is_array(hours) && json_array_size(hours))
        json_object_set(o, "hours", (json_t *)hours);
}

static json_t *media_object(const json_t *item, const char *prefix)
{
    const char *sha = json_string_value(json_object_get(item, "media"));
    if (!sha) return NULL;
    char url[256];
    snprintf(url, sizeof url, "%s%s", prefix, sha);
    return json_pack("{s:s, s:I, s:s, s:s}", "sha256", sha, "size",
                     (json_int_t)json_integer_value(json_object_get(item, "media_size")), "type",
                     json_string_value(json_object_get(item, "media_type")) ?: "image/jpeg", "url",
                     url);
}

json_t *build_item(const json_t *item, const char *prefix, const char **list)
{
    const char *kind = json_string_value(json_object_get(item, "kind")) ?: "";
    char id[32];
    snprintf(id, sizeof id, "item-%lld",
             (long long)json_integer_value(json_object_get(item, "id")));
    json_t *o = json_pack("{s:s}", "id", id);
    if (strcmp(kind, "image") == 0 || strcmp(kind, "notice") == 0) {
        *list = "slides";
        json_object_set_new(o, "kind", json_string(kind));
        const json_t *dur = json_object_get(item, "duration");
        if (json_is_number(dur))
            json_object_set_new(o, "duration", json_real(json_number_value(dur)));
        set_str(o, "transition", item, "transition");
        set_str(o, "link", item, "link");
        json_t *m = media_object(item, prefix);
        if (m) json_object_set_new(o, "media", m);
        if (strcmp(kind, "image") == 0) {
            set_str(o, "fit", item, "fit");
            set_str(o, "caption", item, "caption");
        } else {
            set_str(o, "title", item, "title");
            set_str(o, "body", item, "body");
        }
    } else if (strcmp(kind, "ticker") == 0) {
        *list = "ticker";
        set_str(o, "text", item, "body");
    } else {
        *list = "alerts";
        set_str(o, "title", item, "title");
        set_str(o, "body", item, "body");
    }
    set_schedule(o, item);
    return o;
}

int build_check_item(const json_t *item, char *err, size_t errlen)
{
    const char *list;
    json_t *o = build_item(item, "/assets/", &list);
    json_t *doc = json_pack("{s:i, s:[o]}", "schema", 1, list, o);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    manifest *m = NULL;
    diag_list d;
    diag_init(&d);
    int r = manifest_parse(text, strlen(text), "item", &m, &d);
    free(text);
    size_t n = 0;
    if (r == 0 && m)
        n = strcmp(list, "slides") == 0   ? m->n_slides
            : strcmp(list, "ticker") == 0 ? m->n_ticker
                                          : m->n_alerts;
    int rc = 0;
    /* Errors drop the item; warnings (a value corrected) are refused too:
     * what the organizer wrote must be what the screen does. */
    if (d.n > 0 || n != 1) {
        const char *msg = d.n ? d.items[0].msg : "not accepted by the player";
        /* "item: slides[0] (id \"item-1\"): " says nothing to an organizer */
        const char *q = strstr(msg, "): ");
        snprintf(err, errlen, "%s", q ? q + 3 : msg);
        rc = -1;
    }
    diag_free(&d);
    manifest_free(m);
    return rc;
}

static void hash_etag(const char *text, size_t len, char etag[72], char version[24])
{
    char hex[65];
    if (sha256_hex(text, len, hex) != 0) memset(hex, '0', 64), hex[64] = 0;
    snprintf(etag, 72, "\"%s\"", hex);
    if (version) snprintf(version, 24, "%.16s", hex);
}

/* The group ids a display's manifest is built from, as a plain array. */
static int display_groups(store *s, const char *id, json_t **out)
{
    json_t *rows = NULL;
    if (store_display_groups(s, id, &rows) != 0) return -1;
    *out = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(rows, i, g) json_array_append(*out, json_object_get(g, "id"));
    json_decref(rows);
    return 0;
}

/* What every display of the same groups shows: the theme, the zone and the
 * three lists.  Built once per change and group set, whatever the number of
 * displays. */
json_t *build_theme(store *s, const char *prefix)
{
    json_t *theme = json_object();
    const char *keys[] = {"title", "subtitle", "accent"};
    for (size_t i = 0; i < 3; i++) {
        char k[32], *v = NULL;
        snprintf(k, sizeof k, "theme_%s", keys[i]);
        if (store_setting_get(s, k, &v) == 0 && v && *v)
            json_object_set_new(theme, keys[i], json_string(v));
        free(v);
    }
    char *logo = NULL;
    json_t *asset = NULL;
    if (store_setting_get(s, "theme_logo", &logo) == 0 && logo &&
        store_asset_get(s, logo, &asset) == 0) {
        char url[256];
        snprintf(url, sizeof url, "%s%s", prefix, logo);
        json_object_set_new(theme, "logo",
                            json_pack("{s:s, s:O, s:O, s:s}", "sha256", logo, "size",
                                      json_object_get(asset, "size"), "type",
                                      json_object_get(asset, "type"), "url", url));
        json_decref(asset);
    }
    free(logo);
    return theme;
}

static json_t *shared_content(store *s, const json_t *groups, const char *prefix, char *err,
                              size_t errlen)
{
    json_t *items = NULL;
    if (store_items_on_air(s, groups, &items) != 0) {
        snprintf(err, errlen, "database error building the manifest");
        return NULL;
    }
    json_t *theme = build_theme(s, prefix);
    char *tz = NULL;
    store_setting_get(s, "timezone", &tz);
    json_t *c =
        json_pack("{s:s, s:o, s:[], s:[], s:[]}", "timezone", tz && *tz ? tz : "Asia/Shanghai",
                  "theme", theme, "slides", "ticker", "alerts");
    free(tz);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *list;
        json_t *o = build_item(it, prefix, &list);
        json_array_append_new(json_object_get(c, list), o);
    }
    json_decref(items);
    return c;
}

/* sha256 of the shared part's compact text: what the version hashes. */
static void shared_hash(const json_t *shared, char hex[65])
{
    char *t = json_dumps(shared, JSON_COMPACT);
    if (!t || sha256_hex(t, strlen(t), hex) != 0) memset(hex, '0', 64), hex[64] = 0;
    free(t);
}

/* The display's own part around the shared one.  The version hashes the
 * display's id and name and the shared part's hash (one dump per display,
 * not two); the ETag hashes the final bytes. */
static int assemble(store *s, const char *display_id, const json_t *shared, const char *shash,
                    build_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_t *doc = json_object();
    json_object_set_new(doc, "schema", json_integer(1));
    json_t *d = json_pack("{s:s}", "id", display_id);
    char *name = NULL;
    if (store_display_name(s, display_id, &name) == 0 && *name)
        json_object_set_new(d, "name", json_string(name));
    json_object_set(d, "timezone", json_object_get(shared, "timezone"));
    json_object_set_new(doc, "display", d);
    const char *parts[] = {"theme", "slides", "ticker", "alerts"};
    for (size_t i = 0; i < 4; i++)
        json_object_set(doc, parts[i], json_object_get(shared, parts[i]));
    char *key = NULL, etag[72], version[24];
    if (asprintf(&key, "%s\n%s\n%s", display_id, name ? name : "", shash) < 0) key = NULL;
    free(name);
    hash_etag(key ? key : shash, key ? strlen(key) : strlen(shash), etag, version);
    free(key);
    json_object_set_new(doc, "version", json_string(version));
    out->text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!out->text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    out->len = strlen(out->text);
    hash_etag(out->text, out->len, out->etag, NULL);
    return 0;
}

int build_manifest(store *s, const char *display_id, const char *prefix, build_result *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_t *groups = NULL;
    if (display_groups(s, display_id, &groups) != 0) {
        snprintf(err, errlen, "database error building the manifest");
        return -1;
    }
    json_t *shared = shared_content(s, groups, prefix, err, errlen);
    json_decref(groups);
    if (!shared) return -1;
    char shash[65];
    shared_hash(shared, shash);
    int r = assemble(s, display_id, shared, shash, out, err, errlen);
    json_decref(shared);
    return r;
}

void build_result_free(build_result *r)
{
    free(r->text);
    memset(r, 0, sizeof *r);
}

/* ---- the cache ---- */

typedef struct centry {
    char *id;
    uint64_t gen;
    build_result m;
    /* what a manifest request needs besides the body, so that it costs no
     * query: is the display recorded, and its token's hash ("" = none) */
    bool known;
    char token_hash[65];
} centry;

/* Shared parts by group set ("[1,3]"), for the generation they were built at. */
#define SHARED_SLOTS 64
typedef struct sentry {
    char *key;
    uint64_t gen;
    json_t *content;
    char hash[65];
} sentry;

struct build_cache {
    store *s;
    pthread_mutex_t lock;
    centry *e;
    size_t n, cap; /* open addressing, cap a power of two */
    sentry shared[SHARED_SLOTS];
    size_t next_shared; /* the slot a new group set takes when all are current */
};

#define CACHE_MAX 65536

build_cache *build_cache_new(store *s)
{
    build_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->s = s;
    pthread_mutex_init(&c->lock, NULL);
    c->cap = 1024;
    c->e = calloc(c->cap, sizeof *c->e);
    if (!c->e) {
        free(c);
        return NULL;
    }
    return c;
}

static void clear_all(build_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        free(c->e[i].id);
        build_result_free(&c->e[i].m);
    }
    memset(c->e, 0, c->cap * sizeof *c->e);
    c->n = 0;
}

void build_cache_free(build_cache *c)
{
    if (!c) return;
    clear_all(c);
    for (size_t i = 0; i < SHARED_SLOTS; i++) {
        free(c->shared[i].key);
        json_decref(c->shared[i].content);
    }
    free(c->e);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static size_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* 64-bit FNV-1a, also where size_t is 32 bits */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

static centry *slot_of(build_cache *c, const char *id)
{
    size_t m = c->cap - 1;
    for (size_t i = hash_id(id) & m;; i = (i + 1) & m)
        if (!c->e[i].id || strcmp(c->e[i].id, id) == 0) return &c->e[i];
}

static int grow(build_cache *c)
{
    size_t cap = c->cap * 2;
    centry *old = c->e;
    size_t oldcap = c->cap;
    c->e = calloc(cap, sizeof *c->e);
    if (!c->e) {
        c->e = old;
        return -1;
    }
    c->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].id) *slot_of(c, old[i].id) = old[i];
    free(old);
    return 0;
}

/* The shared part for this group set at this generation; under the lock. */
static const sentry *shared_for(build_cache *c, const json_t *groups, uint64_t gen, char *err,
                                size_t errlen)
{
    char *key = json_dumps(groups, JSON_COMPACT);
    if (!key) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sentry *slot = NULL;
    for (size_t i = 0; i < SHARED_SLOTS && !slot; i++)
        if (c->shared[i].key && strcmp(c->shared[i].key, key) == 0) slot = &c->shared[i];
    if (slot && slot->gen == gen) {
        free(key);
        return slot;
    }
    if (!slot) { /* an empty or stale slot, else the next in turn */
        for (size_t i = 0; i < SHARED_SLOTS && !slot; i++)
            if (!c->shared[i].key || c->shared[i].gen != gen) slot = &c->shared[i];
        if (!slot) {
            slot = &c->shared[c->next_shared];
            c->next_shared = (c->next_shared + 1) % SHARED_SLOTS;
        }
    }
    json_t *content = shared_content(c->s, groups, "/assets/", err, errlen);
    if (!content) {
        free(key);
        return NULL;
    }
    free(slot->key);
    json_decref(slot->content);
    *slot = (sentry){.key = key, .gen = gen, .content = content};
    shared_hash(content, slot->hash);
    return slot;
}

/* The entry for id, current; under the lock. */
static centry *current(build_cache *c, const char *id, char *err, size_t errlen)
{
    uint64_t gen = store_generation(c->s);
    centry *e = slot_of(c, id);
    if (e->id && e->gen == gen) return e;
    if (!e->id) {
        if (c->n >= CACHE_MAX)
            clear_all(c); /* a flood of made-up ids: start again rather than grow */
        if ((c->n + 1) * 2 > c->cap && grow(c) != 0) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        e = slot_of(c, id);
        e->id = strdup(id);
        if (!e->id) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        c->n++;
    }
    json_t *groups = NULL;
    if (display_groups(c->s, id, &groups) != 0) {
        snprintf(err, errlen, "database error building the manifest");
        return NULL;
    }
    const sentry *shared = shared_for(c, groups, gen, err, errlen);
    json_decref(groups);
    build_result m;
    if (!shared || assemble(c->s, id, shared->content, shared->hash, &m, err, errlen) != 0)
        return NULL;
    char *th = NULL;
    int known = store_display_token(c->s, id, &th);
    if (known < 0) {
        build_result_free(&m);
        snprintf(err, errlen, "database error reading the display");
        return NULL;
    }
    e->known = known == 0;
    snprintf(e->token_hash, sizeof e->token_hash, "%s", th ? th : "");
    free(th);
    build_result_free(&e->m);
    e->m = m;
    e->gen = gen;
    return e;
}

int build_cache_view(build_cache *c, const char *id, build_view *out, char *err, size_t errlen)
{
    pthread_mutex_lock(&c->lock);
    centry *e = current(c, id, err, errlen);
    if (e) {
        memcpy(out->etag, e->m.etag, sizeof out->etag);
        out->known = e->known;
        memcpy(out->token_hash, e->token_hash, sizeof out->token_hash);
    }
    pthread_mutex_unlock(&c->lock);
    return e ? 0 : -1;
}

void build_cache_set_known(build_cache *c, const char *id)
{
    pthread_mutex_lock(&c->lock);
    centry *e = slot_of(c, id);
    if (e->id) e->known = true;
    pthread_mutex_unlock(&c->lock);
}

int build_cache_get(build_cache *c, const char *id, build_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&c->lock);
    centry *e = current(c, id, err, errlen);
    int r = -1;
    if (e) {
        out->text = malloc(e->m.len + 1);
        if (out->text) {
            memcpy(out->text, e->m.text, e->m.len + 1);
            out->len = e->m.len;
            memcpy(out->etag, e->m.etag, sizeof out->etag);
            r = 0;
        } else {
            snprintf(err, errlen, "out of memory");
        }
    }
    pthread_mutex_unlock(&c->lock);
    return r;
}

int build_cache_etag(build_cache *c, const char *id, char etag[72], char *err, size_t errlen)
{
    pthread_mutex_lock(&c->lock);
    centry *e = current(c, id, err, errlen);
    if (e) memcpy(etag, e->m.etag, 72);
    pthread_mutex_unlock(&c->lock);
    return e ? 0 : -1;
}

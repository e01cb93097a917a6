#include "api.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "log.h"
#include "manifest.h"
#include "tz.h"

/* ---- who is asking ---- */

typedef enum { ROLE_NONE = 0, ROLE_CONTRIBUTOR = 1, ROLE_EDITOR = 2, ROLE_ADMIN = 3 } role;

typedef struct who {
    int64_t user_id;
    role role;
    char name[128];
    char token_hash[65];
    char display[80];        /* player routes: the display id from the path */
    int64_t num;             /* the numeric id from the path, if any */
    char seg[80];            /* the string id from the path, if any */
    struct preview_job *job; /* a preview being drawn (freed by its handler) */
} who;

static role role_parse(const char *s)
{
    if (!s) return ROLE_NONE;
    if (strcmp(s, "admin") == 0) return ROLE_ADMIN;
    if (strcmp(s, "editor") == 0) return ROLE_EDITOR;
    if (strcmp(s, "contributor") == 0) return ROLE_CONTRIBUTOR;
    return ROLE_NONE;
}

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static who *me(http_req *r)
{
    return *http_user(r);
}

/* "display ID" / "item N" / "alert N" for the audit log, from the path. */
static const char *target(http_req *r, const char *kind, char buf[128])
{
    if (strcmp(kind, "display") == 0)
        snprintf(buf, 128, "display %s", me(r)->seg);
    else
        snprintf(buf, 128, "%s %lld", kind, (long long)me(r)->num);
    return buf;
}

void api_changed(api *a)
{
    store_bump(a->st);
    if (a->http) http_notify(a->http);
}

static void audit(api *a, http_req *r, const char *action, const char *target, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void audit(api *a, http_req *r, const char *action, const char *target, const char *fmt, ...)
{
    char detail[1024] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    who *w = r ? me(r) : NULL;
    store_audit(a->st, w ? w->user_id : 0, w && w->name[0] ? w->name : NULL, action, target,
                detail[0] ? detail : NULL);
    log_msg(LOG_INFO, "%s %s%s%s by %s from %s", action, target ? target : "",
            detail[0] ? ": " : "", detail, w && w->name[0] ? w->name : "-",
            r ? http_client_ip(r) : "-");
}

/* Parses the JSON body as an object; answers 400 itself when it is not. */
static json_t *body_object(http_req *r)
{
    size_t len;
    const char *b = http_body(r, &len);
    json_error_t e;
    json_t *o = json_loadb(b, len, JSON_REJECT_DUPLICATES, &e);
    if (!o) {
        http_respond_error(r, 400, NULL, "the request is not JSON: %s (line %d, column %d)", e.text,
                           e.line, e.column);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        http_respond_error(r, 400, NULL, "the request must be a JSON object");
        return NULL;
    }
    return o;
}

static bool display_id_valid(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n > 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]) && id[i] != '.' && id[i] != '_' && id[i] != '-')
            return false;
    return true;
}

/* Groups of the user (editor scope). */
static json_t *user_groups(api *a, int64_t uid)
{
    json_t *u = NULL;
    if (store_user_get(a->st, uid, &u) != 0) return json_array();
    json_t *g = json_incref(json_object_get(u, "groups"));
    json_decref(u);
    return json_is_array(g) ? g : (json_decref(g), json_array());
}

static bool array_has(const json_t *arr, int64_t v)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_integer_value(x) == v) return true;
    return false;
}

/* May this user publish to every one of these groups? */
static bool may_publish(api *a, who *w, const json_t *groups)
{
    if (w->role == ROLE_ADMIN) return true;
    if (w->role != ROLE_EDITOR || json_array_size(groups) == 0) return false;
    json_t *mine = user_groups(a, w->user_id);
    bool ok = true;
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) if (!array_has(mine, json_integer_value(g))) ok = false;
    json_decref(mine);
    return ok;
}

/* ---- player routes ---- */

/* A display with a token must present it; one without may call freely (the
 * admin can give it one at any time). */
static bool token_ok(http_req *r, const char *token_hash)
{
    if (!token_hash || !*token_hash) return true;
    const char *h = http_header(r, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) return false;
    char hh[65];
    auth_token_hash(h + 7, hh);
    return auth_equal(hh, token_hash);
}

static bool display_allowed(api *a, http_req *r, const char *id)
{
    char *th = NULL;
    if (store_display_token(a->st, id, &th) < 0) return false;
    bool ok = token_ok(r, th);
    free(th);
    return ok;
}

static void note_display(api *a, http_req *r, const char *id)
{
    bool created = false;
    char *name = NULL;
    if (store_display_name(a->st, id, &name) == 0) {
        free(name);
        return;
    }
    if (store_display_seen(a->st, id, http_client_ip(r), now_s(), &created) == 0 && created) {
        char t[128];
        snprintf(t, sizeof t, "display %s", id);
        audit(a, r, "display-new", t, "first call from %s", http_client_ip(r));
    }
}

static void h_manifest(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    char err[256];
    /* The hot path of a campus of screens: everything from the cache, no
     * query (the token was checked against the same view in api_route). */
    build_view v;
    if (build_cache_view(a->bc, w->display, &v, err, sizeof err) != 0) {
        http_respond_error(r, 500, NULL, "%s", err);
        return;
    }
    if (!v.known && !http_resumed(r)) {
        note_display(a, r, w->display);
        build_cache_set_known(a->bc, w->display);
    }
    const char *etag = v.etag;
    const char *inm = http_header(r, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        const char *ws = http_query(r, "wait");
        double wait = ws ? strtod(ws, NULL) : 0;
        if (wait > 60) wait = 60;
        if (wait > 0 && !http_wait_expired(r)) {
            http_suspend(r, wait);
            return;
        }
        char h[128];
        snprintf(h, sizeof h, "ETag: %s\nCache-Control: no-cache", etag);
        http_respond_bytes(r, 304, NULL, "", 0, h);
        return;
    }
    build_result m;
    if (build_cache_get(a->bc, w->display, &m, err, sizeof err) != 0) {
        http_respond_error(r, 500, NULL, "%s", err);
        return;
    }
    char h[128];
    snprintf(h, sizeof h, "ETag: %s\nCache-Control: no-cache", m.etag);
    http_respond_bytes(r, 200, "application/json; charset=utf-8", m.text, m.len, h);
    build_result_free(&m);
}

static void h_status(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    size_t blen;
    http_body(r, &blen);
    if (blen > 64 * 1024) {
        http_respond_error(r, 413, NULL, "a status document is at most 64 KB");
        return;
    }
    json_t *o = body_object(r);
    if (!o) return;
    note_display(a, r, w->display);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    bool want = false;
    store_display_seen(a->st, w->display, http_client_ip(r), now_s(), NULL);
    if (!text || store_display_status(a->st, w->display, text, now_s(), &want) != 0) {
        free(text);
        http_respond_error(r, 500, NULL, "cannot record the status");
        return;
    }
    free(text);
    log_msg(LOG_DEBUG, "heartbeat from %s (%s)", w->display, http_client_ip(r));
    http_respond_json(r, 200, json_pack("{s:b}", "screenshot", want));
}

/* One mapping of an upload's outcome to a status, for every upload route. */
static unsigned upload_status(asset_rc rc)
{
    return rc == ASSET_INTERNAL          ? 500
           : rc == ASSET_TOO_BIG         ? 413
           : rc == ASSET_TOO_MANY_PIXELS ? 422
                                         : 415;
}

static void h_player_screenshot(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    asset_info info;
    const char *err;
    asset_rc rc = http_upload_result(r, &info, &err);
    if (rc != ASSET_OK) {
        http_respond_error(r, upload_status(rc), "file", "%s", err);
        return;
    }
    store_asset_add(a->st, info.sha256, info.size, info.type, info.width, info.height, 0);
    store_display_screenshot(a->st, w->display, info.sha256, now_s());
    http_respond_json(r, 200, json_pack("{s:s}", "sha256", info.sha256));
}

static void h_asset(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *as = NULL;
    char path[4300];
    if (!manifest_sha256_valid(w->seg) || store_asset_get(a->st, w->seg, &as) != 0 ||
        assets_path(a->as, w->seg, path, sizeof path) != 0) {
        json_decref(as);
        http_respond_error(r, 404, NULL, "no such asset");
        return;
    }
    char etag[72];
    snprintf(etag, sizeof etag, "\"%.64s\"", w->seg);
    http_respond_file(r, path, json_string_value(json_object_get(as, "type")), etag,
                      "public, max-age=31536000, immutable", NULL);
    json_decref(as);
}

/* ---- sessions ---- */

static void set_session_cookie(api *a, http_req *r, const char *token, int64_t ttl, char *hdr,
                               size_t n)
{
    bool secure = a->secure_cookies || http_is_tls(r);
    snprintf(hdr, n, "Set-Cookie: sid=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
             (long long)ttl, secure ? "; Secure" : "");
}

static json_t *user_view(api *a, int64_t uid)
{
    json_t *u = NULL;
    if (store_user_get(a->st, uid, &u) != 0) return json_null();
    return u;
}

static void h_login(void *ap, http_req *r)
{
    api *a = ap;
    json_t *o = body_object(r);
    if (!o) return;
    /* The name outlives the request body (it is logged after o is freed). */
    const char *given = json_string_value(json_object_get(o, "name"));
    const char *pw = json_string_value(json_object_get(o, "password"));
    if (!given || !*given) {
        json_decref(o);
        http_respond_error(r, 400, "name", "a user name is needed");
        return;
    }
    char name[128];
    snprintf(name, sizeof name, "%s", given); /* no real name is longer than 64 bytes */
    if (!pw) {
        json_decref(o);
        http_respond_error(r, 400, "password", "a password is needed");
        return;
    }
    const char *ip = http_client_ip(r);
    int64_t wait = auth_login_wait(a->au, ip, name, now_s());
    if (wait > 0) {
        char h[64];
        snprintf(h, sizeof h, "Retry-After: %lld", (long long)wait);
        char msg[160];
        int len = snprintf(msg, sizeof msg,
                           "{\"error\":\"too many failed logins: try again in %lld seconds\"}",
                           (long long)wait);
        json_decref(o);
        audit(a, r, "login-throttled", name, NULL);
        http_respond_bytes(r, 429, "application/json; charset=utf-8", msg, (size_t)len, h);
        return;
    }
    json_t *u = NULL;
    bool ok = false;
    if (store_user_by_name(a->st, name, &u) == 0) {
        ok = auth_check_password(a->au, json_string_value(json_object_get(u, "pwhash")), pw) &&
             !json_integer_value(json_object_get(u, "disabled"));
    } else {
        auth_dummy_check(a->au, pw);
    }
    if (!ok) {
        auth_login_failed(a->au, ip, name, now_s());
        json_decref(u);
        json_decref(o);
        store_audit(a->st, 0, name, "login-failed", NULL, ip);
        log_msg(LOG_INFO, "login-failed %s from %s", name, ip);
        http_respond_error(r, 401, "password", "wrong user name or password");
        return;
    }
    auth_login_ok(a->au, ip, name);
    int64_t uid = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    json_decref(o);
    char token[65], th[65], csrf[65];
    auth_token(token);
    auth_token_hash(token, th);
    auth_token(csrf);
    if (store_session_add(a->st, th, uid, csrf, now_s() + a->session_ttl) != 0) {
        http_respond_error(r, 500, NULL, "cannot start a session");
        return;
    }
    who *w = me(r);
    w->user_id = uid;
    snprintf(w->name, sizeof w->name, "%s", name);
    audit(a, r, "login", name, "from %s", ip);
    char hdr[256];
    set_session_cookie(a, r, token, a->session_ttl, hdr, sizeof hdr);
    json_t *out = json_pack("{s:o, s:s}", "user", user_view(a, uid), "csrf", csrf);
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    char headers[400];
    snprintf(headers, sizeof headers, "%s\nCache-Control: no-store", hdr);
    http_respond_bytes(r, 200, "application/json; charset=utf-8", text, strlen(text), headers);
    free(text);
}

static void h_logout(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    store_session_delete(a->st, w->token_hash);
    audit(a, r, "logout", w->name, NULL);
    char hdr[256];
    set_session_cookie(a, r, "", 0, hdr, sizeof hdr);
    char headers[400];
    snprintf(headers, sizeof headers, "%s\nCache-Control: no-store", hdr);
    http_respond_bytes(r, 200, "application/json; charset=utf-8", "{}", 2, headers);
}

static void h_me(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *s = NULL;
    const char *csrf = "";
    if (store_session_get(a->st, w->token_hash, now_s(), &s) == 0)
        csrf = json_string_value(json_object_get(s, "csrf"));
    json_t *out = json_pack("{s:o, s:s}", "user", user_view(a, w->user_id), "csrf", csrf);
    json_decref(s);
    http_respond_json(r, 200, out);
}

static bool password_ok(http_req *r, const char *pw, const char *field)
{
    if (!pw || strlen(pw) < 8) {
        http_respond_error(r, 400, field, "a password needs at least 8 characters");
        return false;
    }
    if (strlen(pw) > 1024) {
        http_respond_error(r, 400, field, "a password may have at most 1024 characters");
        return false;
    }
    return true;
}

static void h_me_password(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *o = body_object(r);
    if (!o) return;
    const char *old = json_string_value(json_object_get(o, "old"));
    const char *nw = json_string_value(json_object_get(o, "new"));
    json_t *u = NULL;
    /* a stolen session must not be a way to guess the password: same limiter */
    const char *ip = http_client_ip(r);
    if (auth_login_wait(a->au, ip, w->name, now_s()) > 0) {
        json_decref(o);
        http_respond_error(r, 429, "old", "too many wrong passwords: try again later");
        return;
    }
    if (store_user_by_name(a->st, w->name, &u) != 0 ||
        !auth_check_password(a->au, json_string_value(json_object_get(u, "pwhash")),
                             old ? old : "")) {
        auth_login_failed(a->au, ip, w->name, now_s());
        json_decref(u);
        json_decref(o);
        http_respond_error(r, 403, "old", "the current password is wrong");
        return;
    }
    json_decref(u);
    if (!password_ok(r, nw, "new")) {
        json_decref(o);
        return;
    }
    char h[AUTH_HASH_MAX];
    char err[256];
    if (auth_hash_password(a->au, nw, h) != 0 ||
        store_user_update(a->st, w->user_id, NULL, -1, h, NULL, err, sizeof err) != 0) {
        json_decref(o);
        http_respond_error(r, 500, NULL, "cannot change the password");
        return;
    }
    json_decref(o);
    store_sessions_delete_user_except(a->st, w->user_id, w->token_hash);
    audit(a, r, "password", w->name, NULL);
    http_respond_json(r, 200, json_object());
}

/* ---- items ---- */

static const char *const ITEM_KEYS[] = {"kind",  "title", "body",     "caption",    "link",
                                        "media", "fit",   "duration", "transition", "start",
                                        "end",   "days",  "hours",    "groups",     NULL};

/* The field a player-parser message is about: "\"hours[1].to\": ..." -> "hours". */
static void field_of(const char *msg, const char *kind, char *out, size_t n)
{
    snprintf(out, n, "%s", "");
    const char *q = strchr(msg, '"');
    if (!q) return;
    size_t i = 0;
    for (q++; *q && *q != '"' && *q != '[' && *q != '.' && i + 1 < n; q++)
        out[i++] = *q;
    out[i] = 0;
    if (strcmp(out, "text") == 0 && kind && strcmp(kind, "ticker") == 0) snprintf(out, n, "body");
}

/* Every id names a group; answers 400 itself when one does not. */
static bool groups_valid(api *a, http_req *r, const json_t *gs)
{
    size_t i;
    json_t *g;
    if (gs && !json_is_array(gs)) {
        http_respond_error(r, 400, "groups", "groups must be an array of group ids");
        return false;
    }
    json_array_foreach(gs, i, g)
    {
        if (!json_is_integer(g) || !store_group_exists(a->st, json_integer_value(g))) {
            http_respond_error(r, 400, "groups", "no such group");
            return false;
        }
    }
    return true;
}

/* Takes the fields a request may set, checks their types and the groups,
 * merges them over `base` (an existing item, or NULL) and checks the whole
 * as the player will read it.  Returns the merged item, or NULL after
 * answering 400/422. */
static json_t *item_fields(api *a, http_req *r, const json_t *in, const json_t *base)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        bool known = false;
        for (size_t i = 0; ITEM_KEYS[i]; i++)
            known |= strcmp(k, ITEM_KEYS[i]) == 0;
        if (!known && strcmp(k, "submit") != 0 && strcmp(k, "publish") != 0) {
            http_respond_error(r, 400, k, "unknown field \"%s\"", k);
            return NULL;
        }
    }
    json_t *m = base ? json_deep_copy(base) : json_object();
    for (size_t i = 0; ITEM_KEYS[i]; i++) {
        const char *key = ITEM_KEYS[i];
        v = json_object_get(in, key);
        if (!v) continue;
        bool ok;
        if (strcmp(key, "duration") == 0)
            ok = json_is_number(v) || json_is_null(v);
        else if (strcmp(key, "days") == 0 || strcmp(key, "hours") == 0)
            ok = json_is_array(v) || json_is_null(v);
        else if (strcmp(key, "groups") == 0)
            ok = json_is_array(v);
        else
            ok = json_is_string(v) || json_is_null(v);
        if (!ok) {
            json_decref(m);
            http_respond_error(r, 400, key, "\"%s\" has the wrong type", key);
            return NULL;
        }
        if (base && strcmp(key, "kind") == 0 &&
            strcmp(json_string_value(v) ?: "",
                   json_string_value(json_object_get(base, "kind")) ?: "") != 0) {
            json_decref(m);
            http_respond_error(r, 400, "kind", "an item's kind cannot change");
            return NULL;
        }
        json_object_set(m, key, v);
    }
    const char *kind = json_string_value(json_object_get(m, "kind"));
    if (!kind || (strcmp(kind, "image") && strcmp(kind, "notice") && strcmp(kind, "ticker") &&
                  strcmp(kind, "alert"))) {
        json_decref(m);
        http_respond_error(r, 400, "kind", "kind must be image, notice or ticker");
        return NULL;
    }
    json_t *groups = json_object_get(m, "groups");
    if (!json_is_array(groups) || json_array_size(groups) == 0) {
        json_decref(m);
        http_respond_error(r, 400, "groups", "choose at least one group of screens");
        return NULL;
    }
    if (!groups_valid(a, r, groups)) {
        json_decref(m);
        return NULL;
    }
    const char *media = json_string_value(json_object_get(m, "media"));
    if (media && *media) {
        json_t *as = NULL;
        if (!manifest_sha256_valid(media) || store_asset_get(a->st, media, &as) != 0) {
            json_decref(m);
            http_respond_error(r, 400, "media", "no such upload: upload the picture first");
            return NULL;
        }
        json_object_set(m, "media_size", json_object_get(as, "size"));
        json_object_set(m, "media_type", json_object_get(as, "type"));
        json_decref(as);
    } else {
        json_object_set_new(m, "media", json_null());
    }
    if (strcmp(kind, "image") == 0 && !(media && *media)) {
        json_decref(m);
        http_respond_error(r, 400, "media", "an image slide needs a picture");
        return NULL;
    }
    const char *title = json_string_value(json_object_get(m, "title"));
    const char *body = json_string_value(json_object_get(m, "body"));
    if (strcmp(kind, "notice") == 0 && !(title && *title) && !(body && *body)) {
        json_decref(m);
        http_respond_error(r, 400, "title", "a notice needs a title or a text");
        return NULL;
    }
    if (strcmp(kind, "ticker") == 0 && !(body && *body)) {
        json_decref(m);
        http_respond_error(r, 400, "body", "a ticker item needs a text");
        return NULL;
    }
    if (!json_object_get(m, "id")) json_object_set_new(m, "id", json_integer(0));
    char err[512], field[64];
    if (build_check_item(m, err, sizeof err) != 0) {
        field_of(err, kind, field, sizeof field);
        json_decref(m);
        http_respond_error(r, 422, field[0] ? field : NULL, "%s", err);
        return NULL;
    }
    return m;
}

static json_t *item_or_404(api *a, http_req *r, int64_t id)
{
    json_t *it = NULL;
    if (store_item_get(a->st, id, &it) != 0) {
        http_respond_error(r, 404, NULL, "no item %lld", (long long)id);
        return NULL;
    }
    return it;
}

static bool is_owner(const who *w, const json_t *it)
{
    return json_integer_value(json_object_get(it, "created_by")) == w->user_id;
}

static const char *state_of(const json_t *it)
{
    return json_string_value(json_object_get(it, "state")) ?: "";
}

/* May w change (edit, delete) this item? */
static bool may_edit(api *a, who *w, const json_t *it)
{
    if (w->role == ROLE_ADMIN) return true;
    if (w->role == ROLE_EDITOR && may_publish(a, w, json_object_get(it, "groups"))) return true;
    /* contributors: their own, until it is approved */
    return is_owner(w, it) &&
           (strcmp(state_of(it), "draft") == 0 || strcmp(state_of(it), "submitted") == 0);
}

/* After a change to an item: wake the screens, answer with the item as stored. */
static void answer_item(api *a, http_req *r, int64_t id, unsigned status)
{
    api_changed(a);
    json_t *it = NULL;
    store_item_get(a->st, id, &it);
    http_respond_json(r, status, it ? it : json_object());
}

static void h_items_list(void *ap, http_req *r)
{
    api *a = ap;
    const char *state = http_query(r, "state"), *kind = http_query(r, "kind");
    const char *group = http_query(r, "group");
    json_t *items = NULL;
    if (store_items_list(a->st, state && *state ? state : NULL,
                         group ? strtoll(group, NULL, 10) : 0, kind && *kind ? kind : NULL,
                         &items) != 0) {
        http_respond_error(r, 500, NULL, "database error");
        return;
    }
    http_respond_json(r, 200, json_pack("{s:o}", "items", items));
}

static void h_item_get(void *ap, http_req *r)
{
    api *a = ap;
    json_t *it = item_or_404(a, r, me(r)->num);
    if (it) http_respond_json(r, 200, it);
}

static void h_item_create(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *in = body_object(r);
    if (!in) return;
    if (strcmp(json_string_value(json_object_get(in, "kind")) ?: "", "alert") == 0) {
        json_decref(in);
        http_respond_error(r, 400, "kind", "alerts are published with POST /api/v1/alerts");
        return;
    }
    json_t *m = item_fields(a, r, in, NULL);
    if (!m) {
        json_decref(in);
        return;
    }
    bool publish = json_is_true(json_object_get(in, "publish"));
    bool submit = json_is_true(json_object_get(in, "submit"));
    json_decref(in);
    if (publish && !may_publish(a, w, json_object_get(m, "groups"))) {
        json_decref(m);
        http_respond_error(r, 403, "groups",
                           "you may not publish to these groups: submit it for review instead");
        return;
    }
    const char *state = publish ? "approved" : submit ? "submitted" : "draft";
    int64_t id;
    char err[256];
    if (store_item_add(a->st, m, state, w->user_id, &id, err, sizeof err) != 0) {
        json_decref(m);
        http_respond_error(r, 500, NULL, "%s", err);
        return;
    }
    json_decref(m);
    if (publish) store_item_set_state(a->st, id, "approved", w->user_id, NULL);
    char t[32];
    snprintf(t, sizeof t, "item %lld", (long long)id);
    audit(a, r, publish ? "publish" : submit ? "submit" : "create", t, NULL);
    answer_item(a, r, id, 201);
}

static void h_item_update(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *it = item_or_404(a, r, w->num);
    if (!it) return;
    if (!may_edit(a, w, it)) {
        json_decref(it);
        http_respond_error(r, 403, NULL, "you may not change this item");
        return;
    }
    json_t *in = body_object(r);
    if (!in) {
        json_decref(it);
        return;
    }
    if (json_object_get(in, "submit") || json_object_get(in, "publish")) {
        http_respond_error(r, 400, json_object_get(in, "submit") ? "submit" : "publish",
                           "a change of state is POST /api/v1/items/{id}/submit or /approve");
        json_decref(in);
        json_decref(it);
        return;
    }
    json_t *m = item_fields(a, r, in, it);
    json_decref(in);
    if (!m) {
        json_decref(it);
        return;
    }
    /* An editor may not move an approved item into groups outside theirs. */
    if (strcmp(state_of(it), "approved") == 0 && !may_publish(a, w, json_object_get(m, "groups"))) {
        json_decref(it);
        json_decref(m);
        http_respond_error(r, 403, "groups", "you may not publish to these groups");
        return;
    }
    char err[256];
    json_t *set = json_object();
    for (size_t i = 0; ITEM_KEYS[i]; i++)
        if (strcmp(ITEM_KEYS[i], "kind"))
            json_object_set(set, ITEM_KEYS[i], json_object_get(m, ITEM_KEYS[i]));
    int rc = store_item_update(a->st, w->num, set, err, sizeof err);
    json_decref(set);
    json_decref(m);
    json_decref(it);
    if (rc != 0) {
        http_respond_error(r, 500, NULL, "%s", err);
        return;
    }
    char t[128];
    audit(a, r, "edit", target(r, "item", t), NULL);
    answer_item(a, r, w->num, 200);
}

static void h_item_delete(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *it = item_or_404(a, r, w->num);
    if (!it) return;
    bool ok = may_edit(a, w, it);
    json_decref(it);
    if (!ok) {
        http_respond_error(r, 403, NULL, "you may not delete this item");
        return;
    }
    store_item_delete(a->st, w->num);
    char t[128];
    audit(a, r, "delete", target(r, "item", t), NULL);
    api_changed(a);
    http_respond_json(r, 200, json_object());
}

/* submit / approve / reject / archive */
static void h_item_action(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *it = item_or_404(a, r, w->num);
    if (!it) return;
    const char *path = http_path(r);
    const char *action = strrchr(path, '/') + 1;
    json_t *in = NULL;
    size_t blen;
    http_body(r, &blen);
    if (blen) {
        in = body_object(r);
        if (!in) {
            json_decref(it);
            return;
        }
    }
    const char *comment = json_string_value(json_object_get(in, "comment"));
    const char *state = state_of(it);
    const char *to = NULL;
    unsigned status = 0;
    const char *why = NULL;
    bool review = false;
    if (strcmp(action, "submit") == 0) {
        if (!may_edit(a, w, it))
            status = 403, why = "you may not submit this item";
        else if (strcmp(state, "draft") != 0)
            status = 409, why = "only a draft can be submitted";
        to = "submitted";
    } else if (strcmp(action, "approve") == 0 || strcmp(action, "reject") == 0) {
        review = true;
        if (!may_publish(a, w, json_object_get(it, "groups")))
            status = 403, why = "only an editor of every group this item targets may review it";
        else if (strcmp(state, "submitted") != 0 && strcmp(state, "draft") != 0)
            status = 409, why = "only a draft or a submitted item can be reviewed";
        else if (action[0] == 'r' && !(comment && *comment))
            status = 400, why = "say why in a comment, so the author can mend it";
        to = action[0] == 'a' ? "approved" : "draft";
    } else {
        if (!may_publish(a, w, json_object_get(it, "groups")))
            status = 403, why = "you may not archive this item";
        else if (strcmp(state, "archived") == 0)
            status = 409, why = "the item is archived already";
        to = "archived";
    }
    if (status) {
        json_decref(it);
        json_decref(in);
        http_respond_error(r, status, status == 400 ? "comment" : NULL, "%s", why);
        return;
    }
    store_item_set_state(a->st, w->num, to, review ? w->user_id : 0, review ? comment : NULL);
    char t[128];
    audit(a, r, action, target(r, "item", t), "%s", comment ? comment : "");
    json_decref(it);
    json_decref(in);
    answer_item(a, r, w->num, 200);
}

static void h_items_reorder(void *ap, http_req *r)
{
    api *a = ap;
    json_t *in = body_object(r);
    if (!in) return;
    json_t *ids = json_object_get(in, "ids");
    size_t i;
    json_t *v;
    bool ok = json_is_array(ids);
    json_array_foreach(ids, i, v) ok &= json_is_integer(v);
    char err[256];
    if (!ok) {
        json_decref(in);
        http_respond_error(r, 400, "ids", "ids must be an array of item ids");
        return;
    }
    if (store_items_reorder(a->st, ids, err, sizeof err) != 0) {
        json_decref(in);
        http_respond_error(r, 400, "ids", "%s", err);
        return;
    }
    json_decref(in);
    audit(a, r, "reorder", "items", NULL);
    api_changed(a);
    http_respond_json(r, 200, json_object());
}

/* ---- alerts ---- */

static void h_alert_publish(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *in = body_object(r);
    if (!in) return;
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v)
    {
        if (strcmp(k, "title") && strcmp(k, "body") && strcmp(k, "start") && strcmp(k, "end") &&
            strcmp(k, "groups") && strcmp(k, "all")) {
            http_respond_error(r, 400, k, "unknown field \"%s\"", k);
            json_decref(in);
            return;
        }
    }
    json_t *f = json_object();
    json_object_set_new(f, "kind", json_string("alert"));
    const char *keys[] = {"title", "body", "start", "end", "groups"};
    for (size_t i = 0; i < 5; i++)
        if (json_object_get(in, keys[i])) json_object_set(f, keys[i], json_object_get(in, keys[i]));
    if (json_is_true(json_object_get(in, "all"))) {
        json_t *gs = NULL, *ids = json_array();
        store_groups_list(a->st, &gs);
        size_t i;
        json_t *g;
        json_array_foreach(gs, i, g) json_array_append(ids, json_object_get(g, "id"));
        json_decref(gs);
        json_object_set_new(f, "groups", ids);
    }
    if (!(json_string_value(json_object_get(f, "body")) ?: "")[0]) {
        json_decref(in);
        json_decref(f);
        http_respond_error(r, 400, "body", "an alert needs a text");
        return;
    }
    json_decref(in);
    json_t *m = item_fields(a, r, f, NULL);
    json_decref(f);
    if (!m) return;
    if (!may_publish(a, w, json_object_get(m, "groups"))) {
        json_decref(m);
        http_respond_error(r, 403, "groups", "you may not publish alerts to these groups");
        return;
    }
    int64_t id;
    char err[256];
    if (store_item_add(a->st, m, "approved", w->user_id, &id, err, sizeof err) != 0) {
        json_decref(m);
        http_respond_error(r, 500, NULL, "%s", err);
        return;
    }
    store_item_set_state(a->st, id, "approved", w->user_id, NULL);
    char t[32];
    snprintf(t, sizeof t, "alert %lld", (long long)id);
    audit(a, r, "alert", t, "%s", json_string_value(json_object_get(m, "title")) ?: "");
    json_decref(m);
    answer_item(a, r, id, 201);
}

static void h_alert_end(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *it = item_or_404(a, r, w->num);
    if (!it) return;
    if (strcmp(json_string_value(json_object_get(it, "kind")) ?: "", "alert") != 0) {
        json_decref(it);
        http_respond_error(r, 404, NULL, "no alert %lld", (long long)w->num);
        return;
    }
    if (!may_publish(a, w, json_object_get(it, "groups"))) {
        json_decref(it);
        http_respond_error(r, 403, NULL, "you may not end this alert");
        return;
    }
    bool ended = strcmp(state_of(it), "archived") == 0;
    json_decref(it);
    if (ended) {
        http_respond_error(r, 409, NULL, "the alert has ended already");
        return;
    }
    store_item_set_state(a->st, w->num, "archived", 0, NULL);
    char t[128];
    audit(a, r, "alert-end", target(r, "alert", t), NULL);
    api_changed(a);
    http_respond_json(r, 200, json_object());
}

/* ---- uploads ---- */

static void h_upload(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    asset_info info;
    const char *err;
    asset_rc rc = http_upload_result(r, &info, &err);
    if (rc != ASSET_OK) {
        const char *name = http_query(r, "name");
        store_audit(a->st, w->user_id, w->name, "upload-refused", name, err);
        http_respond_error(r, upload_status(rc), "file", "%s", err);
        return;
    }
    store_asset_add(a->st, info.sha256, info.size, info.type, info.width, info.height, w->user_id);
    const char *name = http_query(r, "name");
    audit(a, r, "upload", info.sha256, "%s %dx%d %lld bytes%s%.200s", info.type, info.width,
          info.height, (long long)info.size, name ? ", named " : "", name ? name : "");
    http_respond_json(r, 201,
                      json_pack("{s:s, s:I, s:s, s:i, s:i, s:s+}", "sha256", info.sha256, "size",
                                (json_int_t)info.size, "type", info.type, "width", info.width,
                                "height", info.height, "url", "/assets/", info.sha256));
}

/* ---- displays ---- */

static void h_displays_list(void *ap, http_req *r)
{
    api *a = ap;
    json_t *ds = NULL;
    if (store_displays_list(a->st, &ds) != 0) {
        http_respond_error(r, 500, NULL, "database error");
        return;
    }
    int64_t now = now_s();
    size_t i;
    json_t *d;
    json_array_foreach(ds, i, d)
    {
        json_t *seen = json_object_get(d, "last_seen");
        /* online: a heartbeat within three intervals (60 s each by default) */
        json_object_set_new(
            d, "online",
            json_boolean(json_is_integer(seen) && now - json_integer_value(seen) <= 180));
    }
    http_respond_json(r, 200, json_pack("{s:o, s:I}", "displays", ds, "now", (json_int_t)now));
}

static json_t *display_or_404(api *a, http_req *r)
{
    json_t *d = NULL;
    if (store_display_get(a->st, me(r)->seg, &d) != 0) {
        http_respond_error(r, 404, NULL, "no display \"%s\"", me(r)->seg);
        return NULL;
    }
    return d;
}

/* Answers 404 itself when the display in the path is unknown. */
static bool display_known(api *a, http_req *r)
{
    json_t *d = display_or_404(a, r);
    json_decref(d);
    return d != NULL;
}

static void h_display_get(void *ap, http_req *r)
{
    json_t *d = display_or_404(ap, r);
    if (d) http_respond_json(r, 200, d);
}

static void h_display_update(void *ap, http_req *r)
{
    api *a = ap;
    if (!display_known(a, r)) return;
    json_t *in = body_object(r);
    if (!in) return;
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v)
    {
        bool ok = (strcmp(k, "name") == 0 || strcmp(k, "location") == 0)
                      ? json_is_string(v) && strlen(json_string_value(v)) <= 400
                  : strcmp(k, "accepted") == 0 ? json_is_boolean(v)
                  : strcmp(k, "groups") == 0   ? json_is_array(v)
                                               : false;
        if (!ok) {
            /* k is a key of in: answered before in goes */
            http_respond_error(r, 400, k, "\"%s\": unknown field or wrong type", k);
            json_decref(in);
            return;
        }
    }
    if (!groups_valid(a, r, json_object_get(in, "groups"))) {
        json_decref(in);
        return;
    }
    char err[256];
    if (store_display_update(a->st, me(r)->seg, in, err, sizeof err) != 0) {
        json_decref(in);
        http_respond_error(r, 500, NULL, "%s", err);
        return;
    }
    char *text = json_dumps(in, JSON_COMPACT);
    char t[128];
    audit(a, r, "display-edit", target(r, "display", t), "%s", text ? text : "");
    free(text);
    json_decref(in);
    api_changed(a);
    h_display_get(a, r);
}

static void h_display_delete(void *ap, http_req *r)
{
    api *a = ap;
    if (!display_known(a, r)) return;
    store_display_delete(a->st, me(r)->seg);
    char t[128];
    audit(a, r, "display-delete", target(r, "display", t), NULL);
    api_changed(a); /* if it calls again, it is new: the default content */
    http_respond_json(r, 200, json_object());
}

static void h_display_shot_request(void *ap, http_req *r)
{
    api *a = ap;
    if (!display_known(a, r)) return;
    store_display_request_shot(a->st, me(r)->seg);
    char t[128];
    audit(a, r, "screenshot-request", target(r, "display", t), NULL);
    http_respond_json(r, 202, json_object());
}

static void h_display_token(void *ap, http_req *r)
{
    api *a = ap;
    if (!display_known(a, r)) return;
    char token[65], th[65];
    auth_token(token);
    auth_token_hash(token, th);
    store_display_set_token(a->st, me(r)->seg, th);
    api_changed(a); /* the manifest route checks tokens from the cache */
    char t[128];
    audit(a, r, "display-token", target(r, "display", t), NULL);
    /* shown once: only its hash is kept */
    http_respond_json(r, 200, json_pack("{s:s}", "token", token));
}

static void h_display_shot(void *ap, http_req *r)
{
    api *a = ap;
    json_t *d = display_or_404(a, r);
    if (!d) return;
    const char *sha = json_string_value(json_object_get(d, "shot_sha256"));
    char path[4300];
    if (!sha || assets_path(a->as, sha, path, sizeof path) != 0) {
        json_decref(d);
        http_respond_error(r, 404, NULL, "no screenshot yet");
        return;
    }
    char etag[72];
    snprintf(etag, sizeof etag, "\"%.64s\"", sha);
    json_t *as = NULL;
    store_asset_get(a->st, sha, &as);
    http_respond_file(r, path, json_string_value(json_object_get(as, "type")) ?: "image/jpeg", etag,
                      "private, no-cache", NULL);
    json_decref(as);
    json_decref(d);
}

/* ---- groups, users, audit, settings ---- */

static void h_groups_list(void *ap, http_req *r)
{
    api *a = ap;
    json_t *gs = NULL;
    if (store_groups_list(a->st, &gs) != 0) {
        http_respond_error(r, 500, NULL, "database error");
        return;
    }
    http_respond_json(r, 200, json_pack("{s:o}", "groups", gs));
}

static const char *group_name(http_req *r, json_t *in)
{
    const char *name = json_string_value(json_object_get(in, "name"));
    if (!name || !*name || strlen(name) > 200) {
        http_respond_error(r, 400, "name", "a group needs a name (at most 200 bytes)");
        return NULL;
    }
    return name;
}

static void h_group_create(void *ap, http_req *r)
{
    api *a = ap;
    json_t *in = body_object(r);
    if (!in) return;
    const char *name = group_name(r, in);
    int64_t id;
    char err[256];
    if (name && store_group_add(a->st, name, false, &id, err, sizeof err) != 0)
        http_respond_error(r, 409, "name", "a group named \"%s\" %s", name, err);
    else if (name) {
        audit(a, r, "group-create", name, NULL);
        http_respond_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
    }
    json_decref(in);
}

static void h_group_update(void *ap, http_req *r)
{
    api *a = ap;
    json_t *in = body_object(r);
    if (!in) return;
    const char *name = group_name(r, in);
    char err[256];
    if (name && !store_group_exists(a->st, me(r)->num))
        http_respond_error(r, 404, NULL, "no such group");
    else if (name && store_group_rename(a->st, me(r)->num, name, err, sizeof err) != 0)
        http_respond_error(r, 409, "name", "a group named \"%s\" %s", name, err);
    else if (name) {
        audit(a, r, "group-rename", name, NULL);
        http_respond_json(r, 200,
                          json_pack("{s:I, s:s}", "id", (json_int_t)me(r)->num, "name", name));
    }
    json_decref(in);
}

static void h_group_delete(void *ap, http_req *r)
{
    api *a = ap;
    char err[256];
    int rc = store_group_delete(a->st, me(r)->num, err, sizeof err);
    if (rc != 0) {
        http_respond_error(r, rc > 0 ? 404 : 409, NULL, "%s", err);
        return;
    }
    char t[128];
    audit(a, r, "group-delete", target(r, "group", t), NULL);
    api_changed(a);
    http_respond_json(r, 200, json_object());
}

static void h_users_list(void *ap, http_req *r)
{
    api *a = ap;
    json_t *us = NULL;
    if (store_users_list(a->st, &us) != 0) {
        http_respond_error(r, 500, NULL, "database error");
        return;
    }
    http_respond_json(r, 200, json_pack("{s:o}", "users", us));
}

static bool user_name_ok(const char *n)
{
    size_t l = n ? strlen(n) : 0;
    if (l < 1 || l > 64) return false;
    for (size_t i = 0; i < l; i++)
        if ((unsigned char)n[i] < 0x21 || n[i] == 0x7f) return false;
    return true;
}

static void h_user_create(void *ap, http_req *r)
{
    api *a = ap;
    json_t *in = body_object(r);
    if (!in) return;
    const char *name = json_string_value(json_object_get(in, "name"));
    const char *rl = json_string_value(json_object_get(in, "role"));
    const char *pw = json_string_value(json_object_get(in, "password"));
    json_t *gs = json_object_get(in, "groups");
    char h[AUTH_HASH_MAX], err[256];
    int64_t id;
    if (!user_name_ok(name))
        http_respond_error(r, 400, "name", "a user name is 1-64 bytes without spaces");
    else if (role_parse(rl) == ROLE_NONE)
        http_respond_error(r, 400, "role", "role must be admin, editor or contributor");
    else if (!password_ok(r, pw, "password") || !groups_valid(a, r, gs))
        ;
    else if (auth_hash_password(a->au, pw, h) != 0)
        http_respond_error(r, 500, NULL, "cannot hash the password");
    else if (store_user_add(a->st, name, rl, h, &id, err, sizeof err) != 0)
        http_respond_error(r, 409, "name", "a user named \"%s\" %s", name, err);
    else {
        if (gs) store_user_update(a->st, id, NULL, -1, NULL, gs, err, sizeof err);
        audit(a, r, "user-create", name, "role %s", rl);
        http_respond_json(r, 201, user_view(a, id));
    }
    json_decref(in);
}

static void h_user_update(void *ap, http_req *r)
{
    api *a = ap;
    who *w = me(r);
    json_t *u = NULL;
    if (store_user_get(a->st, w->num, &u) != 0) {
        http_respond_error(r, 404, NULL, "no such user");
        return;
    }
    json_t *in = body_object(r);
    if (!in) {
        json_decref(u);
        return;
    }
    const char *rl = json_string_value(json_object_get(in, "role"));
    json_t *dis = json_object_get(in, "disabled");
    const char *pw = json_string_value(json_object_get(in, "password"));
    json_t *gs = json_object_get(in, "groups");
    char h[AUTH_HASH_MAX], err[256];
    bool ok = true;
    if (json_object_get(in, "role") && role_parse(rl) == ROLE_NONE) {
        http_respond_error(r, 400, "role", "role must be admin, editor or contributor");
        ok = false;
    } else if (dis && !json_is_boolean(dis)) {
        http_respond_error(r, 400, "disabled", "disabled must be true or false");
        ok = false;
    } else if (json_object_get(in, "password") && !password_ok(r, pw, "password")) {
        ok = false;
    } else if (!groups_valid(a, r, gs)) {
        ok = false;
    } else if (w->num == w->user_id &&
               ((rl && role_parse(rl) != ROLE_ADMIN) || json_is_true(dis))) {
        http_respond_error(r, 409, "role", "you cannot demote or disable yourself");
        ok = false;
    } else if (pw && auth_hash_password(a->au, pw, h) != 0) {
        http_respond_error(r, 500, NULL, "cannot hash the password");
        ok = false;
    }
    if (ok && store_user_update(a->st, w->num, rl, dis ? json_is_true(dis) : -1, pw ? h : NULL, gs,
                                err, sizeof err) != 0) {
        http_respond_error(r, 500, NULL, "%s", err);
        ok = false;
    }
    if (ok) {
        if (json_is_true(dis) || pw)
            store_sessions_delete_user(a->st, w->num); /* out now, not at expiry */
        audit(a, r, "user-edit", json_string_value(json_object_get(u, "name")), "%s%s%s%s",
              rl ? "role " : "", rl ? rl : "",
              dis ? (json_is_true(dis) ? " disabled" : " enabled") : "",
              pw ? " password reset" : "");
        http_respond_json(r, 200, user_view(a, w->num));
    }
    json_decref(u);
    json_decref(in);
}

static void h_audit(void *ap, http_req *r)
{
    api *a = ap;
    const char *b = http_query(r, "before"), *l = http_query(r, "limit");
    long long limit = l ? strtoll(l, NULL, 10) : 100;
    if (limit < 1 || limit > 1000) limit = 100;
    json_t *rows = NULL;
    if (store_audit_list(a->st, b ? strtoll(b, NULL, 10) : 0, (int)limit, &rows) != 0) {
        http_respond_error(r, 500, NULL, "database error");
        return;
    }
    http_respond_json(r, 200, json_pack("{s:o}", "audit", rows));
}

static const char *const SETTINGS[] = {"theme_title", "theme_subtitle", "theme_accent",
                                       "theme_logo",  "timezone",       NULL};

static void h_settings_get(void *ap, http_req *r)
{
    api *a = ap;
    json_t *o = json_object();
    for (size_t i = 0; SETTINGS[i]; i++) {
        char *v = NULL;
        store_setting_get(a->st, SETTINGS[i], &v);
        json_object_set_new(o, SETTINGS[i], v ? json_string(v) : json_null());
        free(v);
    }
    http_respond_json(r, 200, o);
}

static void h_settings_put(void *ap, http_req *r)
{
    api *a = ap;
    json_t *in = body_object(r);
    if (!in) return;
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v)
    {
        bool known = false;
        for (size_t i = 0; SETTINGS[i]; i++)
            known |= strcmp(k, SETTINGS[i]) == 0;
        if (!known || !(json_is_string(v) || json_is_null(v))) {
            /* k is a key of in: answered before in goes */
            http_respond_error(r, 400, k, "\"%s\": unknown setting or not a string", k);
            json_decref(in);
            return;
        }
    }
    /* Checked as the player will read it: a theme inside a manifest. */
    json_t *theme = json_object();
    const char *logo = json_string_value(json_object_get(in, "theme_logo"));
    json_t *as = NULL;
    if (logo && *logo && (!manifest_sha256_valid(logo) || store_asset_get(a->st, logo, &as) != 0)) {
        json_decref(in);
        json_decref(theme);
        http_respond_error(r, 400, "theme_logo", "no such upload");
        return;
    }
    json_decref(as);
    const char *tkeys[][2] = {
        {"theme_accent", "accent"}, {"theme_title", "title"}, {"theme_subtitle", "subtitle"}};
    for (size_t i = 0; i < 3; i++) {
        const char *tv = json_string_value(json_object_get(in, tkeys[i][0]));
        if (tv && *tv) json_object_set_new(theme, tkeys[i][1], json_string(tv));
    }
    json_t *doc = json_pack("{s:i, s:o}", "schema", 1, "theme", theme);
    const char *tz = json_string_value(json_object_get(in, "timezone"));
    if (tz && *tz) json_object_set_new(doc, "display", json_pack("{s:s}", "timezone", tz));
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    manifest *m = NULL;
    diag_list d;
    diag_init(&d);
    manifest_parse(text, strlen(text), "settings", &m, &d);
    free(text);
    manifest_free(m);
    if (d.n) {
        const char *msg = d.items[0].msg;
        const char *field = strstr(msg, "\"timezone\"")   ? "timezone"
                            : strstr(msg, "\"subtitle\"") ? "theme_subtitle"
                            : strstr(msg, "\"title\"")    ? "theme_title"
                                                          : "theme_accent";
        http_respond_error(r, 422, field, "%s", d.items[0].msg);
        diag_free(&d);
        json_decref(in);
        return;
    }
    diag_free(&d);
    for (size_t i = 0; SETTINGS[i]; i++) {
        const char *sv = json_string_value(json_object_get(in, SETTINGS[i]));
        if (sv && strlen(sv) > 400) {
            http_respond_error(r, 400, SETTINGS[i], "at most 400 bytes");
            json_decref(in);
            return;
        }
    }
    if (tz && *tz) { /* the player falls back on an unknown zone; say so here instead */
        tz_zone *z = NULL;
        char why[256];
        if (tz_load(tz, NULL, &z, why, sizeof why) != 0) {
            http_respond_error(r, 422, "timezone", "unknown time zone \"%s\" (e.g. Asia/Shanghai)",
                               tz);
            json_decref(in);
            return;
        }
        tz_free(z);
    }
    for (size_t i = 0; SETTINGS[i]; i++) {
        json_t *x = json_object_get(in, SETTINGS[i]);
        if (!x) continue;
        const char *s = json_string_value(x);
        store_setting_set(a->st, SETTINGS[i], s && *s ? s : NULL);
    }
    char *all = json_dumps(in, JSON_COMPACT);
    audit(a, r, "settings", NULL, "%s", all ? all : "");
    free(all);
    json_decref(in);
    api_changed(a);
    h_settings_get(a, r);
}

/* A preview drawn on a thread of its own: the request is held meanwhile,
 * so no HTTP thread waits on the player (screens' polls go on). */
typedef struct preview_job {
    api *a;
    http_req *r;
    json_t *doc, *files;
    bool slide;
    int w, h;
    int rc;
    char *png;
    size_t len;
    json_t *warnings;
    char err[512];
} preview_job;

static void *preview_thread(void *arg)
{
    preview_job *j = arg;
    j->rc = preview_render(j->a->pv, j->doc, j->files, j->slide ? "item-0" : NULL, j->w, j->h,
                           &j->png, &j->len, &j->warnings, j->err, sizeof j->err);
    http_release(j->r); /* j is the request's now; the handler answers and frees it */
    return NULL;
}

static void preview_answer(http_req *r, preview_job *j)
{
    if (j->rc != 0) {
        http_respond_error(r, j->rc == PREVIEW_BUSY ? 503 : 500, NULL, "%s", j->err);
        return;
    }
    size_t b64len = sodium_base64_encoded_len(j->len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len + 32);
    if (!b64) {
        http_respond_error(r, 500, NULL, "out of memory");
        return;
    }
    strcpy(b64, "data:image/png;base64,");
    sodium_bin2base64(b64 + strlen(b64), b64len, (const unsigned char *)j->png, j->len,
                      sodium_base64_VARIANT_ORIGINAL);
    json_t *out = json_pack("{s:s, s:O, s:i, s:i}", "png", b64, "warnings", j->warnings, "width",
                            j->w, "height", j->h);
    free(b64);
    http_respond_json(r, 200, out);
}

static void preview_job_free(preview_job *j)
{
    if (!j) return;
    json_decref(j->doc);
    json_decref(j->files);
    json_decref(j->warnings);
    free(j->png);
    free(j);
}

/* The slide as a screen of that size shows it, drawn by the player itself. */
static void h_preview(void *ap, http_req *r)
{
    api *a = ap;
    who *wh = me(r);
    if (http_resumed(r) && wh->job) { /* drawn: answer */
        preview_answer(r, wh->job);
        preview_job_free(wh->job);
        wh->job = NULL;
        return;
    }
    if (preview_busy(a->pv)) {
        http_respond_error(r, 503, NULL,
                           "busy: other previews are being drawn, try again in a moment");
        return;
    }
    json_t *in = body_object(r);
    if (!in) return;
    json_t *wv = json_object_get(in, "width"), *hv = json_object_get(in, "height");
    int64_t w = wv ? json_integer_value(wv) : 1920, h = hv ? json_integer_value(hv) : 1080;
    if ((wv && !json_is_integer(wv)) || (hv && !json_is_integer(hv)) || w < 160 || h < 160 ||
        w > 7680 || h > 7680) {
        http_respond_error(r, 400, "width", "width and height are 160 to 7680 pixels");
        json_decref(in);
        return;
    }
    json_object_del(in, "width");
    json_object_del(in, "height");
    if (!json_object_get(in, "groups")) { /* a preview targets nothing */
        int64_t def = 0;
        store_group_default(a->st, &def);
        json_object_set_new(in, "groups", json_pack("[I]", (json_int_t)def));
    }
    json_t *m = item_fields(a, r, in, NULL);
    json_decref(in);
    if (!m) return;
    const char *list;
    json_t *item = build_item(m, "", &list);
    char *tz = NULL;
    store_setting_get(a->st, "timezone", &tz);
    json_t *doc = json_pack("{s:i, s:s, s:{s:s, s:s}, s:o}", "schema", 1, "version", "preview",
                            "display", "id", "preview", "timezone",
                            tz && *tz ? tz : "Asia/Shanghai", "theme", build_theme(a->st, ""));
    free(tz);
    json_object_set_new(doc, list, json_pack("[o]", item));
    /* the pictures it names, by their hash */
    json_t *files = json_object();
    const char *shas[2] = {json_string_value(json_object_get(m, "media")),
                           json_string_value(json_object_get(
                               json_object_get(json_object_get(doc, "theme"), "logo"), "sha256"))};
    for (int i = 0; i < 2; i++) {
        char path[4300];
        if (shas[i] && assets_path(a->as, shas[i], path, sizeof path) == 0)
            json_object_set_new(files, shas[i], json_string(path));
    }
    json_decref(m);
    preview_job *j = calloc(1, sizeof *j);
    if (!j) {
        json_decref(doc);
        json_decref(files);
        http_respond_error(r, 500, NULL, "out of memory");
        return;
    }
    *j = (preview_job){.a = a,
                       .r = r,
                       .doc = doc,
                       .files = files,
                       .slide = strcmp(list, "slides") == 0,
                       .w = (int)w,
                       .h = (int)h};
    wh->job = j;
    http_hold(r);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, preview_thread, j) != 0) {
        j->rc = -1;
        snprintf(j->err, sizeof j->err, "cannot start a preview");
        http_release(r);
    }
    pthread_attr_destroy(&at);
}

/* The organizers' pages: a few fixed files, by a plain name, never a path. */
static void h_web(void *ap, http_req *r)
{
    api *a = ap;
    const char *name = me(r)->seg[0] ? me(r)->seg : "index.html";
    size_t n = strlen(name);
    bool ok =
        a->web_dir && n > 0 && name[0] != '.' &&
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
    const char *ext = strrchr(name, '.');
    static const char *const TYPES[][2] = {{".html", "text/html; charset=utf-8"},
                                           {".js", "text/javascript; charset=utf-8"},
                                           {".css", "text/css; charset=utf-8"},
                                           {".svg", "image/svg+xml"},
                                           {".png", "image/png"},
                                           {".json", "application/json; charset=utf-8"},
                                           {".ico", "image/x-icon"}};
    const char *type = NULL;
    for (size_t i = 0; ok && ext && i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (strcmp(ext, TYPES[i][0]) == 0) type = TYPES[i][1];
    if (!ok || !type) {
        http_respond_error(r, 404, NULL, "no such page");
        return;
    }
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", a->web_dir, name);
    /* No inline script, nothing from elsewhere: stored text stays text. */
    http_respond_file(r, path, type, NULL, "no-cache",
                      "Content-Security-Policy: default-src 'self'; img-src 'self' data: blob:; "
                      "style-src 'self'; script-src 'self'; connect-src 'self'; "
                      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'\n"
                      "X-Frame-Options: DENY");
}

static void h_health(void *ap, http_req *r)
{
    api *a = ap;
    http_respond_json(r, 200,
                      json_pack("{s:b, s:I}", "ok", 1, "waiting",
                                (json_int_t)(a->http ? http_waiting(a->http) : 0)));
}

/* ---- the route table ---- */

typedef enum { AUTH_PUBLIC, AUTH_PLAYER, AUTH_USER } auth_kind;

typedef struct route {
    const char *method;
    /* segments; "#" = a number (who.num), "*" = an id (who.seg) */
    const char *pattern;
    auth_kind auth;
    role min_role;
    http_body_kind body;
    void (*handle)(void *api, http_req *r);
} route;

#define KB 1024
static const route ROUTES[] = {
    {"GET", "api/v1/displays/*/manifest", AUTH_PLAYER, 0, HTTP_BODY_NONE, h_manifest},
    {"POST", "api/v1/displays/*/status", AUTH_PLAYER, 0, HTTP_BODY_JSON, h_status},
    {"POST", "api/v1/displays/*/screenshot", AUTH_PLAYER, 0, HTTP_BODY_UPLOAD, h_player_screenshot},
    {"GET", "assets/*", AUTH_PUBLIC, 0, HTTP_BODY_NONE, h_asset},
    {"GET", "api/v1/health", AUTH_PUBLIC, 0, HTTP_BODY_NONE, h_health},
    {"GET", "", AUTH_PUBLIC, 0, HTTP_BODY_NONE, h_web},
    {"GET", "ui/*", AUTH_PUBLIC, 0, HTTP_BODY_NONE, h_web},
    {"POST", "api/v1/preview", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_JSON, h_preview},
    {"POST", "api/v1/login", AUTH_PUBLIC, 0, HTTP_BODY_JSON, h_login},
    {"POST", "api/v1/logout", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_logout},
    {"GET", "api/v1/me", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_me},
    {"POST", "api/v1/me/password", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_JSON, h_me_password},
    {"GET", "api/v1/items", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_items_list},
    {"POST", "api/v1/items", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_JSON, h_item_create},
    {"POST", "api/v1/items/reorder", AUTH_USER, ROLE_EDITOR, HTTP_BODY_JSON, h_items_reorder},
    {"GET", "api/v1/items/#", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_item_get},
    {"PUT", "api/v1/items/#", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_JSON, h_item_update},
    {"DELETE", "api/v1/items/#", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_item_delete},
    {"POST", "api/v1/items/#/submit", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_JSON, h_item_action},
    {"POST", "api/v1/items/#/approve", AUTH_USER, ROLE_EDITOR, HTTP_BODY_JSON, h_item_action},
    {"POST", "api/v1/items/#/reject", AUTH_USER, ROLE_EDITOR, HTTP_BODY_JSON, h_item_action},
    {"POST", "api/v1/items/#/archive", AUTH_USER, ROLE_EDITOR, HTTP_BODY_JSON, h_item_action},
    {"POST", "api/v1/alerts", AUTH_USER, ROLE_EDITOR, HTTP_BODY_JSON, h_alert_publish},
    {"POST", "api/v1/alerts/#/end", AUTH_USER, ROLE_EDITOR, HTTP_BODY_NONE, h_alert_end},
    {"POST", "api/v1/uploads", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_UPLOAD, h_upload},
    {"GET", "api/v1/displays", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_displays_list},
    {"GET", "api/v1/displays/*", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_display_get},
    {"PUT", "api/v1/displays/*", AUTH_USER, ROLE_ADMIN, HTTP_BODY_JSON, h_display_update},
    {"DELETE", "api/v1/displays/*", AUTH_USER, ROLE_ADMIN, HTTP_BODY_NONE, h_display_delete},
    {"POST", "api/v1/displays/*/screenshot-request", AUTH_USER, ROLE_EDITOR, HTTP_BODY_NONE,
     h_display_shot_request},
    {"GET", "api/v1/displays/*/screenshot", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE,
     h_display_shot},
    {"POST", "api/v1/displays/*/token", AUTH_USER, ROLE_ADMIN, HTTP_BODY_NONE, h_display_token},
    {"GET", "api/v1/groups", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_groups_list},
    {"POST", "api/v1/groups", AUTH_USER, ROLE_ADMIN, HTTP_BODY_JSON, h_group_create},
    {"PUT", "api/v1/groups/#", AUTH_USER, ROLE_ADMIN, HTTP_BODY_JSON, h_group_update},
    {"DELETE", "api/v1/groups/#", AUTH_USER, ROLE_ADMIN, HTTP_BODY_NONE, h_group_delete},
    {"GET", "api/v1/users", AUTH_USER, ROLE_ADMIN, HTTP_BODY_NONE, h_users_list},
    {"POST", "api/v1/users", AUTH_USER, ROLE_ADMIN, HTTP_BODY_JSON, h_user_create},
    {"PUT", "api/v1/users/#", AUTH_USER, ROLE_ADMIN, HTTP_BODY_JSON, h_user_update},
    {"GET", "api/v1/audit", AUTH_USER, ROLE_ADMIN, HTTP_BODY_NONE, h_audit},
    {"GET", "api/v1/settings", AUTH_USER, ROLE_CONTRIBUTOR, HTTP_BODY_NONE, h_settings_get},
    {"PUT", "api/v1/settings", AUTH_USER, ROLE_ADMIN, HTTP_BODY_JSON, h_settings_put},
};

/* Matches path segments against a pattern; fills num / seg. */
static bool match(const char *pattern, const char *path, who *w)
{
    while (*path == '/')
        path++;
    const char *p = pattern;
    while (*p) {
        const char *pe = strchr(p, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p);
        const char *se = strchr(path, '/');
        size_t sl = se ? (size_t)(se - path) : strlen(path);
        if (sl == 0) return false;
        if (pl == 1 && *p == '#') {
            if (sl > 18) return false;
            int64_t v = 0;
            for (size_t i = 0; i < sl; i++) {
                if (!isdigit((unsigned char)path[i])) return false;
                v = v * 10 + (path[i] - '0');
            }
            w->num = v;
        } else if (pl == 1 && *p == '*') {
            if (sl >= sizeof w->seg) return false;
            memcpy(w->seg, path, sl);
            w->seg[sl] = 0;
        } else if (pl != sl || memcmp(p, path, sl) != 0) {
            return false;
        }
        p += pl;
        path += sl;
        if (*p == '/') p++;
        if (*path == '/') path++;
        if (!*p != !*path) return false;
    }
    return !*path;
}

static bool session_user(api *a, http_req *r, who *w)
{
    const char *sid = http_cookie(r, "sid");
    json_t *s = NULL, *u = NULL;
    if (sid && strlen(sid) == 64) auth_token_hash(sid, w->token_hash);
    if (!sid || strlen(sid) != 64 || store_session_get(a->st, w->token_hash, now_s(), &s) != 0) {
        http_respond_error(r, 401, NULL, "log in first");
        return false;
    }
    w->user_id = json_integer_value(json_object_get(s, "user_id"));
    bool ok = false;
    if (store_user_get(a->st, w->user_id, &u) == 0 &&
        !json_is_true(json_object_get(u, "disabled"))) {
        w->role = role_parse(json_string_value(json_object_get(u, "role")));
        snprintf(w->name, sizeof w->name, "%s", json_string_value(json_object_get(u, "name")));
        ok = w->role != ROLE_NONE;
    }
    /* Every state-changing call carries the session's CSRF token. */
    const char *m = http_method(r);
    if (ok && strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
        const char *t = http_header(r, "X-CSRF-Token");
        const char *want = json_string_value(json_object_get(s, "csrf"));
        if (!t || !want || !auth_equal(t, want)) {
            http_respond_error(r, 403, NULL,
                               "missing or wrong X-CSRF-Token (reload the page and try again)");
            json_decref(s);
            json_decref(u);
            return false;
        }
    }
    json_decref(s);
    json_decref(u);
    if (!ok) http_respond_error(r, 401, NULL, "log in first");
    return ok;
}

bool api_route(void *ap, http_req *r, http_route *out)
{
    api *a = ap;
    who *w = calloc(1, sizeof *w);
    if (!w) {
        http_respond_error(r, 500, NULL, "out of memory");
        return false;
    }
    *http_user(r) = w;
    const char *method = http_method(r), *path = http_path(r);
    const route *hit = NULL;
    bool path_known = false;
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
        who tmp = {0};
        if (!match(ROUTES[i].pattern, path, &tmp)) continue;
        path_known = true;
        if (strcmp(ROUTES[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(ROUTES[i].method, "GET") == 0)) {
            hit = &ROUTES[i];
            w->num = tmp.num;
            memcpy(w->seg, tmp.seg, sizeof w->seg);
            break;
        }
    }
    if (!hit) {
        if (path_known)
            http_respond_error(r, 405, NULL, "%s is not allowed here", method);
        else
            http_respond_error(r, 404, NULL, "no such page: %s", path);
        return false;
    }
    if (hit->body == HTTP_BODY_JSON) {
        const char *ct = http_header(r, "Content-Type");
        const char *cl = http_header(r, "Content-Length");
        bool has_body = (cl && strcmp(cl, "0") != 0) || http_header(r, "Transfer-Encoding");
        /* JSON only: a cross-site HTML form cannot send it */
        if (has_body && (!ct || strncasecmp(ct, "application/json", 16) != 0)) {
            http_respond_error(r, 415, NULL, "send JSON (Content-Type: application/json)");
            return false;
        }
    }
    if (hit->auth == AUTH_PLAYER) {
        if (!display_id_valid(w->seg)) {
            http_respond_error(r, 400, NULL,
                               "a display id is 1-64 letters, digits, '.', '_' or '-'");
            return false;
        }
        snprintf(w->display, sizeof w->display, "%s", w->seg);
        build_view v;
        bool allowed =
            hit->handle == h_manifest
                ? build_cache_view(a->bc, w->display, &v, NULL, 0) == 0 && token_ok(r, v.token_hash)
                : display_allowed(a, r, w->display);
        if (!allowed) {
            http_respond_error(r, 401, NULL, "this display needs its token");
            return false;
        }
        /* Screenshots only when one was asked for: nobody else can fill the
         * store with pictures, and the check comes before the body. */
        json_t *d = NULL;
        if (hit->handle == h_player_screenshot &&
            (store_display_get(a->st, w->display, &d) != 0 ||
             !json_is_true(json_object_get(d, "want_shot")))) {
            json_decref(d);
            http_respond_error(r, 409, NULL, "no screenshot was asked of this display");
            return false;
        }
        json_decref(d);
    } else if (hit->auth == AUTH_USER) {
        if (!session_user(a, r, w)) return false;
        if (w->role < hit->min_role) {
            http_respond_error(r, 403, NULL, "your role (%s) may not do this",
                               w->role == ROLE_ADMIN    ? "admin"
                               : w->role == ROLE_EDITOR ? "editor"
                                                        : "contributor");
            return false;
        }
    }
    out->body = hit->body;
    out->body_max = hit->body == HTTP_BODY_UPLOAD
                        ? (hit->handle == h_upload ? a->max_upload : 4 * 1024 * KB)
                    : hit->body == HTTP_BODY_JSON ? 1024 * KB
                                                  : 0;
    out->handle = hit->handle;
    return true;
}

/* fuzz_server_request.c - the content server's request handling: routing,
 * sessions and CSRF, roles, JSON bodies of every route (items, alerts,
 * displays, groups, users, settings, previews), uploads streamed into the
 * asset store, query strings, cookies, Range requests, X-Forwarded-For.
 *
 * How the code is reached: the real server/http.c, api.c, store.c,
 * assets.c, auth.c, build.c and seed.c, linked against fake_mhd.c instead
 * of libmicrohttpd.  The fuzz input is parsed here into what MHD would
 * hand over (method, unescaped path, headers, cookies, query arguments,
 * the body in chunks) and played through http.c's own MHD callbacks, so
 * everything from the first callback on is the server's code, with a real
 * SQLite store on tmpfs.  Why not real HTTP through MHD on a socket: each
 * request would cost a socket round trip and two thread hand-offs, and the
 * extra code covered would be MHD's own parser, not this project's; here a
 * request costs tens of microseconds and every branch reached is ours.
 * What this leaves out: MHD's parsing itself, a long-poll that runs to its
 * deadline (a poll woken by a change is covered), and the preview renderer
 * (a child process; stubbed below, with the document it would get parsed
 * by the player's manifest parser).
 *
 * Every input starts from the same state: a store seeded once per process
 * (the demo deck, a second group, users of each role with sessions, two
 * displays, drafts, a submitted item, an alert) is copied back before each
 * input, so a crash replays.  Passwords hash with a fast stand-in for
 * Argon2id (crypto_pwhash_str below), or a login would cost 100 ms.
 *
 * Input: up to 4 requests, separated by a line "=====":
 *
 *     POST /api/v1/items?x=1 HTTP/1.1
 *     Cookie: sid=<a session below>
 *     X-CSRF-Token: csrf-admin
 *     Content-Type: application/json
 *
 *     {"kind":"notice","title":"...","groups":[1]}
 *
 * Two pseudo-headers are not sent: "X-Fuzz-Peer: ADDR" sets the TCP peer
 * (default 127.0.0.1, a proxy on this machine) and "X-Fuzz-Chunk: N" the
 * size of the body's pieces.  A body without Content-Length gets one, as
 * from a real client; a Content-Length longer than the body is a client
 * that goes away part way.  FUZZ_SERVER_VERBOSE=1 prints each status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "api.h"
#include "assets.h"
#include "auth.h"
#include "build.h"
#include "fake_mhd.h"
#include "http.h"
#include "manifest.h"
#include "preview.h"
#include "seed.h"
#include "sha256.h"
#include "store.h"

/* Sessions in the seeded store: cookie "sid=<64 bytes>" plus its CSRF token. */
#define SID_ADMIN "fuzz-admin-session-000000000000000000000000000000000000000000000"
#define SID_EDITOR "fuzz-editor-session-00000000000000000000000000000000000000000000"
#define SID_CONTRIB "fuzz-contributor-session-000000000000000000000000000000000000000"
#define SID_GONE "fuzz-disabled-session-000000000000000000000000000000000000000000"
#define DISPLAY_TOKEN "fuzz-display-token"

#define MAX_REQUESTS 4
#define MAX_HEADER_BYTES 12000 /* MHD answers 431 itself past its 16 KiB pool */

static struct {
    bool ready;
    char dir[256];
    char db[300];
    char *tmpl;
    size_t tmpl_len;
    char **objects; /* asset files of the seeded store, kept between inputs */
    size_t n_objects;
    assets *as;
    http_server *http;
    api api;
    bool verbose;
} G;

/* ---- stand-ins ---- */

/* Argon2id costs ~100 ms and 64 MiB a call; auth.c's logic around it is
 * what is fuzzed, so the hash itself is a plain SHA-256 here.  These
 * definitions take the place of libsodium's for this program only. */
int crypto_pwhash_str(char out[crypto_pwhash_STRBYTES], const char *const passwd,
                      unsigned long long passwdlen, unsigned long long opslimit, size_t memlimit)
{
    (void)opslimit;
    (void)memlimit;
    char hex[65];
    if (sha256_hex(passwd, (size_t)passwdlen, hex) != 0) return -1;
    snprintf(out, crypto_pwhash_STRBYTES, "$fuzz$%s", hex);
    return 0;
}

int crypto_pwhash_str_verify(const char str[crypto_pwhash_STRBYTES], const char *const passwd,
                             unsigned long long passwdlen)
{
    char want[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(want, passwd, passwdlen, 0, 0) != 0) return -1;
    return strcmp(str, want) == 0 ? 0 : -1;
}

/* The preview renderer runs the player in a child process; here it only
 * reads the document as the player would and returns a tiny picture. */
bool preview_busy(preview *p)
{
    (void)p;
    return false;
}

int preview_render(preview *p, const json_t *doc, const json_t *files, const char *slide_id,
                   int width, int height, char **png, size_t *png_len, json_t **warnings, char *err,
                   size_t errlen)
{
    (void)p;
    (void)files;
    (void)slide_id;
    (void)width;
    (void)height;
    char *text = json_dumps(doc, JSON_COMPACT);
    if (!text) {
        snprintf(err, errlen, "cannot write the preview's manifest");
        return -1;
    }
    manifest *m = NULL;
    diag_list d;
    diag_init(&d);
    int rc = manifest_parse(text, strlen(text), "preview", &m, &d);
    free(text);
    *warnings = json_array();
    for (size_t i = 0; i < d.n; i++)
        json_array_append_new(*warnings, json_string(d.items[i].msg));
    manifest_free(m);
    diag_free(&d);
    if (rc != 0) {
        snprintf(err, errlen, "the player refused the preview's manifest");
        json_decref(*warnings);
        *warnings = NULL;
        return -1;
    }
    static const char sig[] = "\x89PNG\r\n\x1a\n";
    *png = malloc(sizeof sig - 1);
    if (!*png) return -1;
    memcpy(*png, sig, sizeof sig - 1);
    *png_len = sizeof sig - 1;
    return 0;
}

/* ---- the seeded store ---- */

__attribute__((noreturn)) static void fail(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_server_request: %s: %s\n", what, err ? err : "");
    abort();
}

static int64_t add_user(store *st, auth *au, const char *name, const char *role, int64_t group,
                        const char *sid, const char *csrf)
{
    char h[AUTH_HASH_MAX], err[256], pw[128];
    int64_t id;
    snprintf(pw, sizeof pw, "%s-password", name);
    if (auth_hash_password(au, pw, h) != 0 ||
        store_user_add(st, name, role, h, &id, err, sizeof err))
        fail("seed user", err);
    if (group) {
        json_t *gs = json_pack("[I]", (json_int_t)group);
        store_user_update(st, id, NULL, -1, NULL, gs, err, sizeof err);
        json_decref(gs);
    }
    if (strlen(sid) != 64) fail("a session id is not 64 bytes", sid);
    char th[65];
    auth_token_hash(sid, th);
    if (store_session_add(st, th, id, csrf, (int64_t)time(NULL) + 20 * 365 * 86400) != 0)
        fail("seed session", name);
    return id;
}

static int64_t add_item(store *st, const char *json, const char *state, int64_t by)
{
    json_error_t je;
    json_t *f = json_loads(json, 0, &je);
    char err[256];
    int64_t id;
    if (!f || store_item_add(st, f, state, by, &id, err, sizeof err) != 0)
        fail("seed item", f ? err : je.text);
    json_decref(f);
    if (strcmp(state, "draft") != 0) store_item_set_state(st, id, state, 0, NULL);
    return id;
}

static void seed(store *st, auth *au)
{
    char err[512];
    /* a known password, so a login can succeed */
    setenv("SIGNAGE_ADMIN_PASSWORD", "admin-password", 1);
    if (seed_first_start(st, G.as, au, SIGNAGE_SOURCE_DIR "/content/demo", err, sizeof err) != 0)
        fail("seed_first_start", err);
    int64_t def = 0, lib = 0;
    store_group_default(st, &def);
    if (store_group_add(st, "图书馆", false, &lib, err, sizeof err) != 0) fail("seed group", err);
    add_user(st, au, "admin-fuzz", "admin", 0, SID_ADMIN, "csrf-admin");
    add_user(st, au, "editor", "editor", def, SID_EDITOR, "csrf-editor");
    int64_t contrib =
        add_user(st, au, "contributor", "contributor", 0, SID_CONTRIB, "csrf-contributor");
    int64_t gone = add_user(st, au, "gone", "editor", lib, SID_GONE, "csrf-gone");
    store_user_update(st, gone, NULL, 1, NULL, NULL, err, sizeof err);

    char groups[64];
    snprintf(groups, sizeof groups, "[%lld]", (long long)def);
    char buf[1024];
    snprintf(buf, sizeof buf,
             "{\"kind\":\"notice\",\"title\":\"草稿\",\"body\":\"一份草稿\",\"groups\":%s}",
             groups);
    add_item(st, buf, "draft", contrib);
    snprintf(buf, sizeof buf,
             "{\"kind\":\"notice\",\"title\":\"待审核\",\"body\":\"等待审核的通知\",\"groups\":%s,"
             "\"days\":[\"mon\",\"fri\"],\"hours\":[{\"from\":\"08:00\",\"to\":\"18:00\"}]}",
             groups);
    add_item(st, buf, "submitted", contrib);
    snprintf(buf, sizeof buf,
             "{\"kind\":\"alert\",\"title\":\"紧急通知\",\"body\":\"演练\",\"groups\":[%lld,%lld]}",
             (long long)def, (long long)lib);
    add_item(st, buf, "approved", 0);
    snprintf(buf, sizeof buf, "{\"kind\":\"ticker\",\"body\":\"旧的滚动字幕\",\"groups\":[%lld]}",
             (long long)lib);
    add_item(st, buf, "archived", 0);

    bool created;
    store_display_seen(st, "lobby-1", "192.0.2.10", (int64_t)time(NULL), &created);
    json_t *f = json_pack("{s:s, s:s, s:b, s:[I]}", "name", "一楼大厅", "location", "1F",
                          "accepted", 1, "groups", (json_int_t)def);
    store_display_update(st, "lobby-1", f, err, sizeof err);
    json_decref(f);
    store_display_request_shot(st, "lobby-1");
    store_display_seen(st, "lobby-2", "192.0.2.11", (int64_t)time(NULL), &created);
    f = json_pack("{s:b, s:[I]}", "accepted", 1, "groups", (json_int_t)lib);
    store_display_update(st, "lobby-2", f, err, sizeof err);
    json_decref(f);
    char th[65];
    auth_token_hash(DISPLAY_TOKEN, th);
    store_display_set_token(st, "lobby-2", th);
    store_display_request_shot(st, "lobby-2");
    store_display_status(st, "lobby-2", "{\"state\":\"playing\"}", (int64_t)time(NULL), &created);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    if (G.dir[0]) nftw(G.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char **list_objects(size_t *n)
{
    char path[400];
    snprintf(path, sizeof path, "%s/objects", G.dir);
    DIR *d = opendir(path);
    char **names = NULL;
    *n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = strdup(e->d_name);
    }
    if (d) closedir(d);
    return names;
}

/* Uploads of the last input go; the seeded pictures stay. */
static void clean_objects(void)
{
    size_t n;
    char **names = list_objects(&n);
    for (size_t i = 0; i < n; i++) {
        bool keep = false;
        for (size_t j = 0; j < G.n_objects && !keep; j++)
            keep = strcmp(names[i], G.objects[j]) == 0;
        if (!keep) {
            char path[400];
            snprintf(path, sizeof path, "%s/objects/%s", G.dir, names[i]);
            unlink(path);
        }
        free(names[i]);
    }
    free(names);
}

/* A run that crashed leaves its data dir behind (no atexit after a crash):
 * the dirs of processes that are gone are removed by the next run. */
static void remove_stale(const char *base)
{
    DIR *d = opendir(base);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int pid;
        char path[512];
        if (sscanf(e->d_name, "signage-fuzz-%d-", &pid) != 1 || pid <= 0 ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(path, sizeof path, "%s/%s", base, e->d_name);
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    if (d) closedir(d);
}

static void setup(void)
{
    G.verbose = getenv("FUZZ_SERVER_VERBOSE") != NULL;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    if (!base) base = "/tmp";
    remove_stale(base);
    snprintf(G.dir, sizeof G.dir, "%s/signage-fuzz-%d-XXXXXX", base, (int)getpid());
    if (!mkdtemp(G.dir)) fail("mkdtemp", strerror(errno));
    atexit(cleanup);
    char err[512];
    if (assets_open(G.dir, 50ll * 1000 * 1000, true, &G.as, err, sizeof err) != 0)
        fail("assets_open", err);
    char tmpl[320];
    snprintf(tmpl, sizeof tmpl, "%s/template.db", G.dir);
    store *st;
    auth *au = auth_new(5, 300);
    if (!au || store_open(tmpl, &st, err, sizeof err) != 0) fail("store_open", err);
    seed(st, au);
    store_close(st);
    auth_free(au);
    int fd = open(tmpl, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) fail("template", strerror(errno));
    G.tmpl_len = (size_t)sb.st_size;
    G.tmpl = malloc(G.tmpl_len);
    if (!G.tmpl || read(fd, G.tmpl, G.tmpl_len) != (ssize_t)G.tmpl_len)
        fail("template", "short read");
    close(fd);
    G.objects = list_objects(&G.n_objects);
    snprintf(G.db, sizeof G.db, "%s/signage.db", G.dir);

    G.api.as = G.as;
    G.api.web_dir = SIGNAGE_SOURCE_DIR "/web";
    G.api.session_ttl = 12 * 3600;
    G.api.max_upload = 2 * 1024 * 1024;
    G.api.pv = NULL; /* the stubs above take its place */
    http_callbacks cb = {.api = &G.api, .route = api_route};
    http_options ho = {.listen = "127.0.0.1:0", .threads = 1, .max_connections = 100};
    if (http_start(&ho, &cb, G.as, &G.http, err, sizeof err) != 0) fail("http_start", err);
    G.api.http = G.http;
    G.ready = true;
}

/* The store as seeded, a fresh login limiter and manifest cache. */
static void begin_input(void)
{
    char wal[340];
    snprintf(wal, sizeof wal, "%s-wal", G.db);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", G.db);
    unlink(wal);
    int fd = open(G.db, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, G.tmpl, G.tmpl_len) != (ssize_t)G.tmpl_len)
        fail("restore the store", strerror(errno));
    close(fd);
    char err[512];
    if (store_open(G.db, &G.api.st, err, sizeof err) != 0) fail("store_open", err);
    G.api.au = auth_new(5, 300);
    G.api.bc = build_cache_new(G.api.st);
    if (!G.api.au || !G.api.bc) fail("per-input state", "out of memory");
}

static void end_input(void)
{
    build_cache_free(G.api.bc);
    auth_free(G.api.au);
    store_close(G.api.st);
    G.api.bc = NULL;
    G.api.au = NULL;
    G.api.st = NULL;
    clean_objects();
}

/* ---- the request text ---- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* %XX as MHD_http_unescape() does it, in place. */
static void unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        int h, l;
        if (r[0] == '%' && (h = hexval(r[1])) >= 0 && (l = hexval(r[2])) >= 0) {
            *w++ = (char)(h << 4 | l);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) abort();
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void add_args(fake_request *q, char *query)
{
    for (char *tok = query; tok && *tok;) {
        char *amp = strchr(tok, '&');
        if (amp) *amp = 0;
        char *eq = strchr(tok, '=');
        if (eq) *eq = 0;
        unescape(tok);
        if (eq) unescape(eq + 1);
        if (*tok) fake_request_add(q, MHD_GET_ARGUMENT_KIND, tok, eq ? eq + 1 : NULL);
        tok = amp ? amp + 1 : NULL;
    }
}

static void add_cookies(fake_request *q, const char *header)
{
    char *copy = strdup(header), *save = NULL;
    for (char *c = strtok_r(copy, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
        while (*c == ' ' || *c == '\t')
            c++;
        char *eq = strchr(c, '=');
        if (!eq || eq == c) continue;
        *eq = 0;
        char *v = eq + 1;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            v[--vl] = 0;
        if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
            v[vl - 1] = 0;
            v++;
        }
        fake_request_add(q, MHD_COOKIE_KIND, c, v);
    }
    free(copy);
}

static bool on_suspend(void *ctx, fake_request *q, int round)
{
    (void)ctx;
    if (round > 1) return false; /* a poll back asleep until its deadline: its client leaves */
    http_notify(G.http);         /* what a change does: long-polls wake */
    if (!fake_request_suspended(q)) return true;
    /* held: a preview drawing on its own thread, which releases it */
    if (!fake_request_wait_resumed(q, 10.0)) {
        fprintf(stderr, "fuzz_server_request: a held request was never released\n");
        abort();
    }
    return true;
}

/* One request of the input: parsed as MHD would, then played through. */
static void run_request(const char *p, size_t n)
{
    const char *end = p + n;
    const char *nl = memchr(p, '\n', n);
    size_t ll = nl ? (size_t)(nl - p) : n;
    char *line = dup_n(p, ll && p[ll - 1] == '\r' ? ll - 1 : ll);
    p = nl ? nl + 1 : end;
    char *sp = strchr(line, ' ');
    if (!sp || sp == line) {
        free(line);
        return; /* MHD: 400 before any callback */
    }
    *sp = 0;
    char *target = sp + 1;
    char *sp2 = strchr(target, ' ');
    if (sp2) *sp2 = 0;
    if (!*target) {
        free(line);
        return;
    }
    char *query = strchr(target, '?');
    if (query) *query++ = 0;
    unescape(target);
    fake_request *q = fake_request_new(line, target);
    add_args(q, query);

    size_t header_bytes = ll;
    size_t chunk = 0;
    long long declared = -1;
    bool chunked = false, bad = false;
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        size_t hl = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *next = nl ? nl + 1 : end;
        if (hl && p[hl - 1] == '\r') hl--;
        if (hl == 0) {
            p = next;
            break; /* the blank line: the body follows */
        }
        header_bytes += hl;
        char *h = dup_n(p, hl);
        p = next;
        char *colon = strchr(h, ':');
        if (!colon || colon == h) {
            free(h);
            continue;
        }
        *colon = 0;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            v[--vl] = 0;
        if (strcasecmp(h, "X-Fuzz-Peer") == 0) {
            fake_request_peer(q, v);
        } else if (strcasecmp(h, "X-Fuzz-Chunk") == 0) {
            chunk = (size_t)strtoul(v, NULL, 10) % 65536;
        } else {
            if (strcasecmp(h, "Content-Length") == 0) {
                if (!*v || strspn(v, "0123456789") != vl || vl > 15)
                    bad = true; /* MHD answers 400 itself */
                else
                    declared = strtoll(v, NULL, 10);
            }
            if (strcasecmp(h, "Transfer-Encoding") == 0)
                chunked = true; /* taken as already de-chunked */
            fake_request_add(q, MHD_HEADER_KIND, h, v);
            if (strcasecmp(h, "Cookie") == 0) add_cookies(q, v);
        }
        free(h);
    }
    size_t body_len = (size_t)(end - p);
    bool complete = true;
    if (declared >= 0 && !chunked) {
        if ((size_t)declared < body_len)
            body_len = (size_t)declared;
        else if ((size_t)declared > body_len)
            complete = false; /* the client stops sending: it went away */
    } else if (body_len && !chunked) {
        char cl[32];
        snprintf(cl, sizeof cl, "%zu", body_len);
        fake_request_add(q, MHD_HEADER_KIND, "Content-Length", cl);
    }
    if (!bad && header_bytes <= MAX_HEADER_BYTES) {
        fake_request_body(q, p, body_len, chunk, complete);
        unsigned status = fake_request_run(q, on_suspend, NULL);
        if (G.verbose) {
            size_t al;
            const char *a = fake_request_answer(q, &al);
            fprintf(stderr, "fuzz_server_request: %s %s -> %u\n%s%.*s\n", line, target, status,
                    fake_request_headers(q), (int)(al > 600 ? 600 : al), a ? a : "");
        }
    }
    fake_request_free(q);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!G.ready) setup();
    begin_input();
    const char *p = (const char *)data, *end = p + size;
    static const char SEP[] = "\n=====\n";
    for (int i = 0; i < MAX_REQUESTS && p < end; i++) {
        const char *sep = memmem(p, (size_t)(end - p), SEP, sizeof SEP - 1);
        size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
        run_request(p, n);
        p = sep ? sep + sizeof SEP - 1 : end;
    }
    end_input();
    return 0;
}

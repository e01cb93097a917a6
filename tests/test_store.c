/* The content server's pure parts without HTTP: the SQLite store and its
 * migrations, the manifest builder (checked with the player's own parser),
 * item validation, password hashing and the login limiter, and the asset
 * store's refusals. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "assets.h"
#include "auth.h"
#include "build.h"
#include "check.h"
#include "diag.h"
#include "manifest.h"
#include "store.h"

static char dir[512];

static void fresh_dir(const char *name)
{
    snprintf(dir, sizeof dir, "%s/store-%s", SIGNAGE_TEST_TMP, name);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0) abort();
}

static store *open_store(void)
{
    char path[600], err[256];
    snprintf(path, sizeof path, "%s/signage.db", dir);
    store *s = NULL;
    CHECK_MSG(store_open(path, &s, err, sizeof err) == 0, "open: %s", err);
    return s;
}

/* A small valid PNG (RGB, w x h). */
static unsigned char *make_png(int w, int h, size_t *len)
{
    size_t raw_len = (size_t)h * (1 + 3 * (size_t)w);
    unsigned char *raw = calloc(1, raw_len);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < 3 * w; x++)
            raw[(size_t)y * (1 + 3 * (size_t)w) + 1 + (size_t)x] = (unsigned char)(x * 7 + y);
    uLongf zl = compressBound(raw_len);
    unsigned char *z = malloc(zl);
    compress(z, &zl, raw, raw_len);
    free(raw);
    size_t n = 8 + 25 + 12 + zl + 12;
    unsigned char *p = malloc(n), *q = p;
    memcpy(q, "\x89PNG\r\n\x1a\n", 8);
    q += 8;
#define BE32(v)                                                                                    \
    (q[0] = (unsigned char)((v) >> 24), q[1] = (unsigned char)((v) >> 16),                         \
     q[2] = (unsigned char)((v) >> 8), q[3] = (unsigned char)(v), q += 4)
    unsigned char ihdr[13] = {0, 0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0};
    ihdr[2] = (unsigned char)(w >> 8), ihdr[3] = (unsigned char)w;
    ihdr[6] = (unsigned char)(h >> 8), ihdr[7] = (unsigned char)h;
    BE32(13u);
    unsigned char *c0 = q;
    memcpy(q, "IHDR", 4), q += 4, memcpy(q, ihdr, 13), q += 13;
    BE32((unsigned)crc32(0, c0, 17));
    BE32((unsigned)zl);
    c0 = q;
    memcpy(q, "IDAT", 4), q += 4, memcpy(q, z, zl), q += zl;
    BE32((unsigned)crc32(0, c0, (uInt)(4 + zl)));
    BE32(0u);
    c0 = q;
    memcpy(q, "IEND", 4), q += 4;
    BE32((unsigned)crc32(0, c0, 4));
    free(z);
    *len = (size_t)(q - p);
    return p;
}

static void test_migrations(void)
{
    fresh_dir("migrate");
    store *s = open_store();
    CHECK(store_integrity_ok(s));
    int64_t n = -1;
    CHECK_INT(store_user_count(s, &n), 0);
    CHECK_INT(n, 0);
    store_close(s);
    /* reopening runs nothing and keeps the data */
    s = open_store();
    int64_t id;
    char err[256];
    CHECK_INT(store_user_add(s, "admin", "admin", "$argon2id$x", &id, err, sizeof err), 0);
    CHECK_INT(store_user_add(s, "admin", "editor", "$argon2id$y", &id, err, sizeof err), -1);
    CHECK_STR(err, "already exists");
    CHECK_INT(store_user_add(s, "bad", "superuser", "h", &id, err, sizeof err), -1);
    store_close(s);
    /* a newer schema than this server knows is refused, untouched */
    char path[600];
    snprintf(path, sizeof path, "%s/signage.db", dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import sqlite3; c=sqlite3.connect('%s'); "
             "c.execute('PRAGMA user_version = 99'); c.commit()\"",
             path);
    CHECK_INT(system(cmd), 0);
    s = NULL;
    CHECK_INT(store_open(path, &s, err, sizeof err), -1);
    CHECK_MSG(strstr(err, "newer than this server") != NULL, "%s", err);
    /* not a database at all */
    FILE *f = fopen(path, "w");
    fputs("this is not sqlite, just text that is long enough to be a header......\n", f);
    fclose(f);
    unlink(strcat(strcpy(cmd, path), "-wal"));
    CHECK_INT(store_open(path, &s, err, sizeof err), -1);
}

static json_t *notice(int64_t group, const char *title)
{
    return json_pack("{s:s, s:s, s:s, s:[I]}", "kind", "notice", "title", title, "body",
                     "时间：12月10日14:30", "groups", (json_int_t)group);
}

static int parse_clean(const build_result *m, manifest **out)
{
    diag_list d;
    diag_init(&d);
    int r = manifest_parse(m->text, m->len, "built", out, &d);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "  parser: %s\n", d.items[i].msg);
    int n = (int)d.n;
    diag_free(&d);
    return r == 0 ? n : -1;
}

static void test_items_and_manifest(void)
{
    fresh_dir("items");
    store *s = open_store();
    char err[256];
    int64_t def, lib, uid;
    CHECK_INT(store_group_add(s, "默认", true, &def, err, sizeof err), 0);
    CHECK_INT(store_group_add(s, "图书馆", false, &lib, err, sizeof err), 0);
    CHECK_INT(store_user_add(s, "ed", "editor", "h", &uid, err, sizeof err), 0);
    int64_t a, b, c;
    json_t *f = notice(def, "默认组通知");
    CHECK_INT(store_item_add(s, f, "approved", uid, &a, err, sizeof err), 0);
    json_decref(f);
    f = notice(lib, "图书馆通知");
    CHECK_INT(store_item_add(s, f, "approved", uid, &b, err, sizeof err), 0);
    json_decref(f);
    f = notice(def, "草稿");
    CHECK_INT(store_item_add(s, f, "draft", uid, &c, err, sizeof err), 0);
    json_decref(f);
    /* groups that do not exist are refused by the foreign key */
    f = notice(999, "x");
    int64_t bad;
    CHECK_INT(store_item_add(s, f, "draft", uid, &bad, err, sizeof err), -1);
    json_decref(f);

    /* a display with no groups gets the default group's approved items */
    bool created = false;
    CHECK_INT(store_display_seen(s, "lobby", "127.0.0.1", 1000, &created), 0);
    CHECK(created);
    build_result m1;
    CHECK_INT(build_manifest(s, "lobby", "/assets/", &m1, err, sizeof err), 0);
    manifest *pm = NULL;
    CHECK_INT(parse_clean(&m1, &pm), 0);
    CHECK(pm && pm->n_slides == 1);
    if (pm && pm->n_slides == 1) CHECK_STR(pm->slides[0].title, "默认组通知");
    manifest_free(pm);
    /* the same content builds the same bytes and ETag */
    build_result m2;
    CHECK_INT(build_manifest(s, "lobby", "/assets/", &m2, err, sizeof err), 0);
    CHECK_STR(m1.etag, m2.etag);
    CHECK(m1.len == m2.len && memcmp(m1.text, m2.text, m1.len) == 0);
    build_result_free(&m2);
    /* assigning the library group: its content instead */
    json_t *upd = json_pack("{s:[I]}", "groups", (json_int_t)lib);
    CHECK_INT(store_display_update(s, "lobby", upd, err, sizeof err), 0);
    json_decref(upd);
    CHECK_INT(build_manifest(s, "lobby", "/assets/", &m2, err, sizeof err), 0);
    CHECK(strcmp(m1.etag, m2.etag) != 0);
    CHECK(strstr(m2.text, "图书馆通知") && !strstr(m2.text, "默认组通知"));
    build_result_free(&m2);
    build_result_free(&m1);

    /* states */
    CHECK_INT(store_item_set_state(s, c, "submitted", 0, NULL), 0);
    json_t *list = NULL;
    CHECK_INT(store_items_list(s, "submitted", 0, NULL, &list), 0);
    CHECK(json_array_size(list) == 1);
    json_decref(list);
    CHECK_INT(store_item_set_state(s, c, "published", 0, NULL), -1); /* CHECK constraint */
    /* reorder puts c first */
    json_t *ids = json_pack("[I, I]", (json_int_t)c, (json_int_t)a);
    CHECK_INT(store_items_reorder(s, ids, err, sizeof err), 0);
    json_decref(ids);
    CHECK_INT(store_items_list(s, NULL, 0, NULL, &list), 0);
    CHECK(json_integer_value(json_object_get(json_array_get(list, 0), "id")) == c);
    CHECK(json_integer_value(json_object_get(json_array_get(list, 1), "id")) == a);
    CHECK(json_integer_value(json_object_get(json_array_get(list, 2), "id")) == b);
    json_decref(list);
    ids = json_pack("[I]", (json_int_t)12345);
    CHECK_INT(store_items_reorder(s, ids, err, sizeof err), -1);
    json_decref(ids);

    /* the generation moves with every content change */
    uint64_t g0 = store_generation(s);
    json_t *t = json_pack("{s:s}", "title", "新标题");
    CHECK_INT(store_item_update(s, a, t, err, sizeof err), 0);
    json_decref(t);
    CHECK(store_generation(s) > g0);

    /* the cache rebuilds exactly when the generation moved */
    build_cache *bc = build_cache_new(s);
    char e1[72], e2[72], e3[72];
    CHECK_INT(build_cache_etag(bc, "other", e1, err, sizeof err), 0);
    CHECK_INT(build_cache_etag(bc, "other", e2, err, sizeof err), 0);
    CHECK_STR(e1, e2);
    t = json_pack("{s:s}", "title", "再改一次");
    CHECK_INT(store_item_update(s, a, t, err, sizeof err), 0);
    json_decref(t);
    CHECK_INT(build_cache_etag(bc, "other", e3, err, sizeof err), 0);
    CHECK(strcmp(e1, e3) != 0);
    /* many displays */
    int cache_fails = 0;
    for (int i = 0; i < 3000; i++) {
        char id[32];
        snprintf(id, sizeof id, "screen-%d", i);
        cache_fails += build_cache_etag(bc, id, e1, err, sizeof err) != 0;
    }
    CHECK_INT(cache_fails, 0);
    build_cache_free(bc);

    /* audit, settings */
    CHECK_INT(store_audit(s, uid, "ed", "approve", "item 1", NULL), 0);
    CHECK_INT(store_audit(s, 0, NULL, "login-failed", NULL, "1.2.3.4"), 0);
    CHECK_INT(store_audit_list(s, 0, 10, &list), 0);
    CHECK(json_array_size(list) == 2);
    json_decref(list);
    char *v = NULL;
    CHECK_INT(store_setting_set(s, "theme_title", "计算机学院党委"), 0);
    CHECK_INT(store_setting_get(s, "theme_title", &v), 0);
    CHECK_STR(v, "计算机学院党委");
    free(v);
    CHECK_INT(store_group_delete(s, def, err, sizeof err), -1);
    CHECK_MSG(strstr(err, "default") != NULL, "%s", err);
    CHECK(store_integrity_ok(s));
    store_close(s);
}

static void test_check_item(void)
{
    char err[512];
    struct {
        const char *json;
        const char *want; /* substring of the error, NULL = accepted */
    } cases[] = {
        {"{\"id\":1,\"kind\":\"notice\",\"title\":\"通知\"}", NULL},
        {"{\"id\":1,\"kind\":\"notice\",\"title\":\"通知\",\"hours\":[{\"from\":\"8:00\",\"to\":"
         "\"25:00\"}]}",
         "hours"},
        {"{\"id\":1,\"kind\":\"notice\",\"title\":\"通知\",\"link\":\"www.example.edu.cn\"}",
         "link"},
        {"{\"id\":1,\"kind\":\"notice\",\"title\":\"通知\",\"start\":\"2026-12-01\"}", "start"},
        {"{\"id\":1,\"kind\":\"notice\",\"title\":\"a\",\"start\":\"2026-12-02T00:00:00+08:00\","
         "\"end\":\"2026-12-01T00:00:00+08:00\"}",
         "never"},
        {"{\"id\":1,\"kind\":\"ticker\",\"body\":\"滚动消息\"}", NULL},
        {"{\"id\":1,\"kind\":\"alert\",\"body\":\"消防演练\"}", NULL},
        {"{\"id\":1,\"kind\":\"notice\",\"title\":\"a\",\"transition\":\"spin\"}", "transition"},
        {"{\"id\":1,\"kind\":\"notice\",\"title\":\"a\",\"duration\":0.2}", "duration"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *it = json_loads(cases[i].json, 0, NULL);
        int r = build_check_item(it, err, sizeof err);
        if (!cases[i].want)
            CHECK_MSG(r == 0, "case %zu refused: %s", i, err);
        else
            CHECK_MSG(r != 0 && strstr(err, cases[i].want), "case %zu: r=%d err=%s", i, r, err);
        json_decref(it);
    }
}

static void test_auth(void)
{
    auth *a = auth_new(3, 60);
    CHECK(a != NULL);
    char h[AUTH_HASH_MAX];
    CHECK_INT(auth_hash_password(a, "正确的密码 horse", h), 0);
    CHECK(strncmp(h, "$argon2id$", 10) == 0);
    CHECK(auth_check_password(a, h, "正确的密码 horse"));
    CHECK(!auth_check_password(a, h, "正确的密码 horsf"));
    CHECK(!auth_check_password(a, "garbage", "x"));
    char h2[AUTH_HASH_MAX];
    CHECK_INT(auth_hash_password(a, "正确的密码 horse", h2), 0);
    CHECK(strcmp(h, h2) != 0); /* salted */
    char t1[65], t2[65], th[65];
    auth_token(t1);
    auth_token(t2);
    CHECK(strlen(t1) == 64 && strcmp(t1, t2) != 0);
    auth_token_hash(t1, th);
    CHECK(strlen(th) == 64 && strcmp(th, t1) != 0);
    CHECK(auth_equal(t1, t1) && !auth_equal(t1, t2) && !auth_equal("abc", "abcd"));
    /* limiter: 3 failures per name, 12 per address, in 60 s */
    CHECK(auth_login_wait(a, "10.0.0.1", "alice", 100) == 0);
    for (int i = 0; i < 3; i++)
        auth_login_failed(a, "10.0.0.1", "alice", 100 + i);
    CHECK(auth_login_wait(a, "10.0.0.2", "alice", 110) > 0);  /* the name, from anywhere */
    CHECK(auth_login_wait(a, "10.0.0.1", "bob", 110) == 0);   /* the address still may */
    CHECK(auth_login_wait(a, "10.0.0.1", "alice", 161) == 0); /* the window passed */
    for (int i = 0; i < 12; i++) {
        char name[16];
        snprintf(name, sizeof name, "u%d", i);
        auth_login_failed(a, "10.9.9.9", name, 200);
    }
    CHECK(auth_login_wait(a, "10.9.9.9", "fresh-name", 201) > 0); /* guessing many names */
    /* a flood of keys stays bounded and does not crash */
    for (int i = 0; i < 20000; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        auth_login_failed(a, ip, ip, 300);
    }
    CHECK(auth_login_wait(a, "10.0.78.31", "10.0.78.31", 300) == 0 ||
          auth_login_wait(a, "10.0.78.31", "10.0.78.31", 300) > 0);
    auth_free(a);
}

static void test_assets(void)
{
    fresh_dir("assets");
    assets *as = NULL;
    char err[300];
    CHECK_INT(assets_open(dir, 50000000, true, &as, err, sizeof err), 0);
    size_t len;
    unsigned char *p = make_png(120, 80, &len);
    asset_info info;
    CHECK_INT(assets_put(as, p, len, &info, err, sizeof err), ASSET_OK);
    CHECK(info.width == 120 && info.height == 80 && strcmp(info.type, "image/png") == 0);
    char path[4400];
    CHECK_INT(assets_path(as, info.sha256, path, sizeof path), 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == (off_t)len);
    CHECK_INT(assets_path(as, "../../etc/passwd", path, sizeof path), -1);
    CHECK_INT(assets_path(as, "ABCDEF", path, sizeof path), -1);
    /* the same again: fine, nothing new */
    CHECK_INT(assets_put(as, p, len, &info, err, sizeof err), ASSET_OK);
    /* truncated */
    CHECK_INT(assets_put(as, p, len - 20, &info, err, sizeof err), ASSET_REFUSED);
    CHECK_MSG(strstr(err, "damaged") != NULL, "%s", err);
    /* not a picture */
    CHECK_INT(assets_put(as, "GIF89a not supported", 20, &info, err, sizeof err), ASSET_REFUSED);
    /* too many pixels from the header alone */
    unsigned char *big = malloc(len);
    memcpy(big, p, len);
    big[16] = 0, big[17] = 0, big[18] = 0x30, big[19] = 0; /* width 12288 */
    big[20] = 0, big[21] = 0, big[22] = 0x30, big[23] = 0; /* height 12288 */
    /* fix the IHDR CRC so only the size is wrong */
    uLong crc = crc32(0, big + 12, 17);
    big[29] = (unsigned char)(crc >> 24), big[30] = (unsigned char)(crc >> 16);
    big[31] = (unsigned char)(crc >> 8), big[32] = (unsigned char)crc;
    CHECK_INT(assets_put(as, big, len, &info, err, sizeof err), ASSET_TOO_MANY_PIXELS);
    CHECK_MSG(strstr(err, "megapixels") != NULL, "%s", err);
    free(big);
    /* over the byte limit while streaming */
    asset_upload *u;
    CHECK_INT(assets_upload_begin(as, 100, &u, err, sizeof err), ASSET_OK);
    CHECK_INT(assets_upload_write(u, p, 100, err, sizeof err), ASSET_OK);
    CHECK_INT(assets_upload_write(u, p, 1, err, sizeof err), ASSET_TOO_BIG);
    assets_upload_abort(u);
    free(p);
    /* nothing left in tmp/ */
    char tmp[600], cmd[800];
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", tmp);
    CHECK_INT(system(cmd), 0);
    assets_close(as);
}

int main(void)
{
    test_migrations();
    test_items_and_manifest();
    test_check_item();
    test_auth();
    test_assets();
    return check_done("store");
}

#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "log.h"

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The demo's picture, by its relative url, into the asset store. */
static int import_media(store *st, assets *as, const char *dir, const json_t *media, char sha[65],
                        char *err, size_t errlen)
{
    const char *url = str(media, "url");
    if (!url || strstr(url, "..") || url[0] == '/') {
        snprintf(err, errlen, "demo deck: a picture url is not a plain relative path");
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, url);
    char *data;
    size_t len;
    char why[256];
    if (fileio_read(path, 64u << 20, FILEIO_REGULAR, &data, &len, why, sizeof why) != 0) {
        snprintf(err, errlen, "demo deck: %s", why);
        return -1;
    }
    asset_info info;
    asset_rc rc = assets_put(as, data, len, &info, why, sizeof why);
    free(data);
    if (rc != ASSET_OK) {
        snprintf(err, errlen, "demo deck: %s: %s", path, why);
        return -1;
    }
    store_asset_add(st, info.sha256, info.size, info.type, info.width, info.height, 0);
    memcpy(sha, info.sha256, 65);
    return 0;
}

static int import_deck(store *st, assets *as, const char *dir, int64_t group, char *err,
                       size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (!m) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    json_t *theme = json_object_get(m, "theme");
    const char *tk[] = {"title", "subtitle", "accent"};
    for (size_t i = 0; i < 3; i++) {
        char key[32];
        snprintf(key, sizeof key, "theme_%s", tk[i]);
        if (str(theme, tk[i])) store_setting_set(st, key, str(theme, tk[i]));
    }
    char sha[65];
    if (json_object_get(theme, "logo") &&
        import_media(st, as, dir, json_object_get(theme, "logo"), sha, err, errlen) == 0)
        store_setting_set(st, "theme_logo", sha);
    const char *tz = str(json_object_get(m, "display"), "timezone");
    store_setting_set(st, "timezone", tz ? tz : "Asia/Shanghai");

    const char *lists[] = {"slides", "ticker", "alerts"};
    const char *copy[] = {"title", "body", "caption",  "link", "fit",  "transition",
                          "start", "end",  "duration", "days", "hours"};
    int rc = 0;
    for (size_t l = 0; l < 3 && rc == 0; l++) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(m, lists[l]), i, it)
        {
            json_t *f = json_object();
            const char *kind = l == 0 ? str(it, "kind") : l == 1 ? "ticker" : "alert";
            json_object_set_new(f, "kind", json_string(kind ? kind : "notice"));
            for (size_t k = 0; k < sizeof copy / sizeof copy[0]; k++)
                if (json_object_get(it, copy[k]))
                    json_object_set(f, copy[k], json_object_get(it, copy[k]));
            if (l == 1) json_object_set(f, "body", json_object_get(it, "text"));
            if (json_object_get(it, "media")) {
                if (import_media(st, as, dir, json_object_get(it, "media"), sha, err, errlen) !=
                    0) {
                    json_decref(f);
                    rc = -1;
                    break;
                }
                json_object_set_new(f, "media", json_string(sha));
            }
            json_object_set_new(f, "groups", json_pack("[I]", (json_int_t)group));
            int64_t id;
            if (store_item_add(st, f, "approved", 0, &id, err, errlen) != 0) rc = -1;
            json_decref(f);
            if (rc) break;
        }
    }
    json_decref(m);
    return rc;
}

int seed_first_start(store *st, assets *as, auth *au, const char *demo_dir, char *err,
                     size_t errlen)
{
    int64_t n = 0;
    if (store_user_count(st, &n) != 0) {
        snprintf(err, errlen, "cannot read the users");
        return -1;
    }
    if (n > 0) return 0; /* not a first start */
    int64_t group;
    if (store_group_default(st, &group) != 0 &&
        store_group_add(st, "默认", true, &group, err, errlen) != 0)
        return -1;
    if (demo_dir) {
        if (import_deck(st, as, demo_dir, group, err, errlen) != 0) return -1;
        log_msg(LOG_INFO, "seeded the demo deck from %s into the default group", demo_dir);
    }
    const char *pw = getenv("SIGNAGE_ADMIN_PASSWORD");
    char random_pw[65];
    if (!pw || !*pw) {
        auth_token(random_pw);
        random_pw[20] = 0;
        pw = random_pw;
    }
    char h[AUTH_HASH_MAX];
    int64_t id;
    if (auth_hash_password(au, pw, h) != 0 ||
        store_user_add(st, "admin", "admin", h, &id, err, errlen) != 0)
        return -1;
    store_audit(st, 0, NULL, "user-create", "admin", "first start");
    if (pw == random_pw)
        log_msg(LOG_INFO,
                "created user \"admin\" with password %s (shown once: log in and "
                "change it)",
                pw);
    else
        log_msg(LOG_INFO, "created user \"admin\" with the password from SIGNAGE_ADMIN_PASSWORD");
    return 0;
}

/* Deck loading: local folders, url safety, sha256/size verification,
 * reference counting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "deck.h"

static char dir[512];

static void write_file(const char *name, const char *data, size_t len)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
}

/* sha256("hello\n") */
#define HELLO_SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

static void write_manifest(const char *url, const char *sha, int size)
{
    char m[2048];
    snprintf(m, sizeof m,
             "{\"schema\":1,\"version\":\"v1\",\"display\":{\"timezone\":\"Asia/Shanghai\"},"
             "\"slides\":[{\"id\":\"a\",\"kind\":\"image\",\"media\":{\"sha256\":\"%s\","
             "\"size\":%d,\"type\":\"image/png\",\"url\":\"%s\"}},"
             "{\"id\":\"n\",\"kind\":\"notice\",\"title\":\"标题\"}]}",
             sha, size, url);
    write_file("manifest.json", m, strlen(m));
}

static void test_load_and_verify(void)
{
    write_file("hello.png", "hello\n", 6);
    write_manifest("hello.png", HELLO_SHA, 6);
    diag_list d;
    diag_init(&d);
    deck *k = NULL;
    CHECK_INT(deck_load_dir(dir, "UTC", &k, &d), 0);
    CHECK(k != NULL);
    if (!k)
        return;
    CHECK_INT(k->m->n_slides, 2);
    CHECK_INT(deck_find_slide(k, "n"), 1);
    CHECK_INT(deck_find_slide(k, "zz"), -1);
    uint8_t *data;
    size_t len;
    char err[512];
    CHECK_INT(deck_read_media(k, &k->m->slides[0].media, &data, &len, err, sizeof err), 0);
    CHECK_INT(len, 6);
    free(data);
    /* the file changes on disk: refused by hash */
    write_file("hello.png", "hellO\n", 6);
    CHECK_INT(deck_read_media(k, &k->m->slides[0].media, &data, &len, err, sizeof err), -1);
    CHECK(strstr(err, "sha256") != NULL);
    /* and by size */
    write_file("hello.png", "hello\n\n", 7);
    CHECK_INT(deck_read_media(k, &k->m->slides[0].media, &data, &len, err, sizeof err), -1);
    CHECK(strstr(err, "limit") != NULL || strstr(err, "bytes") != NULL);
    /* --check counts the problem (not an image, and hash mismatch) */
    CHECK(deck_check_media(k, 50000000, &d) >= 1);
    /* reference counting: the deck outlives its first owner */
    deck *k2 = deck_ref(k);
    deck_unref(k);
    CHECK_INT(k2->m->n_slides, 2);
    deck_unref(k2);
    diag_free(&d);
}

static void test_unsafe_urls(void)
{
    const char *bad[] = {"../hello.png", "/etc/passwd", "a/../../x", "http://example.com/a.png",
                         "sub//a.png", "./a.png", "a\\\\b.png", "file:a.png", "%2e%2e/a",
                         "a\\u0001.png"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_manifest(bad[i], HELLO_SHA, 6);
        diag_list d;
        diag_init(&d);
        deck *k = NULL;
        CHECK_INT(deck_load_dir(dir, "UTC", &k, &d), 0);
        if (k && (k->m->n_slides == 0 || !k->m->slides[0].has_media)) {
            /* refused earlier, by the manifest parser: fine too */
            CHECK_INT(diag_count(&d, DIAG_ERROR) > 0, 1);
            deck_unref(k);
        } else if (k) {
            char path[1024], err[512];
            CHECK_MSG(deck_media_path(k, &k->m->slides[0].media, path, sizeof path, err,
                                      sizeof err) == -1,
                      "url %s accepted as %s", bad[i], path);
            deck_unref(k);
        }
        diag_free(&d);
    }
    /* a plain subfolder path is fine */
    write_manifest("img/a.png", HELLO_SHA, 6);
    diag_list d;
    diag_init(&d);
    deck *k = NULL;
    CHECK_INT(deck_load_dir(dir, "UTC", &k, &d), 0);
    char path[1024], err[512];
    CHECK_INT(deck_media_path(k, &k->m->slides[0].media, path, sizeof path, err, sizeof err), 0);
    CHECK(strstr(path, "/img/a.png") != NULL);
    deck_unref(k);
    diag_free(&d);
}

static void test_cas_and_errors(void)
{
    write_manifest("whatever.png", HELLO_SHA, 6);
    diag_list d;
    diag_init(&d);
    /* a missing folder names the file */
    deck *k = NULL;
    CHECK_INT(deck_load_dir("/nonexistent/deck", "UTC", &k, &d), -1);
    CHECK(d.n >= 1 && strstr(d.items[d.n - 1].msg, "/nonexistent/deck/manifest.json"));
    /* an unknown timezone falls back with a warning */
    const char *mars = "{\"schema\":1,\"display\":{\"timezone\":\"Mars/Olympus\"}}";
    write_file("manifest.json", mars, strlen(mars));
    CHECK_INT(deck_load_dir(dir, "Asia/Shanghai", &k, &d), 0);
    bool warned = false;
    for (size_t i = 0; i < d.n; i++)
        warned |= strstr(d.items[i].msg, "Mars/Olympus") != NULL;
    CHECK(warned);
    deck_unref(k);
    diag_free(&d);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/deck-test", SIGNAGE_TEST_TMP);
    mkdir(dir, 0755);
    test_load_and_verify();
    test_unsafe_urls();
    test_cas_and_errors();
    return check_done("deck");
}

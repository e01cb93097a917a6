/* The on-disk store: verified, atomic assets and manifest; leftovers from a
 * crash cleared; eviction never touches what the decks need. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256.h"
#include "cache.h"
#include "check.h"

static char dir[512];

static void sha_hex(const void *data, size_t len, char out[65])
{
    if (sha256_hex(data, len, out) != 0)
        abort();
}

static int count_files(const char *sub)
{
    char p[700];
    snprintf(p, sizeof p, "ls -A %s/%s | wc -l", dir, sub);
    FILE *f = popen(p, "r");
    int n = -1;
    if (f) {
        if (fscanf(f, "%d", &n) != 1)
            n = -1;
        pclose(f);
    }
    return n;
}

static int put(cache *c, const char *data, size_t len, const char *sha, int64_t size, char *err)
{
    cache_writer *w;
    if (cache_writer_begin(c, sha, size, &w, err, 256) != 0)
        return -1;
    /* in two pieces, as a download arrives */
    if (cache_writer_write(w, data, len / 2, err, 256) != 0 ||
        cache_writer_write(w, data + len / 2, len - len / 2, err, 256) != 0) {
        cache_writer_abort(w);
        return -1;
    }
    return cache_writer_commit(w, err, 256);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/cache-test", SIGNAGE_TEST_TMP);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    char err[256];
    cache *c = NULL;
    CHECK_INT(cache_open(dir, &c, err, sizeof err), 0);
    if (!c)
        return check_done("cache");

    const char *a = "first picture bytes", *b = "second picture, a bit longer";
    char sa[65], sb[65];
    sha_hex(a, strlen(a), sa);
    sha_hex(b, strlen(b), sb);

    /* a good asset becomes visible under its hash */
    CHECK(!cache_has(c, sa, (int64_t)strlen(a)));
    CHECK_INT(put(c, a, strlen(a), sa, (int64_t)strlen(a), err), 0);
    CHECK(cache_has(c, sa, (int64_t)strlen(a)));
    CHECK(!cache_has(c, sa, (int64_t)strlen(a) + 1)); /* wrong size is not "present" */
    CHECK_INT(cache_used(c), (int64_t)strlen(a));

    /* wrong content: refused, nothing left behind */
    CHECK_INT(put(c, b, strlen(b), sa, (int64_t)strlen(b), err), -1);
    CHECK(strstr(err, "hashes to") != NULL);
    CHECK_INT(count_files("tmp"), 0);
    CHECK_INT(count_files("objects"), 1);
    /* more bytes than promised: refused while writing */
    CHECK_INT(put(c, b, strlen(b), sb, 5, err), -1);
    CHECK(strstr(err, "more than") != NULL);
    /* fewer bytes than promised: refused at commit */
    cache_writer *w;
    CHECK_INT(cache_writer_begin(c, sb, (int64_t)strlen(b), &w, err, sizeof err), 0);
    CHECK_INT(cache_writer_write(w, b, 3, err, sizeof err), 0);
    CHECK_INT(cache_writer_commit(w, err, sizeof err), -1);
    CHECK(!cache_has(c, sb, (int64_t)strlen(b)));
    CHECK_INT(count_files("tmp"), 0);
    /* names come only from a valid hash */
    const char *bad[] = {"../../etc/passwd", "ABCDEF", "", NULL};
    for (size_t i = 0; i < 4; i++) {
        CHECK_INT(cache_writer_begin(c, bad[i], 5, &w, err, sizeof err), -1);
        CHECK(!cache_has(c, bad[i], 5));
    }
    CHECK_INT(put(c, b, strlen(b), sb, (int64_t)strlen(b), err), 0);

    /* the manifest: replaced whole */
    char *text;
    size_t len;
    CHECK_INT(cache_get_manifest(c, &text, &len, err, sizeof err), -1); /* none yet */
    char etag[256];
    cache_get_etag(c, etag, sizeof etag);
    CHECK_STR(etag, "");
    CHECK_INT(cache_put_manifest(c, "{\"schema\":1}", 12, "\"v1\"", err, sizeof err), 0);
    cache_get_etag(c, etag, sizeof etag);
    CHECK_STR(etag, "\"v1\"");
    CHECK_INT(cache_put_manifest(c, "{\"schema\":1,\"version\":\"2\"}", 26, NULL, err,
                                 sizeof err), 0);
    cache_get_etag(c, etag, sizeof etag); /* a manifest without ETag drops the old one */
    CHECK_STR(etag, "");
    CHECK_INT(cache_get_manifest(c, &text, &len, err, sizeof err), 0);
    CHECK_STR(text, "{\"schema\":1,\"version\":\"2\"}");
    free(text);
    CHECK_INT(count_files("tmp"), 0);
    /* an ETag file that was tampered with (a blank inside) is ignored */
    char epath[700];
    snprintf(epath, sizeof epath, "%s/manifest.etag", dir);
    FILE *ef = fopen(epath, "w");
    fputs("\"a b\"", ef);
    fclose(ef);
    cache_get_etag(c, etag, sizeof etag);
    CHECK_STR(etag, "");

    /* bit rot: verify re-reads and re-hashes; a corrupt object is removed */
    CHECK_INT(cache_verify(c, sb, (int64_t)strlen(b)), 1);
    char opath[700];
    snprintf(opath, sizeof opath, "%s/objects/%s", dir, sb);
    FILE *of = fopen(opath, "r+");
    fputc('X', of); /* same size, different bytes */
    fclose(of);
    CHECK(cache_has(c, sb, (int64_t)strlen(b))); /* the size alone cannot tell */
    CHECK_INT(cache_verify(c, sb, (int64_t)strlen(b)), -1);
    CHECK(!cache_has(c, sb, (int64_t)strlen(b)));
    CHECK_INT(cache_verify(c, sb, (int64_t)strlen(b)), 0); /* now missing */
    CHECK_INT(put(c, b, strlen(b), sb, (int64_t)strlen(b), err), 0);
    int64_t bytes, files;
    cache_stats(c, &bytes, &files);
    CHECK_INT(files, 2);
    CHECK_INT(bytes, (int64_t)(strlen(a) + strlen(b)));
    cache_drop(c, sb);
    CHECK(!cache_has(c, sb, (int64_t)strlen(b)));
    cache_drop(c, "../manifest.json"); /* never a path from input */
    CHECK_INT(cache_get_manifest(c, &text, &len, err, sizeof err), 0);
    free(text);
    CHECK_INT(put(c, b, strlen(b), sb, (int64_t)strlen(b), err), 0);

    /* a crash mid-download leaves a temp file: the next start clears it and
     * it never shows up as an asset */
    char partial[700];
    snprintf(partial, sizeof partial, "%s/tmp/12345-0", dir);
    FILE *f = fopen(partial, "w");
    fputs("half a pic", f);
    fclose(f);
    cache_close(c);
    CHECK_INT(cache_open(dir, &c, err, sizeof err), 0);
    CHECK_INT(count_files("tmp"), 0);
    CHECK(cache_has(c, sa, (int64_t)strlen(a)) && cache_has(c, sb, (int64_t)strlen(b)));

    /* eviction: only what no deck needs, only down to the cap */
    const char *keep[] = {sb};
    CHECK_INT(cache_evict(c, keep, 1, 1000), 0); /* under the cap: nothing */
    CHECK_INT(cache_evict(c, keep, 1, 0), (int64_t)strlen(a));
    CHECK(!cache_has(c, sa, (int64_t)strlen(a)));
    CHECK(cache_has(c, sb, (int64_t)strlen(b))); /* referenced: kept even over the cap */
    CHECK_INT(cache_evict(c, keep, 1, 0), 0);
    cache_close(c);

    /* a cache directory that cannot be made is an error, not a crash */
    CHECK_INT(cache_open("/proc/forbidden/cache", &c, err, sizeof err), -1);
    CHECK(strlen(err) > 0);
    return check_done("cache");
}

#include "sha256.h"
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "manifest.h"

#define CACHE_MANIFEST_MAX (16u << 20)

struct cache {
    char *dir;
    char *objects;
    char *tmp;
    unsigned long counter; /* for unique temp names within this process */
};

struct cache_writer {
    cache *c;
    int fd;
    char sha256[65];
    int64_t size, written;
    char tmp_path[4200];
    sha256_ctx *hash;
};

static char *join(const char *a, const char *b)
{
    char *s = NULL;
    return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

/* A rename is durable only once the directory holding it is on disk. */
static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

int cache_open(const char *dir, cache **out, char *err, size_t errlen)
{
    cache *c = calloc(1, sizeof *c);
    if (!c || !(c->dir = strdup(dir)) || !(c->objects = join(dir, "objects")) ||
        !(c->tmp = join(dir, "tmp"))) {
        snprintf(err, errlen, "out of memory");
        cache_close(c);
        return -1;
    }
    if (fileio_mkdirs(c->objects) != 0 || fileio_mkdirs(c->tmp) != 0) {
        snprintf(err, errlen, "cache %s: %s", dir, strerror(errno));
        cache_close(c);
        return -1;
    }
    /* Whatever was being written when the power went is worthless. */
    DIR *d = opendir(c->tmp);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.') unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    *out = c;
    return 0;
}

void cache_close(cache *c)
{
    if (!c) return;
    free(c->dir);
    free(c->objects);
    free(c->tmp);
    free(c);
}

const char *cache_objects_dir(const cache *c)
{
    return c->objects;
}

bool cache_has(const cache *c, const char *sha256, int64_t size)
{
    if (!manifest_sha256_valid(sha256)) return false;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->objects, sha256);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == size;
}

/* Opens a fresh temp file in tmp/. */
static int open_tmp(cache *c, char *path, size_t pathlen)
{
    snprintf(path, pathlen, "%s/%d-%lu", c->tmp, (int)getpid(), c->counter++);
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

int cache_writer_begin(cache *c, const char *sha256, int64_t size, cache_writer **out, char *err,
                       size_t errlen)
{
    if (!manifest_sha256_valid(sha256) || size < 1) {
        snprintf(err, errlen, "not a valid asset (sha256 must be 64 lowercase hex, size > 0)");
        return -1;
    }
    cache_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->c = c;
    w->size = size;
    memcpy(w->sha256, sha256, 65);
    w->fd = open_tmp(c, w->tmp_path, sizeof w->tmp_path);
    if (w->fd < 0) {
        snprintf(err, errlen, "cache: cannot create %s: %s", w->tmp_path, strerror(errno));
        free(w);
        return -1;
    }
    w->hash = sha256_begin();
    if (!w->hash) {
        snprintf(err, errlen, "out of memory");
        close(w->fd);
        unlink(w->tmp_path);
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int cache_writer_write(cache_writer *w, const void *data, size_t len, char *err, size_t errlen)
{
    if ((int64_t)len > w->size - w->written) {
        snprintf(err, errlen, "asset %.12s…: more than the %lld bytes the manifest promised",
                 w->sha256, (long long)w->size);
        return -1;
    }
    if (write_all(w->fd, data, len) != 0) {
        /* ENOSPC lands here: reported, and the old deck keeps playing */
        snprintf(err, errlen, "cache: writing %s: %s", w->tmp_path, strerror(errno));
        return -1;
    }
    if (sha256_update(w->hash, data, len) != 0) {
        snprintf(err, errlen, "cache: hashing %s failed", w->tmp_path);
        return -1;
    }
    w->written += (int64_t)len;
    return 0;
}

void cache_writer_abort(cache_writer *w)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    unlink(w->tmp_path);
    sha256_abort(w->hash);
    free(w);
}

int cache_writer_commit(cache_writer *w, char *err, size_t errlen)
{
    int rc = -1;
    char hex[65] = "";
    int hashed = sha256_end_hex(w->hash, hex);
    w->hash = NULL;
    if (hashed != 0) {
        snprintf(err, errlen, "cache: hashing %s failed", w->tmp_path);
    } else if (w->written != w->size) {
        snprintf(err, errlen, "asset %.12s…: %lld bytes, the manifest promised %lld", w->sha256,
                 (long long)w->written, (long long)w->size);
    } else if (strcmp(hex, w->sha256) != 0) {
        snprintf(err, errlen, "asset %.12s…: content hashes to %.12s…: refused", w->sha256, hex);
    } else if (fsync(w->fd) != 0) {
        snprintf(err, errlen, "cache: fsync %s: %s", w->tmp_path, strerror(errno));
    } else {
        char final[4200];
        snprintf(final, sizeof final, "%s/%s", w->c->objects, w->sha256);
        if (rename(w->tmp_path, final) != 0)
            snprintf(err, errlen, "cache: rename to %s: %s", final, strerror(errno));
        else {
            /* some filesystems cannot fsync a directory: the file itself is
             * on disk, so that is not a failure */
            fsync_dir(w->c->objects);
            rc = 0;
        }
    }
    close(w->fd);
    w->fd = -1;
    if (rc != 0) unlink(w->tmp_path);
    free(w);
    return rc;
}

static int put_file(cache *c, const char *name, const char *text, size_t len, char *err,
                    size_t errlen);

int cache_put_manifest(cache *c, const char *text, size_t len, const char *etag, char *err,
                       size_t errlen)
{
    if (put_file(c, "manifest.json", text, len, err, errlen) != 0) return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.etag", c->dir);
    if (!etag || !*etag) {
        unlink(path);
        return 0;
    }
    /* Failing here only costs one full fetch later. */
    char why[256];
    if (put_file(c, "manifest.etag", etag, strlen(etag), why, sizeof why) != 0) unlink(path);
    return 0;
}

void cache_get_etag(cache *c, char *out, size_t outlen)
{
    char path[4200], *text = NULL, why[256];
    size_t len = 0;
    out[0] = '\0';
    snprintf(path, sizeof path, "%s/manifest.etag", c->dir);
    if (fileio_read(path, 255, FILEIO_REGULAR, &text, &len, why, sizeof why) != 0) return;
    bool ok = len > 0 && len < outlen;
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)text[i] > 0x20 && (unsigned char)text[i] < 0x7f;
    if (ok) memcpy(out, text, len + 1);
    free(text);
}

int cache_verify(cache *c, const char *sha256, int64_t size)
{
    if (!manifest_sha256_valid(sha256)) return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->objects, sha256);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return 0;
    struct stat st;
    bool good = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == size;
    sha256_ctx *h = good ? sha256_begin() : NULL;
    good = good && h;
    unsigned char buf[65536];
    int64_t total = 0;
    while (good) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) good = false;
        if (n <= 0) break;
        if (sha256_update(h, buf, (size_t)n) != 0) good = false;
        total += n;
    }
    close(fd);
    if (good) {
        char hex[65];
        good = sha256_end_hex(h, hex) == 0 && total == size && strcmp(hex, sha256) == 0;
    } else {
        sha256_abort(h);
    }
    if (good) return 1;
    cache_drop(c, sha256);
    return -1;
}

void cache_drop(cache *c, const char *sha256)
{
    if (!manifest_sha256_valid(sha256)) return;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->objects, sha256);
    if (unlink(path) == 0) fsync_dir(c->objects);
}

static int put_file(cache *c, const char *name, const char *text, size_t len, char *err,
                    size_t errlen)
{
    char tmp[4200], final[4200];
    int fd = open_tmp(c, tmp, sizeof tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cache: cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    snprintf(final, sizeof final, "%s/%s", c->dir, name);
    if (write_all(fd, text, len) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "cache: writing %s: %s", name, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    if (rename(tmp, final) != 0) {
        snprintf(err, errlen, "cache: rename to %s: %s", final, strerror(errno));
        unlink(tmp);
        return -1;
    }
    fsync_dir(c->dir);
    return 0;
}

int cache_peek_manifest(const char *dir, char **text, size_t *len, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    return fileio_read(path, CACHE_MANIFEST_MAX, FILEIO_REGULAR, text, len, err, errlen);
}

int cache_get_manifest(cache *c, char **text, size_t *len, char *err, size_t errlen)
{
    return cache_peek_manifest(c->dir, text, len, err, errlen);
}

void cache_stats(const cache *c, int64_t *bytes, int64_t *files)
{
    *bytes = *files = 0;
    DIR *d = opendir(c->objects);
    if (!d) return;
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
            S_ISREG(st.st_mode)) {
            *bytes += st.st_size;
            ++*files;
        }
    closedir(d);
}

int64_t cache_used(const cache *c)
{
    int64_t bytes, files;
    cache_stats(c, &bytes, &files);
    return bytes;
}

static bool kept(const char *name, const char *const *keep, size_t n_keep)
{
    for (size_t i = 0; i < n_keep; i++)
        if (keep[i] && strcmp(keep[i], name) == 0) return true;
    return false;
}

int64_t cache_evict(cache *c, const char *const *keep, size_t n_keep, int64_t cap)
{
    int64_t used = cache_used(c), freed = 0;
    if (used <= cap) return 0;
    DIR *d = opendir(c->objects);
    if (!d) return 0;
    struct dirent *e;
    struct stat st;
    while (used > cap && (e = readdir(d))) {
        if (e->d_name[0] == '.' || kept(e->d_name, keep, n_keep) ||
            fstatat(dirfd(d), e->d_name, &st, 0) != 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0) {
            used -= st.st_size;
            freed += st.st_size;
        }
    }
    closedir(d);
    fsync_dir(c->objects);
    return freed;
}

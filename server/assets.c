#include "assets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "image.h"
#include "manifest.h"
#include "sha256.h"

struct assets {
    char objects[4096], tmp[4096];
    int64_t max_pixels;
};

struct asset_upload {
    assets *a;
    int fd;
    char path[4200];
    sha256_ctx *hash;
    int64_t size, max;
};

/* Larger sides than this are refused before decoding, whatever the pixel count. */
#define ASSET_MAX_SIDE 16384

int assets_open(const char *data_dir, int64_t max_pixels, bool clear_tmp, assets **out, char *err,
                size_t errlen)
{
    assets *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    a->max_pixels = max_pixels;
    snprintf(a->objects, sizeof a->objects, "%s/objects", data_dir);
    snprintf(a->tmp, sizeof a->tmp, "%s/tmp", data_dir);
    if (fileio_mkdirs(a->objects) != 0 || fileio_mkdirs(a->tmp) != 0) {
        snprintf(err, errlen, "%s: %s", data_dir, strerror(errno));
        free(a);
        return -1;
    }
    DIR *d = clear_tmp ? opendir(a->tmp) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.') unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    *out = a;
    return 0;
}

void assets_close(assets *a)
{
    free(a);
}

int assets_path(const assets *a, const char *sha256, char *out, size_t outlen)
{
    if (!sha256 || !manifest_sha256_valid(sha256)) return -1;
    return snprintf(out, outlen, "%s/%s", a->objects, sha256) < (int)outlen ? 0 : -1;
}

asset_rc assets_upload_begin(assets *a, int64_t max_bytes, asset_upload **out, char *err,
                             size_t errlen)
{
    asset_upload *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return ASSET_INTERNAL;
    }
    u->a = a;
    u->max = max_bytes;
    snprintf(u->path, sizeof u->path, "%s/upload-XXXXXX", a->tmp);
    u->fd = mkostemp(u->path, O_CLOEXEC);
    u->hash = sha256_begin();
    if (u->fd < 0 || !u->hash) {
        snprintf(err, errlen, "cannot create a temporary file: %s", strerror(errno));
        assets_upload_abort(u);
        return ASSET_INTERNAL;
    }
    *out = u;
    return ASSET_OK;
}

asset_rc assets_upload_write(asset_upload *u, const void *data, size_t len, char *err,
                             size_t errlen)
{
    if (u->size + (int64_t)len > u->max) {
        snprintf(err, errlen, "the file is larger than the limit of %lld MB",
                 (long long)(u->max / (1024 * 1024)));
        return ASSET_TOO_BIG;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(u->fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            snprintf(err, errlen, "cannot store the upload: %s", strerror(errno));
            return ASSET_INTERNAL;
        }
        p += w;
        left -= (size_t)w;
    }
    sha256_update(u->hash, data, len);
    u->size += (int64_t)len;
    return ASSET_OK;
}

void assets_upload_abort(asset_upload *u)
{
    if (!u) return;
    if (u->fd >= 0) {
        close(u->fd);
        unlink(u->path);
    }
    if (u->hash) sha256_abort(u->hash);
    free(u);
}

static const char *type_name(image_format f)
{
    return f == IMAGE_JPEG ? "image/jpeg" : f == IMAGE_PNG ? "image/png" : "image/webp";
}

/* Whole and within limits: header facts first (cheap, no decode of a
 * bomb), then a decode to a thumbnail, which reads every byte (a truncated
 * or corrupt file fails here) at a fraction of the memory. */
static asset_rc validate(const assets *a, const uint8_t *data, size_t len, asset_info *info,
                         char *err, size_t errlen)
{
    if (len == 0) {
        snprintf(err, errlen, "the file is empty");
        return ASSET_REFUSED;
    }
    image_info ii;
    char why[256];
    if (image_sniff(data, len, &ii, why, sizeof why) != 0) {
        if (strstr(why, "not a JPEG"))
            snprintf(err, errlen, "%s", why);
        else
            snprintf(err, errlen, "not a usable picture: %s", why);
        return ASSET_REFUSED;
    }
    if (ii.width > ASSET_MAX_SIDE || ii.height > ASSET_MAX_SIDE ||
        (int64_t)ii.width * ii.height > a->max_pixels) {
        snprintf(err, errlen,
                 "the picture is %dx%d pixels: more than the limit of %lld megapixels or %d "
                 "pixels a side",
                 ii.width, ii.height, (long long)(a->max_pixels / 1000000), ASSET_MAX_SIDE);
        return ASSET_TOO_MANY_PIXELS;
    }
    image_rgba thumb;
    if (image_decode(data, len, 64, 64, a->max_pixels, &thumb, why, sizeof why) != 0) {
        snprintf(err, errlen, "the picture is damaged or incomplete: %s", why);
        return ASSET_REFUSED;
    }
    image_free(&thumb);
    bool swap = ii.orientation >= 5;
    info->width = swap ? ii.height : ii.width;
    info->height = swap ? ii.width : ii.height;
    info->type = type_name(ii.format);
    info->size = (int64_t)len;
    return ASSET_OK;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

asset_rc assets_upload_finish(asset_upload *u, asset_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    asset_rc rc = ASSET_OK;
    if (sha256_end_hex(u->hash, info->sha256) != 0) {
        u->hash = NULL;
        snprintf(err, errlen, "cannot hash the upload");
        assets_upload_abort(u);
        return ASSET_INTERNAL;
    }
    u->hash = NULL;
    uint8_t *map = NULL;
    if (u->size > 0) {
        map = mmap(NULL, (size_t)u->size, PROT_READ, MAP_PRIVATE, u->fd, 0);
        if (map == MAP_FAILED) {
            snprintf(err, errlen, "cannot read the upload back: %s", strerror(errno));
            assets_upload_abort(u);
            return ASSET_INTERNAL;
        }
    }
    char sha[65];
    memcpy(sha, info->sha256, sizeof sha);
    rc = validate(u->a, map, (size_t)u->size, info, err, errlen);
    memcpy(info->sha256, sha, sizeof sha);
    if (map) munmap(map, (size_t)u->size);
    if (rc != ASSET_OK) {
        assets_upload_abort(u);
        return rc;
    }
    char final[4200];
    snprintf(final, sizeof final, "%s/%s", u->a->objects, info->sha256);
    struct stat st;
    if (stat(final, &st) == 0 && st.st_size == u->size) {
        assets_upload_abort(u); /* the same bytes are there already */
        return ASSET_OK;
    }
    if (fsync(u->fd) != 0 || rename(u->path, final) != 0 || fsync_dir(u->a->objects) != 0) {
        snprintf(err, errlen, "cannot store the upload: %s", strerror(errno));
        assets_upload_abort(u);
        return ASSET_INTERNAL;
    }
    close(u->fd);
    free(u);
    return ASSET_OK;
}

asset_rc assets_put(assets *a, const void *data, size_t len, asset_info *info, char *err,
                    size_t errlen)
{
    asset_upload *u;
    asset_rc rc = assets_upload_begin(a, (int64_t)len, &u, err, errlen);
    if (rc != ASSET_OK) return rc;
    rc = assets_upload_write(u, data, len, err, errlen);
    if (rc != ASSET_OK) {
        assets_upload_abort(u);
        return rc;
    }
    return assets_upload_finish(u, info, err, errlen);
}

#include "sha256.h"
#include "deck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "image.h"

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int deck_from_manifest(manifest *m, const char *dir, const char *cas_dir, const char *source,
                       const char *default_tz, deck **out, diag_list *diags)
{
    deck *d = calloc(1, sizeof *d);
    if (!d) {
        manifest_free(m);
        return -1;
    }
    d->m = m;
    d->dir = dup_or_null(dir);
    d->cas_dir = dup_or_null(cas_dir);
    d->source = dup_or_null(source ? source : dir);
    d->refs = 1;
    char err[256];
    const char *want = m->timezone ? m->timezone : default_tz;
    if (want && tz_load(want, NULL, &d->zone, err, sizeof err) != 0) {
        diag_add(diags, DIAG_WARNING, "%s: display.timezone: %s; using %s", d->source, err,
                 m->timezone && default_tz ? default_tz : "UTC");
        d->zone = NULL;
        if (m->timezone && default_tz && tz_load(default_tz, NULL, &d->zone, err, sizeof err))
            d->zone = NULL;
    }
    if (!d->zone)
        d->zone = tz_fixed(0);
    if (!d->zone || (dir && !d->dir) || (cas_dir && !d->cas_dir) || !d->source) {
        deck_unref(d);
        return -1;
    }
    *out = d;
    return 0;
}

uint64_t deck_dir_signature(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    uint64_t h = 1469598103934665603ull;
    uint64_t parts[] = {(uint64_t)st.st_ino, (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                        (uint64_t)st.st_mtim.tv_nsec};
    for (size_t i = 0; i < 4; i++)
        h = (h ^ parts[i]) * 1099511628211ull;
    return h ? h : 1;
}

int deck_load_dir(const char *dir, const char *default_tz, deck **out, diag_list *diags)
{
    char path[4096], err[512];
    /* Taken before reading: if the file changes in between, the next look
     * sees a new signature and loads again. */
    uint64_t sig = deck_dir_signature(dir);
    if (snprintf(path, sizeof path, "%s/manifest.json", dir) >= (int)sizeof path) {
        diag_add(diags, DIAG_ERROR, "%s: path too long", dir);
        return -1;
    }
    char *text;
    size_t len;
    if (fileio_read(path, MANIFEST_MAX_BYTES, FILEIO_REGULAR, &text, &len, err, sizeof err) != 0) {
        diag_add(diags, DIAG_ERROR, "%s", err);
        return -1;
    }
    manifest *m = NULL;
    int r = manifest_parse(text, len, path, &m, diags);
    free(text);
    if (r != 0)
        return -1;
    if (deck_from_manifest(m, dir, NULL, path, default_tz, out, diags) != 0)
        return -1;
    (*out)->sig = sig;
    return 0;
}

deck *deck_ref(deck *d)
{
    if (d)
        __atomic_add_fetch(&d->refs, 1, __ATOMIC_RELAXED);
    return d;
}

void deck_unref(deck *d)
{
    if (!d || __atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    manifest_free(d->m);
    tz_free(d->zone);
    free(d->dir);
    free(d->cas_dir);
    free(d->source);
    free(d);
}

/* A relative url inside the folder: plain path segments only.  Anything that
 * could reach outside (.., absolute, scheme, backslash, control chars) is
 * refused rather than normalised. */
static int url_is_safe_relative(const char *url)
{
    if (!*url || url[0] == '/' || strchr(url, ':') || strchr(url, '\\') || strchr(url, '?') ||
        strchr(url, '#') || strchr(url, '%'))
        return 0;
    const char *seg = url;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f)
                return 0;
        if (!end)
            return 1;
        seg = end + 1;
    }
}

int deck_media_path(const deck *d, const manifest_media *media, char *out, size_t outlen,
                    char *err, size_t errlen)
{
    int n;
    if (d->cas_dir) {
        n = snprintf(out, outlen, "%s/%s", d->cas_dir, media->sha256);
    } else if (d->dir) {
        if (!url_is_safe_relative(media->url)) {
            snprintf(err, errlen, "url \"%.200s\" is not a plain relative path inside the folder",
                     media->url);
            return -1;
        }
        n = snprintf(out, outlen, "%s/%s", d->dir, media->url);
    } else {
        snprintf(err, errlen, "no place to find media");
        return -1;
    }
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "path too long");
        return -1;
    }
    return 0;
}

int deck_read_media(const deck *d, const manifest_media *media, uint8_t **data, size_t *len,
                    char *err, size_t errlen)
{
    char path[4096], why[512];
    if (deck_media_path(d, media, path, sizeof path, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    char *buf;
    size_t n;
    if (fileio_read(path, (size_t)media->size, FILEIO_REGULAR, &buf, &n, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    if ((int64_t)n != media->size) {
        snprintf(err, errlen, "%s: %zu bytes, manifest says %lld", path, n,
                 (long long)media->size);
        free(buf);
        return -1;
    }
    char hex[65];
    if (sha256_hex(buf, n, hex) != 0) {
        snprintf(err, errlen, "%s: cannot compute sha256 (out of memory)", path);
        free(buf);
        return -1;
    }
    if (strcmp(hex, media->sha256) != 0) {
        snprintf(err, errlen, "%s: sha256 %s does not match the manifest's %s", path, hex,
                 media->sha256);
        free(buf);
        return -1;
    }
    *data = (uint8_t *)buf;
    *len = n;
    return 0;
}

int deck_find_slide(const deck *d, const char *id)
{
    for (size_t i = 0; i < d->m->n_slides; i++)
        if (strcmp(d->m->slides[i].id, id) == 0)
            return (int)i;
    return -1;
}

static size_t check_one(const deck *d, const manifest_media *media, const char *what,
                        int64_t max_pixels, diag_list *diags)
{
    uint8_t *data;
    size_t len;
    char err[768];
    if (deck_read_media(d, media, &data, &len, err, sizeof err) != 0) {
        diag_add(diags, DIAG_ERROR, "%s: %s: %s", d->source, what, err);
        return 1;
    }
    image_info info;
    size_t errors = 0;
    if (image_sniff(data, len, &info, err, sizeof err) != 0) {
        diag_add(diags, DIAG_ERROR, "%s: %s: %s", d->source, what, err);
        errors = 1;
    } else if ((int64_t)info.width * info.height > max_pixels) {
        diag_add(diags, DIAG_ERROR, "%s: %s: %dx%d pixels, more than the limit of %lld", d->source,
                 what, info.width, info.height, (long long)max_pixels);
        errors = 1;
    }
    free(data);
    return errors;
}

size_t deck_check_media(const deck *d, int64_t max_pixels, diag_list *diags)
{
    size_t errors = 0;
    char what[256];
    if (d->m->has_logo)
        errors += check_one(d, &d->m->logo, "theme.logo", max_pixels, diags);
    for (size_t i = 0; i < d->m->n_slides; i++) {
        const manifest_slide *s = &d->m->slides[i];
        if (!s->has_media)
            continue;
        snprintf(what, sizeof what, "slides[%zu] (id \"%s\"): media", i, s->id);
        errors += check_one(d, &s->media, what, max_pixels, diags);
    }
    return errors;
}

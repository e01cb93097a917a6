/* assets: the server's content-addressed files, DATA/objects/<sha256>.
 *
 * An upload streams into DATA/tmp/ while it is hashed; it is accepted only
 * when it is a whole, decodable JPEG, PNG or WebP within the limits, and
 * then fsynced, renamed under its hash and the directory fsynced, so an
 * acknowledged upload survives a crash and a half-written file is never
 * named.  No name from a request is ever used as a path: the hash is the
 * name. */
#ifndef SIGNAGE_SERVER_ASSETS_H
#define SIGNAGE_SERVER_ASSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct assets assets;
typedef struct asset_upload asset_upload;

typedef enum {
    ASSET_OK = 0,
    ASSET_INTERNAL = -1,        /* disk or memory: 500 */
    ASSET_REFUSED = -2,         /* not an acceptable picture: 415/422 */
    ASSET_TOO_BIG = -3,         /* over the size limit: 413 */
    ASSET_TOO_MANY_PIXELS = -4, /* a picture over the pixel limits: 422 */
} asset_rc;

typedef struct asset_info {
    char sha256[65];
    int64_t size;
    const char *type;  /* static: "image/jpeg", "image/png", "image/webp" */
    int width, height; /* as shown (after EXIF orientation) */
} asset_info;

/* Creates DATA/objects and DATA/tmp; with clear_tmp (the serving process
 * only, never a command run beside it) empties tmp of a crash's leftovers. */
int assets_open(const char *data_dir, int64_t max_pixels, bool clear_tmp, assets **out, char *err,
                size_t errlen);
void assets_close(assets *a);

/* Path of an asset (sha256 must be 64 lowercase hex digits); 0 or -1. */
int assets_path(const assets *a, const char *sha256, char *out, size_t outlen);

asset_rc assets_upload_begin(assets *a, int64_t max_bytes, asset_upload **out, char *err,
                             size_t errlen);
asset_rc assets_upload_write(asset_upload *u, const void *data, size_t len, char *err,
                             size_t errlen);
/* Validates and stores; frees u whatever the outcome. */
asset_rc assets_upload_finish(asset_upload *u, asset_info *info, char *err, size_t errlen);
void assets_upload_abort(asset_upload *u);

/* The same for bytes already in memory (seeding, screenshots). */
asset_rc assets_put(assets *a, const void *data, size_t len, asset_info *info, char *err,
                    size_t errlen);

#endif

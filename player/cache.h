/* cache.h - the player's store on disk: content-addressed assets and the
 * current manifest, written so that power can be cut at any instant.
 *
 * Layout under the cache directory:
 *   objects/<sha256>   verified assets, named by their hash, never modified
 *   tmp/               files being written (emptied by cache_open)
 *   manifest.json      the current manifest: replaced only by an atomic rename
 *   manifest.etag      the server's ETag for it (written after manifest.json,
 *                      so a crash between leaves an old ETag: one full fetch)
 *
 * Every file is written to tmp/, fsynced, renamed into place and the
 * directory fsynced, so after a crash a name either holds the whole verified
 * file or does not exist.  An asset is accepted only when its size and
 * SHA-256 match what the manifest promised; names never come from input
 * other than a validated 64-hex-digit hash.
 *
 * Ownership: cache_open() returns a cache freed by cache_close(); a writer
 * from cache_writer_begin() is freed by cache_writer_commit() or
 * cache_writer_abort(), whatever they return.
 */
#ifndef SIGNAGE_CACHE_H
#define SIGNAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cache cache;
typedef struct cache_writer cache_writer;

/* Creates the directory layout if needed and removes leftovers in tmp/.
 * Returns 0, or -1 with a reason in err. */
int cache_open(const char *dir, cache **out, char *err, size_t errlen);
void cache_close(cache *c);

/* DIR/objects: where deck_from_manifest() finds assets by hash. */
const char *cache_objects_dir(const cache *c);

/* Is the asset present, complete (its size) and a regular file?  The hash
 * was checked when it was written. */
bool cache_has(const cache *c, const char *sha256, int64_t size);

/* Streams one asset in.  Refuses a hash that is not 64 lowercase hex
 * digits, and more bytes than `size`. */
int cache_writer_begin(cache *c, const char *sha256, int64_t size, cache_writer **out, char *err,
                       size_t errlen);
int cache_writer_write(cache_writer *w, const void *data, size_t len, char *err, size_t errlen);
/* Checks size and SHA-256, then makes the asset visible atomically. */
int cache_writer_commit(cache_writer *w, char *err, size_t errlen);
void cache_writer_abort(cache_writer *w);

/* Replaces manifest.json atomically with text[0..len), then manifest.etag
 * with `etag` (NULL or "" removes it). */
int cache_put_manifest(cache *c, const char *text, size_t len, const char *etag, char *err,
                       size_t errlen);
/* Reads manifest.json (malloc'ed, NUL-terminated).  -1 when absent. */
int cache_get_manifest(cache *c, char **text, size_t *len, char *err, size_t errlen);
/* The same, from a cache directory that is not opened: for --check and
 * --info beside a running player (cache_open would empty its tmp/). */
int cache_peek_manifest(const char *dir, char **text, size_t *len, char *err, size_t errlen);
/* The stored ETag into out[outlen]; "" when there is none. */
void cache_get_etag(cache *c, char *out, size_t outlen);

/* Re-reads an object and checks its size and SHA-256 (bit rot, tampering).
 * Returns 1 when it is good, 0 when it is missing, -1 when it was corrupt
 * (it is then removed). */
int cache_verify(cache *c, const char *sha256, int64_t size);

/* Removes one object (no error if absent). */
void cache_drop(cache *c, const char *sha256);

/* Total bytes of objects/. */
int64_t cache_used(const cache *c);
/* Bytes and number of objects. */
void cache_stats(const cache *c, int64_t *bytes, int64_t *files);

/* Removes objects not named in keep[] (hashes of the current and pending
 * manifests) until the store is at most `cap` bytes; referenced objects are
 * never removed.  Returns the bytes freed. */
int64_t cache_evict(cache *c, const char *const *keep, size_t n_keep, int64_t cap);

#endif

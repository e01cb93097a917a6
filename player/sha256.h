/* sha256.h - SHA-256 for content addresses: the one hashing module of the
 * player (assets in the cache, media read for a slide).
 *
 * Backed by libcrypto's EVP interface, which uses the CPU's SHA extensions
 * (x86 SHA-NI, ARMv8 crypto) where present: a 12-megapixel photo hashes in
 * about 1 ms instead of 5 with a portable implementation, and every slide's
 * picture is hashed each time it is prepared.
 *
 * Ownership: a sha256_ctx is created by sha256_begin() and released by
 * sha256_end_hex() (always, also on failure) or sha256_abort().
 */
#ifndef SIGNAGE_SHA256_H
#define SIGNAGE_SHA256_H

#include <stddef.h>

typedef struct sha256_ctx sha256_ctx;

/* Hex digest of data[0..len) into hex[65] (lower case).  Returns 0, or -1
 * when libcrypto fails (out of memory). */
int sha256_hex(const void *data, size_t len, char hex[65]);

/* Streaming: returns NULL when out of memory. */
sha256_ctx *sha256_begin(void);
int sha256_update(sha256_ctx *c, const void *data, size_t len);
/* Writes the hex digest and frees the context.  Returns 0 or -1. */
int sha256_end_hex(sha256_ctx *c, char hex[65]);
void sha256_abort(sha256_ctx *c);

#endif

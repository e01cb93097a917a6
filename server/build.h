/* build: a display's v1 manifest (docs/manifest.md) from the store.
 *
 * The document is a pure function of the store's rows: approved items that
 * target the display's groups (or the default group), the theme settings
 * and the display's own name.  Its `version` and strong ETag are hashes of
 * its bytes, so they change exactly when the content does. */
#ifndef SIGNAGE_SERVER_BUILD_H
#define SIGNAGE_SERVER_BUILD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct build_result {
    char *text; /* owned, NUL-terminated */
    size_t len;
    char etag[72]; /* "\"<64 hex>\"" */
} build_result;

/* asset_prefix: what asset urls start with ("/assets/" from the server,
 * "../../assets/" in a static export). */
int build_manifest(store *s, const char *display_id, const char *asset_prefix, build_result *out,
                   char *err, size_t errlen);
void build_result_free(build_result *r);

/* One item row (store_item_get) as its manifest object; which list it goes
 * in follows from its kind ("slides", "ticker" or "alerts"). */
json_t *build_item(const json_t *item, const char *asset_prefix, const char **list);

/* The theme object of every manifest (title, subtitle, accent, logo). */
json_t *build_theme(store *s, const char *asset_prefix);

/* Checks an item as the player would: builds it, parses it with the
 * player's own manifest parser, and returns the first problem (0 = none). */
int build_check_item(const json_t *item, char *err, size_t errlen);

/* Manifests per display, rebuilt only when the store's generation moves:
 * thousands of long-polls answered after one change cost one build each at
 * most, and unchanged polls none. */
typedef struct build_cache build_cache;
build_cache *build_cache_new(store *s);
void build_cache_free(build_cache *c);
/* A copy of the current manifest for the display (caller frees). */
int build_cache_get(build_cache *c, const char *display_id, build_result *out, char *err,
                    size_t errlen);
/* Only the current ETag (no copy). */
int build_cache_etag(build_cache *c, const char *display_id, char etag[72], char *err,
                     size_t errlen);

/* What answering a manifest request needs, from the cache, without a query:
 * the ETag, whether the display is recorded, its token's hash.  Token and
 * group changes must bump the store's generation to show here. */
typedef struct build_view {
    char etag[72];
    bool known;
    char token_hash[65]; /* "" = the display has no token */
} build_view;
int build_cache_view(build_cache *c, const char *display_id, build_view *out, char *err,
                     size_t errlen);
/* The display has just been recorded. */
void build_cache_set_known(build_cache *c, const char *display_id);

#endif

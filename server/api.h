/* api: the routes of docs/api.md — the player's (manifest with long-poll,
 * status, screenshot, assets) and the organizers' (sessions, items, review,
 * alerts, uploads, displays, groups, users, audit, settings) — with every
 * permission decided here, in one table. */
#ifndef SIGNAGE_SERVER_API_H
#define SIGNAGE_SERVER_API_H

#include <stdbool.h>
#include <stdint.h>

#include "assets.h"
#include "auth.h"
#include "build.h"
#include "http.h"
#include "preview.h"
#include "store.h"

typedef struct api {
    store *st;
    assets *as;
    auth *au;
    build_cache *bc;
    http_server *http;   /* set once listening: changes wake long-polls */
    preview *pv;         /* the player's renderer, for previews */
    const char *web_dir; /* the organizers' pages (web/); NULL = none */
    int64_t session_ttl;
    int64_t max_upload;
    bool secure_cookies; /* always add Secure (behind TLS without X-Forwarded-Proto) */
} api;

bool api_route(void *api, http_req *r, http_route *out);

/* Everything that changes what displays get goes through here: bumps the
 * store's generation and wakes the long-polls. */
void api_changed(api *a);

#endif

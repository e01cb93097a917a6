/* http: libmicrohttpd glue.  Requests are read whole (JSON bodies, up to a
 * limit) or streamed (uploads, straight to disk), then handed to the API's
 * router; long-polls are suspended connections, woken by a change or their
 * deadline, never a thread each.
 *
 * The request (http_req) belongs to this module from the first callback to
 * MHD's completion callback; handlers borrow it. */
#ifndef SIGNAGE_SERVER_HTTP_H
#define SIGNAGE_SERVER_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "assets.h"

typedef struct http_server http_server;
typedef struct http_req http_req;

/* What the router decides on the first callback, before any body arrives. */
typedef enum {
    HTTP_BODY_NONE,   /* GET and friends: a body is refused */
    HTTP_BODY_JSON,   /* read into memory, at most body_max bytes */
    HTTP_BODY_UPLOAD, /* streamed into an asset upload of at most body_max bytes */
} http_body_kind;

typedef struct http_route {
    http_body_kind body;
    int64_t body_max;
    /* Called once the body is complete (or at once without one).  Must queue
     * a response with http_respond_* or call http_suspend. */
    void (*handle)(void *api, http_req *r);
} http_route;

typedef struct http_callbacks {
    void *api;
    /* Picks the route; may refuse at once (returns false after queuing an
     * answer with http_respond_*: unknown path, no session, CSRF...). */
    bool (*route)(void *api, http_req *r, http_route *out);
} http_callbacks;

typedef struct http_options {
    const char *listen; /* "ADDR:PORT" */
    int threads;
    int max_connections;
} http_options;

int http_start(const http_options *o, const http_callbacks *cb, assets *a, http_server **out,
               char *err, size_t errlen);
/* Answers every held long-poll, then stops. */
void http_stop(http_server *s);
unsigned http_port(const http_server *s);

/* Wakes every held long-poll (content changed): each re-checks its ETag. */
void http_notify(http_server *s);
size_t http_waiting(http_server *s); /* held long-polls now */

/* ---- for handlers ---- */
struct MHD_Connection *http_conn(http_req *r);
const char *http_method(const http_req *r);
const char *http_path(const http_req *r);
const char *http_header(http_req *r, const char *name);
const char *http_query(http_req *r, const char *name);
const char *http_cookie(http_req *r, const char *name);
const char *http_client_ip(http_req *r);
bool http_is_tls(http_req *r); /* behind a proxy that says X-Forwarded-Proto: https */
const char *http_body(const http_req *r, size_t *len);
/* The streamed upload's outcome (HTTP_BODY_UPLOAD routes). */
asset_rc http_upload_result(const http_req *r, asset_info *info, const char **err);

/* A per-request slot for the API (freed with free() at the end if set). */
void **http_user(http_req *r);
/* True when this call is a resumed long-poll (the same request again). */
bool http_resumed(const http_req *r);

/* Holds the request until http_notify or `seconds` pass; then the route's
 * handler is called again (http_resumed true). */
void http_suspend(http_req *r, double seconds);
bool http_wait_expired(const http_req *r);

/* For work done on another thread (previews): http_hold suspends the
 * request with no deadline and no wake-up by changes; that thread calls
 * http_release exactly once when done, and the route's handler is then
 * called again (http_resumed true) to answer.  Held requests keep no HTTP
 * thread busy. */
void http_hold(http_req *r);
void http_release(http_req *r);

void http_respond_json(http_req *r, unsigned status, json_t *body); /* steals body */
void http_respond_error(http_req *r, unsigned status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* text is copied; extra headers as "Name: value\n" lines (may be NULL). */
void http_respond_bytes(http_req *r, unsigned status, const char *type, const void *data,
                        size_t len, const char *headers);
/* A file with ETag, Range and caching headers; extra headers as in
 * http_respond_bytes (may be NULL). */
void http_respond_file(http_req *r, const char *path, const char *type, const char *etag,
                       const char *cache_control, const char *headers);

#endif

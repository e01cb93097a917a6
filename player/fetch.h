/* fetch.h - HTTP(S) for the player: one libcurl easy handle per thread
 * (connections and TLS sessions are reused between requests).
 *
 * Policy that belongs to transport lives here, so every request gets it:
 *   - only http:// and https://, also after redirects (a hostile server
 *     cannot send us to file:// or elsewhere), and a request made over
 *     https:// is never redirected to http://; at most FETCH_MAX_REDIRECTS;
 *   - TLS peer and host verification always on; `ca_file` adds a CA bundle;
 *   - a connect timeout, and a stall timeout: a transfer that receives
 *     nothing for `stall_s` seconds, or less than FETCH_MIN_RATE bytes/s
 *     over `stall_s` (a drip), fails; before the first byte a long-poll is
 *     allowed `first_byte_s` instead;
 *   - a body cap: more than `max_bytes` fails at once, whether or not the
 *     server announced a length;
 *   - the bearer token, if any, goes to the configured server only: it is
 *     dropped when a redirect leaves the original host, port or scheme
 *     (libcurl's default), and a request marked `anonymous` (an asset on
 *     another server, see fetch_same_origin) goes without it;
 *   - a shared stop flag makes any transfer return within about a second.
 *
 * Only 2xx bodies reach the caller's sink; other bodies are kept (up to a
 * few hundred bytes) for the error message.
 *
 * curl_global_init() must have been called (main does, before any thread).
 * Ownership: fetch_open() returns a handle freed by fetch_close(); requests
 * and results are the caller's.
 */
#ifndef SIGNAGE_FETCH_H
#define SIGNAGE_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FETCH_MAX_REDIRECTS 5
#define FETCH_MIN_RATE 512.0 /* bytes/s, averaged over a stall window */

typedef struct fetch fetch;

typedef struct fetch_opts {
    const char *ca_file;    /* extra CA bundle (PEM), or NULL for the system store */
    const char *token;      /* bearer token, or NULL */
    const char *user_agent; /* e.g. "signage-player/0.1.0" */
    double connect_s;       /* connect (and TLS handshake) timeout */
    double stall_s;         /* no byte for this long: fail */
    const atomic_int *stop; /* non-zero: abort now (may be NULL) */
} fetch_opts;

/* Receives the body of a 2xx response.  Returns 0 to go on; anything else
 * aborts the transfer (fetch_do then fails with the sink's message). */
typedef int (*fetch_sink)(void *user, const void *data, size_t len);

typedef struct fetch_req {
    const char *url;
    const char *if_none_match; /* GET: a previous ETag, or NULL */
    const char *content_type;  /* POST: body type; NULL = GET */
    const void *body;          /* POST body */
    size_t body_len;
    int64_t max_bytes;         /* body cap (> 0) */
    int64_t resume_from;       /* > 0: ask for the rest from this offset (Range) */
    double first_byte_s;       /* > stall_s: time allowed before the first byte (long-poll) */
    const atomic_int *cancel;  /* non-zero: abort this request (may be NULL) */
    bool anonymous;            /* never send the bearer token (another server's URL) */
    fetch_sink sink;
    void *user;
} fetch_req;

typedef struct fetch_res {
    long status;        /* HTTP status of the final response; 0 when none came */
    char etag[256];     /* the ETag header, as sent (quotes included); "" if none */
    char url[2048];     /* the effective URL after redirects */
    int64_t body_bytes; /* body bytes received (2xx only) */
    int64_t wire_bytes; /* request + response bytes, headers included */
    double seconds;     /* whole transfer */
    bool unreachable;   /* failed before any response: no route, refused, timed out */
    char err[512];      /* why it failed (transport, cap, sink) */
} fetch_res;

/* A growing in-memory body (NUL-terminated), for fetch_to_mem. */
typedef struct fetch_mem {
    char *buf; /* malloc'ed; the caller frees */
    size_t len, cap;
} fetch_mem;

/* A sink that appends to a fetch_mem (user = the fetch_mem); the request's
 * max_bytes bounds it. */
int fetch_to_mem(void *user, const void *data, size_t len);

int fetch_open(const fetch_opts *o, fetch **out, char *err, size_t errlen);
void fetch_close(fetch *f);

/* Performs one request.  Returns 0 when a response arrived and the body (if
 * any) was delivered whole - whatever its status, check res->status - or -1
 * with res->err (no response, timeout, too big, sink refused, stopped). */
int fetch_do(fetch *f, const fetch_req *r, fetch_res *res);

/* Resolves `ref` (absolute, or relative like "a.jpg" / "/assets/x") against
 * `base` with libcurl's URL API into out[outlen].  Only http(s) results are
 * accepted.  Returns 0, or -1 with a reason in err. */
int fetch_resolve(const char *base, const char *ref, char *out, size_t outlen, char *err,
                  size_t errlen);

/* Do two absolute URLs name the same server (scheme, host and port, the
 * scheme's default port filled in)?  false when either does not parse. */
bool fetch_same_origin(const char *a, const char *b);

#endif

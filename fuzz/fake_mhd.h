/* fake_mhd.h - just enough of libmicrohttpd for server/http.c to run
 * without sockets, for the request fuzzer (fuzz_server_request.c).
 *
 * server/http.c is linked unchanged against fake_mhd.c instead of the real
 * library: MHD_start_daemon() only records the access handler and the
 * completion callback, and fake_request_run() plays one request through
 * them the way MHD calls them (headers first, then the body in chunks, then
 * the final call; again after a resume), with the request already parsed
 * into headers, cookies and query arguments.  What the responses look like
 * is checked as MHD would (one response per request, queued from inside
 * the handler, no CR/LF in a header) and as a client would see it (a file
 * range inside the file). */
#ifndef SIGNAGE_FUZZ_FAKE_MHD_H
#define SIGNAGE_FUZZ_FAKE_MHD_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct fake_request fake_request;

fake_request *fake_request_new(const char *method, const char *url);
/* kind: MHD_HEADER_KIND, MHD_COOKIE_KIND or MHD_GET_ARGUMENT_KIND; value
 * may be NULL (an argument without '='). */
void fake_request_add(fake_request *q, enum MHD_ValueKind kind, const char *key, const char *value);
/* The TCP peer (default 127.0.0.1, a proxy on this machine): "A.B.C.D" or
 * an IPv6 address; false if it is neither. */
bool fake_request_peer(fake_request *q, const char *ip);
/* The body as it arrives (chunk: bytes per call, 0 = all at once) and
 * whether all of it arrives (false: the client goes away part way). */
void fake_request_body(fake_request *q, const char *body, size_t len, size_t chunk, bool complete);

/* Called while a request is suspended: return true once it may go on (a
 * long-poll woken, a preview finished) or false to give up (the client
 * goes away).  `round` counts the suspensions of this request. */
typedef bool (*fake_suspended_fn)(void *ctx, fake_request *q, int round);

/* Plays the request through the daemon's callbacks.  Returns the status
 * answered, or 0 when none was (dropped, or given up while suspended). */
unsigned fake_request_run(fake_request *q, fake_suspended_fn on_suspend, void *ctx);
/* Blocks until the request is resumed or `seconds` pass; true if resumed. */
bool fake_request_wait_resumed(fake_request *q, double seconds);
bool fake_request_suspended(fake_request *q);
/* The answer's body when it was a buffer (NULL for a file or none). */
const char *fake_request_answer(const fake_request *q, size_t *len);
const char *fake_request_headers(const fake_request *q); /* "Name: value\n" lines */
void fake_request_free(fake_request *q);

#endif

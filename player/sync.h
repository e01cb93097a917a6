/* sync.h - keeps the cache in step with the content server, on its own
 * thread.  The render loop never waits on it: it takes finished decks from
 * a mailbox (sync_take_deck) between frames.
 *
 * One round (docs/protocol.md has the wire view):
 *   1. GET the manifest with If-None-Match (the ETag of the cached manifest)
 *      and ?wait=N: a server that supports long-poll holds the request until
 *      the manifest changes; a static host answers at once and the next poll
 *      comes after poll_interval (with jitter, so a campus of screens does
 *      not poll in lockstep).  304 costs a few hundred bytes.
 *   2. A new manifest is parsed (refused whole if it is not a v1 manifest);
 *      every asset it names that is not in the cache is downloaded (resolved
 *      against the manifest's URL), checked against size and sha256, and
 *      stored by hash; a download cut off midway resumes with a Range
 *      request, or restarts cleanly.
 *   3. Only when every asset is present and verified does the manifest
 *      become current (one fsynced rename), and a deck built from it goes to
 *      the mailbox.  Until then the old deck keeps playing, whole.
 *   4. Failures back off exponentially (2 s doubling, with jitter, capped at
 *      retry_max) and the first success resets the back-off.
 *   5. Assets no longer referenced are evicted once the cache is over its
 *      cap; an asset the renderer found corrupt is re-checked, dropped and
 *      fetched again.
 *
 * Ownership: sync_start() borrows `cache`, `board` and the strings in
 * sync_opts until sync_stop() returns; it takes its own reference to
 * `current`.  sync_take_deck() hands a deck reference to the caller.
 */
#ifndef SIGNAGE_SYNC_H
#define SIGNAGE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "deck.h"
#include "fetch.h"
#include "status.h"

typedef struct syncer syncer;

typedef struct sync_opts {
    const char *manifest_url;  /* where the manifest is (see sync_manifest_url) */
    const char *default_tz;
    fetch_opts net;            /* stop is set by sync itself */
    double poll_interval;      /* seconds between polls of a static host */
    double long_poll;          /* seconds a server may hold a poll; 0 = do not ask */
    double retry_max;          /* back-off cap, seconds */
    int64_t cache_max;         /* bytes */
    cache *cache;
    status_board *board;
    deck *current;             /* the cached deck playing now, or NULL */
    void (*wake)(void *user);  /* called (on the sync thread) when a deck is posted */
    void *wake_user;
} sync_opts;

int sync_start(const sync_opts *o, syncer **out, char *err, size_t errlen);
/* Stops the thread (aborting any transfer within about a second) and frees. */
void sync_stop(syncer *s);

/* The newest fully verified deck since the last call, or NULL. */
deck *sync_take_deck(syncer *s);

/* The renderer could not use an asset of a synced deck: check it again
 * and, if it is missing or corrupt, fetch it again. */
void sync_report_bad_asset(syncer *s, const char *sha256);

/* ---- pure helpers (tested without a network) ---------------------------- */

/* The manifest URL: `manifest_url` if set, else
 * {server}/api/v1/displays/{display}/manifest (a trailing '/' on server is
 * fine).  Returns 0, or -1 if neither is configured or it does not fit. */
int sync_manifest_url(const char *server, const char *display, const char *manifest_url,
                      char *out, size_t outlen);

/* The poll URL: the manifest URL plus wait=N (joined with '?' or '&'). */
int sync_poll_url(const char *manifest_url, double wait, char *out, size_t outlen);

/* Seconds to wait after `failures` consecutive failures (>= 1): 2 s doubling
 * up to `cap`, scaled by a jitter factor from u in [0,1) to [0.5, 1.0). */
double sync_backoff(int failures, double cap, double u);

/* Seconds until the next poll of a static host: interval x [0.8, 1.2). */
double sync_poll_delay(double interval, double u);

#endif

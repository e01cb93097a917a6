/* status.h - what the player is doing, in one place: the status board.
 *
 * The render thread (what is showing), the sync thread (sync state, cache,
 * download progress) and the report thread (which writes the status file and
 * sends heartbeats) share one board.  Every call takes the board's mutex for
 * a copy of a few hundred bytes only - never across I/O - so the render
 * thread can post to it every frame without waiting on the network.
 *
 * The JSON form (status_json) is the status file's and the heartbeat's
 * format; docs/protocol.md documents it.
 *
 * Ownership: status_board_new() returns a board freed by status_board_free()
 * (after every thread using it has stopped).  Screenshot pixels handed to
 * the board are owned by it until taken.
 */
#ifndef SIGNAGE_STATUS_H
#define SIGNAGE_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { SYNC_DISABLED = 0, SYNC_OK, SYNC_OFFLINE, SYNC_ERROR } sync_state;

typedef struct status_snapshot {
    char player[64]; /* "signage-player 0.1.0" */
    char display[80];
    char manifest_version[160];
    char showing_kind[16]; /* "slide", "alert", "waiting" ("" = nothing yet) */
    char showing_id[160];
    int active_slides;
    sync_state sync;
    int64_t last_attempt; /* unix seconds, 0 = never */
    int64_t last_success;
    char last_error[512];
    int64_t cache_bytes, cache_files;
    int progress_done, progress_total; /* assets of the deck being fetched (0/0 = none) */
    double uptime_s;
    int pid;                  /* the player's process, for --info beside it */
    char health[16];          /* self-check (watch.h): "ok", "recovering", "failed" */
    char health_problem[256]; /* what it saw (the last problem, once recovered) */
    int recoveries;           /* recovery actions since start */
    char last_restart[320];   /* why the previous process gave up ("" = it did not) */
    uint64_t beats;           /* heartbeats the server acknowledged */
    int screen_w, screen_h;   /* the picture's size as laid out (after rotation); 0 = unknown */
    uint64_t changes;         /* bumped on every change */
} status_snapshot;

typedef struct status_board status_board;

/* `started` is the monotonic time (seconds) the player started. */
int status_board_new(const char *player, const char *display, double started, status_board **out);
void status_board_free(status_board *b);

/* Render thread: what is on screen.  Cheap when nothing changed. */
void status_set_showing(status_board *b, const char *kind, const char *id, int active_slides);
void status_set_version(status_board *b, const char *manifest_version);
/* The size slides are laid out at (a portrait panel: 1080x1920), so the
 * server can preview at it. */
void status_set_screen(status_board *b, int width, int height);
/* Render thread: the self-check's state, problem (NULL = keep) and count. */
void status_set_health(status_board *b, const char *state, const char *problem, int recoveries);
/* Main, at start: what the last process's self-check gave up on. */
void status_set_last_restart(status_board *b, const char *why);
/* Report thread: a heartbeat reached the server. */
void status_note_beat(status_board *b);

/* Sync thread. */
void status_set_attempt(status_board *b, int64_t when);
void status_set_sync(status_board *b, sync_state s, int64_t when, const char *error);
void status_set_progress(status_board *b, int done, int total);
void status_set_cache(status_board *b, int64_t bytes, int64_t files);

/* A copy of the board; `now_mono` fills uptime_s. */
void status_get(status_board *b, double now_mono, status_snapshot *out);

/* Waits until the board changes after `seen` (a snapshot's `changes`) or
 * `timeout_s` passes (report thread).  Returns the current change count. */
uint64_t status_wait(status_board *b, uint64_t seen, double timeout_s);
/* Wakes status_wait() (shutdown). */
void status_kick(status_board *b);

/* Screenshots on request: the report thread asks, the render thread sees
 * the request, reads its frame and hands over RGBA pixels (ownership moves
 * to the board), the report thread takes them (ownership moves to it). */
void status_request_screenshot(status_board *b);
bool status_screenshot_requested(status_board *b);
void status_put_screenshot(status_board *b, uint8_t *rgba, int w, int h, int stride);
bool status_take_screenshot(status_board *b, uint8_t **rgba, int *w, int *h, int *stride);

/* The status JSON (malloc'ed, NUL-terminated, caller frees), or NULL on
 * out of memory.  Times are ISO-8601 UTC ("2026-11-24T08:30:00Z"). */
char *status_json(const status_snapshot *s);

const char *status_sync_name(sync_state s);

/* ISO-8601 UTC of a unix time into buf (at least 21 bytes); "" for 0. */
void status_iso8601(int64_t t, char *buf, size_t len);

#endif

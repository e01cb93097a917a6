/* info.h - `signage-player --info`: what a technician needs at the screen's
 * terminal, in one look: who this display is, how to reach it, where its
 * content comes from, what the cache holds and what the running player
 * (if any) last reported.
 *
 * Strictly read-only: it never opens the cache for writing (cache_open
 * empties tmp/, which would break the transfer of a player running beside
 * it), never contacts the server, and works while the service runs.  The
 * running player is seen through its status file.
 */
#ifndef SIGNAGE_INFO_H
#define SIGNAGE_INFO_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"

typedef struct info_request {
    const player_config *cfg;
    const char *config_path;  /* the config file read, NULL = none */
    const char *manifest_url; /* the manifest synced from, NULL = a local deck */
    const char *content;      /* the local deck folder when not syncing (may be NULL) */
    const char *cache_dir;    /* the cache when syncing, else NULL */
    const char *status_file;  /* the status file a running player writes (may be NULL) */
    const char *screen_off;   /* the power schedule, described; NULL or "" = always on */
    int64_t now;              /* wall clock, Unix seconds */
} info_request;

/* Prints the report to `out`.  Everything unknown is said to be unknown;
 * nothing here fails. */
void info_print(FILE *out, const info_request *r);

#endif

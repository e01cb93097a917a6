/* config.h - the player's configuration: config file + command line.
 *
 * File format (see config/signage-player.conf for the commented example):
 *   # comment            ; comment
 *   key = value          value may be "double-quoted" (with \" and \\ escapes)
 * One key per line, whitespace around key and value ignored, keys are
 * case-sensitive, a key given twice: the last one wins (with a warning).
 * Unknown keys and bad values are errors naming file, line and key:
 *   "/etc/campus-signage/player.conf:12: key \"rotate\": must be 0, 90, 180 or 270 (got \"45\")"
 * A file that cannot be read is an error naming the file and errno text.
 *
 * Precedence: built-in defaults < config file < command-line flags.
 *
 * Ownership: strings in player_config are owned by it; free with
 * config_free().  config_init() sets every default.
 */
#ifndef SIGNAGE_CONFIG_H
#define SIGNAGE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "power.h"

typedef struct player_config {
    /* content source */
    char *content_dir;  /* "content" key / --content: a local deck folder; NULL = none */
    char *server;       /* "server": content server base URL; NULL = no network */
    char *display_id;   /* "display": this screen's id; default: the host name */
    char *manifest_url; /* "manifest_url": fetch this manifest instead of the server's API; NULL */
    char *token;        /* "token": sent as "Authorization: Bearer ..."; NULL */
    char *ca_file;      /* "ca_file": PEM CA bundle for https (default: the system's); NULL */
    char *cache_dir;    /* "cache": where synced content is kept; NULL = the default */
    char *status_file;  /* "status": status JSON for technicians; NULL = the default */
    /* sync */
    double poll_interval;   /* "poll_interval" seconds between polls of a static host (5..86400), 60 */
    double long_poll;       /* "long_poll" seconds a server may hold a poll (0 = off, ..300), 25 */
    double retry_max;       /* "retry_max": longest back-off after failures, seconds (5..3600), 120 */
    double stall_timeout;   /* "stall_timeout": a transfer with no progress for this long fails (2..600), 30 */
    double heartbeat_interval; /* "heartbeat_interval" seconds (5..3600), 60 */
    int64_t cache_max_bytes;   /* "cache_max_mb" (16..1000000), default 2048 */
    /* screen */
    int width, height;  /* "size" = WxH (e.g. 1920x1080) or "auto" (0x0 = native mode) */
    int rotate;         /* "rotate" = 0|90|180|270 */
    bool windowed;      /* "windowed" = yes|no|true|false|1|0 */
    /* look */
    char *font_regular; /* "font" fontconfig pattern, default "Noto Sans CJK SC" */
    char *font_bold;    /* "font_bold", default "Noto Sans CJK SC:weight=bold" */
    char *font_fallback;/* "font_fallback": comma-separated patterns, default "DejaVu Sans" */
    char *timezone;     /* "timezone": used when the manifest has none; default "Asia/Shanghai" */
    double default_duration; /* "slide_duration" seconds (1..86400), default 10; manifest wins */
    double transition_time;  /* "transition_time" seconds (0..5), default 1.0 */
    double ticker_speed;     /* "ticker_speed": px/s at 1080 lines (10..1000), default 120 */
    double alert_duration;   /* "alert_duration": seconds each alert shows when several take turns (2..600), default 10 */
    int64_t max_image_pixels;/* "max_image_megapixels" (1..500), default 50 -> 50e6 */
    /* screen power (power.h, panel.h); from the local file or command line only */
    power_schedule *screen_off; /* "screen_off": when the screen is dark; NULL = never */
    char *screen_off_command;   /* "screen_off_command": run as it goes dark; NULL = none */
    char *screen_on_command;    /* "screen_on_command": run as it lights up; NULL = none */
} player_config;

void config_init(player_config *c);
void config_free(player_config *c);

/* Reads `path` and applies its keys to *c.  Returns 0 if no errors were
 * found (warnings allowed), -1 otherwise; every problem goes to `diags`. */
int config_load_file(player_config *c, const char *path, diag_list *diags);

/* The same for config text already in memory (`len` bytes, need not be
 * NUL-terminated); `source` names it in messages as a path would.  Used by
 * the fuzzer (fuzz/fuzz_config.c). */
int config_load_text(player_config *c, const char *text, size_t len, const char *source,
                     diag_list *diags);

/* Applies one key/value as if read from a file (used by tests and by the
 * command line).  `where` names the origin in messages ("--rotate",
 * "player.conf:12").  Returns 0 or -1 (problem added to diags). */
int config_set(player_config *c, const char *key, const char *value, const char *where,
               diag_list *diags);

/* Is a content source on the network configured (server or manifest_url)? */
bool config_syncs(const player_config *c);

/* Parses "1920x1080" -> 1920, 1080; "auto" -> 0, 0.  Each side 64..16384. */
int config_parse_size(const char *s, int *w, int *h);

#endif

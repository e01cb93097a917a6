/* manifest.h - the v1 manifest: the contract between server, cache and player.
 *
 * See docs/manifest.md for the format.  manifest_parse() turns JSON text into
 * a `manifest`, validating every field:
 *   - a document that is not JSON, not an object, or has a missing/unsupported
 *     "schema" is refused as a whole (returns -1, nothing is produced);
 *   - an invalid slide, ticker item or alert is dropped with a diagnostic that
 *     names it (index, id, field) and the rest is kept;
 *   - an invalid optional top-level field (theme.accent, theme.logo, ...) is
 *     ignored with a warning and the default is used;
 *   - unknown fields are ignored silently (forward compatibility).
 * Invalid UTF-8 in the input is repaired to U+FFFD before parsing (with a
 * warning naming line:column); any item whose text then contains U+FFFD is
 * dropped.  Duplicate ids: the first one wins, later ones are dropped.
 * Limits (MANIFEST_MAX_*) bound memory against hostile input.
 *
 * Ownership: *out is allocated by manifest_parse() and freed with
 * manifest_free(); every string inside is owned by the manifest.
 */
#ifndef SIGNAGE_MANIFEST_H
#define SIGNAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "schedule.h"

#define MANIFEST_SCHEMA 1
#define MANIFEST_MAX_BYTES (16u << 20) /* whole document */
#define MANIFEST_MAX_VALUES 250000     /* JSON values in the document (memory of the tree) */
#define MANIFEST_MAX_SLIDES 1000
#define MANIFEST_MAX_TICKER 200
#define MANIFEST_MAX_ALERTS 50
#define MANIFEST_MAX_ID 128      /* bytes */
#define MANIFEST_MAX_TITLE 400   /* bytes: titles, captions, names, subtitle */
#define MANIFEST_MAX_TEXT 20000  /* bytes: notice/alert body, ticker text */
#define MANIFEST_MAX_URL 4096    /* bytes: media url, link */
#define MANIFEST_MAX_ASSET_BYTES (64ll << 20) /* read whole to verify and decode: a Zero has 512 MB */
#define MANIFEST_DEFAULT_DURATION 10.0
#define MANIFEST_MIN_DURATION 1.0
#define MANIFEST_MAX_DURATION 86400.0
#define MANIFEST_DEFAULT_ACCENT 0xC8102Eu

typedef enum { MEDIA_JPEG, MEDIA_PNG, MEDIA_WEBP } media_type;

typedef struct manifest_media {
    char sha256[65]; /* 64 lowercase hex + NUL */
    int64_t size;    /* bytes, 1..MANIFEST_MAX_ASSET_BYTES */
    media_type type;
    char *url; /* as written: absolute, or relative to the manifest */
} manifest_media;

typedef enum { SLIDE_IMAGE, SLIDE_NOTICE } slide_kind;
typedef enum { TRANSITION_FADE, TRANSITION_CUT, TRANSITION_PUSH } transition_kind;
typedef enum { FIT_CONTAIN, FIT_COVER } fit_mode;

typedef struct manifest_slide {
    char *id;
    slide_kind kind;
    double duration; /* seconds */
    bool duration_set; /* false: absent, MANIFEST_DEFAULT_DURATION (or the player's
                          configured slide_duration) applies */
    transition_kind transition;
    char *link;      /* NULL when absent: shown as a QR code */
    bool has_media;  /* image: always true; notice: optional picture */
    manifest_media media;
    fit_mode fit;    /* image only; default contain */
    char *caption;   /* image only; NULL when absent or empty */
    char *title;     /* notice only; may be NULL if body is present */
    char *body;      /* notice only; may hold '\n'; NULL if absent */
    schedule sched;
} manifest_slide;

typedef struct manifest_ticker {
    char *id;
    char *text;
    schedule sched;
} manifest_ticker;

typedef struct manifest_alert {
    char *id;
    char *title; /* default "紧急通知" when absent */
    char *body;  /* may be NULL */
    schedule sched;
} manifest_alert;

typedef struct manifest {
    int schema;
    char *version;       /* "" when absent */
    char *display_id;    /* NULL when absent */
    char *display_name;  /* NULL when absent */
    char *timezone;      /* NULL when absent: the player's configured default applies */
    char *title;         /* theme.title, NULL when absent */
    char *subtitle;      /* theme.subtitle, NULL when absent */
    bool has_logo;
    manifest_media logo;
    uint32_t accent;     /* 0xRRGGBB */
    manifest_slide *slides;
    size_t n_slides;
    manifest_ticker *ticker;
    size_t n_ticker;
    manifest_alert *alerts;
    size_t n_alerts;
} manifest;

/* Parses `len` bytes of `text` (need not be NUL-terminated).  `source` names
 * the input in diagnostics (a path or URL).  Returns 0 and sets *out (possibly
 * with zero slides), or -1 when the document as a whole is unusable; in both
 * cases problems are appended to `diags`. */
int manifest_parse(const char *text, size_t len, const char *source, manifest **out,
                   diag_list *diags);

void manifest_free(manifest *m);

/* Is s exactly 64 lowercase hex digits (an asset's name in caches and URLs)? */
bool manifest_sha256_valid(const char *s);

/* "image/jpeg" -> MEDIA_JPEG ...; returns -1 for anything else. */
int manifest_media_type_parse(const char *mime, media_type *out);
const char *manifest_media_type_name(media_type t);

#endif

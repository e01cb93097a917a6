/* deck.h - a loaded deck: a parsed manifest plus where its files are.
 *
 * A deck is immutable once loaded and reference-counted, because the render
 * thread and the preparation worker both hold it while a newer deck may be
 * arriving: deck_ref() / deck_unref() are thread-safe, the last unref frees.
 *
 * Media files are found either
 *   - in a local content folder (DIR/manifest.json + files named by relative
 *     urls; a url may not escape DIR: no "..", no absolute path, no scheme), or
 *   - in a content-addressed store (the sync cache): CAS_DIR/<sha256>.
 * Either way, bytes are trusted only after their size and sha256 match the
 * manifest (deck_read_media).
 */
#ifndef SIGNAGE_DECK_H
#define SIGNAGE_DECK_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "manifest.h"
#include "tz.h"

typedef struct deck {
    manifest *m;     /* owned */
    tz_zone *zone;   /* owned: the display's timezone */
    char *dir;       /* local folder, or NULL */
    char *cas_dir;   /* content-addressed store, or NULL */
    char *source;    /* manifest path/URL for messages */
    uint64_t sig;    /* identity of the manifest file loaded (deck_dir_signature) */
    int refs;        /* atomic */
} deck;

/* Loads DIR/manifest.json.  `default_tz` is used when the manifest names no
 * timezone or an unknown one (with a warning).  Returns 0 and a deck with one
 * reference, or -1 (problems in diags). */
int deck_load_dir(const char *dir, const char *default_tz, deck **out, diag_list *diags);

/* Wraps an already parsed manifest (ownership moves to the deck) whose media
 * live in `cas_dir` (may be NULL) or `dir`. */
int deck_from_manifest(manifest *m, const char *dir, const char *cas_dir, const char *source,
                       const char *default_tz, deck **out, diag_list *diags);

deck *deck_ref(deck *d);
void deck_unref(deck *d); /* NULL is fine */

/* Local path of a media file into out[outlen].  Returns 0, or -1 with a
 * reason in err (url escapes the folder, absolute url without a store...). */
int deck_media_path(const deck *d, const manifest_media *media, char *out, size_t outlen,
                    char *err, size_t errlen);

/* Reads a media file whole and verifies its size and sha256.  On success
 * returns 0 and a malloc'ed buffer the caller frees.  On failure -1 and err. */
int deck_read_media(const deck *d, const manifest_media *media, uint8_t **data, size_t *len,
                    char *err, size_t errlen);

/* Identity of DIR/manifest.json (inode, size, mtime): changes whenever the
 * file is rewritten or replaced; 0 when it does not exist. */
uint64_t deck_dir_signature(const char *dir);

/* Index of the slide with this id, or -1. */
int deck_find_slide(const deck *d, const char *id);

/* Checks every media file of the deck (exists, size, sha256, decodable
 * header, pixel limit); problems go to diags.  Returns the error count. */
size_t deck_check_media(const deck *d, int64_t max_pixels, diag_list *diags);

#endif

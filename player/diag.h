/* diag.h - a bounded list of human-readable problems found in input.
 *
 * Parsers (manifest, config) never print: they append to a diag_list that the
 * caller owns, so `--check` can print everything, the player can log it, and
 * tests can assert on it.  Messages are complete sentences that name the file,
 * position or JSON path, and the field, e.g.
 *   "content/demo/manifest.json: slides[3] (id \"n2\"): \"duration\" must be a
 *    positive number; slide dropped"
 *
 * The list is capped (DIAG_MAX entries) so hostile input cannot make it grow
 * without bound; past the cap one final "too many problems" entry is kept.
 */
#ifndef SIGNAGE_DIAG_H
#define SIGNAGE_DIAG_H

#include <stddef.h>

#define DIAG_MAX 200

typedef enum { DIAG_WARNING = 1, DIAG_ERROR = 2 } diag_level;

typedef struct diag_entry {
    diag_level level;
    char *msg; /* owned by the list */
} diag_entry;

typedef struct diag_list {
    diag_entry *items;
    size_t n, cap;
    size_t dropped; /* entries not stored because of DIAG_MAX */
} diag_list;

void diag_init(diag_list *d);
void diag_free(diag_list *d);
/* Appends a message (printf-style).  Never fails visibly: on allocation
 * failure the entry is counted in `dropped`. */
void diag_add(diag_list *d, diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t diag_count(const diag_list *d, diag_level level);
/* Moves all entries of `src` to the end of `dst`; `src` is left empty. */
void diag_move(diag_list *dst, diag_list *src);

#endif

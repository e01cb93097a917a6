/* preview: a slide rendered by the player's own renderer, exactly as a
 * screen of the given size shows it (`signage-player --screenshot` on a
 * one-item deck in a temporary folder), with the player's warnings (text
 * below the readable floor, a picture too small for the screen).
 *
 * At most `parallel` renders run at once; each is a child process with a
 * time limit, so a slow or crashing render never holds the server. */
#ifndef SIGNAGE_SERVER_PREVIEW_H
#define SIGNAGE_SERVER_PREVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct preview preview;

/* player: the signage-player binary (NULL = next to this program, else
 * PATH); work_dir: where the temporary decks go (the data dir's tmp/). */
preview *preview_new(const char *player, const char *work_dir, int parallel);
void preview_free(preview *p);
const char *preview_player(const preview *p);

/* doc: a v1 manifest whose picture urls are bare sha256 names; files:
 * sha256 -> path of the file to offer under that name.  slide_id: the slide
 * to show (NULL: what is on air, e.g. an alert).  On success *png (malloc'ed)
 * and *warnings (an array of strings) are the caller's. */
/* Are all render slots drawing right now? (a cheap "try later" hint) */
bool preview_busy(preview *p);

#define PREVIEW_BUSY (-2) /* every slot is drawing: try again */
/* Returns 0, PREVIEW_BUSY, or -1 with err filled. */
int preview_render(preview *p, const json_t *doc, const json_t *files, const char *slide_id,
                   int width, int height, char **png, size_t *png_len, json_t **warnings, char *err,
                   size_t errlen);

#endif

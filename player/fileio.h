/* fileio.h - reading a whole small file safely: the one reader behind the
 * manifest, media, config, timezone and cache code.
 *
 * Bounded (more than `max` bytes is refused, however the file lies about its
 * size), never blocks on a FIFO planted where a regular file belongs, and
 * always NUL-terminates so text parsers can use the buffer directly.
 *
 * Messages name the path: "PATH: No such file or directory",
 * "PATH: is a directory", "PATH: not a regular file",
 * "PATH: larger than N bytes".
 */
#ifndef SIGNAGE_FILEIO_H
#define SIGNAGE_FILEIO_H

#include <stddef.h>

enum {
    FILEIO_REGULAR = 0,  /* regular files only (content, caches, zoneinfo) */
    FILEIO_ANY_KIND = 1, /* also pipes and devices, e.g. --config <(...); never directories */
};

/* Reads `path` whole.  Returns 0 with a malloc'ed, NUL-terminated buffer the
 * caller frees and its length (without the NUL), or -1 with err filled. */
int fileio_read(const char *path, size_t max, int flags, char **data, size_t *len, char *err,
                size_t errlen);

/* mkdir -p: creates `dir` and its missing parents (0755).  Returns 0, or
 * -1 with errno set. */
int fileio_mkdirs(const char *dir);

/* Replaces `path` with data[0..len) atomically: written to "PATH.tmp.PID",
 * then renamed over PATH, so a reader sees the old file or the new one,
 * never a mix.  With `durable`, the data and the directory are fsynced
 * too (survives a power cut); without, only the atomicity holds (for
 * files rewritten every few seconds on tmpfs, like the status file).
 * Returns 0, or -1 with err filled (the temp file is removed). */
int fileio_write_atomic(const char *path, const void *data, size_t len, int durable, char *err,
                        size_t errlen);

#endif

/* utf8.h - small UTF-8 helpers shared by the manifest parser and the line
 * breaker.  Pure functions, no allocation unless stated. */
#ifndef SIGNAGE_UTF8_H
#define SIGNAGE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* Decodes one code point at s[0..len).  Returns the number of bytes consumed
 * (1..4) and stores the code point in *cp.  Invalid or truncated sequences,
 * overlongs and surrogates consume 1 byte and yield UTF8_REPLACEMENT.
 * len must be > 0. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (at least 4 bytes); returns bytes written. */
size_t utf8_encode(uint32_t cp, char *out);

/* Returns 1 if s[0..len) is valid UTF-8 (no surrogates, no overlongs). */
int utf8_valid(const char *s, size_t len);

/* Returns a newly allocated, NUL-terminated copy of s[0..len) in which every
 * invalid byte is replaced by U+FFFD.  *first_bad (if not NULL) receives the
 * byte offset of the first invalid byte, or (size_t)-1 if there was none.
 * Returns NULL on allocation failure.  The caller frees the result. */
char *utf8_repair(const char *s, size_t len, size_t *first_bad);

/* Number of code points in s[0..len). */
size_t utf8_length(const char *s, size_t len);

#endif

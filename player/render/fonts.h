/* fonts.h - finding font files with fontconfig and holding the fallback chain.
 *
 * A font "pattern" is a fontconfig pattern string ("Noto Sans CJK SC",
 * "Noto Sans CJK SC:weight=bold", "DejaVu Sans") or an absolute path to a
 * .ttf/.otf/.ttc file (optionally "path:index" for a face in a collection).
 * fonts_resolve() turns it into a file + face index; fonts_chain_load()
 * resolves a list of patterns into a chain, dropping duplicates and patterns
 * that fontconfig can only satisfy with an unrelated substitute (the family
 * fontconfig returns must match the requested one, case-insensitively), so
 * a missing font is reported instead of silently replaced.
 *
 * Pure fontconfig + FreeType-free: opening the faces with SDL_ttf is the
 * caller's job (text.c), so each thread can open its own TTF_Font instances.
 *
 * Ownership: fonts_chain owns its strings; free with fonts_chain_free().
 */
#ifndef SIGNAGE_FONTS_H
#define SIGNAGE_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define FONTS_MAX_CHAIN 8

typedef struct fonts_face {
    char *file;   /* absolute path */
    int index;    /* face index within a collection (.ttc), else 0 */
    char *family; /* family name as fontconfig reports it */
} fonts_face;

typedef struct fonts_chain {
    fonts_face faces[FONTS_MAX_CHAIN];
    size_t n;
    void *charsets[FONTS_MAX_CHAIN]; /* FcCharSet*, owned; loaded lazily by fonts_chain_cover */
} fonts_chain;

/* Resolves one pattern.  Returns 0 and fills *out (caller frees the strings
 * with fonts_face_clear), or -1 with a message in diags naming the pattern. */
int fonts_resolve(const char *pattern, fonts_face *out, diag_list *diags);
void fonts_face_clear(fonts_face *f);

/* Builds a chain from a primary pattern followed by a comma-separated list of
 * fallback patterns (either may be NULL).  Unresolvable entries are skipped
 * with a warning; returns 0 if at least one face was found, else -1. */
int fonts_chain_load(const char *primary, const char *fallbacks, fonts_chain *out,
                     diag_list *diags);
void fonts_chain_free(fonts_chain *c);

/* Returns the index in the chain of the first face that has a glyph for code
 * point cp (asks fontconfig's charset of each face; results are cached in a
 * small table inside the chain), or -1 when no face covers it.  Not
 * thread-safe: each thread uses its own chain or calls it under a lock. */
int fonts_chain_cover(fonts_chain *c, uint32_t cp);

#endif

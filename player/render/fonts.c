/* fonts.c - font patterns to files with fontconfig, and per-code-point
 * coverage of the fallback chain.
 *
 * fontconfig always answers a match with *some* font.  On a screen that
 * means a missing Noto Sans CJK silently becomes DejaVu Sans and every
 * Chinese character becomes a box, so a match only counts when its family is
 * the one that was asked for. */
#include "render/fonts.h"

#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Generic names are aliases by definition: whatever fontconfig picks for them
 * is what the technician asked for. */
static bool is_generic_family(const char *fam)
{
    static const char *const generic[] = {
        "sans-serif", "sans", "serif", "monospace", "mono", "system-ui", "emoji", "math",
        "cursive", "fantasy",
    };
    for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
        if (strcasecmp(fam, generic[i]) == 0)
            return true;
    return false;
}

void fonts_face_clear(fonts_face *f)
{
    if (!f)
        return;
    free(f->file);
    free(f->family);
    memset(f, 0, sizeof *f);
}

static int face_set(fonts_face *out, const char *file, int index, const char *family,
                    const char *pattern, diag_list *diags)
{
    out->file = strdup(file);
    out->family = strdup(family);
    out->index = index;
    if (!out->file || !out->family) {
        fonts_face_clear(out);
        diag_add(diags, DIAG_ERROR, "font \"%s\": out of memory", pattern);
        return -1;
    }
    return 0;
}

/* "/path/font.ttc:2" -> file "/path/font.ttc", face 2.  A suffix that is not
 * all digits is part of the file name. */
static int resolve_path(const char *pattern, fonts_face *out, diag_list *diags)
{
    size_t len = strlen(pattern);
    if (len >= PATH_MAX) {
        diag_add(diags, DIAG_ERROR, "font file name is longer than %d bytes", PATH_MAX - 1);
        return -1;
    }
    char path[PATH_MAX];
    memcpy(path, pattern, len + 1);
    long index = 0;
    char *colon = strrchr(path, ':');
    if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        if (strlen(colon + 1) > 5) {
            diag_add(diags, DIAG_ERROR, "font \"%s\": face index %s is out of range", pattern,
                     colon + 1);
            return -1;
        }
        index = strtol(colon + 1, NULL, 10);
        *colon = '\0';
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        diag_add(diags, DIAG_ERROR, "font file %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || access(path, R_OK) != 0) {
        diag_add(diags, DIAG_ERROR, "font file %s is not a readable file", path);
        return -1;
    }
    int count = 0;
    FcPattern *p = FcFreeTypeQuery((const FcChar8 *)path, (unsigned)index, NULL, &count);
    if (!p) {
        if (count > 0 && index >= count)
            diag_add(diags, DIAG_ERROR, "font file %s has %d faces; face %ld does not exist", path,
                     count, index);
        else
            diag_add(diags, DIAG_ERROR, "font file %s (face %ld) is not a font FreeType can read",
                     path, index);
        return -1;
    }
    FcChar8 *fam = NULL;
    if (FcPatternGetString(p, FC_FAMILY, 0, &fam) != FcResultMatch)
        fam = (FcChar8 *)path; /* a font without a name still works; say which file */
    int r = face_set(out, path, (int)index, (const char *)fam, pattern, diags);
    FcPatternDestroy(p);
    return r;
}

/* The family value of `m` that equals one of the families requested in
 * `req`, or NULL. */
static const char *matching_family(FcPattern *req, FcPattern *m)
{
    FcChar8 *want, *have;
    for (int i = 0; FcPatternGetString(req, FC_FAMILY, i, &want) == FcResultMatch; i++) {
        if (is_generic_family((const char *)want)) {
            if (FcPatternGetString(m, FC_FAMILY, 0, &have) == FcResultMatch)
                return (const char *)have;
            continue;
        }
        for (int j = 0; FcPatternGetString(m, FC_FAMILY, j, &have) == FcResultMatch; j++)
            if (FcStrCmpIgnoreCase(want, have) == 0)
                return (const char *)have;
    }
    return NULL;
}

static int resolve_pattern(const char *pattern, fonts_face *out, diag_list *diags)
{
    FcPattern *req = FcNameParse((const FcChar8 *)pattern);
    if (!req) {
        diag_add(diags, DIAG_ERROR,
                 "font \"%s\" is not a fontconfig pattern (like \"Noto Sans CJK SC:weight=bold\")",
                 pattern);
        return -1;
    }
    FcChar8 *first = NULL;
    if (FcPatternGetString(req, FC_FAMILY, 0, &first) != FcResultMatch) {
        diag_add(diags, DIAG_ERROR, "font \"%s\" names no family, e.g. \"Noto Sans CJK SC\"",
                 pattern);
        FcPatternDestroy(req);
        return -1;
    }
    /* Substitution appends alias families to the pattern; the check below
     * must compare against what was asked, so it keeps its own copy. */
    FcPattern *pat = FcPatternDuplicate(req);
    if (!pat) {
        diag_add(diags, DIAG_ERROR, "font \"%s\": out of memory", pattern);
        FcPatternDestroy(req);
        return -1;
    }
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res = FcResultNoMatch;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);

    int rc = -1;
    FcChar8 *file = NULL;
    int index = 0;
    const char *family;
    if (!m || FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch) {
        diag_add(diags, DIAG_ERROR,
                 "font \"%s\" is not installed (fontconfig found no font at all); install "
                 "fonts-noto-cjk or set font = ... in the config",
                 pattern);
    } else if (!(family = matching_family(req, m))) {
        FcChar8 *offered = NULL;
        FcPatternGetString(m, FC_FAMILY, 0, &offered);
        diag_add(diags, DIAG_ERROR,
                 "font \"%s\" is not installed (fontconfig offered \"%s\"); install "
                 "fonts-noto-cjk or set font = ... in the config",
                 pattern, offered ? (const char *)offered : "?");
    } else if (access((const char *)file, R_OK) != 0) {
        /* a stale fontconfig cache can name a file that is gone */
        diag_add(diags, DIAG_ERROR, "font \"%s\": file %s cannot be read: %s (run fc-cache -f?)",
                 pattern, (const char *)file, strerror(errno));
    } else {
        FcPatternGetInteger(m, FC_INDEX, 0, &index);
        rc = face_set(out, (const char *)file, index, family, pattern, diags);
    }
    if (m)
        FcPatternDestroy(m);
    FcPatternDestroy(req);
    return rc;
}

int fonts_resolve(const char *pattern, fonts_face *out, diag_list *diags)
{
    memset(out, 0, sizeof *out);
    if (!pattern || !*pattern) {
        diag_add(diags, DIAG_ERROR, "empty font name");
        return -1;
    }
    /* FcInit loads the configuration the first time and does nothing
     * afterwards.  FcFini is never called: it asserts while objects live. */
    if (!FcInit()) {
        diag_add(diags, DIAG_ERROR, "font \"%s\": fontconfig failed to initialise", pattern);
        return -1;
    }
    if (pattern[0] == '/')
        return resolve_path(pattern, out, diags);
    return resolve_pattern(pattern, out, diags);
}

/* Adds one pattern; a pattern that cannot be resolved is skipped with a
 * warning (the chain still works without it). */
static void chain_add(fonts_chain *c, const char *pattern, diag_list *diags)
{
    if (c->n >= FONTS_MAX_CHAIN) {
        diag_add(diags, DIAG_WARNING, "font \"%s\" skipped: at most %d fonts in a chain", pattern,
                 FONTS_MAX_CHAIN);
        return;
    }
    fonts_face f;
    diag_list local;
    diag_init(&local);
    if (fonts_resolve(pattern, &f, &local) != 0) {
        for (size_t i = 0; i < local.n; i++)
            diag_add(diags, DIAG_WARNING, "%s; skipped", local.items[i].msg);
        diag_free(&local);
        return;
    }
    diag_free(&local);
    for (size_t i = 0; i < c->n; i++)
        if (c->faces[i].index == f.index && strcmp(c->faces[i].file, f.file) == 0) {
            fonts_face_clear(&f); /* e.g. the bold chain's regular fallback is the same face */
            return;
        }
    c->faces[c->n++] = f;
}

int fonts_chain_load(const char *primary, const char *fallbacks, fonts_chain *out,
                     diag_list *diags)
{
    memset(out, 0, sizeof *out);
    if (primary && *primary)
        chain_add(out, primary, diags);
    if (fallbacks && *fallbacks) {
        char *copy = strdup(fallbacks);
        if (!copy) {
            diag_add(diags, DIAG_ERROR, "font fallbacks: out of memory");
        } else {
            char *save = NULL;
            for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                tok += strspn(tok, " \t");
                size_t n = strlen(tok);
                while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
                    tok[--n] = '\0';
                if (*tok)
                    chain_add(out, tok, diags);
            }
            free(copy);
        }
    }
    if (out->n == 0) {
        diag_add(diags, DIAG_ERROR, "no usable font: none of \"%s\"%s%s%s could be found",
                 primary ? primary : "", fallbacks && *fallbacks ? " or \"" : "",
                 fallbacks && *fallbacks ? fallbacks : "", fallbacks && *fallbacks ? "\"" : "");
        return -1;
    }
    return 0;
}

void fonts_chain_free(fonts_chain *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < FONTS_MAX_CHAIN; i++) {
        if (i < c->n)
            fonts_face_clear(&c->faces[i]);
        if (c->charsets[i])
            FcCharSetDestroy(c->charsets[i]);
    }
    memset(c, 0, sizeof *c);
}

/* The face's charset from fontconfig's cache (cheap), else by reading the
 * file (a path pattern outside fontconfig's directories). */
static FcCharSet *query_charset(const fonts_face *f)
{
    FcCharSet *cs = NULL, *found = NULL;
    FcPattern *p = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_CHARSET, (char *)NULL);
    if (p && os && FcPatternAddString(p, FC_FILE, (const FcChar8 *)f->file) &&
        FcPatternAddInteger(p, FC_INDEX, f->index)) {
        FcFontSet *fs = FcFontList(NULL, p, os);
        /* Listing compares loosely; take only the exact file and face. */
        for (int i = 0; fs && !cs && i < fs->nfont; i++) {
            FcChar8 *file;
            int index;
            if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) == FcResultMatch &&
                strcmp((const char *)file, f->file) == 0 &&
                FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &index) == FcResultMatch &&
                index == f->index &&
                FcPatternGetCharSet(fs->fonts[i], FC_CHARSET, 0, &found) == FcResultMatch)
                cs = FcCharSetCopy(found);
        }
        if (fs)
            FcFontSetDestroy(fs);
    }
    if (os)
        FcObjectSetDestroy(os);
    if (p)
        FcPatternDestroy(p);
    if (cs)
        return cs;
    int count = 0;
    FcPattern *q = FcFreeTypeQuery((const FcChar8 *)f->file, (unsigned)f->index, NULL, &count);
    if (q) {
        if (FcPatternGetCharSet(q, FC_CHARSET, 0, &found) == FcResultMatch)
            cs = FcCharSetCopy(found);
        FcPatternDestroy(q);
    }
    /* An unreadable face covers nothing; an empty set stops asking again. */
    return cs ? cs : FcCharSetCreate();
}

int fonts_chain_cover(fonts_chain *c, uint32_t cp)
{
    if (!c || cp > 0x10FFFF)
        return -1;
    for (size_t i = 0; i < c->n && i < FONTS_MAX_CHAIN; i++) {
        if (!c->charsets[i])
            c->charsets[i] = query_charset(&c->faces[i]);
        if (c->charsets[i] && FcCharSetHasChar(c->charsets[i], cp))
            return (int)i;
    }
    return -1;
}

/* utf8.c - strict UTF-8 (RFC 3629): one bad byte at a time becomes U+FFFD, so a
 * damaged sequence never swallows the valid character after it. */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) { /* outside the contract; never read past the buffer */
        *cp = UTF8_REPLACEMENT;
        return 0;
    }
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = UTF8_REPLACEMENT; /* continuation byte, C0/C1, F5..FF */
        return 1;
    }
    if (len < n) {
        *cp = UTF8_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = UTF8_REPLACEMENT;
            return 1;
        }
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = UTF8_REPLACEMENT; /* overlong, out of range, surrogate */
        return 1;
    }
    *cp = v;
    return n;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = UTF8_REPLACEMENT;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A decoded U+FFFD is only an error when the bytes were not EF BF BD. */
static int is_real_replacement(const char *s, size_t n)
{
    return n == 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBF &&
           (unsigned char)s[2] == 0xBD;
}

int utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (cp == UTF8_REPLACEMENT && !is_real_replacement(s + i, n))
            return 0;
        i += n;
    }
    return 1;
}

char *utf8_repair(const char *s, size_t len, size_t *first_bad)
{
    if (first_bad)
        *first_bad = (size_t)-1;
    /* Worst case every byte becomes 3 bytes. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t i = 0, o = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (cp == UTF8_REPLACEMENT && !is_real_replacement(s + i, n)) {
            if (first_bad && *first_bad == (size_t)-1)
                *first_bad = i;
            o += utf8_encode(UTF8_REPLACEMENT, out + o);
        } else {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    return out;
}

size_t utf8_length(const char *s, size_t len)
{
    size_t i = 0, k = 0;
    while (i < len) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        k++;
    }
    return k;
}

/* UTF-8 decoding, encoding, validation and repair: Markus Kuhn's test cases
 * (boundaries, unexpected continuation bytes, lonely and truncated starts,
 * impossible bytes, overlongs, surrogates) and an exhaustive comparison with
 * the table of well-formed byte sequences (Unicode 15, table 3-7). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "utf8.h"

#define FFFD UTF8_REPLACEMENT

/* Decodes the whole of s[0..len) into cps; returns the count. */
static size_t decode_all(const char *s, size_t len, uint32_t *cps, size_t max)
{
    size_t i = 0, k = 0;
    while (i < len && k < max) {
        size_t n = utf8_decode(s + i, len - i, &cps[k++]);
        if (n < 1 || n > 4 || n > len - i)
            return (size_t)-1;
        i += n;
    }
    return k;
}

/* decodes to exactly the code points given (terminated by UINT32_MAX) */
#define EXPECT_CPS(bytes, ...)                                                                     \
    expect_cps(__LINE__, bytes, sizeof(bytes) - 1, __VA_ARGS__, UINT32_MAX)

static void expect_cps(int at, const char *s, size_t len, ...)
{
    uint32_t got[64];
    size_t n = decode_all(s, len, got, 64);
    va_list ap;
    va_start(ap, len);
    size_t k = 0;
    uint32_t want;
    bool ok = n != (size_t)-1;
    while ((want = va_arg(ap, uint32_t)) != UINT32_MAX) {
        ok = ok && k < n && got[k] == want;
        k++;
    }
    va_end(ap);
    CHECK_MSG(ok && n == k, "line %d: decoded %zu code points (first U+%04X), expected %zu", at,
              n, n && n != (size_t)-1 ? (unsigned)got[0] : 0u, k);
}

/* A model of table 3-7: is b[0..n) one well-formed sequence? */
static bool well_formed(const unsigned char *b, size_t n)
{
    unsigned lo = 0x80, hi = 0xBF;
    size_t need;
    if (b[0] <= 0x7F)
        need = 1;
    else if (b[0] >= 0xC2 && b[0] <= 0xDF)
        need = 2;
    else if (b[0] >= 0xE0 && b[0] <= 0xEF)
        need = 3;
    else if (b[0] >= 0xF0 && b[0] <= 0xF4)
        need = 4;
    else
        return false;
    if (n != need)
        return false;
    if (b[0] == 0xE0)
        lo = 0xA0;
    else if (b[0] == 0xED)
        hi = 0x9F;
    else if (b[0] == 0xF0)
        lo = 0x90;
    else if (b[0] == 0xF4)
        hi = 0x8F;
    if (n > 1 && (b[1] < lo || b[1] > hi))
        return false;
    for (size_t i = 2; i < n; i++)
        if (b[i] < 0x80 || b[i] > 0xBF)
            return false;
    return true;
}

static void test_boundaries(void)
{
    /* first and last code point of each length, and around the gaps */
    EXPECT_CPS("\x00", 0);
    EXPECT_CPS("\x7f", 0x7F);
    EXPECT_CPS("\xc2\x80", 0x80);
    EXPECT_CPS("\xdf\xbf", 0x7FF);
    EXPECT_CPS("\xe0\xa0\x80", 0x800);
    EXPECT_CPS("\xed\x9f\xbf", 0xD7FF);
    EXPECT_CPS("\xee\x80\x80", 0xE000);
    EXPECT_CPS("\xef\xbf\xbd", FFFD); /* a real U+FFFD: 3 bytes, valid */
    EXPECT_CPS("\xef\xbf\xbf", 0xFFFF); /* noncharacters are well-formed */
    EXPECT_CPS("\xf0\x90\x80\x80", 0x10000);
    EXPECT_CPS("\xf4\x8f\xbf\xbf", 0x10FFFF);
    EXPECT_CPS("党员", 0x515A, 0x5458);
    EXPECT_CPS("a\xf0\x9f\x98\x80z", 'a', 0x1F600, 'z');
    uint32_t cp;
    CHECK_INT(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
    CHECK_INT(utf8_decode("\xe5\x85\x9a", 3, &cp), 3);
    CHECK_INT(cp, 0x515A);
    CHECK_INT(utf8_decode("\xc2\xa9xyz", 5, &cp), 2); /* stops after the sequence */
    CHECK(utf8_valid("\xf4\x8f\xbf\xbf\x00\xef\xbf\xbd", 8));
}

static void test_malformed(void)
{
    /* beyond U+10FFFF */
    EXPECT_CPS("\xf4\x90\x80\x80", FFFD, FFFD, FFFD, FFFD);
    EXPECT_CPS("\xf7\xbf\xbf\xbf", FFFD, FFFD, FFFD, FFFD);
    EXPECT_CPS("\xf8\x88\x80\x80\x80", FFFD, FFFD, FFFD, FFFD, FFFD);
    EXPECT_CPS("\xfc\x84\x80\x80\x80\x80", FFFD, FFFD, FFFD, FFFD, FFFD, FFFD);
    /* unexpected continuation bytes: each is one U+FFFD */
    EXPECT_CPS("\x80", FFFD);
    EXPECT_CPS("\xbf", FFFD);
    EXPECT_CPS("\x80\xbf\x80\xbf", FFFD, FFFD, FFFD, FFFD);
    for (unsigned c = 0x80; c <= 0xBF; c++) {
        char s[2] = {(char)c, 'x'};
        uint32_t got[4];
        CHECK_MSG(decode_all(s, 2, got, 4) == 2 && got[0] == FFFD && got[1] == 'x', "%02X", c);
    }
    /* lonely start bytes followed by a space: the space survives */
    for (unsigned c = 0xC0; c <= 0xFF; c++) {
        char s[2] = {(char)c, ' '};
        uint32_t got[4];
        CHECK_MSG(decode_all(s, 2, got, 4) == 2 && got[0] == FFFD && got[1] == ' ', "%02X", c);
        CHECK_MSG(!utf8_valid(s, 2), "%02X valid", c);
    }
    /* sequences with their last byte missing, alone and concatenated */
    EXPECT_CPS("\xc0", FFFD);
    EXPECT_CPS("\xdf", FFFD);
    EXPECT_CPS("\xe0\x80", FFFD, FFFD);
    EXPECT_CPS("\xef\xbf", FFFD, FFFD);
    EXPECT_CPS("\xf0\x80\x80", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xf4\x8f\xbf", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xe4\xb8", FFFD, FFFD);
    EXPECT_CPS("\xc2\xe4\xb8\xf0\x9f\x98", FFFD, FFFD, FFFD, FFFD, FFFD, FFFD);
    /* a truncated sequence does not eat the character after it */
    EXPECT_CPS("\xe4\xb8党", FFFD, FFFD, 0x515A);
    EXPECT_CPS("\xf0\x9f\x98" "a", FFFD, FFFD, FFFD, 'a');
    EXPECT_CPS("\xc3" "\xc3\xa9", FFFD, 0xE9);
    /* the buffer ends inside a sequence that continues past it */
    uint32_t cp;
    CHECK_INT(utf8_decode("\xe5\x85\x9a", 2, &cp), 1);
    CHECK_INT(cp, FFFD);
    /* impossible bytes */
    EXPECT_CPS("\xfe", FFFD);
    EXPECT_CPS("\xff", FFFD);
    EXPECT_CPS("\xfe\xfe\xff\xff", FFFD, FFFD, FFFD, FFFD);
    /* overlong "/" and the largest overlongs, and overlong NUL */
    EXPECT_CPS("\xc0\xaf", FFFD, FFFD);
    EXPECT_CPS("\xe0\x80\xaf", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xf0\x80\x80\xaf", FFFD, FFFD, FFFD, FFFD);
    EXPECT_CPS("\xf8\x80\x80\x80\xaf", FFFD, FFFD, FFFD, FFFD, FFFD);
    EXPECT_CPS("\xfc\x80\x80\x80\x80\xaf", FFFD, FFFD, FFFD, FFFD, FFFD, FFFD);
    EXPECT_CPS("\xc1\xbf", FFFD, FFFD);
    EXPECT_CPS("\xe0\x9f\xbf", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xf0\x8f\xbf\xbf", FFFD, FFFD, FFFD, FFFD);
    EXPECT_CPS("\xc0\x80", FFFD, FFFD);
    EXPECT_CPS("\xe0\x80\x80", FFFD, FFFD, FFFD);
    /* UTF-16 surrogates, single and paired (CESU-8) */
    EXPECT_CPS("\xed\xa0\x80", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xed\xad\xbf", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xed\xaf\xbf", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xed\xb0\x80", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xed\xbf\xbf", FFFD, FFFD, FFFD);
    EXPECT_CPS("\xed\xa0\xbd\xed\xb8\x80", FFFD, FFFD, FFFD, FFFD, FFFD, FFFD);
    const char *bad[] = {"\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf",
                         "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xfe", "\xe4\xb8", "\xc2",
                         "abc\xff", "\xef\xbf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(!utf8_valid(bad[i], strlen(bad[i])), "case %zu valid", i);
}

/* Every sequence of 1 to 3 bytes, and random 4-byte ones, against the
 * model: well-formed ones decode whole, anything else consumes one byte. */
static void test_exhaustive(void)
{
    long wrong = 0, checked = 0;
    unsigned char b[4];
    for (unsigned v = 0; v < (1u << 24); v++) {
        b[0] = (unsigned char)(v >> 16), b[1] = (unsigned char)(v >> 8), b[2] = (unsigned char)v;
        /* only the first bytes that start a 1..3-byte sequence need every tail */
        if ((b[0] < 0xC0 || b[0] >= 0xF0) && (v & 0xFFFF))
            continue;
        if (b[0] < 0xE0 && (v & 0xFF))
            continue;
        size_t n = b[0] < 0x80 ? 1 : b[0] < 0xE0 ? 2 : 3;
        uint32_t cp;
        size_t got = utf8_decode((const char *)b, n, &cp);
        bool wf = well_formed(b, n);
        bool real_fffd = n == 3 && b[0] == 0xEF && b[1] == 0xBF && b[2] == 0xBD;
        bool ok = wf ? got == n && (cp != FFFD || real_fffd) : got == 1 && cp == FFFD;
        if (wf) { /* round trip */
            char e[4];
            ok = ok && utf8_encode(cp, e) == n && memcmp(e, b, n) == 0;
        }
        ok = ok && utf8_valid((const char *)b, n) == (int)wf;
        wrong += !ok;
        checked++;
    }
    CHECK_MSG(wrong == 0, "%ld of %ld sequences", wrong, checked);
    srand(42);
    wrong = 0;
    for (int i = 0; i < 200000; i++) {
        b[0] = (unsigned char)(0xF0 + rand() % 8);
        for (int k = 1; k < 4; k++)
            b[k] = (unsigned char)(rand() % 2 ? 0x80 + rand() % 64 : rand() % 256);
        uint32_t cp;
        size_t got = utf8_decode((const char *)b, 4, &cp);
        bool wf = well_formed(b, 4);
        wrong += wf ? got != 4 || cp < 0x10000 || cp > 0x10FFFF : got != 1 || cp != FFFD;
    }
    CHECK_MSG(wrong == 0, "%ld 4-byte sequences", wrong);
}

static void test_encode(void)
{
    /* every scalar value encodes to the expected length and decodes back */
    long wrong = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp == 0xD800)
            cp = 0xE000;
        char buf[4];
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        size_t n = utf8_encode(cp, buf);
        uint32_t back;
        wrong += n != want || utf8_decode(buf, n, &back) != n || back != cp;
    }
    CHECK_INT(wrong, 0);
    char buf[8];
    CHECK_INT(utf8_encode(0x515A, buf), 3);
    CHECK(!memcmp(buf, "\xe5\x85\x9a", 3));
    /* what has no UTF-8 form becomes U+FFFD */
    uint32_t nope[] = {0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x110000, 0x7FFFFFFF, UINT32_MAX};
    for (size_t i = 0; i < sizeof nope / sizeof nope[0]; i++) {
        memset(buf, 0, sizeof buf);
        CHECK_INT(utf8_encode(nope[i], buf), 3);
        CHECK(!memcmp(buf, "\xef\xbf\xbd", 3));
        CHECK_INT(buf[3], 0); /* never writes more than 4 bytes */
    }
}

static void test_repair(void)
{
    size_t first;
    char *r = utf8_repair("ab\xff" "c\xe4\xb8", 6, &first);
    CHECK_STR(r, "ab\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd");
    CHECK_INT(first, 2);
    free(r);
    r = utf8_repair("党员 abc \xef\xbf\xbd", strlen("党员 abc \xef\xbf\xbd"), &first);
    CHECK_STR(r, "党员 abc \xef\xbf\xbd"); /* a real U+FFFD is not an error */
    CHECK(first == (size_t)-1);
    free(r);
    r = utf8_repair("\xc0\xaf" "x", 3, NULL); /* first_bad may be NULL */
    CHECK_STR(r, "\xef\xbf\xbd\xef\xbf\xbd" "x");
    free(r);
    r = utf8_repair("", 0, &first);
    CHECK_STR(r, "");
    CHECK(first == (size_t)-1);
    free(r);
    r = utf8_repair("a\0b\xed\xa0\x80", 6, &first); /* stops at nothing but len */
    CHECK(r && r[0] == 'a' && r[1] == '\0' && r[2] == 'b');
    CHECK(r && !memcmp(r + 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 10));
    CHECK_INT(first, 3);
    free(r);
    /* random bytes: the result is valid, has the same number of code points,
     * and repairing again changes nothing */
    srand(3);
    int wrong = 0;
    for (int round = 0; round < 2000; round++) {
        char s[64];
        size_t len = (size_t)(rand() % 64);
        for (size_t i = 0; i < len; i++)
            s[i] = (char)(rand() % 3 ? 1 + rand() % 255
                                     : "\xe5\x85\x9a\xf0\x9f\x98\x80"[rand() % 7]);
        r = utf8_repair(s, len, &first);
        size_t rlen = strlen(r);
        bool valid_in = utf8_valid(s, len);
        char *again = utf8_repair(r, rlen, NULL);
        wrong += !utf8_valid(r, rlen) || strcmp(again, r) != 0 ||
                 utf8_length(r, rlen) != utf8_length(s, len) ||
                 valid_in != (first == (size_t)-1) ||
                 (valid_in && (rlen != len || memcmp(r, s, len) != 0));
        if (!valid_in && first < len) {
            uint32_t cp;
            size_t pre = first;
            wrong += !utf8_valid(s, pre) || utf8_decode(s + pre, len - pre, &cp) != 1;
        }
        free(again);
        free(r);
    }
    CHECK_INT(wrong, 0);
}

static void test_length(void)
{
    CHECK_INT(utf8_length("", 0), 0);
    CHECK_INT(utf8_length("党员abc", strlen("党员abc")), 5);
    CHECK_INT(utf8_length("\xff\xfe", 2), 2);
    CHECK_INT(utf8_length("\xe4\xb8", 2), 2);      /* each bad byte counts */
    CHECK_INT(utf8_length("\xe4\xb8" "a", 3), 3);
    CHECK_INT(utf8_length("a\0b", 3), 3);          /* len, not the NUL, ends it */
    CHECK_INT(utf8_length("\xf0\x9f\x98\x80", 4), 1);
    CHECK_INT(utf8_length("\xf0\x9f\x98\x80", 3), 3);
}

int main(void)
{
    test_boundaries();
    test_malformed();
    test_exhaustive();
    test_encode();
    test_repair();
    test_length();
    return check_done("utf8");
}

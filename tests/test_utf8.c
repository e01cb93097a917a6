/* UTF-8 decoding, validation and repair: Markus Kuhn's classes of bad input. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "utf8.h"

static uint32_t dec(const char *s, size_t *n)
{
    uint32_t cp;
    *n = utf8_decode(s, strlen(s) ? strlen(s) : 1, &cp);
    return cp;
}

int main(void)
{
    size_t n;
    CHECK_INT(dec("A", &n), 'A');
    CHECK_INT(n, 1);
    CHECK_INT(dec("\xc2\xa9", &n), 0xA9);
    CHECK_INT(n, 2);
    CHECK_INT(dec("党", &n), 0x515A);
    CHECK_INT(n, 3);
    CHECK_INT(dec("\xf0\x9f\x98\x80", &n), 0x1F600);
    CHECK_INT(n, 4);
    CHECK_INT(dec("\xf4\x8f\xbf\xbf", &n), 0x10FFFF);
    /* bad input: one byte consumed, U+FFFD */
    const char *bad[] = {"\x80", "\xbf", "\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf",
                         "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                         "\xfe", "\xff", "\xe4\xb8", "\xc2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(dec(bad[i], &n) == UTF8_REPLACEMENT && n == 1, "case %zu", i);
        CHECK_MSG(!utf8_valid(bad[i], strlen(bad[i])), "case %zu valid", i);
    }
    CHECK(utf8_valid("党员 abc \xef\xbf\xbd", strlen("党员 abc \xef\xbf\xbd"))); /* a real U+FFFD */
    /* encode round-trips */
    uint32_t cps[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[8];
        size_t k = utf8_encode(cps[i], buf);
        uint32_t back;
        CHECK_INT(utf8_decode(buf, k, &back), k);
        CHECK_INT(back, cps[i]);
    }
    char buf[8];
    CHECK_INT(utf8_encode(0xD800, buf), 3); /* surrogates encode as U+FFFD */
    CHECK(!memcmp(buf, "\xef\xbf\xbd", 3));
    /* repair */
    size_t first;
    char *r = utf8_repair("ab\xff" "c\xe4\xb8", 6, &first);
    CHECK_STR(r, "ab\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd");
    CHECK_INT(first, 2);
    free(r);
    r = utf8_repair("党", 3, &first);
    CHECK_STR(r, "党");
    CHECK(first == (size_t)-1);
    free(r);
    CHECK_INT(utf8_length("党员abc", strlen("党员abc")), 5);
    CHECK_INT(utf8_length("\xff\xfe", 2), 2);
    return check_done("utf8");
}

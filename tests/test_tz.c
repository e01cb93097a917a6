/* tz: our TZif reader against glibc's localtime_r (TZ set per zone - in this
 * test only, the library never touches TZ) over many instants and both sides
 * of every transition; hand-made TZif files for v1 data, POSIX footers and
 * the first-type rule; the calendar 1900..2200; refused names; corrupt files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "tz.h"

#define TMPDIR SIGNAGE_TEST_TMP "/tztest"

static int64_t Y1900 = -2208988800ll, Y1970 = 0, Y2041 = 2240611200ll, Y2201 = 7289654400ll;

/* glibc's view of `t` under the TZ value `tzenv` (already set). */
static void glibc_local(int64_t t, struct tm *tm)
{
    time_t tt = (time_t)t;
    memset(tm, 0, sizeof *tm);
    localtime_r(&tt, tm);
}

static long glibc_offset(int64_t t)
{
    struct tm tm;
    glibc_local(t, &tm);
    return tm.tm_gmtoff;
}

/* Compares one instant; returns 1 when ours and glibc's differ (the first
 * few differences are printed). */
static int differs(const tz_zone *z, const char *what, int64_t t, int *printed)
{
    struct tm tm;
    glibc_local(t, &tm);
    tz_local l;
    tz_to_local(z, t, &l);
    if (l.year == tm.tm_year + 1900 && l.mon == tm.tm_mon + 1 && l.mday == tm.tm_mday &&
        l.hour == tm.tm_hour && l.min == tm.tm_min && l.sec == tm.tm_sec &&
        l.wday == tm.tm_wday && l.utc_offset == tm.tm_gmtoff)
        return 0;
    if ((*printed)++ < 4)
        fprintf(stderr,
                "%s at %lld: ours %04d-%02d-%02d %02d:%02d:%02d w%d %+d, "
                "glibc %04d-%02d-%02d %02d:%02d:%02d w%d %+ld\n",
                what, (long long)t, l.year, l.mon, l.mday, l.hour, l.min, l.sec, l.wday,
                l.utc_offset, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, tm.tm_wday, tm.tm_gmtoff);
    return 1;
}

/* Sweeps [from, to): every `step` seconds and, wherever glibc's offset
 * changes between two samples, the exact transition (found by bisection on
 * glibc) and the seconds around it.  TZ must already be set to `tzenv`.
 * Returns the number of transitions seen so callers can insist on some. */
static int sweep(const tz_zone *z, const char *what, int64_t from, int64_t to, int64_t step,
                 int *bad)
{
    int printed = 0, transitions = 0;
    long prev = glibc_offset(from);
    for (int64_t t = from; t < to; t += step) {
        *bad += differs(z, what, t, &printed);
        *bad += differs(z, what, t + 1799, &printed); /* odd minutes and seconds too */
        long cur = glibc_offset(t);
        if (cur != prev && t > from) {
            int64_t lo = t - step, hi = t; /* offset(lo) == prev, offset(hi) != prev */
            while (hi - lo > 1) {
                int64_t mid = lo + (hi - lo) / 2;
                if (glibc_offset(mid) == prev)
                    lo = mid;
                else
                    hi = mid;
            }
            transitions++;
            for (int d = -2; d <= 1; d++)
                *bad += differs(z, what, hi + d, &printed);
            *bad += differs(z, what, hi - 3600, &printed);
            *bad += differs(z, what, hi + 3600, &printed);
        }
        prev = cur;
    }
    return transitions;
}

static void set_tz(const char *value)
{
    setenv("TZ", value, 1);
    tzset();
}

static void compare_zone(const char *name, int min_transitions)
{
    tz_zone *z = NULL;
    char err[256] = "";
    CHECK_MSG(tz_load(name, NULL, &z, err, sizeof err) == 0, "%s: %s", name, err);
    if (!z)
        return;
    char env[128];
    snprintf(env, sizeof env, ":%s", name);
    set_tz(env);
    int bad = 0;
    /* ~7 hours apart over 1970..2040 (the table), then ~3 days over 1900..2200
     * (LMT, early table, and the footer rules far beyond 2037) */
    int n = sweep(z, name, Y1970, Y2041, 25147, &bad);
    n += sweep(z, name, Y1900, Y1970, 259201, &bad);
    n += sweep(z, name, Y2041, Y2201, 259201, &bad);
    CHECK_MSG(bad == 0, "%s: %d instants differ from glibc", name, bad);
    CHECK_MSG(n >= min_transitions, "%s: only %d transitions seen", name, n);
    CHECK_STR(tz_name(z), name);
    tz_free(z);
}

/* ---- hand-made TZif files ----------------------------------------------- */

typedef struct ttype {
    int32_t off;
    uint8_t dst;
} ttype;

typedef struct tzif {
    int version;       /* 0 (v1), '2', '3' */
    const int64_t *tr; /* transitions, ascending */
    const uint8_t *idx;
    size_t nt;
    const ttype *types;
    size_t ntypes;
    const char *footer; /* v2+: the TZ string between the newlines */
} tzif;

static size_t put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return 4;
}

static size_t put64(uint8_t *p, int64_t v)
{
    put32(p, (uint32_t)((uint64_t)v >> 32));
    return 4 + put32(p + 4, (uint32_t)v);
}

/* One header + data block; 32-bit blocks keep only the transitions that fit. */
static size_t put_block(uint8_t *b, const tzif *f, int wide)
{
    size_t n = 0, first = 0, nt = 0;
    for (size_t i = 0; i < f->nt; i++) {
        if (!wide && (f->tr[i] < INT32_MIN || f->tr[i] > INT32_MAX)) {
            if (f->tr[i] < INT32_MIN)
                first = i + 1;
            continue;
        }
        nt++;
    }
    memcpy(b, "TZif", 4);
    b[4] = (uint8_t)f->version;
    memset(b + 5, 0, 15);
    n = 20;
    n += put32(b + n, 0);                   /* isutcnt */
    n += put32(b + n, 0);                   /* isstdcnt */
    n += put32(b + n, 0);                   /* leapcnt */
    n += put32(b + n, (uint32_t)nt);        /* timecnt */
    n += put32(b + n, (uint32_t)f->ntypes); /* typecnt */
    n += put32(b + n, 4);                   /* charcnt: "ZZZ\0" */
    for (size_t i = first; i < first + nt; i++)
        n += wide ? put64(b + n, f->tr[i]) : put32(b + n, (uint32_t)(int32_t)f->tr[i]);
    for (size_t i = first; i < first + nt; i++)
        b[n++] = f->idx[i];
    for (size_t i = 0; i < f->ntypes; i++) {
        n += put32(b + n, (uint32_t)f->types[i].off);
        b[n++] = f->types[i].dst;
        b[n++] = 0;
    }
    memcpy(b + n, "ZZZ", 4);
    return n + 4;
}

static size_t build(uint8_t *b, const tzif *f)
{
    size_t n = put_block(b, f, 0);
    if (f->version == 0)
        return n;
    n += put_block(b + n, f, 1);
    n += (size_t)sprintf((char *)b + n, "\n%s\n", f->footer ? f->footer : "");
    return n;
}

static void write_file(const char *name, const void *data, size_t len)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", TMPDIR, name);
    FILE *o = fopen(path, "wb");
    CHECK_MSG(o != NULL, "cannot write %s", path);
    if (!o)
        return;
    CHECK(fwrite(data, 1, len, o) == len);
    fclose(o);
}

static tz_zone *load_tmp(const char *name)
{
    tz_zone *z = NULL;
    char err[256] = "";
    if (tz_load(name, TMPDIR, &z, err, sizeof err) != 0) {
        CHECK(z == NULL);
        CHECK(err[0] != '\0');
    }
    return z;
}

/* Writes f as Test/<name>, loads it with us and with glibc (TZ=:/path) and
 * compares over [from, 2200]; returns the transitions glibc showed. */
static int compare_file_from(const char *name, const tzif *f, int64_t from)
{
    static uint8_t buf[1 << 16];
    char rel[128], env[700];
    snprintf(rel, sizeof rel, "Test/%s", name);
    write_file(rel, buf, build(buf, f));
    tz_zone *z = load_tmp(rel);
    CHECK_MSG(z != NULL, "%s was refused", name);
    if (!z)
        return 0;
    snprintf(env, sizeof env, ":%s/%s", TMPDIR, rel);
    set_tz(env);
    int bad = 0;
    int n = sweep(z, name, from, Y2201, 86400 * 3 + 3607, &bad);
    CHECK_MSG(bad == 0, "%s: %d instants differ from glibc", name, bad);
    tz_free(z);
    return n;
}

static int compare_file(const char *name, const tzif *f)
{
    return compare_file_from(name, f, Y1900);
}

static void test_footers(void)
{
    /* v3 files whose one transition lies before 1900, so the footer rules
     * every instant compared.  glibc ignores the footer of a file without
     * transitions, unlike RFC 8536 3.2 (that case is checked by hand below),
     * and evaluates footer rules for years before 1971 as if in 1970, so
     * the comparison starts in 1971. */
    static const struct {
        const char *tz;
        int transitions; /* at least, seen by a 3-day sweep over 1971..2200 */
    } cases[] = {
        {"CST-8", 0},
        {"<+0530>-5:30", 0},
        {"<-0330>3:30", 0},
        {"EST5EDT,M3.2.0,M11.1.0", 300},
        {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 300},         /* Lord Howe: 30 min DST */
        {"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", 300}, /* Chatham */
        {"IST-2IDT,M3.4.4/26,M10.5.0", 300},                   /* Israel: 26 h */
        {"EET-2EEST,M3.4.4/50,M10.4.4/50", 300},               /* Gaza: 50 h */
        {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 300},              /* Nuuk: negative time */
        {"<-04>4<-03>,M9.1.6/24,M4.1.6/24", 300},              /* Santiago: southern, 24 h */
        {"IST-1GMT0,M10.5.0,M3.5.0/1", 300},                   /* Dublin: negative DST */
        {"XXX3YYY,J60/2,J300/3", 300},                         /* Julian, Feb 29 not counted */
        {"XXX3YYY,59/2,299", 300},                             /* zero-based, Feb 29 counted */
        {"XXX3YYY,J1/1,J365/22", 10},  /* all year but 3 h: the sweep rarely sees it */
        {"XXX-3YYY-4:30:15,M5.5.0/0:00:15,M9.1.1/23:59:59", 300}, /* odd seconds */
        {"<UTC+3>-3<UTC+4>-4,M2.5.6/-3:30,M11.5.3/100", 300},  /* week 5 of February */
    };
    const ttype std = {0, 0};
    const int64_t early = -10000000000ll; /* 1653 */
    const uint8_t ix0 = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tzif f = {'3', &early, &ix0, 1, &std, 1, cases[i].tz};
        char name[32];
        snprintf(name, sizeof name, "Footer%zu", i);
        int n = compare_file_from(name, &f, 31536000);
        CHECK_MSG(cases[i].transitions ? n >= cases[i].transitions : n == 0,
                  "%s: %d transitions", cases[i].tz, n);
        /* the same rules given to glibc as a TZ string, without any file */
        char rel[64];
        snprintf(rel, sizeof rel, "Test/%s", name);
        tz_zone *z = load_tmp(rel);
        if (z) {
            set_tz(cases[i].tz);
            int bad = 0;
            sweep(z, cases[i].tz, Y1970, Y2041, 86400 * 5 + 1, &bad);
            CHECK_MSG(bad == 0, "TZ=%s: %d instants differ", cases[i].tz, bad);
            tz_free(z);
        }
    }

    /* Rules whose periods cross New Year.  glibc places rule dates in the
     * UTC year, so it disagrees near January 1; these are worked by hand. */
    static const struct {
        const char *tz;
        int64_t t;
        int off;
    } hand[] = {
        /* permanent DST as RFC 8536 spells it: EDT all the time, New Year included */
        {"EST5EDT,0/0,J365/25", 0, -4 * 3600},
        {"EST5EDT,0/0,J365/25", 1798779600ll, -4 * 3600}, /* 2027-01-01T05:00Z */
        {"EST5EDT,0/0,J365/25", 1798779599ll, -4 * 3600},
        {"EST5EDT,0/0,J365/25", 1798761600ll, -4 * 3600}, /* 2027-01-01T00:00Z */
        {"EST5EDT,0/0,J365/25", 1783000000ll, -4 * 3600},
        /* DST ends last Saturday of Dec 2026 (26th) + 167 h = 2027-01-01 23:00
         * DST = 2027-01-02T01:00Z; starts again on the first Sunday of 2027
         * (Jan 3) - 20 h = Jan 2 04:00 standard = 07:00Z */
        {"AAA+3BBB+2,M1.1.0/-20,M12.5.6/167", 1798851599ll, -2 * 3600},
        {"AAA+3BBB+2,M1.1.0/-20,M12.5.6/167", 1798851600ll, -3 * 3600},
        {"AAA+3BBB+2,M1.1.0/-20,M12.5.6/167", 1798873199ll, -3 * 3600},
        {"AAA+3BBB+2,M1.1.0/-20,M12.5.6/167", 1798873200ll, -2 * 3600},
        {"AAA+3BBB+2,M1.1.0/-20,M12.5.6/167", 1783000000ll, -2 * 3600},
        /* no rules: POSIX leaves them open, we use the US ones like tzcode;
         * 2026-03-08T07:00Z and 2026-11-01T06:00Z */
        {"EST5EDT", 1772953199ll, -5 * 3600},
        {"EST5EDT", 1772953200ll, -4 * 3600},
        {"EST5EDT", 1793512799ll, -4 * 3600},
        {"EST5EDT", 1793512800ll, -5 * 3600},
    };
    for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++) {
        static uint8_t buf[4096];
        tzif f = {'3', &early, &ix0, 1, &std, 1, hand[i].tz};
        write_file("Test/Hand", buf, build(buf, &f));
        tz_zone *z = load_tmp("Test/Hand");
        CHECK_MSG(z != NULL, "%s refused", hand[i].tz);
        if (z) {
            tz_local l;
            tz_to_local(z, hand[i].t, &l);
            CHECK_MSG(l.utc_offset == hand[i].off, "%s at %lld: %d, expected %d", hand[i].tz,
                      (long long)hand[i].t, l.utc_offset, hand[i].off);
            tz_free(z);
        }
    }

    /* RFC 8536 3.2: with no transitions at all, the footer (when present)
     * rules every instant - not time type 0. */
    static uint8_t buf[4096];
    const ttype zero = {0, 0};
    tzif none = {'2', NULL, NULL, 0, &zero, 1, "EST5EDT,M3.2.0,M11.1.0"};
    write_file("Test/NoTrans", buf, build(buf, &none));
    tz_zone *z = load_tmp("Test/NoTrans");
    CHECK(z != NULL);
    if (z) {
        tz_local l;
        tz_to_local(z, 1772953199ll, &l);
        CHECK_INT(l.utc_offset, -5 * 3600);
        tz_to_local(z, 1772953200ll, &l);
        CHECK_INT(l.utc_offset, -4 * 3600);
        CHECK(l.hour == 3 && l.min == 0 && l.mday == 8 && l.mon == 3 && l.wday == 0);
        tz_free(z);
    }
    /* ... and type 0 when the footer is empty */
    const ttype seven = {7 * 3600, 0};
    tzif bare = {'2', NULL, NULL, 0, &seven, 1, ""};
    write_file("Test/NoTrans", buf, build(buf, &bare));
    z = load_tmp("Test/NoTrans");
    CHECK(z != NULL);
    if (z) {
        tz_local l;
        tz_to_local(z, 1772953200ll, &l);
        CHECK_INT(l.utc_offset, 7 * 3600);
        tz_free(z);
    }
}

static void test_tables(void)
{
    /* v1 only: 32-bit data; after the last transition the last type holds. */
    const ttype t1[] = {{3600, 0}, {7200, 1}, {-1800, 0}};
    const int64_t tr1[] = {-1000000000, 0, 500000000, 1000000000, 2000000000};
    const uint8_t ix1[] = {1, 0, 1, 2, 1};
    tzif v1 = {0, tr1, ix1, 5, t1, 3, NULL};
    CHECK_INT(compare_file("V1", &v1), 5);
    tz_zone *z = load_tmp("Test/V1");
    if (z) {
        tz_local l;
        tz_to_local(z, 2000000000 + 86400 * 365 * 100ll, &l); /* long after: still type 1 */
        CHECK_INT(l.utc_offset, 7200);
        tz_to_local(z, -1000000001, &l); /* before the first: first non-DST type (0) */
        CHECK_INT(l.utc_offset, 3600);
        tz_free(z);
    }

    /* Before the first transition the first standard type counts, not type 0. */
    const ttype t2[] = {{3 * 3600, 1}, {2 * 3600, 0}, {5 * 3600, 0}};
    const int64_t tr2[] = {1000000000};
    const uint8_t ix2[] = {2};
    tzif first = {'2', tr2, ix2, 1, t2, 3, ""};
    CHECK_INT(compare_file("FirstStd", &first), 1);
    z = load_tmp("Test/FirstStd");
    if (z) {
        tz_local l;
        tz_to_local(z, 999999999, &l);
        CHECK_INT(l.utc_offset, 2 * 3600);
        tz_to_local(z, 1000000000, &l);
        CHECK_INT(l.utc_offset, 5 * 3600);
        tz_free(z);
    }
    /* ... and type 0 when every type is DST */
    const ttype t3[] = {{4 * 3600, 1}, {6 * 3600, 1}};
    const uint8_t ix3[] = {1};
    tzif alldst = {'2', tr2, ix3, 1, t3, 2, ""};
    compare_file("AllDst", &alldst);
    z = load_tmp("Test/AllDst");
    if (z) {
        tz_local l;
        tz_to_local(z, 0, &l);
        CHECK_INT(l.utc_offset, 4 * 3600);
        tz_free(z);
    }

    /* 64-bit transitions outside the 32-bit range, then a footer after the
     * last one: the table up to 2040, the rules after. */
    const ttype t4[] = {{-5 * 3600, 0}, {-4 * 3600, 1}, {3600, 0}};
    const int64_t tr4[] = {-3000000000ll, 1900000000, 2200000000ll, 2250000000ll};
    const uint8_t ix4[] = {0, 1, 0, 2};
    tzif wide = {'3', tr4, ix4, 4, t4, 3, "CET-1CEST,M3.5.0,M10.5.0/3"};
    CHECK(compare_file("Wide", &wide) > 300);
    z = load_tmp("Test/Wide");
    if (z) {
        tz_local l;
        tz_to_local(z, 2100000000, &l); /* between the 32-bit max and 2200000000 */
        CHECK_INT(l.utc_offset, -4 * 3600);
        tz_to_local(z, -3000000001ll, &l);
        CHECK_INT(l.utc_offset, -5 * 3600);
        tz_free(z);
    }

    /* An unparsable footer is ignored: the last type continues. */
    const ttype t5[] = {{0, 0}, {9 * 3600, 0}};
    const int64_t tr5[] = {100000};
    const uint8_t ix5[] = {1};
    const char *bad_footers[] = {"nonsense", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0",
                                 "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,J0,J365", "EST5EDT,366,1",
                                 "<AB>5", "<ABC5", "ABC99", "ABC5DEF,M3.2.0/168,M11.1.0",
                                 "EST5EDT,M3.2.0,M11.1.0,extra", "EST5:7"};
    for (size_t i = 0; i < sizeof bad_footers / sizeof bad_footers[0]; i++) {
        tzif f = {'3', tr5, ix5, 1, t5, 2, bad_footers[i]};
        static uint8_t buf[4096];
        write_file("Test/BadFooter", buf, build(buf, &f));
        z = load_tmp("Test/BadFooter");
        CHECK_MSG(z != NULL, "refused the whole file for footer %s", bad_footers[i]);
        if (z) {
            tz_local l;
            tz_to_local(z, 4000000000ll, &l);
            CHECK_MSG(l.utc_offset == 9 * 3600, "footer %s gave %d", bad_footers[i],
                      l.utc_offset);
            tz_free(z);
        }
    }
}

/* ---- calendar ------------------------------------------------------------- */

static void test_calendar(void)
{
    tz_zone *u = tz_fixed(0);
    CHECK(u != NULL);
    if (!u)
        return;
    /* civil dates around the century rules, checked by hand */
    static const struct {
        int64_t t;
        int y, m, d, wd;
    } days[] = {
        {-2208988800ll, 1900, 1, 1, 1},   /* Monday */
        {-2203977600ll, 1900, 2, 28, 3},  /* 1900 is not a leap year ... */
        {-2203891200ll, 1900, 3, 1, 4},   /* ... so March follows February 28 */
        {-1, 1969, 12, 31, 3},
        {0, 1970, 1, 1, 4},
        {951782400, 2000, 2, 29, 2},      /* 2000 is */
        {4107456000ll, 2100, 2, 28, 0},   /* 2100 is not */
        {4107542400ll, 2100, 3, 1, 1},
        {7289654399ll, 2200, 12, 31, 3},  /* last second of 2200 */
        {7289654400ll, 2201, 1, 1, 4},
    };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        tz_local l;
        tz_to_local(u, days[i].t, &l);
        CHECK_MSG(l.year == days[i].y && l.mon == days[i].m && l.mday == days[i].d &&
                      l.wday == days[i].wd,
                  "%lld: %04d-%02d-%02d w%d", (long long)days[i].t, l.year, l.mon, l.mday,
                  l.wday);
    }
    tz_local l;
    tz_to_local(u, 7289654399ll, &l);
    CHECK(l.hour == 23 && l.min == 59 && l.sec == 59);

    /* and every ~13 hours from 1900 to 2200 against glibc in UTC */
    set_tz("UTC0");
    int bad = 0, printed = 0;
    for (int64_t t = Y1900; t < Y2201; t += 46807)
        bad += differs(u, "UTC", t, &printed);
    CHECK_INT(bad, 0);

    /* hostile instants: no crash, no overflow, still a valid date */
    const int64_t wild[] = {INT64_MIN, INT64_MIN + 1, -(INT64_C(1) << 62), INT64_C(1) << 62,
                            INT64_MAX - 1, INT64_MAX};
    tz_zone *plus = tz_fixed(14 * 3600);
    for (size_t i = 0; i < sizeof wild / sizeof wild[0]; i++) {
        tz_to_local(plus, wild[i], &l);
        CHECK(l.mon >= 1 && l.mon <= 12 && l.mday >= 1 && l.mday <= 31 && l.hour >= 0 &&
              l.hour < 24 && l.wday >= 0 && l.wday < 7);
    }
    tz_to_local(plus, INT64_MAX, &l);
    CHECK(l.year > 100000);
    tz_to_local(plus, INT64_MIN, &l);
    CHECK(l.year < -100000);
    tz_free(plus);
    tz_free(u);
}

static void test_fixed(void)
{
    tz_zone *z = tz_fixed(8 * 3600);
    tz_local l;
    tz_to_local(z, 1795487400, &l); /* 2026-11-24T02:30:00Z */
    CHECK_INT(l.year, 2026);
    CHECK_INT(l.mon, 11);
    CHECK_INT(l.mday, 24);
    CHECK_INT(l.hour, 10);
    CHECK_INT(l.min, 30);
    CHECK_INT(l.wday, 2); /* Tuesday */
    CHECK_INT(l.utc_offset, 8 * 3600);
    CHECK_STR(tz_name(z), "UTC+08:00");
    tz_free(z);
    z = tz_fixed(-(3 * 3600 + 1800));
    tz_to_local(z, 0, &l);
    CHECK_INT(l.year, 1969);
    CHECK_INT(l.mday, 31);
    CHECK_INT(l.hour, 20);
    CHECK_INT(l.min, 30);
    CHECK_INT(l.wday, 3);
    CHECK_STR(tz_name(z), "UTC-03:30");
    tz_free(z);
    z = tz_fixed(-(44 * 60 + 30)); /* Monrovia's old -0:44:30 */
    tz_to_local(z, 0, &l);
    CHECK(l.hour == 23 && l.min == 15 && l.sec == 30);
    CHECK_STR(tz_name(z), "UTC-00:44:30");
    tz_free(z);
    z = tz_fixed(0);
    CHECK_STR(tz_name(z), "UTC+00:00");
    tz_free(z);
    z = tz_fixed(-2147483647 - 1); /* absurd: clamped, not negated into overflow */
    CHECK(z != NULL);
    tz_to_local(z, 0, &l);
    CHECK(l.utc_offset >= -26 * 3600 && l.utc_offset < 0);
    tz_free(z);
}

/* ---- names and files -------------------------------------------------------- */

static void test_refused(void)
{
    char longname[300];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    const char *bad[] = {"../etc/passwd", "/etc/localtime", "Asia/Shang hai", "", "Asia/..",
                         "Mars/Olympus", "Asia/Shanghai\n", "Asia\\Shanghai", "Asia/Shanghai;",
                         "Asia/../../etc/passwd", "America", "Asia/", longname, "UTC.",
                         "Europe/Berlin ", "%s%s%n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tz_zone *z = (tz_zone *)1;
        char err[256] = "";
        CHECK_MSG(tz_load(bad[i], NULL, &z, err, sizeof err) == -1, "accepted %s", bad[i]);
        CHECK(z == NULL);
        CHECK(err[0] != '\0');
    }
    tz_zone *z = NULL;
    CHECK_INT(tz_load(NULL, NULL, &z, NULL, 0), -1); /* no name, no error buffer */
    CHECK_INT(tz_load("Nowhere/Nothing", NULL, &z, NULL, 0), -1);
    char small[8];
    CHECK_INT(tz_load("Nowhere/Nothing", NULL, &z, small, sizeof small), -1);
    CHECK(strlen(small) < sizeof small);
    /* these are fine */
    const char *good[] = {"UTC", "Etc/GMT-14", "Etc/GMT+12", "America/Argentina/Buenos_Aires",
                          "America/Port-au-Prince"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char err[256] = "";
        z = NULL;
        CHECK_MSG(tz_load(good[i], NULL, &z, err, sizeof err) == 0, "%s: %s", good[i], err);
        if (z)
            CHECK_STR(tz_name(z), good[i]);
        tz_free(z);
    }
    /* UTC still works without any zoneinfo */
    char err[256] = "";
    z = NULL;
    CHECK_INT(tz_load("UTC", SIGNAGE_TEST_TMP "/no-such-dir", &z, err, sizeof err), 0);
    if (z) {
        tz_local l;
        tz_to_local(z, 86400 * 365, &l);
        CHECK(l.year == 1971 && l.mon == 1 && l.mday == 1 && l.utc_offset == 0);
        CHECK_STR(tz_name(z), "UTC");
        tz_free(z);
    }
    CHECK_INT(tz_load("Asia/Shanghai", SIGNAGE_TEST_TMP "/no-such-dir", &z, err, sizeof err),
              -1);
    CHECK(strstr(err, "Asia/Shanghai") != NULL);
}

static int read_zone(const char *name, uint8_t *buf, size_t cap, size_t *n)
{
    char p[256];
    snprintf(p, sizeof p, "/usr/share/zoneinfo/%s", name);
    FILE *f = fopen(p, "rb");
    if (!f)
        return -1;
    *n = fread(buf, 1, cap, f);
    fclose(f);
    return 0;
}

static void test_corrupt(void)
{
    static uint8_t buf[16384], m[16384];
    size_t n = 0;
    CHECK(read_zone("America/New_York", buf, sizeof buf, &n) == 0 && n > 1000);
    if (n < 1000)
        return;
    /* the intact copy loads from our directory, so what follows tests the damage */
    write_file("Test/Copy", buf, n);
    tz_zone *z = load_tmp("Test/Copy");
    CHECK(z != NULL);
    tz_free(z);

    /* truncation anywhere: refused (the v2+ footer's newlines are mandatory) */
    size_t cuts[] = {0, 3, 4, 20, 43, 44, 60, 200, n / 2, n - 30, n - 2, n - 1};
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        write_file("Test/Cut", buf, cuts[k]);
        z = load_tmp("Test/Cut");
        CHECK_MSG(z == NULL, "accepted a copy cut at %zu of %zu bytes", cuts[k], n);
        tz_free(z);
    }

    /* header counts that do not fit the data, at the v1 and the v2 header */
    size_t v2 = 0; /* offset of the second header */
    for (size_t i = 44; i + 4 < n; i++)
        if (!memcmp(buf + i, "TZif", 4)) {
            v2 = i;
            break;
        }
    CHECK(v2 > 44);
    const size_t hdrs[] = {0, v2};
    const uint32_t values[] = {0xFFFFFFFFu, 0x80000000u, 0x40000001u, 100001u, 5000u};
    for (size_t h = 0; h < 2; h++)
        for (size_t field = 0; field < 6; field++)
            for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
                memcpy(m, buf, n);
                put32(m + hdrs[h] + 20 + field * 4, values[v]);
                write_file("Test/Count", m, n);
                z = load_tmp("Test/Count");
                CHECK_MSG(z == NULL, "header %zu field %zu = %u accepted", h, field, values[v]);
                tz_free(z);
            }
    /* typecnt 0 (at least one type is required) */
    memcpy(m, buf, n);
    put32(m + v2 + 36, 0);
    write_file("Test/Count", m, n);
    z = load_tmp("Test/Count");
    CHECK(z == NULL);
    tz_free(z);
    /* bad magic, bad version */
    memcpy(m, buf, n);
    m[v2 + 1] = 'X';
    write_file("Test/Magic", m, n);
    CHECK((z = load_tmp("Test/Magic")) == NULL);
    tz_free(z);
    memcpy(m, buf, n);
    m[4] = '1';
    write_file("Test/Magic", m, n);
    CHECK((z = load_tmp("Test/Magic")) == NULL);
    tz_free(z);

    /* out-of-order transitions, a type index past the types, an absurd offset */
    const ttype t[] = {{0, 0}, {3600, 1}};
    const int64_t tr[] = {1000, 900, 2000};
    const uint8_t ix[] = {0, 1, 0};
    tzif f = {'2', tr, ix, 3, t, 2, ""};
    size_t len = build(m, &f);
    write_file("Test/Order", m, len);
    CHECK((z = load_tmp("Test/Order")) == NULL);
    tz_free(z);
    const int64_t tr_ok[] = {1000, 1500, 2000};
    const uint8_t ix_bad[] = {0, 2, 0};
    tzif g = {'2', tr_ok, ix_bad, 3, t, 2, ""};
    len = build(m, &g);
    write_file("Test/Index", m, len);
    CHECK((z = load_tmp("Test/Index")) == NULL);
    tz_free(z);
    const ttype t_bad[] = {{0, 0}, {INT32_MIN, 0}};
    tzif h = {'2', tr_ok, ix, 3, t_bad, 2, ""};
    len = build(m, &h);
    write_file("Test/Offset", m, len);
    CHECK((z = load_tmp("Test/Offset")) == NULL);
    tz_free(z);

    /* more than 1 MiB: refused before parsing, even when it starts like a zone */
    size_t big = (1u << 20) + 1;
    uint8_t *huge = calloc(1, big);
    CHECK(huge != NULL);
    if (huge) {
        memcpy(huge, buf, n);
        write_file("Test/Huge", huge, big);
        CHECK((z = load_tmp("Test/Huge")) == NULL);
        tz_free(z);
        free(huge);
    }
    /* not a regular file */
    char p[600];
    snprintf(p, sizeof p, "%s/Test/Fifo", TMPDIR);
    unlink(p);
    CHECK(mkfifo(p, 0600) == 0);
    CHECK((z = load_tmp("Test/Fifo")) == NULL); /* must not block */
    tz_free(z);
    CHECK((z = load_tmp("Test")) == NULL);       /* a directory */
    tz_free(z);

    /* random damage: refused or loaded, never a crash, and a loaded zone
     * answers with a sane date (valgrind watches the reads) */
    srand(7);
    for (int round = 0; round < 400; round++) {
        memcpy(m, buf, n);
        int hits = 1 + rand() % 8;
        for (int j = 0; j < hits; j++)
            m[rand() % n] = (uint8_t)rand();
        write_file("Test/Garbled", m, n);
        z = load_tmp("Test/Garbled");
        if (z) {
            for (int k = 0; k < 4; k++) {
                tz_local l;
                tz_to_local(z, ((int64_t)rand() - RAND_MAX / 2) * 5, &l);
                CHECK(l.mon >= 1 && l.mon <= 12 && l.hour >= 0 && l.hour < 24 &&
                      l.utc_offset >= -26 * 3600 && l.utc_offset <= 26 * 3600);
            }
        }
        tz_free(z);
    }
}

int main(void)
{
    CHECK(system("mkdir -p '" TMPDIR "/Test'") == 0);
    /* zone, and the fewest transitions glibc must show us over 1900..2200 */
    static const struct {
        const char *name;
        int transitions;
    } zones[] = {
        {"Asia/Shanghai", 10},       {"America/New_York", 400}, {"Europe/Berlin", 300},
        {"Australia/Lord_Howe", 300}, {"Asia/Kolkata", 3},       {"Pacific/Chatham", 300},
        {"America/Sao_Paulo", 50},   {"UTC", 0},                {"Europe/Dublin", 300},
        {"America/Santiago", 300},   {"America/Nuuk", 300},     {"Asia/Jerusalem", 300},
        {"Asia/Gaza", 300},          {"Africa/Casablanca", 50}, {"Pacific/Apia", 10},
        {"Asia/Kathmandu", 2},       {"America/St_Johns", 300},
    };
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        compare_zone(zones[i].name, zones[i].transitions);
    test_footers();
    test_tables();
    test_calendar();
    test_fixed();
    test_refused();
    test_corrupt();
    return check_done("tz");
}

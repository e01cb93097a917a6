/* Schedules with a fake clock (instants from schedule_parse_instant):
 * windows, weekdays, hours, midnight crossing, timezones, DST, the next
 * change (exact cases and a brute-force property check), and the parsers
 * against malformed and hostile input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "schedule.h"

static int64_t at(const char *iso)
{
    int64_t t = 0;
    CHECK_MSG(schedule_parse_instant(iso, &t) == 0, "cannot parse %s", iso);
    return t;
}

static tz_zone *zone(const char *name)
{
    tz_zone *z = NULL;
    char err[256];
    CHECK_MSG(tz_load(name, NULL, &z, err, sizeof err) == 0, "%s", err);
    return z ? z : tz_fixed(0);
}

static schedule hours1(int from, int to)
{
    schedule s;
    schedule_init(&s);
    s.n_hours = 1;
    s.hours[0] = (schedule_hours){from, to};
    return s;
}

#define HM(h, m) ((h) * 60 + (m))

/* ---- parsers ----------------------------------------------------------------- */

static void test_parse_instant(void)
{
    /* epoch values worked out independently (date -d / python) */
    CHECK_INT(at("1970-01-01T00:00:00Z"), 0);
    CHECK_INT(at("2026-11-24T10:30:00+08:00"), 1795487400);
    CHECK_INT(at("2026-11-24T02:30:00Z"), 1795487400);
    CHECK_INT(at("2026-11-24T02:30:00z"), 1795487400);
    CHECK_INT(at("2026-11-24t10:30:00+08:00"), 1795487400);
    CHECK_INT(at("2026-11-24T10:30+08:00"), 1795487400);
    CHECK_INT(at("2026-11-24 10:30:00+0800"), 1795487400);
    CHECK_INT(at("2026-11-24T10:30:00.123+08:00"), 1795487400);
    CHECK_INT(at("2026-11-24T10:30:00,999999999Z"), 1795487400 + 8 * 3600);
    CHECK_INT(at("2026-11-23T21:30:00-05:00"), 1795487400);
    CHECK_INT(at("2026-11-24T08:15:00+05:45"), 1795487400);
    CHECK_INT(at("2026-11-24T02:30:00-00:00"), 1795487400);
    CHECK_INT(at("2024-02-29T00:00:00Z"), 1709164800);
    CHECK_INT(at("2000-02-29T00:00:00Z"), 951782400);
    CHECK_INT(at("1900-01-01T00:00:00Z"), -2208988800ll);
    CHECK_INT(at("1969-12-31T23:59:59Z"), -1);
    CHECK_INT(at("2200-12-31T23:59:59Z"), 7289654399ll);
    CHECK_INT(at("2026-12-31T23:59:60Z"), 1798761600); /* a leap second: the next minute */
    CHECK_INT(at("2026-11-24T10:30:00+08:00") - at("2026-11-24T10:29:59+08:00"), 1);

    int64_t t = 42;
    const char *bad[] = {
        "2026-11-24T10:30:00", /* no offset: ambiguous */
        "2026-11-24T10:30",
        "2026-13-01T00:00+08:00",
        "2026-00-10T00:00Z",
        "2026-02-29T00:00Z", /* not a leap year */
        "1900-02-29T00:00Z",
        "2100-02-29T00:00Z",
        "2026-04-31T00:00Z",
        "2026-11-31T00:00Z",
        "2026-11-00T00:00Z",
        "2026-11-24T24:00Z",
        "2026-11-24T10:60Z",
        "2026-11-24T10:30:61Z",
        "2026-11-24T10:30:00.Z", /* a fraction needs digits */
        "2026-11-24T10:30.5Z",   /* and seconds */
        "2026-11-24",
        "",
        "tomorrow",
        "2026-11-24T10:30:00+08",
        "2026-11-24T10:30:00+8:00",
        "2026-11-24T10:30:00+24:00",
        "2026-11-24T10:30:00+08:60",
        "2026-11-24T10:30:00+08:00Z",
        "2026-11-24T10:30:00 +08:00",
        " 2026-11-24T10:30:00+08:00",
        "2026-1-24T10:30Z",
        "2026-11-24T1:30Z",
        "26-11-24T10:30Z",
        "+2026-11-24T10:30Z",
        "2026/11/24T10:30Z",
        "2026-11-24X10:30Z",
        "2026-11-24T10:30:00+08:00 trailing",
        "2026-11-24T10:30:00+08:00\n",
        "9999999999999999999999999999999999999999999999999999999999999999999",
        "2026-11-24T10:30:00.12345678901234567890123456789012345678901234567890Z",
        "-001-01-01T00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(schedule_parse_instant(bad[i], &t) == -1, "accepted \"%s\"", bad[i]);
    CHECK_INT(schedule_parse_instant(NULL, &t), -1);
    /* a very long string, valid for its first characters */
    size_t n = 100000;
    char *lng = malloc(n + 1);
    CHECK(lng != NULL);
    if (lng) {
        memcpy(lng, "2026-11-24T10:30:00.", 20);
        memset(lng + 20, '1', n - 21);
        lng[n - 1] = 'Z';
        lng[n] = '\0';
        CHECK_INT(schedule_parse_instant(lng, &t), -1);
        free(lng);
    }
    /* every prefix of a valid instant is invalid (and read within bounds) */
    const char *good = "2026-11-24T10:30:00.5+08:00";
    for (size_t k = 0; k < strlen(good); k++) {
        char *pre = strndup(good, k);
        CHECK_MSG(schedule_parse_instant(pre, &t) == -1, "accepted prefix \"%s\"", pre);
        free(pre);
    }
}

static void test_parse_day_clock(void)
{
    static const char *const names[7][2] = {
        {"sun", "sunday"},   {"mon", "monday"}, {"tue", "tuesday"},  {"wed", "wednesday"},
        {"thu", "thursday"}, {"fri", "friday"}, {"sat", "saturday"},
    };
    for (int i = 0; i < 7; i++)
        for (int k = 0; k < 2; k++) {
            char up[16], mixed[16];
            snprintf(up, sizeof up, "%s", names[i][k]);
            snprintf(mixed, sizeof mixed, "%s", names[i][k]);
            for (char *p = up; *p; p++)
                *p = (char)(*p - 'a' + 'A');
            mixed[0] = (char)(mixed[0] - 'a' + 'A');
            const char *forms[] = {names[i][k], up, mixed};
            for (int f = 0; f < 3; f++) {
                int d = -1;
                CHECK_MSG(schedule_parse_day(forms[f], &d) == 0 && d == i, "%s -> %d", forms[f],
                          d);
            }
        }
    const char *bad_days[] = {"mo",   "mond", "monda", "mondays", "", " mon", "mon ",
                              "tues", "thur", "sonntag", "周一",  "1",    "monday\n"};
    int d;
    for (size_t i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++)
        CHECK_MSG(schedule_parse_day(bad_days[i], &d) == -1, "accepted day \"%s\"", bad_days[i]);
    CHECK_INT(schedule_parse_day(NULL, &d), -1);

    static const struct {
        const char *s;
        int allow, want; /* want -1: refused */
    } clocks[] = {
        {"08:00", 0, 480}, {"8:05", 0, 485},   {"0:00", 0, 0},      {"00:00", 0, 0},
        {"23:59", 0, 1439}, {"9:30", 1, 570},  {"24:00", 1, 1440},  {"24:00", 0, -1},
        {"24:01", 1, -1},  {"25:00", 1, -1},   {"8:60", 0, -1},     {"99:99", 1, -1},
        {"800", 0, -1},    {"08:00:00", 0, -1}, {"8:5", 0, -1},      {"08:000", 0, -1},
        {"008:00", 0, -1}, {"", 0, -1},        {":", 0, -1},        {"8:", 0, -1},
        {":30", 0, -1},    {"-1:00", 0, -1},   {"+8:00", 0, -1},    {" 8:00", 0, -1},
        {"8:00 ", 0, -1},  {"8.00", 0, -1},    {"８:00", 0, -1},    {"08h00", 0, -1},
    };
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        int m = -7;
        int r = schedule_parse_clock(clocks[i].s, clocks[i].allow, &m);
        if (clocks[i].want < 0)
            CHECK_MSG(r == -1, "accepted clock \"%s\" as %d", clocks[i].s, m);
        else
            CHECK_MSG(r == 0 && m == clocks[i].want, "\"%s\" -> %d (%d)", clocks[i].s, m, r);
    }
    int m;
    CHECK_INT(schedule_parse_clock(NULL, 1, &m), -1);
    char lng[5000];
    memset(lng, '0', sizeof lng - 1);
    lng[sizeof lng - 1] = '\0';
    lng[sizeof lng - 4] = ':';
    CHECK_INT(schedule_parse_clock(lng, 1, &m), -1);
}

/* ---- on air ------------------------------------------------------------------ */

static void test_window(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s;
    schedule_init(&s);
    CHECK(schedule_on_air(&s, 0, z)); /* empty: always */
    CHECK(schedule_on_air(&s, INT64_MIN, z));
    CHECK(schedule_on_air(&s, INT64_MAX, z));
    s.has_start = true;
    s.start = at("2026-12-05T09:00:00+08:00");
    s.has_end = true;
    s.end = at("2026-12-05T10:00:00+08:00");
    CHECK(!schedule_on_air(&s, at("2026-12-05T08:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-12-05T09:00:00+08:00"), z)); /* start inclusive */
    CHECK(schedule_on_air(&s, at("2026-12-05T09:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-12-05T10:00:00+08:00"), z)); /* end exclusive */
    CHECK(schedule_on_air(&s, at("2026-12-05T01:00:00Z"), z)); /* 09:00+08 is 01:00Z */
    CHECK(!schedule_on_air(&s, at("2026-12-05T00:59:59Z"), z));
    s.has_end = false; /* open-ended */
    CHECK(schedule_on_air(&s, at("2030-01-01T00:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2020-01-01T00:00:00+08:00"), z));
    s.has_start = false; /* only an end */
    s.has_end = true;
    CHECK(schedule_on_air(&s, at("1999-01-01T00:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, s.end, z));
    /* start == end: never */
    s.has_start = true;
    s.start = s.end;
    CHECK(!schedule_on_air(&s, s.start, z));
    CHECK(!schedule_on_air(&s, s.start - 1, z));
    tz_free(z);
}

static void test_weekdays(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    /* 2026-11-22 is a Sunday: 22 + d is weekday d */
    for (int want = 0; want < 7; want++) {
        schedule s;
        schedule_init(&s);
        s.days = (uint8_t)(1u << want);
        for (int d = 0; d < 7; d++) {
            char iso[64];
            for (int k = 0; k < 3; k++) {
                static const char *const times[] = {"00:00:00", "12:34:56", "23:59:59"};
                snprintf(iso, sizeof iso, "2026-11-%02dT%s+08:00", 22 + d, times[k]);
                CHECK_MSG(schedule_on_air(&s, at(iso), z) == (d == want), "days=%d at %s", want,
                          iso);
            }
        }
    }
    /* several days; and 0 means every day */
    schedule s;
    schedule_init(&s);
    s.days = 1u << 1 | 1u << 3; /* mon, wed */
    CHECK(schedule_on_air(&s, at("2026-11-23T12:00:00+08:00"), z));  /* Monday */
    CHECK(!schedule_on_air(&s, at("2026-11-24T12:00:00+08:00"), z)); /* Tuesday */
    CHECK(schedule_on_air(&s, at("2026-11-25T00:00:00+08:00"), z));  /* Wednesday 00:00 */
    CHECK(!schedule_on_air(&s, at("2026-11-24T23:59:59+08:00"), z));
    s.days = 0x7f;
    CHECK(schedule_on_air(&s, at("2026-11-24T23:59:59+08:00"), z));
    s.days = 0x80; /* no real day set: never, rather than reading a bit 7 */
    CHECK(!schedule_on_air(&s, at("2026-11-24T23:59:59+08:00"), z));
    tz_free(z);
}

static void test_hours(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s;
    schedule_init(&s);
    s.days = 1u << 1 | 1u << 3; /* mon, wed */
    s.n_hours = 2;
    s.hours[0] = (schedule_hours){HM(8, 0), HM(12, 0)};
    s.hours[1] = (schedule_hours){HM(14, 0), HM(18, 0)};
    CHECK(!schedule_on_air(&s, at("2026-11-23T07:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-23T08:00:00+08:00"), z)); /* from is inclusive */
    CHECK(schedule_on_air(&s, at("2026-11-23T11:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-23T12:00:00+08:00"), z)); /* to is exclusive */
    CHECK(!schedule_on_air(&s, at("2026-11-23T13:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-23T14:00:00+08:00"), z)); /* the second range */
    CHECK(schedule_on_air(&s, at("2026-11-23T17:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-23T18:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T09:00:00+08:00"), z)); /* right hour, wrong day */
    CHECK(schedule_on_air(&s, at("2026-11-25T09:00:00+08:00"), z));

    /* "24:00" closes at midnight; 00:00-24:00 is the whole day */
    s = hours1(HM(20, 0), 1440);
    CHECK(!schedule_on_air(&s, at("2026-11-23T19:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-23T23:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T00:00:00+08:00"), z));
    s = hours1(0, 1440);
    s.days = 1u << 2; /* Tuesday, all day */
    CHECK(!schedule_on_air(&s, at("2026-11-23T23:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-24T00:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-24T23:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-25T00:00:00+08:00"), z));

    /* overlapping ranges simply add up */
    schedule_init(&s);
    s.n_hours = 2;
    s.hours[0] = (schedule_hours){HM(9, 0), HM(11, 0)};
    s.hours[1] = (schedule_hours){HM(10, 0), HM(12, 0)};
    CHECK(schedule_on_air(&s, at("2026-11-23T11:30:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-23T12:00:00+08:00"), z));

    /* window and hours must both hold */
    s = hours1(HM(8, 0), HM(18, 0));
    s.has_start = true;
    s.start = at("2026-11-24T12:00:00+08:00");
    CHECK(!schedule_on_air(&s, at("2026-11-24T11:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-24T12:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T19:00:00+08:00"), z));

    /* a corrupt count is clamped, not read past the array */
    s = hours1(HM(8, 0), HM(18, 0));
    s.n_hours = (size_t)-1;
    for (size_t i = 1; i < SCHEDULE_MAX_HOURS; i++)
        s.hours[i] = (schedule_hours){0, 0};
    CHECK(schedule_on_air(&s, at("2026-11-24T09:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T19:00:00+08:00"), z));
    int64_t nc = schedule_next_change(&s, at("2026-11-24T09:00:00+08:00"), z, 86400);
    CHECK_INT(nc, at("2026-11-24T18:00:00+08:00"));
    tz_free(z);
}

static void test_midnight(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s = hours1(HM(22, 0), HM(2, 0)); /* 22:00-02:00 crosses midnight */
    s.days = 1u << 5;                         /* Friday */
    CHECK(!schedule_on_air(&s, at("2026-11-27T21:59:00+08:00"), z)); /* Fri 21:59 */
    CHECK(!schedule_on_air(&s, at("2026-11-27T21:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-27T22:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-27T23:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-28T00:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-28T01:00:00+08:00"), z)); /* Sat 01:00: Friday's */
    CHECK(schedule_on_air(&s, at("2026-11-28T01:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-28T02:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-28T22:00:00+08:00"), z)); /* Sat 22:00 */
    CHECK(!schedule_on_air(&s, at("2026-11-28T23:00:00+08:00"), z)); /* Sat 23:00 */
    CHECK(!schedule_on_air(&s, at("2026-11-29T01:00:00+08:00"), z)); /* Sun 01:00: Sat's */
    CHECK(!schedule_on_air(&s, at("2026-11-27T01:00:00+08:00"), z)); /* Fri 01:00: Thu's */
    /* Friday and Saturday: Saturday's own evening, and on into Sunday */
    s.days |= 1u << 6;
    CHECK(schedule_on_air(&s, at("2026-11-28T23:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-29T01:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-28T12:00:00+08:00"), z));
    /* Sunday only: Saturday night 01:00 into Sunday is Saturday's range */
    s.days = 1u << 0;
    CHECK(!schedule_on_air(&s, at("2026-11-29T01:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-30T01:00:00+08:00"), z)); /* Mon 01:00: Sunday's */
    /* no days: every night */
    s.days = 0;
    CHECK(schedule_on_air(&s, at("2026-11-24T01:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-24T23:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T12:00:00+08:00"), z));
    /* 22:00-00:00 is the same as 22:00-24:00 */
    s = hours1(HM(22, 0), 0);
    CHECK(schedule_on_air(&s, at("2026-11-24T23:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-25T00:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T21:59:59+08:00"), z));
    /* from == to is empty: never on air, whatever the time or the other ranges */
    s = hours1(HM(10, 0), HM(10, 0));
    for (int h = 0; h < 24; h++) {
        char iso[64];
        snprintf(iso, sizeof iso, "2026-11-27T%02d:00:00+08:00", h);
        CHECK(!schedule_on_air(&s, at(iso), z));
    }
    s.n_hours = 2;
    s.hours[1] = (schedule_hours){HM(12, 0), HM(13, 0)};
    CHECK(!schedule_on_air(&s, at("2026-11-27T10:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-27T12:30:00+08:00"), z));
    tz_free(z);
}

static void test_timezone(void)
{
    tz_zone *sh = zone("Asia/Shanghai"), *be = zone("Europe/Berlin");
    schedule s = hours1(HM(8, 0), HM(18, 0));
    int64_t t = at("2026-11-24T09:00:00+08:00"); /* 02:00 in Berlin */
    CHECK(schedule_on_air(&s, t, sh));
    CHECK(!schedule_on_air(&s, t, be));
    t = at("2026-11-24T09:00:00+01:00"); /* 16:00 in Shanghai */
    CHECK(schedule_on_air(&s, t, sh));
    CHECK(schedule_on_air(&s, t, be));
    t = at("2026-11-24T12:00:00+01:00"); /* 19:00 in Shanghai */
    CHECK(!schedule_on_air(&s, t, sh));
    CHECK(schedule_on_air(&s, t, be));
    /* days too: Monday 23:00 in Berlin is Tuesday 06:00 in Shanghai */
    schedule_init(&s);
    s.days = 1u << 1;
    t = at("2026-11-23T23:00:00+01:00");
    CHECK(schedule_on_air(&s, t, be));
    CHECK(!schedule_on_air(&s, t, sh));
    /* a fixed zone behaves like the offset it names */
    tz_zone *f = tz_fixed(8 * 3600);
    CHECK(!schedule_on_air(&s, t, f));
    CHECK(schedule_on_air(&s, at("2026-11-23T23:59:59+08:00"), f));
    tz_free(f);
    tz_free(sh);
    tz_free(be);
}

static void test_dst(void)
{
    tz_zone *ny = zone("America/New_York");
    schedule s = hours1(HM(9, 0), HM(17, 0));
    /* 09:00 local on both sides of the March change is a different UTC hour */
    CHECK(schedule_on_air(&s, at("2026-03-06T09:00:00-05:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-09T09:00:00-04:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-03-09T08:30:00-04:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-03-09T08:59:59-04:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-09T16:59:59-04:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-03-09T17:00:00-04:00"), ny));
    /* spring-forward day (2026-03-08, 02:00 EST -> 03:00 EDT): of 02:30-03:30
     * only 03:00-03:30 EDT exists, and it starts at the jump itself */
    s = hours1(HM(2, 30), HM(3, 30));
    CHECK(!schedule_on_air(&s, at("2026-03-08T01:59:59-05:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-08T03:00:00-04:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-08T07:00:00Z"), ny)); /* the same instant */
    CHECK(schedule_on_air(&s, at("2026-03-08T03:29:59-04:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-03-08T03:30:00-04:00"), ny));
    /* the day before, the whole hour */
    CHECK(schedule_on_air(&s, at("2026-03-07T02:30:00-05:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-07T03:29:59-05:00"), ny));
    /* fall-back day (2026-11-01, 02:00 EDT -> 01:00 EST): 01:00-02:00 happens twice */
    s = hours1(HM(1, 0), HM(2, 0));
    CHECK(!schedule_on_air(&s, at("2026-11-01T00:59:59-04:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-11-01T01:00:00-04:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-11-01T01:59:59-04:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-11-01T01:00:00-05:00"), ny)); /* again, in EST */
    CHECK(schedule_on_air(&s, at("2026-11-01T01:59:59-05:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-11-01T02:00:00-05:00"), ny));
    /* a day is the local day whatever its length */
    schedule_init(&s);
    s.days = 1u << 0; /* Sunday */
    CHECK(!schedule_on_air(&s, at("2026-03-07T23:59:59-05:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-08T00:00:00-05:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-08T23:59:59-04:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-03-09T00:00:00-04:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-11-01T23:59:59-05:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-11-02T00:00:00-05:00"), ny));
    tz_free(ny);

    /* Lord Howe moves 30 minutes (2026-10-04 02:00 +10:30 -> 02:30 +11):
     * a 02:00-02:30 range does not exist that day */
    tz_zone *lh = zone("Australia/Lord_Howe");
    s = hours1(HM(2, 0), HM(2, 30));
    CHECK(!schedule_on_air(&s, at("2026-10-04T01:59:59+10:30"), lh));
    CHECK(!schedule_on_air(&s, at("2026-10-04T02:30:00+11:00"), lh));
    CHECK(schedule_on_air(&s, at("2026-10-03T02:00:00+10:30"), lh));
    CHECK(schedule_on_air(&s, at("2026-10-05T02:29:59+11:00"), lh));
    tz_free(lh);
}

/* ---- next change --------------------------------------------------------------- */

static void test_next_change(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s;
    schedule_init(&s);
    int64_t now = at("2026-11-24T07:59:30+08:00");
    CHECK_INT(schedule_next_change(&s, now, z, 3600), now + 3600); /* always on: nothing */
    CHECK_INT(schedule_next_change(&s, now, z, 0), now);
    CHECK_INT(schedule_next_change(&s, now, z, -5), now);
    CHECK_INT(schedule_next_change(&s, now, z, INT64_MAX), INT64_MAX); /* saturates */

    /* the window alone */
    s.has_start = true;
    s.start = at("2026-11-24T09:00:00+08:00");
    s.has_end = true;
    s.end = at("2026-11-24T09:30:07+08:00");
    CHECK_INT(schedule_next_change(&s, now, z, 86400), s.start);
    CHECK_INT(schedule_next_change(&s, now, z, 3600), now + 3600); /* start beyond horizon */
    CHECK_INT(schedule_next_change(&s, s.start, z, 86400), s.end);
    CHECK_INT(schedule_next_change(&s, s.start - 1, z, 86400), s.start);
    CHECK_INT(schedule_next_change(&s, s.end - 1, z, 86400), s.end);
    CHECK_INT(schedule_next_change(&s, s.end, z, 86400), s.end + 86400); /* over */
    CHECK_INT(schedule_next_change(&s, s.start, z, INT64_MAX), s.end);

    /* hours */
    s = hours1(HM(8, 0), HM(18, 0));
    CHECK_INT(schedule_next_change(&s, now, z, 86400), at("2026-11-24T08:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T12:00:00+08:00"), z, 86400),
              at("2026-11-24T18:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T08:00:00+08:00"), z, 86400),
              at("2026-11-24T18:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T18:00:00+08:00"), z, 86400),
              at("2026-11-25T08:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T18:00:00+08:00"), z, 3600),
              at("2026-11-24T19:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T12:00:00+08:00"), z, INT64_MAX),
              at("2026-11-24T18:00:00+08:00"));
    /* a start that falls outside the hours changes nothing: 08:00 does */
    s.has_start = true;
    s.start = at("2026-11-24T07:59:45+08:00");
    CHECK_INT(schedule_next_change(&s, now, z, 86400), at("2026-11-24T08:00:00+08:00"));
    /* inside them it does, to the second */
    s.start = at("2026-11-24T09:00:17+08:00");
    CHECK_INT(schedule_next_change(&s, now, z, 86400), s.start);
    CHECK_INT(schedule_next_change(&s, s.start, z, 86400), at("2026-11-24T18:00:00+08:00"));
    /* a start days ahead: the first hour after it */
    s.start = at("2026-12-01T20:00:00+08:00");
    CHECK_INT(schedule_next_change(&s, now, z, 30 * 86400), at("2026-12-02T08:00:00+08:00"));
    /* an end inside the hours ends it; after the end nothing more happens */
    s.has_start = false;
    s.has_end = true;
    s.end = at("2026-11-24T10:00:05+08:00");
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T09:00:00+08:00"), z, 86400), s.end);
    s.end = at("2026-11-24T19:00:00+08:00");
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T17:00:00+08:00"), z, 86400),
              at("2026-11-24T18:00:00+08:00"));
    int64_t t18 = at("2026-11-24T18:00:00+08:00");
    CHECK_INT(schedule_next_change(&s, t18, z, 30 * 86400), t18 + 30 * 86400);

    /* days: the change is at local midnight */
    schedule_init(&s);
    s.days = 1u << 1; /* Monday */
    CHECK_INT(schedule_next_change(&s, at("2026-11-22T12:00:00+08:00"), z, 7 * 86400),
              at("2026-11-23T00:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-23T12:00:00+08:00"), z, 7 * 86400),
              at("2026-11-24T00:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T00:00:00+08:00"), z, 14 * 86400),
              at("2026-11-30T00:00:00+08:00"));
    s.days = 0x7f; /* every day named: never changes */
    CHECK_INT(schedule_next_change(&s, now, z, 400 * 86400), now + 400 * 86400);
    s.days = 1u << 1 | 1u << 2; /* Mon+Tue: no change at the midnight between them */
    CHECK_INT(schedule_next_change(&s, at("2026-11-23T12:00:00+08:00"), z, 7 * 86400),
              at("2026-11-25T00:00:00+08:00"));

    /* midnight crossing with a day filter */
    s = hours1(HM(22, 0), HM(2, 0));
    s.days = 1u << 5; /* Friday */
    CHECK_INT(schedule_next_change(&s, at("2026-11-27T12:00:00+08:00"), z, 86400),
              at("2026-11-27T22:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-27T23:00:00+08:00"), z, 86400),
              at("2026-11-28T02:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-28T02:00:00+08:00"), z, 30 * 86400),
              at("2026-12-04T22:00:00+08:00"));

    /* never on: ranges that are empty - the horizon, even a long one */
    s = hours1(HM(10, 0), HM(10, 0));
    s.days = 1u << 3;
    CHECK_INT(schedule_next_change(&s, now, z, 365 * 86400), now + 365 * 86400);

    /* hostile instants: no overflow, no hang */
    s = hours1(HM(8, 0), HM(18, 0));
    CHECK(schedule_next_change(&s, INT64_MAX, z, 86400) == INT64_MAX);
    CHECK(schedule_next_change(&s, INT64_MIN, z, 86400) == INT64_MIN + 86400);
    CHECK(schedule_next_change(&s, INT64_MAX - 10, z, INT64_MAX) == INT64_MAX);
    tz_free(z);

    /* DST: New York's spring-forward day, 02:30-03:30 starts at the jump */
    tz_zone *ny = zone("America/New_York");
    s = hours1(HM(2, 30), HM(3, 30));
    int64_t jump = at("2026-03-08T07:00:00Z");
    CHECK_INT(schedule_next_change(&s, at("2026-03-08T01:00:00-05:00"), ny, 86400), jump);
    CHECK_INT(schedule_next_change(&s, jump, ny, 86400), at("2026-03-08T03:30:00-04:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-03-08T03:30:00-04:00"), ny, 86400),
              at("2026-03-09T02:30:00-04:00"));
    /* fall-back day: 01:00-02:00 runs through the repeated hour to 02:00 EST */
    s = hours1(HM(1, 0), HM(2, 0));
    CHECK_INT(schedule_next_change(&s, at("2026-11-01T00:30:00-04:00"), ny, 86400),
              at("2026-11-01T01:00:00-04:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-01T01:30:00-04:00"), ny, 86400),
              at("2026-11-01T02:00:00-05:00"));
    /* 09:00-17:00 across the change: the UTC hour moves */
    s = hours1(HM(9, 0), HM(17, 0));
    CHECK_INT(schedule_next_change(&s, at("2026-03-07T18:00:00-05:00"), ny, 86400),
              at("2026-03-08T09:00:00-04:00"));
    tz_free(ny);

    /* Lord Howe's skipped half hour: nothing that day, the next day's range */
    tz_zone *lh = zone("Australia/Lord_Howe");
    s = hours1(HM(2, 0), HM(2, 30));
    int64_t before = at("2026-10-04T01:00:00+10:30");
    CHECK_INT(schedule_next_change(&s, before, lh, 6 * 3600), before + 6 * 3600);
    CHECK_INT(schedule_next_change(&s, before, lh, 3 * 86400), at("2026-10-05T02:00:00+11:00"));
    tz_free(lh);

    /* an offset with seconds: the local minute, not the UTC one */
    tz_zone *mr = tz_fixed(-(44 * 60 + 30));
    s = hours1(HM(8, 0), HM(9, 0));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T07:00:00Z"), mr, 86400),
              at("2026-11-24T08:44:30Z"));
    tz_free(mr);
}

/* Brute force: for random schedules, zones and instants, the answer must be
 * the first instant after `now` where on-air differs.  With whole-minute
 * offsets on air can only change at a UTC minute, the start or the end, so
 * checking those is exhaustive. */
static void test_next_change_property(void)
{
    const char *names[] = {"Asia/Shanghai", "America/New_York", "Australia/Lord_Howe",
                           "Pacific/Chatham", "Europe/Dublin", "America/Sao_Paulo"};
    enum { NZ = sizeof names / sizeof names[0] };
    tz_zone *zones[NZ + 1];
    for (int i = 0; i < NZ; i++)
        zones[i] = zone(names[i]);
    zones[NZ] = tz_fixed(5 * 3600 + 45 * 60);
    /* instants near DST changes, and anywhere in 2026-2027 */
    const int64_t hot[] = {at("2026-03-08T07:00:00Z"), at("2026-11-01T06:00:00Z"),
                           at("2026-10-03T15:30:00Z"), at("2026-04-04T15:00:00Z"),
                           at("2026-09-27T02:45:00+12:45"), at("2026-10-25T01:00:00Z"),
                           at("2026-03-29T01:00:00Z")};
    const int64_t y2026 = at("2026-01-01T00:00:00Z");
    srand(12345);
    int failures = 0, changed = 0, at_second = 0;
    for (int round = 0; round < 160; round++) {
        schedule s;
        schedule_init(&s);
        s.days = (uint8_t)(rand() % 3 == 0 ? 0 : rand() % 128);
        s.n_hours = (size_t)(rand() % 4);
        for (size_t i = 0; i < s.n_hours; i++) {
            int from = rand() % 2 ? (rand() % 96) * 15 : rand() % 1440;
            int to = rand() % 5 == 0 ? 1440 : rand() % 7 == 0 ? from : rand() % 1440;
            s.hours[i] = (schedule_hours){from, to};
        }
        int64_t now = rand() % 2 ? hot[rand() % (sizeof hot / sizeof hot[0])] +
                                       (rand() % 86400) - 43200
                                 : y2026 + (int64_t)(rand() % 730) * 86400 + rand() % 86400;
        if (rand() % 3 == 0) {
            s.has_start = true;
            s.start = now + (rand() % (3 * 86400)) - 86400;
        }
        if (rand() % 3 == 0) {
            s.has_end = true;
            s.end = now + (rand() % (4 * 86400)) - 3600;
        }
        const tz_zone *z = zones[rand() % (NZ + 1)];
        int64_t horizon = 3 * 86400;
        int64_t got = schedule_next_change(&s, now, z, horizon);
        bool on = schedule_on_air(&s, now, z);
        /* the truth: first minute boundary, start or end where on air differs */
        int64_t want = now + horizon;
        for (int64_t m = now - ((now % 60) + 60) % 60 + 60; m < want; m += 60)
            if (schedule_on_air(&s, m, z) != on) {
                want = m;
                break;
            }
        if (s.has_start && s.start > now && s.start < want && schedule_on_air(&s, s.start, z) != on)
            want = s.start;
        if (s.has_end && s.end > now && s.end < want && schedule_on_air(&s, s.end, z) != on)
            want = s.end;
        changed += want < now + horizon;
        at_second += want < now + horizon && want % 60 != 0;
        if (got != want && failures++ < 5)
            fprintf(stderr,
                    "round %d in %s: now %lld days %02x hours %zu [%d-%d %d-%d %d-%d] start %d:%lld"
                    " end %d:%lld: got %lld, want %lld\n",
                    round, tz_name(z), (long long)now, s.days, s.n_hours, s.hours[0].from_min,
                    s.hours[0].to_min, s.hours[1].from_min, s.hours[1].to_min,
                    s.hours[2].from_min, s.hours[2].to_min, s.has_start, (long long)s.start,
                    s.has_end, (long long)s.end, (long long)got, (long long)want);
    }
    CHECK_INT(failures, 0);
    CHECK_MSG(changed > 80 && at_second > 5, "a weak sample: %d changes, %d off the minute",
              changed, at_second);
    for (int i = 0; i <= NZ; i++)
        tz_free(zones[i]);
}

int main(void)
{
    test_parse_instant();
    test_parse_day_clock();
    test_window();
    test_weekdays();
    test_hours();
    test_midnight();
    test_timezone();
    test_dst();
    test_next_change();
    test_next_change_property();
    return check_done("schedule");
}

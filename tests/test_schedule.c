/* Schedules with a fake clock: windows, weekdays, hours, midnight crossing,
 * timezones, DST, next change, and the parsers. */
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

static void test_parse(void)
{
    CHECK_INT(at("1970-01-01T00:00:00Z"), 0);
    CHECK_INT(at("2026-11-24T10:30:00+08:00"), 1795487400);
    CHECK_INT(at("2026-11-24T02:30:00Z"), 1795487400);
    CHECK_INT(at("2026-11-24T10:30+08:00"), 1795487400);
    CHECK_INT(at("2026-11-24 10:30:00+0800"), 1795487400);
    CHECK_INT(at("2026-11-24T10:30:00.123+08:00"), 1795487400);
    CHECK_INT(at("2026-11-23T21:30:00-05:00"), 1795487400);
    CHECK_INT(at("2024-02-29T00:00:00Z"), 1709164800);
    int64_t t;
    const char *bad[] = {"2026-11-24T10:30:00", "2026-13-01T00:00+08:00", "2026-02-29T00:00Z",
                         "2026-11-31T00:00Z", "2026-11-24T24:00Z", "2026-11-24T10:60Z",
                         "2026-11-24", "", "tomorrow", "2026-11-24T10:30:00+08", "2026-1-24T10:30Z",
                         "2026-11-24T10:30:00+08:00 trailing",
                         "9999999999999999999999999999999999999999999999999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(schedule_parse_instant(bad[i], &t) == -1, "accepted \"%s\"", bad[i]);
    int d;
    CHECK(schedule_parse_day("mon", &d) == 0 && d == 1);
    CHECK(schedule_parse_day("SUN", &d) == 0 && d == 0);
    CHECK(schedule_parse_day("Saturday", &d) == 0 && d == 6);
    CHECK_INT(schedule_parse_day("mo", &d), -1);
    CHECK_INT(schedule_parse_day("周一", &d), -1);
    int m;
    CHECK(schedule_parse_clock("08:00", 0, &m) == 0 && m == 480);
    CHECK(schedule_parse_clock("8:05", 0, &m) == 0 && m == 485);
    CHECK(schedule_parse_clock("23:59", 0, &m) == 0 && m == 1439);
    CHECK(schedule_parse_clock("24:00", 1, &m) == 0 && m == 1440);
    CHECK_INT(schedule_parse_clock("24:00", 0, &m), -1);
    CHECK_INT(schedule_parse_clock("25:00", 1, &m), -1);
    CHECK_INT(schedule_parse_clock("8:60", 0, &m), -1);
    CHECK_INT(schedule_parse_clock("800", 0, &m), -1);
    CHECK_INT(schedule_parse_clock("08:00:00", 0, &m), -1);
}

static void test_window(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s;
    schedule_init(&s);
    CHECK(schedule_on_air(&s, 0, z)); /* empty: always */
    s.has_start = true;
    s.start = at("2026-12-05T09:00:00+08:00");
    s.has_end = true;
    s.end = at("2026-12-05T10:00:00+08:00");
    CHECK(!schedule_on_air(&s, at("2026-12-05T08:59:59+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-12-05T09:00:00+08:00"), z)); /* start inclusive */
    CHECK(schedule_on_air(&s, at("2026-12-05T09:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-12-05T10:00:00+08:00"), z)); /* end exclusive */
    s.has_end = false; /* open-ended */
    CHECK(schedule_on_air(&s, at("2030-01-01T00:00:00+08:00"), z));
    tz_free(z);
}

static void test_days_hours(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s;
    schedule_init(&s);
    s.days = 1u << 1 | 1u << 3; /* mon, wed */
    CHECK(schedule_on_air(&s, at("2026-11-23T12:00:00+08:00"), z));  /* Monday */
    CHECK(!schedule_on_air(&s, at("2026-11-24T12:00:00+08:00"), z)); /* Tuesday */
    CHECK(schedule_on_air(&s, at("2026-11-25T00:00:00+08:00"), z));  /* Wednesday 00:00 */
    CHECK(!schedule_on_air(&s, at("2026-11-24T23:59:59+08:00"), z));
    s.n_hours = 2;
    s.hours[0] = (schedule_hours){8 * 60, 12 * 60};
    s.hours[1] = (schedule_hours){14 * 60, 18 * 60};
    CHECK(!schedule_on_air(&s, at("2026-11-23T07:59:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-23T08:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-23T12:00:00+08:00"), z)); /* to is exclusive */
    CHECK(schedule_on_air(&s, at("2026-11-23T17:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T09:00:00+08:00"), z)); /* right hour, wrong day */
    /* "24:00" closes at midnight */
    schedule_init(&s);
    s.n_hours = 1;
    s.hours[0] = (schedule_hours){20 * 60, 1440};
    CHECK(schedule_on_air(&s, at("2026-11-23T23:59:59+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-24T00:00:00+08:00"), z));
    tz_free(z);
}

static void test_midnight(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s;
    schedule_init(&s);
    s.days = 1u << 5; /* Friday */
    s.n_hours = 1;
    s.hours[0] = (schedule_hours){22 * 60, 2 * 60}; /* 22:00-02:00 crosses midnight */
    CHECK(!schedule_on_air(&s, at("2026-11-27T21:59:00+08:00"), z)); /* Fri */
    CHECK(schedule_on_air(&s, at("2026-11-27T22:00:00+08:00"), z));
    CHECK(schedule_on_air(&s, at("2026-11-28T01:00:00+08:00"), z));  /* Sat 01:00: Friday's */
    CHECK(!schedule_on_air(&s, at("2026-11-28T02:00:00+08:00"), z));
    CHECK(!schedule_on_air(&s, at("2026-11-28T23:00:00+08:00"), z)); /* Sat 23:00 */
    CHECK(!schedule_on_air(&s, at("2026-11-27T01:00:00+08:00"), z)); /* Fri 01:00 is Thursday's */
    /* from == to is empty */
    s.days = 0;
    s.hours[0] = (schedule_hours){600, 600};
    CHECK(!schedule_on_air(&s, at("2026-11-27T10:00:00+08:00"), z));
    tz_free(z);
}

static void test_timezone(void)
{
    tz_zone *sh = zone("Asia/Shanghai"), *be = zone("Europe/Berlin");
    schedule s;
    schedule_init(&s);
    s.n_hours = 1;
    s.hours[0] = (schedule_hours){8 * 60, 18 * 60};
    int64_t t = at("2026-11-24T09:00:00+08:00"); /* 02:00 in Berlin */
    CHECK(schedule_on_air(&s, t, sh));
    CHECK(!schedule_on_air(&s, t, be));
    /* days too: Monday 23:00 in Berlin is Tuesday 06:00 in Shanghai */
    schedule_init(&s);
    s.days = 1u << 1;
    t = at("2026-11-23T23:00:00+01:00");
    CHECK(schedule_on_air(&s, t, be));
    CHECK(!schedule_on_air(&s, t, sh));
    tz_free(sh);
    tz_free(be);
}

static void test_dst(void)
{
    tz_zone *ny = zone("America/New_York");
    schedule s;
    schedule_init(&s);
    s.n_hours = 1;
    s.hours[0] = (schedule_hours){9 * 60, 17 * 60};
    /* 09:00 local on both sides of the March change is a different UTC hour */
    CHECK(schedule_on_air(&s, at("2026-03-06T09:00:00-05:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-03-09T09:00:00-04:00"), ny));
    CHECK(!schedule_on_air(&s, at("2026-03-09T08:30:00-04:00"), ny));
    /* spring-forward day: 02:30 local does not exist; 03:30 EDT does */
    s.hours[0] = (schedule_hours){2 * 60 + 30, 3 * 60 + 30};
    CHECK(!schedule_on_air(&s, at("2026-03-08T03:30:00-04:00"), ny));
    CHECK(schedule_on_air(&s, at("2026-11-01T01:30:00-05:00"), ny) == false);
    tz_free(ny);
}

static void test_next_change(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    schedule s;
    schedule_init(&s);
    int64_t now = at("2026-11-24T07:59:30+08:00");
    CHECK_INT(schedule_next_change(&s, now, z, 3600), now + 3600); /* always on: nothing */
    s.n_hours = 1;
    s.hours[0] = (schedule_hours){8 * 60, 18 * 60};
    CHECK_INT(schedule_next_change(&s, now, z, 86400), at("2026-11-24T08:00:00+08:00"));
    CHECK_INT(schedule_next_change(&s, at("2026-11-24T12:00:00+08:00"), z, 86400),
              at("2026-11-24T18:00:00+08:00"));
    s.has_start = true;
    s.start = at("2026-11-24T07:59:45+08:00");
    CHECK_INT(schedule_next_change(&s, now, z, 86400), s.start);
    tz_free(z);
}

int main(void)
{
    test_parse();
    test_window();
    test_days_hours();
    test_midnight();
    test_timezone();
    test_dst();
    test_next_change();
    return check_done("schedule");
}

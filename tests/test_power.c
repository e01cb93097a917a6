/* The screen power schedule with a fake clock (instants from
 * schedule_parse_instant): parse errors and their messages, every-day
 * ranges, midnight, whole days, day + range into the next day, wrapping day
 * ranges, 24:00, the next change (exact cases across a week and both DST
 * changes, and a brute-force check against a minute-by-minute scan), the
 * normalized description; then the panel command runner with real
 * processes: it runs, coalesces, kills at the timeout, stops promptly. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "monoclock.h"
#include "panel.h"
#include "power.h"
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

static power_schedule *parse(const char *spec)
{
    power_schedule *p = NULL;
    char err[256] = "";
    CHECK_MSG(power_parse(spec, &p, err, sizeof err) == 0, "\"%s\": %s", spec, err);
    return p;
}

/* Is `spec` off at each listed local instant (want[i])? */
typedef struct probe {
    const char *when;
    bool off;
} probe;

static void check_probes(const char *spec, const tz_zone *z, const probe *pr, size_t n)
{
    power_schedule *p = parse(spec);
    for (size_t i = 0; i < n; i++) {
        bool off = power_off_at(p, at(pr[i].when), z, NULL);
        CHECK_MSG(off == pr[i].off, "\"%s\" at %s: off = %d, expected %d", spec, pr[i].when, off,
                  pr[i].off);
    }
    power_free(p);
}

#define PROBES(spec, z, ...)                                                                       \
    do {                                                                                           \
        static const probe pr_[] = {__VA_ARGS__};                                                  \
        check_probes(spec, z, pr_, sizeof pr_ / sizeof pr_[0]);                                    \
    } while (0)

/* power_off_at(now) and its next change, compared with expected ISO instants. */
static void check_next(const char *spec, const tz_zone *z, const char *now, bool off,
                       const char *next)
{
    power_schedule *p = parse(spec);
    int64_t t = at(now), nc = 0;
    bool got = power_off_at(p, t, z, &nc);
    int64_t want = next ? at(next) : t + POWER_HORIZON;
    CHECK_MSG(got == off && nc == want,
              "\"%s\" at %s: off = %d next = %+lld s, expected %d %+lld s", spec, now, got,
              (long long)(nc - t), off, (long long)(want - t));
    power_free(p);
}

/* ---- parsing ------------------------------------------------------------------ */

static void test_parse_errors(void)
{
    static const struct {
        const char *spec, *msg;
    } bad[] = {
        {"25:00-07:00", "rule 1: \"25:00\" is not a time HH:MM"},
        {"23:00-07:00, 25:00-06:00", "rule 2: \"25:00\" is not a time HH:MM"},
        {"23:00-7:60", "rule 1: \"7:60\" is not a time HH:MM"},
        {"23:00-24:01", "rule 1: \"24:01\" is not a time HH:MM"},
        {"23:00-123:00", "rule 1: \"123:00\" is not a time HH:MM"},
        {"23-07", "rule 1: \"23\" is not a time HH:MM"},
        {"24:00-07:00", "rule 1: \"24:00\" can only end a range, not start one"},
        {"23:00", "rule 1: \"23:00\" is not a time range HH:MM-HH:MM"},
        {"23:00-", "rule 1: \"23:00-\" is not a time range HH:MM-HH:MM"},
        {"-07:00", "rule 1: \"-07:00\" is not a time range HH:MM-HH:MM"},
        {"mnday", "rule 1: \"mnday\" is not a day (mon tue wed thu fri sat sun)"},
        {"sat-sun, mon-fir 20:00-22:00",
         "rule 2: \"fir\" is not a day (mon tue wed thu fri sat sun)"},
        {"mon-", "rule 1: \"mon-\" is not a day range like mon-fri"},
        {"-fri", "rule 1: \"-fri\" is not a day range like mon-fri"},
        {"mon-tue-wed", "rule 1: \"tue-wed\" is not a day (mon tue wed thu fri sat sun)"},
        {"23:00-07:00,,sat", "rule 2 is empty (a \",\" too many?)"},
        {"23:00-07:00,", "rule 2 is empty (a \",\" too many?)"},
        {",sat", "rule 1 is empty (a \",\" too many?)"},
        {"sat, \t ,sun", "rule 2 is empty (a \",\" too many?)"},
        {"sat 23:00-07:00 extra",
         "rule 1: \"sat 23:00-07:00 extra\" has too many parts: a rule is [DAYS] [HH:MM-HH:MM]"},
        {"23:00-07:00 sat",
         "rule 1: \"23:00-07:00 sat\" has the time before the days: write the days first"},
        {"mon fri",
         "rule 1: \"mon fri\" has two day parts: write one range (mon-fri) or separate rules "
         "with \",\""},
        {"08:00-09:00 10:00-11:00",
         "rule 1: \"08:00-09:00 10:00-11:00\" has two time ranges: separate rules with \",\""},
        {"mon 7am", "rule 1: \"7am\" is not a time range HH:MM-HH:MM"},
        {"mon xyz",
         "rule 1: \"xyz\" is not a time range HH:MM-HH:MM (a rule is [DAYS] [HH:MM-HH:MM])"},
        {"xyz 20:00-22:00", "rule 1: \"xyz\" is not a day (mon tue wed thu fri sat sun)"},
        {"周六", "rule 1: \"周六\" is not a day (mon tue wed thu fri sat sun)"},
        {"sat\x01", "rule 1: \"sat?\" is not a day (mon tue wed thu fri sat sun)"},
        {"23：00-07：00", "rule 1: \"23：00\" is not a time HH:MM"}, /* full-width colons */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        power_schedule *p = NULL;
        char err[256] = "";
        CHECK_MSG(power_parse(bad[i].spec, &p, err, sizeof err) == -1, "accepted \"%s\"",
                  bad[i].spec);
        CHECK(p == NULL); /* nothing to free on failure */
        CHECK_STR(err, bad[i].msg);
    }

    /* at most POWER_MAX_RULES rules */
    char many[POWER_MAX_RULES * 5 + 8] = "";
    for (int i = 0; i < POWER_MAX_RULES; i++)
        strcat(many, i ? ", sat" : "sat");
    power_free(parse(many));
    strcat(many, ",sun");
    power_schedule *p = NULL;
    char err[256];
    CHECK_INT(power_parse(many, &p, err, sizeof err), -1);
    CHECK_STR(err, "more than 32 rules");

    /* a rule longer than anything real, and hostile length */
    char lng[400];
    memset(lng, 'a', sizeof lng - 1);
    lng[sizeof lng - 1] = '\0';
    CHECK_INT(power_parse(lng, &p, err, sizeof err), -1);
    CHECK_STR(err, "rule 1 is longer than 100 characters");
    /* a small error buffer is still terminated */
    char tiny[8];
    CHECK_INT(power_parse("25:00-07:00", &p, tiny, sizeof tiny), -1);
    CHECK_STR(tiny, "rule 1:");
}

static void test_parse_forms(void)
{
    static const struct {
        const char *spec, *described;
    } ok[] = {
        {"23:00-07:00, sat-sun", "23:00-07:00, sat-sun"},
        {"  23:00-07:00 ,SAT-Sun  ", "23:00-07:00, sat-sun"},
        {"Fri 22:00-8:00", "fri 22:00-08:00"},
        {"monday-friday 9:00-10:00", "mon-fri 09:00-10:00"},
        {"mon - fri\t01:00 -  24:00", "mon-fri 01:00-24:00"},
        {"fri-mon", "fri-mon"},
        {"sun-sat", "sun-sat"},
        {"mon-mon", "mon"},
        {"23:00-00:00", "23:00-24:00"}, /* ending at midnight is ending at 24:00 */
        {"00:00-24:00", "00:00-24:00"},
        {"08:00-08:00", "08:00-08:00"},
        {"wed 12:00-13:00, thu, 22:00-23:00", "wed 12:00-13:00, thu, 22:00-23:00"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        power_schedule *p = parse(ok[i].spec);
        char buf[256];
        CHECK_INT(power_describe(p, buf, sizeof buf), 0);
        CHECK_STR(buf, ok[i].described);
        /* the description reads back to the same schedule */
        power_schedule *q = parse(buf);
        char again[256];
        CHECK_INT(power_describe(q, again, sizeof again), 0);
        CHECK_STR(again, buf);
        CHECK(!power_empty(p));
        power_free(q);
        power_free(p);
    }

    /* nothing: never off */
    const char *empty[] = {"", "   ", "\t", NULL};
    tz_zone *z = zone("Asia/Shanghai");
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        power_schedule *p = parse(empty[i]);
        CHECK(p != NULL);
        CHECK(power_empty(p));
        char buf[32];
        CHECK_INT(power_describe(p, buf, sizeof buf), 0);
        CHECK_STR(buf, "never");
        int64_t t = at("2026-11-24T03:00:00+08:00"), nc = 0;
        CHECK(!power_off_at(p, t, z, &nc));
        CHECK_INT(nc, t + POWER_HORIZON);
        power_free(p);
    }
    CHECK(power_empty(NULL));
    int64_t nc = 0;
    CHECK(!power_off_at(NULL, 1000, z, &nc));
    CHECK_INT(nc, 1000 + POWER_HORIZON);
    CHECK(!power_off_at(NULL, INT64_MAX - 5, z, &nc));
    CHECK_INT(nc, INT64_MAX);
    char buf[32];
    CHECK_INT(power_describe(NULL, buf, sizeof buf), 0);
    CHECK_STR(buf, "never");
    power_free(NULL);

    /* describe into small buffers: -1, terminated, a prefix of the whole */
    power_schedule *p = parse("23:00-07:00, sat-sun");
    for (size_t len = 1; len < 21; len++) {
        char small[32];
        memset(small, 'x', sizeof small);
        CHECK_INT(power_describe(p, small, len), -1);
        CHECK_INT(strlen(small), len - 1);
        CHECK(strncmp(small, "23:00-07:00, sat-sun", len - 1) == 0);
    }
    CHECK_INT(power_describe(p, buf, 21), 0);
    CHECK_INT(power_describe(p, buf, 0), -1);
    power_free(p);
    tz_free(z);
}

/* ---- evaluation --------------------------------------------------------------- */

static void test_every_day(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    PROBES("23:00-07:00", z, {"2026-11-24T22:59:59+08:00", false},
           {"2026-11-24T23:00:00+08:00", true}, {"2026-11-25T00:00:00+08:00", true},
           {"2026-11-25T03:00:00+08:00", true}, {"2026-11-25T06:59:59+08:00", true},
           {"2026-11-25T07:00:00+08:00", false}, {"2026-11-25T12:00:00+08:00", false},
           {"2026-11-28T23:30:00+08:00", true}, /* Saturday too */
           {"2026-11-29T23:30:00+08:00", true}, {"2026-11-30T06:00:00+08:00", true},
           /* the instant is what counts, whatever offset it is written with */
           {"2026-11-24T15:00:00Z", true}, {"2026-11-24T14:59:00Z", false});
    PROBES("12:00-13:00", z, {"2026-11-24T11:59:59+08:00", false},
           {"2026-11-24T12:00:00+08:00", true}, {"2026-11-24T12:59:59+08:00", true},
           {"2026-11-24T13:00:00+08:00", false}, {"2026-11-29T12:30:00+08:00", true});
    /* two rules: off while either says so */
    PROBES("01:00-02:00, 01:30-03:00", z, {"2026-11-24T00:59:00+08:00", false},
           {"2026-11-24T01:45:00+08:00", true}, {"2026-11-24T02:30:00+08:00", true},
           {"2026-11-24T03:00:00+08:00", false});
    /* a range that starts and ends at the same time is a whole 24 hours */
    PROBES("08:00-08:00", z, {"2026-11-24T08:00:00+08:00", true},
           {"2026-11-24T07:59:59+08:00", true}, {"2026-11-24T20:00:00+08:00", true});
    tz_free(z);
}

static void test_days(void)
{
    tz_zone *z = zone("Asia/Shanghai");
    /* 2026-11-23 is a Monday */
    PROBES("sat-sun", z, {"2026-11-27T23:59:59+08:00", false}, {"2026-11-28T00:00:00+08:00", true},
           {"2026-11-28T12:00:00+08:00", true}, {"2026-11-29T23:59:59+08:00", true},
           {"2026-11-30T00:00:00+08:00", false}, {"2026-11-25T12:00:00+08:00", false});
    PROBES("wed", z, {"2026-11-24T23:59:59+08:00", false}, {"2026-11-25T00:00:00+08:00", true},
           {"2026-11-25T23:59:59+08:00", true}, {"2026-11-26T00:00:00+08:00", false});
    /* a day range that wraps over the end of the week */
    PROBES("fri-mon", z, {"2026-11-26T12:00:00+08:00", false}, {"2026-11-27T00:00:00+08:00", true},
           {"2026-11-28T12:00:00+08:00", true}, {"2026-11-29T12:00:00+08:00", true},
           {"2026-11-30T12:00:00+08:00", true}, {"2026-12-01T00:00:00+08:00", false},
           {"2026-11-24T12:00:00+08:00", false});
    PROBES("sun-sat", z, {"2026-11-24T12:00:00+08:00", true}, {"2026-11-28T03:00:00+08:00", true});
    /* days + a range that runs into the next day: Friday 22:00 to Saturday 08:00 */
    PROBES("fri 22:00-08:00", z, {"2026-11-27T21:59:59+08:00", false},
           {"2026-11-27T22:00:00+08:00", true}, {"2026-11-28T01:00:00+08:00", true},
           {"2026-11-28T07:59:59+08:00", true}, {"2026-11-28T08:00:00+08:00", false},
           {"2026-11-28T22:00:00+08:00", false}, /* Saturday evening is not Friday's */
           {"2026-11-27T05:00:00+08:00", false}, /* Friday morning belongs to Thursday */
           {"2026-11-26T23:00:00+08:00", false});
    /* a wrapping day range with a range over midnight */
    PROBES("sat-mon 20:00-06:00", z, {"2026-11-30T22:00:00+08:00", true},
           {"2026-12-01T05:59:00+08:00", true}, /* Tuesday morning: Monday's night */
           {"2026-12-01T06:00:00+08:00", false}, {"2026-12-01T22:00:00+08:00", false},
           {"2026-11-27T22:00:00+08:00", false}, {"2026-11-28T05:00:00+08:00", false},
           {"2026-11-28T20:00:00+08:00", true}, {"2026-11-29T05:00:00+08:00", true});
    /* 24:00 as an end */
    PROBES("22:00-24:00", z, {"2026-11-24T21:59:59+08:00", false},
           {"2026-11-24T23:59:59+08:00", true}, {"2026-11-25T00:00:00+08:00", false});
    PROBES("mon 20:00-24:00", z, {"2026-11-23T23:59:59+08:00", true},
           {"2026-11-24T00:00:00+08:00", false}, {"2026-11-24T23:00:00+08:00", false});
    PROBES("tue 00:00-24:00", z, {"2026-11-24T00:00:00+08:00", true},
           {"2026-11-24T23:59:59+08:00", true}, {"2026-11-25T00:00:00+08:00", false},
           {"2026-11-23T23:59:59+08:00", false});
    /* days, time ranges and whole days together */
    PROBES("23:00-07:00, sat-sun, wed 12:00-13:00", z, {"2026-11-25T12:30:00+08:00", true},
           {"2026-11-26T12:30:00+08:00", false}, {"2026-11-28T15:00:00+08:00", true},
           {"2026-11-30T06:30:00+08:00", true}, {"2026-11-30T07:00:00+08:00", false});
    tz_free(z);
}

static void test_next_change(void)
{
    tz_zone *sh = zone("Asia/Shanghai");
    const char *spec = "23:00-07:00, sat-sun";
    check_next(spec, sh, "2026-11-25T12:00:00+08:00", false, "2026-11-25T23:00:00+08:00");
    check_next(spec, sh, "2026-11-25T23:00:00+08:00", true, "2026-11-26T07:00:00+08:00");
    check_next(spec, sh, "2026-11-26T06:59:59+08:00", true, "2026-11-26T07:00:00+08:00");
    check_next(spec, sh, "2026-11-26T07:00:00+08:00", false, "2026-11-26T23:00:00+08:00");
    /* Friday night runs through the weekend into Monday morning */
    check_next(spec, sh, "2026-11-27T12:00:00+08:00", false, "2026-11-27T23:00:00+08:00");
    check_next(spec, sh, "2026-11-27T23:30:00+08:00", true, "2026-11-30T07:00:00+08:00");
    check_next(spec, sh, "2026-11-29T12:00:00+08:00", true, "2026-11-30T07:00:00+08:00");
    /* days only: a change days away, and one a week away */
    check_next("sat-sun", sh, "2026-11-23T00:00:00+08:00", false, "2026-11-28T00:00:00+08:00");
    check_next("sat-sun", sh, "2026-11-28T00:00:00+08:00", true, "2026-11-30T00:00:00+08:00");
    check_next("mon 12:00-13:00", sh, "2026-11-23T13:00:00+08:00", false,
               "2026-11-30T12:00:00+08:00");
    check_next("fri 22:00-08:00", sh, "2026-11-28T08:00:00+08:00", false,
               "2026-12-04T22:00:00+08:00");
    check_next("fri-mon", sh, "2026-11-26T10:00:00+08:00", false, "2026-11-27T00:00:00+08:00");
    check_next("fri-mon", sh, "2026-11-27T10:00:00+08:00", true, "2026-12-01T00:00:00+08:00");
    /* 24:00 and touching rules: no change where one rule hands over to the next */
    check_next("22:00-24:00, 00:00-06:00", sh, "2026-11-24T22:00:00+08:00", true,
               "2026-11-25T06:00:00+08:00");
    check_next("wed 20:00-24:00, thu", sh, "2026-11-25T21:00:00+08:00", true,
               "2026-11-27T00:00:00+08:00");
    /* never changes: always off, or never off */
    check_next("sun-sat", sh, "2026-11-25T12:00:00+08:00", true, NULL);
    check_next("00:00-24:00", sh, "2026-11-25T12:00:00+08:00", true, NULL);
    check_next("", sh, "2026-11-25T12:00:00+08:00", false, NULL);
    /* a fractional-second "now" is not an issue: the change is on the minute */
    power_schedule *p = parse("23:00-07:00");
    int64_t t = at("2026-11-25T22:59:59+08:00"), nc;
    CHECK(!power_off_at(p, t, sh, &nc));
    CHECK_INT(nc - t, 1);
    CHECK(power_off_at(p, nc, sh, NULL));
    /* absurd instants do not overflow */
    power_off_at(p, INT64_MAX, sh, &nc);
    CHECK_INT(nc, INT64_MAX);
    power_off_at(p, INT64_MIN, sh, &nc);
    CHECK_INT(nc, INT64_MIN + POWER_HORIZON);
    power_free(p);
    tz_free(sh);

    /* Europe/Berlin: DST starts 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z),
     * ends 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z). */
    tz_zone *be = zone("Europe/Berlin");
    /* the night the clocks go forward is an hour shorter */
    check_next("23:00-07:00", be, "2026-03-28T12:00:00+01:00", false, "2026-03-28T23:00:00+01:00");
    check_next("23:00-07:00", be, "2026-03-28T23:00:00+01:00", true, "2026-03-29T07:00:00+02:00");
    check_next("23:00-07:00", be, "2026-03-29T01:59:59+01:00", true, "2026-03-29T07:00:00+02:00");
    /* and the night they go back an hour longer */
    check_next("23:00-07:00", be, "2026-10-24T23:00:00+02:00", true, "2026-10-25T07:00:00+01:00");
    /* a start inside the skipped hour takes effect at the jump */
    check_next("02:30-05:00", be, "2026-03-29T00:00:00+01:00", false, "2026-03-29T03:00:00+02:00");
    check_next("02:30-05:00", be, "2026-03-29T03:00:00+02:00", true, "2026-03-29T05:00:00+02:00");
    check_next("sun 02:30-05:00", be, "2026-03-28T12:00:00+01:00", false,
               "2026-03-29T03:00:00+02:00");
    /* an end inside it, too */
    check_next("01:00-02:30", be, "2026-03-29T01:00:00+01:00", true, "2026-03-29T03:00:00+02:00");
    /* the repeated hour: the wall clock decides, so 02:30-05:00 is off at
     * the first 02:30, on again when 03:00 CEST turns back to 02:00 CET, and
     * off again at the second 02:30 */
    check_next("02:30-05:00", be, "2026-10-25T00:00:00+02:00", false, "2026-10-25T02:30:00+02:00");
    check_next("02:30-05:00", be, "2026-10-25T02:30:00+02:00", true, "2026-10-25T02:00:00+01:00");
    check_next("02:30-05:00", be, "2026-10-25T02:00:00+01:00", false, "2026-10-25T02:30:00+01:00");
    check_next("02:30-05:00", be, "2026-10-25T02:30:00+01:00", true, "2026-10-25T05:00:00+01:00");
    /* a rule around the repeated hour is not disturbed by it */
    check_next("01:00-07:00", be, "2026-10-25T01:00:00+02:00", true, "2026-10-25T07:00:00+01:00");
    /* whole days across a change: Sunday lasts 23 or 25 hours */
    check_next("sun", be, "2026-03-29T00:00:00+01:00", true, "2026-03-30T00:00:00+02:00");
    check_next("sun", be, "2026-10-25T00:00:00+02:00", true, "2026-10-26T00:00:00+01:00");
    /* Berlin and Shanghai see 23:00 at different instants */
    tz_zone *sh2 = zone("Asia/Shanghai");
    int64_t evening = at("2026-11-25T20:00:00Z"); /* 21:00 in Berlin, 04:00 in Shanghai */
    p = parse("23:00-07:00");
    int64_t nb, ns;
    power_off_at(p, evening, be, &nb);
    power_off_at(p, evening, sh2, &ns);
    CHECK_INT(nb, at("2026-11-25T23:00:00+01:00"));
    CHECK_INT(ns, at("2026-11-26T07:00:00+08:00"));
    CHECK(power_off_at(p, evening, sh2, NULL));
    /* a NULL zone is UTC */
    CHECK(power_off_at(p, at("2026-11-25T23:30:00Z"), NULL, NULL));
    CHECK(!power_off_at(p, at("2026-11-25T22:30:00Z"), NULL, NULL));
    power_free(p);
    tz_free(sh2);
    tz_free(be);
}

/* next_change against a scan of every minute (these zones' offsets are
 * whole minutes, so every change falls on a UTC minute). */
static void test_next_change_brute(void)
{
    static const char *const zones[] = {"Europe/Berlin", "Asia/Shanghai"};
    static const char *const specs[] = {
        "23:00-07:00, sat-sun",
        "fri 22:00-08:00",
        "sat-mon 20:00-06:00",
        "02:30-05:00, wed",
        "01:00-03:00, 02:00-04:00, thu 12:00-12:00",
    };
    /* around both 2026 DST changes and a plain week */
    static const char *const starts[] = {"2026-03-26T00:00:00Z", "2026-10-22T00:00:00Z",
                                         "2026-11-23T00:00:00Z"};
    unsigned seed = 12345;
    int mismatches = 0;
    for (size_t zi = 0; zi < 2; zi++) {
        tz_zone *z = zone(zones[zi]);
        for (size_t si = 0; si < sizeof specs / sizeof specs[0]; si++) {
            power_schedule *p = parse(specs[si]);
            for (size_t k = 0; k < 3; k++) {
                for (int n = 0; n < 6; n++) {
                    seed = seed * 1103515245u + 12345u;
                    int64_t t = at(starts[k]) + (int64_t)((seed >> 8) % (6 * 86400));
                    int64_t nc;
                    bool off = power_off_at(p, t, z, &nc);
                    int64_t m = t - ((t % 60) + 60) % 60 + 60, want = t + POWER_HORIZON;
                    for (; m < t + POWER_HORIZON; m += 60)
                        if (power_off_at(p, m, z, NULL) != off) {
                            want = m;
                            break;
                        }
                    if (nc != want && mismatches++ < 10)
                        fprintf(stderr, "\"%s\" in %s from %lld: next %lld, scan %lld\n", specs[si],
                                zones[zi], (long long)t, (long long)nc, (long long)want);
                    CHECK(nc == want);
                }
            }
            power_free(p);
        }
        tz_free(z);
    }
}

/* ---- the panel command runner ------------------------------------------------- */

static char *tmp_file(const char *name)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/power_%s", SIGNAGE_TEST_TMP, name);
    unlink(b);
    return b;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    buf[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Waits up to `seconds` for the file to read exactly `want`. */
static bool wait_for(const char *path, const char *want, double seconds)
{
    double until = monoclock_now() + seconds;
    do {
        if (strcmp(slurp(path), want) == 0) return true;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    } while (monoclock_now() < until);
    return false;
}

static void pause_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static panel *start(const char *on, const char *off, double timeout)
{
    panel *p = NULL;
    char err[256] = "";
    CHECK_MSG(panel_start(on, off, timeout, &p, err, sizeof err) == 0, "%s", err);
    return p;
}

static void test_panel_runs(void)
{
    const char *f = tmp_file("runs");
    char on[4200], off[4200];
    snprintf(on, sizeof on, "echo on >> '%s'", f);
    snprintf(off, sizeof off, "echo off >> '%s'", f);
    panel *p = start(on, off, 0);
    /* the first wanted state always runs: the panel's state is unknown */
    panel_set(p, true);
    CHECK(wait_for(f, "on\n", 5));
    panel_set(p, false);
    CHECK(wait_for(f, "on\noff\n", 5));
    /* the same state again runs nothing */
    panel_set(p, false);
    pause_s(0.2);
    CHECK_STR(slurp(f), "on\noff\n");
    panel_set(p, true);
    CHECK(wait_for(f, "on\noff\non\n", 5));
    panel_stop(p);
    CHECK_STR(slurp(f), "on\noff\non\n");

    /* stdin is /dev/null, and the shell's exit status is only logged */
    const char *g = tmp_file("stdin");
    snprintf(on, sizeof on, "cat > '%s'.in; echo \"$?\" >> '%s'; exit 3", g, g);
    p = start(on, NULL, 0);
    panel_set(p, true);
    CHECK(wait_for(g, "0\n", 5));
    pause_s(0.2);
    CHECK_STR(slurp(g), "0\n"); /* a failure is not retried */
    panel_stop(p);
}

static void test_panel_coalesces(void)
{
    const char *f = tmp_file("coalesce");
    char on[4200], off[4200];
    snprintf(on, sizeof on, "echo on >> '%s'", f);
    snprintf(off, sizeof off, "sleep 0.3; echo off >> '%s'", f);
    panel *p = start(on, off, 0);
    panel_set(p, false);
    pause_s(0.05); /* the off command is running now */
    for (int i = 0; i < 10; i++) {
        panel_set(p, true);
        panel_set(p, false);
    }
    panel_set(p, true);
    /* the running one finishes, then only the last wanted state runs */
    CHECK(wait_for(f, "off\non\n", 5));
    pause_s(0.2);
    CHECK_STR(slurp(f), "off\non\n");

    /* toggles that end where they started run nothing more */
    panel_set(p, false);
    panel_set(p, true);
    pause_s(0.6);
    const char *s = slurp(f);
    CHECK(strcmp(s, "off\non\n") == 0 || strcmp(s, "off\non\noff\non\n") == 0);
    panel_stop(p);
}

static bool process_gone(long pid)
{
    char path[64], stat[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return true;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *paren = strrchr(stat, ')');
    return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'); /* a zombie is dead */
}

static void test_panel_timeout(void)
{
    const char *f = tmp_file("timeout"), *pidf = tmp_file("timeout.pid");
    char on[4200], off[4200];
    snprintf(on, sizeof on, "echo on >> '%s'", f);
    /* a child of the shell too, so the whole group must be killed */
    snprintf(off, sizeof off, "sleep 60 & echo $! > '%s'; wait; echo off >> '%s'", pidf, f);
    panel *p = start(on, off, 0.3);
    double t0 = monoclock_now();
    panel_set(p, false);
    for (int i = 0; i < 500 && !*slurp(pidf); i++)
        pause_s(0.01);
    panel_set(p, true); /* waits for the stuck one, which is killed at 0.3 s */
    CHECK(wait_for(f, "on\n", 5));
    double took = monoclock_now() - t0;
    CHECK_MSG(took >= 0.25 && took < 3, "took %.2f s", took);
    long pid = atol(slurp(pidf));
    CHECK(pid > 1);
    bool gone = false;
    for (int i = 0; i < 200 && !gone; i++) {
        gone = process_gone(pid);
        if (!gone) pause_s(0.01);
    }
    CHECK_MSG(gone, "sleep %ld still runs", pid);
    panel_stop(p);
    CHECK_STR(slurp(f), "on\n");

    /* panel_stop() does not wait for a stuck command, whatever the timeout */
    snprintf(off, sizeof off, "sleep 60 & echo $! > '%s'; wait", pidf);
    unlink(pidf);
    p = start(NULL, off, 0);
    panel_set(p, false);
    for (int i = 0; i < 500 && !*slurp(pidf); i++)
        pause_s(0.01);
    pid = atol(slurp(pidf));
    CHECK(pid > 1);
    t0 = monoclock_now();
    panel_stop(p);
    took = monoclock_now() - t0;
    CHECK_MSG(took < 1.5, "panel_stop took %.2f s", took);
    gone = false;
    for (int i = 0; i < 200 && !gone; i++) {
        gone = pid > 1 && process_gone(pid);
        if (!gone) pause_s(0.01);
    }
    CHECK_MSG(gone, "sleep %ld still runs", pid);
}

static void test_panel_empty(void)
{
    /* no command at all: no thread, every call a no-op */
    panel *p = start(NULL, "", 0);
    CHECK(p != NULL);
    panel_set(p, true);
    panel_set(p, false);
    panel_stop(p);
    panel_set(NULL, true);
    panel_stop(NULL);

    /* only an on command: going off runs nothing */
    const char *f = tmp_file("onlyon");
    char on[4200];
    snprintf(on, sizeof on, "echo on >> '%s'", f);
    p = start(on, "", 0);
    panel_set(p, false);
    pause_s(0.2);
    CHECK_STR(slurp(f), "");
    panel_set(p, true);
    CHECK(wait_for(f, "on\n", 5));
    panel_set(p, false);
    panel_set(p, true);
    pause_s(0.2);
    panel_stop(p);
    CHECK(strcmp(slurp(f), "on\n") == 0 || strcmp(slurp(f), "on\non\n") == 0);

    /* a command the shell cannot find: logged, nothing else */
    p = start("/nonexistent/cec-ctl --standby", NULL, 0);
    panel_set(p, true);
    pause_s(0.2);
    panel_stop(p);
}

int main(void)
{
    test_parse_errors();
    test_parse_forms();
    test_every_day();
    test_days();
    test_next_change();
    test_next_change_brute();
    test_panel_runs();
    test_panel_coalesces();
    test_panel_timeout();
    test_panel_empty();
    return check_done("power");
}

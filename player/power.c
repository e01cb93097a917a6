/* power.c - the screen_off schedule: parsing, evaluation, the next change.
 *
 * Whether the screen is off is a function of the local wall clock alone
 * (weekday, minute), so it can change only where the wall clock reaches a
 * rule's start or end, or midnight (a new weekday), or where the zone's UTC
 * offset jumps.  power_off_at() walks exactly those candidates, as
 * schedule_next_change() does, so its answer is the exact instant. */
#include "power.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

/* Same bound as tz.c: keeps t + offset and day arithmetic far from overflow. */
#define POWER_T_LIMIT INT64_C(10000000000000)
/* Safety net for the walk; 8 days of candidates are at most
 * 8 * (2 * POWER_MAX_RULES + 1) plus the offset changes. */
#define POWER_MAX_STEPS 4096
#define POWER_MAX_RULE_LEN 100 /* bytes of one rule; real ones are < 30 */
#define ALL_DAYS 0x7f

typedef struct power_rule {
    int first_day, last_day; /* 0 = Sunday .. 6; -1 = no days given (every day) */
    uint8_t days;            /* bit d set = the off period starts on wday d */
    bool has_time;
    int from, to; /* minutes since local midnight: 0..1439 and 1..1440; to <= from ends
                   * the next day.  Whole days (no time given) are 0-1440. */
} power_rule;

struct power_schedule {
    size_t n;
    power_rule rules[POWER_MAX_RULES];
};

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static int64_t floordiv(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Text from the config quoted back in a message: printable, short. */
static void show(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    for (; *s && o + 4 < outlen; s++)
        out[o++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    if (*s) {
        while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
            o--; /* never end on half a UTF-8 character */
        if (o > 0 && (unsigned char)out[o - 1] >= 0xc0) o--;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

/* "rule N: \"token\" text" */
static int fail(char *err, size_t errlen, int rule, const char *token, const char *text)
{
    char shown[POWER_MAX_RULE_LEN + 8];
    show(token, shown, sizeof shown);
    snprintf(err, errlen, "rule %d: \"%s\" %s", rule, shown, text);
    return -1;
}

static uint8_t day_mask(int first, int last)
{
    uint8_t m = 0;
    for (int d = first;; d = (d + 1) % 7) {
        m |= (uint8_t)(1u << d);
        if (d == last) return m;
    }
}

static int parse_days(char *tok, power_rule *r, int rule, char *err, size_t errlen)
{
    static const char *const what = "is not a day (mon tue wed thu fri sat sun)";
    char *dash = strchr(tok, '-');
    if (dash && (dash == tok || !dash[1]))
        return fail(err, errlen, rule, tok, "is not a day range like mon-fri");
    if (dash) *dash = '\0';
    if (schedule_parse_day(tok, &r->first_day) != 0) return fail(err, errlen, rule, tok, what);
    r->last_day = r->first_day;
    if (dash && schedule_parse_day(dash + 1, &r->last_day) != 0)
        return fail(err, errlen, rule, dash + 1, what);
    r->days = day_mask(r->first_day, r->last_day);
    return 0;
}

static int parse_times(char *tok, power_rule *r, int rule, char *err, size_t errlen)
{
    char *dash = strchr(tok, '-');
    if (!dash || dash == tok || !dash[1])
        return fail(err, errlen, rule, tok, "is not a time range HH:MM-HH:MM");
    *dash = '\0';
    const char *end = dash + 1;
    if (schedule_parse_clock(tok, 0, &r->from) != 0) {
        int m;
        if (schedule_parse_clock(tok, 1, &m) == 0)
            return fail(err, errlen, rule, tok, "can only end a range, not start one");
        return fail(err, errlen, rule, tok, "is not a time HH:MM");
    }
    if (schedule_parse_clock(end, 1, &r->to) != 0)
        return fail(err, errlen, rule, end, "is not a time HH:MM");
    if (r->to == 0) r->to = 1440; /* ending at 00:00 is ending at midnight: the same instant */
    r->has_time = true;
    return 0;
}

/* Which part a token is meant to be, to say what is wrong with it. */
static bool looks_like_time(const char *tok)
{
    return (*tok >= '0' && *tok <= '9') || strchr(tok, ':');
}

/* One rule, text [s, s + len): blanks around '-' are dropped ("mon - fri"),
 * other blank runs separate the day part from the time part. */
static int parse_rule(const char *s, size_t len, power_rule *r, int rule, char *err, size_t errlen)
{
    char buf[POWER_MAX_RULE_LEN + 1];
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        char c = s[i++];
        if (is_blank(c)) {
            while (i < len && is_blank(s[i]))
                i++;
            if (o == 0 || i == len || buf[o - 1] == '-' || s[i] == '-') continue;
        }
        if (o == POWER_MAX_RULE_LEN) {
            snprintf(err, errlen, "rule %d is longer than %d characters", rule, POWER_MAX_RULE_LEN);
            return -1;
        }
        buf[o++] = is_blank(c) ? ' ' : c;
    }
    buf[o] = '\0';
    if (o == 0) {
        snprintf(err, errlen, "rule %d is empty (a \",\" too many?)", rule);
        return -1;
    }
    memset(r, 0, sizeof *r);
    r->first_day = r->last_day = -1;
    r->days = ALL_DAYS;
    r->from = 0;
    r->to = 1440;
    char *second = strchr(buf, ' ');
    if (!second)
        return looks_like_time(buf) ? parse_times(buf, r, rule, err, errlen)
                                    : parse_days(buf, r, rule, err, errlen);
    if (strchr(second + 1, ' '))
        return fail(err, errlen, rule, buf, "has too many parts: a rule is [DAYS] [HH:MM-HH:MM]");
    *second = '\0';
    bool time1 = looks_like_time(buf), time2 = looks_like_time(second + 1);
    *second = ' '; /* the whole rule is quoted in the messages below */
    if (time1 && time2)
        return fail(err, errlen, rule, buf, "has two time ranges: separate rules with \",\"");
    if (time1)
        return fail(err, errlen, rule, buf, "has the time before the days: write the days first");
    if (!time2) {
        power_rule tmp;
        char copy[POWER_MAX_RULE_LEN + 1], discard[8];
        snprintf(copy, sizeof copy, "%s", second + 1);
        if (parse_days(copy, &tmp, rule, discard, sizeof discard) == 0)
            return fail(err, errlen, rule, buf,
                        "has two day parts: write one range (mon-fri) or separate rules "
                        "with \",\"");
    }
    *second++ = '\0';
    if (parse_days(buf, r, rule, err, errlen) != 0) return -1;
    if (!time2)
        return fail(err, errlen, rule, second,
                    "is not a time range HH:MM-HH:MM (a rule is [DAYS] [HH:MM-HH:MM])");
    return parse_times(second, r, rule, err, errlen);
}

int power_parse(const char *spec, power_schedule **out, char *err, size_t errlen)
{
    if (!spec) spec = "";
    power_schedule *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (spec[strspn(spec, " \t")] == '\0') {
        *out = p; /* blank: never off */
        return 0;
    }
    int rule = 1;
    for (const char *s = spec;; rule++) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (p->n == POWER_MAX_RULES) {
            snprintf(err, errlen, "more than %d rules", POWER_MAX_RULES);
            free(p);
            return -1;
        }
        if (parse_rule(s, len, &p->rules[p->n], rule, err, errlen) != 0) {
            free(p);
            return -1;
        }
        p->n++;
        if (!comma) break;
        s = comma + 1;
    }
    *out = p;
    return 0;
}

void power_free(power_schedule *p)
{
    free(p);
}

bool power_empty(const power_schedule *p)
{
    return !p || p->n == 0;
}

static bool starts_on(const power_rule *r, int wday)
{
    return r->days & (1u << wday);
}

/* The schedule at one wall-clock minute of a weekday. */
static bool off_wall(const power_schedule *p, int wday, int minute)
{
    int yesterday = (wday + 6) % 7;
    for (size_t i = 0; i < p->n; i++) {
        const power_rule *r = &p->rules[i];
        if (r->from < r->to) {
            if (minute >= r->from && minute < r->to && starts_on(r, wday)) return true;
        } else {
            /* Runs into the next day: the part after midnight belongs to the
             * day it started on. */
            if (minute >= r->from && starts_on(r, wday)) return true;
            if (minute < r->to && starts_on(r, yesterday)) return true;
        }
    }
    return false;
}

static bool off_at(const power_schedule *p, int64_t t, const tz_zone *zone, int32_t *offset)
{
    tz_local lt;
    tz_to_local(zone, t, &lt);
    if (offset) *offset = lt.utc_offset;
    return off_wall(p, lt.wday, lt.hour * 60 + lt.min);
}

static int32_t offset_at(const tz_zone *zone, int64_t t)
{
    tz_local lt;
    tz_to_local(zone, t, &lt);
    return lt.utc_offset;
}

/* The first instant after t at which the wall clock, running at offset
 * `off`, reaches a minute where some rule starts or ends, or midnight. */
static int64_t next_boundary(const power_schedule *p, int64_t t, int32_t off)
{
    int64_t local = t + off;
    int64_t day = floordiv(local, 86400);
    int64_t sod = local - day * 86400, best = 86400;
    for (size_t i = 0; i < p->n; i++) {
        int b[2] = {p->rules[i].from, p->rules[i].to};
        for (int k = 0; k < 2; k++) {
            int64_t s = b[k] * INT64_C(60);
            if (b[k] > 0 && b[k] < 1440 && s > sod && s < best) best = s;
        }
    }
    return day * 86400 + best - off;
}

bool power_off_at(const power_schedule *p, int64_t utc, const tz_zone *zone, int64_t *next_change)
{
    if (power_empty(p)) {
        if (next_change)
            *next_change = utc > INT64_MAX - POWER_HORIZON ? INT64_MAX : utc + POWER_HORIZON;
        return false;
    }
    int32_t off;
    bool now = off_at(p, utc, zone, &off);
    if (!next_change) return now;
    int64_t limit = utc > INT64_MAX - POWER_HORIZON ? INT64_MAX : utc + POWER_HORIZON;
    *next_change = limit;
    if (utc < -POWER_T_LIMIT || utc > POWER_T_LIMIT)
        return now; /* far outside any calendar a screen runs in */
    int64_t t = utc;
    for (int step = 0; step < POWER_MAX_STEPS; step++) {
        int64_t c = next_boundary(p, t, off);
        if (offset_at(zone, c) != off) {
            /* The offset changed in (t, c]: find its first second, where the
             * wall clock jumps.  (Two changes within one day would hide the
             * first; no zone has those.) */
            int64_t lo = t, hi = c;
            while (hi - lo > 1) {
                int64_t mid = lo + (hi - lo) / 2;
                if (offset_at(zone, mid) == off)
                    lo = mid;
                else
                    hi = mid;
            }
            c = hi;
        }
        if (c >= limit) return now;
        if (off_at(p, c, zone, &off) != now) {
            *next_change = c;
            return now;
        }
        t = c;
    }
    *next_change = t; /* early, never late: the caller just asks again then */
    return now;
}

/* Appends to buf[len] at *o; false once it no longer fits. */
static bool put(char *buf, size_t len, size_t *o, const char *s)
{
    size_t n = strlen(s);
    if (*o + n >= len) {
        size_t room = len - *o - 1;
        memcpy(buf + *o, s, room);
        *o += room;
        buf[*o] = '\0';
        return false;
    }
    memcpy(buf + *o, s, n + 1);
    *o += n;
    return true;
}

int power_describe(const power_schedule *p, char *buf, size_t len)
{
    if (len == 0) return -1;
    size_t o = 0;
    buf[0] = '\0';
    if (power_empty(p)) return put(buf, len, &o, "never") ? 0 : -1;
    for (size_t i = 0; i < p->n; i++) {
        const power_rule *r = &p->rules[i];
        char part[32];
        size_t n = 0;
        part[0] = '\0';
        if (r->first_day >= 0 && r->first_day == r->last_day)
            n += (size_t)snprintf(part, sizeof part, "%s", day_names[r->first_day]);
        else if (r->first_day >= 0)
            n += (size_t)snprintf(part, sizeof part, "%s-%s", day_names[r->first_day],
                                  day_names[r->last_day]);
        if (r->has_time)
            snprintf(part + n, sizeof part - n, "%s%02d:%02d-%02d:%02d", n ? " " : "", r->from / 60,
                     r->from % 60, r->to / 60, r->to % 60);
        if ((i > 0 && !put(buf, len, &o, ", ")) || !put(buf, len, &o, part)) return -1;
    }
    return 0;
}

/* schedule.c - on-air policy: a UTC window plus days/hours in local wall time.
 *
 * The days/hours part is a function of the local wall clock only, so it can
 * change value only where the wall clock crosses a range boundary or
 * midnight, or where the zone's UTC offset jumps (a DST change can skip us
 * into or out of a range).  schedule_next_change() walks exactly those
 * candidates instead of polling minute by minute. */
#include "schedule.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Same bound as tz.c: keeps t + offset and day arithmetic far from overflow. */
#define SCHEDULE_T_LIMIT INT64_C(10000000000000)
/* Safety net for next_change's walk; a real zone ends it after ~8 days of
 * candidates (at most 2 * SCHEDULE_MAX_HOURS + 1 a day). */
#define SCHEDULE_MAX_STEPS 4096
#define WEEK (7 * INT64_C(86400))

void schedule_init(schedule *s)
{
    memset(s, 0, sizeof *s);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Exactly n digits at *p (a NUL stops it: the string is never overrun). */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Consumes the single character c, or fails without moving past a NUL. */
static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

int schedule_parse_instant(const char *s, int64_t *utc)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strnlen(s, 65) > 64)
        return -1;
    const char *p = s;
    int y, mo, d, h, mi, sec = 0;
    if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
        digits(&p, 2, &d))
        return -1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi))
        return -1;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec))
            return -1;
        if (*p == '.' || *p == ',') { /* fractions are accepted and dropped */
            p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            while (isdigit((unsigned char)*p))
                p++;
        }
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 ||
        mi > 59 || sec > 60)
        return -1;
    int off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return -1; /* an instant without an offset is ambiguous: refused */
    }
    if (*p)
        return -1;
    /* sec == 60 (a leap second) lands on the next minute's first second */
    *utc = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 0;
}

int schedule_parse_day(const char *name, int *wday)
{
    static const char *const days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
    if (!name)
        return -1;
    size_t n = strnlen(name, 10);
    for (int i = 0; i < 7; i++)
        if ((n == 3 && strncasecmp(name, days[i], 3) == 0) || strcasecmp(name, days[i]) == 0) {
            *wday = i;
            return 0;
        }
    return -1;
}

int schedule_parse_clock(const char *s, int allow_2400, int *minutes)
{
    if (!s)
        return -1;
    const char *p = s;
    int h, m;
    size_t hd = strspn(s, "0123456789");
    if (hd != 1 && hd != 2)
        return -1;
    if (digits(&p, (int)hd, &h) || expect(&p, ':') || digits(&p, 2, &m) || *p)
        return -1;
    if (h == 24 && m == 0 && allow_2400) {
        *minutes = 1440;
        return 0;
    }
    if (h > 23 || m > 59)
        return -1;
    *minutes = h * 60 + m;
    return 0;
}

static size_t n_hours(const schedule *s)
{
    return s->n_hours < SCHEDULE_MAX_HOURS ? s->n_hours : SCHEDULE_MAX_HOURS;
}

static bool day_ok(const schedule *s, int wday)
{
    return s->days == 0 || (s->days & (1u << wday));
}

static bool in_window(const schedule *s, int64_t utc)
{
    return (!s->has_start || utc >= s->start) && (!s->has_end || utc < s->end);
}

/* The days/hours part, from the local wall clock alone. */
static bool wall_on(const schedule *s, const tz_local *lt)
{
    size_t n = n_hours(s);
    if (n == 0)
        return day_ok(s, lt->wday);
    int now = lt->hour * 60 + lt->min;
    int yesterday = (lt->wday + 6) % 7;
    for (size_t i = 0; i < n; i++) {
        const schedule_hours *h = &s->hours[i];
        if (h->from_min < h->to_min) {
            if (now >= h->from_min && now < h->to_min && day_ok(s, lt->wday))
                return true;
        } else if (h->from_min > h->to_min) {
            /* Crosses midnight: the part after midnight belongs to yesterday. */
            if (now >= h->from_min && day_ok(s, lt->wday))
                return true;
            if (now < h->to_min && day_ok(s, yesterday))
                return true;
        }
        /* from == to: an empty range, never on air */
    }
    return false;
}

bool schedule_on_air(const schedule *s, int64_t utc, const tz_zone *zone)
{
    if (!in_window(s, utc))
        return false;
    if (s->days == 0 && s->n_hours == 0)
        return true;
    tz_local lt;
    tz_to_local(zone, utc, &lt);
    return wall_on(s, &lt);
}

/* The first instant after t at which the wall clock, running at offset
 * `off`, reaches a minute where some range starts or ends, or midnight. */
static int64_t next_boundary(const schedule *s, int64_t t, int32_t off)
{
    int64_t local = t + off;
    int64_t day = floordiv(local, 86400);
    int64_t sod = local - day * 86400, best = 86400;
    size_t n = n_hours(s);
    for (size_t i = 0; i < n; i++) {
        int b[2] = {s->hours[i].from_min, s->hours[i].to_min};
        for (int k = 0; k < 2; k++) {
            /* ranges compare whole minutes 0..1439, so only 1..1439 can flip them */
            if (b[k] > 0 && b[k] < 1440 && b[k] * INT64_C(60) > sod && b[k] * INT64_C(60) < best)
                best = b[k] * INT64_C(60);
        }
    }
    return day * 86400 + best - off;
}

static int32_t offset_at(const tz_zone *zone, int64_t t, tz_local *lt)
{
    tz_to_local(zone, t, lt);
    return lt->utc_offset;
}

int64_t schedule_next_change(const schedule *s, int64_t utc, const tz_zone *zone, int64_t horizon)
{
    if (horizon < 0)
        horizon = 0;
    int64_t limit = utc > INT64_MAX - horizon ? INT64_MAX : utc + horizon;
    if (utc < -SCHEDULE_T_LIMIT || utc > SCHEDULE_T_LIMIT)
        return limit; /* far outside any calendar we schedule in */
    bool now = schedule_on_air(s, utc, zone);
    int64_t t = utc;
    if (s->has_end && t >= s->end)
        return limit; /* over for good */
    if (!now && s->has_start && t < s->start) {
        /* nothing can turn on before the window opens */
        if (s->start >= limit)
            return limit;
        if (schedule_on_air(s, s->start, zone))
            return s->start;
        t = s->start;
    }
    /* From here on t is inside the window, so on air == wall_on until end. */
    if (s->days == 0 && s->n_hours == 0)
        return s->has_end && s->end < limit ? s->end : limit;

    tz_local lt;
    int32_t off = offset_at(zone, t, &lt);
    int64_t quiet_since = t; /* on air constant and the offset unchanged since */
    for (int step = 0; step < SCHEDULE_MAX_STEPS; step++) {
        int64_t c = next_boundary(s, t, off);
        if (offset_at(zone, c, &lt) != off) {
            /* The offset changed in (t, c]: find the first second of the new
             * one; the wall clock jumps there.  (Two changes cancelling out
             * within a day would be missed; no zone has those.) */
            int64_t lo = t, hi = c;
            while (hi - lo > 1) {
                int64_t mid = lo + (hi - lo) / 2;
                if (offset_at(zone, mid, &lt) == off)
                    lo = mid;
                else
                    hi = mid;
            }
            c = hi;
            quiet_since = c;
        }
        if (s->has_end && c > s->end)
            c = s->end;
        if (c >= limit)
            return limit;
        if (schedule_on_air(s, c, zone) != now)
            return c;
        if (s->has_end && c >= s->end)
            return limit; /* was off, and the window has closed */
        t = c;
        off = offset_at(zone, t, &lt);
        if (t - quiet_since >= WEEK) {
            /* A whole week of wall clock at one offset has shown every
             * (weekday, minute) once without a change, so days/hours never
             * change; only the end of the window can. */
            return now && s->has_end && s->end < limit ? s->end : limit;
        }
    }
    return t; /* a candidate where nothing changed: early, which the contract allows */
}

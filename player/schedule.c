#include "schedule.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

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

int schedule_parse_instant(const char *s, int64_t *utc)
{
    const char *p = s;
    int y, mo, d, h, mi, sec = 0;
    if (strlen(s) > 64 || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
        *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
        return -1;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec))
            return -1;
        if (*p == '.' || *p == ',') {
            p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            while (isdigit((unsigned char)*p))
                p++;
        }
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
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
    *utc = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 0;
}

int schedule_parse_day(const char *name, int *wday)
{
    static const char *const days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
    size_t n = strlen(name);
    for (int i = 0; i < 7; i++)
        if ((n == 3 && strncasecmp(name, days[i], 3) == 0) || strcasecmp(name, days[i]) == 0) {
            *wday = i;
            return 0;
        }
    return -1;
}

int schedule_parse_clock(const char *s, int allow_2400, int *minutes)
{
    const char *p = s;
    int h, m;
    size_t hd = strspn(s, "0123456789");
    if (hd != 1 && hd != 2)
        return -1;
    if (digits(&p, (int)hd, &h) || *p++ != ':' || digits(&p, 2, &m) || *p)
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

static bool day_ok(const schedule *s, int wday)
{
    return s->days == 0 || (s->days & (1u << wday));
}

bool schedule_on_air(const schedule *s, int64_t utc, const tz_zone *zone)
{
    if ((s->has_start && utc < s->start) || (s->has_end && utc >= s->end))
        return false;
    if (s->days == 0 && s->n_hours == 0)
        return true;
    tz_local lt;
    tz_to_local(zone, utc, &lt);
    int now = lt.hour * 60 + lt.min;
    int yesterday = (lt.wday + 6) % 7;
    if (s->n_hours == 0)
        return day_ok(s, lt.wday);
    for (size_t i = 0; i < s->n_hours; i++) {
        const schedule_hours *h = &s->hours[i];
        if (h->from_min < h->to_min) {
            if (now >= h->from_min && now < h->to_min && day_ok(s, lt.wday))
                return true;
        } else if (h->from_min > h->to_min) {
            /* Crosses midnight: belongs to the day it starts on. */
            if (now >= h->from_min && day_ok(s, lt.wday))
                return true;
            if (now < h->to_min && day_ok(s, yesterday))
                return true;
        }
        /* from == to: an empty range, never on air */
    }
    return false;
}

int64_t schedule_next_change(const schedule *s, int64_t utc, const tz_zone *zone, int64_t horizon)
{
    int64_t limit = utc + horizon;
    bool now = schedule_on_air(s, utc, zone);
    int64_t best = limit;
    if (s->has_start && s->start > utc && s->start < best)
        best = s->start;
    if (s->has_end && s->end > utc && s->end < best)
        best = s->end;
    if (s->days == 0 && s->n_hours == 0)
        return best;
    /* Days and hours change only at whole local minutes: step through them
     * (a week of minutes at most), which stays right across DST changes. */
    int64_t t = utc - ((utc % 60) + 60) % 60 + 60;
    for (int i = 0; i < 7 * 24 * 60 && t < best; i++, t += 60)
        if (schedule_on_air(s, t, zone) != now)
            return t;
    return best;
}

#include "tz.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck.h"

#define TZ_MAX_FILE (1u << 20)

typedef struct tz_rule {
    int kind;   /* 'J' Julian 1..365 no leap day, 'N' zero-based day, 'M' month.week.day */
    int m, w, d; /* for M; d also the day for J/N */
    int time;   /* seconds after local midnight (may be negative or > 24h) */
} tz_rule;

struct tz_zone {
    char name[64];
    size_t n_trans;
    int64_t *trans;
    uint8_t *idx;
    size_t n_types;
    int32_t *utoff;
    uint8_t *isdst;
    /* POSIX TZ footer, for instants after the last transition */
    bool has_footer, footer_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    tz_rule start, end;
};

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- POSIX TZ strings ---------------------------------------------------- */

static const char *parse_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q && q - p >= 4 ? q + 1 : NULL;
    }
    const char *q = p;
    while (isalpha((unsigned char)*q))
        q++;
    return q - p >= 3 ? q : NULL;
}

/* [+-]hh[:mm[:ss]]; returns seconds, sets *ok. hours up to 167 (v3). */
static const char *parse_hms(const char *p, int max_h, int *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)*p))
        return NULL;
    int h = 0, m = 0, s = 0;
    while (isdigit((unsigned char)*p) && h <= max_h)
        h = h * 10 + (*p++ - '0');
    if (h > max_h)
        return NULL;
    if (*p == ':') {
        p++;
        if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
            return NULL;
        m = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
        if (*p == ':') {
            p++;
            if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
                return NULL;
            s = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        }
    }
    if (m > 59 || s > 59)
        return NULL;
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *parse_num(const char *p, int lo, int hi, int *out)
{
    if (!isdigit((unsigned char)*p))
        return NULL;
    int v = 0;
    while (isdigit((unsigned char)*p) && v <= hi)
        v = v * 10 + (*p++ - '0');
    if (v < lo || v > hi)
        return NULL;
    *out = v;
    return p;
}

static const char *parse_rule(const char *p, tz_rule *r)
{
    memset(r, 0, sizeof *r);
    if (*p == 'J') {
        r->kind = 'J';
        p = parse_num(p + 1, 1, 365, &r->d);
    } else if (*p == 'M') {
        r->kind = 'M';
        p = parse_num(p + 1, 1, 12, &r->m);
        if (p && *p == '.')
            p = parse_num(p + 1, 1, 5, &r->w);
        else
            p = NULL;
        if (p && *p == '.')
            p = parse_num(p + 1, 0, 6, &r->d);
        else
            p = NULL;
    } else {
        r->kind = 'N';
        p = parse_num(p, 0, 365, &r->d);
    }
    if (!p)
        return NULL;
    r->time = 7200;
    if (*p == '/')
        p = parse_hms(p + 1, 167, &r->time);
    return p;
}

static int parse_posix(tz_zone *z, const char *s)
{
    const char *p = parse_name(s);
    int off;
    if (!p || !(p = parse_hms(p, 24, &off)))
        return -1;
    z->std_off = -off; /* POSIX offsets are west-positive */
    z->has_footer = true;
    if (!*p)
        return 0;
    if (!(p = parse_name(p)))
        return -1;
    z->footer_dst = true;
    z->dst_off = z->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_hms(p, 24, &off)))
            return -1;
        z->dst_off = -off;
    }
    if (*p != ',') {
        /* DST without a rule: the US rules are POSIX's default */
        z->start = (tz_rule){'M', 3, 2, 0, 7200};
        z->end = (tz_rule){'M', 11, 1, 0, 7200};
        return *p ? -1 : 0;
    }
    if (!(p = parse_rule(p + 1, &z->start)) || *p != ',' || !(p = parse_rule(p + 1, &z->end)))
        return -1;
    return *p ? -1 : 0;
}

/* Local seconds since the epoch of a rule's moment in year y. */
static int64_t rule_local(const tz_rule *r, int y)
{
    int64_t day;
    if (r->kind == 'J') {
        day = days_from_civil(y, 1, 1) + r->d - 1;
        if (leap(y) && r->d >= 60)
            day++;
    } else if (r->kind == 'N') {
        day = days_from_civil(y, 1, 1) + r->d;
    } else {
        int64_t first = days_from_civil(y, r->m, 1);
        int wd = (int)((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
        int64_t d = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = mdays[r->m - 1] + (r->m == 2 && leap(y));
        while (d >= first + len)
            d -= 7;
        day = d;
    }
    return day * 86400 + r->time;
}

static int32_t footer_offset(const tz_zone *z, int64_t t, bool *dst)
{
    *dst = false;
    if (!z->footer_dst)
        return z->std_off;
    int y, m, d;
    civil_from_days(floordiv(t + z->std_off, 86400), &y, &m, &d);
    /* Check the year before as well: a southern-hemisphere DST period
     * started last year may still be running. */
    for (int yy = y - 1; yy <= y; yy++) {
        int64_t start = rule_local(&z->start, yy) - z->std_off;
        int64_t end = rule_local(&z->end, yy) - z->dst_off;
        if (start < end) {
            if (yy == y && t >= start && t < end)
                *dst = true;
        } else {
            int64_t next_end = rule_local(&z->end, yy + 1) - z->dst_off;
            if (t >= start && t < next_end)
                *dst = true;
        }
    }
    return *dst ? z->dst_off : z->std_off;
}

/* ---- TZif ------------------------------------------------------------------ */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int parse_tzif(tz_zone *z, const uint8_t *b, size_t len)
{
    if (len < 44 || memcmp(b, "TZif", 4) != 0)
        return -1;
    int version = b[4];
    size_t pos = 0;
    int pass = 0;
    for (;;) {
        if (len - pos < 44 || memcmp(b + pos, "TZif", 4) != 0)
            return -1;
        const uint8_t *h = b + pos + 20;
        uint32_t isutcnt = be32(h), isstdcnt = be32(h + 4), leapcnt = be32(h + 8),
                 timecnt = be32(h + 12), typecnt = be32(h + 16), charcnt = be32(h + 20);
        size_t tsz = pass == 0 ? 4 : 8;
        if (timecnt > 100000 || typecnt == 0 || typecnt > 256 || charcnt > 100000 ||
            leapcnt > 100000 || isutcnt > 256 || isstdcnt > 256)
            return -1;
        size_t body = (size_t)timecnt * tsz + timecnt + (size_t)typecnt * 6 + charcnt +
                      (size_t)leapcnt * (tsz + 4) + isstdcnt + isutcnt;
        pos += 44;
        if (len - pos < body)
            return -1;
        if (pass == 0 && version >= '2') {
            pos += body;
            pass = 1;
            continue;
        }
        const uint8_t *p = b + pos;
        z->trans = malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
        z->idx = malloc(timecnt ? timecnt : 1);
        z->utoff = malloc(typecnt * sizeof *z->utoff);
        z->isdst = malloc(typecnt);
        if (!z->trans || !z->idx || !z->utoff || !z->isdst)
            return -1;
        for (uint32_t i = 0; i < timecnt; i++)
            z->trans[i] = tsz == 4 ? (int32_t)be32(p + i * 4) : be64(p + i * 8);
        p += (size_t)timecnt * tsz;
        for (uint32_t i = 0; i < timecnt; i++) {
            if (p[i] >= typecnt)
                return -1;
            z->idx[i] = p[i];
        }
        p += timecnt;
        for (uint32_t i = 0; i < typecnt; i++) {
            int32_t off = (int32_t)be32(p + i * 6);
            if (off < -25 * 3600 || off > 26 * 3600)
                return -1;
            z->utoff[i] = off;
            z->isdst[i] = p[i * 6 + 4];
        }
        z->n_trans = timecnt;
        z->n_types = typecnt;
        pos += body;
        if (pass == 1 && len - pos >= 2 && b[pos] == '\n') {
            const uint8_t *end = memchr(b + pos + 1, '\n', len - pos - 1);
            if (end && end - (b + pos + 1) < 128) {
                char footer[128];
                size_t n = (size_t)(end - (b + pos + 1));
                memcpy(footer, b + pos + 1, n);
                footer[n] = '\0';
                if (n && parse_posix(z, footer) != 0)
                    z->has_footer = false; /* unusable: stay with the table */
            }
        }
        return 0;
    }
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 60 || name[0] == '/' || strstr(name, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!(isalnum((unsigned char)c) || c == '/' || c == '_' || c == '+' || c == '-'))
            return false;
    }
    return true;
}

int tz_load(const char *name, const char *zoneinfo_dir, tz_zone **out, char *err, size_t errlen)
{
    if (!name_ok(name)) {
        snprintf(err, errlen, "\"%.80s\" is not a timezone name like Asia/Shanghai", name);
        return -1;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", zoneinfo_dir ? zoneinfo_dir : "/usr/share/zoneinfo",
             name);
    char *data;
    size_t len;
    char why[600];
    if (deck_read_file(path, TZ_MAX_FILE, &data, &len, why, sizeof why) != 0) {
        if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC")) {
            *out = tz_fixed(0); /* a system without tzdata still knows UTC */
            if (*out) {
                snprintf((*out)->name, sizeof (*out)->name, "%s", name);
                return 0;
            }
        }
        snprintf(err, errlen, "unknown timezone \"%s\" (%s)", name, why);
        return -1;
    }
    tz_zone *z = calloc(1, sizeof *z);
    if (!z) {
        free(data);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(z->name, sizeof z->name, "%s", name);
    int r = parse_tzif(z, (const uint8_t *)data, len);
    free(data);
    if (r != 0) {
        tz_free(z);
        snprintf(err, errlen, "%s is not a valid TZif file", path);
        return -1;
    }
    *out = z;
    return 0;
}

tz_zone *tz_fixed(int utc_offset_seconds)
{
    tz_zone *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->has_footer = true;
    z->std_off = utc_offset_seconds;
    int a = utc_offset_seconds < 0 ? -utc_offset_seconds : utc_offset_seconds;
    snprintf(z->name, sizeof z->name, "UTC%c%02d:%02d", utc_offset_seconds < 0 ? '-' : '+',
             a / 3600, a / 60 % 60);
    return z;
}

void tz_free(tz_zone *z)
{
    if (!z)
        return;
    free(z->trans);
    free(z->idx);
    free(z->utoff);
    free(z->isdst);
    free(z);
}

const char *tz_name(const tz_zone *z)
{
    return z->name;
}

static int32_t offset_at(const tz_zone *z, int64_t t)
{
    bool dst;
    if (z->n_trans == 0 || t < z->trans[0]) {
        if (z->n_trans == 0 && z->has_footer)
            return footer_offset(z, t, &dst);
        for (size_t i = 0; i < z->n_types; i++)
            if (!z->isdst[i])
                return z->utoff[i];
        return z->n_types ? z->utoff[0] : 0;
    }
    if (t >= z->trans[z->n_trans - 1] && z->has_footer)
        return footer_offset(z, t, &dst);
    size_t lo = 0, hi = z->n_trans - 1; /* trans[lo] <= t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return z->utoff[z->idx[lo]];
}

void tz_to_local(const tz_zone *z, int64_t utc, tz_local *out)
{
    int32_t off = offset_at(z, utc);
    int64_t local = utc + off;
    int64_t days = floordiv(local, 86400);
    int64_t secs = local - days * 86400;
    civil_from_days(days, &out->year, &out->mon, &out->mday);
    out->hour = (int)(secs / 3600);
    out->min = (int)(secs / 60 % 60);
    out->sec = (int)(secs % 60);
    out->wday = (int)(((days + 4) % 7 + 7) % 7);
    out->utc_offset = off;
}

/* tz.c - TZif (RFC 8536) reader and UTC -> local conversion.
 *
 * Everything here is pure arithmetic on the loaded table: no localtime(),
 * gmtime(), mktime() or TZ, so several zones can coexist in one process and
 * the result does not depend on the C library's idea of the calendar. */
#include "tz.h"

#include "fileio.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZ_MAX_FILE (1u << 20) /* real zone files are < 4 KiB; anything huge is not one */
#define TZ_MAX_TIMES 100000u
#define TZ_MAX_TYPES 256u
#define TZ_MAX_CHARS 100000u
#define TZ_MAX_LEAPS 100000u
#define TZ_MAX_FOOTER 128
#define TZ_MAX_NAME 60
/* Instants are clamped to +-10^13 s (about 300,000 years) so that adding an
 * offset or turning days into seconds can never overflow, whatever a caller
 * passes.  Real answers are only needed for a few centuries around now. */
#define TZ_T_LIMIT INT64_C(10000000000000)

typedef struct tz_rule {
    int kind;    /* 'J' Julian 1..365 without Feb 29, 'N' zero-based day 0..365, 'M' m.w.d */
    int m, w, d; /* month, week 1..5 (5 = last), weekday for M; d is the day for J/N */
    int time;    /* seconds after local midnight, -167h..167h (RFC 8536 v3) */
} tz_rule;

struct tz_zone {
    char name[TZ_MAX_NAME + 4];
    size_t n_trans;
    int64_t *trans; /* ascending */
    uint8_t *idx;   /* type index per transition, < n_types */
    size_t n_types;
    int32_t *utoff;
    uint8_t *isdst;
    /* POSIX TZ footer, for instants after the last transition */
    bool has_footer, footer_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    tz_rule start, end;       /* DST starts at `start` (standard time), ends at `end` (DST) */
};

/* ---- civil calendar (H. Hinnant, "chrono-compatible low-level date algorithms") ---- */

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

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t clamp_t(int64_t t)
{
    return t < -TZ_T_LIMIT ? -TZ_T_LIMIT : t > TZ_T_LIMIT ? TZ_T_LIMIT : t;
}

/* ---- POSIX TZ strings (the TZif footer) ----------------------------------- */

static const char *parse_abbr(const char *p)
{
    if (*p == '<') {
        const char *q = p + 1;
        while (isalnum((unsigned char)*q) || *q == '+' || *q == '-')
            q++;
        return *q == '>' && q - p - 1 >= 3 ? q + 1 : NULL;
    }
    const char *q = p;
    while (isalpha((unsigned char)*q))
        q++;
    return q - p >= 3 ? q : NULL;
}

/* [+-]h[h][:mm[:ss]] with hours 0..max_h; the value in seconds goes to *out. */
static const char *parse_hms(const char *p, int max_h, int *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)*p))
        return NULL;
    int h = 0, m = 0, s = 0;
    while (isdigit((unsigned char)*p) && h <= max_h) /* stops before h can overflow */
        h = h * 10 + (*p++ - '0');
    if (h > max_h || isdigit((unsigned char)*p))
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
    if (v < lo || v > hi || isdigit((unsigned char)*p))
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
        p = p && *p == '.' ? parse_num(p + 1, 1, 5, &r->w) : NULL;
        p = p && *p == '.' ? parse_num(p + 1, 0, 6, &r->d) : NULL;
    } else {
        r->kind = 'N';
        p = parse_num(p, 0, 365, &r->d);
    }
    if (!p)
        return NULL;
    r->time = 7200; /* POSIX default: 02:00 */
    if (*p == '/')
        p = parse_hms(p + 1, 167, &r->time);
    return p;
}

/* Fills the footer fields of z from s; returns -1 (z's footer fields then
 * meaningless) when s is not a TZ string we fully understand. */
static int parse_posix(tz_zone *z, const char *s)
{
    const char *p = parse_abbr(s);
    int off;
    if (!p || !(p = parse_hms(p, 24, &off)))
        return -1;
    z->std_off = -off; /* POSIX offsets are west-positive */
    z->footer_dst = false;
    if (!*p)
        return 0;
    if (!(p = parse_abbr(p)))
        return -1;
    z->footer_dst = true;
    z->dst_off = z->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_hms(p, 24, &off)))
            return -1;
        z->dst_off = -off;
    }
    if (*p != ',') {
        /* DST without rules: POSIX leaves it to the implementation; glibc
         * and tzcode use the US rules. */
        z->start = (tz_rule){'M', 3, 2, 0, 7200};
        z->end = (tz_rule){'M', 11, 1, 0, 7200};
        return *p ? -1 : 0;
    }
    if (!(p = parse_rule(p + 1, &z->start)) || *p != ',' || !(p = parse_rule(p + 1, &z->end)))
        return -1;
    return *p ? -1 : 0;
}

/* Seconds since the epoch, in local wall-clock terms, of a rule's moment in year y. */
static int64_t rule_local(const tz_rule *r, int y)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t jan1 = days_from_civil(y, 1, 1), day;
    if (r->kind == 'J') {
        day = jan1 + r->d - 1;
        if (is_leap(y) && r->d >= 60) /* Jn never counts February 29 */
            day++;
    } else if (r->kind == 'N') {
        day = jan1 + r->d;
    } else {
        int64_t first = days_from_civil(y, r->m, 1);
        int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
        int64_t d = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
        int len = mdays[r->m - 1] + (r->m == 2 && is_leap(y));
        while (d >= first + len) /* week 5 means "the last one" */
            d -= 7;
        day = d;
    }
    return day * 86400 + r->time;
}

static int32_t footer_offset(const tz_zone *z, int64_t t)
{
    if (!z->footer_dst)
        return z->std_off;
    int y, m, d;
    civil_from_days(floordiv(t + z->std_off, 86400), &y, &m, &d);
    /* Each year's DST period runs from its start to the next end after it;
     * that end may fall in the following year (southern hemisphere, or
     * Dublin's negative "DST" in winter), and rule times beyond 24 h can push
     * a start across New Year, so look at the neighbouring years as well. */
    for (int yy = y - 1; yy <= y + 1; yy++) {
        int64_t start = rule_local(&z->start, yy) - z->std_off;
        int64_t end = rule_local(&z->end, yy) - z->dst_off;
        if (end <= start)
            end = rule_local(&z->end, yy + 1) - z->dst_off;
        if (t >= start && t < end)
            return z->dst_off;
    }
    return z->std_off;
}

/* ---- TZif ----------------------------------------------------------------- */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads the data block that starts at b[*pos] (header included) into z, or
 * only skips it when `load` is false.  Every count is checked against the
 * bytes actually present before anything is read or allocated. */
static int parse_block(tz_zone *z, const uint8_t *b, size_t len, size_t *pos, size_t tsz,
                       bool load)
{
    if (len - *pos < 44 || memcmp(b + *pos, "TZif", 4) != 0)
        return -1;
    const uint8_t *h = b + *pos + 20;
    uint32_t isutcnt = be32(h), isstdcnt = be32(h + 4), leapcnt = be32(h + 8),
             timecnt = be32(h + 12), typecnt = be32(h + 16), charcnt = be32(h + 20);
    if (timecnt > TZ_MAX_TIMES || typecnt == 0 || typecnt > TZ_MAX_TYPES ||
        charcnt > TZ_MAX_CHARS || leapcnt > TZ_MAX_LEAPS || (isutcnt && isutcnt != typecnt) ||
        (isstdcnt && isstdcnt != typecnt))
        return -1;
    uint64_t body = (uint64_t)timecnt * tsz + timecnt + (uint64_t)typecnt * 6 + charcnt +
                    (uint64_t)leapcnt * (tsz + 4) + isstdcnt + isutcnt;
    *pos += 44;
    if (len - *pos < body)
        return -1;
    const uint8_t *p = b + *pos;
    *pos += (size_t)body;
    if (!load)
        return 0;

    z->trans = malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
    z->idx = malloc(timecnt ? timecnt : 1);
    z->utoff = malloc(typecnt * sizeof *z->utoff);
    z->isdst = malloc(typecnt);
    if (!z->trans || !z->idx || !z->utoff || !z->isdst)
        return -1;
    for (uint32_t i = 0; i < timecnt; i++) {
        z->trans[i] = tsz == 4 ? (int32_t)be32(p + i * 4) : be64(p + i * 8);
        if (i && z->trans[i] <= z->trans[i - 1]) /* the lookup is a binary search */
            return -1;
    }
    p += (size_t)timecnt * tsz;
    for (uint32_t i = 0; i < timecnt; i++) {
        if (p[i] >= typecnt)
            return -1;
        z->idx[i] = p[i];
    }
    p += timecnt;
    for (uint32_t i = 0; i < typecnt; i++) {
        int32_t off = (int32_t)be32(p + i * 6);
        /* RFC 8536 forbids -2^31; real offsets stay within a day */
        if (off < -25 * 3600 || off > 26 * 3600 || p[i * 6 + 4] > 1 || p[i * 6 + 5] >= charcnt)
            return -1;
        z->utoff[i] = off;
        z->isdst[i] = p[i * 6 + 4];
    }
    z->n_trans = timecnt;
    z->n_types = typecnt;
    return 0;
}

static int parse_tzif(tz_zone *z, const uint8_t *b, size_t len)
{
    if (len < 44 || memcmp(b, "TZif", 4) != 0)
        return -1;
    int version = b[4];
    if (version != 0 && (version < '2' || version > '9'))
        return -1;
    size_t pos = 0;
    if (version == 0) /* v1: 32-bit data, no footer */
        return parse_block(z, b, len, &pos, 4, true);
    /* v2+: skip the v1 block, use the 64-bit one and its footer */
    if (parse_block(z, b, len, &pos, 4, false) != 0 || parse_block(z, b, len, &pos, 8, true) != 0)
        return -1;
    if (len - pos < 2 || b[pos] != '\n')
        return -1; /* the footer's newlines are mandatory in v2+ */
    const uint8_t *nl = memchr(b + pos + 1, '\n', len - pos - 1);
    if (!nl)
        return -1;
    size_t n = (size_t)(nl - (b + pos + 1));
    char footer[TZ_MAX_FOOTER];
    if (n == 0 || n >= sizeof footer || memchr(b + pos + 1, '\0', n))
        return 0; /* no (usable) footer: the table's last type rules the future */
    memcpy(footer, b + pos + 1, n);
    footer[n] = '\0';
    z->has_footer = parse_posix(z, footer) == 0;
    return 0;
}

static bool name_ok(const char *name)
{
    size_t n = strnlen(name, TZ_MAX_NAME + 1);
    if (n == 0 || n > TZ_MAX_NAME || name[0] == '/' || strstr(name, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!(isalnum((unsigned char)c) || c == '/' || c == '_' || c == '+' || c == '-'))
            return false;
    }
    return true;
}

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen,
                                                          const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int tz_load(const char *name, const char *zoneinfo_dir, tz_zone **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!name || !name_ok(name)) {
        set_err(err, errlen, "\"%.80s\" is not a timezone name like Asia/Shanghai",
                name ? name : "(null)");
        return -1;
    }
    char path[4096];
    const char *dir = zoneinfo_dir ? zoneinfo_dir : "/usr/share/zoneinfo";
    int pn = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (pn < 0 || (size_t)pn >= sizeof path) {
        set_err(err, errlen, "timezone path for \"%s\" is too long", name);
        return -1;
    }
    char *text = NULL;
    size_t len = 0;
    char why[700];
    if (fileio_read(path, TZ_MAX_FILE, FILEIO_REGULAR, &text, &len, why, sizeof why) != 0) {
        if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC")) {
            /* a system without tzdata still knows UTC */
            tz_zone *u = tz_fixed(0);
            if (u) {
                snprintf(u->name, sizeof u->name, "%s", name);
                *out = u;
                return 0;
            }
        }
        set_err(err, errlen, "unknown timezone \"%s\" (%s)", name, why);
        return -1;
    }
    tz_zone *z = calloc(1, sizeof *z);
    if (!z) {
        free(text);
        set_err(err, errlen, "out of memory loading timezone \"%s\"", name);
        return -1;
    }
    snprintf(z->name, sizeof z->name, "%s", name);
    int r = parse_tzif(z, (const uint8_t *)text, len);
    free(text);
    if (r != 0) {
        tz_free(z);
        set_err(err, errlen, "%s is not a valid TZif file", path);
        return -1;
    }
    *out = z;
    return 0;
}

tz_zone *tz_fixed(int utc_offset_seconds)
{
    /* Clamped like the offsets a TZif file may hold; keeps -INT_MIN away too. */
    int off = utc_offset_seconds < -25 * 3600  ? -25 * 3600
              : utc_offset_seconds > 26 * 3600 ? 26 * 3600
                                               : utc_offset_seconds;
    tz_zone *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->has_footer = true;
    z->std_off = off;
    int a = off < 0 ? -off : off;
    if (a % 60)
        snprintf(z->name, sizeof z->name, "UTC%c%02d:%02d:%02d", off < 0 ? '-' : '+', a / 3600,
                 a / 60 % 60, a % 60);
    else
        snprintf(z->name, sizeof z->name, "UTC%c%02d:%02d", off < 0 ? '-' : '+', a / 3600,
                 a / 60 % 60);
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
    return z ? z->name : "UTC";
}

static int32_t offset_at(const tz_zone *z, int64_t t)
{
    if (z->n_trans == 0 || t < z->trans[0]) {
        if (z->n_trans == 0 && z->has_footer)
            return footer_offset(z, t);
        /* Before the first transition: the first standard-time type, as
         * glibc and tzcode do (type 0 is often LMT or a DST type in old files). */
        for (size_t i = 0; i < z->n_types; i++)
            if (!z->isdst[i])
                return z->utoff[i];
        return z->n_types ? z->utoff[0] : 0;
    }
    if (t >= z->trans[z->n_trans - 1] && z->has_footer)
        return footer_offset(z, t);
    size_t lo = 0, hi = z->n_trans - 1; /* invariant: trans[lo] <= t */
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
    utc = clamp_t(utc);
    int32_t off = z ? offset_at(z, utc) : 0; /* no zone: UTC rather than a crash */
    int64_t local = utc + off;
    int64_t days = floordiv(local, 86400);
    int64_t secs = local - days * 86400;
    civil_from_days(days, &out->year, &out->mon, &out->mday);
    out->hour = (int)(secs / 3600);
    out->min = (int)(secs / 60 % 60);
    out->sec = (int)(secs % 60);
    out->wday = (int)(((days + 4) % 7 + 7) % 7); /* day 0 was a Thursday */
    out->utc_offset = off;
}

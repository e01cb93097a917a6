/* tz.h - time zones from the system's TZif files, without touching the
 * process-wide TZ variable.
 *
 * The display's timezone ("Asia/Shanghai") comes from the manifest; days and
 * hours in schedules are evaluated in it.  glibc's localtime_r() only knows
 * one zone per process (the TZ environment variable), so we read the zone's
 * TZif file (RFC 8536, version 2+: 64-bit transitions plus the POSIX TZ
 * footer for instants after the last transition) once, at deck load, and
 * convert instants with pure functions afterwards.
 *
 * Ownership: tz_load() returns a zone the caller frees with tz_free().
 */
#ifndef SIGNAGE_TZ_H
#define SIGNAGE_TZ_H

#include <stddef.h>
#include <stdint.h>

typedef struct tz_zone tz_zone;

/* Broken-down local time.  Fields as in struct tm but with real numbers:
 * year = 2026, mon = 1..12, mday = 1..31, wday = 0 (Sunday) .. 6 (Saturday). */
typedef struct tz_local {
    int year, mon, mday, hour, min, sec, wday;
    int utc_offset; /* seconds east of UTC in effect at that instant */
} tz_local;

/* Loads zone `name` (e.g. "Asia/Shanghai", "UTC") from `zoneinfo_dir`
 * (NULL = "/usr/share/zoneinfo").  Names containing "..", starting with '/'
 * or holding characters other than [A-Za-z0-9/_+-] are refused.
 * Returns 0 and sets *out, or -1 with a message in err[errlen]. */
int tz_load(const char *name, const char *zoneinfo_dir, tz_zone **out, char *err, size_t errlen);

/* A fixed-offset zone (used for "UTC" when no zoneinfo exists, and in tests). */
tz_zone *tz_fixed(int utc_offset_seconds);

void tz_free(tz_zone *z);

/* Name the zone was loaded with ("UTC+08:00" style for fixed zones). */
const char *tz_name(const tz_zone *z);

/* Converts the instant `utc` (seconds since the epoch) to local time. */
void tz_to_local(const tz_zone *z, int64_t utc, tz_local *out);

#endif

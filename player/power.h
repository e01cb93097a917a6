/* power.h - when the screen is dark: the display power schedule.  Pure
 * policy, no clock reads, no SDL.
 *
 * The schedule comes from the config key `screen_off`, e.g.
 *   screen_off = 23:00-07:00, sat-sun
 * Rules are separated by ","; the screen is off while any rule says so.
 * Each rule is [DAYS] [HH:MM-HH:MM], at least one of the two:
 *   DAYS   a day (mon tue wed thu fri sat sun; full English names too;
 *          case-insensitive) or a range of days "mon-fri"; a range may wrap
 *          ("fri-mon" = fri sat sun mon);
 *   times  "23:00-07:00": 1 or 2 digit hours; "24:00" only as an end.
 *   23:00-07:00       every day, from 23:00 until 07:00 the next morning;
 *   sat-sun           the whole of those days (00:00-24:00);
 *   fri 22:00-08:00   starts on those days at the first time and ends at the
 *                     second, on the next day when end <= start (this one
 *                     ends Saturday 08:00; "fri 08:00-08:00" is 24 hours).
 * Each rule stands alone: "mon, wed 20:00-22:00" is all of Monday plus
 * Wednesday evening.  An empty (or blank) spec: never off.
 * Times are the display's local wall clock, as in schedule.h: on a DST day
 * an off period is shorter or longer in real time, and a boundary inside
 * the hour that is skipped or repeated takes effect at the jump.
 *
 * Policy: this is the schedule alone.  An emergency alert on air overrides
 * it and lights the screen (the render loop decides that, not this module).
 *
 * Ownership: power_parse() returns a schedule the caller frees with
 * power_free().  Every function here accepts NULL for "never off".
 */
#ifndef SIGNAGE_POWER_H
#define SIGNAGE_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

#define POWER_MAX_RULES 32
/* How far power_off_at() looks for the next change: a week shows every
 * (weekday, minute) once, the extra day covers a rule running past the end. */
#define POWER_HORIZON (8 * INT64_C(86400))

typedef struct power_schedule power_schedule;

/* Parses `spec` (NULL = ""); returns 0 and sets *out, or -1 with a message
 * naming what was wrong and the rule it is in, e.g.
 *   rule 2: "25:00" is not a time HH:MM
 * in err[errlen] (the caller adds file, line and key). */
int power_parse(const char *spec, power_schedule **out, char *err, size_t errlen);

void power_free(power_schedule *p); /* NULL is fine */

/* Should the screen be off at instant `utc` (seconds since the epoch) in
 * `zone` (the display's; NULL = UTC)?  When next_change is not NULL it gets
 * the first instant after utc at which the answer differs, or
 * utc + POWER_HORIZON when it stays the same that long (then ask again). */
bool power_off_at(const power_schedule *p, int64_t utc, const tz_zone *zone, int64_t *next_change);

/* A normalized, human-readable form for --info and logs, which power_parse()
 * reads back to the same schedule: "sat-sun, mon-fri 23:00-07:00", or
 * "never" for an empty one (the only form it does not read back).
 * Returns 0, or -1 when buf[len] was too small (still NUL-terminated). */
int power_describe(const power_schedule *p, char *buf, size_t len);

/* True when the schedule has no rules (never off). */
bool power_empty(const power_schedule *p);

#endif

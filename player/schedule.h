/* schedule.h - when is something on air?  Pure policy, no clock reads.
 *
 * A schedule comes from the manifest's SCHEDULE fields:
 *   "start"/"end": ISO-8601 instants with an offset ("2026-11-24T08:00:00+08:00");
 *                  on air while start <= now < end (each bound optional);
 *   "days":  ["mon","tue",...] - days of the week, in the display's timezone;
 *   "hours": [{"from":"08:00","to":"18:00"}, ...] - local time ranges,
 *            from <= t < to; "to" may be "24:00"; a range with to < from
 *            crosses midnight (22:00-06:00) and belongs to the day it starts
 *            on, so days=["fri"] + 22:00-02:00 is on air Saturday 01:00;
 *            from == to is an empty range (never on air): all day is
 *            00:00-24:00.  Hours compare the local wall clock, so on a DST
 *            day a range may be shorter or longer, or skipped, in real time.
 * Absent parts mean "always".  Every part must hold for the item to be on air.
 */
#ifndef SIGNAGE_SCHEDULE_H
#define SIGNAGE_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

#define SCHEDULE_MAX_HOURS 16

typedef struct schedule_hours {
    int from_min; /* minutes since local midnight, 0..1439 */
    int to_min;   /* 1..1440; < from_min means the range crosses midnight */
} schedule_hours;

typedef struct schedule {
    bool has_start, has_end;
    int64_t start, end; /* UTC seconds */
    uint8_t days;       /* bit d set = on air on wday d (0 = Sunday); 0 = every day */
    size_t n_hours;     /* 0 = all day */
    schedule_hours hours[SCHEDULE_MAX_HOURS];
} schedule;

/* An empty schedule (always on air). */
void schedule_init(schedule *s);

/* Is the item on air at instant `utc` in zone `zone`? */
bool schedule_on_air(const schedule *s, int64_t utc, const tz_zone *zone);

/* Parsers for the manifest's fields.  Each returns 0 on success, -1 on a
 * malformed value (the caller reports which field). */
int schedule_parse_instant(const char *iso8601, int64_t *utc); /* offset required: Z or +hh:mm */
int schedule_parse_day(const char *name, int *wday);           /* "mon".."sun" (also full English names), case-insensitive */
int schedule_parse_clock(const char *hhmm, int allow_2400, int *minutes); /* "08:00", "8:00", "24:00" */

/* The next instant after `utc` (at most `horizon` seconds later) at which
 * schedule_on_air() may change value; used by the player to sleep until the
 * set on air changes.  Returns utc + horizon when nothing changes before.
 * Normally the exact instant of the change; it may return earlier (never
 * later) in pathological cases, so callers just evaluate again then. */
int64_t schedule_next_change(const schedule *s, int64_t utc, const tz_zone *zone, int64_t horizon);

#endif

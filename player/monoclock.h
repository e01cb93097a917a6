/* monoclock.h - seconds on the monotonic clock, for timeouts and intervals
 * measured by the network threads (never the wall clock, which NTP moves). */
#ifndef SIGNAGE_MONOCLOCK_H
#define SIGNAGE_MONOCLOCK_H

#include <time.h>

static inline double monoclock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif

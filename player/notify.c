#include "notify.h"

#include <stdint.h>
#include <stdio.h>

#include <systemd/sd-daemon.h>

static void send_state(const char *head, const char *status)
{
    char msg[600];
    if (status)
        snprintf(msg, sizeof msg, "%s%sSTATUS=%s", head, head[0] ? "\n" : "", status);
    else
        snprintf(msg, sizeof msg, "%s", head);
    /* Failure is not ours to handle: without systemd listening there is
     * nobody to tell, and the player plays on either way. */
    (void)sd_notify(0, msg);
}

void notify_ready(const char *status)
{
    send_state("READY=1", status);
}

void notify_status(const char *status)
{
    if (status) send_state("", status);
}

void notify_stopping(void)
{
    send_state("STOPPING=1", NULL);
}

void notify_watchdog_init(notify_watchdog *wd, double now)
{
    uint64_t usec = 0;
    wd->interval = sd_watchdog_enabled(0, &usec) > 0 && usec > 0 ? (double)usec / 2e6 : 0;
    wd->last = now;
}

bool notify_watchdog_tick(notify_watchdog *wd, double now)
{
    if (wd->interval <= 0 || now - wd->last < wd->interval) return false;
    wd->last = now;
    (void)sd_notify(0, "WATCHDOG=1");
    return true;
}

double notify_watchdog_wait(const notify_watchdog *wd, double now, double cap)
{
    if (wd->interval <= 0) return cap;
    double left = wd->last + wd->interval - now;
    if (left < 0) left = 0;
    return left < cap ? left : cap;
}

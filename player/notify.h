/* notify.h - telling systemd how the service is doing (sd_notify(3)).
 *
 * The player's unit is Type=notify with WatchdogSec=: systemd counts the
 * player as started once it has presented its first frame (notify_ready),
 * and restarts it when the render loop stops pinging the watchdog, i.e.
 * when the thread that puts pictures on the screen hangs.  Pings come from
 * that loop and nowhere else: a ping from any other thread would keep a
 * frozen screen alive.
 *
 * Outside systemd (no $NOTIFY_SOCKET) every call is a cheap no-op, so tests
 * and a technician's shell run the same code.  Each call is one datagram on
 * a socket systemd owns; none touches a file.
 */
#ifndef SIGNAGE_NOTIFY_H
#define SIGNAGE_NOTIFY_H

#include <stdbool.h>

/* READY=1 with a STATUS= line ("showing 12 slides"); NULL = none. */
void notify_ready(const char *status);
/* STATUS= only: what `systemctl status` shows under the unit. */
void notify_status(const char *status);
/* STOPPING=1: an orderly exit, not a crash. */
void notify_stopping(void);

typedef struct notify_watchdog {
    double interval; /* seconds between pings; 0 = no watchdog configured */
    double last;     /* monotonic time of the last ping */
} notify_watchdog;

/* Reads the watchdog timeout systemd gave this process ($WATCHDOG_USEC,
 * for our pid) and pings at half of it, as sd_watchdog_enabled(3) advises.
 * `now` is monotonic seconds. */
void notify_watchdog_init(notify_watchdog *wd, double now);
/* WATCHDOG=1 when half the timeout has passed since the last ping.
 * Returns true when it pinged. */
bool notify_watchdog_tick(notify_watchdog *wd, double now);
/* The longest the caller may sleep between ticks (seconds), or `cap`. */
double notify_watchdog_wait(const notify_watchdog *wd, double now, double cap);

#endif

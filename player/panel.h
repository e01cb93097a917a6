/* panel.h - the optional panel commands: tell the TV or monitor itself to
 * go to standby and to wake (HDMI-CEC, DDC/CI), best effort, on a thread of
 * its own so the render loop never waits for them.
 *
 * The commands are `screen_off_command` and `screen_on_command` from the
 * local config file only; the content server can never set them, since
 * they run as shell commands with the player's rights.  Each runs as
 * `/bin/sh -c CMD` in a process group of its own, with stdin from
 * /dev/null and stdout/stderr inherited (so the journal gets them), no
 * other descriptor of the player, default signal handling.  One runs at a
 * time; one still running after `timeout` seconds is killed (SIGKILL, the
 * whole group) and logged.  Every exit status is logged.
 *
 * panel_set() only records the wanted state: the worker runs the command
 * of the latest wanted state when it differs from the last one it ran, so
 * quick toggles coalesce (on, off, on while a command runs: at most one
 * more command, and the last one run is the last one wanted).  The first
 * panel_set() after panel_start() always runs its command, since the state
 * the panel was left in by an earlier run of the player is unknown.  A
 * command that fails is not retried: the next change of state runs again.
 * A state with no command (NULL or "") runs nothing.
 *
 * The player blanks the screen itself whatever the panel does: many TVs
 * ignore CEC standby, so these commands only save power where they work.
 *
 * Ownership: panel_start() copies the commands; panel_stop() frees.
 */
#ifndef SIGNAGE_PANEL_H
#define SIGNAGE_PANEL_H

#include <stdbool.h>
#include <stddef.h>

#define PANEL_TIMEOUT 10.0 /* seconds a command may take (CEC answers in < 1 s) */

typedef struct panel panel;

/* Starts the worker (none when both commands are empty: every call is then
 * a no-op).  timeout <= 0 means PANEL_TIMEOUT.  Returns 0 and sets *out, or
 * -1 with a message in err[errlen]. */
int panel_start(const char *on_cmd, const char *off_cmd, double timeout, panel **out, char *err,
                size_t errlen);

/* Records the wanted state and wakes the worker; never waits for a command,
 * safe from the render thread.  NULL is fine. */
void panel_set(panel *p, bool on);

/* Stops the worker: a command still running gets 0.2 s to finish, then is
 * killed; a wanted state not yet run is dropped.  Returns within about a
 * second whatever the command does (a process stuck in the kernel is left
 * behind, logged).  NULL is fine. */
void panel_stop(panel *p);

#endif

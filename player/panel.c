/* panel.c - runs screen_on_command / screen_off_command on a worker thread.
 *
 * The worker waits for the child by polling waitpid() between short waits
 * on its condition variable, so a stop request is seen within a few
 * milliseconds however long the command takes; SIGCHLD is never touched,
 * so nothing here depends on or disturbs the process's signal setup. */
#include "panel.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monoclock.h"

#define PANEL_POLL 0.01 /* seconds between looks at a running child */
/* How long to wait for a killed command to be reaped: one stuck in the
 * kernel (a CEC ioctl in uninterruptible sleep) dies only when it leaves
 * it, and panel_stop() must not wait for that. */
#define PANEL_REAP_WAIT 1.0
/* A command that is finishing as the player stops (the off command at
 * shutdown) gets this long before it is killed. */
#define PANEL_STOP_GRACE 0.2

#if defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
#define PANEL_HAVE_CLOSEFROM 1
#endif
#endif

enum { UNKNOWN = -1 };

struct panel {
    char *cmd[2]; /* [0] off, [1] on; NULL = nothing to run */
    double timeout;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int want, ran; /* 0 off, 1 on, UNKNOWN; under mu */
    bool stop;     /* under mu */
    bool active;   /* a worker was started */
    pthread_t thread;
};

static const char *const key_names[2] = {"screen_off_command", "screen_on_command"};

/* Waits on the condition variable until `seconds` have passed or stop is
 * set; returns the stop flag. */
static bool nap(panel *p, double seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    long long ns = (long long)(seconds * 1e9) + until.tv_nsec;
    until.tv_sec += (time_t)(ns / 1000000000);
    until.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&p->mu);
    while (!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &until) != ETIMEDOUT) {
    }
    bool stop = p->stop;
    pthread_mutex_unlock(&p->mu);
    return stop;
}

static int spawn(const char *cmd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    if (posix_spawn_file_actions_init(&fa) != 0) return ENOMEM;
    if (posix_spawnattr_init(&at) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return ENOMEM;
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
#ifdef PANEL_HAVE_CLOSEFROM
    /* a command left running must not hold the player's sockets or DRM device */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    /* its own process group, so a timeout kills what the shell started too */
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
    char *const argv[] = {"sh", "-c", (char *)cmd, NULL};
    int rc = posix_spawn(pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

/* Polls for the child for up to `seconds`: 1 reaped (status set), 0 still
 * running, -1 lost (reaped elsewhere, e.g. SIGCHLD ignored). */
static int reap(pid_t pid, int *status, double seconds, panel *p, bool watch_stop)
{
    double until = monoclock_now() + seconds;
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid) return 1;
        if (w < 0 && errno != EINTR) return -1;
        if (monoclock_now() >= until) return 0;
        if (watch_stop) {
            if (nap(p, PANEL_POLL)) return 0;
        } else {
            struct timespec ts = {0, (long)(PANEL_POLL * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
}

static void run(panel *p, int state)
{
    const char *name = key_names[state], *cmd = p->cmd[state];
    double t0 = monoclock_now();
    pid_t pid;
    int rc = spawn(cmd, &pid);
    if (rc != 0) {
        log_msg(LOG_WARN, "%s: cannot run /bin/sh: %s", name, strerror(rc));
        return;
    }
    int status = 0;
    int r = reap(pid, &status, p->timeout, p, true);
    if (r == 0) {
        pthread_mutex_lock(&p->mu);
        bool stopping = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stopping && (r = reap(pid, &status, PANEL_STOP_GRACE, p, false)) != 0) {
            log_msg(LOG_INFO, "%s: finished as the player stopped", name);
            return;
        }
        kill(-pid, SIGKILL);
        if (stopping)
            log_msg(LOG_WARN, "%s: still running when the player stopped; killed", name);
        else
            log_msg(LOG_WARN, "%s: still running after %g s; killed (%s)", name, p->timeout, cmd);
        if (reap(pid, &status, PANEL_REAP_WAIT, p, false) != 1)
            log_msg(LOG_WARN, "%s: process %ld does not die; left behind", name, (long)pid);
        return;
    }
    double took = monoclock_now() - t0;
    if (r < 0)
        log_msg(LOG_INFO, "%s: finished after %.1f s (exit status unknown)", name, took);
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        log_msg(LOG_INFO, "%s: done in %.1f s", name, took);
    else if (WIFEXITED(status))
        log_msg(LOG_WARN, "%s: exit status %d after %.1f s (%s)", name, WEXITSTATUS(status), took,
                cmd);
    else
        log_msg(LOG_WARN, "%s: killed by signal %d after %.1f s (%s)", name,
                WIFSIGNALED(status) ? WTERMSIG(status) : 0, took, cmd);
}

static void *worker(void *arg)
{
    panel *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && (p->want == UNKNOWN || p->want == p->ran))
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop) break;
        int state = p->want;
        pthread_mutex_unlock(&p->mu);
        if (p->cmd[state]) run(p, state);
        pthread_mutex_lock(&p->mu);
        p->ran = state;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void free_panel(panel *p)
{
    free(p->cmd[0]);
    free(p->cmd[1]);
    free(p);
}

int panel_start(const char *on_cmd, const char *off_cmd, double timeout, panel **out, char *err,
                size_t errlen)
{
    panel *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->timeout = timeout > 0 ? timeout : PANEL_TIMEOUT;
    p->want = p->ran = UNKNOWN;
    const char *cmds[2] = {off_cmd, on_cmd};
    for (int i = 0; i < 2; i++)
        if (cmds[i] && *cmds[i] && !(p->cmd[i] = strdup(cmds[i]))) {
            snprintf(err, errlen, "out of memory");
            free_panel(p);
            return -1;
        }
    if (!p->cmd[0] && !p->cmd[1]) {
        *out = p; /* nothing to run: no thread */
        return 0;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&p->mu, NULL);
    if (pthread_create(&p->thread, NULL, worker, p) != 0) {
        snprintf(err, errlen, "cannot start the panel command thread");
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free_panel(p);
        return -1;
    }
    p->active = true;
    *out = p;
    return 0;
}

void panel_set(panel *p, bool on)
{
    if (!p || !p->active) return;
    pthread_mutex_lock(&p->mu);
    p->want = on;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void panel_stop(panel *p)
{
    if (!p) return;
    if (p->active) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
    }
    free_panel(p);
}

#include "preview.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "monoclock.h"

extern char **environ;

struct preview {
    char player[PATH_MAX];
    char work[PATH_MAX];
    sem_t slots;
};

#define PREVIEW_SECONDS 15
#define PREVIEW_MAX_PNG (64u << 20)

preview *preview_new(const char *player, const char *work_dir, int parallel)
{
    preview *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    if (player && *player) {
        snprintf(p->player, sizeof p->player, "%s", player);
    } else {
        /* the player installed or built beside this server */
        char self[PATH_MAX - 32];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n > 0) {
            self[n] = 0;
            char *slash = strrchr(self, '/');
            if (slash) {
                *slash = 0;
                snprintf(p->player, sizeof p->player, "%s/signage-player", self);
            }
        }
        if (!p->player[0] || access(p->player, X_OK) != 0)
            snprintf(p->player, sizeof p->player, "signage-player");
    }
    snprintf(p->work, sizeof p->work, "%s", work_dir);
    sem_init(&p->slots, 0, (unsigned)(parallel > 0 ? parallel : 2));
    return p;
}

void preview_free(preview *p)
{
    if (!p) return;
    sem_destroy(&p->slots);
    free(p);
}

bool preview_busy(preview *p)
{
    int v = 0;
    sem_getvalue(&p->slots, &v);
    return v <= 0;
}

const char *preview_player(const preview *p)
{
    return p->player;
}

static void remove_tree(const char *dir, const json_t *files)
{
    char path[PATH_MAX + 80];
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)files, k, v)
    {
        snprintf(path, sizeof path, "%s/%s", dir, k);
        unlink(path);
    }
    const char *own[] = {"manifest.json", "out.png", "stderr.txt"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, own[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The player's warnings, without its prefixes: what the organizer reads. */
static json_t *warnings_of(const char *text)
{
    json_t *w = json_array();
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        const char *tag = memmem(line, n, "warning: ", 9);
        if (tag) {
            const char *m = tag + 9;
            json_array_append_new(w, json_stringn(m, n - (size_t)(m - line)));
        }
        line = nl ? nl + 1 : NULL;
    }
    return w;
}

static int run_player(preview *p, const char *dir, const char *slide_id, int width, int height,
                      char *err, size_t errlen)
{
    char out[PATH_MAX + 64], size[32], errpath[PATH_MAX + 64];
    snprintf(out, sizeof out, "%s/out.png", dir);
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    snprintf(size, sizeof size, "%dx%d", width, height);
    const char *argv[16];
    int n = 0;
    argv[n++] = p->player;
    argv[n++] = "--config";
    argv[n++] = "/dev/null"; /* the defaults, not this machine's screen config */
    argv[n++] = "--content";
    argv[n++] = dir;
    argv[n++] = "--screenshot";
    argv[n++] = out;
    argv[n++] = "--size";
    argv[n++] = size;
    if (slide_id) {
        argv[n++] = "--slide";
        argv[n++] = slide_id;
    }
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, p->player, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        snprintf(err, errlen, "cannot run the player (%s): %s", p->player, strerror(rc));
        return -1;
    }
    double deadline = monoclock_now() + PREVIEW_SECONDS;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) {
            snprintf(err, errlen, "lost the player: %s", strerror(errno));
            return -1;
        }
        if (monoclock_now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            snprintf(err, errlen, "the preview took longer than %d s", PREVIEW_SECONDS);
            return -1;
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "the player could not render this (exit %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return -1;
    }
    return 0;
}

int preview_render(preview *p, const json_t *doc, const json_t *files, const char *slide_id,
                   int width, int height, char **png, size_t *png_len, json_t **warnings, char *err,
                   size_t errlen)
{
    *png = NULL;
    *warnings = NULL;
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/preview-XXXXXX", p->work);
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot make a preview folder: %s", strerror(errno));
        return -1;
    }
    int r = -1;
    char path[PATH_MAX + 80];
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)files, k, v)
    {
        snprintf(path, sizeof path, "%s/%s", dir, k);
        /* a hard link: the same bytes, nothing copied (same file system) */
        if (link(json_string_value(v), path) != 0) {
            char *data;
            size_t len;
            char why[256];
            if (fileio_read(json_string_value(v), 512u << 20, FILEIO_REGULAR, &data, &len, why,
                            sizeof why) != 0 ||
                fileio_write_atomic(path, data, len, 0, why, sizeof why) != 0) {
                snprintf(err, errlen, "cannot stage a picture: %s", why);
                goto out;
            }
            free(data);
        }
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    char why[256];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (!text || fileio_write_atomic(path, text, strlen(text), 0, why, sizeof why) != 0) {
        free(text);
        snprintf(err, errlen, "cannot write the preview deck");
        goto out;
    }
    free(text);
    /* Never wait for a slot: a waiting request would hold one of the few
     * HTTP threads that every screen's poll also needs. */
    if (sem_trywait(&p->slots) != 0) {
        snprintf(err, errlen, "busy: other previews are being drawn, try again in a moment");
        r = PREVIEW_BUSY;
        goto out;
    }
    r = run_player(p, dir, slide_id, width, height, err, errlen);
    sem_post(&p->slots);
    char *etext = NULL;
    size_t elen;
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    if (fileio_read(path, 1 << 20, FILEIO_REGULAR, &etext, &elen, why, sizeof why) == 0) {
        *warnings = warnings_of(etext);
        free(etext);
    } else {
        *warnings = json_array();
    }
    if (r == 0) {
        snprintf(path, sizeof path, "%s/out.png", dir);
        char *data;
        if (fileio_read(path, PREVIEW_MAX_PNG, FILEIO_REGULAR, &data, png_len, why, sizeof why) !=
            0) {
            snprintf(err, errlen, "the player wrote no picture: %s", why);
            r = -1;
        } else {
            *png = data;
        }
    }
    if (r != 0) {
        json_decref(*warnings);
        *warnings = NULL;
    }
out:
    remove_tree(dir, files);
    return r;
}

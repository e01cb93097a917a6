/* signage-server: the content server (docs/api.md, docs/deploy.md).
 *
 *   signage-server [--config FILE] [--data DIR] [--listen ADDR:PORT]
 *   signage-server user add NAME --role ROLE      (password on stdin)
 *   signage-server export --out DIR
 *   signage-server backup --out FILE
 *   signage-server restore --in FILE [--force]
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "assets.h"
#include "auth.h"
#include "backup.h"
#include "build.h"
#include "fileio.h"
#include "http.h"
#include "log.h"
#include "monoclock.h"
#include "notify.h"
#include "seed.h"
#include "store.h"

#ifndef SIGNAGE_SOURCE_DIR
#define SIGNAGE_SOURCE_DIR "."
#endif
#ifndef SIGNAGE_DATADIR
#define SIGNAGE_DATADIR "/usr/share/campus-signage"
#endif
#define DEFAULT_CONFIG "/etc/campus-signage/server.conf"

typedef struct server_config {
    char *listen, *data, *demo, *web, *player;
    int threads, max_connections;
    int64_t max_upload_mb, session_hours, max_megapixels;
    bool secure_cookies;
} server_config;

static void usage(FILE *f)
{
    fprintf(f, "usage: signage-server [--config FILE] [--data DIR] [--listen ADDR:PORT]\n"
               "       signage-server [--config FILE] [--data DIR] user add NAME --role "
               "admin|editor|contributor\n"
               "       signage-server [--config FILE] [--data DIR] export --out DIR\n"
               "       signage-server [--config FILE] [--data DIR] backup --out FILE\n"
               "       signage-server [--config FILE] [--data DIR] restore --in FILE [--force]\n"
               "\n"
               "Serves displays their manifests and pictures, and organizers the API\n"
               "(docs/api.md). The first start on an empty data dir seeds the demo deck and\n"
               "creates the user \"admin\" (password from SIGNAGE_ADMIN_PASSWORD, or printed).\n"
               "Defaults: --config " DEFAULT_CONFIG " if it exists, --data ./signage-data,\n"
               "--listen 127.0.0.1:8080.\n");
}

static int set_key(server_config *c, const char *key, const char *val, const char *where)
{
    char *end;
    long long n = strtoll(val, &end, 10);
    bool num = *val && !*end;
#define STR(k)                                                                                     \
    if (strcmp(key, #k) == 0) {                                                                    \
        free(c->k);                                                                                \
        c->k = strdup(val);                                                                        \
        return 0;                                                                                  \
    }
#define NUM(k, lo, hi)                                                                             \
    if (strcmp(key, #k) == 0) {                                                                    \
        if (!num || n < (lo) || n > (hi)) {                                                        \
            fprintf(stderr, "signage-server: %s: %s: \"%s\" is not a number from %lld to %lld\n",  \
                    where, key, val, (long long)(lo), (long long)(hi));                            \
            return -1;                                                                             \
        }                                                                                          \
        c->k = n;                                                                                  \
        return 0;                                                                                  \
    }
    STR(listen)
    STR(data)
    STR(demo)
    STR(web)
    STR(player)
    NUM(threads, 1, 64)
    NUM(max_connections, 16, 1000000)
    NUM(max_upload_mb, 1, 64) /* players take no file over 64 MiB (MANIFEST_MAX_ASSET_BYTES) */
    NUM(session_hours, 1, 24 * 90)
    NUM(max_megapixels, 1, 500)
    if (strcmp(key, "secure_cookies") == 0) {
        if (strcmp(val, "true") && strcmp(val, "false")) {
            fprintf(stderr, "signage-server: %s: secure_cookies: \"%s\" is not true or false\n",
                    where, val);
            return -1;
        }
        c->secure_cookies = strcmp(val, "true") == 0;
        return 0;
    }
#undef STR
#undef NUM
    fprintf(stderr, "signage-server: %s: unknown key \"%s\"\n", where, key);
    return -1;
}

static int load_config(server_config *c, const char *path)
{
    char *text;
    size_t len;
    char err[512];
    if (fileio_read(path, 1 << 20, FILEIO_ANY_KIND, &text, &len, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: %s\n", err);
        return -1;
    }
    int rc = 0, line = 0;
    for (char *p = text, *next; p && *p; p = next) {
        line++;
        next = strchr(p, '\n');
        if (next) *next++ = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#') continue;
        char *eq = strchr(p, '=');
        char where[600];
        snprintf(where, sizeof where, "%s:%d", path, line);
        if (!eq) {
            fprintf(stderr, "signage-server: %s: expected key = value\n", where);
            rc = -1;
            continue;
        }
        char *k = p, *v = eq + 1, *e = eq;
        while (e > k && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        *e = 0;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t' || v[vl - 1] == '\r'))
            v[--vl] = 0;
        if (set_key(c, k, v, where) != 0) rc = -1;
    }
    free(text);
    return rc;
}

static char *find_web(const server_config *c)
{
    if (c->web) return strdup(c->web);
    const char *dirs[] = {SIGNAGE_SOURCE_DIR "/web", SIGNAGE_DATADIR "/web"};
    for (size_t i = 0; i < 2; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/index.html", dirs[i]);
        if (access(p, R_OK) == 0) return strdup(dirs[i]);
    }
    return NULL;
}

static char *find_demo(const server_config *c)
{
    if (c->demo) return strcmp(c->demo, "none") == 0 ? NULL : strdup(c->demo);
    const char *dirs[] = {SIGNAGE_SOURCE_DIR "/content/demo", SIGNAGE_DATADIR "/demo"};
    for (size_t i = 0; i < 2; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/manifest.json", dirs[i]);
        if (access(p, R_OK) == 0) return strdup(dirs[i]);
    }
    return NULL;
}

static int read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin)) return -1;
    size_t l = strlen(out);
    while (l && (out[l - 1] == '\n' || out[l - 1] == '\r'))
        out[--l] = 0;
    return 0;
}

static int cmd_user_add(store *st, auth *au, int argc, char **argv)
{
    const char *name = NULL, *role = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role = argv[++i];
        else if (!name && argv[i][0] != '-')
            name = argv[i];
        else {
            usage(stderr);
            return 2;
        }
    }
    if (!name || !role ||
        (strcmp(role, "admin") && strcmp(role, "editor") && strcmp(role, "contributor"))) {
        usage(stderr);
        return 2;
    }
    size_t nl = strlen(name);
    bool name_ok = nl >= 1 && nl <= 64;
    for (size_t k = 0; k < nl; k++)
        name_ok &= (unsigned char)name[k] > 0x20 && name[k] != 0x7f;
    if (!name_ok) {
        fprintf(stderr, "signage-server: a user name is 1-64 bytes without spaces or control "
                        "characters\n");
        return 2;
    }
    if (isatty(STDIN_FILENO)) fprintf(stderr, "password for %s: ", name);
    char pw[1100];
    if (read_password(pw, sizeof pw) != 0 || strlen(pw) < 8 || strlen(pw) > 1024) {
        fprintf(stderr, "signage-server: a password of 8 to 1024 bytes is needed on stdin\n");
        return 2;
    }
    char h[AUTH_HASH_MAX], err[256];
    int64_t id;
    if (auth_hash_password(au, pw, h) != 0 ||
        store_user_add(st, name, role, h, &id, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: user %s: %s\n", name, err);
        return 1;
    }
    store_audit(st, 0, NULL, "user-create", name, "role set on the command line");
    printf("user %s (%s) added\n", name, role);
    return 0;
}

/* backup --out FILE: a consistent snapshot beside the running server. */
static int cmd_backup(const char *data, int argc, char **argv)
{
    const char *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc && !out) {
            out = argv[++i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!out) {
        usage(stderr);
        return 2;
    }
    backup_stats bs;
    char err[1024];
    double t0 = monoclock_now();
    if (backup_create(data, out, &bs, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: %s\n", err);
        return 1;
    }
    printf("backed up %s to %s: signage.db (%.1f MB, schema %lld) and %lld files (%.1f MB) in "
           "%.2f s\n",
           data, out, (double)bs.db_bytes / 1e6, (long long)bs.user_version, (long long)bs.objects,
           (double)bs.object_bytes / 1e6, monoclock_now() - t0);
    return 0;
}

/* restore --in FILE [--force]: a data dir back from a backup. */
static int cmd_restore(const char *data, int argc, char **argv)
{
    const char *in = NULL;
    bool force = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--in") == 0 && i + 1 < argc && !in) {
            in = argv[++i];
        } else if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!in) {
        usage(stderr);
        return 2;
    }
    backup_stats bs;
    char err[1024];
    double t0 = monoclock_now();
    if (backup_restore(in, data, force, &bs, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: %s\n", err);
        return 1;
    }
    printf("restored %s into %s: signage.db (%.1f MB, schema %lld) and %lld files (%.1f MB) in "
           "%.2f s\n",
           in, data, (double)bs.db_bytes / 1e6, (long long)bs.user_version, (long long)bs.objects,
           (double)bs.object_bytes / 1e6, monoclock_now() - t0);
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    char *data;
    size_t len;
    char err[512];
    if (fileio_read(from, (size_t)1 << 31, FILEIO_REGULAR, &data, &len, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: %s\n", err);
        return -1;
    }
    int r = fileio_write_atomic(to, data, len, 1, err, sizeof err);
    free(data);
    if (r != 0) fprintf(stderr, "signage-server: %s\n", err);
    return r;
}

/* A static tree any web server can host: displays/ID/manifest.json (and
 * default/manifest.json for screens not yet known), assets/SHA256. */
static int cmd_export(store *st, assets *as, int argc, char **argv)
{
    const char *out = NULL;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
    if (!out) {
        usage(stderr);
        return 2;
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/assets", out);
    if (fileio_mkdirs(dir) != 0) {
        fprintf(stderr, "signage-server: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    json_t *ds = NULL;
    store_displays_list(st, &ds);
    json_array_append_new(ds, json_pack("{s:s}", "id", "default"));
    size_t i, n = 0, files = 0;
    json_t *d;
    int rc = 0;
    json_array_foreach(ds, i, d)
    {
        const char *id = json_string_value(json_object_get(d, "id"));
        build_result m;
        char err[256];
        if (build_manifest(st, id, "../../assets/", &m, err, sizeof err) != 0) {
            fprintf(stderr, "signage-server: %s: %s\n", id, err);
            rc = 1;
            continue;
        }
        snprintf(dir, sizeof dir, "%s/displays/%s", out, id);
        char path[4400];
        snprintf(path, sizeof path, "%s/manifest.json", dir);
        if (fileio_mkdirs(dir) != 0 ||
            fileio_write_atomic(path, m.text, m.len, 1, err, sizeof err) != 0) {
            fprintf(stderr, "signage-server: %s: cannot write\n", path);
            rc = 1;
        }
        /* the assets it names */
        json_t *doc = json_loadb(m.text, m.len, 0, NULL);
        build_result_free(&m);
        const char *lists[] = {"slides", "theme"};
        for (int l = 0; l < 2; l++) {
            json_t *arr = json_object_get(doc, lists[l]);
            json_t *tmp = NULL;
            if (l == 1) arr = tmp = json_pack("[O]", arr ? arr : json_null());
            size_t k;
            json_t *x;
            json_array_foreach(arr, k, x)
            {
                json_t *media = json_object_get(x, l == 1 ? "logo" : "media");
                const char *sha = json_string_value(json_object_get(media, "sha256"));
                char from[4300], to[4400];
                if (!sha || assets_path(as, sha, from, sizeof from) != 0) continue;
                snprintf(to, sizeof to, "%s/assets/%s", out, sha);
                if (access(to, F_OK) == 0) continue;
                if (copy_file(from, to) != 0)
                    rc = 1;
                else
                    files++;
            }
            json_decref(tmp);
        }
        json_decref(doc);
        n++;
    }
    json_decref(ds);
    printf("exported %zu manifests and %zu pictures to %s\n", n, files, out);
    return rc;
}

/* GET /api/v1/health from this server itself, through the same listening
 * socket and request threads the displays use.  Loopback for a wildcard
 * address, else the configured host.  True on a 200 within `timeout_s`. */
static bool self_probe(const char *listen, unsigned port, double timeout_s)
{
    char host[256] = "";
    const char *colon = strrchr(listen, ':');
    size_t n = colon ? (size_t)(colon - listen) : strlen(listen);
    if (n && listen[0] == '[' && listen[n - 1] == ']') {
        listen++;
        n -= 2;
    }
    snprintf(host, sizeof host, "%.*s", (int)n, listen);
    if (!host[0] || !strcmp(host, "0.0.0.0") || !strcmp(host, "*"))
        snprintf(host, sizeof host, "127.0.0.1");
    else if (!strcmp(host, "::"))
        snprintf(host, sizeof host, "::1");
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%u", port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(host, portstr, &hints, &ai) != 0 || !ai) return false;
    bool ok = false;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {.tv_sec = (time_t)timeout_s,
                         .tv_usec = (suseconds_t)((timeout_s - (double)(time_t)timeout_s) * 1e6)};
    if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0 &&
        connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        static const char req[] = "GET /api/v1/health HTTP/1.0\r\nHost: localhost\r\n\r\n";
        char buf[64];
        ssize_t got = 0;
        if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof req - 1))
            got = recv(fd, buf, sizeof buf - 1, 0);
        if (got > 12) {
            buf[got] = '\0';
            ok = strncmp(buf, "HTTP/1.", 7) == 0 && strncmp(buf + 9, "200", 3) == 0;
        }
    }
    if (fd >= 0) close(fd);
    freeaddrinfo(ai);
    return ok;
}

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
    stop_signal = sig;
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* A few threads answer thousands of polls: two heaps, not one per
     * thread, so what a burst of answers allocated is reused. */
    mallopt(M_ARENA_MAX, 2);
#endif
    server_config cfg = {.threads = 4,
                         .max_connections = 20000,
                         .max_upload_mb = 50,
                         .session_hours = 12,
                         .max_megapixels = 50};
    const char *config = NULL, *data = NULL, *listen = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("signage-server %s\n", SIGNAGE_VERSION);
            return 0;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "signage-server: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            break;
        }
    }
    if (!config && access(DEFAULT_CONFIG, F_OK) == 0) config = DEFAULT_CONFIG;
    if (config && load_config(&cfg, config) != 0) {
        /* the keys read before the bad one (LeakSanitizer counts them) */
        free(cfg.listen);
        free(cfg.data);
        free(cfg.demo);
        free(cfg.web);
        free(cfg.player);
        return 2;
    }
    if (data) {
        free(cfg.data);
        cfg.data = strdup(data);
    }
    if (listen) {
        free(cfg.listen);
        cfg.listen = strdup(listen);
    }
    if (!cfg.data)
        cfg.data = strdup(getenv("STATE_DIRECTORY") ? getenv("STATE_DIRECTORY") : "signage-data");
    if (!cfg.listen) cfg.listen = strdup("127.0.0.1:8080");

    int rc = 1;
    store *st = NULL;
    assets *as = NULL;
    auth *au = NULL;
    build_cache *bc = NULL;
    http_server *http = NULL;
    char *demo = NULL, *web = NULL;
    preview *pv = NULL;
    char err[1024], dbpath[4200];
    /* Before anything opens the data dir: a backup only reads it (and must
     * not make one that is missing), a restore needs it without a database
     * (no first-start seeding). */
    if (i < argc && (strcmp(argv[i], "backup") == 0 || strcmp(argv[i], "restore") == 0)) {
        rc = strcmp(argv[i], "backup") == 0 ? cmd_backup(cfg.data, argc - i - 1, argv + i + 1)
                                            : cmd_restore(cfg.data, argc - i - 1, argv + i + 1);
        goto out;
    }
    if (fileio_mkdirs(cfg.data) != 0) {
        fprintf(stderr, "signage-server: %s: %s\n", cfg.data, strerror(errno));
        goto out;
    }
    snprintf(dbpath, sizeof dbpath, "%s/signage.db", cfg.data);
    au = auth_new(5, 300);
    if (!au) {
        fprintf(stderr, "signage-server: libsodium failed to initialise\n");
        goto out;
    }
    if (store_open(dbpath, &st, err, sizeof err) != 0 ||
        assets_open(cfg.data, cfg.max_megapixels * 1000000, i >= argc, &as, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: %s\n", err);
        goto out;
    }
    demo = find_demo(&cfg);
    if (seed_first_start(st, as, au, demo, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: first start: %s\n", err);
        goto out;
    }
    if (i < argc) {
        if (strcmp(argv[i], "user") == 0 && i + 1 < argc && strcmp(argv[i + 1], "add") == 0)
            rc = cmd_user_add(st, au, argc - i - 2, argv + i + 2);
        else if (strcmp(argv[i], "export") == 0)
            rc = cmd_export(st, as, argc - i - 1, argv + i + 1);
        else {
            fprintf(stderr, "signage-server: unknown command %s\n", argv[i]);
            usage(stderr);
            rc = 2;
        }
        goto out;
    }

    /* Thousands of held long-polls are thousands of sockets. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    bc = build_cache_new(st);
    char tmpdir[4200];
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", cfg.data);
    pv = preview_new(cfg.player, tmpdir, 2);
    web = find_web(&cfg);
    if (!web) log_msg(LOG_WARN, "no web/ folder found: the organizers' pages are not served");
    api a = {
        .pv = pv,
        .web_dir = web,
        .st = st,
        .as = as,
        .au = au,
        .bc = bc,
        .session_ttl = cfg.session_hours * 3600,
        .max_upload = cfg.max_upload_mb * 1024 * 1024,
        .secure_cookies = cfg.secure_cookies,
    };
    http_callbacks cb = {.api = &a, .route = api_route};
    http_options ho = {
        .listen = cfg.listen, .threads = cfg.threads, .max_connections = cfg.max_connections};
    signal(SIGPIPE, SIG_IGN);
    if (!bc || http_start(&ho, &cb, as, &http, err, sizeof err) != 0) {
        fprintf(stderr, "signage-server: %s\n", bc ? err : "out of memory");
        goto out;
    }
    a.http = http;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    log_msg(LOG_INFO, "listening on %s (port %u), data in %s", cfg.listen, http_port(http),
            cfg.data);
    char ready[400];
    snprintf(ready, sizeof ready, "listening on %s, data in %.300s", cfg.listen, cfg.data);
    notify_ready(ready);
    notify_watchdog wd;
    notify_watchdog_init(&wd, monoclock_now());
    while (!stop_signal) {
        /* The watchdog is fed only while the server answers its own health
         * check over HTTP: wedged request threads stop the pings, and
         * systemd restarts the server. */
        double now = monoclock_now();
        if (wd.interval > 0 && now - wd.last >= wd.interval) {
            if (self_probe(cfg.listen, http_port(http), wd.interval))
                notify_watchdog_tick(&wd, now);
            else
                log_msg(LOG_WARN, "the health check on port %u failed: not feeding the watchdog",
                        http_port(http));
        }
        /* at most 1 s: a signal landing just before the sleep is not lost */
        double wait = notify_watchdog_wait(&wd, monoclock_now(), 1.0);
        struct timespec ts = {.tv_sec = (time_t)wait,
                              .tv_nsec = (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL); /* a signal cuts it short */
    }
    notify_stopping();
    log_msg(LOG_INFO, "stopping (signal %d)", (int)stop_signal);
    http_stop(http);
    http = NULL;
    rc = 0;
out:
    http_stop(http);
    build_cache_free(bc);
    preview_free(pv);
    free(web);
    assets_close(as);
    store_close(st);
    auth_free(au);
    free(demo);
    free(cfg.listen);
    free(cfg.data);
    free(cfg.demo);
    free(cfg.web);
    free(cfg.player);
    return rc;
}

/* signage-player: command line, configuration, and wiring.  All mutable state
 * lives here or below; see docs/ for the architecture. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL.h>
#include <curl/curl.h>
#include <time.h>

#include "cache.h"
#include "config.h"
#include "deck.h"
#include "diag.h"
#include "fileio.h"
#include "image.h"
#include "info.h"
#include "log.h"
#include "power.h"
#include "render/fonts.h"
#include "render/screen.h"
#include "report.h"
#include "schedule.h"
#include "status.h"
#include "sync.h"

#define DEFAULT_CONFIG "/etc/campus-signage/player.conf"

static void usage(FILE *f)
{
    fputs("Usage: signage-player [OPTIONS]\n"
          "Plays a campus-signage deck full screen.\n"
          "\n"
          "  --config FILE       read this config file (default " DEFAULT_CONFIG " if present)\n"
          "  --content DIR       play the local deck DIR/manifest.json (default: the demo deck)\n"
          "  --server URL        fetch content from this server, e.g. "
          "https://signage.example.edu.cn\n"
          "  --display ID        this screen's id on the server (default: the host name)\n"
          "  --manifest-url URL  fetch this manifest instead (any static web host)\n"
          "  --cache DIR         keep synced content here (default /var/cache/campus-signage as\n"
          "                      root, else ~/.cache/campus-signage)\n"
          "  --status FILE       write status JSON here (default: status.json in the runtime dir)\n"
          "  --windowed          run in a window instead of full screen\n"
          "  --size WxH          screen or window size, e.g. 1920x1080 (default: native)\n"
          "  --rotate DEG        0, 90, 180 or 270 for panels mounted on their side\n"
          "  --screenshot OUT.png  render one frame headless to OUT.png and exit\n"
          "      --at ISO-8601   the clock for that frame, e.g. 2026-11-24T10:30:00+08:00\n"
          "      --slide ID      show this slide fully (default: the first on air)\n"
          "  --run-for SECONDS   exit after this many seconds\n"
          "  --speed FACTOR      benchmarks and soak tests: slides and fades FACTOR (1..20) times\n"
        "                      shorter than the deck says (never on a real screen: flicker)\n"
        "  --frame-log FILE    benchmarks: record every frame's timing and a coarse picture\n"
          "                      of it, written to FILE at exit (bench/README.md)\n"
          "  --check             validate config and content, print every problem, exit\n"
          "  --info              print this display's id, addresses, server, cache and last\n"
          "                      sync (read-only: safe while the service runs), exit\n"
          "  --version           print the version\n"
          "  --help              this help\n"
          "\n"
          "Config keys are documented in config/signage-player.conf.  Keys: Esc or q quits.\n"
          "Headless screenshot: signage-player --screenshot out.png [--size 1920x1080]\n",
          f);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The bundled demo deck: beside an installed binary (../share/...), in the
 * configured data dir, or in the source tree of a build. */
static char *find_demo_dir(void)
{
    char exe[PATH_MAX], cand[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(cand, sizeof cand, "%s/../share/campus-signage/demo", exe);
            if (is_dir(cand)) return realpath(cand, NULL);
        }
    }
    if (is_dir(SIGNAGE_DATADIR "/demo")) return strdup(SIGNAGE_DATADIR "/demo");
    if (is_dir(SIGNAGE_SOURCE_DIR "/content/demo"))
        return strdup(SIGNAGE_SOURCE_DIR "/content/demo");
    return NULL;
}

enum {
    OPT_CONFIG = 256,
    OPT_CONTENT,
    OPT_SERVER,
    OPT_DISPLAY,
    OPT_MANIFEST_URL,
    OPT_CACHE,
    OPT_STATUS,
    OPT_WINDOWED,
    OPT_SIZE,
    OPT_ROTATE,
    OPT_SCREENSHOT,
    OPT_AT,
    OPT_SLIDE,
    OPT_RUN_FOR,
    OPT_FRAME_LOG,
    OPT_SPEED,
    OPT_CHECK,
    OPT_INFO,
    OPT_VERSION,
    OPT_HELP,
};

typedef struct cli {
    const char *config;
    const char *screenshot;
    const char *at;
    const char *slide;
    double run_for;
    const char *frame_log;
    double speed;
    bool check;
    bool info;
    /* flag values applied after the config file (flags win) */
    const char *keys[16];
    const char *values[16];
    const char *where[16];
    size_t n;
} cli;

static int parse_cli(int argc, char **argv, cli *c)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"content", required_argument, NULL, OPT_CONTENT},
        {"server", required_argument, NULL, OPT_SERVER},
        {"display", required_argument, NULL, OPT_DISPLAY},
        {"manifest-url", required_argument, NULL, OPT_MANIFEST_URL},
        {"cache", required_argument, NULL, OPT_CACHE},
        {"status", required_argument, NULL, OPT_STATUS},
        {"windowed", no_argument, NULL, OPT_WINDOWED},
        {"size", required_argument, NULL, OPT_SIZE},
        {"rotate", required_argument, NULL, OPT_ROTATE},
        {"screenshot", required_argument, NULL, OPT_SCREENSHOT},
        {"at", required_argument, NULL, OPT_AT},
        {"slide", required_argument, NULL, OPT_SLIDE},
        {"run-for", required_argument, NULL, OPT_RUN_FOR},
        {"frame-log", required_argument, NULL, OPT_FRAME_LOG},
        {"speed", required_argument, NULL, OPT_SPEED},
        {"check", no_argument, NULL, OPT_CHECK},
        {"info", no_argument, NULL, OPT_INFO},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *key = NULL, *where = NULL;
        switch (o) {
        case OPT_CONFIG:
            c->config = optarg;
            break;
        case OPT_CONTENT:
            key = "content";
            where = "--content";
            break;
        case OPT_SERVER:
            key = "server";
            where = "--server";
            break;
        case OPT_DISPLAY:
            key = "display";
            where = "--display";
            break;
        case OPT_MANIFEST_URL:
            key = "manifest_url";
            where = "--manifest-url";
            break;
        case OPT_CACHE:
            key = "cache";
            where = "--cache";
            break;
        case OPT_STATUS:
            key = "status";
            where = "--status";
            break;
        case OPT_WINDOWED:
            key = "windowed";
            where = "--windowed";
            optarg = "yes";
            break;
        case OPT_SIZE:
            key = "size";
            where = "--size";
            break;
        case OPT_ROTATE:
            key = "rotate";
            where = "--rotate";
            break;
        case OPT_SCREENSHOT:
            c->screenshot = optarg;
            break;
        case OPT_AT:
            c->at = optarg;
            break;
        case OPT_SLIDE:
            c->slide = optarg;
            break;
        case OPT_RUN_FOR: {
            char *end;
            errno = 0;
            c->run_for = strtod(optarg, &end);
            if (errno || *end || !(c->run_for > 0)) {
                fprintf(stderr, "signage-player: --run-for: expected seconds > 0, got \"%s\"\n",
                        optarg);
                return 2;
            }
            break;
        }
        case OPT_FRAME_LOG: c->frame_log = optarg; break;
        case OPT_SPEED: {
            char *end;
            errno = 0;
            c->speed = strtod(optarg, &end);
            if (errno || *end || !(c->speed >= 1 && c->speed <= 20)) {
                fprintf(stderr, "signage-player: --speed: expected 1..20, got \"%s\"\n", optarg);
                return 2;
            }
            break;
        }
        case OPT_CHECK:
            c->check = true;
            break;
        case OPT_INFO:
            c->info = true;
            break;
        case OPT_VERSION:
            printf("signage-player %s\n", SIGNAGE_VERSION);
            return 0;
        case OPT_HELP:
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
        if (key && c->n < 16) {
            c->keys[c->n] = key;
            c->values[c->n] = optarg;
            c->where[c->n] = where;
            c->n++;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "signage-player: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if ((c->at || c->slide) && !c->screenshot && !c->check) {
        /* --at also works live (a clock starting there), --slide does not. */
        if (c->slide) {
            fprintf(stderr, "signage-player: --slide goes with --screenshot\n");
            return 2;
        }
    }
    return -1; /* continue */
}

/* SIGNAGE_FAULT: faults the tests inject into a real player, e.g.
 * "render-hang:3" (the render loop hangs 3 s after start: the systemd
 * watchdog test), "black:2", "black-once:2", "worker-hang:2" (the
 * self-check tests).  Read once, here, and passed down. */
static screen_fault parse_fault(double *after)
{
    static const struct {
        const char *name;
        screen_fault f;
    } faults[] = {{"render-hang", FAULT_RENDER_HANG},
                  {"black", FAULT_BLACK},
                  {"black-once", FAULT_BLACK_ONCE},
                  {"worker-hang", FAULT_WORKER_HANG}};
    const char *f = getenv("SIGNAGE_FAULT");
    *after = 0;
    if (!f || !*f) return FAULT_NONE;
    const char *colon = strchr(f, ':');
    for (size_t i = 0; colon && i < sizeof faults / sizeof faults[0]; i++)
        if (strlen(faults[i].name) == (size_t)(colon - f) &&
            !strncmp(f, faults[i].name, (size_t)(colon - f))) {
            char *end;
            double t = strtod(colon + 1, &end);
            if (!*end && t >= 0) {
                *after = t;
                return faults[i].f;
            }
        }
    log_msg(LOG_WARN,
            "SIGNAGE_FAULT=\"%s\" is not a known fault (render-hang, black, black-once, "
            "worker-hang, each :SECONDS)",
            f);
    return FAULT_NONE;
}

static void print_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "%s: %s\n", d->items[i].level == DIAG_ERROR ? "error" : "warning",
                d->items[i].msg);
    if (d->dropped) fprintf(stderr, "(%zu more problems not shown)\n", d->dropped);
}

/* --check: everything a technician should know before walking away. */
static int run_check(const player_config *cfg, deck *d, diag_list *diags)
{
    /* The primary fonts must exist as named: a fallback would draw every
     * Chinese character as a box. */
    const char *needed[] = {cfg->font_regular, cfg->font_bold};
    for (size_t i = 0; i < 2; i++) {
        fonts_face face;
        if (fonts_resolve(needed[i], &face, diags) == 0) fonts_face_clear(&face);
    }
    fonts_chain chain;
    if (fonts_chain_load(cfg->font_regular, cfg->font_fallback, &chain, diags) == 0)
        fonts_chain_free(&chain);
    if (d) deck_check_media(d, cfg->max_image_pixels, diags);
    print_diags(diags);
    size_t errors = diag_count(diags, DIAG_ERROR), warnings = diag_count(diags, DIAG_WARNING);
    if (d)
        printf("%s: %zu slides, %zu ticker items, %zu alerts; %zu errors, %zu warnings\n",
               d->source, d->m->n_slides, d->m->n_ticker, d->m->n_alerts, errors, warnings);
    else
        printf("%zu errors, %zu warnings\n", errors, warnings);
    return errors ? 1 : 0;
}

/* A directory under $VAR (colon lists: the first), else $HOME/FALLBACK. */
static char *xdg_dir(const char *var, const char *fallback, const char *leaf)
{
    const char *base = getenv(var);
    char *out = NULL;
    if (base && base[0] == '/') {
        size_t n = strcspn(base, ":");
        if (asprintf(&out, "%.*s/%s", (int)n, base, leaf) < 0) out = NULL;
    } else if (fallback && getenv("HOME") && getenv("HOME")[0] == '/') {
        if (asprintf(&out, "%s/%s/%s", getenv("HOME"), fallback, leaf) < 0) out = NULL;
    }
    return out;
}

/* systemd's CacheDirectory= ($CACHE_DIRECTORY) for the service; the FHS
 * place as root; the XDG place for a user trying it out. */
static char *default_cache_dir(void)
{
    const char *sd = getenv("CACHE_DIRECTORY");
    if (sd && sd[0] == '/') {
        char *out = NULL;
        size_t n = strcspn(sd, ":");
        return asprintf(&out, "%.*s", (int)n, sd) < 0 ? NULL : out;
    }
    if (geteuid() == 0) return strdup("/var/cache/campus-signage");
    char *x = xdg_dir("XDG_CACHE_HOME", ".cache", "campus-signage");
    return x ? x : strdup("/tmp/campus-signage-cache");
}

/* The status file changes every few seconds: it lives in the runtime dir
 * (tmpfs: no SD-card wear), falling back to the state dir. */
static char *default_status_file(void)
{
    const char *vars[] = {"RUNTIME_DIRECTORY", "STATE_DIRECTORY"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(vars[i]);
        if (v && v[0] == '/') {
            char *out = NULL;
            size_t n = strcspn(v, ":");
            return asprintf(&out, "%.*s/status.json", (int)n, v) < 0 ? NULL : out;
        }
    }
    if (geteuid() == 0) return strdup("/run/campus-signage/status.json");
    char *x = xdg_dir("XDG_RUNTIME_DIR", NULL, "campus-signage/status.json");
    return x ? x : xdg_dir("XDG_STATE_HOME", ".local/state", "campus-signage/status.json");
}

/* The deck the cache holds from the last sync: on screen at once at boot,
 * before any network attempt.  A cache that cannot be read is not fatal. */
static deck *load_cached_deck(const char *dir, const char *source, const char *tz, char *err,
                              size_t errlen)
{
    char *text = NULL, why[512], objects[4200];
    size_t len = 0;
    err[0] = '\0';
    if (cache_peek_manifest(dir, &text, &len, why, sizeof why) != 0) return NULL; /* a cold cache */
    snprintf(objects, sizeof objects, "%s/objects", dir);
    diag_list diags;
    diag_init(&diags);
    manifest *m = NULL;
    deck *d = NULL;
    if (manifest_parse(text, len, source, &m, &diags) != 0 ||
        deck_from_manifest(m, NULL, objects, source, tz, &d, &diags) != 0) {
        snprintf(err, errlen, "cached manifest unusable: %s",
                 diags.n ? diags.items[0].msg : "unknown error");
        d = NULL;
    }
    diag_free(&diags);
    free(text);
    return d;
}

/* Why the last process gave up (its self-check), kept in the state dir so
 * the next one reports it: a restart by systemd is otherwise invisible on
 * the dashboard.  Only under systemd ($STATE_DIRECTORY). */
static void last_restart_path(char *out, size_t len)
{
    const char *dir = getenv("STATE_DIRECTORY");
    out[0] = '\0';
    if (dir && dir[0] == '/') snprintf(out, len, "%.*s/last-restart", (int)strcspn(dir, ":"), dir);
}

static void last_restart_load(status_board *b)
{
    char path[4200], err[256], *text = NULL;
    size_t len = 0;
    last_restart_path(path, sizeof path);
    if (!path[0] || fileio_read(path, 1024, FILEIO_REGULAR, &text, &len, err, sizeof err) != 0)
        return;
    text[strcspn(text, "\n")] = '\0';
    status_set_last_restart(b, text);
    log_msg(LOG_WARN, "the previous start ended in a self-check restart: %s", text);
    free(text);
}

static void last_restart_save(status_board *b)
{
    char path[4200], err[256], when[40], line[400];
    last_restart_path(path, sizeof path);
    if (!path[0] || !b) return;
    status_snapshot s;
    status_get(b, 0, &s);
    status_iso8601((int64_t)time(NULL), when, sizeof when);
    int n = snprintf(line, sizeof line, "%s %s\n", when, s.health_problem);
    if (fileio_write_atomic(path, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, 1,
                            err, sizeof err) != 0)
        log_msg(LOG_WARN, "%s", err);
}

static void wake_render(void *user)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = *(const Uint32 *)user;
    SDL_PushEvent(&e); /* thread-safe; a no-op before the loop runs */
}

/* Everything the network side needs, started after the deck is known. */
typedef struct netside {
    cache *cache;
    status_board *board;
    syncer *sync;
    report *report;
    char *cache_dir, *status_file;
    char manifest_url[4096];
    char status_url[4200], shot_url[4200];
    Uint32 wake_event;
} netside;

static void net_stop(netside *n)
{
    sync_stop(n->sync);     /* first: it may still post to the board */
    report_stop(n->report); /* writes the status file one last time */
    cache_close(n->cache);
    status_board_free(n->board);
    free(n->cache_dir);
    free(n->status_file);
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Pictures are big (a 1080p slide is 8 MB).  A fixed threshold keeps
     * every such buffer in its own mapping, handed back to the system when
     * freed; glibc's default raises the threshold after the first free, and
     * later pictures then pile up in the heaps of two threads. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    /* A sign takes no typing, but SDL opens an X input method, and Xlib's
     * then parses the locale's whole Compose table (~6000 lines for UTF-8
     * locales): about 10 ms of every start.  An empty table instead, unless
     * the operator set one.  Here, before any thread exists: setenv races
     * with getenv in other threads. */
    setenv("XCOMPOSEFILE", "/dev/null", 0);
    cli c;
    memset(&c, 0, sizeof c);
    int r = parse_cli(argc, argv, &c);
    if (r >= 0) return r;

    player_config cfg;
    config_init(&cfg);
    diag_list diags;
    diag_init(&diags);
    int rc = 1;
    deck *d = NULL;
    char *demo = NULL;
    netside net;
    memset(&net, 0, sizeof net);
    bool curl_up = false;

    bool config_ok = true, file_ok = true;
    const char *config_path = c.config;
    if (!config_path && access(DEFAULT_CONFIG, F_OK) == 0) config_path = DEFAULT_CONFIG;
    if (config_path && config_load_file(&cfg, config_path, &diags) != 0)
        config_ok = file_ok = false;
    char config_error[1024] = "";
    if (!file_ok)
        for (size_t i = 0; i < diags.n && !config_error[0]; i++)
            if (diags.items[i].level == DIAG_ERROR)
                snprintf(config_error, sizeof config_error, "%s", diags.items[i].msg);
    for (size_t i = 0; i < c.n; i++)
        if (config_set(&cfg, c.keys[i], c.values[i], c.where[i], &diags) != 0) config_ok = false;
    int64_t at = 0;
    if (c.at && schedule_parse_instant(c.at, &at) != 0) {
        diag_add(&diags, DIAG_ERROR,
                 "--at: \"%s\" is not an ISO-8601 time with an offset, e.g. "
                 "2026-11-24T10:30:00+08:00",
                 c.at);
        config_ok = false;
    }
    bool syncing = config_syncs(&cfg);
    if (syncing && sync_manifest_url(cfg.server, cfg.display_id, cfg.manifest_url, net.manifest_url,
                                     sizeof net.manifest_url) != 0) {
        diag_add(&diags, DIAG_ERROR, "server/display/manifest_url: the manifest URL is too long");
        config_ok = false;
    }
    if (syncing && cfg.content_dir)
        diag_add(&diags, DIAG_WARNING,
                 "both a server and a content folder are configured: playing from the server, "
                 "ignoring content = %s",
                 cfg.content_dir);
    if (c.info) {
        /* Before anything that writes: --info runs beside the service. */
        print_diags(&diags);
        char *cache_dir =
            syncing ? (cfg.cache_dir ? strdup(cfg.cache_dir) : default_cache_dir()) : NULL;
        char *status_file = cfg.status_file ? strdup(cfg.status_file) : default_status_file();
        if (!syncing && !cfg.content_dir) demo = find_demo_dir();
        char off[256] = "";
        if (cfg.screen_off && power_describe(cfg.screen_off, off, sizeof off) != 0)
            snprintf(off, sizeof off, "(a long schedule)");
        info_request ir = {.cfg = &cfg,
                           .config_path = config_path,
                           .manifest_url = syncing ? net.manifest_url : NULL,
                           .content = cfg.content_dir ? cfg.content_dir : demo,
                           .cache_dir = cache_dir,
                           .status_file = status_file,
                           .screen_off = off,
                           .now = (int64_t)time(NULL)};
        info_print(stdout, &ir);
        free(cache_dir);
        free(status_file);
        rc = config_ok ? 0 : 2;
        goto out;
    }
    /* A mistake in the config file of a screen playing live: the screen
     * says so (display id, address, the file, line and key) instead of a
     * service restarting in a loop behind a black screen.  Nothing is
     * played or synced until the file is fixed and the player restarted.
     * Mistakes in flags, typed at a shell, stop it at once. */
    bool config_screen =
        !config_ok && !c.check && !c.screenshot && config_ok == file_ok && !file_ok;
    if (!config_ok && !c.check && !config_screen) {
        print_diags(&diags);
        rc = 2;
        goto out;
    }
    if (config_screen) {
        log_diags(&diags);
        log_msg(LOG_ERR, "not playing until the config is fixed: %s", config_error);
        char last_error[1100];
        snprintf(last_error, sizeof last_error, "config: %s", config_error);
        screen_opts so = {.cfg = &cfg,
                          .run_for = c.run_for,
                          .last_error = last_error,
                          .content_label = config_path};
        so.fault = parse_fault(&so.fault_after);
        rc = screen_run(&so, NULL) == 0 ? 2 : 1;
        goto out;
    }

    char last_error[1024] = "";
    const char *content = NULL;
    if (syncing) {
        /* Synced content: the last verified deck in the cache plays at once. */
        net.cache_dir = cfg.cache_dir ? strdup(cfg.cache_dir) : default_cache_dir();
        char err[512] = "";
        /* --check only reads: opening the cache would empty the tmp/ of a
         * player running beside it (and create it as whoever runs --check). */
        if (!net.cache_dir ||
            (!c.check && cache_open(net.cache_dir, &net.cache, err, sizeof err) != 0)) {
            snprintf(last_error, sizeof last_error, "%s",
                     net.cache_dir ? err : "no cache directory");
            diag_add(&diags, DIAG_ERROR, "%s", last_error);
        } else {
            d = load_cached_deck(net.cache_dir, net.manifest_url, cfg.timezone, err, sizeof err);
            if (!d && err[0]) {
                snprintf(last_error, sizeof last_error, "%s", err);
                diag_add(&diags, DIAG_WARNING, "%s", err);
            }
        }
    } else {
        content = cfg.content_dir;
        if (!content) {
            demo = find_demo_dir();
            content = demo;
            if (!demo)
                diag_add(&diags, DIAG_WARNING, "no content configured and no demo deck found");
        }
        if (content && deck_load_dir(content, cfg.timezone, &d, &diags) != 0) {
            /* The last error goes on the waiting screen for the technician. */
            for (size_t i = diags.n; i-- > 0;)
                if (diags.items[i].level == DIAG_ERROR) {
                    snprintf(last_error, sizeof last_error, "%s", diags.items[i].msg);
                    break;
                }
            d = NULL;
        }
    }
    if (c.check) {
        rc = run_check(&cfg, d, &diags);
        goto out;
    }
    log_diags(&diags);
    if (d)
        log_msg(LOG_INFO, "playing %s: %zu slides, %zu ticker items, %zu alerts%s", d->source,
                d->m->n_slides, d->m->n_ticker, d->m->n_alerts, syncing ? " (from the cache)" : "");

    /* libcurl (and the TLS library under it) only when there is a network
     * side: a screen playing a local folder does not pay for it. */
    curl_up = !c.screenshot && (syncing || cfg.server);
    if (curl_up && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        log_msg(LOG_ERR, "libcurl failed to initialise");
        goto out;
    }
    if (!c.screenshot) {
        /* Live: the status board, the report thread and, with a server, sync. */
        char player[64], err[512] = "";
        snprintf(player, sizeof player, "signage-player %s", SIGNAGE_VERSION);
        net.wake_event = SDL_RegisterEvents(1);
        net.status_file = cfg.status_file ? strdup(cfg.status_file) : default_status_file();
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (status_board_new(player, cfg.display_id, (double)t0.tv_sec + t0.tv_nsec / 1e9,
                             &net.board) != 0) {
            log_msg(LOG_ERR, "out of memory");
            goto out;
        }
        if (syncing) status_set_sync(net.board, SYNC_OFFLINE, 0, last_error[0] ? last_error : NULL);
        last_restart_load(net.board);
        if (net.status_file) {
            /* the status file's directory (e.g. /run/campus-signage) */
            char dir[4096];
            snprintf(dir, sizeof dir, "%s", net.status_file);
            char *slash = strrchr(dir, '/');
            if (slash && slash != dir) {
                *slash = '\0';
                fileio_mkdirs(dir);
            }
        }
        fetch_opts fo = {.ca_file = cfg.ca_file,
                         .token = cfg.token,
                         .user_agent = player,
                         .connect_s = 10,
                         .stall_s = cfg.stall_timeout};
        report_opts ro = {.status_file = net.status_file,
                          .heartbeat_interval = cfg.heartbeat_interval,
                          .net = fo,
                          .board = net.board};
        if (cfg.server) {
            /* heartbeats go to the server's API, also with a static manifest_url */
            size_t sl = strlen(cfg.server);
            while (sl && cfg.server[sl - 1] == '/')
                sl--;
            snprintf(net.status_url, sizeof net.status_url, "%.*s/api/v1/displays/%s/status",
                     (int)sl, cfg.server, cfg.display_id);
            snprintf(net.shot_url, sizeof net.shot_url, "%.*s/api/v1/displays/%s/screenshot",
                     (int)sl, cfg.server, cfg.display_id);
            ro.status_url = net.status_url;
            ro.screenshot_url = net.shot_url;
        }
        if (report_start(&ro, &net.report, err, sizeof err) != 0)
            log_msg(LOG_WARN, "status reports disabled: %s", err);
        if (syncing && net.cache) {
            sync_opts so = {.manifest_url = net.manifest_url,
                            .default_tz = cfg.timezone,
                            .net = fo,
                            .poll_interval = cfg.poll_interval,
                            .long_poll = cfg.long_poll,
                            .retry_max = cfg.retry_max,
                            .cache_max = cfg.cache_max_bytes,
                            .cache = net.cache,
                            .board = net.board,
                            .current = d,
                            .wake = wake_render,
                            .wake_user = &net.wake_event};
            if (sync_start(&so, &net.sync, err, sizeof err) != 0) {
                log_msg(LOG_ERR, "sync: %s", err);
                snprintf(last_error, sizeof last_error, "sync: %s", err);
            } else {
                log_msg(LOG_INFO, "syncing from %s into %s", net.manifest_url, net.cache_dir);
            }
        }
    }

    screen_opts so = {
        .cfg = &cfg,
        .screenshot = c.screenshot,
        .has_at = c.at != NULL,
        .at = at,
        .slide_id = c.slide,
        .run_for = c.run_for,
        .frame_log = c.frame_log,
        .speed = c.speed,
        .last_error = last_error,
        .watch_dir = c.screenshot || syncing ? NULL : content,
        .sync = net.sync,
        .board = net.board,
        .content_label = syncing ? net.manifest_url : content,
        .wake_event = net.wake_event,
    };
    so.fault = parse_fault(&so.fault_after);
    r = screen_run(&so, d);
    rc = r == 0 ? 0 : r == SCREEN_EXIT_RESTART ? 3 : 1; /* 3: the self-check gave up */
    if (r == SCREEN_EXIT_RESTART) last_restart_save(net.board);
    if (rc == 0 && !d && c.screenshot && (content || syncing))
        rc = 1; /* the waiting screen was written, but there is no deck */
out:
    net_stop(&net);
    deck_unref(d);
    free(demo);
    diag_free(&diags);
    config_free(&cfg);
    if (curl_up) curl_global_cleanup();
    return rc;
}

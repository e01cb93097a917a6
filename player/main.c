/* signage-player: command line, configuration, and wiring.  All mutable state
 * lives here or below; see docs/ for the architecture. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "deck.h"
#include "diag.h"
#include "image.h"
#include "log.h"
#include "render/fonts.h"
#include "render/screen.h"
#include "schedule.h"

#define DEFAULT_CONFIG "/etc/campus-signage/player.conf"

static void usage(FILE *f)
{
    fputs(
        "Usage: signage-player [OPTIONS]\n"
        "Plays a campus-signage deck full screen.\n"
        "\n"
        "  --config FILE       read this config file (default " DEFAULT_CONFIG " if present)\n"
        "  --content DIR       play the local deck DIR/manifest.json (default: the demo deck)\n"
        "  --windowed          run in a window instead of full screen\n"
        "  --size WxH          screen or window size, e.g. 1920x1080 (default: native)\n"
        "  --rotate DEG        0, 90, 180 or 270 for panels mounted on their side\n"
        "  --screenshot OUT.png  render one frame headless to OUT.png and exit\n"
        "      --at ISO-8601   the clock for that frame, e.g. 2026-11-24T10:30:00+08:00\n"
        "      --slide ID      show this slide fully (default: the first on air)\n"
        "  --run-for SECONDS   exit after this many seconds\n"
        "  --check             validate config and content, print every problem, exit\n"
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
            if (is_dir(cand))
                return realpath(cand, NULL);
        }
    }
    if (is_dir(SIGNAGE_DATADIR "/demo"))
        return strdup(SIGNAGE_DATADIR "/demo");
    if (is_dir(SIGNAGE_SOURCE_DIR "/content/demo"))
        return strdup(SIGNAGE_SOURCE_DIR "/content/demo");
    return NULL;
}

enum {
    OPT_CONFIG = 256,
    OPT_CONTENT,
    OPT_WINDOWED,
    OPT_SIZE,
    OPT_ROTATE,
    OPT_SCREENSHOT,
    OPT_AT,
    OPT_SLIDE,
    OPT_RUN_FOR,
    OPT_CHECK,
    OPT_VERSION,
    OPT_HELP,
};

typedef struct cli {
    const char *config;
    const char *screenshot;
    const char *at;
    const char *slide;
    double run_for;
    bool check;
    /* flag values applied after the config file (flags win) */
    const char *keys[8];
    const char *values[8];
    const char *where[8];
    size_t n;
} cli;

static int parse_cli(int argc, char **argv, cli *c)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"content", required_argument, NULL, OPT_CONTENT},
        {"windowed", no_argument, NULL, OPT_WINDOWED},
        {"size", required_argument, NULL, OPT_SIZE},
        {"rotate", required_argument, NULL, OPT_ROTATE},
        {"screenshot", required_argument, NULL, OPT_SCREENSHOT},
        {"at", required_argument, NULL, OPT_AT},
        {"slide", required_argument, NULL, OPT_SLIDE},
        {"run-for", required_argument, NULL, OPT_RUN_FOR},
        {"check", no_argument, NULL, OPT_CHECK},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *key = NULL, *where = NULL;
        switch (o) {
        case OPT_CONFIG: c->config = optarg; break;
        case OPT_CONTENT: key = "content"; where = "--content"; break;
        case OPT_WINDOWED: key = "windowed"; where = "--windowed"; optarg = "yes"; break;
        case OPT_SIZE: key = "size"; where = "--size"; break;
        case OPT_ROTATE: key = "rotate"; where = "--rotate"; break;
        case OPT_SCREENSHOT: c->screenshot = optarg; break;
        case OPT_AT: c->at = optarg; break;
        case OPT_SLIDE: c->slide = optarg; break;
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
        case OPT_CHECK: c->check = true; break;
        case OPT_VERSION: printf("signage-player %s\n", SIGNAGE_VERSION); return 0;
        case OPT_HELP: usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (key && c->n < 8) {
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

static void print_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "%s: %s\n", d->items[i].level == DIAG_ERROR ? "error" : "warning",
                d->items[i].msg);
    if (d->dropped)
        fprintf(stderr, "(%zu more problems not shown)\n", d->dropped);
}

/* --check: everything a technician should know before walking away. */
static int run_check(const player_config *cfg, deck *d, diag_list *diags)
{
    /* The primary fonts must exist as named: a fallback would draw every
     * Chinese character as a box. */
    const char *needed[] = {cfg->font_regular, cfg->font_bold};
    for (size_t i = 0; i < 2; i++) {
        fonts_face face;
        if (fonts_resolve(needed[i], &face, diags) == 0)
            fonts_face_clear(&face);
    }
    fonts_chain chain;
    if (fonts_chain_load(cfg->font_regular, cfg->font_fallback, &chain, diags) == 0)
        fonts_chain_free(&chain);
    if (d)
        deck_check_media(d, cfg->max_image_pixels, diags);
    print_diags(diags);
    size_t errors = diag_count(diags, DIAG_ERROR), warnings = diag_count(diags, DIAG_WARNING);
    if (d)
        printf("%s: %zu slides, %zu ticker items, %zu alerts; %zu errors, %zu warnings\n",
               d->source, d->m->n_slides, d->m->n_ticker, d->m->n_alerts, errors, warnings);
    else
        printf("%zu errors, %zu warnings\n", errors, warnings);
    return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    cli c;
    memset(&c, 0, sizeof c);
    int r = parse_cli(argc, argv, &c);
    if (r >= 0)
        return r;

    player_config cfg;
    config_init(&cfg);
    diag_list diags;
    diag_init(&diags);
    int rc = 1;
    deck *d = NULL;
    char *demo = NULL;

    bool config_ok = true;
    const char *config_path = c.config;
    if (!config_path && access(DEFAULT_CONFIG, F_OK) == 0)
        config_path = DEFAULT_CONFIG;
    if (config_path && config_load_file(&cfg, config_path, &diags) != 0)
        config_ok = false;
    for (size_t i = 0; i < c.n; i++)
        if (config_set(&cfg, c.keys[i], c.values[i], c.where[i], &diags) != 0)
            config_ok = false;
    int64_t at = 0;
    if (c.at && schedule_parse_instant(c.at, &at) != 0) {
        diag_add(&diags, DIAG_ERROR,
                 "--at: \"%s\" is not an ISO-8601 time with an offset, e.g. "
                 "2026-11-24T10:30:00+08:00",
                 c.at);
        config_ok = false;
    }
    if (!config_ok && !c.check) {
        print_diags(&diags);
        rc = 2;
        goto out;
    }

    const char *content = cfg.content_dir;
    if (!content) {
        demo = find_demo_dir();
        content = demo;
        if (!demo)
            diag_add(&diags, DIAG_WARNING, "no content configured and no demo deck found");
    }
    char last_error[1024] = "";
    if (content && deck_load_dir(content, cfg.timezone, &d, &diags) != 0) {
        /* The last error goes on the waiting screen for the technician. */
        for (size_t i = diags.n; i-- > 0;)
            if (diags.items[i].level == DIAG_ERROR) {
                snprintf(last_error, sizeof last_error, "%s", diags.items[i].msg);
                break;
            }
        d = NULL;
    }
    if (c.check) {
        rc = run_check(&cfg, d, &diags);
        goto out;
    }
    log_diags(&diags);
    if (d)
        log_msg(LOG_INFO, "playing %s: %zu slides, %zu ticker items, %zu alerts", d->source,
                d->m->n_slides, d->m->n_ticker, d->m->n_alerts);

    screen_opts so = {
        .cfg = &cfg,
        .screenshot = c.screenshot,
        .has_at = c.at != NULL,
        .at = at,
        .slide_id = c.slide,
        .run_for = c.run_for,
        .last_error = last_error,
        .watch_dir = c.screenshot ? NULL : content,
    };
    rc = screen_run(&so, d) == 0 ? 0 : 1;
    if (rc == 0 && content && !d && c.screenshot)
        rc = 1; /* the waiting screen was written, but the deck is broken */
out:
    deck_unref(d);
    free(demo);
    diag_free(&diags);
    config_free(&cfg);
    return rc;
}

/* test_config.c - config keys, the config file parser, and sysinfo. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "sysinfo.h"
#include "utf8.h"

/* ---- helpers ---- */

static char *tmp_path(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/config_%s", SIGNAGE_TEST_TMP, name);
    return buf;
}

/* Writes `len` bytes to a fixture file and returns its path (static). */
static const char *write_fixture(const char *name, const char *data, size_t len)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", p);
        exit(1);
    }
    if (len && fwrite(data, 1, len, f) != len) {
        fprintf(stderr, "cannot write %s\n", p);
        exit(1);
    }
    fclose(f);
    return p;
}

static const char *write_text(const char *name, const char *text)
{
    return write_fixture(name, text, strlen(text));
}

/* The first diagnostic of `level` containing every NULL-terminated needle. */
static const char *find_diag(const diag_list *d, diag_level level, ...)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->items[i].level != level)
            continue;
        va_list ap;
        va_start(ap, level);
        bool all = true;
        for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
            if (!strstr(d->items[i].msg, s)) {
                all = false;
                break;
            }
        va_end(ap);
        if (all)
            return d->items[i].msg;
    }
    return NULL;
}

static void dump_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  diag[%zu] %s: %s\n", i, d->items[i].level == DIAG_ERROR ? "E" : "W",
                d->items[i].msg);
}

/* Sets key=value on a fresh config and reports whether it was accepted with
 * no diagnostics at all; *c keeps the result for inspection. */
static int set1(player_config *c, const char *key, const char *value)
{
    diag_list d;
    diag_init(&d);
    int r = config_set(c, key, value, "--test", &d);
    if (r == 0 && d.n != 0)
        r = 99; /* accepted but complained */
    if (r != 0 && (d.n != 1 || d.items[0].level != DIAG_ERROR || !strstr(d.items[0].msg, key)))
        r = 98; /* a rejection must be exactly one error naming the key */
    diag_free(&d);
    return r;
}

/* ---- defaults ---- */

static void test_defaults(void)
{
    player_config c;
    config_init(&c);
    CHECK(c.content_dir == NULL);
    CHECK(c.server == NULL);
    char host[256];
    if (gethostname(host, sizeof host) != 0 || !host[0])
        strcpy(host, "unknown");
    CHECK_STR(c.display_id, host);
    CHECK_INT(c.width, 0);
    CHECK_INT(c.height, 0);
    CHECK_INT(c.rotate, 0);
    CHECK(c.windowed == false);
    CHECK_STR(c.font_regular, "Noto Sans CJK SC");
    CHECK_STR(c.font_bold, "Noto Sans CJK SC:weight=bold");
    CHECK_STR(c.font_fallback, "DejaVu Sans");
    CHECK_STR(c.timezone, "Asia/Shanghai");
    CHECK(c.default_duration == 10.0);
    CHECK(c.transition_time == 1.0);
    CHECK(c.ticker_speed == 120.0);
    CHECK(c.alert_duration == 10.0);
    CHECK_INT(c.max_image_pixels, 50000000);
    config_free(&c);
    CHECK(c.font_regular == NULL);
    config_free(&c); /* twice is harmless */
}

/* ---- every key: valid and invalid values ---- */

static void test_strings(void)
{
    player_config c;
    config_init(&c);

    CHECK_INT(set1(&c, "content", "/srv/signage/deck"), 0);
    CHECK_STR(c.content_dir, "/srv/signage/deck");
    CHECK_INT(set1(&c, "content", "相对/目录 with space"), 0);
    CHECK_STR(c.content_dir, "相对/目录 with space");
    CHECK_INT(set1(&c, "content", ""), 0); /* back to the demo deck */
    CHECK(c.content_dir == NULL);

    CHECK_INT(set1(&c, "server", "https://signage.example.edu.cn/api"), 0);
    CHECK_STR(c.server, "https://signage.example.edu.cn/api");
    CHECK_INT(set1(&c, "server", "HTTP://10.0.0.2:8080"), 0);
    CHECK_STR(c.server, "HTTP://10.0.0.2:8080");
    CHECK_INT(set1(&c, "server", "https://x/?a=b&c=d"), 0);
    static const char *const bad_servers[] = {
        "ftp://x", "signage.example.edu.cn", "https://", "http:///path", "https://a b",
        "https://a\tb", "http:/x",
    };
    for (size_t i = 0; i < sizeof bad_servers / sizeof bad_servers[0]; i++) {
        CHECK_MSG(set1(&c, "server", bad_servers[i]) == -1, "server \"%s\"", bad_servers[i]);
        CHECK_STR(c.server, "https://x/?a=b&c=d");
    }
    CHECK_INT(set1(&c, "server", ""), 0);
    CHECK(c.server == NULL);

    CHECK_INT(set1(&c, "display", "dangwei-1f"), 0);
    CHECK_STR(c.display_id, "dangwei-1f");
    CHECK_INT(set1(&c, "display", "Lobby_2.east"), 0);
    char id64[65], id65[66];
    memset(id64, 'a', 64);
    id64[64] = '\0';
    memset(id65, 'b', 65);
    id65[65] = '\0';
    CHECK_INT(set1(&c, "display", id64), 0);
    CHECK_STR(c.display_id, id64);
    static const char *const bad_ids[] = {"", "a b", "党委一楼", "a/b", "-x", ".hidden", "a:b"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        CHECK_MSG(set1(&c, "display", bad_ids[i]) == -1, "display \"%s\"", bad_ids[i]);
        CHECK_STR(c.display_id, id64);
    }
    CHECK_INT(set1(&c, "display", id65), -1);
    CHECK_STR(c.display_id, id64);

    CHECK_INT(set1(&c, "font", "Source Han Sans SC"), 0);
    CHECK_STR(c.font_regular, "Source Han Sans SC");
    CHECK_INT(set1(&c, "font", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:2"), 0);
    CHECK_STR(c.font_regular, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:2");
    CHECK_INT(set1(&c, "font", ""), -1);
    CHECK_STR(c.font_regular, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:2");

    CHECK_INT(set1(&c, "font_bold", "Source Han Sans SC:weight=heavy"), 0);
    CHECK_STR(c.font_bold, "Source Han Sans SC:weight=heavy");
    CHECK_INT(set1(&c, "font_bold", ""), -1);
    CHECK_STR(c.font_bold, "Source Han Sans SC:weight=heavy");
    CHECK_STR(c.font_regular, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:2");

    CHECK_INT(set1(&c, "font_fallback", "DejaVu Sans, Noto Color Emoji"), 0);
    CHECK_STR(c.font_fallback, "DejaVu Sans, Noto Color Emoji");
    CHECK_INT(set1(&c, "font_fallback", ""), 0);
    CHECK(c.font_fallback == NULL);

    CHECK_INT(set1(&c, "timezone", "UTC"), 0);
    CHECK_STR(c.timezone, "UTC");
    CHECK_INT(set1(&c, "timezone", "Europe/Berlin"), 0);
    CHECK_STR(c.timezone, "Europe/Berlin");
    CHECK_INT(set1(&c, "timezone", "Asia/Shanghai"), 0);
    static const char *const bad_zones[] = {
        "Asia/Shangai", "", "../../etc/passwd", "/etc/localtime", "Asia", "Asia/Shanghai ", "北京",
    };
    for (size_t i = 0; i < sizeof bad_zones / sizeof bad_zones[0]; i++) {
        CHECK_MSG(set1(&c, "timezone", bad_zones[i]) == -1, "timezone \"%s\"", bad_zones[i]);
        CHECK_STR(c.timezone, "Asia/Shanghai");
    }

    /* bytes that have no business in a value, for any string key */
    CHECK_INT(set1(&c, "font", "Noto\x01Sans"), -1);
    CHECK_INT(set1(&c, "font", "Noto\x7fSans"), -1);
    CHECK_INT(set1(&c, "content", "/srv/\xff\xfe"), -1);
    CHECK_INT(set1(&c, "content", "/srv/\xe5\x85"), -1); /* cut UTF-8 */
    CHECK_INT(set1(&c, "content", "/srv/\xed\xa0\x80"), -1); /* a surrogate */
    CHECK_STR(c.font_regular, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:2");
    CHECK(c.content_dir == NULL);
    config_free(&c);
}

static void test_size(void)
{
    int w = -1, h = -1;
    CHECK_INT(config_parse_size("1920x1080", &w, &h), 0);
    CHECK_INT(w, 1920);
    CHECK_INT(h, 1080);
    CHECK_INT(config_parse_size("1080X1920", &w, &h), 0);
    CHECK_INT(w, 1080);
    CHECK_INT(h, 1920);
    CHECK_INT(config_parse_size("64x16384", &w, &h), 0);
    CHECK_INT(w, 64);
    CHECK_INT(h, 16384);
    CHECK_INT(config_parse_size("auto", &w, &h), 0);
    CHECK_INT(w, 0);
    CHECK_INT(h, 0);
    w = h = 7;
    CHECK_INT(config_parse_size("AUTO", &w, &h), 0);
    CHECK_INT(w + h, 0);

    static const char *const bad[] = {
        "63x100", "100x63", "16385x100", "100x16385", "0x0", "1920", "1920x", "x1080",
        "1920x1080x3", "-1920x1080", "+1920x1080", "1920 x 1080", " 1920x1080", "1920x1080 ",
        "99999999999999999999x1080", "1920x99999999999", "1920.5x1080", "1920×1080", "",
        "automatic", "0x1920x1080", "abc",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        w = h = 5;
        CHECK_MSG(config_parse_size(bad[i], &w, &h) == -1, "size \"%s\"", bad[i]);
        CHECK_MSG(w == 5 && h == 5, "size \"%s\" wrote the outputs", bad[i]);
    }
    CHECK_INT(config_parse_size(NULL, &w, &h), -1);

    player_config c;
    config_init(&c);
    CHECK_INT(set1(&c, "size", "1280x720"), 0);
    CHECK_INT(c.width, 1280);
    CHECK_INT(c.height, 720);
    CHECK_INT(set1(&c, "size", "1x1"), -1);
    CHECK_INT(c.width, 1280);
    CHECK_INT(c.height, 720);
    CHECK_INT(set1(&c, "size", "auto"), 0);
    CHECK_INT(c.width, 0);
    CHECK_INT(c.height, 0);
    config_free(&c);
}

static void test_rotate_windowed(void)
{
    player_config c;
    config_init(&c);
    static const int ok[] = {90, 180, 270, 0};
    for (size_t i = 0; i < 4; i++) {
        char v[8];
        snprintf(v, sizeof v, "%d", ok[i]);
        CHECK_INT(set1(&c, "rotate", v), 0);
        CHECK_INT(c.rotate, ok[i]);
    }
    CHECK_INT(set1(&c, "rotate", "270"), 0);
    static const char *const bad[] = {
        "45", "-90", "360", "90.0", "", "ninety", " 90", "0x5A", "99999999999999999999999", "9 0",
        "1", "-0x0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(set1(&c, "rotate", bad[i]) == -1, "rotate \"%s\"", bad[i]);
        CHECK_INT(c.rotate, 270);
    }

    static const char *const yes[] = {"yes", "true", "on", "1", "YES", "True", "On"};
    static const char *const no[] = {"no", "false", "off", "0", "NO", "False", "OFF"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        c.windowed = false;
        CHECK_MSG(set1(&c, "windowed", yes[i]) == 0 && c.windowed, "windowed \"%s\"", yes[i]);
        CHECK_MSG(set1(&c, "windowed", no[i]) == 0 && !c.windowed, "windowed \"%s\"", no[i]);
    }
    c.windowed = true;
    static const char *const bad_bool[] = {"maybe", "", "2", "y", "n", "yes please", "01"};
    for (size_t i = 0; i < sizeof bad_bool / sizeof bad_bool[0]; i++) {
        CHECK_MSG(set1(&c, "windowed", bad_bool[i]) == -1, "windowed \"%s\"", bad_bool[i]);
        CHECK(c.windowed);
    }
    config_free(&c);
}

typedef struct number_case {
    const char *key;
    const char *ok[6];   /* accepted */
    double ok_val[6];    /* ... and the value they set */
    const char *bad[12]; /* refused */
} number_case;

static double number_field(const player_config *c, const char *key)
{
    if (!strcmp(key, "slide_duration"))
        return c->default_duration;
    if (!strcmp(key, "transition_time"))
        return c->transition_time;
    if (!strcmp(key, "ticker_speed"))
        return c->ticker_speed;
    if (!strcmp(key, "alert_duration"))
        return c->alert_duration;
    return (double)c->max_image_pixels;
}

static void test_numbers(void)
{
    static const number_case cases[] = {
        {"slide_duration",
         {"1", "86400", "7.5", "1e2", "0015", "+3"},
         {1, 86400, 7.5, 100, 15, 3},
         {"0.99", "86401", "0", "-5", "nan", "inf", "-inf", "0x10", "10s", "", "1e999", "1..2"}},
        {"transition_time",
         {"0", "5", "0.25", ".5", "5.0", "0e0"},
         {0, 5, 0.25, 0.5, 5, 0},
         {"-0.1", "5.01", "1,5", "NaN", "INFINITY", "- 1", "1 2", "e", ".", "+", "1e", "--1"}},
        {"ticker_speed",
         {"10", "1000", "120", "99.5", "1e3", "1E1"},
         {10, 1000, 120, 99.5, 1000, 10},
         {"9.99", "1001", "fast", "120px", "1e-400", "0", "-120", "1000.0001", "", " ", "0x7B",
          "120 "}},
        {"alert_duration",
         {"2", "600", "30", "2.0", "599.9", "10"},
         {2, 600, 30, 2, 599.9, 10},
         {"1.9", "601", "0", "-2", "ten", "2e", "inf", "1e308", "600.01", "", "\xe5\x8d\x81",
          "10\t"}},
        {"max_image_megapixels",
         {"1", "500", "12.5", "24", "100", "50"},
         {1e6, 5e8, 12.5e6, 24e6, 100e6, 50e6},
         {"0.5", "501", "-1", "0", "50MP", "5e2.0", "", "nan", "1e20", "0x32", "five", "500.5"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const number_case *nc = &cases[i];
        player_config c;
        config_init(&c);
        for (size_t j = 0; j < 6; j++) {
            CHECK_MSG(set1(&c, nc->key, nc->ok[j]) == 0, "%s = \"%s\"", nc->key, nc->ok[j]);
            CHECK_MSG(number_field(&c, nc->key) == nc->ok_val[j], "%s = \"%s\" gave %g", nc->key,
                      nc->ok[j], number_field(&c, nc->key));
        }
        double keep = number_field(&c, nc->key);
        for (size_t j = 0; j < 12 && nc->bad[j]; j++) {
            CHECK_MSG(set1(&c, nc->key, nc->bad[j]) == -1, "%s = \"%s\" accepted", nc->key,
                      nc->bad[j]);
            CHECK_MSG(number_field(&c, nc->key) == keep, "%s = \"%s\" changed the value",
                      nc->key, nc->bad[j]);
        }
        config_free(&c);
    }
}

static void test_messages(void)
{
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);

    CHECK_INT(config_set(&c, "rotate", "45", "--rotate", &d), -1);
    CHECK_INT(d.n, 1);
    if (d.n >= 1)
        CHECK_STR(d.items[0].msg,
                  "--rotate: key \"rotate\": must be 0, 90, 180 or 270 (got \"45\")");
    diag_free(&d);

    CHECK_INT(config_set(&c, "slide_duration", "0", "player.conf:3", &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, "player.conf:3: key \"slide_duration\": ", "1", "86400",
                    "(got \"0\")", NULL) != NULL);
    diag_free(&d);

    CHECK_INT(config_set(&c, "rotat", "90", "--x", &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, "--x: unknown key \"rotat\" (did you mean \"rotate\"?)", NULL));
    diag_free(&d);
    CHECK_INT(config_set(&c, "Rotate", "90", "--x", &d), -1); /* keys are case-sensitive */
    CHECK(find_diag(&d, DIAG_ERROR, "unknown key \"Rotate\"", "did you mean \"rotate\"", NULL));
    CHECK_INT(c.rotate, 0);
    diag_free(&d);
    CHECK_INT(config_set(&c, "slide_durations", "5", "--x", &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, "did you mean \"slide_duration\"", NULL));
    diag_free(&d);
    CHECK_INT(config_set(&c, "fnot_bold", "x", "--x", &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, "did you mean \"font_bold\"", NULL));
    diag_free(&d);
    CHECK_INT(config_set(&c, "brightness", "5", "--x", &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, "--x: unknown key \"brightness\"", NULL));
    CHECK(!find_diag(&d, DIAG_ERROR, "did you mean", NULL));
    diag_free(&d);
    CHECK_INT(config_set(&c, "", "5", "--x", &d), -1);
    CHECK_INT(d.n, 1);
    diag_free(&d);
    CHECK_INT(config_set(&c, NULL, NULL, NULL, &d), -1); /* no crash, one error */
    CHECK_INT(d.n, 1);
    diag_free(&d);

    /* Hostile text is quoted back short and printable. */
    char big[10000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[5] = '\x1b';
    CHECK_INT(config_set(&c, big, "1", "--x", &d), -1);
    CHECK_INT(config_set(&c, "font", big, "--x", &d), -1);
    CHECK_INT(d.n, 2);
    for (size_t i = 0; i < d.n; i++) {
        CHECK(strlen(d.items[i].msg) < 300);
        CHECK(strchr(d.items[i].msg, '\x1b') == NULL);
        CHECK(strstr(d.items[i].msg, "zzzzz?zzz") != NULL);
    }
    diag_free(&d);
    /* a long Chinese value is cut on a character boundary */
    char han[3 * 200 + 1] = "";
    for (int i = 0; i < 200; i++)
        strcat(han, "党");
    CHECK_INT(config_set(&c, "display", han, "--x", &d), -1);
    CHECK_INT(d.n, 1);
    if (d.n == 1) {
        CHECK(utf8_valid(d.items[0].msg, strlen(d.items[0].msg)));
        CHECK(strstr(d.items[0].msg, "...") != NULL);
    }
    diag_free(&d);
    config_free(&c);
}

/* ---- screen power ---- */

static void test_screen_power(void)
{
    player_config c;
    config_init(&c);
    CHECK(c.screen_off == NULL);
    CHECK(c.screen_off_command == NULL);
    CHECK(c.screen_on_command == NULL);

    char buf[128];
    CHECK_INT(set1(&c, "screen_off", "23:00-07:00, SAT-sun"), 0);
    CHECK(c.screen_off != NULL);
    CHECK_INT(power_describe(c.screen_off, buf, sizeof buf), 0);
    CHECK_STR(buf, "23:00-07:00, sat-sun");
    CHECK_INT(set1(&c, "screen_off", "fri 22:00-08:00"), 0);
    CHECK_INT(power_describe(c.screen_off, buf, sizeof buf), 0);
    CHECK_STR(buf, "fri 22:00-08:00");
    /* a bad value is one error naming the key, and the old schedule stays */
    static const char *const bad[] = {"25:00-07:00", "mon-fir", "23:00", ",", "7am-8am", "夜间"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(set1(&c, "screen_off", bad[i]) == -1, "screen_off \"%s\"", bad[i]);
        CHECK_INT(power_describe(c.screen_off, buf, sizeof buf), 0);
        CHECK_STR(buf, "fri 22:00-08:00");
    }
    diag_list d;
    diag_init(&d);
    CHECK_INT(config_set(&c, "screen_off", "23:00-07:00, 25:00-06:00", "player.conf:7", &d), -1);
    CHECK_INT(d.n, 1);
    if (d.n == 1)
        CHECK_STR(d.items[0].msg, "player.conf:7: key \"screen_off\": rule 2: \"25:00\" is not a "
                                  "time HH:MM (got \"23:00-07:00, 25:00-06:00\")");
    diag_free(&d);
    /* empty: never off */
    CHECK_INT(set1(&c, "screen_off", ""), 0);
    CHECK(c.screen_off == NULL);

    CHECK_INT(set1(&c, "screen_off_command", "cec-ctl -d /dev/cec0 --to 0 --standby"), 0);
    CHECK_STR(c.screen_off_command, "cec-ctl -d /dev/cec0 --to 0 --standby");
    CHECK_INT(set1(&c, "screen_on_command", "ddcutil setvcp d6 01"), 0);
    CHECK_STR(c.screen_on_command, "ddcutil setvcp d6 01");
    CHECK_STR(c.screen_off_command, "cec-ctl -d /dev/cec0 --to 0 --standby");
    CHECK_INT(set1(&c, "screen_on_command", "a\x01b"), -1);
    CHECK_STR(c.screen_on_command, "ddcutil setvcp d6 01");
    CHECK_INT(set1(&c, "screen_off_command", ""), 0);
    CHECK(c.screen_off_command == NULL);
    CHECK_INT(set1(&c, "screen_off_comand", "x"), -1); /* suggests the right key */
    config_free(&c);

    /* from a file: the error names file, line and key; good lines apply */
    const char *text = "# power\n"
                       "screen_off_command = cec-ctl -d /dev/cec0 --to 0 --standby  # CEC\n"
                       "screen_off = sat-sun, mon-fir 20:00-22:00\n"
                       "screen_on_command = \"ddcutil setvcp d6 01; echo '#on'\"\n"
                       "screen_off = 23:00-07:00   ; nightly\n";
    const char *p = write_text("power.conf", text);
    config_init(&c);
    diag_init(&d);
    CHECK_INT(config_load_file(&c, p, &d), -1);
    char want[4300];
    snprintf(want, sizeof want,
             "%s:3: key \"screen_off\": rule 2: \"fir\" is not a day (mon tue wed thu fri sat "
             "sun) (got \"sat-sun, mon-fir 20:00-22:00\")",
             p);
    CHECK(find_diag(&d, DIAG_ERROR, want, NULL) != NULL);
    CHECK_INT(diag_count(&d, DIAG_ERROR), 1);
    if (diag_count(&d, DIAG_ERROR) != 1)
        dump_diags(&d);
    CHECK_STR(c.screen_off_command, "cec-ctl -d /dev/cec0 --to 0 --standby");
    CHECK_STR(c.screen_on_command, "ddcutil setvcp d6 01; echo '#on'");
    CHECK_INT(power_describe(c.screen_off, buf, sizeof buf), 0);
    CHECK_STR(buf, "23:00-07:00");
    diag_free(&d);
    config_free(&c);
}

/* ---- files ---- */

static void test_file_ok(void)
{
    const char *text = "\xEF\xBB\xBF# 党建大厅显示屏 lobby screen\r\n"
                       "; semicolon comment\r\n"
                       "\r\n"
                       "   content   =   /srv/signage/deck   \r\n"
                       "server=https://signage.example.edu.cn\r\n"
                       "\tdisplay\t=\tdangwei-1f\r\n"
                       "size = 1080x1920\r\n"
                       "rotate = 90   # 竖屏 portrait\r\n"
                       "windowed = yes ; for testing\r\n"
                       "font = \"Noto Sans CJK SC\"\r\n"
                       "font_bold = \"My \\\"Quoted\\\" Font \\\\ x # not a comment\""
                       "  # comment\r\n"
                       "font_fallback = \"\"\r\n"
                       "timezone = UTC\r\n"
                       "slide_duration = 15\r\n"
                       "transition_time = 0.5\r\n"
                       "ticker_speed = 200\r\n"
                       "alert_duration = 20\r\n"
                       "max_image_megapixels = 24"; /* no final newline */
    const char *p = write_text("ok.conf", text);
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);
    CHECK_INT(config_load_file(&c, p, &d), 0);
    CHECK_INT(d.n, 0);
    dump_diags(&d);
    CHECK_STR(c.content_dir, "/srv/signage/deck");
    CHECK_STR(c.server, "https://signage.example.edu.cn");
    CHECK_STR(c.display_id, "dangwei-1f");
    CHECK_INT(c.width, 1080);
    CHECK_INT(c.height, 1920);
    CHECK_INT(c.rotate, 90);
    CHECK(c.windowed);
    CHECK_STR(c.font_regular, "Noto Sans CJK SC");
    CHECK_STR(c.font_bold, "My \"Quoted\" Font \\ x # not a comment");
    CHECK(c.font_fallback == NULL);
    CHECK_STR(c.timezone, "UTC");
    CHECK(c.default_duration == 15);
    CHECK(c.transition_time == 0.5);
    CHECK(c.ticker_speed == 200);
    CHECK(c.alert_duration == 20);
    CHECK_INT(c.max_image_pixels, 24000000);

    /* command-line flags win over the file */
    CHECK_INT(config_set(&c, "rotate", "180", "--rotate", &d), 0);
    CHECK_INT(c.rotate, 180);
    diag_free(&d);
    config_free(&c);

    /* empty file, comment-only file, lone BOM */
    config_init(&c);
    CHECK_INT(config_load_file(&c, write_text("empty.conf", ""), &d), 0);
    CHECK_INT(config_load_file(&c, write_text("comments.conf", "# a\n;b\n\n   \n\t# c\n"), &d), 0);
    CHECK_INT(config_load_file(&c, write_text("bom.conf", "\xEF\xBB\xBF"), &d), 0);
    CHECK_INT(d.n, 0);
    CHECK_STR(c.font_regular, "Noto Sans CJK SC");
    diag_free(&d);
    config_free(&c);

    /* a value holding '=' and an unquoted '#' with no blank before it */
    config_init(&c);
    p = write_text("eq.conf", "server = https://x.edu.cn/s?a=b#frag\ncontent=/srv/a;b\n");
    CHECK_INT(config_load_file(&c, p, &d), 0);
    CHECK_STR(c.server, "https://x.edu.cn/s?a=b#frag");
    CHECK_STR(c.content_dir, "/srv/a;b");
    diag_free(&d);
    config_free(&c);
}

static void test_file_errors(void)
{
    const char *text = "# line 1\n"
                       "rotate = 45\n"
                       "\n"
                       "rotat = 90\n"
                       "just some words\n"
                       "size = \"1920x1080\n"
                       "windowed = yes\n"
                       "= 5\n"
                       "font = \"a\" b\n"
                       "font = \"a\\nb\"\n"
                       "\xEF\xBB\xBFticker_speed = 100\n"
                       "slide_duration = 20\n";
    const char *p = write_text("errors.conf", text);
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);
    CHECK_INT(config_load_file(&c, p, &d), -1);
    char want[4300];
    snprintf(want, sizeof want, "%s:2: key \"rotate\": must be 0, 90, 180 or 270 (got \"45\")", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, NULL) != NULL);
    snprintf(want, sizeof want, "%s:4: unknown key \"rotat\" (did you mean \"rotate\"?)", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, NULL) != NULL);
    snprintf(want, sizeof want, "%s:5: expected key = value", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, NULL) != NULL);
    snprintf(want, sizeof want, "%s:6: key \"size\": ", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, "unterminated", NULL) != NULL);
    snprintf(want, sizeof want, "%s:8: expected key = value", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, NULL) != NULL);
    snprintf(want, sizeof want, "%s:9: key \"font\": ", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, "after the closing quote", NULL) != NULL);
    snprintf(want, sizeof want, "%s:10: key \"font\": ", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, "escape", NULL) != NULL);
    snprintf(want, sizeof want, "%s:11: unknown key", p); /* a BOM only counts at the start */
    CHECK(find_diag(&d, DIAG_ERROR, want, NULL) != NULL);
    CHECK_INT(diag_count(&d, DIAG_ERROR), 8);
    CHECK_INT(diag_count(&d, DIAG_WARNING), 0); /* refused lines do not count as "set" */
    if (diag_count(&d, DIAG_ERROR) != 8)
        dump_diags(&d);
    /* good lines still apply, bad ones leave the defaults */
    CHECK_INT(c.rotate, 0);
    CHECK_INT(c.width, 0);
    CHECK(c.windowed);
    CHECK(c.default_duration == 20);
    CHECK(c.ticker_speed == 120);
    CHECK_STR(c.font_regular, "Noto Sans CJK SC");
    diag_free(&d);
    config_free(&c);
}

static void test_file_duplicates_crlf(void)
{
    const char *p =
        write_text("dup.conf", "rotate = 90\r\n# x\r\n\r\nrotate = 180\r\nrotate = 270\r\n");
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);
    CHECK_INT(config_load_file(&c, p, &d), 0); /* a warning is not a failure */
    CHECK_INT(c.rotate, 270);
    CHECK_INT(diag_count(&d, DIAG_WARNING), 2);
    CHECK_INT(diag_count(&d, DIAG_ERROR), 0);
    char want[4300];
    snprintf(want, sizeof want, "%s:4: key \"rotate\"", p);
    CHECK(find_diag(&d, DIAG_WARNING, want, "line 1", "last one wins", NULL) != NULL);
    snprintf(want, sizeof want, "%s:5: key \"rotate\"", p);
    CHECK(find_diag(&d, DIAG_WARNING, want, "line 1", NULL) != NULL);
    diag_free(&d);

    /* CR inside a line is not a line ending */
    p = write_text("cr.conf", "font = Noto\rSans\r\nrotate = 90\r\n");
    CHECK_INT(config_load_file(&c, p, &d), -1);
    char w1[4300];
    snprintf(w1, sizeof w1, "%s:1: key \"font\"", p);
    CHECK(find_diag(&d, DIAG_ERROR, w1, "control character", NULL) != NULL);
    CHECK_INT(c.rotate, 90);
    CHECK_STR(c.font_regular, "Noto Sans CJK SC");
    diag_free(&d);
    config_free(&c);
}

static void test_file_refused(void)
{
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);

    /* missing file: names the file and says why */
    const char *missing = SIGNAGE_TEST_TMP "/config_no_such_file.conf";
    unlink(missing);
    CHECK_INT(config_load_file(&c, missing, &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, missing, "No such file or directory", NULL) != NULL);
    diag_free(&d);

    CHECK_INT(config_load_file(&c, SIGNAGE_TEST_TMP, &d), -1); /* a directory */
    CHECK(find_diag(&d, DIAG_ERROR, SIGNAGE_TEST_TMP, NULL) != NULL);
    diag_free(&d);
    CHECK_INT(config_load_file(&c, NULL, &d), -1);
    CHECK_INT(d.n, 1);
    diag_free(&d);

    /* A NUL byte: nothing from the file applies. */
    static const char nul[] = "rotate = 90\nwindowed = yes\nfont = a\0b\n";
    const char *p = write_fixture("nul.conf", nul, sizeof nul - 1);
    CHECK_INT(config_load_file(&c, p, &d), -1);
    char want[4300];
    snprintf(want, sizeof want, "%s:3: ", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, "NUL", NULL) != NULL);
    CHECK_INT(c.rotate, 0);
    CHECK(!c.windowed);
    diag_free(&d);

    /* UTF-16 (what Notepad calls "Unicode") is full of NULs too */
    static const char utf16[] = "\xff\xfer\0o\0t\0a\0t\0e\0=\0\x39\0\x30\0\n\0";
    p = write_fixture("utf16.conf", utf16, sizeof utf16 - 1);
    CHECK_INT(config_load_file(&c, p, &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, p, "NUL", NULL) != NULL);
    diag_free(&d);

    /* Lines: 4096 bytes is fine (CRLF not counted), 4097 is refused and the
     * next line still counts. */
    size_t big = 3 * 4100 + 64;
    char *buf = malloc(big);
    size_t n = 0;
    n += (size_t)sprintf(buf + n, "# ");
    memset(buf + n, 'a', 4094);
    n += 4094;
    n += (size_t)sprintf(buf + n, "\r\n");
    n += (size_t)sprintf(buf + n, "font = ");
    memset(buf + n, 'b', 4090);
    n += 4090;
    n += (size_t)sprintf(buf + n, "\nrotate = 90\n");
    p = write_fixture("longline.conf", buf, n);
    CHECK_INT(config_load_file(&c, p, &d), -1);
    snprintf(want, sizeof want, "%s:2: line longer than 4096 bytes", p);
    CHECK(find_diag(&d, DIAG_ERROR, want, NULL) != NULL);
    CHECK_INT(diag_count(&d, DIAG_ERROR), 1);
    CHECK_STR(c.font_regular, "Noto Sans CJK SC");
    CHECK_INT(c.rotate, 90);
    diag_free(&d);
    free(buf);

    /* Files: 1 MiB of comments is fine, one byte more is refused. */
    size_t mib = 1024 * 1024;
    buf = malloc(mib + 1);
    memset(buf, '#', mib + 1);
    for (size_t i = 1000; i < mib + 1; i += 1000)
        buf[i] = '\n';
    c.rotate = 0;
    memcpy(buf, "rotate=180\n", 11);
    p = write_fixture("mib.conf", buf, mib);
    CHECK_INT(config_load_file(&c, p, &d), 0);
    CHECK_INT(c.rotate, 180);
    CHECK_INT(d.n, 0);
    diag_free(&d);
    memcpy(buf, "rotate=270\n", 11);
    p = write_fixture("big.conf", buf, mib + 1);
    CHECK_INT(config_load_file(&c, p, &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, p, "larger than", NULL) != NULL);
    CHECK_INT(c.rotate, 180);
    diag_free(&d);
    free(buf);
    config_free(&c);
}

/* Random bytes and random near-config text: no crash, bounded diagnostics,
 * and the config stays well-formed (valgrind checks the rest). */
static void test_file_fuzz(void)
{
    static const char *const pieces[] = {
        "rotate", "size", "font", "=", " ", "\"", "\\", "#", ";", "\n", "\r\n", "\xEF\xBB\xBF",
        "90", "1920x1080", "auto", "yes", "\xff", "党", "\t", "server", "https://a", "1e308",
    };
    unsigned seed = 12345;
    int ok = 1;
    for (int iter = 0; iter < 300; iter++) {
        char buf[2048];
        size_t n = 0;
        while (n < sizeof buf - 32) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) & 0x7fff;
            if (iter % 3 == 0) {
                buf[n++] = (char)(r & 0xff);
                if (buf[n - 1] == '\0')
                    buf[n - 1] = '\n';
            } else {
                const char *s = pieces[r % (sizeof pieces / sizeof pieces[0])];
                size_t l = strlen(s);
                memcpy(buf + n, s, l);
                n += l;
            }
            if (r % 97 == 0)
                break;
        }
        const char *p = write_fixture("fuzz.conf", buf, n);
        player_config c;
        config_init(&c);
        diag_list d;
        diag_init(&d);
        config_load_file(&c, p, &d);
        if (d.n > DIAG_MAX || !c.font_regular || !c.font_bold || !c.timezone || !c.display_id)
            ok = 0;
        if (!(c.rotate == 0 || c.rotate == 90 || c.rotate == 180 || c.rotate == 270))
            ok = 0;
        if (c.width && (c.width < 64 || c.width > 16384))
            ok = 0;
        diag_free(&d);
        config_free(&c);
    }
    CHECK(ok);
}

/* The commented example for technicians: it loads cleanly as shipped, and
 * with every "#key = value" line switched on it still loads and gives
 * exactly the built-in defaults, so the documentation cannot drift. */
static void test_example_file(void)
{
    const char *path = SIGNAGE_SOURCE_DIR "/config/signage-player.conf";
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);
    CHECK_INT(config_load_file(&c, path, &d), 0);
    CHECK_INT(d.n, 0);
    diag_free(&d);
    config_free(&c);

    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static char text[65536], out[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    size_t o = 0, settings = 0;
    bool seen[32] = {false};
    static const char *const keys[] = {
        "content", "server", "display", "size", "rotate", "windowed", "font", "font_bold",
        "font_fallback", "timezone", "slide_duration", "transition_time", "ticker_speed",
        "alert_duration", "max_image_megapixels", "manifest_url", "token", "ca_file", "cache",
        "cache_max_mb", "status", "poll_interval", "long_poll", "retry_max", "stall_timeout",
        "heartbeat_interval", "screen_off", "screen_off_command", "screen_on_command",
    };
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (line[0] == '#' && line[1] >= 'a' && line[1] <= 'z') {
            line++, len--; /* "#key = value" -> "key = value" */
            settings++;
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                size_t kl = strlen(keys[k]);
                if (strncmp(line, keys[k], kl) == 0 && (line[kl] == ' ' || line[kl] == '='))
                    seen[k] = true;
            }
        }
        memcpy(out + o, line, len);
        o += len;
        line += len;
    }
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        CHECK_MSG(seen[k], "the example config does not list \"%s\"", keys[k]);
    CHECK_INT(settings, sizeof keys / sizeof keys[0]);

    const char *p = write_fixture("example_on.conf", out, o);
    player_config def, on;
    config_init(&def);
    config_init(&on);
    CHECK_INT(config_load_file(&on, p, &d), 0);
    CHECK_INT(d.n, 0);
    dump_diags(&d);
    diag_free(&d);
    CHECK(on.content_dir == NULL);
    CHECK(on.server == NULL);
    CHECK(on.display_id != NULL); /* an example id; the default is the host name */
    CHECK_INT(on.width, def.width);
    CHECK_INT(on.height, def.height);
    CHECK_INT(on.rotate, def.rotate);
    CHECK(on.windowed == def.windowed);
    CHECK_STR(on.font_regular, def.font_regular);
    CHECK_STR(on.font_bold, def.font_bold);
    CHECK_STR(on.font_fallback, def.font_fallback);
    CHECK_STR(on.timezone, def.timezone);
    CHECK(on.default_duration == def.default_duration);
    CHECK(on.transition_time == def.transition_time);
    CHECK(on.ticker_speed == def.ticker_speed);
    CHECK(on.alert_duration == def.alert_duration);
    CHECK_INT(on.max_image_pixels, def.max_image_pixels);
    CHECK(on.manifest_url != NULL); /* examples: off by default */
    CHECK(on.token == NULL);
    CHECK(on.ca_file != NULL);
    CHECK_STR(on.cache_dir, "/var/cache/campus-signage"); /* the service's default, spelt out */
    CHECK_STR(on.status_file, "/run/campus-signage/status.json");
    CHECK_INT(on.cache_max_bytes, def.cache_max_bytes);
    CHECK(on.poll_interval == def.poll_interval);
    CHECK(on.long_poll == def.long_poll);
    CHECK(on.retry_max == def.retry_max);
    CHECK(on.stall_timeout == def.stall_timeout);
    CHECK(on.heartbeat_interval == def.heartbeat_interval);
    CHECK(on.screen_off == NULL); /* never off, no commands: the examples are comments */
    CHECK(on.screen_off_command == NULL);
    CHECK(on.screen_on_command == NULL);
    config_free(&def);
    config_free(&on);
}

/* ---- sysinfo ---- */

static void test_sysinfo(void)
{
    char buf[512];
    memset(buf, 'x', sizeof buf);
    int n = sysinfo_addresses(buf, sizeof buf);
    CHECK(n >= 0);
    CHECK(memchr(buf, '\0', sizeof buf) != NULL);
    CHECK(utf8_valid(buf, strlen(buf)));
    CHECK(strstr(buf, "127.0.0.1") == NULL);
    CHECK(strstr(buf, " ::1") == NULL);
    CHECK(strstr(buf, " fe80:") == NULL);
    if (n == 0)
        CHECK_STR(buf, "无网络地址 (no address)");
    else
        CHECK(strchr(buf, ' ') != NULL); /* "ifname addr" */
    printf("sysinfo: %d address(es): %s\n", n, buf);

    /* tiny buffers: terminated, never half a character, count unchanged */
    for (size_t len = 1; len < 12; len++) {
        char small[12];
        memset(small, 'x', sizeof small);
        int m = sysinfo_addresses(small, len);
        CHECK_INT(m, n);
        CHECK(memchr(small, '\0', len) != NULL);
        CHECK(strlen(small) < len);
        CHECK(utf8_valid(small, strlen(small)));
        CHECK(small[len] == 'x' || len == sizeof small);
    }
    CHECK_INT(sysinfo_addresses(buf, 0), 0);

    char host[256];
    memset(host, 'x', sizeof host);
    sysinfo_hostname(host, sizeof host);
    CHECK(memchr(host, '\0', sizeof host) != NULL);
    CHECK(host[0] != '\0');
    char want[256];
    if (gethostname(want, sizeof want) == 0 && want[0])
        CHECK_STR(host, want);
    char tiny[2] = "zz";
    sysinfo_hostname(tiny, sizeof tiny);
    CHECK(tiny[1] == '\0');
    CHECK(tiny[0] != '\0');
    sysinfo_hostname(tiny, 0); /* no write, no crash */
}

int main(void)
{
    test_defaults();
    test_strings();
    test_size();
    test_rotate_windowed();
    test_numbers();
    test_messages();
    test_screen_power();
    test_file_ok();
    test_file_errors();
    test_file_duplicates_crlf();
    test_file_refused();
    test_file_fuzz();
    test_example_file();
    test_sysinfo();
    return check_done("config");
}

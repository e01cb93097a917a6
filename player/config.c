/* config.c - the technician's config file and the command-line keys.
 *
 * Everything here is about saying clearly what is wrong: each problem names
 * the file, line and key, shows what was written, and leaves the previous
 * value in place, so one typo never silently changes another setting. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "sysinfo.h"
#include "tz.h"
#include "utf8.h"

#define CONFIG_MAX_FILE (1024 * 1024)
#define CONFIG_MAX_LINE 4096
#define CONFIG_SHOW_MAX 80 /* bytes of a bad value quoted back in a message */

typedef enum {
    KEY_CONTENT,
    KEY_SERVER,
    KEY_DISPLAY,
    KEY_SIZE,
    KEY_ROTATE,
    KEY_WINDOWED,
    KEY_FONT,
    KEY_FONT_BOLD,
    KEY_FONT_FALLBACK,
    KEY_TIMEZONE,
    KEY_SLIDE_DURATION,
    KEY_TRANSITION_TIME,
    KEY_TICKER_SPEED,
    KEY_ALERT_DURATION,
    KEY_MAX_IMAGE_MEGAPIXELS,
    KEY_MANIFEST_URL,
    KEY_TOKEN,
    KEY_CA_FILE,
    KEY_CACHE,
    KEY_STATUS,
    KEY_POLL_INTERVAL,
    KEY_LONG_POLL,
    KEY_RETRY_MAX,
    KEY_STALL_TIMEOUT,
    KEY_HEARTBEAT_INTERVAL,
    KEY_CACHE_MAX_MB,
    KEY_SCREEN_OFF,
    KEY_SCREEN_OFF_COMMAND,
    KEY_SCREEN_ON_COMMAND,
    KEY_COUNT
} config_key;

static const char *const config_key_names[KEY_COUNT] = {
    [KEY_CONTENT] = "content",
    [KEY_SERVER] = "server",
    [KEY_DISPLAY] = "display",
    [KEY_SIZE] = "size",
    [KEY_ROTATE] = "rotate",
    [KEY_WINDOWED] = "windowed",
    [KEY_FONT] = "font",
    [KEY_FONT_BOLD] = "font_bold",
    [KEY_FONT_FALLBACK] = "font_fallback",
    [KEY_TIMEZONE] = "timezone",
    [KEY_SLIDE_DURATION] = "slide_duration",
    [KEY_TRANSITION_TIME] = "transition_time",
    [KEY_TICKER_SPEED] = "ticker_speed",
    [KEY_ALERT_DURATION] = "alert_duration",
    [KEY_MAX_IMAGE_MEGAPIXELS] = "max_image_megapixels",
    [KEY_MANIFEST_URL] = "manifest_url",
    [KEY_TOKEN] = "token",
    [KEY_CA_FILE] = "ca_file",
    [KEY_CACHE] = "cache",
    [KEY_STATUS] = "status",
    [KEY_POLL_INTERVAL] = "poll_interval",
    [KEY_LONG_POLL] = "long_poll",
    [KEY_RETRY_MAX] = "retry_max",
    [KEY_STALL_TIMEOUT] = "stall_timeout",
    [KEY_HEARTBEAT_INTERVAL] = "heartbeat_interval",
    [KEY_CACHE_MAX_MB] = "cache_max_mb",
    [KEY_SCREEN_OFF] = "screen_off",
    [KEY_SCREEN_OFF_COMMAND] = "screen_off_command",
    [KEY_SCREEN_ON_COMMAND] = "screen_on_command",
};

/* Ranges of the numeric keys, and how a technician should read them. */
typedef struct number_rule {
    double min, max;
    const char *what;
} number_rule;

static const number_rule number_rules[KEY_COUNT] = {
    [KEY_SLIDE_DURATION] = {1, 86400, "seconds"},
    [KEY_TRANSITION_TIME] = {0, 5, "seconds"},
    [KEY_TICKER_SPEED] = {10, 1000, "pixels per second"},
    [KEY_ALERT_DURATION] = {2, 600, "seconds"},
    [KEY_MAX_IMAGE_MEGAPIXELS] = {1, 500, "megapixels"},
    [KEY_POLL_INTERVAL] = {5, 86400, "seconds"},
    [KEY_LONG_POLL] = {0, 300, "seconds"},
    [KEY_RETRY_MAX] = {5, 3600, "seconds"},
    [KEY_STALL_TIMEOUT] = {2, 600, "seconds"},
    [KEY_HEARTBEAT_INTERVAL] = {5, 3600, "seconds"},
    [KEY_CACHE_MAX_MB] = {16, 1000000, "MiB"},
};

void config_init(player_config *c)
{
    memset(c, 0, sizeof *c);
    char host[256];
    sysinfo_hostname(host, sizeof host);
    /* Allocation failure leaves a NULL that every user of these fields already
     * treats as "not set"; there is nothing better to do this early. */
    c->display_id = strdup(host);
    c->font_regular = strdup("Noto Sans CJK SC");
    c->font_bold = strdup("Noto Sans CJK SC:weight=bold");
    c->font_fallback = strdup("DejaVu Sans");
    c->timezone = strdup("Asia/Shanghai");
    c->default_duration = 10;
    c->transition_time = 1.0;
    c->ticker_speed = 120;
    c->alert_duration = 10;
    c->max_image_pixels = 50000000;
    c->poll_interval = 60;
    c->long_poll = 25;
    c->retry_max = 120;
    c->stall_timeout = 30;
    c->heartbeat_interval = 60;
    c->cache_max_bytes = 2048ll << 20;
}

bool config_syncs(const player_config *c)
{
    return c->server || c->manifest_url;
}

void config_free(player_config *c)
{
    free(c->content_dir);
    free(c->server);
    free(c->display_id);
    free(c->font_regular);
    free(c->font_bold);
    free(c->font_fallback);
    free(c->timezone);
    free(c->manifest_url);
    free(c->token);
    free(c->ca_file);
    free(c->cache_dir);
    free(c->status_file);
    power_free(c->screen_off);
    free(c->screen_off_command);
    free(c->screen_on_command);
    memset(c, 0, sizeof *c);
}

/* A printable excerpt of untrusted text for a message: control bytes and
 * broken UTF-8 become '?', long text is cut (on a character boundary). */
static void show_text(const char *s, char *out, size_t outlen)
{
    size_t len = strlen(s), o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        bool bad = (cp == UTF8_REPLACEMENT && n == 1) || cp < 0x20 || cp == 0x7f;
        size_t need = bad ? 1 : n;
        if (o + need + 4 > outlen || o + need > CONFIG_SHOW_MAX) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (bad) {
            out[o++] = '?';
        } else {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
}

static void value_error(diag_list *diags, const char *where, const char *key, const char *value,
                        const char *what)
{
    char shown[CONFIG_SHOW_MAX + 8];
    show_text(value, shown, sizeof shown);
    diag_add(diags, DIAG_ERROR, "%s: key \"%s\": %s (got \"%s\")", where, key, what, shown);
}

/* Levenshtein distance ignoring case ("Rotate" should suggest "rotate"),
 * capped: anything above `cap` reports cap + 1.
 * Known keys are short, so one row on the stack is enough. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (lb > 63 || (la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = i;
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            bool same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t v = diag + !same;
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}

static void unknown_key(diag_list *diags, const char *where, const char *key)
{
    char shown[CONFIG_SHOW_MAX + 8];
    show_text(key, shown, sizeof shown);
    const char *best = NULL;
    size_t best_d = 3;
    for (int k = 0; k < KEY_COUNT; k++) {
        size_t d = edit_distance(key, config_key_names[k], 2);
        if (d < best_d) {
            best_d = d;
            best = config_key_names[k];
        }
    }
    if (best)
        diag_add(diags, DIAG_ERROR, "%s: unknown key \"%s\" (did you mean \"%s\"?)", where, shown,
                 best);
    else
        diag_add(diags, DIAG_ERROR, "%s: unknown key \"%s\"", where, shown);
}

static int find_key(const char *key)
{
    for (int k = 0; k < KEY_COUNT; k++)
        if (strcmp(key, config_key_names[k]) == 0)
            return k;
    return -1;
}

/* Strict decimal: strtod alone would also take "nan", "inf", hex floats and
 * leading blanks, none of which a technician means. */
static int parse_number(const char *s, double *out)
{
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, long *out)
{
    if (!*s || strspn(s, "0123456789+-") != strlen(s))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* One side of "WxH": 1..5 digits, so no overflow is possible. */
static int parse_side(const char *s, size_t len, int *out)
{
    if (len == 0 || len > 5 || strspn(s, "0123456789") < len)
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (s[i] - '0');
    if (v < 64 || v > 16384)
        return -1;
    *out = v;
    return 0;
}

int config_parse_size(const char *s, int *w, int *h)
{
    if (!s)
        return -1;
    if (strcasecmp(s, "auto") == 0) {
        *w = *h = 0;
        return 0;
    }
    const char *x = strpbrk(s, "xX");
    int pw, ph;
    if (!x || parse_side(s, (size_t)(x - s), &pw) != 0 || parse_side(x + 1, strlen(x + 1), &ph))
        return -1;
    *w = pw;
    *h = ph;
    return 0;
}

/* Replaces *slot with a copy of value; on allocation failure the old value
 * stays and the caller reports it. */
static int set_string(char **slot, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    if (value && !copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

/* A display id travels in sync URLs and file names, so it stays plain. */
static bool display_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static bool server_url_ok(const char *s)
{
    size_t skip;
    if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else
        return false;
    /* a host must follow, and a URL never holds blanks */
    return s[skip] && s[skip] != '/' && !strpbrk(s, " \t");
}

static int set_number(player_config *c, config_key k, const char *value, const char *where,
                      diag_list *diags)
{
    const number_rule *r = &number_rules[k];
    double v;
    if (parse_number(value, &v) != 0 || v < r->min || v > r->max) {
        char what[160];
        snprintf(what, sizeof what, "must be a number from %g to %g (%s)", r->min, r->max,
                 r->what);
        value_error(diags, where, config_key_names[k], value, what);
        return -1;
    }
    switch (k) {
    case KEY_SLIDE_DURATION: c->default_duration = v; break;
    case KEY_TRANSITION_TIME: c->transition_time = v; break;
    case KEY_TICKER_SPEED: c->ticker_speed = v; break;
    case KEY_ALERT_DURATION: c->alert_duration = v; break;
    case KEY_MAX_IMAGE_MEGAPIXELS: c->max_image_pixels = llround(v * 1e6); break;
    case KEY_POLL_INTERVAL: c->poll_interval = v; break;
    case KEY_LONG_POLL: c->long_poll = v; break;
    case KEY_RETRY_MAX: c->retry_max = v; break;
    case KEY_STALL_TIMEOUT: c->stall_timeout = v; break;
    case KEY_HEARTBEAT_INTERVAL: c->heartbeat_interval = v; break;
    case KEY_CACHE_MAX_MB: c->cache_max_bytes = llround(v * 1048576.0); break;
    default: return -1;
    }
    return 0;
}

int config_set(player_config *c, const char *key, const char *value, const char *where,
               diag_list *diags)
{
    if (!where)
        where = "config";
    if (!key)
        key = "";
    if (!value)
        value = "";
    int k = find_key(key);
    if (k < 0) {
        unknown_key(diags, where, key);
        return -1;
    }
    const char *name = config_key_names[k];
    size_t len = strlen(value);
    if (!utf8_valid(value, len)) {
        value_error(diags, where, name, value, "is not valid UTF-8 (save the file as UTF-8)");
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
            value_error(diags, where, name, value, "contains a control character");
            return -1;
        }

    int rc = 0;
    switch ((config_key)k) {
    case KEY_CONTENT:
        /* empty: back to the bundled demo deck */
        rc = set_string(&c->content_dir, *value ? value : NULL);
        break;
    case KEY_SERVER:
        if (*value && !server_url_ok(value)) {
            value_error(diags, where, name, value,
                        "must be an http:// or https:// URL, e.g. https://signage.example.edu.cn");
            return -1;
        }
        rc = set_string(&c->server, *value ? value : NULL);
        break;
    case KEY_DISPLAY:
        if (!display_id_ok(value)) {
            value_error(diags, where, name, value,
                        "must be 1 to 64 letters, digits, '.', '_' or '-', e.g. dangwei-1f");
            return -1;
        }
        rc = set_string(&c->display_id, value);
        break;
    case KEY_SIZE: {
        int w, h;
        if (config_parse_size(value, &w, &h) != 0) {
            value_error(diags, where, name, value,
                        "must be WIDTHxHEIGHT with each side 64 to 16384, e.g. 1920x1080, "
                        "or auto");
            return -1;
        }
        c->width = w;
        c->height = h;
        break;
    }
    case KEY_ROTATE: {
        long v;
        if (parse_int(value, &v) != 0 || (v != 0 && v != 90 && v != 180 && v != 270)) {
            value_error(diags, where, name, value, "must be 0, 90, 180 or 270");
            return -1;
        }
        c->rotate = (int)v;
        break;
    }
    case KEY_WINDOWED: {
        bool v;
        if (parse_bool(value, &v) != 0) {
            value_error(diags, where, name, value,
                        "must be yes or no (also true/false, on/off, 1/0)");
            return -1;
        }
        c->windowed = v;
        break;
    }
    case KEY_FONT:
    case KEY_FONT_BOLD:
        if (!*value) {
            value_error(diags, where, name, value,
                        "must name a font, e.g. \"Noto Sans CJK SC\" or a font file path");
            return -1;
        }
        rc = set_string(k == KEY_FONT ? &c->font_regular : &c->font_bold, value);
        break;
    case KEY_FONT_FALLBACK:
        /* empty: no fallback fonts */
        rc = set_string(&c->font_fallback, *value ? value : NULL);
        break;
    case KEY_TIMEZONE: {
        /* Checked now so a misspelt zone is reported with its line, not
         * discovered when the deck loads. */
        tz_zone *z = NULL;
        char err[700];
        if (!*value || tz_load(value, NULL, &z, err, sizeof err) != 0) {
            value_error(diags, where, name, value,
                        "must be an installed timezone name like Asia/Shanghai");
            return -1;
        }
        tz_free(z);
        rc = set_string(&c->timezone, value);
        break;
    }
    case KEY_MANIFEST_URL:
        if (*value && !server_url_ok(value)) {
            value_error(diags, where, name, value,
                        "must be an http:// or https:// URL, e.g. "
                        "https://cdn.example.edu.cn/lobby-a/manifest.json");
            return -1;
        }
        rc = set_string(&c->manifest_url, *value ? value : NULL);
        break;
    case KEY_TOKEN:
        /* It goes into an HTTP header: no blanks, nothing outside ASCII. */
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)value[i] <= 0x20 || (unsigned char)value[i] >= 0x7f) {
                diag_add(diags, DIAG_ERROR,
                         "%s: key \"%s\": must be printable ASCII without blanks", where, name);
                return -1;
            }
        if (len > 4096) {
            diag_add(diags, DIAG_ERROR, "%s: key \"%s\": longer than 4096 bytes", where, name);
            return -1;
        }
        rc = set_string(&c->token, *value ? value : NULL);
        break;
    case KEY_CA_FILE:
    case KEY_CACHE:
    case KEY_STATUS:
        rc = set_string(k == KEY_CA_FILE ? &c->ca_file
                        : k == KEY_CACHE ? &c->cache_dir
                                         : &c->status_file,
                        *value ? value : NULL);
        break;
    case KEY_SCREEN_OFF: {
        /* Parsed now so a typo is reported with its line, not at night. */
        power_schedule *p = NULL;
        char err[512];
        if (power_parse(value, &p, err, sizeof err) != 0) {
            value_error(diags, where, name, value, err);
            return -1;
        }
        if (power_empty(p)) {
            power_free(p);
            p = NULL;
        }
        power_free(c->screen_off);
        c->screen_off = p;
        break;
    }
    case KEY_SCREEN_OFF_COMMAND:
    case KEY_SCREEN_ON_COMMAND:
        rc = set_string(k == KEY_SCREEN_OFF_COMMAND ? &c->screen_off_command
                                                    : &c->screen_on_command,
                        *value ? value : NULL);
        break;
    case KEY_SLIDE_DURATION:
    case KEY_TRANSITION_TIME:
    case KEY_TICKER_SPEED:
    case KEY_ALERT_DURATION:
    case KEY_MAX_IMAGE_MEGAPIXELS:
    case KEY_POLL_INTERVAL:
    case KEY_LONG_POLL:
    case KEY_RETRY_MAX:
    case KEY_STALL_TIMEOUT:
    case KEY_HEARTBEAT_INTERVAL:
    case KEY_CACHE_MAX_MB:
        return set_number(c, (config_key)k, value, where, diags);
    case KEY_COUNT:
        return -1;
    }
    if (rc != 0) {
        diag_add(diags, DIAG_ERROR, "%s: key \"%s\": out of memory", where, name);
        return -1;
    }
    return 0;
}

/* Reads the whole file, refusing more than CONFIG_MAX_FILE bytes so a wrong
 * path (a log, /dev/zero) cannot eat the memory; pipes are fine
 * (--config <(...)). */
static int read_config_file(const char *path, char **out, size_t *outlen, diag_list *diags)
{
    char err[4400];
    if (fileio_read(path, CONFIG_MAX_FILE, FILEIO_ANY_KIND, out, outlen, err, sizeof err) != 0) {
        diag_add(diags, DIAG_ERROR, "%s (config file)", err);
        return -1;
    }
    return 0;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Parses a "double-quoted" value in place: q points at the opening quote.
 * Returns 0 with *out the unescaped text, or -1 with *why set. */
static int unquote(char *q, char **out, const char **why)
{
    char *r = q + 1, *w = q + 1;
    for (;;) {
        if (*r == '\0') {
            *why = "unterminated quoted value: the closing \" is missing";
            return -1;
        }
        if (*r == '"')
            break;
        if (*r == '\\') {
            if (r[1] != '"' && r[1] != '\\') {
                *why = "unknown escape in quoted value: only \\\" and \\\\ are allowed";
                return -1;
            }
            r++;
        }
        *w++ = *r++;
    }
    char *rest = r + 1;
    while (is_blank(*rest))
        rest++;
    if (*rest && *rest != '#' && *rest != ';') {
        *why = "unexpected text after the closing quote";
        return -1;
    }
    *w = '\0';
    *out = q + 1;
    return 0;
}

typedef struct line_ctx {
    player_config *c;
    const char *path;
    unsigned line;
    unsigned first_line[KEY_COUNT]; /* where each key was first set, for duplicate warnings */
    diag_list *diags;
    bool failed;
} line_ctx;

static void parse_line(line_ctx *x, char *s)
{
    while (is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1]))
        s[--n] = '\0';
    if (n == 0 || *s == '#' || *s == ';')
        return;

    char *where = NULL;
    if (asprintf(&where, "%s:%u", x->path, x->line) < 0) {
        diag_add(x->diags, DIAG_ERROR, "%s:%u: out of memory", x->path, x->line);
        x->failed = true;
        return;
    }
    char *eq = strchr(s, '=');
    if (!eq || eq == s) {
        diag_add(x->diags, DIAG_ERROR, "%s: expected key = value", where);
        x->failed = true;
        free(where);
        return;
    }
    char *key = s, *kend = eq;
    while (kend > key && is_blank(kend[-1]))
        kend--;
    *kend = '\0';
    char *value = eq + 1;
    while (is_blank(*value))
        value++;
    int k = find_key(key);

    if (*value == '"') {
        const char *why = NULL;
        char *inner;
        if (unquote(value, &inner, &why) != 0) {
            if (k < 0)
                unknown_key(x->diags, where, key);
            else
                value_error(x->diags, where, key, value, why);
            x->failed = true;
            free(where);
            return;
        }
        value = inner;
    } else {
        /* "rotate = 90   # portrait": a comment after blanks ends the value */
        for (char *p = value; *p; p++)
            if ((*p == '#' || *p == ';') && p > value && is_blank(p[-1])) {
                *p = '\0';
                break;
            }
        size_t vn = strlen(value);
        while (vn > 0 && is_blank(value[vn - 1]))
            value[--vn] = '\0';
    }

    if (k >= 0) {
        if (x->first_line[k])
            diag_add(x->diags, DIAG_WARNING,
                     "%s: key \"%s\" is set again (first on line %u); the last one wins", where,
                     key, x->first_line[k]);
        else
            x->first_line[k] = x->line;
    }
    if (config_set(x->c, key, value, where, x->diags) != 0)
        x->failed = true;
    free(where);
}

/* Parses buf[0..len) in place; buf[len] must exist (the reader's NUL), since
 * each line is cut with a NUL where it ends.  Frees buf. */
static int load_buffer(player_config *c, char *buf, size_t len, const char *path,
                       diag_list *diags)
{
    /* A NUL means this is not a text file (or a UTF-16 one from Notepad);
     * applying half of it would be worse than applying none. */
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        unsigned line = 1;
        for (const char *p = buf; p < nul; p++)
            line += *p == '\n';
        diag_add(diags, DIAG_ERROR,
                 "%s:%u: the file contains a NUL byte; save it as plain UTF-8 text", path, line);
        free(buf);
        return -1;
    }

    line_ctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.path = path;
    x.diags = diags;

    size_t pos = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* Windows editors put a BOM in front of UTF-8 */
    while (pos < len) {
        x.line++;
        char *start = buf + pos;
        char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n > 0 && start[n - 1] == '\r')
            n--;
        if (n > CONFIG_MAX_LINE) {
            diag_add(diags, DIAG_ERROR, "%s:%u: line longer than %d bytes; line ignored", path,
                     x.line, CONFIG_MAX_LINE);
            x.failed = true;
            continue;
        }
        start[n] = '\0'; /* overwrites '\r', '\n' or the byte past the end (buf has room) */
        parse_line(&x, start);
    }
    free(buf);
    return x.failed ? -1 : 0;
}

int config_load_file(player_config *c, const char *path, diag_list *diags)
{
    if (!path) {
        diag_add(diags, DIAG_ERROR, "no config file name given");
        return -1;
    }
    char *buf;
    size_t len;
    if (read_config_file(path, &buf, &len, diags) != 0)
        return -1;
    return load_buffer(c, buf, len, path, diags);
}

int config_load_text(player_config *c, const char *text, size_t len, const char *source,
                     diag_list *diags)
{
    if (!source)
        source = "config";
    if (len > CONFIG_MAX_FILE) {
        diag_add(diags, DIAG_ERROR, "%s: larger than %d bytes (config file)", source,
                 CONFIG_MAX_FILE);
        return -1;
    }
    /* A copy with the NUL the line parser writes past the last line. */
    char *buf = malloc(len + 1);
    if (!buf) {
        diag_add(diags, DIAG_ERROR, "%s: out of memory", source);
        return -1;
    }
    if (len)
        memcpy(buf, text, len);
    buf[len] = '\0';
    return load_buffer(c, buf, len, source, diags);
}

#include "info.h"

#include <dirent.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "status.h"
#include "sysinfo.h"

/* The value column starts at the same column on a terminal: a Chinese
 * character takes two columns and three bytes of UTF-8. */
static void line(FILE *out, const char *label, const char *value)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        if (*p < 0x80)
            cols++;
        else if (*p >= 0xE0)
            cols += 2; /* the lead byte of a 3-byte (CJK) sequence */
    fprintf(out, "  %s%*s %s\n", label, cols < 26 ? 26 - cols : 0, "",
            value && *value ? value : "-");
}

static void ago(int64_t secs, char *buf, size_t len)
{
    if (secs < 0)
        snprintf(buf, len, "in the future: check the clock");
    else if (secs < 120)
        snprintf(buf, len, "%lld s ago", (long long)secs);
    else if (secs < 7200)
        snprintf(buf, len, "%lld min ago", (long long)(secs / 60));
    else if (secs < 172800)
        snprintf(buf, len, "%lld h ago", (long long)(secs / 3600));
    else
        snprintf(buf, len, "%lld days ago", (long long)(secs / 86400));
}

/* Files and bytes under objects/, by stat alone. */
static bool cache_usage(const char *dir, long long *files, long long *bytes)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/objects", dir);
    DIR *d = opendir(path);
    if (!d) return false;
    *files = *bytes = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        (*files)++;
        *bytes += (long long)st.st_size;
    }
    closedir(d);
    return true;
}

static void print_cache(FILE *out, const info_request *r)
{
    char buf[1024], when[64], rel[64];
    long long files, bytes;
    if (!cache_usage(r->cache_dir, &files, &bytes)) {
        snprintf(buf, sizeof buf, "%s: empty or unreadable (nothing synced yet?)", r->cache_dir);
        line(out, "cache      缓存", buf);
    } else {
        snprintf(buf, sizeof buf, "%s: %lld files, %.1f MiB (cap %lld MiB)", r->cache_dir, files,
                 (double)bytes / (1024.0 * 1024.0),
                 (long long)(r->cfg->cache_max_bytes / (1024 * 1024)));
        line(out, "cache      缓存", buf);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.json", r->cache_dir);
    struct stat st;
    if (stat(path, &st) != 0) {
        line(out, "content    内容", "none cached yet: the screen waits for its first sync");
        return;
    }
    json_error_t jerr;
    json_t *m = json_load_file(path, 0, &jerr);
    const char *version = m ? json_string_value(json_object_get(m, "version")) : NULL;
    json_t *slides = m ? json_object_get(m, "slides") : NULL;
    status_iso8601((int64_t)st.st_mtime, when, sizeof when);
    ago(r->now - (int64_t)st.st_mtime, rel, sizeof rel);
    snprintf(buf, sizeof buf, "version \"%s\", %zu slides, received %s (%s)",
             version ? version : "", json_is_array(slides) ? json_array_size(slides) : 0, when,
             rel);
    line(out, "content    内容", m ? buf : "manifest.json in the cache is unreadable");
    json_decref(m);
}

/* /proc/PID/comm names the program (truncated to 15 bytes). */
static bool process_is_player(int pid)
{
    if (pid <= 0) return false;
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    bool ok = fgets(comm, sizeof comm, f) && strncmp(comm, "signage-player", 14) == 0;
    fclose(f);
    return ok;
}

static const char *str_at(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (b) v = json_object_get(v, b);
    return json_string_value(v);
}

static void print_status(FILE *out, const info_request *r)
{
    char buf[1400], rel[64];
    struct stat st;
    json_error_t jerr;
    json_t *s = NULL;
    if (r->status_file && stat(r->status_file, &st) == 0 && access(r->status_file, R_OK) != 0) {
        snprintf(buf, sizeof buf, "%s exists but is not readable by this user: run with sudo",
                 r->status_file);
        line(out, "player     播放器", buf);
        return;
    }
    if (!r->status_file || stat(r->status_file, &st) != 0 ||
        !(s = json_load_file(r->status_file, 0, &jerr))) {
        snprintf(buf, sizeof buf, "not running (no status file %s)",
                 r->status_file ? r->status_file : "configured");
        line(out, "player     播放器", buf);
        return;
    }
    /* The running player rewrites it at least every 5 s. */
    int64_t age = r->now - (int64_t)st.st_mtime;
    ago(age, rel, sizeof rel);
    int pid = (int)json_integer_value(json_object_get(s, "pid"));
    if (!process_is_player(pid))
        snprintf(buf, sizeof buf, "not running; it last wrote its status %s (%s)", rel,
                 r->status_file);
    else if (age > 30)
        snprintf(buf, sizeof buf, "running (pid %d) but its status is %s: stuck?", pid, rel);
    else
        snprintf(buf, sizeof buf, "running (pid %d), status updated %s (%s)", pid, rel,
                 r->status_file);
    line(out, "player     播放器", buf);
    const char *kind = str_at(s, "showing", "kind"), *id = str_at(s, "showing", "id");
    json_int_t active = json_integer_value(json_object_get(s, "active_slides"));
    snprintf(buf, sizeof buf, "%s%s%s%s, %lld slides on air", kind ? kind : "?", id ? " \"" : "",
             id ? id : "", id ? "\"" : "", (long long)active);
    line(out, "showing    正在显示", buf);
    const char *state = str_at(s, "sync", "state"), *ok = str_at(s, "sync", "last_success"),
               *err = str_at(s, "sync", "last_error"), *try = str_at(s, "sync", "last_attempt");
    snprintf(buf, sizeof buf, "%s; last success %s; last attempt %s", state ? state : "?",
             ok ? ok : "never", try ? try : "never");
    line(out, "sync       同步", buf);
    line(out, "last error 上次错误", err ? err : "none");
    const char *hs = str_at(s, "health", "state"), *hp = str_at(s, "health", "problem"),
               *hr = str_at(s, "health", "last_restart");
    json_int_t rec = json_integer_value(json_object_get(json_object_get(s, "health"), "recoveries"));
    snprintf(buf, sizeof buf, "%s, %lld recoveries%s%s%s%s", hs ? hs : "?", (long long)rec,
             hp ? "; last problem: " : "", hp ? hp : "", hr ? "; restarted after: " : "",
             hr ? hr : "");
    line(out, "self-check 自检", buf);
    json_t *scr = json_object_get(s, "screen");
    if (json_is_object(scr)) {
        snprintf(buf, sizeof buf, "%lldx%lld as laid out",
                 (long long)json_integer_value(json_object_get(scr, "width")),
                 (long long)json_integer_value(json_object_get(scr, "height")));
        line(out, "drawn at   绘制尺寸", buf);
    }
    json_decref(s);
}

void info_print(FILE *out, const info_request *r)
{
    char buf[4200];
    fprintf(out, "signage-player %s\n", SIGNAGE_VERSION);
    line(out, "display    屏幕编号", r->cfg->display_id);
    sysinfo_hostname(buf, sizeof buf);
    line(out, "host       主机名", buf);
    sysinfo_addresses(buf, sizeof buf);
    line(out, "addresses  网络地址", buf);
    line(out, "config     配置文件", r->config_path ? r->config_path : "none (built-in defaults)");
    if (r->manifest_url) {
        line(out, "server     服务器", r->cfg->server ? r->cfg->server : "(static host)");
        line(out, "manifest   清单", r->manifest_url);
        print_cache(out, r);
    } else {
        snprintf(buf, sizeof buf, "local folder %s (no server configured)",
                 r->content ? r->content : "(none found)");
        line(out, "content    内容", buf);
    }
    print_status(out, r);
    char size[32];
    if (r->cfg->width)
        snprintf(size, sizeof size, "%dx%d", r->cfg->width, r->cfg->height);
    else
        snprintf(size, sizeof size, "the display's native size");
    bool off = r->screen_off && *r->screen_off;
    snprintf(buf, sizeof buf, "%s, rotate %d, %s%s", size, r->cfg->rotate,
             off ? "off " : "always on", off ? r->screen_off : "");
    line(out, "screen     屏幕", buf);
}

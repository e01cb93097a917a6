#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "manifest.h"
#include "sha256.h"
#include "store.h"

#define BLOCK 512
#define RECORD (20 * BLOCK) /* tar's default blocking factor */
#define CHUNK (64 * 1024)   /* copy buffer */
#define MANIFEST_MAX (64 << 20)
#define SIZE_MAX_OCTAL 077777777777LL /* 11 octal digits: just under 8 GiB */
#define FORMAT_NAME "campus-signage-backup"

/* The online backup copies this many pages (4 MiB at SQLite's default page
 * size) and then pauses.  The copy runs inside one read transaction, and in
 * WAL mode a reader never blocks the server's writers, so the steps are
 * not about locks: they keep a large database's copy from taking the disk
 * away from the fsyncs the server's acknowledged writes wait for.  Small
 * databases (the usual few MB) are one or two steps. */
#define STEP_PAGES 1024
#define STEP_PAUSE_NS 10000000L

/* Every column of the schema (store.c, MIGRATIONS; version 1) that names a
 * file in objects/.  A migration that adds one must add it here: a backup
 * archives what this names, a restore refuses a database naming a file its
 * archive lacks. */
static const char REFERENCED_SQL[] =
    "SELECT sha256 FROM assets"
    " UNION SELECT media FROM items WHERE media IS NOT NULL"
    " UNION SELECT shot_sha256 FROM displays WHERE shot_sha256 IS NOT NULL"
    " UNION SELECT value FROM settings WHERE key = 'theme_logo' AND value <> ''"
    " ORDER BY 1";

typedef struct object {
    char sha256[65];
    int64_t size;
    bool listed; /* restore: named by backup.json */
} object;

typedef struct object_list {
    object *v;
    size_t n, cap;
} object_list;

static int list_add(object_list *l, const char *sha, int64_t size)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        object *v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    object *o = &l->v[l->n++];
    snprintf(o->sha256, sizeof o->sha256, "%.64s", sha); /* callers pass checked hex names */
    o->size = size;
    o->listed = false;
    return 0;
}

static void list_free(object_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static int cmp_object(const void *a, const void *b)
{
    return strcmp(((const object *)a)->sha256, ((const object *)b)->sha256);
}

/* l must be sorted (qsort with cmp_object). */
static object *list_find(const object_list *l, const char *sha)
{
    object key;
    snprintf(key.sha256, sizeof key.sha256, "%s", sha);
    return l->n ? bsearch(&key, l->v, l->n, sizeof *l->v, cmp_object) : NULL;
}

static int path_join(char *out, size_t outlen, const char *dir, const char *name, char *err,
                     size_t errlen)
{
    if (snprintf(out, outlen, "%s/%s", dir, name) < (int)outlen) return 0;
    snprintf(err, errlen, "%s: path too long", dir);
    return -1;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Up to len bytes; fewer only at the end of the file.  -1 on an error. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, (char *)buf + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

/* The directory a path's file is in ("." for a bare name). */
static void parent_dir(const char *path, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash == out)
        slash[1] = 0;
    else if (slash)
        *slash = 0;
    else
        snprintf(out, outlen, ".");
}

static void pause_ns(long ns)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ns};
    nanosleep(&ts, NULL);
}

/* Removes path and, when it is a directory (never followed when it is a
 * link), everything in it.  Only used on trees this module made. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char sub[4400];
            if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
                remove_tree(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

/* Run as root on the service's own directory, SQLite would leave root-owned
 * -wal/-shm files (a backup) or a root-owned database (a restore) that lock
 * the server out: the same rule as `user add`, enforced. */
static int check_owner(const char *dir, const struct stat *st, char *err, size_t errlen)
{
    if (geteuid() != 0 || st->st_uid == 0) return 0;
    char buf[1024], who[64];
    struct passwd pw, *found = NULL;
    if (getpwuid_r(st->st_uid, &pw, buf, sizeof buf, &found) == 0 && found)
        snprintf(who, sizeof who, "%s", found->pw_name);
    else
        snprintf(who, sizeof who, "#%u", (unsigned)st->st_uid);
    snprintf(err, errlen,
             "%s belongs to %s: run this as that user (sudo -u %s ...); files made here as "
             "root would lock the server out",
             dir, who, who);
    return -1;
}

/* err = "PATH: strerror(errno)"; returns -1 */
static int sys_error(const char *path, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
}

static int db_error(sqlite3 *db, const char *label, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s", label, what, db ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

static int db_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* "ok", or the first problem integrity_check reports. */
static int db_integrity(sqlite3 *db, const char *label, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    const char *v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    int r = 0;
    if (!v)
        r = db_error(db, label, "PRAGMA integrity_check", err, errlen);
    else if (strcmp(v, "ok") != 0) {
        snprintf(err, errlen, "%s: PRAGMA integrity_check: %.300s", label, v);
        r = -1;
    }
    sqlite3_finalize(st);
    return r;
}

/* The schema version, known to this server and not newer. */
static int db_version(sqlite3 *db, const char *label, int64_t *version, char *err, size_t errlen)
{
    if (db_int(db, "PRAGMA user_version", version) != 0)
        return db_error(db, label, "not a database", err, errlen);
    if (*version < 1) {
        snprintf(err, errlen, "%s: not a signage-server database (schema version %lld)", label,
                 (long long)*version);
        return -1;
    }
    if (*version > STORE_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "%s: schema version %lld is newer than this signage-server's %d: use the "
                 "newer server",
                 label, (long long)*version, STORE_SCHEMA_VERSION);
        return -1;
    }
    return 0;
}

/* The sha256 of every file the database names, sorted. */
static int db_referenced(sqlite3 *db, const char *label, object_list *out, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, REFERENCED_SQL, -1, &st, NULL);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) break;
        const char *sha = (const char *)sqlite3_column_text(st, 0);
        if (!sha || !manifest_sha256_valid(sha)) {
            snprintf(err, errlen, "%s: names a file \"%.80s\" that is not a sha256", label,
                     sha ? sha : "");
            sqlite3_finalize(st);
            return -1;
        }
        if (list_add(out, sha, -1) != 0) {
            snprintf(err, errlen, "out of memory");
            sqlite3_finalize(st);
            return -1;
        }
    }
    if (rc != SQLITE_DONE) {
        db_error(db, label, "listing the files it names", err, errlen);
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    qsort(out->v, out->n, sizeof *out->v, cmp_object);
    return 0;
}

/* ---- backup -------------------------------------------------------------- */

/* src (the live database, opened read-only beside the server) -> dst, a new
 * file, as of one read transaction. */
static int snapshot(const char *src_path, const char *dst_path, char *err, size_t errlen)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        db_error(src, src_path, "cannot open", err, errlen);
        sqlite3_close(src);
        return -1;
    }
    sqlite3_busy_timeout(src, 5000);
    /* The read transaction spans every step: without it each step would
     * see the server's latest commit and start the copy over, so a busy
     * server could keep a backup from ever finishing. */
    if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master;", NULL, NULL, NULL) !=
        SQLITE_OK) {
        db_error(src, src_path, "cannot read", err, errlen);
        sqlite3_close(src);
        return -1;
    }
    rc = sqlite3_open_v2(dst_path, &dst,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
    if (!b) {
        db_error(dst, dst_path, "cannot create", err, errlen);
        sqlite3_close(dst);
        sqlite3_close(src);
        return -1;
    }
    int busy = 0;
    for (;;) {
        rc = sqlite3_backup_step(b, STEP_PAGES);
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_OK) {
            pause_ns(STEP_PAUSE_NS);
        } else if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < 500) {
            pause_ns(STEP_PAUSE_NS); /* a moment of WAL recovery: 5 s at most */
        } else {
            break;
        }
    }
    rc = sqlite3_backup_finish(b);
    int r = 0;
    if (rc != SQLITE_OK) r = db_error(dst, src_path, "online backup", err, errlen);
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(src);
    if (sqlite3_close(dst) != SQLITE_OK && r == 0)
        r = db_error(dst, dst_path, "close", err, errlen);
    return r;
}

/* The copy made ready to archive: rollback-journal mode (one file, no
 * -wal beside it), no sessions (zeroed, not only unlinked: secure_delete),
 * checked; and the list of files it names. */
static int prepare_copy(const char *path, const char *label, object_list *refs, int64_t *version,
                        char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    int r = rc == SQLITE_OK ? 0 : db_error(db, path, "cannot open the copy", err, errlen);
    /* the version first: a newer schema's tables are not ours to edit */
    if (r == 0) r = db_version(db, label, version, err, errlen);
    if (r == 0 && sqlite3_exec(db,
                               "PRAGMA journal_mode=DELETE; PRAGMA secure_delete=ON;"
                               "DELETE FROM sessions;",
                               NULL, NULL, NULL) != SQLITE_OK)
        r = db_error(db, path, "cannot prepare the copy", err, errlen);
    if (r == 0) r = db_integrity(db, label, err, errlen);
    if (r == 0) r = db_referenced(db, label, refs, err, errlen);
    if (sqlite3_close(db) != SQLITE_OK && r == 0) r = db_error(db, path, "close", err, errlen);
    return r;
}

typedef struct tar_out {
    int fd;
    const char *path; /* the file being written, for messages */
    int64_t mtime;
} tar_out;

static int out_write(tar_out *t, const void *data, size_t len, char *err, size_t errlen)
{
    if (write_all(t->fd, data, len) == 0) return 0;
    snprintf(err, errlen, "%s: %s", t->path, strerror(errno));
    return -1;
}

static int out_pad(tar_out *t, int64_t size, char *err, size_t errlen)
{
    static const uint8_t zero[BLOCK];
    size_t pad = (size_t)((BLOCK - size % BLOCK) % BLOCK);
    return pad ? out_write(t, zero, pad, err, errlen) : 0;
}

static void octal(uint8_t *field, size_t width, uint64_t v)
{
    /* width - 1 digits and a NUL, as ustar wants */
    snprintf((char *)field, width, "%0*llo", (int)(width - 1), (unsigned long long)v);
}

static int out_header(tar_out *t, const char *name, int64_t size, char *err, size_t errlen)
{
    uint8_t h[BLOCK] = {0};
    size_t nl = strlen(name);
    if (nl >= 100 || size < 0 || size > SIZE_MAX_OCTAL) {
        snprintf(err, errlen, "%s: %s: too large for a ustar archive (%lld bytes)", t->path, name,
                 (long long)size);
        return -1;
    }
    memcpy(h, name, nl);
    octal(h + 100, 8, 0600);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, (uint64_t)size);
    octal(h + 136, 12, (uint64_t)t->mtime);
    memset(h + 148, ' ', 8); /* the checksum counts its own field as spaces */
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    unsigned sum = 0;
    for (size_t i = 0; i < BLOCK; i++)
        sum += h[i];
    char ck[8];
    snprintf(ck, sizeof ck, "%06o", sum & 0777777u);
    memcpy(h + 148, ck, 7); /* six digits, NUL, and the space already there */
    return out_write(t, h, BLOCK, err, errlen);
}

/* Copies the file at path into the archive as `name`, hashing it on the
 * way.  Returns 0; -1 when the archive cannot be written (stop); 1 when the
 * file is missing, unreadable, or does not hash to want_sha (err says
 * which; the caller goes on to check the others). */
static int out_file(tar_out *t, const char *path, const char *name, const char *want_sha,
                    char got[65], int64_t *size, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", path,
                 fd < 0 && errno == ENOENT ? "missing (the database names it)"
                 : fd < 0                  ? strerror(errno)
                                           : "not a regular file");
        if (fd >= 0) close(fd);
        return 1;
    }
    *size = (int64_t)st.st_size;
    sha256_ctx *h = sha256_begin();
    uint8_t *buf = malloc(CHUNK);
    int r = !h || !buf ? (snprintf(err, errlen, "out of memory"), -1)
                       : out_header(t, name, *size, err, errlen);
    int64_t left = *size;
    while (r == 0 && left > 0) {
        size_t want = left < CHUNK ? (size_t)left : CHUNK;
        ssize_t got_n = read_full(fd, buf, want);
        if (got_n != (ssize_t)want) {
            snprintf(err, errlen, "%s: %s", path,
                     got_n < 0 ? strerror(errno) : "shorter than its size: damaged");
            r = 1;
            break;
        }
        sha256_update(h, buf, want);
        r = out_write(t, buf, want, err, errlen);
        left -= (int64_t)want;
    }
    free(buf);
    close(fd);
    if (r != 0) {
        if (h) sha256_abort(h);
        return r;
    }
    if (sha256_end_hex(h, got) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (want_sha && strcmp(got, want_sha) != 0) {
        snprintf(err, errlen, "%s: sha256 mismatch: the stored file is damaged (it hashes to %s)",
                 path, got);
        return 1;
    }
    return out_pad(t, *size, err, errlen);
}

static int out_end(tar_out *t, int64_t written, char *err, size_t errlen)
{
    static const uint8_t zero[BLOCK];
    /* two zero blocks, then zeros to the end of the record */
    int64_t end = written + 2 * BLOCK;
    end = (end + RECORD - 1) / RECORD * RECORD;
    for (int64_t at = written; at < end; at += BLOCK)
        if (out_write(t, zero, BLOCK, err, errlen) != 0) return -1;
    return 0;
}

static int64_t padded(int64_t size)
{
    return (size + BLOCK - 1) / BLOCK * BLOCK;
}

/* signage.db, then every file it names, then backup.json.  The files are
 * read after the snapshot and still match it: the server writes a file
 * into objects/ before the row that names it and never removes one. */
static int write_archive(tar_out *t, const char *data_dir, const char *db_copy,
                         const object_list *refs, backup_stats *stats, char *err, size_t errlen)
{
    char dbsha[65], sha[65], path[4400];
    int64_t size = 0, written = 0;
    int r = out_file(t, db_copy, "signage.db", NULL, dbsha, &size, err, errlen);
    if (r != 0) return -1;
    stats->db_bytes = size;
    written += BLOCK + padded(size);
    json_t *objects = json_array();
    size_t bad = 0;
    for (size_t i = 0; i < refs->n && r >= 0; i++) {
        const char *want = refs->v[i].sha256;
        char name[80];
        snprintf(name, sizeof name, "objects/%s", want);
        if (path_join(path, sizeof path, data_dir, name, err, errlen) != 0) {
            r = -1;
            break;
        }
        r = out_file(t, path, name, want, sha, &size, err, errlen);
        if (r == 1) {
            /* every damaged file is named, not only the first */
            log_msg(LOG_ERR, "%s", err);
            bad++;
            r = 0;
            continue;
        }
        if (r != 0) break;
        written += BLOCK + padded(size);
        stats->objects++;
        stats->object_bytes += size;
        json_array_append_new(objects,
                              json_pack("{s:s, s:I}", "sha256", want, "size", (json_int_t)size));
    }
    if (r == 0 && bad) {
        snprintf(err, errlen,
                 "%s/objects: %zu of the %zu files the database names are missing or damaged "
                 "(each is named above): no backup written",
                 data_dir, bad, refs->n);
        r = -1;
    }
    if (r != 0) {
        json_decref(objects);
        return -1;
    }
    char created[32];
    time_t now = (time_t)t->mtime;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *doc =
        json_pack("{s:s, s:i, s:s, s:s, s:I, s:{s:s, s:I, s:s}, s:o, s:[s]}", "format", FORMAT_NAME,
                  "format_version", BACKUP_FORMAT_VERSION, "server_version", SIGNAGE_VERSION,
                  "created", created, "user_version", (json_int_t)stats->user_version, "db", "name",
                  "signage.db", "size", (json_int_t)stats->db_bytes, "sha256", dbsha, "objects",
                  objects, "excluded", "sessions");
    char *text = doc ? json_dumps(doc, JSON_INDENT(1)) : NULL;
    json_decref(doc);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* json_dumps' NUL becomes the file's last newline */
    len++;
    r = out_header(t, "backup.json", (int64_t)len, err, errlen);
    if (r == 0) r = out_write(t, text, len, err, errlen);
    if (r == 0) r = out_pad(t, (int64_t)len, err, errlen);
    free(text);
    written += BLOCK + padded((int64_t)len);
    return r == 0 ? out_end(t, written, err, errlen) : -1;
}

static void unlink_db(const char *path)
{
    static const char *const side[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
        char p[4400];
        snprintf(p, sizeof p, "%s%s", path, side[i]);
        unlink(p);
    }
}

int backup_create(const char *data_dir, const char *out_path, backup_stats *stats, char *err,
                  size_t errlen)
{
    backup_stats scratch;
    if (!stats) stats = &scratch;
    memset(stats, 0, sizeof *stats);
    struct stat st;
    char db[4200], db_copy[4300], tmp[4300];
    if (stat(data_dir, &st) != 0) {
        snprintf(err, errlen, "%s: %s (no data directory there)", data_dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", data_dir);
        return -1;
    }
    if (check_owner(data_dir, &st, err, errlen) != 0 ||
        path_join(db, sizeof db, data_dir, "signage.db", err, errlen) != 0)
        return -1;
    if (stat(db, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: no signage.db here: not a signage-server data directory",
                 data_dir);
        return -1;
    }
    /* Where the result goes, checked before the work rather than at the
     * final rename. */
    char out_dir[4300];
    parent_dir(out_path, out_dir, sizeof out_dir);
    if (stat(out_path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory: --out names the file to write", out_path);
        return -1;
    }
    const char *why = stat(out_dir, &st) != 0      ? strerror(errno)
                      : !S_ISDIR(st.st_mode)       ? "not a directory"
                      : access(out_dir, W_OK) != 0 ? strerror(errno)
                                                   : NULL;
    if (why) {
        snprintf(err, errlen, "%s: %s (where %s would go)", out_dir, why, out_path);
        return -1;
    }
    /* Both temporary files sit beside the result, never in the data dir's
     * tmp/, which belongs to the running server. */
    int pid = (int)getpid();
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", out_path, pid) >= (int)sizeof tmp ||
        snprintf(db_copy, sizeof db_copy, "%s.db.tmp.%d", out_path, pid) >= (int)sizeof db_copy) {
        snprintf(err, errlen, "%s: path too long", out_path);
        return -1;
    }
    unlink_db(db_copy);
    object_list refs = {0};
    int r = snapshot(db, db_copy, err, errlen);
    if (r == 0) r = prepare_copy(db_copy, db, &refs, &stats->user_version, err, errlen);
    int fd = -1;
    if (r == 0) {
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) r = sys_error(tmp, err, errlen);
    }
    if (r == 0) {
        tar_out t = {.fd = fd, .path = tmp, .mtime = (int64_t)time(NULL)};
        r = write_archive(&t, data_dir, db_copy, &refs, stats, err, errlen);
    }
    if (r == 0 && fsync(fd) != 0) r = sys_error(tmp, err, errlen);
    if (fd >= 0 && close(fd) != 0 && r == 0) r = sys_error(tmp, err, errlen);
    if (r == 0 && rename(tmp, out_path) != 0) r = sys_error(out_path, err, errlen);
    if (r == 0 && fsync_dir(out_dir) != 0) r = sys_error(out_dir, err, errlen);
    if (r != 0) unlink(tmp);
    unlink_db(db_copy);
    list_free(&refs);
    return r;
}

/* ---- restore ------------------------------------------------------------- */

typedef struct tar_in {
    int fd;
    const char *path;  /* the archive, for messages */
    int64_t pos, size; /* where we are; the file's size */
} tar_in;

static int in_read(tar_in *t, void *buf, size_t len, const char *what, char *err, size_t errlen)
{
    ssize_t got = read_full(t->fd, buf, len);
    if (got < 0) {
        snprintf(err, errlen, "%s: %s", t->path, strerror(errno));
        return -1;
    }
    t->pos += got;
    if ((size_t)got < len) {
        snprintf(err, errlen, "%s: truncated at byte %lld (%s)", t->path, (long long)t->pos, what);
        return -1;
    }
    return 0;
}

static int in_skip_pad(tar_in *t, int64_t size, const char *name, char *err, size_t errlen)
{
    uint8_t pad[BLOCK];
    size_t n = (size_t)((BLOCK - size % BLOCK) % BLOCK);
    return n ? in_read(t, pad, n, name, err, errlen) : 0;
}

/* An octal field: optional leading spaces, digits, then NULs or spaces. */
static int parse_octal(const uint8_t *f, size_t len, int64_t *out)
{
    size_t i = 0;
    while (i < len && f[i] == ' ')
        i++;
    int64_t v = 0;
    size_t digits = 0;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
        if (v > (INT64_MAX >> 3)) return -1;
        v = v * 8 + (f[i] - '0');
    }
    for (; i < len; i++)
        if (f[i] != 0 && f[i] != ' ') return -1; /* base-256 sizes land here too */
    if (!digits) return -1;
    *out = v;
    return 0;
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i]) return false;
    return true;
}

typedef enum { ENTRY_MANIFEST, ENTRY_DB, ENTRY_OBJECT, ENTRY_DIR } entry_kind;

/* Checks one header and names its entry.  Only the names a backup holds
 * pass ("./" in front is allowed: tar -C dir . writes it); everything else,
 * and every link, device or extension entry, is refused with the reason. */
static int parse_header(tar_in *t, const uint8_t h[BLOCK], char name[300], entry_kind *kind,
                        int64_t *size, char *err, size_t errlen)
{
    int64_t at = t->pos - BLOCK, stored;
    unsigned sum = 0;
    int ssum = 0;
    for (size_t i = 0; i < BLOCK; i++) {
        uint8_t c = i >= 148 && i < 156 ? ' ' : h[i];
        sum += c;
        ssum += (signed char)c; /* some old tars summed signed bytes */
    }
    if (parse_octal(h + 148, 8, &stored) != 0 || (stored != (int64_t)sum && stored != ssum)) {
        snprintf(err, errlen,
                 "%s: the header at byte %lld fails its checksum: not a tar archive, or damaged",
                 t->path, (long long)at);
        return -1;
    }
    if (memcmp(h + 257, "ustar", 5) != 0) {
        snprintf(err, errlen, "%s: the header at byte %lld is not a ustar header", t->path,
                 (long long)at);
        return -1;
    }
    bool posix = h[262] == 0; /* "ustar\0" + "00"; GNU's "ustar  \0" has no prefix field */
    char base[101], prefix[156] = "";
    memcpy(base, h, 100);
    base[100] = 0;
    if (posix) {
        memcpy(prefix, h + 345, 155);
        prefix[155] = 0;
    }
    snprintf(name, 300, "%s%s%s", prefix, *prefix ? "/" : "", base);
    /* names are printed in messages: no control characters in them */
    for (char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    const char *n = name;
    if (n[0] == '.' && n[1] == '/') n += 2;
    char type = (char)h[156];
    if (name[0] == '/') {
        snprintf(err, errlen, "%s: %.200s: an absolute path: refused", t->path, name);
        return -1;
    }
    if (!strcmp(n, "..") || !strncmp(n, "../", 3) || strstr(n, "/../") ||
        (strlen(n) >= 3 && !strcmp(n + strlen(n) - 3, "/.."))) {
        snprintf(err, errlen, "%s: %.200s: a path out of the archive: refused", t->path, name);
        return -1;
    }
    if (type == '1' || type == '2') {
        snprintf(err, errlen, "%s: %.200s: a %s entry: refused (a backup holds only files)",
                 t->path, name, type == '1' ? "hard link" : "symbolic link");
        return -1;
    }
    if (parse_octal(h + 124, 12, size) != 0) {
        snprintf(err, errlen, "%s: %.200s: a size field that is not octal: refused", t->path, name);
        return -1;
    }
    if (type == '5') {
        if (strcmp(n, "") && strcmp(n, ".") && strcmp(n, "objects") && strcmp(n, "objects/")) {
            snprintf(err, errlen, "%s: %.200s: a directory a backup does not have: refused",
                     t->path, name);
            return -1;
        }
        *kind = ENTRY_DIR;
        return 0;
    }
    if (type != '0' && type != 0) {
        snprintf(err, errlen, "%s: %.200s: an entry of type '%c', not a plain file: refused",
                 t->path, name, type >= 0x20 && type < 0x7f ? type : '?');
        return -1;
    }
    if (!strcmp(n, "backup.json"))
        *kind = ENTRY_MANIFEST;
    else if (!strcmp(n, "signage.db"))
        *kind = ENTRY_DB;
    else if (!strncmp(n, "objects/", 8) && manifest_sha256_valid(n + 8))
        *kind = ENTRY_OBJECT;
    else {
        snprintf(err, errlen, "%s: %.200s: not a file a signage backup holds: refused", t->path,
                 name);
        return -1;
    }
    if (*size > t->size - t->pos) {
        snprintf(err, errlen, "%s: %s: truncated (the entry says %lld bytes, %lld are left)",
                 t->path, n, (long long)*size, (long long)(t->size - t->pos));
        return -1;
    }
    memmove(name, n, strlen(n) + 1);
    return 0;
}

/* The entry's bytes into a new file at dest, hashed, fsynced. */
static int in_copy(tar_in *t, const char *name, int64_t size, const char *dest, char got[65],
                   char *err, size_t errlen)
{
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            snprintf(err, errlen, "%s: %s: appears twice: refused", t->path, name);
        else
            sys_error(dest, err, errlen);
        return -1;
    }
    sha256_ctx *h = sha256_begin();
    uint8_t *buf = malloc(CHUNK);
    int r = !h || !buf ? (snprintf(err, errlen, "out of memory"), -1) : 0;
    for (int64_t left = size; r == 0 && left > 0;) {
        size_t want = left < CHUNK ? (size_t)left : CHUNK;
        r = in_read(t, buf, want, name, err, errlen);
        if (r == 0) {
            sha256_update(h, buf, want);
            if (write_all(fd, buf, want) != 0) r = sys_error(dest, err, errlen);
        }
        left -= (int64_t)want;
    }
    free(buf);
    if (r == 0 && fsync(fd) != 0) r = sys_error(dest, err, errlen);
    if (close(fd) != 0 && r == 0) r = sys_error(dest, err, errlen);
    if (r != 0) {
        if (h) sha256_abort(h);
        return -1;
    }
    if (sha256_end_hex(h, got) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

typedef struct archive {
    object_list objects; /* sorted once read */
    char db_sha[65];
    int64_t db_size;
    bool have_db;
    char *manifest; /* backup.json's text */
} archive;

/* Every entry into staging/, up to the end-of-archive blocks. */
static int read_archive(tar_in *t, const char *staging, archive *a, char *err, size_t errlen)
{
    uint8_t h[BLOCK];
    char name[300], dest[4600];
    for (;;) {
        if (in_read(t, h, BLOCK, "no end-of-archive blocks", err, errlen) != 0) return -1;
        if (all_zero(h, BLOCK)) {
            if (in_read(t, h, BLOCK, "one end-of-archive block of two", err, errlen) != 0)
                return -1;
            if (!all_zero(h, BLOCK)) {
                snprintf(err, errlen, "%s: a lone zero block at byte %lld: damaged", t->path,
                         (long long)(t->pos - 2 * BLOCK));
                return -1;
            }
            return 0; /* what follows is the record's padding: never read */
        }
        entry_kind kind;
        int64_t size;
        if (parse_header(t, h, name, &kind, &size, err, errlen) != 0) return -1;
        char got[65];
        switch (kind) {
        case ENTRY_DIR:
            if (size != 0) {
                snprintf(err, errlen, "%s: %s: a directory with contents: refused", t->path, name);
                return -1;
            }
            continue;
        case ENTRY_MANIFEST:
            if (a->manifest || size > MANIFEST_MAX) {
                snprintf(err, errlen, "%s: backup.json: %s: refused", t->path,
                         a->manifest ? "appears twice" : "larger than 64 MiB");
                return -1;
            }
            a->manifest = malloc((size_t)size + 1);
            if (!a->manifest) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            if (in_read(t, a->manifest, (size_t)size, name, err, errlen) != 0) return -1;
            a->manifest[size] = 0;
            if (strlen(a->manifest) != (size_t)size) {
                snprintf(err, errlen, "%s: backup.json: has a NUL byte: damaged", t->path);
                return -1;
            }
            break;
        case ENTRY_DB:
            if (path_join(dest, sizeof dest, staging, "signage.db", err, errlen) != 0 ||
                in_copy(t, name, size, dest, a->db_sha, err, errlen) != 0)
                return -1;
            a->have_db = true;
            a->db_size = size;
            break;
        case ENTRY_OBJECT:
            if (path_join(dest, sizeof dest, staging, name, err, errlen) != 0 ||
                in_copy(t, name, size, dest, got, err, errlen) != 0)
                return -1;
            if (strcmp(got, name + 8) != 0) {
                snprintf(err, errlen,
                         "%s: %s: sha256 mismatch: its bytes hash to %s (the archive is damaged)",
                         t->path, name, got);
                return -1;
            }
            if (list_add(&a->objects, name + 8, size) != 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            break;
        }
        if (in_skip_pad(t, size, name, err, errlen) != 0) return -1;
    }
}

/* backup.json against what the archive held. */
static int check_manifest(const char *path, archive *a, int64_t *user_version, char *err,
                          size_t errlen)
{
    if (!a->manifest || !a->have_db) {
        snprintf(err, errlen, "%s: no %s in it: not a signage backup", path,
                 a->manifest ? "signage.db" : "backup.json");
        return -1;
    }
    json_error_t je;
    json_t *m = json_loads(a->manifest, 0, &je);
    if (!m) {
        snprintf(err, errlen, "%s: backup.json: not JSON (line %d: %s)", path, je.line, je.text);
        return -1;
    }
    int r = -1;
    json_t *db = json_object_get(m, "db"), *objs = json_object_get(m, "objects");
    const char *fmt = json_string_value(json_object_get(m, "format"));
    json_t *ver = json_object_get(m, "format_version"), *uv = json_object_get(m, "user_version");
    const char *dbsha = json_string_value(json_object_get(db, "sha256"));
    json_t *dbsize = json_object_get(db, "size");
    size_t i;
    json_t *o;
    if (!fmt || strcmp(fmt, FORMAT_NAME) != 0 || !json_is_integer(ver)) {
        snprintf(err, errlen, "%s: backup.json: not a signage backup's", path);
    } else if (json_integer_value(ver) > BACKUP_FORMAT_VERSION || json_integer_value(ver) < 1) {
        snprintf(err, errlen,
                 "%s: backup format %lld: this signage-server reads format %d: use a newer one",
                 path, (long long)json_integer_value(ver), BACKUP_FORMAT_VERSION);
    } else if (!json_is_integer(uv) || !dbsha || !json_is_integer(dbsize) || !json_is_array(objs)) {
        snprintf(err, errlen, "%s: backup.json: user_version, db or objects missing", path);
    } else if (strcmp(dbsha, a->db_sha) != 0 || json_integer_value(dbsize) != a->db_size) {
        snprintf(err, errlen,
                 "%s: signage.db: sha256 mismatch: backup.json says %.64s (%lld bytes), the "
                 "archive holds %s (%lld bytes)",
                 path, dbsha, (long long)json_integer_value(dbsize), a->db_sha,
                 (long long)a->db_size);
    } else {
        r = 0;
        *user_version = json_integer_value(uv);
        qsort(a->objects.v, a->objects.n, sizeof *a->objects.v, cmp_object);
        json_array_foreach(objs, i, o)
        {
            const char *sha = json_string_value(json_object_get(o, "sha256"));
            json_t *size = json_object_get(o, "size");
            object *found = sha && manifest_sha256_valid(sha) ? list_find(&a->objects, sha) : NULL;
            if (!found || found->listed || json_integer_value(size) != found->size) {
                snprintf(err, errlen, "%s: backup.json: objects[%zu] (%.64s): %s", path, i,
                         sha ? sha : "?",
                         !found          ? "not in the archive"
                         : found->listed ? "listed twice"
                                         : "its size differs from the archive's");
                r = -1;
                break;
            }
            found->listed = true;
        }
        for (i = 0; r == 0 && i < a->objects.n; i++)
            if (!a->objects.v[i].listed) {
                snprintf(err, errlen, "%s: objects/%s: not listed in backup.json: refused", path,
                         a->objects.v[i].sha256);
                r = -1;
            }
    }
    json_decref(m);
    return r;
}

/* The staged database: sound, of a schema this server knows, the one
 * backup.json describes, and every file it names in the archive. */
static int check_db(const char *path, const char *archive_path, const archive *a,
                    int64_t want_version, int64_t *version, char *err, size_t errlen)
{
    char label[4300];
    snprintf(label, sizeof label, "%s: signage.db", archive_path);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        db_error(db, label, "cannot open", err, errlen);
        sqlite3_close(db);
        return -1;
    }
    /* It came from a file anybody could have made: SQLite's hardening for
     * untrusted databases before the first read. */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_exec(db, "PRAGMA trusted_schema=OFF; PRAGMA cell_size_check=ON;", NULL, NULL, NULL);
    object_list refs = {0};
    int r = db_version(db, label, version, err, errlen);
    if (r == 0 && *version != want_version) {
        snprintf(err, errlen, "%s: schema version %lld, but backup.json says %lld", label,
                 (long long)*version, (long long)want_version);
        r = -1;
    }
    if (r == 0) r = db_integrity(db, label, err, errlen);
    if (r == 0) r = db_referenced(db, label, &refs, err, errlen);
    for (size_t i = 0; r == 0 && i < refs.n; i++)
        if (!list_find(&a->objects, refs.v[i].sha256)) {
            snprintf(err, errlen, "%s: names objects/%s, which the archive lacks", label,
                     refs.v[i].sha256);
            r = -1;
        }
    list_free(&refs);
    sqlite3_close(db);
    return r;
}

/* True when another connection has the database open (the server): an
 * exclusive lock cannot be had at once. */
static bool db_in_use(const char *path)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; ROLLBACK;", NULL,
                          NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

static bool dir_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return false;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)))
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    return empty;
}

/* The target: made when missing (*made), else empty but for tmp/,
 * lost+found/ and an empty objects/, or force and not in use. */
static int check_target(const char *dir, bool force, bool *made, char *err, size_t errlen)
{
    struct stat st;
    *made = false;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT || fileio_mkdirs(dir) != 0) {
            snprintf(err, errlen, "%s: %s", dir, strerror(errno));
            return -1;
        }
        *made = true;
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", dir);
        return -1;
    }
    if (check_owner(dir, &st, err, errlen) != 0) return -1;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    char names[200] = "";
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *s = e->d_name;
        if (!strcmp(s, ".") || !strcmp(s, "..") || !strcmp(s, "tmp") || !strcmp(s, "lost+found"))
            continue;
        char sub[4400];
        if (!strcmp(s, "objects") && snprintf(sub, sizeof sub, "%s/objects", dir) > 0 &&
            dir_empty(sub))
            continue;
        if (n++ < 3)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%.40s",
                     n > 1 ? ", " : "", s);
    }
    closedir(d);
    if (n && !force) {
        snprintf(err, errlen,
                 "%s: not empty (%s%s): restore into a new or empty directory, or add --force "
                 "to replace its database and pictures",
                 dir, names, n > 3 ? ", ..." : "");
        return -1;
    }
    char db[4300];
    snprintf(db, sizeof db, "%s/signage.db", dir);
    if (n && access(db, F_OK) == 0 && db_in_use(db)) {
        snprintf(err, errlen, "%s: in use by another process (the server?): stop it first", db);
        return -1;
    }
    return 0;
}

static const char *const DATA_FILES[] = {"signage.db-wal", "signage.db-shm", "signage.db-journal",
                                         "signage.db", "objects"};

/* Staged and checked: into place.  With force the old database (with its
 * -wal and -shm, which must never meet another database) and objects/ go
 * into staging/old first, to be removed with it.  objects/ moves first and
 * signage.db last: a data directory has a database only once it is
 * whole. */
static int install(const char *dir, const char *staging, char *err, size_t errlen)
{
    char from[4600], to[4600], old[4400];
    snprintf(old, sizeof old, "%s/old", staging);
    if (mkdir(old, 0700) != 0) {
        snprintf(err, errlen, "%s: %s", old, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof DATA_FILES / sizeof DATA_FILES[0]; i++) {
        struct stat st;
        snprintf(from, sizeof from, "%s/%s", dir, DATA_FILES[i]);
        snprintf(to, sizeof to, "%s/%s", old, DATA_FILES[i]);
        if (lstat(from, &st) != 0) continue;
        if (!strcmp(DATA_FILES[i], "objects") && S_ISDIR(st.st_mode) && dir_empty(from))
            continue; /* replaced by the rename below */
        if (rename(from, to) != 0) {
            snprintf(err, errlen, "%s: %s", from, strerror(errno));
            return -1;
        }
    }
    for (int i = 0; i < 2; i++) {
        const char *name = i == 0 ? "objects" : "signage.db";
        snprintf(from, sizeof from, "%s/%s", staging, name);
        snprintf(to, sizeof to, "%s/%s", dir, name);
        if (rename(from, to) != 0) {
            snprintf(err, errlen, "%s: %s", to, strerror(errno));
            return -1;
        }
    }
    if (fsync_dir(dir) != 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Leftovers of an interrupted restore (one restore at a time). */
static void remove_stale(const char *tmpdir)
{
    DIR *d = opendir(tmpdir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char p[4400];
        if (!strncmp(e->d_name, "restore-", 8) &&
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name) < (int)sizeof p)
            remove_tree(p);
    }
    closedir(d);
}

int backup_restore(const char *in_path, const char *data_dir, bool force, backup_stats *stats,
                   char *err, size_t errlen)
{
    backup_stats scratch;
    if (!stats) stats = &scratch;
    memset(stats, 0, sizeof *stats);
    tar_in t = {.fd = open(in_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), .path = in_path};
    struct stat st;
    if (t.fd < 0 || fstat(t.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", in_path, t.fd < 0 ? strerror(errno) : "not a regular file");
        if (t.fd >= 0) close(t.fd);
        return -1;
    }
    t.size = (int64_t)st.st_size;
    char tmpdir[4300], staging[4400] = "", path[4600];
    bool made_dir = false, made_tmp = false;
    if (check_target(data_dir, force, &made_dir, err, errlen) != 0 ||
        path_join(tmpdir, sizeof tmpdir, data_dir, "tmp", err, errlen) != 0) {
        close(t.fd);
        return -1;
    }
    made_tmp = access(tmpdir, F_OK) != 0;
    int r = 0;
    if (fileio_mkdirs(tmpdir) != 0) r = sys_error(tmpdir, err, errlen);
    if (r == 0) {
        remove_stale(tmpdir);
        snprintf(staging, sizeof staging, "%s/restore-XXXXXX", tmpdir);
        if (!mkdtemp(staging)) {
            r = sys_error(tmpdir, err, errlen);
            staging[0] = 0;
        }
    }
    archive a = {0};
    int64_t want_version = 0;
    if (r == 0) {
        snprintf(path, sizeof path, "%s/objects", staging);
        if (mkdir(path, 0755) != 0) r = sys_error(path, err, errlen);
    }
    if (r == 0) r = read_archive(&t, staging, &a, err, errlen);
    if (r == 0) r = check_manifest(in_path, &a, &want_version, err, errlen);
    if (r == 0) {
        snprintf(path, sizeof path, "%s/signage.db", staging);
        r = check_db(path, in_path, &a, want_version, &stats->user_version, err, errlen);
    }
    if (r == 0) {
        snprintf(path, sizeof path, "%s/objects", staging);
        if (fsync_dir(path) != 0 || fsync_dir(staging) != 0) r = sys_error(staging, err, errlen);
    }
    if (r == 0) r = install(data_dir, staging, err, errlen);
    if (r == 0 && made_dir) {
        /* the new directory's own name, durable too */
        char parent[4300];
        parent_dir(data_dir, parent, sizeof parent);
        if (fsync_dir(parent) != 0) r = sys_error(parent, err, errlen);
    }
    if (r == 0) {
        stats->objects = (int64_t)a.objects.n;
        for (size_t i = 0; i < a.objects.n; i++)
            stats->object_bytes += a.objects.v[i].size;
        stats->db_bytes = a.db_size;
    }
    if (staging[0]) remove_tree(staging);
    if (r != 0) {
        /* what this restore made, and only if nothing else is in it */
        if (made_tmp) rmdir(tmpdir);
        if (made_dir) rmdir(data_dir);
    }
    list_free(&a.objects);
    free(a.manifest);
    close(t.fd);
    return r;
}

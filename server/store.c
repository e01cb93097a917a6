#include "store.h"

#include "log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store {
    sqlite3 *db;
    pthread_mutex_t lock; /* recursive: a transaction's calls nest */
    uint64_t generation;
};

/* Migrations, in order; migration i brings the schema to version i + 1.
 * Never edit one that has shipped: add the next. */
static const char *const MIGRATIONS[] = {
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'contributor')),"
    "  pwhash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE groups ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  is_default INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE user_groups ("
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (user_id, group_id));"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"
    "  expires INTEGER NOT NULL);"
    "CREATE TABLE displays ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  location TEXT NOT NULL DEFAULT '',"
    "  accepted INTEGER NOT NULL DEFAULT 0,"
    "  token_hash TEXT,"
    "  created INTEGER NOT NULL,"
    "  last_seen INTEGER,"
    "  last_ip TEXT,"
    "  status TEXT,"
    "  want_shot INTEGER NOT NULL DEFAULT 0,"
    "  shot_sha256 TEXT,"
    "  shot_at INTEGER);"
    "CREATE TABLE display_groups ("
    "  display_id TEXT NOT NULL REFERENCES displays(id) ON DELETE CASCADE,"
    "  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (display_id, group_id));"
    "CREATE TABLE assets ("
    "  sha256 TEXT PRIMARY KEY,"
    "  size INTEGER NOT NULL,"
    "  type TEXT NOT NULL,"
    "  width INTEGER NOT NULL,"
    "  height INTEGER NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  created_by INTEGER);"
    "CREATE TABLE items ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('image', 'notice', 'ticker', 'alert')),"
    "  state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'archived')),"
    "  title TEXT, body TEXT, caption TEXT, link TEXT,"
    "  media TEXT REFERENCES assets(sha256),"
    "  fit TEXT, duration REAL, transition TEXT,"
    "  start TEXT, \"end\" TEXT, days TEXT, hours TEXT,"
    "  position INTEGER NOT NULL,"
    "  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  review_comment TEXT,"
    "  created INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL);"
    "CREATE TABLE item_groups ("
    "  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
    "  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (item_id, group_id));"
    "CREATE INDEX items_state ON items(state, position);"
    "CREATE INDEX item_groups_group ON item_groups(group_id);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  user_id INTEGER,"
    "  user_name TEXT,"
    "  action TEXT NOT NULL,"
    "  target TEXT,"
    "  detail TEXT);"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static void lock(store *s)
{
    pthread_mutex_lock(&s->lock);
}
static void unlock(store *s)
{
    pthread_mutex_unlock(&s->lock);
}

static void set_err(char *err, size_t errlen, sqlite3 *db, int rc)
{
    if (!err || !errlen) return;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            snprintf(err, errlen, "already exists");
        else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            snprintf(err, errlen, "refers to something that does not exist");
        else
            snprintf(err, errlen, "not allowed: %s", sqlite3_errmsg(db));
    } else {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
    }
}

/* Binds by a spec string: s = const char * (NULL binds NULL), i = int64_t,
 * I = int64_t id (<= 0 binds NULL), n = const json_t * number (anything else
 * binds NULL), j = const json_t * (stored as compact JSON text; NULL binds
 * NULL). */
static int bind_all(sqlite3_stmt *st, const char *spec, va_list ap)
{
    for (int i = 0; spec && spec[i]; i++) {
        int rc = SQLITE_OK, k = i + 1;
        switch (spec[i]) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(st, k, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, k);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int64(st, k, va_arg(ap, int64_t));
            break;
        case 'I': {
            int64_t v = va_arg(ap, int64_t);
            rc = v > 0 ? sqlite3_bind_int64(st, k, v) : sqlite3_bind_null(st, k);
            break;
        }
        case 'n': {
            const json_t *v = va_arg(ap, const json_t *);
            rc = json_is_number(v) ? sqlite3_bind_double(st, k, json_number_value(v))
                                   : sqlite3_bind_null(st, k);
            break;
        }
        case 'j': {
            const json_t *v = va_arg(ap, const json_t *);
            char *t = v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
            rc = t ? sqlite3_bind_text(st, k, t, -1, free) : sqlite3_bind_null(st, k);
            break;
        }
        default:
            return SQLITE_MISUSE;
        }
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

/* Column -> JSON; a column named "x__j" holds JSON text and comes out as
 * "x" parsed, one named "x__b" is a flag and comes out as true/false. */
static json_t *row_object(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(st);
    for (int c = 0; c < n; c++) {
        const char *name = sqlite3_column_name(st, c);
        char key[64];
        snprintf(key, sizeof key, "%s", name);
        size_t kl = strlen(key);
        bool is_json = kl > 3 && strcmp(key + kl - 3, "__j") == 0;
        bool is_flag = kl > 3 && strcmp(key + kl - 3, "__b") == 0;
        if (is_json || is_flag) key[kl - 3] = 0;
        json_t *v;
        switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER:
            v = is_flag ? json_boolean(sqlite3_column_int64(st, c) != 0)
                        : json_integer(sqlite3_column_int64(st, c));
            break;
        case SQLITE_FLOAT:
            v = json_real(sqlite3_column_double(st, c));
            break;
        case SQLITE_TEXT: {
            const char *t = (const char *)sqlite3_column_text(st, c);
            v = is_json ? json_loads(t, JSON_DECODE_ANY, NULL) : json_string(t);
            if (!v) v = json_null();
            break;
        }
        default:
            v = json_null();
        }
        json_object_set_new(o, key, v);
    }
    return o;
}

/* Runs one statement; with `out`, collects its rows as an array. */
static int vexec(store *s, json_t **out, int64_t *changes, char *err, size_t errlen,
                 const char *sql, const char *spec, va_list ap)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) rc = bind_all(st, spec, ap);
    json_t *arr = out ? json_array() : NULL;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && arr) json_array_append_new(arr, row_object(st));
    }
    if (rc != SQLITE_DONE) {
        int ext = sqlite3_extended_errcode(s->db);
        /* constraint failures are the caller's to report; anything else is ours */
        if ((ext & 0xff) != SQLITE_CONSTRAINT)
            log_msg(LOG_ERR, "database: %s (in: %.120s)", sqlite3_errmsg(s->db), sql);
        set_err(err, errlen, s->db, ext);
        sqlite3_finalize(st);
        json_decref(arr);
        return -1;
    }
    sqlite3_finalize(st);
    if (changes) *changes = sqlite3_changes64(s->db);
    if (out) *out = arr;
    return 0;
}

static int locked(store *s, json_t **out, char *err, size_t errlen, const char *sql,
                  const char *spec, va_list ap)
{
    lock(s);
    int r = vexec(s, out, NULL, err, errlen, sql, spec, ap);
    unlock(s);
    return r;
}

static int exec(store *s, char *err, size_t errlen, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    int r = locked(s, NULL, err, errlen, sql, spec, ap);
    va_end(ap);
    return r;
}

static int rows(store *s, json_t **out, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    int r = locked(s, out, NULL, 0, sql, spec, ap);
    va_end(ap);
    return r;
}

/* First row, or 1 when there is none. */
static int row1(store *s, json_t **out, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    json_t *arr = NULL;
    int r = locked(s, &arr, NULL, 0, sql, spec, ap);
    va_end(ap);
    if (r != 0) return -1;
    if (json_array_size(arr) == 0) {
        json_decref(arr);
        return 1;
    }
    *out = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    return 0;
}

int store_open(const char *path, store **out, char *err, size_t errlen)
{
    store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&s->lock, &a);
    pthread_mutexattr_destroy(&a);
    /* One connection shared under our lock: FULLMUTEX would add a second
     * lock for nothing. */
    int rc = sqlite3_open_v2(
        path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        store_close(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, 5000);
    const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "PRAGMA foreign_keys=ON;";
    char *msg = NULL;
    if (sqlite3_exec(s->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : "cannot set up");
        sqlite3_free(msg);
        store_close(s);
        return -1;
    }
    json_t *v = NULL;
    if (row1(s, &v, "PRAGMA user_version", "") != 0) {
        snprintf(err, errlen, "%s: not a database (%s)", path, sqlite3_errmsg(s->db));
        store_close(s);
        return -1;
    }
    int64_t version = json_integer_value(json_object_get(v, "user_version"));
    json_decref(v);
    int64_t known = (int64_t)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]);
    if (version > known) {
        snprintf(err, errlen,
                 "%s: schema version %lld is newer than this server's %lld: upgrade the server",
                 path, (long long)version, (long long)known);
        store_close(s);
        return -1;
    }
    for (int64_t i = version; i < known; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %lld", (long long)(i + 1));
        if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(s->db, MIGRATIONS[i], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "%s: migration to schema %lld failed: %s", path,
                     (long long)(i + 1), msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            store_close(s);
            return -1;
        }
    }
    s->generation = 1;
    *out = s;
    return 0;
}

void store_close(store *s)
{
    if (!s) return;
    if (s->db) sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int store_begin(store *s)
{
    lock(s);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        unlock(s);
        return -1;
    }
    return 0;
}

int store_commit(store *s)
{
    int r = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    if (r != 0) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    unlock(s);
    return r;
}

void store_rollback(store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    unlock(s);
}

/* A transaction of several statements: begin (or say why not), and end
 * with what the statements returned: committed on 0, rolled back else. */
static int begin_tx(store *s, char *err, size_t errlen)
{
    if (store_begin(s) == 0) return 0;
    if (err && errlen) snprintf(err, errlen, "database busy");
    return -1;
}

static int end_tx(store *s, int r, char *err, size_t errlen)
{
    if (r != 0) {
        store_rollback(s);
        return -1;
    }
    if (store_commit(s) != 0) {
        if (err && errlen) snprintf(err, errlen, "database: commit failed");
        return -1;
    }
    return 0;
}

uint64_t store_generation(store *s)
{
    lock(s);
    uint64_t g = s->generation;
    unlock(s);
    return g;
}

void store_bump(store *s)
{
    lock(s);
    s->generation++;
    unlock(s);
}

bool store_integrity_ok(store *s)
{
    json_t *r = NULL;
    if (row1(s, &r, "PRAGMA integrity_check", "") != 0) return false;
    bool ok = strcmp(json_string_value(json_object_get(r, "integrity_check")) ?: "", "ok") == 0;
    json_decref(r);
    return ok;
}

/* ---- users and sessions ---- */

int store_user_count(store *s, int64_t *n)
{
    json_t *r = NULL;
    if (row1(s, &r, "SELECT count(*) AS n FROM users", "") != 0) return -1;
    *n = json_integer_value(json_object_get(r, "n"));
    json_decref(r);
    return 0;
}

int store_user_add(store *s, const char *name, const char *role, const char *pwhash, int64_t *id,
                   char *err, size_t errlen)
{
    lock(s);
    int r = exec(s, err, errlen, "INSERT INTO users (name, role, pwhash, created) VALUES (?,?,?,?)",
                 "sssi", name, role, pwhash, now_s());
    if (r == 0 && id) *id = sqlite3_last_insert_rowid(s->db);
    unlock(s);
    return r;
}

int store_user_by_name(store *s, const char *name, json_t **out)
{
    return row1(s, out, "SELECT id, name, role, pwhash, disabled FROM users WHERE name = ?", "s",
                name);
}

static const char USER_COLS[] =
    "SELECT id, name, role, disabled AS disabled__b, created,"
    " (SELECT json_group_array(group_id) FROM user_groups WHERE user_id = users.id) AS groups__j"
    " FROM users";

int store_user_get(store *s, int64_t id, json_t **out)
{
    char sql[512];
    snprintf(sql, sizeof sql, "%s WHERE id = ?", USER_COLS);
    return row1(s, out, sql, "i", id);
}

int store_users_list(store *s, json_t **out)
{
    char sql[512];
    snprintf(sql, sizeof sql, "%s ORDER BY name", USER_COLS);
    return rows(s, out, sql, "");
}

static int set_links(store *s, const char *del_sql, const char *ins_sql, const char *key_spec,
                     const void *key, const json_t *groups, char *err, size_t errlen)
{
    int r = key_spec[0] == 's' ? exec(s, err, errlen, del_sql, "s", (const char *)key)
                               : exec(s, err, errlen, del_sql, "i", *(const int64_t *)key);
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        if (r != 0) break;
        r = key_spec[0] == 's'
                ? exec(s, err, errlen, ins_sql, "si", (const char *)key, json_integer_value(g))
                : exec(s, err, errlen, ins_sql, "ii", *(const int64_t *)key, json_integer_value(g));
    }
    return r;
}

int store_user_update(store *s, int64_t id, const char *role, int disabled, const char *pwhash,
                      const json_t *groups, char *err, size_t errlen)
{
    if (begin_tx(s, err, errlen) != 0) return -1;
    int r = 0;
    if (role) r = exec(s, err, errlen, "UPDATE users SET role = ? WHERE id = ?", "si", role, id);
    if (r == 0 && disabled >= 0)
        r = exec(s, err, errlen, "UPDATE users SET disabled = ? WHERE id = ?", "ii",
                 (int64_t)disabled, id);
    if (r == 0 && pwhash)
        r = exec(s, err, errlen, "UPDATE users SET pwhash = ? WHERE id = ?", "si", pwhash, id);
    if (r == 0 && groups)
        r = set_links(s, "DELETE FROM user_groups WHERE user_id = ?",
                      "INSERT OR IGNORE INTO user_groups (user_id, group_id) VALUES (?, ?)", "i",
                      &id, groups, err, errlen);
    return end_tx(s, r, err, errlen);
}

int store_session_add(store *s, const char *token_hash, int64_t user_id, const char *csrf,
                      int64_t expires)
{
    /* Expired sessions go whenever a new one comes: the table stays small. */
    exec(s, NULL, 0, "DELETE FROM sessions WHERE expires < ?", "i", now_s());
    return exec(s, NULL, 0,
                "INSERT INTO sessions (token_hash, user_id, csrf, expires) VALUES (?,?,?,?)",
                "sisi", token_hash, user_id, csrf, expires);
}

int store_sessions_delete_user_except(store *s, int64_t user_id, const char *token_hash)
{
    return exec(s, NULL, 0, "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?", "is",
                user_id, token_hash);
}

int store_session_get(store *s, const char *token_hash, int64_t now, json_t **out)
{
    return row1(s, out,
                "SELECT user_id, csrf, expires FROM sessions WHERE token_hash = ? AND expires > ?",
                "si", token_hash, now);
}

int store_session_delete(store *s, const char *token_hash)
{
    return exec(s, NULL, 0, "DELETE FROM sessions WHERE token_hash = ?", "s", token_hash);
}

int store_sessions_delete_user(store *s, int64_t user_id)
{
    return exec(s, NULL, 0, "DELETE FROM sessions WHERE user_id = ?", "i", user_id);
}

/* ---- groups ---- */

int store_groups_list(store *s, json_t **out)
{
    return rows(s, out,
                "SELECT id, name, is_default AS is_default__b,"
                " (SELECT count(*) FROM display_groups WHERE group_id = groups.id) AS displays"
                " FROM groups ORDER BY is_default DESC, name",
                "");
}

int store_group_add(store *s, const char *name, bool is_default, int64_t *id, char *err,
                    size_t errlen)
{
    lock(s);
    int r = exec(s, err, errlen, "INSERT INTO groups (name, is_default) VALUES (?, ?)", "si", name,
                 (int64_t)is_default);
    if (r == 0 && id) *id = sqlite3_last_insert_rowid(s->db);
    unlock(s);
    return r;
}

int store_group_rename(store *s, int64_t id, const char *name, char *err, size_t errlen)
{
    return exec(s, err, errlen, "UPDATE groups SET name = ? WHERE id = ?", "si", name, id);
}

int store_group_delete(store *s, int64_t id, char *err, size_t errlen)
{
    json_t *g = NULL;
    if (row1(s, &g, "SELECT is_default FROM groups WHERE id = ?", "i", id) != 0) {
        snprintf(err, errlen, "no such group");
        return 1;
    }
    bool def = json_integer_value(json_object_get(g, "is_default")) != 0;
    json_decref(g);
    if (def) {
        snprintf(err, errlen, "the default group cannot be deleted");
        return -1;
    }
    json_t *n = NULL;
    if (row1(s, &n,
             "SELECT count(*) AS n FROM item_groups g WHERE g.group_id = ?1 AND NOT EXISTS"
             " (SELECT 1 FROM item_groups o WHERE o.item_id = g.item_id AND o.group_id != ?1)"
             " AND (SELECT state FROM items WHERE id = g.item_id) != 'archived'",
             "i", id) == 0) {
        int64_t only = json_integer_value(json_object_get(n, "n"));
        json_decref(n);
        if (only > 0) {
            snprintf(err, errlen,
                     "%lld items are shown only to this group: give them another group or "
                     "archive them first",
                     (long long)only);
            return -1;
        }
    }
    return exec(s, err, errlen, "DELETE FROM groups WHERE id = ?", "i", id);
}

int store_group_default(store *s, int64_t *id)
{
    json_t *g = NULL;
    if (row1(s, &g, "SELECT id FROM groups WHERE is_default = 1 ORDER BY id LIMIT 1", "") != 0)
        return -1;
    *id = json_integer_value(json_object_get(g, "id"));
    json_decref(g);
    return 0;
}

bool store_group_exists(store *s, int64_t id)
{
    json_t *g = NULL;
    if (row1(s, &g, "SELECT id FROM groups WHERE id = ?", "i", id) != 0) return false;
    json_decref(g);
    return true;
}

/* ---- displays ---- */

int store_display_seen(store *s, const char *id, const char *ip, int64_t now, bool *created)
{
    lock(s);
    int64_t n = 0;
    /* Made-up ids cannot fill the table: at STORE_MAX_NEW displays waiting
     * to be accepted, the oldest that never sent a heartbeat (a real player
     * sends one a second after it starts) makes room; if every one has, the
     * newcomer is served the default content unrecorded. */
    json_t *known = NULL;
    int r = row1(s, &known, "SELECT 1 AS k FROM displays WHERE id = ?", "s", id);
    json_decref(known);
    if (r == 1)
        r = exec(s, NULL, 0,
                 "DELETE FROM displays WHERE id = (SELECT id FROM displays WHERE accepted = 0 AND"
                 " status IS NULL AND name = '' AND token_hash IS NULL AND NOT EXISTS"
                 " (SELECT 1 FROM display_groups g WHERE g.display_id = displays.id)"
                 " ORDER BY coalesce(last_seen, created) LIMIT 1) AND"
                 " (SELECT count(*) FROM displays WHERE accepted = 0) >= ?",
                 "i", (int64_t)STORE_MAX_NEW);
    if (r == 0)
        r = exec(s, NULL, 0,
                 "INSERT OR IGNORE INTO displays (id, created) SELECT ?, ? WHERE"
                 " (SELECT count(*) FROM displays WHERE accepted = 0) < ?",
                 "sii", id, now, (int64_t)STORE_MAX_NEW);
    n = sqlite3_changes64(s->db);
    if (r == 0)
        r = exec(s, NULL, 0, "UPDATE displays SET last_seen = ?, last_ip = ? WHERE id = ?", "iss",
                 now, ip, id);
    unlock(s);
    if (created) *created = n > 0;
    return r;
}

int store_display_status(store *s, const char *id, const char *status, int64_t now, bool *want_shot)
{
    if (exec(s, NULL, 0, "UPDATE displays SET status = ?, last_seen = ? WHERE id = ?", "sis",
             status, now, id) != 0)
        return -1;
    json_t *d = NULL;
    *want_shot = false;
    if (row1(s, &d, "SELECT want_shot FROM displays WHERE id = ?", "s", id) == 0) {
        *want_shot = json_integer_value(json_object_get(d, "want_shot")) != 0;
        json_decref(d);
    }
    return 0;
}

int store_display_screenshot(store *s, const char *id, const char *sha256, int64_t now)
{
    return exec(s, NULL, 0,
                "UPDATE displays SET shot_sha256 = ?, shot_at = ?, want_shot = 0 WHERE id = ?",
                "sis", sha256, now, id);
}

static const char DISPLAY_COLS[] =
    "SELECT id, name, location, accepted AS accepted__b, created, last_seen, last_ip,"
    " status AS status__j, want_shot AS want_shot__b, shot_sha256, shot_at,"
    " token_hash IS NOT NULL AS has_token__b,"
    " (SELECT json_group_array(group_id) FROM display_groups WHERE display_id = displays.id)"
    " AS groups__j FROM displays";

int store_displays_list(store *s, json_t **out)
{
    char sql[600];
    snprintf(sql, sizeof sql, "%s ORDER BY accepted, id", DISPLAY_COLS);
    return rows(s, out, sql, "");
}

int store_display_get(store *s, const char *id, json_t **out)
{
    char sql[600];
    snprintf(sql, sizeof sql, "%s WHERE id = ?", DISPLAY_COLS);
    return row1(s, out, sql, "s", id);
}

int store_display_name(store *s, const char *id, char **name)
{
    json_t *d = NULL;
    int r = row1(s, &d, "SELECT name FROM displays WHERE id = ?", "s", id);
    if (r != 0) return r;
    *name = strdup(json_string_value(json_object_get(d, "name")) ?: "");
    json_decref(d);
    return *name ? 0 : -1;
}

int store_display_update(store *s, const char *id, const json_t *f, char *err, size_t errlen)
{
    if (begin_tx(s, err, errlen) != 0) return -1;
    int r = 0;
    const json_t *v;
    if ((v = json_object_get(f, "name")))
        r = exec(s, err, errlen, "UPDATE displays SET name = ? WHERE id = ?", "ss",
                 json_string_value(v), id);
    if (r == 0 && (v = json_object_get(f, "location")))
        r = exec(s, err, errlen, "UPDATE displays SET location = ? WHERE id = ?", "ss",
                 json_string_value(v), id);
    if (r == 0 && (v = json_object_get(f, "accepted")))
        r = exec(s, err, errlen, "UPDATE displays SET accepted = ? WHERE id = ?", "is",
                 (int64_t)json_is_true(v), id);
    if (r == 0 && (v = json_object_get(f, "groups")))
        r = set_links(s, "DELETE FROM display_groups WHERE display_id = ?",
                      "INSERT OR IGNORE INTO display_groups (display_id, group_id) VALUES (?, ?)",
                      "s", id, v, err, errlen);
    return end_tx(s, r, err, errlen);
}

int store_display_set_token(store *s, const char *id, const char *token_hash)
{
    return exec(s, NULL, 0, "UPDATE displays SET token_hash = ? WHERE id = ?", "ss", token_hash,
                id);
}

int store_display_token(store *s, const char *id, char **token_hash)
{
    *token_hash = NULL;
    json_t *d = NULL;
    int r = row1(s, &d, "SELECT token_hash FROM displays WHERE id = ?", "s", id);
    if (r != 0) return r;
    const char *t = json_string_value(json_object_get(d, "token_hash"));
    if (t) *token_hash = strdup(t);
    json_decref(d);
    return 0;
}

int store_display_request_shot(store *s, const char *id)
{
    return exec(s, NULL, 0, "UPDATE displays SET want_shot = 1 WHERE id = ?", "s", id);
}

int store_display_delete(store *s, const char *id)
{
    return exec(s, NULL, 0, "DELETE FROM displays WHERE id = ?", "s", id);
}

int store_display_groups(store *s, const char *id, json_t **out)
{
    return rows(s, out,
                "SELECT group_id AS id FROM display_groups WHERE display_id = ?1"
                " UNION SELECT id FROM groups WHERE is_default = 1"
                " AND NOT EXISTS (SELECT 1 FROM display_groups WHERE display_id = ?1)"
                " ORDER BY 1",
                "s", id);
}

/* ---- content items ---- */

static const char ITEM_COLS[] =
    "SELECT items.id, kind, state, title, body, caption, link, media, fit, duration, transition,"
    " start, \"end\", days AS days__j, hours AS hours__j, position, items.created_by,"
    " (SELECT name FROM users WHERE id = items.created_by) AS created_by_name, reviewed_by,"
    " (SELECT name FROM users WHERE id = items.reviewed_by) AS reviewed_by_name,"
    " review_comment, items.created, updated,"
    " (SELECT json_group_array(group_id) FROM item_groups WHERE item_id = items.id) AS groups__j,"
    " assets.type AS media_type, assets.size AS media_size, assets.width AS media_width,"
    " assets.height AS media_height"
    " FROM items LEFT JOIN assets ON assets.sha256 = items.media";

static const char *str(const json_t *f, const char *k)
{
    return json_string_value(json_object_get(f, k));
}

/* The text and schedule columns an item's fields set (absent = NULL). */
static const char *const TEXT_FIELDS[] = {"title", "body",       "caption", "link", "media",
                                          "fit",   "transition", "start",   "end"};

int store_item_add(store *s, const json_t *f, const char *state, int64_t by, int64_t *id, char *err,
                   size_t errlen)
{
    if (begin_tx(s, err, errlen) != 0) return -1;
    int64_t t = now_s();
    int r = exec(s, err, errlen,
                 "INSERT INTO items (kind, state, title, body, caption, link, media, fit,"
                 " transition, start, \"end\", days, hours, duration, position, created_by,"
                 " created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                 " (SELECT coalesce(max(position), 0) + 1 FROM items), ?, ?, ?)",
                 "sssssssssssjjnIii", str(f, "kind"), state, str(f, "title"), str(f, "body"),
                 str(f, "caption"), str(f, "link"), str(f, "media"), str(f, "fit"),
                 str(f, "transition"), str(f, "start"), str(f, "end"), json_object_get(f, "days"),
                 json_object_get(f, "hours"), json_object_get(f, "duration"), by, t, t);
    int64_t nid = sqlite3_last_insert_rowid(s->db);
    if (r == 0)
        r = set_links(s, "DELETE FROM item_groups WHERE item_id = ?",
                      "INSERT OR IGNORE INTO item_groups (item_id, group_id) VALUES (?, ?)", "i",
                      &nid, json_object_get(f, "groups"), err, errlen);
    if (end_tx(s, r, err, errlen) != 0) return -1;
    *id = nid;
    store_bump(s);
    return 0;
}

int store_item_get(store *s, int64_t id, json_t **out)
{
    char sql[1400];
    snprintf(sql, sizeof sql, "%s WHERE items.id = ?", ITEM_COLS);
    return row1(s, out, sql, "i", id);
}

int store_items_list(store *s, const char *state, int64_t group, const char *kind, json_t **out)
{
    char sql[1600];
    snprintf(sql, sizeof sql,
             "%s WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2) AND (?3 = 0 OR"
             " EXISTS (SELECT 1 FROM item_groups g WHERE g.item_id = items.id AND g.group_id = ?3))"
             " ORDER BY position, items.id",
             ITEM_COLS);
    return rows(s, out, sql, "ssi", state, kind, group);
}

int store_item_update(store *s, int64_t id, const json_t *f, char *err, size_t errlen)
{
    if (begin_tx(s, err, errlen) != 0) return -1;
    int r = 0;
    char sql[128];
    for (size_t i = 0; r == 0 && i < sizeof TEXT_FIELDS / sizeof TEXT_FIELDS[0]; i++) {
        const json_t *v = json_object_get(f, TEXT_FIELDS[i]);
        if (!v) continue;
        snprintf(sql, sizeof sql, "UPDATE items SET \"%s\" = ? WHERE id = ?", TEXT_FIELDS[i]);
        r = exec(s, err, errlen, sql, "si", json_string_value(v), id);
    }
    const char *jf[] = {"days", "hours"};
    for (size_t i = 0; r == 0 && i < 2; i++) {
        const json_t *v = json_object_get(f, jf[i]);
        if (!v) continue;
        snprintf(sql, sizeof sql, "UPDATE items SET %s = ? WHERE id = ?", jf[i]);
        r = exec(s, err, errlen, sql, "ji", v, id);
    }
    const json_t *dur = json_object_get(f, "duration");
    if (r == 0 && dur)
        r = exec(s, err, errlen, "UPDATE items SET duration = ? WHERE id = ?", "ni", dur, id);
    if (r == 0 && json_object_get(f, "groups"))
        r = set_links(s, "DELETE FROM item_groups WHERE item_id = ?",
                      "INSERT OR IGNORE INTO item_groups (item_id, group_id) VALUES (?, ?)", "i",
                      &id, json_object_get(f, "groups"), err, errlen);
    if (r == 0)
        r = exec(s, err, errlen, "UPDATE items SET updated = ? WHERE id = ?", "ii", now_s(), id);
    if (end_tx(s, r, err, errlen) != 0) return -1;
    store_bump(s);
    return 0;
}

int store_item_set_state(store *s, int64_t id, const char *state, int64_t by, const char *comment)
{
    int r = by > 0 ? exec(s, NULL, 0,
                          "UPDATE items SET state = ?, reviewed_by = ?, review_comment = ?,"
                          " updated = ? WHERE id = ?",
                          "sIsii", state, by, comment, now_s(), id)
                   : exec(s, NULL, 0, "UPDATE items SET state = ?, updated = ? WHERE id = ?", "sii",
                          state, now_s(), id);
    if (r == 0) store_bump(s);
    return r;
}

int store_item_delete(store *s, int64_t id)
{
    int r = exec(s, NULL, 0, "DELETE FROM items WHERE id = ?", "i", id);
    if (r == 0) store_bump(s);
    return r;
}

int store_items_reorder(store *s, const json_t *ids, char *err, size_t errlen)
{
    if (begin_tx(s, err, errlen) != 0) return -1;
    size_t i;
    json_t *v;
    int r = 0;
    json_array_foreach(ids, i, v)
    {
        int64_t changed = 0;
        r = exec(s, err, errlen, "UPDATE items SET position = ? WHERE id = ?", "ii", (int64_t)i + 1,
                 json_integer_value(v));
        changed = sqlite3_changes64(s->db);
        if (r == 0 && changed == 0) {
            snprintf(err, errlen, "no item %lld", (long long)json_integer_value(v));
            r = -1;
        }
        if (r != 0) break;
    }
    /* Items not listed keep their relative order after the listed ones. */
    if (r == 0)
        r = exec(s, err, errlen,
                 "UPDATE items SET position = position + ? WHERE id NOT IN"
                 " (SELECT value FROM json_each(?))",
                 "ij", (int64_t)json_array_size(ids) + 1000000, ids);
    if (end_tx(s, r, err, errlen) != 0) return -1;
    store_bump(s);
    return 0;
}

int store_items_on_air(store *s, const json_t *groups, json_t **out)
{
    char sql[1700];
    snprintf(sql, sizeof sql,
             "%s WHERE state = 'approved' AND EXISTS (SELECT 1 FROM item_groups g WHERE"
             " g.item_id = items.id AND g.group_id IN (SELECT value FROM json_each(?)))"
             " ORDER BY position, items.id",
             ITEM_COLS);
    return rows(s, out, sql, "j", groups);
}

/* ---- assets ---- */

int store_asset_add(store *s, const char *sha256, int64_t size, const char *type, int w, int h,
                    int64_t by)
{
    return exec(s, NULL, 0,
                "INSERT OR IGNORE INTO assets (sha256, size, type, width, height, created,"
                " created_by) VALUES (?,?,?,?,?,?,?)",
                "sisiiiI", sha256, size, type, (int64_t)w, (int64_t)h, now_s(), by);
}

int store_asset_get(store *s, const char *sha256, json_t **out)
{
    return row1(s, out, "SELECT sha256, size, type, width, height FROM assets WHERE sha256 = ?",
                "s", sha256);
}

/* ---- audit ---- */

int store_audit(store *s, int64_t user_id, const char *user, const char *action, const char *target,
                const char *detail)
{
    return exec(s, NULL, 0,
                "INSERT INTO audit (at, user_id, user_name, action, target, detail)"
                " VALUES (?,?,?,?,?,?)",
                "iIssss", now_s(), user_id, user, action, target, detail);
}

int store_audit_list(store *s, int64_t before_id, int limit, json_t **out)
{
    return rows(s, out,
                "SELECT id, at, user_id, user_name AS user, action, target, detail FROM audit"
                " WHERE (?1 = 0 OR id < ?1) ORDER BY id DESC LIMIT ?2",
                "ii", before_id, (int64_t)limit);
}

/* ---- settings ---- */

int store_setting_get(store *s, const char *key, char **value)
{
    *value = NULL;
    json_t *r = NULL;
    int rc = row1(s, &r, "SELECT value FROM settings WHERE key = ?", "s", key);
    if (rc < 0) return -1;
    if (rc == 0) {
        *value = strdup(json_string_value(json_object_get(r, "value")) ?: "");
        json_decref(r);
    }
    return 0;
}

int store_setting_set(store *s, const char *key, const char *value)
{
    int r = value ? exec(s, NULL, 0,
                         "INSERT INTO settings (key, value) VALUES (?, ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         "ss", key, value)
                  : exec(s, NULL, 0, "DELETE FROM settings WHERE key = ?", "s", key);
    if (r == 0) store_bump(s);
    return r;
}

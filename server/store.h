/* store: the server's state in one SQLite file (WAL, foreign keys,
 * synchronous=FULL so an acknowledged write survives a power cut), with the
 * schema versioned by PRAGMA user_version and migrated at open.
 *
 * Every function takes the store's lock, so one store may be used from the
 * HTTP thread pool.  Rows come back as jansson objects (column name -> value;
 * SQL NULL -> JSON null) owned by the caller; every SQL statement lives in
 * store.c, callers never build SQL.
 *
 * Return values: 0 success, -1 failure with err filled, and for lookups 1
 * "no such row". */
#ifndef SIGNAGE_SERVER_STORE_H
#define SIGNAGE_SERVER_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct store store;

#define STORE_SCHEMA_VERSION 1
/* Displays not yet accepted by an admin, at most (zero-touch registration). */
#define STORE_MAX_NEW 2000

int store_open(const char *path, store **out, char *err, size_t errlen);
void store_close(store *s);

/* A transaction spanning several calls (the lock is held until commit or
 * rollback; calls made meanwhile from the same thread join it). */
int store_begin(store *s);
int store_commit(store *s);
void store_rollback(store *s);

/* Bumped by every write that can change a manifest; long-polls wait on it. */
uint64_t store_generation(store *s);
void store_bump(store *s);

/* "PRAGMA integrity_check" == "ok"? */
bool store_integrity_ok(store *s);

/* ---- users and sessions ---- */
int store_user_count(store *s, int64_t *n);
int store_user_add(store *s, const char *name, const char *role, const char *pwhash, int64_t *id,
                   char *err, size_t errlen);
/* name -> {id, name, role, pwhash, disabled}; 1 if none */
int store_user_by_name(store *s, const char *name, json_t **out);
/* id -> {id, name, role, disabled, created, groups: [ids]} (no hash); 1 if none */
int store_user_get(store *s, int64_t id, json_t **out);
int store_users_list(store *s, json_t **out);
/* Any of role / disabled / pwhash (NULL / -1 = unchanged); groups NULL = unchanged */
int store_user_update(store *s, int64_t id, const char *role, int disabled, const char *pwhash,
                      const json_t *groups, char *err, size_t errlen);

int store_session_add(store *s, const char *token_hash, int64_t user_id, const char *csrf,
                      int64_t expires);
/* token hash -> {user_id, csrf, expires}, only while unexpired at `now`; 1 if none */
int store_session_get(store *s, const char *token_hash, int64_t now, json_t **out);
int store_session_delete(store *s, const char *token_hash);
int store_sessions_delete_user(store *s, int64_t user_id);
/* All of the user's sessions but this one (a password change). */
int store_sessions_delete_user_except(store *s, int64_t user_id, const char *token_hash);

/* ---- groups ---- */
int store_groups_list(store *s, json_t **out);
int store_group_add(store *s, const char *name, bool is_default, int64_t *id, char *err,
                    size_t errlen);
int store_group_rename(store *s, int64_t id, const char *name, char *err, size_t errlen);
/* Refused (-1) for the default group and for a group that is the only one
 * some item targets (it would be left on no screen, and no editor's). */
int store_group_delete(store *s, int64_t id, char *err, size_t errlen);
int store_group_default(store *s, int64_t *id);
bool store_group_exists(store *s, int64_t id);

/* ---- displays ---- */
/* Records a call from a display; creates it (not yet accepted) when new.
 * *created says whether it was. */
int store_display_seen(store *s, const char *id, const char *ip, int64_t now, bool *created);
/* Stores the status JSON text; *want_shot says whether a screenshot is asked for. */
int store_display_status(store *s, const char *id, const char *status, int64_t now,
                         bool *want_shot);
int store_display_screenshot(store *s, const char *id, const char *sha256, int64_t now);
int store_displays_list(store *s, json_t **out);
int store_display_get(store *s, const char *id, json_t **out); /* 1 if none */
/* Only the name (caller frees; "" when unnamed); 1 if no such display. */
int store_display_name(store *s, const char *id, char **name);
/* {"name", "location", "accepted", "groups": [ids]}: the fields present are set */
int store_display_update(store *s, const char *id, const json_t *fields, char *err, size_t errlen);
int store_display_set_token(store *s, const char *id, const char *token_hash);
int store_display_token(store *s, const char *id, char **token_hash); /* NULL when none */
int store_display_request_shot(store *s, const char *id);
int store_display_delete(store *s, const char *id);
/* The group ids a display's manifest is built from: its own, or the
 * default group while it has none. */
int store_display_groups(store *s, const char *id, json_t **out);

/* ---- content items ---- */
/* fields: kind, title, body, caption, link, media (sha256), fit, duration,
 * transition, start, end, days, hours (JSON arrays), groups ([ids]).
 * New items are drafts at the end of the order. */
int store_item_add(store *s, const json_t *fields, const char *state, int64_t by, int64_t *id,
                   char *err, size_t errlen);
int store_item_get(store *s, int64_t id, json_t **out); /* 1 if none */
/* state / group: NULL or 0 = any; kind: NULL = any */
int store_items_list(store *s, const char *state, int64_t group, const char *kind, json_t **out);
int store_item_update(store *s, int64_t id, const json_t *fields, char *err, size_t errlen);
/* by: the reviewer for approve/reject (recorded), 0 otherwise */
int store_item_set_state(store *s, int64_t id, const char *state, int64_t by, const char *comment);
int store_item_delete(store *s, int64_t id);
int store_items_reorder(store *s, const json_t *ids, char *err, size_t errlen);
/* Approved items of the given kinds targeting any of the groups, in order. */
int store_items_on_air(store *s, const json_t *groups, json_t **out);

/* ---- assets ---- */
int store_asset_add(store *s, const char *sha256, int64_t size, const char *type, int w, int h,
                    int64_t by);
int store_asset_get(store *s, const char *sha256, json_t **out); /* 1 if none */

/* ---- audit ---- */
int store_audit(store *s, int64_t user_id, const char *user, const char *action, const char *target,
                const char *detail);
int store_audit_list(store *s, int64_t before_id, int limit, json_t **out);

/* ---- settings (theme) ---- */
int store_setting_get(store *s, const char *key, char **value); /* NULL when unset */
int store_setting_set(store *s, const char *key, const char *value);

#endif

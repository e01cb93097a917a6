/* backup: a data directory as one file, made while the server runs on it,
 * and a fresh data directory made back from that file (docs/deploy.md).
 *
 * The file is a POSIX ustar archive that tar(1) lists and extracts:
 *
 *   signage.db         the database, copied by SQLite's online backup API
 *                      inside one read transaction: one consistent state
 *                      whatever the server commits meanwhile (WAL readers
 *                      never block its writers), in rollback-journal mode
 *                      (the server turns WAL back on when it opens it),
 *                      with the sessions table emptied
 *   objects/<sha256>   every file that copy names (uploads, items' pictures,
 *                      the theme's logo, displays' screenshots), each hashed
 *                      while it is copied
 *   backup.json        written last: {"format": "campus-signage-backup",
 *                      "format_version": 1, "server_version", "created"
 *                      (ISO 8601, UTC), "user_version" (the schema's),
 *                      "db": {"name", "size", "sha256"},
 *                      "objects": [{"sha256", "size"}], "excluded": [...]}
 *
 * Entries are plain files (type '0', mode 0600, uid and gid 0, mtime the
 * creation time) in 512-byte blocks, followed by two zero blocks and
 * padded to whole 10240-byte records.  Sessions are left out: they are
 * short-lived logins, and a restore is a new start for them.
 *
 * Both operations write next to their result first and rename into place:
 * an interrupted backup leaves no FILE (only FILE.tmp.PID files to remove);
 * an interrupted restore leaves the data directory as it was (but for its
 * tmp/), or, interrupted among the final renames, without a database:
 * never a database with another backup's objects.
 *
 * Every pointer passed in stays the caller's; nothing is kept once a call
 * returns.  Return values: 0 success, -1 failure with err filled, naming
 * the file and the problem ("backup.tar: objects/ab12…: sha256 mismatch"). */
#ifndef SIGNAGE_SERVER_BACKUP_H
#define SIGNAGE_SERVER_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BACKUP_FORMAT_VERSION 1

typedef struct backup_stats {
    int64_t objects;      /* files under objects/ archived or restored */
    int64_t object_bytes; /* their total size */
    int64_t db_bytes;     /* the size of signage.db */
    int64_t user_version; /* the database's schema version */
} backup_stats;

/* Writes a backup of data_dir (which must exist and hold signage.db; it is
 * only read, its tmp/ is never touched) to out_path, atomically and
 * durably.  Safe beside a running server.  Fails, and writes nothing, when
 * a file the database names is missing from objects/ or does not match its
 * hash (each one is logged), or when the database fails integrity_check or
 * is newer than this server.  stats may be NULL. */
int backup_create(const char *data_dir, const char *out_path, backup_stats *stats, char *err,
                  size_t errlen);

/* Restores the backup in_path into data_dir (created when missing).  A
 * data_dir holding anything but tmp/ (and an empty objects/) is refused
 * unless force, which replaces its database and objects/ (it refuses a
 * database another process has open: stop the server first).  Everything
 * is written under data_dir/tmp, checked (header checksums, every entry's
 * name and type, every hash, backup.json, PRAGMA integrity_check, the
 * schema version, every file the database names present), fsynced, and
 * only then renamed into place.  stats may be NULL. */
int backup_restore(const char *in_path, const char *data_dir, bool force, backup_stats *stats,
                   char *err, size_t errlen);

#endif

/* auth: passwords (Argon2id through libsodium), random tokens, and bounded
 * login rate limiting.  Nothing here touches the database. */
#ifndef SIGNAGE_SERVER_AUTH_H
#define SIGNAGE_SERVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_HASH_MAX 128

typedef struct auth auth;

/* max_failures within window_s per address and per user name, then wait. */
auth *auth_new(int max_failures, int64_t window_s);
void auth_free(auth *a);

/* Argon2id with libsodium's interactive limits (64 MiB, 2 passes).  At most
 * two hashes run at once, so a burst of logins cannot take the memory. */
int auth_hash_password(auth *a, const char *password, char out[AUTH_HASH_MAX]);
bool auth_check_password(auth *a, const char *hash, const char *password);
/* Spends the time of a real check (for a name that does not exist), so
 * response times do not tell which names are real. */
void auth_dummy_check(auth *a, const char *password);

/* Seconds until this address or name may try again (0 = now). */
int64_t auth_login_wait(auth *a, const char *ip, const char *name, int64_t now);
void auth_login_failed(auth *a, const char *ip, const char *name, int64_t now);
void auth_login_ok(auth *a, const char *ip, const char *name);

/* 32 random bytes as 64 hex digits. */
void auth_token(char out[65]);
/* sha256 hex of a token: what the database keeps, never the token itself. */
void auth_token_hash(const char *token, char out[65]);
bool auth_equal(const char *a, const char *b); /* constant time for equal lengths */

#endif

#include "auth.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

/* Login failures in a fixed window from the first one, in a fixed-size table: the oldest keys
 * go first, so memory stays bounded whatever is thrown at it. */
typedef struct auth_limiter auth_limiter;

void auth_token(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

void auth_token_hash(const char *token, char out[65])
{
    if (sha256_hex(token, strlen(token), out) != 0) memset(out, '0', 64), out[64] = 0;
}

bool auth_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb) return false;
    return sodium_memcmp(a, b, lb) == 0;
}

#define LIMITER_SLOTS 4096

typedef struct slot {
    char key[128];
    int count;
    int64_t first, last;
} slot;

struct auth_limiter {
    pthread_mutex_t lock;
    int max;
    int64_t window;
    slot slots[LIMITER_SLOTS];
};

static auth_limiter *auth_limiter_new(int max, int64_t window)
{
    auth_limiter *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    pthread_mutex_init(&l->lock, NULL);
    l->max = max;
    l->window = window;
    return l;
}

static void auth_limiter_free(auth_limiter *l)
{
    if (!l) return;
    pthread_mutex_destroy(&l->lock);
    free(l);
}

static slot *find(auth_limiter *l, const char *key, bool create, int64_t now)
{
    /* Every slot is looked at: a slot freed before this key's (a good login, an expired
     * window) must not start the key afresh beside its running count. */
    slot *oldest = &l->slots[0], *empty = NULL;
    for (int i = 0; i < LIMITER_SLOTS; i++) {
        slot *s = &l->slots[i];
        if (s->key[0] && strncmp(s->key, key, sizeof s->key - 1) == 0) return s;
        if (!s->key[0] && !empty) empty = s;
        if (s->key[0] && s->last < oldest->last) oldest = s;
    }
    if (!create) return NULL;
    if (empty) oldest = empty;
    memset(oldest, 0, sizeof *oldest);
    strncpy(oldest->key, key, sizeof oldest->key - 1);
    oldest->first = oldest->last = now;
    return oldest;
}

static int64_t auth_limiter_wait(auth_limiter *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->lock);
    slot *s = find(l, key, false, now);
    int64_t wait = 0;
    if (s && now - s->first >= l->window)
        memset(s, 0, sizeof *s);
    else if (s && s->count >= l->max)
        wait = s->first + l->window - now;
    pthread_mutex_unlock(&l->lock);
    return wait > 0 ? wait : 0;
}

static void auth_limiter_fail(auth_limiter *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->lock);
    slot *s = find(l, key, true, now);
    if (now - s->first >= l->window) {
        s->count = 0;
        s->first = now;
    }
    s->count++;
    s->last = now;
    pthread_mutex_unlock(&l->lock);
}

static void auth_limiter_clear(auth_limiter *l, const char *key)
{
    pthread_mutex_lock(&l->lock);
    slot *s = find(l, key, false, 0);
    if (s) memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&l->lock);
}

struct auth {
    sem_t hash_slots;
    char dummy[AUTH_HASH_MAX];
    auth_limiter *by_ip, *by_name;
};

auth *auth_new(int max_failures, int64_t window_s)
{
    if (sodium_init() < 0) return NULL;
    auth *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    sem_init(&a->hash_slots, 0, 2);
    a->by_ip = auth_limiter_new(max_failures * 4, window_s);
    a->by_name = auth_limiter_new(max_failures, window_s);
    char pw[65];
    auth_token(pw);
    if (!a->by_ip || !a->by_name || auth_hash_password(a, pw, a->dummy) != 0) {
        auth_free(a);
        return NULL;
    }
    return a;
}

void auth_free(auth *a)
{
    if (!a) return;
    auth_limiter_free(a->by_ip);
    auth_limiter_free(a->by_name);
    sem_destroy(&a->hash_slots);
    free(a);
}

int auth_hash_password(auth *a, const char *password, char out[AUTH_HASH_MAX])
{
    sem_wait(&a->hash_slots);
    int r = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sem_post(&a->hash_slots);
    return r == 0 ? 0 : -1;
}

bool auth_check_password(auth *a, const char *hash, const char *password)
{
    if (!hash || !password) return false;
    sem_wait(&a->hash_slots);
    bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    sem_post(&a->hash_slots);
    return ok;
}

void auth_dummy_check(auth *a, const char *password)
{
    (void)auth_check_password(a, a->dummy, password ? password : "");
}

int64_t auth_login_wait(auth *a, const char *ip, const char *name, int64_t now)
{
    int64_t w1 = auth_limiter_wait(a->by_ip, ip ? ip : "?", now);
    int64_t w2 = auth_limiter_wait(a->by_name, name ? name : "", now);
    return w1 > w2 ? w1 : w2;
}

void auth_login_failed(auth *a, const char *ip, const char *name, int64_t now)
{
    auth_limiter_fail(a->by_ip, ip ? ip : "?", now);
    auth_limiter_fail(a->by_name, name ? name : "", now);
}

void auth_login_ok(auth *a, const char *ip, const char *name)
{
    (void)ip; /* one good login does not forgive an address's guesses at other names */
    auth_limiter_clear(a->by_name, name ? name : "");
}

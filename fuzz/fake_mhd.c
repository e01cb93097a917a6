/* fake_mhd.c - the libmicrohttpd calls server/http.c makes, without
 * sockets (see fake_mhd.h).  Any other MHD call is a link error, and an
 * MHD_start_daemon option not listed here stops the fuzzer with a message,
 * so this file cannot silently drift from what http.c uses.
 *
 * A broken promise to MHD aborts (the fuzzer then keeps the input): a
 * second response for one request, a response queued outside the access
 * handler (from another thread), a header that would split the answer,
 * a file range past the end of the file, a request never answered. */
#include "fake_mhd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct MHD_Daemon {
    MHD_AccessHandlerCallback handler;
    void *handler_cls;
    MHD_RequestCompletedCallback completed;
    void *completed_cls;
};

struct MHD_Response {
    int refs;
    char *data; /* owned copy, or borrowed (persistent) */
    size_t len;
    bool owned;
    int fd; /* file responses: -1 otherwise */
    uint64_t offset, size;
    char headers[1024]; /* "Name: value" lines, as far as they fit (for FUZZ_SERVER_VERBOSE) */
};

typedef struct kv {
    enum MHD_ValueKind kind;
    char *key, *value;
} kv;

struct fake_request {
    /* what MHD would have parsed */
    char *method, *url;
    kv *kv;
    size_t n, cap;
    struct sockaddr_storage peer;
    union MHD_ConnectionInfo info;
    const char *body;
    size_t body_len, chunk;
    bool complete;
    /* what http.c did with it */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool suspended;
    bool in_handler;
    struct MHD_Response *resp;
    unsigned status;
};

/* The connection a request was made for is the request itself. */
#define CONN(c) ((fake_request *)(void *)(c))

static struct MHD_Daemon *the_daemon;

static void die(const char *what)
{
    fprintf(stderr, "fake_mhd: %s\n", what);
    abort();
}

/* ---- the daemon ---- */

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    (void)flags;
    (void)port;
    (void)apc;
    (void)apc_cls;
    struct MHD_Daemon *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->handler = dh;
    d->handler_cls = dh_cls;
    va_list ap;
    va_start(ap, dh_cls);
    for (;;) {
        enum MHD_OPTION o = (enum MHD_OPTION)va_arg(ap, int);
        if (o == MHD_OPTION_END) break;
        switch (o) {
        case MHD_OPTION_SOCK_ADDR:
            (void)va_arg(ap, struct sockaddr *);
            break;
        case MHD_OPTION_THREAD_POOL_SIZE:
        case MHD_OPTION_CONNECTION_LIMIT:
        case MHD_OPTION_CONNECTION_TIMEOUT:
        case MHD_OPTION_LISTEN_BACKLOG_SIZE:
            (void)va_arg(ap, unsigned int);
            break;
        case MHD_OPTION_CONNECTION_MEMORY_LIMIT:
            (void)va_arg(ap, size_t);
            break;
        case MHD_OPTION_NOTIFY_COMPLETED:
            d->completed = va_arg(ap, MHD_RequestCompletedCallback);
            d->completed_cls = va_arg(ap, void *);
            break;
        default: {
            char m[128];
            snprintf(m, sizeof m, "MHD_start_daemon option %d is not known here: add it", (int)o);
            die(m);
        }
        }
    }
    va_end(ap);
    the_daemon = d;
    return d;
}

void MHD_stop_daemon(struct MHD_Daemon *d)
{
    if (d == the_daemon) the_daemon = NULL;
    free(d);
}

const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *d, enum MHD_DaemonInfoType type,
                                                ...)
{
    (void)d;
    (void)type;
    static union MHD_DaemonInfo info; /* port 0: nothing listens */
    return &info;
}

/* ---- what a handler reads ---- */

const char *MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                        const char *key)
{
    fake_request *q = CONN(c);
    /* MHD compares names without regard to case, for every kind */
    for (size_t i = 0; i < q->n; i++)
        if ((q->kv[i].kind & kind) && key && strcasecmp(q->kv[i].key, key) == 0)
            return q->kv[i].value;
    return NULL;
}

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *c,
                                                        enum MHD_ConnectionInfoType type, ...)
{
    fake_request *q = CONN(c);
    if (type != MHD_CONNECTION_INFO_CLIENT_ADDRESS) return NULL;
    q->info.client_addr = (struct sockaddr *)&q->peer;
    return &q->info;
}

/* ---- suspend and resume (resume may come from any thread) ---- */

void MHD_suspend_connection(struct MHD_Connection *c)
{
    fake_request *q = CONN(c);
    pthread_mutex_lock(&q->lock);
    if (!q->in_handler) die("MHD_suspend_connection outside the access handler");
    q->suspended = true;
    pthread_mutex_unlock(&q->lock);
}

void MHD_resume_connection(struct MHD_Connection *c)
{
    fake_request *q = CONN(c);
    pthread_mutex_lock(&q->lock);
    q->suspended = false;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

/* ---- responses ---- */

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->refs = 1;
    r->fd = -1;
    r->len = size;
    if (size && !buffer) die("a response buffer of NULL with a size");
    if (mode == MHD_RESPMEM_PERSISTENT) {
        r->data = buffer;
    } else {
        r->data = malloc(size ? size : 1);
        if (!r->data) {
            free(r);
            return NULL;
        }
        if (size) memcpy(r->data, buffer, size);
        r->owned = true;
        if (mode == MHD_RESPMEM_MUST_FREE) free(buffer);
    }
    return r;
}

struct MHD_Response *MHD_create_response_from_fd_at_offset64(uint64_t size, int fd, uint64_t offset)
{
    if (fd < 0 || (int64_t)size < 0 || (int64_t)offset < 0 || (int64_t)(offset + size) < 0)
        return NULL; /* MHD refuses sizes past INT64_MAX */
    struct MHD_Response *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->refs = 1;
    r->fd = fd;
    r->offset = offset;
    r->size = size;
    return r;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *r, const char *header,
                                        const char *content)
{
    if (!r || !header || !content) return MHD_NO;
    /* What MHD refuses.  A CR or LF would be a second header or a forged
     * body if MHD did not: any text from a request that reaches a header
     * here has to be cleaned first. */
    if (strpbrk(header, "\r\n") || strpbrk(content, "\r\n"))
        die("a response header with CR or LF (header splitting)");
    if (!*header || strpbrk(header, " \t:") || !*content) return MHD_NO;
    size_t used = strlen(r->headers);
    snprintf(r->headers + used, sizeof r->headers - used, "%s: %s\n", header, content);
    return MHD_YES;
}

static void response_release(struct MHD_Response *r)
{
    if (!r || --r->refs > 0) return;
    if (r->owned) free(r->data);
    if (r->fd >= 0) close(r->fd); /* MHD owns the descriptor it was given */
    free(r);
}

void MHD_destroy_response(struct MHD_Response *r)
{
    response_release(r);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *c, unsigned int status,
                                   struct MHD_Response *r)
{
    fake_request *q = CONN(c);
    if (!r) return MHD_NO;
    pthread_mutex_lock(&q->lock);
    bool inside = q->in_handler;
    pthread_mutex_unlock(&q->lock);
    if (!inside) die("a response queued outside the access handler (another thread?)");
    if (q->resp) die("a second response for one request");
    if (status < 100 || status > 999) die("a status that is not three digits");
    if (r->fd >= 0) {
        /* what MHD would send: the range has to be in the file */
        struct stat st;
        if (fstat(r->fd, &st) != 0 || r->offset + r->size > (uint64_t)st.st_size)
            die("a file response past the end of the file");
        char buf[4096];
        uint64_t left = r->size, at = r->offset;
        while (left) {
            ssize_t n = pread(r->fd, buf, left < sizeof buf ? left : sizeof buf, (off_t)at);
            if (n <= 0) die("a file response that cannot be read");
            left -= (uint64_t)n;
            at += (uint64_t)n;
        }
    }
    r->refs++;
    q->resp = r;
    q->status = status;
    return MHD_YES;
}

/* ---- the request ---- */

fake_request *fake_request_new(const char *method, const char *url)
{
    fake_request *q = calloc(1, sizeof *q);
    if (!q) abort();
    q->method = strdup(method);
    q->url = strdup(url);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    fake_request_peer(q, "127.0.0.1");
    q->complete = true;
    return q;
}

void fake_request_add(fake_request *q, enum MHD_ValueKind kind, const char *key, const char *value)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 16;
        q->kv = realloc(q->kv, q->cap * sizeof *q->kv);
        if (!q->kv) abort();
    }
    q->kv[q->n++] = (kv){kind, strdup(key), value ? strdup(value) : NULL};
}

bool fake_request_peer(fake_request *q, const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(40000);
    } else if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(40000);
    } else {
        return false;
    }
    q->peer = ss;
    return true;
}

void fake_request_body(fake_request *q, const char *body, size_t len, size_t chunk, bool complete)
{
    q->body = body;
    q->body_len = len;
    q->chunk = chunk;
    q->complete = complete;
}

bool fake_request_suspended(fake_request *q)
{
    pthread_mutex_lock(&q->lock);
    bool s = q->suspended;
    pthread_mutex_unlock(&q->lock);
    return s;
}

bool fake_request_wait_resumed(fake_request *q, double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long ns = ts.tv_nsec + (long long)(seconds * 1e9);
    ts.tv_sec += (time_t)(ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&q->lock);
    while (q->suspended)
        if (pthread_cond_timedwait(&q->cond, &q->lock, &ts) != 0) break;
    bool resumed = !q->suspended;
    pthread_mutex_unlock(&q->lock);
    return resumed;
}

/* One call of the access handler, as MHD makes it. */
static enum MHD_Result call(fake_request *q, void **con_cls, const char *data, size_t *size)
{
    struct MHD_Daemon *d = the_daemon;
    pthread_mutex_lock(&q->lock);
    q->in_handler = true;
    pthread_mutex_unlock(&q->lock);
    enum MHD_Result r = d->handler(d->handler_cls, (struct MHD_Connection *)(void *)q, q->url,
                                   q->method, "HTTP/1.1", data, size, con_cls);
    pthread_mutex_lock(&q->lock);
    q->in_handler = false;
    pthread_mutex_unlock(&q->lock);
    return r;
}

unsigned fake_request_run(fake_request *q, fake_suspended_fn on_suspend, void *ctx)
{
    struct MHD_Daemon *d = the_daemon;
    if (!d) die("no daemon: http_start was not called");
    void *con_cls = NULL;
    enum MHD_RequestTerminationCode toe = MHD_REQUEST_TERMINATED_WITH_ERROR;
    size_t zero = 0;
    if (call(q, &con_cls, NULL, &zero) != MHD_YES) goto done; /* MHD closes the connection */
    if (q->resp && q->body_len == 0) {
        toe = MHD_REQUEST_TERMINATED_COMPLETED_OK; /* answered from the headers alone */
        goto done;
    }
    /* the body, in chunks; MHD offers again whatever was not consumed */
    for (size_t at = 0; at < q->body_len;) {
        size_t n = q->chunk && q->chunk < q->body_len - at ? q->chunk : q->body_len - at;
        size_t left = n;
        int offers = 0;
        while (left) {
            if (fake_request_suspended(q)) die("suspended while the body was still coming");
            size_t size = left;
            if (call(q, &con_cls, q->body + at + (n - left), &size) != MHD_YES) goto done;
            if (size > left) die("the handler claims to have taken more than it was given");
            if (size == left && ++offers > 8) die("the handler takes none of the body");
            left = size;
        }
        at += n;
    }
    if (!q->complete) goto done; /* the client went away: no final call */
    /* the final call; then again while there is no answer, as MHD does,
     * and after each resume */
    int idle = 0, round = 0;
    for (;;) {
        zero = 0;
        if (call(q, &con_cls, NULL, &zero) != MHD_YES) goto done;
        if (q->resp) break;
        if (fake_request_suspended(q)) {
            if (!on_suspend || !on_suspend(ctx, q, ++round))
                goto done; /* given up on (the client left while held) */
            if (fake_request_suspended(q))
                die("the suspend hook said go on, but the request is still suspended");
            idle = 0;
            continue;
        }
        if (++idle > 3)
            die("a request with neither an answer nor a suspension (MHD would spin on it)");
    }
    toe = MHD_REQUEST_TERMINATED_COMPLETED_OK;
done:
    if (d->completed)
        d->completed(d->completed_cls, (struct MHD_Connection *)(void *)q, &con_cls, toe);
    if (con_cls) die("the completion callback left its request behind");
    unsigned status = q->resp ? q->status : 0;
    return status;
}

const char *fake_request_headers(const fake_request *q)
{
    return q->resp ? q->resp->headers : "";
}

const char *fake_request_answer(const fake_request *q, size_t *len)
{
    *len = q->resp && q->resp->fd < 0 ? q->resp->len : 0;
    return q->resp && q->resp->fd < 0 ? q->resp->data : NULL;
}

void fake_request_free(fake_request *q)
{
    if (!q) return;
    response_release(q->resp);
    for (size_t i = 0; i < q->n; i++) {
        free(q->kv[i].key);
        free(q->kv[i].value);
    }
    free(q->kv);
    free(q->method);
    free(q->url);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
    free(q);
}

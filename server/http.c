#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "monoclock.h"

typedef struct waiter {
    struct MHD_Connection *c;
    http_req *r;
} waiter;

struct http_server {
    struct MHD_Daemon *d;
    http_callbacks cb;
    assets *assets;
    pthread_mutex_t wlock;
    pthread_cond_t wcond;
    waiter *w;
    size_t nw, capw;
    pthread_t timer;
    bool stopping, timer_up;
    int held; /* requests between http_hold and http_release */
};

typedef enum { REQ_NEW, REQ_BODY, REQ_DONE } req_state;

struct http_req {
    http_server *s;
    struct MHD_Connection *c;
    req_state state;
    const char *method, *path;
    http_route route;
    char *body;
    size_t body_len, body_cap;
    asset_upload *upload;
    asset_rc upload_rc;
    asset_info upload_info;
    char upload_err[300];
    bool answered, suspended, resumed, expired, deadline_set;
    bool too_big;    /* the body passed its limit: the rest is read and dropped */
    int64_t dropped; /* bytes dropped since */
    double deadline;
    void *user;
    char ip[64];
};

/* ---- long-poll waiters ---- */

static void resume_locked(http_server *s, size_t i, bool expired)
{
    waiter w = s->w[i];
    s->w[i] = s->w[--s->nw];
    w.r->suspended = false;
    w.r->resumed = true;
    w.r->expired = expired;
    MHD_resume_connection(w.c);
}

static void *timer_main(void *arg)
{
    http_server *s = arg;
    pthread_mutex_lock(&s->wlock);
    while (!s->stopping) {
        double now = monoclock_now();
        for (size_t i = 0; i < s->nw;) {
            if (s->w[i].r->deadline <= now)
                resume_locked(s, i, true);
            else
                i++;
        }
        /* A quarter second is plenty: a poll's deadline is a "no news" answer. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 250 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&s->wcond, &s->wlock, &ts);
    }
    pthread_mutex_unlock(&s->wlock);
    return NULL;
}

void http_notify(http_server *s)
{
    pthread_mutex_lock(&s->wlock);
    while (s->nw)
        resume_locked(s, s->nw - 1, false);
    pthread_mutex_unlock(&s->wlock);
}

size_t http_waiting(http_server *s)
{
    pthread_mutex_lock(&s->wlock);
    size_t n = s->nw;
    pthread_mutex_unlock(&s->wlock);
    return n;
}

void http_suspend(http_req *r, double seconds)
{
    http_server *s = r->s;
    pthread_mutex_lock(&s->wlock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->wlock);
        r->expired = true;
        r->resumed = true;
        r->route.handle(s->cb.api, r); /* answer now */
        return;
    }
    if (s->nw == s->capw) {
        size_t cap = s->capw ? s->capw * 2 : 256;
        waiter *w = realloc(s->w, cap * sizeof *w);
        if (!w) {
            pthread_mutex_unlock(&s->wlock);
            r->expired = true;
            r->resumed = true;
            r->route.handle(s->cb.api, r);
            return;
        }
        s->w = w;
        s->capw = cap;
    }
    /* A poll woken by a change that was not its own goes back to sleep
     * until its first deadline, not a new one. */
    if (!r->deadline_set) {
        r->deadline = monoclock_now() + seconds;
        r->deadline_set = true;
    }
    r->suspended = true;
    r->answered = true; /* by a later call */
    /* Suspended under the lock: a notify cannot resume it before this. */
    MHD_suspend_connection(r->c);
    s->w[s->nw++] = (waiter){r->c, r};
    pthread_mutex_unlock(&s->wlock);
}

bool http_wait_expired(const http_req *r)
{
    return r->expired;
}

void http_hold(http_req *r)
{
    pthread_mutex_lock(&r->s->wlock);
    r->answered = true; /* by a later call */
    r->s->held++;
    MHD_suspend_connection(r->c);
    pthread_mutex_unlock(&r->s->wlock);
}

void http_release(http_req *r)
{
    http_server *s = r->s;
    pthread_mutex_lock(&s->wlock);
    r->resumed = true;
    s->held--;
    MHD_resume_connection(r->c);
    pthread_cond_broadcast(&s->wcond);
    pthread_mutex_unlock(&s->wlock);
}
bool http_resumed(const http_req *r)
{
    return r->resumed;
}

/* ---- request accessors ---- */

struct MHD_Connection *http_conn(http_req *r)
{
    return r->c;
}
const char *http_method(const http_req *r)
{
    return r->method;
}
const char *http_path(const http_req *r)
{
    return r->path;
}
void **http_user(http_req *r)
{
    return &r->user;
}

const char *http_header(http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, name);
}

const char *http_query(http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->c, MHD_COOKIE_KIND, name);
}

/* Is the TCP peer this machine (a reverse proxy in front of us)? */
static bool peer_is_local(http_req *r, const struct sockaddr *sa)
{
    (void)r;
    if (sa && sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa && sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return false;
}

static const struct sockaddr *peer(http_req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci ? ci->client_addr : NULL;
}

/* The client: the TCP peer, or, when that is a proxy on this machine, the
 * last address its X-Forwarded-For names (the one the proxy saw). */
const char *http_client_ip(http_req *r)
{
    if (!r->ip[0] && peer_is_local(r, peer(r))) {
        const char *xff = http_header(r, "X-Forwarded-For");
        const char *last = xff ? strrchr(xff, ',') : NULL;
        last = last ? last + 1 : xff;
        while (last && *last == ' ')
            last++;
        if (last && *last && strlen(last) < sizeof r->ip &&
            strspn(last, "0123456789abcdefABCDEF.:") == strlen(last))
            snprintf(r->ip, sizeof r->ip, "%s", last);
    }
    if (!r->ip[0]) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(r->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const struct sockaddr *sa = ci ? ci->client_addr : NULL;
        if (sa && sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip, sizeof r->ip);
        else if (sa && sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip, sizeof r->ip);
        else
            snprintf(r->ip, sizeof r->ip, "?");
    }
    return r->ip;
}

bool http_is_tls(http_req *r)
{
    if (!peer_is_local(r, peer(r))) return false; /* only a proxy of ours may say so */
    const char *p = http_header(r, "X-Forwarded-Proto");
    return p && strcasecmp(p, "https") == 0;
}

const char *http_body(const http_req *r, size_t *len)
{
    *len = r->body_len;
    return r->body ? r->body : "";
}

asset_rc http_upload_result(const http_req *r, asset_info *info, const char **err)
{
    *info = r->upload_info;
    *err = r->upload_err;
    return r->upload_rc;
}

/* ---- responses ---- */

static void common_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

static void queue(http_req *r, unsigned status, struct MHD_Response *resp)
{
    if (!resp) {
        r->answered = true;
        return;
    }
    common_headers(resp);
    MHD_queue_response(r->c, status, resp);
    MHD_destroy_response(resp);
    r->answered = true;
}

static void add_headers(struct MHD_Response *resp, const char *headers)
{
    while (headers && *headers) {
        const char *nl = strchr(headers, '\n');
        size_t n = nl ? (size_t)(nl - headers) : strlen(headers);
        char line[1024];
        if (n < sizeof line) {
            memcpy(line, headers, n);
            line[n] = 0;
            char *colon = strchr(line, ':');
            if (colon) {
                *colon = 0;
                const char *v = colon + 1;
                while (*v == ' ')
                    v++;
                MHD_add_response_header(resp, line, v);
            }
        }
        headers += n + (nl ? 1 : 0);
    }
}

void http_respond_bytes(http_req *r, unsigned status, const char *type, const void *data,
                        size_t len, const char *headers)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (resp) {
        if (type) MHD_add_response_header(resp, "Content-Type", type);
        add_headers(resp, headers);
    }
    queue(r, status, resp);
}

void http_respond_json(http_req *r, unsigned status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
    json_decref(body);
    if (!text) {
        http_respond_bytes(r, 500, "application/json", "{\"error\":\"out of memory\"}", 25, NULL);
        return;
    }
    http_respond_bytes(r, status, "application/json; charset=utf-8", text, strlen(text),
                       "Cache-Control: no-store");
    free(text);
}

void http_respond_error(http_req *r, unsigned status, const char *field, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *o = json_pack("{s:s}", "error", msg);
    if (field) json_object_set_new(o, "field", json_string(field));
    http_respond_json(r, status, o);
}

/* "bytes=N-" / "bytes=N-M" / "bytes=-K" within size; false if unusable. */
static bool parse_range(const char *h, int64_t size, int64_t *from, int64_t *to)
{
    if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ',')) return false;
    const char *p = h + 6;
    char *end;
    if (*p == '-') {
        long long k = strtoll(p + 1, &end, 10);
        if (*end || k <= 0) return false;
        *from = k >= size ? 0 : size - k;
        *to = size - 1;
        return true;
    }
    long long a = strtoll(p, &end, 10);
    if (end == p || *end != '-' || a < 0) return false;
    p = end + 1;
    long long b = size - 1;
    if (*p) {
        b = strtoll(p, &end, 10);
        if (*end || b < a) return false;
    }
    if (a >= size) return false;
    *from = a;
    *to = b >= size ? size - 1 : b;
    return true;
}

void http_respond_file(http_req *r, const char *path, const char *type, const char *etag,
                       const char *cache_control, const char *headers)
{
    const char *inm = http_header(r, "If-None-Match");
    if (etag && inm && strcmp(inm, etag) == 0) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        if (resp) {
            MHD_add_response_header(resp, "ETag", etag);
            if (cache_control) MHD_add_response_header(resp, "Cache-Control", cache_control);
        }
        queue(r, MHD_HTTP_NOT_MODIFIED, resp);
        return;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        http_respond_error(r, 404, NULL, "no such file");
        return;
    }
    int64_t size = st.st_size, from = 0, to = size - 1;
    unsigned status = 200;
    const char *range = http_header(r, "Range");
    const char *if_range = http_header(r, "If-Range");
    if (range && (!if_range || (etag && strcmp(if_range, etag) == 0))) {
        if (!parse_range(range, size, &from, &to)) {
            close(fd);
            char cr[64];
            snprintf(cr, sizeof cr, "Content-Range: bytes */%lld", (long long)size);
            http_respond_bytes(r, 416, "text/plain", "range not satisfiable\n", 22, cr);
            return;
        }
        status = 206;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_fd_at_offset64((uint64_t)(to - from + 1), fd, (uint64_t)from);
    if (!resp) {
        close(fd);
        http_respond_error(r, 500, NULL, "out of memory");
        return;
    }
    MHD_add_response_header(resp, "Content-Type", type ? type : "application/octet-stream");
    add_headers(resp, headers);
    MHD_add_response_header(resp, "Accept-Ranges", "bytes");
    if (etag) MHD_add_response_header(resp, "ETag", etag);
    if (cache_control) MHD_add_response_header(resp, "Cache-Control", cache_control);
    if (status == 206) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %lld-%lld/%lld", (long long)from, (long long)to,
                 (long long)size);
        MHD_add_response_header(resp, "Content-Range", cr);
    }
    queue(r, status, resp);
}

/* ---- the MHD callbacks ---- */

static void dispatch(http_req *r)
{
    r->answered = false;
    r->route.handle(r->s->cb.api, r);
    if (!r->answered) http_respond_error(r, 500, NULL, "internal error: no answer");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    http_server *s = cls;
    http_req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        r->s = s;
        r->c = c;
        r->method = method;
        r->path = url;
        *con_cls = r;
        if (!s->cb.route(s->cb.api, r, &r->route))
            return MHD_YES; /* refused with an answer queued */
        const char *cl = http_header(r, "Content-Length");
        long long declared = cl ? strtoll(cl, NULL, 10) : 0;
        if (r->route.body == HTTP_BODY_NONE && declared > 0) {
            http_respond_error(r, 400, NULL, "this request takes no body");
            return MHD_YES;
        }
        if (r->route.body != HTTP_BODY_NONE && declared > r->route.body_max) {
            http_respond_error(r, 413, NULL, "the request is larger than the limit of %lld KB",
                               (long long)(r->route.body_max / 1024));
            return MHD_YES;
        }
        if (r->route.body == HTTP_BODY_UPLOAD) {
            r->upload_rc = assets_upload_begin(s->assets, r->route.body_max, &r->upload,
                                               r->upload_err, sizeof r->upload_err);
            if (r->upload_rc != ASSET_OK) {
                http_respond_error(r, 500, NULL, "%s", r->upload_err);
                return MHD_YES;
            }
        }
        r->state = REQ_BODY;
        return MHD_YES;
    }
    if (r->answered && !r->suspended && !r->resumed) {
        *upload_data_size = 0; /* refused already; the rest of the body is dropped */
        return MHD_YES;
    }
    if (r->state == REQ_BODY && *upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->too_big) {
            /* Read and dropped, so the client gets its 413; a sender that
             * goes on and on is cut off. */
            r->dropped += (int64_t)n;
            return r->dropped > r->route.body_max + (64 << 20) ? MHD_NO : MHD_YES;
        }
        if (r->route.body == HTTP_BODY_UPLOAD) {
            if (r->upload_rc == ASSET_OK) {
                r->upload_rc = assets_upload_write(r->upload, upload_data, n, r->upload_err,
                                                   sizeof r->upload_err);
                if (r->upload_rc == ASSET_TOO_BIG) r->too_big = true;
            }
        } else if (r->route.body == HTTP_BODY_JSON) {
            if ((int64_t)(r->body_len + n) > r->route.body_max) {
                r->too_big = true;
                return MHD_YES;
            }
            if (r->body_len + n + 1 > r->body_cap) {
                size_t cap = (r->body_len + n + 1) * 2;
                char *b = realloc(r->body, cap);
                if (!b) return MHD_NO;
                r->body = b;
                r->body_cap = cap;
            }
            memcpy(r->body + r->body_len, upload_data, n);
            r->body_len += n;
            r->body[r->body_len] = 0;
        }
        return MHD_YES;
    }
    if (r->state == REQ_BODY) {
        r->state = REQ_DONE;
        if (r->too_big && r->route.body == HTTP_BODY_JSON) {
            http_respond_error(r, 413, NULL, "the request is larger than the limit of %lld KB",
                               (long long)(r->route.body_max / 1024));
            return MHD_YES;
        }
        if (r->upload) {
            asset_upload *u = r->upload;
            r->upload = NULL;
            if (r->upload_rc == ASSET_OK)
                r->upload_rc =
                    assets_upload_finish(u, &r->upload_info, r->upload_err, sizeof r->upload_err);
            else
                assets_upload_abort(u);
        }
        dispatch(r);
        return MHD_YES;
    }
    if (r->resumed) {
        dispatch(r); /* a long-poll again, after a change or its deadline */
        return MHD_YES;
    }
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    http_server *s = cls;
    http_req *r = *con_cls;
    if (!r) return;
    if (r->suspended) { /* cannot happen while suspended, but never leave a dangling waiter */
        pthread_mutex_lock(&s->wlock);
        for (size_t i = 0; i < s->nw; i++)
            if (s->w[i].r == r) {
                s->w[i] = s->w[--s->nw];
                break;
            }
        pthread_mutex_unlock(&s->wlock);
    }
    assets_upload_abort(r->upload);
    free(r->body);
    free(r->user);
    free(r);
    *con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, char *err, size_t errlen)
{
    memset(ss, 0, sizeof *ss);
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host) {
        snprintf(err, errlen, "listen: \"%s\" is not ADDR:PORT (e.g. 127.0.0.1:8080)", listen);
        return -1;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || end == colon + 1) {
        snprintf(err, errlen, "listen: port \"%s\" is not 0-65535", colon + 1);
        return -1;
    }
    size_t hl = strlen(host);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        host[hl - 1] = 0;
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1) return 0;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) return 0;
    }
    snprintf(err, errlen, "listen: \"%s\" is not an IP address (e.g. 0.0.0.0 or [::])", host);
    return -1;
}

int http_start(const http_options *o, const http_callbacks *cb, assets *a, http_server **out,
               char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    if (parse_listen(o->listen, &ss, err, errlen) != 0) return -1;
    http_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->cb = *cb;
    s->assets = a;
    pthread_mutex_init(&s->wlock, NULL);
    pthread_cond_init(&s->wcond, NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_DUAL_STACK; /* [::] takes IPv4 clients too */
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 2),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(o->max_connections > 0 ? o->max_connections : 10000),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        /* per connection, for a request's headers and the answer's: the 32 KiB
         * default would be 160 MiB for 5000 held polls */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "cannot listen on %s: %s", o->listen, strerror(errno));
        http_stop(s);
        return -1;
    }
    if (pthread_create(&s->timer, NULL, timer_main, s) != 0) {
        snprintf(err, errlen, "cannot start the long-poll timer");
        http_stop(s);
        return -1;
    }
    s->timer_up = true;
    *out = s;
    return 0;
}

unsigned http_port(const http_server *s)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    return i ? i->port : 0;
}

void http_stop(http_server *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->wlock);
    s->stopping = true;
    while (s->nw)
        resume_locked(s, s->nw - 1, true);
    pthread_cond_broadcast(&s->wcond);
    pthread_mutex_unlock(&s->wlock);
    if (s->timer_up) pthread_join(s->timer, NULL);
    /* held work (a preview) ends within its own time limit */
    pthread_mutex_lock(&s->wlock);
    for (int i = 0; s->held > 0 && i < 200; i++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
        pthread_cond_timedwait(&s->wcond, &s->wlock, &ts);
    }
    pthread_mutex_unlock(&s->wlock);
    if (s->d) {
        /* let resumed polls be answered before the daemon goes */
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        MHD_stop_daemon(s->d);
    }
    free(s->w);
    pthread_cond_destroy(&s->wcond);
    pthread_mutex_destroy(&s->wlock);
    free(s);
}

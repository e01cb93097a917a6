/* fetch.c - libcurl easy transfers with the player's safety policy. */
#include "fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "monoclock.h"

struct fetch {
    CURL *curl;
    fetch_opts o;
    char *ca_file, *token, *user_agent; /* copies */
};

/* State of one transfer, shared by the callbacks. */
typedef struct xfer {
    fetch *f;
    const fetch_req *r;
    fetch_res *res;
    bool checked_status; /* the first body byte decided where the body goes */
    bool to_sink;
    char errbody[200];   /* start of a non-2xx body, for the message */
    size_t errbody_len;
    char why[256];       /* our own reason for aborting */
    curl_off_t last_now; /* bytes seen at last progress */
    double last_move;    /* monotonic seconds of the last byte */
    curl_off_t win_bytes; /* bytes at the start of the current speed window */
    double win_start;
    double started;
} xfer;

int fetch_open(const fetch_opts *o, fetch **out, char *err, size_t errlen)
{
    fetch *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->o = *o;
    if ((o->ca_file && !(f->ca_file = strdup(o->ca_file))) ||
        (o->token && !(f->token = strdup(o->token))) ||
        !(f->user_agent = strdup(o->user_agent ? o->user_agent : "signage-player")) ||
        !(f->curl = curl_easy_init())) {
        snprintf(err, errlen, "cannot set up HTTP (out of memory)");
        fetch_close(f);
        return -1;
    }
    *out = f;
    return 0;
}

void fetch_close(fetch *f)
{
    if (!f)
        return;
    if (f->curl)
        curl_easy_cleanup(f->curl);
    free(f->ca_file);
    free(f->token);
    free(f->user_agent);
    free(f);
}

static size_t on_header(char *buf, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    /* A redirect's headers come first: keep only the final response's. */
    if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0)
        x->res->etag[0] = '\0';
    if (len > 5 && strncasecmp(buf, "ETag:", 5) == 0) {
        const char *v = buf + 5;
        size_t vl = len - 5;
        while (vl && (*v == ' ' || *v == '\t'))
            v++, vl--;
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        /* An ETag goes back to the server verbatim: keep it printable. */
        bool ok = vl < sizeof x->res->etag;
        for (size_t i = 0; ok && i < vl; i++)
            ok = (unsigned char)v[i] > 0x20 && (unsigned char)v[i] < 0x7f;
        if (ok) {
            memcpy(x->res->etag, v, vl);
            x->res->etag[vl] = '\0';
        }
    }
    return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    if (!x->checked_status) {
        long code = 0;
        curl_easy_getinfo(x->f->curl, CURLINFO_RESPONSE_CODE, &code);
        x->to_sink = code >= 200 && code < 300;
        x->checked_status = true;
    }
    if (!x->to_sink) {
        size_t room = sizeof x->errbody - 1 - x->errbody_len;
        size_t take = len < room ? len : room;
        memcpy(x->errbody + x->errbody_len, buf, take);
        x->errbody_len += take;
        return len; /* read and forget the rest of an error page */
    }
    if (x->res->body_bytes + (int64_t)len > x->r->max_bytes) {
        snprintf(x->why, sizeof x->why, "response larger than %lld bytes",
                 (long long)x->r->max_bytes);
        return CURL_WRITEFUNC_ERROR;
    }
    x->res->body_bytes += (int64_t)len;
    if (x->r->sink && x->r->sink(x->r->user, buf, len) != 0) {
        snprintf(x->why, sizeof x->why, "refused by the receiver");
        return CURL_WRITEFUNC_ERROR;
    }
    return len;
}

/* Our own stall detection: libcurl's low-speed limit would also fire while a
 * long-poll is (rightly) silent. */
static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)ultotal;
    xfer *x = user;
    if ((x->f->o.stop && atomic_load(x->f->o.stop)) || (x->r->cancel && atomic_load(x->r->cancel))) {
        snprintf(x->why, sizeof x->why, "stopped");
        return 1;
    }
    double now = monoclock_now();
    curl_off_t moved = dlnow + ulnow;
    if (moved == 0) {
        /* nothing yet: a long-poll may rightly be silent for a while */
        double allowed = x->f->o.stall_s;
        if (x->r->first_byte_s > allowed)
            allowed = x->r->first_byte_s;
        if (now - x->started > allowed) {
            snprintf(x->why, sizeof x->why, "no answer for %.0f s", now - x->started);
            return 1;
        }
        x->win_start = now;
        return 0;
    }
    if (moved != x->last_now) {
        x->last_now = moved;
        x->last_move = now;
    }
    if (now - x->last_move > x->f->o.stall_s) {
        snprintf(x->why, sizeof x->why, "no data for %.0f s (stalled)", now - x->last_move);
        return 1;
    }
    /* A drip is a stall too: less than FETCH_MIN_RATE on average over a
     * whole stall window fails. */
    if (now - x->win_start >= x->f->o.stall_s) {
        double rate = (double)(moved - x->win_bytes) / (now - x->win_start);
        if (rate < FETCH_MIN_RATE) {
            snprintf(x->why, sizeof x->why, "too slow: %.0f bytes/s for %.0f s", rate,
                     now - x->win_start);
            return 1;
        }
        x->win_start = now;
        x->win_bytes = moved;
    }
    return 0;
}

int fetch_do(fetch *f, const fetch_req *r, fetch_res *res)
{
    memset(res, 0, sizeof *res);
    xfer x = {.f = f, .r = r, .res = res};
    x.started = x.last_move = x.win_start = monoclock_now();
    CURL *c = f->curl;
    curl_easy_reset(c);
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    char inm[300];

    curl_easy_setopt(c, CURLOPT_URL, r->url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* A redirect never leaves TLS: what was asked for over https must not come back over
     * plain http, where anyone on the path could replace it. */
    bool tls = strncasecmp(r->url, "https:", 6) == 0;
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, tls ? "https" : "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (f->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, f->ca_file);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(f->o.connect_s * 1000));
    curl_easy_setopt(c, CURLOPT_USERAGENT, f->user_agent);
    /* Content is verified by hash, so compression only costs the Pi CPU;
     * but manifests are text: accept gzip for them (and anything else). */
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    if (f->token && !r->anonymous) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, f->token);
    }
    if (r->if_none_match && *r->if_none_match) {
        snprintf(inm, sizeof inm, "If-None-Match: %s", r->if_none_match);
        hdrs = curl_slist_append(hdrs, inm);
    }
    if (r->content_type) {
        char ct[200];
        snprintf(ct, sizeof ct, "Content-Type: %s", r->content_type);
        struct curl_slist *h2 = curl_slist_append(hdrs, ct);
        if (h2)
            hdrs = h2;
        h2 = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
        if (h2)
            hdrs = h2;
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    if (hdrs)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (r->resume_from > 0)
        curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)r->resume_from);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_bytes);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);

    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    char *eff = NULL;
    if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff)
        snprintf(res->url, sizeof res->url, "%s", eff);
    curl_off_t down = 0, up = 0;
    long hdr = 0, req = 0;
    curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
    curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
    curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hdr);
    curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &req);
    res->wire_bytes = (int64_t)down + (int64_t)up + hdr + req;
    res->seconds = monoclock_now() - x.started;
    curl_slist_free_all(hdrs);

    if (rc != CURLE_OK) {
        /* A certificate problem is an answer we refuse, not an outage. */
        bool cert = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
                    rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE ||
                    rc == CURLE_SSL_ISSUER_ERROR;
        res->unreachable = res->status == 0 && !cert && strcmp(x.why, "stopped") != 0;
        if (x.why[0])
            snprintf(res->err, sizeof res->err, "%s", x.why);
        else if (rc == CURLE_FILESIZE_EXCEEDED)
            snprintf(res->err, sizeof res->err, "response larger than %lld bytes",
                     (long long)r->max_bytes);
        else if (rc == CURLE_TOO_MANY_REDIRECTS)
            snprintf(res->err, sizeof res->err, "more than %d redirects (a redirect loop?)",
                     FETCH_MAX_REDIRECTS);
        else if (rc == CURLE_UNSUPPORTED_PROTOCOL && tls && res->status >= 300)
            snprintf(res->err, sizeof res->err,
                     "refused: a redirect from https to a URL that is not https (%s)",
                     errbuf[0] ? errbuf : curl_easy_strerror(rc));
        else if (rc == CURLE_UNSUPPORTED_PROTOCOL)
            snprintf(res->err, sizeof res->err, "refused: not an http(s) URL (%s)",
                     errbuf[0] ? errbuf : curl_easy_strerror(rc));
        else
            snprintf(res->err, sizeof res->err, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return -1;
    }
    if (res->status >= 400) {
        /* The server's own words help the technician (first line only). */
        x.errbody[x.errbody_len] = '\0';
        char *nl = strpbrk(x.errbody, "\r\n");
        if (nl)
            *nl = '\0';
        for (char *p = x.errbody; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        snprintf(res->err, sizeof res->err, "HTTP %ld%s%s", res->status, x.errbody[0] ? ": " : "",
                 x.errbody);
    }
    return 0;
}

int fetch_to_mem(void *user, const void *data, size_t len)
{
    fetch_mem *m = user;
    if (m->len + len + 1 > m->cap) {
        size_t nc = m->cap ? m->cap : 4096;
        while (nc < m->len + len + 1)
            nc *= 2;
        char *nb = realloc(m->buf, nc);
        if (!nb)
            return -1;
        m->buf = nb;
        m->cap = nc;
    }
    memcpy(m->buf + m->len, data, len);
    m->len += len;
    m->buf[m->len] = '\0';
    return 0;
}

int fetch_resolve(const char *base, const char *ref, char *out, size_t outlen, char *err,
                  size_t errlen)
{
    CURLU *u = curl_url();
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    char *full = NULL, *scheme = NULL;
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, base, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_set(u, CURLUPART_URL, ref, 0); /* relative refs resolve against base */
    if (uc != CURLUE_OK) {
        snprintf(err, errlen, "bad URL \"%.200s\": %s", ref, curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        snprintf(err, errlen, "refused URL \"%.200s\": only http and https", ref);
        goto out;
    }
    /* The fragment never goes on the wire. */
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
        snprintf(err, errlen, "bad URL \"%.200s\"", ref);
        goto out;
    }
    if (strlen(full) >= outlen) {
        snprintf(err, errlen, "URL too long (%zu bytes)", strlen(full));
        goto out;
    }
    memcpy(out, full, strlen(full) + 1);
    rc = 0;
out:
    curl_free(full);
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

bool fetch_same_origin(const char *a, const char *b)
{
    CURLU *u[2] = {curl_url(), curl_url()};
    const char *in[2] = {a, b};
    char *part[2][3] = {{NULL}};
    const CURLUPart parts[3] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
    bool same = u[0] && u[1];
    for (int i = 0; same && i < 2; i++) {
        same = curl_url_set(u[i], CURLUPART_URL, in[i], 0) == CURLUE_OK;
        for (int k = 0; same && k < 3; k++)
            same = curl_url_get(u[i], parts[k], &part[i][k], CURLU_DEFAULT_PORT) == CURLUE_OK;
    }
    for (int k = 0; same && k < 3; k++)
        same = strcasecmp(part[0][k], part[1][k]) == 0;
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 3; k++)
            curl_free(part[i][k]);
        curl_url_cleanup(u[i]);
    }
    return same;
}

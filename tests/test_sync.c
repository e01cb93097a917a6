/* The network side's pure parts: URLs, back-off and poll timing, URL
 * resolution, the status JSON, and the JPEG encoder used for screenshots.
 * (Transfers against a real server are in sync_it.py.) */
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "fetch.h"
#include "image.h"
#include "status.h"
#include "sync.h"

static void urls(void)
{
    char out[256];
    CHECK_INT(sync_manifest_url("http://h:8080", "lobby-a", NULL, out, sizeof out), 0);
    CHECK_STR(out, "http://h:8080/api/v1/displays/lobby-a/manifest");
    CHECK_INT(sync_manifest_url("https://h/base//", "x", NULL, out, sizeof out), 0);
    CHECK_STR(out, "https://h/base/api/v1/displays/x/manifest");
    /* manifest_url wins over server */
    CHECK_INT(sync_manifest_url("http://h", "x", "https://cdn/d/m.json", out, sizeof out), 0);
    CHECK_STR(out, "https://cdn/d/m.json");
    CHECK_INT(sync_manifest_url(NULL, "x", NULL, out, sizeof out), -1);
    CHECK_INT(sync_manifest_url("http://h", NULL, NULL, out, sizeof out), -1);
    CHECK_INT(sync_manifest_url("http://a-very-long-host-name", "x", NULL, out, 20), -1);

    CHECK_INT(sync_poll_url("http://h/m", 25, out, sizeof out), 0);
    CHECK_STR(out, "http://h/m?wait=25");
    CHECK_INT(sync_poll_url("http://h/m?k=1", 25, out, sizeof out), 0);
    CHECK_STR(out, "http://h/m?k=1&wait=25");
    CHECK_INT(sync_poll_url("http://h/m", 0, out, sizeof out), 0);
    CHECK_STR(out, "http://h/m");

    char err[256];
    const char *base = "http://s:8080/api/v1/displays/a/manifest";
    CHECK_INT(fetch_resolve(base, "/assets/ab", out, sizeof out, err, sizeof err), 0);
    CHECK_STR(out, "http://s:8080/assets/ab");
    CHECK_INT(fetch_resolve(base, "pic.jpg", out, sizeof out, err, sizeof err), 0);
    CHECK_STR(out, "http://s:8080/api/v1/displays/a/pic.jpg");
    CHECK_INT(fetch_resolve(base, "../b/p.png", out, sizeof out, err, sizeof err), 0);
    CHECK_STR(out, "http://s:8080/api/v1/displays/b/p.png");
    CHECK_INT(fetch_resolve(base, "https://cdn.example/x.webp#frag", out, sizeof out, err,
                            sizeof err), 0);
    CHECK_STR(out, "https://cdn.example/x.webp");
    CHECK_INT(fetch_resolve("https://cdn/d/m.json", "%E5%9B%BE.jpg", out, sizeof out, err,
                            sizeof err), 0);
    CHECK_STR(out, "https://cdn/d/%E5%9B%BE.jpg");
    /* a hostile manifest cannot point the player at local files */
    CHECK_INT(fetch_resolve(base, "file:///etc/passwd", out, sizeof out, err, sizeof err), -1);
    CHECK(strstr(err, "only http") != NULL);
    CHECK_INT(fetch_resolve(base, "ftp://x/y", out, sizeof out, err, sizeof err), -1);
    CHECK_INT(fetch_resolve(base, "gopher://x/y", out, sizeof out, err, sizeof err), -1);
    CHECK_INT(fetch_resolve(base, "pic.jpg", out, 10, err, sizeof err), -1); /* does not fit */
}

static void timing(void)
{
    /* back-off doubles from 2 s, is capped, and jitter stays within [0.5, 1) */
    CHECK(sync_backoff(1, 300, 0.0) == 1.0);
    CHECK(sync_backoff(1, 300, 0.999) < 2.0);
    CHECK(sync_backoff(2, 300, 0.0) == 2.0);
    CHECK(sync_backoff(3, 300, 0.0) == 4.0);
    CHECK(sync_backoff(10, 300, 0.0) == 150.0);
    CHECK(sync_backoff(1000, 300, 0.999) < 300.0);
    CHECK(sync_backoff(1000, 300, 0.999) > 299.0);
    CHECK(sync_backoff(1000000, 60, 0.0) == 30.0); /* no overflow for long outages */
    double prev = 0;
    for (int f = 1; f < 12; f++) { /* never shrinks while failures go on */
        double d = sync_backoff(f, 120, 0.5);
        CHECK(d >= prev);
        prev = d;
    }
    /* polls of a static host: 60 s +-20 %, so screens drift apart */
    CHECK(sync_poll_delay(60, 0.0) == 48.0);
    CHECK(sync_poll_delay(60, 0.999) < 72.0);
    CHECK(sync_poll_delay(60, 0.5) == 60.0);
}

static void status_doc(void)
{
    status_board *b;
    CHECK_INT(status_board_new("signage-player 9.9", "lobby-a", 100.0, &b), 0);
    status_snapshot s;
    status_get(b, 100.0, &s);
    uint64_t c0 = s.changes;
    status_set_showing(b, "slide", "s1", 3);
    status_set_showing(b, "slide", "s1", 3); /* unchanged: no rewrite */
    status_get(b, 100.0, &s);
    CHECK_INT(s.changes, c0 + 1);
    status_set_version(b, "v7");
    status_set_sync(b, SYNC_ERROR, 1795000000, "asset x: HTTP 404");
    status_set_cache(b, 12345, 4);
    status_set_progress(b, 3, 12);
    status_get(b, 160.5, &s);
    char *text = status_json(&s);
    CHECK(text != NULL);
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    CHECK(j != NULL);
    CHECK_STR(json_string_value(json_object_get(j, "player")), "signage-player 9.9");
    CHECK_STR(json_string_value(json_object_get(j, "display")), "lobby-a");
    CHECK_STR(json_string_value(json_object_get(j, "manifest_version")), "v7");
    json_t *sh = json_object_get(j, "showing");
    CHECK_STR(json_string_value(json_object_get(sh, "kind")), "slide");
    CHECK_STR(json_string_value(json_object_get(sh, "id")), "s1");
    CHECK_INT(json_integer_value(json_object_get(j, "active_slides")), 3);
    json_t *sy = json_object_get(j, "sync");
    CHECK_STR(json_string_value(json_object_get(sy, "state")), "error");
    CHECK_STR(json_string_value(json_object_get(sy, "last_error")), "asset x: HTTP 404");
    CHECK(json_is_null(json_object_get(sy, "last_success")));
    CHECK_INT(json_integer_value(json_object_get(json_object_get(sy, "progress"), "total")), 12);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "cache"), "bytes")), 12345);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "cache"), "files")), 4);
    CHECK_INT(json_integer_value(json_object_get(j, "uptime_s")), 60);
    json_decref(j);
    free(text);

    /* success records the time and keeps the last error for the record */
    status_set_sync(b, SYNC_OK, 1795000100, NULL);
    status_get(b, 100, &s);
    char iso[32];
    status_iso8601(s.last_success, iso, sizeof iso);
    CHECK_STR(iso, "2026-11-18T11:08:20Z");
    CHECK_STR(status_sync_name(s.sync), "ok");

    /* screenshots pass through the board, once */
    CHECK(!status_screenshot_requested(b));
    status_request_screenshot(b);
    CHECK(status_screenshot_requested(b));
    uint8_t *px = calloc(4 * 4, 4);
    status_put_screenshot(b, px, 4, 4, 16);
    CHECK(!status_screenshot_requested(b));
    uint8_t *got;
    int w, h, stride;
    CHECK(status_take_screenshot(b, &got, &w, &h, &stride));
    CHECK(got == px && w == 4 && h == 4 && stride == 16);
    CHECK(!status_take_screenshot(b, &got, &w, &h, &stride));
    free(got);
    /* status_wait returns on a change, or at its timeout */
    status_get(b, 100, &s);
    CHECK_INT(status_wait(b, s.changes, 0.05), s.changes);
    status_set_showing(b, "alert", "a1", 3);
    CHECK(status_wait(b, s.changes, 5) > s.changes);
    status_board_free(b);
}

static void jpeg(void)
{
    image_rgba img;
    CHECK_INT(image_alloc(64, 32, &img), 0);
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 64; x++) {
            uint8_t *p = img.pixels + y * img.stride + x * 4;
            p[0] = (uint8_t)(x * 4);
            p[1] = 0x80;
            p[2] = (uint8_t)(y * 8);
            p[3] = 255;
        }
    uint8_t *out = NULL;
    size_t len = 0;
    char err[256];
    CHECK_INT(image_encode_jpeg(&img, 80, &out, &len, err, sizeof err), 0);
    CHECK(len > 100 && out[0] == 0xFF && out[1] == 0xD8 && out[len - 2] == 0xFF &&
          out[len - 1] == 0xD9);
    /* and it decodes back to the same size and roughly the same colours */
    image_rgba back;
    CHECK_INT(image_decode(out, len, 0, 0, 1000000, &back, err, sizeof err), 0);
    CHECK(back.width == 64 && back.height == 32);
    const uint8_t *p = back.pixels + 16 * back.stride + 32 * 4;
    CHECK(abs(p[0] - 128) < 12 && abs(p[1] - 0x80) < 12 && abs(p[2] - 128) < 12);
    image_free(&back);
    free(out);
    image_free(&img);
}

static void config_keys(void)
{
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);
    CHECK(!config_syncs(&c));
    CHECK(c.poll_interval == 60 && c.long_poll == 25 && c.heartbeat_interval == 60);
    CHECK_INT(c.cache_max_bytes, 2048ll << 20);
    CHECK_INT(config_set(&c, "manifest_url", "https://cdn/m.json", "t", &d), 0);
    CHECK(config_syncs(&c));
    CHECK_INT(config_set(&c, "manifest_url", "file:///etc/m.json", "t", &d), -1);
    CHECK_INT(config_set(&c, "token", "abc def", "t", &d), -1);
    CHECK_INT(config_set(&c, "token", "s3cr3t.T0k", "t", &d), 0);
    CHECK_STR(c.token, "s3cr3t.T0k");
    CHECK_INT(config_set(&c, "cache_max_mb", "64", "t", &d), 0);
    CHECK_INT(c.cache_max_bytes, 64ll << 20);
    CHECK_INT(config_set(&c, "cache_max_mb", "1", "t", &d), -1);
    CHECK_INT(config_set(&c, "poll_interval", "1", "t", &d), -1);
    CHECK_INT(config_set(&c, "long_poll", "0", "t", &d), 0);
    CHECK_INT(config_set(&c, "stall_timeout", "3", "t", &d), 0);
    CHECK_INT(config_set(&c, "retry_max", "5", "t", &d), 0);
    CHECK_INT(config_set(&c, "cache", "/var/cache/x", "t", &d), 0);
    CHECK_STR(c.cache_dir, "/var/cache/x");
    CHECK_INT(config_set(&c, "status", "/run/x/status.json", "t", &d), 0);
    CHECK_INT(config_set(&c, "ca_file", "/etc/ssl/campus-ca.pem", "t", &d), 0);
    CHECK_INT(config_set(&c, "manifest_ur", "x", "t", &d), -1); /* did you mean */
    CHECK(strstr(d.items[d.n - 1].msg, "manifest_url") != NULL);
    config_free(&c);
    diag_free(&d);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    urls();
    timing();
    status_doc();
    jpeg();
    config_keys();
    curl_global_cleanup();
    return check_done("sync");
}

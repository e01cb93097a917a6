/* The v1 manifest parser: a full valid deck, each invalid field (the item
 * is dropped, the rest kept, the message names item and field), hostile
 * input, unknown fields, defaults. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "manifest.h"

#define SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define MEDIA "{\"sha256\":\"" SHA "\",\"size\":6,\"type\":\"image/jpeg\",\"url\":\"a.jpg\"}"

static diag_list D;

static manifest *parse(const char *json)
{
    diag_free(&D);
    manifest *m = NULL;
    int r = manifest_parse(json, strlen(json), "t.json", &m, &D);
    CHECK((r == 0) == (m != NULL));
    return m;
}

static bool said(const char *a, const char *b)
{
    for (size_t i = 0; i < D.n; i++)
        if (strstr(D.items[i].msg, a) && (!b || strstr(D.items[i].msg, b)))
            return true;
    return false;
}

static void dump(void)
{
    for (size_t i = 0; i < D.n; i++)
        fprintf(stderr, "    %s\n", D.items[i].msg);
}

static void test_full(void)
{
    manifest *m = parse(
        "{\"schema\":1,\"version\":\"v42\",\"unknown_top\":{\"x\":1},"
        "\"display\":{\"id\":\"lobby-a\",\"name\":\"图书馆一楼大厅\",\"timezone\":\"Asia/Shanghai\"},"
        "\"theme\":{\"title\":\"计算机学院党委\",\"subtitle\":\"学思践悟\",\"logo\":" MEDIA
        ",\"accent\":\"#1A2B3C\"},"
        "\"slides\":[{\"id\":\"s1\",\"kind\":\"image\",\"media\":" MEDIA ",\"fit\":\"cover\","
        "\"caption\":\"图\",\"duration\":7.5,\"transition\":\"push\",\"link\":\"https://e.cn/x\","
        "\"start\":\"2026-12-01T08:00:00+08:00\",\"end\":\"2026-12-31T00:00:00+08:00\","
        "\"days\":[\"mon\",\"fri\"],\"hours\":[{\"from\":\"08:00\",\"to\":\"18:00\"}],\"extra\":true},"
        "{\"id\":\"n1\",\"kind\":\"notice\",\"title\":\"通知\",\"body\":\"第一行\\n第二行\","
        "\"transition\":\"cut\"}],"
        "\"ticker\":[{\"id\":\"t1\",\"text\":\"欢迎\"}],"
        "\"alerts\":[{\"id\":\"a1\",\"body\":\"撤离\",\"start\":\"2026-12-05T09:00:00+08:00\"}]}");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_INT(D.n, 0);
    CHECK_STR(m->version, "v42");
    CHECK_STR(m->display_id, "lobby-a");
    CHECK_STR(m->display_name, "图书馆一楼大厅");
    CHECK_STR(m->timezone, "Asia/Shanghai");
    CHECK_STR(m->title, "计算机学院党委");
    CHECK_STR(m->subtitle, "学思践悟");
    CHECK(m->has_logo);
    CHECK_STR(m->logo.sha256, SHA);
    CHECK_INT(m->accent, 0x1A2B3C);
    CHECK_INT(m->n_slides, 2);
    const manifest_slide *s = &m->slides[0];
    CHECK_STR(s->id, "s1");
    CHECK_INT(s->kind, SLIDE_IMAGE);
    CHECK_INT(s->fit, FIT_COVER);
    CHECK(s->duration == 7.5);
    CHECK_INT(s->transition, TRANSITION_PUSH);
    CHECK_STR(s->link, "https://e.cn/x");
    CHECK_STR(s->caption, "图");
    CHECK_INT(s->media.size, 6);
    CHECK_INT(s->media.type, MEDIA_JPEG);
    CHECK_STR(s->media.url, "a.jpg");
    CHECK(s->sched.has_start && s->sched.has_end);
    CHECK_INT(s->sched.days, (1 << 1) | (1 << 5));
    CHECK_INT(s->sched.n_hours, 1);
    CHECK_INT(s->sched.hours[0].from_min, 480);
    const manifest_slide *n = &m->slides[1];
    CHECK_INT(n->kind, SLIDE_NOTICE);
    CHECK_STR(n->body, "第一行\n第二行");
    CHECK(n->duration == MANIFEST_DEFAULT_DURATION);
    CHECK(!n->duration_set);
    CHECK(s->duration_set);
    CHECK_INT(n->transition, TRANSITION_CUT);
    CHECK(!n->has_media);
    CHECK_INT(m->n_ticker, 1);
    CHECK_STR(m->ticker[0].text, "欢迎");
    CHECK_INT(m->n_alerts, 1);
    CHECK_STR(m->alerts[0].title, "紧急通知"); /* default */
    CHECK(m->alerts[0].sched.has_start && !m->alerts[0].sched.has_end);
    manifest_free(m);
}

static void test_minimal_defaults(void)
{
    manifest *m = parse("{\"schema\":1}");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_INT(m->n_slides, 0);
    CHECK_INT(m->n_ticker, 0);
    CHECK_INT(m->accent, MANIFEST_DEFAULT_ACCENT);
    CHECK(!m->title && !m->timezone && !m->has_logo);
    CHECK_STR(m->version, "");
    manifest_free(m);
}

static void test_whole_document(void)
{
    CHECK(parse("") == NULL);
    CHECK(parse("{\"schema\":1,\n\"slides\": [,]}") == NULL);
    CHECK(said("t.json:2:", NULL));
    CHECK(parse("[1,2]") == NULL);
    CHECK(said("object", NULL));
    CHECK(parse("{\"slides\":[]}") == NULL);
    CHECK(said("schema", NULL));
    CHECK(parse("{\"schema\":2}") == NULL);
    CHECK(said("unsupported schema 2", "understands 1"));
    CHECK(parse("{\"schema\":\"1\"}") == NULL);
    /* a number beyond double range is a syntax error for jansson: refused whole, with position */
    CHECK(parse("{\"schema\":1,\"slides\":[{\"duration\":1e400}]}") == NULL);
    CHECK(said("t.json:1:", NULL));
}

/* One slide with a field replaced, between two good ones: that slide is
 * dropped, the others stay, and the message names it and the field. */
static void bad_slide(const char *slide_json, const char *field)
{
    char doc[8192];
    snprintf(doc, sizeof doc,
             "{\"schema\":1,\"slides\":[{\"id\":\"ok1\",\"kind\":\"notice\",\"title\":\"a\"},%s,"
             "{\"id\":\"ok2\",\"kind\":\"notice\",\"body\":\"b\"}]}",
             slide_json);
    manifest *m = parse(doc);
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_MSG(m->n_slides == 2 && !strcmp(m->slides[0].id, "ok1") && !strcmp(m->slides[1].id, "ok2"),
              "bad slide %s was not dropped (%zu slides)", slide_json, m->n_slides);
    CHECK_MSG(said("slides[1]", field), "no message naming slides[1] and %s for %s", field,
              slide_json);
    CHECK(said("slides[1]", "dropped"));
    if (!said("slides[1]", field))
        dump();
    manifest_free(m);
}

static void test_bad_slides(void)
{
    bad_slide("{\"id\":\"x\",\"kind\":\"video\",\"title\":\"a\"}", "kind");
    bad_slide("{\"kind\":\"notice\",\"title\":\"a\"}", "id");
    bad_slide("{\"id\":\"\",\"kind\":\"notice\",\"title\":\"a\"}", "id");
    bad_slide("{\"id\":7,\"kind\":\"notice\",\"title\":\"a\"}", "id");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\",\"duration\":\"ten\"}", "duration");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\"}", "title");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":5}", "title");
    bad_slide("{\"id\":\"x\",\"kind\":\"image\"}", "media");
    bad_slide("{\"id\":\"x\",\"kind\":\"image\",\"media\":\"a.jpg\"}", "media");
    bad_slide("{\"id\":\"x\",\"kind\":\"image\",\"media\":{\"sha256\":\"ABC\",\"size\":6,"
              "\"type\":\"image/jpeg\",\"url\":\"a.jpg\"}}",
              "sha256");
    bad_slide("{\"id\":\"x\",\"kind\":\"image\",\"media\":{\"sha256\":\"" SHA "\",\"size\":-1,"
              "\"type\":\"image/jpeg\",\"url\":\"a.jpg\"}}",
              "size");
    bad_slide("{\"id\":\"x\",\"kind\":\"image\",\"media\":{\"sha256\":\"" SHA "\",\"size\":1.5,"
              "\"type\":\"image/jpeg\",\"url\":\"a.jpg\"}}",
              "size");
    bad_slide("{\"id\":\"x\",\"kind\":\"image\",\"media\":{\"sha256\":\"" SHA "\",\"size\":6,"
              "\"type\":\"image/gif\",\"url\":\"a.jpg\"}}",
              "type");
    bad_slide("{\"id\":\"x\",\"kind\":\"image\",\"media\":{\"sha256\":\"" SHA "\",\"size\":6,"
              "\"type\":\"image/png\"}}",
              "url");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\",\"start\":\"2026-12-01\"}", "start");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\",\"start\":\"2026-12-02T00:00Z\","
              "\"end\":\"2026-12-01T00:00Z\"}",
              "end");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\",\"days\":[\"funday\"]}", "days");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\",\"days\":\"mon\"}", "days");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\",\"hours\":[{\"from\":\"25:00\","
              "\"to\":\"26:00\"}]}",
              "hours");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\\u0000b\"}", "title");
    bad_slide("{\"id\":\"x\",\"kind\":\"notice\",\"title\":\"a\\u0007b\"}", "title");
    bad_slide("\"just a string\"", "object");
    bad_slide("{\"id\":\"ok1\",\"kind\":\"notice\",\"title\":\"dup\"}", "duplicate");
}

static void test_warnings_keep_the_slide(void)
{
    manifest *m = parse("{\"schema\":1,\"theme\":{\"accent\":\"red\"},\"slides\":["
                        "{\"id\":\"a\",\"kind\":\"notice\",\"title\":\"t\",\"duration\":0.1,"
                        "\"transition\":\"spin\",\"link\":\"javascript:alert(1)\"},"
                        "{\"id\":\"b\",\"kind\":\"notice\",\"title\":\"t\",\"duration\":1e9}]}");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_INT(m->n_slides, 2);
    CHECK(m->slides[0].duration == MANIFEST_MIN_DURATION);
    CHECK(m->slides[1].duration == MANIFEST_MAX_DURATION);
    CHECK_INT(m->slides[0].transition, TRANSITION_FADE);
    CHECK(m->slides[0].link == NULL); /* not http(s): no QR code */
    CHECK_INT(m->accent, MANIFEST_DEFAULT_ACCENT);
    CHECK(said("accent", NULL) && said("transition", NULL) && said("link", NULL));
    CHECK_INT(diag_count(&D, DIAG_ERROR), 0);
    manifest_free(m);
    m = parse("{\"schema\":1,\"theme\":{\"accent\":\"#abc\"}}");
    CHECK(m && m->accent == 0xAABBCC);
    manifest_free(m);
}

static void test_hostile(void)
{
    /* deep nesting */
    size_t n = 100000;
    char *deep = malloc(n * 2 + 64);
    strcpy(deep, "{\"schema\":1,\"x\":");
    size_t o = strlen(deep);
    for (size_t i = 0; i < n; i++)
        deep[o++] = '[';
    for (size_t i = 0; i < n; i++)
        deep[o++] = ']';
    deep[o++] = '}';
    deep[o] = '\0';
    manifest *m = parse(deep);
    manifest_free(m); /* refused or parsed: no crash either way */
    free(deep);
    /* a 10 MB body: that slide is dropped, the rest stays */
    size_t big = 10u << 20;
    char *doc = malloc(big + 512);
    strcpy(doc, "{\"schema\":1,\"slides\":[{\"id\":\"big\",\"kind\":\"notice\",\"body\":\"");
    o = strlen(doc);
    memset(doc + o, 'a', big);
    o += big;
    strcpy(doc + o, "\"},{\"id\":\"small\",\"kind\":\"notice\",\"body\":\"ok\"}]}");
    m = parse(doc);
    CHECK(m && m->n_slides == 1 && !strcmp(m->slides[0].id, "small"));
    CHECK(said("\"big\"", "body"));
    manifest_free(m);
    free(doc);
    /* more than 16 MiB: refused before parsing */
    char *huge = calloc(1, MANIFEST_MAX_BYTES + 2);
    memset(huge, ' ', MANIFEST_MAX_BYTES + 1);
    CHECK(manifest_parse(huge, MANIFEST_MAX_BYTES + 1, "t.json", &m, &D) == -1);
    free(huge);
    /* invalid UTF-8 inside one slide's title: that slide goes, the rest stays */
    m = parse("{\"schema\":1,\"slides\":[{\"id\":\"a\",\"kind\":\"notice\",\"title\":\"ok\"},"
              "{\"id\":\"b\",\"kind\":\"notice\",\"title\":\"bad \xff\xfe here\"},"
              "{\"id\":\"c\",\"kind\":\"notice\",\"title\":\"ok\"}]}");
    CHECK(m && m->n_slides == 2);
    CHECK(said("invalid UTF-8", NULL));
    CHECK(said("(id \"b\")", "title"));
    CHECK(said("t.json:1:", NULL));
    manifest_free(m);
    /* wrong types everywhere */
    m = parse("{\"schema\":1,\"display\":[],\"theme\":5,\"slides\":{},\"ticker\":\"x\","
              "\"alerts\":[1,null,{}]}");
    CHECK(m && m->n_slides == 0 && m->n_ticker == 0 && m->n_alerts == 0);
    manifest_free(m);
    /* too many slides: the extra ones are dropped with one message */
    size_t count = MANIFEST_MAX_SLIDES + 5;
    char *many = malloc(count * 64 + 64);
    strcpy(many, "{\"schema\":1,\"slides\":[");
    o = strlen(many);
    for (size_t i = 0; i < count; i++)
        o += (size_t)sprintf(many + o, "%s{\"id\":\"s%zu\",\"kind\":\"notice\",\"title\":\"t\"}",
                             i ? "," : "", i);
    strcpy(many + o, "]}");
    m = parse(many);
    CHECK(m && m->n_slides == MANIFEST_MAX_SLIDES);
    CHECK(said("limit", NULL));
    manifest_free(m);
    free(many);
}

int main(void)
{
    diag_init(&D);
    test_full();
    test_minimal_defaults();
    test_whole_document();
    test_bad_slides();
    test_warnings_keep_the_slide();
    test_hostile();
    diag_free(&D);
    return check_done("manifest");
}

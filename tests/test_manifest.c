/* The v1 manifest parser (player/manifest.h, docs/manifest.md).
 *
 * A full valid deck with every value checked; then one test per rule: the
 * invalid item is dropped, its neighbours are kept, and one message names the
 * list index, the id (when it is valid) and the field.  Optional values are
 * ignored with a warning.  Hostile input: syntax errors with positions, deep
 * nesting, huge strings and arrays, numbers out of range, invalid UTF-8, NUL.
 *
 * JSON in this file is written with ' for " (see q()) to stay readable. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "manifest.h"

#define SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define MEDIA "{'sha256':'" SHA "','size':6,'type':'image/jpeg','url':'a.jpg'}"
#define NOTICE(id) "{'id':'" id "','kind':'notice','title':'t'}"

static diag_list D;

static void dump(void)
{
    for (size_t i = 0; i < D.n; i++)
        fprintf(stderr, "    [%s] %s\n", D.items[i].level == DIAG_ERROR ? "E" : "W",
                D.items[i].msg);
}

/* Parses exactly len bytes. */
static manifest *parse_n(const char *text, size_t len)
{
    diag_free(&D);
    manifest *m = (manifest *)1; /* must be overwritten on both paths */
    int r = manifest_parse(text, len, "t.json", &m, &D);
    CHECK_MSG(r == 0 ? m != NULL : m == NULL, "rc %d with m %p", r, (void *)m);
    return r == 0 ? m : NULL;
}

static manifest *parse(const char *json)
{
    return parse_n(json, strlen(json));
}

/* ' -> " so JSON in C strings stays legible; UTF-8 never contains 0x27. */
static char *q(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; *p; p++)
        if (*p == '\'')
            *p = '"';
    return d;
}

static manifest *parse_q(const char *json)
{
    char *j = q(json);
    manifest *m = parse(j);
    free(j);
    return m;
}

/* Is there a message of `level` (0: any) containing every string given? */
static bool said_v(diag_level level, const char *first, va_list ap)
{
    const char *want[8];
    size_t n = 0;
    for (const char *s = first; s && n < 8; s = va_arg(ap, const char *))
        want[n++] = s;
    for (size_t i = 0; i < D.n; i++) {
        if (level && D.items[i].level != level)
            continue;
        size_t k = 0;
        while (k < n && strstr(D.items[i].msg, want[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static bool said_level(diag_level level, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    bool r = said_v(level, first, ap);
    va_end(ap);
    return r;
}

#define SAID(...) said_level(0, __VA_ARGS__, (const char *)NULL)
#define SAID_ERROR(...) said_level(DIAG_ERROR, __VA_ARGS__, (const char *)NULL)
#define SAID_WARNING(...) said_level(DIAG_WARNING, __VA_ARGS__, (const char *)NULL)

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

#define FIXTURE SIGNAGE_SOURCE_DIR "/tests/data/manifests/full.json"
#define MON_TO_FRI ((1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5))

/* Every value of the documented example deck (also the example in
 * docs/manifest.md).  Instants computed independently (Python datetime). */
static void test_full_deck(void)
{
    size_t len;
    char *text = read_file(FIXTURE, &len);
    CHECK_MSG(text != NULL, "cannot read %s", FIXTURE);
    if (!text)
        return;
    manifest *m = parse_n(text, len);
    free(text);
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_INT(D.n, 0);
    if (D.n)
        dump();
    CHECK_INT(m->schema, 1);
    CHECK_STR(m->version, "2026-12-01T08:30:00Z-3f9c2a");
    CHECK_STR(m->display_id, "lobby-a");
    CHECK_STR(m->display_name, "图书馆一楼大厅");
    CHECK_STR(m->timezone, "Asia/Shanghai");
    CHECK_STR(m->title, "计算机学院党委");
    CHECK_STR(m->subtitle, "不忘初心 牢记使命");
    CHECK(m->has_logo);
    CHECK_STR(m->logo.sha256, "3598ce6f965b2481fe26316c06b30950c46ac7f8e7229f104aa78f579997668d");
    CHECK_INT(m->logo.size, 50350);
    CHECK_INT(m->logo.type, MEDIA_PNG);
    CHECK_STR(m->logo.url, "media/logo.png");
    CHECK_INT(m->accent, 0xC8102E);

    CHECK_INT(m->n_slides, 6);
    if (m->n_slides == 6) {
        const manifest_slide *s = &m->slides[0];
        CHECK_STR(s->id, "campus");
        CHECK_INT(s->kind, SLIDE_IMAGE);
        CHECK(s->duration == 10.0 && s->duration_set);
        CHECK_INT(s->transition, TRANSITION_FADE);
        CHECK(s->link == NULL);
        CHECK(s->has_media);
        CHECK_STR(s->media.sha256,
                  "42c97db3df4b1373d9484116af081d539c72309ff2adf6f20cd55c7951a355d3");
        CHECK_INT(s->media.size, 84863);
        CHECK_INT(s->media.type, MEDIA_JPEG);
        CHECK_STR(s->media.url, "media/campus-sunrise.jpg");
        CHECK_INT(s->fit, FIT_COVER);
        CHECK_STR(s->caption, "晨光中的校园：学院党委向全体师生党员致以问候");
        CHECK(s->title == NULL && s->body == NULL);
        CHECK(!s->sched.has_start && !s->sched.has_end);
        CHECK_INT(s->sched.days, 0);
        CHECK_INT(s->sched.n_hours, 0);

        s = &m->slides[1];
        CHECK_STR(s->id, "honor-wall");
        CHECK_INT(s->kind, SLIDE_IMAGE);
        CHECK(s->duration == 12.5 && s->duration_set);
        CHECK_INT(s->transition, TRANSITION_CUT);
        CHECK_INT(s->media.type, MEDIA_WEBP);
        CHECK_INT(s->media.size, 211478);
        CHECK_STR(s->media.url, "https://signage.example.edu.cn/media/honor-2026.webp");
        CHECK_INT(s->fit, FIT_CONTAIN);
        CHECK_STR(s->caption, "2026年度先进基层党组织与优秀共产党员");
        CHECK(s->sched.has_start && s->sched.has_end);
        CHECK_INT(s->sched.start, 1796054400); /* 2026-12-01T00:00:00+08:00 */
        CHECK_INT(s->sched.end, 1798732800);   /* 2027-01-01T00:00:00+08:00 */

        s = &m->slides[2];
        CHECK_STR(s->id, "lecture");
        CHECK_INT(s->kind, SLIDE_NOTICE);
        CHECK(s->duration == 15.0);
        CHECK_INT(s->transition, TRANSITION_PUSH);
        CHECK_STR(s->title, "党课预告：新时代青年的使命与担当");
        CHECK_STR(s->body, "主讲人：学院党委书记\n时间：2026年12月3日（星期四）19:00—20:30\n"
                           "地点：图书馆一楼学术报告厅\n请各党支部组织党员、入党积极分子准时参加。");
        CHECK_STR(s->link, "https://www.example.edu.cn/party/lecture-2026-12");
        CHECK(!s->has_media && s->caption == NULL);

        s = &m->slides[3];
        CHECK_STR(s->id, "volunteer");
        CHECK(s->duration == MANIFEST_DEFAULT_DURATION && !s->duration_set);
        CHECK_INT(s->transition, TRANSITION_FADE);
        CHECK_STR(s->title, "“青春志愿行”植树活动招募");
        CHECK(s->has_media);
        CHECK_STR(s->media.url, "media/volunteers.jpg");
        CHECK_INT(s->media.size, 34653);
        CHECK_STR(s->link, "https://www.example.edu.cn/party/volunteer-tree");
        CHECK(!s->sched.has_start && s->sched.has_end);
        CHECK_INT(s->sched.end, 1796529600); /* 2026-12-06T12:00:00+08:00 */

        s = &m->slides[4];
        CHECK_STR(s->id, "lunch-lecture");
        CHECK(s->duration == 20.0);
        CHECK_INT(s->sched.days, MON_TO_FRI);
        CHECK_INT(s->sched.n_hours, 1);
        CHECK_INT(s->sched.hours[0].from_min, 11 * 60 + 30);
        CHECK_INT(s->sched.hours[0].to_min, 13 * 60 + 30);

        s = &m->slides[5];
        CHECK_STR(s->id, "late-study");
        CHECK_INT(s->sched.days, (1 << 5) | (1 << 6));
        CHECK_INT(s->sched.n_hours, 1);
        CHECK_INT(s->sched.hours[0].from_min, 21 * 60);
        CHECK_INT(s->sched.hours[0].to_min, 60); /* crosses midnight */
    }

    CHECK_INT(m->n_ticker, 3);
    if (m->n_ticker == 3) {
        CHECK_STR(m->ticker[0].id, "t-meeting");
        CHECK_STR(m->ticker[0].text, "学院党委召开2026年度专题组织生活会");
        CHECK(!m->ticker[0].sched.has_end);
        CHECK_STR(m->ticker[1].id, "t-drill");
        CHECK(m->ticker[1].sched.has_end && !m->ticker[1].sched.has_start);
        CHECK_INT(m->ticker[1].sched.end, 1796436000); /* 2026-12-05T10:00:00+08:00 */
        CHECK_INT(m->ticker[2].sched.days, MON_TO_FRI);
        CHECK_INT(m->ticker[2].sched.hours[0].from_min, 8 * 60);
        CHECK_INT(m->ticker[2].sched.hours[0].to_min, 12 * 60);
    }
    CHECK_INT(m->n_alerts, 1);
    if (m->n_alerts == 1) {
        const manifest_alert *a = &m->alerts[0];
        CHECK_STR(a->id, "fire-drill");
        CHECK_STR(a->title, "紧急通知");
        CHECK_STR(a->body, "消防疏散演练正在进行。\n请按照疏散指示标志，从最近的安全出口有序撤离，"
                           "不要使用电梯。");
        CHECK_INT(a->sched.start, 1796432400); /* 2026-12-05T09:00:00+08:00 */
        CHECK_INT(a->sched.end, 1796434200);   /* 2026-12-05T09:30:00+08:00 */
    }
    manifest_free(m);
}

/* The example in the documentation is the fixture above, byte for byte, so
 * the documented example is known to parse without a single message. */
static void test_docs_example(void)
{
    size_t dlen, flen;
    char *doc = read_file(SIGNAGE_SOURCE_DIR "/docs/manifest.md", &dlen);
    char *fix = read_file(FIXTURE, &flen);
    CHECK(doc && fix);
    if (doc && fix) {
        const char *start = strstr(doc, "```json\n");
        const char *end = start ? strstr(start + 8, "\n```") : NULL;
        CHECK_MSG(start && end, "no ```json block in docs/manifest.md");
        if (start && end) {
            start += 8;
            size_t n = (size_t)(end - start) + 1; /* with its final newline */
            CHECK_MSG(n == flen && memcmp(start, fix, n) == 0,
                      "the example in docs/manifest.md differs from %s", FIXTURE);
        }
    }
    free(doc);
    free(fix);
}

static void test_missing_sections(void)
{
    manifest *m = parse("{\"schema\":1}");
    CHECK(m != NULL);
    if (m) {
        CHECK_INT(D.n, 0);
        CHECK_INT(m->n_slides, 0);
        CHECK_INT(m->n_ticker, 0);
        CHECK_INT(m->n_alerts, 0);
        CHECK_INT(m->accent, 0xC8102E);
        CHECK_INT(m->accent, MANIFEST_DEFAULT_ACCENT);
        CHECK(!m->title && !m->subtitle && !m->has_logo);
        CHECK(!m->display_id && !m->display_name && !m->timezone);
        CHECK_STR(m->version, "");
    }
    manifest_free(m);
    /* empty lists and nulls mean the same as absent */
    m = parse_q("{'schema':1,'version':null,'display':null,'theme':{},'slides':[],'ticker':null,"
                "'alerts':[]}");
    CHECK(m && m->n_slides == 0 && m->n_ticker == 0 && m->n_alerts == 0);
    CHECK(m && m->accent == MANIFEST_DEFAULT_ACCENT && !strcmp(m->version, ""));
    CHECK_INT(D.n, 0);
    manifest_free(m);
    /* a theme with only a title: no logo, default accent */
    m = parse_q("{'schema':1,'theme':{'title':'党建'}}");
    CHECK(m && !m->has_logo && m->accent == MANIFEST_DEFAULT_ACCENT);
    CHECK(m && m->title && !strcmp(m->title, "党建") && !m->subtitle);
    manifest_free(m);
}

static void test_unknown_fields(void)
{
    manifest *m = parse_q(
        "{'schema':1,'future':{'deep':[1,2,{'x':null}]},'generator':'cms 3.1',"
        "'display':{'id':'d','orientation':'portrait'},"
        "'theme':{'font':'黑体','logo':{'sha256':'" SHA "','size':6,'type':'image/png',"
        "'url':'l.png','width':300}},"
        "'slides':[{'id':'a','kind':'notice','title':'t','priority':9,'style':{'bg':'red'},"
        "'hours':[{'from':'08:00','to':'09:00','note':'早'}]},"
        "{'id':'b','kind':'image','media':{'sha256':'" SHA "','size':6,'type':'image/png',"
        "'url':'b.png','alt':'图'},'title':'not for images','body':'neither'},"
        "{'id':'c','kind':'notice','body':'b','fit':'cover','caption':'not for notices'}],"
        "'ticker':[{'id':'t','text':'x','speed':3}],'alerts':[{'id':'a','sound':true}]}");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_INT(D.n, 0);
    if (D.n)
        dump();
    CHECK_INT(m->n_slides, 3);
    CHECK(m->has_logo);
    CHECK_INT(m->n_ticker, 1);
    CHECK_INT(m->n_alerts, 1);
    if (m->n_slides == 3) {
        CHECK_INT(m->slides[0].sched.n_hours, 1);
        /* fields of the other kind are not read */
        CHECK(m->slides[1].title == NULL && m->slides[1].body == NULL);
        CHECK(m->slides[2].caption == NULL);
        CHECK_INT(m->slides[2].fit, FIT_CONTAIN);
    }
    manifest_free(m);
    /* an unknown field holding damaged text or the wrong type is still ignored */
    m = parse_q("{'schema':1,'slides':[{'id':'a','kind':'notice','title':'t',"
                "'x':'\\u0000','y':'\\ufffd','z':[[[]]]}]}");
    CHECK(m && m->n_slides == 1);
    CHECK_INT(diag_count(&D, DIAG_ERROR), 0);
    manifest_free(m);
}

static void test_whole_document(void)
{
    CHECK(parse("") == NULL);
    CHECK(SAID_ERROR("t.json:"));
    CHECK(parse("   \n  ") == NULL);
    /* syntax errors: source:line:column: jansson's text */
    CHECK(parse("{\"schema\":1,\n\"slides\": [,]}") == NULL);
    CHECK_MSG(D.n == 1 && !strncmp(D.items[0].msg, "t.json:2:12: ", 13),
              "got \"%s\"", D.n ? D.items[0].msg : "");
    /* columns count characters, not bytes */
    CHECK(parse("{\"schema\":1,\"t\":\"图书馆\",,}") == NULL);
    CHECK(SAID_ERROR("t.json:1:23: "));
    /* trailing garbage is an error (the EOF check is on) */
    CHECK(parse("{\"schema\":1} {}") == NULL);
    CHECK(SAID_ERROR("t.json:1:"));
    CHECK(parse("{\"schema\":1,}") == NULL);
    /* not an object */
    CHECK(parse("[1,2]") == NULL);
    CHECK(SAID_ERROR("t.json: ", "object", "got array", "refused"));
    CHECK(parse("\"schema\"") == NULL);
    CHECK(parse("1") == NULL);
    CHECK(parse("null") == NULL);
    /* schema: the integer 1 and nothing else */
    CHECK(parse("{\"slides\":[]}") == NULL);
    CHECK(SAID_ERROR("t.json: ", "\"schema\": missing", "understands 1"));
    CHECK(parse("{\"schema\":2,\"slides\":[]}") == NULL);
    CHECK(SAID_ERROR("t.json: unsupported schema 2 (this player understands 1)"));
    CHECK(parse("{\"schema\":0}") == NULL);
    CHECK(SAID_ERROR("unsupported schema 0"));
    CHECK(parse("{\"schema\":-1}") == NULL);
    CHECK(parse("{\"schema\":9223372036854775807}") == NULL);
    CHECK(SAID_ERROR("unsupported schema 9223372036854775807"));
    CHECK(parse("{\"schema\":\"1\"}") == NULL);
    CHECK(SAID_ERROR("\"schema\"", "expected the integer 1", "got string \"1\""));
    CHECK(parse("{\"schema\":1.0}") == NULL);
    CHECK(SAID_ERROR("\"schema\"", "got number 1"));
    CHECK(parse("{\"schema\":null}") == NULL);
    CHECK(parse("{\"schema\":true}") == NULL);
    /* a refused document produces exactly one message */
    CHECK(parse("{\"schema\":2,\"slides\":[{\"id\":7}]}") == NULL);
    CHECK_INT(D.n, 1);
    /* numbers beyond a double or a 64-bit integer are syntax errors in jansson */
    CHECK(parse("{\"schema\":1,\"slides\":[{\"duration\":1e400}]}") == NULL);
    CHECK(SAID_ERROR("t.json:1:", "overflow"));
    CHECK(parse("{\"schema\":1,\"x\":-1e400}") == NULL);
    CHECK(parse("{\"schema\":1,\"x\":99999999999999999999}") == NULL);
    CHECK(SAID_ERROR("t.json:1:", "too big"));
    CHECK(parse("{\"schema\":1,\"x\":-99999999999999999999}") == NULL);
    /* a byte order mark is skipped */
    manifest *m = parse("\xEF\xBB\xBF{\"schema\":1}");
    CHECK(m != NULL);
    CHECK_INT(D.n, 0);
    manifest_free(m);
    /* duplicate keys: jansson keeps the last one */
    m = parse("{\"schema\":1,\"version\":\"a\",\"version\":\"b\"}");
    CHECK(m && !strcmp(m->version, "b"));
    manifest_free(m);
    manifest_free(NULL);
}

/* The one message format promised to readers of logs. */
static void test_message_format(void)
{
    manifest *m = parse_q("{'schema':1,'slides':[" NOTICE("n1") "," NOTICE("n0") ","
                          NOTICE("n9") ",{'id':'n2','kind':'notice','title':'t',"
                          "'duration':'ten'}]}");
    CHECK(m && m->n_slides == 3);
    CHECK_INT(D.n, 1);
    CHECK_STR(D.n ? D.items[0].msg : NULL,
              "t.json: slides[3] (id \"n2\"): \"duration\": expected a number of seconds, got "
              "string \"ten\"; slide dropped");
    CHECK(D.n && D.items[0].level == DIAG_ERROR);
    manifest_free(m);
}

/* A document whose `list` holds a well-formed item, `item`, and another
 * well-formed item. */
static void list_doc(char *doc, size_t n, const char *list, const char *item)
{
    if (!strcmp(list, "slides"))
        snprintf(doc, n,
                 "{'schema':1,'slides':[{'id':'ok1','kind':'notice','title':'a'},%s,"
                 "{'id':'ok2','kind':'image','media':" MEDIA "}]}",
                 item);
    else if (!strcmp(list, "ticker"))
        snprintf(doc, n,
                 "{'schema':1,'ticker':[{'id':'ok1','text':'a'},%s,{'id':'ok2','text':'b'}]}",
                 item);
    else
        snprintf(doc, n, "{'schema':1,'alerts':[{'id':'ok1'},%s,{'id':'ok2','body':'b'}]}", item);
}

/* Item 1 of `list` is `item`: it must be dropped with one error naming
 * list[1], its id (NULL when the id itself is bad) and `field`; ok1 and ok2
 * stay. */
static void bad_item_at(const char *list, const char *item, const char *id, const char *field,
                        bool is_field, int line)
{
    static char doc[1 << 16];
    list_doc(doc, sizeof doc, list, item);
    manifest *m = parse_q(doc);
    CHECK_MSG(m != NULL, "line %d: document refused", line);
    if (!m)
        return;
    size_t n = !strcmp(list, "slides") ? m->n_slides : !strcmp(list, "ticker") ? m->n_ticker
                                                                              : m->n_alerts;
    const char *id0 = n == 2 ? !strcmp(list, "slides")   ? m->slides[0].id
                               : !strcmp(list, "ticker") ? m->ticker[0].id
                                                         : m->alerts[0].id
                             : "";
    const char *id1 = n == 2 ? !strcmp(list, "slides")   ? m->slides[1].id
                               : !strcmp(list, "ticker") ? m->ticker[1].id
                                                         : m->alerts[1].id
                             : "";
    CHECK_MSG(n == 2 && !strcmp(id0, "ok1") && !strcmp(id1, "ok2"),
              "line %d: %s[1] %s not dropped, or a neighbour lost (%zu kept)", line, list, item,
              n);
    char at[32], named[160], fld[64];
    snprintf(at, sizeof at, "t.json: %s[1]", list);
    snprintf(named, sizeof named, "(id \"%s\")", id ? id : "");
    snprintf(fld, sizeof fld, "%s%s", is_field ? "\"" : "", field);
    const char *then = !strcmp(list, "slides")   ? "; slide dropped"
                       : !strcmp(list, "ticker") ? "; ticker item dropped"
                                                 : "; alert dropped";
    bool ok = id ? SAID_ERROR(at, named, fld, then) : SAID_ERROR(at, fld, then);
    CHECK_MSG(ok, "line %d: no error naming %s, %s and %s for %s", line, at,
              id ? named : "(no id)", fld, item);
    CHECK_MSG(diag_count(&D, DIAG_ERROR) == 1, "line %d: %zu errors, expected 1", line,
              diag_count(&D, DIAG_ERROR));
    if (!ok || diag_count(&D, DIAG_ERROR) != 1)
        dump();
    manifest_free(m);
}

/* `field`: the field's name and the start of what is said about it, as in
 * `id": missing`; the message must hold it after an opening quote. */
#define BAD_SLIDE(item, id, field) bad_item_at("slides", item, id, field, true, __LINE__)
#define BAD_TICKER(item, id, field) bad_item_at("ticker", item, id, field, true, __LINE__)
#define BAD_ALERT(item, id, field) bad_item_at("alerts", item, id, field, true, __LINE__)
/* Problems of the item as a whole: `text` is anywhere in the message. */
#define BAD_SLIDE_SAYS(item, id, text) bad_item_at("slides", item, id, text, false, __LINE__)
#define BAD_TICKER_SAYS(item, id, text) bad_item_at("ticker", item, id, text, false, __LINE__)
#define BAD_ALERT_SAYS(item, id, text) bad_item_at("alerts", item, id, text, false, __LINE__)

#define N(extra) "{'id':'x','kind':'notice','title':'t'" extra "}"
#define IMG(media_json) "{'id':'x','kind':'image','media':" media_json "}"
#define M(sha, size, type, url)                                                                    \
    "{'sha256':" sha ",'size':" size ",'type':" type ",'url':" url "}"
#define GOOD_SHA "'" SHA "'"

static char *repeat(char ch, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, ch, n);
    s[n] = '\0';
    return s;
}

/* Item 1 of `list` is `head` with field `key` a string of `n` bytes 'a';
 * either it is dropped naming that field, or all is well. */
static void long_field(const char *list, const char *head, const char *key, size_t n,
                       bool dropped, const char *id, int line)
{
    char *s = repeat('a', n);
    size_t len = strlen(head) + strlen(key) + n + 16;
    char *item = malloc(len);
    snprintf(item, len, "%s,'%s':'%s'}", head, key, s);
    if (dropped) {
        char fld[64];
        snprintf(fld, sizeof fld, "%s\": ", key);
        bad_item_at(list, item, id, fld, true, line);
        CHECK(SAID_ERROR("bytes, more than the limit"));
    } else {
        static char doc[1 << 16];
        list_doc(doc, sizeof doc, list, item);
        manifest *m = parse_q(doc);
        CHECK_MSG(m && diag_count(&D, DIAG_ERROR) == 0, "line %d: %zu bytes refused", line, n);
        manifest_free(m);
    }
    free(s);
    free(item);
}

#define LONG_FIELD(list, head, key, n, dropped, id)                                                \
    long_field(list, head, key, n, dropped, id, __LINE__)

static void test_bad_slides(void)
{
    /* the item itself */
    BAD_SLIDE_SAYS("'just a string'", NULL, "expected an object, got string");
    BAD_SLIDE_SAYS("7", NULL, "expected an object, got integer 7");
    BAD_SLIDE_SAYS("null", NULL, "expected an object, got null");
    BAD_SLIDE_SAYS("['id','x']", NULL, "expected an object, got array");
    /* id */
    BAD_SLIDE("{'kind':'notice','title':'a'}", NULL, "id\": missing");
    BAD_SLIDE("{'id':'','kind':'notice','title':'a'}", NULL, "id\": expected a non-empty string");
    BAD_SLIDE("{'id':7,'kind':'notice','title':'a'}", NULL, "id\": expected a non-empty string");
    BAD_SLIDE("{'id':['x'],'kind':'notice','title':'a'}", NULL, "id");
    BAD_SLIDE("{'id':'a\\tb','kind':'notice','title':'a'}", NULL, "id\": contains control");
    BAD_SLIDE("{'id':'a\\u007fb','kind':'notice','title':'a'}", NULL, "id\": contains control");
    BAD_SLIDE("{'id':'a\\u0000b','kind':'notice','title':'a'}", NULL, "id\": contains a NUL");
    LONG_FIELD("slides", "{'kind':'notice','title':'t'", "id", MANIFEST_MAX_ID + 1, true, NULL);
    LONG_FIELD("slides", "{'kind':'notice','title':'t'", "id", MANIFEST_MAX_ID, false, NULL);
    /* kind */
    BAD_SLIDE("{'id':'x','title':'a'}", "x", "kind\": missing");
    BAD_SLIDE("{'id':'x','kind':'video','title':'a'}", "x", "kind\": expected");
    CHECK(SAID("got string \"video\""));
    BAD_SLIDE("{'id':'x','kind':'Notice','title':'a'}", "x", "kind");
    BAD_SLIDE("{'id':'x','kind':1,'title':'a'}", "x", "kind");
    BAD_SLIDE("{'id':'x','kind':'notice\\u0000','title':'a'}", "x", "kind");
    /* duration: a non-number drops the slide */
    BAD_SLIDE(N(",'duration':'10'"), "x", "duration\": expected a number");
    BAD_SLIDE(N(",'duration':true"), "x", "duration");
    BAD_SLIDE(N(",'duration':[10]"), "x", "duration");
    /* notice text */
    BAD_SLIDE("{'id':'x','kind':'notice'}", "x", "title\", \"body\": both missing");
    BAD_SLIDE("{'id':'x','kind':'notice','title':'','body':''}", "x", "title\", \"body\"");
    BAD_SLIDE(N(",'title':5"), "x", "title\": expected a string, got integer 5");
    BAD_SLIDE("{'id':'x','kind':'notice','body':{'text':'b'}}", "x", "body\": expected a string");
    BAD_SLIDE("{'id':'x','kind':'notice','title':'a\\u0000b'}", "x", "title\": contains a NUL");
    BAD_SLIDE("{'id':'x','kind':'notice','title':'a\\u0007b'}", "x", "title\": contains control");
    BAD_SLIDE("{'id':'x','kind':'notice','title':'a\\nb'}", "x", "title\": contains control");
    BAD_SLIDE("{'id':'x','kind':'notice','body':'a\\u001bb'}", "x", "body\": contains control");
    LONG_FIELD("slides", "{'id':'x','kind':'notice'", "title", MANIFEST_MAX_TITLE + 1, true, "x");
    LONG_FIELD("slides", "{'id':'x','kind':'notice'", "title", MANIFEST_MAX_TITLE, false, NULL);
    LONG_FIELD("slides", "{'id':'x','kind':'notice'", "body", MANIFEST_MAX_TEXT + 1, true, "x");
    LONG_FIELD("slides", "{'id':'x','kind':'notice'", "body", MANIFEST_MAX_TEXT, false, NULL);
    /* image */
    BAD_SLIDE("{'id':'x','kind':'image'}", "x", "media\": missing");
    BAD_SLIDE("{'id':'x','kind':'image','media':null}", "x", "media\": missing");
    BAD_SLIDE("{'id':'x','kind':'image','media':'a.jpg'}", "x", "media\": expected an object");
    BAD_SLIDE("{'id':'x','kind':'image','media':[]}", "x", "media\": expected an object");
    BAD_SLIDE("{'id':'x','kind':'image','media':" MEDIA ",'caption':7}", "x", "caption");
    LONG_FIELD("slides", "{'id':'x','kind':'image','media':" MEDIA, "caption",
               MANIFEST_MAX_TITLE + 1, true, "x");
    /* a notice's optional picture is checked like any other */
    BAD_SLIDE(N(",'media':{'sha256':'x'}"), "x", "media.sha256");
    /* media.sha256: exactly 64 lowercase hex digits */
    BAD_SLIDE(IMG(M("'5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03'", "6",
                    "'image/jpeg'", "'a.jpg'")),
              "x", "media.sha256\": expected 64 lowercase hex digits");
    BAD_SLIDE(IMG(M("'" SHA "0'", "6", "'image/jpeg'", "'a.jpg'")), "x", "media.sha256");
    BAD_SLIDE(IMG(M("'891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03'", "6",
                    "'image/jpeg'", "'a.jpg'")),
              "x", "media.sha256");
    BAD_SLIDE(IMG(M("'g891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03'", "6",
                    "'image/jpeg'", "'a.jpg'")),
              "x", "media.sha256");
    BAD_SLIDE(IMG(M("1234", "6", "'image/jpeg'", "'a.jpg'")), "x", "media.sha256");
    BAD_SLIDE(IMG("{'size':6,'type':'image/jpeg','url':'a.jpg'}"), "x", "media.sha256\": missing");
    /* media.size: an integer from 1 to MANIFEST_MAX_ASSET_BYTES */
    BAD_SLIDE(IMG(M(GOOD_SHA, "-1", "'image/jpeg'", "'a.jpg'")), "x", "media.size\": expected");
    BAD_SLIDE(IMG(M(GOOD_SHA, "0", "'image/jpeg'", "'a.jpg'")), "x", "media.size");
    BAD_SLIDE(IMG(M(GOOD_SHA, "1.5", "'image/jpeg'", "'a.jpg'")), "x", "media.size");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6.0", "'image/jpeg'", "'a.jpg'")), "x", "media.size");
    BAD_SLIDE(IMG(M(GOOD_SHA, "'6'", "'image/jpeg'", "'a.jpg'")), "x", "media.size");
    BAD_SLIDE(IMG(M(GOOD_SHA, "67108865", "'image/jpeg'", "'a.jpg'")), "x", "media.size");
    BAD_SLIDE(IMG(M(GOOD_SHA, "9223372036854775807", "'image/jpeg'", "'a.jpg'")), "x",
              "media.size");
    BAD_SLIDE(IMG(M(GOOD_SHA, "-9223372036854775808", "'image/jpeg'", "'a.jpg'")), "x",
              "media.size");
    BAD_SLIDE(IMG("{'sha256':'" SHA "','type':'image/jpeg','url':'a.jpg'}"), "x",
              "media.size\": missing");
    /* media.type */
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'image/gif'", "'a.jpg'")), "x", "media.type");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'IMAGE/JPEG'", "'a.jpg'")), "x", "media.type");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'image/jpg'", "'a.jpg'")), "x", "media.type");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'image/png\\u0000'", "'a.jpg'")), "x", "media.type");
    BAD_SLIDE(IMG("{'sha256':'" SHA "','size':6,'url':'a.jpg'}"), "x", "media.type\": missing");
    /* media.url: non-empty, no control characters, at most MANIFEST_MAX_URL */
    BAD_SLIDE(IMG("{'sha256':'" SHA "','size':6,'type':'image/png'}"), "x", "media.url\": missing");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'image/png'", "''")), "x", "media.url\": missing or empty");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'image/png'", "5")), "x", "media.url\": expected a string");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'image/png'", "'a\\nb.png'")), "x", "media.url\": contains");
    BAD_SLIDE(IMG(M(GOOD_SHA, "6", "'image/png'", "'a.png\\u0000.exe'")), "x", "media.url");
    {
        char *u = repeat('u', MANIFEST_MAX_URL + 1);
        char item[MANIFEST_MAX_URL + 256];
        snprintf(item, sizeof item, IMG(M(GOOD_SHA, "6", "'image/png'", "'%s'")), u);
        BAD_SLIDE(item, "x", "media.url\": 4097 bytes");
        free(u);
    }
    /* schedule */
    BAD_SLIDE(N(",'start':'2026-12-01'"), "x", "start\": expected an ISO-8601 time");
    BAD_SLIDE(N(",'start':'2026-12-01T08:00:00'"), "x", "start"); /* no offset */
    BAD_SLIDE(N(",'start':1796054400"), "x", "start");
    BAD_SLIDE(N(",'end':'tomorrow'"), "x", "end");
    BAD_SLIDE(N(",'start':'2026-12-01T08:00:00+08:00\\u0000junk'"), "x", "start");
    BAD_SLIDE(N(",'start':'2026-12-02T00:00:00Z','end':'2026-12-01T00:00:00Z'"), "x",
              "end\": not after \"start\" (never on air)");
    BAD_SLIDE_SAYS(N(",'start':'2026-12-01T08:00:00+08:00','end':'2026-12-01T00:00:00Z'"), "x",
                   "never on air"); /* the same instant */
    BAD_SLIDE(N(",'days':['funday']"), "x", "days[0]\": expected mon");
    BAD_SLIDE(N(",'days':['mon','fri','xyz']"), "x", "days[2]");
    BAD_SLIDE(N(",'days':'mon'"), "x", "days\": expected an array");
    BAD_SLIDE(N(",'days':[1]"), "x", "days[0]");
    BAD_SLIDE(N(",'days':['mon\\u0000']"), "x", "days[0]");
    BAD_SLIDE(N(",'hours':[{'from':'25:00','to':'26:00'}]"), "x", "hours[0].from");
    BAD_SLIDE(N(",'hours':[{'from':'08:00','to':'18:00'},{'from':'08:00','to':'24:01'}]"), "x",
              "hours[1].to");
    BAD_SLIDE(N(",'hours':[{'from':'24:00','to':'08:00'}]"), "x", "hours[0].from");
    BAD_SLIDE(N(",'hours':[{'from':'08:60','to':'09:00'}]"), "x", "hours[0].from");
    BAD_SLIDE(N(",'hours':[{'from':'08:00'}]"), "x", "hours[0].to\": missing");
    BAD_SLIDE(N(",'hours':[{'from':8,'to':9}]"), "x", "hours[0].from");
    BAD_SLIDE(N(",'hours':['08:00-18:00']"), "x", "hours[0]\": expected an object");
    BAD_SLIDE(N(",'hours':{'from':'08:00','to':'18:00'}"), "x", "hours\": expected an array");
    BAD_SLIDE(N(",'hours':[{'from':'08:00','to':'08:00'}]"), "x", "hours\": only empty ranges");
    {
        char h[2048] = "";
        for (int i = 0; i <= SCHEDULE_MAX_HOURS; i++)
            snprintf(h + strlen(h), sizeof h - strlen(h), "%s{'from':'%02d:00','to':'%02d:30'}",
                     i ? "," : "", i, i);
        char item[2200];
        snprintf(item, sizeof item, N(",'hours':[%s]"), h);
        BAD_SLIDE(item, "x", "hours\": 17 ranges, more than the limit of 16");
    }
    /* damaged text in a link drops the slide (a bad link alone does not) */
    BAD_SLIDE(N(",'link':'https://e.cn/\\u0000'"), "x", "link\": contains a NUL");
    BAD_SLIDE(N(",'link':'https://e.cn/\\ufffd'"), "x", "link\": contains U+FFFD");
    /* duplicates: the first wins */
    BAD_SLIDE("{'id':'ok1','kind':'notice','title':'dup'}", "ok1",
              "id\": duplicate of slides[0] (the first one is kept)");
}

static void test_bad_ticker_and_alerts(void)
{
    BAD_TICKER_SAYS("'text'", NULL, "expected an object");
    BAD_TICKER("{'text':'a'}", NULL, "id\": missing");
    BAD_TICKER("{'id':'x'}", "x", "text\": missing");
    BAD_TICKER("{'id':'x','text':''}", "x", "text\": missing or empty");
    BAD_TICKER("{'id':'x','text':5}", "x", "text\": expected a string");
    BAD_TICKER("{'id':'x','text':'a\\u0000'}", "x", "text\": contains a NUL");
    BAD_TICKER("{'id':'x','text':'a','end':'2026-13-01T00:00:00Z'}", "x", "end");
    BAD_TICKER("{'id':'x','text':'a','days':['weekday']}", "x", "days[0]");
    BAD_TICKER("{'id':'ok1','text':'dup'}", "ok1", "id\": duplicate of ticker[0]");
    LONG_FIELD("ticker", "{'id':'x'", "text", MANIFEST_MAX_TEXT + 1, true, "x");
    LONG_FIELD("ticker", "{'id':'x'", "text", MANIFEST_MAX_TEXT, false, NULL);

    BAD_ALERT_SAYS("[]", NULL, "expected an object, got array");
    BAD_ALERT("{'title':'紧急'}", NULL, "id\": missing");
    BAD_ALERT("{'id':'x','title':['紧急']}", "x", "title\": expected a string");
    BAD_ALERT("{'id':'x','body':'a\\u0000'}", "x", "body\": contains a NUL");
    BAD_ALERT_SAYS(
        "{'id':'x','start':'2026-12-05T10:00:00+08:00','end':'2026-12-05T09:00:00+08:00'}", "x",
        "never on air");
    BAD_ALERT("{'id':'x','hours':[{'from':'9','to':'10:00'}]}", "x", "hours[0].from");
    BAD_ALERT("{'id':'ok1','body':'again'}", "ok1", "id\": duplicate of alerts[0]");
    LONG_FIELD("alerts", "{'id':'x'", "title", MANIFEST_MAX_TITLE + 1, true, "x");
    LONG_FIELD("alerts", "{'id':'x'", "body", MANIFEST_MAX_TEXT + 1, true, "x");

    /* the alert title defaults to 紧急通知; "" counts as absent */
    manifest *m = parse_q("{'schema':1,'alerts':[{'id':'a'},{'id':'b','title':''},"
                          "{'id':'c','title':'停电通知','body':'今晚22:00检修'}]}");
    CHECK(m && m->n_alerts == 3);
    if (m && m->n_alerts == 3) {
        CHECK_STR(m->alerts[0].title, "紧急通知");
        CHECK(m->alerts[0].body == NULL);
        CHECK_STR(m->alerts[1].title, "紧急通知");
        CHECK_STR(m->alerts[2].title, "停电通知");
        CHECK_STR(m->alerts[2].body, "今晚22:00检修");
    }
    manifest_free(m);
}

static void test_duplicates(void)
{
    /* ids are unique per list: the same id in two lists is fine */
    manifest *m = parse_q("{'schema':1,'slides':[" NOTICE("a") "," NOTICE("b") "," NOTICE("a")
                          "," NOTICE("b") "," NOTICE("c") "],"
                          "'ticker':[{'id':'a','text':'x'}],'alerts':[{'id':'a'}]}");
    CHECK(m && m->n_slides == 3 && m->n_ticker == 1 && m->n_alerts == 1);
    if (m && m->n_slides == 3) {
        CHECK_STR(m->slides[0].id, "a");
        CHECK_STR(m->slides[1].id, "b");
        CHECK_STR(m->slides[2].id, "c");
    }
    CHECK(SAID_ERROR("slides[2] (id \"a\")", "duplicate of slides[0]"));
    CHECK(SAID_ERROR("slides[3] (id \"b\")", "duplicate of slides[1]"));
    CHECK_INT(diag_count(&D, DIAG_ERROR), 2);
    manifest_free(m);
    /* a dropped first item does not claim its id: the later one is kept */
    m = parse_q("{'schema':1,'slides':[{'id':'a','kind':'bad'}," NOTICE("a") "]}");
    CHECK(m && m->n_slides == 1);
    CHECK(SAID_ERROR("slides[0] (id \"a\")", "kind"));
    CHECK(!SAID("duplicate"));
    manifest_free(m);
    /* ids compare exactly: case and width matter */
    m = parse_q("{'schema':1,'slides':[" NOTICE("a") "," NOTICE("A") "," NOTICE("ａ") "]}");
    CHECK(m && m->n_slides == 3);
    manifest_free(m);
}

/* Optional values: ignored or corrected with a warning, the item stays. */
static manifest *warn_slide(const char *slide, const char *field, int line)
{
    static char doc[16384];
    snprintf(doc, sizeof doc, "{'schema':1,'slides':[%s]}", slide);
    manifest *m = parse_q(doc);
    CHECK_MSG(m && m->n_slides == 1, "line %d: slide dropped: %s", line, slide);
    CHECK_MSG(SAID_WARNING("t.json: slides[0] (id \"x\")", field), "line %d: no warning naming %s",
              line, field);
    CHECK_MSG(diag_count(&D, DIAG_ERROR) == 0, "line %d: an error for an optional value", line);
    if (m && m->n_slides == 1)
        return m;
    dump();
    manifest_free(m);
    return NULL;
}

#define WARN_SLIDE(slide, field) warn_slide(slide, field, __LINE__)

static void test_slide_warnings(void)
{
    /* duration: clamped into [MIN, MAX] */
    static const struct {
        const char *v;
        double want;
    } dur[] = {{"0.1", MANIFEST_MIN_DURATION}, {"0", MANIFEST_MIN_DURATION},
               {"-5", MANIFEST_MIN_DURATION},  {"5e-324", MANIFEST_MIN_DURATION},
               {"-1e308", MANIFEST_MIN_DURATION}, {"86400.5", MANIFEST_MAX_DURATION},
               {"1e9", MANIFEST_MAX_DURATION},  {"1e308", MANIFEST_MAX_DURATION}};
    for (size_t i = 0; i < sizeof dur / sizeof dur[0]; i++) {
        char s[128];
        snprintf(s, sizeof s, N(",'duration':%s"), dur[i].v);
        manifest *m = WARN_SLIDE(s, "\"duration\"");
        CHECK_MSG(m && m->slides[0].duration == dur[i].want && m->slides[0].duration_set,
                  "duration %s -> %g", dur[i].v, m ? m->slides[0].duration : -1);
        manifest_free(m);
    }
    /* in range: exact, no message */
    static const struct {
        const char *v;
        double want;
    } ok[] = {{"1", 1.0}, {"86400", 86400.0}, {"2.25", 2.25}, {"30", 30.0}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char s[128], d[256];
        snprintf(s, sizeof s, N(",'duration':%s"), ok[i].v);
        snprintf(d, sizeof d, "{'schema':1,'slides':[%s]}", s);
        manifest *m = parse_q(d);
        CHECK(m && m->n_slides == 1 && m->slides[0].duration == ok[i].want && D.n == 0);
        manifest_free(m);
    }
    manifest *m = parse_q("{'schema':1,'slides':[" N(",'duration':null") "]}");
    CHECK(m && m->n_slides == 1 && !m->slides[0].duration_set &&
          m->slides[0].duration == MANIFEST_DEFAULT_DURATION);
    manifest_free(m);

    /* transition: anything unknown is a fade */
    m = WARN_SLIDE(N(",'transition':'spin'"), "\"transition\": expected \"cut\", \"fade\" or "
                                              "\"push\", got string \"spin\"; using \"fade\"");
    CHECK(m && m->slides[0].transition == TRANSITION_FADE);
    manifest_free(m);
    m = WARN_SLIDE(N(",'transition':'cut','transition':5"), "\"transition\"");
    CHECK(m && m->slides[0].transition == TRANSITION_FADE);
    manifest_free(m);
    m = WARN_SLIDE(N(",'transition':'PUSH'"), "\"transition\"");
    CHECK(m && m->slides[0].transition == TRANSITION_FADE);
    manifest_free(m);

    /* fit: anything unknown is contain */
    m = WARN_SLIDE("{'id':'x','kind':'image','media':" MEDIA ",'fit':'stretch'}",
                   "\"fit\": expected \"contain\" or \"cover\"");
    CHECK(m && m->slides[0].fit == FIT_CONTAIN);
    manifest_free(m);

    /* link: only http(s) URLs become QR codes */
    static const char *const bad_links[] = {
        "'javascript:alert(1)'", "'ftp://e.cn/x'", "'www.example.edu.cn'", "'https://'",
        "'http:///path'", "'/party/x'", "5", "{'url':'https://e.cn'}", "'https://e.cn/\\n'"};
    for (size_t i = 0; i < sizeof bad_links / sizeof bad_links[0]; i++) {
        char s[256];
        snprintf(s, sizeof s, N(",'link':%s"), bad_links[i]);
        m = WARN_SLIDE(s, "\"link\"");
        CHECK_MSG(m && m->slides[0].link == NULL, "link %s kept", bad_links[i]);
        CHECK(SAID_WARNING("no QR code") || SAID_WARNING("\"link\"", "ignored"));
        manifest_free(m);
    }
    {
        char *u = repeat('a', MANIFEST_MAX_URL + 1);
        memcpy(u, "https://", 8);
        char s[MANIFEST_MAX_URL + 128];
        snprintf(s, sizeof s, N(",'link':'%s'"), u);
        m = WARN_SLIDE(s, "\"link\": 4097 bytes");
        free(u);
        manifest_free(m);
    }
    static const char *const good_links[] = {"https://e.cn", "http://e.cn/a?b=1#c",
                                             "HTTPS://WWW.EXAMPLE.EDU.CN/X"};
    for (size_t i = 0; i < sizeof good_links / sizeof good_links[0]; i++) {
        char s[256], d[512];
        snprintf(s, sizeof s, N(",'link':'%s'"), good_links[i]);
        snprintf(d, sizeof d, "{'schema':1,'slides':[%s]}", s);
        m = parse_q(d);
        CHECK(m && m->n_slides == 1 && D.n == 0);
        CHECK(m && m->n_slides == 1 && m->slides[0].link &&
              !strcmp(m->slides[0].link, good_links[i]));
        manifest_free(m);
    }
    m = parse_q("{'schema':1,'slides':[" N(",'link':''") "]}");
    CHECK(m && m->n_slides == 1 && !m->slides[0].link && D.n == 0);
    manifest_free(m);

    /* days: [] is every day, with a warning */
    m = WARN_SLIDE(N(",'days':[]"), "\"days\": empty list");
    CHECK(m && m->slides[0].sched.days == 0);
    manifest_free(m);
    /* hours: an empty range is skipped when others remain */
    m = WARN_SLIDE(N(",'hours':[{'from':'08:00','to':'08:00'},{'from':'10:00','to':'12:00'}]"),
                   "\"hours[0]\"");
    CHECK(m && m->slides[0].sched.n_hours == 1 && m->slides[0].sched.hours[0].from_min == 600);
    manifest_free(m);
}

static void test_schedule_values(void)
{
    manifest *m = parse_q(
        "{'schema':1,'slides':[" N(",'days':['Mon','sunday','SAT','mon'],"
                                   "'hours':[{'from':'8:00','to':'24:00'},"
                                   "{'from':'22:00','to':'02:00'}],"
                                   "'start':'2026-12-01T00:00:00Z','end':null") "]}");
    CHECK(m && m->n_slides == 1);
    if (m && m->n_slides == 1) {
        const schedule *s = &m->slides[0].sched;
        CHECK_INT(s->days, (1 << 1) | (1 << 0) | (1 << 6));
        CHECK_INT(s->n_hours, 2);
        CHECK_INT(s->hours[0].from_min, 480);
        CHECK_INT(s->hours[0].to_min, 1440);
        CHECK_INT(s->hours[1].from_min, 1320);
        CHECK_INT(s->hours[1].to_min, 120);
        CHECK(s->has_start && !s->has_end);
        CHECK_INT(s->start, 1796083200); /* 2026-12-01T00:00:00Z */
    }
    CHECK_INT(D.n, 0);
    manifest_free(m);
    /* the same instant written with different offsets */
    m = parse_q("{'schema':1,'slides':[" N(",'start':'2026-12-01T08:00:00+08:00',"
                                           "'end':'2026-12-01T00:00:01Z'") "]}");
    CHECK(m && m->n_slides == 1 && m->slides[0].sched.start == 1796083200 &&
          m->slides[0].sched.end == 1796083201);
    manifest_free(m);
}

static void test_top_level_warnings(void)
{
    /* each bad value is ignored on its own; its neighbours are still read */
    manifest *m = parse_q("{'schema':1,'display':{'id':5,'name':'大厅','timezone':'Asia/Shanghai'},"
                          "'theme':{'title':['x'],'subtitle':'副标题','accent':'red',"
                          "'logo':{'sha256':'nope','size':1,'type':'image/png','url':'l.png'}}}");
    CHECK(m != NULL);
    if (m) {
        CHECK(m->display_id == NULL);
        CHECK_STR(m->display_name, "大厅");
        CHECK_STR(m->timezone, "Asia/Shanghai");
        CHECK(m->title == NULL);
        CHECK_STR(m->subtitle, "副标题");
        CHECK(!m->has_logo && m->logo.url == NULL);
        CHECK_INT(m->accent, MANIFEST_DEFAULT_ACCENT);
    }
    CHECK_INT(diag_count(&D, DIAG_ERROR), 0);
    CHECK(SAID_WARNING("t.json: display: \"id\": expected a string, got integer 5; ignored"));
    CHECK(SAID_WARNING("t.json: theme: \"title\"", "ignored"));
    CHECK(SAID_WARNING("t.json: theme: \"accent\"", "got string \"red\"", "using #C8102E"));
    CHECK(SAID_WARNING("t.json: theme: \"logo.sha256\"", "no logo"));
    manifest_free(m);

    m = parse_q("{'schema':1,'display':'lobby','theme':['x'],'version':1.5}");
    CHECK(m && !m->display_id && !m->title && !strcmp(m->version, ""));
    CHECK(SAID_WARNING("\"display\": expected an object, got string"));
    CHECK(SAID_WARNING("\"theme\": expected an object, got array"));
    CHECK(SAID_WARNING("\"version\": expected a string, got number 1.5"));
    CHECK_INT(diag_count(&D, DIAG_ERROR), 0);
    manifest_free(m);

    /* display fields: lengths and damaged text */
    m = parse_q("{'schema':1,'display':{'name':'a\\u0000','timezone':'Asia/Shanghai/"
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}}");
    CHECK(m && !m->display_name && !m->timezone);
    CHECK(SAID_WARNING("display: \"name\": contains a NUL"));
    CHECK(SAID_WARNING("display: \"timezone\"", "more than the limit"));
    manifest_free(m);

    /* accent: #RRGGBB or #RGB, either case */
    static const struct {
        const char *v;
        uint32_t want;
        bool warns;
    } acc[] = {{"'#1A2B3C'", 0x1A2B3C, false}, {"'#1a2b3c'", 0x1A2B3C, false},
               {"'#abc'", 0xAABBCC, false},    {"'#F00'", 0xFF0000, false},
               {"'#000000'", 0x000000, false}, {"'C8102E'", MANIFEST_DEFAULT_ACCENT, true},
               {"'#12345'", MANIFEST_DEFAULT_ACCENT, true},
               {"'#1234567'", MANIFEST_DEFAULT_ACCENT, true},
               {"'#GGGGGG'", MANIFEST_DEFAULT_ACCENT, true},
               {"'#12 456'", MANIFEST_DEFAULT_ACCENT, true},
               {"'#-12345'", MANIFEST_DEFAULT_ACCENT, true},
               {"'#abc\\u0000'", MANIFEST_DEFAULT_ACCENT, true},
               {"13111342", MANIFEST_DEFAULT_ACCENT, true},
               {"''", MANIFEST_DEFAULT_ACCENT, true}};
    for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++) {
        char d[128];
        snprintf(d, sizeof d, "{'schema':1,'theme':{'accent':%s}}", acc[i].v);
        m = parse_q(d);
        CHECK_MSG(m && m->accent == acc[i].want, "accent %s -> %06X", acc[i].v,
                  m ? m->accent : 0);
        CHECK_MSG(SAID_WARNING("\"accent\"") == acc[i].warns, "accent %s: warning %d", acc[i].v,
                  !acc[i].warns);
        manifest_free(m);
    }

    /* version: an opaque string; an integer is taken as its decimal text */
    m = parse_q("{'schema':1,'version':20261201}");
    CHECK(m && !strcmp(m->version, "20261201") && D.n == 0);
    manifest_free(m);
    m = parse_q("{'schema':1,'version':''}");
    CHECK(m && !strcmp(m->version, "") && D.n == 0);
    manifest_free(m);
    {
        char *v = repeat('v', MANIFEST_MAX_ID + 1);
        char d[512];
        snprintf(d, sizeof d, "{'schema':1,'version':'%s'}", v);
        m = parse_q(d);
        CHECK(m && !strcmp(m->version, ""));
        CHECK(SAID_WARNING("\"version\"", "more than the limit"));
        manifest_free(m);
        free(v);
    }
    m = parse_q("{'schema':1,'version':'v1\\nforged log line'}");
    CHECK(m && !strcmp(m->version, "") && SAID_WARNING("\"version\": contains control"));
    manifest_free(m);
}

/* Bytes that are not UTF-8: repaired to U+FFFD before parsing, reported
 * once with their position, and whatever holds them is dropped. */
static void test_invalid_utf8(void)
{
    /* line 3, column 37: the 36 characters {"id":"b","kind":"notice","title":"坏 come first */
    const char *doc = "{\"schema\":1,\n"
                      "\"slides\":[{\"id\":\"a\",\"kind\":\"notice\",\"title\":\"好\"},\n"
                      "{\"id\":\"b\",\"kind\":\"notice\",\"title\":\"坏\xff\xfe\"},\n"
                      "{\"id\":\"c\",\"kind\":\"notice\",\"title\":\"好\"}]}";
    manifest *m = parse(doc);
    CHECK(m && m->n_slides == 2);
    if (m && m->n_slides == 2) {
        CHECK_STR(m->slides[0].id, "a");
        CHECK_STR(m->slides[1].id, "c");
    }
    CHECK(SAID_WARNING("t.json:3:37: invalid UTF-8 (byte 0xFF)"));
    CHECK(SAID_ERROR("t.json: slides[1] (id \"b\"): \"title\": contains U+FFFD", "slide dropped"));
    CHECK_INT(D.n, 2); /* one warning for the file, one error for the slide */
    manifest_free(m);

    /* overlong, surrogate, truncated and stray continuation bytes */
    static const char *const bad[] = {"\xC0\xAF", "\xED\xA0\x80", "\xE5\x9B", "\x80", "\xF5\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char d[512];
        snprintf(d, sizeof d,
                 "{\"schema\":1,\"slides\":[{\"id\":\"a\",\"kind\":\"notice\",\"body\":\"x%sy\"},"
                 "{\"id\":\"b\",\"kind\":\"notice\",\"body\":\"ok\"}]}",
                 bad[i]);
        m = parse(d);
        CHECK_MSG(m && m->n_slides == 1 && !strcmp(m->slides[0].id, "b"), "sequence %zu", i);
        CHECK(SAID_WARNING("t.json:1:", "invalid UTF-8"));
        CHECK(SAID_ERROR("(id \"a\")", "\"body\""));
        manifest_free(m);
    }
    /* in an id: the id cannot be named, the index is */
    m = parse("{\"schema\":1,\"slides\":[{\"id\":\"\xff\",\"kind\":\"notice\",\"title\":\"t\"}]}");
    CHECK(m && m->n_slides == 0);
    CHECK(SAID_ERROR("slides[0]: \"id\": contains U+FFFD"));
    manifest_free(m);
    /* in a media url, a ticker text, an alert body */
    m = parse("{\"schema\":1,\"slides\":[{\"id\":\"i\",\"kind\":\"image\","
              "\"media\":{\"sha256\":\"" SHA
              "\",\"size\":6,\"type\":\"image/png\",\"url\":\"\xe5.png\"}}],"
              "\"ticker\":[{\"id\":\"t\",\"text\":\"\xff\"},{\"id\":\"u\",\"text\":\"ok\"}],"
              "\"alerts\":[{\"id\":\"a\",\"body\":\"\xc3\"}]}");
    CHECK(m && m->n_slides == 0 && m->n_ticker == 1 && m->n_alerts == 0);
    CHECK(SAID_ERROR("slides[0] (id \"i\")", "\"media.url\""));
    CHECK(SAID_ERROR("ticker[0] (id \"t\")", "\"text\"", "ticker item dropped"));
    CHECK(SAID_ERROR("alerts[0] (id \"a\")", "\"body\"", "alert dropped"));
    manifest_free(m);
    /* in an optional top-level value: ignored with a warning */
    m = parse("{\"schema\":1,\"display\":{\"name\":\"\xff\"},\"theme\":{\"title\":\"ok\"}}");
    CHECK(m && !m->display_name && m->title);
    CHECK_INT(diag_count(&D, DIAG_ERROR), 0);
    CHECK(SAID_WARNING("display: \"name\": contains U+FFFD"));
    manifest_free(m);
    /* in an unknown field: the item stays, the file still gets its warning */
    m = parse("{\"schema\":1,\"slides\":[{\"id\":\"a\",\"kind\":\"notice\",\"title\":\"t\","
              "\"note\":\"\xff\"}]}");
    CHECK(m && m->n_slides == 1);
    CHECK(SAID_WARNING("invalid UTF-8") && diag_count(&D, DIAG_ERROR) == 0);
    manifest_free(m);
    /* outside a string it is a syntax error */
    CHECK(parse("{\"schema\":1,\xff}") == NULL);
    CHECK(SAID_ERROR("t.json:1:"));
    /* a U+FFFD written on purpose cannot be told apart: dropped too */
    m = parse("{\"schema\":1,\"slides\":[{\"id\":\"a\",\"kind\":\"notice\","
              "\"title\":\"\xEF\xBF\xBD\"}]}");
    CHECK(m && m->n_slides == 0 && !SAID_WARNING("invalid UTF-8 (byte"));
    manifest_free(m);
    /* valid text of every length: no message */
    m = parse("{\"schema\":1,\"slides\":[{\"id\":\"ü\",\"kind\":\"notice\",\"title\":\"é中𠀀😀\"}]}");
    CHECK(m && m->n_slides == 1 && D.n == 0);
    manifest_free(m);
}

static void test_nul(void)
{
    /* \u0000 in a key: jansson refuses the document */
    CHECK(parse("{\"schema\":1,\"a\\u0000b\":1}") == NULL);
    CHECK(SAID_ERROR("t.json:1:"));
    /* a raw NUL byte: not text */
    const char raw[] = "{\"schema\":1,\n\"x\":\"a\0b\"}";
    CHECK(parse_n(raw, sizeof raw - 1) == NULL);
    CHECK(SAID_ERROR("t.json:2:7: a NUL byte"));
}

static char *deep(const char *open, size_t n, const char *close)
{
    size_t lo = strlen(open), lc = strlen(close);
    char *s = malloc(32 + n * (lo + lc));
    size_t o = (size_t)sprintf(s, "{\"schema\":1,\"x\":");
    for (size_t i = 0; i < n; i++, o += lo)
        memcpy(s + o, open, lo);
    for (size_t i = 0; i < n; i++, o += lc)
        memcpy(s + o, close, lc);
    strcpy(s + o, "}");
    return s;
}

static void test_hostile(void)
{
    /* deep nesting: jansson's depth limit refuses it, with a position */
    char *s = deep("[", 100000, "");
    CHECK(parse(s) == NULL);
    CHECK(SAID_ERROR("t.json:1:", "depth"));
    free(s);
    s = deep("[", 100000, "]");
    CHECK(parse(s) == NULL);
    CHECK(SAID_ERROR("depth"));
    free(s);
    s = deep("{\"a\":", 100000, "}");
    CHECK(parse(s) == NULL);
    CHECK(SAID_ERROR("depth"));
    free(s);
    /* moderate nesting in an unknown field is fine */
    s = deep("[", 100, "]");
    manifest *m = parse(s);
    CHECK(m != NULL);
    manifest_free(m);
    free(s);

    /* a 10 MB body: the document parses, that slide is dropped */
    size_t big = 10u << 20;
    char *doc = malloc(big + big / 4 + 512);
    strcpy(doc, "{\"schema\":1,\"slides\":[{\"id\":\"big\",\"kind\":\"notice\",\"body\":\"");
    size_t o = strlen(doc);
    memset(doc + o, 'a', big);
    o += big;
    strcpy(doc + o, "\"},{\"id\":\"small\",\"kind\":\"notice\",\"body\":\"ok\"}],"
                    "\"x\":\"");
    o += strlen(doc + o);
    memset(doc + o, 'b', big / 4); /* a big unknown field is just ignored */
    o += big / 4;
    strcpy(doc + o, "\"}");
    m = parse(doc);
    CHECK(m && m->n_slides == 1 && !strcmp(m->slides[0].id, "small"));
    CHECK(SAID_ERROR("slides[0] (id \"big\"): \"body\": 10485760 bytes, more than the limit of "
                     "20000; slide dropped"));
    manifest_free(m);
    free(doc);

    /* more than MANIFEST_MAX_BYTES: refused before parsing (this is not JSON) */
    char *huge = malloc(MANIFEST_MAX_BYTES + 1);
    memset(huge, '[', MANIFEST_MAX_BYTES + 1);
    CHECK(parse_n(huge, MANIFEST_MAX_BYTES + 1) == NULL);
    CHECK_INT(D.n, 1);
    CHECK(SAID_ERROR("t.json: 16777217 bytes, more than the limit of 16777216"));
    /* exactly the limit is fine */
    memset(huge, ' ', MANIFEST_MAX_BYTES);
    memcpy(huge, "{\"schema\":1}", 12);
    m = parse_n(huge, MANIFEST_MAX_BYTES);
    CHECK(m != NULL);
    manifest_free(m);
    free(huge);

    /* millions of tiny values: refused before jansson builds a huge tree */
    size_t nv = MANIFEST_MAX_VALUES + 1000;
    doc = malloc(nv * 3 + 64);
    o = (size_t)sprintf(doc, "{\"schema\":1,\"x\":[");
    for (size_t i = 0; i < nv; i++, o += 3)
        memcpy(doc + o, "{},", 3);
    strcpy(doc + o - 1, "]}");
    CHECK(parse(doc) == NULL);
    CHECK(SAID_ERROR("more than 250000 JSON values"));
    /* commas inside strings are not values */
    o = (size_t)sprintf(doc, "{\"schema\":1,\"x\":\"");
    memset(doc + o, ',', nv);
    strcpy(doc + o + nv, "\"}");
    m = parse(doc);
    CHECK(m != NULL);
    manifest_free(m);
    /* the exact limit: the object, "schema", 1, "x", the array and k zeros */
    for (size_t k = MANIFEST_MAX_VALUES - 5; k <= MANIFEST_MAX_VALUES - 4; k++) {
        o = (size_t)sprintf(doc, "{\"schema\":1,\"x\":[");
        for (size_t i = 0; i < k; i++, o += 2)
            memcpy(doc + o, "0,", 2);
        strcpy(doc + o - 1, "]}");
        m = parse(doc);
        CHECK_MSG((m != NULL) == (k + 5 <= MANIFEST_MAX_VALUES), "%zu values", k + 5);
        manifest_free(m);
    }
    free(doc);

    /* wrong types everywhere */
    m = parse("{\"schema\":1,\"version\":{},\"display\":[],\"theme\":5,\"slides\":{},"
              "\"ticker\":\"x\",\"alerts\":[1,null,{},[],\"a\"]}");
    CHECK(m && m->n_slides == 0 && m->n_ticker == 0 && m->n_alerts == 0);
    CHECK(SAID_ERROR("t.json: \"slides\": expected an array, got object; no slides"));
    CHECK(SAID_ERROR("\"ticker\": expected an array, got string"));
    CHECK(SAID_ERROR("alerts[0]: expected an object, got integer 1; alert dropped"));
    CHECK(SAID_ERROR("alerts[2]: \"id\": missing"));
    CHECK(SAID_ERROR("alerts[4]: expected an object, got string"));
    manifest_free(m);

    /* more than MANIFEST_MAX_SLIDES: the rest are dropped with one message */
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
    CHECK(m && m->n_slides && !strcmp(m->slides[MANIFEST_MAX_SLIDES - 1].id, "s999"));
    CHECK_INT(D.n, 1);
    CHECK(SAID_ERROR("\"slides\": 1005 items, more than the limit of 1000; slides[1000] and after "
                     "dropped"));
    manifest_free(m);
    free(many);
    /* the same for ticker and alerts */
    many = malloc(300 * 48 + 64);
    o = (size_t)sprintf(many, "{\"schema\":1,\"ticker\":[");
    for (size_t i = 0; i < 300; i++)
        o += (size_t)sprintf(many + o, "%s{\"id\":\"t%zu\",\"text\":\"x\"}", i ? "," : "", i);
    o += (size_t)sprintf(many + o, "],\"alerts\":[");
    for (size_t i = 0; i < 60; i++)
        o += (size_t)sprintf(many + o, "%s{\"id\":\"a%zu\"}", i ? "," : "", i);
    strcpy(many + o, "]}");
    m = parse(many);
    CHECK(m && m->n_ticker == MANIFEST_MAX_TICKER && m->n_alerts == MANIFEST_MAX_ALERTS);
    CHECK(SAID_ERROR("\"ticker\": 300 items, more than the limit of 200"));
    CHECK(SAID_ERROR("\"alerts\": 60 items, more than the limit of 50"));
    manifest_free(m);
    free(many);

    /* a thousand bad slides: messages are capped, nothing leaks */
    many = malloc(1000 * 16 + 64);
    o = (size_t)sprintf(many, "{\"schema\":1,\"slides\":[");
    for (size_t i = 0; i < 1000; i++)
        o += (size_t)sprintf(many + o, "%s{\"id\":%zu}", i ? "," : "", i);
    strcpy(many + o, "]}");
    m = parse(many);
    CHECK(m && m->n_slides == 0);
    CHECK(D.n == DIAG_MAX && D.dropped == 1000 - DIAG_MAX);
    manifest_free(m);
    free(many);

    /* messages quote values safely: cut short, no control characters */
    m = parse_q("{'schema':1,'slides':[{'id':'x','kind':'notice\\n[E] forged: "
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}]}");
    CHECK(m && m->n_slides == 0);
    CHECK(D.n == 1 && !strchr(D.items[0].msg, '\n') && strlen(D.items[0].msg) < 200);
    CHECK(SAID_ERROR("got string \"notice?[E] forged"));
    manifest_free(m);
}

static void test_media_values(void)
{
    /* the size bounds themselves are allowed */
    manifest *m = parse_q("{'schema':1,'slides':["
                          "{'id':'a','kind':'image','media':" M(GOOD_SHA, "67108864", "'image/png'",
                                                                "'a.png'") "},"
                          "{'id':'b','kind':'notice','title':'t','media':" M(
                              GOOD_SHA, "1", "'image/webp'", "'b.webp'") "}]}");
    CHECK(m && m->n_slides == 2 && D.n == 0);
    if (m && m->n_slides == 2) {
        CHECK_INT(m->slides[0].media.size, MANIFEST_MAX_ASSET_BYTES);
        CHECK_INT(m->slides[0].media.type, MEDIA_PNG);
        CHECK_INT(m->slides[1].media.size, 1);
        CHECK_INT(m->slides[1].media.type, MEDIA_WEBP);
        CHECK(m->slides[1].has_media);
    }
    manifest_free(m);
    /* urls are kept as written: resolving them, and refusing ones that leave
     * a local folder, happens where the files are fetched (deck.c) */
    static const char *const urls[] = {"../up.png", "/abs/x.png", "https://e.cn/a b.png?x=1#f",
                                       "图片/校园.jpg", " spaced "};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        char d[512];
        snprintf(d, sizeof d,
                 "{'schema':1,'slides':[{'id':'a','kind':'image','media':{'sha256':'" SHA
                 "','size':6,'type':'image/jpeg','url':'%s'}}]}",
                 urls[i]);
        m = parse_q(d);
        CHECK_MSG(m && m->n_slides == 1 && !strcmp(m->slides[0].media.url, urls[i]), "url %s",
                  urls[i]);
        manifest_free(m);
    }
    /* the logo follows the same rules */
    m = parse_q("{'schema':1,'theme':{'logo':" M(GOOD_SHA, "0", "'image/png'", "'l.png'") "}}");
    CHECK(m && !m->has_logo);
    CHECK(SAID_WARNING("theme: \"logo.size\"", "no logo"));
    manifest_free(m);
    m = parse_q("{'schema':1,'theme':{'logo':'logo.png'}}");
    CHECK(m && !m->has_logo);
    CHECK(SAID_WARNING("theme: \"logo\": expected an object", "no logo"));
    manifest_free(m);
}

static void test_media_type_names(void)
{
    media_type t;
    CHECK(manifest_media_type_parse("image/jpeg", &t) == 0 && t == MEDIA_JPEG);
    CHECK(manifest_media_type_parse("image/png", &t) == 0 && t == MEDIA_PNG);
    CHECK(manifest_media_type_parse("image/webp", &t) == 0 && t == MEDIA_WEBP);
    CHECK(manifest_media_type_parse("image/gif", &t) == -1);
    CHECK(manifest_media_type_parse("", &t) == -1);
    CHECK(manifest_media_type_parse("image/jpeg ", &t) == -1);
    CHECK_STR(manifest_media_type_name(MEDIA_JPEG), "image/jpeg");
    CHECK_STR(manifest_media_type_name(MEDIA_PNG), "image/png");
    CHECK_STR(manifest_media_type_name(MEDIA_WEBP), "image/webp");
}

int main(void)
{
    diag_init(&D);
    test_full_deck();
    test_docs_example();
    test_missing_sections();
    test_unknown_fields();
    test_whole_document();
    test_message_format();
    test_bad_slides();
    test_bad_ticker_and_alerts();
    test_duplicates();
    test_slide_warnings();
    test_schedule_values();
    test_top_level_warnings();
    test_invalid_utf8();
    test_nul();
    test_hostile();
    test_media_values();
    test_media_type_names();
    diag_free(&D);
    return check_done("manifest");
}

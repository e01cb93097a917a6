/* test_fonts.c - font resolution, the fallback chain, and glyph coverage of
 * everything the player draws: its own UI strings and the demo deck. */
#include <fontconfig/fontconfig.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "render/fonts.h"
#include "utf8.h"

#define DEFAULT_FONT "Noto Sans CJK SC"
#define DEFAULT_BOLD "Noto Sans CJK SC:weight=bold"
#define DEFAULT_FALLBACK "DejaVu Sans"

/* Text the player draws itself (compose.c, screen.c, sysinfo.c, manifest.c
 * defaults); a glyph missing here is a box on every screen. */
static const char *const UI_STRINGS[] = {
    "扫码查看详情",
    "等待内容",
    "星期一星期二星期三星期四星期五星期六星期日年月日",
    "显示屏 服务器 地址 最近错误 版本",
    "紧急通知",
    "Waiting for content",
    "最新消息",
    "Waiting for content — 本屏尚未收到可播放的内容",
    "显示屏 Display",
    "地址 Address",
    "服务器 Server",
    "未配置 (not configured)",
    "内容 Content",
    "最近错误 Last error",
    "无 (none)",
    "版本 Version",
    "配置 Config: /etc/campus-signage/player.conf  ·  signage-player --check",
    "无网络地址 (no address)",
    "2026年11月24日 星期二 10:30 0123456789",
};

/* Typical notice text, in case the demo deck lacks some of it: Chinese
 * punctuation (full-width and the curly quotes), dashes, ellipsis, digits
 * with units, and Latin. */
static const char *const SAMPLE_STRINGS[] = {
    "中共某某大学委员会 党委办公室 关于开展“学习二十大精神”主题党日活动的通知",
    "时间：2026年11月24日（星期二）14:30—16:00；地点：图书馆报告厅（A101）。",
    "请各党支部书记、组织委员准时参加！如有疑问，请联系党办……",
    "《中国共产党章程》、【重要】‘两学一做’·不忘初心，牢记使命？",
    "Party Building & Campus Life: 100% — “Quotes” ‘single’ ½ ℃ № ①②③",
    "ＡＢＣ１２３，。、；：？！",
};

/* JSON keys whose values are never drawn as text. */
static const char *const SKIP_KEYS[] = {
    "sha256", "url", "type", "version", "id", "timezone", "start", "end", "from", "to", "days",
};

/* Counts the code points of s (except \n, \r, \t) that no face of the chain
 * covers, printing each as U+XXXX with the string and where it came from. */
static int count_uncovered(fonts_chain *chain, const char *s, const char *origin, bool report)
{
    size_t len = strlen(s);
    int missing = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        if (cp == '\n' || cp == '\r' || cp == '\t')
            continue;
        if (fonts_chain_cover(chain, cp) < 0) {
            if (report)
                fprintf(stderr, "  no font covers U+%04X in \"%s\" (%s)\n", (unsigned)cp, s,
                        origin);
            missing++;
        }
    }
    return missing;
}

static void check_covered(fonts_chain *chain, const char *s, const char *origin)
{
    int missing = count_uncovered(chain, s, origin, true);
    CHECK_MSG(missing == 0, "%d code point(s) not covered in %s", missing, origin);
}

static bool skipped_key(const char *key)
{
    for (size_t i = 0; i < sizeof SKIP_KEYS / sizeof SKIP_KEYS[0]; i++)
        if (strcmp(key, SKIP_KEYS[i]) == 0)
            return true;
    return false;
}

/* Walks every drawable string value of a JSON document (skipping SKIP_KEYS),
 * adding uncovered code points to *missing.  Returns the strings seen. */
static size_t walk_json(fonts_chain *chain, json_t *v, const char *path, int depth, int *missing)
{
    size_t strings = 0;
    char sub[512];
    if (depth > 64)
        return 0;
    if (json_is_string(v)) {
        *missing += count_uncovered(chain, json_string_value(v), path, true);
        return 1;
    }
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child) {
            if (skipped_key(key))
                continue;
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            strings += walk_json(chain, child, sub, depth + 1, missing);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            strings += walk_json(chain, child, sub, depth + 1, missing);
        }
    }
    return strings;
}

static const char *find_diag(const diag_list *d, diag_level level, const char *a, const char *b)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].level == level && strstr(d->items[i].msg, a) &&
            (!b || strstr(d->items[i].msg, b)))
            return d->items[i].msg;
    return NULL;
}

/* What the font file itself says about a face: read with FreeType through
 * fontconfig, not through its cache, so it checks fonts_resolve's answer. */
static bool face_is(const fonts_face *f, const char *family, int min_weight, int max_weight)
{
    if (!f->file || access(f->file, R_OK) != 0)
        return false;
    int count = 0;
    FcPattern *p = FcFreeTypeQuery((const FcChar8 *)f->file, (unsigned)f->index, NULL, &count);
    if (!p)
        return false;
    bool fam_ok = false;
    FcChar8 *fam;
    for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &fam) == FcResultMatch; i++)
        if (strcmp((const char *)fam, family) == 0)
            fam_ok = true;
    int weight = -1;
    FcPatternGetInteger(p, FC_WEIGHT, 0, &weight);
    FcPatternDestroy(p);
    return fam_ok && weight >= min_weight && weight <= max_weight;
}

static void test_default_fonts(void)
{
    diag_list d;
    diag_init(&d);
    fonts_face reg, bold, dv;
    CHECK_INT(fonts_resolve(DEFAULT_FONT, &reg, &d), 0);
    CHECK_INT(fonts_resolve(DEFAULT_BOLD, &bold, &d), 0);
    CHECK_INT(fonts_resolve(DEFAULT_FALLBACK, &dv, &d), 0);
    CHECK_INT(d.n, 0);
    CHECK_STR(reg.family, "Noto Sans CJK SC");
    CHECK_STR(bold.family, "Noto Sans CJK SC");
    CHECK_STR(dv.family, "DejaVu Sans");
    CHECK_MSG(face_is(&reg, "Noto Sans CJK SC", FC_WEIGHT_REGULAR, FC_WEIGHT_MEDIUM - 1),
              "regular: %s:%d", reg.file, reg.index);
    CHECK_MSG(face_is(&bold, "Noto Sans CJK SC", FC_WEIGHT_BOLD, FC_WEIGHT_BLACK),
              "bold: %s:%d", bold.file, bold.index);
    CHECK_MSG(face_is(&dv, "DejaVu Sans", FC_WEIGHT_REGULAR, FC_WEIGHT_MEDIUM - 1), "dejavu: %s",
              dv.file);
    CHECK(reg.file && bold.file && (strcmp(reg.file, bold.file) != 0 || reg.index != bold.index));
    printf("fonts: regular %s:%d, bold %s:%d, fallback %s:%d\n", reg.file, reg.index, bold.file,
           bold.index, dv.file, dv.index);

    /* The chain the player builds from the default config. */
    fonts_chain c;
    CHECK_INT(fonts_chain_load(DEFAULT_FONT, DEFAULT_FALLBACK, &c, &d), 0);
    CHECK_INT(c.n, 2);
    CHECK_INT(d.n, 0);
    if (c.n == 2) {
        CHECK_STR(c.faces[0].file, reg.file);
        CHECK_INT(c.faces[0].index, reg.index);
        CHECK_STR(c.faces[1].file, dv.file);
        CHECK_STR(c.faces[1].family, "DejaVu Sans");
    }
    fonts_chain_free(&c);
    CHECK_INT(c.n, 0);

    /* The bold chain as text.c builds it: bold, then regular, then fallbacks. */
    CHECK_INT(fonts_chain_load(DEFAULT_BOLD, DEFAULT_FONT "," DEFAULT_FALLBACK, &c, &d), 0);
    CHECK_INT(c.n, 3);
    if (c.n == 3) {
        CHECK_STR(c.faces[0].file, bold.file);
        CHECK_STR(c.faces[1].file, reg.file);
    }
    fonts_chain_free(&c);
    fonts_face_clear(&reg);
    fonts_face_clear(&bold);
    fonts_face_clear(&dv);
    CHECK(reg.file == NULL && reg.family == NULL);

    /* Case does not matter; generic families are accepted as they are. */
    fonts_face f;
    CHECK_INT(fonts_resolve("noto sans cjk sc", &f, &d), 0);
    CHECK_STR(f.family, "Noto Sans CJK SC"); /* fontconfig's spelling */
    fonts_face_clear(&f);
    CHECK_INT(fonts_resolve("sans-serif", &f, &d), 0);
    CHECK(f.file && f.family && f.family[0]);
    fonts_face_clear(&f);
    CHECK_INT(d.n, 0);
    diag_free(&d);
}

static void test_missing(void)
{
    diag_list d;
    diag_init(&d);
    fonts_face f;
    CHECK_INT(fonts_resolve("No Such Font 123", &f, &d), -1);
    CHECK(f.file == NULL && f.family == NULL);
    CHECK_INT(d.n, 1);
    CHECK(find_diag(&d, DIAG_ERROR, "\"No Such Font 123\"", "not installed") != NULL);
    CHECK(find_diag(&d, DIAG_ERROR, "fontconfig offered", NULL) != NULL);
    diag_free(&d);

    /* the weight does not make a missing family exist */
    CHECK_INT(fonts_resolve("No Such Font 123:weight=bold", &f, &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, "No Such Font 123", NULL) != NULL);
    diag_free(&d);

    static const char *const bad[] = {"", ":weight=bold", "relative/font.ttf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(fonts_resolve(bad[i], &f, &d) == -1, "pattern \"%s\"", bad[i]);
        CHECK(f.file == NULL);
        CHECK_INT(diag_count(&d, DIAG_ERROR), 1);
        diag_free(&d);
    }
    CHECK_INT(fonts_resolve(NULL, &f, &d), -1);
    diag_free(&d);

    /* A missing primary is skipped with a warning; the fallback carries on. */
    fonts_chain c;
    CHECK_INT(fonts_chain_load("No Such Font 123", "DejaVu Sans", &c, &d), 0);
    CHECK_INT(c.n, 1);
    if (c.n == 1)
        CHECK_STR(c.faces[0].family, "DejaVu Sans");
    CHECK(find_diag(&d, DIAG_WARNING, "No Such Font 123", NULL) != NULL);
    CHECK_INT(diag_count(&d, DIAG_ERROR), 0);
    fonts_chain_free(&c);
    diag_free(&d);

    /* Nothing found at all is an error naming what was asked for. */
    CHECK_INT(fonts_chain_load("No Such Font 123", " Nor This One , ,", &c, &d), -1);
    CHECK_INT(c.n, 0);
    CHECK(find_diag(&d, DIAG_ERROR, "no usable font", "No Such Font 123") != NULL);
    CHECK(find_diag(&d, DIAG_WARNING, "\"Nor This One\"", NULL) != NULL);
    CHECK_INT(diag_count(&d, DIAG_WARNING), 2);
    fonts_chain_free(&c);
    diag_free(&d);
    CHECK_INT(fonts_chain_load(NULL, NULL, &c, &d), -1);
    CHECK_INT(diag_count(&d, DIAG_ERROR), 1);
    diag_free(&d);
    CHECK_INT(fonts_chain_cover(&c, 'A'), -1); /* an empty chain covers nothing */
    CHECK_INT(fonts_chain_cover(NULL, 'A'), -1);
}

/* Where fontconfig keeps Noto Sans CJK SC Regular, asked independently of
 * fonts_resolve (a listing, not a match). */
static bool locate_noto_regular(char *file, size_t filelen, int *index)
{
    FcPattern *p = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, "Noto Sans CJK SC", FC_WEIGHT,
                                  FcTypeInteger, FC_WEIGHT_REGULAR, (char *)NULL);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, (char *)NULL);
    FcFontSet *fs = p && os ? FcFontList(NULL, p, os) : NULL;
    bool found = false;
    FcChar8 *s;
    if (fs && fs->nfont > 0 && FcPatternGetString(fs->fonts[0], FC_FILE, 0, &s) == FcResultMatch &&
        FcPatternGetInteger(fs->fonts[0], FC_INDEX, 0, index) == FcResultMatch) {
        snprintf(file, filelen, "%s", (const char *)s);
        found = true;
    }
    if (fs)
        FcFontSetDestroy(fs);
    if (os)
        FcObjectSetDestroy(os);
    if (p)
        FcPatternDestroy(p);
    return found;
}

static void test_paths(void)
{
    CHECK(FcInit());
    char file[4096];
    int index = -1;
    bool located = locate_noto_regular(file, sizeof file, &index);
    CHECK(located);
    if (!located)
        snprintf(file, sizeof file, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
            index = 2;
    char pat[4200];
    snprintf(pat, sizeof pat, "%s:%d", file, index);

    diag_list d;
    diag_init(&d);
    fonts_face f;
    CHECK_INT(fonts_resolve(pat, &f, &d), 0);
    CHECK_STR(f.file, file);
    CHECK_INT(f.index, index);
    CHECK_STR(f.family, "Noto Sans CJK SC");
    fonts_face_clear(&f);

    /* no suffix: face 0 of the collection, whatever its family */
    CHECK_INT(fonts_resolve(file, &f, &d), 0);
    CHECK_STR(f.file, file);
    CHECK_INT(f.index, 0);
    CHECK(f.family && f.family[0]);
    fonts_face_clear(&f);
    CHECK_INT(d.n, 0);

    /* A path and the same face by name make one chain entry, not two. */
    fonts_chain c;
    CHECK_INT(fonts_chain_load(DEFAULT_FONT, pat, &c, &d), 0);
    CHECK_INT(c.n, 1);
    fonts_chain_free(&c);
    CHECK_INT(fonts_chain_load(pat, "Noto Sans CJK SC, DejaVu Sans, DejaVu Sans,  " DEFAULT_FONT,
                               &c, &d),
              0);
    CHECK_INT(c.n, 2);
    CHECK_INT(d.n, 0);
    fonts_chain_free(&c);

    /* broken paths: each one error, naming the file */
    char nofile[4200], bigindex[4200], notfont[4200];
    snprintf(nofile, sizeof nofile, "%s/no-such-font.ttf", SIGNAGE_TEST_TMP);
    snprintf(bigindex, sizeof bigindex, "%s:99", file);
    snprintf(notfont, sizeof notfont, "%s/fonts_not_a_font.ttf", SIGNAGE_TEST_TMP);
    FILE *nf = fopen(notfont, "w");
    CHECK(nf != NULL);
    if (nf) {
        fputs("this is not a font\n", nf);
        fclose(nf);
    }
    const char *const broken[] = {nofile, bigindex, notfont, SIGNAGE_TEST_TMP, "/:1",
                                  "/usr/share/fonts/x.ttf:99999999999999999999"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        CHECK_MSG(fonts_resolve(broken[i], &f, &d) == -1, "path \"%s\"", broken[i]);
        CHECK(f.file == NULL);
        CHECK_INT(d.n, 1);
        diag_free(&d);
    }
    CHECK_INT(fonts_resolve(bigindex, &f, &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, file, "99") != NULL);
    diag_free(&d);
    CHECK_INT(fonts_resolve(nofile, &f, &d), -1);
    CHECK(find_diag(&d, DIAG_ERROR, nofile, NULL) != NULL);
    diag_free(&d);

    /* a very long path is refused, not truncated into another file */
    size_t n = 8000;
    char *longp = malloc(n + 1);
    longp[0] = '/';
    memset(longp + 1, 'a', n - 1);
    longp[n] = '\0';
    CHECK_INT(fonts_resolve(longp, &f, &d), -1);
    CHECK_INT(d.n, 1);
    diag_free(&d);
    free(longp);
}

static void test_chain_limit(void)
{
    /* Nine installed, distinct families: the ninth is dropped with a warning. */
    static const char *const fams = "DejaVu Sans, DejaVu Serif, DejaVu Sans Mono, Noto Sans CJK JP,"
                                    " Noto Sans CJK KR, Noto Sans CJK TC, Noto Serif CJK SC,"
                                    " Noto Sans Mono CJK SC";
    diag_list d;
    diag_init(&d);
    fonts_chain c;
    CHECK_INT(fonts_chain_load(DEFAULT_FONT, fams, &c, &d), 0);
    CHECK_INT(c.n, FONTS_MAX_CHAIN);
    CHECK(find_diag(&d, DIAG_WARNING, "Noto Sans Mono CJK SC", "at most 8") != NULL);
    CHECK_INT(d.n, 1);
    CHECK_INT(fonts_chain_cover(&c, 'A'), 0); /* answered by the first face alone */
    CHECK(c.charsets[0] != NULL && c.charsets[1] == NULL);
    CHECK_INT(fonts_chain_cover(&c, 0x10FFFF), -1); /* asks, and so loads, every face */
    for (size_t i = 0; i < c.n; i++)
        CHECK(c.charsets[i] != NULL);
    fonts_chain_free(&c); /* valgrind: the charsets are freed */
    diag_free(&d);
}

static void test_cover(void)
{
    diag_list d;
    diag_init(&d);
    fonts_chain c;
    CHECK_INT(fonts_chain_load(DEFAULT_FONT, DEFAULT_FALLBACK, &c, &d), 0);
    CHECK(c.charsets[0] == NULL); /* lazily loaded */
    CHECK_INT(fonts_chain_cover(&c, 0x515A), 0); /* 党 */
    CHECK(c.charsets[0] != NULL);
    CHECK_INT(fonts_chain_cover(&c, 'A'), 0);
    CHECK_INT(fonts_chain_cover(&c, 'z'), 0);
    CHECK_INT(fonts_chain_cover(&c, 0x3002), 0); /* 。 */
    CHECK_INT(fonts_chain_cover(&c, 0xFF0C), 0); /* ， */
    CHECK_INT(fonts_chain_cover(&c, 0x201C), 0); /* “ */
    CHECK_INT(fonts_chain_cover(&c, 0x0531), 1); /* Armenian Ա: only DejaVu has it */
    CHECK_INT(fonts_chain_cover(&c, 0x10FFFF), -1);
    CHECK_INT(fonts_chain_cover(&c, 0x110000), -1);
    CHECK_INT(fonts_chain_cover(&c, 0xFFFFFFFFu), -1);
    CHECK_INT(fonts_chain_cover(&c, 0xD800), -1); /* a surrogate is never a glyph */
    /* asking again uses the cached charsets and answers the same */
    CHECK_INT(fonts_chain_cover(&c, 0x515A), 0);
    CHECK_INT(fonts_chain_cover(&c, 0x0531), 1);
    fonts_chain_free(&c);

    /* DejaVu alone has no Chinese: the coverage check below can fail. */
    CHECK_INT(fonts_chain_load(DEFAULT_FALLBACK, NULL, &c, &d), 0);
    CHECK_INT(fonts_chain_cover(&c, 0x515A), -1);
    CHECK_INT(fonts_chain_cover(&c, 'A'), 0);
    fonts_chain_free(&c);
    CHECK_INT(d.n, 0);
    diag_free(&d);
}

static void test_coverage(void)
{
    diag_list d;
    diag_init(&d);
    fonts_chain c;
    CHECK_INT(fonts_chain_load(DEFAULT_FONT, DEFAULT_FALLBACK, &c, &d), 0);
    for (size_t i = 0; i < sizeof UI_STRINGS / sizeof UI_STRINGS[0]; i++)
        check_covered(&c, UI_STRINGS[i], "player UI");
    for (size_t i = 0; i < sizeof SAMPLE_STRINGS / sizeof SAMPLE_STRINGS[0]; i++)
        check_covered(&c, SAMPLE_STRINGS[i], "sample notice text");

    /* The walker itself: nested values are found, skipped keys are skipped
     * (U+10FFFF is in no font). */
    json_t *probe = json_loads("{\"slides\": [{\"id\": \"\\udbff\\udfff\", \"title\": \"党\","
                               " \"body\": [\"a\", {\"text\": \"x\\udbff\\udfffy\"}]}],"
                               " \"sha256\": \"\\udbff\\udfff\", \"n\": 3}",
                               0, NULL);
    CHECK(probe != NULL);
    if (probe) {
        int missing = 0;
        fprintf(stderr, "(expected: one uncovered U+10FFFF in manifest.slides[0].body[1].text)\n");
        CHECK_INT(walk_json(&c, probe, "manifest", 0, &missing), 3);
        CHECK_INT(missing, 1);
        json_decref(probe);
    }

    /* The bundled demo deck: every string a slide, ticker or alert can show. */
    const char *path = SIGNAGE_SOURCE_DIR "/content/demo/manifest.json";
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    CHECK_MSG(root != NULL, "%s: %s (line %d)", path, err.text, err.line);
    if (root) {
        int missing = 0;
        size_t strings = walk_json(&c, root, "manifest", 0, &missing);
        printf("fonts: checked %zu strings of %s\n", strings, path);
        CHECK(strings >= 10); /* a demo deck has real text to check */
        CHECK_MSG(missing == 0, "%d code point(s) of the demo deck have no glyph", missing);
        json_decref(root);
    }
    fonts_chain_free(&c);

    /* The check itself notices a gap: DejaVu alone misses the Chinese;
     * the control characters a notice may hold are not asked about. */
    CHECK_INT(fonts_chain_load(DEFAULT_FALLBACK, NULL, &c, &d), 0);
    CHECK_INT(count_uncovered(&c, "等待内容", "negative control", false), 4);
    CHECK_INT(count_uncovered(&c, "Waiting\n\t\r", "negative control", false), 0);
    fonts_chain_free(&c);
    diag_free(&d);
}

int main(void)
{
    test_default_fonts();
    test_missing();
    test_paths();
    test_chain_limit();
    test_cover();
    test_coverage();
    return check_done("fonts");
}

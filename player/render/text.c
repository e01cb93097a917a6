#include "render/text.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static void faces_close(text_faces *f)
{
    for (size_t i = 0; i < FONTS_MAX_CHAIN; i++) {
        if (f->fonts[i])
            TTF_CloseFont(f->fonts[i]);
        f->fonts[i] = NULL;
    }
    fonts_chain_free(&f->chain);
}

static int faces_open(text_faces *f, const char *primary, const char *fallbacks, diag_list *diags)
{
    memset(f, 0, sizeof *f);
    if (fonts_chain_load(primary, fallbacks, &f->chain, diags) != 0)
        return -1;
    size_t opened = 0;
    for (size_t i = 0; i < f->chain.n; i++) {
        const fonts_face *face = &f->chain.faces[i];
        f->fonts[i] = TTF_OpenFontIndex(face->file, 32, face->index);
        if (!f->fonts[i]) {
            diag_add(diags, DIAG_WARNING, "font %s (face %d): %s", face->file, face->index,
                     TTF_GetError());
            continue;
        }
        f->px[i] = 32;
        TTF_SetFontHinting(f->fonts[i], TTF_HINTING_LIGHT);
        opened++;
    }
    if (opened == 0 || !f->fonts[0]) {
        diag_add(diags, DIAG_ERROR, "no usable font: the primary font could not be opened");
        faces_close(f);
        return -1;
    }
    return 0;
}

int text_open(text_ctx *t, const char *font, const char *font_bold, const char *fallbacks,
              diag_list *diags)
{
    memset(t, 0, sizeof *t);
    if (faces_open(&t->reg, font, fallbacks, diags) != 0)
        return -1;
    /* Bold falls back to the regular family, then the fallbacks. */
    char chain[1024];
    snprintf(chain, sizeof chain, "%s%s%s", font, fallbacks && *fallbacks ? "," : "",
             fallbacks ? fallbacks : "");
    if (faces_open(&t->bold, font_bold, chain, diags) != 0) {
        diag_add(diags, DIAG_WARNING, "bold font \"%s\" unavailable; titles use the regular font",
                 font_bold);
        if (faces_open(&t->bold, font, fallbacks, diags) != 0) {
            faces_close(&t->reg);
            return -1;
        }
    }
    return 0;
}

void text_close(text_ctx *t)
{
    faces_close(&t->reg);
    faces_close(&t->bold);
}

static TTF_Font *font_at(text_faces *f, size_t i, int px)
{
    TTF_Font *font = f->fonts[i] ? f->fonts[i] : f->fonts[0];
    size_t k = f->fonts[i] ? i : 0;
    if (px < 1)
        px = 1;
    if (f->px[k] != px) {
        TTF_SetFontSize(font, px);
        f->px[k] = px;
    }
    return font;
}

/* Calls fn for each run of s that one face covers. */
typedef void (*run_fn)(void *ctx, size_t face, const char *run, size_t len);

static void for_each_run(text_faces *f, const char *s, size_t len, run_fn fn, void *ctx)
{
    size_t i = 0, run_start = 0;
    int run_face = -1;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int face = fonts_chain_cover(&f->chain, cp);
        if (face < 0 || !f->fonts[face])
            face = 0; /* uncovered: the primary draws its .notdef, visibly */
        if (run_face >= 0 && face != run_face) {
            fn(ctx, (size_t)run_face, s + run_start, i - run_start);
            run_start = i;
        }
        run_face = face;
        i += n;
    }
    if (run_face >= 0 && i > run_start)
        fn(ctx, (size_t)run_face, s + run_start, i - run_start);
}

typedef struct run_state {
    text_faces *f;
    int px;
    int x;          /* pen position */
    int y, base;    /* line top, primary ascent */
    SDL_Surface *dst;
    SDL_Color color;
} run_state;

/* TTF wants NUL-terminated strings: copy runs into a small buffer. */
static char *run_copy(const char *run, size_t len, char *stackbuf, size_t stacklen)
{
    char *buf = len < stacklen ? stackbuf : malloc(len + 1);
    if (!buf)
        return NULL;
    memcpy(buf, run, len);
    buf[len] = '\0';
    return buf;
}

static void measure_run(void *ctx, size_t face, const char *run, size_t len)
{
    run_state *st = ctx;
    char stackbuf[512];
    char *buf = run_copy(run, len, stackbuf, sizeof stackbuf);
    if (!buf)
        return;
    int w = 0, h = 0;
    if (TTF_SizeUTF8(font_at(st->f, face, st->px), buf, &w, &h) == 0)
        st->x += w;
    if (buf != stackbuf)
        free(buf);
}

static void draw_run(void *ctx, size_t face, const char *run, size_t len)
{
    run_state *st = ctx;
    char stackbuf[512];
    char *buf = run_copy(run, len, stackbuf, sizeof stackbuf);
    if (!buf)
        return;
    TTF_Font *font = font_at(st->f, face, st->px);
    int w = 0, h = 0;
    TTF_SizeUTF8(font, buf, &w, &h);
    SDL_Surface *s = w > 0 ? TTF_RenderUTF8_Blended(font, buf, st->color) : NULL;
    if (s) {
        SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_BLEND);
        SDL_Rect r = {st->x, st->y + st->base - TTF_FontAscent(font), s->w, s->h};
        SDL_BlitSurface(s, NULL, st->dst, &r);
        SDL_FreeSurface(s);
    }
    st->x += w;
    if (buf != stackbuf)
        free(buf);
}

int text_measure(text_ctx *t, int px, bool bold, const char *s, size_t len)
{
    run_state st = {.f = bold ? &t->bold : &t->reg, .px = px};
    for_each_run(st.f, s, len, measure_run, &st);
    return st.x;
}

int text_draw(text_ctx *t, SDL_Surface *dst, int x, int y, int px, bool bold, SDL_Color color,
              const char *s, size_t len)
{
    run_state st = {.f = bold ? &t->bold : &t->reg, .px = px, .x = x, .y = y, .dst = dst,
                    .color = color};
    st.base = TTF_FontAscent(font_at(st.f, 0, px));
    for_each_run(st.f, s, len, draw_run, &st);
    return st.x - x;
}

int text_draw_shadow(text_ctx *t, SDL_Surface *dst, int x, int y, int px, bool bold,
                     SDL_Color color, const char *s, size_t len)
{
    int off = px / 16 > 1 ? px / 16 : 1;
    SDL_Color shadow = {0, 0, 0, 150};
    text_draw(t, dst, x + off, y + off, px, bold, shadow, s, len);
    return text_draw(t, dst, x, y, px, bold, color, s, len);
}

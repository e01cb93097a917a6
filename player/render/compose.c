#include "render/compose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "layout.h"
#include "render/qr.h"
#include "utf8.h"

/* The palette: warm paper, near-black ink, the theme's accent, a gold that
 * goes with Chinese red.  Contrast of ink and accent on paper >= 4.5:1. */
static const SDL_Color PAPER = {0xFA, 0xF7, 0xF2, 0xFF};
static const SDL_Color INK = {0x22, 0x22, 0x22, 0xFF};
static const SDL_Color GOLD = {0xE8, 0xB0, 0x4B, 0xFF};
static const SDL_Color WHITE = {0xFF, 0xFF, 0xFF, 0xFF};
static const char *QR_LABEL = "扫码查看详情";

static SDL_Surface *new_surface(int w, int h)
{
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    return SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
}

static Uint32 rgb(SDL_Surface *s, SDL_Color c)
{
    return SDL_MapRGBA(s->format, c.r, c.g, c.b, c.a);
}

static SDL_Color shade(SDL_Color c, int pct)
{
    return (SDL_Color){(Uint8)(c.r * pct / 100), (Uint8)(c.g * pct / 100),
                       (Uint8)(c.b * pct / 100), c.a};
}

SDL_Color compose_accent(const deck *d)
{
    uint32_t a = d ? d->m->accent : MANIFEST_DEFAULT_ACCENT;
    return (SDL_Color){(Uint8)(a >> 16), (Uint8)(a >> 8), (Uint8)a, 0xFF};
}

static void fill(SDL_Surface *s, int x, int y, int w, int h, SDL_Color c)
{
    SDL_Rect r = {x, y, w, h};
    SDL_FillRect(s, &r, rgb(s, c));
}

/* Vertical or horizontal two-colour gradient, one line at a time. */
static void gradient(SDL_Surface *s, SDL_Rect r, SDL_Color a, SDL_Color b, bool horizontal)
{
    int n = horizontal ? r.w : r.h;
    for (int i = 0; i < n; i++) {
        int t = n > 1 ? i * 255 / (n - 1) : 0;
        SDL_Color c = {(Uint8)((a.r * (255 - t) + b.r * t) / 255),
                       (Uint8)((a.g * (255 - t) + b.g * t) / 255),
                       (Uint8)((a.b * (255 - t) + b.b * t) / 255), 0xFF};
        if (horizontal)
            fill(s, r.x + i, r.y, 1, r.h, c);
        else
            fill(s, r.x, r.y + i, r.w, 1, c);
    }
}

/* Darkens a band of the surface towards black: alpha rises from 0 at the
 * top of the band to `max_alpha` at its bottom (captions over photos). */
static void scrim(SDL_Surface *s, int y0, int h, int max_alpha)
{
    if (SDL_LockSurface(s) != 0)
        return;
    for (int y = y0 < 0 ? 0 : y0; y < y0 + h && y < s->h; y++) {
        int a = max_alpha * (y - y0) / (h > 1 ? h - 1 : 1);
        /* ease-in so the photo fades into the band without a visible edge */
        a = a * (y - y0) / (h > 1 ? h - 1 : 1) / 2 + a / 2;
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * s->pitch);
        for (int x = 0; x < s->w; x++) {
            Uint32 p = row[x];
            Uint32 r = ((p >> 16) & 0xff) * (255 - a) / 255;
            Uint32 g = ((p >> 8) & 0xff) * (255 - a) / 255;
            Uint32 b = (p & 0xff) * (255 - a) / 255;
            row[x] = (p & 0xff000000u) | (r << 16) | (g << 8) | b;
        }
    }
    SDL_UnlockSurface(s);
}

/* Blits an RGBA image onto dst at (x, y), alpha-blended unless it is opaque
 * (then a plain copy, several times cheaper for a whole-screen photo). */
static void blit_image(SDL_Surface *dst, const image_rgba *img, int x, int y)
{
    SDL_Surface *src = SDL_CreateRGBSurfaceWithFormatFrom(
        img->pixels, img->width, img->height, 32, img->stride, SDL_PIXELFORMAT_RGBA32);
    if (!src)
        return;
    SDL_SetSurfaceBlendMode(src, img->opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_Rect r = {x, y, img->width, img->height};
    SDL_BlitSurface(src, NULL, dst, &r);
    SDL_FreeSurface(src);
}

/* A picture read and verified once: its bytes, the header facts and its
 * size as shown (after EXIF orientation).  Layout needs the size before the
 * decode, and reading and hashing a 12 MP file twice costs a first frame
 * several milliseconds.  The bytes belong to the picture until
 * picture_close. */
typedef struct picture {
    uint8_t *data;
    size_t len;
    int w, h; /* as shown */
} picture;

static int picture_open(const deck *d, const manifest_media *media, picture *p, char *err,
                        size_t errlen)
{
    *p = (picture){0};
    if (deck_read_media(d, media, &p->data, &p->len, err, errlen) != 0)
        return -1;
    image_info info;
    if (image_sniff(p->data, p->len, &info, err, errlen) != 0) {
        free(p->data);
        p->data = NULL;
        return -1;
    }
    bool swap = info.orientation >= 5;
    p->w = swap ? info.height : info.width;
    p->h = swap ? info.width : info.height;
    return 0;
}

static void picture_close(picture *p)
{
    free(p->data);
    *p = (picture){0};
}

/* Decodes an open picture at exactly w x h, keeping only the part `part` of
 * it (NULL = all).  The bytes are released first (a lower peak for big
 * photos: the file is not held while the slide is built).
 *
 * A part means a cropped ("cover") picture.  When the decoder's reduction
 * already lands within 5% above w x h (a 4000x3000 photo gives 2000x1500 for
 * 1920x1440), the part is cut from that, centred, instead of resampling it:
 * the picture shows up to 5% larger, as sharp as decoded, and a 1080p slide
 * costs some 18 ms less. */
static int picture_decode(compose_ctx *c, picture *p, int w, int h, const layout_rect *part,
                          image_rgba *out, char *err, size_t errlen)
{
    image_rgba full;
    int r = image_decode(p->data, p->len, w, h, c->max_pixels, &full, err, errlen);
    picture_close(p);
    if (r != 0)
        return -1;
    layout_rect all = {0, 0, w, h};
    if (!part)
        part = &all;
    if (full.width == w && full.height == h && part->w == w && part->h == h) {
        *out = full;
        return 0;
    }
    if (part != &all && full.width >= w && full.height >= h &&
        (int64_t)full.width * 100 <= (int64_t)w * 105 &&
        (int64_t)full.height * 100 <= (int64_t)h * 105)
        r = image_resize_part(&full, full.width, full.height, part->x + (full.width - w) / 2,
                              part->y + (full.height - h) / 2, part->w, part->h, out);
    else
        r = image_resize_part(&full, w, h, part->x, part->y, part->w, part->h, out);
    image_free(&full);
    if (r != 0)
        snprintf(err, errlen, "out of memory scaling the picture");
    return r;
}

typedef struct measure_ctx {
    text_ctx *t;
} measure_ctx;

static int measure_cb(void *ctx, int px, bool bold, const char *s, size_t len)
{
    return text_measure(((measure_ctx *)ctx)->t, px, bold, s, len);
}

/* Draws lines from a line-break result; the last drawn line gets "…" when
 * lines were cut.  Returns the y after the block. */
static int draw_lines(text_ctx *t, SDL_Surface *dst, const char *text, const lb_result *lines,
                      size_t shown, int x, int y, int px, int line_h, bool bold, SDL_Color color,
                      bool shadow, int max_w)
{
    for (size_t i = 0; i < shown && i < lines->n_lines; i++) {
        const lb_line *l = &lines->lines[i];
        bool cut = i + 1 == shown && shown < lines->n_lines;
        /* 行首挤压: a full-width opening mark carries half an em of blank
         * before its glyph; at the start of a line that reads as an indent. */
        uint32_t first = 0;
        if (l->len)
            utf8_decode(text + l->start, l->len, &first);
        int squeeze = first >= 0x2000 && lb_is_no_end(first) ? px / 2 : 0;
        int lx = x - squeeze;
        if (cut) {
            /* Make room for the ellipsis by dropping characters. */
            char buf[4096];
            size_t n = l->len < sizeof buf - 4 ? l->len : sizeof buf - 4;
            memcpy(buf, text + l->start, n);
            int ell = text_measure(t, px, bold, "…", strlen("…"));
            while (n > 0 && text_measure(t, px, bold, buf, n) + ell > max_w) {
                do
                    n--;
                while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
            }
            memcpy(buf + n, "…", strlen("…"));
            n += strlen("…");
            if (shadow)
                text_draw_shadow(t, dst, lx, y, px, bold, color, buf, n);
            else
                text_draw(t, dst, lx, y, px, bold, color, buf, n);
        } else if (shadow) {
            text_draw_shadow(t, dst, lx, y, px, bold, color, text + l->start, l->len);
        } else {
            text_draw(t, dst, lx, y, px, bold, color, text + l->start, l->len);
        }
        y += line_h;
    }
    return y;
}

/* Lays out and draws a text at a fixed size within max_w, at most max_lines
 * (the last one ellipsised when cut).  Returns the y below the block. */
static int draw_wrapped(text_ctx *t, SDL_Surface *dst, const char *text, int x, int y, int max_w,
                        int px, int line_h, bool bold, SDL_Color color, bool shadow,
                        size_t max_lines)
{
    measure_ctx mc = {t};
    lb_result lines;
    if (layout_break(text, max_w, px, bold, measure_cb, &mc, &lines) != 0)
        return y;
    size_t shown = lines.n_lines < max_lines ? lines.n_lines : max_lines;
    y = draw_lines(t, dst, text, &lines, shown, x, y, px, line_h, bold, color, shadow, max_w);
    lb_result_free(&lines);
    return y;
}

/* The QR card: white square with the code, label underneath.  Returns the
 * card height, or qr_draw()'s negative code when it could not be drawn. */
static int draw_qr_card(compose_ctx *c, SDL_Surface *dst, int x, int y, int side, const char *link,
                        SDL_Color label_color, bool label_shadow)
{
    int label_px = side / 7;
    if (label_px < 14)
        label_px = 14;
    int r = qr_draw(dst, x, y, side, link);
    if (r < 0)
        return r;
    int lw = text_measure(&c->text, label_px, false, QR_LABEL, strlen(QR_LABEL));
    int ly = y + side + label_px / 3;
    if (label_shadow)
        text_draw_shadow(&c->text, dst, x + (side - lw) / 2, ly, label_px, false, label_color,
                         QR_LABEL, strlen(QR_LABEL));
    else
        text_draw(&c->text, dst, x + (side - lw) / 2, ly, label_px, false, label_color, QR_LABEL,
                  strlen(QR_LABEL));
    return side + label_px * 16 / 10;
}

static void qr_warn(int r, char *warn, size_t warnlen)
{
    if (r == -1)
        snprintf(warn, warnlen, "link is too long for a QR code; shown without one");
    else if (r == -2)
        snprintf(warn, warnlen, "screen too small for a scannable QR code; shown without one");
}

static SDL_Surface *compose_image_slide(compose_ctx *c, const deck *d, const manifest_slide *s,
                                        int w, int h, int unit, char *err, size_t errlen,
                                        char *warn, size_t warnlen)
{
    picture src;
    if (picture_open(d, &s->media, &src, err, errlen) != 0)
        return NULL;
    int iw = src.w, ih = src.h;
    layout_rect box = {0, 0, w, h};
    layout_rect cover = layout_fit_rect(iw, ih, box, true);
    layout_rect contain = layout_fit_rect(iw, ih, box, false);
    /* The picture first, the slide after: the decoder's buffers are gone
     * before the slide's own surface exists (a lower peak for big photos). */
    image_rgba pic;
    bool cover_fit = s->fit == FIT_COVER;
    layout_rect at = cover_fit ? cover : contain;
    /* cover: only what the screen shows is scaled (a 4:3 photo on a 16:9
     * area loses a third of its rows) */
    layout_rect shown = {cover.x < 0 ? -cover.x : 0, cover.y < 0 ? -cover.y : 0,
                         cover.w < w ? cover.w : w, cover.h < h ? cover.h : h};
    if (picture_decode(c, &src, at.w, at.h, cover_fit ? &shown : NULL, &pic, err, errlen) != 0)
        return NULL;
    SDL_Surface *out = new_surface(w, h);
    if (!out) {
        image_free(&pic);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    fill(out, 0, 0, w, h, (SDL_Color){0x18, 0x18, 0x1c, 0xFF});
    if (cover_fit) {
        blit_image(out, &pic, cover.x + shown.x, cover.y + shown.y);
        image_free(&pic);
    } else {
        /* Letterbox with a blurred, darkened wash of the picture itself:
         * shrink hard, enlarge smoothly (a cheap, wide blur), only the part
         * on screen.  A picture so long and thin that filling the screen
         * takes over 16 screens of it (a 65535x1 PNG is 70 million pixels
         * wide at 1080 lines) gets the plain background: its wash would be
         * gigabytes for a sliver of colour. */
        if ((contain.w < w || contain.h < h) && (int64_t)cover.w * cover.h <= 16ll * w * h) {
            image_rgba tiny, wash;
            int tw = cover.w / 32 > 2 ? cover.w / 32 : 2, th = cover.h / 32 > 2 ? cover.h / 32 : 2;
            if (image_resize(&pic, tw, th, &tiny) == 0) {
                if (image_resize_part(&tiny, cover.w, cover.h, shown.x, shown.y, shown.w, shown.h,
                                      &wash) == 0) {
                    for (int y = 0; y < wash.height; y++) {
                        uint8_t *p = wash.pixels + (size_t)y * wash.stride;
                        for (int x = 0; x < wash.width * 4; x += 4) {
                            p[x] = (uint8_t)(p[x] * 45 / 100);
                            p[x + 1] = (uint8_t)(p[x + 1] * 45 / 100);
                            p[x + 2] = (uint8_t)(p[x + 2] * 45 / 100);
                            p[x + 3] = 255;
                        }
                    }
                    blit_image(out, &wash, cover.x + shown.x, cover.y + shown.y);
                    image_free(&wash);
                }
                image_free(&tiny);
            }
        }
        blit_image(out, &pic, contain.x, contain.y);
        image_free(&pic);
    }
    if (iw < contain.w / 2 && ih < contain.h / 2)
        snprintf(warn, warnlen, "picture is %dx%d, much smaller than the screen area %dx%d",
                 iw, ih, w, h);

    int margin = unit * 45 / 1000;
    int qr_side = s->link ? layout_qr_side(unit) * 3 / 4 : 0;
    int cap_px = unit * 42 / 1000;
    int cap_line = cap_px * 165 / 100; /* the fitter's body line height */
    if (s->caption || s->link) {
        int band = (s->caption ? cap_line * 2 + margin * 2 : 0);
        if (qr_side && band < qr_side + margin * 2)
            band = qr_side + margin * 2 + cap_px;
        scrim(out, h - band, band, 170);
    }
    if (s->link) {
        int qx = w - margin - qr_side, qy = h - margin - qr_side - qr_side / 6;
        qr_warn(draw_qr_card(c, out, qx, qy, qr_side, s->link, WHITE, true), warn, warnlen);
    }
    if (s->caption) {
        int cw = w - 2 * margin - (qr_side ? qr_side + margin : 0);
        /* Two lines at most, measured from the bottom. */
        measure_ctx mc = {&c->text};
        layout_notice n;
        if (layout_fit_notice(NULL, s->caption, cw, cap_line * 2, cap_px, cap_px, measure_cb, &mc,
                              &n) == 0) {
            size_t lines = n.body_lines_shown;
            int y = h - margin - (int)lines * cap_line + (cap_line - cap_px) / 2;
            /* accent tick before the caption, like a news photo credit */
            fill(out, margin, y + cap_px / 8, cap_px / 6, cap_px, GOLD);
            draw_lines(&c->text, out, s->caption, &n.body, lines, margin + cap_px / 2, y, cap_px,
                       cap_line, false, WHITE, true, cw - cap_px / 2);
            layout_notice_free(&n);
        }
    }
    return out;
}

static SDL_Surface *compose_notice_slide(compose_ctx *c, const deck *d, const manifest_slide *s,
                                         int w, int h, int unit, char *err, size_t errlen,
                                         char *warn, size_t warnlen)
{
    SDL_Color accent = compose_accent(d);
    SDL_Surface *out = new_surface(w, h);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    fill(out, 0, 0, w, h, PAPER);
    bool portrait = h > w;
    int mx = w * 6 / 100, my = h * 7 / 100;
    if (portrait) {
        mx = w * 7 / 100;
        my = h * 5 / 100;
    }
    /* A thin accent rule down the left edge gives notices their identity. */
    fill(out, 0, 0, unit / 90 > 4 ? unit / 90 : 4, h, accent);

    layout_rect text_box = {mx, my, w - 2 * mx, h - 2 * my};
    int qr_side = s->link ? layout_qr_side(unit) : 0;
    int qr_card_h = qr_side ? qr_side + qr_side / 6 : 0;

    /* Picture: beside the text on landscape screens, above it on portrait. */
    if (s->has_media) {
        picture src;
        char perr[512];
        if (picture_open(d, &s->media, &src, perr, sizeof perr) != 0) {
            snprintf(warn, warnlen, "picture left out: %s", perr);
        } else {
            layout_rect pic_box;
            if (portrait) {
                pic_box = (layout_rect){mx, my, w - 2 * mx, (h - 2 * my) * 36 / 100};
                text_box.y = pic_box.y + pic_box.h + my / 2;
                text_box.h = h - my - text_box.y;
            } else {
                int col = (w - 2 * mx) * 40 / 100;
                pic_box = (layout_rect){w - mx - col, my, col, h - 2 * my - qr_card_h -
                                                                    (qr_side ? my / 2 : 0)};
                text_box.w = w - 2 * mx - col - mx;
            }
            layout_rect fit = layout_fit_rect(src.w, src.h, pic_box, false);
            /* Pictures sit at the top of their column, not floating in it. */
            if (!portrait)
                fit.y = pic_box.y;
            image_rgba pic;
            if (picture_decode(c, &src, fit.w, fit.h, NULL, &pic, perr, sizeof perr) == 0) {
                fill(out, fit.x + unit / 200, fit.y + unit / 200, fit.w, fit.h,
                     (SDL_Color){0xDD, 0xD8, 0xD0, 0xFF}); /* soft offset shadow */
                blit_image(out, &pic, fit.x, fit.y);
                image_free(&pic);
            } else {
                snprintf(warn, warnlen, "picture left out: %s", perr);
            }
        }
    }
    int qx = 0, qy = 0;
    if (qr_side) {
        qx = w - mx - qr_side;
        qy = h - my - qr_card_h;
        if (!s->has_media && !portrait)
            text_box.w = w - 2 * mx - qr_side - mx; /* QR column on the right */
        else if (portrait || text_box.x + text_box.w > qx - mx / 2)
            text_box.h = qy - text_box.y - my / 3; /* QR below the text */
        if (text_box.h < unit / 10)
            text_box.h = unit / 10;
    }

    measure_ctx mc = {&c->text};
    layout_notice n;
    int floor_px = layout_text_floor(unit), max_px = layout_body_max(unit);
    if (layout_fit_notice(s->title, s->body, text_box.w, text_box.h, floor_px, max_px, measure_cb,
                          &mc, &n) != 0) {
        SDL_FreeSurface(out);
        snprintf(err, errlen, "out of memory laying out text");
        return NULL;
    }
    int y = text_box.y;
    if (s->title) {
        y = draw_lines(&c->text, out, s->title, &n.title, n.title.n_lines, text_box.x, y,
                       n.title_px, n.title_line_h, true, accent, false, text_box.w);
        /* a short gold rule under the title */
        fill(out, text_box.x, y + n.gap / 4, n.title_px * 2, n.title_px / 10 > 2 ? n.title_px / 10 : 2,
             GOLD);
        y += n.gap;
    }
    if (s->body)
        draw_lines(&c->text, out, s->body, &n.body, n.body_lines_shown, text_box.x, y, n.body_px,
                   n.body_line_h, false, INK, false, text_box.w);
    if (n.overflow)
        snprintf(warn, warnlen,
                 "text does not fit even at the smallest readable size (%d px): %zu of %zu lines "
                 "shown; shorten it",
                 n.body_px, n.body_lines_shown, n.body.n_lines);
    else if (n.at_floor && !*warn)
        snprintf(warn, warnlen, "text shrunk to the smallest readable size (%d px)", n.body_px);
    layout_notice_free(&n);
    if (qr_side)
        qr_warn(draw_qr_card(c, out, qx, qy, qr_side, s->link, INK, false), warn, warnlen);
    return out;
}

SDL_Surface *compose_slide(compose_ctx *c, const deck *d, size_t idx, int w, int h, int unit,
                           char *err, size_t errlen, char *warn, size_t warnlen)
{
    warn[0] = '\0';
    if (idx >= d->m->n_slides) {
        snprintf(err, errlen, "no slide %zu", idx);
        return NULL;
    }
    const manifest_slide *s = &d->m->slides[idx];
    if (s->kind == SLIDE_IMAGE)
        return compose_image_slide(c, d, s, w, h, unit, err, errlen, warn, warnlen);
    return compose_notice_slide(c, d, s, w, h, unit, err, errlen, warn, warnlen);
}

/* The theme's logo, fitted into box; returns whether it was drawn (a
 * missing or broken logo just leaves room, the header still works). */
static bool draw_logo(compose_ctx *c, const deck *d, SDL_Surface *dst, layout_rect box)
{
    char err[512];
    picture src;
    image_rgba logo;
    if (!d->m->has_logo || picture_open(d, &d->m->logo, &src, err, sizeof err) != 0)
        return false;
    layout_rect fit = layout_fit_rect(src.w, src.h, box, false);
    if (picture_decode(c, &src, fit.w, fit.h, NULL, &logo, err, sizeof err) != 0)
        return false;
    blit_image(dst, &logo, fit.x, fit.y);
    image_free(&logo);
    return true;
}

/* Largest size <= px (down to min_px) at which one line of text fits in
 * max_w; the text is drawn ellipsised at min_px if it still does not fit. */
static int fit_line_px(text_ctx *t, const char *s, bool bold, int px, int min_px, int max_w)
{
    while (px > min_px && text_measure(t, px, bold, s, strlen(s)) > max_w)
        px -= px / 20 > 1 ? px / 20 : 1;
    return px;
}

static void draw_line_fit(text_ctx *t, SDL_Surface *dst, const char *s, int x, int y, int px,
                          bool bold, SDL_Color color, int max_w)
{
    draw_wrapped(t, dst, s, x, y, max_w, px, px * 14 / 10, bold, color, false, 1);
}

SDL_Surface *compose_header(compose_ctx *c, const deck *d, int w, int h, int unit, int clock_w,
                            char *err, size_t errlen)
{
    SDL_Color accent = compose_accent(d);
    SDL_Surface *out = new_surface(w, h);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    gradient(out, (SDL_Rect){0, 0, w, h}, accent, shade(accent, 72), true);
    int rule = h / 22 > 2 ? h / 22 : 2;
    fill(out, 0, h - rule, w, rule, GOLD);
    int pad = h * 16 / 100;
    int x = pad * 2;
    if (draw_logo(c, d, out, (layout_rect){x, pad, h - 2 * pad - rule, h - 2 * pad - rule}))
        x += h - 2 * pad - rule + pad;
    int avail = w - x - clock_w - pad;
    int tpx = layout_header_title_px(unit);
    int spx = tpx * 58 / 100;
    bool sub = d->m->subtitle != NULL;
    int block = sub ? tpx * 135 / 100 + spx * 13 / 10 : tpx * 135 / 100;
    int y = (h - rule - block) / 2;
    if (d->m->title) {
        int px = fit_line_px(&c->text, d->m->title, true, tpx, tpx * 7 / 10, avail);
        draw_line_fit(&c->text, out, d->m->title, x, y + (tpx - px) / 2, px, true, WHITE, avail);
    }
    if (sub) {
        SDL_Color sc = {0xF6, 0xE2, 0xB8, 0xFF};
        int px = fit_line_px(&c->text, d->m->subtitle, false, spx, spx * 7 / 10, avail);
        draw_line_fit(&c->text, out, d->m->subtitle, x, y + tpx * 135 / 100, px, false, sc, avail);
    }
    return out;
}

static const char *TICKER_LABEL = "最新消息";

SDL_Surface *compose_ticker_label(compose_ctx *c, const deck *d, int h, int unit)
{
    int px = layout_ticker_px(unit);
    int tw = text_measure(&c->text, px, true, TICKER_LABEL, strlen(TICKER_LABEL));
    int w = tw + h;
    SDL_Surface *out = new_surface(w, h);
    if (!out)
        return NULL;
    fill(out, 0, 0, w, h, GOLD);
    SDL_Color accent = compose_accent(d);
    text_draw(&c->text, out, h / 2, (h - px * 135 / 100) / 2, px, true, shade(accent, 80),
              TICKER_LABEL, strlen(TICKER_LABEL));
    return out;
}

void compose_strip_free(compose_strip *s)
{
    for (size_t i = 0; i < s->n; i++)
        SDL_FreeSurface(s->tiles[i]);
    free(s->tiles);
    memset(s, 0, sizeof *s);
}

/* Total strip width is capped: a runaway ticker must not eat memory. */
#define STRIP_MAX_WIDTH 60000
#define TICKER_ITEM_MAX_CHARS 400

static int strip_push(compose_strip *s, SDL_Surface *tile)
{
    SDL_Surface **t = realloc(s->tiles, (s->n + 1) * sizeof *t);
    if (!t) {
        SDL_FreeSurface(tile);
        return -1;
    }
    s->tiles = t;
    s->tiles[s->n++] = tile;
    s->width += tile->w;
    return 0;
}

int compose_ticker_strip(compose_ctx *c, const deck *d, const size_t *items, size_t n_items, int h,
                         int unit, compose_strip *out)
{
    memset(out, 0, sizeof *out);
    int px = layout_ticker_px(unit);
    int y = (h - px * 135 / 100) / 2;
    const char *sep = "   ◆   ";
    for (size_t k = 0; k < n_items && out->width < STRIP_MAX_WIDTH; k++) {
        const manifest_ticker *t = &d->m->ticker[items[k]];
        /* One line: newlines become spaces; very long items are cut. */
        size_t len = strlen(t->text), chars = 0, i = 0;
        char *buf = malloc(len + strlen(sep) + 4);
        if (!buf)
            return -1;
        size_t o = 0;
        while (i < len && chars < TICKER_ITEM_MAX_CHARS) {
            uint32_t cp;
            size_t nb = utf8_decode(t->text + i, len - i, &cp);
            if (cp == '\n' || cp == '\r' || cp == '\t')
                buf[o++] = ' ';
            else {
                memcpy(buf + o, t->text + i, nb);
                o += nb;
            }
            i += nb;
            chars++;
        }
        memcpy(buf + o, sep, strlen(sep));
        o += strlen(sep);
        /* Cut into tiles at code points: 36 bytes stay under COMPOSE_TILE_MAX
         * px at any ticker size up to 4K, and each tile is measured once. */
        size_t start = 0;
        while (start < o) {
            size_t end = start;
            while (end < o && end - start < 36) {
                uint32_t cp;
                end += utf8_decode(buf + end, o - end, &cp);
            }
            int width = text_measure(&c->text, px, false, buf + start, end - start);
            SDL_Surface *tile = new_surface(width > 0 ? width : 1, h);
            if (!tile) {
                free(buf);
                return -1;
            }
            SDL_SetSurfaceBlendMode(tile, SDL_BLENDMODE_BLEND);
            SDL_FillRect(tile, NULL, SDL_MapRGBA(tile->format, 0, 0, 0, 0));
            text_draw(&c->text, tile, 0, y, px, false, WHITE, buf + start, end - start);
            if (strip_push(out, tile) != 0) {
                free(buf);
                return -1;
            }
            start = end;
        }
        free(buf);
    }
    return 0;
}

/* A warning triangle drawn scanline by scanline (surfaces have no polygons). */
static void triangle(SDL_Surface *s, int cx, int top, int side, SDL_Color c, SDL_Color mark)
{
    int hgt = side * 87 / 100;
    for (int y = 0; y < hgt; y++) {
        int half = side * y / (2 * hgt);
        fill(s, cx - half, top + y, 2 * half + 1, 1, c);
    }
    int bar_w = side / 10;
    fill(s, cx - bar_w / 2, top + hgt * 32 / 100, bar_w, hgt * 38 / 100, mark);
    fill(s, cx - bar_w / 2, top + hgt * 77 / 100, bar_w, bar_w, mark);
}

SDL_Surface *compose_alert(compose_ctx *c, const deck *d, size_t idx, int w, int h, size_t turn,
                           size_t turns, char *err, size_t errlen)
{
    if (idx >= d->m->n_alerts) {
        snprintf(err, errlen, "no alert %zu", idx);
        return NULL;
    }
    const manifest_alert *a = &d->m->alerts[idx];
    SDL_Surface *out = new_surface(w, h);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int unit = w < h ? w : h;
    SDL_Color red = {0xB0, 0x00, 0x14, 0xFF}, deep = {0x6E, 0x00, 0x0C, 0xFF};
    SDL_Color amber = {0xFF, 0xC6, 0x29, 0xFF};
    gradient(out, (SDL_Rect){0, 0, w, h}, red, deep, false);
    int band = unit * 3 / 100;
    fill(out, 0, 0, w, band, amber);
    fill(out, 0, h - band, w, band, amber);

    int margin = w * 6 / 100;
    int title_px = unit * 9 / 100;
    int tri = title_px * 12 / 10;
    int ty = band + unit * 6 / 100;
    triangle(out, margin + tri / 2, ty, tri, amber, deep);
    int tx = margin + tri + title_px / 2;
    draw_wrapped(&c->text, out, a->title, tx, ty + (tri * 87 / 100 - title_px * 135 / 100) / 2,
                 w - tx - margin, title_px, title_px * 135 / 100, true, WHITE, false, 1);
    int by = ty + tri + unit * 5 / 100;
    fill(out, margin, by - unit * 25 / 1000, w - 2 * margin, unit / 300 > 1 ? unit / 300 : 1,
         (SDL_Color){0xFF, 0xFF, 0xFF, 0x80});
    if (a->body) {
        measure_ctx mc = {&c->text};
        layout_notice n;
        int box_h = h - by - band - unit * 8 / 100;
        if (layout_fit_notice(NULL, a->body, w - 2 * margin, box_h, layout_text_floor(unit) * 3 / 2,
                              unit * 7 / 100, measure_cb, &mc, &n) == 0) {
            draw_lines(&c->text, out, a->body, &n.body, n.body_lines_shown, margin, by, n.body_px,
                       n.body_line_h, false, WHITE, false, w - 2 * margin);
            layout_notice_free(&n);
        }
    }
    if (turns > 1) {
        char k[32];
        snprintf(k, sizeof k, "%zu / %zu", turn + 1, turns);
        int px = layout_text_floor(unit);
        int kw = text_measure(&c->text, px, false, k, strlen(k));
        text_draw(&c->text, out, w - margin - kw, h - band - px * 2, px, false, amber, k,
                  strlen(k));
    }
    return out;
}

SDL_Surface *compose_idle(compose_ctx *c, const deck *d, int w, int h, int unit)
{
    SDL_Surface *out = new_surface(w, h);
    if (!out)
        return NULL;
    SDL_Color accent = compose_accent(d);
    fill(out, 0, 0, w, h, PAPER);
    int y = h * 38 / 100;
    int side = unit * 18 / 100;
    draw_logo(c, d, out, (layout_rect){(w - side) / 2, y - side - unit / 30, side, side});
    const char *title = d->m->title ? d->m->title : (d->m->display_name ? d->m->display_name : "");
    int px = fit_line_px(&c->text, title, true, unit * 7 / 100, unit / 30, w * 85 / 100);
    int tw = text_measure(&c->text, px, true, title, strlen(title));
    text_draw(&c->text, out, (w - tw) / 2, y, px, true, accent, title, strlen(title));
    if (d->m->subtitle) {
        int spx = fit_line_px(&c->text, d->m->subtitle, false, px / 2, unit / 30, w * 85 / 100);
        int sw = text_measure(&c->text, spx, false, d->m->subtitle, strlen(d->m->subtitle));
        text_draw(&c->text, out, (w - sw) / 2, y + px * 16 / 10, spx, false, INK, d->m->subtitle,
                  strlen(d->m->subtitle));
    }
    return out;
}

SDL_Surface *compose_waiting(compose_ctx *c, const compose_info *info, int w, int h)
{
    SDL_Surface *out = new_surface(w, h);
    if (!out)
        return NULL;
    int unit = w < h ? w : h;
    gradient(out, (SDL_Rect){0, 0, w, h}, (SDL_Color){0x1E, 0x2A, 0x38, 0xFF},
             (SDL_Color){0x12, 0x19, 0x22, 0xFF}, false);
    int mx = w * 8 / 100;
    int y = h * 14 / 100;
    int big = unit * 7 / 100;
    SDL_Color soft = {0xB8, 0xC4, 0xD0, 0xFF}, dim = {0x7C, 0x8A, 0x99, 0xFF};
    text_draw(&c->text, out, mx, y, big, true, WHITE, "等待内容", strlen("等待内容"));
    y += big * 14 / 10;
    int mid = unit * 32 / 1000;
    text_draw(&c->text, out, mx, y, mid, false, soft,
              "Waiting for content — 本屏尚未收到可播放的内容",
              strlen("Waiting for content — 本屏尚未收到可播放的内容"));
    y += mid * 3;
    fill(out, mx, y - mid, w - 2 * mx, unit / 400 > 1 ? unit / 400 : 1, dim);
    int px = layout_text_floor(unit) * 9 / 10;
    int line = px * 18 / 10;
    int key_w = px * 21 / 2; /* fits "最近错误 Last error" with a gap */
    struct {
        const char *key;
        const char *value;
    } rows[] = {
        {"显示屏 Display", info->display_id},
        {"地址 Address", info->addresses},
        {"服务器 Server", info->server && *info->server ? info->server : "未配置 (not configured)"},
        {"内容 Content", info->content && *info->content ? info->content : "—"},
        {"最近错误 Last error", info->last_error && *info->last_error ? info->last_error : "无 (none)"},
        {"版本 Version", info->version},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *v = rows[i].value ? rows[i].value : "—";
        text_draw(&c->text, out, mx, y, px, false, dim, rows[i].key, strlen(rows[i].key));
        SDL_Color vc = (i == 4 && info->last_error && *info->last_error)
                           ? (SDL_Color){0xFF, 0xB4, 0x6B, 0xFF}
                           : WHITE;
        y = draw_wrapped(&c->text, out, v, mx + key_w, y, w - 2 * mx - key_w, px, line, false, vc,
                         false, 3);
        y += px / 2;
    }
    const char *hint = "配置 Config: /etc/campus-signage/player.conf  ·  signage-player --check";
    int hpx = px * 8 / 10;
    draw_wrapped(&c->text, out, hint, mx, h - h * 8 / 100, w - 2 * mx, hpx, hpx * 14 / 10, false,
                 dim, false, 1);
    return out;
}

SDL_Surface *compose_clock(text_ctx *t, const char *time_text, const char *date_text, int w, int h)
{
    SDL_Surface *out = new_surface(w, h);
    if (!out)
        return NULL;
    SDL_SetSurfaceBlendMode(out, SDL_BLENDMODE_BLEND);
    SDL_FillRect(out, NULL, SDL_MapRGBA(out->format, 0, 0, 0, 0));
    int tpx = h * 38 / 100, dpx = h * 20 / 100;
    int pad = h * 30 / 100;
    int block = tpx * 12 / 10 + dpx * 13 / 10;
    int y = (h - h / 22 - block) / 2;
    int tw = text_measure(t, tpx, true, time_text, strlen(time_text));
    text_draw(t, out, w - pad - tw, y, tpx, true, WHITE, time_text, strlen(time_text));
    int dw = text_measure(t, dpx, false, date_text, strlen(date_text));
    text_draw(t, out, w - pad - dw, y + tpx * 12 / 10, dpx, false,
              (SDL_Color){0xF6, 0xE2, 0xB8, 0xFF}, date_text, strlen(date_text));
    return out;
}

int compose_open(compose_ctx *c, const char *font, const char *font_bold, const char *fallbacks,
                 int64_t max_pixels, diag_list *diags)
{
    c->max_pixels = max_pixels;
    return text_open(&c->text, font, font_bold, fallbacks, diags);
}

void compose_close(compose_ctx *c)
{
    text_close(&c->text);
}

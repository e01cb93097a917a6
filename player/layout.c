#include "layout.h"

#include <string.h>

/* Proportions of the short side; chosen on a 55-inch 1080p panel viewed from
 * 1-4 m (see docs/typography.md). */
#define HEADER_FRAC 0.115
#define TICKER_FRAC 0.075

void layout_screen_compute(int w, int h, bool has_header, bool has_ticker, layout_screen *out)
{
    memset(out, 0, sizeof *out);
    out->w = w;
    out->h = h;
    out->unit = w < h ? w : h;
    out->portrait = h > w;
    int hh = has_header ? (int)(out->unit * HEADER_FRAC + 0.5) : 0;
    int th = has_ticker ? (int)(out->unit * TICKER_FRAC + 0.5) : 0;
    out->header = (layout_rect){0, 0, w, hh};
    out->ticker = (layout_rect){0, h - th, w, th};
    out->main = (layout_rect){0, hh, w, h - hh - th};
}

int layout_text_floor(int unit)
{
    int px = unit / 30;
    return px < 12 ? 12 : px;
}

int layout_body_max(int unit)
{
    return unit / 14;
}

int layout_header_title_px(int unit)
{
    return (int)(unit * 0.04 + 0.5);
}

int layout_ticker_px(int unit)
{
    return (int)(unit * 0.036 + 0.5);
}

int layout_qr_side(int unit)
{
    return (int)(unit * 0.2 + 0.5);
}

typedef struct measure_bind {
    layout_measure_fn fn;
    void *ctx;
    int px;
    bool bold;
} measure_bind;

static int measure_at(void *ctx, const char *text, size_t len)
{
    measure_bind *b = ctx;
    return b->fn(b->ctx, b->px, b->bold, text, len);
}

int layout_break(const char *text, int max_w, int px, bool bold, layout_measure_fn measure,
                 void *ctx, lb_result *out)
{
    measure_bind b = {measure, ctx, px, bold};
    return lb_break(text, strlen(text), max_w, measure_at, &b, out);
}

static int title_px_for(int body_px)
{
    return body_px * 145 / 100;
}

/* A title on several lines reads best with lines of similar length, not a
 * full line and a lone character: find the narrowest width that still gives
 * the same number of lines and break there. */
static int balance(const char *title, int box_w, measure_bind *b, lb_result *lines)
{
    if (lines->n_lines < 2 || lines->n_lines > 4)
        return 0;
    size_t want = lines->n_lines;
    int lo = box_w / 2, hi = box_w;
    while (hi - lo > 2) {
        int mid = lo + (hi - lo) / 2;
        lb_result r;
        if (lb_break(title, strlen(title), mid, measure_at, b, &r) != 0)
            return -1;
        if (r.n_lines <= want && r.max_width <= mid)
            hi = mid;
        else
            lo = mid;
        lb_result_free(&r);
    }
    if (hi >= box_w)
        return 0;
    lb_result r;
    if (lb_break(title, strlen(title), hi, measure_at, b, &r) != 0)
        return -1;
    if (r.n_lines == want) {
        lb_result_free(lines);
        *lines = r;
    } else {
        lb_result_free(&r);
    }
    return 0;
}

/* Lays out at one body size; returns the text block's height, or -1 (OOM). */
static int layout_try(const char *title, const char *body, int box_w, int body_px,
                      layout_measure_fn measure, void *ctx, layout_notice *n)
{
    lb_result_free(&n->title);
    lb_result_free(&n->body);
    n->body_px = body_px;
    n->title_px = title_px_for(body_px);
    n->title_line_h = n->title_px * 135 / 100;
    n->body_line_h = n->body_px * 165 / 100;
    n->gap = body_px;
    int h = 0;
    if (title && *title) {
        measure_bind b = {measure, ctx, n->title_px, true};
        if (lb_break(title, strlen(title), box_w, measure_at, &b, &n->title) != 0 ||
            balance(title, box_w, &b, &n->title) != 0)
            return -1;
        h += (int)n->title.n_lines * n->title_line_h;
    }
    if (body && *body) {
        measure_bind b = {measure, ctx, n->body_px, false};
        if (lb_break(body, strlen(body), box_w, measure_at, &b, &n->body) != 0)
            return -1;
        if (h)
            h += n->gap;
        h += (int)n->body.n_lines * n->body_line_h;
    }
    n->body_lines_shown = n->body.n_lines;
    n->height = h;
    return h;
}

static bool fits(const layout_notice *n, int box_w, int box_h)
{
    return n->height <= box_h && n->title.max_width <= box_w && n->body.max_width <= box_w;
}

int layout_fit_notice(const char *title, const char *body, int box_w, int box_h, int floor_px,
                      int max_px, layout_measure_fn measure, void *ctx, layout_notice *out)
{
    memset(out, 0, sizeof *out);
    if (max_px < floor_px)
        max_px = floor_px;
    /* Binary search for the largest size that fits: height is monotonic in
     * the size up to line-breaking noise, good enough to pick a size. */
    int lo = floor_px, hi = max_px, best = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (layout_try(title, body, box_w, mid, measure, ctx, out) < 0)
            return -1;
        if (fits(out, box_w, box_h)) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    int px = best >= 0 ? best : floor_px;
    if (layout_try(title, body, box_w, px, measure, ctx, out) < 0)
        return -1;
    out->at_floor = px == floor_px;
    if (best < 0) {
        /* Even the floor overflows: keep the floor (readability beats
         * completeness) and cut body lines; the organizer is warned. */
        out->overflow = true;
        int room = box_h - (int)out->title.n_lines * out->title_line_h;
        if (out->title.n_lines)
            room -= out->gap;
        size_t keep = room > 0 ? (size_t)(room / out->body_line_h) : 0;
        if (keep < out->body.n_lines)
            out->body_lines_shown = keep;
        out->height = box_h;
    }
    return 0;
}

void layout_notice_free(layout_notice *n)
{
    lb_result_free(&n->title);
    lb_result_free(&n->body);
}

layout_rect layout_fit_rect(int img_w, int img_h, layout_rect box, bool cover)
{
    if (img_w <= 0 || img_h <= 0 || box.w <= 0 || box.h <= 0)
        return (layout_rect){box.x, box.y, 0, 0};
    /* Compare aspect ratios with 64-bit cross-multiplication: exact. */
    long long lhs = (long long)img_w * box.h, rhs = (long long)img_h * box.w;
    bool width_bound = cover ? lhs < rhs : lhs >= rhs;
    int w, h;
    if (width_bound) {
        w = box.w;
        h = (int)(((long long)img_h * box.w + img_w / 2) / img_w);
    } else {
        h = box.h;
        w = (int)(((long long)img_w * box.h + img_h / 2) / img_h);
    }
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    return (layout_rect){box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h};
}

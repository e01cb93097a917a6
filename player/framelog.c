#include "framelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

struct framelog {
    framelog_frame *frames;
    size_t cap, kept, seen;
};

int framelog_open(size_t max_frames, framelog **out)
{
    framelog *f = calloc(1, sizeof *f);
    if (!f) return -1;
    f->cap = max_frames;
    /* Allocated up front: the render loop must not stall in a realloc of
     * tens of MB halfway through the run it is measuring. */
    f->frames = calloc(max_frames ? max_frames : 1, sizeof *f->frames);
    if (!f->frames) {
        free(f);
        return -1;
    }
    *out = f;
    return 0;
}

void framelog_signature(framelog_frame *fr, const void *pixels, int pitch, int w, int h,
                        int r_shift, int g_shift, int b_shift)
{
    /* Every 4th pixel of every 4th row: a 1080p area is ~100k samples, well
     * under a millisecond, and a cell's mean is still exact to a level or two. */
    for (int cy = 0; cy < FRAMELOG_GRID_H; cy++)
        for (int cx = 0; cx < FRAMELOG_GRID_W; cx++) {
            int x0 = cx * w / FRAMELOG_GRID_W, x1 = (cx + 1) * w / FRAMELOG_GRID_W;
            int y0 = cy * h / FRAMELOG_GRID_H, y1 = (cy + 1) * h / FRAMELOG_GRID_H;
            unsigned long long s[3] = {0, 0, 0}, n = 0;
            for (int y = y0; y < y1; y += 4) {
                const uint32_t *row =
                    (const uint32_t *)((const uint8_t *)pixels + (size_t)y * pitch);
                for (int x = x0; x < x1; x += 4) {
                    uint32_t p = row[x];
                    s[0] += (p >> r_shift) & 0xFF;
                    s[1] += (p >> g_shift) & 0xFF;
                    s[2] += (p >> b_shift) & 0xFF;
                    n++;
                }
            }
            uint8_t *o = fr->sig + (cy * FRAMELOG_GRID_W + cx) * 3;
            for (int k = 0; k < 3; k++)
                o[k] = n ? (uint8_t)((s[k] + n / 2) / n) : 0;
        }
    fr->has_sig = 1;
}

void framelog_add(framelog *f, const framelog_frame *fr)
{
    if (f->kept < f->cap) f->frames[f->kept++] = *fr;
    f->seen++;
}

size_t framelog_count(const framelog *f)
{
    return f->seen;
}

const framelog_frame *framelog_get(const framelog *f, size_t i)
{
    return i < f->kept ? &f->frames[i] : NULL;
}

int framelog_write(const framelog *f, const char *path, char *err, size_t errlen)
{
    /* One line per frame: t_ms cpu_us flags cur prev progress sig_hex|- ;
     * a first line "# frames SEEN kept KEPT" says whether the cap was hit. */
    size_t line = 96 + FRAMELOG_SIG * 2;
    size_t cap = 64 + f->kept * line, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    len += (size_t)snprintf(buf, cap, "# frames %zu kept %zu\n", f->seen, f->kept);
    static const char HEX[] = "0123456789abcdef";
    for (size_t i = 0; i < f->kept; i++) {
        const framelog_frame *fr = &f->frames[i];
        len += (size_t)snprintf(buf + len, cap - len, "%.3f %.0f %u %d %d %.4f ", fr->t * 1000,
                                fr->cpu * 1e6, fr->flags, fr->cur, fr->prev, fr->progress);
        if (fr->has_sig) {
            for (size_t k = 0; k < FRAMELOG_SIG; k++) {
                buf[len++] = HEX[fr->sig[k] >> 4];
                buf[len++] = HEX[fr->sig[k] & 15];
            }
        } else {
            buf[len++] = '-';
        }
        buf[len++] = '\n';
    }
    int rc = fileio_write_atomic(path, buf, len, 0, err, errlen);
    free(buf);
    return rc;
}

void framelog_free(framelog *f)
{
    if (!f) return;
    free(f->frames);
    free(f);
}

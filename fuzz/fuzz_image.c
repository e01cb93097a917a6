/* fuzz_image.c - picture sniffing, decoding and resizing (player/image.c),
 * as the player's slide composer and the server's upload check use them.
 *
 * Input: the file's bytes, then 2 trailing parameter bytes (A, B), so a
 * seed is a real picture with two bytes appended.
 *   A bits 0-1: 0 = fit inside a screen area ("contain", the default fit),
 *               1 = fill it, cropped ("cover": only the part shown is
 *                   scaled, as render/compose.c does),
 *               2 = the server's upload check (a 64x64 thumbnail decode,
 *                   server/assets.c),
 *               3 = full size, then shrink to a small size from B
 *   B bits 0-2: which screen area (landscape, portrait, square, strips)
 *
 * The pixel limit is small (2 MP) so each run stays fast; the limit itself
 * is part of what is tested (refused from the header, before decoding).
 * Checks, from image.h: a sniff of a prefix agrees with the sniff of the
 * whole; a decode never returns less than the wanted size (or the full
 * size), never more than the full size; a resized part is pixel for pixel
 * the same part of the whole picture resized. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "layout.h"

#define MAX_PIXELS (2ll * 1000 * 1000)

static const int AREAS[8][2] = {{320, 180}, {180, 320}, {128, 128}, {320, 24},
                                {24, 320},  {64, 48},   {200, 150}, {1, 1}};

static void check_image(const image_rgba *img)
{
    if (!img->pixels || img->width < 1 || img->height < 1 || img->stride < img->width * 4) abort();
}

/* The part shown of a cover-fitted picture, as compose_image_slide() has it. */
static void cover_part(layout_rect cover, int w, int h, layout_rect *shown)
{
    *shown = (layout_rect){cover.x < 0 ? -cover.x : 0, cover.y < 0 ? -cover.y : 0,
                           cover.w < w ? cover.w : w, cover.h < h ? cover.h : h};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint8_t a = data[size - 2], b = data[size - 1];
    size_t len = size - 2;
    int mode = a & 3;

    image_info info;
    char err[512];
    if (image_sniff(data, len, &info, err, sizeof err) != 0) {
        /* nothing to decode: the decoder refuses what the sniffer refuses */
        image_rgba none;
        if (image_decode(data, len, 64, 64, MAX_PIXELS, &none, err, sizeof err) == 0) abort();
        return 0;
    }
    if (info.format == IMAGE_UNKNOWN || info.width < 1 || info.height < 1 || info.width > 65535 ||
        info.height > 65535 || info.orientation < 1 || info.orientation > 8)
        abort();
    /* "len may be just its first few KiB": a prefix that is enough must say
     * the same */
    image_info part;
    if (image_sniff(data, len / 2, &part, err, sizeof err) == 0 &&
        memcmp(&part, &info, sizeof info) != 0)
        abort();

    bool swap = info.orientation >= 5;
    int iw = swap ? info.height : info.width, ih = swap ? info.width : info.height;
    int aw = AREAS[b & 7][0], ah = AREAS[b & 7][1];
    layout_rect box = {0, 0, aw, ah};
    layout_rect cover = layout_fit_rect(iw, ih, box, true);
    layout_rect contain = layout_fit_rect(iw, ih, box, false);
    layout_rect at = mode == 1 ? cover : contain;
    int want_w = at.w, want_h = at.h;
    if (mode == 2)
        want_w = want_h = 64;
    else if (mode == 3)
        want_w = want_h = 0;

    image_rgba full;
    if (image_decode(data, len, want_w, want_h, MAX_PIXELS, &full, err, sizeof err) != 0) return 0;
    check_image(&full);
    if ((long long)info.width * info.height > MAX_PIXELS)
        abort(); /* refused from the header, before decoding */
    /* never more than the full size, never less than wanted (or full) */
    if (full.width > iw || full.height > ih) abort();
    if (want_w > 0 &&
        (full.width < (want_w < iw ? want_w : iw) || full.height < (want_h < ih ? want_h : ih)))
        abort();

    image_rgba out;
    if (mode == 0 && (full.width != at.w || full.height != at.h)) {
        if (image_resize(&full, at.w, at.h, &out) == 0) {
            check_image(&out);
            if (out.width != at.w || out.height != at.h) abort();
            image_free(&out);
        }
    } else if (mode == 1) {
        layout_rect shown;
        cover_part(cover, aw, ah, &shown);
        if (image_resize_part(&full, at.w, at.h, shown.x, shown.y, shown.w, shown.h, &out) == 0) {
            check_image(&out);
            if (out.width != shown.w || out.height != shown.h) abort();
            /* the same pixels as that part of the whole, resized */
            image_rgba whole;
            if ((long long)at.w * at.h <= 4ll * 1000 * 1000 &&
                image_resize(&full, at.w, at.h, &whole) == 0) {
                for (int y = 0; y < shown.h; y++)
                    if (memcmp(out.pixels + (size_t)y * out.stride,
                               whole.pixels + (size_t)(y + shown.y) * whole.stride +
                                   (size_t)shown.x * 4,
                               (size_t)shown.w * 4) != 0)
                        abort();
                image_free(&whole);
            }
            image_free(&out);
        }
    } else if (mode == 3) {
        int rw = 1 + (b >> 3 & 7) * 9, rh = 1 + (b >> 6) * 21;
        if (image_resize(&full, rw, rh, &out) == 0) {
            check_image(&out);
            image_free(&out);
        }
    }
    image_free(&full);
    return 0;
}

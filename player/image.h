/* image.h - sniffing, decoding and downscaling pictures, without SDL.
 *
 * Runs on the preparation worker thread, never on the render thread.  The
 * pipeline for one picture:
 *   1. image_sniff() reads the type and dimensions from the first bytes
 *      (JPEG SOFn, PNG IHDR, WebP VP8/VP8L/VP8X) so an oversized picture is
 *      refused before any pixel is decoded;
 *   2. image_decode() decodes at (or just above) the size it will be shown:
 *      JPEG with libjpeg-turbo's scaled DCT (1/2, 1/4, 1/8), WebP with
 *      libwebp's built-in scaling, PNG with libpng; EXIF orientation of JPEGs
 *      is applied so phone photos stand upright;
 *   3. image_resize() brings it to the exact size with an area-averaging
 *      (box) filter for downscaling and bilinear for upscaling.
 *
 * Pixels are 8-bit RGBA, non-premultiplied, in memory order R,G,B,A
 * (SDL_PIXELFORMAT_ABGR8888 on little-endian = SDL_PIXELFORMAT_RGBA32).
 *
 * Ownership: image_rgba buffers are allocated by these functions and freed
 * with image_free().
 */
#ifndef SIGNAGE_IMAGE_H
#define SIGNAGE_IMAGE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define IMAGE_DEFAULT_MAX_PIXELS (50ll * 1000 * 1000)

typedef enum { IMAGE_UNKNOWN = 0, IMAGE_JPEG, IMAGE_PNG, IMAGE_WEBP } image_format;

typedef struct image_info {
    image_format format;
    int width, height; /* as stored (before EXIF orientation) */
    int orientation;   /* EXIF orientation 1..8 (JPEG only; 1 when absent) */
} image_info;

typedef struct image_rgba {
    int width, height;
    int stride;     /* bytes per row, >= 4 * width */
    uint8_t *pixels; /* owned */
    /* Every alpha is 255 (JPEG, opaque PNG and WebP): resizing and blitting
     * may skip the alpha work.  False is always safe. */
    bool opaque;
} image_rgba;

/* Reads format and dimensions from the start of a file held in memory
 * (`len` may be the whole file or just its first few KiB; JPEG may need more
 * to reach SOF past big EXIF blocks: pass the whole file when in doubt).
 * Returns 0 on success, -1 if the data is not a recognised picture or is
 * truncated/corrupt before the dimensions; err[errlen] says why. */
int image_sniff(const uint8_t *data, size_t len, image_info *out, char *err, size_t errlen);

/* Decodes a whole file held in memory.  `want_w` x `want_h` is the size the
 * picture will be drawn at after orientation (0 = full size); the decoder may
 * return anything >= that (or the full size if smaller), never less, so the
 * caller finishes with image_resize().  Pictures with more than `max_pixels`
 * (width*height as stored) are refused after sniffing, before decoding.
 * Returns 0 and fills *out, or -1 with a reason in err. */
int image_decode(const uint8_t *data, size_t len, int want_w, int want_h, long long max_pixels,
                 image_rgba *out, char *err, size_t errlen);

/* Resizes src into a new image of w x h (w, h >= 1).  Returns 0 or -1 (OOM). */
int image_resize(const image_rgba *src, int w, int h, image_rgba *out);

/* The part (x, y, pw, ph) of src resized to w x h, computed alone: a photo
 * cropped to fill the screen ("cover") costs only the rows and memory of
 * what is shown.  The part must lie inside w x h.  Returns 0 or -1. */
int image_resize_part(const image_rgba *src, int w, int h, int x, int y, int pw, int ph,
                      image_rgba *out);

/* Allocates a w x h image (zeroed). Returns 0 or -1. */
int image_alloc(int w, int h, image_rgba *out);

void image_free(image_rgba *img);

/* Encodes an image as a baseline JPEG (alpha ignored) into a malloc'ed
 * buffer the caller frees.  `quality` 1..100.  Returns 0 or -1 with err. */
int image_encode_jpeg(const image_rgba *img, int quality, uint8_t **out, size_t *len, char *err,
                      size_t errlen);

#endif

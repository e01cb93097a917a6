/* image.c - sniffing, decoding and resizing pictures (see image.h).
 *
 * Hostile input is the normal case here: pictures come from whoever edits the
 * deck.  Every header field is bounds-checked before use, the pixel limit is
 * applied from the header before any decoder allocates, and each decoder's
 * own error path (longjmp for libjpeg and libpng, status codes for libwebp)
 * ends in -1 with a reason instead of exit() or a half-drawn picture.
 *
 * Decisions worth knowing:
 *  - A JPEG that ends early is an error: libjpeg would pad it with gray and
 *    the lobby screen would show a half-gray photo.  Other libjpeg warnings
 *    (stray bytes between segments, common in camera files) are tolerated.
 *  - CMYK/YCCK JPEGs (print workflows) are converted to RGB here, because
 *    libjpeg-turbo cannot convert them to RGBA itself.
 *  - Animated WebP is refused, in image_sniff() already so a deck check
 *    reports it: libwebp alone does not composite animation frames, and a
 *    still export is what a lobby screen needs anyway.
 *  - EXIF orientation is read from JPEG only (as the header says).
 */
#include "image.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE */
#include <jerror.h>
#include <png.h>
#include <webp/decode.h>

/* Larger sides are refused: no lobby screen needs them, and it keeps every
 * size computation (w * 4, w * h) far from int overflow. */
#define IMAGE_MAX_SIDE 65535

/* A real progressive JPEG has about ten scans; thousands of tiny scans are a
 * known way to make libjpeg spin for minutes. */
#define JPEG_MAX_SCANS 500

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
                                                      ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const uint8_t *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | le24(p);
}

static int check_dims(const char *what, uint32_t w, uint32_t h, image_info *out, char *err,
                      size_t errlen)
{
    if (w == 0 || h == 0 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
        return fail(err, errlen,
                    "%s with impossible size %" PRIu32 "x%" PRIu32 " (each side must be 1..%d)",
                    what, w, h, IMAGE_MAX_SIDE);
    out->width = (int)w;
    out->height = (int)h;
    return 0;
}

/* ---- sniffing ---------------------------------------------------------- */

/* EXIF orientation from the body of an APP1 segment; 0 when it is not EXIF,
 * 1 when EXIF carries no usable orientation.  Every offset comes from the
 * file, so each is checked against the segment before it is followed. */
static int exif_orientation(const uint8_t *p, size_t n)
{
    if (n < 6 || memcmp(p, "Exif\0\0", 6) != 0)
        return 0;
    const uint8_t *t = p + 6; /* TIFF header; offsets are relative to it */
    size_t tn = n - 6;
    if (tn < 8)
        return 1;
    bool le;
    if (t[0] == 'I' && t[1] == 'I')
        le = true;
    else if (t[0] == 'M' && t[1] == 'M')
        le = false;
    else
        return 1;
    uint32_t (*rd16)(const uint8_t *) = le ? le16 : be16;
    uint32_t (*rd32)(const uint8_t *) = le ? le32 : be32;
    if (rd16(t + 2) != 42)
        return 1;
    uint32_t ifd = rd32(t + 4);
    if (ifd < 8 || ifd > tn || tn - ifd < 2)
        return 1;
    uint32_t count = rd16(t + ifd);
    if (count > (tn - ifd - 2) / 12)
        count = (uint32_t)((tn - ifd - 2) / 12); /* read the entries that are there */
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = t + ifd + 2 + (size_t)i * 12;
        if (rd16(e) != 0x0112)
            continue;
        uint32_t type = rd16(e + 2), v;
        if (type == 3) /* SHORT, the standard type */
            v = rd16(e + 8);
        else if (type == 4) /* LONG, written by a few tools */
            v = rd32(e + 8);
        else
            return 1;
        return v >= 1 && v <= 8 ? (int)v : 1;
    }
    return 1;
}

static bool is_sof(unsigned m)
{
    return (m >= 0xC0 && m <= 0xC3) || (m >= 0xC5 && m <= 0xC7) || (m >= 0xC9 && m <= 0xCB) ||
           (m >= 0xCD && m <= 0xCF);
}

static int sniff_jpeg(const uint8_t *d, size_t len, image_info *out, char *err, size_t errlen)
{
    bool have_exif = false;
    size_t p = 2;
    for (;;) {
        if (len - p < 2)
            return fail(err, errlen, "truncated JPEG: no frame header in %zu bytes", len);
        if (d[p] != 0xFF)
            return fail(err, errlen, "corrupt JPEG: no marker at byte %zu", p);
        unsigned m = d[p + 1];
        if (m == 0xFF) { /* fill byte */
            p++;
            continue;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* TEM, RSTn: no length */
            p += 2;
            continue;
        }
        if (m == 0xD8 || m == 0xD9 || m == 0xDA || m == 0x00)
            return fail(err, errlen, "corrupt JPEG: marker %02X before the frame header", m);
        if (len - p < 4)
            return fail(err, errlen, "truncated JPEG: no frame header in %zu bytes", len);
        size_t seg = be16(d + p + 2); /* counts itself, not the marker */
        if (seg < 2)
            return fail(err, errlen, "corrupt JPEG: segment length %zu at byte %zu", seg, p);
        if (seg > len - p - 2)
            return fail(err, errlen, "truncated JPEG: segment at byte %zu runs past the end", p);
        const uint8_t *body = d + p + 4;
        if (m == 0xE1 && !have_exif) {
            /* only the first EXIF block counts; XMP also lives in APP1 */
            int o = exif_orientation(body, seg - 2);
            if (o) {
                have_exif = true;
                out->orientation = o;
            }
        }
        if (is_sof(m)) {
            if (seg < 7)
                return fail(err, errlen, "corrupt JPEG: frame header too short");
            return check_dims("JPEG", be16(body + 3), be16(body + 1), out, err, errlen);
        }
        p += 2 + seg;
    }
}

static int sniff_png(const uint8_t *d, size_t len, image_info *out, char *err, size_t errlen)
{
    if (len < 24)
        return fail(err, errlen, "truncated PNG: %zu bytes", len);
    if (be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
        return fail(err, errlen, "corrupt PNG: it does not start with a header chunk");
    return check_dims("PNG", be32(d + 16), be32(d + 20), out, err, errlen);
}

static int sniff_webp(const uint8_t *d, size_t len, image_info *out, char *err, size_t errlen)
{
    /* RIFF size WEBP, then the first chunk: fourcc, size, payload at 20 */
    if (len < 20)
        return fail(err, errlen, "truncated WebP: %zu bytes", len);
    const uint8_t *c = d + 20;
    size_t have = len - 20;
    uint32_t csize = le32(d + 16);
    if (memcmp(d + 12, "VP8 ", 4) == 0) {
        /* frame tag (3 bytes, bit 0 clear on a key frame), start code, dims */
        if (have < 10 || csize < 10)
            return fail(err, errlen, "truncated WebP: lossy header");
        if ((c[0] & 1) || c[3] != 0x9d || c[4] != 0x01 || c[5] != 0x2a)
            return fail(err, errlen, "corrupt WebP: bad lossy frame header");
        return check_dims("WebP", le16(c + 6) & 0x3fff, le16(c + 8) & 0x3fff, out, err, errlen);
    }
    if (memcmp(d + 12, "VP8L", 4) == 0) {
        if (have < 5 || csize < 5)
            return fail(err, errlen, "truncated WebP: lossless header");
        uint32_t bits = le32(c + 1);
        if (c[0] != 0x2f || bits >> 29 != 0)
            return fail(err, errlen, "corrupt WebP: bad lossless header");
        return check_dims("WebP", (bits & 0x3fff) + 1, (bits >> 14 & 0x3fff) + 1, out, err,
                          errlen);
    }
    if (memcmp(d + 12, "VP8X", 4) == 0) {
        if (have < 10 || csize < 10)
            return fail(err, errlen, "truncated WebP: extended header");
        if (check_dims("WebP", le24(c + 4) + 1, le24(c + 7) + 1, out, err, errlen) != 0)
            return -1;
        if (c[0] & 0x02)
            return fail(err, errlen, "animated WebP is not supported: export a still picture");
        return 0;
    }
    return fail(err, errlen, "corrupt WebP: unknown first chunk");
}

int image_sniff(const uint8_t *d, size_t len, image_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    if (err && errlen)
        err[0] = '\0';
    if (!d)
        len = 0;
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        out->format = IMAGE_PNG;
        return sniff_png(d, len, out, err, errlen);
    }
    if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        out->format = IMAGE_JPEG;
        return sniff_jpeg(d, len, out, err, errlen);
    }
    if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
        out->format = IMAGE_WEBP;
        return sniff_webp(d, len, out, err, errlen);
    }
    return fail(err, errlen, "not a JPEG, PNG or WebP picture");
}

/* ---- buffers ----------------------------------------------------------- */

int image_alloc(int w, int h, image_rgba *out)
{
    memset(out, 0, sizeof *out);
    if (w < 1 || h < 1 || w > INT_MAX / 4 || (size_t)w > SIZE_MAX / 4 / (size_t)h)
        return -1;
    out->pixels = calloc((size_t)w * (size_t)h, 4);
    if (!out->pixels)
        return -1;
    out->width = w;
    out->height = h;
    out->stride = w * 4;
    return 0;
}

void image_free(image_rgba *img)
{
    if (!img)
        return;
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

/* ---- JPEG -------------------------------------------------------------- */

typedef struct jpeg_fail_ctx {
    struct jpeg_error_mgr mgr; /* first: libjpeg hands us a pointer to it */
    jmp_buf jb;
    bool truncated;
    char msg[JMSG_LENGTH_MAX];
} jpeg_fail_ctx;

static void jpeg_on_error(j_common_ptr c)
{
    jpeg_fail_ctx *e = (jpeg_fail_ctx *)c->err;
    if (e->mgr.msg_code == JERR_NO_BACKING_STORE)
        snprintf(e->msg, sizeof e->msg, "it needs too much memory to decode");
    else
        (*c->err->format_message)(c, e->msg);
    longjmp(e->jb, 1);
}

static void jpeg_on_message(j_common_ptr c, int level)
{
    jpeg_fail_ctx *e = (jpeg_fail_ctx *)c->err;
    if (level < 0 && e->mgr.msg_code == JWRN_JPEG_EOF)
        e->truncated = true;
}

static void jpeg_on_progress(j_common_ptr c)
{
    j_decompress_ptr dc = (j_decompress_ptr)c;
    if (dc->input_scan_number > JPEG_MAX_SCANS) {
        jpeg_fail_ctx *e = (jpeg_fail_ctx *)c->err;
        snprintf(e->msg, sizeof e->msg, "more than %d scans", JPEG_MAX_SCANS);
        longjmp(e->jb, 1);
    }
}

/* Adobe writes CMYK inverted (0 = full ink), which is what nearly every CMYK
 * JPEG in the wild is; without the Adobe marker, take the values as ink. */
static void cmyk_to_rgba(uint8_t *row, int w, bool inverted)
{
    for (int x = 0; x < w; x++) {
        uint8_t *p = row + (size_t)x * 4;
        unsigned k = inverted ? p[3] : 255u - p[3];
        for (int i = 0; i < 3; i++) {
            unsigned v = inverted ? p[i] : 255u - p[i];
            p[i] = (uint8_t)((v * k + 127) / 255);
        }
        p[3] = 255;
    }
}

static int decode_jpeg(const uint8_t *d, size_t len, int want_w, int want_h, long long max_pixels,
                       image_rgba *out, char *err, size_t errlen)
{
    struct jpeg_decompress_struct c;
    struct jpeg_progress_mgr progress;
    jpeg_fail_ctx e;
    memset(&e, 0, sizeof e);
    memset(&progress, 0, sizeof progress);
    c.err = jpeg_std_error(&e.mgr);
    e.mgr.error_exit = jpeg_on_error;
    e.mgr.emit_message = jpeg_on_message;
    progress.progress_monitor = jpeg_on_progress;
    /* Only the caller's *out and e are touched after a longjmp: locals
     * changed after setjmp would be indeterminate there. */
    if (setjmp(e.jb)) {
        jpeg_destroy_decompress(&c);
        image_free(out);
        return fail(err, errlen, "corrupt JPEG: %s", e.msg);
    }
    jpeg_create_decompress(&c);
    c.progress = &progress;
    jpeg_mem_src(&c, d, (unsigned long)len);
    jpeg_read_header(&c, TRUE);
    if (c.image_width == 0 || c.image_height == 0 || c.image_width > IMAGE_MAX_SIDE ||
        c.image_height > IMAGE_MAX_SIDE ||
        (long long)c.image_width * c.image_height > max_pixels) {
        jpeg_destroy_decompress(&c);
        return fail(err, errlen, "JPEG frame is %ux%u: too large or impossible", c.image_width,
                    c.image_height);
    }
    /* Progressive files keep every coefficient (2 bytes per sample) in
     * memory; 8 bytes a pixel covers 4:4:4 CMYK, and a forged file with ten
     * components fails here instead of taking a gigabyte. */
    long long cap = (long long)c.image_width * c.image_height * 8 + 16ll * 1024 * 1024;
    c.mem->max_memory_to_use = cap < LONG_MAX ? (long)cap : LONG_MAX;
    bool cmyk = c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK;
    c.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
    /* The largest DCT reduction whose output still covers the wanted size. */
    unsigned den = 8;
    for (; den >= 2; den /= 2) {
        c.scale_num = 1;
        c.scale_denom = den;
        jpeg_calc_output_dimensions(&c);
        if (want_w > 0 && want_h > 0 && c.output_width >= (unsigned)want_w &&
            c.output_height >= (unsigned)want_h)
            break;
    }
    if (den < 2)
        c.scale_denom = 1;
    jpeg_start_decompress(&c);
    if (c.output_components != 4 ||
        image_alloc((int)c.output_width, (int)c.output_height, out) != 0) {
        jpeg_destroy_decompress(&c);
        return fail(err, errlen, "out of memory for a %ux%u picture", c.output_width,
                    c.output_height);
    }
    out->opaque = true;
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = out->pixels + (size_t)c.output_scanline * (size_t)out->stride;
        if (jpeg_read_scanlines(&c, &row, 1) != 1) {
            /* a memory source never suspends; refuse to loop if it does */
            snprintf(e.msg, sizeof e.msg, "decoder stalled");
            longjmp(e.jb, 1);
        }
        if (cmyk)
            cmyk_to_rgba(row, out->width, c.saw_Adobe_marker);
    }
    if (e.truncated) {
        jpeg_destroy_decompress(&c);
        image_free(out);
        return fail(err, errlen, "corrupt JPEG: the file ends early (truncated)");
    }
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    return 0;
}

/* ---- PNG --------------------------------------------------------------- */

typedef struct png_mem {
    const uint8_t *data;
    size_t len, pos;
    char msg[200];
} png_mem;

static void png_mem_read(png_structp png, png_bytep out, png_size_t n)
{
    png_mem *m = png_get_io_ptr(png);
    if (n > m->len - m->pos)
        png_error(png, "the file ends early (truncated)");
    memcpy(out, m->data + m->pos, n);
    m->pos += n;
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_mem *m = png_get_error_ptr(png);
    snprintf(m->msg, sizeof m->msg, "%s", msg);
    png_longjmp(png, 1);
}

/* Big PNGs, row by row: libpng cannot scale while decoding, and a 50 MP
 * picture would need 200 MB at full size.  Rows are averaged into an output
 * k times smaller (k whole, so the result stays >= the wanted size), so the
 * memory is one source row plus the output.  Interlaced files (rows arrive in
 * seven passes) take the full-size path.
 * Returns 0 done, 1 not applicable (use the full-size path), -1 error. */
static int decode_png_reduced(const uint8_t *d, size_t len, int k, long long max_pixels,
                              image_rgba *out, char *err, size_t errlen)
{
    png_mem m = {d, len, 0, ""};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &m, png_on_error,
                                             png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* assigned after setjmp and freed after a longjmp: volatile */
    uint8_t *volatile row = NULL;
    uint64_t *volatile acc = NULL;
    volatile int result = -1;
    memset(out, 0, sizeof *out);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return fail(err, errlen, "out of memory");
    }
    if (setjmp(png_jmpbuf(png))) {
        fail(err, errlen, "corrupt PNG: %s", m.msg);
        image_free(out);
        goto done;
    }
    png_set_read_fn(png, &m, png_mem_read);
    png_read_info(png, info);
    png_uint_32 sw32 = png_get_image_width(png, info), sh32 = png_get_image_height(png, info);
    if (sw32 > IMAGE_MAX_SIDE || sh32 > IMAGE_MAX_SIDE ||
        (long long)sw32 * sh32 > max_pixels) {
        fail(err, errlen, "PNG is %" PRIu32 "x%" PRIu32 ": too large", (uint32_t)sw32,
             (uint32_t)sh32);
        goto done;
    }
    if (png_get_interlace_type(png, info) != PNG_INTERLACE_NONE) {
        result = 1;
        goto done;
    }
    int color = png_get_color_type(png, info);
    png_set_expand(png); /* palette, low-bit gray and tRNS to 8-bit channels + alpha */
    png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    /* sRGB output with the file's gAMA honoured, as the simplified API does */
    png_set_alpha_mode(png, PNG_ALPHA_PNG, PNG_DEFAULT_sRGB);
    png_read_update_info(png, info);
    int sw = (int)sw32, sh = (int)sh32;
    if (png_get_rowbytes(png, info) != (size_t)sw * 4) {
        result = 1;
        goto done;
    }
    int ow = (sw + k - 1) / k, oh = (sh + k - 1) / k;
    row = malloc((size_t)sw * 4);
    acc = calloc((size_t)ow * 4, sizeof *acc);
    if (!row || !acc || image_alloc(ow, oh, out) != 0) {
        fail(err, errlen, "out of memory");
        goto done;
    }
    for (int y = 0; y < sh; y++) {
        png_read_row(png, row, NULL);
        for (int x = 0; x < sw; x++) {
            const uint8_t *p = row + (size_t)x * 4;
            uint64_t *q = acc + (size_t)(x / k) * 4;
            /* premultiplied, so transparent pixels lend no colour */
            q[0] += (uint64_t)p[0] * p[3];
            q[1] += (uint64_t)p[1] * p[3];
            q[2] += (uint64_t)p[2] * p[3];
            q[3] += p[3];
        }
        if ((y + 1) % k == 0 || y + 1 == sh) {
            int rows = y % k + 1;
            uint8_t *o = out->pixels + (size_t)(y / k) * (size_t)out->stride;
            for (int ox = 0; ox < ow; ox++) {
                uint64_t *q = acc + (size_t)ox * 4;
                int cols = ox == ow - 1 ? sw - ox * k : k;
                uint64_t n = (uint64_t)rows * (uint64_t)cols;
                o[ox * 4 + 3] = (uint8_t)((q[3] + n / 2) / n);
                if (q[3]) {
                    o[ox * 4 + 0] = (uint8_t)((q[0] + q[3] / 2) / q[3]);
                    o[ox * 4 + 1] = (uint8_t)((q[1] + q[3] / 2) / q[3]);
                    o[ox * 4 + 2] = (uint8_t)((q[2] + q[3] / 2) / q[3]);
                }
            }
            memset(acc, 0, (size_t)ow * 4 * sizeof *acc);
        }
    }
    result = 0;
done:
    free(row);
    free(acc);
    png_destroy_read_struct(&png, &info, NULL);
    return result;
}

static int decode_png(const uint8_t *d, size_t len, long long max_pixels, image_rgba *out,
                      char *err, size_t errlen)
{
    png_image p;
    memset(&p, 0, sizeof p);
    p.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&p, d, len))
        return fail(err, errlen, "corrupt PNG: %s", p.message);
    if (p.width > IMAGE_MAX_SIDE || p.height > IMAGE_MAX_SIDE ||
        (long long)p.width * p.height > max_pixels) {
        png_image_free(&p);
        return fail(err, errlen, "PNG is %" PRIu32 "x%" PRIu32 ": too large", (uint32_t)p.width,
                    (uint32_t)p.height);
    }
    bool has_alpha = (p.format & PNG_FORMAT_FLAG_ALPHA) != 0; /* tRNS included */
    p.format = PNG_FORMAT_RGBA;
    /* Untagged 16-bit files are sRGB in practice (and in browsers); libpng
     * would take them as linear and brighten them, unlike the reduced path. */
    p.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    if (image_alloc((int)p.width, (int)p.height, out) != 0) {
        png_image_free(&p);
        return fail(err, errlen, "out of memory for a %" PRIu32 "x%" PRIu32 " picture",
                    (uint32_t)p.width, (uint32_t)p.height);
    }
    if (!png_image_finish_read(&p, NULL, out->pixels, out->stride, NULL)) {
        image_free(out);
        png_image_free(&p);
        return fail(err, errlen, "corrupt PNG: %s", p.message);
    }
    out->opaque = !has_alpha;
    return 0;
}

/* ---- WebP -------------------------------------------------------------- */

static const char *webp_status(VP8StatusCode s)
{
    switch (s) {
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "suspended";
    case VP8_STATUS_USER_ABORT: return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "the file ends early (truncated)";
    default: return "unknown error";
    }
}

static int decode_webp(const uint8_t *d, size_t len, int want_w, int want_h, long long max_pixels,
                       image_rgba *out, char *err, size_t errlen)
{
    WebPDecoderConfig cfg;
    if (!WebPInitDecoderConfig(&cfg))
        return fail(err, errlen, "WebP decoder version mismatch");
    VP8StatusCode st = WebPGetFeatures(d, len, &cfg.input);
    if (st != VP8_STATUS_OK)
        return fail(err, errlen, "corrupt WebP: %s", webp_status(st));
    if (cfg.input.has_animation)
        return fail(err, errlen, "animated WebP is not supported: export a still picture");
    long long w = cfg.input.width, h = cfg.input.height;
    if (w < 1 || h < 1 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE || w * h > max_pixels)
        return fail(err, errlen, "WebP is %lldx%lld: too large or impossible", w, h);
    /* Scale keeping the aspect so that both sides cover the wanted size; the
     * side that sets the scale lands on it exactly, the other rounds up. */
    long long ow = w, oh = h;
    if (want_w > 0 && want_h > 0 && want_w < w && want_h < h) {
        if (want_w * h >= want_h * w) { /* width is the tighter side */
            ow = want_w;
            oh = (h * want_w + w - 1) / w;
        } else {
            oh = want_h;
            ow = (w * want_h + h - 1) / h;
        }
    }
    if (image_alloc((int)ow, (int)oh, out) != 0)
        return fail(err, errlen, "out of memory for a %lldx%lld picture", ow, oh);
    out->opaque = !cfg.input.has_alpha;
    if (ow != w || oh != h) {
        cfg.options.use_scaling = 1;
        cfg.options.scaled_width = (int)ow;
        cfg.options.scaled_height = (int)oh;
    }
    cfg.output.colorspace = MODE_RGBA;
    cfg.output.is_external_memory = 1;
    cfg.output.u.RGBA.rgba = out->pixels;
    cfg.output.u.RGBA.stride = out->stride;
    cfg.output.u.RGBA.size = (size_t)out->stride * (size_t)out->height;
    st = WebPDecode(d, len, &cfg);
    WebPFreeDecBuffer(&cfg.output); /* external memory: releases nothing of ours */
    if (st != VP8_STATUS_OK) {
        image_free(out);
        return fail(err, errlen, "corrupt WebP: %s", webp_status(st));
    }
    return 0;
}

/* ---- orientation and the decode entry point ---------------------------- */

/* EXIF orientation 2..8 by remapping pixels into a new buffer. */
static int orient(image_rgba *img, int o)
{
    if (o <= 1 || o > 8)
        return 0;
    bool swap = o >= 5;
    int W = img->width, H = img->height;
    image_rgba r;
    if (image_alloc(swap ? H : W, swap ? W : H, &r) != 0)
        return -1;
    r.opaque = img->opaque;
    for (int y = 0; y < H; y++) {
        const uint8_t *src = img->pixels + (size_t)y * (size_t)img->stride;
        for (int x = 0; x < W; x++) {
            int nx, ny;
            switch (o) {
            case 2: nx = W - 1 - x; ny = y; break;
            case 3: nx = W - 1 - x; ny = H - 1 - y; break;
            case 4: nx = x; ny = H - 1 - y; break;
            case 5: nx = y; ny = x; break;
            case 6: nx = H - 1 - y; ny = x; break;
            case 7: nx = H - 1 - y; ny = W - 1 - x; break;
            default: nx = y; ny = W - 1 - x; break; /* 8 */
            }
            memcpy(r.pixels + (size_t)ny * (size_t)r.stride + (size_t)nx * 4, src + (size_t)x * 4,
                   4);
        }
    }
    image_free(img);
    *img = r;
    return 0;
}

int image_decode(const uint8_t *data, size_t len, int want_w, int want_h, long long max_pixels,
                 image_rgba *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    image_info info;
    if (image_sniff(data, len, &info, err, errlen) != 0)
        return -1;
    if ((long long)info.width * info.height > max_pixels)
        return fail(err, errlen, "picture is %dx%d: too large (the limit is %lld pixels)",
                    info.width, info.height, max_pixels);
    if (want_w <= 0 || want_h <= 0)
        want_w = want_h = 0;
    /* want is in oriented coordinates; decoders work in stored ones */
    if (info.orientation >= 5) {
        int t = want_w;
        want_w = want_h;
        want_h = t;
    }
    int r;
    if (info.format == IMAGE_JPEG) {
        r = decode_jpeg(data, len, want_w, want_h, max_pixels, out, err, errlen);
    } else if (info.format == IMAGE_PNG) {
        /* whole reduction factor that keeps the result >= the wanted size */
        int k = 1;
        if (want_w > 0) {
            int kx = info.width / want_w, ky = info.height / want_h;
            k = kx < ky ? kx : ky;
        }
        r = k >= 2 ? decode_png_reduced(data, len, k, max_pixels, out, err, errlen) : 1;
        if (r == 1)
            r = decode_png(data, len, max_pixels, out, err, errlen);
    } else {
        r = decode_webp(data, len, want_w, want_h, max_pixels, out, err, errlen);
    }
    if (r == 0 && orient(out, info.orientation) != 0) {
        image_free(out);
        return fail(err, errlen, "out of memory turning the picture upright");
    }
    return r;
}

/* ---- resizing ---------------------------------------------------------- */

/* One axis of a separable filter, for the outputs first .. first + n - 1 of
 * a scale to `to` pixels: output first + i takes source pixels start[i] ..
 * start[i] + count[i] - 1 with weights w[i * taps ...]; the weights of one
 * output add up to 1, and starts never decrease.  Only the outputs of the
 * part wanted are made: a cover-fitted 65535x1 picture is tens of millions
 * of pixels wide at screen height, of which a screen's width is shown. */
typedef struct axis_filter {
    int taps;
    int *start, *count;
    float *w;
} axis_filter;

static void axis_free(axis_filter *a)
{
    free(a->start);
    free(a->count);
    free(a->w);
}

/* Shrinking: box filter, each source pixel weighted by the fraction of it
 * the output pixel covers.  Enlarging: bilinear between pixel centres,
 * clamped at the edges. */
static int axis_make(int from, int to, int first, int n, axis_filter *a)
{
    memset(a, 0, sizeof *a);
    bool box = to <= from;
    double scale = (double)from / to;
    a->taps = box ? (int)ceil(scale) + 1 : 2;
    a->start = malloc((size_t)n * sizeof *a->start);
    a->count = malloc((size_t)n * sizeof *a->count);
    a->w = calloc((size_t)n * (size_t)a->taps, sizeof *a->w);
    if (!a->start || !a->count || !a->w) {
        axis_free(a);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        int i = first + k; /* the output pixel; entries are indexed by k */
        float *w = a->w + (size_t)k * a->taps;
        if (box) {
            double lo = (double)i * from / to, hi = (double)(i + 1) * from / to;
            int s = (int)lo, e = (int)ceil(hi);
            if (e > from)
                e = from;
            if (s + a->taps < e)
                e = s + a->taps; /* cannot happen; keeps the table in bounds */
            /* a sliver of a pixel at either end is rounding, not coverage */
            while (s < e - 1 && (s + 1) - lo < 1e-9)
                s++;
            while (e - 1 > s && hi - (e - 1) < 1e-9)
                e--;
            a->start[k] = s;
            a->count[k] = e - s;
            for (int j = s; j < e; j++) {
                double c = (j + 1 < hi ? j + 1 : hi) - (j > lo ? j : lo);
                w[j - s] = (float)(c / scale);
            }
        } else {
            double c = (i + 0.5) * scale - 0.5;
            int s = (int)floor(c);
            float t = (float)(c - s);
            if (s < 0) {
                a->start[k] = 0;
                a->count[k] = 1;
                w[0] = 1;
            } else if (s >= from - 1) {
                a->start[k] = from - 1;
                a->count[k] = 1;
                w[0] = 1;
            } else {
                a->start[k] = s;
                a->count[k] = 2;
                w[0] = 1 - t;
                w[1] = t;
            }
        }
    }
    return 0;
}

/* One source row: premultiply (colour * alpha) the columns the w outputs of
 * hx take, then filter horizontally. */
static void resize_row(const uint8_t *src, const axis_filter *hx, int w, bool opaque, float *prem,
                       float *dst)
{
    int x0 = hx->start[0], x1 = 0; /* starts never decrease; ends are taken as they come */
    for (int ox = 0; ox < w; ox++)
        if (hx->start[ox] + hx->count[ox] > x1)
            x1 = hx->start[ox] + hx->count[ox];
    if (opaque) { /* alpha is 255 everywhere: nothing to premultiply */
        for (int x = x0 * 4; x < x1 * 4; x++)
            prem[x] = src[x];
    } else {
        for (int x = x0; x < x1; x++) {
            const uint8_t *p = src + (size_t)x * 4;
            float a = p[3];
            prem[x * 4 + 0] = p[0] * a;
            prem[x * 4 + 1] = p[1] * a;
            prem[x * 4 + 2] = p[2] * a;
            prem[x * 4 + 3] = a;
        }
    }
    for (int ox = 0; ox < w; ox++) {
        const float *wt = hx->w + (size_t)ox * hx->taps;
        const float *p = prem + (size_t)hx->start[ox] * 4;
        float r = 0, g = 0, b = 0, a = 0;
        for (int k = 0; k < hx->count[ox]; k++, p += 4) {
            r += wt[k] * p[0];
            g += wt[k] * p[1];
            b += wt[k] * p[2];
            a += wt[k] * p[3];
        }
        float *q = dst + (size_t)ox * 4;
        q[0] = r;
        q[1] = g;
        q[2] = b;
        q[3] = a;
    }
}

static uint8_t to_byte(float v)
{
    return v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)(v + 0.5f);
}

/* Separable: each source row is premultiplied and filtered horizontally
 * once, and each output row is the weighted sum of its filtered rows,
 * un-premultiplied.  Rows are added as soon as they are filtered; two cached
 * rows cover the ones consecutive output rows share (the boundary row of a
 * box, both rows of a bilinear step), so memory stays a few rows however
 * large the reduction. */
int image_resize(const image_rgba *src, int w, int h, image_rgba *out)
{
    return image_resize_part(src, w, h, 0, 0, w, h, out);
}

int image_resize_part(const image_rgba *src, int w, int h, int px, int py, int pw, int ph,
                      image_rgba *out)
{
    memset(out, 0, sizeof *out);
    if (!src || !src->pixels || src->width < 1 || src->height < 1 ||
        src->width > INT_MAX / 4 || src->stride < src->width * 4 || w < 1 || h < 1 || px < 0 ||
        py < 0 || pw < 1 || ph < 1 || px > w - pw || py > h - ph)
        return -1;
    if (image_alloc(pw, ph, out) != 0)
        return -1;
    out->opaque = src->opaque;
    int sw = src->width, sh = src->height;
    if (sw == w && sh == h) {
        for (int y = 0; y < ph; y++)
            memcpy(out->pixels + (size_t)y * (size_t)out->stride,
                   src->pixels + (size_t)(y + py) * (size_t)src->stride + (size_t)px * 4,
                   (size_t)pw * 4);
        return 0;
    }
    /* Filters and rows for the part only: memory and time follow what is
     * shown, not the size it is a part of. */
    axis_filter hx, vy;
    if (axis_make(sw, w, px, pw, &hx) != 0) {
        image_free(out);
        return -1;
    }
    if (axis_make(sh, h, py, ph, &vy) != 0) {
        axis_free(&hx);
        image_free(out);
        return -1;
    }
    size_t rowf = (size_t)pw * 4;
    float *prem = malloc((size_t)sw * 4 * sizeof *prem);
    float *cache = malloc(rowf * 2 * sizeof *cache);
    float *acc = malloc(rowf * sizeof *acc);
    int cached[2] = {-1, -1}; /* source row held by each cache slot */
    int ret = -1;
    if (!prem || !cache || !acc)
        goto done;
    for (int oy = 0; oy < ph; oy++) {
        const float *wt = vy.w + (size_t)oy * vy.taps;
        memset(acc, 0, rowf * sizeof *acc);
        for (int k = 0; k < vy.count[oy]; k++) {
            int sy = vy.start[oy] + k;
            /* rows come in increasing order: the older slot is never needed */
            int slot = cached[0] == sy ? 0 : cached[1] == sy ? 1 : cached[0] < cached[1] ? 0 : 1;
            float *r = cache + (size_t)slot * rowf;
            if (cached[slot] != sy) {
                resize_row(src->pixels + (size_t)sy * (size_t)src->stride, &hx, pw, src->opaque,
                           prem, r);
                cached[slot] = sy;
            }
            for (size_t i = 0; i < rowf; i++)
                acc[i] += wt[k] * r[i];
        }
        uint8_t *dst = out->pixels + (size_t)oy * (size_t)out->stride;
        if (src->opaque) { /* no division by alpha */
            for (int i = 0; i < pw * 4; i++)
                dst[i] = to_byte(acc[i]);
            continue;
        }
        for (int ox = 0; ox < pw; ox++) {
            const float *q = acc + (size_t)ox * 4;
            uint8_t *p = dst + (size_t)ox * 4;
            p[3] = to_byte(q[3]);
            if (p[3] == 0)
                continue; /* calloc left it transparent black */
            float inv = 1.0f / q[3]; /* one division, not three */
            p[0] = to_byte(q[0] * inv);
            p[1] = to_byte(q[1] * inv);
            p[2] = to_byte(q[2] * inv);
        }
    }
    ret = 0;
done:
    free(prem);
    free(cache);
    free(acc);
    axis_free(&hx);
    axis_free(&vy);
    if (ret != 0)
        image_free(out);
    return ret;
}

int image_encode_jpeg(const image_rgba *img, int quality, uint8_t **out, size_t *len, char *err,
                      size_t errlen)
{
    struct jpeg_compress_struct c;
    jpeg_fail_ctx e;
    memset(&e, 0, sizeof e);
    c.err = jpeg_std_error(&e.mgr);
    e.mgr.error_exit = jpeg_on_error;
    /* libjpeg fills the buffer pointer after setjmp: it lives on the heap
     * so it is still valid to read after a longjmp */
    struct dest {
        unsigned char *buf;
        unsigned long size;
    } *d = calloc(1, sizeof *d);
    uint8_t *row = malloc((size_t)img->width * 3);
    if (!row || !d) {
        free(row);
        free(d);
        return fail(err, errlen, "out of memory");
    }
    if (setjmp(e.jb)) {
        jpeg_destroy_compress(&c);
        free(d->buf);
        free(d);
        free(row);
        return fail(err, errlen, "JPEG encoding failed: %s", e.msg);
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &d->buf, &d->size);
    c.image_width = (JDIMENSION)img->width;
    c.image_height = (JDIMENSION)img->height;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        const uint8_t *src = img->pixels + (size_t)c.next_scanline * (size_t)img->stride;
        for (int x = 0; x < img->width; x++)
            memcpy(row + (size_t)x * 3, src + (size_t)x * 4, 3);
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&c, rows, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    *out = d->buf;
    *len = d->size;
    free(d);
    return 0;
}

#include "image.h"

#include <stdbool.h>
#include <stdio.h>

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* EXIF orientation from an APP1 segment; 1 when absent or unreadable. */
static int exif_orientation(const uint8_t *p, size_t n)
{
    if (n < 14 || memcmp(p, "Exif\0\0", 6) != 0)
        return 1;
    const uint8_t *t = p + 6;
    size_t tn = n - 6;
    bool le = t[0] == 'I' && t[1] == 'I';
    if (!le && !(t[0] == 'M' && t[1] == 'M'))
        return 1;
#define RD16(q) (le ? (uint16_t)((q)[0] | (q)[1] << 8) : be16(q))
#define RD32(q) (le ? (uint32_t)((q)[0] | (q)[1] << 8 | (q)[2] << 16 | (uint32_t)(q)[3] << 24) : be32(q))
    uint32_t ifd = RD32(t + 4);
    if (ifd > tn - 2)
        return 1;
    uint16_t count = RD16(t + ifd);
    for (uint32_t i = 0; i < count; i++) {
        size_t e = ifd + 2 + (size_t)i * 12;
        if (e + 12 > tn)
            return 1;
        if (RD16(t + e) == 0x0112) {
            uint16_t v = RD16(t + e + 8);
            return v >= 1 && v <= 8 ? v : 1;
        }
    }
    return 1;
#undef RD16
#undef RD32
}

int image_sniff(const uint8_t *d, size_t len, image_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    if (len >= 24 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
        out->format = IMAGE_PNG;
        uint32_t w = be32(d + 16), h = be32(d + 20);
        if (w == 0 || h == 0 || w > 65535 || h > 65535) {
            snprintf(err, errlen, "PNG with impossible size %ux%u", w, h);
            return -1;
        }
        out->width = (int)w;
        out->height = (int)h;
        return 0;
    }
    if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8) {
        out->format = IMAGE_JPEG;
        size_t p = 2;
        while (p + 4 <= len) {
            if (d[p] != 0xFF) {
                snprintf(err, errlen, "corrupt JPEG: bad marker");
                return -1;
            }
            uint8_t m = d[p + 1];
            if (m == 0xFF) {
                p++;
                continue;
            }
            if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
                p += 2;
                continue;
            }
            size_t seg = be16(d + p + 2);
            if (seg < 2 || p + 2 + seg > len)
                break;
            if (m == 0xE1)
                out->orientation = exif_orientation(d + p + 4, seg - 2);
            if ((m >= 0xC0 && m <= 0xC3) || (m >= 0xC5 && m <= 0xC7) || (m >= 0xC9 && m <= 0xCB) ||
                (m >= 0xCD && m <= 0xCF)) {
                if (seg < 7)
                    break;
                out->height = be16(d + p + 5);
                out->width = be16(d + p + 7);
                if (!out->width || !out->height) {
                    snprintf(err, errlen, "JPEG with impossible size");
                    return -1;
                }
                return 0;
            }
            p += 2 + seg;
        }
        snprintf(err, errlen, "truncated or corrupt JPEG: no size found");
        return -1;
    }
    if (len >= 30 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
        out->format = IMAGE_WEBP;
        int w, h;
        if (!WebPGetInfo(d, len, &w, &h)) {
            snprintf(err, errlen, "corrupt WebP");
            return -1;
        }
        out->width = w;
        out->height = h;
        return 0;
    }
    snprintf(err, errlen, "not a JPEG, PNG or WebP picture");
    return -1;
}

int image_alloc(int w, int h, image_rgba *out)
{
    memset(out, 0, sizeof *out);
    if (w < 1 || h < 1 || (size_t)w > SIZE_MAX / 4 / (size_t)h)
        return -1;
    out->pixels = calloc((size_t)w * h, 4);
    if (!out->pixels)
        return -1;
    out->width = w;
    out->height = h;
    out->stride = w * 4;
    return 0;
}

void image_free(image_rgba *img)
{
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

struct jerr {
    struct jpeg_error_mgr mgr;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr c)
{
    struct jerr *e = (struct jerr *)c->err;
    (*c->err->format_message)(c, e->msg);
    longjmp(e->jb, 1);
}

static void jpeg_quiet(j_common_ptr c, int level)
{
    (void)c;
    (void)level;
}

static int decode_jpeg(const uint8_t *d, size_t len, int want_w, int want_h, image_rgba *out,
                       char *err, size_t errlen)
{
    struct jpeg_decompress_struct c;
    struct jerr e;
    memset(out, 0, sizeof *out);
    c.err = jpeg_std_error(&e.mgr);
    e.mgr.error_exit = jpeg_fail;
    e.mgr.emit_message = jpeg_quiet;
    image_rgba img = {0};
    if (setjmp(e.jb)) {
        snprintf(err, errlen, "corrupt JPEG: %s", e.msg);
        jpeg_destroy_decompress(&c);
        image_free(&img);
        return -1;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, d, (unsigned long)len);
    jpeg_read_header(&c, TRUE);
    c.out_color_space = JCS_EXT_RGBA;
    /* Largest DCT reduction that keeps the output at least the wanted size. */
    c.scale_num = 1;
    c.scale_denom = 1;
    for (unsigned den = 8; den >= 2 && want_w > 0 && want_h > 0; den /= 2)
        if (c.image_width / den >= (unsigned)want_w && c.image_height / den >= (unsigned)want_h) {
            c.scale_denom = den;
            break;
        }
    jpeg_start_decompress(&c);
    if (image_alloc((int)c.output_width, (int)c.output_height, &img) != 0) {
        snprintf(err, errlen, "out of memory for a %ux%u picture", c.output_width,
                 c.output_height);
        jpeg_destroy_decompress(&c);
        return -1;
    }
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = img.pixels + (size_t)c.output_scanline * img.stride;
        jpeg_read_scanlines(&c, &row, 1);
    }
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    *out = img;
    return 0;
}

/* Big PNGs, row by row: libpng cannot scale while decoding, and a 50 MP
 * picture would need 200 MB at full size.  Rows are averaged into an output
 * k times smaller (k whole, so the result stays >= the wanted size), so the
 * memory is one source row plus the output.  Interlaced files (rows arrive in
 * seven passes) take the full-size path. */
typedef struct png_mem {
    const uint8_t *data;
    size_t len, pos;
} png_mem;

static void png_mem_read(png_structp png, png_bytep out, png_size_t n)
{
    png_mem *m = png_get_io_ptr(png);
    if (n > m->len - m->pos)
        png_error(png, "truncated");
    memcpy(out, m->data + m->pos, n);
    m->pos += n;
}

static void png_quiet(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void png_fail(png_structp png, png_const_charp msg)
{
    snprintf(png_get_error_ptr(png), 200, "%s", msg);
    png_longjmp(png, 1);
}

/* Returns 0 done, 1 not applicable (use the full-size path), -1 error. */
static int decode_png_reduced(const uint8_t *d, size_t len, int k, image_rgba *out, char *err,
                              size_t errlen)
{
    char msg[200] = "";
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, msg, png_fail, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* assigned after setjmp and freed after a longjmp: volatile */
    uint8_t *volatile row = NULL;
    uint64_t *volatile acc = NULL;
    volatile int result = -1;
    memset(out, 0, sizeof *out);
    if (!info) {
        snprintf(err, errlen, "out of memory");
        png_destroy_read_struct(&png, NULL, NULL);
        return -1;
    }
    png_mem m = {d, len, 0};
    if (setjmp(png_jmpbuf(png))) {
        snprintf(err, errlen, "corrupt PNG: %s", msg);
        image_free(out);
        goto done;
    }
    png_set_read_fn(png, &m, png_mem_read);
    png_read_info(png, info);
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
    png_read_update_info(png, info);
    int sw = (int)png_get_image_width(png, info), sh = (int)png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != (size_t)sw * 4) {
        result = 1;
        goto done;
    }
    int ow = (sw + k - 1) / k, oh = (sh + k - 1) / k;
    row = malloc((size_t)sw * 4);
    acc = calloc((size_t)ow * 4, sizeof *acc);
    if (!row || !acc || image_alloc(ow, oh, out) != 0) {
        snprintf(err, errlen, "out of memory");
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
            uint8_t *o = out->pixels + (size_t)(y / k) * out->stride;
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

static int decode_png(const uint8_t *d, size_t len, image_rgba *out, char *err, size_t errlen)
{
    png_image p;
    memset(&p, 0, sizeof p);
    p.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&p, d, len)) {
        snprintf(err, errlen, "corrupt PNG: %s", p.message);
        return -1;
    }
    p.format = PNG_FORMAT_RGBA;
    if (image_alloc((int)p.width, (int)p.height, out) != 0) {
        png_image_free(&p);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!png_image_finish_read(&p, NULL, out->pixels, out->stride, NULL)) {
        snprintf(err, errlen, "corrupt PNG: %s", p.message);
        image_free(out);
        return -1;
    }
    return 0;
}

static int decode_webp(const uint8_t *d, size_t len, int want_w, int want_h, const image_info *info,
                       image_rgba *out, char *err, size_t errlen)
{
    int w = info->width, h = info->height;
    if (want_w > 0 && want_h > 0 && want_w < w && want_h < h) {
        /* scale keeping the aspect, never below the wanted size */
        double s = (double)want_w / w > (double)want_h / h ? (double)want_w / w : (double)want_h / h;
        w = (int)(w * s + 0.999);
        h = (int)(h * s + 0.999);
    }
    if (image_alloc(w, h, out) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    WebPDecoderConfig cfg;
    WebPInitDecoderConfig(&cfg);
    if (w != info->width) {
        cfg.options.use_scaling = 1;
        cfg.options.scaled_width = w;
        cfg.options.scaled_height = h;
    }
    cfg.output.colorspace = MODE_RGBA;
    cfg.output.is_external_memory = 1;
    cfg.output.u.RGBA.rgba = out->pixels;
    cfg.output.u.RGBA.stride = out->stride;
    cfg.output.u.RGBA.size = (size_t)out->stride * h;
    if (WebPDecode(d, len, &cfg) != VP8_STATUS_OK) {
        snprintf(err, errlen, "corrupt WebP");
        image_free(out);
        return -1;
    }
    return 0;
}

/* Applies EXIF orientation (1..8) by remapping pixels. */
static int orient(image_rgba *img, int o)
{
    if (o <= 1 || o > 8)
        return 0;
    bool swap = o >= 5;
    image_rgba r;
    if (image_alloc(swap ? img->height : img->width, swap ? img->width : img->height, &r) != 0)
        return -1;
    int W = img->width, H = img->height;
    for (int y = 0; y < H; y++) {
        const uint32_t *src = (const uint32_t *)(img->pixels + (size_t)y * img->stride);
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
            ((uint32_t *)(r.pixels + (size_t)ny * r.stride))[nx] = src[x];
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
    if ((long long)info.width * info.height > max_pixels) {
        snprintf(err, errlen, "picture is %dx%d, more than the limit of %lld pixels: too large",
                 info.width, info.height, max_pixels);
        return -1;
    }
    /* want is in oriented coordinates; decoders work in stored ones */
    if (info.orientation >= 5) {
        int t = want_w;
        want_w = want_h;
        want_h = t;
    }
    int r;
    if (info.format == IMAGE_JPEG)
        r = decode_jpeg(data, len, want_w, want_h, out, err, errlen);
    else if (info.format == IMAGE_PNG)
    {
        /* whole reduction factor that keeps the result >= the wanted size */
        int k = 1;
        if (want_w > 0 && want_h > 0) {
            int kx = info.width / want_w, ky = info.height / want_h;
            k = kx < ky ? kx : ky;
        }
        r = k >= 2 ? decode_png_reduced(data, len, k, out, err, errlen) : 1;
        if (r == 1)
            r = decode_png(data, len, out, err, errlen);
    }
    else
        r = decode_webp(data, len, want_w, want_h, &info, out, err, errlen);
    if (r == 0 && orient(out, info.orientation) != 0) {
        image_free(out);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return r;
}

/* Per output index: the source span [lo, hi) in 1/256 px, for box filtering. */
int image_resize(const image_rgba *src, int w, int h, image_rgba *out)
{
    if (image_alloc(w, h, out) != 0)
        return -1;
    int sw = src->width, sh = src->height;
    double fx = (double)sw / w, fy = (double)sh / h;
    bool shrink = fx >= 1.0 && fy >= 1.0;
    float *acc = shrink ? calloc((size_t)w * 4, sizeof *acc) : NULL;
    if (shrink && !acc) {
        image_free(out);
        return -1;
    }
    for (int oy = 0; oy < h; oy++) {
        uint8_t *dst = out->pixels + (size_t)oy * out->stride;
        if (shrink) {
            /* area average, premultiplied so transparent pixels don't bleed */
            double y0 = oy * fy, y1 = y0 + fy;
            memset(acc, 0, (size_t)w * 4 * sizeof *acc);
            double wsum_y = 0;
            for (int sy = (int)y0; sy < (int)(y1 + 0.999999) && sy < sh; sy++) {
                double wy = (sy + 1 < y1 ? sy + 1 : y1) - (sy > y0 ? sy : y0);
                if (wy <= 0)
                    continue;
                wsum_y += wy;
                const uint8_t *row = src->pixels + (size_t)sy * src->stride;
                for (int ox = 0; ox < w; ox++) {
                    double x0 = ox * fx, x1 = x0 + fx;
                    float r = 0, g = 0, b = 0, a = 0;
                    for (int sx = (int)x0; sx < (int)(x1 + 0.999999) && sx < sw; sx++) {
                        double wx = (sx + 1 < x1 ? sx + 1 : x1) - (sx > x0 ? sx : x0);
                        if (wx <= 0)
                            continue;
                        const uint8_t *p = row + sx * 4;
                        float al = p[3] * (float)wx;
                        r += p[0] * al;
                        g += p[1] * al;
                        b += p[2] * al;
                        a += al;
                    }
                    float *q = acc + ox * 4;
                    q[0] += r * (float)wy;
                    q[1] += g * (float)wy;
                    q[2] += b * (float)wy;
                    q[3] += a * (float)wy;
                }
            }
            for (int ox = 0; ox < w; ox++) {
                float *q = acc + ox * 4;
                float area = (float)(fx * wsum_y);
                if (q[3] > 0) {
                    dst[ox * 4 + 0] = (uint8_t)(q[0] / q[3] + 0.5f);
                    dst[ox * 4 + 1] = (uint8_t)(q[1] / q[3] + 0.5f);
                    dst[ox * 4 + 2] = (uint8_t)(q[2] / q[3] + 0.5f);
                }
                float al = q[3] / area;
                dst[ox * 4 + 3] = (uint8_t)(al > 255 ? 255 : al + 0.5f);
            }
        } else {
            /* bilinear */
            double sy = (oy + 0.5) * fy - 0.5;
            if (sy < 0)
                sy = 0;
            int y0 = (int)sy, y1 = y0 + 1 < sh ? y0 + 1 : y0;
            double ty = sy - y0;
            for (int ox = 0; ox < w; ox++) {
                double sx = (ox + 0.5) * fx - 0.5;
                if (sx < 0)
                    sx = 0;
                int x0 = (int)sx, x1 = x0 + 1 < sw ? x0 + 1 : x0;
                double tx = sx - x0;
                for (int c = 0; c < 4; c++) {
                    double a = src->pixels[(size_t)y0 * src->stride + x0 * 4 + c] * (1 - tx) +
                               src->pixels[(size_t)y0 * src->stride + x1 * 4 + c] * tx;
                    double b = src->pixels[(size_t)y1 * src->stride + x0 * 4 + c] * (1 - tx) +
                               src->pixels[(size_t)y1 * src->stride + x1 * 4 + c] * tx;
                    dst[ox * 4 + c] = (uint8_t)(a * (1 - ty) + b * ty + 0.5);
                }
            }
        }
    }
    free(acc);
    return 0;
}

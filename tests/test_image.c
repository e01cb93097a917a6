/* Pictures: sniffing, scaled decoding, EXIF orientation, the pixel limit,
 * resizing, and hostile input.  Every test file is made here, in memory,
 * with the libraries' own encoders, so the expectations come from what was
 * encoded, not from what the decoder happened to return once. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE */
#include <png.h>
#include <webp/encode.h>
#include <zlib.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "check.h"
#include "image.h"

/* ---- test pictures ----------------------------------------------------- */

static const uint8_t RED[4] = {220, 20, 20, 255};
static const uint8_t BLUE[4] = {20, 20, 220, 255};
static const uint8_t GREEN[4] = {20, 200, 20, 255};
static const uint8_t WHITE[4] = {235, 235, 235, 255};

/* Left half red, right half blue. */
static uint8_t *halves(int w, int h)
{
    uint8_t *p = malloc((size_t)w * h * 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            memcpy(p + ((size_t)y * w + x) * 4, x < w / 2 ? RED : BLUE, 4);
    return p;
}

/* Quadrants: red top-left, green top-right, blue bottom-left, white
 * bottom-right; tells every rotation and mirror apart. */
static uint8_t *quadrants(int w, int h)
{
    uint8_t *p = malloc((size_t)w * h * 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *c = y < h / 2 ? (x < w / 2 ? RED : GREEN) : (x < w / 2 ? BLUE : WHITE);
            memcpy(p + ((size_t)y * w + x) * 4, c, 4);
        }
    return p;
}

static const uint8_t *at(const image_rgba *img, int x, int y)
{
    return img->pixels + (size_t)y * img->stride + (size_t)x * 4;
}

static bool near(const uint8_t *p, const uint8_t *want, int tol)
{
    for (int i = 0; i < 4; i++)
        if (abs(p[i] - want[i]) > tol)
            return false;
    return true;
}

static bool reddish(const uint8_t *p)
{
    return p[0] > 150 && p[1] < 90 && p[2] < 90;
}

static bool bluish(const uint8_t *p)
{
    return p[2] > 150 && p[0] < 90 && p[1] < 90;
}

typedef struct jpeg_opts {
    const uint8_t *app1; /* written as an APP1 segment when set */
    size_t app1_len;
    bool xmp_after; /* an XMP APP1 after the EXIF one */
    size_t pad;     /* an APP2 segment of this many bytes before the frame */
    bool progressive;
    int kind; /* 0 colour, 1 gray, 2 Adobe CMYK */
} jpeg_opts;

static uint8_t *make_jpeg_px(const uint8_t *px, int w, int h, const jpeg_opts *o, size_t *len)
{
    static const jpeg_opts none;
    if (!o)
        o = &none;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &out, &size);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = o->kind == 1 ? 1 : 4;
    c.in_color_space = o->kind == 1 ? JCS_GRAYSCALE : o->kind == 2 ? JCS_CMYK : JCS_EXT_RGBA;
    jpeg_set_defaults(&c); /* CMYK input: CMYK file with an Adobe marker */
    jpeg_set_quality(&c, 92, TRUE);
    if (o->progressive)
        jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    if (o->app1)
        jpeg_write_marker(&c, JPEG_APP0 + 1, o->app1, (unsigned)o->app1_len);
    if (o->xmp_after) {
        static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>";
        jpeg_write_marker(&c, JPEG_APP0 + 1, (const JOCTET *)xmp, sizeof xmp);
    }
    if (o->pad) {
        uint8_t *pad = malloc(o->pad);
        memset(pad, 'p', o->pad);
        jpeg_write_marker(&c, JPEG_APP0 + 2, pad, (unsigned)o->pad);
        free(pad);
    }
    uint8_t *row = malloc((size_t)w * 4);
    while (c.next_scanline < c.image_height) {
        const uint8_t *src = px + (size_t)c.next_scanline * w * 4;
        for (int x = 0; x < w; x++) {
            const uint8_t *p = src + x * 4;
            if (o->kind == 1) {
                row[x] = p[0];
            } else if (o->kind == 2) {
                /* Adobe stores CMYK inverted: R = C' * K' / 255 */
                int k = p[0] > p[1] ? p[0] : p[1];
                k = k > p[2] ? k : p[2];
                k = k ? k : 1;
                for (int i = 0; i < 3; i++)
                    row[x * 4 + i] = (uint8_t)((p[i] * 255 + k / 2) / k);
                row[x * 4 + 3] = (uint8_t)k;
            } else {
                memcpy(row + x * 4, p, 4);
            }
        }
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    free(row);
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *len = size;
    return out;
}

static uint8_t *make_jpeg(int w, int h, const jpeg_opts *o, size_t *len)
{
    uint8_t *px = halves(w, h);
    uint8_t *j = make_jpeg_px(px, w, h, o, len);
    free(px);
    return j;
}

/* APP1 body: Exif\0\0 + a TIFF header + IFD0 holding one entry, 0x0112. */
static size_t make_exif(uint8_t *b, int orientation, bool big_endian, int type)
{
    static const uint8_t le[] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
                                 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t be[] = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
                                 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(b, big_endian ? be : le, sizeof le);
    uint8_t *v = b + 6 + 8 + 2 + 8; /* value field of the entry */
    if (big_endian) {
        b[6 + 8 + 2 + 3] = (uint8_t)type;
        if (type == 4)
            v[3] = (uint8_t)orientation;
        else
            v[1] = (uint8_t)orientation;
    } else {
        b[6 + 8 + 2 + 2] = (uint8_t)type;
        v[0] = (uint8_t)orientation;
    }
    return sizeof le;
}

static uint8_t *make_oriented_jpeg(const uint8_t *px, int w, int h, int orientation, bool be,
                                   size_t *len)
{
    uint8_t exif[64];
    jpeg_opts o = {0};
    o.app1 = exif;
    o.app1_len = make_exif(exif, orientation, be, 3);
    return make_jpeg_px(px, w, h, &o, len);
}

typedef struct membuf {
    uint8_t *data;
    size_t len, cap;
} membuf;

static void mem_write(png_structp png, png_bytep p, png_size_t n)
{
    membuf *m = png_get_io_ptr(png);
    if (m->len + n > m->cap) {
        m->cap = (m->len + n) * 2;
        m->data = realloc(m->data, m->cap);
    }
    memcpy(m->data + m->len, p, n);
    m->len += n;
}

static void mem_flush(png_structp png)
{
    (void)png;
}

/* Any colour type and depth through libpng's full write API (the simplified
 * one cannot interlace or write palettes with tRNS).  Gray takes the red
 * channel; a palette holds red (opaque) and blue (alpha 128).  A gamma
 * other than 0 is written as a gAMA chunk. */
static uint8_t *make_png_px(const uint8_t *px, int w, int h, int type, int depth, bool interlace,
                            double gamma, size_t *len)
{
    membuf m = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_set_write_fn(png, &m, mem_write, mem_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, type,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (type == PNG_COLOR_TYPE_PALETTE) {
        png_color pal[2] = {{RED[0], RED[1], RED[2]}, {BLUE[0], BLUE[1], BLUE[2]}};
        png_byte trans[2] = {255, 128};
        png_set_PLTE(png, info, pal, 2);
        png_set_tRNS(png, info, trans, 2, NULL);
    }
    if (gamma > 0)
        png_set_gAMA(png, info, gamma);
    png_write_info(png, info);
    int bpp = type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
              : type == PNG_COLOR_TYPE_RGB      ? 3
              : type == PNG_COLOR_TYPE_RGBA     ? 4
                                                : 1; /* gray, palette */
    size_t rowbytes = ((size_t)w * bpp * depth + 7) / 8;
    png_bytep *rows = malloc((size_t)h * sizeof *rows);
    for (int y = 0; y < h; y++) {
        rows[y] = calloc(rowbytes, 1);
        for (int x = 0; x < w; x++) {
            const uint8_t *p = px + ((size_t)y * w + x) * 4;
            if (type == PNG_COLOR_TYPE_PALETTE) { /* depth 1 */
                if (p[2] > p[0])
                    rows[y][x / 8] |= (uint8_t)(0x80 >> (x % 8));
                continue;
            }
            uint8_t v[4];
            int n = 0;
            if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA) {
                v[n++] = p[0];
            } else {
                v[n++] = p[0];
                v[n++] = p[1];
                v[n++] = p[2];
            }
            if (type & PNG_COLOR_MASK_ALPHA)
                v[n++] = p[3];
            for (int i = 0; i < n; i++) {
                if (depth == 16) {
                    rows[y][(x * n + i) * 2] = v[i];
                    rows[y][(x * n + i) * 2 + 1] = v[i];
                } else {
                    rows[y][x * n + i] = v[i];
                }
            }
        }
    }
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    for (int y = 0; y < h; y++)
        free(rows[y]);
    free(rows);
    *len = m.len;
    return m.data;
}

static uint8_t *make_png(int w, int h, size_t *len)
{
    png_image p;
    memset(&p, 0, sizeof p);
    p.version = PNG_IMAGE_VERSION;
    p.width = (png_uint_32)w;
    p.height = (png_uint_32)h;
    p.format = PNG_FORMAT_RGBA;
    uint8_t *px = halves(w, h);
    png_alloc_size_t size = 0;
    png_image_write_to_memory(&p, NULL, &size, 0, px, 0, NULL);
    uint8_t *out = malloc(size);
    png_image_write_to_memory(&p, out, &size, 0, px, 0, NULL);
    free(px);
    *len = size;
    return out;
}

/* kind 0: lossy (VP8), 1: lossless (VP8L), 2: lossy with alpha (VP8X). */
static uint8_t *make_webp_px(const uint8_t *px, int w, int h, int kind, size_t *len)
{
    uint8_t *enc = NULL;
    if (kind == 1)
        *len = WebPEncodeLosslessRGBA(px, w, h, w * 4, &enc);
    else if (kind == 2)
        *len = WebPEncodeRGBA(px, w, h, w * 4, 90, &enc);
    else {
        uint8_t *rgb = malloc((size_t)w * h * 3);
        for (size_t i = 0; i < (size_t)w * h; i++)
            memcpy(rgb + i * 3, px + i * 4, 3);
        *len = WebPEncodeRGB(rgb, w, h, w * 3, 90, &enc);
        free(rgb);
    }
    uint8_t *out = malloc(*len); /* one free() for every test file */
    memcpy(out, enc, *len);
    WebPFree(enc);
    return out;
}

static uint8_t *make_webp(int w, int h, int kind, size_t *len)
{
    uint8_t *px = halves(w, h);
    if (kind == 2) /* the right half translucent, so the encoder needs VP8X + ALPH */
        for (int y = 0; y < h; y++)
            for (int x = w / 2; x < w; x++)
                px[((size_t)y * w + x) * 4 + 3] = 128;
    uint8_t *out = make_webp_px(px, w, h, kind, len);
    free(px);
    return out;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_le24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
}


/* xorshift64: reproducible mutations without the global rand() state */
static uint32_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 32);
}

/* ---- sniffing and plain decoding --------------------------------------- */

/* Sniff and decode one file made from halves(); gray files have R = G = B. */
static void check_file(const char *name, uint8_t *data, size_t len, image_format fmt, int w, int h,
                       bool gray, int left_alpha, int right_alpha)
{
    image_info info;
    char err[256] = "";
    CHECK_MSG(image_sniff(data, len, &info, err, sizeof err) == 0, "%s: %s", name, err);
    CHECK_MSG(info.format == fmt && info.width == w && info.height == h && info.orientation == 1,
              "%s: sniffed %d %dx%d o%d", name, info.format, info.width, info.height,
              info.orientation);
    image_rgba img;
    int r = image_decode(data, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err);
    CHECK_MSG(r == 0, "%s: %s", name, err);
    if (r != 0)
        return;
    CHECK_MSG(img.width == w && img.height == h && img.stride >= 4 * w, "%s: decoded %dx%d",
              name, img.width, img.height);
    const uint8_t *l = at(&img, w / 4, h / 2), *rt = at(&img, w * 3 / 4, h / 2);
    if (gray)
        CHECK_MSG(l[0] > 180 && rt[0] < 60 && l[0] == l[1] && l[1] == l[2] && rt[0] == rt[2],
                  "%s: gray %d,%d,%d / %d,%d,%d", name, l[0], l[1], l[2], rt[0], rt[1], rt[2]);
    else
        CHECK_MSG(reddish(l) && bluish(rt), "%s: colours %d,%d,%d / %d,%d,%d", name, l[0], l[1],
                  l[2], rt[0], rt[1], rt[2]);
    CHECK_MSG(abs(l[3] - left_alpha) <= 2 && abs(rt[3] - right_alpha) <= 2, "%s: alpha %d / %d",
              name, l[3], rt[3]);
    image_free(&img);
    CHECK(img.pixels == NULL && img.width == 0);
}

static void test_formats(void)
{
    size_t len;
    uint8_t *f;
    jpeg_opts o = {0};

    f = make_jpeg(200, 100, NULL, &len);
    check_file("jpeg", f, len, IMAGE_JPEG, 200, 100, false, 255, 255);
    free(f);
    o.progressive = true;
    f = make_jpeg(200, 100, &o, &len);
    check_file("progressive jpeg", f, len, IMAGE_JPEG, 200, 100, false, 255, 255);
    free(f);
    o = (jpeg_opts){.kind = 1};
    f = make_jpeg(200, 100, &o, &len);
    check_file("gray jpeg", f, len, IMAGE_JPEG, 200, 100, true, 255, 255);
    free(f);
    o = (jpeg_opts){.kind = 2};
    f = make_jpeg(200, 100, &o, &len);
    check_file("cmyk jpeg", f, len, IMAGE_JPEG, 200, 100, false, 255, 255);
    free(f);

    uint8_t *px = halves(200, 100);
    f = make_png(200, 100, &len);
    check_file("png rgba", f, len, IMAGE_PNG, 200, 100, false, 255, 255);
    free(f);
    f = make_png_px(px, 200, 100, PNG_COLOR_TYPE_RGB, 8, false, 0, &len);
    check_file("png rgb", f, len, IMAGE_PNG, 200, 100, false, 255, 255);
    free(f);
    f = make_png_px(px, 200, 100, PNG_COLOR_TYPE_GRAY, 8, false, 0, &len);
    check_file("png gray", f, len, IMAGE_PNG, 200, 100, true, 255, 255);
    free(f);
    f = make_png_px(px, 200, 100, PNG_COLOR_TYPE_GRAY, 16, false, 0, &len);
    check_file("png gray16", f, len, IMAGE_PNG, 200, 100, true, 255, 255);
    free(f);
    f = make_png_px(px, 200, 100, PNG_COLOR_TYPE_GRAY_ALPHA, 8, false, 0, &len);
    check_file("png gray+alpha", f, len, IMAGE_PNG, 200, 100, true, 255, 255);
    free(f);
    f = make_png_px(px, 200, 100, PNG_COLOR_TYPE_RGBA, 16, false, 0, &len);
    check_file("png rgba16", f, len, IMAGE_PNG, 200, 100, false, 255, 255);
    free(f);
    f = make_png_px(px, 200, 100, PNG_COLOR_TYPE_PALETTE, 1, false, 0, &len);
    check_file("png palette+tRNS", f, len, IMAGE_PNG, 200, 100, false, 255, 128);
    free(f);
    f = make_png_px(px, 200, 100, PNG_COLOR_TYPE_RGBA, 8, true, 0, &len);
    check_file("png interlaced", f, len, IMAGE_PNG, 200, 100, false, 255, 255);
    free(f);
    free(px);

    f = make_webp(200, 100, 0, &len);
    CHECK(memcmp(f + 12, "VP8 ", 4) == 0);
    check_file("webp lossy", f, len, IMAGE_WEBP, 200, 100, false, 255, 255);
    free(f);
    f = make_webp(200, 100, 1, &len);
    CHECK(memcmp(f + 12, "VP8L", 4) == 0);
    check_file("webp lossless", f, len, IMAGE_WEBP, 200, 100, false, 255, 255);
    free(f);
    f = make_webp(200, 100, 2, &len);
    CHECK(memcmp(f + 12, "VP8X", 4) == 0);
    check_file("webp alpha", f, len, IMAGE_WEBP, 200, 100, false, 255, 128);
    free(f);
    /* odd sizes: the lossless header stores w-1/h-1, lossy stores w/h */
    f = make_webp(201, 99, 1, &len);
    check_file("webp lossless odd", f, len, IMAGE_WEBP, 201, 99, false, 255, 255);
    free(f);
    f = make_webp(203, 97, 0, &len);
    check_file("webp lossy odd", f, len, IMAGE_WEBP, 203, 97, false, 255, 255);
    free(f);
}

static void expect_sniff_fail(const char *name, const uint8_t *d, size_t len, const char *needle)
{
    image_info info;
    char err[256] = "";
    int r = image_sniff(d, len, &info, err, sizeof err);
    CHECK_MSG(r == -1 && err[0] && (!needle || strstr(err, needle)), "%s: r=%d err=\"%s\"", name,
              r, err);
    image_rgba img = {1, 1, 4, (uint8_t *)&info, true}; /* must be cleared on failure */
    r = image_decode(d, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err);
    CHECK_MSG(r == -1 && img.pixels == NULL && err[0], "%s: decode r=%d", name, r);
}

static void test_sniff_edges(void)
{
    image_info info;
    char err[256];
    size_t len;

    expect_sniff_fail("empty", (const uint8_t *)"", 0, "not a");
    expect_sniff_fail("null", NULL, 0, "not a");
    expect_sniff_fail("gif", (const uint8_t *)"GIF89a\x10\0\x10\0\0\0\0", 13, "not a");
    expect_sniff_fail("wave", (const uint8_t *)"RIFF\x24\0\0\0WAVEfmt ", 16, "not a");
    expect_sniff_fail("soi only", (const uint8_t *)"\xff\xd8\xff", 3, "JPEG");
    expect_sniff_fail("png sig only", (const uint8_t *)"\x89PNG\r\n\x1a\n", 8, "PNG");
    expect_sniff_fail("webp short", (const uint8_t *)"RIFF\0\0\0\0WEBPVP8L", 16, "WebP");

    /* a big APP segment before the frame: found with the whole file, and a
     * clear "truncated" with only the first KiB */
    jpeg_opts o = {.pad = 60000};
    uint8_t *j = make_jpeg(320, 240, &o, &len);
    CHECK_INT(image_sniff(j, len, &info, err, sizeof err), 0);
    CHECK(info.width == 320 && info.height == 240);
    CHECK_INT(image_sniff(j, 1024, &info, err, sizeof err), -1);
    CHECK(strstr(err, "truncated") != NULL);
    free(j);
    /* a prefix reaching the frame header is enough */
    j = make_jpeg(320, 240, NULL, &len);
    CHECK_INT(image_sniff(j, 400, &info, err, sizeof err), 0);
    CHECK(info.width == 320 && info.height == 240);
    free(j);
    uint8_t *p = make_png(321, 123, &len);
    CHECK_INT(image_sniff(p, 24, &info, err, sizeof err), 0);
    CHECK(info.format == IMAGE_PNG && info.width == 321 && info.height == 123);
    CHECK_INT(image_sniff(p, 23, &info, err, sizeof err), -1);
    free(p);

    /* hostile marker sequences: no hang, no read past the end */
    static const struct {
        const char *name;
        const char *d;
        size_t len;
    } bad[] = {
        {"length 1", "\xff\xd8\xff\xe0\x00\x01JFIF", 10},
        {"length past end", "\xff\xd8\xff\xe0\xff\xffJFIF", 10},
        {"scan before frame", "\xff\xd8\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00", 12},
        {"eoi before frame", "\xff\xd8\xff\xd9", 4},
        {"short frame", "\xff\xd8\xff\xc0\x00\x05\x08\x00\x10", 9},
        {"frame cut", "\xff\xd8\xff\xc0\x00\x11\x08\x00\x10\x00", 10},
        {"no marker", "\xff\xd8\xff\xe0\x00\x04" "ab\x12\x34", 10},
        {"zero height", "\xff\xd8\xff\xc0\x00\x0b\x08\x00\x00\x00\x10\x01\x01\x11\x00", 15},
        {"zero width", "\xff\xd8\xff\xc2\x00\x0b\x08\x00\x10\x00\x00\x01\x01\x11\x00", 15},
        {"png zero width", "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\0\0\0\0\x10", 24},
        {"png too wide", "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x11\x70\0\0\0\x10", 24},
        {"png not ihdr", "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDX\0\0\0\x10\0\0\0\x10", 24},
        {"webp junk chunk", "RIFF\x20\0\0\0WEBPJUNK\x04\0\0\0abcdefghijklmn", 34},
        {"webp bad vp8l", "RIFF\x20\0\0\0WEBPVP8L\x05\0\0\0\x2e\x00\x00\x00\x00", 25},
        {"webp vp8 no start",
         "RIFF\x20\0\0\0WEBPVP8 \x0a\0\0\0\x00\x00\x00\x9d\x01\x2b\x10\0\x10\0", 30},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_sniff_fail(bad[i].name, (const uint8_t *)bad[i].d, bad[i].len, NULL);
    /* a sea of fill bytes ends at the end of the data */
    uint8_t *ff = malloc(100000);
    memset(ff, 0xff, 100000);
    ff[1] = 0xd8;
    expect_sniff_fail("fill bytes", ff, 100000, "truncated");
    free(ff);
    /* the 65535 cap holds for VP8X's 24-bit canvas too */
    uint8_t *w = make_webp(200, 100, 2, &len);
    put_le24(w + 24, 70000 - 1);
    expect_sniff_fail("webp canvas 70000", w, len, "size");
    free(w);
}

/* An animated WebP made by hand: VP8X with the animation flag, ANIM, one
 * ANMF frame wrapping a lossless bitstream. */
static void test_animated_webp(void)
{
    size_t flen;
    uint8_t *frame = make_webp(16, 16, 1, &flen);
    size_t vp8l = flen - 12; /* the VP8L chunk with its header */
    size_t total = 12 + 18 + 14 + 8 + 16 + vp8l;
    uint8_t *a = calloc(1, total), *p = a;
    memcpy(p, "RIFF", 4);
    put_le32(p + 4, (uint32_t)(total - 8));
    memcpy(p + 8, "WEBP", 4);
    p += 12;
    memcpy(p, "VP8X", 4);
    put_le32(p + 4, 10);
    p[8] = 0x02 | 0x10; /* animation, alpha */
    put_le24(p + 12, 15);
    put_le24(p + 15, 15);
    p += 18;
    memcpy(p, "ANIM", 4);
    put_le32(p + 4, 6);
    p += 14;
    memcpy(p, "ANMF", 4);
    put_le32(p + 4, (uint32_t)(16 + vp8l));
    put_le24(p + 8 + 6, 15);
    put_le24(p + 8 + 9, 15);
    put_le24(p + 8 + 12, 100);
    memcpy(p + 24, frame + 12, vp8l);
    expect_sniff_fail("animated webp", a, total, "animated");
    /* the same file without the flag is not silently taken as animation-free
     * nonsense: libwebp finds no image and decode fails cleanly */
    a[12 + 8] = 0x10;
    image_rgba img;
    char err[256];
    CHECK_INT(image_decode(a, total, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), -1);
    CHECK(strstr(err, "WebP") != NULL);
    free(a);
    free(frame);
}

/* ---- scaled decoding --------------------------------------------------- */

static void test_scaled_jpeg(void)
{
    size_t len;
    uint8_t *j = make_jpeg(3000, 2000, NULL, &len);
    image_rgba img;
    char err[256];
    CHECK_INT(image_decode(j, len, 375, 250, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width >= 375 && img.height >= 250);
    CHECK(img.width < 3000 && img.height < 2000); /* scaled DCT did the work */
    CHECK(img.width == 375 && img.height == 250); /* 1/8 exactly */
    CHECK(reddish(at(&img, 90, 125)) && bluish(at(&img, 280, 125)));
    image_free(&img);
    static const struct {
        int ww, wh, w, h;
    } cases[] = {
        {400, 250, 750, 500},     /* 1/8 would be too narrow: 1/4 */
        {375, 251, 750, 500},     /* or too short */
        {1500, 1000, 1500, 1000}, /* 1/2 */
        {1501, 1000, 3000, 2000}, /* nothing smaller covers it */
        {4000, 3000, 3000, 2000}, /* bigger than the picture: full size */
        {1, 1, 375, 250},         /* no reduction beyond 1/8 */
        {0, 0, 3000, 2000},       /* 0 means full size */
        {0, 250, 3000, 2000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int r = image_decode(j, len, cases[i].ww, cases[i].wh, IMAGE_DEFAULT_MAX_PIXELS, &img, err,
                             sizeof err);
        CHECK_MSG(r == 0 && img.width == cases[i].w && img.height == cases[i].h,
                  "want %dx%d: got %dx%d", cases[i].ww, cases[i].wh, img.width, img.height);
        image_free(&img);
    }
    free(j);

    /* want is in oriented coordinates: a 3000x2000 file shown as 2000x3000 */
    uint8_t *px = halves(3000, 2000);
    j = make_oriented_jpeg(px, 3000, 2000, 6, false, &len);
    free(px);
    CHECK_INT(image_decode(j, len, 250, 375, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width == 250 && img.height == 375);
    image_free(&img);
    /* 375x250 upright needs 250x375 stored: 1/8 (375x250 stored) is too short */
    CHECK_INT(image_decode(j, len, 375, 250, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK_MSG(img.width == 500 && img.height == 750, "got %dx%d", img.width, img.height);
    image_free(&img);
    free(j);
}

static void test_scaled_webp(void)
{
    size_t len;
    uint8_t *w = make_webp(2000, 1000, 0, &len);
    image_rgba img;
    char err[256];
    static const struct {
        int ww, wh, w, h;
    } cases[] = {
        {400, 200, 400, 200},   /* same aspect */
        {400, 100, 400, 200},   /* width sets the scale */
        {300, 250, 500, 250},   /* height sets the scale */
        {333, 111, 333, 167},   /* rounds up, never below */
        {2000, 500, 2000, 1000}, /* one side not smaller: full size */
        {0, 0, 2000, 1000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int r = image_decode(w, len, cases[i].ww, cases[i].wh, IMAGE_DEFAULT_MAX_PIXELS, &img, err,
                             sizeof err);
        CHECK_MSG(r == 0 && img.width == cases[i].w && img.height == cases[i].h,
                  "webp want %dx%d: got %dx%d", cases[i].ww, cases[i].wh, img.width, img.height);
        if (r == 0)
            CHECK(reddish(at(&img, img.width / 4, img.height / 2)) &&
                  bluish(at(&img, img.width * 3 / 4, img.height / 2)));
        image_free(&img);
    }
    free(w);

    /* libwebp's scaler must not bleed the colour of transparent pixels:
     * opaque white left, fully transparent green right */
    uint8_t *px = malloc(400 * 200 * 4);
    for (int i = 0; i < 400 * 200; i++) {
        bool left = i % 400 < 200;
        uint8_t c[4] = {left ? 255 : 0, 255, left ? 255 : 0, left ? 255 : 0};
        memcpy(px + i * 4, c, 4);
    }
    WebPConfig cfg;
    WebPConfigInit(&cfg);
    cfg.lossless = 1;
    cfg.exact = 1; /* keep the green under alpha 0: the hostile case */
    WebPPicture pic;
    WebPPictureInit(&pic);
    pic.use_argb = 1;
    pic.width = 400;
    pic.height = 200;
    WebPPictureImportRGBA(&pic, px, 400 * 4);
    WebPMemoryWriter wr;
    WebPMemoryWriterInit(&wr);
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = &wr;
    CHECK(WebPEncode(&cfg, &pic));
    WebPPictureFree(&pic);
    free(px);
    CHECK_INT(image_decode(wr.mem, wr.size, 40, 20, IMAGE_DEFAULT_MAX_PIXELS, &img, err,
                           sizeof err),
              0);
    CHECK(img.width == 40 && img.height == 20);
    bool clean = true;
    for (int x = 0; x < 40; x++) {
        const uint8_t *q = at(&img, x, 10);
        if (q[3] > 16) /* visible: must still be white, not tinted green */
            clean &= q[0] > 230 && q[2] > 230;
    }
    CHECK_MSG(clean, "webp scaling bleeds transparent colour");
    CHECK(at(&img, 5, 10)[3] == 255 && at(&img, 35, 10)[3] == 0);
    image_free(&img);
    WebPMemoryWriterClear(&wr);
}

/* Big PNGs are averaged row by row into a picture k times smaller: same
 * colours as decoding whole, much less memory. */
static void test_png_reduced(void)
{
    size_t len;
    uint8_t *p = make_png(2000, 1000, &len);
    image_rgba img;
    char err[256];
    CHECK_INT(image_decode(p, len, 400, 200, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK_INT(img.width, 400); /* k = 5 */
    CHECK_INT(img.height, 200);
    CHECK(reddish(at(&img, 50, 100)) && bluish(at(&img, 350, 100)));
    CHECK_INT(at(&img, 50, 100)[0], 220); /* exact average of a flat area */
    CHECK_INT(at(&img, 50, 100)[3], 255);
    image_free(&img);
    /* not a whole factor: rounds down, never below the wanted size */
    CHECK_INT(image_decode(p, len, 700, 300, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width >= 700 && img.height >= 300 && img.width < 2000);
    image_free(&img);
    /* truncated inside the pixel data: an error, no crash, no leak */
    CHECK_INT(image_decode(p, len / 2, 400, 200, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err),
              -1);
    CHECK(strstr(err, "PNG") != NULL && img.pixels == NULL);
    free(p);

    /* palette + tRNS through the reduced path: alpha survives, and the
     * half-transparent blue does not tint the opaque red */
    uint8_t *px = halves(1000, 500);
    p = make_png_px(px, 1000, 500, PNG_COLOR_TYPE_PALETTE, 1, false, 0, &len);
    CHECK_INT(image_decode(p, len, 100, 50, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width == 100 && img.height == 50);
    CHECK(near(at(&img, 20, 25), RED, 0));
    const uint8_t b[4] = {BLUE[0], BLUE[1], BLUE[2], 128};
    CHECK(near(at(&img, 80, 25), b, 0));
    image_free(&img);
    free(p);
    /* interlaced: no row-by-row path, decoded whole */
    p = make_png_px(px, 1000, 500, PNG_COLOR_TYPE_RGBA, 8, true, 0, &len);
    CHECK_INT(image_decode(p, len, 100, 50, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width == 1000 && img.height == 500);
    CHECK(near(at(&img, 200, 250), RED, 0) && near(at(&img, 800, 250), BLUE, 0));
    image_free(&img);
    free(p);
    free(px);
}

/* The row-by-row PNG path (a wanted size k times smaller) and the whole-file
 * path must give the same colours, whatever the depth and gamma tagging;
 * otherwise a picture would change colour with the screen size. */
static void test_png_paths_agree(void)
{
    static const struct {
        const char *name;
        int type, depth;
        double gamma;
    } v[] = {
        {"rgba8", PNG_COLOR_TYPE_RGBA, 8, 0},
        {"rgb16", PNG_COLOR_TYPE_RGB, 16, 0},
        {"gray16", PNG_COLOR_TYPE_GRAY, 16, 0},
        {"rgba16", PNG_COLOR_TYPE_RGBA, 16, 0},
        {"rgb8 linear", PNG_COLOR_TYPE_RGB, 8, 1.0},
        {"rgb16 linear", PNG_COLOR_TYPE_RGB, 16, 1.0},
        {"rgb8 gamma 1/2.2", PNG_COLOR_TYPE_RGB, 8, 1 / 2.2},
        {"palette", PNG_COLOR_TYPE_PALETTE, 1, 0},
    };
    uint8_t *px = halves(400, 200);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t len;
        uint8_t *f = make_png_px(px, 400, 200, v[i].type, v[i].depth, false, v[i].gamma, &len);
        image_rgba full, small;
        char err[256];
        int r1 = image_decode(f, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &full, err, sizeof err);
        int r2 = image_decode(f, len, 100, 50, IMAGE_DEFAULT_MAX_PIXELS, &small, err, sizeof err);
        CHECK_MSG(r1 == 0 && r2 == 0 && full.width == 400 && small.width == 100, "%s: %s",
                  v[i].name, err);
        if (r1 == 0 && r2 == 0) {
            const uint8_t *a = at(&full, 100, 100), *b = at(&small, 25, 25);
            const uint8_t *c = at(&full, 300, 100), *d = at(&small, 75, 25);
            CHECK_MSG(near(a, b, 1) && near(c, d, 1),
                      "%s: whole %d,%d,%d,%d / %d,%d,%d,%d, reduced %d,%d,%d,%d / %d,%d,%d,%d",
                      v[i].name, a[0], a[1], a[2], a[3], c[0], c[1], c[2], c[3], b[0], b[1], b[2],
                      b[3], d[0], d[1], d[2], d[3]);
            /* untagged files are sRGB: the values come back as written */
            if (v[i].gamma == 0 && v[i].type != PNG_COLOR_TYPE_PALETTE)
                CHECK_MSG(a[0] == RED[0] && c[0] == BLUE[0],
                          "%s: %d %d", v[i].name, a[0], c[0]);
        }
        image_free(&full);
        image_free(&small);
        free(f);
    }
    free(px);
}

/* ---- EXIF orientation -------------------------------------------------- */

enum { TOP, BOTTOM, LEFT, RIGHT };

/* Which corner of the upright picture a stored corner lands in, from the
 * EXIF definitions: orientation o puts stored row 0 on side row0[o] and
 * stored column 0 on side col0[o]. */
static void corner(int o, bool last_row, bool last_col, int *vx, int *vy)
{
    static const int row0[9] = {0, TOP, TOP, BOTTOM, BOTTOM, LEFT, RIGHT, RIGHT, LEFT};
    static const int col0[9] = {0, LEFT, RIGHT, RIGHT, LEFT, TOP, TOP, BOTTOM, BOTTOM};
    static const int opposite[4] = {BOTTOM, TOP, RIGHT, LEFT};
    int a = last_row ? opposite[row0[o]] : row0[o];
    int b = last_col ? opposite[col0[o]] : col0[o];
    *vx = a == RIGHT || b == RIGHT;
    *vy = a == BOTTOM || b == BOTTOM;
}

static void test_orientation(void)
{
    const int W = 160, H = 96;
    uint8_t *px = quadrants(W, H);
    const uint8_t *colour[2][2] = {{RED, GREEN}, {BLUE, WHITE}}; /* [last_row][last_col] */
    for (int o = 1; o <= 8; o++) {
        for (int be = 0; be < 2; be++) {
            size_t len;
            uint8_t *j = make_oriented_jpeg(px, W, H, o, be, &len);
            image_info info;
            char err[256];
            CHECK_INT(image_sniff(j, len, &info, err, sizeof err), 0);
            CHECK_MSG(info.orientation == o && info.width == W && info.height == H,
                      "o%d be%d: sniffed o%d %dx%d", o, be, info.orientation, info.width,
                      info.height);
            image_rgba img;
            CHECK_INT(image_decode(j, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err),
                      0);
            int ow = o >= 5 ? H : W, oh = o >= 5 ? W : H;
            CHECK_MSG(img.width == ow && img.height == oh, "o%d: %dx%d", o, img.width,
                      img.height);
            if (img.width == ow && img.height == oh)
                for (int r = 0; r < 2; r++)
                    for (int c = 0; c < 2; c++) {
                        int vx, vy;
                        corner(o, r, c, &vx, &vy);
                        const uint8_t *p =
                            at(&img, vx ? ow * 3 / 4 : ow / 4, vy ? oh * 3 / 4 : oh / 4);
                        CHECK_MSG(near(p, colour[r][c], 24), "o%d: quadrant %d%d at %d%d: %d,%d,%d",
                                  o, r, c, vx, vy, p[0], p[1], p[2]);
                    }
            image_free(&img);
            free(j);
        }
    }
    free(px);

    /* the brief's case: orientation 6 turns 200x100 into 100x200, the red
     * left half on top */
    uint8_t *h = halves(200, 100);
    size_t len;
    uint8_t *j = make_oriented_jpeg(h, 200, 100, 6, false, &len);
    image_rgba img;
    char err[256];
    CHECK_INT(image_decode(j, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width == 100 && img.height == 200);
    CHECK(reddish(at(&img, 50, 20)) && bluish(at(&img, 50, 180)));
    image_free(&img);
    free(j);
    j = make_oriented_jpeg(h, 200, 100, 3, true, &len);
    CHECK_INT(image_decode(j, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width == 200 && img.height == 100);
    CHECK(bluish(at(&img, 20, 50)) && reddish(at(&img, 180, 50)));
    image_free(&img);
    free(j);
    free(h);
}

/* EXIF blocks with lying offsets and counts: orientation 1 (or the right
 * value when the block is merely unusual), and the picture still decodes. */
static void test_exif_hostile(void)
{
    uint8_t e[64];
    struct {
        const char *name;
        int expect;
        size_t len;
    } v[16];
    uint8_t blobs[16][64];
    size_t n = 0;
#define ADD(nm, exp, ...)                                                                          \
    do {                                                                                           \
        size_t l_ = make_exif(e, 6, false, 3);                                                     \
        { __VA_ARGS__; }                                                                           \
        memcpy(blobs[n], e, sizeof e);                                                             \
        v[n].name = nm;                                                                            \
        v[n].expect = exp;                                                                         \
        v[n].len = l_;                                                                             \
        n++;                                                                                       \
    } while (0)
    ADD("plain", 6, (void)0);
    ADD("long type", 6, e[18] = 4);
    ADD("unknown type", 1, e[18] = 2);
    ADD("value 9", 1, e[24] = 9);
    ADD("value 0", 1, e[24] = 0);
    ADD("ifd offset huge", 1, put_le32(e + 10, 0xfffffff0u));
    ADD("ifd offset at end", 1, put_le32(e + 10, 25));
    ADD("ifd offset inside header", 1, put_le32(e + 10, 2));
    ADD("count huge", 6, e[14] = 0xff; e[15] = 0xff); /* the entry that is there counts */
    ADD("count huge, entry cut", 1, e[14] = 0xff; e[15] = 0xff; l_ = 6 + 8 + 2 + 11);
    ADD("entry cut short", 1, l_ = 6 + 8 + 2 + 11);
    ADD("header only", 1, l_ = 6 + 8);
    ADD("tiff cut", 1, l_ = 9);
    ADD("bad byte order", 1, e[6] = 'X');
    ADD("bad magic", 1, e[8] = 43);
    ADD("not exif", 1, e[3] = 'g');
#undef ADD
    uint8_t *px = halves(64, 32);
    for (size_t i = 0; i < n; i++) {
        jpeg_opts o = {.app1 = blobs[i], .app1_len = v[i].len};
        size_t len;
        uint8_t *j = make_jpeg_px(px, 64, 32, &o, &len);
        image_info info;
        char err[256];
        CHECK_MSG(image_sniff(j, len, &info, err, sizeof err) == 0 &&
                      info.orientation == v[i].expect,
                  "exif %s: orientation %d, expected %d", v[i].name, info.orientation,
                  v[i].expect);
        image_rgba img;
        CHECK_MSG(image_decode(j, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err) == 0,
                  "exif %s: %s", v[i].name, err);
        image_free(&img);
        free(j);
    }
    /* XMP also lives in APP1; it must not undo the EXIF orientation */
    jpeg_opts o = {.app1 = e, .xmp_after = true};
    o.app1_len = make_exif(e, 8, true, 3);
    size_t len;
    uint8_t *j = make_jpeg_px(px, 64, 32, &o, &len);
    image_info info;
    char err[256];
    CHECK_INT(image_sniff(j, len, &info, err, sizeof err), 0);
    CHECK_INT(info.orientation, 8);
    free(j);
    free(px);
}

/* ---- limits and corrupt files ------------------------------------------ */

/* A progressive JPEG with hundreds of tiny scans (each AC coefficient of
 * each component in three bit-planes, all valid) makes libjpeg work per
 * scan; past the cap it is refused, while ordinary progressive files pass. */
static void test_jpeg_scans(void)
{
    jpeg_scan_info scans[2 + 3 * 63 * 3];
    int n = 0;
    scans[n++] = (jpeg_scan_info){3, {0, 1, 2, 0}, 0, 0, 0, 1};
    scans[n++] = (jpeg_scan_info){3, {0, 1, 2, 0}, 0, 0, 1, 0};
    for (int comp = 0; comp < 3; comp++)
        for (int k = 1; k < 64; k++) {
            scans[n++] = (jpeg_scan_info){1, {comp, 0, 0, 0}, k, k, 0, 2};
            scans[n++] = (jpeg_scan_info){1, {comp, 0, 0, 0}, k, k, 2, 1};
            scans[n++] = (jpeg_scan_info){1, {comp, 0, 0, 0}, k, k, 1, 0};
        }
    uint8_t *px = halves(32, 16);
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &out, &size);
    c.image_width = 32;
    c.image_height = 16;
    c.input_components = 4;
    c.in_color_space = JCS_EXT_RGBA;
    jpeg_set_defaults(&c);
    c.scan_info = scans;
    c.num_scans = n;
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW r = px + (size_t)c.next_scanline * 32 * 4;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(px);
    image_info info;
    image_rgba img;
    char err[256];
    CHECK_INT(image_sniff(out, size, &info, err, sizeof err), 0);
    CHECK_INT(n, 569);
    CHECK_INT(image_decode(out, size, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), -1);
    CHECK_MSG(strstr(err, "scans") != NULL, "%s", err);
    CHECK(img.pixels == NULL);
    free(out);
}

static void test_pixel_limit(void)
{
    /* a valid IHDR (CRC right) claiming 30000x30000, then garbage: refused
     * from the header, before libpng sees it */
    uint8_t png[1000];
    memset(png, 0xAB, sizeof png);
    memcpy(png, "\x89PNG\r\n\x1a\n\0\0\0\x0d", 12);
    uint8_t ihdr[17] = {'I', 'H', 'D', 'R', 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 6, 0, 0, 0};
    memcpy(png + 12, ihdr, 17);
    uLong crc = crc32(0, ihdr, 17);
    png[29] = (uint8_t)(crc >> 24);
    png[30] = (uint8_t)(crc >> 16);
    png[31] = (uint8_t)(crc >> 8);
    png[32] = (uint8_t)crc;
    image_info info;
    char err[256];
    CHECK_INT(image_sniff(png, sizeof png, &info, err, sizeof err), 0);
    CHECK(info.width == 30000 && info.height == 30000);
    image_rgba img;
    CHECK_INT(image_decode(png, sizeof png, 1920, 1080, IMAGE_DEFAULT_MAX_PIXELS, &img, err,
                           sizeof err),
              -1);
    /* decoding the garbage would have said "corrupt"; this never got there
     * (speed is the benchmarks' business, not a unit test's) */
    CHECK_MSG(strstr(err, "too large") && strstr(err, "30000x30000") && !strstr(err, "corrupt"),
              "%s", err);
    CHECK(img.pixels == NULL);

    /* the limit is width*height as stored, inclusive */
    size_t len;
    uint8_t *j = make_jpeg(200, 100, NULL, &len);
    CHECK_INT(image_decode(j, len, 0, 0, 19999, &img, err, sizeof err), -1);
    CHECK(strstr(err, "too large") != NULL);
    CHECK_INT(image_decode(j, len, 0, 0, 20000, &img, err, sizeof err), 0);
    image_free(&img);
    /* a JPEG frame header forged to 60000x60000 */
    size_t sof = 2;
    while (sof + 4 < len && !(j[sof] == 0xff && j[sof + 1] == 0xc0))
        sof += 2 + (size_t)(j[sof + 2] << 8 | j[sof + 3]);
    CHECK(j[sof + 1] == 0xc0);
    j[sof + 5] = j[sof + 7] = 0xea;
    j[sof + 6] = j[sof + 8] = 0x60;
    CHECK_INT(image_sniff(j, len, &info, err, sizeof err), 0);
    CHECK(info.width == 60000 && info.height == 60000);
    CHECK_INT(image_decode(j, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), -1);
    CHECK(strstr(err, "too large") != NULL);
    free(j);
    /* WebP: VP8X canvas forged to 20000x20000, and a lossless header at the
     * format's own maximum, 16384x16384 */
    uint8_t *w = make_webp(200, 100, 2, &len);
    put_le24(w + 24, 19999);
    put_le24(w + 27, 19999);
    CHECK_INT(image_decode(w, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), -1);
    CHECK(strstr(err, "too large") && strstr(err, "20000x20000"));
    free(w);
    w = make_webp(200, 100, 1, &len);
    put_le32(w + 21, (16383u | 16383u << 14) | (w[24] & 0x10u) << 24);
    CHECK_INT(image_sniff(w, len, &info, err, sizeof err), 0);
    CHECK(info.width == 16384 && info.height == 16384);
    CHECK_INT(image_decode(w, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), -1);
    CHECK(strstr(err, "too large") != NULL);
    free(w);
}

static void check_cuts(const char *name, const uint8_t *data, size_t len, size_t tail)
{
    image_rgba img;
    char err[256];
    /* cuts from the first byte to one byte into the pixel data's end (a
     * file missing only its trailer has every pixel) */
    for (int k = 0; k <= 12; k++) {
        size_t cut = 1 + (len - tail - 2) * (size_t)k / 12;
        err[0] = '\0';
        int r = image_decode(data, cut, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err);
        CHECK_MSG(r == -1 && err[0] && img.pixels == NULL, "%s cut at %zu of %zu: r=%d", name,
                  cut, len, r);
        if (r == 0)
            image_free(&img);
        /* with a wanted size too: the scaled paths fail as cleanly */
        r = image_decode(data, cut, 40, 20, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err);
        CHECK_MSG(r == -1 && img.pixels == NULL, "%s scaled, cut at %zu of %zu", name, cut, len);
        if (r == 0)
            image_free(&img);
    }
}

static void test_truncated(void)
{
    size_t len;
    uint8_t *f = make_jpeg(400, 200, NULL, &len);
    check_cuts("jpeg", f, len, 2);
    free(f);
    jpeg_opts o = {.progressive = true};
    f = make_jpeg(400, 200, &o, &len);
    check_cuts("progressive jpeg", f, len, 2);
    free(f);
    f = make_png(400, 200, &len);
    check_cuts("png", f, len, 12);
    free(f);
    uint8_t *px = halves(400, 200);
    f = make_png_px(px, 400, 200, PNG_COLOR_TYPE_RGB, 8, true, 0, &len);
    check_cuts("interlaced png", f, len, 12);
    free(f);
    free(px);
    for (int kind = 0; kind < 3; kind++) {
        f = make_webp(400, 200, kind, &len);
        check_cuts(kind == 0 ? "webp lossy" : kind == 1 ? "webp lossless" : "webp alpha", f, len,
                   1);
        free(f);
    }
}

static void test_garbage(void)
{
    uint64_t s = 0x9e3779b97f4a7c15u;
    static const char *magic[] = {"", "\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "RIFF\0\0\0\0WEBPVP8 ",
                                  "RIFF\0\0\0\0WEBPVP8L", "RIFF\0\0\0\0WEBPVP8X"};
    static const size_t mlen[] = {0, 3, 8, 16, 16, 16};
    uint8_t buf[4096];
    int refused = 0, total = 0;
    for (int round = 0; round < 600; round++) {
        size_t len = 1 + rnd(&s) % sizeof buf;
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rnd(&s);
        size_t m = (size_t)round % 6;
        if (mlen[m] <= len)
            memcpy(buf, magic[m], mlen[m]);
        image_rgba img;
        char err[256] = "";
        int r = image_decode(buf, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err);
        total++;
        if (r == -1 && err[0] && img.pixels == NULL)
            refused++;
        else if (r == 0)
            image_free(&img);
    }
    CHECK_MSG(refused == total, "garbage: %d of %d refused", refused, total);
}

/* Random mutations of valid files: no crash, no leak (valgrind), and any
 * "success" is a sane image within the limit. */
static void fuzz(const char *name, const uint8_t *file, size_t len, int rounds, uint64_t seed)
{
    uint64_t s = seed;
    const long long limit = 100000;
    uint8_t *m = malloc(len + 64);
    int bad = 0, decoded = 0;
    for (int round = 0; round < rounds; round++) {
        size_t n = len;
        memcpy(m, file, len);
        int edits = 1 + (int)(rnd(&s) % 8);
        for (int k = 0; k < edits; k++) {
            size_t pos = rnd(&s) % n;
            switch (rnd(&s) % 6) {
            case 0: m[pos] = (uint8_t)rnd(&s); break;
            case 1: m[pos] ^= (uint8_t)(1u << (rnd(&s) % 8)); break;
            case 2: m[pos] = rnd(&s) % 2 ? 0xff : 0x00; break;
            case 3: /* headers first: the interesting lengths live there */
                m[rnd(&s) % (n < 64 ? n : 64)] = (uint8_t)rnd(&s);
                break;
            case 4: /* delete a run */
            {
                size_t cnt = 1 + rnd(&s) % 16;
                if (pos + cnt < n) {
                    memmove(m + pos, m + pos + cnt, n - pos - cnt);
                    n -= cnt;
                }
                break;
            }
            default: n = 1 + rnd(&s) % n; break; /* truncate */
            }
        }
        image_info info;
        char err[256];
        if (image_sniff(m, n, &info, err, sizeof err) == 0 &&
            (info.width < 1 || info.height < 1 || info.width > 65535 || info.height > 65535 ||
             info.orientation < 1 || info.orientation > 8))
            bad++;
        int ww = (int)(rnd(&s) % 80), wh = (int)(rnd(&s) % 60);
        image_rgba img;
        err[0] = '\0';
        if (image_decode(m, n, ww, wh, limit, &img, err, sizeof err) == 0) {
            decoded++;
            if (img.width < 1 || img.height < 1 || img.stride < img.width * 4 ||
                (long long)img.width * img.height > limit)
                bad++;
            /* touch every byte so valgrind sees any uninitialised output */
            unsigned sum = 0;
            for (int y = 0; y < img.height; y++)
                for (int x = 0; x < img.width * 4; x++)
                    sum += img.pixels[(size_t)y * img.stride + x];
            if (sum == 0xdeadbeef)
                printf(".");
            image_free(&img);
        } else if (!err[0] || img.pixels) {
            bad++;
        }
    }
    free(m);
    CHECK_MSG(bad == 0, "%s fuzz: %d bad results", name, bad);
    printf("%s fuzz: %d rounds, %d decoded\n", name, rounds, decoded);
}

static void test_fuzz(void)
{
    int rounds = RUNNING_ON_VALGRIND ? 300 : 2000;
    size_t len;
    uint8_t *px = quadrants(64, 48);
    uint8_t exif[64];
    jpeg_opts o = {.app1 = exif};
    o.app1_len = make_exif(exif, 6, true, 3);
    uint8_t *f = make_jpeg_px(px, 64, 48, &o, &len);
    fuzz("jpeg", f, len, rounds, 1);
    free(f);
    o.progressive = true;
    f = make_jpeg_px(px, 64, 48, &o, &len);
    fuzz("progressive jpeg", f, len, rounds, 2);
    free(f);
    f = make_png_px(px, 64, 48, PNG_COLOR_TYPE_RGBA, 8, false, 0, &len);
    fuzz("png", f, len, rounds, 3);
    free(f);
    f = make_png_px(px, 64, 48, PNG_COLOR_TYPE_PALETTE, 1, true, 0, &len);
    fuzz("palette png", f, len, rounds, 4);
    free(f);
    for (int kind = 0; kind < 3; kind++) {
        f = make_webp_px(px, 64, 48, kind, &len);
        fuzz(kind == 0 ? "webp lossy" : kind == 1 ? "webp lossless" : "webp alpha", f, len,
             rounds, 5 + (uint64_t)kind);
        free(f);
    }
    free(px);
}

/* ---- resizing ---------------------------------------------------------- */

static void fill(image_rgba *img, const uint8_t c[4])
{
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
            memcpy(img->pixels + (size_t)y * img->stride + x * 4, c, 4);
}

static void test_resize(void)
{
    image_rgba src, out;
    CHECK_INT(image_alloc(100, 100, &src), 0);
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 100; x++) {
            uint8_t *p = src.pixels + (size_t)y * src.stride + x * 4;
            uint8_t v = (x + y) % 2 ? 255 : 0;
            p[0] = p[1] = p[2] = v;
            p[3] = 255;
        }
    CHECK_INT(image_resize(&src, 10, 10, &out), 0);
    bool gray = true;
    for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++) {
            const uint8_t *p = at(&out, x, y);
            gray &= p[0] >= 126 && p[0] <= 129 && p[0] == p[1] && p[1] == p[2] && p[3] == 255;
        }
    CHECK_MSG(gray, "checkerboard averages to gray");
    image_free(&out);
    /* non-integer factor: still gray everywhere (fractional coverage) */
    CHECK_INT(image_resize(&src, 7, 13, &out), 0);
    gray = true;
    for (int y = 0; y < 13; y++)
        for (int x = 0; x < 7; x++)
            gray &= abs(at(&out, x, y)[0] - 128) <= 6;
    CHECK_MSG(gray, "checkerboard to 7x13 averages to gray");
    image_free(&out);

    /* a solid colour stays exact: odd factors, 1x1, enlarging, mixed */
    const uint8_t solid[4] = {200, 16, 46, 255};
    fill(&src, solid);
    static const int sizes[][2] = {{33, 7}, {1, 1}, {250, 130}, {100, 100}, {57, 300},
                                   {300, 57}, {99, 101}, {1, 1000}, {3, 3}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        CHECK_INT(image_resize(&src, sizes[k][0], sizes[k][1], &out), 0);
        bool exact = out.width == sizes[k][0] && out.height == sizes[k][1];
        for (int y = 0; y < out.height; y++)
            for (int x = 0; x < out.width; x++)
                exact &= near(at(&out, x, y), solid, 0);
        CHECK_MSG(exact, "solid %dx%d", sizes[k][0], sizes[k][1]);
        image_free(&out);
    }
    /* random sizes both ways: every weight table must add up to one */
    uint64_t rs = 77;
    int inexact = 0;
    for (int k = 0; k < 300; k++) {
        image_rgba a, b;
        int sw = 1 + (int)(rnd(&rs) % 40), sh = 1 + (int)(rnd(&rs) % 40);
        int dw = 1 + (int)(rnd(&rs) % 90), dh = 1 + (int)(rnd(&rs) % 90);
        const uint8_t c[4] = {(uint8_t)rnd(&rs), (uint8_t)rnd(&rs), (uint8_t)rnd(&rs),
                              (uint8_t)(1 + rnd(&rs) % 255)};
        CHECK_INT(image_alloc(sw, sh, &a), 0);
        fill(&a, c);
        CHECK_INT(image_resize(&a, dw, dh, &b), 0);
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++)
                inexact += !near(at(&b, x, y), c, 0);
        image_free(&a);
        image_free(&b);
    }
    CHECK_MSG(inexact == 0, "%d pixels off a solid colour", inexact);
    /* translucent solid too: colour and alpha both exact */
    const uint8_t glass[4] = {10, 250, 128, 77};
    fill(&src, glass);
    CHECK_INT(image_resize(&src, 37, 210, &out), 0);
    CHECK(near(at(&out, 0, 0), glass, 0) && near(at(&out, 36, 209), glass, 0) &&
          near(at(&out, 18, 100), glass, 0));
    image_free(&out);

    /* transparent pixels do not bleed their colour: opaque white left,
     * transparent green right; shrinking, enlarging and mixed */
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 100; x++) {
            uint8_t *p = src.pixels + (size_t)y * src.stride + x * 4;
            bool opaque = x < 50;
            const uint8_t c[4] = {opaque ? 255 : 0, 255, opaque ? 255 : 0, opaque ? 255 : 0};
            memcpy(p, c, 4);
        }
    static const int bleed[][2] = {{2, 1}, {3, 5}, {7, 7}, {333, 50}, {30, 400}, {250, 250}};
    for (size_t k = 0; k < sizeof bleed / sizeof bleed[0]; k++) {
        CHECK_INT(image_resize(&src, bleed[k][0], bleed[k][1], &out), 0);
        bool clean = true;
        for (int x = 0; x < out.width; x++) {
            const uint8_t *p = at(&out, x, out.height / 2);
            if (p[3] > 0)
                clean &= p[0] == 255 && p[1] == 255 && p[2] == 255;
        }
        CHECK_MSG(clean, "bleed %dx%d", bleed[k][0], bleed[k][1]);
        CHECK(at(&out, 0, 0)[3] == 255 && at(&out, out.width - 1, 0)[3] == 0);
        image_free(&out);
    }
    image_free(&src);

    /* fractional coverage, by hand: 3 gray pixels 0, 90, 180 into 2; each
     * output covers 1.5 pixels: (0 + 90/2) / 1.5 = 30, (90/2 + 180) / 1.5 = 150 */
    CHECK_INT(image_alloc(3, 1, &src), 0);
    for (int x = 0; x < 3; x++) {
        uint8_t v = (uint8_t)(x * 90);
        const uint8_t c[4] = {v, v, v, 255};
        memcpy(src.pixels + x * 4, c, 4);
    }
    CHECK_INT(image_resize(&src, 2, 1, &out), 0);
    CHECK_MSG(abs(at(&out, 0, 0)[0] - 30) <= 1 && abs(at(&out, 1, 0)[0] - 150) <= 1, "%d %d",
              at(&out, 0, 0)[0], at(&out, 1, 0)[0]);
    image_free(&out);
    image_free(&src);
    /* alpha-weighted: opaque red + blue at alpha 51 -> alpha 153, and colour
     * weighted by alpha: R = 255 * 255 / 306 = 212.5, B = 255 * 51 / 306 = 42.5 */
    CHECK_INT(image_alloc(2, 1, &src), 0);
    const uint8_t r[4] = {255, 0, 0, 255}, b[4] = {0, 0, 255, 51};
    memcpy(src.pixels, r, 4);
    memcpy(src.pixels + 4, b, 4);
    CHECK_INT(image_resize(&src, 1, 1, &out), 0);
    const uint8_t *p = at(&out, 0, 0);
    CHECK_MSG(abs(p[0] - 212) <= 1 && p[1] == 0 && abs(p[2] - 43) <= 1 && p[3] == 153,
              "%d %d %d %d", p[0], p[1], p[2], p[3]);
    image_free(&out);
    image_free(&src);

    /* enlarging is bilinear between pixel centres, clamped at the edges:
     * 0, 255 into 4 pixels samples at -0.25, 0.25, 0.75, 1.25 */
    CHECK_INT(image_alloc(2, 1, &src), 0);
    const uint8_t k0[4] = {0, 0, 0, 255}, k1[4] = {255, 255, 255, 255};
    memcpy(src.pixels, k0, 4);
    memcpy(src.pixels + 4, k1, 4);
    CHECK_INT(image_resize(&src, 4, 3, &out), 0);
    for (int y = 0; y < 3; y++)
        CHECK_MSG(at(&out, 0, y)[0] == 0 && at(&out, 1, y)[0] == 64 && at(&out, 2, y)[0] == 191 &&
                      at(&out, 3, y)[0] == 255,
                  "row %d: %d %d %d %d", y, at(&out, 0, y)[0], at(&out, 1, y)[0],
                  at(&out, 2, y)[0], at(&out, 3, y)[0]);
    image_free(&out);
    /* a long stretch is a monotone ramp */
    CHECK_INT(image_resize(&src, 200, 1, &out), 0);
    bool ramp = at(&out, 0, 0)[0] == 0 && at(&out, 199, 0)[0] == 255;
    for (int x = 1; x < 200; x++)
        ramp &= at(&out, x, 0)[0] >= at(&out, x - 1, 0)[0];
    CHECK(ramp);
    image_free(&out);
    image_free(&src);

    /* mixed: 1-pixel vertical stripes, narrowed 10x and stretched 5x tall;
     * the narrow axis must average (gray), not sample (black or white) */
    CHECK_INT(image_alloc(100, 10, &src), 0);
    for (int y = 0; y < 10; y++)
        for (int x = 0; x < 100; x++) {
            uint8_t v = x % 2 ? 255 : 0;
            const uint8_t c[4] = {v, v, v, 255};
            memcpy(src.pixels + (size_t)y * src.stride + x * 4, c, 4);
        }
    CHECK_INT(image_resize(&src, 10, 50, &out), 0);
    gray = true;
    for (int y = 0; y < 50; y++)
        for (int x = 0; x < 10; x++)
            gray &= abs(at(&out, x, y)[0] - 128) <= 1;
    CHECK_MSG(gray, "mixed resize averages the narrowed axis");
    image_free(&out);
    image_free(&src);

    /* a huge reduction on one axis: 30000 alternating rows into one */
    CHECK_INT(image_alloc(8, 30000, &src), 0);
    for (int y = 0; y < 30000; y++) {
        uint8_t v = y % 2 ? 255 : 0;
        const uint8_t c[4] = {v, v, v, 255};
        for (int x = 0; x < 8; x++)
            memcpy(src.pixels + (size_t)y * src.stride + x * 4, c, 4);
    }
    CHECK_INT(image_resize(&src, 8, 1, &out), 0);
    CHECK_MSG(abs(at(&out, 0, 0)[0] - 128) <= 1 && abs(at(&out, 7, 0)[0] - 128) <= 1, "%d",
              at(&out, 0, 0)[0]);
    image_free(&out);
    image_free(&src);

    /* a source with padded rows (stride > 4 * width) */
    uint8_t *buf = calloc(10 * 64, 1);
    for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++)
            memcpy(buf + y * 64 + x * 4, x < 5 ? RED : BLUE, 4);
    image_rgba padded = {10, 10, 64, buf, false};
    CHECK_INT(image_resize(&padded, 2, 2, &out), 0);
    CHECK(near(at(&out, 0, 1), RED, 0) && near(at(&out, 1, 1), BLUE, 0));
    image_free(&out);
    free(buf);

    /* refused: empty targets, broken sources */
    CHECK_INT(image_alloc(4, 4, &src), 0);
    CHECK_INT(image_resize(&src, 0, 5, &out), -1);
    CHECK(out.pixels == NULL);
    CHECK_INT(image_resize(&src, 5, -1, &out), -1);
    image_rgba broken = {4, 4, 8, src.pixels, false}; /* stride too small */
    CHECK_INT(image_resize(&broken, 2, 2, &out), -1);
    image_free(&src);
    CHECK_INT(image_alloc(0, 10, &src), -1);
    CHECK_INT(image_alloc(10, -1, &src), -1);
    CHECK_INT(image_alloc(1 << 30, 1 << 30, &src), -1);
    CHECK(src.pixels == NULL);
    image_free(NULL);
}

static void test_resize_large(void)
{
    /* a camera-sized picture to a screen, as the player does; under
     * valgrind only a tenth, for the memory checks */
    bool slow = RUNNING_ON_VALGRIND;
    int sw = slow ? 400 : 4000, sh = slow ? 300 : 3000, w = slow ? 192 : 1920,
        h = slow ? 108 : 1080;
    image_rgba src, out;
    CHECK_INT(image_alloc(sw, sh, &src), 0);
    for (int y = 0; y < sh; y++)
        for (int x = 0; x < sw; x++) {
            uint8_t *p = src.pixels + (size_t)y * src.stride + (size_t)x * 4;
            p[0] = (uint8_t)x;
            p[1] = (uint8_t)y;
            p[2] = (uint8_t)(x ^ y);
            p[3] = 255;
        }
    CHECK_INT(image_resize(&src, w, h, &out), 0);
    CHECK(out.width == w && out.height == h);
    image_free(&out);
    image_free(&src);
}

/* `opaque` is a promise the fast paths rely on: only decoders that cannot
 * produce alpha make it, and resizing an opaque picture by the fast path
 * gives what the premultiplied path gives. */
static void test_opaque(void)
{
    size_t len;
    char err[256];
    image_rgba img;
    struct {
        const char *name;
        uint8_t *file;
        bool opaque;
    } cases[4];
    uint8_t *px = halves(64, 32);
    cases[0].name = "jpeg", cases[0].file = make_jpeg(64, 32, NULL, &len), cases[0].opaque = true;
    size_t lens[4];
    lens[0] = len;
    cases[1].name = "png rgb";
    cases[1].file = make_png_px(px, 64, 32, PNG_COLOR_TYPE_RGB, 8, false, 0, &lens[1]);
    cases[1].opaque = true;
    cases[2].name = "png rgba", cases[2].file = make_png(64, 32, &lens[2]), cases[2].opaque = false;
    cases[3].name = "webp lossy";
    cases[3].file = make_webp_px(px, 64, 32, 0, &lens[3]);
    cases[3].opaque = true;
    for (int i = 0; i < 4; i++) {
        CHECK_INT(image_decode(cases[i].file, lens[i], 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err,
                               sizeof err),
                  0);
        CHECK_MSG(img.opaque == cases[i].opaque, "%s: opaque %d", cases[i].name, img.opaque);
        image_free(&img);
        free(cases[i].file);
    }
    free(px);

    /* fast path against the premultiplied one, shrinking and enlarging */
    image_rgba src;
    CHECK_INT(image_alloc(97, 61, &src), 0);
    uint32_t seed = 12345;
    for (int i = 0; i < 97 * 61 * 4; i++) {
        seed = seed * 1103515245u + 12345u;
        src.pixels[i] = (i & 3) == 3 ? 255 : (uint8_t)(seed >> 24);
    }
    const int sizes[3][2] = {{40, 25}, {96, 60}, {200, 130}};
    for (int k = 0; k < 3; k++) {
        image_rgba slow, fast;
        src.opaque = false;
        CHECK_INT(image_resize(&src, sizes[k][0], sizes[k][1], &slow), 0);
        src.opaque = true;
        CHECK_INT(image_resize(&src, sizes[k][0], sizes[k][1], &fast), 0);
        CHECK(fast.opaque && !slow.opaque);
        int worst = 0;
        for (int y = 0; y < fast.height; y++)
            for (int x = 0; x < fast.width * 4; x++) {
                int d = abs(fast.pixels[y * fast.stride + x] - slow.pixels[y * slow.stride + x]);
                worst = d > worst ? d : worst;
            }
        CHECK_MSG(worst <= 1, "%dx%d: fast and premultiplied paths differ by %d", sizes[k][0],
                  sizes[k][1], worst);
        image_free(&slow);
        image_free(&fast);
    }
    image_free(&src);
}

int main(void)
{
    test_opaque();
    test_formats();
    test_sniff_edges();
    test_animated_webp();
    test_scaled_jpeg();
    test_scaled_webp();
    test_png_reduced();
    test_png_paths_agree();
    test_orientation();
    test_exif_hostile();
    test_pixel_limit();
    test_jpeg_scans();
    test_truncated();
    test_garbage();
    test_fuzz();
    test_resize();
    test_resize_large();
    return check_done("image");
}

/* Pictures: sniffing, scaled decoding, EXIF orientation, the pixel limit,
 * resizing, and corrupt input.  Test files are made with the libraries'
 * own encoders. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>
#include <png.h>
#include <string.h>
#include <webp/encode.h>
#include <zlib.h>

#include "check.h"
#include "image.h"

/* Left half red, right half blue. */
static uint8_t *halves(int w, int h)
{
    uint8_t *p = malloc((size_t)w * h * 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *q = p + ((size_t)y * w + x) * 4;
            bool left = x < w / 2;
            q[0] = left ? 220 : 20;
            q[1] = 20;
            q[2] = left ? 20 : 220;
            q[3] = 255;
        }
    return p;
}

static uint8_t *make_jpeg(int w, int h, int orientation, size_t *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &out, &size);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 4;
    c.in_color_space = JCS_EXT_RGBA;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    jpeg_start_compress(&c, TRUE);
    if (orientation) {
        /* Exif\0\0 + little-endian TIFF with one IFD0 entry: 0x0112 = orientation */
        unsigned char exif[] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
                                0x12, 0x01, 3, 0, 1, 0, 0, 0, (unsigned char)orientation, 0, 0, 0,
                                0, 0, 0, 0};
        jpeg_write_marker(&c, JPEG_APP0 + 1, exif, sizeof exif);
    }
    uint8_t *px = halves(w, h);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = px + (size_t)c.next_scanline * w * 4;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(px);
    *len = size;
    return out;
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

static uint8_t *make_webp(int w, int h, size_t *len)
{
    uint8_t *px = halves(w, h), *out = NULL;
    *len = WebPEncodeRGBA(px, w, h, w * 4, 90, &out);
    free(px);
    return out;
}

static const uint8_t *at(const image_rgba *img, int x, int y)
{
    return img->pixels + (size_t)y * img->stride + (size_t)x * 4;
}

static bool reddish(const uint8_t *p)
{
    return p[0] > 150 && p[2] < 90;
}

static bool bluish(const uint8_t *p)
{
    return p[2] > 150 && p[0] < 90;
}

static void check_format(const char *name, uint8_t *data, size_t len, image_format fmt)
{
    image_info info;
    char err[256];
    CHECK_MSG(image_sniff(data, len, &info, err, sizeof err) == 0, "%s: %s", name, err);
    CHECK_INT(info.format, fmt);
    CHECK_INT(info.width, 200);
    CHECK_INT(info.height, 100);
    image_rgba img;
    CHECK_MSG(image_decode(data, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err) == 0,
              "%s: %s", name, err);
    CHECK_INT(img.width, 200);
    CHECK_INT(img.height, 100);
    CHECK_MSG(reddish(at(&img, 20, 50)) && bluish(at(&img, 180, 50)), "%s colours", name);
    image_free(&img);
    /* truncated copies fail cleanly, never crash */
    for (size_t cut = 0; cut < len; cut += len / 7 + 1) {
        if (image_decode(data, cut, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err) == 0)
            image_free(&img); /* a decoder may accept a partial image */
        else
            CHECK(err[0] != '\0');
    }
    /* random mutations */
    uint8_t *m = malloc(len);
    for (int round = 0; round < 300; round++) {
        memcpy(m, data, len);
        for (int k = 0; k < 6; k++)
            m[rand() % len] = (uint8_t)rand();
        if (image_decode(m, len, 50, 25, 1000000, &img, err, sizeof err) == 0) {
            CHECK(img.width > 0 && img.height > 0);
            image_free(&img);
        }
        image_info i2;
        image_sniff(m, len > 64 ? 64 : len, &i2, err, sizeof err);
    }
    free(m);
}

static void test_formats(void)
{
    size_t len;
    uint8_t *j = make_jpeg(200, 100, 0, &len);
    check_format("jpeg", j, len, IMAGE_JPEG);
    free(j);
    uint8_t *p = make_png(200, 100, &len);
    check_format("png", p, len, IMAGE_PNG);
    free(p);
    uint8_t *w = make_webp(200, 100, &len);
    check_format("webp", w, len, IMAGE_WEBP);
    WebPFree(w);
    char err[256];
    image_info info;
    CHECK_INT(image_sniff((const uint8_t *)"GIF89a........", 14, &info, err, sizeof err), -1);
    CHECK(strlen(err) > 0);
}

static void test_scaled_jpeg(void)
{
    size_t len;
    uint8_t *j = make_jpeg(3000, 2000, 0, &len);
    image_rgba img;
    char err[256];
    CHECK_INT(image_decode(j, len, 375, 250, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK(img.width >= 375 && img.height >= 250);
    CHECK(img.width < 3000 && img.height < 2000); /* scaled DCT did the work */
    CHECK_INT(img.width, 375);                     /* 1/8 exactly */
    image_free(&img);
    CHECK_INT(image_decode(j, len, 400, 250, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK_INT(img.width, 750); /* 1/8 would be too small: 1/4 */
    image_free(&img);
    free(j);
}

static void test_orientation(void)
{
    size_t len;
    uint8_t *j = make_jpeg(200, 100, 6, &len); /* 6: rotate 90 clockwise to view */
    image_info info;
    char err[256];
    CHECK_INT(image_sniff(j, len, &info, err, sizeof err), 0);
    CHECK_INT(info.orientation, 6);
    image_rgba img;
    CHECK_INT(image_decode(j, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK_INT(img.width, 100);
    CHECK_INT(img.height, 200);
    /* the red left half is now on top */
    CHECK(reddish(at(&img, 50, 20)) && bluish(at(&img, 50, 180)));
    image_free(&img);
    free(j);
    j = make_jpeg(200, 100, 3, &len); /* 3: upside down */
    CHECK_INT(image_decode(j, len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    CHECK_INT(img.width, 200);
    CHECK(bluish(at(&img, 20, 50)) && reddish(at(&img, 180, 50)));
    image_free(&img);
    free(j);
}

static void test_pixel_limit(void)
{
    /* a valid IHDR claiming 30000x30000, then garbage: refused from the header */
    uint8_t png[1000];
    memset(png, 0xAB, sizeof png);
    memcpy(png, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
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
    CHECK_INT(info.width, 30000);
    image_rgba img;
    CHECK_INT(image_decode(png, sizeof png, 1920, 1080, IMAGE_DEFAULT_MAX_PIXELS, &img, err,
                           sizeof err),
              -1);
    CHECK(strstr(err, "30000x30000") != NULL);
    /* the same with a small JPEG and a tiny limit */
    size_t len;
    uint8_t *j = make_jpeg(200, 100, 0, &len);
    CHECK_INT(image_decode(j, len, 0, 0, 19999, &img, err, sizeof err), -1);
    CHECK_INT(image_decode(j, len, 0, 0, 20000, &img, err, sizeof err), 0);
    image_free(&img);
    free(j);
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
            gray &= p[0] >= 125 && p[0] <= 130 && p[3] == 255;
        }
    CHECK_MSG(gray, "checkerboard averages to gray");
    image_free(&out);
    /* a solid colour stays exact, shrinking by odd factors and enlarging */
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 100; x++) {
            uint8_t *p = src.pixels + (size_t)y * src.stride + x * 4;
            p[0] = 200;
            p[1] = 16;
            p[2] = 46;
            p[3] = 255;
        }
    int sizes[][2] = {{33, 7}, {1, 1}, {250, 130}, {100, 100}, {57, 300}};
    for (size_t k = 0; k < 5; k++) {
        CHECK_INT(image_resize(&src, sizes[k][0], sizes[k][1], &out), 0);
        const uint8_t *p = at(&out, out.width - 1, out.height - 1);
        CHECK_MSG(p[0] == 200 && p[1] == 16 && p[2] == 46 && p[3] == 255, "solid %dx%d: %d %d %d",
                  out.width, out.height, p[0], p[1], p[2]);
        image_free(&out);
    }
    /* transparent pixels do not bleed their colour */
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 100; x++) {
            uint8_t *p = src.pixels + (size_t)y * src.stride + x * 4;
            bool opaque = x < 50;
            p[0] = opaque ? 255 : 0;
            p[1] = opaque ? 255 : 255;
            p[2] = opaque ? 255 : 0;
            p[3] = opaque ? 255 : 0; /* transparent green */
        }
    CHECK_INT(image_resize(&src, 2, 1, &out), 0);
    const uint8_t *p = at(&out, 0, 0);
    CHECK(p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255);
    CHECK(at(&out, 1, 0)[3] == 0);
    image_free(&out);
    image_free(&src);
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
    CHECK(strstr(err, "PNG") != NULL);
    free(p);
}

int main(void)
{
    srand(42);
    test_png_reduced();
    test_formats();
    test_scaled_jpeg();
    test_orientation();
    test_pixel_limit();
    test_resize();
    return check_done("image");
}

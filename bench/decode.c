/* bench-decode: one 12-megapixel JPEG brought to 1920x1080, two ways, one
 * per process, so the suite can time whole processes side by side:
 *
 *   bench-decode make OUT.jpg [V]       writes a 4000x3000 photo-like JPEG;
 *                                       V (0..5) picks one of six colourings
 *   bench-decode player IN.jpg [N]      the player's path: libjpeg-turbo's
 *                                       scaled DCT decode + box-filter resize
 *   bench-decode sdl IN.jpg [N]         SDL2_image's full decode + SDL's
 *                                       bilinear stretch
 *   bench-decode entropy IN.jpg [N]     only the entropy (Huffman) decoding
 *                                       every path must do in full: the floor
 *                                       no scaling can go below
 *
 * Each decode mode repeats N times (default 1) and prints the output size
 * and a checksum, so both are seen to produce the picture. */
#include <SDL.h>
#include <SDL_image.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* jpeglib.h needs FILE and size_t first */
#include <jpeglib.h>

#include "image.h"

#define SCREEN_W 1920
#define SCREEN_H 1080

static int read_file(const char *path, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc((size_t)n);
    if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(*data);
        return -1;
    }
    fclose(f);
    *len = (size_t)n;
    return 0;
}

/* Smooth gradients, soft shapes and sensor-like noise: compresses like a
 * photograph (a flat test card would decode unrealistically fast). */
static int make(const char *out, int variant)
{
    image_rgba img;
    if (image_alloc(4000, 3000, &img) != 0)
        return 1;
    uint32_t seed = 12345;
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width; x++) {
            seed = seed * 1664525u + 1013904223u;
            int noise = (int)(seed >> 28) - 8;
            double fx = x / 4000.0, fy = y / 3000.0;
            double hill = 0.5 + 0.5 * sin(fx * 9.0 + sin(fy * 5.0) * 2.0);
            uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * 4;
            int r = (int)(60 + 150 * fy + 40 * hill) + noise;
            int g = (int)(90 + 100 * hill * (1 - fy)) + noise;
            int b = (int)(180 - 120 * fy + 30 * sin(fx * 40.0)) + noise;
            /* Variants swap channels, so six photos share their cost but
             * are told apart on screen by colour. */
            int c[3] = {r, g, b}, v = variant % 6;
            static const int ORDER[6][3] = {{0, 1, 2}, {2, 1, 0}, {1, 0, 2},
                                            {0, 2, 1}, {1, 2, 0}, {2, 0, 1}};
            for (int k = 0; k < 3; k++) {
                int cv = c[ORDER[v][k]];
                p[k] = (uint8_t)(cv < 0 ? 0 : cv > 255 ? 255 : cv);
            }
            p[3] = 255;
        }
    uint8_t *jpg;
    size_t len;
    char err[256];
    if (image_encode_jpeg(&img, 90, &jpg, &len, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    image_free(&img);
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(jpg, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", out);
        return 1;
    }
    free(jpg);
    printf("%s: 4000x3000, %zu bytes\n", out, len);
    return 0;
}

/* The picture's size when fitted (contain) into the screen. */
static void fit(int w, int h, int *ow, int *oh)
{
    if ((long long)w * SCREEN_H > (long long)h * SCREEN_W) {
        *ow = SCREEN_W;
        *oh = (int)((long long)h * SCREEN_W / w);
    } else {
        *oh = SCREEN_H;
        *ow = (int)((long long)w * SCREEN_H / h);
    }
}

static unsigned long checksum(const uint8_t *p, int w, int h, int stride)
{
    unsigned long s = 0;
    for (int y = 0; y < h; y += 7)
        for (int x = 0; x < w * 4; x += 13)
            s = s * 31 + p[(size_t)y * stride + x];
    return s;
}

static int player_path(const uint8_t *data, size_t len, int *ow, int *oh, unsigned long *sum)
{
    image_info info;
    char err[256];
    if (image_sniff(data, len, &info, err, sizeof err) != 0)
        return -1;
    fit(info.width, info.height, ow, oh);
    image_rgba dec, out;
    if (image_decode(data, len, *ow, *oh, 100000000, &dec, err, sizeof err) != 0)
        return -1;
    int rc = image_resize(&dec, *ow, *oh, &out);
    image_free(&dec);
    if (rc != 0)
        return -1;
    *sum = checksum(out.pixels, out.width, out.height, out.stride);
    image_free(&out);
    return 0;
}

static int sdl_path(const uint8_t *data, size_t len, int *ow, int *oh, unsigned long *sum)
{
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    SDL_Surface *full = IMG_Load_RW(rw, 1);
    if (!full)
        return -1;
    /* both paths end in the same 32-bit layout */
    SDL_Surface *conv = SDL_ConvertSurfaceFormat(full, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(full);
    if (!conv)
        return -1;
    fit(conv->w, conv->h, ow, oh);
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, *ow, *oh, 32, SDL_PIXELFORMAT_RGBA32);
    int rc = out ? SDL_SoftStretchLinear(conv, NULL, out, NULL) : -1;
    if (rc == 0)
        *sum = checksum(out->pixels, out->w, out->h, out->pitch);
    SDL_FreeSurface(out);
    SDL_FreeSurface(conv);
    return rc;
}

/* Huffman decoding of every block, no IDCT, no colour conversion.  (Errors
 * exit through libjpeg's default handler: this is a benchmark tool.) */
static int entropy_path(const uint8_t *data, size_t len, int *ow, int *oh, unsigned long *sum)
{
    struct jpeg_decompress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, data, (unsigned long)len);
    jpeg_read_header(&c, TRUE);
    jvirt_barray_ptr *coefs = jpeg_read_coefficients(&c);
    *ow = (int)c.image_width;
    *oh = (int)c.image_height;
    *sum = coefs ? 1 : 0;
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    return coefs ? 0 : -1;
}

int main(int argc, char **argv)
{
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "make") == 0)
        return make(argv[2], argc == 4 ? atoi(argv[3]) : 0);
    if (argc < 3 || (strcmp(argv[1], "player") != 0 && strcmp(argv[1], "sdl") != 0 &&
                     strcmp(argv[1], "entropy") != 0)) {
        fprintf(stderr,
                "usage: bench-decode make OUT.jpg [VARIANT] | player|sdl|entropy IN.jpg [N]\n");
        return 2;
    }
    int n = argc > 3 ? atoi(argv[3]) : 1;
    uint8_t *data;
    size_t len;
    if (read_file(argv[2], &data, &len) != 0) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 1;
    }
    bool sdl = strcmp(argv[1], "sdl") == 0;
    if (sdl && IMG_Init(IMG_INIT_JPG) == 0) {
        fprintf(stderr, "SDL_image: %s\n", IMG_GetError());
        return 1;
    }
    int ow = 0, oh = 0;
    unsigned long sum = 0;
    for (int i = 0; i < n; i++)
        if ((sdl ? sdl_path : !strcmp(argv[1], "entropy") ? entropy_path : player_path)(
                data, len, &ow, &oh, &sum) != 0) {
            fprintf(stderr, "decode failed\n");
            return 1;
        }
    printf("%s: %dx%d checksum %lu (%d runs)\n", argv[1], ow, oh, sum, n);
    free(data);
    if (sdl)
        IMG_Quit();
    return 0;
}

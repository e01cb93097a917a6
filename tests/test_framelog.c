/* framelog (the benchmarks' record of presented frames), blend (the
 * software path's fades), sha256, and image_resize_part. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blend.h"
#include "check.h"
#include "fileio.h"
#include "framelog.h"
#include "image.h"
#include "sha256.h"

static void test_signature(void)
{
    /* 64x36 XRGB pixels: left half red, right half blue */
    enum { W = 64, H = 36 };
    uint32_t px[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            px[y * W + x] = x < W / 2 ? 0x00FF0000u : 0x000000FFu;
    framelog_frame fr;
    memset(&fr, 0, sizeof fr);
    framelog_signature(&fr, px, W * 4, W, H, 16, 8, 0);
    CHECK(fr.has_sig);
    CHECK_INT(fr.sig[0], 255); /* first cell: red */
    CHECK_INT(fr.sig[2], 0);
    int last = (FRAMELOG_GRID_W * FRAMELOG_GRID_H - 1) * 3;
    CHECK_INT(fr.sig[last], 0); /* last cell: blue */
    CHECK_INT(fr.sig[last + 2], 255);
    /* another byte order gives the same colours */
    for (int i = 0; i < W * H; i++)
        px[i] = ((px[i] >> 16) & 0xFF) | (px[i] & 0xFF) << 16;
    framelog_frame fr2;
    memset(&fr2, 0, sizeof fr2);
    framelog_signature(&fr2, px, W * 4, W, H, 0, 8, 16);
    CHECK(memcmp(fr.sig, fr2.sig, sizeof fr.sig) == 0);
}

static void test_log_file(void)
{
    framelog *f;
    CHECK_INT(framelog_open(2, &f), 0);
    framelog_frame a = {
        .t = 0.0165, .cpu = 0.0012, .flags = FRAMELOG_MAIN, .cur = 3, .prev = 2, .progress = 0.25};
    framelog_add(f, &a);
    a.has_sig = 1;
    memset(a.sig, 0xAB, sizeof a.sig);
    framelog_add(f, &a);
    framelog_add(f, &a); /* over the cap: counted, not kept */
    CHECK_INT(framelog_count(f), 3);
    CHECK(framelog_get(f, 2) == NULL);
    char path[] = "/tmp/test_framelog_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    char err[256];
    CHECK_INT(framelog_write(f, path, err, sizeof err), 0);
    char *text;
    size_t len;
    CHECK_INT(fileio_read(path, 1 << 20, FILEIO_REGULAR, &text, &len, err, sizeof err), 0);
    CHECK(strncmp(text,
                  "# frames 3 kept 2\n16.500 1200 2 3 2 0.2500 -\n16.500 1200 2 3 2 0.2500 abab",
                  71) == 0);
    CHECK_INT(len, strlen("# frames 3 kept 2\n") + 2 * strlen("16.500 1200 2 3 2 0.2500 ") + 2 +
                       FRAMELOG_SIG * 2 + 1);
    free(text);
    unlink(path);
    framelog_free(f);
}

static void test_blend(void)
{
    uint8_t a[100], b[100], d[100];
    for (int i = 0; i < 100; i++) {
        a[i] = (uint8_t)(i * 2);
        b[i] = (uint8_t)(255 - i);
    }
    blend_mix(d, a, b, 100, 0);
    CHECK(memcmp(d, a, 100) == 0);
    blend_mix(d, a, b, 100, BLEND_ONE);
    CHECK(memcmp(d, b, 100) == 0);
    blend_mix(d, a, b, 100, BLEND_ONE / 2);
    int worst = 0;
    for (int i = 0; i < 100; i++) {
        int want = (a[i] + b[i]) / 2, diff = abs(d[i] - want);
        worst = diff > worst ? diff : worst;
    }
    CHECK_MSG(worst <= 1, "half-way mix off by %d", worst);
    memcpy(d, a, 100);
    blend_over(d, b, 100, BLEND_ONE / 4); /* in place: the same as blend_mix */
    uint8_t e[100];
    blend_mix(e, a, b, 100, BLEND_ONE / 4);
    CHECK(memcmp(d, e, 100) == 0);
    blend_mix(d, a, b, 37, BLEND_ONE + 50); /* clamped, odd length (the tail loop) */
    CHECK(memcmp(d, b, 37) == 0);
}

static void test_sha256(void)
{
    char hex[65];
    CHECK_INT(sha256_hex("abc", 3, hex), 0);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_ctx *c = sha256_begin();
    CHECK(c != NULL);
    CHECK_INT(sha256_update(c, "a", 1), 0);
    CHECK_INT(sha256_update(c, "bc", 2), 0);
    char hex2[65];
    CHECK_INT(sha256_end_hex(c, hex2), 0);
    CHECK_STR(hex2, hex);
    CHECK_INT(sha256_hex("", 0, hex), 0);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_abort(sha256_begin());
    sha256_abort(NULL);
}

static void test_resize_part(void)
{
    image_rgba src, full, part;
    CHECK_INT(image_alloc(40, 30, &src), 0);
    for (int y = 0; y < 30; y++)
        for (int x = 0; x < 40; x++) {
            uint8_t *p = src.pixels + (size_t)y * src.stride + (size_t)x * 4;
            p[0] = (uint8_t)(x * 6);
            p[1] = (uint8_t)(y * 8);
            p[2] = (uint8_t)((x * y) & 255);
            p[3] = 255;
        }
    int sizes[][2] = {{25, 19}, {40, 30}, {60, 45}};
    for (size_t k = 0; k < 3; k++) {
        int w = sizes[k][0], h = sizes[k][1];
        CHECK_INT(image_resize(&src, w, h, &full), 0);
        /* the part is exactly the same pixels as that window of the whole */
        CHECK_INT(image_resize_part(&src, w, h, 3, 5, w - 7, h - 9, &part), 0);
        CHECK_INT(part.width, w - 7);
        CHECK_INT(part.height, h - 9);
        int same = 1;
        for (int y = 0; y < part.height; y++)
            same &= memcmp(part.pixels + (size_t)y * part.stride,
                           full.pixels + (size_t)(y + 5) * full.stride + 3 * 4,
                           (size_t)part.width * 4) == 0;
        CHECK_MSG(same, "part of %dx%d differs from the whole's window", w, h);
        image_free(&full);
        image_free(&part);
    }
    /* a part outside the picture is refused */
    CHECK_INT(image_resize_part(&src, 20, 20, 15, 0, 10, 5, &part), -1);
    CHECK_INT(image_resize_part(&src, 20, 20, 0, -1, 10, 5, &part), -1);
    image_free(&src);
}

int main(void)
{
    test_signature();
    test_log_file();
    test_blend();
    test_sha256();
    test_resize_part();
    return check_done("framelog");
}

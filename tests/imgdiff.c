/* imgdiff - compares screenshots for the golden tests, and describes one.
 *
 *   imgdiff compare A.png B.png [--rotate DEG] [--mean M] [--pct P] [--diff OUT.png]
 *       A rotated by DEG (0/90/180/270, clockwise) must match B: mean absolute
 *       channel difference <= M (default 1.5) and at most P percent of pixels
 *       (default 1.0) differ by more than 48 in any channel.  Exit 0 = match.
 *   imgdiff stats A.png
 *       prints "W H mean_luma black_pct colours": used to assert a frame is
 *       neither black nor blank.
 *   imgdiff region A.png X Y W H
 *       prints the mean R G B of a rectangle.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SDL_Surface *load(const char *p)
{
    SDL_Surface *s = IMG_Load(p);
    if (!s) {
        fprintf(stderr, "imgdiff: %s: %s\n", p, IMG_GetError());
        exit(2);
    }
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(s);
    if (!c) {
        fprintf(stderr, "imgdiff: %s: %s\n", p, SDL_GetError());
        exit(2);
    }
    return c;
}

static const Uint8 *px(SDL_Surface *s, int x, int y)
{
    return (const Uint8 *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4;
}

static int compare(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    int rot = 0;
    double max_mean = 1.5, max_pct = 1.0;
    const char *diff_out = NULL;
    for (int i = 4; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rotate"))
            rot = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--mean"))
            max_mean = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--pct"))
            max_pct = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--diff"))
            diff_out = argv[i + 1];
    }
    SDL_Surface *a = load(argv[2]), *b = load(argv[3]);
    bool quarter = rot == 90 || rot == 270;
    int aw = quarter ? a->h : a->w, ah = quarter ? a->w : a->h;
    if (aw != b->w || ah != b->h) {
        printf("size differs: %dx%d (after rotation) vs %dx%d\n", aw, ah, b->w, b->h);
        return 1;
    }
    SDL_Surface *d = diff_out ? SDL_CreateRGBSurfaceWithFormat(0, b->w, b->h, 32,
                                                               SDL_PIXELFORMAT_RGBA32)
                              : NULL;
    double sum = 0;
    long bad = 0;
    for (int y = 0; y < b->h; y++) {
        for (int x = 0; x < b->w; x++) {
            /* (x, y) in B comes from A rotated clockwise by rot. */
            int sx = x, sy = y;
            if (rot == 90) {
                sx = y;
                sy = a->h - 1 - x;
            } else if (rot == 180) {
                sx = a->w - 1 - x;
                sy = a->h - 1 - y;
            } else if (rot == 270) {
                sx = a->w - 1 - y;
                sy = x;
            }
            const Uint8 *p = px(a, sx, sy), *q = px(b, x, y);
            int worst = 0;
            for (int c = 0; c < 3; c++) {
                int dd = abs(p[c] - q[c]);
                sum += dd;
                if (dd > worst)
                    worst = dd;
            }
            if (worst > 48)
                bad++;
            if (d) {
                Uint8 *o = (Uint8 *)d->pixels + (size_t)y * d->pitch + (size_t)x * 4;
                o[0] = (Uint8)(worst > 48 ? 255 : worst * 4 > 255 ? 255 : worst * 4);
                o[1] = o[2] = (Uint8)(q[1] / 4);
                o[3] = 255;
            }
        }
    }
    double mean = sum / ((double)b->w * b->h * 3);
    double pct = 100.0 * (double)bad / ((double)b->w * b->h);
    printf("mean %.3f (max %.3f), differing pixels %.3f%% (max %.3f%%)\n", mean, max_mean, pct,
           max_pct);
    if (d) {
        IMG_SavePNG(d, diff_out);
        SDL_FreeSurface(d);
    }
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    return mean <= max_mean && pct <= max_pct ? 0 : 1;
}

static int stats(const char *path)
{
    SDL_Surface *a = load(path);
    double luma = 0;
    long black = 0;
    /* Count distinct colours roughly (5 bits per channel). */
    static unsigned char seen[1 << 15];
    long colours = 0;
    for (int y = 0; y < a->h; y++)
        for (int x = 0; x < a->w; x++) {
            const Uint8 *p = px(a, x, y);
            double l = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
            luma += l;
            if (l < 8)
                black++;
            int k = (p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3);
            if (!seen[k]) {
                seen[k] = 1;
                colours++;
            }
        }
    double n = (double)a->w * a->h;
    printf("%d %d %.2f %.2f %ld\n", a->w, a->h, luma / n, 100.0 * black / n, colours);
    SDL_FreeSurface(a);
    return 0;
}

static int region(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    SDL_Surface *a = load(argv[2]);
    int x0 = atoi(argv[3]), y0 = atoi(argv[4]), w = atoi(argv[5]), h = atoi(argv[6]);
    double s[3] = {0, 0, 0};
    long n = 0;
    for (int y = y0; y < y0 + h && y < a->h; y++)
        for (int x = x0; x < x0 + w && x < a->w; x++, n++)
            for (int c = 0; c < 3; c++)
                s[c] += px(a, x, y)[c];
    if (n == 0)
        return 2;
    printf("%.0f %.0f %.0f\n", s[0] / n, s[1] / n, s[2] / n);
    SDL_FreeSurface(a);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "compare"))
        return compare(argc, argv);
    if (argc == 3 && !strcmp(argv[1], "stats"))
        return stats(argv[2]);
    if (argc >= 7 && !strcmp(argv[1], "region"))
        return region(argc, argv);
    fprintf(stderr, "usage: imgdiff compare A B [--rotate D] [--mean M] [--pct P] [--diff OUT]\n"
                    "       imgdiff stats A\n       imgdiff region A X Y W H\n");
    return 2;
}

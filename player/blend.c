#include "blend.h"

/* (a*s + b*t) / 256 with s + t = 256 fits 16-bit lanes: no branches, no
 * table; exact at both ends (t = 0 and t = 256).  Blocks of a fixed 32
 * bytes let compilers vectorise even under GCC's -O2 "very cheap" cost
 * model, which skips loops of unknown length. */
#define BLOCK 32

void blend_mix(uint8_t *restrict dst, const uint8_t *restrict a, const uint8_t *restrict b,
               size_t n, unsigned t)
{
    if (t > BLEND_ONE) t = BLEND_ONE;
    unsigned s = BLEND_ONE - t;
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        for (size_t k = 0; k < BLOCK; k++)
            dst[i + k] = (uint8_t)((a[i + k] * s + b[i + k] * t) >> 8);
    for (; i < n; i++)
        dst[i] = (uint8_t)((a[i] * s + b[i] * t) >> 8);
}

void blend_over(uint8_t *restrict dst, const uint8_t *restrict b, size_t n, unsigned t)
{
    if (t > BLEND_ONE) t = BLEND_ONE;
    unsigned s = BLEND_ONE - t;
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        for (size_t k = 0; k < BLOCK; k++)
            dst[i + k] = (uint8_t)((dst[i + k] * s + b[i + k] * t) >> 8);
    for (; i < n; i++)
        dst[i] = (uint8_t)((dst[i] * s + b[i] * t) >> 8);
}

/* blend.h - mixing two pictures byte by byte, for fades drawn by the CPU.
 *
 * SDL's software renderer fades by copying the old slide and blending the
 * new one over it with a generic per-pixel routine: two passes over the
 * screen.  With the software path the player mixes the two slides straight
 * into the window in one pass with these loops, which compilers vectorise
 * (SSE2 / NEON) at -O2 because the buffers are declared not to overlap.
 * Pure C; any 8-bit channel layout (all buffers must share it).
 */
#ifndef SIGNAGE_BLEND_H
#define SIGNAGE_BLEND_H

#include <stddef.h>
#include <stdint.h>

#define BLEND_ONE 256

/* dst[i] = a[i] + (b[i] - a[i]) * t / 256 for n bytes: t = 0 gives a,
 * t = BLEND_ONE gives b.  dst, a and b must not overlap. */
void blend_mix(uint8_t *restrict dst, const uint8_t *restrict a, const uint8_t *restrict b,
               size_t n, unsigned t);

/* The same with dst as a: b mixed over what dst holds. */
void blend_over(uint8_t *restrict dst, const uint8_t *restrict b, size_t n, unsigned t);

#endif

/*
 * Internal: the DSP-extension basics shared by the MAC kernels (Cortex-M4, M7, M33, M55; gcc
 * defines __ARM_FEATURE_DSP): word loads, SXTB16 lane extraction, halfword pairing. TT_USE_DSP
 * is 1 when they are available and not turned off by -DTT_NO_DSP (the portable build).
 */
#ifndef TT_DSP_H
#define TT_DSP_H

#include <stdint.h>

#if defined(__ARM_FEATURE_DSP) && !defined(TT_NO_DSP)
#include <arm_acle.h>
#define TT_USE_DSP 1

static inline uint32_t tt_load4(const int8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4); /* one LDR: M4/M7 allow unaligned word loads */
    return v;
}

/* Bytes 0 and 2 / 1 and 3 of a word sign-extended into two 16-bit lanes. The odd form uses
 * SXTB16's built-in rotation (gcc 12 does not fold a separate rotate into it). */
static inline int16x2_t tt_even16(uint32_t v) { return __sxtb16(v); }

static inline int16x2_t tt_odd16(uint32_t v)
{
    int16x2_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* Two int8 rows a, b of four bytes each into halfword pairs: [a0 a1 b0 b1] and [a2 a3 b2 b3]
 * (PKHBT / PKHTB, written out: gcc 12 makes two instructions of the C form); SXTB16 and
 * SXTB16 ROR #8 of them give the lanes (a_k, b_k) of every k. */
static inline uint32_t tt_pair_lo(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t tt_pair_hi(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(b), "r"(a));
    return r;
}

/* The 16-bit lanes (lo, hi) of two int8 values. */
static inline uint32_t tt_lanes(int32_t lo, int32_t hi) { return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16); }

/* The 16-bit lanes (p[0], p[1]): h = [p0 p1 0 0] by one halfword load, h | h << 8 has p0 in byte 0
 * and p1 in byte 2, which SXTB16 extends. */
static inline uint32_t tt_lanes2(const int8_t *p)
{
    uint16_t h;
    __builtin_memcpy(&h, p, 2);
    return (uint32_t)tt_even16((uint32_t)h | ((uint32_t)h << 8));
}

/* The first t (1 to 3) bytes of p in the low bytes of a word, the others 0. */
static inline uint32_t tt_load_tail(const int8_t *p, uint32_t t)
{
    uint32_t v = (uint8_t)p[0];
    if (t > 1u) v |= (uint32_t)(uint8_t)p[1] << 8;
    if (t > 2u) v |= (uint32_t)(uint8_t)p[2] << 16;
    return v;
}
#else
#define TT_USE_DSP 0
#endif

#endif /* TT_DSP_H */

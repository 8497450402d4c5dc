/*
 * Internal: the int8 x int8 -> int32 multiply-accumulate blocks of the forward kernels.
 *
 * The portable path is plain C. On cores with the DSP extension (Cortex-M4, M7, M33, M55;
 * gcc defines __ARM_FEATURE_DSP) the block uses dual 16-bit MACs (SMLAD) on bytes unpacked
 * with SXTB16; define TT_NO_DSP to force the portable path. Integer sums are exact, so both
 * paths give identical results whatever the order (no overflow: see the fan-in proofs).
 */
#ifndef TT_DOT_H
#define TT_DOT_H

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
#else
#define TT_USE_DSP 0
#endif

/* s[r][c] = dot(x_r, w_c) over n for two rows of x and two rows of w (a 2x2 block).
 * Not inlined: its own register allocation keeps the four sums and the unpacked x lanes in
 * registers; each unpacked weight pair is used at once for both rows. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2"))) /* -Os alone spills the loop's pointers */
#endif
static void tt_dot_2x2(const int8_t *x0, const int8_t *x1, const int8_t *w0, const int8_t *w1, uint32_t n,
                       int32_t s[2][2])
{
    int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
    uint32_t i = 0;
#if TT_USE_DSP
    const int8_t *stop = x0 + (n & ~3u);
    uint32_t xa, xb, wv;
    int16x2_t x0e, x0o, x1e, x1o, t;
    /* four bytes per iteration: unrolling further makes gcc spill the pointers (measured) */
    while (x0 != stop) {
        xa = tt_load4(x0), xb = tt_load4(x1);
        x0e = tt_even16(xa), x0o = tt_odd16(xa), x1e = tt_even16(xb), x1o = tt_odd16(xb);
        x0 += 4;
        x1 += 4;
        wv = tt_load4(w0);
        w0 += 4;
        t = tt_even16(wv);
        a00 = __smlad(x0e, t, a00);
        a10 = __smlad(x1e, t, a10);
        t = tt_odd16(wv);
        a00 = __smlad(x0o, t, a00);
        a10 = __smlad(x1o, t, a10);
        wv = tt_load4(w1);
        w1 += 4;
        t = tt_even16(wv);
        a01 = __smlad(x0e, t, a01);
        a11 = __smlad(x1e, t, a11);
        t = tt_odd16(wv);
        a01 = __smlad(x0o, t, a01);
        a11 = __smlad(x1o, t, a11);
    }
    n &= 3u;
#endif
    for (; i < n; i++) {
        a00 += (int32_t)x0[i] * w0[i];
        a01 += (int32_t)x0[i] * w1[i];
        a10 += (int32_t)x1[i] * w0[i];
        a11 += (int32_t)x1[i] * w1[i];
    }
    s[0][0] = a00;
    s[0][1] = a01;
    s[1][0] = a10;
    s[1][1] = a11;
}

/* dot(x, w) over n. */
static inline int32_t tt_dot(const int8_t *x, const int8_t *w, uint32_t n)
{
    int32_t a = 0;
    uint32_t i = 0;
#if TT_USE_DSP
    for (; i + 4u <= n; i += 4u) {
        uint32_t xv = tt_load4(x + i), wv = tt_load4(w + i);
        a = __smlad(tt_even16(xv), tt_even16(wv), __smlad(tt_odd16(xv), tt_odd16(wv), a));
    }
#endif
    for (; i < n; i++) a += (int32_t)x[i] * w[i];
    return a;
}

#endif /* TT_DOT_H */

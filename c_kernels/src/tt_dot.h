/*
 * Internal: the int8 x int8 -> int32 multiply-accumulate blocks of the forward kernels.
 *
 * The portable path is plain C (2x2 blocks, tt_dot_2x2). On cores with the DSP extension
 * (Cortex-M4, M7, M33, M55; gcc defines __ARM_FEATURE_DSP) pairs of input rows are first
 * sign-extended into 16-bit lanes in a stack buffer (tt_pack2), then every pair of outputs is
 * a 2x2 block of dual 16-bit MACs (SMLAD) that unpacks only the weights (SXTB16) and keeps the
 * block in registers (tt_dot2_packed, its loop in assembly); define TT_NO_DSP to force the
 * portable path. Integer sums are exact, so both paths give identical results whatever the
 * order (no overflow: see the fan-in proofs).
 */
#ifndef TT_DOT_H
#define TT_DOT_H

#include <stdint.h>

#include "tt_rules.h"

#include "tt_dsp.h"

#if TT_USE_DSP
/* Input pairs pre-extended to 16-bit lanes, for all outputs at once. A chunk of up to
 * TT_PACK_K inputs of two rows x0, x1 is stored as groups of four words per four inputs k..k+3:
 *   (x0[k], x0[k+2]), (x0[k+1], x0[k+3]), (x1[k], x1[k+2]), (x1[k+1], x1[k+3])
 * (low lane first: the lane order of SXTB16 and SXTB16 ROR #8 on a weight word), so the MAC
 * loop unpacks only the weights. A last group of 1 to 3 inputs has zero lanes after them.
 * The buffer is 2 * TT_PACK_K 16-bit lanes (1 KB) on the stack of tt_dense_forward. */
#ifndef TT_PACK_K
#define TT_PACK_K 256u /* a multiple of 4; -DTT_PACK_K=128 halves the buffer (more chunks above 128 inputs) */
#endif
typedef char tt_assert_pack_k[(TT_PACK_K % 4u == 0u && TT_PACK_K >= 4u) ? 1 : -1];

/* Pack n (1..TT_PACK_K) inputs of rows x0 and x1 into buf (ceil(n / 4) groups). */
static void tt_pack2(const int8_t *x0, const int8_t *x1, uint32_t n, uint32_t *buf)
{
    const int8_t *stop = x0 + (n & ~3u);
    uint32_t t = n & 3u, a, b;
    while (x0 != stop) {
        a = tt_load4(x0), b = tt_load4(x1);
        x0 += 4;
        x1 += 4;
        buf[0] = (uint32_t)tt_even16(a);
        buf[1] = (uint32_t)tt_odd16(a);
        buf[2] = (uint32_t)tt_even16(b);
        buf[3] = (uint32_t)tt_odd16(b);
        buf += 4;
    }
    if (t != 0u) {
        a = tt_load_tail(x0, t), b = tt_load_tail(x1, t);
        buf[0] = (uint32_t)tt_even16(a);
        buf[1] = (uint32_t)tt_odd16(a);
        buf[2] = (uint32_t)tt_even16(b);
        buf[3] = (uint32_t)tt_odd16(b);
    }
}

/* One chunk of a packed pair against every pair of outputs (2x2 blocks). */
typedef struct {
    const uint32_t *xb; /* the packed chunk (tt_pack2) */
    uint32_t groups;    /* whole groups of four inputs in the chunk */
    uint32_t tail;      /* inputs after them, 0..3 (one more, zero-padded group in xb) */
    uint32_t n_in;      /* weight row stride */
    uint32_t pairs;     /* output pairs */
    int32_t first;      /* the chunk starts at input 0: sums start at 0, else at y0/y1 */
    int32_t last;       /* the chunk ends at input n_in: ReLU (if relu) and the running max */
    int32_t relu;
    int32_t max_abs;    /* running max |sum| of finished sums (updated when last) */
} tt_pack_job_t;

/* y_r[o] (+)= dot(chunk of x_r, chunk of w_o) for r = 0, 1 and o < 2 * pairs; w points to the
 * chunk's first input in weight row 0. Defined once, in tt_dense_forward.c (the conv forward
 * calls it too). */
void tt_dot2_packed(tt_pack_job_t *j, const int8_t *w, int32_t *y0, int32_t *y1); /* in tt_dense_forward.c */
#endif

/* ReLU if asked, store, and the running max |sum|. */
static inline int32_t tt_dense_put(int32_t *a, int32_t sum, int32_t relu, int32_t m)
{
    if (relu && sum < 0) sum = 0;
    *a = sum;
    return tt_max(m, tt_abs(sum));
}

#if TT_USE_DSP
static inline int32_t tt_dot(const int8_t *x, const int8_t *w, uint32_t n);

/* y_r[o] = relu?(dot(x_r, w_o)) for the two rows x0, x1 (x1 == x0, y1 == y0: one row) and every
 * output o < n_out: chunks of the pair packed into job->xb (tt_pack2) against every pair of
 * outputs (tt_dot2_packed), an odd last output by single dots. job holds n_in, pairs, relu and
 * the running max of the blocks; returns the running max m of the single dots. */
static inline int32_t tt_dense_rows2(tt_pack_job_t *job, uint32_t *buf, const int8_t *x0, const int8_t *x1,
                                     const int8_t *w, uint32_t n_out, int32_t *y0, int32_t *y1, int32_t m)
{
    const uint32_t n_in = job->n_in;
    uint32_t k0;
    if (job->pairs != 0u) {
        for (k0 = 0; k0 < n_in; k0 += TT_PACK_K) {
            uint32_t c = n_in - k0 < TT_PACK_K ? n_in - k0 : TT_PACK_K;
            tt_pack2(x0 + k0, x1 + k0, c, buf);
            job->groups = c / 4u;
            job->tail = c & 3u;
            job->first = k0 == 0u;
            job->last = k0 + c == n_in;
            tt_dot2_packed(job, w + k0, y0, y1);
        }
    }
    if (n_out & 1u) {
        const int8_t *wl = w + (n_out - 1u) * n_in;
        m = tt_dense_put(y0 + n_out - 1u, tt_dot(x0, wl, n_in), job->relu, m);
        if (x1 != x0) m = tt_dense_put(y1 + n_out - 1u, tt_dot(x1, wl, n_in), job->relu, m);
    }
    return m;
}
#endif

#if !TT_USE_DSP
/* s[r][c] = dot(x_r, w_c) over n for two rows of x and two rows of w (a 2x2 block), portable.
 * Not inlined: its own register allocation keeps the four sums in registers. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__thumb__) && !defined(__thumb2__)
__attribute__((noinline, unused)) /* no optimize("O2") here: with it gcc 12 drops the saves of r8-r11 */
#elif defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, unused, optimize("O2"))) /* -Os alone spills the loop's pointers */
#endif
static void tt_dot_2x2(const int8_t *x0, const int8_t *x1, const int8_t *w0, const int8_t *w1, uint32_t n,
                       int32_t s[2][2])
{
    int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
    uint32_t i = 0;
#if defined(__GNUC__) && defined(__thumb__) && !defined(__thumb2__)
    /* ARMv6-M (M0/M0+): the compiler's loop needs more than the eight low registers. Here the four
     * sums live in r8-r11 (ADD accepts high registers), MULS overwrites an operand at its last use
     * (x0[i] is loaded again rather than copied), and the index runs from -n up to 0 on pointers to
     * the rows' ends (no register for n): 7 low registers, 16 instructions per 4 MACs. The asm is
     * in divided syntax (gcc's inline asm mode for Thumb-1) and stores the sums itself. n >= 1. */
    uint32_t xa, wv;
    (void)a00, (void)a01, (void)a10, (void)a11;
    i = 0u - n;
    __asm__ volatile("mov %[xa], #0\n\t"
                     "mov r8, %[xa]\n\t"
                     "mov r9, %[xa]\n\t"
                     "mov r10, %[xa]\n\t"
                     "mov r11, %[xa]\n"
                     "1:\n\t"
                     "ldrsb %[xa], [%[x0], %[i]]\n\t"
                     "ldrsb %[wv], [%[w0], %[i]]\n\t"
                     "mul %[xa], %[wv]\n\t"
                     "add r8, %[xa]\n\t"
                     "ldrsb %[xa], [%[x1], %[i]]\n\t"
                     "mul %[wv], %[xa]\n\t"
                     "add r10, %[wv]\n\t"
                     "ldrsb %[wv], [%[w1], %[i]]\n\t"
                     "mul %[xa], %[wv]\n\t"
                     "add r11, %[xa]\n\t"
                     "ldrsb %[xa], [%[x0], %[i]]\n\t"
                     "mul %[xa], %[wv]\n\t"
                     "add r9, %[xa]\n\t"
                     "add %[i], #1\n\t"
                     "bne 1b\n\t"
                     "mov %[xa], r8\n\t"
                     "str %[xa], [%[s], #0]\n\t"
                     "mov %[xa], r9\n\t"
                     "str %[xa], [%[s], #4]\n\t"
                     "mov %[xa], r10\n\t"
                     "str %[xa], [%[s], #8]\n\t"
                     "mov %[xa], r11\n\t"
                     "str %[xa], [%[s], #12]\n\t"
                     : [i] "+l"(i), [xa] "=&l"(xa), [wv] "=&l"(wv)
                     : [x0] "l"(x0 + n), [x1] "l"(x1 + n), [w0] "l"(w0 + n), [w1] "l"(w1 + n), [s] "l"(&s[0][0])
                     : "r8", "r9", "r10", "r11", "cc", "memory");
    return;
#else
    for (; i < n; i++) {
        a00 += (int32_t)x0[i] * w0[i];
        a01 += (int32_t)x0[i] * w1[i];
        a10 += (int32_t)x1[i] * w0[i];
        a11 += (int32_t)x1[i] * w1[i];
    }
#endif
    s[0][0] = a00;
    s[0][1] = a01;
    s[1][0] = a10;
    s[1][1] = a11;
}
#endif

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

#if !TT_USE_DSP
/* The portable twin of tt_dense_rows2: y_r[o] = relu?(dot(x_r, w_o)) for rows x0, x1 (x1 == x0, y1 == y0:
 * one row) and every o < n_out, by 2x2 blocks (tt_dot_2x2) and single dots for an odd last output;
 * returns the running max |y| from m. */
static inline int32_t tt_dense_rows2_c(const int8_t *x0, const int8_t *x1, const int8_t *w, uint32_t n_in,
                                       uint32_t n_out, int32_t relu, int32_t *y0, int32_t *y1, int32_t m)
{
    uint32_t o;
    int32_t s[2][2];
    for (o = 0; o + 1u < n_out; o += 2u) {
        tt_dot_2x2(x0, x1, w + o * n_in, w + (o + 1u) * n_in, n_in, s);
        m = tt_dense_put(y0 + o, s[0][0], relu, m);
        m = tt_dense_put(y0 + o + 1u, s[0][1], relu, m);
        if (x1 != x0) {
            m = tt_dense_put(y1 + o, s[1][0], relu, m);
            m = tt_dense_put(y1 + o + 1u, s[1][1], relu, m);
        }
    }
    if (n_out & 1u) {
        const int8_t *wl = w + (n_out - 1u) * n_in;
        m = tt_dense_put(y0 + n_out - 1u, tt_dot(x0, wl, n_in), relu, m);
        if (x1 != x0) m = tt_dense_put(y1 + n_out - 1u, tt_dot(x1, wl, n_in), relu, m);
    }
    return m;
}
#endif

#endif /* TT_DOT_H */

#include "tt_axpy.h"
#include "tt_dsp.h"
#include "tt_rules.h"

#if TT_USE_DSP
/* Batch rows per chunk of the DSP path: the packed error pairs of a chunk are on the stack. */
#define TT_BE_ROWS 128u

/* a_b[i..i+3] (+)= SMLAD(e pair of row b, w pair of inputs i..i+3) for the rows b of a chunk:
 * ep walks the packed error pairs to end, ap the accumulator rows (stride bytes apart). The four
 * weight pairs stay in registers for the whole batch; the four sums of a row are loaded and
 * stored by LDM/STM. Two rows per iteration, an odd count enters at the second copy (as
 * TT_MAC_GROUPS). The first output pair stores SMUAD products instead (no zeroing pass). */
#define TT_BE_ROW_FIRST                                 \
    "ldr %[ev], [%[ep]], #4\n\t"                        \
    "smuad r8, %[w0], %[ev]\n\t"                        \
    "smuad r9, %[w1], %[ev]\n\t"                        \
    "smuad r10, %[w2], %[ev]\n\t"                       \
    "smuad r11, %[w3], %[ev]\n\t"                       \
    "stmia %[ap], {r8, r9, r10, r11}\n\t"               \
    "add %[ap], %[ap], %[stride]\n\t"
#define TT_BE_ROW_NEXT                                  \
    "ldr %[ev], [%[ep]], #4\n\t"                        \
    "ldmia %[ap], {r8, r9, r10, r11}\n\t"               \
    "smlad r8, %[w0], %[ev], r8\n\t"                    \
    "smlad r9, %[w1], %[ev], r9\n\t"                    \
    "smlad r10, %[w2], %[ev], r10\n\t"                  \
    "smlad r11, %[w3], %[ev], r11\n\t"                  \
    "stmia %[ap], {r8, r9, r10, r11}\n\t"               \
    "add %[ap], %[ap], %[stride]\n\t"
#define TT_BE_ROWS_ASM(row)                                                                              \
    __asm__ volatile("sub %[ev], %[end], %[ep]\n\t"                                                      \
                     "tst %[ev], #4\n\t"                                                                 \
                     "bne 2f\n"                                                                          \
                     "1:\n\t" row "2:\n\t" row                                                           \
                     "cmp %[ep], %[end]\n\t"                                                             \
                     "bne 1b\n\t"                                                                        \
                     : [ep] "+r"(ep), [ap] "+r"(ap), [ev] "=&r"(ev)                                      \
                     : [w0] "r"(w0), [w1] "r"(w1), [w2] "r"(w2), [w3] "r"(w3), [stride] "r"(stride),     \
                       [end] "r"(end)                                                                    \
                     : "r8", "r9", "r10", "r11", "memory", "cc")

/* acc[b][i] (+)= sum over outputs o, o + 1 of e[b][o] w[o][i] for the nb (>= 1) rows of ep and every
 * i < 4 * quads; wa, wc are weight rows o and o + 1. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2"))) /* -Os spills the pointers of the quad loop */
#endif
static void tt_be_pair(const uint32_t *ep0, uint32_t nb, const int8_t *wa, const int8_t *wc, uint32_t quads,
                       int32_t *acc, uint32_t n_in, int32_t first)
{
    const uint32_t *const end = ep0 + nb;
    const uint32_t stride = 4u * n_in;
    for (; quads != 0u; quads--) {
        const uint32_t a = tt_load4(wa), c = tt_load4(wc), lo = tt_pair_lo(a, c), hi = tt_pair_hi(a, c);
        const uint32_t w0 = (uint32_t)tt_even16(lo), w1 = (uint32_t)tt_odd16(lo), w2 = (uint32_t)tt_even16(hi),
                       w3 = (uint32_t)tt_odd16(hi);
        const uint32_t *ep = ep0;
        int32_t *ap = acc;
        uint32_t ev;
        if (first) TT_BE_ROWS_ASM(TT_BE_ROW_FIRST);
        else TT_BE_ROWS_ASM(TT_BE_ROW_NEXT);
        wa += 4;
        wc += 4;
        acc += 4;
    }
}

/* acc[b][i] = sum_o e[b][o] w[o][i] for rows b0..b0+nb-1: outputs in pairs (o, o+1), each pair's
 * errors packed once into 16-bit lanes, its weights four inputs at a time into lanes
 * (w[o][i], w[o+1][i]); an odd last output pairs with a zero error lane. Inputs after the last
 * multiple of four are summed in C. */
static void tt_be_rows(const int8_t *e, const int8_t *w, uint32_t b0, uint32_t nb, uint32_t n_in, uint32_t n_out,
                       int32_t *acc)
{
    uint32_t ep[TT_BE_ROWS], o, i, b, quads = n_in / 4u;
    for (o = 0; o < n_out; o += 2u) {
        const int8_t *wa = w + o * n_in, *wc = o + 1u < n_out ? wa + n_in : wa;
        const int8_t *eb = e + b0 * n_out + o;
        if (o + 1u < n_out) {
            for (b = 0; b < nb; b++, eb += n_out) ep[b] = tt_lanes2(eb);
        } else {
            for (b = 0; b < nb; b++, eb += n_out) ep[b] = (uint32_t)(uint16_t)(int16_t)eb[0];
        }
        if (quads != 0u) tt_be_pair(ep, nb, wa, wc, quads, acc + b0 * n_in, n_in, o == 0u);
    }
    for (i = 4u * quads; i < n_in; i++) {
        for (b = b0; b < b0 + nb; b++) {
            int32_t s = 0;
            for (o = 0; o < n_out; o++) s += (int32_t)e[b * n_out + o] * w[o * n_in + i];
            acc[b * n_in + i] = s;
        }
    }
}
#endif

/* e_in = requantise(e w) with the pre-update weights; no window (spec 4.2). */
tt_status_t tt_dense_backward_error(const tt_config_t *cfg, const int8_t *e, tt_header_t h_e, const int8_t *w,
                                    tt_header_t h_w, uint32_t batch, uint32_t n_in, uint32_t n_out, int32_t *acc,
                                    int8_t *e_in, tt_header_t *h_e_in)
{
    uint32_t b, n;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (e == 0 || w == 0 || acc == 0 || e_in == 0 || h_e_in == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_e) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, e, batch * n_out) || !tt_payload_ok(cfg, w, n_out * n_in)) return TT_ERR_RANGE;
    n = batch * n_in;
#if TT_USE_DSP
    for (b = 0; b < batch; b += TT_BE_ROWS) tt_be_rows(e, w, b, batch - b < TT_BE_ROWS ? batch - b : TT_BE_ROWS, n_in, n_out, acc);
#else
    /* outputs two at a time (tt_axpy2); an odd last one pairs with a zero error */
    for (b = 0; b < batch; b++) {
        const int8_t *eb = e + b * n_out;
        int32_t *ab = acc + b * n_in;
        uint32_t o, i;
        for (i = 0; i < n_in; i++) ab[i] = 0;
        for (o = 0; o < n_out; o += 2u) {
            const int8_t *wo = w + o * n_in;
            int32_t e0 = eb[o], e1 = o + 1u < n_out ? eb[o + 1u] : 0;
            if (e0 != 0 || e1 != 0) tt_axpy2(ab, wo, e1 != 0 ? wo + n_in : wo, e0, e1, n_in);
        }
    }
#endif
    return tt_requant_output(cfg, acc, n, tt_header_mul(h_e, h_w), e_in, h_e_in);
}

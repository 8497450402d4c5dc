#include "tt_update_plan.h"

#include "tt_axpy.h"
#include "tt_dsp.h"

typedef struct {
    const int8_t *e, *x;
    uint32_t batch, n_in, n_out;
#if TT_USE_DSP
    const uint32_t *xp; /* x packed by tt_grad_pack, or 0 (too large: the portable rows) */
    uint32_t pairs;     /* pairs of batch rows in xp: ceil(batch / 4) * 2, zero rows after the batch */
#endif
} tt_dense_grad_rows_t;

/* Row o of g = e^T x: out[i] = sum over the batch of e[b][o] x[b][i] (n_in words). Portable:
 * batch rows two at a time (tt_axpy2); an odd last one pairs with a zero error. */
static void tt_dense_gradient_row_c(const tt_dense_grad_rows_t *c, uint32_t o, int32_t *out)
{
    uint32_t b, i;
    for (i = 0; i < c->n_in; i++) out[i] = 0;
    for (b = 0; b < c->batch; b += 2u) {
        const int8_t *x0 = c->x + b * c->n_in;
        int32_t e0 = c->e[b * c->n_out + o], e1 = b + 1u < c->batch ? c->e[(b + 1u) * c->n_out + o] : 0;
        if (e0 != 0 || e1 != 0) tt_axpy2(out, x0, e1 != 0 ? x0 + c->n_in : x0, e0, e1, c->n_in);
    }
}

#if TT_USE_DSP
/* The DSP rows: x is packed once per call, so that every row is SMLADs over pairs of batch rows.
 * For each four inputs i..i+3 (zero bytes past n_in) and each pair of batch rows b, b + 1 (zero
 * rows past the batch), two words [x_b[i] x_b[i+1] x_b1[i] x_b1[i+1]] and the same for i + 2,
 * i + 3 (tt_pair_lo / tt_pair_hi): SXTB16 (ROR #8) of them are the lanes (x_b[k], x_b1[k]). The
 * buffer is TT_GRAD_PACK_WORDS words on the stack of the two entry points (2 KB: batch 32 x 64
 * inputs); larger x uses the portable rows. -DTT_GRAD_PACK_WORDS=0 turns the buffer off. */
#ifndef TT_GRAD_PACK_WORDS
#define TT_GRAD_PACK_WORDS 512u
#endif
#define TT_GRAD_EP 64u /* error pairs of a row on the row's stack: batch <= 256 */

static uint32_t tt_grad_pack_words(uint32_t batch, uint32_t n_in)
{
    uint32_t pairs = (batch + 3u) / 4u * 2u;
    if (pairs > TT_GRAD_EP) return TT_GRAD_PACK_WORDS + 1u;
    return (n_in + 3u) / 4u * pairs * 2u; /* < 2^32: n_in <= TT_MAX_ELEMENTS */
}

static uint32_t tt_grad_load(const int8_t *p, uint32_t t) { return t >= 4u ? tt_load4(p) : tt_load_tail(p, t); }

static void tt_grad_pack(const tt_dense_grad_rows_t *c, uint32_t *buf)
{
    uint32_t i, b, n_in = c->n_in;
    for (i = 0; i < n_in; i += 4u) {
        for (b = 0; b < 2u * c->pairs; b += 2u) {
            const int8_t *x0 = c->x + b * n_in + i;
            uint32_t a = b < c->batch ? tt_grad_load(x0, n_in - i) : 0u;
            uint32_t d = b + 1u < c->batch ? tt_grad_load(x0 + n_in, n_in - i) : 0u;
            *buf++ = tt_pair_lo(a, d);
            *buf++ = tt_pair_hi(a, d);
        }
    }
}

/* Two pairs of batch rows of four sums: r8-r11 the packed x words (LDM), e0 and e1 the error
 * pairs (LDRD), each x word unpacked once into t. */
#define TT_GRAD_2PAIRS                                  \
    "ldmia %[xq]!, {r8, r9, r10, r11}\n\t"              \
    "ldrd %[e0], %[e1], [%[ep]], #8\n\t"                \
    "sxtb16 %[t], r8\n\t"                               \
    "smlad %[a0], %[t], %[e0], %[a0]\n\t"               \
    "sxtb16 %[t], r8, ror #8\n\t"                       \
    "smlad %[a1], %[t], %[e0], %[a1]\n\t"               \
    "sxtb16 %[t], r9\n\t"                               \
    "smlad %[a2], %[t], %[e0], %[a2]\n\t"               \
    "sxtb16 %[t], r9, ror #8\n\t"                       \
    "smlad %[a3], %[t], %[e0], %[a3]\n\t"               \
    "sxtb16 %[t], r10\n\t"                              \
    "smlad %[a0], %[t], %[e1], %[a0]\n\t"               \
    "sxtb16 %[t], r10, ror #8\n\t"                      \
    "smlad %[a1], %[t], %[e1], %[a1]\n\t"               \
    "sxtb16 %[t], r11\n\t"                              \
    "smlad %[a2], %[t], %[e1], %[a2]\n\t"               \
    "sxtb16 %[t], r11, ror #8\n\t"                      \
    "smlad %[a3], %[t], %[e1], %[a3]\n\t"

/* a0..a3 = the four sums of the inputs of xq over every pair of batch rows; advances xq. */
#define TT_GRAD_QUAD()                                                                                          \
    do {                                                                                                        \
        const uint32_t *epp = ep;                                                                               \
        uint32_t e0, e1, t;                                                                                     \
        a0 = 0, a1 = 0, a2 = 0, a3 = 0;                                                                         \
        __asm__("1:\n\t" TT_GRAD_2PAIRS                                                                         \
                "cmp %[ep], %[end]\n\t"                                                                         \
                "bne 1b\n\t"                                                                                    \
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xq] "+r"(xq), [ep] "+r"(epp), \
                  [e0] "=&r"(e0), [e1] "=&r"(e1), [t] "=&r"(t)                                                 \
                : [end] "r"(epend)                                                                              \
                : "r8", "r9", "r10", "r11", "memory", "cc");                                                    \
    } while (0)

/* The first two pairs of a sum: SMUAD starts it (no zeroing). */
#define TT_GRAD_2PAIRS_FIRST                            \
    "ldmia %[xq]!, {r8, r9, r10, r11}\n\t"              \
    "ldrd %[e0], %[e1], [%[ep]], #8\n\t"                \
    "sxtb16 %[t], r8\n\t"                               \
    "smuad %[a0], %[t], %[e0]\n\t"                      \
    "sxtb16 %[t], r8, ror #8\n\t"                       \
    "smuad %[a1], %[t], %[e0]\n\t"                      \
    "sxtb16 %[t], r9\n\t"                               \
    "smuad %[a2], %[t], %[e0]\n\t"                      \
    "sxtb16 %[t], r9, ror #8\n\t"                       \
    "smuad %[a3], %[t], %[e0]\n\t"                      \
    "sxtb16 %[t], r10\n\t"                              \
    "smlad %[a0], %[t], %[e1], %[a0]\n\t"               \
    "sxtb16 %[t], r10, ror #8\n\t"                      \
    "smlad %[a1], %[t], %[e1], %[a1]\n\t"               \
    "sxtb16 %[t], r11\n\t"                              \
    "smlad %[a2], %[t], %[e1], %[a2]\n\t"               \
    "sxtb16 %[t], r11, ror #8\n\t"                      \
    "smlad %[a3], %[t], %[e1], %[a3]\n\t"

/* TT_GRAD_QUAD for a multiple of four pairs: the first four peeled (SMUAD starts the sums), then
 * four per iteration (half the loop tests). */
#define TT_GRAD_QUAD4()                                                                                         \
    do {                                                                                                        \
        const uint32_t *epp = ep;                                                                               \
        uint32_t e0, e1, t;                                                                                     \
        __asm__(TT_GRAD_2PAIRS_FIRST TT_GRAD_2PAIRS                                                             \
                "cmp %[ep], %[end]\n\t"                                                                         \
                "beq 3f\n"                                                                                      \
                "1:\n\t" TT_GRAD_2PAIRS TT_GRAD_2PAIRS                                                           \
                "cmp %[ep], %[end]\n\t"                                                                         \
                "bne 1b\n"                                                                                      \
                "3:\n\t"                                                                                        \
                : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [xq] "+r"(xq), [ep] "+r"(epp), \
                  [e0] "=&r"(e0), [e1] "=&r"(e1), [t] "=&r"(t)                                                 \
                : [end] "r"(epend)                                                                              \
                : "r8", "r9", "r10", "r11", "memory", "cc");                                                    \
    } while (0)

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2"))) /* -Os spills the sums */
#endif
static void tt_dense_gradient_row_dsp(const tt_dense_grad_rows_t *c, uint32_t o, int32_t *out)
{
    uint32_t ep[TT_GRAD_EP], p, q;
    const uint32_t pairs = c->pairs, n_in = c->n_in, n_out = c->n_out, full = c->batch / 2u;
    const uint32_t *xq = c->xp, *const epend = ep + pairs;
    const int8_t *eo = c->e + o;
    int32_t a0, a1, a2, a3;
    /* the error pairs of column o, zero lanes past the batch */
    for (p = 0; p < full; p++, eo += 2u * n_out) ep[p] = tt_lanes(eo[0], eo[n_out]);
    for (; p < pairs; p++) ep[p] = 0u;
    if (c->batch & 1u) ep[full] = tt_lanes(eo[0], 0);
    if (pairs % 4u == 0u) {
        for (q = n_in / 4u; q != 0u; q--) {
            TT_GRAD_QUAD4();
            out[0] = a0, out[1] = a1, out[2] = a2, out[3] = a3;
            out += 4;
        }
    } else {
        for (q = n_in / 4u; q != 0u; q--) {
            TT_GRAD_QUAD();
            out[0] = a0, out[1] = a1, out[2] = a2, out[3] = a3;
            out += 4;
        }
    }
    if (n_in & 3u) {
        TT_GRAD_QUAD();
        out[0] = a0;
        if ((n_in & 3u) > 1u) out[1] = a1;
        if ((n_in & 3u) > 2u) out[2] = a2;
    }
}
#endif

/* Row o of g = e^T x (tt_grad_row_fn). */
static void tt_dense_gradient_row(const void *ctx, uint32_t o, int32_t *out)
{
    const tt_dense_grad_rows_t *c = (const tt_dense_grad_rows_t *)ctx;
#if TT_USE_DSP
    if (c->xp != 0) {
        tt_dense_gradient_row_dsp(c, o, out);
        return;
    }
#endif
    tt_dense_gradient_row_c(c, o, out);
}

/* The checks of both gradient kernels, then h_g = h_e * h_x and the row context c; writes nothing else. */
static tt_status_t tt_dense_gradient_check(const int8_t *e, tt_header_t h_e, const int8_t *x, tt_header_t h_x,
                                           uint32_t batch, uint32_t n_in, uint32_t n_out, tt_header_t *h_g,
                                           tt_dense_grad_rows_t *c)
{
    if (e == 0 || x == 0 || h_g == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (!tt_header_ok(h_e) || !tt_header_ok(h_x)) return TT_ERR_RANGE;
    if (!tt_no_int8_min(e, batch * n_out) || !tt_no_int8_min(x, batch * n_in)) return TT_ERR_RANGE;
    c->e = e;
    c->x = x;
    c->batch = batch;
    c->n_in = n_in;
    c->n_out = n_out;
#if TT_USE_DSP
    c->xp = 0;
    c->pairs = (batch + 3u) / 4u * 2u;
#endif
    return tt_hdr_narrow(tt_header_mul(h_e, h_x), h_g);
}

/* g = sum over the batch of e^T x in int32; h_g = h_e * h_x (spec 4.3). */
tt_status_t tt_dense_gradient(const int8_t *e, tt_header_t h_e, const int8_t *x, tt_header_t h_x, uint32_t batch,
                              uint32_t n_in, uint32_t n_out, int32_t *g, tt_header_t *h_g)
{
    tt_dense_grad_rows_t c;
    tt_header_t h;
    uint32_t o;
    tt_status_t st;
    if (g == 0 || h_g == 0) return TT_ERR_NULL;
    st = tt_dense_gradient_check(e, h_e, x, h_x, batch, n_in, n_out, &h, &c);
    if (st != TT_OK) return st;
#if TT_USE_DSP
    {
        uint32_t xp[TT_GRAD_PACK_WORDS + 1u];
        if (tt_grad_pack_words(batch, n_in) <= TT_GRAD_PACK_WORDS) tt_grad_pack(&c, xp), c.xp = xp;
        for (o = 0; o < n_out; o++) tt_dense_gradient_row(&c, o, g + o * n_in);
    }
#else
    for (o = 0; o < n_out; o++) tt_dense_gradient_row(&c, o, g + o * n_in);
#endif
    *h_g = h;
    return TT_OK;
}

/* The gradient (spec 4.3) and the update (4.4) of w [n_out][n_in], a row of g at a time (tt_update_plan.h). */
tt_status_t tt_dense_gradient_update(const tt_config_t *cfg, const int8_t *e, tt_header_t h_e, const int8_t *x,
                                     tt_header_t h_x, uint32_t batch, uint32_t n_in, uint32_t n_out, int8_t *w,
                                     tt_header_t *h_w, int32_t seed, int32_t step, int32_t tensor_id,
                                     int32_t *scratch, uint32_t scratch_words)
{
    tt_dense_grad_rows_t c;
    tt_header_t h_g;
    tt_status_t st = tt_dense_gradient_check(e, h_e, x, h_x, batch, n_in, n_out, &h_g, &c);
    if (st != TT_OK) return st;
#if TT_USE_DSP
    {
        uint32_t xp[TT_GRAD_PACK_WORDS + 1u];
        if (tt_grad_pack_words(batch, n_in) <= TT_GRAD_PACK_WORDS) tt_grad_pack(&c, xp), c.xp = xp;
        return tt_update_by_rows(cfg, w, h_w, h_g, n_out, n_in, tt_dense_gradient_row, &c, scratch, scratch_words,
                                 seed, step, tensor_id);
    }
#else
    return tt_update_by_rows(cfg, w, h_w, h_g, n_out, n_in, tt_dense_gradient_row, &c, scratch, scratch_words, seed,
                             step, tensor_id);
#endif
}

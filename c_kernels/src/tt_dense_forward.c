#include "tt_dot.h"
#include "tt_rules.h"

#if TT_USE_DSP
/* The 2x2 block of tt_dot.h (one copy for the dense and the conv forward). */

/* One group of four inputs of the 2x2 block: x lanes by one LDM into r8-r11 (their order in
 * the group), each weight word loaded with post-increment and unpacked once for both rows. */
#define TT_MAC_GROUP                                    \
    "ldmia %[xp]!, {r8, r9, r10, r11}\n\t"              \
    "ldr %[wv], [%[w0]], #4\n\t"                        \
    "sxtb16 %[t], %[wv]\n\t"                            \
    "smlad %[a00], r8, %[t], %[a00]\n\t"                \
    "smlad %[a10], r10, %[t], %[a10]\n\t"               \
    "sxtb16 %[wv], %[wv], ror #8\n\t"                   \
    "smlad %[a00], r9, %[wv], %[a00]\n\t"               \
    "smlad %[a10], r11, %[wv], %[a10]\n\t"              \
    "ldr %[wv], [%[w1]], #4\n\t"                        \
    "sxtb16 %[t], %[wv]\n\t"                            \
    "smlad %[a01], r8, %[t], %[a01]\n\t"                \
    "smlad %[a11], r10, %[t], %[a11]\n\t"               \
    "sxtb16 %[wv], %[wv], ror #8\n\t"                   \
    "smlad %[a01], r9, %[wv], %[a01]\n\t"               \
    "smlad %[a11], r11, %[wv], %[a11]\n\t"
#define TT_MAC_OPERANDS                                                                                  \
    [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [xp] "+r"(xp), [w0] "+r"(w0), \
        [w1] "+r"(w1), [wv] "=&r"(wv), [t] "=&r"(t)

/* a_rc += dot over the whole groups from xp to xend (x lanes) and w0, w1 (weights); advances
 * xp, w0 and w1. Two groups per iteration (32 instructions for 32 MACs); an odd count enters
 * at the second copy (bit 4 of the byte length), none skips. */
#define TT_MAC_GROUPS(xend)                                                                                  \
    __asm__("cmp %[xp], %[end]\n\t"                                                                          \
            "beq 3f\n\t"                                                                                     \
            "sub %[t], %[end], %[xp]\n\t"                                                                    \
            "tst %[t], #16\n\t"                                                                              \
            "bne 2f\n"                                                                                       \
            "1:\n\t" TT_MAC_GROUP "2:\n\t" TT_MAC_GROUP                                                      \
            "cmp %[xp], %[end]\n\t"                                                                          \
            "bne 1b\n"                                                                                       \
            "3:\n\t"                                                                                         \
            : TT_MAC_OPERANDS                                                                                \
            : [end] "r"(xend)                                                                                \
            : "r8", "r9", "r10", "r11", "memory", "cc")

/* The body of tt_dot2_packed; first, last, relu and has_tail are constants where it is used
 * for the common case (one chunk of whole groups), so their tests vanish from the block loop. */
static inline __attribute__((always_inline)) int32_t tt_dot2_body(const tt_pack_job_t *j, const int8_t *w, int32_t *y0,
                                                                  int32_t *y1, int32_t m, const int32_t first,
                                                                  const int32_t last, const int32_t relu,
                                                                  const int32_t has_tail)
{
    const uint32_t *const xb = j->xb, *const xend = xb + 4u * j->groups;
    const uint32_t n_in = j->n_in, tail = j->tail;
    uint32_t p;
    for (p = j->pairs; p != 0u; p--) {
        const uint32_t *xp = xb;
        const int8_t *w0 = w, *w1 = w + n_in;
        int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
        uint32_t wv, t;
        if (!first) a00 = y0[0], a01 = y0[1], a10 = y1[0], a11 = y1[1];
        TT_MAC_GROUPS(xend);
        if (has_tail && tail != 0u) {
            const int16x2_t x0e = (int16x2_t)xp[0], x0o = (int16x2_t)xp[1], x1e = (int16x2_t)xp[2],
                            x1o = (int16x2_t)xp[3];
            int16x2_t u;
            wv = tt_load_tail(w0, tail);
            u = tt_even16(wv);
            a00 = __smlad(x0e, u, a00);
            a10 = __smlad(x1e, u, a10);
            u = tt_odd16(wv);
            a00 = __smlad(x0o, u, a00);
            a10 = __smlad(x1o, u, a10);
            wv = tt_load_tail(w1, tail);
            u = tt_even16(wv);
            a01 = __smlad(x0e, u, a01);
            a11 = __smlad(x1e, u, a11);
            u = tt_odd16(wv);
            a01 = __smlad(x0o, u, a01);
            a11 = __smlad(x1o, u, a11);
        }
        if (last) {
            if (relu) {
                a00 = tt_max(a00, 0), a01 = tt_max(a01, 0), a10 = tt_max(a10, 0), a11 = tt_max(a11, 0);
                m = tt_max(m, tt_max(tt_max(a00, a01), tt_max(a10, a11)));
            } else {
                m = tt_max(m, tt_max(tt_max(tt_abs(a00), tt_abs(a01)), tt_max(tt_abs(a10), tt_abs(a11))));
            }
        }
        y0[0] = a00, y0[1] = a01, y1[0] = a10, y1[1] = a11;
        y0 += 2;
        y1 += 2;
        w += 2u * n_in;
    }
    return m;
}

/* y_r[o] (+)= dot(chunk of x_r, chunk of w_o) for r = 0, 1 and o < 2 * pairs; w points to the
 * chunk's first input in weight row 0. Not inlined: its own register allocation keeps the four
 * sums, the four input lanes of a group and the three pointers in registers. The MAC loop is
 * in assembly: gcc's schedule of the same intrinsics spilled the loop end and split the LDM
 * (measured: 20 instructions per group against 16). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2")))
#endif
void tt_dot2_packed(tt_pack_job_t *j, const int8_t *w, int32_t *y0, int32_t *y1)
{
    int32_t m = j->max_abs;
    if (j->first && j->last && j->tail == 0u) {
        if (j->relu) m = tt_dot2_body(j, w, y0, y1, m, 1, 1, 1, 0);
        else m = tt_dot2_body(j, w, y0, y1, m, 1, 1, 0, 0);
    } else {
        m = tt_dot2_body(j, w, y0, y1, m, j->first, j->last, j->relu, 1);
    }
    j->max_abs = m;
}
#endif

/* y = window(requantise(relu?(x w^T))) (spec 4.1). */
tt_status_t tt_dense_forward(const tt_config_t *cfg, const int8_t *x, tt_header_t h_x, const int8_t *w,
                             tt_header_t h_w, uint32_t batch, uint32_t n_in, uint32_t n_out, int32_t relu,
                             int32_t *acc, int8_t *y, tt_header_t *h_y)
{
    uint32_t b, n;
    int32_t m = 0;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (x == 0 || w == 0 || acc == 0 || y == 0 || h_y == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_x) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, x, batch * n_in) || !tt_payload_ok(cfg, w, n_out * n_in)) return TT_ERR_RANGE;
    n = batch * n_out;
#if TT_USE_DSP
    {
        /* Pairs of batch rows, pre-extended to 16-bit lanes one chunk of inputs at a time, against
         * every pair of outputs (tt_dot2_packed). An odd last row is paired with itself: both rows
         * of the block compute the same sums into the same place. An odd last output uses single
         * dots. */
        uint32_t buf[TT_PACK_K]; /* 2 rows x TT_PACK_K 16-bit lanes: 1 KB */
        tt_pack_job_t job;
        job.xb = buf;
        job.n_in = n_in;
        job.pairs = n_out / 2u;
        job.relu = relu;
        job.max_abs = 0;
        for (b = 0; b < batch; b += 2u) {
            const int8_t *x0 = x + b * n_in, *x1 = b + 1u < batch ? x0 + n_in : x0;
            int32_t *y0 = acc + b * n_out, *y1 = b + 1u < batch ? y0 + n_out : y0;
            m = tt_dense_rows2(&job, buf, x0, x1, w, n_out, y0, y1, m);
        }
        m = tt_max(m, job.max_abs);
    }
#else
    /* 2x2 blocks of (batch row, output) share every load; odd edges fall back to single dots */
    for (b = 0; b < batch; b += 2u) {
        uint32_t o;
        const int8_t *x0 = x + b * n_in, *x1 = b + 1u < batch ? x0 + n_in : x0;
        for (o = 0; o < n_out; o += 2u) {
            const int8_t *w0 = w + o * n_in, *w1 = o + 1u < n_out ? w0 + n_in : w0;
            int32_t s[2][2];
            uint32_t r, c;
            if (b + 1u < batch && o + 1u < n_out) {
                tt_dot_2x2(x0, x1, w0, w1, n_in, s);
            } else {
                s[0][0] = tt_dot(x0, w0, n_in);
                s[0][1] = o + 1u < n_out ? tt_dot(x0, w1, n_in) : 0;
                s[1][0] = b + 1u < batch ? tt_dot(x1, w0, n_in) : 0;
                s[1][1] = 0;
            }
            for (r = 0; r < 2u && b + r < batch; r++) {
                for (c = 0; c < 2u && o + c < n_out; c++) m = tt_dense_put(acc + (b + r) * n_out + o + c, s[r][c], relu, m);
            }
        }
    }
#endif
    return tt_acc_output_ex(cfg, acc, n, m, relu != 0, tt_header_mul(h_x, h_w), y, h_y);
}

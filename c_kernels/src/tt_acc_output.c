#include "tt_rules.h"

#if defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
#endif

/* Shared output path of dense and conv layers: ReLU on int32 (already applied by the caller
 * when it tracks the maximum), requantise, window, narrow (spec 4.1).
 *
 * One pass. Requantising, q = saturate(rshift_round(a, shift), qmax), is odd and monotone in a,
 * so max|q| = saturate(rshift_round(max_abs, shift), qmax): the window plan (spec 3.6) is known
 * before any element is converted. Every step is then applied to |a| and the sign put back
 * (round half away from zero, saturation and the fine steps are all odd):
 *   r = min((|a| + half) >> shift, qmax)     requantise (spec 3.2, 3.5); half = 2^shift / 2
 *   r = ((r << left) * mul + wh) >> ws       window (spec 3.3, 3.6); wh = 2^ws / 2
 * where (mul, ws) is the up step, the down step, the right shift (1, 1) or nothing (1, 0): the
 * plan sets at most one of them (left only with up; down and right only above the window).
 * |a| + half < 2^32: no overflow in uint32. */

#if defined(__GNUC__) && !defined(__clang__)
#define TT_HOT __attribute__((noinline, optimize("O2")))
#else
#define TT_HOT
#endif

/* min(r, 127) for r < 2^31 */
static inline uint32_t tt_sat127(uint32_t r)
{
#if defined(__ARM_FEATURE_SAT)
    return (uint32_t)__usat((int32_t)r, 7);
#else
    return r > 127u ? 127u : r;
#endif
}

/* The loops for qmax = 127 (every kernel stores int8): with or without the window, on signed
 * accumulators or on accumulators known to be >= 0 (after a ReLU: no sign steps). n >= 1. */
#define TT_RQ_SIGN(a) ((a) >> 31) /* 0 or -1 */
#define TT_RQ_LOOP(name, params, sign, window)                                                          \
    TT_HOT static void name(const int32_t *acc, uint32_t n, int8_t *y, uint32_t half, uint32_t shift params) \
    {                                                                                                    \
        const int32_t *const stop = acc + n;                                                             \
        do {                                                                                             \
            int32_t a = *acc++;                                                                          \
            int32_t s = sign(a);                                                                         \
            uint32_t r = tt_sat127(((uint32_t)(a ^ s) - (uint32_t)s + half) >> shift);                   \
            window;                                                                                      \
            *y++ = (int8_t)(((int32_t)r ^ s) - s);                                                       \
        } while (acc != stop);                                                                           \
    }
#define TT_RQ_NONE(a) 0
#define TT_RQ_WINDOW_PARAMS , uint32_t left, uint32_t mul, uint32_t wh, uint32_t ws
#define TT_RQ_WINDOW r = ((r << left) * mul + wh) >> ws

TT_RQ_LOOP(tt_rq_signed, , TT_RQ_SIGN, (void)0)
TT_RQ_LOOP(tt_rq_nonneg, , TT_RQ_NONE, (void)0)
TT_RQ_LOOP(tt_rq_signed_window, TT_RQ_WINDOW_PARAMS, TT_RQ_SIGN, TT_RQ_WINDOW)
TT_RQ_LOOP(tt_rq_nonneg_window, TT_RQ_WINDOW_PARAMS, TT_RQ_NONE, TT_RQ_WINDOW)

tt_status_t tt_acc_output_ex(const tt_config_t *cfg, const int32_t *acc, uint32_t n, int32_t max_abs, int32_t nonneg,
                             tt_hdr32_t h, int8_t *y, tt_header_t *h_y)
{
    uint32_t shift = (uint32_t)tt_requant_shift(cfg, max_abs), half = (1u << shift) >> 1, mul = 1u, ws = 0u, wh,
                left;
    tt_window_plan_t plan = tt_window_plan(cfg, tt_saturate(tt_rshift_round1(max_abs, (int32_t)shift), cfg->qmax));
    tt_status_t st;
    if (cfg->qmax != 127) return TT_ERR_CONFIG; /* y is int8: both callers accept only payload_bits = 8 */
    h.s += (int32_t)shift;
    st = tt_hdr_narrow(tt_window_header(&plan, h), h_y);
    if (st != TT_OK || n == 0u) return st;
    if (plan.up) {
        mul = (uint32_t)cfg->up_mul;
        ws = (uint32_t)cfg->up_shift;
    } else if (plan.down) {
        mul = (uint32_t)cfg->down_mul;
        ws = (uint32_t)cfg->down_shift;
    } else if (plan.right) {
        ws = 1u;
    }
    wh = (1u << ws) >> 1;
    left = (uint32_t)plan.left;
    if (left == 0u && ws == 0u) { /* already in the window */
        if (nonneg) tt_rq_nonneg(acc, n, y, half, shift);
        else tt_rq_signed(acc, n, y, half, shift);
    } else {
        if (nonneg) tt_rq_nonneg_window(acc, n, y, half, shift, left, mul, wh, ws);
        else tt_rq_signed_window(acc, n, y, half, shift, left, mul, wh, ws);
    }
    return TT_OK;
}

void tt_requant_i8(const int32_t *acc, uint32_t n, int8_t *y, uint32_t shift)
{
    if (n != 0u) tt_rq_signed(acc, n, y, (1u << shift) >> 1, shift);
}

tt_status_t tt_acc_output(const tt_config_t *cfg, const int32_t *acc, uint32_t n, int32_t max_abs, tt_hdr32_t h,
                          int8_t *y, tt_header_t *h_y)
{
    return tt_acc_output_ex(cfg, acc, n, max_abs, 0, h, y, h_y);
}

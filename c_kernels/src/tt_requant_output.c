#include "tt_rules.h"

/* The OR of |acc[i]| over n: the shift of spec 3.5 needs only bitwidth(max |acc|), and the
 * bitwidth of an OR is the largest bitwidth (cheaper than a running max: no compare). */
static uint32_t tt_or_abs(const int32_t *acc, uint32_t n)
{
    uint32_t m = 0, i = 0;
#define TT_UABS(a) (((uint32_t)(a) ^ (uint32_t)((a) >> 31)) - (uint32_t)((a) >> 31))
    for (; i + 4u <= n; i += 4u) m |= TT_UABS(acc[i]) | TT_UABS(acc[i + 1u]) | TT_UABS(acc[i + 2u]) | TT_UABS(acc[i + 3u]);
    for (; i < n; i++) m |= TT_UABS(acc[i]);
#undef TT_UABS
    return m;
}

/* Requantise an int32 tensor to payloads without the window (backward errors, spec 4.2). */
tt_status_t tt_requant_output(const tt_config_t *cfg, const int32_t *acc, uint32_t n, tt_hdr32_t h, int8_t *q,
                              tt_header_t *h_q)
{
    uint32_t i;
    int32_t shift = tt_requant_shift(cfg, (int32_t)tt_or_abs(acc, n));
    tt_status_t st;
    h.s += shift;
    st = tt_hdr_narrow(h, h_q);
    if (st != TT_OK) return st;
    if (cfg->qmax == 127) tt_requant_i8(acc, n, q, (uint32_t)shift); /* int8: the forward's one-pass loop */
    else for (i = 0; i < n; i++) q[i] = (int8_t)tt_saturate(tt_rshift_round1(acc[i], shift), cfg->qmax);
    return TT_OK;
}

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
    int32_t shift;
    tt_status_t st;
    if (cfg->qmax != 127) return TT_ERR_CONFIG; /* q is int8: every caller accepts only payload_bits = 8 */
    shift = tt_requant_shift(cfg, (int32_t)tt_or_abs(acc, n));
    h.s += shift;
    st = tt_hdr_narrow(h, h_q);
    if (st != TT_OK) return st;
    tt_requant_i8(acc, n, q, (uint32_t)shift); /* the forward's one-pass loop */
    return TT_OK;
}

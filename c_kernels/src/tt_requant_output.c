#include "tt_rules.h"

/* Requantise an int32 tensor to payloads without the window (backward errors, spec 4.2). */
tt_status_t tt_requant_output(const tt_config_t *cfg, const int32_t *acc, uint32_t n, tt_hdr32_t h, int8_t *q,
                              tt_header_t *h_q)
{
    uint32_t i;
    int32_t m = 0, shift;
    tt_status_t st;
    for (i = 0; i < n; i++) m = tt_max(m, tt_abs(acc[i]));
    shift = tt_requant_shift(cfg, m);
    h.s += shift;
    st = tt_hdr_narrow(h, h_q);
    if (st != TT_OK) return st;
    for (i = 0; i < n; i++) q[i] = (int8_t)tt_saturate(tt_rshift_round1(acc[i], shift), cfg->qmax);
    return TT_OK;
}

#include "tt_rules.h"

/* q = saturate(rshift_round(acc, shift)), shift from bitwidth(max|acc|) (spec 3.5). */
tt_status_t tt_requantise(const tt_config_t *cfg, const int32_t *acc, uint32_t n, tt_header_t h_in, int8_t *q,
                          tt_header_t *h_out)
{
    int32_t m;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (acc == 0 || q == 0 || h_out == 0) return TT_ERR_NULL;
    if (n == 0u || n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8) return TT_ERR_CONFIG;
    m = tt_max_abs_i32(acc, n);
    if (m < 0) return TT_ERR_RANGE;
    return tt_requant_output(cfg, acc, n, tt_hdr_widen(h_in), q, h_out);
}

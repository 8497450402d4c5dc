#include "tt_rules.h"

/* y - t in the coarser of the two headers, one element (rules.rescale_to_coarser twice). */
static int32_t tt_mse_diff(const tt_config_t *cfg, int32_t y, int32_t t, tt_rescale_plan_t py, tt_rescale_plan_t pt)
{
    int32_t ya = tt_rshift_round_wide(tt_apply_downs(cfg, y, py.downs), -py.shift);
    int32_t ta = tt_rshift_round_wide(tt_apply_downs(cfg, t, pt.downs), -pt.shift);
    return ya - ta;
}

/* e = requantise(y - t), both in the coarser header (spec 5.1). */
tt_status_t tt_mse_error(const tt_config_t *cfg, const int8_t *y, tt_header_t h_y, const int8_t *t, tt_header_t h_t,
                         uint32_t n, int8_t *e, tt_header_t *h_e)
{
    uint32_t i;
    int32_t m = 0, shift;
    tt_hdr32_t hy, ht, hc;
    tt_rescale_plan_t py, pt;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (y == 0 || t == 0 || e == 0 || h_e == 0) return TT_ERR_NULL;
    if (n == 0u || n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_y) || !tt_header_ok(h_t)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, y, n) || !tt_payload_ok(cfg, t, n)) return TT_ERR_RANGE;
    hy = tt_hdr_widen(h_y);
    ht = tt_hdr_widen(h_t);
    hc = (3 * hy.s + hy.d - hy.u >= 3 * ht.s + ht.d - ht.u) ? hy : ht;
    py = tt_rescale_plan(hy, hc, 0);
    pt = tt_rescale_plan(ht, hc, 0);
    for (i = 0; i < n; i++) m = tt_max(m, tt_abs(tt_mse_diff(cfg, y[i], t[i], py, pt)));
    shift = tt_requant_shift(cfg, m);
    hc.s += shift;
    st = tt_hdr_narrow(hc, h_e);
    if (st != TT_OK) return st;
    for (i = 0; i < n; i++) {
        e[i] = (int8_t)tt_saturate(tt_rshift_round1(tt_mse_diff(cfg, y[i], t[i], py, pt), shift), cfg->qmax);
    }
    return TT_OK;
}

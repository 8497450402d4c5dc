#include "tt_rules.h"

/* One element of the final gradient shift: rounding right shift, or a left shift that fits. */
static int32_t tt_final_step(const tt_config_t *cfg, int32_t g, int32_t right, int32_t seed, int32_t step,
                             int32_t tensor_id, uint32_t index)
{
    if (right < 0) return tt_shl(g, -right);
    if (cfg->grad_stochastic) return tt_rshift_stochastic_wide(g, right, tt_hash(seed, step, tensor_id, (int32_t)index));
    return tt_rshift_round_wide(g, right);
}

/* w <- window(sat(w - G)), G the int32 gradient brought to w's units (spec 4.4); NITI: G cut to mu bits. */
tt_status_t tt_update_dense(const tt_config_t *cfg, int8_t *w, tt_header_t *h_w, int32_t *g, tt_header_t h_g,
                            uint32_t n, int32_t seed, int32_t step, int32_t tensor_id)
{
    uint32_t i;
    int32_t m, m2 = 0, pre, cap, right;
    tt_rescale_plan_t plan;
    tt_window_plan_t win;
    tt_header_t h_out;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (w == 0 || h_w == 0 || g == 0) return TT_ERR_NULL;
    if (n == 0u || n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(*h_w) || !tt_header_ok(h_g)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, w, n)) return TT_ERR_RANGE;
    m = tt_max_abs_i32(g, n);
    if (m < 0) return TT_ERR_RANGE;

    if (cfg->update_niti) {
        right = tt_max(tt_bitwidth(m) - cfg->niti_mu, 0);
        for (i = 0; i < n; i++) {
            int32_t d = tt_final_step(cfg, g[i], right, seed, step, tensor_id, i);
            w[i] = (int8_t)tt_saturate(w[i] - d, cfg->qmax);
        }
        return TT_OK;
    }
    /* 1. at most grad_pre_bits bits; 2. k down steps toward w's units */
    pre = tt_max(tt_bitwidth(m) - cfg->grad_pre_bits, 0);
    plan = tt_rescale_plan(tt_hdr_widen(h_g), tt_hdr_widen(*h_w), pre - cfg->lr_shift);
    for (i = 0; i < n; i++) {
        g[i] = tt_apply_downs(cfg, tt_rshift_round1(g[i], pre), plan.downs);
        m2 = tt_max(m2, tt_abs(g[i]));
    }
    /* 3. shift to w's units, capped at bitwidth(max|w|) - margin bits */
    cap = tt_max(tt_bitwidth(tt_max_abs_i8(w, n)) - cfg->update_margin, 1);
    right = tt_max(-plan.shift, tt_bitwidth(m2) - cap);
    for (i = 0; i < n; i++) {
        int32_t d = tt_final_step(cfg, g[i], right, seed, step, tensor_id, i);
        w[i] = (int8_t)tt_saturate(w[i] - d, cfg->qmax);
    }
    /* 4. window rule on the updated weights */
    win = tt_window_plan(cfg, tt_max_abs_i8(w, n));
    st = tt_hdr_narrow(tt_window_header(&win, tt_hdr_widen(*h_w)), &h_out);
    if (st != TT_OK) return st;
    for (i = 0; i < n; i++) w[i] = (int8_t)tt_window_value(cfg, &win, w[i]);
    *h_w = h_out;
    return TT_OK;
}

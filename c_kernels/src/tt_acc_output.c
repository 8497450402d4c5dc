#include "tt_rules.h"

/* Shared output path of dense and conv layers: ReLU on int32 (already applied by the caller
 * when it tracks the maximum), requantise, window, narrow (spec 4.1). */
tt_status_t tt_acc_output(const tt_config_t *cfg, const int32_t *acc, uint32_t n, int32_t max_abs, tt_hdr32_t h,
                          int8_t *y, tt_header_t *h_y)
{
    uint32_t i;
    int32_t shift = tt_requant_shift(cfg, max_abs), mq = 0;
    tt_window_plan_t plan;
    tt_status_t st;
    for (i = 0; i < n; i++) {
        int32_t q = tt_saturate(tt_rshift_round1(acc[i], shift), cfg->qmax);
        y[i] = (int8_t)q;
        mq = tt_max(mq, tt_abs(q));
    }
    h.s += shift;
    plan = tt_window_plan(cfg, mq);
    st = tt_hdr_narrow(tt_window_header(&plan, h), h_y);
    if (st != TT_OK) return st;
    if (plan.left == 0 && !plan.up && !plan.down && !plan.right) return TT_OK; /* already in the window */
    for (i = 0; i < n; i++) y[i] = (int8_t)tt_window_value(cfg, &plan, y[i]);
    return TT_OK;
}

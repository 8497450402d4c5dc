#include "tt_rules.h"

/* y = x expressed in h_to's units, h_to's scale >= h_from's: down steps, then a rounding shift (spec 3.7). */
tt_status_t tt_rescale_to_coarser(const tt_config_t *cfg, const int32_t *x, uint32_t n, tt_header_t h_from,
                                  tt_header_t h_to, int32_t *y)
{
    uint32_t i;
    tt_rescale_plan_t plan;
    int32_t limit;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (x == 0 || y == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    if (!tt_header_ok(h_from) || !tt_header_ok(h_to)) return TT_ERR_RANGE;
    plan = tt_rescale_plan(tt_hdr_widen(h_from), tt_hdr_widen(h_to), 0);
    if (plan.shift > 0) return TT_ERR_RANGE; /* h_to is finer than h_from */
    limit = TT_INT32_MAX / cfg->down_mul;
    for (i = 0; i < n; i++) {
        if (plan.downs > 0 && (x[i] > limit || x[i] < -limit)) return TT_ERR_RANGE;
        if (x[i] == TT_INT32_MIN) return TT_ERR_RANGE;
    }
    for (i = 0; i < n; i++) y[i] = tt_rshift_round_wide(tt_apply_downs(cfg, x[i], plan.downs), -plan.shift);
    return TT_OK;
}

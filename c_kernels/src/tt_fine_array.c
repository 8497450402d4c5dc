#include "tt_rules.h"

/* Shared body of tt_fine_up and tt_fine_down: y = rshift_round(x * mul, shift) after a domain check. */
tt_status_t tt_fine_array(const tt_config_t *cfg, const int32_t *x, int32_t *y, uint32_t n, int32_t up)
{
    uint32_t i;
    int32_t limit;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (x == 0 || y == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    limit = TT_INT32_MAX / (up ? cfg->up_mul : cfg->down_mul);
    for (i = 0; i < n; i++) {
        if (x[i] > limit || x[i] < -limit) return TT_ERR_RANGE;
    }
    for (i = 0; i < n; i++) y[i] = up ? tt_step_up(cfg, x[i]) : tt_step_down(cfg, x[i]);
    return TT_OK;
}

#include "tt_rules.h"

/* Window rule in place on an int8 tensor (spec 3.6). */
tt_status_t tt_window(const tt_config_t *cfg, int8_t *q, uint32_t n, tt_header_t *h)
{
    uint32_t i;
    tt_window_plan_t plan;
    tt_header_t out;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (q == 0 || h == 0) return TT_ERR_NULL;
    if (n == 0u || n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    if (!tt_payload_ok(cfg, q, n) || !tt_header_ok(*h)) return TT_ERR_RANGE;
    plan = tt_window_plan(cfg, tt_max_abs_i8(q, n));
    st = tt_hdr_narrow(tt_window_header(&plan, tt_hdr_widen(*h)), &out);
    if (st != TT_OK) return st;
    for (i = 0; i < n; i++) q[i] = (int8_t)tt_window_value(cfg, &plan, q[i]);
    *h = out;
    return TT_OK;
}

#include "tt_rules.h"

/* y[i] = fine down step of x[i] (spec 3.3); |x| must keep x * multiplier inside int32. */
tt_status_t tt_fine_down(const tt_config_t *cfg, const int32_t *x, int32_t *y, uint32_t n)
{
    return tt_fine_array(cfg, x, y, n, 0);
}

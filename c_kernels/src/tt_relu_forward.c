#include "tt_rules.h"

/* ReLU on int32 accumulators (spec 4.1). */
tt_status_t tt_relu_forward(const int32_t *acc, int32_t *y, uint32_t n)
{
    uint32_t i;
    if (acc == 0 || y == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    for (i = 0; i < n; i++) y[i] = acc[i] > 0 ? acc[i] : 0;
    return TT_OK;
}

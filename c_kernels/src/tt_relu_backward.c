#include "tt_rules.h"

/* The error passes where the stored activation is positive (spec 4.2). */
tt_status_t tt_relu_backward(const int8_t *e, const int8_t *y, int8_t *e_out, uint32_t n)
{
    uint32_t i;
    if (e == 0 || y == 0 || e_out == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    for (i = 0; i < n; i++) e_out[i] = y[i] > 0 ? e[i] : 0;
    return TT_OK;
}

#include "tt_rules.h"

/* y[i] = floor(x[i] / 2^s[i]) + [rem > top s bits of bits[i]]; s in [0, 63]. */
tt_status_t tt_rshift_stochastic(const int32_t *x, const int32_t *s, const uint32_t *bits, int32_t *y, uint32_t n)
{
    uint32_t i;
    if (x == 0 || s == 0 || bits == 0 || y == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    for (i = 0; i < n; i++) {
        if (s[i] < 0 || s[i] > 63 || (s[i] > 31 && x[i] == TT_INT32_MIN)) return TT_ERR_RANGE;
    }
    for (i = 0; i < n; i++) y[i] = tt_rshift_stochastic_wide(x[i], s[i], bits[i]);
    return TT_OK;
}

#include "tt_rules.h"

/* y[i] = x[i] / 2^s[i] rounded half away from zero; s in [0, 63], x != INT32_MIN for s >= 32. */
tt_status_t tt_rshift_round(const int32_t *x, const int32_t *s, int32_t *y, uint32_t n)
{
    uint32_t i;
    if (x == 0 || s == 0 || y == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    for (i = 0; i < n; i++) {
        if (s[i] < 0 || s[i] > 63 || (s[i] > 31 && x[i] == TT_INT32_MIN)) return TT_ERR_RANGE;
    }
    for (i = 0; i < n; i++) y[i] = tt_rshift_round_wide(x[i], s[i]);
    return TT_OK;
}

/* An example of a wrong kernel: tt_rshift_round rounding halves towards +infinity
 * ((x + 2^(s-1)) >> s) instead of away from zero, as spec 3.2 requires. It agrees with the
 * reference everywhere except on negative ties (x = -3, s = 1 gives -1, not -2), which the
 * goldens contain, so `tintin conformance --kernels .../wrong_rounding` fails and names it. */
#include "tintin.h"

#define INT32_MIN_VALUE (-2147483647 - 1)

static int32_t round_half_up(int32_t x, int32_t s)
{
    if (s == 0) return x;
    if (s > 31) return 0;
    /* The sum wraps (unsigned) near INT32_MAX: a second bug, but no undefined behaviour. */
    return (int32_t)((uint32_t)x + (1u << (s - 1))) >> s;
}

tt_status_t tt_rshift_round(const int32_t *x, const int32_t *s, int32_t *y, uint32_t n)
{
    uint32_t i;
    if (x == 0 || s == 0 || y == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    for (i = 0; i < n; i++) {
        if (s[i] < 0 || s[i] > 63 || (s[i] > 31 && x[i] == INT32_MIN_VALUE)) return TT_ERR_RANGE;
    }
    for (i = 0; i < n; i++) y[i] = round_half_up(x[i], s[i]);
    return TT_OK;
}

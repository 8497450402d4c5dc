/* An example user kernel: tt_relu_forward with its loop unrolled four ways.
 * `tintin conformance --kernels docs/examples/user-kernels/fast_relu` tests it against the
 * goldens; every other tt_* function comes from the reference kernels. */
#include "tintin.h"

static int32_t relu(int32_t v) { return v > 0 ? v : 0; }

tt_status_t tt_relu_forward(const int32_t *acc, int32_t *y, uint32_t n)
{
    uint32_t i = 0;
    if (acc == 0 || y == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    /* Four independent lanes per pass: fewer loop branches on a Cortex-M. */
    for (; i + 4u <= n; i += 4u) {
        y[i] = relu(acc[i]);
        y[i + 1u] = relu(acc[i + 1u]);
        y[i + 2u] = relu(acc[i + 2u]);
        y[i + 3u] = relu(acc[i + 3u]);
    }
    for (; i < n; i++) y[i] = relu(acc[i]);
    return TT_OK;
}

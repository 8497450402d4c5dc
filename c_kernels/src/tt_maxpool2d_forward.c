#include "tt_rules.h"

/* y = max of each k x k window (stride k) of an NHWC tensor. */
tt_status_t tt_maxpool2d_forward(const int8_t *x, uint32_t batch, uint32_t height, uint32_t width, uint32_t channels,
                                 uint32_t k, int8_t *y)
{
    uint32_t b, oh, ow, c, i, j, oh_n, ow_n;
    if (x == 0 || y == 0) return TT_ERR_NULL;
    if (k == 0u || height % k != 0u || width % k != 0u) return TT_ERR_SHAPE;
    if (!tt_dims_ok(batch, height * width) || !tt_dims_ok(batch * height * width, channels)) return TT_ERR_SHAPE;
    oh_n = height / k;
    ow_n = width / k;
    for (b = 0; b < batch; b++)
        for (oh = 0; oh < oh_n; oh++)
            for (ow = 0; ow < ow_n; ow++)
                for (c = 0; c < channels; c++) {
                    int8_t m = x[((b * height + oh * k) * width + ow * k) * channels + c];
                    for (i = 0; i < k; i++)
                        for (j = 0; j < k; j++) {
                            int8_t v = x[((b * height + oh * k + i) * width + ow * k + j) * channels + c];
                            if (v > m) m = v;
                        }
                    y[((b * oh_n + oh) * ow_n + ow) * channels + c] = m;
                }
    return TT_OK;
}

#include "tt_rules.h"

/* Route each window's error to its first (row-major) maximum; every other position gets 0. */
tt_status_t tt_maxpool2d_backward(const int8_t *e, const int8_t *x, uint32_t batch, uint32_t height, uint32_t width,
                                  uint32_t channels, uint32_t k, int8_t *e_in)
{
    uint32_t b, oh, ow, c, i, j, oh_n, ow_n, n;
    if (e == 0 || x == 0 || e_in == 0) return TT_ERR_NULL;
    if (k == 0u || height % k != 0u || width % k != 0u) return TT_ERR_SHAPE;
    if (!tt_dims_ok(batch, height * width) || !tt_dims_ok(batch * height * width, channels)) return TT_ERR_SHAPE;
    oh_n = height / k;
    ow_n = width / k;
    n = batch * height * width * channels;
    for (i = 0; i < n; i++) e_in[i] = 0;
    for (b = 0; b < batch; b++)
        for (oh = 0; oh < oh_n; oh++)
            for (ow = 0; ow < ow_n; ow++)
                for (c = 0; c < channels; c++) {
                    uint32_t best = ((b * height + oh * k) * width + ow * k) * channels + c;
                    for (i = 0; i < k; i++)
                        for (j = 0; j < k; j++) {
                            uint32_t at = ((b * height + oh * k + i) * width + ow * k + j) * channels + c;
                            if (x[at] > x[best]) best = at;
                        }
                    e_in[best] = e[((b * oh_n + oh) * ow_n + ow) * channels + c];
                }
    return TT_OK;
}

#include "tt_rules.h"

/* Direct convolution with zero padding; accumulation order does not matter (exact int32, spec 4.7). */
tt_status_t tt_conv2d_forward(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *x, tt_header_t h_x,
                              const int8_t *w, tt_header_t h_w, int32_t relu, int32_t *acc, int8_t *y,
                              tt_header_t *h_y)
{
    uint32_t oh_n, ow_n, b, oh, ow, oc, kh, kw, c, n;
    int32_t m = 0;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (x == 0 || w == 0 || acc == 0 || y == 0 || h_y == 0) return TT_ERR_NULL;
    st = tt_conv_check(g, &oh_n, &ow_n);
    if (st != TT_OK) return st;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_x) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, x, g->batch * g->height * g->width * g->channels) ||
        !tt_payload_ok(cfg, w, g->out_channels * g->kernel * g->kernel * g->channels))
        return TT_ERR_RANGE;
    n = 0;
    for (b = 0; b < g->batch; b++) {
        for (oh = 0; oh < oh_n; oh++) {
            for (ow = 0; ow < ow_n; ow++) {
                for (oc = 0; oc < g->out_channels; oc++) {
                    int32_t sum = 0;
                    for (kh = 0; kh < g->kernel; kh++) {
                        int32_t ih = (int32_t)(oh * g->stride + kh) - (int32_t)g->pad;
                        if (ih < 0 || ih >= (int32_t)g->height) continue;
                        for (kw = 0; kw < g->kernel; kw++) {
                            int32_t iw = (int32_t)(ow * g->stride + kw) - (int32_t)g->pad;
                            const int8_t *xp, *wp;
                            if (iw < 0 || iw >= (int32_t)g->width) continue;
                            xp = x + ((b * g->height + (uint32_t)ih) * g->width + (uint32_t)iw) * g->channels;
                            wp = w + ((oc * g->kernel + kh) * g->kernel + kw) * g->channels;
                            for (c = 0; c < g->channels; c++) sum += (int32_t)xp[c] * wp[c];
                        }
                    }
                    if (relu && sum < 0) sum = 0;
                    acc[n++] = sum;
                    m = tt_max(m, tt_abs(sum));
                }
            }
        }
    }
    return tt_acc_output(cfg, acc, n, m, tt_header_mul(h_x, h_w), y, h_y);
}

#include "tt_rules.h"

/* Scatter each output error back through the kernel (the transpose of the forward pass), then requantise. */
tt_status_t tt_conv2d_backward_error(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *e,
                                     tt_header_t h_e, const int8_t *w, tt_header_t h_w, int32_t *acc, int8_t *e_in,
                                     tt_header_t *h_e_in)
{
    uint32_t oh_n, ow_n, b, oh, ow, oc, kh, kw, c, n, i;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (e == 0 || w == 0 || acc == 0 || e_in == 0 || h_e_in == 0) return TT_ERR_NULL;
    st = tt_conv_check(g, &oh_n, &ow_n);
    if (st != TT_OK) return st;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_e) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, e, g->batch * oh_n * ow_n * g->out_channels) ||
        !tt_payload_ok(cfg, w, g->out_channels * g->kernel * g->kernel * g->channels))
        return TT_ERR_RANGE;
    n = g->batch * g->height * g->width * g->channels;
    for (i = 0; i < n; i++) acc[i] = 0;
    for (b = 0; b < g->batch; b++) {
        for (oh = 0; oh < oh_n; oh++) {
            for (ow = 0; ow < ow_n; ow++) {
                const int8_t *ep = e + ((b * oh_n + oh) * ow_n + ow) * g->out_channels;
                for (oc = 0; oc < g->out_channels; oc++) {
                    int32_t ev = ep[oc];
                    if (ev == 0) continue;
                    for (kh = 0; kh < g->kernel; kh++) {
                        int32_t ih = (int32_t)(oh * g->stride + kh) - (int32_t)g->pad;
                        if (ih < 0 || ih >= (int32_t)g->height) continue;
                        for (kw = 0; kw < g->kernel; kw++) {
                            int32_t iw = (int32_t)(ow * g->stride + kw) - (int32_t)g->pad;
                            int32_t *ap;
                            const int8_t *wp;
                            if (iw < 0 || iw >= (int32_t)g->width) continue;
                            ap = acc + ((b * g->height + (uint32_t)ih) * g->width + (uint32_t)iw) * g->channels;
                            wp = w + ((oc * g->kernel + kh) * g->kernel + kw) * g->channels;
                            for (c = 0; c < g->channels; c++) ap[c] += ev * wp[c];
                        }
                    }
                }
            }
        }
    }
    return tt_requant_output(cfg, acc, n, tt_header_mul(h_e, h_w), e_in, h_e_in);
}

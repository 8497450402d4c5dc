#include "tt_rules.h"

/* grad[OC][K][K][C] = sum over batch and output positions of e * input patch, in int32 (spec 4.3, 4.7). */
tt_status_t tt_conv2d_gradient(const tt_conv_geometry_t *g, const int8_t *e, tt_header_t h_e, const int8_t *x,
                               tt_header_t h_x, int32_t *grad, tt_header_t *h_grad)
{
    uint32_t oh_n, ow_n, b, oh, ow, oc, kh, kw, c, i, n;
    tt_status_t st;
    if (e == 0 || x == 0 || grad == 0 || h_grad == 0) return TT_ERR_NULL;
    st = tt_conv_check(g, &oh_n, &ow_n);
    if (st != TT_OK) return st;
    if (!tt_header_ok(h_e) || !tt_header_ok(h_x)) return TT_ERR_RANGE;
    for (i = 0; i < g->batch * oh_n * ow_n * g->out_channels; i++) if (e[i] == -128) return TT_ERR_RANGE;
    for (i = 0; i < g->batch * g->height * g->width * g->channels; i++) if (x[i] == -128) return TT_ERR_RANGE;
    st = tt_hdr_narrow(tt_header_mul(h_e, h_x), h_grad);
    if (st != TT_OK) return st;
    n = g->out_channels * g->kernel * g->kernel * g->channels;
    for (i = 0; i < n; i++) grad[i] = 0;
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
                            const int8_t *xp;
                            int32_t *gp;
                            if (iw < 0 || iw >= (int32_t)g->width) continue;
                            xp = x + ((b * g->height + (uint32_t)ih) * g->width + (uint32_t)iw) * g->channels;
                            gp = grad + ((oc * g->kernel + kh) * g->kernel + kw) * g->channels;
                            for (c = 0; c < g->channels; c++) gp[c] += ev * xp[c];
                        }
                    }
                }
            }
        }
    }
    return TT_OK;
}
